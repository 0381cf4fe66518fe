/* ebpf_ipintelligence's kernel side: one connect program per attach mode, each with the
 * guard (bpf_text/connect_guard.h): the feeds in LPM tries, cgroup-v2 programs that check
 * every connect and addressed send, IPv4 and IPv6, and refuse a hit in the kernel, and
 * the syscall-exit tracepoints that signal the process. Kprobe mode adds the original's
 * tcp_v4_connect kprobe. The events are printed and acted on in guard_handler.c. */
#include "guard/guard_feature.h"

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/attach.h"
#include "engine/bpf_shim.h"
#include "engine/bpf_texts.h"
#include "engine/kernel_btf.h"
#include "engine/tc_filter.h"
#include "base/clock.h"
#include "base/private_dir.h"
#include "common/ebpfshield_events.h"
#include "threatfeed/feeds.h"
#include "guard/feed_reload.h"
#include "guard/inbound.h"
#include "guard/instance_lock.h"
#include "guard/persist.h"
#include "guard/guard_handler.h"
#include "guard/victim_hold.h"
#include "output/metrics_text.h"

struct guard {
    enum block_action block;
    struct shim_bpf *prog;
    struct feed_sources sources;
    struct feed_registry *registry; /* names the feed ids of the tries and the events */
    struct feed_set *feeds;
    struct feed_tables tables;  /* the fds of prog's feed tables */
    struct feed_reload *reload; /* a SIGHUP's reload, while its thread runs */
    bool reload_again;          /* a SIGHUP came meanwhile */
    unsigned long long reloads_done, reloads_failed;
    struct guard_handler handler;
    const struct output *out;
    const char *dump_dir;
    struct dump_place dump_place; /* dirfd -1 unless --block dump */
    int lock;                     /* instance_lock(), -1 with --block print */
    struct domain_hash names;     /* the keys of the domain table, drawn per run */
    char ports_flag[DNS_PORTS_CFLAG_MAX];
    bool egress; /* the egress program is attached: refusing, or names to check */
    enum signal_from signal_from;
    int signal_at;       /* connect_guard.h's GUARD_AT_*, chosen at start */
    bool exit_on_demand; /* sys_exit attached only while a signal waits */
    bool exit_attached;
    bool hold;          /* stopped processes are held in the kernel (GUARD_HOLD_TGID) */
    char hold_why[200]; /* else why not */
    uint64_t waited_ms; /* when the last notice of a waiting signal came */
    bool persist;       /* --persist: the pins stay at exit */
    bool pinning;       /* links are pinned this run: --persist, or pins found to adopt */
    bool adopted;       /* pins of an earlier run were found */
    bool released;      /* without --persist, the pins were removed once started */
    bool nat64_local;   /* --nat64-prefix */
    uint32_t nat64_prefix[3];
    const char *inbound_list;     /* --inbound, or NULL */
    struct inbound_links inbound; /* its XDP links, while the programs run */
};

/* The pins of one run (persist.h): the cgroup links by hook, and the answer check's
 * program array (a pinned array keeps its program when the tool is gone). */
static const char *const pin_names[] = {"connect4", "connect6", "sendmsg4",     "sendmsg6",
                                        "egress",   "ingress",  "answer_steps", NULL};
enum { PIN_EGRESS = 4, PIN_INGRESS, PIN_ANSWER_STEPS };
/* The new program array is pinned under this name before the ingress link takes the
 * program that uses it, then renamed over the old one: never a pinned link whose array
 * is not pinned (an emptied array would drop every DNS answer). */
#define PIN_ANSWER_STEPS_NEW "answer_steps_new" /* bpffs names take no dot */

/* connect_guard.h's GUARD_AT_*. */
enum { AT_HOOK, AT_RETURN, AT_EXIT };

/* The kernel function that runs the cgroup sock_addr programs: its kretprobe signals a
 * refused call (AT_RETURN). */
#define HOOKS_RUNNER "__cgroup_bpf_run_filter_sock_addr"
#define SYS_EXIT "raw_syscalls:sys_exit"
#define RING_DONE "io_uring_complete" /* a raw tracepoint: no category */
/* The syscall-exit program stays this long after the last signal that waited for it, so
 * that a flood of refusals does not attach and detach it at each one. */
#define EXIT_LINGER_MS 1000

/* What a set holds, once it is the one in use. */
static void say_feeds(const struct feed_set *set)
{
    struct feeds_stats st = feeds_stats(set);
    log_note("feeds: %zu file(s), %zu IPv4 and %zu IPv6 entries, %zu allowed; %zu IPv4 and %zu "
             "IPv6 CIDRs to check",
             st.files, st.v4, st.v6, st.allowed, st.cidrs4, st.cidrs6);
    if (st.names || st.names_allowed)
        log_note("feeds: %zu domain names to check, %zu allowed", st.names, st.names_allowed);
}

#define CFLAG_LEN 48

