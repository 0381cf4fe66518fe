#include "dns/dns_ports.h"

#include <stdio.h>

void dns_ports_cflag(const struct dns_ports *ports, char buf[DNS_PORTS_CFLAG_MAX])
{
    size_t n = (size_t)snprintf(buf, DNS_PORTS_CFLAG_MAX, "-DEBPFSHIELD_DNS_PORTS=");
    for (size_t i = 0; i < ports->count && n < DNS_PORTS_CFLAG_MAX; i++)
        n += (size_t)snprintf(buf + n, DNS_PORTS_CFLAG_MAX - n, "%s%u", i ? "," : "",
                              ports->port[i]);
}

bool dns_ports_has(const struct dns_ports *ports, uint16_t port)
{
    for (size_t i = 0; i < ports->count; i++)
        if (ports->port[i] == port)
            return true;
    return false;
}
