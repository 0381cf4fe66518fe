/* The kernel<->user ABI: event and table layouts shared by the kernel programs (compiled
 * by libbcc at startup, where this header is pasted in at build time) and the user-space
 * C code. Types and their layout checks only; kernel-side helpers are in
 * ebpfshield_kernel.h. */
#ifndef EBPFSHIELD_EVENTS_H
#define EBPFSHIELD_EVENTS_H

#ifndef __KERNEL__
#include <linux/types.h>
#endif

#define EBPFSHIELD_TASK_COMM_LEN 16
/* LRU tables: the least recently used entry makes room, so no user can fill them. */
#define EBPFSHIELD_PROC_PORTS_MAX 65536
#define EBPFSHIELD_PROC_NAMES_MAX 65536
/* Executables kept for processes that may exit before their lines are printed: user space
 * reads a packet's within a fraction of a second, so the newest execs are enough. */
#define EBPFSHIELD_PROC_EXES_MAX 8192
#define EBPFSHIELD_EXE_LEN 256
#define EBPFSHIELD_DNS_PORTS_MAX 16 /* --dns-port LIST */
#define EBPFSHIELD_DEFAULT_DNS_PORT 53

/* Key of proc_ports: one DNS flow as seen from the client's socket, as the packet the
 * egress program sees carries it. Ports in host order, addresses in network order (IPv4
 * in the first 4 bytes, the rest zero). */
struct port_key {
    __u8 proto;  /* IPPROTO_UDP or IPPROTO_TCP */
    __u8 family; /* AF_INET or AF_INET6: the packets' (IPv4-mapped IPv6 is AF_INET) */
    __u16 lport; /* the client's port */
    __u16 rport; /* the server's port: one of the DNS ports */
    __u16 pad;   /* explicit so that every key byte is initialised */
    __u8 laddr[16];
    __u8 raddr[16];
};

/* Value of proc_ports, and the head of every dns_events sample (the frame follows it).
 * pid is the process id (upper half of bpf_get_current_pid_tgid()), tid the thread id
 * (lower half; the original prints it as TGID=). comm is the process's name when
 * comm_is_process, else the sending thread's (the process was never seen by name). */
struct port_val {
    __u32 ifindex;
    __u32 pid;
    __u32 tid;
    __u32 uid;
    __u32 gid;
    __u32 comm_is_process;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    __u64 ts_ns; /* in a sample: when the socket filter saw the packet (bpf_ktime_get_ns);
                  * the order its lines are printed in. 0 in proc_ports */
    __u32 ppid;  /* the parent process, as the kernel saw it fork (0: not seen) */
    __u32 pad;
    __u64 cgroup; /* the socket's cgroup (v2 id: its directory's inode), 0 when unknown */
};

/* The head of every dns_events sample; the packet follows it. Samples of the socket filter
 * (dns_matching.c) carry an Ethernet frame seen in the tool's own network namespace;
 * samples of the socket hooks (monitor/dns_sockets.h) carry the packet from its IP header
 * as a local socket of another namespace sent or received it. */
struct dns_sample {
    struct port_val proc; /* pid 0: the kernel could not tell the process */
    __u64 netns;          /* the namespace's cookie (SO_NETNS_COOKIE), 0 for the tool's own */
    __u8 from_socket;     /* 1: shipped by the socket hooks, the packet starts at IP; 0: an
                           * Ethernet frame (the socket filter's, or a packet socket's) */
    __u8 pad;
    __u16 gso_size; /* a UDP GSO send (several datagrams in one packet): each one's bytes */
    __u32 pad2;
};

/* Value of proc_names (key: the process id): the process's name, /proc/<pid>/comm, and
 * its parent's id. */
struct proc_name {
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    __u32 ppid;
};

/* Value of proc_exes (key: the process id): the file its last exec ran, as named to
 * execve (NUL-terminated, cut at EBPFSHIELD_EXE_LEN - 1 bytes). */
struct proc_exe {
    char path[EBPFSHIELD_EXE_LEN];
};

/* One outbound connection (or datagram) of ebpf_ipintelligence, sent to the events perf
 * buffer: every TCP connect, and whatever hit a feed. */
