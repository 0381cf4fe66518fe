"""DNS clients for the namespace scenario (tests/e2e/containers.sh), each printing what the
test needs to know about who sent what.

  ns_client.py bound ADDR PORT NAME COUNT   from ADDR:PORT (bound), COUNT queries for NAME
                                            to ADDR:53, one a second/10; prints its pid
  ns_client.py forked NAME                  a socket connected to 127.0.0.1:53 by this
                                            process, one query for NAME sent by a child;
                                            prints "child PID"
  ns_client.py thread NAME                  the same socket used by a second thread:
                                            prints "thread TID"
  ns_client.py tcp_handover ADDR NAME [cork]
                                            a TCP connection to ADDR:53 made by this
                                            process (root), which asks NAME's "parent-"
                                            first, then hands it to a child that becomes
                                            nobody and asks "child-"NAME (with cork: under
                                            TCP_CORK, sent as the cork comes off); prints
                                            "parent PID" and "child PID"
  ns_client.py gso ADDR NAME...            one UDP_SEGMENT send to ADDR:53 holding a
                                            query for each NAME (all of one length); waits
                                            for as many answers
  ns_client.py big ADDR NAME SIZE           one UDP query for NAME to ADDR:53 padded
                                            (EDNS padding) to SIZE bytes; waits 2 s for
                                            the answer (exit 3 without)
  ns_client.py packet IFACE MAC SRC PORT DST NAME [bypass] [vlan]
                                            a query for NAME from SRC:PORT to DST:53
                                            written on a packet socket (AF_PACKET) as an
                                            Ethernet frame to MAC on IFACE (with bypass:
                                            PACKET_QDISC_BYPASS; with vlan: behind an
                                            802.1Q tag of VLAN 0); prints its pid, then
                                            "answered" or "unanswered" (2 s, on a UDP
                                            socket bound to SRC:PORT)
  ns_client.py flood ADDR PORT SECONDS      from ADDR:PORT, a query to ADDR:53 every ms
                                            (nobody need listen), for SECONDS
"""
import os
import socket
import struct
import sys
import threading
import time

from dns_client import checksum  # the Internet checksum (tests/e2e/dns_client.py)


def query(name, qid=0x1234):
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack(">HH", 1, 1)


def bound(addr, port, name, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.settimeout(2)
    print(os.getpid(), flush=True)
    got = 0
    for i in range(int(count)):
        s.sendto(query(name, i + 1), (addr, 53))
        try:
            s.recvfrom(4096)
            got += 1
        except socket.timeout:
            pass
        time.sleep(0.1)
    return 0 if got == int(count) else 1


def connected():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", 53))
    s.settimeout(3)
    return s


def forked(name):
    s = connected()
    pid = os.fork()
    if pid == 0:
        s.send(query(name))
        s.recv(4096)
        os._exit(0)
    print("child", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    return 0 if status == 0 else 1


def thread(name):
    s = connected()
    out = {}

    def run():
        out["tid"] = threading.get_native_id()
        s.send(query(name))
        out["answer"] = s.recv(4096)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    print("thread", out["tid"], flush=True)
    return 0 if out.get("answer") else 1


def tcp_exchange(s, name, cork=False):
    msg = query(name)
    if cork:  # the segment leaves as the cork comes off, outside any send call
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
    s.sendall(struct.pack(">H", len(msg)) + msg)
    if cork:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
    size = struct.unpack(">H", s.recv(2, socket.MSG_WAITALL))[0]
    return len(s.recv(size, socket.MSG_WAITALL)) == size


def tcp_handover(addr, name, *cork):
    s = socket.create_connection((addr, 53), timeout=3)
    print("parent", os.getpid(), flush=True)
    if not tcp_exchange(s, "parent-" + name):
        return 1
    pid = os.fork()
    if pid == 0:
        os.setgid(65534)
        os.setuid(65534)
        os._exit(0 if tcp_exchange(s, "child-" + name, bool(cork)) else 1)
    print("child", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    return 0 if status == 0 else 1


PACKET_QDISC_BYPASS = 20  # <linux/if_packet.h>


def packet(iface, mac, src, port, dst, name, *how):
    msg = query(name)
    s4, d4 = socket.inet_aton(src), socket.inet_aton(dst)
    udp = struct.pack(">HHHH", int(port), 53, 8 + len(msg), 0) + msg
    pseudo = s4 + d4 + struct.pack(">BBH", 0, socket.IPPROTO_UDP, len(udp))
    udp = udp[:6] + struct.pack(">H", checksum(pseudo + udp)) + udp[8:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64,
                     socket.IPPROTO_UDP, 0, s4, d4)
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    raw.bind((iface, 0))
    if "bypass" in how:
        raw.setsockopt(263, PACKET_QDISC_BYPASS, 1)  # SOL_PACKET
    tag = b"\x81\x00\x00\x00" if "vlan" in how else b""  # 802.1Q, VLAN 0: priority only
    own = raw.getsockname()[4]
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind((src, int(port)))
    rx.settimeout(2)
    print(os.getpid(), flush=True)
    raw.send(bytes.fromhex(mac.replace(":", "")) + own + tag + b"\x08\x00" + ip + udp)
    try:
        rx.recv(4096)
        print("answered", flush=True)
    except socket.timeout:
        print("unanswered", flush=True)
    return 0


UDP_SEGMENT = 103  # <linux/udp.h>


def gso(addr, *names):
    msgs = [query(n, i + 1) for i, n in enumerate(names)]
    if len({len(m) for m in msgs}) != 1:
        return 2
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, len(msgs[0]))
    s.connect((addr, 53))
    s.settimeout(3)
    s.send(b"".join(msgs))
    for _ in msgs:
        s.recv(4096)
    return 0


def big(addr, name, size):
    msg = bytearray(query(name))
    msg[11] = 1  # ARCOUNT: the OPT record
    pad = int(size) - len(msg) - 11 - 4
    msg += b"\x00" + struct.pack(">HHIH", 41, 1232, 0, 4 + pad) + struct.pack(">HH", 12, pad)
    msg += bytes(pad)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(bytes(msg), (addr, 53))
    try:
        s.recvfrom(4096)
    except socket.timeout:
        sys.exit(3)


def flood(addr, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    end = time.monotonic() + float(seconds)
    n = 0
    while time.monotonic() < end:
        try:
            s.sendto(query("planted.test", n & 0xFFFF), (addr, 53))
        except OSError:
            pass
        n += 1
        time.sleep(0.001)
    print(n, flush=True)
    return 0


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    sys.exit({"bound": bound, "forked": forked, "thread": thread, "gso": gso, "big": big,
              "flood": flood, "tcp_handover": tcp_handover, "packet": packet}[cmd](*args))
