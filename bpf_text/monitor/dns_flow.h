/* ebpf_monitor's process records, pasted into both flow programs (kprobe_sendmsg.c,
 * tp_sendmsg.c): the table proc_ports that the socket filter (dns_matching.c) owns and
 * reads, and the process record, named after the process (not the sending thread)
 * through proc_names. */
#ifndef EBPFSHIELD_DNS_FLOW_H
#define EBPFSHIELD_DNS_FLOW_H

#include "common/dns_ports.h"
#include "common/net_abi.h"
#include "common/ebpfshield_events.h"

BPF_TABLE("extern", struct port_key, struct port_val, proc_ports, EBPFSHIELD_PROC_PORTS_MAX);
/* Process id -> its name. Filled on exec, fork and rename (programs below), and by user
 * space at start for the processes already running; read when a flow is recorded, so a
 * process that has exited by the time its packets are printed keeps its name. */
BPF_TABLE("lru_hash", __u32, struct proc_name, proc_names, EBPFSHIELD_PROC_NAMES_MAX);
/* Process id -> the file of its last exec (sched_process_exec), for the same reason. */
BPF_TABLE("lru_hash", __u32, struct proc_exe, proc_exes, EBPFSHIELD_PROC_EXES_MAX);
/* An exec's path, too big for the stack. */
BPF_PERCPU_ARRAY(exe_scratch, struct proc_exe, 1);

/* The current task as a process record (its process's name when the kernel has seen it). */
static inline void current_process(struct port_val *val)
{
    __builtin_memset(val, 0, sizeof(*val));
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u64 uid_gid = bpf_get_current_uid_gid();
    val->pid = pid_tgid >> 32;
    val->tid = (__u32)pid_tgid;
    val->uid = (__u32)uid_gid;
    val->gid = uid_gid >> 32;
    struct proc_name *name = proc_names.lookup(&val->pid);
    if (name) {
        __builtin_memcpy(val->comm, name->comm, sizeof(val->comm));
        val->comm_is_process = 1;
        val->ppid = name->ppid;
    } else {
        bpf_get_current_comm(val->comm, sizeof(val->comm));
        val->comm_is_process = val->pid == val->tid; /* the leader's name is the process's */
    }
}

static inline void name_process(__u32 pid, const char *comm, __u32 ppid)
{
    struct proc_name name;
    __builtin_memcpy(name.comm, comm, sizeof(name.comm));
    name.ppid = ppid;
    proc_names.update(&pid, &name);
}

/* The parent recorded for pid (0 when none was). */
static inline __u32 parent_of(__u32 pid)
{
    struct proc_name *known = proc_names.lookup(&pid);
    return known ? known->ppid : 0;
}

/* After exec the task is its process's leader, under the new name, running filename. */
TRACEPOINT_PROBE(sched, sched_process_exec)
{
    __u32 pid = bpf_get_current_pid_tgid() >> 32;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    bpf_get_current_comm(comm, sizeof(comm));
    name_process(pid, comm, parent_of(pid));
    int zero = 0;
    struct proc_exe *exe = exe_scratch.lookup(&zero);
    if (!exe)
        return 0;
    unsigned short at = args->data_loc_filename & 0xffff;
    if (bpf_probe_read_kernel_str(exe->path, sizeof(exe->path), (char *)args + at) > 0)
        proc_exes.update(&pid, exe);
    return 0;
}

/* A child is named after the thread that forked it, its parent the forking process (a new
 * thread gets an entry under its own id, which is never looked up as a process's). */
TRACEPOINT_PROBE(sched, sched_process_fork)
{
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    bpf_get_current_comm(comm, sizeof(comm));
    __u32 child = (__u32)args->child_pid;
    name_process(child, comm, bpf_get_current_pid_tgid() >> 32);
    proc_exes.delete(&child); /* an earlier holder's of that pid */
    return 0;
}

/* prctl(PR_SET_NAME) by the leader, or a write to /proc/<pid>/comm of it by its group. */
TRACEPOINT_PROBE(task, task_rename)
{
    __u32 pid = bpf_get_current_pid_tgid() >> 32;
    if ((__u32)args->pid != pid)
        return 0;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    bpf_probe_read_kernel(comm, sizeof(comm), args->newcomm);
    name_process(pid, comm, parent_of(pid));
    return 0;
}

#endif
