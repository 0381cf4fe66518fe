#include "app/cli.h"

#include "guard/inbound.h"
#include "guard/persist.h"
#include "output/metrics_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const feature_names[] = {"ebpf_ipintelligence", "ebpf_monitor"};
static const char *const attach_names[] = {"auto", "kprobe", "tracepoint"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *format_choice(size_t i);

#define XSTR(x) #x
#define STR(x) XSTR(x) /* a number's macro as a string literal */

/* --help's option list: a label fills 15 columns; one that fills them exactly is followed
 * by a space, a longer one by two, and the lines that follow line up with the text. */
#define LABEL_WIDTH 15

static void option_help(FILE *out, const struct cli_option *o)
{
    char label[64];
    int len = o->letter ? snprintf(label, sizeof(label), "-%c, --%s", o->letter, o->name)
                        : snprintf(label, sizeof(label), "--%s", o->name);
    if (o->arg)
        len += snprintf(label + len, sizeof(label) - (size_t)len, " %s", o->arg);
    int gap = len < LABEL_WIDTH ? LABEL_WIDTH - len : len == LABEL_WIDTH ? 1 : 2;
    fprintf(out, "  %s%*s", label, gap, "");
    char generated[512] = "";
    if (!o->help)
        o->help_of(generated, sizeof(generated));
    for (const char *line = o->help ? o->help : generated;;) {
        size_t n = strcspn(line, "\n");
        fprintf(out, "%.*s\n", (int)n, line);
        if (line[n] == '\0')
            break;
        line += n + 1;
        fprintf(out, "%*s", 2 + LABEL_WIDTH, "");
    }
}

void cli_usage(FILE *out, const char *prog, bool full)
{
    fprintf(out,
            "usage: %s [--feature ebpf_ipintelligence|ebpf_monitor] "
            "[--block print|deny|suspend|kill|dump]\n"
            "       [--signal-from auto|call|exit|exit-on-demand] [--persist] [--unload]\n"
            "       [--nat64-prefix PREFIX] [--inbound all|IFACE[,IFACE...]]\n"
            "       [--verbose] [--feeds DIR] [--allow FILE] [--allow-wide] [--dump-dir DIR]\n"
            "       [--dump-max MIB] [--dump-total MIB] [--check-feed FILE] [--debug]\n"
            "       [--dns-port LIST] [--netns all|host] [--qtype address|all]\n"
            "       [--attach auto|kprobe|tracepoint]\n"
            "       [--output ",
            prog);
    const char *name;
    for (size_t i = 0; (name = format_choice(i)); i++)
        fprintf(out, "%s%s", i ? "|" : "", name);
    fputs("] [--output-file PATH | --syslog] [-t|--timestamp] [--context]\n"
          "       [--metrics ADDR:PORT] [-p|--pid PID] [-u|--uid UID] [--comm NAME] [-h|--help] "
          "[--version]\n",
          out);
    if (!full)
        return;
    fputs("\nWatch DNS lookups (ebpf_monitor) or outbound connections checked against\n"
          "threat feeds (ebpf_ipintelligence) with eBPF. Runs as root, or with the\n"
          "capabilities it names when one is missing (see ebpfshield-bcc(8)).\n\n",
          out);
    for (size_t i = 0; i < cli_option_count; i++)
        option_help(out, &cli_options[i]);
    fprintf(out,
            "\nEXAMPLES:\n"
            "    %s --feature ebpf_monitor      # every DNS query and A/AAAA answer\n"
            "    %s                             # print connections to feed addresses\n"
            "    %s --block kill --verbose      # kill them, print every connection\n"
            "    %s --block dump --dump-dir /root/cores\n"
            "    %s --block kill --allow /etc/ebpfshield/allow.txt   # SIGHUP reloads\n"
            "    %s --feature ebpf_monitor --dns-port 53,5353\n"
            "    %s --feature ebpf_monitor -t --comm curl\n"
            "    %s --feature ebpf_monitor --qtype all   # TXT, MX, CNAME... too\n"
            "    %s --block deny --output json --syslog   # to a SIEM through rsyslog\n"
            "    %s --output json --output-file /var/log/ebpfshield.json\n"
            "    %s --block deny --metrics 127.0.0.1:9464   # for Prometheus\n",
            prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog);
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
static int parse_ports(const char *text, struct monitor_config *cfg)
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
        cfg->dns.count = n;
        if (dns_ports_has(&cfg->dns, (uint16_t)v))
            return -1;
        cfg->dns.port[n++] = (uint16_t)v;
        if (*end == '\0')
            break;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
    cfg->dns.count = n;
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

/* Index of value among o's values, or -1. */
static int choice(const char *value, const struct cli_option *o)
{
    const char *name;
    for (size_t i = 0; (name = o->choice(i)); i++)
        if (strcmp(value, name) == 0)
            return (int)i;
    return -1;
}

static const char *feature_choice(size_t i)
{
    return i < COUNT(feature_names) ? feature_names[i] : NULL;
}

static const char *const netns_names[] = {"all", "host"};

static const char *netns_choice(size_t i)
{
    return i < COUNT(netns_names) ? netns_names[i] : NULL;
}

static const char *const qtype_names[] = {"address", "all"};

static const char *qtype_choice(size_t i)
{
    return i < COUNT(qtype_names) ? qtype_names[i] : NULL;
}

static const char *attach_choice(size_t i)
{
    return i < COUNT(attach_names) ? attach_names[i] : NULL;
}

static const char *const signal_from_names[] = {"auto", "call", "exit", "exit-on-demand"};

static const char *signal_from_choice(size_t i)
{
    return i < COUNT(signal_from_names) ? signal_from_names[i] : NULL;
}

static const char *block_choice(size_t i)
{
    return i < BLOCK_ACTION_COUNT ? block_actions[i].name : NULL;
}

static const char *format_choice(size_t i)
{
    for (size_t n = 0; n <= i; n++) /* the table ends with NULL */
        if (!output_formats[n])
            return NULL;
    return output_formats[i]->name;
}

/* --output's help: each format's words, "a (...) or b (...)". */
static void formats_help(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; output_formats[i] && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " or " : "", output_formats[i]->help);
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

/* A value the option o does not take: the reason, then the usage. */
static enum cli_result refused(FILE *err, const char *prog, const struct cli_option *o,
                               const char *value)
{
    fprintf(err, "%s: invalid value '%s' for --%s (", prog, value, o->name);
    if (!o->choice)
        fputs(o->expected, err);
    for (size_t i = 0; o->choice && o->choice(i); i++)
        fprintf(err, "%s'%s'", i ? ", " : "choose from ", o->choice(i));
    fprintf(err, ")\n");
    cli_usage(err, prog, false);
    return CLI_USAGE;
}

/* The setters of cli_options: each fills its part (struct options for CLI_PART_APP). */

static int set_feature(void *part, const char *arg, int choice)
{
    (void)arg;
    ((struct options *)part)->feature = (enum feature_id)choice;
    return 0;
}

static int set_attach(void *part, const char *arg, int choice)
{
    (void)arg;
    ((struct options *)part)->attach = (enum attach_mode)choice;
    return 0;
}

static int set_check_feed(void *part, const char *arg, int choice)
{
    (void)choice;
    ((struct options *)part)->check_feed = arg;
    return 0;
}

static int set_debug(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct options *)part)->debug = true;
    return 0;
}

