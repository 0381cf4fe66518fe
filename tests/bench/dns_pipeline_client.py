#!/usr/bin/python3
"""A DNS client that keeps WINDOW queries in flight (A a.example.test, one UDP socket
connected to 127.0.0.1:53) until N are sent and answered, or 2 s pass without an answer.

usage: tests/bench/dns_pipeline_client.py N WINDOW
prints: sent answered seconds"""
import socket
import struct
import sys
import time

n, window = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", 53))
s.settimeout(2)
name = b"\x01a\x07example\x04test\x00"
q = lambda i: struct.pack("!HHHHHH", i & 0xffff, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
t0 = time.monotonic()
sent = answered = 0
while sent < n or answered < sent:
    while sent < n and sent - answered < window:
        s.send(q(sent))
        sent += 1
    try:
        s.recv(512)
        answered += 1
    except socket.timeout:
        break
print(sent, answered, f"{time.monotonic() - t0:.3f}")
