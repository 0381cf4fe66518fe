#!/usr/bin/env python3
"""Sends PAYLOAD to one endpoint the way a program would, and says what happened.

usage: victim.py tcp|udp|udpconn ADDR PORT
tcp: connect() then send; udp: sendto() on an unconnected socket; udpconn: connect()
then send. ADDR may be IPv4, IPv6 or IPv4-mapped IPv6 (::ffff:a.b.c.d, sent on an IPv6
socket). Prints "sent" or "error ERRNO" and exits 0: a victim that the guard kills exits
by signal instead."""
import socket
import sys


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if mode == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    try:
        if mode == "udp":
            s.sendto(b"PAYLOAD", (addr, port))
        else:
            s.connect((addr, port))
            s.sendall(b"PAYLOAD")
        print("sent", flush=True)
    except OSError as e:
        print(f"error {e.errno}", flush=True)


if __name__ == "__main__":
    main()
