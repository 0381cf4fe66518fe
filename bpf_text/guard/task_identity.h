/* The current process's identity for its events (netevent.start_ns, .pid_ino), so that
 * user space acts on the process that made the call, not on whoever holds its pid later.
 * GUARD_TASK_IDENTITY (optional): offsets, from the running kernel's BTF, of task_struct's
 * group_leader, start_boottime and thread_pid, and of struct pid's ino (-1: no pidfs). */
#ifndef EBPFSHIELD_TASK_IDENTITY_H
#define EBPFSHIELD_TASK_IDENTITY_H

static inline void task_identity(__u64 *start_ns, __u64 *pid_ino)
{
    *start_ns = *pid_ino = 0;
#ifdef GUARD_TASK_IDENTITY
    const long off[4] = {GUARD_TASK_IDENTITY};
    char *leader = 0, *pid = 0;
    bpf_probe_read_kernel(&leader, sizeof(leader), (char *)bpf_get_current_task() + off[0]);
    if (!leader)
        return;
    bpf_probe_read_kernel(start_ns, sizeof(*start_ns), leader + off[1]);
    if (off[3] < 0)
        return;
    bpf_probe_read_kernel(&pid, sizeof(pid), leader + off[2]);
    if (pid)
        bpf_probe_read_kernel(pid_ino, sizeof(*pid_ino), pid + off[3]);
#endif
}

#endif
