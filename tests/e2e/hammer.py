#!/usr/bin/env python3
"""Sends a one-byte datagram to ADDR:PORT (IPv4 or IPv6) every INTERVAL seconds (default
0.001; 0: as fast as it can, a flood) until STOP_FILE exists, then prints how many the
kernel let out and how many it refused with EPERM ("SENT REFUSED"). With HAMMER_READY=FILE
in the environment, FILE is created once the first datagram is sent or refused.

usage: hammer.py STOP_FILE ADDR PORT [INTERVAL]"""
import os
import socket
import sys
import time


def main():
    stop, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.001
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    sent = refused = 0
    ready = os.environ.get("HAMMER_READY")
    while not os.path.exists(stop):
        try:
            s.sendto(b"x", (addr, port))
            sent += 1
        except PermissionError:
            refused += 1
        if ready:
            open(ready, "w").close()
            ready = None
        if interval:
            time.sleep(interval)
    print(sent, refused)


if __name__ == "__main__":
    main()
