#!/usr/bin/env bash
# Captures golden VRRP vectors and keepalived's log lines from Debian's keepalived (2.2.7) in a
# throwaway network-namespace lab, and writes them to test/ActorHa.Protocol.Tests/Golden/.
#
#   sudo bash deploy/capture-golden.sh            (root; keepalived, tcpdump, iproute2, python3)
#
# Lab: namespaces ahg-<pid>-{sw,a,b,c}. sw holds bridge br0 (multicast snooping off); a, b and c
# each have eth0 on it with fixed documentation MACs 00:00:5e:00:53:0{1,2,3}, addresses
# 192.0.2.{1,2,3}/24 and 2001:db8::{1,2,3}/64, IPv6 DAD off. keepalived runs in a (and b for the
# two-node scenarios); tcpdump listens in b; hand-made adverts are injected from c. Nothing runs
# in the root namespace and everything the script created is removed on exit, also on failure.
# KEEP_WORK=1 keeps the temporary folder (pcaps, raw logs) for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/test/ActorHa.Protocol.Tests/Golden
LAB="python3 $ROOT/deploy/golden/vrrp_lab.py"

die() { echo "capture-golden: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "run as root (it creates network namespaces)"
for c in keepalived tcpdump ip python3; do command -v "$c" >/dev/null || die "$c is required"; done

TAG=ahg-$$
NS_SW=$TAG-sw NS_A=$TAG-a NS_B=$TAG-b NS_C=$TAG-c
WORK=$(mktemp -d /tmp/ahg-golden.XXXXXX)
KA_VERSION=$(keepalived --version 2>&1 | head -n1)
CREATED_NS=()
declare -A KA_PID=()   # keepalived parent process id by run name, for the runs still alive
TD_PID=""

# --- clean-up: only what this script started or created ------------------------------------------
ka_child_pid() { # the VRRP child's pid from the -r file we gave it, if it is still that process
    local f=$WORK/$1.vpid pid
    [[ -s $f ]] || return 0
    pid=$(<"$f")
    if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$WORK/$1.conf"; then
        echo "$pid"
    fi
}
cleanup() {
    local rc=$? name pid child
    set +e
    for name in "${!KA_PID[@]}"; do
        pid=${KA_PID[$name]}
        child=$(ka_child_pid "$name")
        kill -KILL "$pid" $child 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [[ -n $TD_PID ]]; then kill -INT "$TD_PID" 2>/dev/null; wait "$TD_PID" 2>/dev/null; fi
    for ns in "${CREATED_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
    if [[ ${KEEP_WORK:-0} == 1 ]]; then echo "capture-golden: work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the lab --------------------------------------------------------------------------------------
mkns() { ip netns add "$1"; CREATED_NS+=("$1"); ip -n "$1" link set lo up; }
lab_up() {
    mkns "$NS_SW"
    ip -n "$NS_SW" link add br0 type bridge mcast_snooping 0
    ip -n "$NS_SW" link set br0 up
    local i=1 n ns
    for n in a b c; do
        ns=$TAG-$n
        mkns "$ns"
        # DAD off: link-local addresses are usable at once; flow labels off: IPv6 vectors are repeatable
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.auto_flowlabels=0
        ip -n "$ns" link add eth0 address "00:00:5e:00:53:0$i" type veth peer name "p$n" netns "$NS_SW"
        ip -n "$NS_SW" link set "p$n" master br0 up
        ip -n "$ns" link set eth0 up
        i=$((i + 1))
    done
    reset_addrs
}
reset_addrs() { # every case starts from the same addresses, whatever a killed keepalived left behind
    local i=1 n
    for n in a b c; do
        ip -n "$TAG-$n" link set eth0 up
        ip -n "$TAG-$n" addr flush dev eth0 scope global
        ip -n "$TAG-$n" addr add "192.0.2.$i/24" dev eth0
        ip -n "$TAG-$n" addr add "2001:db8::$i/64" dev eth0 nodad
        i=$((i + 1))
    done
}

# --- keepalived runs ------------------------------------------------------------------------------
# A run is a name; its files are $WORK/<name>.{conf,log,pid,vpid}. Both stdout and stderr append to
# the log so the script's "-- [lab]" markers and keepalived's lines interleave in order.
ka_start() { # name ns
    local name=$1 ns=$2
    ip netns exec "$ns" keepalived -n -l -D -G -f "$WORK/$name.conf" -p "$WORK/$name.pid" \
        -r "$WORK/$name.vpid" --vrrp >>"$WORK/$name.log" 2>&1 &
    KA_PID[$name]=$!
}
ka_term() { # name: graceful stop (SIGTERM), wait for exit
    local name=$1
    kill -TERM "${KA_PID[$name]}"
    wait "${KA_PID[$name]}" || true
    unset "KA_PID[$name]"
}
ka_crash() { # name: freeze the parent so it cannot respawn, SIGKILL the VRRP child, then the parent
    local name=$1 child
    child=$(ka_child_pid "$name")
    [[ -n $child ]] || die "$name: no VRRP child pid"
    kill -STOP "${KA_PID[$name]}"
    kill -KILL "$child"
    kill -KILL "${KA_PID[$name]}"
    wait "${KA_PID[$name]}" 2>/dev/null || true
    unset "KA_PID[$name]"
}
mark() { # text run...: a marker line in the named logs
    local text=$1 r
    shift
    for r in "$@"; do printf -- '-- [lab] %s\n' "$text" >>"$WORK/$r.log"; done
}
wait_log() { # name regex [count] [timeout-seconds]: until the log has count matching lines
    local f=$WORK/$1.log re=$2 want=${3:-1} t=${4:-20} i
    for ((i = 0; i < t * 10; i++)); do
        [[ $(grep -cE -- "$re" "$f" 2>/dev/null) -ge $want ]] && return 0
        sleep 0.1
    done
    echo "capture-golden: $1: timed out waiting for /$re/ x$want" >&2
    return 1
}

# --- capture --------------------------------------------------------------------------------------
CAP_FILTER='(ip proto 112) or (ip6 proto 112) or (ip proto 51) or arp or icmp6'
cap_start() { # name: tcpdump in b, everything VRRP/AH/ARP/ICMPv6 on the wire
    ip netns exec "$NS_B" tcpdump -i eth0 -n -U -s 0 -c 500 -w "$WORK/$1.pcap" "$CAP_FILTER" 2>"$WORK/$1.td" &
    TD_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do grep -qs 'listening on' "$WORK/$1.td" && return 0; sleep 0.1; done
    die "tcpdump did not start: $(cat "$WORK/$1.td")"
}
cap_stop() { kill -INT "$TD_PID"; wait "$TD_PID" || true; TD_PID=""; }

# write_golden file case pcap select mode note: the first packet of pcap matching the pcap-filter
# select, with a header (case, keepalived version, config, tcpdump -v -e) and the hex (mode ip|frame)
write_golden() {
    local file=$1 case=$2 pcap=$3 select=$4 mode=$5 note=$6 sel=$WORK/sel.pcap
    tcpdump -r "$pcap" -w "$sel" -c 1 "$select" 2>/dev/null
    [[ $(tcpdump -r "$sel" -n 2>/dev/null | wc -l) -ge 1 ]] || { echo "capture-golden: $case: no packet matches '$select'" >&2; return 1; }
    {
        echo "# case: $case"
        echo "# keepalived version: $KA_VERSION"
        echo "# captured by: bash deploy/capture-golden.sh (tcpdump in the peer namespace, first packet matching '$select')"
        echo "# bytes: $note"
        echo "# config excerpt:"
        sed 's/^/#   /' "$WORK/$case.conf"
        echo "# tcpdump -n -e -v -t:"
        tcpdump -r "$sel" -n -e -v -t 2>/dev/null | sed 's/^/#   /'
        $LAB hex "$sel" "$mode"
    } >"$OUT/$file"
    echo "  wrote ${OUT#"$ROOT"/}/$file"
}

# --- configs --------------------------------------------------------------------------------------
global() { # router_id [extra global_defs lines]
    printf 'global_defs {\n    router_id %s\n' "$1"
    [[ -n ${2:-} ]] && printf '%s\n' "$2"
    printf '}\n'
}
# instance state prio body...: a vrrp_instance VI_1 on eth0, vrid 51, advert_int 1 unless overridden
instance() {
    local state=$1 prio=$2
    shift 2
    printf 'vrrp_instance VI_1 {\n    state %s\n    interface eth0\n    virtual_router_id 51\n    priority %s\n' "$state" "$prio"
    local line
    for line in "$@"; do printf '    %s\n' "$line"; done
    printf '}\n'
}
VIP1='virtual_ipaddress {
        192.0.2.100
    }'
VIP2='virtual_ipaddress {
        192.0.2.100
        192.0.2.101
    }'
