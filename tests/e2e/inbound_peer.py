#!/usr/bin/env python3
"""What inbound.sh's peer sends to the host whose interface --inbound watches.

usage: inbound_peer.py tcp SRC DST PORT          a TCP connect from SRC, then one byte
       inbound_peer.py udp SRC DST PORT COUNT    COUNT one-byte datagrams from SRC
       inbound_peer.py tagged IFACE DST_MAC SRC_MAC SADDR COUNT TAG...
           COUNT UDP datagrams from SADDR to 203.0.113.1:9302 in Ethernet frames behind
           the VLAN tags (outermost first: 802.1ad tags, then the 802.1Q one), written
           to IFACE by a packet socket (no VLAN device needed)
Exits 1 when a connect or send fails."""
import socket
import struct
import sys


def send(kind, src, dst, port, count=1):
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(2)
    try:
        if kind == "tcp":
            s.connect((dst, port))
            s.sendall(b"x")
        else:
            for _ in range(count):
                s.sendto(b"x", (dst, port))
    except OSError:
        return 1
    return 0


def ip_checksum(header):
    total = sum(struct.unpack("!10H", header))
    total = (total >> 16) + (total & 0xFFFF)
    return ~(total + (total >> 16)) & 0xFFFF


def tagged(iface, dst_mac, src_mac, saddr, count, tags):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 29, 1, 0, 64, 17, 0,
                     socket.inet_aton(saddr), socket.inet_aton("203.0.113.1"))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    frame = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", ""))
    for i, tag in enumerate(tags):
        frame += struct.pack("!HH", 0x8100 if i == len(tags) - 1 else 0x88A8, tag)
    frame += struct.pack("!H", 0x0800) + ip + struct.pack("!HHHH", 40000, 9302, 9, 0) + b"x"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for _ in range(count):
        s.send(frame)
    return 0


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "tcp":
        return send("tcp", args[0], args[1], int(args[2]))
    if mode == "udp":
        return send("udp", args[0], args[1], int(args[2]), int(args[3]))
    return tagged(args[0], args[1], args[2], args[3], int(args[4]), [int(t) for t in args[5:]])


if __name__ == "__main__":
    sys.exit(main())
