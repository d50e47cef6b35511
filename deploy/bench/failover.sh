#!/usr/bin/env bash
# Failover latency, ActorHa beside keepalived, same lab and same configuration (issue 4's "Must show").
#
#   bash deploy/bench/failover.sh [--runs N] [--impl actorha|keepalived|both] [--rss-seconds S]
#                                 [--signals "KILL TERM DROP"] [--master actorha|keepalived]
#                                 [--modes "2:1 3:0.1"] [--no-pin] [--quick]
#
# Two hosts (backup h1 at priority 100, master h2 at 200, VIP 192.0.2.100/24) and a client on one bridge, all
# in network namespaces this script creates and removes. Per run: start both nodes, wait for a settled master,
# then SIGKILL it (and take its link down, as a dead host) or SIGTERM it. Measured against the master's last
# advert (KILL) or its priority-0 advert (TERM), both taken from the client's capture (tcpdump -tt):
#   takeover = VIP added on the backup (ip -ts monitor in the backup) ;  garp = first GARP from the backup's MAC
# and printed as the excess over the protocol's own limit: Master_Down_Interval (KILL) or Skew_Time (TERM).
# DROP (issue 5's priority-drop handover): the master's track_file gets a 1 (weight -150: priority 200 -> 50, below
# the backup's 100). A preempting backup discards the lower-priority adverts, so it takes over Master_Down_Interval
# after the master's last advert at 200 (RFC 3768 6.4.2); also printed: file write -> first advert at 50 (how fast
# the master reacts), and how long the VIP was on both hosts (backup's add -> master's delete).
# --master runs every master with one implementation (default: the one under test), so that only the backup's
# takeover differs: on this shared machine a dying master's exit competes with the backup for the CPU.
# Unless --no-pin, the backup runs on the last CPU and everything else (master, client capture, ip monitor, this
# script's polling) on the others, as on two hosts; deploy/bench/trace-takeover.sh measures the same takeover with
# kernel (ftrace) stamps instead of ip monitor.
# Then RSS and CPU of one node with 1 and 200 instances as master for --rss-seconds. Writes
# deploy/bench/failover-results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=20 IMPL=both MASTER_IMPL="" RSS_SECONDS=60 MODES=("2 1" "3 0.1") SIGNALS=(KILL TERM) PIN=1
while (($#)); do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --impl) IMPL=$2; shift 2 ;;
        --master) MASTER_IMPL=$2; shift 2 ;;
        --modes) read -r -a MODES <<<"$2"; MODES=("${MODES[@]/:/ }"); shift 2 ;;
        --rss-seconds) RSS_SECONDS=$2; shift 2 ;;
        --signals) read -r -a SIGNALS <<<"$2"; shift 2 ;;
        --no-pin) PIN=0; shift ;;
        --quick) MODES=("2 1") SIGNALS=(KILL); RSS_SECONDS=0; shift ;;
        *) echo "usage: $0 [--runs N] [--impl actorha|keepalived|both] [--rss-seconds S] [--signals \"KILL TERM DROP\"] [--master IMPL] [--modes \"2:1 3:0.1\"] [--no-pin] [--quick]" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "failover.sh: needs root (namespaces)" >&2; exit 2; }
command -v keepalived >/dev/null || { echo "failover.sh: apt-get install keepalived tcpdump" >&2; exit 2; }
# shellcheck source=deploy/bench/lib.sh
source deploy/bench/lib.sh
bench_pin "$PIN"
dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha -nologo -v q >/dev/null
export LAB_ID=bench$$
# shellcheck source=deploy/lab.sh
source deploy/lab.sh
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    lab_down
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
lab_up 2
H1=$(lab_ns h1) H2=$(lab_ns h2) C=$(lab_ns c)
MAC1=$(ip -n "$H1" link show eth0 | awk '/ether/{print $2}')

conf() { # conf PRIORITY VERSION INTERVAL [COUNT [TRACK_FILE]]
    local prio=$1 ver=$2 int=$3 count=${4:-1} track=${5:-} i extra=""
    if [[ -n $track ]]; then
        printf 'vrrp_track_file tf_drop {\n  file %s\n  weight -150\n}\n' "$track"
        extra='  track_file {\n    tf_drop\n  }\n'
    fi
    for ((i = 1; i <= count; i++)); do
        printf "vrrp_instance VI_%d {\n  state BACKUP\n  interface eth0\n  virtual_router_id %d\n  priority %d\n  advert_int %s\n  version %d\n${extra}  virtual_ipaddress {\n    %s/32\n  }\n}\n" \
            "$i" "$i" "$prio" "$int" "$ver" "$([[ $i -eq 1 ]] && echo 192.0.2.100 || echo "198.51.100.$i")"
    done
}