/* Where signals go from (--signal-from) on this kernel, in mode; said at start. */
static int choose_signal(struct guard *p, enum attach_mode mode, struct error *e)
{
    enum signal_from from = p->signal_from;
    bool in_hook = attach_sock_addr_signals(), kprobes = mode == ATTACH_KPROBE;
    p->exit_on_demand = from != SIGNAL_FROM_EXIT;
    p->signal_at = AT_EXIT;
    if (from == SIGNAL_FROM_CALL || from == SIGNAL_FROM_AUTO) {
        if (in_hook || kprobes)
            p->signal_at = in_hook ? AT_HOOK : AT_RETURN;
        else if (from == SIGNAL_FROM_CALL)
            return error_set(e, "--signal-from call: this kernel lets neither the connect hooks "
                                "send a signal nor kprobes run; use "
                                "--signal-from exit or exit-on-demand");
    }
    if (!block_actions[p->block].signal)
        return 0;
    static const char *const said[] = {
        [AT_HOOK] = "in the refused call, by the hook that refuses it",
        [AT_RETURN] = "in the refused call, as " HOOKS_RUNNER " returns (a kretprobe)",
        [AT_EXIT] = "as the refused call's syscall returns"};
    log_note("guard: the action's signal is sent %s%s", said[p->signal_at],
             p->signal_at != AT_EXIT ? ""
             : p->exit_on_demand
                 ? " (raw_syscalls:sys_exit attached while a signal waits: a few ms late)"
                 : " (raw_syscalls:sys_exit attached for good: every syscall pays for it)");
    return 0;
}

/* Where sched_process_exit's program reads whether the exiting thread is its process's
 * last, on kernels whose record does not say (group_dead, 6.16 on): task_struct.signal
 * and signal_struct.live (decremented before the tracepoint), from the kernel's BTF kb,
 * into flag (empty when the record says, or the BTF does not give them: the leader's exit
 * then stands for the process's); group_dead: the record's field offset, or -1. */
static void group_dead_flag(const struct kernel_btf *kb, char flag[CFLAG_LEN], int group_dead)
{
    flag[0] = '\0';
    if (group_dead >= 0 || !kb)
        return;
    struct kernel_member sig, live;
    struct error e;
    if (kernel_btf_member(kb, "task_struct", "signal", &sig, &e) == 0 &&
        kernel_btf_member(kb, "signal_struct", "live", &live, &e) == 0 && sig.size == 8 &&
        live.size == 4)
        snprintf(flag, CFLAG_LEN, "-DGUARD_TASK_SIGNAL_LIVE=%zu,%zu", sig.offset, live.offset);
    else
        log_warn("the kernel's BTF gives no task_struct.signal->live: a process whose leader "
                 "exits first counts as ended");
}

/* Where the programs read a process's identity (task_identity.h), from kb, into flag
 * (empty when the BTF does not say: --block dump then tells a process from a later
 * holder of its pid by its start time in clock ticks and its user). */
static void identity_flag(const struct kernel_btf *kb, char flag[CFLAG_LEN])
{
    flag[0] = '\0';
    if (!attach_sock_addr_reads_task()) {
        log_warn("the connect hooks may not read the current task (lockdown?): a process is "
                 "told from a later holder of its pid by its start to the clock tick");
        return;
    }
    struct kernel_member leader, boot, tpid, ino = {.offset = (size_t)-1, .size = 8};
    struct error e;
    if (!kb || kernel_btf_member(kb, "task_struct", "group_leader", &leader, &e) != 0 ||
        kernel_btf_member(kb, "task_struct", "start_boottime", &boot, &e) != 0 ||
        kernel_btf_member(kb, "task_struct", "thread_pid", &tpid, &e) != 0 || leader.size != 8 ||
        boot.size != 8 || tpid.size != 8) {
        log_warn("the kernel's BTF gives no task_struct.start_boottime: a process is told from "
                 "a later holder of its pid by its start to the clock tick and its user");
        return;
    }
    /* struct pid's ino (pidfs, 6.9 on): the inode number of the process's pidfds. */
    if (kernel_btf_member(kb, "pid", "ino", &ino, &e) != 0 || ino.size != 8)
        ino.offset = (size_t)-1;
    int n = snprintf(flag, CFLAG_LEN, "-DGUARD_TASK_IDENTITY=%zu,%zu,%zu,%ld", leader.offset,
                     boot.offset, tpid.offset, (long)ino.offset);
    if (n < 0 || n >= CFLAG_LEN) { /* a cut offset would read another field */
        flag[0] = '\0';
        log_warn("task_struct offsets too large to pass: a process is told from a later holder "
                 "of its pid by its start to the clock tick and its user");
    }
}

/* Whether stopped processes can be held in the kernel (the lsm__ programs), into p->hold
 * and, when they can, into flag the offset where they read a task's tgid; else p->hold_why
 * says why not. Only for actions that stop the process, and with its identity known
 * (identity: identity_flag's). */
