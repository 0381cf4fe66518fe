/* What /proc and the network stack tell about an event's process and device. */
#ifndef EBPFSHIELD_PROC_INFO_H
#define EBPFSHIELD_PROC_INFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The raw process name from /proc/<pid>/comm (without its newline); 0, or -1. */
int proc_comm_raw(pid_t pid, char *buf, size_t len);

/* The process name from /proc/<pid>/comm (the kernel's comm is the thread's name), else
 * fallback; made printable. */
void proc_comm(pid_t pid, const char *fallback, size_t fallback_len, char *buf, size_t len);

/* The state letter ('R', 'S', 'T', 'Z', ...) of thread tid of process pid
 * (/proc/<pid>/task/<tid>/stat; tid == pid: the leader), and when that thread started, in
 * ns since boot (CLOCK_BOOTTIME, the clock of bpf_ktime_get_boot_ns()), at clock-tick
 * resolution. Returns 0, or -1 with errno (ENOENT: no such thread in that process). */
int proc_read_stat(pid_t pid, pid_t tid, char *state, uint64_t *start_ns);

/* The process id of the tracer of thread tid of process pid (0: none); 0, or -1. */
int proc_tracer(pid_t pid, pid_t tid, pid_t *tracer);

/* The real user id of process pid (/proc/<pid>/status); 0, or -1. */
int proc_uid(pid_t pid, uid_t *uid);

/* The parent's process id from /proc/<pid>/stat; 0, or -1. */
int proc_ppid(pid_t pid, uint32_t *ppid);

/* The executable's path, /proc/<pid>/exe (NUL-terminated, cut to len - 1 bytes); 0, or
 * -1 (a kernel thread, a process gone). */
int proc_exe(pid_t pid, char *buf, size_t len);

/* The interface name, or the index in decimal when it is gone. */
void proc_ifname(uint32_t ifindex, char *buf, size_t len);

/* Interface names for at most a second each, so that a name is not asked of the kernel
 * (a socket, an ioctl) for every packet. Zero-initialised. */
#define IFNAME_CACHE_SLOTS 64
struct ifname_cache {
    struct ifname_slot {
        uint32_t ifindex;
        uint64_t expires_ms;
        char name[32];
    } slots[IFNAME_CACHE_SLOTS];
};

/* proc_ifname through cache; now_ms: monotonic_ms(). */
void proc_ifname_cached(struct ifname_cache *cache, uint32_t ifindex, uint64_t now_ms, char *buf,
                        size_t len);

#endif
