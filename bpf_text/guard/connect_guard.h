/* ebpf_ipintelligence's guard, pasted into both connect programs (kprobe_connect.c,
 * cgroup_connect.c): the feeds as LPM tries, looked up by cgroup-v2 sock_addr programs on
 * every connect() and every addressed send (sendto/sendmsg) of IPv4 and IPv6 sockets,
 * IPv4-mapped, NAT64, 6to4 and IPv4-compatible IPv6 addresses against the IPv4 trie too. With
 * --block other than print a hit is refused (EPERM) before any packet exists, and the action's
 * signal goes to the process that made the call (--signal-from): from the hook itself where
 * the kernel lets sock_addr programs send signals (6.18, not 6.1), from the return of the function
 * that runs the hooks (a kretprobe), or when the calling thread's syscall returns (the
 * raw_syscalls:sys_exit program, attached for good or only while a signal waits).
 *
 * User space compiles it with:
 *   GUARD_REFUSE       1: refuse hits; 0: let them through (--block print)
 *   GUARD_SIGNAL       signal for the process after a refusal (0: none, --block deny)
 *   GUARD_SIGNAL_AT    where a refused call's signal is sent: GUARD_AT_HOOK,
 *                      GUARD_AT_RETURN or GUARD_AT_EXIT (below)
 *   GUARD_EXIT_ON_DEMAND  1: the sys_exit program is attached only while a signal waits,
 *                      and a guard_notice tells user space when one starts to wait
 *   GUARD_REPORT_CONNECTS  1: TCP connects that are not hits are reported too (--verbose
 *                      prints them); 0: only hits, so that an ordinary connect costs
 *                      user space nothing
 *   GUARD_REPORT_TCP4  1: these hooks report TCP connects to IPv4 addresses; 0: the
 *                      tcp_v4_connect kprobe does (kprobe mode), so none is reported twice
 *   GUARD_V4_ENTRIES, GUARD_V6_ENTRIES  sizes of the tries
 *   GUARD_GROUP_DEAD   offset of group_dead in sched_process_exit's record (kernels from
 *                      6.16 on), else -1
 *   GUARD_NAT64_LOCAL  (optional) the first 3 words of a local NAT64 /96 (--nat64-prefix)
 *   GUARD_TASK_IDENTITY  (optional) BTF offsets for the process's identity (task_identity.h)
 *   GUARD_HOLD_TGID    (optional, with GUARD_TASK_IDENTITY, when the action stops the
 *                      process) task_struct.tgid's offset from the BTF: stopped processes
 *                      are held, and the lsm__ programs refuse what could resume them
 *                      (below); GUARD_SIGCONT: SIGCONT's number
 *   GUARD_DOMAINS      1: the egress program also checks the names of DNS messages
 *                      (domain_guard.h, with its own flags)
 *   GUARD_INBOUND      (optional) 1: the XDP program of --inbound (inbound_guard.h) */
#ifndef EBPFSHIELD_CONNECT_GUARD_H
#define EBPFSHIELD_CONNECT_GUARD_H

#include "common/net_abi.h"
#include "common/ebpfshield_kernel.h"
#include "guard/task_identity.h"
#include "guard/feed_tries.h"

#if !defined(GUARD_REFUSE) || !defined(GUARD_SIGNAL) || !defined(GUARD_REPORT_TCP4) ||             \
    !defined(GUARD_REPORT_CONNECTS) || !defined(GUARD_V4_ENTRIES) || !defined(GUARD_V6_ENTRIES) || \
    !defined(GUARD_GROUP_DEAD) || !defined(GUARD_DOMAINS) || !defined(GUARD_SIGNAL_AT) ||          \
    !defined(GUARD_EXIT_ON_DEMAND)