static int set_help(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct options *)part)->help = true;
    return 0;
}

static int set_version(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct options *)part)->version = true;
    return 0;
}

static int set_block(void *part, const char *arg, int choice)
{
    (void)arg;
    ((struct guard_config *)part)->block = (enum block_action)choice;
    return 0;
}

static int set_signal_from(void *part, const char *arg, int choice)
{
    (void)arg;
    ((struct guard_config *)part)->signal_from = (enum signal_from)choice;
    return 0;
}

/* "ADDR/96", the last 32 bits of ADDR zero (RFC 6052's /96 form). */
static int set_nat64_prefix(void *part, const char *arg, int choice)
{
    (void)choice;
    struct guard_config *g = part;
    char addr[INET6_ADDRSTRLEN];
    const char *slash = strchr(arg, '/');
    struct in6_addr a;
    if (!slash || strcmp(slash, "/96") != 0 || (size_t)(slash - arg) >= sizeof(addr))
        return -1;
    memcpy(addr, arg, (size_t)(slash - arg));
    addr[slash - arg] = '\0';
    if (inet_pton(AF_INET6, addr, &a) != 1 || a.s6_addr32[3] != 0)
        return -1;
    memcpy(g->nat64_prefix, &a, sizeof(g->nat64_prefix));
    g->nat64_local = true;
    return 0;
}