AUTH_1234='authentication {
        auth_type PASS
        auth_pass 1234
    }'

conf_case() { # case -> $WORK/<case>.conf for node a
    local c=$1
    case $c in
    v2-mcast-noauth) { global ahg_a; instance MASTER 100 "advert_int 1" "$VIP1"; } ;;
    v2-mcast-pass) { global ahg_a; instance BACKUP 100 "advert_int 1" "$AUTH_1234" "$VIP2"; } ;;
    v2-mcast-pass-long) { global ahg_a; instance BACKUP 100 "advert_int 1" 'authentication {
        auth_type PASS
        auth_pass secretpassword
    }' "$VIP1"; } ;;
    v2-unicast) { global ahg_a; instance BACKUP 100 "advert_int 1" "unicast_src_ip 192.0.2.1" 'unicast_peer {
        192.0.2.2
    }' "$VIP1"; } ;;
    v2-prio0) { global ahg_a; instance BACKUP 100 "advert_int 1" "$VIP1"; } ;;
    v2-ah) { global ahg_a; instance BACKUP 100 "advert_int 1" 'authentication {
        auth_type AH
        auth_pass 1234
    }' "$VIP1"; } ;;
    v3-ipv4-mcast) { global ahg_a; instance BACKUP 100 "version 3" "advert_int 1" "$VIP1"; } ;;
    v3-ipv4-mcast-int0.1) { global ahg_a; instance BACKUP 100 "version 3" "advert_int 0.1" "$VIP1"; } ;;
    v3-ipv4-unicast) { global ahg_a; instance BACKUP 100 "version 3" "advert_int 1" "unicast_src_ip 192.0.2.1" 'unicast_peer {
        192.0.2.2
    }' "$VIP1"; } ;;
    v3-ipv4-unicast-old-checksum) { global ahg_a; instance BACKUP 100 "version 3" "advert_int 1" "old_unicast_checksum" "unicast_src_ip 192.0.2.1" 'unicast_peer {
        192.0.2.2
    }' "$VIP1"; } ;;
    v3-ipv6-mcast) { global ahg_a; instance BACKUP 100 "version 3" "advert_int 1" 'virtual_ipaddress {
        2001:db8::100/64
    }'; } ;;
    *) die "no config for case $c" ;;
    esac >"$WORK/$c.conf"
}