struct netevent {
    __u64 ts_boot_ns; /* bpf_ktime_get_boot_ns(), comparable with /proc/<pid>/stat starttime */
    __u32 pid;        /* process id (tgid in kernel terms) */
    __u32 tid;
    __u32 uid;
    __u32 daddr; /* AF_INET (also an IPv4-mapped IPv6 address): network order */
    __u16 dport; /* network order */
    __u16 family;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    __u8 daddr6[16]; /* AF_INET6 */
    __u8 proto;      /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_ICMP(V6) */
    __u8 hit;        /* EBPFSHIELD_HIT_*: what of it is in a feed (0: nothing) */
    __u8 refused;    /* the kernel refused it with EPERM (--block other than print) */
    __u8 signalled;  /* the kernel sent the action's signal to the process */
    __u32 feed;      /* with hit: the feed's index in load order */
    __u32 gid;
    /* The process's identity, which its pid is not (a pid is reused), read by the guard
     * where the kernel's BTF says how (0: unknown): its leader's start_boottime, and the
     * pidfs inode number of its pid (fstat of a pidfd; kernels from 6.9 on). */
    __u64 start_ns;
    __u64 pid_ino;
    /* Under print and deny: the process's hits not reported since its last reported one
     * (a flood: at most GUARD_HIT_BURST reported a second, connect_guard.h). */
    __u32 repeats;
    __u32 pad;
};

/* A sample of the guard's perf buffer that is no event but tells user space something
 * (told apart by its size): EBPFSHIELD_NOTICE_WAITING, a refusal's signal now waits for
 * the syscall-exit program, which user space attaches while one waits. */
struct guard_notice {
    __u32 kind;
    __u32 tgid;  /* the process whose signal waits, or that ended */
    __u32 count; /* EBPFSHIELD_NOTICE_REPEATS: its hits not reported one by one */
    __u32 pad;
};
/* Entries of the guard's proc_hits (flood counts per process), read by user space at stop. */
#define EBPFSHIELD_PROC_HITS_MAX 16384
#define EBPFSHIELD_NOTICE_WAITING 1
#define EBPFSHIELD_NOTICE_REPEATS 2 /* a process that flooded ended */

#define EBPFSHIELD_HIT_ADDRESS 1 /* the destination address */
#define EBPFSHIELD_HIT_DOMAIN 2  /* a DNS message's name: the sample is a domainevent */

/* A DNS message whose name is a listed domain (or lies under one): a question sent to a
 * DNS port (the guard's egress program), or a CNAME target in an answer received from one
 * (its ingress program). The process and the DNS server in conn, then the name in wire
 * form; for an answer, also its question's name. */
struct domainevent {
    struct netevent conn;
    __u16 qtype;
    __u16 name_len;     /* bytes of name, the root's 0 included */
    __u16 question_len; /* an answer's hit: bytes of question; 0: a query's, name is asked */
    __u16 owner_exited; /* the socket's recorded process had exited: nobody to signal */
    __u8 name[256];
    __u8 question[256];
};

/* The guard's record of the addresses a process resolved (A and AAAA answers its sockets
 * received), so that an address hit can name the domain asked for: key and value of
 * resolved_names. */
#define EBPFSHIELD_RESOLVED_MAX 16384
struct resolved_key {
    __u32 pid;
    __u16 family; /* AF_INET (addr's first 4 bytes) or AF_INET6 */
    __u16 pad;
    __u8 addr[16];
};

struct resolved_name {
    __u64 expires_boot_ns; /* the record's TTL (at most a day) from its arrival */
    __u16 name_len;        /* bytes of name (the question's, wire form) */
    __u8 pad[6];
    __u8 name[256];
};

/* --inbound (inbound_guard.h): packets arriving at an interface from a feed address, or
 * on their way through the host toward one (forwarded for a container, a VM or a LAN); a
 * sample for a listed address's first one, then at most one a minute (INBOUND_REPORT_NS)
 * while they come. Told from the guard's other samples by its size. */
struct inboundevent {
    __u64 ts_boot_ns;
    __u64 packets; /* all of this listed address's on this interface so far (since it
                    * entered inbound_sources: one pushed out by others starts again) */
    __u32 ifindex;
    __u32 feed;     /* the feed's index in load order */
    __u16 family;   /* addr's: AF_INET (its first 4 bytes: also the IPv4 host an IPv6
                     * address carries) or AF_INET6 */
    __u8 proto;     /* the IP protocol (IPv6: the fixed header's next header) */
    __u8 dropped;   /* dropped (XDP_DROP, TC_ACT_SHOT): --block refuses */
    __u16 vlan;     /* the outermost VLAN id, 0: none */
    __u8 toward;    /* EBPFSHIELD_TOWARD_*: addr is the packet's source, or its destination */
    __u8 other_v6;  /* other is an IPv6 address (else IPv4, in its first 4 bytes) */
    __u8 addr[16];  /* the listed address */
    __u8 other[16]; /* the packet's other end: its destination, or (toward) its sender */
};