static int set_inbound(void *part, const char *arg, int choice)
{
    (void)choice;
    if (!inbound_list_valid(arg))
        return -1;
    ((struct guard_config *)part)->inbound = arg;
    return 0;
}

static int set_persist(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct guard_config *)part)->persist = true;
    return 0;
}

static int set_unload(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct options *)part)->unload = true;
    return 0;
}

static int set_verbose(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct guard_config *)part)->verbose = true;
    return 0;
}

static int set_feeds(void *part, const char *arg, int choice)
{
    (void)choice;
    ((struct guard_config *)part)->feeds_dir = arg;
    return 0;
}

static int set_allow(void *part, const char *arg, int choice)
{
    (void)choice;
    ((struct guard_config *)part)->allow_file = arg;
    return 0;
}

static int set_allow_wide(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct guard_config *)part)->allow_wide = true;
    return 0;
}

static int set_dump_dir(void *part, const char *arg, int choice)
{
    (void)choice;
    ((struct guard_config *)part)->dump_dir = arg;
    return 0;
}

static int set_dump_max(void *part, const char *arg, int choice)
{
    (void)choice;
    return parse_mib(arg, &((struct guard_config *)part)->dump_max_mib);
}

static int set_dump_total(void *part, const char *arg, int choice)
{
    (void)choice;
    return parse_mib(arg, &((struct guard_config *)part)->dump_total_mib);
}

static int set_dns_port(void *part, const char *arg, int choice)
{
    (void)choice;
    return parse_ports(arg, part);
}

static int set_netns(void *part, const char *arg, int choice)
{
    (void)arg;
    ((struct monitor_config *)part)->own_netns_only = choice == 1;
    return 0;
}

static int set_qtype(void *part, const char *arg, int choice)
{
    (void)arg;
    ((struct monitor_config *)part)->all_types = choice == 1;
    return 0;
}

static int set_pid(void *part, const char *arg, int choice)
{
    struct monitor_filter *f = &((struct monitor_config *)part)->filter;
    (void)choice;
    if (parse_number(arg, 1, PID_MAX, &f->pid) != 0)
        return -1;
    f->by_pid = true;
    return 0;
}

static int set_uid(void *part, const char *arg, int choice)
{
    struct monitor_filter *f = &((struct monitor_config *)part)->filter;
    (void)choice;
    if (parse_number(arg, 0, UID_MAX, &f->uid) != 0)
        return -1;
    f->by_uid = true;
    return 0;
}

static int set_comm(void *part, const char *arg, int choice)
{
    (void)choice;
    if (arg[0] == '\0' || strlen(arg) >= EBPFSHIELD_TASK_COMM_LEN)
        return -1;
    ((struct monitor_config *)part)->filter.comm = arg;
    return 0;
}

static int set_output(void *part, const char *arg, int choice)
{
    (void)arg;
    ((struct output_config *)part)->format = output_formats[choice];
    return 0;
}

static int set_output_file(void *part, const char *arg, int choice)
{
    (void)choice;
    ((struct output_config *)part)->file = arg;
    return 0;
}

static int set_syslog(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct output_config *)part)->syslog = true;
    return 0;
}

