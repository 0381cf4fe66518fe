/* What ebpf_monitor is asked to watch: its part of the command line. */
#ifndef EBPFSHIELD_MONITOR_CONFIG_H
#define EBPFSHIELD_MONITOR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns_ports.h"

/* -p, -u, --comm: only the DNS packets of matching processes (all when none is set). */
struct monitor_filter {
    bool by_pid, by_uid;
    uint32_t pid, uid;
    const char *comm; /* the process name as printed; NULL: any */
};

struct monitor_config {
    struct dns_ports dns; /* 53, or --dns-port LIST */
    bool own_netns_only;  /* --netns host: only the tool's own network namespace */
    bool all_types;       /* --qtype all: text lines for every record type, not only A/AAAA */
    struct monitor_filter filter;
};

#endif