#error                                                                                             \
    "connect_guard.h needs GUARD_REFUSE, GUARD_SIGNAL, GUARD_SIGNAL_AT, GUARD_EXIT_ON_DEMAND, GUARD_REPORT_TCP4, GUARD_REPORT_CONNECTS, GUARD_GROUP_DEAD, GUARD_DOMAINS and the trie sizes"
#endif

#ifndef GUARD_INBOUND
#define GUARD_INBOUND 0
#endif

#define GUARD_AT_HOOK 0   /* the sock_addr program sends it (bpf_send_signal, where allowed) */
#define GUARD_AT_RETURN 1 /* guard_call_return, as the hook's caller returns */
#define GUARD_AT_EXIT 2   /* guard_signal, as the calling thread's syscall returns */

#define GUARD_PENDING_MAX 16384
/* A name hit's signal waits at most 30 s for the process to return from a syscall: what
 * glibc's resolver waits for an answer at most (5 s, 2 tries, 3 servers). */
#define GUARD_DOMAIN_SIGNAL_NS 30000000000ULL

BPF_PERF_OUTPUT(events);
/* Process (tgid) -> the event of its first refused call whose signal has not gone yet
 * (take_call): taken by any of its threads, so that no thread can hold it off by
 * blocking, exiting or calling execve; reported unsignalled when the process ends
 * first, so that a recycled pid is never signalled. */
BPF_TABLE("lru_hash", __u32, struct netevent, pending_calls, GUARD_PENDING_MAX);
/* Process (tgid) -> the event of a name hit seen outside its context (domain_pend), until
 * one of its syscalls returns; forgotten when the process exits. */
BPF_TABLE("lru_hash", __u32, struct netevent, pending_signal, GUARD_PENDING_MAX);

/* Floods, under print and deny (a signalled process does not flood) and of answers in
 * every mode: a process's hits are reported at most GUARD_HIT_BURST a second and a
 * user's GUARD_USER_BURST, so that one user's flood costs it alone; the others are counted
 * per process and reported with its next reported hit (netevent.repeats), when it ends
 * (guard_forget) or when the tool stops (user space reads proc_hits); counts a process's
 * entry can no longer carry (its pid now another's, its user over budget as it ends) go
 * to flood_unsaid, said in total at exit. */
#define GUARD_HIT_BURST 10
#define GUARD_USER_BURST 200
#define GUARD_HIT_WINDOW_NS 1000000000LL
#define GUARD_NO_OWNER_UID 0xfffffffeU /* hits of sockets with no recorded process */
struct hit_window {
    __u64 start;
    __u64 owner; /* the process's start (netevent.start_ns): a reused pid starts afresh */
    __u32 reported;
    __u32 repeats; /* not reported since the last reported one */
};
BPF_TABLE("lru_hash", __u32, struct hit_window, proc_hits, EBPFSHIELD_PROC_HITS_MAX);
BPF_TABLE("lru_hash", __u32, struct hit_window, user_hits, 4096);
BPF_PERCPU_ARRAY(flood_unsaid, __u64, 1);

static inline void flood_unsay(__u32 count)
{
    __u32 zero = 0;
    __u64 *n = flood_unsaid.lookup(&zero);
    if (n)
        *n += count;
}

/* w restarted when a second old (a signed difference: another CPU may have just moved
 * start past now); w may be NULL (the map failed). */
static inline struct hit_window *hit_window_now(struct hit_window *w, __u64 now)
{
    if (w && (__s64)(now - w->start) >= GUARD_HIT_WINDOW_NS) {
        w->start = now;
        w->reported = 0;
    }
    return w;
}

