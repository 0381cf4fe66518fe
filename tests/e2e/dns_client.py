#!/usr/bin/env python3
"""DNS clients the way attackers and unusual resolvers behave, for ebpf_monitor's tests.

usage: dns_client.py flood N
       dns_client.py udp sendto|connected ADDR PORT NAME
       dns_client.py longlived ADDR PORT NAME GO_FILE
       dns_client.py tcp prefix|bytes|more|two|bad|rewrite|lost ADDR PORT NAME [NAME2]
       dns_client.py tcp halfway ADDR PORT NAME GO_FILE
       dns_client.py tcplisten ADDR PORT SECONDS
       dns_client.py tcpholders ADDR PORT N SECONDS
       dns_client.py questions N ADDR PORT NAME
       dns_client.py pointerflood ADDR PORT RATE SECONDS
       dns_client.py stream ADDR PORT RATE SECONDS
       dns_client.py thread NAME [GO_FILE]
       dns_client.py resolve ADDR PORT NAME CONNECT_PORT
       dns_client.py server ADDR PORT SECONDS
       dns_client.py forge SRC ADDR PORT NAME TARGET
       dns_client.py answerto ADDR PORT NAME ADDRESS
       dns_client.py twoanswers ADDR NAME TARGET TARGET_ADDR
       dns_client.py asktwo ADDR CLEAN NAME CONNECT_PORT
       dns_client.py exthdr NAME PORT N [ah]

flood: N distinct flows towards port 53 (127.x.y.z) on one UDP socket, as an
unprivileged user could make them: a connect() each (what a route lookup records) and a
send too large to leave (what a sendmsg probe records); no packet leaves.
udp: one A query from an unconnected socket (sendto) or a connected one; ADDR may be
IPv4, IPv6 or IPv4-mapped IPv6. Waits for the answer.
longlived: a connected UDP socket asks for first.NAME, waits for GO_FILE, then asks for
NAME on the same socket (a resolver's long-lived socket, after a flood).
tcp: one A query over TCP, written as: prefix (the 2-byte length alone, then the message),
bytes (one byte per segment), more (the length with MSG_MORE), two (NAME and NAME2 in one
segment), bad (a 3-byte malformed message then NAME, in one segment), lost (NAME2 alone
from a file with sendfile, then NAME (of NAME2's length) written over it in the file:
what a retransmission carries when the first segment was lost), rewrite (NAME2 and
the start of another NAME2 sent from a file with sendfile, then NAME (of NAME2's length)
written over the first in the file, then the rest), halfway (20 bytes of the framed
query, then the rest once GO_FILE exists). Reads the answers.
tcplisten: a TCP listener (backlog 1024) that accepts and holds every connection for
SECONDS.
tcpholders: N TCP connections to ADDR:PORT, each sending one byte (a length prefix begun,
a message in hand for whoever reassembles), held for SECONDS; prints how many connected.
questions: one UDP query holding N questions for NAME (compression pointers), unanswered.
pointerflood: for SECONDS, RATE queries a second of 60,000 bytes each, ~10,000 questions
whose names are pointers into one chain of 2,700 pointers (what cost ldns 70 ms a message);
prints how many it sent.
stream: for SECONDS, RATE A queries a second for stream.a.example.test from one
unconnected socket, answers left unread; prints how many it sent.
resolve: one A query for NAME over a connected UDP socket (answer awaited 1 s, exit 3
without one), then a TCP connection to the first address of the answer (after its CNAME
records) on CONNECT_PORT, which gets "resolved NAME\n" (exit 4 when it fails), exit 0.
server: a UDP service on ADDR:PORT that answers one datagram with sendto (so the guard
records it as the socket's process), then listens SECONDS and exits 0, printing what it
received (a process killed meanwhile never exits 0).
forge: one answer-shaped datagram from SRC port 53 to ADDR:PORT, nobody having asked:
NAME CNAME TARGET.
answerto: one answer-shaped datagram (QR set) from an ephemeral port to ADDR:PORT, a
server's port: NAME A ADDRESS (what would print a forged answer line).
twoanswers: a DNS server over TCP on ADDR port 53 for one connection: it reads two
queries and writes both answers in one send (one segment): the first empty, the second
NAME CNAME TARGET, TARGET A TARGET_ADDR.
asktwo: asks ADDR over TCP for CLEAN and NAME on one connection, reads both answers
(exit 3 without them), then connects to the address of NAME's answer on CONNECT_PORT
(exit 4 when it fails), which gets "resolved NAME\n".
exthdr: an A query for NAME to [::1]:53 from [::1]:PORT written on a raw socket behind N
IPv6 destination-options headers (the first an authentication header with "ah"); the
answer awaited 2 s on a UDP socket bound to PORT: prints "answered" or "unanswered".
thread: a thread named "dns-worker" sends the query to 127.0.0.1:53 and the process exits
at once; with GO_FILE it waits for that file first (a process older than the tool)."""
import ctypes
import os
import signal
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