static int set_metrics(void *part, const char *arg, int choice)
{
    (void)choice;
    struct metrics_addr addr;
    if (metrics_addr_parse(arg, &addr, NULL) != 0)
        return -1;
    ((struct output_config *)part)->metrics = arg;
    return 0;
}

static int set_context(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct output_config *)part)->context = true;
    return 0;
}

static int set_timestamp(void *part, const char *arg, int choice)
{
    (void)arg, (void)choice;
    ((struct output_config *)part)->timestamp = true;
    return 0;
}

const struct cli_option cli_options[] = {
    {"feature", 0, "F", CLI_PART_APP, feature_choice, set_feature, NULL,
     "ebpf_ipintelligence (default) or ebpf_monitor", NULL},
    {"block", 0, "A", CLI_PART_GUARD, block_choice, set_block, NULL,
     "on a feed hit (TCP or UDP, IPv4 or IPv6): print (default,\n"
     "the connection goes on), or have the kernel refuse it, then:\n"
     "deny (nothing more), suspend (SIGSTOP), kill (SIGKILL) or\n"
     "dump (SIGSTOP, core with gcore, then kill)",
     NULL},
    {"signal-from", 0, "S", CLI_PART_GUARD, signal_from_choice, set_signal_from, NULL,
     "where the signal of --block suspend|kill|dump is sent from:\n"
     "auto (default: call where the kernel allows, else\n"
     "exit-on-demand), call (in the refused call itself: no cost\n"
     "to other syscalls), exit (as the call's syscall returns: a\n"
     "tracepoint on every syscall of the host) or exit-on-demand\n"
     "(that tracepoint only while a signal waits: a few ms late)",
     NULL},
    {"nat64-prefix", 0, "PREFIX", CLI_PART_GUARD, NULL, set_nat64_prefix,
     "an IPv6 /96 ending in 32 zero bits, e.g. 2001:db8:64::/96",
     "a local NAT64 prefix (a /96): its addresses are checked\n"
     "as the IPv4 address in their last 32 bits, as those of\n"
     "64:ff9b::/96 always are",
     NULL},
    {"inbound", 0, "all|IFACE[,IFACE...]", CLI_PART_GUARD, NULL, set_inbound,
     "all, or up to 64 interface names separated by commas",
     "ebpf_ipintelligence: also check the source of every packet\n"
     "arriving at these Ethernet interfaces (all: every one up,\n"
     "now or later, but loopback and those on top of others), and the\n"
     "destination of those routed on, against the feeds, in XDP:\n"
     "refusing --block actions drop them; a line for a listed\n"
     "address's first packet, then at most one a minute with its count",
     NULL},
    {"persist", 0, NULL, CLI_PART_GUARD, NULL, set_persist, NULL,
     "with --block deny|suspend|kill|dump: the refusing programs\n"
     "stay attached when the tool exits (pinned in " PERSIST_DIR "),\n"
     "crash and SIGKILL included; the next start replaces them in\n"
     "place, so that nothing gets through in between",
     NULL},
    {"unload", 0, NULL, CLI_PART_APP, NULL, set_unload, NULL,
     "remove what --persist left attached, say what, and exit", NULL},
    {"verbose", 0, NULL, CLI_PART_GUARD, NULL, set_verbose, NULL,
     "ebpf_ipintelligence: print every TCP connection", NULL},
    {"feeds", 0, "DIR", CLI_PART_GUARD, NULL, set_feeds, NULL,
     "directory of feeds: *.txt, *.csv, *.netset, *.ipset (default\n" EBPFSHIELD_FEEDS_DIR
     "); it, its files and every directory above\n"
     "them must be root's and writable by no one else",
     NULL},
    {"allow", 0, "FILE", CLI_PART_GUARD, NULL, set_allow, NULL,
     "addresses, CIDRs or ranges that no feed blocks", NULL},
    {"allow-wide", 0, NULL, CLI_PART_GUARD, NULL, set_allow_wide, NULL,
     "accept feed entries wider than an IPv4 /8 or an IPv6 /16, wide\n"
     "ones over private or local addresses, files over 1/16 of IPv4",
     NULL},
    {"check-feed", 0, "FILE", CLI_PART_APP, NULL, set_check_feed, NULL,
     "read FILE as a feed, say what it holds, exit 0 when it\n"
     "holds an entry and more entries than junk (no eBPF, no root)",
     NULL},
    {"dump-dir", 0, "DIR", CLI_PART_GUARD, NULL, set_dump_dir, NULL,
     "where --block dump writes cores (default " DEFAULT_DUMP_DIR ", created 0700;\n"
     "every directory above it must be root's, writable by no one else)",
     NULL},
    {"dump-max", 0, "MIB", CLI_PART_GUARD, NULL, set_dump_max, "MiB, 1 to 1048576",
     "the most one core may take (default " STR(
         DEFAULT_DUMP_MAX_MIB) "; less when the disk\n"
                               "has less room: 64 MiB are always left free)",
     NULL},
    {"dump-total", 0, "MIB", CLI_PART_GUARD, NULL, set_dump_total, "MiB, 1 to 1048576",
     "the most all cores in the dump directory may take, on disk\n"
     "(default " STR(DEFAULT_DUMP_TOTAL_MIB) "), one user's a quarter of it; past it a\n"
                                             "victim is killed without a core",
     NULL},
    {"dns-port", 0, "LIST", CLI_PART_MONITOR, NULL, set_dns_port,
     "distinct ports from 1 to 65535, comma-separated, at most " STR(EBPFSHIELD_DNS_PORTS_MAX),
     "the DNS server ports, comma-separated: ebpf_monitor watches\n"
     "them, ebpf_ipintelligence checks the names sent to them\n"
     "(default 53; at most " STR(EBPFSHIELD_DNS_PORTS_MAX) ", e.g. 53,5353,5335)",
     NULL},
    {"netns", 0, "N", CLI_PART_MONITOR, netns_choice, set_netns, NULL,
     "ebpf_monitor: all (default: the DNS of every network\n"
     "namespace, containers' included) or host (only the\n"
     "namespace the tool runs in)",
     NULL},
    {"qtype", 0, "T", CLI_PART_MONITOR, qtype_choice, set_qtype, NULL,
     "ebpf_monitor, text output: address (default: A and AAAA\n"
     "questions and answers, the original's lines) or all (every\n"
     "type, answers with their data: TXT, MX, CNAME...)",
     NULL},
    {"attach", 0, "M", CLI_PART_APP, attach_choice, set_attach, NULL,
     "auto (default: kprobes if the kernel has them, else\n"
     "tracepoints), kprobe or tracepoint",
     NULL},
    {"output", 0, "F", CLI_PART_OUTPUT, format_choice, set_output, NULL, NULL, formats_help},
    {"output-file", 0, "PATH", CLI_PART_OUTPUT, NULL, set_output_file, NULL,
     "events appended to PATH instead of standard output\n"
     "(created 0600, never through a symlink; reopened on SIGHUP)",
     NULL},
    {"syslog", 0, NULL, CLI_PART_OUTPUT, NULL, set_syslog, NULL,
     "events to syslog: facility authpriv for feed hits, daemon for\n"
     "DNS events and connections, one event per message",
     NULL},
    {"metrics", 0, "ADDR:PORT", CLI_PART_OUTPUT, NULL, set_metrics,
     "PORT (on 127.0.0.1), A.B.C.D:PORT or [IPV6]:PORT",
     "serve Prometheus metrics at http://ADDR:PORT/metrics (DNS\n"
     "messages, feed hits, losses, feed entries, reloads)",
     NULL},
    {"timestamp", 't', NULL, CLI_PART_OUTPUT, NULL, set_timestamp, NULL,
     "text lines start with the local time (ISO 8601, ms)", NULL},
    {"context", 0, NULL, CLI_PART_OUTPUT, NULL, set_context, NULL,
     "ebpf_monitor, text: each line ends with NETNS= (the network\n"
     "namespace's cookie), CGROUP= and CONTAINER= (runtime:id, or -);\n"
     "JSON always has them",
     NULL},
    {"pid", 'p', "PID", CLI_PART_MONITOR, NULL, set_pid, "a process id",
     "ebpf_monitor: only the DNS packets of process PID", NULL},
    {"uid", 'u', "UID", CLI_PART_MONITOR, NULL, set_uid, "a user id",
     "ebpf_monitor: only those of user UID", NULL},
    {"comm", 0, "NAME", CLI_PART_MONITOR, NULL, set_comm, "a process name of 1 to 15 bytes",
     "ebpf_monitor: only those of processes named NAME", NULL},
    {"debug", 0, NULL, CLI_PART_APP, NULL, set_debug, NULL,
     "also show libbcc's messages that say nothing to act on\n"
     "(\"sha1 socket not available\", \"cannot get prog tag\")",
     NULL},
    {"help", 'h', NULL, CLI_PART_APP, NULL, set_help, NULL, "this help", NULL},
    {"version", 0, NULL, CLI_PART_APP, NULL, set_version, NULL, "print the version", NULL},
};
const size_t cli_option_count = COUNT(cli_options);