/* 1 when hit ev is to be reported now (its repeats set); 0: it is counted instead. */
static inline int hit_budget(struct netevent *ev)
{
    __u64 now = bpf_ktime_get_boot_ns();
    __u32 tgid = ev->pid, uid = ev->pid ? ev->uid : GUARD_NO_OWNER_UID;
    struct hit_window fresh = {.start = now, .owner = ev->start_ns};
    struct hit_window *p = hit_window_now(proc_hits.lookup_or_try_init(&tgid, &fresh), now);
    struct hit_window *u = hit_window_now(user_hits.lookup_or_try_init(&uid, &fresh), now);
    if (!p || !u)
        return 1;
    if (p->owner != ev->start_ns) { /* another process on this pid: the old count unsaid */
        flood_unsay(p->repeats);
        p->owner = ev->start_ns;
        p->repeats = 0;
        p->reported = 0;
    }
    if (p->reported >= GUARD_HIT_BURST || u->reported >= GUARD_USER_BURST) {
        __sync_fetch_and_add(&p->repeats, 1);
        return 0;
    }
    __sync_fetch_and_add(&p->reported, 1);
    __sync_fetch_and_add(&u->reported, 1);
    ev->repeats = p->repeats; /* a thread of the process counting meanwhile may be lost */
    p->repeats = 0;
    return 1;
}

/* hit_budget where the hit's process is not signalled (print, deny). */
static inline int hit_due(struct netevent *ev)
{
    return (GUARD_SIGNAL != 0 && GUARD_REFUSE) || hit_budget(ev);
}

/* With GUARD_EXIT_ON_DEMAND, that a signal of process tgid now waits for the sys_exit
 * program. */
static inline void notify_waiting(void *ctx, __u32 tgid)
{
#if GUARD_EXIT_ON_DEMAND
    struct guard_notice n = {.kind = EBPFSHIELD_NOTICE_WAITING, .tgid = tgid};
    events.perf_submit(ctx, &n, sizeof(n));
#endif
}

/* --block suspend|dump: a process the action stopped is held (tgid -> its start) from just
 * before its SIGSTOP, and where the kernel runs BPF LSM programs the lsm__ programs refuse
 * what could resume it before user space has frozen it in its cgroup (or, under dump,
 * between the thaw and gcore's stop): another process's SIGCONT (root's excepted), a
 * SIGCONT its files would send it (F_SETSIG), and a new tracer but root's. Under suspend
 * user space lets it go once frozen (the freezer holds it then); it goes when it ends. */
#ifdef GUARD_HOLD_TGID
#define HOLD_EPERM 1
#define HOLD_PTRACE_MODE_ATTACH 0x02 /* include/linux/ptrace.h */
BPF_HASH(held_procs, __u32, __u64, GUARD_PENDING_MAX);

/* 1 when task (a struct task_struct *) is of a held process. */
static inline int task_held(void *task)
{
    __u32 tgid = 0;
    identity_read(&tgid, sizeof(tgid), (char *)task + GUARD_HOLD_TGID);
    __u64 *held = held_procs.lookup(&tgid);
    if (!held)
        return 0;
    __u64 start_ns, pid_ino;
    task_identity_of(task, &start_ns, &pid_ino);
    return *held == start_ns; /* else a later process on its pid */
}

static inline int sent_by_root(void)
{
    return (__u32)bpf_get_current_uid_gid() == 0;
}

/* kill, tgkill, sigqueue, pidfd_send_signal (the signals one process sends another; the
 * kernel's own never come here); cred: the sender's when not the current task's (a USB
 * URB's completion), never taken for root's. */
LSM_PROBE(task_kill, void *task, void *info, int sig, void *cred)
{
    if (sig != GUARD_SIGCONT || (!cred && sent_by_root()))
        return 0;
    return task_held(task) ? -HOLD_EPERM : 0;
}

/* A signal the process's own file would send it on I/O (fcntl F_SETOWN, F_SETSIG). */
LSM_PROBE(file_send_sigiotask, void *task, void *fown, int sig)
{
    return sig == GUARD_SIGCONT && task_held(task) ? -HOLD_EPERM : 0;
}

