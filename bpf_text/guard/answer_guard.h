/* The guard's answer check, pasted into connect_guard.h after domain_guard.h: every DNS
 * answer a local socket receives from a DNS port (UDP or TCP, IPv4 or IPv6, any network
 * namespace of the cgroup tree) is read by the cgroup_skb ingress program before the
 * socket gets it.
 * - A CNAME record whose target is a listed name (or lies under one) is a hit on that
 *   name: reported like a query's, and with --block other than print the answer is
 *   dropped, so the process never learns the addresses behind the listed name. The
 *   answer's socket belongs to the process recorded by the connect and send hooks, named
 *   in the report but never signalled (answer_done).
 * - An answer whose question is a listed name is dropped when refusing, unreported: its
 *   query was reported (or dropped) on the way out, unless it got past that check.
 * - Each A and AAAA record is remembered for that process (resolved_names, until its TTL
 *   ends, at least ANSWER_TTL_MIN), so that user space can name the domain behind an address hit.
 * The records are read by a chain of tail calls (answer_step), ANSWER_RECORDS_PER_STEP
 * records and at most one CNAME target each, so that the verifier sees one step's work.
 * An answer that cannot be read whole (compression loops, more records than the steps
 * reach, a malformed record) is dropped when refusing while names are listed. A TCP
 * message is read only as far as the segment that starts it reaches. */
#ifndef EBPFSHIELD_ANSWER_GUARD_H
#define EBPFSHIELD_ANSWER_GUARD_H

#define ANSWER_RECORDS_PER_STEP 8
#define ANSWER_STEPS_MAX 30 /* tail calls: the kernel allows 33 */
/* How long a resolved address names its domain: its TTL within these bounds (programs
 * keep addresses beyond a TTL of 0 or a few seconds: stub resolvers ignore it). */
#define ANSWER_TTL_MIN 60
#define ANSWER_TTL_MAX 86400
#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28

/* An answer being read: the event and name walk of domain_guard.h, the message's bounds,
 * the next record, and the record of resolved names it fills. */
struct answer_work {
    struct domain_work d;
    __u8 wire[DOMAIN_WIRE_MAX + 1 + 64]; /* a CNAME target, with room for a label past it */
    struct resolved_name rec;
    __u32 msg, end, off, left, steps, token;
    __u32 cname, at, n; /* a CNAME target's offset, the walk's place, its expanded length */
    __u32 sender_known; /* the socket has a recorded process */
    __u32 check_names;  /* the feeds list names (domain_active) */
    __u32 begin;        /* the next step begins the message at next_start */
    __u32 next_start;   /* where the next message (its TCP length) starts */
    __u32 seg_end;      /* where the packet's payload ends */
    /* TCP: the segment's sequence number at its data's offset, and where the stream's
     * next message starts once this segment is let in */
    __u32 tcp, seq, data, next_seq;
};

/* An answer's stream over TCP: where its next message starts (sequence number). */
struct dns_answer_stream {
    __u32 next_msg;
    __u32 started;
    __u32 reported_msg; /* the last message with a hit reported: a retransmission is not */
    __u32 reported;
};

#define ANSWER_LISTED 4 /* a verdict beside dns_verdict's: the question is listed */

BPF_PROG_ARRAY(answer_steps, 1);
BPF_SK_STORAGE(answer_streams, struct dns_answer_stream);
BPF_PERCPU_ARRAY(answer_scratch, struct answer_work, 1);
BPF_TABLE("lru_hash", struct resolved_key, struct resolved_name, resolved_names,
          EBPFSHIELD_RESOLVED_MAX);

/* The receiving socket's recorded process into ev (pid 0 when none was recorded), and the
 * answer's DNS server: the packet's source. */
static inline void answer_receiver(struct __sk_buff *skb, __u8 proto, struct answer_work *w)
{
    struct netevent *conn = &w->d.ev.conn;
    conn->ts_boot_ns = bpf_ktime_get_boot_ns();
    conn->proto = proto;
    if (skb->protocol == htons(ETH_P_IP)) {
        conn->family = AF_INET;
        bpf_skb_load_bytes(skb, 12, &conn->daddr, sizeof(conn->daddr));
    } else {
        conn->family = AF_INET6;
        bpf_skb_load_bytes(skb, 8, conn->daddr6, sizeof(conn->daddr6));
    }
    w->sender_known = sock_owner_fill(skb->sk, &w->d.ev);
}

