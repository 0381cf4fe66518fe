/* ebpf_monitor's socket hooks, pasted into both flow programs: cgroup-v2 programs on the
 * root cgroup, so they run for every socket of every network namespace.
 * - connect4/6 and sendmsg4/6 (a connect, or a send with an address, to a DNS port) record
 *   the calling process and the socket's namespace on the socket (socket_owners), in the
 *   caller's context, before its first packet exists.
 * - egress and ingress see each packet of a local socket with the socket in hand. The
 *   packet is credited to the task whose send call it leaves from (threads, and sockets
 *   handed over by fork or SCM_RIGHTS, name who sent), else (a TCP segment sent from a
 *   timer or an interrupt, an answer) to the socket's last sender or connector.
 *   In the tool's own namespace the socket filter ships what is sent: egress records its
 *   flow in proc_ports (exact addresses and ports) just before the filter sees it. What a
 *   socket receives there, and every packet of any other namespace, is shipped from here
 *   on dns_events: only a packet a socket takes is an answer to it (the packet socket
 *   sees forged and forwarded ones too).
 * Route lookups are never taken as evidence of a sender, and nothing done in one namespace
 * changes how another namespace's packets are credited.
 * Compiled with:
 *   MONITOR_EVENTS_FD    the socket filter's dns_events perf buffer (an fd of this process)
 *   MONITOR_OWN_NETNS    the cookie of the tool's own network namespace
 *   MONITOR_ALL_NETNS    1: ship other namespaces' packets; 0: only the tool's own
 *   MONITOR_SKB_TASK     1 when cgroup_skb programs may read the current task (6.2+)
 *   MONITOR_SKB_NETNS    1 when they may call bpf_get_netns_cookie (6.18 here, not 6.1)
 * Where the kernel's cgroup_skb knows neither (Debian's 6.1, kprobe mode), the sending task
 * comes from send_notes and the namespace from the socket's record. A TCP segment leaves
 * from its sender's send call or from a timer or interrupt: it names its sender when that
 * sender noted itself for that socket (send_notes, written in the send call: kprobes on
 * tcp_sendmsg, or the tcp_sendmsg_locked raw tracepoint), else the socket's last sender. */
#ifndef EBPFSHIELD_DNS_SOCKETS_H
#define EBPFSHIELD_DNS_SOCKETS_H

#include "common/net_abi.h"
#include "common/dns_ports.h"
#include "common/ebpfshield_events.h"

#define SOCKET_IPV6_EXT_MAX_ 8 /* extension headers skipped; past them: counted */
#define SOCKET_TCP_FIN_SYN_RST_ 0x07
/* 65535 less the record header (8), its size field (4) and dns_sample, 8-byte aligned */
#define SOCKET_SUBMIT_MAX_ (65480 - sizeof(struct dns_sample))

/* What the kernel side counts for user space (socket_counts). */
#define SOCKET_COUNT_NO_NETNS 0  /* a socket whose namespace the kernel could not tell */
#define SOCKET_COUNT_UNSHIPPED 1 /* packets the perf buffer had no room for */
#define SOCKET_COUNT_UNPARSED 2  /* packets whose ports could not be read (packet_sockets.h too) */
#define SOCKET_COUNT_MAX 3

struct socket_owner {
    struct port_val proc;
    __u64 netns;
};

/* A task inside a send call on socket sk (kprobe mode: udp_sendmsg, udpv6_sendmsg and
 * tcp_sendmsg; tracepoint mode: TCP's tcp_sendmsg_locked), keyed by the kernel's task
 * pointer and removed as the call returns: egress, which runs inside that call for the
 * packets it sends, compares the current task, the packet's socket and, for TCP, its
 * ports (a note left by a missed return never fits another connection). */
struct send_note {
    __u64 sk;
    __u16 lport, rport; /* TCP: the socket's ports at the note (UDP: 0, not compared) */
    __u32 pad;
    struct port_val proc;
};