run_once() { # run_once IMPL VERSION INTERVAL SIGNAL -> appends "takeover garp" excess in ms to $WORK/results
    local impl=$1 ver=$2 int=$3 sig=$4 mimpl=${MASTER_IMPL:-$1}
    conf 100 "$ver" "$int" >"$WORK/backup.conf"
    local track=""
    if [[ $sig == DROP ]]; then track="$WORK/drop-file"; echo 0 >"$track"; fi
    conf 200 "$ver" "$int" 1 "$track" >"$WORK/master.conf"
    local backup master
    backup=$(bench_start "$impl" "$H1" backup "$WORK/backup.conf" "$(bench_backup_cpu)")
    master=$(bench_start "$mimpl" "$H2" master "$WORK/master.conf")
    wait_for 20 holds "$H2" || { bench_fail "$backup" "$master" "no master"; return 1; }
    sleep "$(awk -v i="$int" 'BEGIN{print 3*i + 1}')"
    ip netns exec "$H1" ip -ts monitor address >"$WORK/monitor" 2>&1 &
    local mon=$!
    echo "$mon" >"$LAB_DIR/monitor.bgpid"
    ip netns exec "$H2" ip -ts monitor address >"$WORK/monitor2" 2>&1 &
    local mon2=$!
    echo "$mon2" >"$LAB_DIR/monitor2.bgpid"
    ip netns exec "$C" tcpdump -l -n -e -tt -i eth0 'vrrp or arp' >"$WORK/capture" 2>/dev/null &
    local cap=$!
    echo "$cap" >"$LAB_DIR/capture.bgpid"
    PIDS+=("$mon" "$mon2" "$cap")
    sleep "$(awk -v i="$int" 'BEGIN{print 2*i + 0.5}')"
    if [[ $sig == KILL ]]; then
        # keepalived's VRRP child gets SIGTERM when its parent dies (parent-death signal) and would resign with
        # priority 0: kill the child first, so both implementations die the same silent death.
        [[ $mimpl == keepalived ]] && kill -KILL "$(cat "$LAB_DIR/master-vrrp.pid")" 2>/dev/null
        kill -KILL "$master"
        ip -n "$H2" link set eth0 down
    elif [[ $sig == DROP ]]; then
        date +%s.%N >"$WORK/dropped"
        echo 1 >"$track"
    else
        kill -TERM "$master"
    fi
    local failed=""
    wait_for 15 holds "$H1" || failed="no takeover"
    [[ -n $failed || $sig != DROP ]] || wait_for 15 not_holds "$H2" || failed="the old master kept the VIP"
    sleep 0.5
    kill "$mon" "$mon2" "$cap" 2>/dev/null || true
    wait "$mon" "$mon2" "$cap" 2>/dev/null || true
    [[ -z $failed ]] || { bench_fail "$backup" "$master" "$failed"; return 1; }
    python3 - "$WORK" "$sig" "$int" "$MAC1" >>"$WORK/results.$impl.$ver.$sig" <<'PY'
import sys, re, datetime
work, sig, interval, mac = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]

def vip_event(path, deleted):
    for line in open(path):
        if "192.0.2.100" in line and ("Deleted" in line) == deleted and line.startswith("["):
            return datetime.datetime.fromisoformat(line[1:line.index("]")]).timestamp()
    return None

adverts, garps, mine = [], [], []
for line in open(f"{work}/capture"):
    if not line[:1].isdigit():
        continue
    t = float(line.split()[0])
    if "192.0.2.12 > 224.0.0.18" in line and "VRRP" in line:
        adverts.append((t, int(re.search(r"prio (\d+)", line).group(1))))
    elif "192.0.2.11 > 224.0.0.18" in line and "VRRP" in line:
        mine.append(t)
    elif mac in line and "192.0.2.100" in line and "ARP" in line:
        garps.append(t)
added = vip_event(f"{work}/monitor", deleted=False)
if added is None:
    sys.exit("run unusable: `ip monitor` on the backup never showed the VIP added")
skew = (256 - 100) / 256 * interval
extra = ""
def first(items, what):
    for item in items:
        return item
    sys.exit(f"run unusable: no {what} in the client's capture")

if sig == "DROP":
    dropped = float(open(f"{work}/dropped").read())
    lower = first((t for t, p in adverts if p < 100 and p != 0), "lowered-priority advert")
    ref = first(reversed([t for t, p in adverts if p >= 100 and t < lower]), "advert before the drop")
    limit = 3 * interval + skew
    removed = vip_event(f"{work}/monitor2", deleted=True)
    if removed is None:
        sys.exit("run unusable: `ip monitor` on the old master never showed the VIP removed")
    extra = f" {(lower - dropped) * 1000:.1f} {(removed - added) * 1000:.1f}"
elif sig == "TERM":
    ref = first((t for t, p in adverts if p == 0), "priority 0 advert")
    limit = skew
else:
    ref = first(reversed([t for t, p in adverts if p != 0]), "master advert")
    limit = 3 * interval + skew
garp = first((t for t in garps if t > ref), "GARP after the master's last advert")
advert = first((t for t in mine if t > ref), "advert of the new master")
print(f"{(added - ref - limit) * 1000:.1f} {(garp - ref - limit) * 1000:.1f} {(advert - ref - limit) * 1000:.1f}{extra}")
PY
    local measured=$?
    bench_end_run "$backup" "$master"
    # An unusable run (python said why on stderr) has no result line: count it as failed, not as done.
    return "$measured"
}

