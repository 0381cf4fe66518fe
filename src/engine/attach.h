/* Which hooks this kernel offers, and what libbcc needs before it can compile. */
#ifndef EBPFSHIELD_ATTACH_H
#define EBPFSHIELD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"

/* How the kernel programs hook in: kprobes as the original does, or tracepoints and
 * cgroup programs where the kernel has no kprobes. */
enum attach_mode { ATTACH_AUTO, ATTACH_KPROBE, ATTACH_TRACEPOINT };

/* True when a tracing directory (tracefs, or debugfs's tracing) is mounted. */
bool attach_tracefs_mounted(void);

/* Mounts tracefs at /sys/kernel/tracing when no tracing directory is there yet, and
 * remembers that it did. */
void attach_ensure_tracefs(void);

/* Unmounts the tracefs attach_ensure_tracefs() mounted, if it did (call once the programs
 * are detached); warns when it cannot. */
void attach_release_tracefs(void);

/* False when tracefs is readable and has no tracepoint "category:name" (tracepoints come
 * and go between kernel versions); true when it has it, or when there is no tracefs to
 * tell. */
bool attach_tracepoint_exists(const char *tracepoint);

/* The offset of field in the records of tracepoint event ("sched/sched_process_exit"),
 * from its format file; -1 when this kernel's event has no such field. */
int attach_tracepoint_field(const char *event, const char *field);

/* True when kprobes can be created; otherwise why (a short phrase) is filled. */
bool attach_kprobes_available(char *why, size_t len);

/* Resolves --attach auto and notes which mode was chosen and why. Returns the mode, or
 * -1 with a message in e when kprobe mode was required and is not available. */
int attach_choose(enum attach_mode requested, struct error *e);

/* Checks that libbcc will find kernel headers; 0, or -1 with a message in e. */
int attach_check_kernel_headers(struct error *e);

/* True when a cgroup2 hierarchy is mounted (else attach_open_cgroup2_root mounts one). */
bool attach_cgroup2_mounted(void);

/* True when this kernel lets cgroup_skb programs read the current task and send it a
 * signal (bpf_get_current_pid_tgid, bpf_send_signal: Linux 6.2 and later; Debian 12's
 * 6.1 refuses them), found by loading a 4-instruction program. */
bool attach_skb_knows_task(void);

/* True when cgroup sock_addr programs (connect, sendmsg) may send the current task a
 * signal (bpf_send_signal: 6.18 here; Debian 12's 6.1 refuses it). */
bool attach_sock_addr_signals(void);

/* True when cgroup sock_addr programs may read the current task (bpf_get_current_task,
 * bpf_probe_read_kernel: with CAP_PERFMON, and not under lockdown=confidentiality). */
bool attach_sock_addr_reads_task(void);

/* 0 when the kernel runs BPF LSM programs: it loads one for the hook whose function has
 * BTF id btf_id (bpf_lsm_<hook>: a 2-instruction one) and bpf is among its active LSMs
 * (securityfs); else -1 with why in e (some kernels refuse every program that needs a
 * BPF trampoline, even root's; some leave bpf out of their LSMs). */
int attach_lsm_runs(int btf_id, struct error *e);

/* True when cgroup_skb programs may call bpf_get_netns_cookie (6.18 here; Debian 12's
 * 6.1 refuses it). */
bool attach_skb_knows_netns(void);

/* The cookie of this process's network namespace, as bpf_get_netns_cookie gives it: 0, or
 * -1 with a message in e. */
int attach_own_netns(uint64_t *cookie, struct error *e);

/* An fd of the cgroup-v2 root directory, or -1 with a message in e. */
int attach_open_cgroup2_root(struct error *e);

#endif