def rewrite(s, listed, clean):
    """The clean query and the start of a second one sent from a file's pages (sendfile),
    whose bytes then become the listed query (the same length): what a retransmission of
    that segment carries unless something copied it."""
    import tempfile
    with tempfile.TemporaryFile() as f:
        f.write(clean + clean[:3])
        f.flush()
        os.sendfile(s.fileno(), f.fileno(), 0, len(clean) + 3)
        time.sleep(0.05)
        os.pwrite(f.fileno(), listed, 0)
        time.sleep(0.5)
        s.send(clean[3:])


def lost(s, listed, clean):
    """The clean query alone sent from a file's pages (sendfile); its segment is lost on
    the way (the test drops it), and before TCP retransmits it the file's bytes become
    the listed query (the same length)."""
    import tempfile
    with tempfile.TemporaryFile() as f:
        f.write(clean)
        f.flush()
        os.sendfile(s.fileno(), f.fileno(), 0, len(clean))
        time.sleep(0.05)
        os.pwrite(f.fileno(), listed, 0)
        time.sleep(0.5)


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
    elif how == "rewrite":
        rewrite(s, first, framed(names[1]))
    elif how == "lost":
        lost(s, first, framed(names[1]))
    elif how == "halfway":
        s.send(first[:20])
        for _ in range(300):
            if os.path.exists(names[1]):
                break
            time.sleep(0.1)
        s.send(first[20:])
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


