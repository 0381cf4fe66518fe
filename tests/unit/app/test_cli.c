/* Unit tests of the command line: defaults, every accepted flag and value in both the
 * "--flag value" and "--flag=value" forms, the exact error messages (each followed by the
 * short usage) and the --help text, whose EXAMPLES must all parse. cli_parse runs many
 * times in this one process, which also checks that it resets getopt. The output flags
 * (--output, --output-file, --syslog, -t) and the monitor's filters (-p, -u, --comm) are
 * checked in every form, each bad value and conflict with its exact message. */
#include "check.h"
#include "app/cli.h"
#include "testlib.h"

#include <stdlib.h>

#define PROG "ebpfshield-bcc"
#define MAX_ARGS 16

/* argv of the last parse (its strings stay valid until the next one) and its err text. */
static char arg_store[MAX_ARGS][256];
static char *argv_buf[MAX_ARGS + 1];
static char *err_text;

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_ARGS ((const char *const[]){NULL})

/* Runs cli_parse on PROG followed by args (NULL-terminated), capturing err_text. */
static enum cli_result parse(const char *const *args, struct options *opts)
{
    int argc = 0;
    struct capture c;

    snprintf(arg_store[0], sizeof(arg_store[0]), "%s", PROG);
    argv_buf[argc++] = arg_store[0];
    for (; args[argc - 1] && argc < MAX_ARGS; argc++) {
        snprintf(arg_store[argc], sizeof(arg_store[0]), "%s", args[argc - 1]);
        argv_buf[argc] = arg_store[argc];
    }
    argv_buf[argc] = NULL;
    free(err_text);
    capture_open(&c);
    enum cli_result rc = cli_parse(argc, argv_buf, opts, c.f);
    err_text = capture_text(&c);
    return rc;
}

/* The usage text of cli_usage(prog, full); the caller frees it. */
static char *usage_text(const char *prog, bool full)
{
    struct capture c;

    capture_open(&c);
    cli_usage(c.f, prog, full);
    return capture_text(&c);
}

/* Expects args to be refused with exactly the line msg followed by the short usage. */
static void check_refused_at(int line, const char *const *args, const char *msg)
{
    struct options opts;
    char *usage = usage_text(PROG, false), *want;

    if (asprintf(&want, "%s\n%s", msg, usage) < 0)
        exit(2);
    if (parse(args, &opts) != CLI_USAGE || strcmp(err_text, want) != 0) {
        fprintf(stderr, "%s:%d: args starting with \"%s\": got stderr\n%s\nwant\n%s\n", __FILE__,
                line, args[0] ? args[0] : "", err_text, want);
        check_failures++;
    }
    free(want);
    free(usage);
}

#define check_refused(args, msg) check_refused_at(__LINE__, args, msg)

static void test_defaults(void)
{
    struct options opts;

    CHECK_INT(parse(NO_ARGS, &opts), CLI_OK);
    CHECK_STR(err_text, "");
    CHECK_INT(opts.feature, FEATURE_GUARD);
    CHECK_INT(opts.guard.block, BLOCK_PRINT);
    CHECK_INT(opts.attach, ATTACH_AUTO);
    CHECK_STR(opts.guard.dump_dir, "/var/lib/ebpfshield/dumps");
    CHECK(opts.guard.feeds_dir == NULL);
    CHECK(!opts.guard.verbose);
    CHECK(!opts.help);
    CHECK(!opts.version);
}

struct choice {
    const char *flag;
    const char *value;
    int want;
};

static const struct choice choices[] = {
    {"--feature", "ebpf_ipintelligence", FEATURE_GUARD},
    {"--feature", "ebpf_monitor", FEATURE_MONITOR},
    {"--block", "print", BLOCK_PRINT},
    {"--block", "dump", BLOCK_DUMP},
    {"--block", "suspend", BLOCK_SUSPEND},
    {"--block", "kill", BLOCK_KILL},
    {"--block", "deny", BLOCK_DENY},
    {"--attach", "auto", ATTACH_AUTO},
    {"--attach", "kprobe", ATTACH_KPROBE},
    {"--attach", "tracepoint", ATTACH_TRACEPOINT},
};

