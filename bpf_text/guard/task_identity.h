/* A process's identity for its events (netevent.start_ns, .pid_ino), so that user space
 * acts on the process that made the call, not on whoever holds its pid later.
 * GUARD_TASK_IDENTITY (optional): offsets, from the running kernel's BTF, of task_struct's
 * group_leader, start_boottime and thread_pid, and of struct pid's ino (-1: no pidfs). */
#ifndef EBPFSHIELD_TASK_IDENTITY_H
#define EBPFSHIELD_TASK_IDENTITY_H

/* bpf_probe_read_kernel by another name: libbcc turned calls of that name into the old
 * bpf_probe_read, which cgroup programs may not call, when the tool ran with the documented
 * capability set (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN) rather than all of root's. */
static long (*identity_read)(void *dst, __u32 size,
                             const void *src) = (void *)BPF_FUNC_probe_read_kernel;

/* The identity of the process of task (a struct task_struct *). */
static inline void task_identity_of(char *task, __u64 *start_ns, __u64 *pid_ino)
{
    *start_ns = *pid_ino = 0;
#ifdef GUARD_TASK_IDENTITY
    const long off[4] = {GUARD_TASK_IDENTITY};
    char *leader = 0, *pid = 0;
    identity_read(&leader, sizeof(leader), task + off[0]);
    if (!leader)
        return;
    identity_read(start_ns, sizeof(*start_ns), leader + off[1]);
    if (off[3] < 0)
        return;
    identity_read(&pid, sizeof(pid), leader + off[2]);
    if (pid)
        identity_read(pid_ino, sizeof(*pid_ino), pid + off[3]);
#endif
}

/* The current process's. */
static inline void task_identity(__u64 *start_ns, __u64 *pid_ino)
{
    task_identity_of((char *)bpf_get_current_task(), start_ns, pid_ino);
}

#endif
