#!/usr/bin/env bash
# Records what ipvsadm sends to the "IPVS" generic-netlink family and what Debian 12's kernel answers, inside the
# IPVS VM (deploy/ipvs-vm.sh), as test/ActorHa.Protocol.Tests/Golden/ipvs-genl.txt: one message a line, its name
# and its payload after the 16-byte netlink header in hex. Needs strace on the host.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
deploy/ipvs-vm.sh "$work" 'strace -f -e trace=sendmsg,recvmsg -xx -s 4096 -o trace.txt sh -c "
ipvsadm -A -t 192.0.2.10:8080 -s rr -p 300 -M 255.255.255.0
ipvsadm -a -t 192.0.2.10:8080 -r 198.51.100.2:8080 -g -w 3 -x 100 -y 10
ipvsadm -A -f 7 -s wlc
ipvsadm -Ln"' >/dev/null
python3 - "$work/trace.txt" test/ActorHa.Protocol.Tests/Golden/ipvs-genl.txt <<'EOF'
import re, sys
names = {
    ("recv", 0x10, 388): "ctrl-newfamily-ipvs",
    ("send", 1, 104): "ipvsadm-new-service-tcp-192.0.2.10-8080-rr-p300-M24",
    ("send", 5, 200): "ipvsadm-new-dest-198.51.100.2-8080-dr-w3-x100-y10",
    ("send", 1, 76): "ipvsadm-new-service-fwmark-7-wlc",
    ("send", 8, 68): "ipvsadm-get-dest-dump-tcp-192.0.2.10-8080",
    ("recv", 1, 320): "kernel-service-tcp-192.0.2.10-8080",
    ("recv", 1, 292): "kernel-service-fwmark-7",
    ("recv", 5, 356): "kernel-dest-198.51.100.2-8080",
}
msg = re.compile(r'\{nlmsg_len=(\d+), nlmsg_type=(0x[0-9a-f]+|\w+)[^}]*\}, "((?:\\x[0-9a-f]{2})*)"')
found = {}
for line in open(sys.argv[1]):
    if "MSG_PEEK" in line:
        continue
    kind = "send" if "sendmsg(" in line else "recv"
    for length, typ, data in msg.findall(line):
        payload = bytes.fromhex(data.replace("\\x", ""))
        if int(length) - 16 != len(payload) or not typ.startswith("0x"):
            continue
        key = (kind, 0x10 if typ == "0x10" else payload[0], int(length))
        if key in names and names[key] not in found:
            found[names[key]] = payload.hex()
with open(sys.argv[2], "w") as f:
    f.write("# Generic-netlink IPVS messages captured with strace in the IPVS VM (Debian 12 kernel 6.1, ipvsadm 1.31):\n")
    f.write("#   ipvsadm -A -t 192.0.2.10:8080 -s rr -p 300 -M 255.255.255.0\n")
    f.write("#   ipvsadm -a -t 192.0.2.10:8080 -r 198.51.100.2:8080 -g -w 3 -x 100 -y 10\n")
    f.write("#   ipvsadm -A -f 7 -s wlc; ipvsadm -Ln\n")
    f.write("# One message a line: name, then its payload after the 16-byte netlink header (genl header first), in hex.\n")
    f.write("# Made by deploy/capture-ipvs-golden.sh.\n")
    for name in names.values():
        f.write(f"{name} {found[name]}\n")
EOF
echo "wrote test/ActorHa.Protocol.Tests/Golden/ipvs-genl.txt"
