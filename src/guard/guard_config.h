/* What ebpf_ipintelligence is asked to do: its part of the command line. */
#ifndef EBPFSHIELD_GUARD_CONFIG_H
#define EBPFSHIELD_GUARD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "dns/dns_ports.h"
#include "guard/block_actions.h"

/* Where the action's signal for a refused call is sent from (--signal-from). */
enum signal_from {
    SIGNAL_FROM_AUTO,          /* call where the kernel offers it, else exit-on-demand */
    SIGNAL_FROM_CALL,          /* in the call itself: no cost to any other syscall */
    SIGNAL_FROM_EXIT,          /* the syscall-exit tracepoint, attached for good */
    SIGNAL_FROM_EXIT_ON_DEMAND /* the syscall-exit tracepoint, attached while one waits */
};

struct guard_config {
    enum block_action block;
    bool verbose;               /* print every TCP connection */
    const char *feeds_dir;      /* NULL: EBPFSHIELD_FEEDS_DIR */
    const char *allow_file;     /* --allow: addresses no feed may block */
    bool allow_wide;            /* --allow-wide: accept entries wider than /8 (IPv4), /16 (IPv6) */
    const char *dump_dir;       /* where --block dump writes cores */
    unsigned long dump_max_mib; /* the most one core may take */
    unsigned long dump_total_mib; /* the most all cores in the dump directory may take */
    struct dns_ports dns;         /* where the names of DNS messages are checked */
    enum signal_from signal_from;
    bool persist; /* --persist: the cgroup programs stay attached (pinned) after exit */
    /* --nat64-prefix: a local NAT64 /96 (its first 96 bits as the kernel reads them),
     * whose addresses reach the IPv4 address in their last 32 bits */
    bool nat64_local;
    uint32_t nat64_prefix[3];
    const char *inbound; /* --inbound: "all" or interface names (inbound.h); NULL: none */
};

#endif