# --- log catalogue --------------------------------------------------------------------------------
LOGCAT=$WORK/keepalived-log-lines.txt
normalize_log() { # keepalived -l lines without timestamps; pids, paths, kernel and CPU times masked
    sed -E \
        -e 's/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}: //' \
        -e "s#$WORK#<work>#g" \
        -e 's/pid=[0-9]+/pid=<pid>/g' \
        -e 's/^Running on Linux .* \(built for/Running on Linux <kernel> (built for/' \
        -e 's/^Stopped - used [0-9.]+ user time, [0-9.]+ system time/Stopped - used <t> user time, <t> system time/' \
        -e 's#^CPU usage \(self/children\) user: [0-9.]+/[0-9.]+ system: [0-9.]+/[0-9.]+#CPU usage (self/children) user: <t>/<t> system: <t>/<t>#' \
        "$1"
}
catalogue() { # title description run:label...
    local title=$1 desc=$2 r
    shift 2
    {
        printf '\n## %s\n%s\n' "$title" "$desc"
        for r in "$@"; do
            printf '\n### %s\n' "${r#*:}"
            normalize_log "$WORK/${r%%:*}.log"
        done
    } >>"$LOGCAT"
}

# --- the packet cases -----------------------------------------------------------------------------
IP4_ADVERT='ip proto 112 and ip[22] != 0'
run_case() { # case select mode note [garp|na]
    local c=$1 select=$2 mode=$3 note=$4 extra=${5:-}
    echo "case $c"
    reset_addrs
    conf_case "$c"
    cap_start "$c"
    ka_start "$c" "$NS_A"
    if ! wait_log "$c" 'Entering MASTER STATE' 1 20; then
        echo "capture-golden: $c: keepalived did not become MASTER" >&2
        ka_term "$c"; cap_stop
        catalogue "case $c (did not become MASTER)" "Single node a, config as in Golden/$c.txt would have been." "$c:node a"
        return 1
    fi
    sleep 2.5
    mark "SIGTERM" "$c"
    ka_term "$c"
    sleep 0.5
    cap_stop
    catalogue "case $c" "Single node a (192.0.2.1), config as in Golden/$c.txt; started, left MASTER for 2.5 s, then SIGTERM." "$c:node a"
    write_golden "$c.txt" "$c" "$WORK/$c.pcap" "$select" "$mode" "$note" || return 1
    case $extra in
    garp) write_golden "$c-garp.txt" "$c" "$WORK/$c.pcap" 'arp and ether broadcast' frame \
        "whole Ethernet frame (14-byte header + 28-byte ARP), first gratuitous ARP after Entering MASTER STATE" ;;
    na) write_golden "$c-na.txt" "$c" "$WORK/$c.pcap" 'icmp6 and ip6[40] == 136' frame \
        "whole Ethernet frame (14-byte header + IPv6 header + ICMPv6 neighbour advertisement), first unsolicited NA after Entering MASTER STATE" ;;
    esac
}

