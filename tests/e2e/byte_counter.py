#!/usr/bin/env python3
"""Counts the bytes that reach the given endpoints: the guard's witness.

usage: byte_counter.py COUNT_FILE tcp|udp:ADDR:PORT...
Every byte received on any endpoint is added to the total, which is rewritten to
COUNT_FILE after each receive (and written as 0 at start, once every socket listens).
Runs until killed; bounded by a one-hour alarm."""
import selectors
import signal
import socket
import sys


def endpoint(spec):
    proto, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    if kind == socket.SOCK_STREAM:
        s.listen(512)
    s.setblocking(False)
    return s


def main():
    signal.alarm(3600)
    count_file, specs = sys.argv[1], sys.argv[2:]
    sel = selectors.DefaultSelector()
    for spec in specs:
        s = endpoint(spec)
        sel.register(s, selectors.EVENT_READ, "listen" if s.type == socket.SOCK_STREAM else "udp")
    total = 0

    def record():
        with open(count_file + ".tmp", "w") as f:
            f.write(f"{total}\n")
        import os
        os.replace(count_file + ".tmp", count_file)

    record()
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "listen":
                try:
                    conn, _ = s.accept()
                except OSError:
                    continue
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "conn")
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if key.data == "conn" and not data:
                sel.unregister(s)
                s.close()
                continue
            total += len(data)
            record()


if __name__ == "__main__":
    main()
