/* ebpf_ipintelligence's kernel side: one connect program per attach mode, each with the
 * guard (bpf_text/connect_guard.h): the feeds in LPM tries, cgroup-v2 programs that check
 * every connect and addressed send, IPv4 and IPv6, and refuse a hit in the kernel, and
 * the syscall-exit tracepoints that signal the process. Kprobe mode adds the original's
 * tcp_v4_connect kprobe. The events are printed and acted on in ipintel_handler.c. */
#include "ipintel.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_shim.h"
#include "bpf_texts.h"
#include "private_dir.h"
#include "ebpfshield_events.h"
#include "feeds.h"
#include "instance_lock.h"
#include "ipintel_handler.h"

struct ipintel {
    enum block_action block;
    struct shim_bpf *prog;
    struct feed_set *feeds;
    struct ipintel_handler handler;
    FILE *out;
    const char *dump_dir;
    struct dump_place dump_place; /* dirfd -1 unless --block dump */
    int lock;                     /* instance_lock(), -1 with --block print */
};

/* True when dir holds at least one *.txt entry. */
static int has_txt(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    if (!d)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        found = n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0;
    }
    closedir(d);
    return found;
}

static struct feed_set *load_feeds(const struct options *opts, struct error *e)
{
    const char *dir = opts->feeds_dir;
    if (!dir)
        dir = has_txt("feeds") ? "feeds" : EBPFSHIELD_FEEDS_DIR;
    struct feed_set *set = feeds_load_dir(dir, e);
    if (!set)
        note("No feeds available. Run feeds/update-feeds.sh"); /* the original's words */
    return set;
}

#define CFLAG_LEN 48

static int compile(struct ipintel *p, enum attach_mode mode, struct error *e)
{
    size_t n6;
    char flags[6][CFLAG_LEN];
    (void)feeds_v6(p->feeds, &n6);
    snprintf(flags[0], CFLAG_LEN, "-DGUARD_REFUSE=%d", p->block != BLOCK_PRINT);
    snprintf(flags[1], CFLAG_LEN, "-DGUARD_SIGNAL=%d", action_signal(p->block));
    snprintf(flags[2], CFLAG_LEN, "-DGUARD_REPORT_TCP4=%d", mode != ATTACH_KPROBE);
    /* A trie needs at least one entry. */
    snprintf(flags[3], CFLAG_LEN, "-DGUARD_V4_ENTRIES=%zu",
             feeds_foreach_cidr4(p->feeds, NULL, NULL) + 1);
    snprintf(flags[4], CFLAG_LEN, "-DGUARD_V6_ENTRIES=%zu", n6 + 1);
    snprintf(flags[5], CFLAG_LEN, "-DGUARD_GROUP_DEAD=%d",
             attach_tracepoint_field("sched/sched_process_exit", "group_dead"));
    const char *cflags[] = {flags[0], flags[1], flags[2], flags[3], flags[4], flags[5], NULL};
    const char *text = mode == ATTACH_KPROBE ? bpf_text_kprobe_connect : bpf_text_cgroup_connect;
    return shim_init(&p->prog, text, cflags, "connect program", NULL, e);
}

struct fill {
    struct shim_bpf *prog;
    struct error *e;
    int rc;
};

static void insert_cidr4(uint32_t addr, unsigned prefix_len, uint32_t feed, void *ctx)
{
    struct fill *f = ctx;
    struct lpm_v4 key = {.prefixlen = prefix_len, .addr = htonl(addr)};
    if (f->rc == 0 && shim_table_insert(f->prog, "feeds_v4", &key, &feed, f->e) < 0)
        f->rc = -1;
}

/* The feeds into the kernel's tries; an IPv6 network listed twice keeps its first feed. */
static int fill_tries(struct ipintel *p, struct error *e)
{
    struct fill f = {.prog = p->prog, .e = e};
    size_t n6;
    const struct feed_net6 *v6 = feeds_v6(p->feeds, &n6);
    feeds_foreach_cidr4(p->feeds, insert_cidr4, &f);
    for (size_t i = 0; f.rc == 0 && i < n6; i++) {
        struct lpm_v6 key = {.prefixlen = v6[i].prefix_len};
        memcpy(key.addr, v6[i].addr, sizeof(key.addr));
        if (shim_table_insert(p->prog, "feeds_v6", &key, &v6[i].feed, e) < 0)
            f.rc = -1;
    }
    return f.rc;
}

