/* Command-line options of ebpfshield-bcc. */
#ifndef EBPFSHIELD_CLI_H
#define EBPFSHIELD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/attach.h"
#include "engine/feature.h"
#include "guard/guard_config.h"
#include "monitor/monitor_config.h"
#include "output/output_config.h"

/* The command line: what the run is, then each part's own configuration. */
struct options {
    enum feature_id feature;
    enum attach_mode attach;
    bool debug; /* --debug: libbcc's start-up noise too */
    bool help;
    bool version;
    const char *check_feed; /* --check-feed: only parse this file and say what it holds */
    struct output_config output;
    struct guard_config guard;
    struct monitor_config monitor;
};

enum cli_result { CLI_OK = 0, CLI_USAGE = 2 };

/* Parses argv into opts (defaults first). On a bad flag or value prints the reason and
 * the usage to err and returns CLI_USAGE. */
enum cli_result cli_parse(int argc, char **argv, struct options *opts, FILE *err);
void cli_usage(FILE *out, const char *prog, bool full);

#endif
