#include "app/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const feature_names[] = {"ebpf_ipintelligence", "ebpf_monitor"};
static const char *const attach_names[] = {"auto", "kprobe", "tracepoint"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The formats' words in --help: "a (...) or b (...)". */
static void format_help(FILE *out)
{
    for (size_t i = 0; output_formats[i]; i++)
        fprintf(out, "%s%s", i ? " or " : "", output_formats[i]->help);
}

/* --help past the usage lines. */
static void usage_options(FILE *out, const char *prog)
{
    fprintf(out,
            "\nWatch DNS lookups (ebpf_monitor) or outbound connections checked against\n"
            "threat feeds (ebpf_ipintelligence) with eBPF. Runs as root, or with the\n"
            "capabilities it names when one is missing (see ebpfshield-bcc(8)).\n\n"
            "  --feature F    ebpf_ipintelligence (default) or ebpf_monitor\n"
            "  --block A      on a feed hit (TCP or UDP, IPv4 or IPv6): print (default,\n"
            "                 the connection goes on), or have the kernel refuse it, then:\n"
            "                 deny (nothing more), suspend (SIGSTOP), kill (SIGKILL) or\n"
            "                 dump (SIGSTOP, core with gcore, then kill)\n"
            "  --verbose      ebpf_ipintelligence: print every TCP connection\n"
            "  --feeds DIR    directory of feeds: *.txt, *.csv, *.netset, *.ipset (default\n"
            "                 %s); it, its files and every directory above\n"
            "                 them must be root's and writable by no one else\n"
            "  --allow FILE   addresses, CIDRs or ranges that no feed blocks\n"
            "  --allow-wide   accept feed entries wider than an IPv4 /8 or an IPv6 /16, wide\n"
            "                 ones over private or local addresses, files over 1/16 of IPv4\n"
            "  --check-feed FILE  read FILE as a feed, say what it holds, exit 0 when it\n"
            "                 holds an entry and more entries than junk (no eBPF, no root)\n"
            "  --dump-dir DIR where --block dump writes cores (default %s, created 0700;\n"
            "                 every directory above it must be root's, writable by no one else)\n"
            "  --dump-max MIB the most one core may take (default %d; less when the disk\n"
            "                 has less room: 64 MiB are always left free)\n"
            "  --dns-port LIST ebpf_monitor: the DNS server ports to watch, comma-separated\n"
            "                 (default 53; at most %d, e.g. 53,5353,5335)\n"
            "  --attach M     auto (default: kprobes if the kernel has them, else\n"
            "                 tracepoints), kprobe or tracepoint\n"
            "  --output F     ",
            EBPFSHIELD_FEEDS_DIR, DEFAULT_DUMP_DIR, DEFAULT_DUMP_MAX_MIB, EBPFSHIELD_DNS_PORTS_MAX);
    format_help(out);
    fprintf(out,
            "\n"
            "  --output-file PATH  events appended to PATH instead of standard output\n"
            "                 (created 0600, never through a symlink; reopened on SIGHUP)\n"
            "  --syslog       events to syslog: facility authpriv for feed hits, daemon for\n"
            "                 DNS events and connections, one event per message\n"
            "  -t, --timestamp text lines start with the local time (ISO 8601, ms)\n"
            "  -p, --pid PID  ebpf_monitor: only the DNS packets of process PID\n"
            "  -u, --uid UID  ebpf_monitor: only those of user UID\n"
            "  --comm NAME    ebpf_monitor: only those of processes named NAME\n"
            "  --debug        also show libbcc's messages that say nothing to act on\n"
            "                 (\"sha1 socket not available\", \"cannot get prog tag\")\n"
            "  -h, --help     this help\n"
            "  --version      print the version\n"
            "\nEXAMPLES:\n"
            "    %s --feature ebpf_monitor      # every DNS query and A/AAAA answer\n"
            "    %s                             # print connections to feed addresses\n"
            "    %s --block kill --verbose      # kill them, print every connection\n"
            "    %s --block dump --dump-dir /root/cores\n"
            "    %s --block kill --allow /etc/ebpfshield/allow.txt   # SIGHUP reloads\n"
            "    %s --feature ebpf_monitor --dns-port 53,5353\n"
            "    %s --feature ebpf_monitor -t --comm curl\n"
            "    %s --block deny --output json --syslog   # to a SIEM through rsyslog\n"
            "    %s --output json --output-file /var/log/ebpfshield.json\n",
            prog, prog, prog, prog, prog, prog, prog, prog, prog);
}

void cli_usage(FILE *out, const char *prog, bool full)
{
    fprintf(out,
            "usage: %s [--feature ebpf_ipintelligence|ebpf_monitor] "
            "[--block print|deny|suspend|kill|dump]\n"
            "       [--verbose] [--feeds DIR] [--allow FILE] [--allow-wide] [--dump-dir DIR]\n"
            "       [--dump-max MIB] [--check-feed FILE] [--debug]\n"
            "       [--dns-port LIST] [--attach auto|kprobe|tracepoint]\n"
            "       [--output ",
            prog);
    for (size_t i = 0; output_formats[i]; i++)
        fprintf(out, "%s%s", i ? "|" : "", output_formats[i]->name);
    fputs("] [--output-file PATH | --syslog] [-t|--timestamp]\n"
          "       [-p|--pid PID] [-u|--uid UID] [--comm NAME] [-h|--help] [--version]\n",
          out);
    if (full)
        usage_options(out, prog);
}

#define MAX_DUMP_MIB (1ul << 20)
#define PID_MAX 4194304ul    /* the kernel's PID_MAX_LIMIT */
#define UID_MAX 4294967294ul /* (uid_t)-1 is no user */

/* A whole number of MiB from 1 to MAX_DUMP_MIB. */
static int parse_mib(const char *text, unsigned long *mib)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end != '\0' || text[0] == '-' || v == 0 || v > MAX_DUMP_MIB)
        return -1;
    *mib = v;
    return 0;
}