impls=(actorha keepalived)
[[ $IMPL == both ]] || impls=("$IMPL")
for impl in "${impls[@]}"; do
    for mode in "${MODES[@]}"; do
        read -r ver int <<<"$mode"
        for sig in "${SIGNALS[@]}"; do
            for ((r = 1; r <= RUNS; r++)); do
                run_once "$impl" "$ver" "$int" "$sig" || echo "run failed: $impl v$ver $sig #$r" >&2
            done
        done
    done
done

report() {
    python3 - "$WORK" "$RUNS" "${impls[@]}" <<'PY'
import sys, statistics, glob, os
work, runs, impls = sys.argv[1], sys.argv[2], sys.argv[3:]

def load(impl, ver, sig):
    path = f"{work}/results.{impl}.{ver}.{sig}"
    return [tuple(map(float, l.split())) for l in open(path) if l.strip()] if os.path.exists(path) else []

def mm(values):
    return f"{statistics.median(values):.1f} / {max(values):.1f}"

print(f"| implementation | VRRP / advert_int | signal | runs | VIP added - limit: median / max (ms) | first advert - limit: median / max (ms) | first GARP - limit: median / max (ms) |")
print("|---|---|---|---|---|---|---|")
for impl in impls:
    for ver, interval in (("2", "1 s"), ("3", "0.1 s")):
        for sig in ("KILL", "TERM", "DROP"):
            rows = load(impl, ver, sig)
            if not rows:
                continue
            t = [r[0] for r in rows]; g = [r[1] for r in rows]; a = [r[2] for r in rows]
            limit = {"KILL": "Master_Down_Interval", "TERM": "Skew_Time", "DROP": "Master_Down_Interval after its last advert at 200"}[sig]
            case = "priority drop" if sig == "DROP" else f"SIG{sig}"
            print(f"| {impl} | v{ver} / {interval} | {case} (limit: {limit}) | {len(rows)} | {mm(t)} | {mm(a)} | {mm(g)} |")
drops = [(impl, ver, interval, load(impl, ver, "DROP")) for impl in impls for ver, interval in (("2", "1 s"), ("3", "0.1 s"))]
if any(rows for *_, rows in drops):
    print()
    print("| implementation | VRRP / advert_int | priority drop: file written -> first advert at 50: median / max (ms) | VIP on both hosts: median / max (ms) |")
    print("|---|---|---|---|")
    for impl, ver, interval, rows in drops:
        if rows:
            print(f"| {impl} | v{ver} / {interval} | {mm([r[3] for r in rows])} | {mm([r[4] for r in rows])} |")
PY
}

rss_cpu() { # rss_cpu IMPL COUNT -> "rss_kib cpu_percent"
    local impl=$1 count=$2 pid
    conf 200 2 1 "$count" >"$WORK/rss.conf"
    pid=$(bench_start "$impl" "$H1" rss "$WORK/rss.conf")
    sleep 8
    local pids=("$pid")
    [[ $impl == keepalived ]] && pids+=("$(cat "$LAB_DIR/rss-vrrp.pid")")
    local t0 t1 rss=0 p
    t0=$(for p in "${pids[@]}"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s}')
    sleep "$RSS_SECONDS"
    t1=$(for p in "${pids[@]}"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s}')
    for p in "${pids[@]}"; do rss=$((rss + $(awk '/VmRSS/{print $2}' "/proc/$p/status"))); done
    kill -TERM "$pid"; sleep 2; kill -KILL "$pid" 2>/dev/null || true
    for ns in "$H1"; do ip -n "$ns" addr flush dev eth0 scope global; ip -n "$ns" addr add 192.0.2.11/24 dev eth0; done
    echo "$rss $(awk -v a="$t0" -v b="$t1" -v s="$RSS_SECONDS" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", (b-a)/hz/s*100}')"
}

if ((RSS_SECONDS == 0)); then report; exit 0; fi
{
    echo "# Failover and footprint, ActorHa beside keepalived $(keepalived --version 2>&1 | head -n1 | awk '{print $2}')"
    echo
    echo "Measured $(date -u +%Y-%m-%d) by \`bash deploy/bench/failover.sh --runs $RUNS\` on this project's 2-core machine."
    echo "Excess over the protocol's limit: 0 would be a takeover exactly at Master_Down_Interval after the master's"
    echo "last advert (SIGKILL) or exactly at Skew_Time after its priority-0 advert (SIGTERM)."
    [[ -z $MASTER_IMPL ]] || echo "Every run's master (the node killed) was $MASTER_IMPL; the implementation named is the backup's."
    ((PIN)) && echo "The backup ran on CPU $BACKUP_CPU alone; the master, the client's capture, ip monitor and the script on the others."
    echo
    report
    echo
    echo "| implementation | instances (advert_int 1, master) | RSS (MiB) | CPU (% of one core) |"
    echo "|---|---|---|---|"
    for impl in "${impls[@]}"; do
        for n in 1 200; do
            read -r rss cpu < <(rss_cpu "$impl" "$n")
            echo "| $impl | $n | $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') | $cpu |"
        done
    done
} | tee deploy/bench/failover-results.md