/* A new tracer could continue it without the SIGSTOP (PTRACE_CONT): root's alone, gcore's. */
LSM_PROBE(ptrace_access_check, void *task, unsigned int mode)
{
    if (!(mode & HOLD_PTRACE_MODE_ATTACH) || sent_by_root())
        return 0;
    return task_held(task) ? -HOLD_EPERM : 0;
}

/* Holds the current process (tgid) before its signal goes, so that no SIGCONT can come in
 * between: 1 when it was not held already. A full table: not held. */
static inline int hold_current(__u32 tgid)
{
    __u64 start_ns, pid_ino;
    task_identity(&start_ns, &pid_ino);
    __u64 *held = held_procs.lookup(&tgid);
    if (held && *held == start_ns)
        return 0;
    held_procs.update(&tgid, &start_ns);
    return 1;
}
#endif

/* The action's signal, sent to the current process: 1 once it went. */
static inline int send_action(void)
{
#ifdef GUARD_HOLD_TGID
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    int fresh = hold_current(tgid);
    if (bpf_send_signal(GUARD_SIGNAL) == 0)
        return 1;
    if (fresh)
        held_procs.delete(&tgid);
    return 0;
#else
    return bpf_send_signal(GUARD_SIGNAL) == 0;
#endif
}

#if GUARD_DOMAINS
#include "guard/domain_guard.h"
#endif

/* Where the kernel sends an IPv4 call addressed to 0.0.0.0: to its source (the address
 * a sendmsg's IP_PKTINFO asks for, else the socket's bound one), else to 127.0.0.1
 * (ip_route_connect, __ip_route_output_key), so that binding a feed address and sending
 * to 0.0.0.0 is refused like sending to it. */
static inline __u32 any_v4_target(struct bpf_sock_addr *ctx, int sendmsg4)
{
    __u32 src = sendmsg4 ? ctx->msg_src_ip4 : 0; /* sendmsg4 programs alone may read it */
    struct bpf_sock *sk = ctx->sk;
    if (!src && sk)
        src = sk->src_ip4;
    return src ? src : htonl(0x7f000001);
}

/* The destination of ctx into ev; 1 when it is an IPv4 address (an IPv4-mapped IPv6 one
 * included, which the kernel sends as IPv4). *any: it was 0.0.0.0, put where it goes. */
static inline int guard_destination(struct bpf_sock_addr *ctx, int v6, int connect,
                                    struct netevent *ev, int *any)
{
    ev->dport = (__u16)ctx->user_port;
    *any = 0;
    if (!v6) {
        ev->family = AF_INET;
        *any = ctx->user_ip4 == 0;
        ev->daddr = *any ? any_v4_target(ctx, !connect) : ctx->user_ip4;
        return 1;
    }
    __u32 w[4] = {ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3]};
    if (w[0] == 0 && w[1] == 0 && w[2] == htonl(0x0000ffff)) {
        ev->family = AF_INET;
        *any = w[3] == 0;
        ev->daddr = *any ? any_v4_target(ctx, 0) : w[3]; /* tcp_v4_connect's, udp_sendmsg's */
        return 1;
    }
    ev->family = AF_INET6;
    __builtin_memcpy(ev->daddr6, w, sizeof(ev->daddr6));
    return 0;
}

/* The signal of a refusal, with its event once it went (or waiting for take_call). A
 * process whose first refusal still waits has this one reported at once, as acted on by
 * the signal on its way to it (or, should it end first, the first one's line says so). */
static inline void signal_refused(struct bpf_sock_addr *ctx, struct netevent *ev)
{
#if GUARD_SIGNAL_AT == GUARD_AT_HOOK
    ev->signalled = send_action();
    events.perf_submit(ctx, ev, sizeof(*ev));
#else
    __u32 tgid = ev->pid;
    if (pending_calls.insert(&tgid, ev) != 0) {
        ev->signalled = 1;
        events.perf_submit(ctx, ev, sizeof(*ev));
    } else if (GUARD_SIGNAL_AT == GUARD_AT_EXIT) {
        notify_waiting(ctx, tgid);
    }
#endif
}

