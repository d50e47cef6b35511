#!/usr/bin/env python3
"""Helpers for deploy/capture-golden.sh (standard library only).

  vrrp_lab.py hex PCAP MODE        first packet of a pcap as lowercase hex, 32 bytes a line.
                                   MODE ip: from the IP header, cut to the IP length (drops
                                   Ethernet padding); MODE frame: the whole Ethernet frame.
  vrrp_lab.py inject IFACE SPEC... send hand-made VRRP adverts as whole Ethernet frames through
                                   an AF_PACKET socket, so every byte (TTL, checksum, lengths) is
                                   ours. Run it inside a lab namespace only.
  vrrp_lab.py repeat N SECONDS IFACE SPEC...
                                   inject the SPECs N times, SECONDS apart, from one process (a
                                   python start costs 0.3-0.5 s on a loaded test host: a shell loop
                                   around inject cannot keep 10 adverts a second).

An inject SPEC is comma-separated key=value pairs; unset keys take the defaults below, and the
checksums are computed unless given. Keys: src dst ttl ver type vrid prio naddr count(alias of
naddr) auth int ips(space- or +-separated) pass csum ipcsum totlen truncate proto.
"""
import socket
import struct
import sys
import time

SRC_MAC = bytes.fromhex("00005e005303")


def inet_csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def read_first_packet(path: str) -> tuple[int, bytes]:
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            raise SystemExit(f"{path}: not a pcap file")
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise SystemExit(f"{path}: unknown pcap magic {magic.hex()}")
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        rec = f.read(16)
        if len(rec) < 16:
            raise SystemExit(f"{path}: no packet captured")
        incl_len = struct.unpack(endian + "IIII", rec)[2]
        return linktype, f.read(incl_len)


def cmd_hex(path: str, mode: str) -> None:
    linktype, frame = read_first_packet(path)
    if linktype != 1:
        raise SystemExit(f"{path}: link type {linktype}, expected Ethernet (1)")
    if mode == "frame":
        data = frame
    else:
        ethertype = struct.unpack("!H", frame[12:14])[0]
        ip = frame[14:]
        if ethertype == 0x0800:
            data = ip[: struct.unpack("!H", ip[2:4])[0]]
        elif ethertype == 0x86DD:
            data = ip[: 40 + struct.unpack("!H", ip[4:6])[0]]
        else:
            raise SystemExit(f"{path}: ethertype {ethertype:#06x} is not IP")
    h = data.hex()
    for i in range(0, len(h), 64):
        print(h[i : i + 64])


def build(spec: dict) -> bytes:
    get = lambda k, d: spec.get(k, d)
    src = get("src", "192.0.2.3")
    dst = get("dst", "224.0.0.18")
    ver = int(get("ver", "2"))
    ips = [a for a in get("ips", "192.0.2.100").replace("+", " ").split() if a]
    naddr = int(get("naddr", get("count", str(len(ips)))))
    addrs = b"".join(socket.inet_aton(a) for a in ips)
    vrid, prio, vtype = int(get("vrid", "51")), int(get("prio", "100")), int(get("type", "1"))
    if ver == 2:
        auth = int(get("auth", "0"))
        pw = get("pass", "").encode()[:8].ljust(8, b"\0")
        vrrp = bytearray(struct.pack("!BBBBBBH", (2 << 4) | vtype, vrid, prio, naddr, auth,
                                     int(get("int", "1")), 0) + addrs + pw)
        if "csum" in spec:
            struct.pack_into("!H", vrrp, 6, int(spec["csum"], 0))
        else:
            struct.pack_into("!H", vrrp, 6, inet_csum(bytes(vrrp)))
    else:
        vrrp = bytearray(struct.pack("!BBBBHH", (ver << 4) | vtype, vrid, prio, naddr,
                                     int(get("int", "100")) & 0x0FFF, 0) + addrs)
        if "csum" in spec:
            struct.pack_into("!H", vrrp, 6, int(spec["csum"], 0))
        else:
            pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 112, len(vrrp))
            struct.pack_into("!H", vrrp, 6, inet_csum(pseudo + bytes(vrrp)))
    vrrp = bytes(vrrp)
    if "truncate" in spec:
        vrrp = vrrp[: int(spec["truncate"])]
    totlen = int(get("totlen", str(20 + len(vrrp))))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, totlen, 0, 0, int(get("ttl", "255")),
                               int(get("proto", "112")), 0, socket.inet_aton(src), socket.inet_aton(dst)))
    struct.pack_into("!H", ip, 10, int(spec["ipcsum"], 0) if "ipcsum" in spec else inet_csum(bytes(ip)))
    d = socket.inet_aton(dst)
    if d[0] >= 224 and d[0] <= 239:
        dmac = bytes([0x01, 0x00, 0x5E, d[1] & 0x7F, d[2], d[3]])
    else:
        dmac = bytes.fromhex(get("dmac", "00005e005301"))
    return dmac + SRC_MAC + b"\x08\x00" + bytes(ip) + vrrp


def cmd_inject(iface: str, specs: list[str], times: int = 1, every: float = 0.0) -> None:
    frames = [build(dict(kv.split("=", 1) for kv in text.split(",") if kv)) for text in specs]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    start = time.monotonic()
    for i in range(times):
        # Paced from the start, so a slow send does not stretch the whole run.
        time.sleep(max(0.0, start + i * every - time.monotonic()))
        for frame in frames:
            s.send(frame)
    s.close()


def main(argv: list[str]) -> None:
    if len(argv) >= 3 and argv[0] == "hex":
        cmd_hex(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "inject":
        cmd_inject(argv[1], argv[2:])
    elif len(argv) >= 5 and argv[0] == "repeat":
        cmd_inject(argv[3], argv[4:], int(argv[1]), float(argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
