/* Command-line options of ebpfshield-bcc. */
#ifndef EBPFSHIELD_CLI_H
#define EBPFSHIELD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "guard/block_actions.h"
#include "engine/attach.h"
#include "common/ebpfshield_events.h"
#include "engine/feature.h"
#include "monitor/monitor_handler.h"
#include "output/format.h"

struct options {
    enum feature_id feature;
    enum block_action block;
    enum attach_mode attach;
    bool verbose;
    bool debug; /* --debug: libbcc's start-up noise too */
    bool help;
    bool version;
    const char *feeds_dir;  /* NULL: EBPFSHIELD_FEEDS_DIR */
    const char *allow_file; /* --allow: addresses no feed may block */
    bool allow_wide;        /* --allow-wide: accept entries wider than /8 (IPv4), /16 (IPv6) */
    const char *check_feed; /* --check-feed: only parse this file and say what it holds */
    const char *dump_dir;
    unsigned long dump_max_mib;                   /* the most one core may take */
    uint16_t dns_ports[EBPFSHIELD_DNS_PORTS_MAX]; /* ebpf_monitor: 53, or --dns-port LIST */
    size_t dns_port_count;
    const struct output_format *format; /* --output */
    const char *output_file;            /* --output-file: events there instead of stdout */
    bool syslog;                        /* --syslog: events to syslog(3) instead of stdout */
    bool timestamp;                     /* -t: text lines start with the time */
    struct monitor_filter filter;       /* -p, -u, --comm */
};

enum cli_result { CLI_OK = 0, CLI_USAGE = 2 };

/* Parses argv into opts (defaults first). On a bad flag or value prints the reason and
 * the usage to err and returns CLI_USAGE. */
enum cli_result cli_parse(int argc, char **argv, struct options *opts, FILE *err);
void cli_usage(FILE *out, const char *prog, bool full);

#endif
