/* Unit tests of ebpf_ipintelligence's sample handler: connect events as the kernel programs
 * send them (the verdict taken in the kernel), printed in the original's words for IPv4 and
 * IPv6; with --block dump the core taken of a real child process. */
#include "check.h"
#include "common/ebpfshield_events.h"
#include "guard/guard_handler.h"
#include "output/format.h"
#include "scratch.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdbool.h>

static char root[4096];

/* A netevent for pid connecting to ip:port now; on a hit, refused and signalled as the
 * kernel reports them under --block kill. */
/* Names the feed of the hits: every event below is listed in feed 1. */
static struct feed_registry *feeds;

static struct netevent event(pid_t pid, const char *comm, const char *ip, uint16_t port, bool hit)
{
    struct netevent ev = {.ts_boot_ns = boottime_ns(),
                          .pid = (uint32_t)pid,
                          .tid = (uint32_t)pid,
                          .proto = IPPROTO_TCP,
                          .hit = hit,
                          .refused = hit,
                          .signalled = hit,
                          .feed = 1};

    if (strchr(ip, ':')) {
        ev.family = AF_INET6;
        inet_pton(AF_INET6, ip, ev.daddr6);
    } else {
        ev.family = AF_INET;
        inet_pton(AF_INET, ip, &ev.daddr);
    }
    ev.dport = htons(port);
    memcpy(ev.comm, comm, strnlen(comm, sizeof(ev.comm)));
    return ev;
}

/* Runs the handler on size bytes of ev; returns what it printed, *logged what it warned. */
static char *handle(struct guard_handler *h, const struct netevent *ev, size_t size, char **logged)
{
    struct capture out, log;

    capture_open(&out);
    capture_log(&log);
    static struct output o; /* the handler keeps a pointer to it */
    o.stream = out.f;
    o.format = output_format_named("text");
    h->out = &o;
    guard_handle_sample(h, ev, size);
    *logged = capture_log_text(&log);
    return capture_text(&out);
}

/* Expects the handler to print want and log want_log for ev. */
static void check_output(struct guard_handler *h, const struct netevent *ev, const char *want,
                         const char *want_log)
{
    char *logged, *got = handle(h, ev, sizeof(*ev), &logged);

    CHECK_STR(got, want);
    CHECK_STR(logged, want_log);
    free(got);
    free(logged);
}

/* The same for an event that is not a hit: nothing logged. */
static void check_lines(struct guard_handler *h, const struct netevent *ev, const char *want)
{
    check_output(h, ev, want, "");
}

/* print: every connection with --verbose, the original's line for a hit only. */
static void test_print(void)
{
    struct guard_handler h = {.block = BLOCK_PRINT, .verbose = true, .feeds = feeds};
    struct netevent clean = event(4242, "curl", "192.0.2.1", 80, false);
    struct netevent hit = event(4243, "curl", "198.51.100.200", 8080, true);

    check_lines(&h, &clean, "\tcurl (4242) 192.0.2.1:80\n");
    check_output(
        &h, &hit,
        "\tcurl (4243) 198.51.100.200:8080\n"
        "Client:curl (pid:4243) touched a bad IP (ip-blacklist:198.51.100.200)\n",
        "ebpfshield-bcc: curl (pid 4243) connected to 198.51.100.200, listed in bad.txt\n");
    h.verbose = false;
    check_lines(&h, &clean, "");
    CHECK_INT(h.hits, 1);
    CHECK_INT(h.failed_actions, 0);
}

/* IPv6 destinations in their usual text form; names made printable. */
static void test_ipv6_and_names(void)
{
    struct guard_handler h = {.block = BLOCK_DENY, .verbose = true, .feeds = feeds};
    struct netevent ev = event(77, "evil\x1b]0;x", "fd00:bad::1", 443, true);

    check_output(
        &h, &ev,
        "\tevil?]0;x (77) fd00:bad::1:443\n"
        "Client:evil?]0;x (pid:77) was denied by eBPFShield (ip-blacklist:fd00:bad::1) \n",
        "ebpfshield-bcc: evil?]0;x (pid 77) connected to fd00:bad::1, listed in bad.txt\n");
    ev.feed = 7; /* an id no feed has had: the line still comes */
    check_output(&h, &ev,
                 "\tevil?]0;x (77) fd00:bad::1:443\n"
                 "Client:evil?]0;x (pid:77) was denied by eBPFShield (ip-blacklist:fd00:bad::1) \n",
                 "ebpfshield-bcc: evil?]0;x (pid 77) connected to fd00:bad::1, listed in a feed\n");
}