mkdir -p "$OUT"
lab_up
cat >"$LOGCAT" <<EOF
# keepalived log lines, as ActorHa must reproduce them
# $KA_VERSION, run as: ip netns exec <ns> keepalived -n -l -D -G -f <conf> -p <pid> -r <vpid> --vrrp
# Written by: bash deploy/capture-golden.sh. Timestamps ("Sun Nov 22 22:41:14 2026: ") are stripped;
# <pid>, <work> (temporary folder), <kernel> and <t> (CPU times) are masked. Lines starting with
# "-- [lab]" are the script's own markers, written into the same log at the moment it acted.
# Lab: node a = 192.0.2.1 (eth0, MAC 00:00:5e:00:53:01), node b = 192.0.2.2, injector c = 192.0.2.3.
# Unless a section says otherwise the instance is VI_1, VRID 51, advert_int 1, VIP 192.0.2.100.
EOF

FAILED=()
# step name function args...: a failed step is recorded, its leftovers stopped, and the run goes on
step() {
    local name=$1 r
    shift
    if ! "$@"; then
        FAILED+=("$name")
        for r in "${!KA_PID[@]}"; do ka_term "$r"; done
        [[ -z $TD_PID ]] || cap_stop
    fi
}

step v2-mcast-noauth run_case v2-mcast-noauth "$IP4_ADVERT" ip "IPv4 datagram from the IP header (20) + VRRPv2 advert" garp
step v2-mcast-pass run_case v2-mcast-pass "$IP4_ADVERT" ip "IPv4 datagram from the IP header (20) + VRRPv2 advert"
step v2-mcast-pass-long run_case v2-mcast-pass-long "$IP4_ADVERT" ip "IPv4 datagram from the IP header (20) + VRRPv2 advert; auth_pass truncated to 8 bytes"
step v2-unicast run_case v2-unicast "$IP4_ADVERT and dst host 192.0.2.2" ip "IPv4 datagram from the IP header (20) + VRRPv2 advert"
step v2-prio0 run_case v2-prio0 'ip proto 112 and ip[22] == 0' ip "IPv4 datagram from the IP header (20) + VRRPv2 advert with priority 0, sent on SIGTERM"
step v2-ah run_case v2-ah 'ip proto 51' ip "IPv4 datagram from the IP header (20) + AH header (24) + VRRPv2 advert"
step v3-ipv4-mcast run_case v3-ipv4-mcast "$IP4_ADVERT" ip "IPv4 datagram from the IP header (20) + VRRPv3 advert"
step v3-ipv4-mcast-int0.1 run_case v3-ipv4-mcast-int0.1 "$IP4_ADVERT" ip "IPv4 datagram from the IP header (20) + VRRPv3 advert, Max Adver Int 10 centiseconds"
step v3-ipv4-unicast run_case v3-ipv4-unicast "$IP4_ADVERT and dst host 192.0.2.2" ip "IPv4 datagram from the IP header (20) + VRRPv3 advert"
step v3-ipv4-unicast-old-checksum run_case v3-ipv4-unicast-old-checksum "$IP4_ADVERT and dst host 192.0.2.2" ip "IPv4 datagram from the IP header (20) + VRRPv3 advert, checksum in the pre-1.3.6 keepalived style (old_unicast_checksum)"
step v3-ipv6-mcast run_case v3-ipv6-mcast 'ip6 proto 112 and ip6[42] != 0' ip "IPv6 header (40) + VRRPv3 advert" na