/* The field a choice sets. */
static int chosen(const struct options *opts, const char *flag)
{
    if (strcmp(flag, "--feature") == 0)
        return (int)opts->feature;
    if (strcmp(flag, "--block") == 0)
        return (int)opts->guard.block;
    return (int)opts->attach;
}

static void check_choice(const struct choice *c, const char *const *args)
{
    struct options opts;

    if (parse(args, &opts) != CLI_OK || chosen(&opts, c->flag) != c->want || err_text[0] != '\0') {
        fprintf(stderr, "%s:%d: %s %s: not parsed to %d (stderr \"%s\")\n", __FILE__, __LINE__,
                c->flag, c->value, c->want, err_text);
        check_failures++;
    }
}

static void test_choices(void)
{
    char joined[300];

    for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
        const struct choice *c = &choices[i];
        check_choice(c, ARGS(c->flag, c->value));
        snprintf(joined, sizeof(joined), "%s=%s", c->flag, c->value);
        check_choice(c, ARGS(joined));
    }
}

static void test_flags(void)
{
    struct options opts;

    CHECK_INT(parse(ARGS("--verbose"), &opts), CLI_OK);
    CHECK(opts.guard.verbose);
    CHECK(!opts.debug && !opts.guard.allow_wide && !opts.guard.allow_file && !opts.check_feed);
    CHECK_INT(parse(ARGS("--debug", "--allow-wide", "--allow", "a.txt"), &opts), CLI_OK);
    CHECK(opts.debug && opts.guard.allow_wide);
    CHECK_STR(opts.guard.allow_file, "a.txt");
    CHECK_INT(parse(ARGS("--check-feed", "x.csv"), &opts), CLI_OK);
    CHECK_STR(opts.check_feed, "x.csv");
    check_refused(ARGS("--feature", "ebpf_monitor", "--allow-wide"),
                  PROG ": --allow and --allow-wide apply to --feature ebpf_ipintelligence only");
    CHECK_INT(parse(ARGS("--feeds", "/srv/feeds"), &opts), CLI_OK);
    CHECK_STR(opts.guard.feeds_dir, "/srv/feeds");
    CHECK_INT(parse(ARGS("--feeds=rel/feeds"), &opts), CLI_OK);
    CHECK_STR(opts.guard.feeds_dir, "rel/feeds");
    CHECK_INT(parse(ARGS("--dump-dir", "/root/cores"), &opts), CLI_OK);
    CHECK_STR(opts.guard.dump_dir, "/root/cores");
    CHECK_INT(parse(ARGS("--dump-dir=/tmp/c d"), &opts), CLI_OK);
    CHECK_STR(opts.guard.dump_dir, "/tmp/c d");
    CHECK_INT(parse(ARGS("-h"), &opts), CLI_OK);
    CHECK(opts.help && !opts.version);
    CHECK_INT(parse(ARGS("--help"), &opts), CLI_OK);
    CHECK(opts.help && !opts.version);
    CHECK_INT(parse(ARGS("--version"), &opts), CLI_OK);
    CHECK(opts.version && !opts.help);
    CHECK_STR(err_text, "");
}

/* Everything at once, in any order; the last of a repeated flag wins. */
static void test_combined(void)
{
    struct options opts;

    CHECK_INT(parse(ARGS("--block", "kill", "--verbose", "--feature=ebpf_monitor", "--feeds", "f",
                         "--attach", "tracepoint", "--dump-dir=d", "--block=suspend"),
                    &opts),
              CLI_OK);
    CHECK_INT(opts.feature, FEATURE_MONITOR);
    CHECK_INT(opts.guard.block, BLOCK_SUSPEND);
    CHECK_INT(opts.attach, ATTACH_TRACEPOINT);
    CHECK_STR(opts.guard.feeds_dir, "f");
    CHECK_STR(opts.guard.dump_dir, "d");
    CHECK(opts.guard.verbose && !opts.help && !opts.version);
    /* The next parse starts from the defaults again, not from the previous options. */
    CHECK_INT(parse(ARGS("--attach", "kprobe"), &opts), CLI_OK);
    CHECK_INT(opts.attach, ATTACH_KPROBE);
    CHECK_INT(opts.feature, FEATURE_GUARD);
    CHECK_INT(opts.guard.block, BLOCK_PRINT);
    CHECK(opts.guard.feeds_dir == NULL && !opts.guard.verbose);
    CHECK_STR(opts.guard.dump_dir, DEFAULT_DUMP_DIR);
}