/* inbound_sources: an interface's packets from, or toward, one feed address. */
struct inbound_key {
    __u32 ifindex;
    __u16 family;
    __u8 toward;
    __u8 pad;
    __u8 addr[16];
};

struct inbound_source {
    __u64 packets;
    __u64 reported_at; /* bpf_ktime_get_boot_ns() of its last sample */
};

/* inbound_counters, per CPU: packets from feed addresses by protocol, and those forwarded
 * toward one. */
#define EBPFSHIELD_INBOUND_TCP 0
#define EBPFSHIELD_INBOUND_UDP 1
#define EBPFSHIELD_INBOUND_ICMP 2 /* ICMP and ICMPv6 */
#define EBPFSHIELD_INBOUND_OTHER 3
#define EBPFSHIELD_INBOUND_HELD                                                                    \
    4                                  /* reports held back by the flood limit (a source's at most \
                                        * one a second; not packets) */
#define EBPFSHIELD_INBOUND_FORWARDED 5 /* toward a feed address, any protocol */
#define EBPFSHIELD_INBOUND_LEAVING 6   /* sent out toward one, any protocol, whatever made it */
#define EBPFSHIELD_INBOUND_COUNTERS 7

/* inboundevent.toward: where the packet was seen. */
#define EBPFSHIELD_TOWARD_FROM 0      /* arriving (XDP): addr is its source */
#define EBPFSHIELD_TOWARD_FORWARDED 1 /* arriving, to be routed on (XDP): addr its destination */
#define EBPFSHIELD_TOWARD_LEAVING 2   /* leaving (TC egress): addr is its destination */
#define EBPFSHIELD_INBOUND_REPORTS_PER_SEC 100

/* Keys of the feed tries (BPF_MAP_TYPE_LPM_TRIE): prefix length, then the address in
 * network order; the value is the feed's index in load order. */
struct lpm_v4 {
    __u32 prefixlen;
    __u32 addr;
};

struct lpm_v6 {
    __u32 prefixlen;
    __u8 addr[16];
};

_Static_assert(sizeof(struct port_key) == 40, "port_key layout");
_Static_assert(__builtin_offsetof(struct port_key, laddr) == 8, "port_key.laddr");
_Static_assert(__builtin_offsetof(struct port_key, raddr) == 24, "port_key.raddr");
_Static_assert(sizeof(struct port_val) == 64, "port_val layout");
_Static_assert(__builtin_offsetof(struct port_val, cgroup) == 56, "port_val.cgroup");
_Static_assert(__builtin_offsetof(struct port_val, ts_ns) == 40, "port_val.ts_ns");
_Static_assert(__builtin_offsetof(struct port_val, comm) == 24, "port_val.comm");
_Static_assert(sizeof(struct dns_sample) == 80, "dns_sample layout");
_Static_assert(__builtin_offsetof(struct dns_sample, gso_size) == 74, "dns_sample.gso_size");
_Static_assert(__builtin_offsetof(struct dns_sample, netns) == 64, "dns_sample.netns");
_Static_assert(sizeof(struct proc_name) == 20, "proc_name layout");
_Static_assert(sizeof(struct netevent) == 96, "netevent layout");
_Static_assert(__builtin_offsetof(struct netevent, start_ns) == 72, "netevent.start_ns");
_Static_assert(__builtin_offsetof(struct netevent, daddr6) == 44, "netevent.daddr6");
_Static_assert(__builtin_offsetof(struct netevent, feed) == 64, "netevent.feed");
_Static_assert(sizeof(struct domainevent) == 616, "domainevent layout");
_Static_assert(sizeof(struct inboundevent) == 64, "inboundevent layout");
_Static_assert(__builtin_offsetof(struct inboundevent, addr) == 32, "inboundevent.addr");
_Static_assert(__builtin_offsetof(struct inboundevent, other) == 48, "inboundevent.other");
_Static_assert(sizeof(struct inbound_key) == 24, "inbound_key layout");
_Static_assert(__builtin_offsetof(struct domainevent, question) == 360, "domainevent.question");
_Static_assert(sizeof(struct resolved_key) == 24, "resolved_key layout");
_Static_assert(sizeof(struct resolved_name) == 272, "resolved_name layout");
_Static_assert(__builtin_offsetof(struct domainevent, name) == 104, "domainevent.name");
_Static_assert(sizeof(struct lpm_v4) == 8, "lpm_v4 layout");
_Static_assert(sizeof(struct lpm_v6) == 20, "lpm_v6 layout");
_Static_assert(__builtin_offsetof(struct netevent, daddr) == 20, "netevent.daddr");
_Static_assert(__builtin_offsetof(struct netevent, comm) == 28, "netevent.comm");

#endif