/* A comma-separated list of distinct ports from 1 to 65535, at most
 * EBPFSHIELD_DNS_PORTS_MAX of them. */
static int parse_ports(const char *text, struct options *opts)
{
    size_t n = 0;
    const char *p = text;
    for (;;) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(p, &end, 10);
        if (errno || end == p || *p < '0' || *p > '9' || v == 0 || v > 65535 ||
            n == EBPFSHIELD_DNS_PORTS_MAX)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (opts->dns_ports[i] == v)
                return -1;
        opts->dns_ports[n++] = (uint16_t)v;
        if (*end == '\0')
            break;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
    opts->dns_port_count = n;
    return 0;
}

/* A whole number from min to max. */
static int parse_number(const char *text, unsigned long min, unsigned long max, uint32_t *value)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end != '\0' || text[0] < '0' || text[0] > '9' || v < min ||
        v > max)
        return -1;
    *value = (uint32_t)v;
    return 0;
}

/* Index of value in names, or -1. */
static int choice(const char *value, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(value, names[i]) == 0)
            return (int)i;
    return -1;
}

/* A flag's value that is not what it must be: the reason, then the usage. */
static enum cli_result bad_value(FILE *err, const char *prog, const char *flag, const char *value,
                                 const char *expected)
{
    fprintf(err, "%s: invalid value '%s' for %s (%s)\n", prog, value, flag, expected);
    cli_usage(err, prog, false);
    return CLI_USAGE;
}

