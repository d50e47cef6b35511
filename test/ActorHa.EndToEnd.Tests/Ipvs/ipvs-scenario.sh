#!/usr/bin/env bash
# Runs inside the IPVS VM (deploy/ipvs-vm.sh), in the work folder IpvsKernelTests prepared: keepalived.conf,
# STEP.expected tables, ACTORHA (the published node). Drives real backends and the node through checker
# transitions and, after each, waits for `ipvsadm -Ln` to equal STEP.expected, leaving STEP.actual and a line
#   STEP <name> ok <ms>        (ms from the action to the table matching)
#   STEP <name> timeout <ms>
# The node's log is node-1.log / node-2.log.
set -u
ACTORHA=$(cat ACTORHA)
# /run is a tmpfs in the VM: the control socket (next to the pid file) cannot be bound on the 9p work folder.
RUN=/run/actorha
mkdir -p "$RUN" www
echo ok >www/index.html

# ipvsadm -Ln without headers and connection counters, one line per service and per destination, sorted.
table() {
    ipvsadm -Ln | awk 'NR > 3 { if ($1 == "->") print svc " -> " $2 " " $3 " " $4; else { svc = $1 " " $2; $1 = $1; print } }' | LC_ALL=C sort
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_table NAME SINCE_MS TIMEOUT_S
wait_table() {
    local name=$1 since=$2 deadline=$(($(now_ms) + $3 * 1000))
    while true; do
        table >"$name.actual"
        if cmp -s "$name.expected" "$name.actual"; then
            echo "STEP $name ok $(($(now_ms) - since))"
            return 0
        fi
        if (($(now_ms) > deadline)); then
            echo "STEP $name timeout $(($(now_ms) - since))"
            return 1
        fi
        sleep 0.05
    done
}

# busybox httpd starts at once even under TCG (python3's http.server takes seconds there).
backend() { busybox httpd -f -p "$1:$2" -h "$PWD/www" >/dev/null 2>&1 & echo $!; }

# Wait until a backend accepts connections, so its checker sees it up.
wait_listening() {
    for _ in $(seq 1 200); do
        (echo >"/dev/tcp/$1/$2") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

fail() {
    echo "scenario failed at $1"
    for f in node-*.log; do echo "--- $f"; tail -n 60 "$f"; done
    exit 1
}

# Before the node: the configured service with the wrong scheduler, one real server at the wrong weight and one
# stale destination; and a service the configuration does not name, which the node must never touch.
ipvsadm -A -t 192.0.2.100:80 -s rr
ipvsadm -a -t 192.0.2.100:80 -r 127.0.0.11:8081 -m -w 1
ipvsadm -a -t 192.0.2.100:80 -r 127.0.0.99:8099 -m -w 1
ipvsadm -A -t 198.51.100.1:443 -s rr

rs1=$(backend 127.0.0.11 8081)
rs2=$(backend 127.0.0.12 8082)
wait_listening 127.0.0.11 8081 && wait_listening 127.0.0.12 8082 || fail "backends"

t=$(now_ms)
"$ACTORHA" -n -l -D -G -f keepalived.conf -p "$RUN/actorha.pid" --state-dir "$RUN/state" >node-1.log 2>&1 &
node=$!
wait_table start "$t" 150 || fail start

t=$(now_ms); kill -9 "$rs1"; wait "$rs1" 2>/dev/null
wait_table tcp-backend-dies "$t" 30 || fail tcp-backend-dies

t=$(now_ms); kill -9 "$rs2"; wait "$rs2" 2>/dev/null
wait_table http-backend-dies-quorum-lost "$t" 30 || fail http-backend-dies-quorum-lost

t=$(now_ms); rs1=$(backend 127.0.0.11 8081)
wait_table tcp-backend-back-quorum-regained "$t" 60 || fail tcp-backend-back-quorum-regained

t=$(now_ms); rs2=$(backend 127.0.0.12 8082)
wait_table http-backend-back "$t" 60 || fail http-backend-back

t=$(now_ms); kill -TERM "$node"; wait "$node"
wait_table stop-releases "$t" 5 || fail stop-releases

t=$(now_ms)
"$ACTORHA" -n -l -D -G -I -f keepalived.conf -p "$RUN/actorha.pid" --state-dir "$RUN/state" >node-2.log 2>&1 &
node=$!
wait_table restart-with-dont-release-ipvs "$t" 150 || fail restart-with-dont-release-ipvs

t=$(now_ms); kill -TERM "$node"; wait "$node"
wait_table stop-keeps-with-dont-release-ipvs "$t" 5 || fail stop-keeps-with-dont-release-ipvs

kill -9 "$rs1" "$rs2" 2>/dev/null
ipvsadm -C
echo "scenario complete"