/* The verdict on one connect (connect 1) or addressed send (connect 0): 1 lets it
 * through, 0 refuses it with EPERM. */
static inline int guard_check(struct bpf_sock_addr *ctx, int v6, int connect)
{
    struct netevent ev;
    __builtin_memset(&ev, 0, sizeof(ev));
    int any;
    int v4 = guard_destination(ctx, v6, connect, &ev, &any);
    ev.hit =
        (v4 ? feed_of_v4(ev.daddr, &ev.feed) : feed_of_v6_any((const __u32 *)ev.daddr6, &ev.feed))
            ? EBPFSHIELD_HIT_ADDRESS
            : 0;
#if GUARD_DOMAINS
    if (is_dns_port(ntohs(ev.dport))) /* the sockets whose DNS the guard reads */
        sock_owner_record(ctx);
#endif
    ev.refused = ev.hit && GUARD_REFUSE;
    int tcp_connect = connect && ctx->protocol == IPPROTO_TCP;
    /* In kprobe mode tcp_v4_connect reports every TCP connect to IPv4 that goes on, but
     * for those to 0.0.0.0, which go where guard_destination says. */
    int kprobe_reports = tcp_connect && v4 && !GUARD_REPORT_TCP4 && !ev.refused && !any;
    /* A refusal with a signal is reported once the signal went out (signal_refused). */
    int signal_reports = ev.refused && GUARD_SIGNAL != 0;
    int reports =
        !kprobe_reports && !signal_reports && (ev.hit || (tcp_connect && GUARD_REPORT_CONNECTS));
    if (!reports && !ev.refused)
        return 1; /* the usual way: nobody asks who it was */
    netevent_task(&ev, (__u8)ctx->protocol);
    task_identity(&ev.start_ns, &ev.pid_ino);
    if (reports && (!ev.hit || hit_due(&ev)))
        events.perf_submit(ctx, &ev, sizeof(ev));
    if (signal_reports)
        signal_refused(ctx, &ev);
    return !ev.refused;
}

int guard_connect4(struct bpf_sock_addr *ctx)
{
    return guard_check(ctx, 0, 1);
}

int guard_connect6(struct bpf_sock_addr *ctx)
{
    return guard_check(ctx, 1, 1);
}

int guard_sendmsg4(struct bpf_sock_addr *ctx)
{
    return guard_check(ctx, 0, 0);
}

int guard_sendmsg6(struct bpf_sock_addr *ctx)
{
    return guard_check(ctx, 1, 0);
}

/* A pending refusal's event: the connect's, or the name hit's kept beside it. */
static inline void submit_pending(void *ctx, const struct netevent *ev)
{
#if GUARD_DOMAINS
    if (ev->hit == EBPFSHIELD_HIT_DOMAIN) {
        __u32 tgid = ev->pid;
        struct domainevent *d = pending_domain.lookup(&tgid);
        if (d) {
            d->conn.signalled = ev->signalled;
            events.perf_submit(ctx, d, sizeof(*d));
            pending_domain.delete(&tgid);
            return;
        }
    }
#endif
    events.perf_submit(ctx, (void *)ev, sizeof(*ev));
}

/* Whether the current thread may take a pending refusal: 1 yes, 0 not this one, -1 it is
 * too old for anyone. A connect's refusal is made by the process itself; a name hit's
 * names the socket's recorded process, whose pid another process may hold by now: the
 * thread must be of that process (its identity, where known; else its name), within
 * GUARD_DOMAIN_SIGNAL_NS (and the recorded process had not exited when the hit was seen:
 * domain_pend). */