static void hold_flag(struct guard *p, const struct kernel_btf *kb, const char *identity,
                      char flag[CFLAG_LEN])
{
    flag[0] = '\0';
    p->hold = false;
    struct kernel_member tgid;
    struct error e;
    int hook;
    if (!block_actions[p->block].freezes)
        return;
    if (!identity[0] || !kb || kernel_btf_member(kb, "task_struct", "tgid", &tgid, &e) != 0 ||
        tgid.size != 4)
        error_set(&e, "the kernel's BTF gives no process identity");
    else if ((hook = kernel_btf_func(kb, "bpf_lsm_task_kill")) < 0)
        error_set(&e, "the kernel's BTF has no BPF LSM hooks");
    else if (attach_lsm_runs(hook, &e) == 0) {
        snprintf(flag, CFLAG_LEN, "-DGUARD_HOLD_TGID=%zu", tgid.offset);
        p->hold = true;
        return;
    }
    snprintf(p->hold_why, sizeof(p->hold_why), "%.*s", (int)sizeof(p->hold_why) - 1, e.msg);
}

static int compile(struct guard *p, enum attach_mode mode, struct error *e)
{
    char flags[20][CFLAG_LEN];
    const struct block_action_info *action = &block_actions[p->block];
    snprintf(flags[0], CFLAG_LEN, "-DGUARD_REFUSE=%d", action->refuses);
    snprintf(flags[1], CFLAG_LEN, "-DGUARD_SIGNAL=%d", action->signal);
    snprintf(flags[2], CFLAG_LEN, "-DGUARD_REPORT_TCP4=%d", mode != ATTACH_KPROBE);
    /* Room for two sets, so that a reload puts the new one in before the old one goes;
     * an LPM trie takes memory per entry, not per slot. */
    snprintf(flags[3], CFLAG_LEN, "-DGUARD_V4_ENTRIES=%u", 2 * FEEDS_CIDRS_MAX);
    snprintf(flags[4], CFLAG_LEN, "-DGUARD_V6_ENTRIES=%u", 2 * FEEDS_CIDRS_MAX);
    int group_dead = attach_tracepoint_field("sched/sched_process_exit", "group_dead");
    snprintf(flags[5], CFLAG_LEN, "-DGUARD_GROUP_DEAD=%d", group_dead);
    snprintf(flags[6], CFLAG_LEN, "-DGUARD_REPORT_CONNECTS=%d", p->handler.verbose);
    snprintf(flags[7], CFLAG_LEN, "-DGUARD_DOMAINS=1");
    snprintf(flags[8], CFLAG_LEN, "-DGUARD_DOMAIN_ENTRIES=%u", 2 * DOMAIN_SET_MAX);
    snprintf(flags[9], CFLAG_LEN, "-DGUARD_NAME_MULT=%#llxULL", (unsigned long long)p->names.mult);
    snprintf(flags[10], CFLAG_LEN, "-DGUARD_NAME_SEED=%#llxULL", (unsigned long long)p->names.seed);
    snprintf(flags[11], CFLAG_LEN, "-DGUARD_SKB_TASK=%d", attach_skb_knows_task());
    snprintf(flags[12], CFLAG_LEN, "-DGUARD_SIGNAL_AT=%d", p->signal_at);
    snprintf(flags[13], CFLAG_LEN, "-DGUARD_EXIT_ON_DEMAND=%d", p->exit_on_demand);
    struct kernel_btf *kb = NULL;
    struct error btf_e;
    if (kernel_btf_open(&kb, &btf_e) != 0) {
        log_warn("%s: a process whose leader exits first counts as ended, and a process is "
                 "told from a later holder of its pid by its start to the clock tick",
                 btf_e.msg);
        kb = NULL;
    }
    group_dead_flag(kb, flags[14], group_dead);
    identity_flag(kb, flags[16]);
    hold_flag(p, kb, flags[16], flags[18]);
    if (kb)
        kernel_btf_close(kb);
    flags[15][0] = '\0';
    if (p->nat64_local)
        snprintf(flags[15], CFLAG_LEN, "-DGUARD_NAT64_LOCAL=%#x,%#x,%#x", p->nat64_prefix[0],
                 p->nat64_prefix[1], p->nat64_prefix[2]);
    snprintf(flags[17], CFLAG_LEN, "-DGUARD_INBOUND=%d", p->inbound_list != NULL);
    snprintf(flags[19], CFLAG_LEN, "-DGUARD_SIGCONT=%d", SIGCONT);
    const char *cflags[] = {flags[0],  flags[1],  flags[2],  flags[3],      flags[4],  flags[5],
                            flags[6],  flags[7],  flags[8],  flags[9],      flags[10], flags[11],
                            flags[12], flags[13], flags[19], p->ports_flag, flags[17], NULL,
                            NULL,      NULL,      NULL,      NULL};
    size_t n = 17; /* the optional ones after the fixed ones */
    for (int i = 14; i <= 18; i++)
        if (i != 17 && flags[i][0])
            cflags[n++] = flags[i];
    const char *text = mode == ATTACH_KPROBE ? bpf_text_kprobe_connect : bpf_text_cgroup_connect;
    return shim_init(&p->prog, text, cflags, "connect program", NULL, e);
}

/* The fds of prog's feed tables (valid while prog lives). */
static int open_tables(struct guard *p, struct error *e)
{
    struct feed_tables *t = &p->tables;
    if (shim_table_fd(p->prog, "feeds_v4", &t->v4, e) != 0 ||
        shim_table_fd(p->prog, "feeds_v6", &t->v6, e) != 0 ||
        shim_table_fd(p->prog, "domains", &t->names, e) != 0 ||
        shim_table_fd(p->prog, "domain_active", &t->names_checked, e) != 0)
        return -1;
    return feed_tables_sync(t, NULL, p->feeds, e);
}