/* getopt_long's val for cli_options[i] is LONG_VAL + i, clear of every short option. */
#define LONG_VAL 256

/* getopt_long's tables for cli_options: longs has cli_option_count + 1 entries, shorts
 * room for ":" and three characters per option. */
static void getopt_tables(struct option *longs, char *shorts)
{
    *shorts++ = ':'; /* a missing value returns ':' */
    for (size_t i = 0; i < cli_option_count; i++) {
        const struct cli_option *o = &cli_options[i];
        longs[i] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL,
                                   LONG_VAL + (int)i};
        if (o->letter) {
            *shorts++ = o->letter;
            if (o->arg)
                *shorts++ = ':';
        }
    }
    longs[cli_option_count] = (struct option){NULL, 0, NULL, 0};
    *shorts = '\0';
}

/* The option getopt_long returned as c, or NULL. */
static const struct cli_option *option_of(int c)
{
    if (c >= LONG_VAL)
        return &cli_options[c - LONG_VAL];
    for (size_t i = 0; i < cli_option_count; i++)
        if (cli_options[i].letter == c)
            return &cli_options[i];
    return NULL;
}

static void *part_of(struct options *opts, enum cli_part part)
{
    switch (part) {
    case CLI_PART_OUTPUT:
        return &opts->output;
    case CLI_PART_GUARD:
        return &opts->guard;
    case CLI_PART_MONITOR:
        return &opts->monitor;
    default:
        return opts;
    }
}

