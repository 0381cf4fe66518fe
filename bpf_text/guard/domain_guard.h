/* The guard's name check, pasted into connect_guard.h when GUARD_DOMAINS is 1: every
 * message a local process sends to a DNS port (UDP or TCP, IPv4 or IPv6, any network
 * namespace of the cgroup tree) is read by the cgroup_skb egress program before it leaves.
 * Its question's name and every name above it are looked up in the domain table
 * (domain_hash.h); a hit is reported, and with --block other than print the packet is
 * dropped (UDP: the send fails with EPERM; TCP: the segment never leaves) and the
 * action's signal goes to the process. What cannot be read as one question is treated as
 * follows: several questions, a compressed or malformed name, a UDP GSO send or a
 * pre-fragmented raw packet are dropped when refusing (counted, never a line); a TCP
 * segment that holds only part of a message's question is dropped in every mode, and
 * TCP's retransmission, which merges the queued segments, brings the whole question.
 *
 * User space compiles it with, besides connect_guard.h's flags:
 *   GUARD_DOMAIN_ENTRIES   size of the domain table
 *   GUARD_NAME_MULT, GUARD_NAME_SEED   the run's hash constants (domain_hash.h)
 *   GUARD_SKB_TASK         1 when cgroup_skb programs may read the current task and signal
 *                          it (kernels from 6.2 on, measured: attach.c); 0: the sender is
 *                          the socket's last connecting or addressing process, signalled
 *                          when one of its syscalls returns
 *   EBPFSHIELD_DNS_PORTS   the DNS ports (dns_ports.h) */
#ifndef EBPFSHIELD_DOMAIN_GUARD_H
#define EBPFSHIELD_DOMAIN_GUARD_H

#include "common/domain_hash.h"
#include "common/dns_ports.h"

#define DNS_HEADER_LEN 12
#define DNS_LABELS_MAX 128 /* a wire name of 255 bytes has at most 127 labels and the root */

enum dns_verdict { DNS_CLEAN, DNS_HIT, DNS_UNREADABLE, DNS_PARTIAL };

/* Counters user space reports at exit: messages dropped unread, TCP segments held back,
 * answers to a listed question (their query got past the check, or was let through by
 * print). */
enum { DOMAIN_DROPPED_UNREADABLE, DOMAIN_HELD_PARTIAL, DOMAIN_ANSWER_LISTED, DOMAIN_COUNTERS };

/* The most bytes of checked messages kept until acknowledged: the first 512 of a
 * message (its length, header and question are at most 273), or several whole small
 * ones. Kept in a buffer of twice that, so that an offset and a length each masked with
 * 0x1ff stay inside it. */
#define DNS_CHECKED_MAX 512

/* TCP to a DNS port: where the next message starts in the stream (sequence number), and
 * the start of the last message reported, so that a retransmission is not reported again.
 * The messages checked and not yet acknowledged by the server (let out, or held back
 * because a second message starts in their segment) are kept as checked, byte for byte
 * (kept_start, kept): a retransmission, of a segment held back or lost on the way (a
 * router drops what a sender's IP_TTL of 1 lets out), must carry the same bytes. A page
 * under sendfile, MSG_ZEROCOPY or vmsplice can be rewritten meanwhile: then what was kept
 * is checked again, or, for a retransmission starting past it, refused. */
struct dns_tcp_stream {
    __u32 next_msg;
    __u32 reported_msg;
    __u32 kept_start; /* sequence number of kept[0] */
    __u16 kept_len;   /* bytes kept; 0: none */
    __u8 started;
    __u8 reported;
    __u8 unframed;
    __u8 pad[7];
    __u8 kept[2 * DNS_CHECKED_MAX + 8]; /* + 8: a word read at the last masked offset */
};

/* A message being checked: its event, and the name walk's state. */
struct domain_work {
    struct domainevent ev;
    __u64 starts[4]; /* bit k: the name's byte k is a label's length */
    __u32 root;      /* offset of the root's 0 in ev.name */
    __u32 hit, allowed;
    __u32 token; /* drawn at entry: another run that took this slot meanwhile changed it */
    __u8 again[DNS_CHECKED_MAX]; /* kept bytes as a retransmission carries them */
};