# --- two-node and injected-packet scenarios, for the log catalogue -------------------------------
scenario_failover() {
    echo "scenario failover (preemption, SIGKILL, SIGTERM)"
    reset_addrs
    { global ahg_a; instance BACKUP 100 "advert_int 1" "$VIP1"; } >"$WORK/fo-a.conf"
    { global ahg_b; instance BACKUP 150 "advert_int 1" "$VIP1"; } >"$WORK/fo-b1.conf"
    cp "$WORK/fo-b1.conf" "$WORK/fo-b2.conf"
    ka_start fo-a "$NS_A"
    wait_log fo-a 'Entering MASTER STATE' 1 || return 1
    sleep 1
    mark "starting b (priority 150)" fo-a
    ka_start fo-b1 "$NS_B"
    wait_log fo-a 'Entering BACKUP STATE$' 1 || return 1
    wait_log fo-b1 'Entering MASTER STATE' 1 || return 1
    sleep 1
    mark "SIGKILL b (VRRP child and parent)" fo-a fo-b1
    ka_crash fo-b1
    wait_log fo-a 'Entering MASTER STATE' 2 || return 1
    sleep 1
    mark "starting b again (priority 150)" fo-a
    ka_start fo-b2 "$NS_B"
    wait_log fo-a 'Entering BACKUP STATE$' 2 || return 1
    wait_log fo-b2 'Entering MASTER STATE' 1 || return 1
    sleep 1
    mark "SIGTERM b" fo-a fo-b2
    ka_term fo-b2
    wait_log fo-a 'Entering MASTER STATE' 3 || return 1
    sleep 1
    mark "SIGTERM a" fo-a
    ka_term fo-a
    catalogue "scenario failover: preemption, master SIGKILLed, master SIGTERMed" \
        "Node a priority 100 (starts alone, becomes MASTER); node b priority 150 starts and preempts; b is SIGKILLed (a takes over on Receive advertisement timeout); b starts again and preempts; b gets SIGTERM (priority-0 advert, a takes over at once)." \
        "fo-a:node a (priority 100)" "fo-b1:node b, first run (priority 150, SIGKILLed)" "fo-b2:node b, second run (priority 150, SIGTERM)"
}

