/* ebpf_ipintelligence: every outbound IPv4 TCP connect is checked against the feeds; a hit
 * is printed, suspended, killed, or dumped then killed (--block). */
#include <arpa/inet.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "attach.h"
#include "bpf_texts.h"
#include "output.h"

static void on_netevent(void *ctx, void *data, int size)
{
    struct app *app = ctx;
    const struct options *opts = app->opts;
    struct netevent ev;
    if (size < (int)sizeof(ev)) {
        fprintf(stderr, "ebpfshield-bcc: skipped a connect event of %d bytes\n", size);
        return;
    }
    memcpy(&ev, data, sizeof(ev));

    char comm[EBPFSHIELD_TASK_COMM_LEN + 1], ip[INET_ADDRSTRLEN];
    output_printable(comm, sizeof(comm), ev.comm, sizeof(ev.comm));
    struct in_addr addr = {.s_addr = ev.daddr};
    inet_ntop(AF_INET, &addr, ip, sizeof(ip));
    if (opts->verbose)
        output_verbose_line(stdout, comm, ev.pid, ip, ntohs(ev.dport));
    if (!feeds_lookup(app->feeds, ntohl(ev.daddr)))
        return;
    if (action_take(opts->block, (pid_t)ev.pid, ev.ts_boot_ns, opts->dump_dir, stderr) == 0)
        output_block_line(stdout, opts->block, comm, ev.pid, ip, opts->dump_dir);
}

static struct shim_bpf *start_kprobe(void)
{
    struct shim_bpf *b = app_compile(bpf_text_ebpfshield, "connect program");
    struct shim_err err;
    if (b && shim_attach_kprobe(b, "tcp_v4_connect", "tcp_v4", &err) != 0) {
        fprintf(stderr, "ebpfshield-bcc: tcp_v4_connect: %s\n", err.msg);
        shim_destroy(b);
        return NULL;
    }
    return b;
}

static struct shim_bpf *start_cgroup(void)
{
    int root = attach_open_cgroup2_root(stderr);
    if (root < 0)
        return NULL;
    struct shim_bpf *b = app_compile(bpf_text_tp_connect, "connect program");
    struct shim_err err;
    if (b && shim_attach_cgroup_connect4(b, "connect4", root, &err) != 0) {
        fprintf(stderr, "ebpfshield-bcc: %s\n", err.msg);
        shim_destroy(b);
        b = NULL;
    }
    close(root);
    return b;
}

static struct shim_bpf *start_connect_program(enum attach_mode mode)
{
    return mode == ATTACH_KPROBE ? start_kprobe() : start_cgroup();
}

int ipintel_run(struct app *app)
{
    struct shim_bpf *b = app_start(app, start_connect_program);
    if (!b)
        return 1;
    int rc = app_run_perf_loop(app, b, "events", on_netevent);
    shim_destroy(b);
    return rc;
}