static bool has_names(const struct feed_set *set)
{
    return domain_set_listed(feeds_domains(set)) > 0;
}

/* guard_handler's view of resolved_names. */
static int lookup_resolved(void *ctx, const struct resolved_key *key, struct resolved_name *value)
{
    struct guard *p = ctx;
    struct error e;
    int rc = p->prog ? shim_table_lookup(p->prog, "resolved_names", key, value, &e) : 1;
    if (rc < 0)
        log_warn("reading resolved names: %s", e.msg);
    return rc == 0;
}

/* The egress program, which drops and checks names: attached once refusing or names ask
 * for it (a print-only guard without names leaves every packet alone). */
static int attach_egress(struct guard *p, int root, struct error *e)
{
    if (p->egress || (!block_actions[p->block].refuses && !has_names(p->feeds)))
        return 0;
    char pin[PERSIST_PATH_MAX];
    persist_path(pin_names[PIN_EGRESS], pin);
    if (shim_attach_cgroup(p->prog, "guard_egress", SHIM_EGRESS, root, p->pinning ? pin : NULL,
                           e) != 0)
        return -1;
    p->egress = true;
    return 0;
}

/* SIGHUP: a thread loads a new set from the same sources and puts it in the tables
 * (feed_reload.h); a SIGHUP while it runs asks for one more after it. */
static int reload(void *self, struct error *e)
{
    struct guard *p = self;
    if (p->reload) {
        p->reload_again = true;
        return 0;
    }
    p->reload_again = false;
    int rc = feed_reload_start(&p->reload, &p->sources, p->registry, &p->tables, p->feeds, e);
    p->reloads_failed += rc != 0;
    return rc;
}

/* The reload's set in use in user space too (or the reason it failed said); the name
 * check attached when names came where there were none. */
static void reload_done(struct guard *p)
{
    struct error e;
    struct feed_set *set = feed_reload_end(p->reload, &e);
    p->reload = NULL;
    if (!set) {
        p->reloads_failed++;
        log_warn("reload failed, the feeds in use stay: %s", e.msg);
        return;
    }
    p->reloads_done++;
    feeds_free(p->feeds);
    p->feeds = set;
    say_feeds(set);
    if (p->egress || !has_names(set))
        return;
    int root = attach_open_cgroup2_root(&e);
    if (root < 0 || attach_egress(p, root, &e) != 0)
        log_warn("feeds: names to check, and the check cannot start: %s", e.msg);
    if (root >= 0)
        close(root);
}

/* At stop: the reload's thread, which writes into prog's tables, ended first; the set it
 * put in the tables, if it got that far, is the one in use. */
static void reload_abandon(struct guard *p)
{
    struct error e;
    p->reload_again = false;
    feed_reload_cancel(p->reload);
    struct feed_set *set = feed_reload_end(p->reload, &e);
    p->reload = NULL;
    if (set) {
        feeds_free(p->feeds);
        p->feeds = set;
    }
}

static void reload_tick(struct guard *p)
{
    if (!p->reload || !feed_reload_done(p->reload))
        return;
    reload_done(p);
    struct error e;
    if (p->reload_again && reload(p, &e) != 0)
        log_warn("reload failed, the feeds in use stay: %s", e.msg);
}

/* The ingress program, which reads DNS answers (answer_guard.h): its chain of steps
 * first. */
static int attach_ingress(struct guard *p, int root, struct error *e)
{
    if (shim_set_tail_call(p->prog, "answer_steps", 0, "answer_step", SHIM_INGRESS, e) != 0)
        return -1;
    if (!p->pinning)
        return shim_attach_cgroup(p->prog, "guard_ingress", SHIM_INGRESS, root, NULL, e);
    char pin[PERSIST_PATH_MAX], steps[PERSIST_PATH_MAX];
    persist_path(pin_names[PIN_INGRESS], pin);
    persist_path(PIN_ANSWER_STEPS_NEW, steps);
    unlink(steps); /* what a run that failed here left */
    if (shim_pin_table(p->prog, "answer_steps", steps, e) != 0 ||
        shim_attach_cgroup(p->prog, "guard_ingress", SHIM_INGRESS, root, pin, e) != 0)
        return -1;
    return persist_rename(PIN_ANSWER_STEPS_NEW, pin_names[PIN_ANSWER_STEPS], e);
}