static inline int may_take(const struct netevent *ev)
{
    if (ev->hit != EBPFSHIELD_HIT_DOMAIN)
        return 1;
    if (bpf_ktime_get_boot_ns() - ev->ts_boot_ns >= GUARD_DOMAIN_SIGNAL_NS)
        return -1;
    __u64 start_ns, pid_ino;
    task_identity(&start_ns, &pid_ino);
    if (ev->start_ns && start_ns)
        return ev->start_ns == start_ns && ev->pid_ino == pid_ino ? 1 : -1;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    bpf_get_current_comm(comm, sizeof(comm));
    for (int i = 0; i < EBPFSHIELD_TASK_COMM_LEN; i++)
        if (comm[i] != ev->comm[i])
            return 0;
    return 1;
}

/* The current process's refused call, if one waits: its signal sent now, from one of its
 * threads, and its event reported (by the thread that removes the entry alone). */
static inline void take_call(void *ctx, __u32 tgid)
{
    struct netevent *pending = pending_calls.lookup(&tgid);
    if (!pending)
        return;
    struct netevent ev = *pending;
    if (pending_calls.delete(&tgid) != 0)
        return;
    ev.signalled = send_action();
    events.perf_submit(ctx, &ev, sizeof(ev));
}

/* A name hit waiting for its process (domain_pend): taken by any of its threads whose
 * syscall returns. Only the thread that removes the entry sends the signal, so that two
 * threads never report one hit twice. */
static inline void take_name_hit(void *ctx, __u32 tgid)
{
    struct netevent *pending = pending_signal.lookup(&tgid);
    if (!pending)
        return;
    struct netevent ev = *pending;
    int take = may_take(&ev);
    if (take == 0 || pending_signal.delete(&tgid) != 0)
        return;
    ev.signalled = take > 0 && send_action();
    submit_pending(ctx, &ev);
}

/* Attached to raw_syscalls:sys_exit (for good, or while a signal waits): when a syscall
 * of a process returns, its refused call or its name hit gets the action's signal before
 * the thread runs another instruction. */
int guard_signal(void *ctx)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    take_call(ctx, tgid);
    take_name_hit(ctx, tgid);
    return 0;
}

/* A kretprobe on the function that runs the cgroup sock_addr programs (GUARD_AT_RETURN):
 * the refused call's signal in its own context, io_uring workers' included; every other
 * syscall goes untouched. */
#if GUARD_SIGNAL_AT == GUARD_AT_RETURN
int guard_call_return(struct pt_regs *ctx)
{
    take_call(ctx, bpf_get_current_pid_tgid() >> 32);
    return 0;
}
#endif

/* io_uring:io_uring_complete: a request refused in an io_uring worker or SQPOLL thread,
 * which returns from no syscall, is signalled as the request completes, in its context
 * (when the completion queue has room; else at a syscall return of the process). */
int guard_ring_done(void *ctx)
{
    take_call(ctx, bpf_get_current_pid_tgid() >> 32);
    return 0;
}

/* 1 when the thread now exiting is the last of its process: group_dead in the record
 * (6.16 on); else the process's count of live threads (signal_struct.live, which do_exit
 * has decremented by then), at GUARD_TASK_SIGNAL_LIVE's offsets from the kernel's BTF;
 * else the exit of the leader or of the thread the pending name hit names stands for it. */
static inline int group_ends(void *ctx, __u32 tid, __u32 tgid, const struct netevent *pending)
{
#if GUARD_GROUP_DEAD >= 0
    return *((__u8 *)ctx + GUARD_GROUP_DEAD) != 0;
#elif defined(GUARD_TASK_SIGNAL_LIVE)
    const unsigned long off[2] = {GUARD_TASK_SIGNAL_LIVE};
    void *signal = 0;
    int live = 1;
    bpf_probe_read_kernel(&signal, sizeof(signal), (char *)bpf_get_current_task() + off[0]);
    if (!signal || bpf_probe_read_kernel(&live, sizeof(live), (char *)signal + off[1]) != 0)
        return tid == tgid || (pending && tid == pending->tid);
    return live == 0;
#else
    return tid == tgid || (pending && tid == pending->tid);
#endif
}

