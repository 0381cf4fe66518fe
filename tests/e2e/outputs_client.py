#!/usr/bin/env python3
"""DNS clients of tests/e2e/outputs.sh (raw queries over UDP to 127.0.0.1:53 unless said).

usage: outputs_client.py weird inner|tail      an odd name: prints its presentation form
       outputs_client.py comm NAME QNAME       renamed (prctl PR_SET_NAME), asks QNAME A
       outputs_client.py noquestion            a query with no question (QDCOUNT 0)
       outputs_client.py resolver GO DONE PREFIX COUNT
       outputs_client.py stream N PER_SECOND PROGRESS

weird inner: asks for a name whose first label holds '"', '\\', a control byte (0x01), a
byte 0xc3 and a '.', under "test"; weird tail: a one-label name ending in a backslash
(its presentation form ends in an escaped backslash, then the root's dot). Prints the name in ldns's presentation format as computed
here (ldns 1.8's rule: . ; ( ) \\ escaped with a backslash, other bytes outside ASCII
graphic characters as \\DDD), without the trailing dot, then, on a second line, what
libldns itself says (ldns_rdf2str through ctypes), or "-" when it cannot be loaded.
resolver: once GO exists, asks PREFIX-1.test ... PREFIX-COUNT.test (A), one socket each,
then stays alive until DONE exists (a resolver that lives on).
stream: asks q0001.test ... (N of them, 4 digits at least) at PER_SECOND, writing the
number of the last query answered (or given up on) to PROGRESS after each."""
import ctypes
import os
import socket
import struct
import sys
import time

WEIRD_LABEL = b'we"ir\\d\x01\xc3.x'


def wire(labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"


def query(labels, qtype=1, qid=0x4242):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire(labels) + struct.pack("!HH", qtype, 1)


def ask(labels, qtype=1, addr="127.0.0.1", timeout=3.0):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(query(labels, qtype, qid=int.from_bytes(os.urandom(2), "big")), (addr, 53))
        s.recvfrom(4096)
        return True
    except OSError:
        return False
    finally:
        s.close()


def presentation(labels):
    out = []
    for label in labels:
        text = ""
        for c in label:
            if chr(c) in ".;()\\":
                text += "\\" + chr(c)
            elif not (0x21 <= c <= 0x7e):
                text += "\\%03d" % c
            else:
                text += chr(c)
        out.append(text)
    return ".".join(out)


def ldns_presentation(labels):
    try:
        lib = ctypes.CDLL("libldns.so.3")
    except OSError:
        return "-"
    lib.ldns_dname_new_frm_data.restype = ctypes.c_void_p
    lib.ldns_dname_new_frm_data.argtypes = [ctypes.c_uint16, ctypes.c_char_p]
    lib.ldns_rdf2str.restype = ctypes.c_void_p
    lib.ldns_rdf2str.argtypes = [ctypes.c_void_p]
    lib.ldns_rdf_deep_free.argtypes = [ctypes.c_void_p]
    data = wire(labels)
    rdf = lib.ldns_dname_new_frm_data(len(data), data)
    ptr = lib.ldns_rdf2str(rdf)
    text = ctypes.string_at(ptr).decode("ascii")
    ctypes.CDLL(None).free(ctypes.c_void_p(ptr))
    lib.ldns_rdf_deep_free(rdf)
    return text[:-1] if text.endswith(".") else text


def main():
    cmd = sys.argv[1]
    if cmd == "weird":
        labels = [WEIRD_LABEL, b"test"] if sys.argv[2] == "inner" else [b"tail\\"]
        print(presentation(labels))
        print(ldns_presentation(labels), flush=True)
        return 0 if ask(labels) else 1
    if cmd == "comm":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(15, sys.argv[2].encode(), 0, 0, 0) != 0:  # PR_SET_NAME
            return 1
        return 0 if ask([l.encode() for l in sys.argv[3].split(".")]) else 1
    if cmd == "noquestion":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(struct.pack("!HHHHHH", 0x5151, 0x0100, 0, 0, 0, 0), ("127.0.0.1", 53))
        try:
            s.recvfrom(4096)
            print("answered")
        except OSError:
            print("no answer")
        return 0
    if cmd == "resolver":
        go, done, prefix, count = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        while not os.path.exists(go):
            time.sleep(0.05)
        ok = all(ask([f"{prefix}-{i}".encode(), b"test"]) for i in range(1, count + 1))
        deadline = time.time() + 300
        while not os.path.exists(done) and time.time() < deadline:
            time.sleep(0.05)
        return 0 if ok else 1
    if cmd == "stream":
        n, rate, progress = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
        t0 = time.time()
        for i in range(1, n + 1):
            ask([b"q%04d" % i, b"test"], timeout=1.0)
            with open(progress + ".tmp", "w") as f:
                f.write(f"{i}\n")
            os.replace(progress + ".tmp", progress)
            delay = t0 + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