static const struct shim_cgroup_prog guard_hooks[] = {{"guard_connect4", SHIM_CONNECT4},
                                                      {"guard_connect6", SHIM_CONNECT6},
                                                      {"guard_sendmsg4", SHIM_SENDMSG4},
                                                      {"guard_sendmsg6", SHIM_SENDMSG6}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The lsm__ programs of connect_guard.h, which hold stopped processes. */
static const char *const hold_progs[] = {"lsm__task_kill", "lsm__file_send_sigiotask",
                                         "lsm__ptrace_access_check", NULL};

/* The hold of stopped processes, where this kernel runs BPF LSM programs; said either way
 * (a hold that failed half way keeps what it attached, and held_procs its entries). */
static void attach_hold(struct guard *p)
{
    struct error e;
    const char *why = p->hold_why;
    bool whole = p->hold;
    for (int i = 0; whole && hold_progs[i]; i++)
        if (shim_attach_lsm(p->prog, hold_progs[i], &e) != 0) {
            whole = false;
            why = e.msg;
        }
    if (whole)
        log_note("guard: a stopped process is held in the kernel until it is frozen (BPF LSM): "
                 "SIGCONTs and new tracers but root's refused");
    else
        log_note("guard: a SIGCONT can resume a stopped process until it is frozen, a few ms: %s",
                 why);
}

/* A suspended process is frozen: the freezer holds it from now on, so that its user may
 * SIGCONT it again once root thaws it. */
static void hold_released(void *self, uint32_t tgid)
{
    struct guard *p = self;
    struct error e;
    if (p->hold && p->prog && shim_table_delete(p->prog, "held_procs", &tgid, &e) != 0)
        log_warn("%s", e.msg);
}

/* The programs that send the signals of refusals; on demand, the exit tracepoint's is
 * loaded (verified) now and attached later (libbcc loads it again after a detach). */
static int attach_signals(struct guard *p, struct error *e)
{
    /* Always: it also reports the flood counts of processes that end. */
    if (shim_attach_tracepoint(p->prog, "sched:sched_process_exit", "guard_forget", e) != 0)
        return -1;
    if (!block_actions[p->block].signal)
        return 0;
    if (block_actions[p->block].freezes)
        attach_hold(p);
    if (p->signal_at == AT_RETURN &&
        shim_attach_kretprobe_nosleep(p->prog, HOOKS_RUNNER, "guard_call_return", e) != 0)
        return -1;
    if (p->signal_at == AT_EXIT && attach_tracepoint_exists("io_uring:" RING_DONE) &&
        shim_attach_raw_tracepoint(p->prog, RING_DONE, "guard_ring_done", e) != 0)
        return -1;
    if (p->exit_on_demand)
        return shim_load_tracepoint(p->prog, "guard_signal", e);
    if (shim_attach_tracepoint(p->prog, SYS_EXIT, "guard_signal", e) != 0)
        return -1;
    p->exit_attached = true;
    return 0;
}

/* A notice from the kernel: a signal waits for the syscall-exit program. */
static void exit_wanted(void *self)
{
    struct guard *p = self;
    p->waited_ms = monotonic_ms();
    struct error e;
    if (p->exit_attached || !p->prog)
        return;
    if (shim_attach_tracepoint(p->prog, SYS_EXIT, "guard_signal", &e) != 0) {
        log_warn("a refused call's signal waits, and it cannot go: %s", e.msg);
        return;
    }
    p->exit_attached = true;
}

/* 1 when a refused call's or a name hit's signal waits in the kernel, 0 when none does,
 * -1 when the tables cannot be read (said). */
static int signals_wait(struct guard *p)
{
    struct error e;
    int calls = shim_table_empty(p->prog, "pending_calls", sizeof(uint32_t), &e);
    int names = calls == 1 ? shim_table_empty(p->prog, "pending_signal", sizeof(uint32_t), &e) : 1;
    if (calls < 0 || names < 0) {
        log_warn("reading the waiting signals: %s", e.msg);
        return -1;
    }
    return calls == 0 || names == 0;
}

/* After each poll, on demand: the syscall-exit program is attached when a signal waits
 * whose notice was lost (a full perf buffer), and goes once none has waited for
 * EXIT_LINGER_MS and none waits now. */
static void exit_tick(struct guard *p)
{
    if (!p->exit_on_demand || !p->prog)
        return;
    if (!p->exit_attached) {
        if (signals_wait(p) == 1)
            exit_wanted(p);
        return;
    }
    if (monotonic_ms() - p->waited_ms < EXIT_LINGER_MS || signals_wait(p) != 0)
        return;
    struct error e;
    if (shim_detach_tracepoint(p->prog, SYS_EXIT, &e) != 0) {
        log_warn("%s", e.msg);
        return;
    }
    p->exit_attached = false;
}

static void tick(void *self)
{
    struct guard *p = self;
    reload_tick(p);
    exit_tick(p);
    if (p->inbound_list && p->prog)
        inbound_links_follow(&p->inbound);
}

/* --persist: the links an earlier run pinned for interfaces of this namespace that this
 * run does not link (not in --inbound now, or no --inbound) go, said. */
static int prune_inbound_pins(struct guard *p, struct error *e)
{
    if (!p->inbound_list) /* an earlier run's egress filters (a kernel without TCX links) */
        tc_filter_detach_others(NULL, 0, true, true);
    return persist_prune(inbound_pin_linked, &p->inbound, true, e) < 0 ? -1 : 0;
}

/* Once this run has started: without --persist, the pins of the earlier run it took over
 * are removed (the links are this process's alone now). */
static int settle_pins(struct guard *p, struct error *e)
{
    if (p->persist)
        return prune_inbound_pins(p, e);
    if (!p->pinning)
        return 0;
    if (persist_prune(inbound_pin_foreign, &p->inbound, false, e) < 0)
        return -1;
    if (!p->inbound_list)
        tc_filter_detach_others(NULL, 0, true, true);
    p->released = true;
    log_note("guard: took over the programs an earlier --persist run left attached; without "
             "--persist they go when this run ends");
    return 0;
}

/* A start that failed: the pins it made go (nothing half-attached stays); those of an
 * earlier run, some now with this run's programs, stay, said. */
static void unsettle_pins(struct guard *p)
{
    struct error e;
    if (!p->pinning || p->released)
        return;
    if (p->adopted)
        log_warn("guard: the programs an earlier --persist run left stay attached (%s; "
                 "--unload removes them)",
                 PERSIST_DIR);
    else if (persist_prune(inbound_pin_foreign, &p->inbound, false, &e) < 0)
        log_warn("%s", e.msg);
}

/* The signal programs first, so that no refusal goes without its signal. */
static int attach_guard(struct guard *p, struct error *e)
{
    if (attach_signals(p, e) != 0)
        return -1;
    int root = attach_open_cgroup2_root(e);
    if (root < 0)
        return -1;
    char paths[COUNT(guard_hooks)][PERSIST_PATH_MAX];
    const char *pins[COUNT(guard_hooks)];
    for (size_t i = 0; i < COUNT(guard_hooks); i++)
        persist_path(pin_names[i], paths[i]), pins[i] = paths[i];
    int rc = shim_attach_cgroup_all(p->prog, guard_hooks, COUNT(guard_hooks), root,
                                    p->pinning ? pins : NULL, e);
    if (rc == 0)
        rc = attach_egress(p, root, e);
    if (rc == 0)
        rc = attach_ingress(p, root, e);
    close(root);
    return rc;
}

/* The programs first, so that no new hit arrives; then the dumps (cancelled: processes
 * still waiting are killed without a core). */
/* The name check's counters (domain_guard.h's order), added to the handler's. */
static void read_domain_counters(struct guard *p)
{
    unsigned long long *to[] = {&p->handler.dropped_unread, &p->handler.held_partial,
                                &p->handler.answers_listed};
    for (int i = 0; p->prog && i < (int)COUNT(to); i++) {
        unsigned long long n;
        struct error e;
        if (shim_percpu_sum(p->prog, "domain_counters", i, &n, &e) != 0) {
            log_warn("reading the name check's counters: %s", e.msg);
            return;
        }
        *to[i] += n;
    }
}

struct flood_count {
    uint32_t pid, repeats;
};

static int by_pid(const void *a, const void *b)
{
    uint32_t x = ((const struct flood_count *)a)->pid, y = ((const struct flood_count *)b)->pid;
    return (x > y) - (x < y);
}

/* --inbound's counters (inbound_guard.h), its links gone. */
static void read_inbound(struct guard *p)
{
    struct error e;
    unsigned long long *counts = p->handler.inbound;
    if (!p->inbound_list || !p->prog)
        return;
    inbound_links_close(&p->inbound);
    for (int i = 0; i < EBPFSHIELD_INBOUND_COUNTERS; i++) {
        unsigned long long n = 0;
        if (shim_percpu_sum(p->prog, "inbound_counters", i, &n, &e) != 0)
            continue;
        counts[i] += n;
        if (i != EBPFSHIELD_INBOUND_HELD)
            counts[EBPFSHIELD_INBOUND_COUNTERS] += n;
    }
}

/* --inbound: the XDP and TC egress programs linked to its interfaces. */
static int open_inbound(struct guard *p, struct error *e)
{
    int fd, egress, l3dev;
    if (!p->inbound_list)
        return 0;
    if (shim_load_xdp(p->prog, "inbound_check", &fd, e) != 0 ||
        shim_load_tc(p->prog, "leaving_check", &egress, e) != 0 ||
        shim_table_fd(p->prog, "inbound_l3dev", &l3dev, e) != 0)
        return -1;
    return inbound_links_open(fd, egress, l3dev, block_actions[p->block].refuses, p->pinning,
                              p->persist, p->inbound_list, &p->inbound, e);
}

/* The packets to feed addresses only the egress program saw (connect_guard.h). */
static void read_egress_drops(struct guard *p)
{
    unsigned long long dropped = 0;
    struct error e;
    if (p->egress && shim_percpu_sum(p->prog, "egress_dropped", 0, &dropped, &e) == 0)
        p->handler.egress_dropped += dropped;
}

/* The flood counts of processes still running (proc_hits), reported as their ends would
 * report them (guard_forget), each once: a walk of a map that changes meanwhile may visit
 * a key twice; and those not said per process (flood_unsaid). */
static void read_flood_counts(struct guard *p)
{
    int fd;
    unsigned long long unsaid = 0;
    struct error e;
    if (p->prog && shim_percpu_sum(p->prog, "flood_unsaid", 0, &unsaid, &e) == 0)
        p->handler.unsaid += unsaid;
    struct flood_count *found = calloc(EBPFSHIELD_PROC_HITS_MAX, sizeof(*found));
    if (!found || !p->prog || shim_table_fd(p->prog, "proc_hits", &fd, &e) != 0) {
        free(found);
        return;
    }
    uint32_t key = 0, next = 0;
    struct {
        uint64_t start, owner;
        uint32_t reported, repeats;
    } w = {0};                /* connect_guard.h's struct hit_window */
    union bpf_attr walk, get; /* cleared whole: the kernel refuses stray bytes */
    memset(&walk, 0, sizeof(walk));
    memset(&get, 0, sizeof(get));
    walk.map_fd = get.map_fd = (uint32_t)fd;
    walk.next_key = (uint64_t)(uintptr_t)&next;
    get.key = (uint64_t)(uintptr_t)&key;
    get.value = (uint64_t)(uintptr_t)&w;
    size_t n = 0;
    /* The first key with none given, then each next. */
    while (n < EBPFSHIELD_PROC_HITS_MAX &&
           syscall(__NR_bpf, BPF_MAP_GET_NEXT_KEY, &walk, sizeof(walk)) == 0) {
        key = next;
        walk.key = (uint64_t)(uintptr_t)&key;
        if (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &get, sizeof(get)) == 0 && w.repeats)
            found[n++] = (struct flood_count){key, w.repeats};
    }
    qsort(found, n, sizeof(*found), by_pid);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || found[i].pid != found[i - 1].pid)
            guard_report_repeats(&p->handler, found[i].pid, found[i].repeats, "is running");
    free(found);
}