static void test_unknown_flag(void)
{
    check_refused(ARGS("--bogus"), PROG ": unknown option '--bogus'");
    check_refused(ARGS("--verbose", "--bogus=1"), PROG ": unknown option '--bogus=1'");
    check_refused(ARGS("-x"), PROG ": unknown option '-x'");
    check_refused(ARGS("-v"), PROG ": unknown option '-v'");
    check_refused(ARGS("--verbose", "-hx"), PROG ": unknown option '-x'");
    check_refused(ARGS("-xh"), PROG ": unknown option '-x'");
    /* A value given to a flag that takes none: the whole argument is named. */
    check_refused(ARGS("--help=yes"), PROG ": unknown option '--help=yes'");
    check_refused(ARGS("--verbose=1"), PROG ": unknown option '--verbose=1'");
}

static void test_unknown_value(void)
{
    check_refused(ARGS("--feature", "monitor"),
                  PROG ": invalid value 'monitor' for --feature (choose from "
                       "'ebpf_ipintelligence', 'ebpf_monitor')");
    check_refused(ARGS("--block=nuke"), PROG ": invalid value 'nuke' for --block (choose from "
                                             "'print', 'dump', 'suspend', 'kill', 'deny')");
    check_refused(ARGS("--block", "KILL"), PROG ": invalid value 'KILL' for --block (choose "
                                                "from 'print', 'dump', 'suspend', 'kill', 'deny')");
    check_refused(ARGS("--attach", "uprobe"), PROG ": invalid value 'uprobe' for --attach "
                                                   "(choose from 'auto', 'kprobe', "
                                                   "'tracepoint')");
    check_refused(ARGS("--attach="), PROG ": invalid value '' for --attach (choose from "
                                          "'auto', 'kprobe', 'tracepoint')");
}

static void test_missing_value(void)
{
    check_refused(ARGS("--feature"), PROG ": option '--feature' needs a value");
    check_refused(ARGS("--verbose", "--block"), PROG ": option '--block' needs a value");
    check_refused(ARGS("--attach"), PROG ": option '--attach' needs a value");
    check_refused(ARGS("--feeds"), PROG ": option '--feeds' needs a value");
    check_refused(ARGS("--dump-dir"), PROG ": option '--dump-dir' needs a value");
}

static void test_stray_argument(void)
{
    check_refused(ARGS("extra"), PROG ": unexpected argument 'extra'");
    check_refused(ARGS("--block", "kill", "kill"), PROG ": unexpected argument 'kill'");
    check_refused(ARGS("x", "--verbose"), PROG ": unexpected argument 'x'");
    check_refused(ARGS("--", "--verbose"), PROG ": unexpected argument '--verbose'");
}

static void test_empty_dir(void)
{
    check_refused(ARGS("--dump-dir="), PROG ": an empty file or directory name is not allowed");
    check_refused(ARGS("--dump-dir", ""), PROG ": an empty file or directory name is not allowed");
    check_refused(ARGS("--feeds="), PROG ": an empty file or directory name is not allowed");
    check_refused(ARGS("--feeds", ""), PROG ": an empty file or directory name is not allowed");
}

/* Messages and usage name the program as argv[0] has it; without argv[0] the defaults
 * still parse. */
