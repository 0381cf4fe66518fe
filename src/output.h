/* The lines ebpfshield-bcc prints, in the original eBPFShield's format. */
#ifndef EBPFSHIELD_OUTPUT_H
#define EBPFSHIELD_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "actions.h"
#include "dns_decode.h"
#include "ebpfshield_events.h"
#include "frame.h"

#define RUNNING_LINE "The program is running. Press Ctrl-C to abort."

/* Process and device of a DNS packet, resolved by the caller. */
struct dns_origin {
    const struct port_val *proc;
    const char *comm;   /* process name, printable */
    const char *ifname; /* device name, or its index in decimal */
};

/* COMM=... PID=... ... DNS_QR=0|1 DNS_NAME=... DNS_TYPE=... [DNS_DATA=...] */
void output_dns_line(FILE *out, const struct dns_origin *origin, const struct frame_info *frame,
                     const struct dns_item *item);

/* \t<comm> (<pid>) <ip>:<port> */
void output_verbose_line(FILE *out, const char *comm, uint32_t pid, const char *ip, uint16_t port);

/* The line for a feed hit once action has been taken. */
void output_block_line(FILE *out, enum block_action block, const char *comm, uint32_t pid,
                       const char *ip, const char *dump_dir);

/* Not in the original: a hit whose process exited before its action could be carried out
 * (the connection was still refused), worded like the original's lines. */
void output_exited_line(FILE *out, const char *comm, uint32_t pid, const char *ip);

#endif