scenario_peer_mismatch() { # name title: configs $WORK/<name>-{a,b}.conf already written
    local name=$1 title=$2
    echo "scenario $name"
    reset_addrs
    ka_start "$name-a" "$NS_A"
    wait_log "$name-a" 'Entering MASTER STATE' 1 || return 1
    mark "starting b (priority 150)" "$name-a"
    ka_start "$name-b" "$NS_B"
    sleep 6
    mark "SIGTERM b" "$name-a" "$name-b"
    ka_term "$name-b"
    sleep 1
    mark "SIGTERM a" "$name-a"
    ka_term "$name-a"
    catalogue "scenario $name" "$title" "$name-a:node a (priority 100)" "$name-b:node b (priority 150)"
}

inject() { # run text spec...: marker in the log, send from c, give keepalived a moment
    local run=$1 text=$2
    shift 2
    mark "inject from c: $text" "$run"
    ip netns exec "$NS_C" $LAB inject eth0 "$@"
    sleep 0.4
}

scenario_invalid_v2() {
    local r=inv-v2
    echo "scenario $r (hand-made VRRPv2 adverts from c)"
    reset_addrs
    { global ahg_a "    log_unknown_vrids"; instance BACKUP 100 "advert_int 1" "$AUTH_1234" "$VIP1"; } >"$WORK/$r.conf"
    ka_start $r "$NS_A"
    wait_log $r 'Entering MASTER STATE' 1 || return 1
    sleep 6 # past the second GARP burst (garp_master_delay 5) so it does not interleave
    local ok="auth=1,pass=1234"
    inject $r "TTL 254" "$ok,ttl=254"
    inject $r "TTL 1" "$ok,ttl=1"
    inject $r "wrong password (9999)" "auth=1,pass=9999"
    inject $r "auth type 0 (none), instance expects PASS" "auth=0"
    inject $r "auth type 2 (AH value in the VRRP auth field), no AH header" "auth=2,pass=1234"
    inject $r "bad VRRP checksum (0x1234)" "$ok,csum=0x1234"
    inject $r "2 VIPs (192.0.2.100, 192.0.2.101), instance has 1" "$ok,ips=192.0.2.100+192.0.2.101"
    inject $r "1 VIP but a different one (192.0.2.101)" "$ok,ips=192.0.2.101"
    inject $r "count field 2 but only 1 address in the packet" "$ok,naddr=2"
    inject $r "unknown VRID 52 (log_unknown_vrids is set)" "$ok,vrid=52"
    inject $r "version 3 advert to this version 2 instance" "ver=3"
    inject $r "version 1" "$ok,ver=1"
    inject $r "advert interval 2 s, instance has 1 s" "$ok,int=2"
    inject $r "type 2 (not an advertisement)" "$ok,type=2"
    inject $r "truncated VRRP payload (10 bytes)" "$ok,truncate=10"
    inject $r "IP total length 100, datagram shorter" "$ok,totlen=100"
    inject $r "unicast to 192.0.2.1 (instance is multicast)" "$ok,dst=192.0.2.1,dmac=00005e005301"
    inject $r "valid, priority 50 (lower than ours)" "$ok,prio=50"
    sleep 1
    inject $r "valid, priority 100 (equal to ours, source 192.0.2.3 higher than 192.0.2.1)" "$ok,prio=100"
    inject $r "valid, priority 200 (while BACKUP)" "$ok,prio=200"
    inject $r "valid, priority 0 (while BACKUP)" "$ok,prio=0"
    wait_log $r 'Entering MASTER STATE' 2 || return 1
    sleep 1
    inject $r "valid, priority 0 (while MASTER)" "$ok,prio=0"
    inject $r "valid, priority 200 (while MASTER)" "$ok,prio=200"
    sleep 1
    mark "SIGTERM" $r
    ka_term $r
    catalogue "scenario $r: invalid and edge-case VRRPv2 adverts" \
        "Node a: VRRPv2, auth PASS 1234, global log_unknown_vrids, MASTER when the injection starts. Each marker names the one thing that is wrong with an otherwise valid advert (src 192.0.2.3, dst 224.0.0.18, TTL 255, VRID 51, priority 100, 1 VIP 192.0.2.100, auth PASS 1234, advert_int 1) sent from c. A marker followed by no keepalived line means keepalived logged nothing for that packet." \
        "$r:node a"
}

