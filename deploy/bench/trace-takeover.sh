#!/usr/bin/env bash
# Where a backup's takeover time goes, stamped by the kernel (ftrace), for ActorHa and keepalived alike.
#
#   bash deploy/bench/trace-takeover.sh [--impl actorha|keepalived|both] [--runs N] [--modes "2:1 3:0.1"]
#                                       [--signals "KILL TERM DROP"] [--show N] [--slow MS] [--rt PRIO]
#
# The lab and the procedure are failover.sh's (backup h1 at 100, master h2 at 200, the master killed), but
# nothing listens beside the backup: no `ip monitor`. Instead an ftrace instance (its own buffer, clock "tai",
# which is the wall clock tcpdump stamps with when the TAI offset is 0) records, for every thread of the
# backup, its scheduling (wakeup, switch in/out), its socket and wait syscalls, and each packet it transmits.
# Per run it prints, relative to the protocol's limit (Master_Down_Interval after the master's last advert as
# the client captured it, or Skew_Time after its priority-0 advert; with DROP, Master_Down_Interval after the
# master's last advert at 200: its track_file gets a 1, weight -150 takes it to 50, below the backup's 100, and a
# preempting backup discards those adverts, RFC 3768 6.4.2): when the thread that sends the advert
# woke, when it ran, the advert's transmission, the netlink call that adds the VIP (its exit: the address is
# in), and the first GARP's transmission; at the end the median and max of each, per implementation and case.
# On real hosts a dying master cannot take the backup's CPU; in this lab every namespace shares the machine's
# CPUs, and a master's exit (a .NET runtime's shutdown, a process's teardown) or this script's own polling would
# compete with the backup's takeover. So, unless --no-pin: the backup runs on the last CPU, everything else
# (master, client capture, this script) on the others, as two hosts would. --master picks one implementation for
# every master (default: the one under test).
# The two implementations alternate run by run, so a slow minute of this shared host hits both. --show N prints
# the raw event timeline (from 5 ms before the limit, which takes in the pre-warm) of the first N runs; --slow MS
# prints it, from 8 ms before the limit, for every run whose advert, VIP or GARP is more than MS past the limit (the
# outliers are what needs explaining). --rt PRIO gives both nodes `vrrp_rt_priority PRIO` (SCHED_RR, keepalived's
# own knob): at normal priority a daemon of this machine's (pid 1's threads, nice -10) can preempt either backup for
# milliseconds. Needs root and tracefs (mounted here if it is not).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=10 IMPL=both MODES=("2:1") SIGNALS=(KILL) SHOW=0 SLOW="" RT="" PIN=1 MASTER_IMPL=""
while (($#)); do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --impl) IMPL=$2; shift 2 ;;
        --modes) read -r -a MODES <<<"$2"; shift 2 ;;
        --signals) read -r -a SIGNALS <<<"$2"; shift 2 ;;
        --show) SHOW=$2; shift 2 ;;
        --slow) SLOW=$2; shift 2 ;;
        --rt) RT=$2; shift 2 ;;
        --master) MASTER_IMPL=$2; shift 2 ;;
        --no-pin) PIN=0; shift ;;
        *) echo "usage: $0 [--impl actorha|keepalived|both] [--runs N] [--modes \"2:1 3:0.1\"] [--signals \"KILL TERM DROP\"] [--show N] [--slow MS] [--rt PRIO] [--master IMPL] [--no-pin]" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "trace-takeover.sh: needs root" >&2; exit 2; }
for tool in tcpdump taskset python3 $([[ $IMPL == actorha && ${MASTER_IMPL:-actorha} == actorha ]] || echo keepalived); do
    command -v "$tool" >/dev/null || { echo "trace-takeover.sh: $tool is missing (apt-get install keepalived tcpdump util-linux python3)" >&2; exit 2; }
done
# shellcheck source=deploy/bench/lib.sh
source deploy/bench/lib.sh
bench_pin "$PIN"
TRACEFS=/sys/kernel/tracing
if [[ ! -e $TRACEFS/instances ]]; then
    mount -t tracefs nodev "$TRACEFS" 2>/dev/null || { TRACEFS=$(mktemp -d) && mount -t tracefs nodev "$TRACEFS"; }
