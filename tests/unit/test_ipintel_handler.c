/* Unit tests of ebpf_ipintelligence's sample handler: connect events as the kernel programs
 * send them, checked against feeds loaded from real files, with the --block action carried
 * out on real child processes. */
#include "check.h"
#include "ebpfshield_events.h"
#include "ipintel_handler.h"
#include "scratch.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <sys/stat.h>

static char root[4096];

static struct feed_set *load_feeds(void)
{
    char path[4200];
    struct error e;

    snprintf(path, sizeof(path), "%s/bad.txt", root);
    FILE *f = fopen(path, "w");
    if (!f || fputs("198.51.100.0/24\n", f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    struct feed_set *set = feeds_load_dir(root, &e);
    if (!set) {
        fprintf(stderr, "%s\n", e.msg);
        exit(2);
    }
    return set;
}

/* A netevent for pid connecting to ip:port at boot time ts. */
static struct netevent event(pid_t pid, const char *comm, const char *ip, uint16_t port,
                             uint64_t ts)
{
    struct netevent ev = {.ts_boot_ns = ts, .pid = (uint32_t)pid, .tid = (uint32_t)pid};

    inet_pton(AF_INET, ip, &ev.daddr);
    ev.dport = htons(port);
    ev.family = AF_INET;
    memcpy(ev.comm, comm, strnlen(comm, sizeof(ev.comm)));
    return ev;
}

/* Runs the handler on size bytes of ev; returns what it printed, *logged what it warned. */
static char *handle(struct ipintel_handler *h, const struct netevent *ev, size_t size,
                    char **logged)
{
    struct capture out, log;

    capture_open(&out);
    capture_log(&log);
    ipintel_handle_sample(h, ev, size, out.f);
    *logged = capture_log_text(&log);
    return capture_text(&out);
}

static void exec_sleep(const void *arg)
{
    (void)arg;
    execl("/bin/sleep", "sleep", "600", (char *)NULL);
    _exit(127);
}

/* print: every connection with --verbose, the original's line for a feed address only. */
static void test_print(const struct feed_set *feeds)
{
    struct ipintel_handler h = {.block = BLOCK_PRINT, .verbose = true, .feeds = feeds};
    struct netevent clean = event(4242, "curl", "192.0.2.1", 80, boottime_ns());
    struct netevent hit = event(4243, "curl", "198.51.100.200", 8080, boottime_ns());
    char *logged, *got;

    got = handle(&h, &clean, sizeof(clean), &logged);
    CHECK_STR(got, "\tcurl (4242) 192.0.2.1:80\n");
    CHECK_STR(logged, "");
    free(got);
    free(logged);
    got = handle(&h, &hit, sizeof(hit), &logged);
    CHECK_STR(got, "\tcurl (4243) 198.51.100.200:8080\n"
                   "Client:curl (pid:4243) touched a bad IP (ip-blacklist:198.51.100.200)\n");
    CHECK_STR(logged, "");
    free(got);
    free(logged);
    h.verbose = false;
    got = handle(&h, &clean, sizeof(clean), &logged);
    CHECK_STR(got, "");
    free(got);
    free(logged);
    CHECK_INT(h.hits, 1);
    CHECK_INT(h.failed_actions, 0);
}

/* kill: the process of the event dies by SIGKILL and the line follows. */
static void test_kill(const struct feed_set *feeds)
{
    struct ipintel_handler h = {.block = BLOCK_KILL, .feeds = feeds};
    pid_t pid = spawn_child(exec_sleep, NULL);
    struct netevent ev = event(pid, "evil\x1b]0;x", "198.51.100.1", 443, boottime_ns());
    char *logged, *got, *want;
    int status;

    got = handle(&h, &ev, sizeof(ev), &logged);
    if (asprintf(&want,
                 "Client:evil?]0;x (pid:%d) was killed by eBPFShield "
                 "(ip-blacklist:198.51.100.1) \n",
                 (int)pid) < 0)
        exit(2);
    CHECK_STR(got, want);
    CHECK_STR(logged, "");
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    free(want);
    free(got);
    free(logged);
}

/* A pid that started after the event is not the one that connected: no signal, no line. */
static void test_reused_pid(const struct feed_set *feeds)
{
    struct ipintel_handler h = {.block = BLOCK_KILL, .feeds = feeds};
    uint64_t before = boottime_ns() - 1000000000u;
    pid_t pid = spawn_child(exec_sleep, NULL);
    struct netevent ev = event(pid, "curl", "198.51.100.1", 443, before);
    char *logged, *got, *want;

    got = handle(&h, &ev, sizeof(ev), &logged);
    if (asprintf(&want, "ebpfshield-bcc: pid %d was reused by a newer process; not signalled\n",
                 (int)pid) < 0)
        exit(2);
    CHECK_STR(got, "");
    CHECK_STR(logged, want);
    CHECK(waitpid(pid, NULL, WNOHANG) == 0);
    CHECK_INT(h.hits, 1);
    CHECK_INT(h.failed_actions, 1);
    reap(pid);
    free(want);
    free(got);
    free(logged);

    struct capture log;
    capture_log(&log);
    ipintel_report(&h);
    logged = capture_log_text(&log);
    CHECK_STR(logged,
              "ebpfshield-bcc: 1 connection(s) to feed addresses, 1 could not be acted on\n");
    free(logged);
}

static void test_short_sample(const struct feed_set *feeds)
{
    struct ipintel_handler h = {.block = BLOCK_PRINT, .verbose = true, .feeds = feeds};
    struct netevent ev = event(1, "init", "198.51.100.1", 443, boottime_ns());
    char *logged, *got;

    got = handle(&h, &ev, sizeof(ev) - 1, &logged);
    CHECK_STR(got, "");
    CHECK_STR(logged, "ebpfshield-bcc: skipped a connect event of 47 bytes\n");
    CHECK_INT(h.hits, 0);
    free(got);
    free(logged);
}

int main(void)
{
    alarm(60);
    scratch_dir_create(root, sizeof(root), "test_ipintel_handler");
    struct feed_set *feeds = load_feeds();
    test_print(feeds);
    test_kill(feeds);
    test_reused_pid(feeds);
    test_short_sample(feeds);
    feeds_free(feeds);
    scratch_dir_remove(root);
    CHECK_DONE();
}