scenario_invalid_v3() {
    local r=inv-v3
    echo "scenario $r (hand-made VRRPv3 adverts from c)"
    reset_addrs
    { global ahg_a; instance BACKUP 100 "version 3" "advert_int 1" "$VIP1"; } >"$WORK/$r.conf"
    ka_start $r "$NS_A"
    wait_log $r 'Entering MASTER STATE' 1 || return 1
    sleep 6
    local ok="ver=3"
    inject $r "bad VRRPv3 checksum (0x1234)" "$ok,csum=0x1234"
    inject $r "TTL 254" "$ok,ttl=254"
    inject $r "version 2 advert to this version 3 instance" "ver=2"
    inject $r "2 VIPs, instance has 1" "$ok,ips=192.0.2.100+192.0.2.101"
    inject $r "1 VIP but a different one (192.0.2.101)" "$ok,ips=192.0.2.101"
    inject $r "unknown VRID 52 (log_unknown_vrids not set)" "$ok,vrid=52"
    inject $r "valid, priority 50, Max Adver Int 200 cs" "$ok,prio=50,int=200"
    sleep 1
    inject $r "valid, priority 200, Max Adver Int 200 cs (while MASTER)" "$ok,prio=200,int=200"
    inject $r "valid, priority 200, Max Adver Int 200 cs (while BACKUP)" "$ok,prio=200,int=200"
    sleep 1
    mark "silence from c: waiting for Receive advertisement timeout" $r
    wait_log $r 'Entering MASTER STATE' 2 || return 1
    sleep 1
    mark "SIGTERM" $r
    ka_term $r
    catalogue "scenario $r: invalid and edge-case VRRPv3 adverts (IPv4)" \
        "Node a: VRRPv3 over IPv4, no log_unknown_vrids, MASTER when the injection starts. Valid base advert from c: src 192.0.2.3, dst 224.0.0.18, TTL 255, VRID 51, priority 100, Max Adver Int 100 cs, 1 VIP 192.0.2.100." \
        "$r:node a"
}

scenario_unicast_checks() {
    local r=uc-check
    echo "scenario $r (unicast instance with check_unicast_src, adverts from c)"
    reset_addrs
    { global ahg_a; instance BACKUP 100 "advert_int 1" "unicast_src_ip 192.0.2.1" "check_unicast_src" 'unicast_peer {
        192.0.2.2
    }' "$VIP1"; } >"$WORK/$r.conf"
    ka_start $r "$NS_A"
    wait_log $r 'Entering MASTER STATE' 1 || return 1
    sleep 6
    local ok="dst=192.0.2.1,dmac=00005e005301"
    inject $r "unicast from 192.0.2.3, not a unicast peer" "$ok,src=192.0.2.3,prio=200"
    inject $r "multicast to 224.0.0.18 from peer address 192.0.2.2" "src=192.0.2.2,prio=200"
    inject $r "unicast from peer 192.0.2.2 with TTL 64" "$ok,src=192.0.2.2,prio=200,ttl=64"
    sleep 1
    mark "SIGTERM" $r
    ka_term $r
    catalogue "scenario $r: unicast instance (unicast_src_ip 192.0.2.1, unicast_peer 192.0.2.2, check_unicast_src)" \
        "Node a as in case v2-unicast plus check_unicast_src. Adverts from c, all priority 200." "$r:node a"
}

scenario_fault() {
    local r=fault
    echo "scenario $r (interface down/up)"
    reset_addrs
    { global ahg_a; instance BACKUP 100 "advert_int 1" "$VIP1"; } >"$WORK/$r.conf"
    ka_start $r "$NS_A"
    wait_log $r 'Entering MASTER STATE' 1 || return 1
    sleep 1
    mark "ip link set eth0 down" $r
    ip -n "$NS_A" link set eth0 down
    wait_log $r 'FAULT' 1 10 || true
    sleep 2
    mark "ip link set eth0 up" $r
    ip -n "$NS_A" link set eth0 up
    wait_log $r 'Entering MASTER STATE' 2 20 || true
    sleep 1
    mark "SIGTERM" $r
    ka_term $r
    catalogue "scenario $r: the instance's interface goes down and up" "Node a MASTER, then eth0 down, then up." "$r:node a"
}

