#!/usr/bin/env bash
# The demo, for a fresh Debian 12 machine as root: builds actorha, starts three nodes in a namespace lab from
# conf.d/demo/keepalived.conf, shows who is master, kills the master with SIGKILL and shows the takeover with
# timestamps (new master, VIP moved, gratuitous ARP seen by the client, client reaching the VIP), then stops
# the new master gracefully (priority-0 advert) and finally removes everything it created, also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "deploy/demo.sh: run as root (network namespaces, raw sockets)" >&2; exit 2; }

need=(iproute2 tcpdump iputils-ping)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "deploy/demo.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== building actorha"
dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha -nologo -v q >/dev/null

export LAB_ID=demo$$
# shellcheck source=deploy/lab.sh
source deploy/lab.sh
CONF=$(realpath conf.d/demo/keepalived.conf)
VIP=192.0.2.100
trap 'echo; echo "== cleaning up"; lab_down; echo "   lab removed"' EXIT
trap 'exit 130' INT TERM

ts() { date +%H:%M:%S.%3N; }
say() { printf '%s  %s\n' "$(ts)" "$*"; }
wait_for() { # wait_for SECONDS command...: poll every 10 ms
    local until=$((SECONDS + $1)); shift
    while ! "$@"; do ((SECONDS < until)) || return 1; sleep 0.01; done
}
holds() { ip -n "$(lab_ns "$1")" -o addr show dev eth0 | grep -q " $VIP/"; }
holder() { lab_holder "$VIP" | paste -sd' '; }

echo "== checking the configuration for each host (@h1/@h2/@h3 lines pick the priority)"
for h in h1 h2 h3; do artifacts/actorha/actorha check -f "$CONF" -i "$h"; done

echo "== starting the lab: 3 hosts + a client on one bridge, an actorha node per host"
lab_up 3
for h in h1 h2 h3; do lab_start_node "$h" "$CONF"; done
wait_for 20 holds h1 || { echo "no master after 20 s"; tail -n 20 "$LAB_DIR"/h*.log; exit 1; }
sleep 2
say "master: $(holder) (priority 150); h2 (120) and h3 (100) are BACKUP"
lab_status
echo "-- h1's log:"; sed 's/^/   /' "$LAB_DIR/h1.log" | grep -v TREE
echo "-- the actor tree, as h2 logs it on SIGUSR1:"
kill -USR1 "$(lab_pid h2)"; sleep 0.5; grep TREE "$LAB_DIR/h2.log" | tail -n 8 | sed 's/^/   /'

echo
echo "== the client watches ARP for the VIP"
ip netns exec "$(lab_ns c)" tcpdump -l -n -e -tt -i eth0 "arp and host $VIP" >"$LAB_DIR/client-arp.txt" 2>/dev/null &
echo $! >"$LAB_DIR/tcpdump.bgpid"
disown $!
sleep 1
ip netns exec "$(lab_ns c)" ping -c1 -W1 "$VIP" >/dev/null && say "client reaches $VIP (h1)"

echo
echo "== SIGKILL the master (h1) and take its link down, as a dead host would"
t0=$(date +%s.%N)
kill -KILL "$(lab_pid h1)"
ip -n "$(lab_ns h1)" link set eth0 down
say "h1 killed"
wait_for 10 holds h2 || { echo "h2 did not take over"; exit 1; }
t1=$(date +%s.%N)
say "h2 holds $VIP, $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", (b-a)*1000}') ms after the kill (h2 waits Master_Down_Interval = 3.53 s from h1's last advert)"
sleep 0.5
garp=$(awk -v mac="$(ip -n "$(lab_ns h2)" link show eth0 | awk '/ether/{print $2}')" '$0 ~ mac {print $1; exit}' "$LAB_DIR/client-arp.txt")
[[ -n $garp ]] && say "client saw h2's gratuitous ARP $(awk -v a="$t0" -v b="$garp" 'BEGIN{printf "%.0f", (b-a)*1000}') ms after the kill"
grep -E "Entering MASTER|setting VIPs|gratuitous" "$LAB_DIR/h2.log" | tail -n 3 | sed 's/^/   h2: /'
ip netns exec "$(lab_ns c)" ping -c1 -W2 "$VIP" >/dev/null && say "client reaches $VIP again (now h2)"

echo
echo "== SIGTERM the new master (h2): a priority-0 advert lets h3 take over after Skew_Time, not a full timeout"
t0=$(date +%s.%N)
kill -TERM "$(lab_pid h2)"
wait_for 10 holds h3 || { echo "h3 did not take over"; exit 1; }
t1=$(date +%s.%N)
say "h3 holds $VIP, $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", (b-a)*1000}') ms after SIGTERM (Skew_Time for 100: 0.61 s)"
sleep 1
grep -E "Stopping|Stopped" "$LAB_DIR/h2.log" | sed 's/^/   h2: /'
holds h2 && echo "   h2 still has the VIP (unexpected)" || say "h2 removed its VIP on the way out"
lab_status
echo
echo "== done; the trap removes the lab"
