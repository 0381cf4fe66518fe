/* Which ports are DNS (--dns-port LIST), for the monitor's programs and the guard's name
 * check. User space compiles them with EBPFSHIELD_DNS_PORTS: the ports, comma-separated
 * ("53,5353"). */
#ifndef EBPFSHIELD_DNS_PORTS_H
#define EBPFSHIELD_DNS_PORTS_H

#ifndef EBPFSHIELD_DNS_PORTS
#error "dns_ports.h needs EBPFSHIELD_DNS_PORTS"
#endif

static inline int is_dns_port(__u16 port)
{
    const __u16 ports[] = {EBPFSHIELD_DNS_PORTS};
#pragma unroll
    for (unsigned int i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
        if (port == ports[i])
            return 1;
    return 0;
}

#endif