def tcplisten(addr, port, seconds):
    srv = socket.socket(family_of(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1024)
    srv.settimeout(0.1)
    held, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            held.append(srv.accept()[0])
        except socket.timeout:
            pass


def tcpholders(addr, port, n, seconds):
    held = []
    for _ in range(n):
        c = socket.create_connection((addr, port), timeout=5)
        c.send(b"\x00")
        held.append(c)
    print(len(held))
    time.sleep(seconds)


def questions(n, addr, port, name):
    head = struct.pack("!HHHHHH", 0x4321, 0x0100, n, 0, 0, 0)
    first = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    rest = (b"\xc0\x0c" + struct.pack("!HH", 1, 1)) * (n - 1)
    msg = head + first + struct.pack("!HH", 1, 1) + rest
    socket.socket(family_of(addr), socket.SOCK_DGRAM).sendto(msg, (addr, port))
    print(len(msg), "bytes")


def pointer_chain_query(size, links):
    msg = bytearray(struct.pack("!HHHHHH", 0x5151, 0x0100, 0, 0, 0, 0))
    msg += b"\1a\7example\4test\0" + struct.pack("!HH", 1, 1)
    prev, count = 12, 1
    while len(msg) + 6 <= size:
        here = len(msg)
        msg += struct.pack("!HHH", 0xC000 | prev, 1, 1)
        if count <= links:
            prev = here
        count += 1
    struct.pack_into("!H", msg, 4, count)
    return bytes(msg)


def paced(msg, addr, port, rate, seconds):
    """msg sent RATE times a second for SECONDS from one socket; prints how many, also
    when ended early by SIGTERM."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s = socket.socket(family_of(addr), socket.SOCK_DGRAM)
    sent, start = 0, time.monotonic()
    try:
        while time.monotonic() - start < seconds:
            s.sendto(msg, (addr, port))
            sent += 1
            time.sleep(max(0.0, start + sent / rate - time.monotonic()))
    finally:
        print(sent, flush=True)


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


def skip_name(msg, off):
    while msg[off] != 0:
        if msg[off] >= 0xC0:
            return off + 2
        off += msg[off] + 1
    return off + 1


def first_address(msg):
    """The first A record's address in an answer, or None."""
    answers = struct.unpack("!H", msg[6:8])[0]
    off = skip_name(msg, 12) + 4
    for _ in range(answers):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        if rtype == 1 and rdlen == 4:
            return socket.inet_ntoa(msg[off:off + 4])
        off += rdlen
    return None


def connect_resolved(target, connect_port, name):
    """Sends "resolved NAME" to the address an answer gave (exit 4 when that fails)."""
    try:
        c = socket.create_connection((target, connect_port), timeout=2)
        c.sendall(b"resolved " + name.encode() + b"\n")
        c.close()
    except (OSError, TypeError):
        sys.exit(4)


def resolve(addr, port, name, connect_port):
    s = socket.socket(family_of(addr), socket.SOCK_DGRAM)
    s.settimeout(1)
    s.connect((addr, port))
    s.send(query(name))
    try:
        answer = s.recv(4096)
    except socket.timeout:
        sys.exit(3)
    target = first_address(answer)
    connect_resolved(target, connect_port, name)


def server(addr, port, seconds):
    s = socket.socket(family_of(addr), socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.sendto(b"hello", (addr, 9))  # an addressed send: the socket's process is recorded
    s.settimeout(0.2)
    got, end = 0, time.time() + seconds
    while time.time() < end:
        try:
            got += len(s.recv(4096))
        except socket.timeout:
            pass
    print("received", got)


def forge(src, addr, port, name, target):
    wire = lambda n: b"".join(bytes([len(p)]) + p.encode() for p in n.split(".")) + b"\0"
    msg = struct.pack("!HHHHHH", 0x4242, 0x8180, 1, 1, 0, 0) + wire(name) + struct.pack("!HH", 1, 1)
    rdata = wire(target)
    msg += b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 300, len(rdata)) + rdata
    s = socket.socket(family_of(src), socket.SOCK_DGRAM)
    s.bind((src, 53))
    s.sendto(msg, (addr, port))


def wire_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def answer(qid, name, records):
    head = struct.pack("!HHHHHH", qid, 0x8180, 1, len(records), 0, 0)
    return head + wire_name(name) + struct.pack("!HH", 1, 1) + b"".join(records)


def record(owner, rtype, rdata):
    return wire_name(owner) + struct.pack("!HHIH", rtype, 1, 300, len(rdata)) + rdata


def answerto(addr, port, name, address):
    msg = answer(0x4343, name, [record(name, 1, socket.inet_aton(address))])
    socket.socket(family_of(addr), socket.SOCK_DGRAM).sendto(msg, (addr, port))


def read_framed(s, count):
    data, msgs = b"", []
    while len(msgs) < count:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
        while len(data) >= 2 and len(data) >= 2 + struct.unpack("!H", data[:2])[0]:
            n = struct.unpack("!H", data[:2])[0]
            msgs.append(data[2:2 + n])
            data = data[2 + n:]
    return msgs


def twoanswers(addr, name, target, target_addr):
    srv = socket.socket(family_of(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 53))
    srv.listen(1)
    srv.settimeout(20)
    c, _ = srv.accept()
    queries = read_framed(c, 2)
    first = answer(struct.unpack("!H", queries[0][:2])[0], "clean.example", [])
    second = answer(struct.unpack("!H", queries[1][:2])[0], name,
                    [record(name, 5, wire_name(target)),
                     record(target, 1, socket.inet_aton(target_addr))])
    c.sendall(b"".join(struct.pack("!H", len(m)) + m for m in (first, second)))
    time.sleep(3)


def asktwo(addr, clean, name, connect_port):
    s = socket.create_connection((addr, 53), timeout=2)
    s.sendall(framed(clean) + struct.pack("!H", len(query(name, 0x4343))) + query(name, 0x4343))
    try:
        msgs = read_framed(s, 2)
    except socket.timeout:
        sys.exit(3)
    if len(msgs) < 2:
        sys.exit(3)
    target = first_address(msgs[1])
    connect_resolved(target, connect_port, name)


def checksum(data):
    """The Internet checksum of data (RFC 1071); 0 is written as 0xFFFF, its equal in ones'
    complement, as UDP requires (0 there means none)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF or 0xFFFF


def exthdr(name, port, count, ah):
    loop = socket.inet_pton(socket.AF_INET6, "::1")
    msg = query(name)
    udp = struct.pack(">HHHH", port, 53, 8 + len(msg), 0) + msg
    pseudo = loop + loop + struct.pack(">IxxxB", len(udp), socket.IPPROTO_UDP)
    udp = udp[:6] + struct.pack(">H", checksum(pseudo + udp)) + udp[8:]
    kinds = [51 if ah and i == 0 else 60 for i in range(count)] + [socket.IPPROTO_UDP]
    chain = b""
    for i in range(count):
        if kinds[i] == 51:  # 24 bytes: SPI 0x100, sequence and a 96-bit ICV zero
            chain += struct.pack(">BBHII", kinds[i + 1], 4, 0, 0x100, 0) + bytes(12)
        else:  # 8 bytes: one PadN option
            chain += struct.pack(">BBBB", kinds[i + 1], 0, 1, 4) + bytes(4)
    payload = chain + udp
    ip = struct.pack(">IHBB", 6 << 28, len(payload), kinds[0], 64) + loop + loop
    rx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    rx.bind(("::1", port))
    rx.settimeout(2)
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(ip + payload, ("::1", 0))
    try:
        rx.recv(4096)
        print("answered", flush=True)
    except socket.timeout:
        print("unanswered", flush=True)


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
    elif cmd == "tcplisten":
        tcplisten(argv[2], int(argv[3]), float(argv[4]))
    elif cmd == "tcpholders":
        tcpholders(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    elif cmd == "questions":
        questions(int(argv[2]), argv[3], int(argv[4]), argv[5])
    elif cmd == "stream":
        paced(query("stream.a.example.test"), argv[2], int(argv[3]), float(argv[4]),
              float(argv[5]))
    elif cmd == "pointerflood":
        paced(pointer_chain_query(60000, 2700), argv[2], int(argv[3]), float(argv[4]),
              float(argv[5]))
    elif cmd == "thread":
        thread(argv[2], argv[3] if len(argv) > 3 else None)
    elif cmd == "resolve":
        resolve(argv[2], int(argv[3]), argv[4], int(argv[5]))
    elif cmd == "server":
        server(argv[2], int(argv[3]), float(argv[4]))
    elif cmd == "forge":
        forge(argv[2], argv[3], int(argv[4]), argv[5], argv[6])
    elif cmd == "answerto":
        answerto(argv[2], int(argv[3]), argv[4], argv[5])
    elif cmd == "twoanswers":
        twoanswers(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "asktwo":
        asktwo(argv[2], argv[3], argv[4], int(argv[5]))
    elif cmd == "exthdr":
        exthdr(argv[2], int(argv[3]), int(argv[4]), argv[5:] == ["ah"])


if __name__ == "__main__":
    main(sys.argv)
