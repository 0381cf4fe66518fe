/* The lines ebpfshield-bcc prints, in the original eBPFShield's format. */
#ifndef EBPFSHIELD_OUTPUT_H
#define EBPFSHIELD_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <netinet/in.h>

#include "guard/block_actions.h"
#include "dns/dns_decode.h"
#include "common/ebpfshield_events.h"
#include "dns/frame.h"

#define RUNNING_LINE "The program is running. Press Ctrl-C to abort."

/* Process and device of a DNS packet, resolved by the caller. */
struct dns_origin {
    const struct port_val *proc;
    const char *comm;   /* process name, printable */
    const char *ifname; /* device name, or its index in decimal */
};

enum output_format { OUTPUT_TEXT, OUTPUT_JSON };

/* Where events go and in which form: one line per event on stream (a line_writer's, so
 * that a line is queued whole), text (the original's) or JSON (ECS). Lines are written
 * under the stream's lock: the dump worker's thread writes too. */
struct output {
    FILE *stream;
    enum output_format format;
    bool timestamp; /* text: each line starts with the local time */
    bool syslog;    /* each line starts with <PRI>, taken off by the syslog writer */
};

/* A connection seen by ebpf_ipintelligence, as reported. */
struct conn_event {
    char comm[EBPFSHIELD_TASK_COMM_LEN + 1]; /* printable */
    char ip[INET6_ADDRSTRLEN];               /* an IPv4-mapped destination as IPv4 */
    const char *feed;                        /* a hit's feed file name (the registry's) */
    uint32_t pid, tid, uid, gid;
    uint16_t port;
    uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
    bool ipv6;     /* the destination is not IPv4 (nor IPv4-mapped) */
};

/* What came of a feed hit's action. */
enum hit_result {
    HIT_ACTED,   /* done as asked (with --block dump: the core was taken) */
    HIT_EXITED,  /* the process exited before the action could reach it */
    HIT_NO_CORE, /* --block dump: killed without a core */
};

/* The events, in the output's format. Text: a DNS message gives one line per A/AAAA
 * item (output_dns_item); JSON: one object per message with every record
 * (output_dns_message). */
void output_dns_item(const struct output *o, const struct dns_origin *origin,
                     const struct frame_info *frame, const struct dns_item *item);
void output_dns_message(const struct output *o, const struct dns_origin *origin,
                        const struct frame_info *frame, const struct dns_summary *msg);
/* JSON only: a DNS message ldns could not parse (text prints nothing for it). */
void output_dns_unparsed(const struct output *o, const struct dns_origin *origin,
                         const struct frame_info *frame, const char *why, const uint8_t *msg,
                         size_t len);
void output_connection(const struct output *o, const struct conn_event *c);
void output_hit(const struct output *o, const struct conn_event *c, enum block_action block,
                enum hit_result result, const char *dump_dir);

#define OUTPUT_TIME_MAX 64

/* The time now in ISO 8601: UTC with microseconds ("2026-11-22T02:36:35.123456Z", JSON's
 * @timestamp), or local with milliseconds and the offset ("2026-11-22T03:36:35.123+01:00",
 * what -t prefixes). */
void output_time(char *buf, size_t len, bool utc);

/* The original's text lines, without prefixes. */

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
