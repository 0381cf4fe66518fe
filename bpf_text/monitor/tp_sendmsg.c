/* ebpf_monitor, tracepoint mode (kernels without kprobes): the socket hooks of
 * dns_sockets.h, on kernels whose cgroup_skb programs read the sending task themselves
 * (6.2 and later), and the process names of dns_flow.h. */
#include "monitor/dns_flow.h"
#include "monitor/dns_sockets.h"