/* Who connected a socket, for a TCP segment the kernel sends outside its process. */
struct sock_owner {
    __u32 pid, tid, uid, gid;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    __u64 since;             /* when it was recorded (boot ns) */
    __u64 start_ns, pid_ino; /* the process's identity (task_identity) */
};

BPF_F_TABLE("hash", __u64, __u32, domains, GUARD_DOMAIN_ENTRIES, BPF_F_NO_PREALLOC);
/* [0]: 1 while the feeds list names (set by user space): without names no DNS message is
 * read, held back or dropped. */
BPF_ARRAY(domain_active, __u32, 1);
BPF_SK_STORAGE(dns_streams, struct dns_tcp_stream);
BPF_SK_STORAGE(sock_owners, struct sock_owner);
BPF_PERCPU_ARRAY(domain_counters, __u64, DOMAIN_COUNTERS);
/* The event being built, one per nesting level of the program on a CPU (a task's send,
 * a softirq's on top of it): too large for the stack. */
#define DOMAIN_NESTING_MAX 3
BPF_PERCPU_ARRAY(domain_scratch, struct domain_work, DOMAIN_NESTING_MAX);
BPF_PERCPU_ARRAY(domain_nesting, __u32, 1);
/* A TCP hit whose process is not the current task: its event until a syscall of that
 * process returns (guard_signal). */
BPF_TABLE("lru_hash", __u32, struct domainevent, pending_domain, 4096);
/* Process (tgid) -> when it exited (guard_forget), so that a hit on a socket its process
 * left behind signals nobody, even once another process has its pid. */
BPF_TABLE("lru_hash", __u32, __u64, exited_procs, GUARD_PENDING_MAX);

static inline void domain_count(__u32 counter)
{
    __u64 *n = domain_counters.lookup(&counter);
    if (n)
        (*n)++;
}