/* The tail call's program out of its array first: the kernel clears an array left to
 * it later, from a work queue, so its program would outlive the tool for a while. */
static void clear_tail_calls(struct guard *p)
{
    int zero = 0;
    struct error e;
    if (p->prog && shim_table_delete(p->prog, "answer_steps", &zero, &e) != 0)
        log_warn("clearing the answer check's program array: %s", e.msg);
}

static void stop(void *self)
{
    struct guard *p = self;
    if (p->reload)
        reload_abandon(p);
    read_domain_counters(p);
    read_flood_counts(p);
    read_egress_drops(p);
    read_inbound(p);
    if (!p->pinning || p->released)
        clear_tail_calls(p);
    shim_destroy(p->prog);
    p->prog = NULL;
    p->egress = false;
    p->exit_attached = false;
    if (p->handler.dumps)
        p->handler.failed_actions += dump_worker_stop(p->handler.dumps);
    p->handler.dumps = NULL;
    if (p->handler.freeze) {
        close(p->handler.holds);
        victim_hold_tidy(p->handler.cgroot, 300); /* but where a suspended process is held */
        close(p->handler.cgroot);
        p->handler.freeze = false;
    }
}

/* Suspend and dump freeze the processes they stop (victim_hold.c), from the first hit on. */
static void open_holds(struct guard *p)
{
    struct error e;
    if (!block_actions[p->block].freezes)
        return;
    p->handler.cgroot = attach_open_cgroup2_root(&e);
    if (p->handler.cgroot >= 0) {
        victim_hold_tidy(p->handler.cgroot, 0); /* what an earlier run's victims left */
        p->handler.holds = victim_holds_open(p->handler.cgroot, &e);
        if (p->handler.holds >= 0) {
            p->handler.freeze = true;
            return;
        }
        close(p->handler.cgroot);
    }
    log_warn("%s: stopped processes are not frozen, a SIGCONT can resume them", e.msg);
}