/* The end of the answer's question (after its type and class), its name kept in
 * w->rec and w->d.ev.question: DNS_CLEAN, or DNS_UNREADABLE. */
static inline int answer_question(struct __sk_buff *skb, struct answer_work *w)
{
    struct domainevent *ev = &w->d.ev;
    __u32 off = w->msg + DNS_HEADER_LEN;
    if (off >= w->end)
        return DNS_UNREADABLE;
    __u32 n = w->end - off;
    if (n > DOMAIN_WIRE_MAX)
        n = DOMAIN_WIRE_MAX;
    asm volatile("" : "+r"(n));
    n = ((n - 1) & 0xff) + 1;
    if (bpf_skb_load_bytes(skb, off, ev->name, n) != 0)
        return DNS_UNREADABLE;
    __builtin_memset(w->d.starts, 0, sizeof(w->d.starts));
    if (name_labels(&w->d, n) != DNS_CLEAN)
        return DNS_UNREADABLE;
    __u32 len = (w->d.root & 0xff) + 1;
    __u8 type[2];
    if (bpf_skb_load_bytes(skb, off + len, type, sizeof(type)) != 0)
        return DNS_UNREADABLE;
    ev->qtype = (__u16)type[0] << 8 | type[1];
    ev->question_len = len;
    __builtin_memcpy(ev->question, ev->name, sizeof(ev->question));
    __builtin_memcpy(w->rec.name, ev->name, sizeof(w->rec.name));
    w->rec.name_len = len;
    w->off = off + len + 4;
    return w->off <= w->end ? DNS_CLEAN : DNS_UNREADABLE;
}

/* 1 when the answer's question (in w->d, labels marked by answer_question) is listed. */
static inline int question_listed(struct answer_work *w)
{
    w->d.hit = w->d.allowed = 0;
    return name_lookup(&w->d) == DNS_HIT;
}

/* Past the record owner's name at w->off: w->off moved after it; 0, or -1 when the name
 * is malformed. Results go to memory, not registers, so that every way out of the loop
 * leaves the verifier one state. */
static inline int skip_name(struct __sk_buff *skb, struct answer_work *w)
{
    __u32 off = w->off;
    for (int i = 0; i < DNS_LABELS_MAX; i++) {
        __u8 len;
        if (off >= w->end || bpf_skb_load_bytes(skb, off, &len, 1) != 0)
            return -1;
        if (len == 0 || len >= 0xc0) {
            w->off = off + (len == 0 ? 1 : 2);
            return 0;
        }
        if (len > 63)
            return -1;
        off += len + 1;
    }
    return -1;
}

/* The name at w->cname (a CNAME's target), compression pointers followed (each one
 * strictly backwards, so the walk ends), into w->wire and its length into w->n: 0, or -1
 * when unreadable. The walk's place is kept in memory, not registers: a pointer and a
 * label leave the verifier one state per turn, not two. */
static inline int expand_name(struct __sk_buff *skb, struct answer_work *w)
{
    w->at = w->cname;
    w->n = 0;
    for (int i = 0; i < DNS_LABELS_MAX; i++) {
        __u32 off = w->at, out = w->n;
        __u8 len;
        if (off >= w->end || bpf_skb_load_bytes(skb, off, &len, 1) != 0)
            return -1;
        if (len >= 0xc0) {
            __u8 low;
            if (bpf_skb_load_bytes(skb, off + 1, &low, 1) != 0)
                return -1;
            __u32 to = w->msg + (((__u32)len & 0x3f) << 8 | low);
            if (to >= off)
                return -1;
            w->at = to;
            continue;
        }
        if (len > 63 || out + len + 1 > DOMAIN_WIRE_MAX)
            return -1;
        __u32 size = ((__u32)len & 63) + 1;
        if (bpf_skb_load_bytes(skb, off, &w->wire[out & 0xff], size) != 0)
            return -1;
        w->n = out + size;
        if (len == 0)
            return 0;
        w->at = off + size;
    }
    return -1;
}

