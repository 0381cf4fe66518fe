/* What /proc and the network stack tell about an event's process and device. */
#ifndef EBPFSHIELD_PROC_INFO_H
#define EBPFSHIELD_PROC_INFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The process name from /proc/<pid>/comm (the kernel's comm is the thread's name), else
 * fallback; made printable. */
void proc_comm(pid_t pid, const char *fallback, size_t fallback_len, char *buf, size_t len);

/* The state letter ('R', 'S', 'T', 'Z', ...) of thread tid of process pid
 * (/proc/<pid>/task/<tid>/stat; tid == pid: the leader), and when that thread started, in
 * ns since boot (CLOCK_BOOTTIME, the clock of bpf_ktime_get_boot_ns()), at clock-tick
 * resolution. Returns 0, or -1 with errno (ENOENT: no such thread in that process). */
int proc_read_stat(pid_t pid, pid_t tid, char *state, uint64_t *start_ns);

/* The interface name, or the index in decimal when it is gone. */
void proc_ifname(uint32_t ifindex, char *buf, size_t len);

#endif