static void test_program_name(void)
{
    char prog[] = "/usr/sbin/ebpfshield-bcc", flag[] = "--bogus";
    char *argv[] = {prog, flag, NULL};
    char *usage = usage_text(prog, false), *want, *got;
    struct options opts;
    struct capture c;

    if (asprintf(&want, "%s: unknown option '--bogus'\n%s", prog, usage) < 0)
        exit(2);
    capture_open(&c);
    CHECK_INT(cli_parse(2, argv, &opts, c.f), CLI_USAGE);
    got = capture_text(&c);
    CHECK_STR(got, want);
    CHECK(strncmp(usage, "usage: /usr/sbin/ebpfshield-bcc [", 33) == 0);
    free(got);
    free(want);
    free(usage);
    argv[0] = NULL;
    CHECK_INT(cli_parse(0, argv, &opts, stderr), CLI_OK);
    CHECK_INT(opts.feature, FEATURE_GUARD);
    CHECK_STR(opts.guard.dump_dir, DEFAULT_DUMP_DIR);
}

/* Parses an example line (after the program name, up to a '#' comment) as argv. */
static void check_example(char *line)
{
    const char *words[MAX_ARGS] = {NULL};
    struct options opts;
    int n = 0;
    char *comment = strchr(line, '#'), *save = NULL;

    if (comment)
        *comment = '\0';
    strtok_r(line, " ", &save); /* the program name */
    for (char *w; n < MAX_ARGS - 1 && (w = strtok_r(NULL, " ", &save)); n++)
        words[n] = w;
    if (parse(words, &opts) != CLI_OK) {
        fprintf(stderr, "%s:%d: example does not parse: %s\n", __FILE__, __LINE__, err_text);
        check_failures++;
    }
}

/* Checks that every line after EXAMPLES: (the last section) is an indented invocation of
 * prog that parses; returns how many there are. */
