#!/usr/bin/env python3
"""What inbound.sh's peer sends to the host whose interface --inbound watches.

usage: inbound_peer.py tcp SRC DST PORT          a TCP connect from SRC, then one byte
       inbound_peer.py udp SRC DST PORT COUNT    COUNT one-byte datagrams from SRC
       inbound_peer.py frames IFACE DST_MAC SRC_MAC SADDR DADDR PORT COUNT [TAG...]
           COUNT one-byte UDP datagrams from SADDR to DADDR:PORT in Ethernet frames
           behind the VLAN tags (outermost first: 802.1ad tags, then the 802.1Q one),
           written to IFACE by a packet socket (no VLAN device needed); says how many
           the interface refused (ENOBUFS: dropped on its way out), if any, and tries them all
Exits 1 when a connect or send fails."""
import errno
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


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total >> 16) + (total & 0xFFFF)
    return ~total & 0xFFFF


def ip_packet(saddr, daddr, port):
    """A one-byte UDP datagram in its IPv4 or IPv6 header, and the Ethernet type."""
    if ":" in daddr:
        src, dst = socket.inet_pton(socket.AF_INET6, saddr), socket.inet_pton(socket.AF_INET6, daddr)
        udp = struct.pack("!HHHH", 40000, port, 9, 0) + b"x"
        pseudo = src + dst + struct.pack("!IxxxB", len(udp), 17)
        udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
        return 0x86DD, struct.pack("!IHBB", 0x60000000, len(udp), 17, 64) + src + dst + udp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 29, 1, 0, 64, 17, 0,
                     socket.inet_aton(saddr), socket.inet_aton(daddr))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return 0x0800, ip + struct.pack("!HHHH", 40000, port, 9, 0) + b"x"


def frames(iface, dst_mac, src_mac, saddr, daddr, port, count, tags):
    kind, packet = ip_packet(saddr, daddr, port)
    frame = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", ""))
    for i, tag in enumerate(tags):
        frame += struct.pack("!HH", 0x8100 if i == len(tags) - 1 else 0x88A8, tag)
    frame += struct.pack("!H", kind) + packet
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    refused = 0
    for _ in range(count):
        try:
            s.send(frame)
        except OSError as e:  # ENOBUFS: a program on the interface's egress dropped it
            if e.errno != errno.ENOBUFS:
                raise
            refused += 1
    if refused:
        print(f"{refused} of {count} refused")
        return 1
    return 0


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "tcp":
        return send("tcp", args[0], args[1], int(args[2]))
    if mode == "udp":
        return send("udp", args[0], args[1], int(args[2]), int(args[3]))
    return frames(args[0], args[1], args[2], args[3], args[4], int(args[5]), int(args[6]),
                  [int(t) for t in args[7:]])


if __name__ == "__main__":
    sys.exit(main())