static int start(void *self, enum attach_mode mode, const struct events_opener *opener,
                 struct shim_bpf **events, struct error *e)
{
    struct guard *p = self;
    int rc = choose_signal(p, mode, e);
    if (rc == 0)
        rc = compile(p, mode, e);
    if (rc == 0)
        rc = opener->open(opener->ctx, p->prog, e);
    if (rc == 0)
        rc = open_tables(p, e);
    if (rc == 0 && mode == ATTACH_KPROBE)
        rc = shim_attach_kprobe(p->prog, "tcp_v4_connect", "tcp_v4", e);
    if (rc == 0) {
        open_holds(p);
        rc = attach_guard(p, e);
    }
    if (rc == 0)
        rc = open_inbound(p, e);
    if (rc == 0 && block_actions[p->block].dumps &&
        !(p->handler.dumps = dump_worker_start(p->dump_dir, p->dump_place, p->out, SUBUID_FILE, e)))
        rc = -1;
    if (rc == 0)
        rc = settle_pins(p, e);
    if (rc != 0) {
        unsettle_pins(p);
        stop(p);
        return -1;
    }
    *events = p->prog;
    return 0;
}

static void on_sample(void *self, const void *data, size_t size)
{
    struct guard *p = self;
    guard_handle_sample(&p->handler, data, size);
}

