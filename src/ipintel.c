/* ebpf_ipintelligence's kernel side: every outbound IPv4 TCP connect, from the original's
 * tcp_v4_connect kprobe or, on kernels without kprobes, a cgroup-v2 connect4 program. The
 * events are checked and acted on in ipintel_handler.c. */
#include "ipintel.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_shim.h"
#include "bpf_texts.h"
#include "ipintel_handler.h"

struct ipintel {
    struct shim_bpf *prog;
    struct feed_set *feeds;
    struct ipintel_handler handler;
    FILE *out;
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

static int start_kprobe(struct ipintel *p, struct error *e)
{
    if (shim_init(&p->prog, bpf_text_kprobe_connect, "connect program", NULL, e) != 0)
        return -1;
    return shim_attach_kprobe(p->prog, "tcp_v4_connect", "tcp_v4", e);
}

static int start_cgroup(struct ipintel *p, struct error *e)
{
    int root = attach_open_cgroup2_root(e);
    if (root < 0)
        return -1;
    int rc = shim_init(&p->prog, bpf_text_cgroup_connect, "connect program", NULL, e);
    if (rc == 0)
        rc = shim_attach_cgroup_connect4(p->prog, "connect4", root, e);
    close(root);
    return rc;
}

static void stop(void *self)
{
    struct ipintel *p = self;
    shim_destroy(p->prog);
    p->prog = NULL;
}

static int start(void *self, enum attach_mode mode, struct shim_bpf **events, struct error *e)
{
    struct ipintel *p = self;
    int rc = mode == ATTACH_KPROBE ? start_kprobe(p, e) : start_cgroup(p, e);
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
    free(p);
}

int ipintel_feature(struct feature *f, const struct options *opts, FILE *out, struct error *e)
{
    struct ipintel *p = calloc(1, sizeof(*p));
    if (!p)
        return error_set(e, "out of memory");
    if (!(p->feeds = load_feeds(opts, e)) ||
        (opts->block == BLOCK_DUMP && dump_dir_prepare(opts->dump_dir, e) != 0)) {
        destroy(p);
        return -1;
    }
    p->out = out;
    p->handler = (struct ipintel_handler){.block = opts->block,
                                          .verbose = opts->verbose,
                                          .dump_dir = opts->dump_dir,
                                          .feeds = p->feeds};
    *f = (struct feature){.self = p,
                          .events_table = "events",
                          .start = start,
                          .on_sample = on_sample,
                          .report = report,
                          .stop = stop,
                          .destroy = destroy};
    return 0;
}
