/* ebpf_ipintelligence, tracepoint mode (kernels without kprobes): the guard's cgroup-v2
 * programs (connect_guard.h) report every TCP connect, IPv4 and IPv6, before the SYN
 * leaves, and every feed hit. */
#include "guard/connect_guard.h"