static void metrics(void *self, struct metrics_text *m)
{
    const struct guard *p = self;
    struct feeds_stats st = feeds_stats(p->feeds);
    metrics_family(m, "ebpfshield_feed_entries", "gauge",
                   "Entries of the feeds in use, by family (domain: names listed).");
    metrics_sample(m, "ebpfshield_feed_entries", st.v4, "family", "ipv4", (const char *)NULL);
    metrics_sample(m, "ebpfshield_feed_entries", st.v6, "family", "ipv6", (const char *)NULL);
    metrics_sample(m, "ebpfshield_feed_entries", st.names, "family", "domain", (const char *)NULL);
    metrics_single(m, "ebpfshield_feed_files", "gauge", "Feed files in use.", st.files);
    metrics_family(m, "ebpfshield_reloads_total", "counter",
                   "Feed reloads (SIGHUP), by result; a failed one keeps the feeds in use.");
    metrics_sample(m, "ebpfshield_reloads_total", p->reloads_done, "result", "success",
                   (const char *)NULL);
    metrics_sample(m, "ebpfshield_reloads_total", p->reloads_failed, "result", "failure",
                   (const char *)NULL);
    /* The flood hits not said per process, so far (added to the handler's at stop). */
    unsigned long long unsaid = 0;
    struct error e;
    if (p->prog)
        (void)shim_percpu_sum(p->prog, "flood_unsaid", 0, &unsaid, &e);
    guard_metrics(&p->handler, unsaid, p->handler.dumps ? dump_worker_failed(p->handler.dumps) : 0,
                  m);
}

static void report(void *self)
{
    const struct guard *p = self;
    guard_report(&p->handler);
}

static void destroy(void *self)
{
    struct guard *p = self;
    stop(p);
    feeds_free(p->feeds);
    feed_registry_free(p->registry);
    if (p->dump_place.dirfd >= 0)
        close(p->dump_place.dirfd);
    if (p->lock >= 0)
        close(p->lock);
    free(p);
}

int guard_feature(struct feature *f, const struct guard_config *cfg, const struct output *out,
                  struct error *e)
{
    struct guard *p = calloc(1, sizeof(*p));
    if (!p)
        return error_set(e, "out of memory");
    p->sources =
        (struct feed_sources){.dir = cfg->feeds_dir ? cfg->feeds_dir : EBPFSHIELD_FEEDS_DIR,
                              .allow = cfg->allow_file,
                              .allow_wide = cfg->allow_wide,
                              .names = &p->names};
    dns_ports_cflag(&cfg->dns, p->ports_flag);
    p->dump_place = (struct dump_place){.dirfd = -1,
                                        .budget = (uint64_t)cfg->dump_max_mib << 20,
                                        .total = (uint64_t)cfg->dump_total_mib << 20};
    p->lock = -1;
    const struct block_action_info *action = &block_actions[cfg->block];
    if (domain_hash_draw(&p->names, e) != 0) {
        destroy(p);
        return -1;
    }
    int rc = 0;
    bool pinned = false;
    /* One enforcing instance per host (instance_lock.h); it adopts what an earlier one
     * left pinned (persist.h). */
    if (action->refuses && (p->lock = instance_lock(e)) < 0)
        rc = -1;
    else if (persist_prepare(action->refuses && cfg->persist, &pinned, e) != 0)
        rc = -1;
    else if (!(p->registry = feed_registry_new()))
        rc = error_set(e, "out of memory");
    else if (!(p->feeds = feeds_load(&p->sources, p->registry, e))) {
        if (errno == ENODATA)
            log_note("No feeds available. Run feeds/update-feeds.sh"); /* the original's words */
        rc = -1;
    } else {
        say_feeds(p->feeds);
    }
    if (rc != 0 || (action->dumps && (p->dump_place.dirfd = private_dir_open(
                                          cfg->dump_dir, "dump directory", e)) < 0)) {
        destroy(p);
        return -1;
    }
    p->out = out;
    p->block = cfg->block;
    p->dump_dir = cfg->dump_dir;
    p->signal_from = cfg->signal_from;
    p->persist = cfg->persist;
    p->nat64_local = cfg->nat64_local;
    p->inbound_list = cfg->inbound;
    memcpy(p->nat64_prefix, cfg->nat64_prefix, sizeof(p->nat64_prefix));
    if (pinned && !action->refuses) {
        log_warn("an earlier --persist run's programs still refuse feed hits (%s): this "
                 "--block print run prints them as if they went on; --unload removes them",
                 PERSIST_DIR);
        pinned = false;
    }
    p->pinning = cfg->persist || pinned;
    p->adopted = pinned;
    if (pinned)
        log_note("guard: an earlier --persist run left its programs attached: this run "
                 "replaces them in place (%s)",
                 PERSIST_DIR);
    p->handler = (struct guard_handler){.out = out,
                                        .block = cfg->block,
                                        .verbose = cfg->verbose,
                                        .feeds = p->registry,
                                        .set = (const struct feed_set *const *)&p->feeds,
                                        .resolved = lookup_resolved,
                                        .resolved_ctx = p,
                                        .waiting = exit_wanted,
                                        .frozen = hold_released,
                                        .ctx = p};
    *f = (struct feature){.self = p,
                          .events_table = "events",
                          .perf_pages_per_cpu = GUARD_PERF_PAGES_PER_CPU,
                          .wakeup_events = 1, /* a hit's line and dump at once */
                          .start = start,
                          .on_sample = on_sample,
                          .tick = tick,
                          .report = report,
                          .metrics = metrics,
                          .reload = reload,
                          .stop = stop,
                          .destroy = destroy};
    return 0;
}
