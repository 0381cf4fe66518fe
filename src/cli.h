/* Command-line options of ebpfshield-bcc. */
#ifndef EBPFSHIELD_CLI_H
#define EBPFSHIELD_CLI_H

#include <stdbool.h>
#include <stdio.h>

enum feature { FEATURE_IPINTELLIGENCE, FEATURE_MONITOR };
enum block_action { BLOCK_PRINT, BLOCK_DUMP, BLOCK_SUSPEND, BLOCK_KILL };
enum attach_mode { ATTACH_AUTO, ATTACH_KPROBE, ATTACH_TRACEPOINT };

#define DEFAULT_DUMP_DIR "/var/lib/ebpfshield/dumps"

struct options {
    enum feature feature;
    enum block_action block;
    enum attach_mode attach;
    bool verbose;
    bool help;
    bool version;
    const char *feeds_dir; /* NULL: ./feeds if it holds *.txt, else the installed feeds */
    const char *dump_dir;
};

enum cli_result { CLI_OK = 0, CLI_USAGE = 2 };

/* Parses argv into opts (defaults first). On a bad flag or value prints the reason and
 * the usage to err and returns CLI_USAGE. */
enum cli_result cli_parse(int argc, char **argv, struct options *opts, FILE *err);
void cli_usage(FILE *out, const char *prog, bool full);
const char *cli_block_name(enum block_action block);
const char *cli_attach_name(enum attach_mode mode);

#endif