BPF_SK_STORAGE(socket_owners, struct socket_owner);
BPF_PERCPU_ARRAY(socket_counts, __u64, SOCKET_COUNT_MAX);
BPF_TABLE("lru_hash", __u64, struct send_note, send_notes, 4096);
/* A TCP socket (its kernel address) -> the note of its last send call: what a segment
 * sent outside any send call names (uncorked by setsockopt, let out by an
 * acknowledgement, retransmitted). Forgotten as the socket closes. */
BPF_TABLE("lru_hash", __u64, struct send_note, last_writers, 16384);

static inline void socket_count(int what)
{
    __u64 *n = socket_counts.lookup(&what);
    if (n)
        (*n)++;
}

static inline int monitor_sock_addr(struct bpf_sock_addr *ctx)
{
    if (!is_dns_port(ntohs((__u16)ctx->user_port)))
        return 1;
    struct socket_owner *o = socket_owners.sk_storage_get(ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
    if (o) {
        current_process(&o->proc);
        o->netns = bpf_get_netns_cookie(ctx);
    }
    return 1;
}

int monitor_connect4(struct bpf_sock_addr *ctx)
{
    return monitor_sock_addr(ctx);
}

int monitor_connect6(struct bpf_sock_addr *ctx)
{
    return monitor_sock_addr(ctx);
}

int monitor_sendmsg4(struct bpf_sock_addr *ctx)
{
    return monitor_sock_addr(ctx);
}

int monitor_sendmsg6(struct bpf_sock_addr *ctx)
{
    return monitor_sock_addr(ctx);
}

static inline int ipv6_is_extension(__u8 next)
{
    return next == 0 || next == 43 || next == 60 || next == 44 || next == 51;
}

/* The transport header of an IPv6 packet (skb data starts at its IP header): *proto and
 * *l4, past hop-by-hop, routing, destination-option, authentication and first-fragment
 * headers; -1 when unreadable or a later fragment, -2 past SOCKET_IPV6_EXT_MAX_ of them. */
static inline int socket_ipv6_transport(struct __sk_buff *skb, __u8 *proto, __u32 *l4)
{
    __u8 next = 0, hdr[2] = {0, 0};
    __u32 off = 40;
    if (bpf_skb_load_bytes(skb, 6, &next, 1) != 0)
        return -1;
#pragma unroll
    for (int i = 0; i < SOCKET_IPV6_EXT_MAX_; i++) {
        if (!ipv6_is_extension(next))
            break;
        if (bpf_skb_load_bytes(skb, off, hdr, 2) != 0)
            return -1;
        if (next == 44) {
            __u16 frag = 0;
            if (bpf_skb_load_bytes(skb, off + 2, &frag, 2) != 0 || (ntohs(frag) & 0xfff8))
                return -1;
            off += 8;
        } else if (next == 51) { /* AH: its length in 4-byte units, less 2 */
            off += ((__u32)hdr[1] + 2) * 4;
        } else {
            off += ((__u32)hdr[1] + 1) * 8;
        }
        next = hdr[0];
    }
    if (ipv6_is_extension(next))
        return -2;
    *proto = next;
    *l4 = off;
    return 0;
}

/* The client-side flow of a DNS packet of a local socket (egress: sent by it; ingress:
 * for it): 0 and key filled when the remote port is a DNS port and the packet carries a
 * message's bytes, or starts or ends a TCP connection. */
static inline int socket_dns_flow(struct __sk_buff *skb, int egress, struct port_key *key)
{
    __u8 proto = 0;
    __u32 l4 = 0, src = 12, len = 4;
    __builtin_memset(key, 0, sizeof(*key));
    if (skb->protocol == htons(ETH_P_IP)) {
        __u8 vihl[2] = {0, 0};
        __u16 frag = 0;
        if (bpf_skb_load_bytes(skb, 0, vihl, 2) != 0 || bpf_skb_load_bytes(skb, 6, &frag, 2) != 0 ||
            bpf_skb_load_bytes(skb, 9, &proto, 1) != 0)
            return -1;
        if ((ntohs(frag) & 0x1fff) || (vihl[0] & 0x0f) < 5) /* later fragment: no ports */
            return -1;
        l4 = (vihl[0] & 0x0f) * 4;
        key->family = AF_INET;
    } else if (skb->protocol == htons(ETH_P_IPV6)) {
        int rc = socket_ipv6_transport(skb, &proto, &l4);
        if (rc == -2)
            socket_count(SOCKET_COUNT_UNPARSED);
        if (rc != 0)
            return -1;
        key->family = AF_INET6;
        src = 8;
        len = 16;
    } else {
        return -1;
    }
    if (proto == IPPROTO_TCP) {
        __u8 off_flags[2] = {0, 0};
        if (bpf_skb_load_bytes(skb, l4 + 12, off_flags, 2) != 0)
            return -1;
        if (l4 + (off_flags[0] >> 4) * 4 >= skb->len && !(off_flags[1] & SOCKET_TCP_FIN_SYN_RST_))
            return -1;
    } else if (proto != IPPROTO_UDP) {
        return -1;
    }
    __u16 ports[2] = {0, 0};
    if (bpf_skb_load_bytes(skb, l4, ports, 4) != 0)
        return -1;
    key->proto = proto;
    key->lport = ntohs(ports[egress ? 0 : 1]);
    key->rport = ntohs(ports[egress ? 1 : 0]);
    if (!is_dns_port(key->rport))
        return -1;
    if (len == 4)
        return bpf_skb_load_bytes(skb, src, egress ? key->laddr : key->raddr, 4) |
               bpf_skb_load_bytes(skb, src + 4, egress ? key->raddr : key->laddr, 4);
    return bpf_skb_load_bytes(skb, src, egress ? key->laddr : key->raddr, 16) |
           bpf_skb_load_bytes(skb, src + 16, egress ? key->raddr : key->laddr, 16);
}

/* A socket's ports (host order), read from the kernel's socket. */
static inline __u16 sock_remote_port(const void *sk)
{
    __be16 port = 0;
    bpf_probe_read_kernel(&port, sizeof(port), &((const struct abi_sock_common *)sk)->skc_dport);
    return ntohs(port);
}

static inline __u16 sock_local_port(const void *sk)
{
    __u16 port = 0;
    bpf_probe_read_kernel(&port, sizeof(port), &((const struct abi_sock_common *)sk)->skc_num);
    return port;
}

/* The task a send call is made by, on socket sk (its kernel address), noted on entry; a
 * TCP socket's last writer too. */
static inline void note_send(__u64 sk, int tcp)
{
    struct send_note note;
    __u64 task = bpf_get_current_task();
    note.sk = sk;
    note.lport = tcp ? sock_local_port((const void *)sk) : 0;
    note.rport = tcp ? sock_remote_port((const void *)sk) : 0;
    note.pad = 0;
    current_process(&note.proc);
    send_notes.update(&task, &note);
    if (tcp)
        last_writers.update(&sk, &note);
}

/* The send call of the current task has returned. */
static inline void end_send(void)
{
    __u64 task = bpf_get_current_task();
    send_notes.delete(&task);
}

/* A TCP socket closed: its last writer is forgotten (its address may come back). */
TRACEPOINT_PROBE(sock, inet_sock_set_state)
{
    if (args->newstate != 7 /* TCP_CLOSE */ || args->protocol != IPPROTO_TCP)
        return 0;
    __u64 sk = (__u64)args->skaddr;
    last_writers.delete(&sk);
    return 0;
}

static inline int note_fits(const struct send_note *note, const struct port_key *key)
{
    return note->rport == 0 || (note->lport == key->lport && note->rport == key->rport);
}

/* The task whose send call on sk this packet leaves from, else (TCP) the socket's last
 * writer: 1 and *proc filled when the kernel tells it (a UDP datagram always leaves
 * from its send call). */
static inline int socket_sender(struct bpf_sock *sk, const struct port_key *key,
                                struct port_val *proc)
{
#if MONITOR_SKB_TASK
    if (key->proto == IPPROTO_UDP) {
        current_process(proc);
        return 1;
    }
#endif
    if (!sk)
        return 0;
    __u64 task = bpf_get_current_task(), addr = (__u64)sk;
    struct send_note *note = send_notes.lookup(&task);
    if (!note || note->sk != addr || !note_fits(note, key)) {
        note = key->proto == IPPROTO_TCP ? last_writers.lookup(&addr) : NULL;
        if (!note || !note_fits(note, key))
            return 0;
    }
    *proc = note->proc;
    return 1;
}

/* The packet's process and namespace into s (pid 0 and netns 0 when unknown). A sender
 * is recorded on its socket, so that its answers name it too. */
static inline void socket_origin(struct __sk_buff *skb, int egress, const struct port_key *key,
                                 struct dns_sample *s)
{
    struct bpf_sock *sk = skb->sk;
    if (sk)
        sk = bpf_sk_fullsock(sk);
    struct socket_owner *o = NULL;
    if (sk)
        o = socket_owners.sk_storage_get(sk, 0, 0);
#if MONITOR_SKB_NETNS
    s->netns = bpf_get_netns_cookie(skb);
#else
    s->netns = o ? o->netns : 0;
#endif
    if (egress && socket_sender(sk, key, &s->proc)) {
        if (!sk || s->netns == 0)
            return;
        if (!o)
            o = socket_owners.sk_storage_get(sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
        if (o) {
            o->proc = s->proc;
            o->netns = s->netns;
        }
        return;
    }
    if (o)
        s->proc = o->proc;
}

static inline int monitor_packet(struct __sk_buff *skb, int egress)
{
    struct dns_sample s;
    struct port_key key;
    if (socket_dns_flow(skb, egress, &key) != 0)
        return 1;
    __builtin_memset(&s, 0, sizeof(s));
    socket_origin(skb, egress, &key, &s);
    s.proc.cgroup = bpf_skb_cgroup_id(skb);
    if (s.netns == 0) {
        socket_count(SOCKET_COUNT_NO_NETNS);
        return 1;
    }
    if (s.netns == MONITOR_OWN_NETNS) {
        /* TCP that leaves: the socket filter sees it next. UDP is shipped whole from
         * here: the filter would see a datagram a link must cut as fragments. */
        if (egress && key.proto == IPPROTO_TCP) {
            if (s.proc.pid != 0)
                proc_ports.update(&key, &s.proc);
            else /* never an earlier owner of the same flow: pid 0, counted */
                proc_ports.delete(&key);
            return 1;
        }
        s.netns = 0; /* shipped from here, like the others' */
    } else if (!MONITOR_ALL_NETNS) {
        return 1;
    }
    s.proc.ifindex = skb->ifindex;
    s.proc.ts_ns = bpf_ktime_get_ns();
    s.from_socket = 1;
    if (key.proto == IPPROTO_UDP && skb->gso_segs > 1)
        s.gso_size = (__u16)skb->gso_size;
    __u64 len = skb->len;
    if (len > SOCKET_SUBMIT_MAX_)
        len = SOCKET_SUBMIT_MAX_;
    /* A full ring's drop is counted here: perf says so only at its next write, which may
     * never come. */
    if (bpf_perf_event_output(skb, (void *)bpf_pseudo_fd(1, MONITOR_EVENTS_FD),
                              (len << 32) | BPF_F_CURRENT_CPU, &s, sizeof(s)) != 0)
        socket_count(SOCKET_COUNT_UNSHIPPED);
    return 1;
}

int monitor_egress(struct __sk_buff *skb)
{
    return monitor_packet(skb, 1);
}

int monitor_ingress(struct __sk_buff *skb)
{
    return monitor_packet(skb, 0);
}

#endif
