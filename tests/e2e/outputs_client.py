#!/usr/bin/env python3
"""DNS clients of tests/e2e/outputs.sh (raw queries over UDP to 127.0.0.1:53 unless said).

usage: outputs_client.py weird inner|tail      an odd name: prints its presentation form
       outputs_client.py comm NAME QNAME       renamed (prctl PR_SET_NAME), asks QNAME A
       outputs_client.py noquestion            a query with no question (QDCOUNT 0)
       outputs_client.py resolver GO DONE PREFIX COUNT
       outputs_client.py stream N PER_SECOND PROGRESS
       outputs_client.py responder ADDR READY      a DNS server on ADDR:53 (UDP and TCP)
       outputs_client.py mixed ADDR                asks mixed.test TXT of the responder
       outputs_client.py twoq ADDR                 a query of two questions to the responder
       outputs_client.py malformed ADDR udp|tcp    a message ldns refuses, sent to ADDR:53

weird inner: asks for a name whose first label holds '"', '\\', a control byte (0x01), a
byte 0xc3 and a '.', under "test"; weird tail: a one-label name ending in a backslash
(its presentation form ends in an escaped backslash, then the root's dot). Prints the name in ldns's presentation format as computed
here (ldns 1.8's rule: . ; ( ) \\ escaped with a backslash, other bytes outside ASCII
graphic characters as \\DDD), without the trailing dot, then, on a second line, what
libldns itself says (ldns_rdf2str through ctypes), or "-" when it cannot be loaded.
resolver: once GO exists, asks PREFIX-1.test ... PREFIX-COUNT.test (A), one socket each,
then stays alive until DONE exists (a resolver that lives on).
stream: asks q0001.test ... (N of them, 4 digits at least) at PER_SECOND, writing the
number of the last query answered (or given up on) to PROGRESS after each.
responder: what dnsmasq will not say, from ADDR:53 (UDP and TCP; READY is created once
both are bound): mixed.test is answered with 32 TXT records then one A (10.9.9.9), the
review's way past the 32 described answers; other queries have their questions echoed and
an A record 10.8.0.N for the N-th question of type A; a message it cannot parse gets no
answer. mixed: asks it, exit 0 once 33 answers came back. twoq: asks twoq-1.test A and
twoq-2.test AAAA in one query (QDCOUNT 2), exit 0 once answered. malformed: over udp, a
query whose header says one additional record where there is none; over tcp, a query whose
question is cut in its name (sent with its length prefix); prints the message sent (the
prefix aside) in lowercase hex, exit 0 once sent (no answer comes)."""
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


def parse_questions(msg):
    """The questions of msg as (labels, qtype, qclass), or None when it does not parse."""
    if len(msg) < 12:
        return None
    qd, an, ns, ar = struct.unpack("!HHHH", msg[4:12])
    if an or ns or ar:
        return None  # a query has none here
    pos, out = 12, []
    for _ in range(qd):
        labels = []
        while True:
            if pos >= len(msg):
                return None
            n = msg[pos]
            pos += 1
            if n == 0:
                break
            if n > 63 or pos + n > len(msg):
                return None
            labels.append(msg[pos:pos + n])
            pos += n
        if pos + 4 > len(msg):
            return None
        qtype, qclass = struct.unpack("!HH", msg[pos:pos + 4])
        pos += 4
        out.append((labels, qtype, qclass))
    return out if pos == len(msg) else None


def rr(rtype, rdata, ttl=60):
    return b"\xc0\x0c" + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def answer(msg):
    """The responder's answer to msg, or None."""
    questions = parse_questions(msg)
    if questions is None:
        return None
    qid = struct.unpack("!H", msg[:2])[0]
    body = b"".join(wire(l) + struct.pack("!HH", t, c) for l, t, c in questions)
    records = []
    if questions and [l.lower() for l in questions[0][0]] == [b"mixed", b"test"]:
        for i in range(32):
            text = b"txt-%02d" % i
            records.append(rr(16, bytes([len(text)]) + text))
        records.append(rr(1, socket.inet_aton("10.9.9.9")))
    else:
        # owners: the first question's name (the pointer at 12), data by position
        for n, (_, qtype, _) in enumerate(questions, 1):
            if qtype == 1:
                records.append(rr(1, socket.inet_aton(f"10.8.0.{n}")))
    head = struct.pack("!HHHHHH", qid, 0x8580, len(questions), len(records), 0, 0)
    return head + body + b"".join(records)


def responder(addr, ready):
    import selectors
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    udp = socket.socket(fam, socket.SOCK_DGRAM)
    udp.bind((addr, 53))
    tcp = socket.socket(fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, 53))
    tcp.listen(8)
    open(ready, "w").close()
    sel = selectors.DefaultSelector()
    sel.register(udp, selectors.EVENT_READ)
    sel.register(tcp, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is udp:
                msg, peer = udp.recvfrom(65535)
                reply = answer(msg)
                if reply:
                    udp.sendto(reply, peer)
                continue
            conn, _ = tcp.accept()
            conn.settimeout(2)
            try:
                data = b""
                while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
                    chunk = conn.recv(65535)
                    if not chunk:
                        break
                    data += chunk
                reply = answer(data[2:]) if len(data) >= 2 else None
                if reply:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
            except OSError:
                pass
            finally:
                conn.close()


def exchange(msg, addr, timeout=3.0):
    """msg over UDP to addr:53; the answer, or None."""
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(msg, (addr, 53))
        return s.recvfrom(65535)[0]
    except OSError:
        return None
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
    if cmd == "responder":
        responder(sys.argv[2], sys.argv[3])
        return 0
    if cmd == "mixed":
        reply = exchange(query([b"mixed", b"test"], qtype=16, qid=0x3333), sys.argv[2])
        an = struct.unpack("!H", reply[6:8])[0] if reply and len(reply) >= 12 else -1
        print(f"answers {an}")
        return 0 if an == 33 else 1
    if cmd == "twoq":
        msg = (struct.pack("!HHHHHH", 0x2222, 0x0100, 2, 0, 0, 0) + wire([b"twoq-1", b"test"]) +
               struct.pack("!HH", 1, 1) + wire([b"twoq-2", b"test"]) + struct.pack("!HH", 28, 1))
        reply = exchange(msg, sys.argv[2])
        print("answered" if reply else "no answer")
        return 0 if reply else 1
    if cmd == "malformed":
        addr, transport = sys.argv[2], sys.argv[3]
        if transport == "udp":
            # ARCOUNT 1, no additional record after the question
            msg = struct.pack("!HHHHHH", 0x6d61, 0x0100, 1, 0, 0, 1) + wire([b"bad", b"test"]) + \
                struct.pack("!HH", 1, 1)
            s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(msg, (addr, 53))
            s.close()
        else:
            # a question whose name is cut: its label says 10 bytes, 3 follow
            msg = struct.pack("!HHHHHH", 0x6d62, 0x0100, 1, 0, 0, 0) + b"\x0acut"
            s = socket.create_connection((addr, 53), timeout=3)
            s.sendall(struct.pack("!H", len(msg)) + msg)
            s.shutdown(socket.SHUT_WR)
            try:
                s.recv(100)  # the responder closes without an answer
            except OSError:
                pass
            s.close()
        print(msg.hex(), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
