#!/usr/bin/env bash
# Runs keepalived's config test (keepalived -t) on Debian's sample configs, on a set of one-fault
# probe configs, and optionally on configs derived from the seeds, and writes the verdicts (exit code
# and every message, verbatim) to test/ActorHa.Config.Tests/Samples/keepalived-t-verdicts.md.
#
#   sudo bash deploy/keepalived-t-samples.sh [--seeds DIR]
#
# keepalived -t looks up the interfaces a config names, so it runs inside a throwaway namespace
# ahg-t-<pid> that has veth pairs eth0..eth3 (peers p0..p3, same namespace) with documentation
# addresses. The config test sends nothing. Without --seeds, the "Seed configs" section already in
# the verdict file is kept as it is; with --seeds DIR, every file in DIR is tested for that section.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/test/ActorHa.Config.Tests/Samples/keepalived-t-verdicts.md
SAMPLES=/usr/share/doc/keepalived/samples

die() { echo "keepalived-t-samples: $*" >&2; exit 1; }
SEEDS=""
while (($#)); do
    case $1 in
    --seeds) SEEDS=${2:?--seeds needs a folder}; shift 2 ;;
    *) die "unknown argument $1" ;;
    esac
done
[[ $(id -u) -eq 0 ]] || die "run as root (it creates a network namespace)"
command -v keepalived >/dev/null || die "keepalived is required"
[[ -d $SAMPLES ]] || die "$SAMPLES not found (Debian's keepalived package ships it)"
[[ -z $SEEDS || -d $SEEDS ]] || die "$SEEDS is not a folder"

NS=ahg-t-$$
WORK=$(mktemp -d /tmp/ahg-tsamples.XXXXXX)
NS_MADE=0
cleanup() {
    local rc=$?
    ((NS_MADE)) && ip netns del "$NS" 2>/dev/null
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NS"
NS_MADE=1
ip -n "$NS" link set lo up
for i in 0 1 2 3; do
    ip -n "$NS" link add "eth$i" type veth peer name "p$i"
    ip -n "$NS" link set "eth$i" up
    ip -n "$NS" link set "p$i" up
done
ip -n "$NS" addr add 192.0.2.10/24 dev eth0
ip -n "$NS" addr add 198.51.100.10/24 dev eth1
ip -n "$NS" addr add 203.0.113.10/24 dev eth2
ip -n "$NS" addr add 2001:db8::10/64 dev eth3 nodad

# row label file [extra keepalived options]: one table row, messages as code spans joined by <br>
row() {
    local label=$1 file=$2 rc=0 out
    shift 2
    out=$(cd "$WORK" && ip netns exec "$NS" keepalived "$@" -t -l -D -f "$file" 2>&1) || rc=$?
    local cell
    # a line holding a backtick (keepalived quotes keywords with them) goes in a double-backtick span
    cell=$(printf '%s\n' "$out" | sed -e '/^$/d' -e "s#$WORK#<tmp>#g" -e "s#${SEEDS:-/nonexistent-seeds}#<seeds>#g" \
        -e 's/|/\\|/g' -e '/`/{s/.*/`` & ``/;b' -e '}' -e 's/.*/`&`/' | paste -sd '\t' | sed 's/\t/<br>/g')
    printf '| %s | %s | %s |\n' "$label" "$rc" "$cell"
}

# One-fault probes: the evidence for what each exit code means.
VI='vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100
    }
}'
probe() { # name description [extra keepalived options] < config
    local name=$1 desc=$2
    shift 2
    cat >"$WORK/$name.conf"
    row "\`$name\`: $desc" "$WORK/$name.conf" "$@"
}
probes() {
    printf '%s\n' "$VI" | probe ok "a valid minimal instance"
    : | probe empty "an empty file"
    row '`missing`: -f names a file that does not exist' "$WORK/does-not-exist.conf"
    row '`missing -e`: the same with -e (error if a config file is missing)' "$WORK/does-not-exist.conf" -e
    row '`directory`: -f names a folder' "$WORK"
    printf 'include %s/nothing/*.conf\n%s\n' "$WORK" "$VI" | probe include-missing "include of a glob that matches nothing"
    printf 'include %s/nothing/*.conf\n%s\n' "$WORK" "$VI" | probe include-missing-e "the same with -e" -e
    printf 'garbage_keyword\n%s\n' "$VI" | probe unknown-keyword "an unknown top-level keyword"
    printf '%s\n' "$VI" | head -n -1 | probe missing-brace "the closing } of the instance missing"
    printf '%s\n}\n' "$VI" | probe extra-brace "one } too many"
    printf '%s\n' "$VI" | sed 's/priority 100/priority 300/' | probe priority-300 "priority 300"
    printf '%s\n' "$VI" | sed 's/virtual_router_id 51/virtual_router_id 300/' | probe vrid-300 "virtual_router_id 300"
    printf '%s\n' "$VI" | sed '/virtual_router_id/d' | probe no-vrid "no virtual_router_id"
    printf '%s\n' "$VI" | sed '/interface eth0/d' | probe no-interface "no interface"
    printf '%s\n' "$VI" | sed 's/interface eth0/interface eth9/' | probe unknown-interface "interface eth9 (not in the namespace)"
    printf '%s\n' "$VI" | sed 's/192.0.2.100/192.0.2.300/' | probe bad-vip "VIP 192.0.2.300"
    printf 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\n' | probe no-vip "no virtual_ipaddress"
    printf '%s\n%s\n' "$VI" "$(printf '%s\n' "$VI" | sed 's/VI_1/VI_2/')" | probe duplicate-vrid "VI_1 and VI_2 both VRID 51 on eth0"
    printf '%s\n' "$VI" | sed 's/    priority 100/    priority 100\n    unicast_peer {\n    }/' | probe unicast-no-peer "empty unicast_peer block"
    printf '%s\n' "$VI" | sed 's/    priority 100/    priority 100\n    version 2/; s/192.0.2.100/2001:db8::100/' | probe v2-ipv6 "version 2 with an IPv6 VIP"
    printf '%s\n' "$VI" | sed 's/    priority 100/    priority 100\n    authentication {\n        auth_type PASS\n        auth_pass secretpassword\n    }/' | probe long-pass "auth_pass longer than 8 characters"
    printf 'vrrp_sync_group G {\n    group {\n        VI_X\n    }\n}\n' | probe sync-group-unknown "sync group naming an instance that does not exist"
    printf 'vrrp_script chk {\n    script "/bin/true"\n}\n%s\n' "$VI" | probe script-no-security "a vrrp_script without enable_script_security"
    printf 'global_defs {\n    enable_script_security\n    script_user root\n}\nvrrp_script chk {\n    script "/bin/true"\n}\n%s\n' "$VI" | probe script-security "the same with enable_script_security, script_user root"
    printf '%s\n' "$VI" | sed 's/    priority 100/    priority 100\n    debug/' | probe debug-no-level "debug without its level (seed 002 has it)"
    printf '%s\n' "$VI" | sed 's/    priority 100/    priority/' | probe priority-no-value "priority without a value"
    printf '%s\n' "$VI" | sed 's/    priority 100/    priority\n    garbage_keyword/' | probe priority-no-value-then-unknown "the same followed by an unknown keyword (does parsing go on?)"
    printf 'vrrp_script chk {\n    script "/bin/true"\n}\ngarbage_keyword\n%s\n' "$VI" | probe script-no-security-and-unknown "no script security and an unknown keyword"
    printf 'global_defs {\n    vrrp_v3_checksum_as_v2\n}\n%s\n' "$VI" | probe v3-checksum-as-v2 "global_defs vrrp_v3_checksum_as_v2 (not a 2.2.7 keyword)"
    printf 'virtual_server 192.0.2.50 80 {\n    lb_algo foo\n    real_server 192.0.2.60 80 {\n        TCP_CHECK {\n        }\n    }\n}\n' | probe virtual-server-bad-algo "virtual_server with lb_algo foo and no protocol"
}

