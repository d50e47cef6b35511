#!/usr/bin/env bash
# The netns lab: a virtual LAN made only of network namespaces, N hosts and a client on one bridge.
#
#   deploy/lab.sh up N [CONF]     build the LAN; with CONF, start an actorha node per host (-i hK picks @hK lines)
#   deploy/lab.sh down            stop the nodes (SIGTERM, then SIGKILL) and delete every namespace of this lab
#   deploy/lab.sh status          which host holds which address, and the nodes' pids
#
# Nothing is created in the root namespace: veth pairs are made inside the switch namespace and their host ends
# moved into the hosts. Host K is 192.0.2.(10+K)/24 and 2001:db8::(10+K)/64 on eth0; the client is 192.0.2.200.
# Namespace names carry LAB_ID (default: "demo"), so two labs can coexist. Logs and pid files live in LAB_DIR.
# Source it to use the functions (lab_up, lab_down, lab_start_node, lab_ns ...) from another script.
set -euo pipefail

LAB_ID=${LAB_ID:-demo}
LAB_DIR=${LAB_DIR:-/tmp/actorha-lab-$LAB_ID}
ACTORHA=${ACTORHA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/artifacts/actorha/actorha}

lab_ns() { echo "ahlab-$LAB_ID-$1"; }

lab_up() {
    local hosts=$1
    mkdir -p "$LAB_DIR"
    echo "$hosts" >"$LAB_DIR/hosts"
    ip netns add "$(lab_ns sw)"
    ip -n "$(lab_ns sw)" link add br0 type bridge
    ip -n "$(lab_ns sw)" link set br0 up
    local k
    for ((k = 1; k <= hosts; k++)); do lab_add_host "h$k" "192.0.2.$((10 + k))" "2001:db8::$((10 + k))"; done
    lab_add_host c 192.0.2.200 2001:db8::200
}

lab_add_host() {
    local name=$1 v4=$2 v6=$3 ns
    ns=$(lab_ns "$name")
    ip netns add "$ns"
    ip -n "$(lab_ns sw)" link add "$name" type veth peer name eth0 netns "$ns"
    ip -n "$(lab_ns sw)" link set "$name" master br0
    ip -n "$(lab_ns sw)" link set "$name" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$v4/24" dev eth0
    ip -n "$ns" -6 addr add "$v6/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
}

# lab_start_node hK CONF: actorha in host hK's namespace, config-id hK, console log to $LAB_DIR/hK.log.
lab_start_node() {
    local host=$1 conf=$2
    ip netns exec "$(lab_ns "$host")" "$ACTORHA" -n -l -G -i "$host" -f "$conf" \
        -p "$LAB_DIR/$host.pid" --state-dir "$LAB_DIR/$host.state" >"$LAB_DIR/$host.log" 2>&1 &
    echo $! >"$LAB_DIR/$host.launcher"
    # The demo kills nodes on purpose; keep bash from reporting that as a job failure.
    disown $!
}

lab_pid() { cat "$LAB_DIR/$1.pid" 2>/dev/null || true; }

lab_holder() {
    local vip=$1 k hosts
    hosts=$(cat "$LAB_DIR/hosts")
    for ((k = 1; k <= hosts; k++)); do
        if ip -n "$(lab_ns "h$k")" -o addr show 2>/dev/null | grep -q " $vip/"; then echo "h$k"; fi
    done
}

lab_down() {
    local f pid
    for f in "$LAB_DIR"/*.pid; do
        [[ -e $f ]] || continue
        pid=$(cat "$f")
        # Only processes this lab started: their pid files are ours, and they must live in one of our namespaces.
        if [[ -n $pid && -d /proc/$pid ]] && ip netns identify "$pid" 2>/dev/null | grep -q "^ahlab-$LAB_ID-"; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    sleep 1.5
    for f in "$LAB_DIR"/*.pid "$LAB_DIR"/*.bgpid; do
        [[ -e $f ]] || continue
        pid=$(cat "$f")
        if [[ -n $pid && -d /proc/$pid ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep "^ahlab-$LAB_ID-" || true); do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$LAB_DIR"
}

lab_status() {
    local k hosts
    hosts=$(cat "$LAB_DIR/hosts" 2>/dev/null || echo 0)
    for ((k = 1; k <= hosts; k++)); do
        printf 'h%d  pid %-8s %s\n' "$k" "$(lab_pid "h$k")" \
            "$(ip -n "$(lab_ns "h$k")" -o -4 addr show dev eth0 2>/dev/null | awk '{print $4}' | paste -sd' ')"
    done
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    [[ $(id -u) -eq 0 ]] || { echo "lab.sh: network namespaces need root" >&2; exit 2; }
    case ${1:-} in
        up)
            lab_up "${2:?hosts}"
            if [[ -n ${3:-} ]]; then
                for ((k = 1; k <= $2; k++)); do lab_start_node "h$k" "$(realpath "$3")"; done
            fi
            ;;
        down) lab_down ;;
        status) lab_status ;;
        *) sed -n '2,12p' "$0"; exit 2 ;;
    esac
fi