/* A CNAME's target checked against the domain table, as a question's name is. */
static inline int cname_verdict(struct __sk_buff *skb, struct answer_work *w)
{
    if (expand_name(skb, w) != 0)
        return DNS_UNREADABLE;
    __builtin_memcpy(w->d.ev.name, w->wire, sizeof(w->d.ev.name));
    __builtin_memset(w->d.starts, 0, sizeof(w->d.starts));
    w->d.hit = w->d.allowed = 0;
    if (name_labels(&w->d, w->n & 0x1ff) != DNS_CLEAN)
        return DNS_UNREADABLE;
    w->d.ev.name_len = (w->d.root & 0xff) + 1;
    return name_lookup(&w->d);
}

/* An A or AAAA record remembered for the receiving process, until its TTL ends. */
static inline void remember_address(struct __sk_buff *skb, __u32 rdata, __u16 family, __u32 ttl,
                                    struct answer_work *w)
{
    struct resolved_key key = {.pid = w->d.ev.conn.pid, .family = family};
    if (bpf_skb_load_bytes(skb, rdata, key.addr, family == AF_INET ? 4 : 16) != 0)
        return;
    if (ttl < ANSWER_TTL_MIN)
        ttl = ANSWER_TTL_MIN;
    if (ttl > ANSWER_TTL_MAX)
        ttl = ANSWER_TTL_MAX;
    w->rec.expires_boot_ns = w->d.ev.conn.ts_boot_ns + (__u64)ttl * 1000000000ULL;
    resolved_names.update(&key, &w->rec);
}

/* Reads records from w->off until a CNAME's (its data's offset into w->cname, 0 when
 * none) or ANSWER_RECORDS_PER_STEP; DNS_CLEAN, or DNS_UNREADABLE. */
static inline int read_records(struct __sk_buff *skb, struct answer_work *w)
{
    w->cname = 0;
    for (int i = 0; i < ANSWER_RECORDS_PER_STEP && w->left > 0; i++) {
        if (skip_name(skb, w) != 0)
            return DNS_UNREADABLE;
        __u32 off = w->off;
        __u8 f[10]; /* type, class, TTL, data length */
        if (off + sizeof(f) > w->end || bpf_skb_load_bytes(skb, off, f, sizeof(f)) != 0)
            return DNS_UNREADABLE;
        __u16 type = (__u16)f[0] << 8 | f[1], rdlen = (__u16)f[8] << 8 | f[9];
        __u32 ttl = (__u32)f[4] << 24 | (__u32)f[5] << 16 | (__u32)f[6] << 8 | f[7];
        __u32 rdata = off + sizeof(f);
        if (rdata + rdlen > w->end)
            return DNS_UNREADABLE;
        w->off = rdata + rdlen;
        w->left--;
        if (w->sender_known && type == DNS_TYPE_A && rdlen == 4)
            remember_address(skb, rdata, AF_INET, ttl, w);
        if (w->sender_known && type == DNS_TYPE_AAAA && rdlen == 16)
            remember_address(skb, rdata, AF_INET6, ttl, w);
        if (type == DNS_TYPE_CNAME) {
            w->cname = rdata;
            return DNS_CLEAN;
        }
    }
    return DNS_CLEAN;
}

