#!/usr/bin/env python3
"""DNS clients the way attackers and unusual resolvers behave, for ebpf_monitor's tests.

usage: dns_client.py flood N
       dns_client.py udp sendto|connected ADDR PORT NAME
       dns_client.py longlived ADDR PORT NAME GO_FILE
       dns_client.py tcp prefix|bytes|more|two|bad ADDR PORT NAME [NAME2]
       dns_client.py questions N ADDR PORT NAME
       dns_client.py thread NAME [GO_FILE]

flood: N distinct flows towards port 53 (127.x.y.z) on one UDP socket, as an
unprivileged user could make them: a connect() each (what a route lookup records) and a
send too large to leave (what a sendmsg probe records); no packet leaves.
udp: one A query from an unconnected socket (sendto) or a connected one; ADDR may be
IPv4, IPv6 or IPv4-mapped IPv6. Waits for the answer.
longlived: a connected UDP socket asks for first.NAME, waits for GO_FILE, then asks for
NAME on the same socket (a resolver's long-lived socket, after a flood).
tcp: one A query over TCP, written as: prefix (the 2-byte length alone, then the message),
bytes (one byte per segment), more (the length with MSG_MORE), two (NAME and NAME2 in one
segment), bad (a 3-byte malformed message then NAME, in one segment). Reads the answers.
questions: one UDP query holding N questions for NAME (compression pointers), unanswered.
thread: a thread named "dns-worker" sends the query to 127.0.0.1:53 and the process exits
at once; with GO_FILE it waits for that file first (a process older than the tool)."""
import ctypes
import os
import socket
import struct
import sys
import threading
import time


def query(name, qid=0x1234, qdcount=1):
    wire = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, qdcount, 0, 0, 0) + wire + struct.pack("!HH", 1, 1)


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def flood(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    big = b"\0" * 70000
    for i in range(n):
        s.connect((f"127.{1 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}", 53))
        try:
            s.send(big)
        except OSError:
            pass
    print(f"{n} flows")


def udp(how, addr, port, name):
    s = socket.socket(family_of(addr), socket.SOCK_DGRAM)
    s.settimeout(5)
    if how == "connected":
        s.connect((addr, port))
        s.send(query(name))
    else:
        s.sendto(query(name), (addr, port))
    print(len(s.recv(512)), "bytes")


def longlived(addr, port, name, go_file):
    s = socket.socket(family_of(addr), socket.SOCK_DGRAM)
    s.settimeout(5)
    s.connect((addr, port))
    s.send(query("first." + name))
    s.recv(512)
    while not os.path.exists(go_file):
        time.sleep(0.05)
    s.send(query(name))
    print(len(s.recv(512)), "bytes")


def framed(name):
    msg = query(name)
    return struct.pack("!H", len(msg)) + msg


def tcp(how, addr, port, names):
    s = socket.create_connection((addr, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    first = framed(names[0])
    if how == "prefix":
        s.send(first[:2])
        time.sleep(0.2)
        s.send(first[2:])
    elif how == "bytes":
        for b in first:
            s.send(bytes([b]))
            time.sleep(0.01)
    elif how == "more":
        s.send(first[:2], socket.MSG_MORE)
        s.send(first[2:])
    elif how == "two":
        s.send(first + framed(names[1]))
    elif how == "bad":
        s.send(b"\x00\x03\x12\x34\x01" + first)
    answers = 2 if how == "two" else 1
    data = b""
    try:
        while answers > 0:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
            while len(data) >= 2 and len(data) >= 2 + struct.unpack("!H", data[:2])[0]:
                data = data[2 + struct.unpack("!H", data[:2])[0]:]
                answers -= 1
    except socket.timeout:
        pass
    print("answers missing:", answers)


def questions(n, addr, port, name):
    head = struct.pack("!HHHHHH", 0x4321, 0x0100, n, 0, 0, 0)
    first = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    rest = (b"\xc0\x0c" + struct.pack("!HH", 1, 1)) * (n - 1)
    msg = head + first + struct.pack("!HH", 1, 1) + rest
    socket.socket(family_of(addr), socket.SOCK_DGRAM).sendto(msg, (addr, port))
    print(len(msg), "bytes")


def thread(name, go_file):
    while go_file and not os.path.exists(go_file):
        time.sleep(0.05)

    def worker():
        ctypes.CDLL(None).prctl(15, b"dns-worker")  # PR_SET_NAME: this thread only
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(query(name), ("127.0.0.1", 53))
        s.recv(512)
        os._exit(0)  # the process ends with the answer

    threading.Thread(target=worker).start()
    time.sleep(10)
    sys.exit("no answer")


def main(argv):
    cmd = argv[1]
    if cmd == "flood":
        flood(int(argv[2]))
    elif cmd == "udp":
        udp(argv[2], argv[3], int(argv[4]), argv[5])
    elif cmd == "longlived":
        longlived(argv[2], int(argv[3]), argv[4], argv[5])
    elif cmd == "tcp":
        tcp(argv[2], argv[3], int(argv[4]), argv[5:])
    elif cmd == "questions":
        questions(int(argv[2]), argv[3], int(argv[4]), argv[5])
    elif cmd == "thread":
        thread(argv[2], argv[3] if len(argv) > 3 else None)


if __name__ == "__main__":
    main(sys.argv)
