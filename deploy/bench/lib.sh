# Shared by the failover benchmarks (failover.sh, trace-takeover.sh): source it after deploy/lab.sh's lab_up, with
# WORK (a scratch folder), H1 (the backup's namespace) and H2 (the master's) set.

# bench_pin PIN: with PIN=1 and more than one CPU, this shell and everything it starts from now on runs on all CPUs
# but the last, which BACKUP_CPU names and bench_start gives the backup alone, as on two hosts. Sets PIN to 0 when
# there is a single CPU.
bench_pin() {
    BACKUP_CPU=$(($(nproc) - 1))
    if (($1)) && ((BACKUP_CPU > 0)); then
        taskset -cp "0-$((BACKUP_CPU - 1))" $$ >/dev/null
        PIN=1
    else
        PIN=0
    fi
}

# bench_start IMPL NS NAME CONF [CPU] -> echoes the pid to signal (keepalived's VRRP child's pid is in
# $LAB_DIR/NAME-vrrp.pid). Called in $(...): the lab's pid files (which lab_down reads) clean these up on an abort.
bench_start() {
    local impl=$1 ns=$2 name=$3 conf=$4 pin=()
    [[ -z ${5:-} ]] || pin=(taskset -c "$5")
    if [[ $impl == actorha ]]; then
        "${pin[@]}" ip netns exec "$ns" "$ACTORHA" -n -G -f "$conf" -p "$LAB_DIR/$name.pid" --state-dir "$WORK/$name.state" >"$WORK/$name.log" 2>&1 &
    else
        "${pin[@]}" ip netns exec "$ns" keepalived -n -l -G --vrrp -f "$conf" -p "$LAB_DIR/$name.pid" -r "$LAB_DIR/$name-vrrp.pid" >"$WORK/$name.log" 2>&1 &
    fi
    echo $!
}

# bench_backup_cpu: the CPU argument for bench_start's backup (empty when not pinned).
bench_backup_cpu() { if ((PIN)); then echo "$BACKUP_CPU"; fi; }

holds() { ip -n "$1" -o addr show dev eth0 | grep -q " 192.0.2.100/"; }
not_holds() { ! holds "$1"; }
wait_for() { local until=$((SECONDS + $1)); shift; while ! "$@"; do ((SECONDS < until)) || return 1; sleep 0.01; done; }

# bench_fail BACKUP_PID MASTER_PID MESSAGE: a run that went wrong still stops its nodes (status 1, for `|| return`).
bench_fail() { echo "$3" >&2; bench_end_run "$1" "$2"; return 1; }

# bench_end_run BACKUP_PID MASTER_PID: stop both nodes and leave both hosts as a new run expects them.
bench_end_run() {
    kill -TERM "$1" 2>/dev/null || true
    kill -KILL "$2" 2>/dev/null || true
    sleep 1.5
    kill -KILL "$1" 2>/dev/null || true
    ip -n "$H2" link set eth0 up
    local ns
    for ns in "$H1" "$H2"; do ip -n "$ns" addr del 192.0.2.100/32 dev eth0 2>/dev/null || true; done
    sleep 0.5
}