static const struct {
    const char *prog;
    enum shim_cgroup_hook hook;
} guard_hooks[] = {{"guard_connect4", SHIM_CONNECT4},
                   {"guard_connect6", SHIM_CONNECT6},
                   {"guard_sendmsg4", SHIM_SENDMSG4},
                   {"guard_sendmsg6", SHIM_SENDMSG6},
                   {"guard_egress", SHIM_EGRESS}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The signal tracepoints first, so that no refusal goes without its signal. The egress
 * program drops, so it runs only when hits are refused. */
static int attach_guard(struct ipintel *p, struct error *e)
{
    if (action_signal(p->block) &&
        (shim_attach_tracepoint(p->prog, "raw_syscalls:sys_exit", "guard_signal", e) != 0 ||
         shim_attach_tracepoint(p->prog, "sched:sched_process_exit", "guard_forget", e) != 0))
        return -1;
    int root = attach_open_cgroup2_root(e);
    if (root < 0)
        return -1;
    size_t hooks = p->block == BLOCK_PRINT ? COUNT(guard_hooks) - 1 : COUNT(guard_hooks);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < hooks; i++)
        rc = shim_attach_cgroup(p->prog, guard_hooks[i].prog, guard_hooks[i].hook, root, e);
    close(root);
    return rc;
}

/* The programs first, so that no new hit arrives; then the dumps (cancelled: processes
 * still waiting are killed without a core). */
static void stop(void *self)
{
    struct ipintel *p = self;
    shim_destroy(p->prog);
    p->prog = NULL;
    if (p->handler.dumps)
        p->handler.failed_actions += dump_worker_stop(p->handler.dumps);
    p->handler.dumps = NULL;
}

static int start(void *self, enum attach_mode mode, struct shim_bpf **events, struct error *e)
{
    struct ipintel *p = self;
    int rc = compile(p, mode, e);
    if (rc == 0)
        rc = fill_tries(p, e);
    if (rc == 0 && mode == ATTACH_KPROBE)
        rc = shim_attach_kprobe(p->prog, "tcp_v4_connect", "tcp_v4", e);
    if (rc == 0)
        rc = attach_guard(p, e);
    if (rc == 0 && p->block == BLOCK_DUMP &&
        !(p->handler.dumps = dump_worker_start(p->dump_dir, p->dump_place, p->out, e)))
        rc = -1;
    if (rc != 0) {
        stop(p);
        return -1;
    }
    *events = p->prog;
    return 0;
}

static void on_sample(void *self, const void *data, size_t size)
{
    struct ipintel *p = self;
    ipintel_handle_sample(&p->handler, data, size, p->out);
}

static void report(void *self)
{
    const struct ipintel *p = self;
    ipintel_report(&p->handler);
}

static void destroy(void *self)
{
    struct ipintel *p = self;
    stop(p);
    feeds_free(p->feeds);
    if (p->dump_place.dirfd >= 0)
        close(p->dump_place.dirfd);
    if (p->lock >= 0)
        close(p->lock);
    free(p);
}

int ipintel_feature(struct feature *f, const struct options *opts, FILE *out, struct error *e)
{
    struct ipintel *p = calloc(1, sizeof(*p));
    if (!p)
        return error_set(e, "out of memory");
    p->dump_place = (struct dump_place){.dirfd = -1, .budget = (uint64_t)opts->dump_max_mib << 20};
    p->lock = -1;
    if ((opts->block != BLOCK_PRINT && (p->lock = instance_lock(e)) < 0) ||
        !(p->feeds = load_feeds(opts, e)) ||
        (opts->block == BLOCK_DUMP &&
         (p->dump_place.dirfd = private_dir_open(opts->dump_dir, "dump directory", e)) < 0)) {
        destroy(p);
        return -1;
    }
    p->out = out;
    p->block = opts->block;
    p->dump_dir = opts->dump_dir;
    p->handler = (struct ipintel_handler){.block = opts->block, .verbose = opts->verbose};
    *f = (struct feature){.self = p,
                          .events_table = "events",
                          .perf_pages_per_cpu = IPINTEL_PERF_PAGES_PER_CPU,
                          .start = start,
                          .on_sample = on_sample,
                          .report = report,
                          .stop = stop,
                          .destroy = destroy};
    return 0;
}