static int check_examples_of(const char *prog)
{
    char *help = usage_text(prog, true), *save = NULL;
    const char *ex = strstr(help, "\nEXAMPLES:\n");
    int count = 0;

    CHECK(ex != NULL);
    CHECK(help[0] && help[strlen(help) - 1] == '\n');
    char *rest = ex ? strdup(ex + strlen("\nEXAMPLES:\n")) : strdup("");
    for (char *line = strtok_r(rest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line += strspn(line, " ");
        size_t len = strlen(prog);
        if (strncmp(line, prog, len) != 0 || (line[len] != ' ' && line[len] != '\0')) {
            fprintf(stderr, "%s:%d: not an invocation of %s: \"%s\"\n", __FILE__, __LINE__, prog,
                    line);
            check_failures++;
            continue;
        }
        check_example(line);
        count++;
    }
    free(rest);
    free(help);
    return count;
}

static void test_help(void)
{
    char *brief = usage_text(PROG, false), *full = usage_text(PROG, true);

    /* The short usage opens the help and names every flag. */
    CHECK(strncmp(full, brief, strlen(brief)) == 0);
    CHECK(strncmp(brief, "usage: " PROG " ", strlen("usage: " PROG " ")) == 0);
    const char *flags[] = {"--feature",  "--block",  "--verbose", "--feeds",
                           "--dump-dir", "--attach", "--help",    "--version"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (!strstr(brief, flags[i]) || !strstr(full + strlen(brief), flags[i])) {
            fprintf(stderr, "%s:%d: %s missing from the usage or help\n", __FILE__, __LINE__,
                    flags[i]);
            check_failures++;
        }
    CHECK(strstr(full, DEFAULT_DUMP_DIR) != NULL);
    CHECK(check_examples_of(PROG) >= 3);
    CHECK(check_examples_of("./build/ebpfshield-bcc") >= 3);
    free(brief);
    free(full);
}

/* --output, --output-file, --syslog, -t and the monitor's filters -p, -u, --comm: every
 * accepted form, long and short, joined and clustered. */
static void test_output_flags(void)
{
    struct options opts;

    CHECK_INT(parse(NO_ARGS, &opts), CLI_OK);
    CHECK(opts.output.format == output_format_named("text"));
    CHECK(opts.output.file == NULL && !opts.output.syslog && !opts.output.timestamp);
    CHECK(!opts.monitor.filter.by_pid && !opts.monitor.filter.by_uid &&
          opts.monitor.filter.comm == NULL);
    CHECK_INT(parse(ARGS("--output", "json"), &opts), CLI_OK);
    CHECK(opts.output.format == output_format_named("json"));
    CHECK_INT(parse(ARGS("--output=json", "--output", "text"), &opts), CLI_OK);
    CHECK(opts.output.format == output_format_named("text"));
    CHECK_INT(parse(ARGS("--output=json"), &opts), CLI_OK);
    CHECK(opts.output.format == output_format_named("json"));
    CHECK_INT(parse(ARGS("--output-file", "/var/log/e.json"), &opts), CLI_OK);
    CHECK_STR(opts.output.file, "/var/log/e.json");
    CHECK(!opts.output.syslog);
    CHECK_INT(parse(ARGS("--output-file=rel/e.log", "--output", "json"), &opts), CLI_OK);
    CHECK_STR(opts.output.file, "rel/e.log");
    CHECK(opts.output.format == output_format_named("json"));
    CHECK_INT(parse(ARGS("--syslog", "--output=json"), &opts), CLI_OK);
    CHECK(opts.output.syslog && opts.output.file == NULL);
    CHECK_INT(parse(ARGS("-t"), &opts), CLI_OK);
    CHECK(opts.output.timestamp);
    CHECK_INT(parse(ARGS("--timestamp", "--syslog", "--output", "text"), &opts), CLI_OK);
    CHECK(opts.output.timestamp && opts.output.syslog);
    CHECK(opts.output.format == output_format_named("text"));
    CHECK(!opts.monitor.all_types);
    CHECK_INT(parse(ARGS("--feature", "ebpf_monitor", "--qtype", "all"), &opts), CLI_OK);
    CHECK(opts.monitor.all_types);
    CHECK_INT(parse(ARGS("--feature", "ebpf_monitor", "--qtype=all", "--qtype", "address"), &opts),
              CLI_OK);
    CHECK(!opts.monitor.all_types);
    CHECK_STR(err_text, "");
}

static void check_filter_at(int line, const char *const *args, bool by_pid, uint32_t pid,
                            bool by_uid, uint32_t uid, const char *comm, bool timestamp)
{
    struct options opts;
    enum cli_result rc = parse(args, &opts);
    if (rc != CLI_OK || opts.monitor.filter.by_pid != by_pid ||
        (by_pid && opts.monitor.filter.pid != pid) || opts.monitor.filter.by_uid != by_uid ||
        (by_uid && opts.monitor.filter.uid != uid) ||
        (comm ? !opts.monitor.filter.comm || strcmp(opts.monitor.filter.comm, comm) != 0
              : !!opts.monitor.filter.comm) ||
        opts.output.timestamp != timestamp || opts.feature != FEATURE_MONITOR || err_text[0]) {
        fprintf(stderr,
                "%s:%d: rc %d, pid %d/%u, uid %d/%u, comm %s, timestamp %d (stderr \"%s\")\n",
                __FILE__, line, rc, opts.monitor.filter.by_pid, opts.monitor.filter.pid,
                opts.monitor.filter.by_uid, opts.monitor.filter.uid,
                opts.monitor.filter.comm ? opts.monitor.filter.comm : "(null)",
                opts.output.timestamp, err_text);
        check_failures++;
    }
}

#define check_filter(args, ...) check_filter_at(__LINE__, args, __VA_ARGS__)
#define MON "--feature", "ebpf_monitor"

static void test_filters(void)
{
    check_filter(ARGS(MON, "-p", "5"), true, 5, false, 0, NULL, false);
    check_filter(ARGS(MON, "-p5"), true, 5, false, 0, NULL, false);
    check_filter(ARGS(MON, "--pid", "4194304"), true, 4194304, false, 0, NULL, false);
    check_filter(ARGS(MON, "--pid=1"), true, 1, false, 0, NULL, false);
    check_filter(ARGS("-tp", "5", MON), true, 5, false, 0, NULL, true);
    check_filter(ARGS(MON, "-tp5"), true, 5, false, 0, NULL, true);
    check_filter(ARGS(MON, "-u", "0"), false, 0, true, 0, NULL, false);
    check_filter(ARGS(MON, "-u1000"), false, 0, true, 1000, NULL, false);
    check_filter(ARGS(MON, "--uid", "4294967294"), false, 0, true, 4294967294u, NULL, false);
    check_filter(ARGS(MON, "--uid=65534", "-t"), false, 0, true, 65534, NULL, true);
    check_filter(ARGS(MON, "--comm", "curl"), false, 0, false, 0, "curl", false);
    check_filter(ARGS(MON, "--comm=a b"), false, 0, false, 0, "a b", false);
    check_filter(ARGS(MON, "--comm", "fifteen-bytes-x"), false, 0, false, 0, "fifteen-bytes-x",
                 false);
    check_filter(ARGS(MON, "-tu", "7", "-p", "9", "--comm", "dig", "--timestamp"), true, 9, true, 7,
                 "dig", true);
    /* the last of a repeated one wins */
    check_filter(ARGS(MON, "-p", "3", "--pid", "4", "--comm", "x", "--comm", "y"), true, 4, false,
                 0, "y", false);
}

static void test_output_refused(void)
{
    check_refused(ARGS("--output", "xml"),
                  PROG ": invalid value 'xml' for --output (choose from 'text', 'json')");
    check_refused(ARGS("--output=JSON"),
                  PROG ": invalid value 'JSON' for --output (choose from 'text', 'json')");
    check_refused(ARGS("--output"), PROG ": option '--output' needs a value");
    check_refused(ARGS("--output", "--syslog"), PROG ": option '--output' needs a value");
    check_refused(ARGS("--output-file"), PROG ": option '--output-file' needs a value");
    check_refused(ARGS("--output-file", ""),
                  PROG ": an empty file or directory name is not allowed");
    check_refused(ARGS("--output-file="), PROG ": an empty file or directory name is not allowed");
    check_refused(ARGS("--output-file", "x", "--syslog"),
                  PROG ": events go to --output-file or to --syslog, not both");
    check_refused(ARGS("--syslog", "--output-file=x"),
                  PROG ": events go to --output-file or to --syslog, not both");
    check_refused(ARGS("-t", "--output", "json"),
                  PROG ": --timestamp applies to --output text (JSON has @timestamp)");
    check_refused(ARGS("--output=json", "--timestamp"),
                  PROG ": --timestamp applies to --output text (JSON has @timestamp)");
    check_refused(ARGS("--syslog=yes"), PROG ": unknown option '--syslog=yes'");
    check_refused(ARGS("--timestamp=1"), PROG ": unknown option '--timestamp=1'");
}

static void test_filters_refused(void)
{
    const char *pid_msg = PROG ": invalid value '%s' for --pid (a process id)";
    const char *uid_msg = PROG ": invalid value '%s' for --uid (a user id)";
    const char *bad_pids[] = {
        "0", "4194305", "12a", "-1", "+5", " 5", "", "0x10", "99999999999999999999"};
    const char *bad_uids[] = {"-1", "4294967295", "4294967296", "1e3", "", "+0", "0x1"};
    char msg[256];
    for (size_t i = 0; i < sizeof(bad_pids) / sizeof(bad_pids[0]); i++) {
        snprintf(msg, sizeof(msg), pid_msg, bad_pids[i]);
        check_refused(ARGS(MON, "-p", bad_pids[i]), msg);
        check_refused(ARGS(MON, "--pid", bad_pids[i]), msg);
    }
    for (size_t i = 0; i < sizeof(bad_uids) / sizeof(bad_uids[0]); i++) {
        snprintf(msg, sizeof(msg), uid_msg, bad_uids[i]);
        check_refused(ARGS(MON, "-u", bad_uids[i]), msg);
        check_refused(ARGS(MON, "--uid", bad_uids[i]), msg);
    }
    check_refused(ARGS(MON, "-p12a"), PROG ": invalid value '12a' for --pid (a process id)");
    check_refused(ARGS(MON, "--pid=0"), PROG ": invalid value '0' for --pid (a process id)");
    check_refused(ARGS(MON, "--comm", ""),
                  PROG ": invalid value '' for --comm (a process name of 1 to 15 bytes)");
    check_refused(ARGS(MON, "--comm=sixteen-bytes-xx"),
                  PROG ": invalid value 'sixteen-bytes-xx' for --comm (a process name of 1 to "
                       "15 bytes)");
    check_refused(ARGS(MON, "--pid"), PROG ": option '--pid' needs a value");
    check_refused(ARGS(MON, "-p"), PROG ": option '-p' needs a value");
    check_refused(ARGS(MON, "--uid"), PROG ": option '--uid' needs a value");
    check_refused(ARGS(MON, "-u"), PROG ": option '-u' needs a value");
    check_refused(ARGS(MON, "--comm"), PROG ": option '--comm' needs a value");
    check_refused(ARGS(MON, "-p", "--verbose"), PROG ": option '-p' needs a value");
    check_refused(ARGS(MON, "--pid", "--verbose"), PROG ": option '--pid' needs a value");
    check_refused(ARGS(MON, "-u", "--comm", "x"), PROG ": option '-u' needs a value");
    check_refused(ARGS(MON, "--comm", "--pid"), PROG ": option '--comm' needs a value");
    /* ebpf_ipintelligence (the default) has no filter */
    const char *only =
        PROG ": -p, -u, --comm, --netns and --qtype apply to --feature ebpf_monitor only";
    check_refused(ARGS("-p", "1"), only);
    check_refused(ARGS("--netns", "host"), only);
    check_refused(ARGS("--qtype", "all"), only);
    check_refused(ARGS(MON, "--qtype", "all", "--output", "json"),
                  PROG ": --qtype applies to --output text (JSON describes every type already)");
    check_refused(ARGS(MON, "--qtype", "txt"),
                  PROG ": invalid value 'txt' for --qtype (choose from 'address', 'all')");
    const char *context = PROG ": --context applies to --feature ebpf_monitor with --output text "
                               "(JSON has the fields)";
    check_refused(ARGS("--context"), context);
    check_refused(ARGS(MON, "--context", "--output", "json"), context);
    check_refused(ARGS(MON, "--netns", "guest"),
                  PROG ": invalid value 'guest' for --netns (choose from "
                       "'all', 'host')");
    check_refused(ARGS("-u", "0"), only);
    check_refused(ARGS("--comm", "x"), only);
    check_refused(ARGS("--feature", "ebpf_ipintelligence", "--pid=1"), only);
    check_refused(ARGS("--comm=x", "--feature", "ebpf_ipintelligence"), only);
}

/* The new flags are in the short usage and explained in the help. */
static void test_help_output_flags(void)
{
    char *brief = usage_text(PROG, false), *full = usage_text(PROG, true);
    const char *flags[] = {"--output", "--output-file", "--syslog", "--timestamp", "--pid",
                           "--uid",    "--comm",        "-t",       "-p",          "-u",
                           "--netns",  "--context",     "--qtype"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (!strstr(brief, flags[i]) || !strstr(full + strlen(brief), flags[i])) {
            fprintf(stderr, "%s:%d: %s missing from the usage or help\n", __FILE__, __LINE__,
                    flags[i]);
            check_failures++;
        }
    free(brief);
    free(full);
}

int main(void)
{
    test_defaults();
    test_choices();
    test_flags();
    test_combined();
    test_unknown_flag();
    test_unknown_value();
    test_missing_value();
    test_stray_argument();
    test_empty_dir();
    test_program_name();
    test_help();
    test_output_flags();
    test_filters();
    test_output_refused();
    test_filters_refused();
    test_help_output_flags();
    free(err_text);
    CHECK_DONE();
}