/* An option given without its value; fmt and its argument name the option. */
static enum cli_result __attribute__((format(printf, 3, 4)))
missing_value(FILE *err, const char *prog, const char *fmt, ...)
{
    char name[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    fprintf(err, "%s: option '%s' needs a value\n", prog, name);
    cli_usage(err, prog, false);
    return CLI_USAGE;
}

/* Options that do not go together. */
static enum cli_result misuse(FILE *err, const char *prog, const char *why)
{
    fprintf(err, "%s: %s\n", prog, why);
    cli_usage(err, prog, false);
    return CLI_USAGE;
}

/* "invalid value ... (choose from 'a', 'b')": the start, each name (the i-th), the end. */
static void choices_start(FILE *err, const char *prog, const char *flag, const char *value)
{
    fprintf(err, "%s: invalid value '%s' for %s (choose from", prog, value, flag);
}

static void choices_name(FILE *err, size_t i, const char *name)
{
    fprintf(err, "%s '%s'", i ? "," : "", name);
}

static enum cli_result choices_end(FILE *err, const char *prog)
{
    fprintf(err, ")\n");
    cli_usage(err, prog, false);
    return CLI_USAGE;
}

static enum cli_result bad_choice(FILE *err, const char *prog, const char *flag, const char *value,
                                  const char *const *names, size_t n)
{
    choices_start(err, prog, flag, value);
    for (size_t i = 0; i < n; i++)
        choices_name(err, i, names[i]);
    return choices_end(err, prog);
}

static enum cli_result bad_block(FILE *err, const char *prog, const char *value)
{
    choices_start(err, prog, "--block", value);
    for (size_t i = 0; i < BLOCK_ACTION_COUNT; i++)
        choices_name(err, i, block_actions[i].name);
    return choices_end(err, prog);
}

static enum cli_result bad_format(FILE *err, const char *prog, const char *value)
{
    choices_start(err, prog, "--output", value);
    for (size_t i = 0; output_formats[i]; i++)
        choices_name(err, i, output_formats[i]->name);
    return choices_end(err, prog);
}

enum cli_result cli_parse(int argc, char **argv, struct options *opts, FILE *err)
{
    enum {
        OPT_FEATURE = 256,
        OPT_BLOCK,
        OPT_VERBOSE,
        OPT_FEEDS,
        OPT_ALLOW,
        OPT_ALLOW_WIDE,
        OPT_CHECK_FEED,
        OPT_DEBUG,
        OPT_DUMP_DIR,
        OPT_DUMP_MAX,
        OPT_DNS_PORT,
        OPT_ATTACH,
        OPT_VERSION,
        OPT_HELP,
        OPT_OUTPUT,
        OPT_OUTPUT_FILE,
        OPT_SYSLOG,
        OPT_COMM,
        OPT_TIMESTAMP,
        OPT_PID,
        OPT_UID
    };
    static const struct option longopts[] = {
        {"feature", required_argument, NULL, OPT_FEATURE},
        {"block", required_argument, NULL, OPT_BLOCK},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"feeds", required_argument, NULL, OPT_FEEDS},
        {"allow", required_argument, NULL, OPT_ALLOW},
        {"allow-wide", no_argument, NULL, OPT_ALLOW_WIDE},
        {"check-feed", required_argument, NULL, OPT_CHECK_FEED},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"dump-dir", required_argument, NULL, OPT_DUMP_DIR},
        {"dump-max", required_argument, NULL, OPT_DUMP_MAX},
        {"dns-port", required_argument, NULL, OPT_DNS_PORT},
        {"attach", required_argument, NULL, OPT_ATTACH},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"output-file", required_argument, NULL, OPT_OUTPUT_FILE},
        {"syslog", no_argument, NULL, OPT_SYSLOG},
        {"timestamp", no_argument, NULL, OPT_TIMESTAMP},
        {"pid", required_argument, NULL, OPT_PID},
        {"uid", required_argument, NULL, OPT_UID},
        {"comm", required_argument, NULL, OPT_COMM},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *prog = argc > 0 ? argv[0] : "ebpfshield-bcc";
    *opts = (struct options){.format = output_formats[0],
                             .dump_dir = DEFAULT_DUMP_DIR,
                             .dump_max_mib = DEFAULT_DUMP_MAX_MIB,
                             .dns_ports = {EBPFSHIELD_DEFAULT_DNS_PORT},
                             .dns_port_count = 1};

    bool ports_given = false;
    optind = 0; /* full reset, so that tests may parse several times */
    opterr = 0;
    int c, idx;
    while ((idx = -1, c = getopt_long(argc, argv, ":htp:u:", longopts, &idx)) != -1) {
        if (optarg && strncmp(optarg, "--", 2) == 0) /* "--feeds --verbose": no value */
            return idx >= 0 ? missing_value(err, prog, "--%s", longopts[idx].name)
                            : missing_value(err, prog, "-%c", c);
        switch (c) {
        case OPT_FEATURE:
            if ((idx = choice(optarg, feature_names, COUNT(feature_names))) < 0)
                return bad_choice(err, prog, "--feature", optarg, feature_names,
                                  COUNT(feature_names));
            opts->feature = (enum feature_id)idx;
            break;
        case OPT_BLOCK:
            if ((idx = block_action_named(optarg)) < 0)
                return bad_block(err, prog, optarg);
            opts->block = (enum block_action)idx;
            break;
        case OPT_ATTACH:
            if ((idx = choice(optarg, attach_names, COUNT(attach_names))) < 0)
                return bad_choice(err, prog, "--attach", optarg, attach_names, COUNT(attach_names));
            opts->attach = (enum attach_mode)idx;
            break;
        case OPT_VERBOSE:
            opts->verbose = true;
            break;
        case OPT_FEEDS:
            opts->feeds_dir = optarg;
            break;
        case OPT_ALLOW:
            opts->allow_file = optarg;
            break;
        case OPT_ALLOW_WIDE:
            opts->allow_wide = true;
            break;
        case OPT_CHECK_FEED:
            opts->check_feed = optarg;
            break;
        case OPT_DEBUG:
            opts->debug = true;
            break;
        case OPT_DUMP_DIR:
            opts->dump_dir = optarg;
            break;
        case OPT_DUMP_MAX:
            if (parse_mib(optarg, &opts->dump_max_mib) != 0)
                return bad_value(err, prog, "--dump-max", optarg, "MiB, 1 to 1048576");
            break;
        case OPT_DNS_PORT:
            if (parse_ports(optarg, opts) != 0)
                return bad_value(err, prog, "--dns-port", optarg,
                                 "distinct ports from 1 to 65535, comma-separated, at most 16");
            ports_given = true;
            break;
        case OPT_OUTPUT:
            if (!(opts->format = output_format_named(optarg)))
                return bad_format(err, prog, optarg);
            break;
        case OPT_OUTPUT_FILE:
            opts->output_file = optarg;
            break;
        case OPT_SYSLOG:
            opts->syslog = true;
            break;
        case 't':
        case OPT_TIMESTAMP:
            opts->timestamp = true;
            break;
        case 'p':
        case OPT_PID:
            if (parse_number(optarg, 1, PID_MAX, &opts->filter.pid) != 0)
                return bad_value(err, prog, "--pid", optarg, "a process id");
            opts->filter.by_pid = true;
            break;
        case 'u':
        case OPT_UID:
            if (parse_number(optarg, 0, UID_MAX, &opts->filter.uid) != 0)
                return bad_value(err, prog, "--uid", optarg, "a user id");
            opts->filter.by_uid = true;
            break;
        case OPT_COMM:
            if (optarg[0] == '\0' || strlen(optarg) >= EBPFSHIELD_TASK_COMM_LEN)
                return bad_value(err, prog, "--comm", optarg, "a process name of 1 to 15 bytes");
            opts->filter.comm = optarg;
            break;
        case 'h':
        case OPT_HELP:
            opts->help = true;
            break;
        case OPT_VERSION:
            opts->version = true;
            break;
        case ':': /* the last word */
            return missing_value(err, prog, "%s", argv[optind - 1]);
        default: /* optopt is the character of a bad short option, in any cluster */
            if (optopt > 0 && optopt < OPT_FEATURE)
                fprintf(err, "%s: unknown option '-%c'\n", prog, optopt);
            else
                fprintf(err, "%s: unknown option '%s'\n", prog, argv[optind - 1]);
            cli_usage(err, prog, false);
            return CLI_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(err, "%s: unexpected argument '%s'\n", prog, argv[optind]);
        cli_usage(err, prog, false);
        return CLI_USAGE;
    }
    if (ports_given && opts->feature != FEATURE_MONITOR)
        return misuse(err, prog, "--dns-port applies to --feature ebpf_monitor only");
    if ((opts->filter.by_pid || opts->filter.by_uid || opts->filter.comm) &&
        opts->feature != FEATURE_MONITOR)
        return misuse(err, prog, "-p, -u and --comm apply to --feature ebpf_monitor only");
    if (opts->output_file && opts->syslog)
        return misuse(err, prog, "events go to --output-file or to --syslog, not both");
    if (opts->timestamp && opts->format->structured)
        return misuse(err, prog, "--timestamp applies to --output text (JSON has @timestamp)");
    if ((opts->allow_file || opts->allow_wide) && opts->feature == FEATURE_MONITOR)
        return misuse(err, prog,
                      "--allow and --allow-wide apply to --feature ebpf_ipintelligence only");
    if (opts->dump_dir[0] == '\0' || (opts->feeds_dir && opts->feeds_dir[0] == '\0') ||
        (opts->allow_file && opts->allow_file[0] == '\0') ||
        (opts->check_feed && opts->check_feed[0] == '\0') ||
        (opts->output_file && opts->output_file[0] == '\0'))
        return misuse(err, prog, "an empty file or directory name is not allowed");
    return CLI_OK;
}
