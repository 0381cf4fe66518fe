#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *const feature_names[] = {"ebpf_ipintelligence", "ebpf_monitor"};
static const char *const block_names[] = {"print", "dump", "suspend", "kill", "deny"};
static const char *const attach_names[] = {"auto", "kprobe", "tracepoint"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void cli_usage(FILE *out, const char *prog, bool full)
{
    fprintf(out,
            "usage: %s [--feature ebpf_ipintelligence|ebpf_monitor] "
            "[--block print|deny|suspend|kill|dump]\n"
            "       [--verbose] [--feeds DIR] [--allow FILE] [--allow-wide] [--dump-dir DIR]\n"
            "       [--dump-max MIB] [--check-feed FILE] [--debug]\n"
            "       [--dns-port LIST] [--attach auto|kprobe|tracepoint] [-h|--help] [--version]\n",
            prog);
    if (!full)
        return;
    fprintf(out,
            "\nWatch DNS lookups (ebpf_monitor) or outbound connections checked against\n"
            "threat feeds (ebpf_ipintelligence) with eBPF. Must run as root.\n\n"
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
            "    %s --feature ebpf_monitor --dns-port 53,5353\n",
            EBPFSHIELD_FEEDS_DIR, DEFAULT_DUMP_DIR, DEFAULT_DUMP_MAX_MIB, EBPFSHIELD_DNS_PORTS_MAX,
            prog, prog, prog, prog, prog, prog);
}

#define MAX_DUMP_MIB (1ul << 20)

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

/* Index of value in names, or -1. */
static int choice(const char *value, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(value, names[i]) == 0)
            return (int)i;
    return -1;
}

static enum cli_result bad_choice(FILE *err, const char *prog, const char *flag, const char *value,
                                  const char *const *names, size_t n)
{
    fprintf(err, "%s: invalid value '%s' for %s (choose from", prog, value, flag);
    for (size_t i = 0; i < n; i++)
        fprintf(err, "%s '%s'", i ? "," : "", names[i]);
    fprintf(err, ")\n");
    cli_usage(err, prog, false);
    return CLI_USAGE;
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
        OPT_HELP
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
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *prog = argc > 0 ? argv[0] : "ebpfshield-bcc";
    *opts = (struct options){.dump_dir = DEFAULT_DUMP_DIR,
                             .dump_max_mib = DEFAULT_DUMP_MAX_MIB,
                             .dns_ports = {EBPFSHIELD_DEFAULT_DNS_PORT},
                             .dns_port_count = 1};

    bool ports_given = false;
    optind = 0; /* full reset, so that tests may parse several times */
    opterr = 0;
    int c, idx;
    while ((c = getopt_long(argc, argv, ":h", longopts, &idx)) != -1) {
        if (optarg && strncmp(optarg, "--", 2) == 0) /* "--feeds --verbose": a value is missing */
            c = ':';
        switch (c) {
        case OPT_FEATURE:
            if ((idx = choice(optarg, feature_names, COUNT(feature_names))) < 0)
                return bad_choice(err, prog, "--feature", optarg, feature_names,
                                  COUNT(feature_names));
            opts->feature = (enum feature_id)idx;
            break;
        case OPT_BLOCK:
            if ((idx = choice(optarg, block_names, COUNT(block_names))) < 0)
                return bad_choice(err, prog, "--block", optarg, block_names, COUNT(block_names));
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
            if (parse_mib(optarg, &opts->dump_max_mib) != 0) {
                fprintf(err, "%s: invalid value '%s' for --dump-max (MiB, 1 to %lu)\n", prog,
                        optarg, MAX_DUMP_MIB);
                cli_usage(err, prog, false);
                return CLI_USAGE;
            }
            break;
        case OPT_DNS_PORT:
            if (parse_ports(optarg, opts) != 0) {
                fprintf(err,
                        "%s: invalid value '%s' for --dns-port (distinct ports from 1 to 65535, "
                        "comma-separated, at most %d)\n",
                        prog, optarg, EBPFSHIELD_DNS_PORTS_MAX);
                cli_usage(err, prog, false);
                return CLI_USAGE;
            }
            ports_given = true;
            break;
        case 'h':
        case OPT_HELP:
            opts->help = true;
            break;
        case OPT_VERSION:
            opts->version = true;
            break;
        case ':': /* the last word, or followed by a "--" word taken as its value */
            if (optarg)
                fprintf(err, "%s: option '--%s' needs a value\n", prog, longopts[idx].name);
            else
                fprintf(err, "%s: option '%s' needs a value\n", prog, argv[optind - 1]);
            cli_usage(err, prog, false);
            return CLI_USAGE;
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
    if (ports_given && opts->feature != FEATURE_MONITOR) {
        fprintf(err, "%s: --dns-port applies to --feature ebpf_monitor only\n", prog);
        cli_usage(err, prog, false);
        return CLI_USAGE;
    }
    if ((opts->allow_file || opts->allow_wide) && opts->feature == FEATURE_MONITOR) {
        fprintf(err, "%s: --allow and --allow-wide apply to --feature ebpf_ipintelligence only\n",
                prog);
        cli_usage(err, prog, false);
        return CLI_USAGE;
    }
    if (opts->dump_dir[0] == '\0' || (opts->feeds_dir && opts->feeds_dir[0] == '\0') ||
        (opts->allow_file && opts->allow_file[0] == '\0') ||
        (opts->check_feed && opts->check_feed[0] == '\0')) {
        fprintf(err, "%s: an empty file or directory name is not allowed\n", prog);
        cli_usage(err, prog, false);
        return CLI_USAGE;
    }
    return CLI_OK;
}