/* kill and suspend were carried out by the kernel: the line, and no signal from here. */
static void test_kernel_actions(void)
{
    struct guard_handler h = {.block = BLOCK_KILL, .feeds = feeds};
    pid_t pid = spawn_child(NULL, NULL);
    struct netevent ev = event(pid, "curl", "198.51.100.1", 443, true);
    char want[160], want_log[160];

    snprintf(want, sizeof(want),
             "Client:curl (pid:%d) was killed by eBPFShield (ip-blacklist:198.51.100.1) \n",
             (int)pid);
    snprintf(want_log, sizeof(want_log),
             "ebpfshield-bcc: curl (pid %d) connected to 198.51.100.1, listed in bad.txt\n",
             (int)pid);
    check_output(&h, &ev, want, want_log);
    h.block = BLOCK_SUSPEND;
    snprintf(want, sizeof(want),
             "Client:curl (pid:%d) was suspended (ip-blacklist:198.51.100.1) \n", (int)pid);
    check_output(&h, &ev, want, want_log);
    CHECK(waitpid(pid, NULL, WNOHANG | WUNTRACED) == 0); /* neither killed nor stopped */
    reap(pid);
}

/* The kernel refused but could not signal: the process was exiting. Its line says so. */
static void test_unsignalled(void)
{
    struct guard_handler h = {.block = BLOCK_KILL, .feeds = feeds};
    struct netevent ev = event(4321, "curl", "fd00:bad::7", 443, true);

    ev.signalled = 0;
    check_output(&h, &ev,
                 "Client:curl (pid:4321) exited before eBPFShield could act "
                 "(ip-blacklist:fd00:bad::7) \n",
                 "ebpfshield-bcc: curl (pid 4321) connected to fd00:bad::7, listed in bad.txt\n");
    CHECK_INT(h.failed_actions, 1);
}

/* dump: handed to the worker, which prints the line once the core is taken; an event older
 * than the process holding its pid touches nobody and gets its line at once. */
static void test_dump(void)
{
    struct capture out, log;
    struct error e;
    int dirfd = open(root, O_RDONLY | O_DIRECTORY);
    struct guard_handler h = {.block = BLOCK_DUMP};
    pid_t pid = spawn_sleep(), newer = spawn_sleep();
    struct netevent ev = event(pid, "sleep", "198.51.100.1", 443, true),
                    old = event(newer, "curl", "198.51.100.1", 443, true);
    char want[4400];

    kill(pid, SIGSTOP);            /* as the kernel does */
    old.ts_boot_ns -= 1000000000u; /* beyond the clock-tick rounding of the start time */
    capture_open(&out);
    capture_log(&log);
    struct output o = {.stream = out.f, .format = output_format_named("text")};
    h.out = &o;
    h.dumps = dump_worker_start(
        root, (struct dump_place){.dirfd = dirfd, .budget = 1u << 30, .total = UINT64_MAX}, &o,
        SUBUID_FILE, &e);
    CHECK(h.dumps != NULL);
    guard_handle_sample(&h, &ev, sizeof(ev));
    guard_handle_sample(&h, &old, sizeof(old));
    CHECK(reaped_by_sigkill(pid));
    h.failed_actions += dump_worker_stop(h.dumps);
    char *text = capture_text(&out), *logged = capture_log_text(&log);
    snprintf(
        want, sizeof(want),
        "Client:curl (pid:%d) exited before eBPFShield could act (ip-blacklist:198.51.100.1) \n"
        "Client:sleep (pid:%d) eBPFShield took a dump in %s/ (ip-blacklist:198.51.100.1)\n",
        (int)newer, (int)pid, root);
    CHECK_STR(text, want);
    snprintf(want, sizeof(want),
             "ebpfshield-bcc: sleep (pid %d) connected to 198.51.100.1, listed in a feed\n"
             "ebpfshield-bcc: curl (pid %d) connected to 198.51.100.1, listed in a feed\n"
             "ebpfshield-bcc: pid %d exited before it could be dumped\n",
             (int)pid, (int)newer, (int)newer);
    CHECK_STR(logged, want);
    free(text);
    free(logged);
    CHECK(waitpid(newer, NULL, WNOHANG | WUNTRACED) == 0);
    reap(newer);
    close(dirfd);
    CHECK_INT(h.hits, 2);
    CHECK_INT(h.failed_actions, 1);

    capture_log(&log);
    guard_report(&h);
    logged = capture_log_text(&log);
    CHECK_STR(logged, "ebpfshield-bcc: 2 connection(s) to feed addresses, 1 could not be acted "
                      "on\n");
    free(logged);
}

/* A kernel record of resolved names: one process resolved bad-ip.example to one address. */
static struct resolved_key resolved_key;
static struct resolved_name resolved_rec;

static int lookup_one(void *ctx, const struct resolved_key *key, struct resolved_name *value)
{
    (void)ctx;
    if (memcmp(key, &resolved_key, sizeof(*key)) != 0)
        return 0;
    *value = resolved_rec;
    return 1;
}