/* The TCP answer stream of skb's socket (created at its first segment). */
static inline struct dns_answer_stream *answer_stream(struct __sk_buff *skb)
{
    struct bpf_sock *sk = skb->sk;
    if (!sk || !(sk = bpf_sk_fullsock(sk)))
        return 0;
    return answer_streams.sk_storage_get(sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
}

/* A segment let in: the stream's next message starts at next_seq. */
static inline void answer_stream_on(struct __sk_buff *skb, __u32 next_seq)
{
    struct dns_answer_stream *st = answer_stream(skb);
    if (st)
        st->next_msg = next_seq;
}

/* 1 when the TCP message read now had its hit reported already (the segment dropped,
 * and retransmitted); else it is noted as reported. */
static inline int answer_reported(struct __sk_buff *skb, struct answer_work *w)
{
    struct dns_answer_stream *st = w->tcp ? answer_stream(skb) : 0;
    if (!st)
        return 0;
    __u32 msg_seq = w->seq + (w->msg - 2 - w->data);
    if (st->reported && st->reported_msg == msg_seq)
        return 1;
    st->reported = 1;
    st->reported_msg = msg_seq;
    return 0;
}

/* The answer's verdict once read (or found unreadable): 1 lets it in, 0 drops it. A hit
 * is reported, never signalled: anyone can send a socket an answer-shaped datagram from
 * port 53, and a local resolver receives its clients' answers. */
static inline int answer_done(struct __sk_buff *skb, struct answer_work *w, __u32 token,
                              int verdict)
{
    if (w->token != token) /* another run took the slot: this one's reading is void */
        verdict = DNS_UNREADABLE;
    int pass = 1;
    if (verdict == DNS_UNREADABLE && w->check_names) {
        if (GUARD_REFUSE)
            domain_count(DOMAIN_DROPPED_UNREADABLE);
        pass = !GUARD_REFUSE;
    } else if (verdict == ANSWER_LISTED) {
        domain_count(DOMAIN_ANSWER_LISTED);
        pass = !GUARD_REFUSE;
    } else if (verdict == DNS_HIT) {
        struct domainevent *ev = &w->d.ev;
        ev->conn.hit = EBPFSHIELD_HIT_DOMAIN;
        ev->conn.refused = GUARD_REFUSE;
        if (!answer_reported(skb, w) && hit_budget(&ev->conn)) /* a flood of answers too */
            events.perf_submit(skb, ev, sizeof(*ev));
        pass = !GUARD_REFUSE;
    }
    if (pass && w->tcp)
        answer_stream_on(skb, w->next_seq);
    return pass;
}

/* Begins the message at w->next_start (after its 2-byte length over TCP): its header and
 * question read, w->left its answer records to read (0: none, a query or an empty
 * answer); DNS_CLEAN, DNS_UNREADABLE or ANSWER_LISTED. */
static inline int answer_message(struct __sk_buff *skb, struct answer_work *w)
{
    __u32 msg_end = w->seg_end;
    w->msg = w->next_start;
    if (w->tcp) {
        __u8 len[2];
        if (w->msg + 2 > w->seg_end || bpf_skb_load_bytes(skb, w->msg, len, 2) != 0)
            return DNS_UNREADABLE;
        w->msg += 2;
        msg_end = w->msg + ((__u32)len[0] << 8 | len[1]);
        w->next_seq = w->seq + (msg_end - w->data);
    }
    w->next_start = msg_end;
    w->end = msg_end < w->seg_end ? msg_end : w->seg_end;
    __u8 hdr[DNS_HEADER_LEN];
    w->left = 0;
    if (w->msg + sizeof(hdr) > w->end || bpf_skb_load_bytes(skb, w->msg, hdr, sizeof(hdr)))
        return w->tcp ? DNS_UNREADABLE : DNS_CLEAN;
    if (!(hdr[2] & 0x80) || !(hdr[6] | hdr[7])) /* a query, or no answer records */
        return DNS_CLEAN;
    if (((__u16)hdr[4] << 8 | hdr[5]) != 1 || answer_question(skb, w) != DNS_CLEAN)
        return DNS_UNREADABLE;
    if (w->check_names && question_listed(w))
        return ANSWER_LISTED;
    w->left = (__u16)hdr[6] << 8 | hdr[7];
    return DNS_CLEAN;
}

/* One step of the chain: a message begun, or ANSWER_RECORDS_PER_STEP of its records read
 * and the CNAME target among them checked; then the next step (the message's next
 * records, or the next message of a TCP segment), or the verdict. */
int answer_step(struct __sk_buff *skb)
{
    __u32 zero = 0;
    struct answer_work *w = answer_scratch.lookup(&zero);
    if (!w)
        return !GUARD_REFUSE;
    __u32 token = w->token;
    int verdict;
    if (w->begin) {
        w->begin = 0;
        verdict = answer_message(skb, w);
    } else {
        verdict = read_records(skb, w);
        if (verdict == DNS_CLEAN && w->cname && w->check_names)
            verdict = cname_verdict(skb, w);
    }
    if (verdict != DNS_CLEAN)
        return answer_done(skb, w, token, verdict);
    if (w->left == 0) { /* this message is read: the next one in the segment, if any */
        if (!w->tcp || w->next_start >= w->seg_end)
            return answer_done(skb, w, token, DNS_CLEAN);
        w->begin = 1;
    }
    if (++w->steps <= ANSWER_STEPS_MAX)
        answer_steps.call(skb, 0);
    return answer_done(skb, w, token, DNS_UNREADABLE);
}

/* Where the first message to read starts in a TCP segment from a DNS port: 0 and
 * w->next_start set, 1 when there is none to read (no data, or only what was let in
 * before), -1 when the segment cannot be framed (it starts past the stream's next
 * message: a gap). */
static inline int answer_in_tcp(struct __sk_buff *skb, __u32 l4, struct answer_work *w)
{
    __u8 tcp[14];
    if (bpf_skb_load_bytes(skb, l4, tcp, sizeof(tcp)) != 0)
        return 1;
    struct bpf_sock *sk = skb->sk;
    if (!sk || !(sk = bpf_sk_fullsock(sk)))
        return -1;
    struct dns_answer_stream *st =
        answer_streams.sk_storage_get(sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
    if (!st)
        return -1;
    __u32 seq = (__u32)tcp[4] << 24 | (__u32)tcp[5] << 16 | (__u32)tcp[6] << 8 | tcp[7];
    if (tcp[13] & 0x02) { /* SYN: the data starts after it */
        /* Only the SYN-ACK the socket waits for frames the stream anew; TCP drops any other
         * (a stray or forged SYN must not reframe an established stream). */
        if (!(tcp[13] & 0x10) || sk->state != BPF_TCP_SYN_SENT)
            return 1;
        seq += 1;
        st->next_msg = seq;
        st->started = 1;
        st->reported = 0;
    }
    __u32 data = l4 + ((tcp[12] >> 4) * 4);
    if (data >= skb->len)
        return 1;
    if (!st->started) { /* first seen mid-stream: framed from here */
        st->next_msg = seq;
        st->started = 1;
    }
    __s32 at = (__s32)(st->next_msg - seq);
    if (at < 0)
        return -1;
    if (data + (__u32)at >= skb->len)
        return 1;
    w->tcp = 1;
    w->seq = seq;
    w->data = data;
    w->next_start = data + (__u32)at;
    w->next_seq = st->next_msg; /* until a message is begun */
    w->seg_end = skb->len;
    return 0;
}

/* Whether skb comes from a DNS port over UDP or TCP, whole (its protocol, transport header
 * and source port): any other packet, the common case, leaves before the work below. */
static inline int answer_candidate(struct __sk_buff *skb, __u8 *proto, __u32 *l4, __u8 ports[2])
{
    int fragment;
    return ip_transport(skb, proto, l4, &fragment) == 0 && !fragment &&
           (*proto == IPPROTO_UDP || *proto == IPPROTO_TCP) &&
           bpf_skb_load_bytes(skb, *l4, ports, 2) == 0 &&
           is_dns_port((__u16)ports[0] << 8 | ports[1]);
}

/* Where the DNS answer in skb (a candidate) starts and ends; 0, 1 for a packet to leave
 * alone, or -1 for one that cannot be read. */
static inline int answer_bounds(struct __sk_buff *skb, __u8 proto, __u32 l4, const __u8 ports[2],
                                struct answer_work *w)
{
    answer_receiver(skb, proto, w);
    w->d.ev.conn.dport = (__u16)ports[1] << 8 | ports[0]; /* network order, as in netevent */
    w->tcp = 0;
    if (proto == IPPROTO_TCP)
        return answer_in_tcp(skb, l4, w);
    w->next_start = l4 + 8;
    w->seg_end = skb->len;
    /* Datagrams coalesced for a UDP_GRO socket: only the first would be read. */
    return skb->gso_segs > 1 ? -1 : 0;
}

/* cgroup_skb ingress: where the answer is, then the chain of steps reads it. */
int guard_ingress(struct __sk_buff *skb)
{
    __u8 proto, ports[2];
    __u32 l4;
    if (!answer_candidate(skb, &proto, &l4, ports))
        return 1;
    __u32 zero = 0;
    struct answer_work *w = answer_scratch.lookup(&zero);
    if (!w)
        return 1;
    __u32 *active = domain_active.lookup(&zero);
    w->check_names = active && *active;
    __u32 token = bpf_get_prandom_u32();
    w->token = token;
    __builtin_memset(&w->d.ev, 0, sizeof(w->d.ev));
    int bounds = answer_bounds(skb, proto, l4, ports, w);
    if (bounds < 0)
        return answer_done(skb, w, token, DNS_UNREADABLE);
    if (bounds > 0 || (!w->sender_known && !w->check_names)) /* nothing to remember or check */
        return 1;
    w->steps = 0;
    w->begin = 1;
    answer_steps.call(skb, 0);
    return answer_done(skb, w, token, DNS_UNREADABLE);
}

#endif
