/* The DNS server ports of a run (--dns-port LIST, default 53): the monitor watches them,
 * the guard checks the names of the messages sent to them. */
#ifndef EBPFSHIELD_DNS_PORTS_USER_H
#define EBPFSHIELD_DNS_PORTS_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ebpfshield_events.h"

struct dns_ports {
    uint16_t port[EBPFSHIELD_DNS_PORTS_MAX];
    size_t count;
};

/* "-DEBPFSHIELD_DNS_PORTS=" and up to EBPFSHIELD_DNS_PORTS_MAX ports of 5 digits. */
#define DNS_PORTS_CFLAG_MAX (32 + EBPFSHIELD_DNS_PORTS_MAX * 6)

/* Whether port is one of ports. */
bool dns_ports_has(const struct dns_ports *ports, uint16_t port);

/* The compile flag of bpf_text/common/dns_ports.h for ports into buf. */
void dns_ports_cflag(const struct dns_ports *ports, char buf[DNS_PORTS_CFLAG_MAX]);

#endif