TABLE_HEAD='| file | exit code | messages |
| --- | --- | --- |'

{
    cat <<EOF
# keepalived -t verdicts

What Debian's $(keepalived --version 2>&1 | head -n1) says about configs when asked to check them.
Written by \`sudo bash deploy/keepalived-t-samples.sh [--seeds DIR]\`: each file is run as
\`ip netns exec <ns> keepalived -t -l -D -f <file>\` (working directory a temporary folder) in a
throwaway namespace that has eth0..eth3 (eth0 192.0.2.10/24, eth1 198.51.100.10/24,
eth2 203.0.113.10/24, eth3 2001:db8::10/64). The messages are keepalived's stderr, verbatim, one
code span per line, in order; \`<tmp>\` stands for the temporary folder and \`<seeds>\` for the
seed-config folder. \`-l -D\` change nothing here: \`keepalived -t\` with or without them prints the
same lines, without timestamps. A message repeated 2-4 times is keepalived's: the config is read
once per process (parent, VRRP, checker, BFD) and some messages come from each reading.

## Exit codes observed

keepalived.8 ("Exit status") lists 1 (malloc failed), 2 (cannot initialise subsystems), 3 (with
--config-test: config cannot be run), 4 (config errors, keepalived would run after fixing them up)
and 5 (scripts configured without script security). keepalived 2.2.7 -t does not match that list;
the probes below show:

| exit code | when (observed) |
| --- | --- |
| 0 | nothing to report; also an empty file, a folder, a missing -f file and an include matching nothing, unless -e is given (a message is still printed for the missing/folder cases) |
| 2 | a keyword is missing its parameter (bare \`debug\`, bare \`priority\`): \`*** Configuration line starting ... is missing a parameter ...\`. Reading stops there: later errors and the semantic checks are not reported |
| 4 | -e and the -f file is missing: nothing to run |
| 5 | errors or warnings keepalived works around (unknown keyword, brace mismatch, value out of range, missing interface, no VIP, duplicate VRID, deprecated keyword, ...) |
| 6 | a script (vrrp_script, notify, MISC_CHECK) is configured without enable_script_security (\`SECURITY VIOLATION ...\`), also together with other errors; and -e with an include that matches nothing |

No probe produced 1 or 3.

## Debian samples ($SAMPLES)

$TABLE_HEAD
EOF
    for f in "$SAMPLES"/keepalived.conf.*; do
        row "$(basename "$f")" "$f"
    done
    cat <<EOF

## Probes (one fault each, written by the script)

$TABLE_HEAD
EOF
    probes
} >"$WORK/verdicts.md"

if [[ -n $SEEDS ]]; then
    {
        printf '\n## Seed configs\n\n'
        if [[ -f $SEEDS/README.md ]]; then cat "$SEEDS/README.md"; printf '\n'; fi
        printf '%s\n' "$TABLE_HEAD"
        for f in "$SEEDS"/*.conf; do row "$(basename "$f")" "$f"; done
    } >>"$WORK/verdicts.md"
elif [[ -f $OUT ]] && grep -q '^## Seed configs' "$OUT"; then
    printf '\n' >>"$WORK/verdicts.md"
    sed -n '/^## Seed configs/,$p' "$OUT" >>"$WORK/verdicts.md"
fi

mkdir -p "$(dirname "$OUT")"
cp "$WORK/verdicts.md" "$OUT"
echo "wrote ${OUT#"$ROOT"/}"
