/* What ebpf_ipintelligence is asked to do: its part of the command line. */
#ifndef EBPFSHIELD_GUARD_CONFIG_H
#define EBPFSHIELD_GUARD_CONFIG_H

#include <stdbool.h>

#include "dns/dns_ports.h"
#include "guard/block_actions.h"

struct guard_config {
    enum block_action block;
    bool verbose;               /* print every TCP connection */
    const char *feeds_dir;      /* NULL: EBPFSHIELD_FEEDS_DIR */
    const char *allow_file;     /* --allow: addresses no feed may block */
    bool allow_wide;            /* --allow-wide: accept entries wider than /8 (IPv4), /16 (IPv6) */
    const char *dump_dir;       /* where --block dump writes cores */
    unsigned long dump_max_mib; /* the most one core may take */
    struct dns_ports dns;       /* where the names of DNS messages are checked */
};

#endif