/* Attached to sched:sched_process_exit (every exiting thread): a process that ends with a
 * refused call or a name hit still waiting reports it unsignalled, so that the hit still
 * gets its line, and forgets it, so that a recycled pid is never signalled; a process that
 * ends is noted in exited_procs (for domain_pend). */
int guard_forget(void *ctx)
{
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tid = id, tgid = id >> 32;
    if (!group_ends(ctx, tid, tgid, pending_signal.lookup(&tgid)))
        return 0;
#if GUARD_DOMAINS
    __u64 now = bpf_ktime_get_boot_ns();
    exited_procs.update(&tgid, &now);
#endif
    struct hit_window *w = proc_hits.lookup(&tgid);
    __u32 uid = (__u32)bpf_get_current_uid_gid();
    struct hit_window *u = hit_window_now(user_hits.lookup(&uid), bpf_ktime_get_boot_ns());
    __u64 start_ns, pid_ino;
    task_identity(&start_ns, &pid_ino);
    /* Its user floods, or the count is of an earlier process on this pid: no notice. */
    if (w && w->repeats && ((u && u->reported >= GUARD_USER_BURST) || w->owner != start_ns)) {
        flood_unsay(w->repeats);
    } else if (w && w->repeats) { /* a flood's last count */
        struct guard_notice n = {
            .kind = EBPFSHIELD_NOTICE_REPEATS, .tgid = tgid, .count = w->repeats};
        events.perf_submit(ctx, &n, sizeof(n));
    }
    proc_hits.delete(&tgid);
#ifdef GUARD_HOLD_TGID
    held_procs.delete(&tgid);
#endif
    struct netevent ev, *pending = pending_calls.lookup(&tgid);
    if (pending) {
        ev = *pending;
        if (pending_calls.delete(&tgid) == 0)
            submit_pending(ctx, &ev);
    }
    pending = pending_signal.lookup(&tgid);
    if (pending) {
        ev = *pending;
        if (pending_signal.delete(&tgid) == 0)
            submit_pending(ctx, &ev);
    }
    return 0;
}

/* 1 when skb goes to a feed address. */
static inline int egress_listed(struct __sk_buff *skb)
{
    __u32 feed;
    if (skb->protocol == htons(ETH_P_IP)) {
        __u32 daddr;
        return bpf_skb_load_bytes(skb, 16, &daddr, sizeof(daddr)) == 0 && feed_of_v4(daddr, &feed);
    }
    if (skb->protocol == htons(ETH_P_IPV6)) {
        __u32 daddr6[4];
        return bpf_skb_load_bytes(skb, 24, daddr6, sizeof(daddr6)) == 0 &&
               feed_of_v6_any(daddr6, &feed);
    }
    return 0;
}

/* Packets to a feed address that no hook above saw, dropped at egress: counted, never
 * acted on. The program runs in the context of whatever task let the packet out, which
 * need not be the one that made it (a corked datagram or a sticky routing header sent by
 * the next writer of the socket, a socket passed to another process, a TCP segment from a
 * timer): acting there would let one user get another's process killed. */
BPF_PERCPU_ARRAY(egress_dropped, __u64, 1);

static inline void egress_count(void)
{
    __u32 zero = 0;
    __u64 *n = egress_dropped.lookup(&zero);
    if (n)
        *n += 1;
}

/* cgroup_skb egress: drops any packet to a feed address that got past the hooks above,
 * and checks the names of DNS messages. */
int guard_egress(struct __sk_buff *skb)
{
    if (GUARD_REFUSE && egress_listed(skb)) {
        egress_count();
        return 0;
    }
#if GUARD_DOMAINS
    return domain_check(skb);
#else
    return 1;
#endif
}

#if GUARD_DOMAINS
#include "guard/answer_guard.h"
#endif

#if GUARD_INBOUND
#include "guard/inbound_guard.h"
#endif

#endif