fi
dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha -nologo -v q >/dev/null
export LAB_ID=trace$$
# shellcheck source=deploy/lab.sh
source deploy/lab.sh
WORK=$(mktemp -d)
INST=$TRACEFS/instances/actorha-trace$$
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    [[ -d $INST ]] && { echo 0 >"$INST/tracing_on"; echo >"$INST/set_event"; rmdir "$INST" 2>/dev/null || true; }
    lab_down
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
lab_up 2
H1=$(lab_ns h1) H2=$(lab_ns h2) C=$(lab_ns c)
MAC1=$(ip -n "$H1" link show eth0 | awk '/ether/{print $2}')
mkdir "$INST"
echo tai >"$INST/trace_clock"
echo 8192 >"$INST/buffer_size_kb"
EVENTS=(sched:sched_switch sched:sched_wakeup net:net_dev_xmit)
# What takes the CPU from a thread that stays on it: interrupts, softirqs (packet delivery runs in the sender's
# syscall), IPIs, page faults. Recorded for the backup's threads only (an interrupt is filtered by the task it hit).
for e in irq:irq_handler_entry irq:softirq_entry irq:softirq_exit irq_vectors:local_timer_entry \
    irq_vectors:call_function_entry irq_vectors:call_function_single_entry irq_vectors:reschedule_entry \
    exceptions:page_fault_user exceptions:page_fault_kernel; do
    [[ -e $TRACEFS/events/${e/://} ]] && EVENTS+=("$e")
done
for s in sendto sendmsg recvmsg recvfrom epoll_wait epoll_pwait clock_nanosleep nanosleep futex poll ppoll write; do
    EVENTS+=("syscalls:sys_enter_$s" "syscalls:sys_exit_$s")
done

conf() { # conf PRIORITY [TRACK_FILE]
    local extra=""
    [[ -z $RT ]] || printf 'global_defs {\n  vrrp_rt_priority %d\n}\n' "$RT"
    if [[ -n ${2:-} ]]; then
        printf 'vrrp_track_file tf_drop {\n  file %s\n  weight -150\n}\n' "$2"
        extra='  track_file {\n    tf_drop\n  }\n'
    fi
    printf "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 1\n  priority %d\n  advert_int %s\n  version %d\n${extra}  virtual_ipaddress {\n    192.0.2.100/32\n  }\n}\n" "$1" "$INT" "$VER"
}

netlink_fds() { # netlink_fds PID -> the fds of PID's netlink sockets, one per line
    local pid=$1 inodes fd link
    inodes=$(awk 'NR > 1 {print $NF}' "/proc/$pid/net/netlink" | sort -u)
    for fd in /proc/"$pid"/fd/*; do
        link=$(readlink "$fd" 2>/dev/null) || continue
        [[ $link =~ ^socket:\[([0-9]+)\]$ ]] && grep -qx "${BASH_REMATCH[1]}" <<<"$inodes" && echo "${fd##*/}"
    done
    true
}

run_once() { # run_once IMPL RUN
    local impl=$1 run=$2
    conf 100 >"$WORK/backup.conf"
    local track=""
    if [[ $SIGNAL == DROP ]]; then track="$WORK/drop-file"; echo 0 >"$track"; fi
    conf 200 "$track" >"$WORK/master.conf"
    local backup master bpid mimpl=${MASTER_IMPL:-$1}
    backup=$(bench_start "$impl" "$H1" backup "$WORK/backup.conf" "$(bench_backup_cpu)")
    master=$(bench_start "$mimpl" "$H2" master "$WORK/master.conf")
    wait_for 20 holds "$H2" || { bench_fail "$backup" "$master" "no master"; return 1; }
    sleep "$(awk -v i="$INT" 'BEGIN{print 3*i + 1}')"
    bpid=$backup
    [[ $impl == keepalived ]] && bpid=$(cat "$LAB_DIR/backup-vrrp.pid")
    netlink_fds "$bpid" >"$WORK/nlfds"
    ls "/proc/$bpid/task" | tr '\n' ' ' >"$INST/set_event_pid"
    echo >"$INST/trace"
    printf '%s\n' "${EVENTS[@]}" >"$INST/set_event"
    echo 1 >"$INST/tracing_on"
    ip netns exec "$C" tcpdump -l -n -e -tt -i eth0 'vrrp or arp' >"$WORK/capture" 2>/dev/null &
    local cap=$!
    echo "$cap" >"$LAB_DIR/capture.bgpid"
    PIDS+=("$cap")
    sleep "$(awk -v i="$INT" 'BEGIN{print 2*i + 0.5}')"
    if [[ $SIGNAL == KILL ]]; then
        [[ $mimpl == keepalived ]] && kill -KILL "$(cat "$LAB_DIR/master-vrrp.pid")" 2>/dev/null
        kill -KILL "$master"
        ip -n "$H2" link set eth0 down
    elif [[ $SIGNAL == DROP ]]; then
        echo 1 >"$track"
    else
        kill -TERM "$master"
    fi
    local failed=""
    wait_for 15 holds "$H1" || failed="no takeover"
    [[ -n $failed || $SIGNAL != DROP ]] || wait_for 15 not_holds "$H2" || failed="the old master kept the VIP"
    sleep 0.3
    echo 0 >"$INST/tracing_on"
    kill "$cap" 2>/dev/null || true
    wait "$cap" 2>/dev/null || true
    [[ -z $failed ]] || { bench_fail "$backup" "$master" "$failed"; return 1; }
    cp "$INST/trace" "$WORK/trace"
    python3 - "$WORK" "$SIGNAL" "$INT" "$MAC1" "$impl" "$((run <= SHOW))" "$WORK/results.$impl.$VER.$SIGNAL.$INT" "$SLOW" <<'PY'
import sys, re
work, sig, interval, mac, impl, show, results = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6] == "1", sys.argv[7]
slow = float(sys.argv[8]) if sys.argv[8] else None
nlfds = {int(l) for l in open(f"{work}/nlfds") if l.strip()}
adverts = []
for line in open(f"{work}/capture"):
    if line[:1].isdigit() and "192.0.2.12 > 224.0.0.18" in line and "VRRP" in line:
        adverts.append((float(line.split()[0]), int(re.search(r"prio (\d+)", line).group(1))))
skew = (256 - 100) / 256 * interval
if sig == "DROP":
    lower = next((t for t, p in adverts if p < 100 and p != 0), None)
    before = [t for t, p in adverts if p >= 100 and lower is not None and t < lower]
    ref, limit = (before[-1] if before else None), 3 * interval + skew
elif sig == "TERM":
    ref, limit = next((t for t, p in adverts if p == 0), None), skew
else:
    alive = [t for t, p in adverts if p != 0]
    ref, limit = (alive[-1] if alive else None), 3 * interval + skew
if ref is None:
    sys.exit(f"run unusable: the client's capture has no {'lowered-priority' if sig == 'DROP' else 'priority 0' if sig == 'TERM' else 'master'} advert to measure from")
due = ref + limit
ev = []
pat = re.compile(r"^\s*(.+?)-(\d+)\s+\[(\d+)\].*?\s(\d+\.\d+): (.*)$")
for line in open(f"{work}/trace"):
    m = pat.match(line)
    if not m:
        continue
    body = m.group(5)
    # "name: args" for tracepoints; "sys_x(args)" and "sys_x -> ret" for syscalls.
    if (s := re.match(r"(sys_\w+)\((.*)\)$", body)):
        name, args = "sys_enter_" + s.group(1)[4:], s.group(2)
    elif (s := re.match(r"(sys_\w+) -> (.*)$", body)):
        name, args = "sys_exit_" + s.group(1)[4:], s.group(2)
    elif (s := re.match(r"(\w+): (.*)$", body)):
        name, args = s.group(1), s.group(2)
    else:
        continue
    ev.append((float(m.group(4)), m.group(1), int(m.group(2)), int(m.group(3)), name, args))
us = lambda t: f"{(t - due) * 1e6:+8.0f}"
# The advert: the first VRRP-sized transmit on eth0 after due - 50 ms; GARP: the first 42-byte one after it.
window = [e for e in ev if e[0] > due - 0.05]
adv = next((e for e in window if e[4] == "net_dev_xmit" and "dev=eth0" in e[5] and "len=42" not in e[5]), None)
sender = adv[2] if adv else None
# The sender thread's last wake-up and switch-in before the advert, and the netlink send after it.
wake = next((e for e in reversed(window) if adv and e[0] <= adv[0] and e[4] == "sched_wakeup" and f"pid={sender} " in e[5]), None)
runs = next((e for e in reversed(window) if adv and e[0] <= adv[0] and e[4] == "sched_switch" and f"next_pid={sender} " in e[5]), None)
# The VIP: the first netlink send after the advert; on a priority drop the backup preempts a live master, and
# ActorHa installs before it advertises then, so there it is the first one from 10 ms before the limit on.
nl = None
if adv:
    start = due - 0.01 if sig == "DROP" else adv[0]
    for i, e in enumerate(window):
        if e[0] >= start and e[4] in ("sys_enter_sendto", "sys_enter_sendmsg"):
            fd = int(re.search(r"fd: (0x[0-9a-f]+|\d+)", e[5]).group(1), 0)
            if fd in nlfds:
                nl = next((x for x in window[i:] if x[2] == e[2] and x[4] in ("sys_exit_sendto", "sys_exit_sendmsg")), None)
                break
garp = next((e for e in window if adv and e[0] >= min(adv[0], nl[0] if nl else adv[0]) and e[4] == "net_dev_xmit" and "len=42" in e[5]), None)
# Involuntary switch-outs of the sender between its wake-up and the GARP: time the CPU was taken from it.
pre = 0.0
if wake and garp:
    out = None
    for e in window:
        if e[0] < wake[0] or e[0] > garp[0]:
            continue
        if e[4] == "sched_switch" and f"prev_pid={sender} " in e[5] and "prev_state=R" in e[5]:
            out = e[0]
        elif e[4] == "sched_switch" and f"next_pid={sender} " in e[5] and out is not None:
            pre += e[0] - out; out = None
# On the sender, between its wake-up and the GARP: page faults, interrupts (timer, IPIs, devices) and softirq time.
faults = irqs = 0
soft, soft_in = 0.0, None
if wake and garp:
    for e in window:
        if e[0] < wake[0] or e[0] > garp[0] or e[2] != sender:
            continue
        if e[4].startswith("page_fault"):
            faults += 1
        elif e[4] in ("irq_handler_entry", "local_timer_entry", "call_function_entry", "call_function_single_entry", "reschedule_entry"):
            irqs += 1
        elif e[4] == "softirq_entry":
            soft_in = e[0]
        elif e[4] == "softirq_exit" and soft_in is not None:
            soft += e[0] - soft_in; soft_in = None
f = lambda e: us(e[0]) if e else "       -"
if adv and nl and garp:
    with open(results, "a") as out:
        print(f"{(adv[0] - due) * 1e3:.3f} {(nl[0] - due) * 1e3:.3f} {(garp[0] - due) * 1e3:.3f} {pre * 1e3:.3f}", file=out)
print(f"{sys.argv[3]} s {sig:4} {impl:10} woke {f(wake)}  runs {f(runs)}  advert {f(adv)}  vip {f(nl)}  garp {f(garp)}  preempted {pre * 1e6:6.0f} us  softirq {soft * 1e6:5.0f} us  faults {faults:3}  irqs {irqs:3}  (us past the limit)")
from_ms = 5
if slow is not None and (not (adv and nl and garp) or max(adv[0], nl[0], garp[0]) - due > slow / 1e3):
    show, from_ms = True, 8
if show:
    for e in [x for x in ev if x[4] == "tracing_mark_write" and x[0] < due - 0.05] + window:
        if (e[0] > due - from_ms / 1e3 or e[4] == "tracing_mark_write") and (not garp or e[0] <= garp[0] + 0.0005):
            print(f"    {us(e[0])} cpu{e[3]} {e[1]}-{e[2]} {e[4]} {e[5][:110]}")
PY
    local measured=$?
    # ActorHa says so when garbage collections ran between its pre-warm and the VIPs.
    [[ $impl != actorha ]] || grep -ho "takeover: .*garbage collection.*" "$WORK/backup.log" | sed 's/^/    /' || true
    bench_end_run "$backup" "$master"
    # An unusable run (python said why on stderr) has no result line: count it as failed, not as done.
    return "$measured"
}

impls=(actorha keepalived)
[[ $IMPL == both ]] || impls=("$IMPL")
for mode in "${MODES[@]}"; do
    VER=${mode%%:*} INT=${mode#*:}
    for SIGNAL in "${SIGNALS[@]}"; do
        for ((r = 1; r <= RUNS; r++)); do
            for impl in "${impls[@]}"; do run_once "$impl" "$r" || echo "run failed: $impl v$VER $SIGNAL #$r" >&2; done
        done
    done
done

[[ -z $RT ]] || echo "both nodes with vrrp_rt_priority $RT (SCHED_RR)"
python3 - "$WORK" <<'PY'
import sys, glob, os, statistics
work = sys.argv[1]
print()
print("| implementation | VRRP / advert_int | signal | runs | first advert: median / max (ms) | VIP in (netlink call returns): median / max (ms) | first GARP: median / max (ms) | VIP in > 1 / > 2 ms past | runs preempted > 0.5 ms |")
print("|---|---|---|---|---|---|---|---|---|")
for path in sorted(glob.glob(f"{work}/results.*")):
    _, impl, ver, sig, interval = os.path.basename(path).split(".", 4)
    rows = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
    col = lambda i: f"{statistics.median(r[i] for r in rows):.2f} / {max(r[i] for r in rows):.2f}"
    print(f"| {impl} | v{ver} / {interval} s | {'priority drop' if sig == 'DROP' else 'SIG' + sig} | {len(rows)} | {col(0)} | {col(1)} | {col(2)} | {sum(r[1] > 1 for r in rows)} / {sum(r[1] > 2 for r in rows)} | {sum(r[3] > 0.5 for r in rows)} |")
PY