/* An option getopt_long does not know; optopt is the character of a bad short option, in
 * any cluster. */
static enum cli_result unknown(FILE *err, const char *prog, const char *word)
{
    if (optopt > 0 && optopt < LONG_VAL)
        fprintf(err, "%s: unknown option '-%c'\n", prog, optopt);
    else
        fprintf(err, "%s: unknown option '%s'\n", prog, word);
    cli_usage(err, prog, false);
    return CLI_USAGE;
}

/* What each option allows alone is checked; now what they allow together. */
static enum cli_result check_together(FILE *err, const char *prog, const struct options *opts)
{
    const struct guard_config *g = &opts->guard;
    const struct output_config *out = &opts->output;
    const struct monitor_filter *filter = &opts->monitor.filter;
    bool monitor = opts->feature == FEATURE_MONITOR;
    if ((filter->by_pid || filter->by_uid || filter->comm || opts->monitor.own_netns_only ||
         opts->monitor.all_types) &&
        !monitor)
        return misuse(err, prog,
                      "-p, -u, --comm, --netns and --qtype apply to --feature ebpf_monitor only");
    if (opts->monitor.all_types && out->format->structured)
        return misuse(err, prog,
                      "--qtype applies to --output text (JSON describes every type already)");
    if (out->file && out->syslog)
        return misuse(err, prog, "events go to --output-file or to --syslog, not both");
    if (out->timestamp && out->format->structured)
        return misuse(err, prog, "--timestamp applies to --output text (JSON has @timestamp)");
    if (out->context && (out->format->structured || !monitor))
        return misuse(err, prog,
                      "--context applies to --feature ebpf_monitor with --output text (JSON "
                      "has the fields)");
    if (g->persist && (monitor || !block_actions[g->block].refuses))
        return misuse(err, prog,
                      "--persist applies to --feature ebpf_ipintelligence with --block "
                      "deny|suspend|kill|dump (print leaves nothing to keep)");
    if (g->inbound && monitor)
        return misuse(err, prog, "--inbound applies to --feature ebpf_ipintelligence only");
    if (opts->unload && g->persist)
        return misuse(err, prog, "--unload removes what --persist keeps: not both");
    if (g->nat64_local && monitor)
        return misuse(err, prog, "--nat64-prefix applies to --feature ebpf_ipintelligence only");
    if ((g->allow_file || g->allow_wide) && monitor)
        return misuse(err, prog,
                      "--allow and --allow-wide apply to --feature ebpf_ipintelligence only");
    if (g->dump_dir[0] == '\0' || (g->feeds_dir && g->feeds_dir[0] == '\0') ||
        (g->allow_file && g->allow_file[0] == '\0') ||
        (opts->check_feed && opts->check_feed[0] == '\0') || (out->file && out->file[0] == '\0'))
        return misuse(err, prog, "an empty file or directory name is not allowed");
    return CLI_OK;
}