/* Called by the connect and addressed-send hooks: the socket's last such process. */
static inline void sock_owner_record(struct bpf_sock_addr *ctx)
{
    struct sock_owner *o = sock_owners.sk_storage_get(ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
    if (!o)
        return;
    __u64 id = bpf_get_current_pid_tgid(), ug = bpf_get_current_uid_gid();
    o->pid = id >> 32;
    o->tid = (__u32)id;
    o->uid = (__u32)ug;
    o->gid = ug >> 32;
    o->since = bpf_ktime_get_boot_ns();
    bpf_get_current_comm(o->comm, sizeof(o->comm));
    task_identity(&o->start_ns, &o->pid_ino);
}

/* The process recorded for sk into ev (left zero when none was); 1 when there is one. */
static inline int sock_owner_fill(struct bpf_sock *sk, struct domainevent *ev)
{
    if (!sk || !(sk = bpf_sk_fullsock(sk)))
        return 0;
    struct sock_owner *o = sock_owners.sk_storage_get(sk, 0, 0);
    if (!o)
        return 0;
    ev->conn.pid = o->pid;
    ev->conn.tid = o->tid;
    ev->conn.uid = o->uid;
    ev->conn.gid = o->gid;
    __builtin_memcpy(ev->conn.comm, o->comm, sizeof(ev->conn.comm));
    ev->conn.start_ns = o->start_ns;
    ev->conn.pid_ino = o->pid_ino;
    __u32 tgid = o->pid;
    __u64 *exited = exited_procs.lookup(&tgid);
    ev->owner_exited = exited && *exited >= o->since;
    return 1;
}

/* The label starts of the wire name in w->ev.name (n bytes read) into w->starts, the
 * offset of the root's 0 into w->root; DNS_CLEAN, or why not. The results go to memory,
 * not registers, so that every way out of the loop leaves the verifier one state. */
static inline int name_labels(struct domain_work *w, __u32 n)
{
    __u32 pos = 0;
    for (int i = 0; i < DNS_LABELS_MAX; i++) {
        if (pos >= n)
            return pos >= DOMAIN_WIRE_MAX ? DNS_UNREADABLE : DNS_PARTIAL;
        __u8 len = w->ev.name[pos & 0xff];
        if (len == 0) {
            w->root = pos;
            return DNS_CLEAN;
        }
        if (len > 63) /* a compression pointer or a reserved label type */
            return DNS_UNREADABLE;
        w->starts[(pos >> 6) & 3] |= 1ULL << (pos & 63);
        pos += len + 1;
    }
    return DNS_UNREADABLE;
}

/* Every suffix of the name looked up, from the top-level domain down; an allowed one
 * clears the name whatever else is listed. */
static inline int name_lookup(struct domain_work *w)
{
    __u32 root = w->root & 0xff;
    __u64 value = 0;
    for (int i = 0; i <= DOMAIN_WIRE_MAX; i++) {
        int k = (int)root - i;
        if (k < 0)
            break;
        int length_byte = (w->starts[(k >> 6) & 3] >> (k & 63)) & 1;
        value = domain_hash_step(value, w->ev.name[k & 0xff], length_byte, GUARD_NAME_MULT);
        if (!length_byte)
            continue;
        __u64 key = domain_hash_key(value, GUARD_NAME_SEED);
        __u32 *feed = domains.lookup(&key);
        if (!feed)
            continue;
        if (*feed == DOMAIN_ALLOWED)
            w->allowed = 1;
        else if (!w->hit) {
            w->hit = 1;
            w->ev.conn.feed = *feed;
        }
    }
    return w->hit && !w->allowed ? DNS_HIT : DNS_CLEAN;
}

/* The one question of the DNS message at off (end: where the packet's payload ends),
 * its name and type into w->ev. */
static inline int message_verdict(struct __sk_buff *skb, __u32 off, __u32 end,
                                  struct domain_work *w)
{
    struct domainevent *ev = &w->ev;
    __u8 hdr[DNS_HEADER_LEN];
    w->root = 0;
    if (off + DNS_HEADER_LEN > end)
        return DNS_PARTIAL;
    if (bpf_skb_load_bytes(skb, off, hdr, sizeof(hdr)) != 0)
        return DNS_UNREADABLE;
    __u16 questions = (__u16)hdr[4] << 8 | hdr[5];
    if (questions == 0)
        return DNS_CLEAN;
    if (questions > 1)
        return DNS_UNREADABLE;
    off += DNS_HEADER_LEN;
    if (off >= end)
        return DNS_PARTIAL;
    __u32 n = end - off; /* at least 1 */
    if (n > DOMAIN_WIRE_MAX)
        n = DOMAIN_WIRE_MAX;
    /* The bounds 1..256 in a form every verifier sees (6.1's loses a test against 0 on a
     * copy the compiler spilled before it); the value stays n. */
    asm volatile("" : "+r"(n));
    n = ((n - 1) & 0xff) + 1;
    if (bpf_skb_load_bytes(skb, off, ev->name, n) != 0)
        return DNS_UNREADABLE;
    __builtin_memset(w->starts, 0, sizeof(w->starts));
    w->hit = w->allowed = 0;
    int verdict = name_labels(w, n);
    if (verdict != DNS_CLEAN)
        return verdict;
    __u32 root = w->root & 0xff;
    __u8 type[2];
    if (off + root + 1 + 4 > end) /* the type and the class */
        return DNS_PARTIAL;
    if (bpf_skb_load_bytes(skb, off + root + 1, type, sizeof(type)) != 0)
        return DNS_UNREADABLE;
    ev->name_len = root + 1;
    ev->qtype = (__u16)type[0] << 8 | type[1];
    return name_lookup(w);
}

/* The DNS server: the packet's destination address. */
static inline void domain_server(struct __sk_buff *skb, struct netevent *conn)
{
    if (skb->protocol == htons(ETH_P_IP)) {
        conn->family = AF_INET;
        bpf_skb_load_bytes(skb, 16, &conn->daddr, sizeof(conn->daddr));
    } else {
        conn->family = AF_INET6;
        bpf_skb_load_bytes(skb, 24, conn->daddr6, sizeof(conn->daddr6));
    }
}

/* The sender of skb into ev: the current task for UDP (always sent from the sendmsg call);
 * for TCP the socket's connecting process, since a segment may go out from a timer or
 * another task's interrupt (whose task is never the sender: a socket no hook has seen, as
 * one left behind by an exited process, is reported with pid 0 and signals nobody).
 * *current: the sender is the current task. */
static inline void domain_sender(struct __sk_buff *skb, __u8 proto, struct domainevent *ev,
                                 int *current)
{
    *current = GUARD_SKB_TASK && proto == IPPROTO_UDP;
    if (*current) {
        netevent_fill(&ev->conn, proto);
        task_identity(&ev->conn.start_ns, &ev->conn.pid_ino);
    }
    ev->conn.ts_boot_ns = bpf_ktime_get_boot_ns();
    ev->conn.proto = proto;
    domain_server(skb, &ev->conn);
    if (*current || !sock_owner_fill(skb->sk, ev))
        return;
#if GUARD_SKB_TASK
    /* The current task is the recorded process itself, not a later holder of its pid. */
    __u64 start_ns, pid_ino;
    task_identity(&start_ns, &pid_ino);
    *current = ev->conn.pid == bpf_get_current_pid_tgid() >> 32 && !ev->owner_exited &&
               start_ns == ev->conn.start_ns && pid_ino == ev->conn.pid_ino;
#endif
}

/* A hit whose process is not the current task: signalled when one of its syscalls returns,
 * if it is still the process of that name (guard_signal); reported unsignalled when the
 * socket has no recorded process, or that process has exited. */
static inline void domain_pend(void *ctx, struct domainevent *ev)
{
    __u32 tgid = ev->conn.pid;
    if (tgid == 0 || ev->owner_exited) {
        events.perf_submit(ctx, ev, sizeof(*ev));
        return;
    }
    pending_domain.update(&tgid, ev);
    pending_signal.update(&tgid, &ev->conn);
    notify_waiting(ctx, tgid);
}

/* A hit: reported, and the action's signal sent to its process: at once when it is the
 * current task (GUARD_SKB_TASK 1), else through domain_pend. */
static inline void domain_hit(struct __sk_buff *skb, struct domainevent *ev, int current)
{
    ev->conn.hit = EBPFSHIELD_HIT_DOMAIN;
    ev->conn.refused = GUARD_REFUSE;
    if (GUARD_SIGNAL == 0 || !GUARD_REFUSE) {
        if (hit_due(&ev->conn))
            events.perf_submit(skb, ev, sizeof(*ev));
        return;
    }
#if GUARD_SKB_TASK
    if (current) {
        ev->conn.signalled = send_action();
        events.perf_submit(skb, ev, sizeof(*ev));
        return;
    }
#endif
    domain_pend(skb, ev);
}

/* 1 lets the packet go, 0 drops it. */
static inline int domain_verdict_action(struct __sk_buff *skb, int verdict, struct domainevent *ev,
                                        int current, int report)
{
    if (verdict == DNS_CLEAN)
        return 1;
    if (verdict == DNS_PARTIAL) {
        domain_count(DOMAIN_HELD_PARTIAL);
        return 0;
    }
    if (verdict == DNS_UNREADABLE) {
        if (GUARD_REFUSE)
            domain_count(DOMAIN_DROPPED_UNREADABLE);
        return !GUARD_REFUSE;
    }
    if (report)
        domain_hit(skb, ev, current);
    return !GUARD_REFUSE;
}

static inline int domain_check_udp(struct __sk_buff *skb, __u32 l4, struct domain_work *w)
{
    struct domainevent *ev = &w->ev;
    __u8 udp[4];
    if (bpf_skb_load_bytes(skb, l4, udp, sizeof(udp)) != 0)
        return 1;
    if (!is_dns_port((__u16)udp[2] << 8 | udp[3]))
        return 1;
    /* Several datagrams in one buffer (UDP_SEGMENT): only the first would be read. */
    if (skb->gso_segs > 1)
        return domain_verdict_action(skb, DNS_UNREADABLE, ev, 0, 0);
    int verdict = message_verdict(skb, l4 + 8, skb->len, w);
    if (verdict == DNS_PARTIAL) /* a datagram is whole: what is missing is malformed */
        verdict = DNS_UNREADABLE;
    int current = 0;
    if (verdict == DNS_HIT) { /* the sender is read for a hit only */
        __u32 feed = ev->conn.feed;
        domain_sender(skb, IPPROTO_UDP, ev, &current);
        ev->conn.feed = feed;
        ev->conn.dport = (__u16)udp[3] << 8 | udp[2]; /* network order, as in netevent */
    }
    return domain_verdict_action(skb, verdict, ev, current, 1);
}

/* The TCP stream of skb's socket (created at its first segment). */
static inline struct dns_tcp_stream *tcp_stream(struct __sk_buff *skb)
{
    struct bpf_sock *sk = skb->sk;
    if (!sk || !(sk = bpf_sk_fullsock(sk)))
        return 0;
    return dns_streams.sk_storage_get(sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
}

/* Forgets what the server has acknowledged: the kept bytes once all of them are. */
static inline void tcp_acknowledged(struct __sk_buff *skb, struct dns_tcp_stream *st)
{
    struct bpf_sock *sk = skb->sk;
    if (!st->kept_len || !sk || !(sk = bpf_sk_fullsock(sk)))
        return;
    struct bpf_tcp_sock *tp = bpf_tcp_sock(sk);
    if (tp && (__s32)(tp->snd_una - (st->kept_start + st->kept_len)) >= 0)
        st->kept_len = 0;
}

/* Keeps the checked message from msg_seq to end_seq (its first DNS_CHECKED_MAX bytes) after
 * what is kept, as this segment (data at data, sequence number seq) carries it: 0, or -1
 * when it does not fit beside what is kept (the segment waits for the server's
 * acknowledgement) or is not all in the segment. */
static inline int tcp_keep(struct __sk_buff *skb, __u32 data, __u32 seq, __u32 msg_seq,
                           __u32 end_seq, struct dns_tcp_stream *st)
{
    if (!st->kept_len)
        st->kept_start = msg_seq;
    __u32 off = msg_seq - st->kept_start, len = end_seq - msg_seq;
    if (off == 0 && len > DNS_CHECKED_MAX)
        len = DNS_CHECKED_MAX;
    __s32 at = (__s32)(msg_seq - seq);
    if (at < 0 || len == 0 || off + len > DNS_CHECKED_MAX || data + (__u32)at + len > skb->len)
        return -1;
    asm volatile("" : "+r"(len));
    len = ((len - 1) & 0x1ff) + 1;
    if (bpf_skb_load_bytes(skb, data + (__u32)at, &st->kept[off & 0x1ff], len) != 0)
        return -1;
    st->kept_len = off + len;
    return 0;
}

/* Whether this segment (data at data, sequence number seq, end_seq after it) carries the
 * kept bytes it overlaps as they were: 0 yes (or none), 1 changed or unreadable. */
static inline int tcp_kept_changed(struct __sk_buff *skb, __u32 data, __u32 seq, __u32 end_seq,
                                   struct dns_tcp_stream *st, struct domain_work *w)
{
    __u32 kept_end = st->kept_start + st->kept_len;
    __u32 from = (__s32)(st->kept_start - seq) > 0 ? st->kept_start : seq;
    __u32 to = (__s32)(kept_end - end_seq) < 0 ? kept_end : end_seq;
    if ((__s32)(to - from) <= 0)
        return 0;
    __u32 n = to - from, koff = from - st->kept_start;
    if (n > DNS_CHECKED_MAX || koff >= DNS_CHECKED_MAX)
        return 1;
    asm volatile("" : "+r"(n));
    n = ((n - 1) & 0x1ff) + 1;
    if (bpf_skb_load_bytes(skb, data + (from - seq), w->again, n) != 0)
        return 1;
    /* Eight bytes a turn: 6.1's verifier gives up on 512 turns with a way out each. */
    for (__u32 i = 0; i < DNS_CHECKED_MAX / 8; i++) {
        __u32 k = i * 8;
        if (k >= n)
            break;
        __u64 got, kept;
        __builtin_memcpy(&got, &w->again[k], sizeof(got));
        __builtin_memcpy(&kept, &st->kept[(koff + k) & 0x3ff], sizeof(kept));
        __u32 rest = n - k;
        __u64 mask = rest >= 8 ? ~0ULL : (1ULL << (rest * 8)) - 1; /* little-endian bytes */
        if ((got ^ kept) & mask)
            return 1;
    }
    return 0;
}

/* A TCP segment to a DNS port. The message that starts in it (after its 2-byte length)
 * is checked. A segment that starts past a message not yet checked, or that holds only a
 * part of a message's question, is held back: TCP retransmits it, merged with what
 * followed, and it is checked again. One message is checked per pass (each more costs
 * the verifier too much): a segment in which a second message starts is held back
 * after the first is checked, and its retransmission is checked from the second. */
static inline int domain_check_tcp(struct __sk_buff *skb, __u32 l4, struct domain_work *w)
{
    struct domainevent *ev = &w->ev;
    __u8 tcp[14];
    if (bpf_skb_load_bytes(skb, l4, tcp, sizeof(tcp)) != 0)
        return 1;
    if (!is_dns_port((__u16)tcp[2] << 8 | tcp[3]))
        return 1;
    /* Urgent data: a receiver takes the urgent byte out of the stream, this check would
     * not; so no message of a segment that carries one is read. */
    if (tcp[13] & 0x20)
        return domain_verdict_action(skb, DNS_UNREADABLE, ev, 0, 0);
    __u32 data = l4 + ((tcp[12] >> 4) * 4), end = skb->len;
    __u32 seq = (__u32)tcp[4] << 24 | (__u32)tcp[5] << 16 | (__u32)tcp[6] << 8 | tcp[7];
    int syn = tcp[13] & 0x02;
    if (syn) /* data in a SYN (Fast Open) follows its sequence number */
        seq += 1;
    struct dns_tcp_stream *st = syn || data < end ? tcp_stream(skb) : 0;
    if (st && syn) { /* a connection begins, maybe again on this socket: its stream anew */
        st->started = 1;
        st->next_msg = seq;
        st->kept_len = 0;
        st->reported = 0;
        st->unframed = 0;
    }
    if (data >= end)
        return 1;
    int current;
    domain_sender(skb, IPPROTO_TCP, ev, &current);
    ev->conn.dport = (__u16)tcp[3] << 8 | tcp[2];
    if (!st)
        return domain_verdict_action(skb, DNS_UNREADABLE, ev, current, 0);
    if (!st->started) { /* first seen mid-stream: framed from here */
        st->started = 1;
        st->next_msg = seq;
    }
    if (st->unframed) /* print only: a stream whose framing was given up */
        return 1;
    tcp_acknowledged(skb, st);
    if (st->kept_len && tcp_kept_changed(skb, data, seq, seq + (end - data), st, w)) {
        /* Rewritten since checked: from the first kept message on, all checked again;
         * a retransmission that starts past it cannot be, and goes no further. */
        if ((__s32)(st->kept_start - seq) < 0)
            return domain_verdict_action(skb, DNS_UNREADABLE, ev, current, 0);
        st->next_msg = st->kept_start;
        st->kept_len = 0;
    }
    __s32 at = (__s32)(st->next_msg - seq);
    if (at < 0) /* the message before was never let through */
        return domain_verdict_action(skb, DNS_PARTIAL, ev, current, 0);
    if (data + (__u32)at >= end) /* only the rest of messages already checked */
        return 1;
    __u32 msg = data + (__u32)at;
    __u8 len[2];
    if (msg + 2 > end)
        return domain_verdict_action(skb, DNS_PARTIAL, ev, current, 0);
    if (bpf_skb_load_bytes(skb, msg, len, sizeof(len)) != 0)
        return domain_verdict_action(skb, DNS_UNREADABLE, ev, current, 0);
    __u32 msg_len = (__u32)len[0] << 8 | len[1];
    __u32 msg_end = msg + 2 + msg_len < end ? msg + 2 + msg_len : end;
    int verdict = message_verdict(skb, msg + 2, msg_end, w);
    if (verdict == DNS_PARTIAL && msg + 2 + msg_len <= end) /* whole, and malformed */
        verdict = DNS_UNREADABLE;
    int again = st->reported && st->reported_msg == st->next_msg;
    if (verdict == DNS_HIT && !again) {
        st->reported = 1;
        st->reported_msg = st->next_msg;
    }
    if (!domain_verdict_action(skb, verdict, ev, current, !again))
        return 0;
    __u32 end_seq = st->next_msg + 2 + msg_len;
    if (tcp_keep(skb, data, seq, st->next_msg, end_seq, st) != 0) {
        if (st->kept_len) /* room once the server acknowledges what is kept */
            return domain_verdict_action(skb, DNS_PARTIAL, ev, current, 0);
        st->unframed = !GUARD_REFUSE; /* under print the stream is let be */
        return domain_verdict_action(skb, DNS_UNREADABLE, ev, current, 0);
    }
    st->next_msg = end_seq;
    if (msg + 2 + msg_len < end) /* another message starts here: checked on the next pass */
        return domain_verdict_action(skb, DNS_PARTIAL, ev, current, 0);
    return 1;
}

/* The transport of the packet at skb's network header: 0 and *proto, *l4 set, or -1 for
 * one to leave alone. Fragments exist here only when a raw socket built them. */
static inline int ip_transport(struct __sk_buff *skb, __u8 *proto, __u32 *l4, int *fragment)
{
    __u8 ip[10];
    *fragment = 0;
    if (skb->protocol == htons(ETH_P_IP)) {
        if (bpf_skb_load_bytes(skb, 0, ip, sizeof(ip)) != 0)
            return -1;
        *l4 = (ip[0] & 0xf) * 4;
        *proto = ip[9];
        *fragment = (ip[6] & 0x3f) != 0 || ip[7] != 0; /* MF or an offset */
        return 0;
    }
    if (skb->protocol != htons(ETH_P_IPV6) || bpf_skb_load_bytes(skb, 6, ip, 1) != 0)
        return -1;
    __u32 off = 40;
    __u8 next = ip[0];
#pragma unroll
    for (int i = 0; i < 4; i++) { /* hop-by-hop, routing, destination options */
        if (next != 0 && next != 43 && next != 60)
            break;
        __u8 ext[2];
        if (bpf_skb_load_bytes(skb, off, ext, sizeof(ext)) != 0)
            return -1;
        next = ext[0];
        off += (ext[1] + 1) * 8;
    }
    *fragment = next == 44;
    *proto = next;
    *l4 = off;
    return 0;
}

/* Whether skb may carry a DNS message out (UDP or TCP to a DNS port, or a fragment that
 * could): any other packet, the common case, leaves before the work below. */
static inline int domain_candidate(struct __sk_buff *skb, __u8 *proto, __u32 *l4, int *fragment)
{
    if (ip_transport(skb, proto, l4, fragment) != 0)
        return 0;
    if (*fragment)
        return *proto == IPPROTO_UDP || *proto == IPPROTO_TCP || *proto == 44;
    __u8 ports[4];
    return (*proto == IPPROTO_UDP || *proto == IPPROTO_TCP) &&
           bpf_skb_load_bytes(skb, *l4, ports, sizeof(ports)) == 0 &&
           is_dns_port((__u16)ports[2] << 8 | ports[3]);
}

static inline int domain_check_transport(struct __sk_buff *skb, __u8 proto, __u32 l4, int fragment,
                                         struct domain_work *w)
{
    if (fragment)
        return domain_verdict_action(skb, DNS_UNREADABLE, 0, 0, 0);
    if (proto == IPPROTO_UDP)
        return domain_check_udp(skb, l4, w);
    if (proto == IPPROTO_TCP)
        return domain_check_tcp(skb, l4, w);
    return 1;
}

/* 1 lets the packet go, 0 drops it. */
static inline int domain_check(struct __sk_buff *skb)
{
    __u8 proto;
    __u32 l4;
    int fragment;
    if (!domain_candidate(skb, &proto, &l4, &fragment))
        return 1;
    __u32 zero = 0;
    __u32 *active = domain_active.lookup(&zero);
    if (!active || !*active)
        return 1;
    __u32 *nesting = domain_nesting.lookup(&zero);
    if (!nesting)
        return 1;
    __u32 level = *nesting;
    if (level >= DOMAIN_NESTING_MAX)
        return domain_verdict_action(skb, DNS_UNREADABLE, 0, 0, 0);
    struct domain_work *w = domain_scratch.lookup(&level);
    if (!w)
        return 1;
    *nesting = level + 1;
    /* The names are written before they are read (and sent with their lengths). */
    __builtin_memset(&w->ev, 0, __builtin_offsetof(struct domainevent, name));
    __u32 token = bpf_get_prandom_u32();
    w->token = token;
    int verdict = domain_check_transport(skb, proto, l4, fragment, w);
    *nesting = level;
    /* A preempted run whose slot another run took: its reading is not to be trusted. */
    if (w->token != token)
        return domain_verdict_action(skb, DNS_UNREADABLE, 0, 0, 0);
    return verdict;
}

#endif
