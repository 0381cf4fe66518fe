/* A domain name in presentation format, written as ldns_rdf2str() writes it, without its
 * 64 KiB buffer and printf per byte (the monitor formats one name per printed line). */
#ifndef EBPFSHIELD_DNS_NAME_H
#define EBPFSHIELD_DNS_NAME_H

#include <stddef.h>

#include <ldns/ldns.h>

/* Writes name (a LDNS_RDF_TYPE_DNAME rdf, as ldns parsed it) into dst, cut to fit size;
 * any other rdf is handed to ldns_rdf2str. Returns 0, or -1 where ldns_rdf2str returns
 * NULL (a name longer than 255 bytes, no memory). */
int dns_name_format(const ldns_rdf *name, char *dst, size_t size);

#endif