/* An address hit names the domain its process had resolved to it, within the record's
 * TTL, and only for that process and that address. */
static void test_resolved_name(void)
{
    struct guard_handler h = {.block = BLOCK_DENY, .feeds = feeds, .resolved = lookup_one};
    struct netevent ev = event(500, "curl", "198.51.100.88", 443, true);
    static const uint8_t wire[] = "\6bad-ip\7example";
    resolved_key = (struct resolved_key){.pid = 500, .family = AF_INET};
    memcpy(resolved_key.addr, &ev.daddr, sizeof(ev.daddr));
    resolved_rec =
        (struct resolved_name){.expires_boot_ns = ev.ts_boot_ns + 1, .name_len = sizeof(wire)};
    memcpy(resolved_rec.name, wire, sizeof(wire));
    const char *line = "Client:curl (pid:500) was denied by eBPFShield "
                       "(ip-blacklist:198.51.100.88) \n";
    check_output(&h, &ev, line,
                 "ebpfshield-bcc: curl (pid 500) connected to 198.51.100.88 (resolved from "
                 "bad-ip.example), listed in bad.txt\n");
    const char *unnamed =
        "ebpfshield-bcc: curl (pid 500) connected to 198.51.100.88, listed in bad.txt\n";
    resolved_rec.expires_boot_ns = ev.ts_boot_ns - 1; /* the TTL ended before the hit */
    check_output(&h, &ev, line, unnamed);
    resolved_rec.expires_boot_ns = ev.ts_boot_ns + 1;
    struct netevent other = ev; /* another process, same address */
    other.pid = other.tid = 501;
    check_output(&h, &other,
                 "Client:curl (pid:501) was denied by eBPFShield (ip-blacklist:198.51.100.88) \n",
                 "ebpfshield-bcc: curl (pid 501) connected to 198.51.100.88, listed in bad.txt\n");
    memset(resolved_rec.name, 63, sizeof(resolved_rec.name)); /* labels past the end */
    resolved_rec.name_len = 300;
    check_output(&h, &ev, line, unnamed);
}

static void test_short_sample(void)
{
    struct guard_handler h = {.block = BLOCK_PRINT, .verbose = true};
    struct netevent ev = event(1, "init", "198.51.100.1", 443, true);
    char *logged, *got = handle(&h, &ev, sizeof(ev) - 1, &logged);

    CHECK_STR(got, "");
    CHECK_STR(logged, "ebpfshield-bcc: skipped a connect event of 95 bytes\n");
    CHECK_INT(h.hits, 0);
    free(got);
    free(logged);
}

/* A flood's counts: with a hit (its line as usual, the count on the log) and at the
 * process's end (a notice, padded as the kernel pads it); the total at exit. */
static void test_repeats(void)
{
    struct guard_handler h = {.block = BLOCK_DENY};
    struct netevent ev = event(4321, "curl", "198.51.100.1", 443, true);
    ev.refused = 1;
    ev.repeats = 5;
    char *logged, *got = handle(&h, &ev, sizeof(ev), &logged);

    CHECK_STR(got,
              "Client:curl (pid:4321) was denied by eBPFShield (ip-blacklist:198.51.100.1) \n");
    CHECK(strstr(logged, "ebpfshield-bcc: curl (pid 4321): 5 more hit(s) before this one, not "
                         "printed one by one") != NULL);
    free(got);
    free(logged);
    unsigned char notice[sizeof(struct guard_notice) + 4] = {0};
    struct guard_notice n = {.kind = EBPFSHIELD_NOTICE_REPEATS, .tgid = 4321, .count = 7};
    memcpy(notice, &n, sizeof(n));
    got = handle(&h, (const struct netevent *)(const void *)notice, sizeof(notice), &logged);
    CHECK_STR(got, "");
    CHECK_STR(logged, "ebpfshield-bcc: pid 4321 ended: 7 more hit(s), not printed one by one (a "
                      "flood)\n");
    CHECK_INT(h.repeats, 12);
    CHECK_INT(h.hits, 1);
    free(got);
    free(logged);
}

int main(void)
{
    alarm(120);
    feeds = feed_registry_new();
    if (!feeds || feed_registry_id(feeds, "other.txt") != 0 ||
        feed_registry_id(feeds, "bad.txt") != 1)
        return 2;
    snprintf(root, sizeof(root), "/var/lib/ebpfshield-test.XXXXXX"); /* a root-only chain */
    if (!mkdtemp(root))
        return 2;
    test_print();
    test_repeats();
    test_ipv6_and_names();
    test_kernel_actions();
    test_unsignalled();
    test_dump();
    test_resolved_name();
    test_short_sample();
    scratch_dir_remove(root);
    feed_registry_free(feeds);
    CHECK_DONE();
}
