#!/usr/bin/env python3
"""Sends a one-byte datagram to ADDR:PORT every millisecond until STOP_FILE exists, then
prints how many the kernel let out and how many it refused with EPERM ("SENT REFUSED").

usage: hammer.py STOP_FILE ADDR PORT"""
import os
import socket
import sys
import time


def main():
    stop, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = refused = 0
    while not os.path.exists(stop):
        try:
            s.sendto(b"x", (addr, port))
            sent += 1
        except PermissionError:
            refused += 1
        time.sleep(0.001)
    print(sent, refused)


if __name__ == "__main__":
    main()
