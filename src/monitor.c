/* ebpf_monitor: DNS queries and A/AAAA answers with the process behind them.
 * Two programs, as in the original: one fills the public table proc_ports from the
 * sending side (kprobes, or tracepoints where the kernel has no kprobes), the socket
 * filter matches packets against it and ships them here. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "bpf_texts.h"
#include "dns_decode.h"
#include "frame.h"
#include "output.h"
#include "proc_info.h"

struct hook {
    int (*attach)(struct shim_bpf *b, const char *where, const char *prog, struct shim_err *e);
    const char *where;
    const char *prog;
};

#define FLOW_HOOKS 2 /* one per protocol in kprobe mode; lookup + send in tracepoint mode */

/* The program that fills proc_ports in one attach mode, and where it hooks in. */
struct flow_program {
    const char *text;
    struct hook hooks[FLOW_HOOKS];
};

static const struct flow_program kprobe_flows = {
    bpf_text_kprobe_sendmsg,
    {{shim_attach_kprobe, "udp_sendmsg", "trace_udp_sendmsg"},
     {shim_attach_kprobe, "tcp_sendmsg", "trace_tcp_sendmsg"}},
};

static const struct flow_program tracepoint_flows = {
    bpf_text_tp_sendmsg,
    {{shim_attach_tracepoint, "fib:fib_table_lookup", "tracepoint__fib__fib_table_lookup"},
     {shim_attach_raw_tracepoint, "sock_send_length", "raw_tracepoint__sock_send_length"}},
};

struct dns_event_ctx {
    const struct dns_origin *origin;
    const struct frame_info *frame;
};

static void print_item(const struct dns_item *item, void *ctx)
{
    const struct dns_event_ctx *ev = ctx;
    output_dns_line(stdout, ev->origin, ev->frame, item);
}

static void report_bad(struct app *app, const char *what, const char *why)
{
    app->bad_packets++;
    fprintf(stderr, "ebpfshield-bcc: skipped a DNS packet: %s: %s\n", what, why);
}

static void on_dns_event(void *ctx, void *data, int size)
{
    struct app *app = ctx;
    struct port_val proc;
    if (size < (int)sizeof(proc)) {
        report_bad(app, "sample", "shorter than its process record");
        return;
    }
    memcpy(&proc, data, sizeof(proc)); /* the sample is not aligned for port_val */

    struct frame_info frame;
    int st =
        frame_decode((const uint8_t *)data + sizeof(proc), (size_t)size - sizeof(proc), &frame);
    if (st != FRAME_OK) {
        report_bad(app, "frame", frame_strerror(st));
        return;
    }
    char comm[EBPFSHIELD_COMM_LEN], ifname[32];
    proc_comm((pid_t)proc.pid, proc.comm, sizeof(proc.comm), comm, sizeof(comm));
    proc_ifname(proc.ifindex, ifname, sizeof(ifname));
    struct dns_origin origin = {.proc = &proc, .comm = comm, .ifname = ifname};
    struct dns_event_ctx ev = {.origin = &origin, .frame = &frame};
    const char *why = NULL;
    if (dns_decode_payload(frame.proto, frame.payload, frame.payload_len, print_item, &ev, &why) <
        0)
        report_bad(app, "DNS message", why);
}

/* Compiles the flow-recording program and attaches its hooks. */
static struct shim_bpf *start_flow_program(enum attach_mode mode)
{
    const struct flow_program *p = mode == ATTACH_KPROBE ? &kprobe_flows : &tracepoint_flows;
    const struct hook *hooks = p->hooks;
    struct shim_bpf *b = app_compile(p->text, "flow program");
    struct shim_err err;
    if (!b)
        return NULL;
    for (size_t i = 0; i < FLOW_HOOKS; i++) {
        if (hooks[i].attach(b, hooks[i].where, hooks[i].prog, &err) != 0) {
            fprintf(stderr, "ebpfshield-bcc: %s: %s\n", hooks[i].where, err.msg);
            shim_destroy(b);
            return NULL;
        }
    }
    return b;
}

int monitor_run(struct app *app)
{
    struct shim_bpf *flows = app_start(app, start_flow_program);
    if (!flows)
        return 1;
    /* Compiled after the flow program: its extern proc_ports is that program's table. */
    struct shim_bpf *filter = app_compile(bpf_text_dns_matching, "socket filter");
    struct shim_err err;
    int rc = 1;
    if (filter && shim_attach_packet_socket(filter, "dns_matching", &err) != 0)
        fprintf(stderr, "ebpfshield-bcc: %s\n", err.msg);
    else if (filter)
        rc = app_run_perf_loop(app, filter, "dns_events", on_dns_event);
    shim_destroy(filter);
    shim_destroy(flows);
    return rc;
}
