/* A C interface over libbcc's ebpf::BPF (C++): the only C++ in the project. Every call
 * returns 0 on success, or -1 with a one-line message in e. */
#ifndef EBPFSHIELD_BPF_SHIM_H
#define EBPFSHIELD_BPF_SHIM_H

#include <stddef.h>

#include "base/log.h"

#ifdef __cplusplus
extern "C" {
#endif

struct shim_bpf;
/* The table storage that programs compiled with it share: a BPF_TABLE_PUBLIC table of one
 * is what BPF_TABLE("extern", ...) names in another (BCC's UseExternalMap.cc). */
struct shim_tables;

typedef void (*shim_sample_fn)(void *ctx, void *data, int size);
typedef void (*shim_lost_fn)(void *ctx, unsigned long long lost);

int shim_tables_new(struct shim_tables **out, struct error *e);
/* Frees the storage; every program compiled with it must be destroyed first. NULL is fine. */
void shim_tables_free(struct shim_tables *tables);

/* Compiles text with libbcc (cflags: a NULL-terminated list of compiler flags, or NULL)
 * and loads its tables, public ones into tables (NULL: a storage of its own). what names
 * the program in messages. */
int shim_init(struct shim_bpf **out, const char *text, const char *const *cflags, const char *what,
              struct shim_tables *tables, struct error *e);
int shim_attach_kprobe(struct shim_bpf *b, const char *kernel_func, const char *prog,
                       struct error *e);
/* Calls prog when kernel_func returns. */
int shim_attach_kretprobe(struct shim_bpf *b, const char *kernel_func, const char *prog,
                          struct error *e);
/* The same for a function that never sleeps: the kernel's default room for calls in
 * flight (2 per CPU), which lets libbcc use the perf_kprobe PMU, so that the probe goes
 * with this process even when it is killed (a larger room takes kprobe_events, where a
 * SIGKILLed process leaves its entries). */
int shim_attach_kretprobe_nosleep(struct shim_bpf *b, const char *kernel_func, const char *prog,
                                  struct error *e);
/* tracepoint is "category:name". */
int shim_attach_tracepoint(struct shim_bpf *b, const char *tracepoint, const char *prog,
                           struct error *e);
/* Loads prog as a tracepoint program now, so that attaching it later is quick. */
int shim_load_tracepoint(struct shim_bpf *b, const char *prog, struct error *e);
/* Loads prog as an XDP program; *fd is its fd (b's: valid while b lives), for a link to
 * an interface (inbound_guard.h). */
int shim_load_xdp(struct shim_bpf *b, const char *prog, int *fd, struct error *e);
/* Loads prog as a TC (sched_cls) program; *fd as shim_load_xdp's (a TCX link's). */
int shim_load_tc(struct shim_bpf *b, const char *prog, int *fd, struct error *e);
/* Detaches what shim_attach_tracepoint attached there. */
int shim_detach_tracepoint(struct shim_bpf *b, const char *tracepoint, struct error *e);
int shim_attach_raw_tracepoint(struct shim_bpf *b, const char *tracepoint, const char *prog,
                               struct error *e);
/* Loads prog, an LSM_PROBE(hook, ...) of b's text (named lsm__<hook>), as a BPF LSM
 * program and links it to its hook; the link goes with b or this process. */
int shim_attach_lsm(struct shim_bpf *b, const char *prog, struct error *e);
/* Loads prog as a socket filter on a new raw packet socket bound to every interface. */
int shim_attach_packet_socket(struct shim_bpf *b, const char *prog, struct error *e);
/* Where a cgroup-v2 program hooks in: sock_addr hooks, and the egress and ingress of every
 * packet of a socket. */
enum shim_cgroup_hook {
    SHIM_CONNECT4,
    SHIM_CONNECT6,
    SHIM_SENDMSG4,
    SHIM_SENDMSG6,
    SHIM_EGRESS,
    SHIM_INGRESS
};

/* Loads prog as a cgroup-v2 program for hook and links it to the cgroup
 * directory open as cgroup_fd, next to any other program there. The link belongs to b:
 * the kernel detaches it when b is destroyed or this process dies, even by SIGKILL,
 * unless it is pinned. pin (NULL: none) is a bpffs path: a link pinned there (by an
 * earlier run) gets prog in place of its program, atomically, and is kept; else the new
 * link is pinned there. */
int shim_attach_cgroup(struct shim_bpf *b, const char *prog, enum shim_cgroup_hook hook,
                       int cgroup_fd, const char *pin, struct error *e);
/* Pins table at the bpffs path pin (a program array keeps its programs while pinned). */
int shim_pin_table(struct shim_bpf *b, const char *table, const char *pin, struct error *e);
/* A program of b's text and the cgroup hook it goes on. */
struct shim_cgroup_prog {
    const char *prog;
    enum shim_cgroup_hook hook;
};

/* shim_attach_cgroup for each of the count programs, in order, up to the first error;
 * pins[i] the pin of progs[i] (pins NULL: none). */
int shim_attach_cgroup_all(struct shim_bpf *b, const struct shim_cgroup_prog *progs, size_t count,
                           int cgroup_fd, const char *const *pins, struct error *e);
/* Loads prog as a program of hook's kind and puts it at index of the program array table
 * (BPF_PROG_ARRAY), where hook's programs tail-call it. */
int shim_set_tail_call(struct shim_bpf *b, const char *table, int index, const char *prog,
                       enum shim_cgroup_hook hook, struct error *e);
/* Inserts key -> value into table unless the key is there (BPF_NOEXIST): 0 inserted, 1
 * already there, -1 on an error. */
int shim_table_insert(struct shim_bpf *b, const char *table, const void *key, const void *value,
                      struct error *e);
/* Sets key -> value in table, there or not: 0, or -1 on an error. */
int shim_table_update(struct shim_bpf *b, const char *table, const void *key, const void *value,
                      struct error *e);
/* Removes key from table (nothing when it is not there): 0, or -1 on an error. */
int shim_table_delete(struct shim_bpf *b, const char *table, const void *key, struct error *e);
/* The fd of table (valid while b lives), for another program's text to name the same map
 * (bpf_pseudo_fd): 0, or -1 on an error. */
int shim_table_fd(struct shim_bpf *b, const char *table, int *fd, struct error *e);
/* Copies table's value for key into value: 0 found, 1 not there, -1 on an error. */
int shim_table_lookup(struct shim_bpf *b, const char *table, const void *key, void *value,
                      struct error *e);
/* 1 when table (keys of key_size bytes) holds no entry, 0 when it holds one, -1 on an
 * error. */
int shim_table_empty(struct shim_bpf *b, const char *table, size_t key_size, struct error *e);
/* The sum over every CPU of entry index of the per-CPU array of 64-bit counters table
 * (BPF_PERCPU_ARRAY) into *sum: 0, or -1 on an error. */
int shim_percpu_sum(struct shim_bpf *b, const char *table, int index, unsigned long long *sum,
                    struct error *e);
/* Opens the perf buffer table (a BPF_PERF_OUTPUT of b's text; one per program object),
 * pages_per_cpu pages on each CPU; the kernel wakes the reader once wakeup_events samples
 * wait on a CPU (1: at every sample). */
int shim_open_perf_buffer(struct shim_bpf *b, const char *table, shim_sample_fn on_sample,
                          shim_lost_fn on_lost, void *ctx, int pages_per_cpu, int wakeup_events,
                          struct error *e);
/* Waits up to timeout_ms for a wakeup and delivers what the woken buffers hold; returns
 * their number, or -1 (errno set, EINTR included). */
int shim_poll(struct shim_bpf *b, int timeout_ms);
/* Delivers what every buffer holds, woken or not (samples below the watermark); 0, or
 * -1. */
int shim_consume(struct shim_bpf *b);
/* Detaches every probe, closes the packet socket and frees everything; NULL is fine. */
void shim_destroy(struct shim_bpf *b);

#ifdef __cplusplus
}
#endif

#endif
