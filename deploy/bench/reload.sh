#!/usr/bin/env bash
# Reload time of a running node with 200 vrrp_instances (issue 5's "reload time for a 200-instance config").
#
#   bash deploy/bench/reload.sh [--runs N] [--instances N]
#
# One lab host (a network namespace this script creates and removes) runs actorha with N instances, all MASTER
# (alone on the LAN), VIPs 198.51.100.x. Each run rewrites the file with two instances' priority changed (a real
# diff: 2 changed, the rest untouched) and asks for a reload, alternately by SIGHUP and by `actorha reload`.
# Measured: from the request to the node's "configuration reloaded" line (its console output is timestamped by a
# reader as each line arrives), and for `actorha reload` also the command's own wall time (CLI start-up included).
# Then the in-process part alone (compile + diff) from ConfigBench. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=10 COUNT=200
while (($#)); do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --instances) COUNT=$2; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--instances N]" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "reload.sh: needs root (namespaces)" >&2; exit 2; }
((COUNT <= 254)) || { echo "reload.sh: at most 254 instances (one interface's VRIDs and 198.51.100.0/24)" >&2; exit 2; }
dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha -nologo -v q >/dev/null
export LAB_ID=reload$$
# shellcheck source=deploy/lab.sh
source deploy/lab.sh
WORK=$(mktemp -d)
cleanup() {
    lab_down
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
lab_up 1
H1=$(lab_ns h1)

conf() { # conf PRIORITY_OF_EVEN_INSTANCES
    local even=$1 i
    for ((i = 1; i <= COUNT; i++)); do
        printf 'vrrp_instance VI_%d {\n  state BACKUP\n  interface eth0\n  virtual_router_id %d\n  priority %d\n  advert_int 1\n  virtual_ipaddress {\n    198.51.100.%d/32\n  }\n}\n' \
            "$i" "$i" "$([[ $i -le 2 ]] && echo "$even" || echo 150)" "$i"
    done
}

stamp() { date +%s.%N; }

conf 150 >"$WORK/keepalived.conf"
# Each console line is stamped as it arrives: the node's own timestamps have one-second resolution.
ip netns exec "$H1" artifacts/actorha/actorha -n -l -G -f "$WORK/keepalived.conf" -p "$LAB_DIR/h1.pid" --state-dir "$WORK/state" 2>&1 |
    python3 -u -c 'import sys, time
for line in sys.stdin:
    print(f"{time.time():.6f} {line}", end="", flush=True)' >"$WORK/node.log" &
echo $! >"$LAB_DIR/stamper.bgpid"
masters() { ip -n "$H1" -o -4 addr show dev eth0 | grep -c " 198\.51\.100\." || true; }
until=$((SECONDS + 60))
while (($(masters) < COUNT)); do
    ((SECONDS < until)) || { echo "reload.sh: only $(masters) of $COUNT instances became MASTER" >&2; exit 1; }
    sleep 0.2
done
sleep 2

reloaded_after() { # reloaded_after T0 -> stamp of the first "configuration reloaded" line after T0
    local t0=$1 until=$((SECONDS + 30)) t
    while :; do
        t=$(awk -v t0="$t0" '$1 > t0 && /configuration reloaded/ {print $1; exit}' "$WORK/node.log")
        [[ -n $t ]] && { echo "$t"; return 0; }
        ((SECONDS < until)) || return 1
        sleep 0.01
    done
}

: >"$WORK/hup" ; : >"$WORK/cli" ; : >"$WORK/cliwall"
for ((r = 1; r <= RUNS; r++)); do
    conf $((r % 2 == 0 ? 150 : 149)) >"$WORK/keepalived.conf"
    sleep 1.5 # past the node's own conf-file watcher debounce, so only the request below reloads
    t0=$(stamp)
    kill -HUP "$(cat "$LAB_DIR/h1.pid")"
    t1=$(reloaded_after "$t0") || { echo "no reload after SIGHUP (run $r)" >&2; exit 1; }
    awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f\n", (b - a) * 1000}' >>"$WORK/hup"
    sleep 1
    t0=$(stamp)
    ip netns exec "$H1" artifacts/actorha/actorha reload -p "$LAB_DIR/h1.pid" >"$WORK/cli.out" 2>&1
    t2=$(stamp)
    t1=$(reloaded_after "$t0") || { echo "no reload after actorha reload (run $r)" >&2; exit 1; }
    awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f\n", (b - a) * 1000}' >>"$WORK/cli"
    awk -v a="$t0" -v b="$t2" 'BEGIN{printf "%.1f\n", (b - a) * 1000}' >>"$WORK/cliwall"
    sleep 1
done
grep -m1 "configuration reloaded" "$WORK/node.log" | cut -d' ' -f2- >"$WORK/summary"
changes=$(grep -c "Entering MASTER STATE" "$WORK/node.log" || true)
bench=$(dotnet run -c Release --project deploy/bench/ConfigBench -- "$COUNT" 2>/dev/null | grep "reload in-process")

python3 - "$WORK" "$RUNS" "$COUNT" "$changes" "$bench" <<'PY'
import sys, statistics
work, runs, count, masters, bench = sys.argv[1:6]
def row(name, what):
    v = [float(l) for l in open(f"{work}/{name}") if l.strip()]
    print(f"| {what} | {len(v)} | {statistics.median(v):.1f} | {min(v):.1f} | {max(v):.1f} |")
print(f"Reload of a running node with {count} vrrp_instances (all MASTER), 2 instances changed per reload:")
print()
print("| request | runs | median (ms) | min (ms) | max (ms) |")
print("|---|---|---|---|---|")
row("hup", "SIGHUP -> \"configuration reloaded\" line")
row("cli", "`actorha reload` started -> \"configuration reloaded\" line")
row("cliwall", "`actorha reload` wall time (CLI start-up and reply included)")
print()
print(f"node's summary line: {open(f'{work}/summary').read().strip()}")
print(f"\"Entering MASTER STATE\" lines in the whole run: {masters} (one per instance at start-up: no reload moved any)")
print(f"ConfigBench: {bench}")
PY
