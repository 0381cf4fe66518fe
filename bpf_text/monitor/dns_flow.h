/* ebpf_monitor's flow recording, pasted into both flow programs (kprobe_sendmsg.c,
 * tp_sendmsg.c): the public table proc_ports that the socket filter (dns_matching.c) reads,
 * the flow key of a socket, and the process record, named after the process (not the
 * sending thread) through proc_names. */
#ifndef EBPFSHIELD_DNS_FLOW_H
#define EBPFSHIELD_DNS_FLOW_H

#include "common/dns_ports.h"
#include "common/net_abi.h"
#include "common/ebpfshield_events.h"

BPF_TABLE_PUBLIC("lru_hash", struct port_key, struct port_val, proc_ports,
                 EBPFSHIELD_PROC_PORTS_MAX);
/* Process id -> its name. Filled on exec, fork and rename (programs below), and by user
 * space at start for the processes already running; read when a flow is recorded, so a
 * process that has exited by the time its packets are printed keeps its name. */
BPF_TABLE("lru_hash", __u32, struct proc_name, proc_names, EBPFSHIELD_PROC_NAMES_MAX);

static inline int is_v4_mapped(const __u32 *w)
{
    return w[0] == 0 && w[1] == 0 && w[2] == htonl(0x0000ffff);
}

/* The flow of a connected socket, from struct sock_common's leading fields (addresses,
 * ports, family: at the same offsets in every kernel since 4.x; checked against 6.18's
 * BTF). 0 for a client socket of a DNS port; server sockets (a DNS port as their own)
 * are left out, as the original did: their answers are printed once, for the client. */
static inline int sock_dns_flow(struct sock *sk, __u8 proto, struct port_key *key)
{
    struct abi_sock_common c;
    __builtin_memset(key, 0, sizeof(*key));
    if (bpf_probe_read_kernel(&c, sizeof(c), sk) != 0)
        return -1;
    key->proto = proto;
    key->lport = c.skc_num;
    key->rport = ntohs(c.skc_dport);
    if (!is_dns_port(key->rport))
        return -1;
    /* An IPv6 socket connected to an IPv4-mapped address sends IPv4. */
    if (c.skc_family == AF_INET ||
        (c.skc_family == AF_INET6 && is_v4_mapped(c.skc_v6_daddr.in6_u.u6_addr32))) {
        key->family = AF_INET;
        __builtin_memcpy(key->laddr, &c.skc_rcv_saddr, 4);
        __builtin_memcpy(key->raddr, &c.skc_daddr, 4);
        return 0;
    }
    if (c.skc_family != AF_INET6)
        return -1;
    key->family = AF_INET6;
    __builtin_memcpy(key->laddr, &c.skc_v6_rcv_saddr, 16);
    __builtin_memcpy(key->raddr, &c.skc_v6_daddr, 16);
    return 0;
}

/* Records the current task as the sender of flow key. */
static inline void remember_flow(struct port_key *key)
{
    struct port_val val;
    __builtin_memset(&val, 0, sizeof(val));
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u64 uid_gid = bpf_get_current_uid_gid();
    val.pid = pid_tgid >> 32;
    val.tid = (__u32)pid_tgid;
    val.uid = (__u32)uid_gid;
    val.gid = uid_gid >> 32;
    struct proc_name *name = proc_names.lookup(&val.pid);
    if (name) {
        __builtin_memcpy(val.comm, name->comm, sizeof(val.comm));
        val.comm_is_process = 1;
    } else {
        bpf_get_current_comm(val.comm, sizeof(val.comm));
        val.comm_is_process = val.pid == val.tid; /* the leader's name is the process's */
    }
    proc_ports.update(key, &val);
}

static inline void name_process(__u32 pid, const char *comm)
{
    struct proc_name name;
    __builtin_memcpy(name.comm, comm, sizeof(name.comm));
    proc_names.update(&pid, &name);
}

/* After exec the task is its process's leader, under the new name. */
TRACEPOINT_PROBE(sched, sched_process_exec)
{
    struct proc_name name;
    bpf_get_current_comm(name.comm, sizeof(name.comm));
    name_process(bpf_get_current_pid_tgid() >> 32, name.comm);
    return 0;
}

/* A child is named after the thread that forked it (a new thread gets an entry under its
 * own id, which is never looked up as a process's). */
TRACEPOINT_PROBE(sched, sched_process_fork)
{
    struct proc_name name;
    bpf_get_current_comm(name.comm, sizeof(name.comm));
    name_process((__u32)args->child_pid, name.comm);
    return 0;
}

/* prctl(PR_SET_NAME) by the leader, or a write to /proc/<pid>/comm of it by its group. */
TRACEPOINT_PROBE(task, task_rename)
{
    __u32 pid = bpf_get_current_pid_tgid() >> 32;
    if ((__u32)args->pid != pid)
        return 0;
    struct proc_name name;
    __builtin_memcpy(name.comm, args->newcomm, sizeof(name.comm));
    name_process(pid, name.comm);
    return 0;
}

#endif
