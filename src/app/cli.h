/* Command-line options of ebpfshield-bcc. */
#ifndef EBPFSHIELD_CLI_H
#define EBPFSHIELD_CLI_H

#include <stdbool.h>
#include <stddef.h>
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
    bool unload;            /* --unload: remove what --persist left, and exit */
    struct output_config output;
    struct guard_config guard;
    struct monitor_config monitor;
};

/* The part of struct options an option fills. */
enum cli_part { CLI_PART_APP, CLI_PART_OUTPUT, CLI_PART_GUARD, CLI_PART_MONITOR };

/* One option: how cli_parse takes it and what --help says of it. */
struct cli_option {
    const char *name;   /* the long name, without "--" */
    char letter;        /* the short option, or 0 */
    const char *arg;    /* its value's name in --help ("DIR"); NULL: it takes none */
    enum cli_part part; /* what set fills: struct options, or its output, guard or
                         * monitor part */
    /* The i-th value it takes, NULL past the last (the member NULL: set judges); the
     * lists are the tables of what they name (block actions, output formats, ...). */
    const char *(*choice)(size_t i);
    /* Stores arg (choice: its index among the values, else -1) in part; -1 when it
     * refuses it. */
    int (*set)(void *part, const char *arg, int choice);
    const char *expected; /* what set wants, said when it refuses a value */
    const char *help;     /* --help's lines for it, '\n' between them; NULL: help_of's */
    void (*help_of)(char *buf, size_t len);
};

/* Every option, in the order of --help. */
extern const struct cli_option cli_options[];
extern const size_t cli_option_count;

enum cli_result { CLI_OK = 0, CLI_USAGE = 2 };

/* Parses argv into opts (defaults first). On a bad flag or value prints the reason and
 * the usage to err and returns CLI_USAGE. */
enum cli_result cli_parse(int argc, char **argv, struct options *opts, FILE *err);
void cli_usage(FILE *out, const char *prog, bool full);

#endif