scenario_owner() { # vip label: priority 255 and state MASTER
    local r=$1 vip=$2 label=$3
    echo "scenario $r (priority 255, state MASTER, VIP $vip)"
    reset_addrs
    { global ahg_a; instance MASTER 255 "advert_int 1" "virtual_ipaddress {
        $vip
    }"; } >"$WORK/$r.conf"
    ka_start $r "$NS_A"
    wait_log $r 'Startup complete' 1 || return 1
    sleep 4
    mark "addresses on eth0 now: $(ip -n "$NS_A" -4 -br addr show dev eth0 | awk '{$1=$2=""; print}' | xargs)" $r
    mark "SIGTERM" $r
    ka_term $r
    catalogue "scenario $r: priority 255, state MASTER, VIP $vip ($label)" "Node a alone; watched for 4 s after Startup complete." "$r:node a"
}

scenario_unsupported_keyword() {
    local r=kw
    echo "scenario $r (keepalived -t on vrrp_v3_checksum_as_v2)"
    { global ahg_a "    vrrp_v3_checksum_as_v2"; instance BACKUP 100 "version 3" "$VIP1"; } >"$WORK/$r.conf"
    local rc=0
    ip netns exec "$NS_A" keepalived -t -l -G -f "$WORK/$r.conf" >>"$WORK/$r.log" 2>&1 || rc=$?
    mark "keepalived -t exit code $rc" $r
    catalogue "config test: global_defs vrrp_v3_checksum_as_v2 (not a keepalived 2.2.7 keyword)" \
        "keepalived -t -l -G -f <conf> with that keyword in global_defs." "$r:keepalived -t"
}

step failover scenario_failover
{ global ahg_a; instance BACKUP 100 "advert_int 1" "$AUTH_1234" "$VIP1"; } >"$WORK/peer-password-a.conf"
{ global ahg_b; instance BACKUP 150 "advert_int 1" 'authentication {
        auth_type PASS
        auth_pass 5678
    }' "$VIP1"; } >"$WORK/peer-password-b.conf"
step peer-password scenario_peer_mismatch peer-password "Node a auth PASS 1234, node b auth PASS 5678, both VIP 192.0.2.100."
{ global ahg_a; instance BACKUP 100 "advert_int 1" "$VIP1"; } >"$WORK/peer-vip-count-a.conf"
{ global ahg_b; instance BACKUP 150 "advert_int 1" "$VIP2"; } >"$WORK/peer-vip-count-b.conf"
step peer-vip-count scenario_peer_mismatch peer-vip-count "Node a VIP 192.0.2.100; node b VIPs 192.0.2.100 and 192.0.2.101."
{ global ahg_a; instance BACKUP 100 "advert_int 1" "$VIP1"; } >"$WORK/peer-vip-differs-a.conf"
{ global ahg_b; instance BACKUP 150 "advert_int 1" 'virtual_ipaddress {
        192.0.2.101
    }'; } >"$WORK/peer-vip-differs-b.conf"
step peer-vip-differs scenario_peer_mismatch peer-vip-differs "Node a VIP 192.0.2.100; node b VIP 192.0.2.101."
step inv-v2 scenario_invalid_v2
step inv-v3 scenario_invalid_v3
step uc-check scenario_unicast_checks
step fault scenario_fault
step owner-vip scenario_owner owner-vip 192.0.2.100 "an address not on the interface"
step owner-own-ip scenario_owner owner-own-ip 192.0.2.1 "node a's own primary address 192.0.2.1/24, the RFC address-owner case"
step kw scenario_unsupported_keyword

cp "$LOGCAT" "$OUT/keepalived-log-lines.txt"
echo "  wrote ${OUT#"$ROOT"/}/keepalived-log-lines.txt"
if ((${#FAILED[@]})); then
    echo "capture-golden: failed or incomplete: ${FAILED[*]}" >&2
    exit 1
fi