/* One option o with its value arg (NULL for a flag) into opts. */
static enum cli_result take(FILE *err, const char *prog, const struct cli_option *o,
                            const char *arg, struct options *opts)
{
    int index = -1;
    if (o->choice && (index = choice(arg, o)) < 0)
        return refused(err, prog, o, arg);
    if (o->set(part_of(opts, o->part), arg, index) != 0)
        return refused(err, prog, o, arg);
    return CLI_OK;
}

enum cli_result cli_parse(int argc, char **argv, struct options *opts, FILE *err)
{
    struct option longs[COUNT(cli_options) + 1];
    char shorts[1 + 3 * COUNT(cli_options) + 1];
    getopt_tables(longs, shorts);
    const char *prog = argc > 0 ? argv[0] : "ebpfshield-bcc";
    /* The DNS ports stay empty until the end, so that a --dns-port given shows. */
    *opts = (struct options){.output = {.format = output_formats[0]},
                             .guard = {.dump_dir = DEFAULT_DUMP_DIR,
                                       .dump_max_mib = DEFAULT_DUMP_MAX_MIB,
                                       .dump_total_mib = DEFAULT_DUMP_TOTAL_MIB}};

    optind = 0; /* full reset, so that tests may parse several times */
    opterr = 0;
    int c, idx;
    while ((idx = -1, c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
        if (optarg && strncmp(optarg, "--", 2) == 0) /* "--feeds --verbose": no value */
            return idx >= 0 ? missing_value(err, prog, "--%s", longs[idx].name)
                            : missing_value(err, prog, "-%c", c);
        if (c == ':') /* the last word */
            return missing_value(err, prog, "%s", argv[optind - 1]);
        const struct cli_option *o = option_of(c);
        if (!o)
            return unknown(err, prog, argv[optind - 1]);
        if (take(err, prog, o, optarg, opts) != CLI_OK)
            return CLI_USAGE;
    }
    if (optind < argc) {
        fprintf(err, "%s: unexpected argument '%s'\n", prog, argv[optind]);
        cli_usage(err, prog, false);
        return CLI_USAGE;
    }
    if (check_together(err, prog, opts) != CLI_OK)
        return CLI_USAGE;
    if (opts->monitor.dns.count == 0)
        opts->monitor.dns = (struct dns_ports){.port = {EBPFSHIELD_DEFAULT_DNS_PORT}, .count = 1};
    opts->guard.dns = opts->monitor.dns;
    return CLI_OK;
}
