#!/usr/bin/env python3
"""Sends PAYLOAD to one endpoint the way a program would, and says what happened.

usage: victim.py tcp|tfo|udp|udpconn|tcpbound|udpbound|leaderless|ping ADDR PORT [GO_FILE]
tcp: connect() then send; tfo: TCP Fast Open (sendto with MSG_FASTOPEN, no connect());
udp: sendto() on an unconnected socket; udpconn: connect() then send; tcpbound,
udpbound: the socket bound to ADDR connects (TCP) or sends (UDP) to 0.0.0.0, which the
kernel sends to the bound address; ping: an echo request from an unconnected ping
socket (sendto; PORT unused), then "sent reply" when the echo came back within a second,
"sent no reply" when not; leaderless: the
main thread exits (pthread_exit) and another thread connects and sends. With GO_FILE the
victim connects at once but sends only once GO_FILE exists (a socket set up before the
tool started). ADDR may be IPv4, IPv6 or IPv4-mapped IPv6 (::ffff:a.b.c.d, sent on an IPv6
socket). Prints "sent" or "error ERRNO" and exits 0: a victim that the guard kills exits
by signal instead."""
import ctypes
import os
import socket
import sys
import threading
import time


def leaderless(addr, port):
    """The connect comes from a thread of a process whose leader has exited."""
    def worker():
        time.sleep(0.5)  # the leader is gone (state Z) by then
        send("tcp", addr, port)
        os._exit(0)

    threading.Thread(target=worker).start()
    ctypes.CDLL(None).pthread_exit(None)


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "leaderless":
        leaderless(addr, port)
    send(mode, addr, port)


def ping(addr):
    v6 = ":" in addr
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM,
                      socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    s.settimeout(1)
    try:
        # type (echo request), code, checksum (the kernel's), id (the kernel's), seq
        s.sendto(bytes([128 if v6 else 8, 0, 0, 0, 0, 0, 0, 1]) + b"PAYLOAD", (addr, 0))
    except OSError as e:
        print(f"error {e.errno}", flush=True)
        return
    try:
        s.recv(64)
        print("sent reply", flush=True)
    except socket.timeout:
        print("sent no reply", flush=True)


def send(mode, addr, port):
    if mode == "ping":
        return ping(addr)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if mode in ("tcp", "tfo", "tcpbound") else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    if mode.endswith("bound"):
        s.bind((addr, 0))
        mode, addr = mode[:3], "0.0.0.0"
    try:
        if mode == "udp":
            s.sendto(b"PAYLOAD", (addr, port))
        elif mode == "tfo":
            s.sendto(b"PAYLOAD", socket.MSG_FASTOPEN, (addr, port))
        else:
            s.connect((addr, port))
            if len(sys.argv) > 4:
                for _ in range(600):
                    if os.path.exists(sys.argv[4]):
                        break
                    time.sleep(0.1)
            s.sendall(b"PAYLOAD")
        print("sent", flush=True)
    except OSError as e:
        print(f"error {e.errno}", flush=True)


if __name__ == "__main__":
    main()
