/* Unit tests of the threat-feed loader (feed_file.h, feeds.h): every published format from
 * the samples of tests/fixtures/feeds, the line syntax with its exact warnings and summary
 * lines, the bounds on lines, files and CIDRs, wide entries (and wide ones over special-use
 * addresses, and files that cover too much), the allow-list, trusted paths, the
 * feed registry, --check-feed, overlapping feeds and the CIDRs given to the kernel's tries
 * (collected from feeds_sync). Every file is written to a private mkdtemp() directory that
 * is removed at the end. The trust cases chown files to uid 65534: they need root. */
#include "check.h"
#include "scratch.h"
#include "threatfeed/feeds.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define P "ebpfshield-bcc: " /* the prefix of every warning (log_note() lines have none) */
#define NOBODY 65534         /* a uid that is neither root nor the test's */

static char root[4096];
static struct feed_registry *reg; /* names the feeds of every set loaded by load_*() */
static int load_errno;            /* errno after the last feeds_load() of load_src() */

/* Paths that stay valid until the end of the test. */
static char paths[512][4400];
static size_t npaths;

static char *new_path(void)
{
    if (npaths == sizeof(paths) / sizeof(paths[0])) {
        fprintf(stderr, "too many test paths\n");
        exit(2);
    }
    return paths[npaths++];
}

static const char *join(const char *dir, const char *name)
{
    char *p = new_path();
    snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
    return p;
}

/* A new empty 0700 directory root/name. */
static const char *new_dir(const char *name)
{
    const char *path = join(root, name);
    if (mkdir(path, 0700) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

/* Writes len bytes (which may hold NUL bytes) to dir/name, mode 0644. */
static void write_bytes(const char *dir, const char *name, const char *data, size_t len)
{
    const char *path = join(dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void write_file(const char *dir, const char *name, const char *text)
{
    write_bytes(dir, name, text, strlen(text));
}

/* A sparse file dir/name of size bytes, all zero: no line break anywhere. */
static void write_sparse(const char *dir, const char *name, off_t size)
{
    const char *path = join(dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, size) != 0 || close(fd) != 0) {
        perror(path);
        exit(2);
    }
}

/* Copies tests/fixtures/feeds/name (env FIXTURES) to dir/name. */
static void copy_fixture(const char *dir, const char *name)
{
    const char *fixtures = getenv("FIXTURES");
    char src[4400], buf[65536];
    snprintf(src, sizeof(src), "%s/feeds/%s", fixtures ? fixtures : "tests/fixtures", name);
    FILE *in = fopen(src, "rb");
    size_t n = in ? fread(buf, 1, sizeof(buf), in) : 0;
    if (!in || ferror(in) || n == sizeof(buf)) {
        fprintf(stderr, "cannot read fixture %s\n", src);
        exit(2);
    }
    fclose(in);
    write_bytes(dir, name, buf, n);
}

static void must(int rc, const char *what)
{
    if (rc != 0) {
        perror(what);
        exit(2);
    }
}

/* Loads src with what it logs captured into *log (caller frees); a failure is warned
 * about as guard_feature.c does, and its message is left in *e, its errno in load_errno. */
static struct feed_set *load_src(const struct feed_sources *src, char **log, struct error *e)
{
    struct capture c;
    capture_log(&c);
    e->msg[0] = '\0';
    errno = 0;
    struct feed_set *set = feeds_load(src, reg, e);
    load_errno = errno;
    if (!set)
        log_warn("%s", e->msg);
    *log = capture_log_text(&c);
    return set;
}

/* feeds_check_file(path) with what it logs captured into *log (caller frees): the entries
 * read, or -1 with the message in *e. */
static long check_file(const char *path, bool allow_wide, char **log, struct error *e)
{
    struct capture c;
    capture_log(&c);
    e->msg[0] = '\0';
    struct feed_file_stats st;
    int rc = feeds_check_file(path, allow_wide, &st, e);
    *log = capture_log_text(&c);
    return rc ? -1 : (long)(st.v4 + st.v6);
}

/* Checks got against want, a printf format where %1$s is a1 and %2$s is a2. */
static void check_text_at(int line, const char *got, const char *want, const char *a1,
                          const char *a2)
{
    char *expected;
    if (asprintf(&expected, want, a1, a2) < 0)
        exit(2);
    if (strcmp(got, expected) != 0) {
        fprintf(stderr, "%s:%d: got\n---\n%s---\nwant\n---\n%s---\n", __FILE__, line, got,
                expected);
        check_failures++;
    }
    free(expected);
}

#define check_text(got, want, a1, a2) check_text_at(__LINE__, got, want, a1, a2)

/* Loads src and expects exactly the log want (%1$s is src->dir, %2$s is other). */
static struct feed_set *load_src_expect_at(int line, const struct feed_sources *src,
                                           const char *want, const char *other)
{
    char *log;
    struct error e;
    struct feed_set *set = load_src(src, &log, &e);
    check_text_at(line, log, want, src->dir, other);
    free(log);
    return set;
}

#define load_src_expect(src, want, other) load_src_expect_at(__LINE__, src, want, other)
#define load_expect(path, want)                                                                    \
    load_src_expect_at(__LINE__, &(struct feed_sources){.dir = (path)}, want, NULL)

static void check_name_at(int line, const char *what, const char *got, const char *want)
{
    if (want ? !got || strcmp(got, want) != 0 : got != NULL) {
        fprintf(stderr, "%s:%d: lookup %s = %s, want %s\n", __FILE__, line, what,
                got ? got : "no match", want ? want : "no match");
        check_failures++;
    }
}

static uint32_t ip4(const char *s)
{
    struct in_addr in;
    if (inet_pton(AF_INET, s, &in) != 1) {
        fprintf(stderr, "bad test address %s\n", s);
        exit(2);
    }
    return ntohl(in.s_addr);
}

/* An IPv4 address is also looked up as its IPv4-mapped IPv6 address, with the same
 * answer. */
static void check4_at(int line, const struct feed_set *set, const char *addr, const char *want)
{
    char mapped[64];
    uint8_t a6[16];
    snprintf(mapped, sizeof(mapped), "::ffff:%s", addr);
    test_addr(a6, AF_INET6, mapped);
    check_name_at(line, addr, feeds_lookup4(set, ip4(addr)), want);
    check_name_at(line, mapped, feeds_lookup6(set, a6), want);
}

static void check6_at(int line, const struct feed_set *set, const char *addr, const char *want)
{
    uint8_t a6[16];
    test_addr(a6, AF_INET6, addr);
    check_name_at(line, addr, feeds_lookup6(set, a6), want);
}

#define check4(set, addr, want) check4_at(__LINE__, set, addr, want)
#define check6(set, addr, want) check6_at(__LINE__, set, addr, want)

static void check_stats_at(int line, const struct feed_set *set, size_t files, size_t v4, size_t v6,
                           size_t allowed, size_t cidrs4, size_t cidrs6)
{
    struct feeds_stats st = feeds_stats(set);
    if (st.files != files || st.v4 != v4 || st.v6 != v6 || st.allowed != allowed ||
        st.cidrs4 != cidrs4 || st.cidrs6 != cidrs6) {
        fprintf(stderr,
                "%s:%d: stats files %zu v4 %zu v6 %zu allowed %zu cidrs %zu/%zu, want %zu %zu "
                "%zu %zu %zu/%zu\n",
                __FILE__, line, st.files, st.v4, st.v6, st.allowed, st.cidrs4, st.cidrs6, files, v4,
                v6, allowed, cidrs4, cidrs6);
        check_failures++;
    }
}

#define check_stats(set, files, v4, v6, allowed, cidrs4, cidrs6)                                   \
    check_stats_at(__LINE__, set, files, v4, v6, allowed, cidrs4, cidrs6)

/* What feeds_sync asks of the tries, one line per call in call order: "+CIDR name" for
 * put, "-CIDR name" for del (names from names, or "#id" when names is NULL). */
struct sync_log {
    FILE *f;
    const struct feed_registry *names;
    int calls, stop_at; /* the call that returns 42 (0: none) */
};

static int record(char op, const struct feed_cidr *c, struct sync_log *l)
{
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(c->family, c->addr, text, sizeof(text)))
        snprintf(text, sizeof(text), "family %d", c->family);
    if (l->names) {
        const char *name = feed_registry_name(l->names, c->feed);
        fprintf(l->f, "%c%s/%u %s\n", op, text, c->prefix_len, name ? name : "(unnamed)");
    } else {
        fprintf(l->f, "%c%s/%u #%u\n", op, text, c->prefix_len, c->feed);
    }
    return ++l->calls == l->stop_at ? 42 : 0;
}

static int put(const struct feed_cidr *c, void *ctx)
{
    return record('+', c, ctx);
}

static int del(const struct feed_cidr *c, void *ctx)
{
    return record('-', c, ctx);
}

/* The calls of feeds_sync(old, new) (caller frees); *rc its return value when rc. */
static char *sync_calls(const struct feed_set *old, const struct feed_set *new,
                        const struct feed_registry *names, int stop_at, int *rc)
{
    struct capture c;
    capture_open(&c);
    struct sync_log l = {.f = c.f, .names = names, .stop_at = stop_at};
    int r = feeds_sync(old, new, put, del, &l);
    if (rc)
        *rc = r;
    return capture_text(&c);
}

/* Expects the CIDRs of set (its put() calls from nothing) to be exactly want. */
static void check_cidrs_at(int line, const struct feed_set *set, const char *want)
{
    int rc;
    char *got = sync_calls(NULL, set, reg, 0, &rc);
    check_text_at(line, got, want, NULL, NULL);
    if (rc != 0) {
        fprintf(stderr, "%s:%d: feeds_sync returned %d\n", __FILE__, line, rc);
        check_failures++;
    }
    free(got);
}

#define check_cidrs(set, want) check_cidrs_at(__LINE__, set, want)

/* ---- 1. The published formats, from tests/fixtures/feeds ---- */

/* Loads the fixture alone in a directory of its own. */
static struct feed_set *load_fixture_at(int line, const char *name, bool allow_wide,
                                        const char *want)
{
    char dirname[128];
    snprintf(dirname, sizeof(dirname), "fixture%s-%s", allow_wide ? "-wide" : "", name);
    const char *dir = new_dir(dirname);
    copy_fixture(dir, name);
    struct feed_sources src = {.dir = dir, .allow_wide = allow_wide};
    return load_src_expect_at(line, &src, want, NULL);
}

#define load_fixture(name, allow_wide, want) load_fixture_at(__LINE__, name, allow_wide, want)

static void test_spamhaus_drop(void)
{
    struct feed_set *set = load_fixture(
        "drop.txt", false, "loaded 10 entries (10 v4, 0 v6) from %1$s/drop.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 10, 0, 0, 10, 0);
    check4(set, "1.10.15.255", NULL);
    check4(set, "1.10.16.0", "drop.txt");
    check4(set, "1.10.31.255", "drop.txt");
    check4(set, "1.10.32.0", NULL);
    check4(set, "31.24.81.77", "drop.txt");
    check4(set, "203.0.113.127", "drop.txt");
    check4(set, "203.0.113.128", NULL);
    check4(set, "8.8.8.8", NULL);
    check6(set, "2001:db8::1", NULL);
    check_cidrs(set, "+1.10.16.0/20 drop.txt\n"
                     "+1.19.0.0/16 drop.txt\n"
                     "+1.32.128.0/18 drop.txt\n"
                     "+2.56.192.0/22 drop.txt\n"
                     "+5.134.128.0/19 drop.txt\n"
                     "+31.24.81.0/24 drop.txt\n"
                     "+45.9.20.0/22 drop.txt\n"
                     "+192.0.2.0/24 drop.txt\n"
                     "+198.51.100.0/24 drop.txt\n"
                     "+203.0.113.0/25 drop.txt\n");
    feeds_free(set);
}

static void test_spamhaus_dropv6(void)
{
    struct feed_set *set =
        load_fixture("dropv6.txt", false,
                     "loaded 10 entries (0 v4, 10 v6) from %1$s/dropv6.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 0, 10, 0, 0, 10);
    check6(set, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", NULL);
    check6(set, "2001:db8::", "dropv6.txt");
    check6(set, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "dropv6.txt");
    check6(set, "2001:db9::", NULL);
    check6(set, "2a06:e487:ffff::1", "dropv6.txt");
    check6(set, "2a06:e488::", NULL);
    check6(set, "3fff:fff:ffff::1", "dropv6.txt");
    check6(set, "3fff:1000::", NULL);
    check4(set, "192.0.2.1", NULL);
    check_cidrs(set, "+2001:db8::/32 dropv6.txt\n"
                     "+2a06:e480::/29 dropv6.txt\n"
                     "+2a0d:8480::/29 dropv6.txt\n"
                     "+2a0e:3940::/29 dropv6.txt\n"
                     "+2a0f:ca80::/29 dropv6.txt\n"
                     "+2a10:cc40::/29 dropv6.txt\n"
                     "+2a12:4940::/29 dropv6.txt\n"
                     "+2a13:df80::/29 dropv6.txt\n"
                     "+2a14:7580::/29 dropv6.txt\n"
                     "+3fff::/20 dropv6.txt\n");
    feeds_free(set);
}

/* The bogons firehol_level1 includes for perimeter firewalls (skipped on a host by
 * default), with the wide 224.0.0.0/3. */
static const char firehol_warnings[] =
    P "%1$s/firehol_level1.netset:34: wide, over loopback, private, link-local or multicast "
      "addresses (use --allow-wide): \"0.0.0.0/8\"\n" P
      "%1$s/firehol_level1.netset:36: wide, over loopback, private, link-local or multicast "
      "addresses (use --allow-wide): \"10.0.0.0/8\"\n" P
      "%1$s/firehol_level1.netset:38: wide, over loopback, private, link-local or multicast "
      "addresses (use --allow-wide): \"100.64.0.0/10\"\n" P
      "%1$s/firehol_level1.netset:39: wide, over loopback, private, link-local or multicast "
      "addresses (use --allow-wide): \"127.0.0.0/8\"\n" P
      "%1$s/firehol_level1.netset:40: wide, over loopback, private, link-local or multicast "
      "addresses (use --allow-wide): \"169.254.0.0/16\"\n" P
      "%1$s/firehol_level1.netset:41: wide, over loopback, private, link-local or multicast "
      "addresses (use --allow-wide): \"172.16.0.0/12\"\n" P
      "%1$s/firehol_level1.netset:44: wide, over loopback, private, link-local or multicast "
      "addresses (use --allow-wide): \"192.168.0.0/16\"\n" P
      "%1$s/firehol_level1.netset:48: wider than an IPv4 /8 or IPv6 /16 (use "
      "--allow-wide): \"224.0.0.0/3\"\n";

static const char firehol_cidrs[] = "+1.10.16.0/20 firehol_level1.netset\n"
                                    "+45.143.200.0/22 firehol_level1.netset\n"
                                    "+185.220.101.47/32 firehol_level1.netset\n"
                                    "+192.0.2.0/24 firehol_level1.netset\n"
                                    "+198.18.0.0/15 firehol_level1.netset\n"
                                    "+198.51.100.0/24 firehol_level1.netset\n"
                                    "+203.0.113.0/24 firehol_level1.netset\n";

static const char firehol_cidrs_wide[] = "+0.0.0.0/8 firehol_level1.netset\n"
                                         "+1.10.16.0/20 firehol_level1.netset\n"
                                         "+10.0.0.0/8 firehol_level1.netset\n"
                                         "+45.143.200.0/22 firehol_level1.netset\n"
                                         "+100.64.0.0/10 firehol_level1.netset\n"
                                         "+127.0.0.0/8 firehol_level1.netset\n"
                                         "+169.254.0.0/16 firehol_level1.netset\n"
                                         "+172.16.0.0/12 firehol_level1.netset\n"
                                         "+185.220.101.47/32 firehol_level1.netset\n"
                                         "+192.0.2.0/24 firehol_level1.netset\n"
                                         "+192.168.0.0/16 firehol_level1.netset\n"
                                         "+198.18.0.0/15 firehol_level1.netset\n"
                                         "+198.51.100.0/24 firehol_level1.netset\n"
                                         "+203.0.113.0/24 firehol_level1.netset\n"
                                         "+224.0.0.0/3 firehol_level1.netset\n";

static void test_firehol_netset(void)
{
    /* FireHOL level1 includes bogons meant for a perimeter firewall: on a host, its wide
     * entries over loopback, private, link-local and multicast addresses are skipped, and
     * its last line, 224.0.0.0/3, is wider than an IPv4 /8. */
    char *want;
    if (asprintf(&want,
                 "%sloaded 7 entries (7 v4, 0 v6) from %%1$s/firehol_level1.netset, 8 lines "
                 "skipped\n",
                 firehol_warnings) < 0)
        exit(2);
    struct feed_set *set = load_fixture("firehol_level1.netset", false, want);
    free(want);
    CHECK(set != NULL);
    check_stats(set, 1, 7, 0, 0, 7, 0);
    check4(set, "0.0.0.0", NULL);
    check4(set, "10.255.255.255", NULL);
    check4(set, "127.0.0.1", NULL);
    check4(set, "192.168.1.1", NULL);
    check4(set, "11.0.0.0", NULL);
    check4(set, "1.10.16.1", "firehol_level1.netset");
    check4(set, "185.220.101.46", NULL);
    check4(set, "185.220.101.47", "firehol_level1.netset");
    check4(set, "185.220.101.48", NULL);
    check4(set, "198.19.255.255", "firehol_level1.netset");
    check4(set, "199.255.255.255", NULL);
    check4(set, "224.0.0.1", NULL);
    check_cidrs(set, firehol_cidrs);
    feeds_free(set);

    set = load_fixture(
        "firehol_level1.netset", true,
        "loaded 15 entries (15 v4, 0 v6) from %1$s/firehol_level1.netset, 0 lines skipped\n");
    check_stats(set, 1, 15, 0, 0, 15, 0);
    check4(set, "0.0.0.0", "firehol_level1.netset");
    check4(set, "10.255.255.255", "firehol_level1.netset");
    check4(set, "127.0.0.1", "firehol_level1.netset");
    check4(set, "11.0.0.0", NULL);
    check4(set, "224.0.0.1", "firehol_level1.netset");
    check4(set, "255.255.255.255", "firehol_level1.netset");
    check_cidrs(set, firehol_cidrs_wide);
    feeds_free(set);
}

static void test_dshield_block(void)
{
    struct feed_set *set = load_fixture(
        "dshield_block.txt", false,
        "loaded 10 entries (10 v4, 0 v6) from %1$s/dshield_block.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 10, 0, 0, 10, 0);
    check4(set, "89.248.164.255", NULL);
    check4(set, "89.248.165.0", "dshield_block.txt");
    check4(set, "89.248.165.255", "dshield_block.txt");
    check4(set, "89.248.166.0", NULL);
    check4(set, "165.22.0.24", "dshield_block.txt"); /* the name "DigitalOcean, LLC" */
    check4(set, "24.0.0.0", NULL);                   /* the netblock column is no entry */
    check_cidrs(set, "+45.143.200.0/24 dshield_block.txt\n"
                     "+71.6.135.0/24 dshield_block.txt\n"
                     "+80.82.77.0/24 dshield_block.txt\n"
                     "+89.248.165.0/24 dshield_block.txt\n"
                     "+165.22.0.0/24 dshield_block.txt\n"
                     "+185.220.101.0/24 dshield_block.txt\n"
                     "+192.0.2.0/24 dshield_block.txt\n"
                     "+194.26.29.0/24 dshield_block.txt\n"
                     "+198.51.100.0/24 dshield_block.txt\n"
                     "+203.0.113.0/24 dshield_block.txt\n");
    feeds_free(set);
}

static void test_tor_exit_list(void)
{
    struct feed_set *set = load_fixture(
        "tor_exit_addresses.txt", false,
        "loaded 6 entries (6 v4, 0 v6) from %1$s/tor_exit_addresses.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 6, 0, 0, 6, 0);
    check4(set, "162.247.74.201", "tor_exit_addresses.txt");
    check4(set, "185.220.101.46", NULL);
    check4(set, "185.220.101.47", "tor_exit_addresses.txt");
    check4(set, "185.220.101.48", "tor_exit_addresses.txt");
    check4(set, "185.220.101.49", NULL);
    check4(set, "192.0.2.200", "tor_exit_addresses.txt");
    check4(set, "192.0.2.201", NULL);
    /* Two neighbours that no CIDR holds alone: two /32s. */
    check_cidrs(set, "+162.247.74.201/32 tor_exit_addresses.txt\n"
                     "+185.220.101.47/32 tor_exit_addresses.txt\n"
                     "+185.220.101.48/32 tor_exit_addresses.txt\n"
                     "+192.0.2.200/32 tor_exit_addresses.txt\n"
                     "+198.51.100.23/32 tor_exit_addresses.txt\n"
                     "+203.0.113.77/32 tor_exit_addresses.txt\n");
    feeds_free(set);
}

static void test_feodo_csv(void)
{
    struct feed_set *set = load_fixture(
        "feodo_ipblocklist.csv", false,
        "loaded 7 entries (7 v4, 0 v6) from %1$s/feodo_ipblocklist.csv, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 7, 0, 0, 7, 0);
    check4(set, "162.243.103.246", "feodo_ipblocklist.csv");
    check4(set, "162.243.103.247", NULL);
    check4(set, "5.188.86.172", "feodo_ipblocklist.csv");
    check_cidrs(set, "+5.188.86.172/32 feodo_ipblocklist.csv\n"
                     "+50.16.47.66/32 feodo_ipblocklist.csv\n"
                     "+103.124.104.12/32 feodo_ipblocklist.csv\n"
                     "+162.243.103.246/32 feodo_ipblocklist.csv\n"
                     "+192.0.2.45/32 feodo_ipblocklist.csv\n"
                     "+198.51.100.150/32 feodo_ipblocklist.csv\n"
                     "+203.0.113.201/32 feodo_ipblocklist.csv\n");
    feeds_free(set);
}

static void test_talos(void)
{
    struct feed_set *set = load_fixture(
        "talos_ip_blacklist.txt", false,
        "loaded 12 entries (12 v4, 0 v6) from %1$s/talos_ip_blacklist.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 12, 0, 0, 12, 0);
    check4(set, "1.12.231.30", "talos_ip_blacklist.txt");
    check4(set, "1.12.231.31", NULL);
    check4(set, "218.92.0.112", "talos_ip_blacklist.txt");
    check4(set, "218.92.0.111", NULL);
    check_cidrs(set, "+1.12.231.30/32 talos_ip_blacklist.txt\n"
                     "+5.188.86.172/32 talos_ip_blacklist.txt\n"
                     "+23.94.7.175/32 talos_ip_blacklist.txt\n"
                     "+45.95.147.236/32 talos_ip_blacklist.txt\n"
                     "+61.177.172.136/32 talos_ip_blacklist.txt\n"
                     "+103.124.104.12/32 talos_ip_blacklist.txt\n"
                     "+141.98.10.63/32 talos_ip_blacklist.txt\n"
                     "+162.247.74.201/32 talos_ip_blacklist.txt\n"
                     "+192.0.2.66/32 talos_ip_blacklist.txt\n"
                     "+198.51.100.99/32 talos_ip_blacklist.txt\n"
                     "+203.0.113.9/32 talos_ip_blacklist.txt\n"
                     "+218.92.0.112/32 talos_ip_blacklist.txt\n");
    feeds_free(set);
}

static void test_ranges(void)
{
    /* 100.64.0.0-100.64.255.255 is wider than a /24 over shared address space (RFC 6598). */
    struct feed_set *set = load_fixture(
        "ranges.txt", false,
        P "%1$s/ranges.txt:5: wide, over loopback, private, link-local or multicast addresses "
          "(use --allow-wide): \"100.64.0.0-100.64.255.255\"\n"
          "loaded 9 entries (7 v4, 2 v6) from %1$s/ranges.txt, 1 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 7, 2, 0, 12, 6);
    check4(set, "192.0.2.9", NULL);
    check4(set, "192.0.2.10", "ranges.txt");
    check4(set, "192.0.2.20", "ranges.txt");
    check4(set, "192.0.2.21", NULL);
    check4(set, "198.51.100.127", "ranges.txt");
    check4(set, "198.51.100.128", NULL);
    check4(set, "198.18.0.255", "ranges.txt"); /* ::ffff:198.18.0.0-::ffff:198.18.0.255 */
    check4(set, "198.18.1.0", NULL);
    check4(set, "10.0.1.255", "ranges.txt"); /* two /24s of 10.0.0.0/8: small enough */
    check4(set, "100.64.0.1", NULL);
    check6(set, "2001:db8:1::ffff", "ranges.txt");
    check6(set, "2001:db8:1::1:0", NULL);
    check6(set, "2001:db8:2::", NULL);
    check6(set, "2001:db8:2::1", "ranges.txt");
    check6(set, "2001:db8:2::10", "ranges.txt");
    check6(set, "2001:db8:2::11", NULL);
    /* 10.0.0.0-10.0.0.255 and 10.0.1.0-10.0.1.255 make one /23. */
    check_cidrs(set, "+10.0.0.0/23 ranges.txt\n"
                     "+185.220.100.240/28 ranges.txt\n"
                     "+185.220.101.0/28 ranges.txt\n"
                     "+192.0.2.10/31 ranges.txt\n"
                     "+192.0.2.12/30 ranges.txt\n"
                     "+192.0.2.16/30 ranges.txt\n"
                     "+192.0.2.20/32 ranges.txt\n"
                     "+198.18.0.0/24 ranges.txt\n"
                     "+198.51.100.0/25 ranges.txt\n"
                     "+203.0.113.200/29 ranges.txt\n"
                     "+203.0.113.208/28 ranges.txt\n"
                     "+203.0.113.224/27 ranges.txt\n"
                     "+2001:db8:1::/112 ranges.txt\n"
                     "+2001:db8:2::1/128 ranges.txt\n"
                     "+2001:db8:2::2/127 ranges.txt\n"
                     "+2001:db8:2::4/126 ranges.txt\n"
                     "+2001:db8:2::8/125 ranges.txt\n"
                     "+2001:db8:2::10/128 ranges.txt\n");
    feeds_free(set);

    set = load_fixture("ranges.txt", true,
                       "loaded 10 entries (8 v4, 2 v6) from %1$s/ranges.txt, 0 lines skipped\n");
    check_stats(set, 1, 8, 2, 0, 13, 6);
    check4(set, "100.64.0.1", "ranges.txt");
    check4(set, "100.64.255.255", "ranges.txt");
    check4(set, "100.65.0.0", NULL);
    feeds_free(set);
}

/* All the samples in one directory: read in name order, and an address listed by several
 * is reported under the feed whose range starts first (the first file by name on a tie). */
static void test_fixtures_together(void)
{
    static const char *const names[] = {
        "tor_exit_addresses.txt", "talos_ip_blacklist.txt", "ranges.txt", "firehol_level1.netset",
        "feodo_ipblocklist.csv",  "dshield_block.txt",      "dropv6.txt", "drop.txt"};
    const char *dir = new_dir("fixtures-together");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        copy_fixture(dir, names[i]);
    char *want;
    if (asprintf(
            &want, "%s%s%s",
            "loaded 10 entries (10 v4, 0 v6) from %1$s/drop.txt, 0 lines skipped\n"
            "loaded 10 entries (0 v4, 10 v6) from %1$s/dropv6.txt, 0 lines skipped\n"
            "loaded 10 entries (10 v4, 0 v6) from %1$s/dshield_block.txt, 0 lines skipped\n"
            "loaded 7 entries (7 v4, 0 v6) from %1$s/feodo_ipblocklist.csv, 0 lines skipped\n",
            firehol_warnings,
            "loaded 7 entries (7 v4, 0 v6) from %1$s/firehol_level1.netset, 8 lines skipped\n" P
            "%1$s/ranges.txt:5: wide, over loopback, private, link-local or multicast addresses "
            "(use --allow-wide): \"100.64.0.0-100.64.255.255\"\n"
            "loaded 9 entries (7 v4, 2 v6) from %1$s/ranges.txt, 1 lines skipped\n"
            "loaded 12 entries (12 v4, 0 v6) from %1$s/talos_ip_blacklist.txt, 0 lines "
            "skipped\n"
            "loaded 6 entries (6 v4, 0 v6) from %1$s/tor_exit_addresses.txt, 0 lines "
            "skipped\n") < 0)
        exit(2);
    struct feed_set *set = load_expect(dir, want);
    free(want);
    CHECK(set != NULL);
    struct feeds_stats st = feeds_stats(set);
    CHECK_INT(st.files, 8);
    CHECK_INT(st.v4, 59);
    CHECK_INT(st.v6, 12);
    CHECK_INT(st.allowed, 0);
    /* Same start: the first file by name. */
    check4(set, "192.0.2.15", "drop.txt");  /* drop, dshield, firehol, ranges */
    check4(set, "192.0.2.200", "drop.txt"); /* and tor */
    check4(set, "198.51.100.23", "drop.txt");
    check4(set, "1.10.20.1", "drop.txt");              /* and firehol */
    check4(set, "45.143.200.10", "dshield_block.txt"); /* and the wider one of firehol */
    check4(set, "45.143.201.0", "firehol_level1.netset");
    check4(set, "5.188.86.172", "feodo_ipblocklist.csv");    /* and talos */
    check4(set, "162.247.74.201", "talos_ip_blacklist.txt"); /* and tor */
    check4(set, "10.0.0.5", "ranges.txt");                   /* firehol's 10.0.0.0/8 was skipped */
    check4(set, "10.0.2.0", NULL);
    check4(set, "100.64.0.1", NULL);                    /* skipped in firehol and ranges */
    check4(set, "198.18.0.1", "firehol_level1.netset"); /* and ranges */
    /* drop.txt's /25 ends first: the rest of the /24 is dshield's, before firehol's. */
    check4(set, "203.0.113.127", "drop.txt");
    check4(set, "203.0.113.130", "dshield_block.txt");
    check4(set, "203.0.113.201", "dshield_block.txt");
    /* ranges.txt starts at 185.220.100.240, before dshield's 185.220.101.0/24. */
    check4(set, "185.220.100.250", "ranges.txt");
    check4(set, "185.220.101.5", "ranges.txt");
    check4(set, "185.220.101.47", "dshield_block.txt"); /* and firehol, tor */
    check4(set, "185.220.101.48", "dshield_block.txt");
    check6(set, "2001:db8:1::5", "dropv6.txt"); /* and ranges */
    check6(set, "2a14:7587::1", "dropv6.txt");
    check4(set, "203.0.114.0", NULL);
    check6(set, "2001:db9::", NULL);
    feeds_free(set);
}

/* ---- 2. Line syntax ---- */

static void test_syntax(void)
{
    const char *dir = new_dir("syntax");
    static const char text[] = "\xEF\xBB\xBF# a byte order mark, then a comment\r\n" /* 1 */
                               "; a semicolon comment\r\n"                           /* 2 */
                               "\t  # an indented comment\n"                         /* 3 */
                               "192.0.2.1\n"                                         /* 4 */
                               "\t192.0.2.2\t\t# tabs and a trailing comment\n"      /* 5 */
                               "192.0.2.3;a trailing semicolon comment\n"            /* 6 */
                               "192.0.2.4\r\n"                                       /* 7 */
                               "\n"                                                  /* 8 */
                               "\r\n"                                                /* 9 */
                               " \t \n"                                              /* 10 */
                               "198.51.100.7/24\n"                                   /* 11 */
                               "203.0.113.9/30 ; host bits again\n"                  /* 12 */
                               "192.0.2.5\0junk\n"                                   /* 13 */
                               "192.0.2.10 - 192.0.2.12\n"                           /* 14 */
                               "192.0.2.20-192.0.2.22\n"                             /* 15 */
                               "192.0.2.40-192.0.2.30\n"                             /* 16 */
                               "192.0.2.50 - 192.0.2.49\n"                           /* 17 */
                               "192.0.2.60-2001:db8::1\n"                            /* 18 */
                               "2001:db8::1 - 192.0.2.61\n"                          /* 19 */
                               "2001:db8:a::/48 # an IPv6 CIDR\n"                    /* 20 */
                               "2001:db8:b::1\n"                                     /* 21 */
                               "::ffff:192.0.2.100\n"                                /* 22 */
                               "::ffff:192.0.2.128/121\n"                            /* 23 */
                               "192.0.2.7/33\n"                                      /* 24 */
                               "2001:db8::/129\n"                                    /* 25 */
                               "192.0.2.8/08\n"                                      /* 26 */
                               "192.0.2.8/\n"                                        /* 27 */
                               "2001:db8:c::5/64";                                   /* 28 */
    write_bytes(dir, "syntax.txt", text, sizeof(text) - 1);
    struct feed_set *set = load_expect(
        dir, P "%1$s/syntax.txt:13: NUL byte in line: \"\"\n" P
               "%1$s/syntax.txt:16: range ends before it starts: \"192.0.2.40-192.0.2.30\"\n" P
               "%1$s/syntax.txt:17: range ends before it starts: \"192.0.2.50\"\n" P
               "%1$s/syntax.txt:18: range mixes IPv4 and IPv6: \"192.0.2.60-2001:db8::1\"\n" P
               "%1$s/syntax.txt:19: range mixes IPv4 and IPv6: \"2001:db8::1\"\n" P
               "%1$s/syntax.txt:24: invalid prefix length (want 0-32): \"192.0.2.7/33\"\n" P
               "%1$s/syntax.txt:25: invalid prefix length (want 0-128): \"2001:db8::/129\"\n" P
               "%1$s/syntax.txt:26: invalid prefix length (want 0-32): \"192.0.2.8/08\"\n" P
               "%1$s/syntax.txt:27: invalid prefix length (want 0-32): \"192.0.2.8/\"\n" P
               "%1$s/syntax.txt: 3 entries with host bits set, used as their network (first: "
               "line 11)\n"
               "loaded 13 entries (10 v4, 3 v6) from %1$s/syntax.txt, 9 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 10, 3, 0, 11, 3);
    check4(set, "192.0.2.0", NULL);
    check4(set, "192.0.2.3", "syntax.txt");
    check4(set, "192.0.2.4", "syntax.txt");
    check4(set, "192.0.2.5", NULL); /* the line with a NUL byte */
    check4(set, "192.0.2.12", "syntax.txt");
    check4(set, "192.0.2.13", NULL);
    check4(set, "192.0.2.30", NULL);
    check4(set, "192.0.2.49", NULL);
    check4(set, "192.0.2.60", NULL);
    check4(set, "192.0.2.100", "syntax.txt"); /* ::ffff:192.0.2.100 */
    check4(set, "192.0.2.127", NULL);
    check4(set, "192.0.2.255", "syntax.txt");
    check4(set, "198.51.100.0", "syntax.txt");
    check4(set, "203.0.113.7", NULL);
    check4(set, "203.0.113.8", "syntax.txt");
    check4(set, "203.0.113.11", "syntax.txt");
    check4(set, "203.0.113.12", NULL);
    check6(set, "2001:db8::1", NULL);
    check6(set, "2001:db8:a:ffff::1", "syntax.txt");
    check6(set, "2001:db8:b::1", "syntax.txt");
    check6(set, "2001:db8:b::2", NULL);
    check6(set, "2001:db8:c::ffff", "syntax.txt");
    check6(set, "2001:db8:c:1::", NULL);
    check_cidrs(set, "+192.0.2.1/32 syntax.txt\n"
                     "+192.0.2.2/31 syntax.txt\n"
                     "+192.0.2.4/32 syntax.txt\n"
                     "+192.0.2.10/31 syntax.txt\n"
                     "+192.0.2.12/32 syntax.txt\n"
                     "+192.0.2.20/31 syntax.txt\n"
                     "+192.0.2.22/32 syntax.txt\n"
                     "+192.0.2.100/32 syntax.txt\n"
                     "+192.0.2.128/25 syntax.txt\n"
                     "+198.51.100.0/24 syntax.txt\n"
                     "+203.0.113.8/30 syntax.txt\n"
                     "+2001:db8:a::/48 syntax.txt\n"
                     "+2001:db8:b::1/128 syntax.txt\n"
                     "+2001:db8:c::/64 syntax.txt\n");
    feeds_free(set);
}

/* Two addresses on a line are a range only after DShield's column header, or when a third
 * token is the prefix length of exactly that network (a DShield line without its header):
 * anything else, a netmask or a typo, must be written as a range "a-b". */
static void test_two_addresses(void)
{
    const char *dir = new_dir("two-addresses");
    write_file(dir, "two.txt",
               "203.0.113.5 203.0.200.1\n"                           /* 1 */
               "192.168.1.0 0.0.0.255\n"                             /* 2: a netmask */
               "10.0.0.0 255.0.0.0\n"                                /* 3 */
               "61.177.172.0 61.177.172.255 24\n"                    /* 4 */
               "61.177.172.0 61.177.172.255 23\n"                    /* 5 */
               "61.177.176.0\t61.177.176.255\t24\t1234\tsome name\n" /* 6 */
               "61.177.178.0 61.177.178.127 25\n"                    /* 7 */
               "61.177.180.1 61.177.180.255 24\n"                    /* 8: not a network */
               "61.177.182.0 61.177.182.255 33\n"                    /* 9 */
               "2001:db8::1 2001:db8::2\n"                           /* 10 */
               "192.0.2.1 - 192.0.2.3\n"                             /* 11 */
               "192.0.2.9 not-an-address\n"                          /* 12 */
               "61.177.184.0 61.177.184.255\n");                     /* 13 */
    struct feed_set *set = load_expect(
        dir, P "%1$s/two.txt:1: two addresses (write a range as a-b): \"203.0.113.5\"\n" P
               "%1$s/two.txt:2: two addresses (write a range as a-b): \"192.168.1.0\"\n" P
               "%1$s/two.txt:3: two addresses (write a range as a-b): \"10.0.0.0\"\n" P
               "%1$s/two.txt:5: two addresses (write a range as a-b): \"61.177.172.0\"\n" P
               "%1$s/two.txt:8: two addresses (write a range as a-b): \"61.177.180.1\"\n" P
               "%1$s/two.txt:9: two addresses (write a range as a-b): \"61.177.182.0\"\n" P
               "%1$s/two.txt:10: two addresses (write a range as a-b): \"2001:db8::1\"\n" P
               "%1$s/two.txt:13: two addresses (write a range as a-b): \"61.177.184.0\"\n"
               "loaded 5 entries (5 v4, 0 v6) from %1$s/two.txt, 8 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 5, 0, 0, 6, 0);
    check4(set, "203.0.113.5", NULL);
    check4(set, "203.0.150.1", NULL);
    check4(set, "192.168.1.1", NULL);
    check4(set, "10.0.0.1", NULL);
    check4(set, "61.177.172.1", "two.txt");
    check4(set, "61.177.173.1", NULL);
    check4(set, "61.177.180.1", NULL);
    check4(set, "61.177.184.1", NULL);
    check6(set, "2001:db8::1", NULL);
    check_cidrs(set, "+61.177.172.0/24 two.txt\n"
                     "+61.177.176.0/24 two.txt\n"
                     "+61.177.178.0/25 two.txt\n"
                     "+192.0.2.1/32 two.txt\n"
                     "+192.0.2.2/31 two.txt\n"
                     "+192.0.2.9/32 two.txt\n");
    feeds_free(set);
    /* "a a 32": one address, its own /32 (a host mask of 0, not a shift by 128). */
    dir = new_dir("dshield-slash32");
    write_file(dir, "one.txt", "198.51.100.1 198.51.100.1 32\n");
    set = load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/one.txt, 0 lines skipped\n");
    check4(set, "198.51.100.1", "one.txt");
    check4(set, "198.51.100.2", NULL);
    feeds_free(set);

    /* After the header, any "start end" pair is a range, and is checked as one; before it,
     * it is two addresses. */
    dir = new_dir("dshield-header");
    write_file(dir, "block.txt",
               "61.177.190.0 61.177.190.255\n"    /* 1 */
               "Start\tEnd\tNetblock\tAttacks\n"  /* 2 */
               "203.0.113.5\t203.0.200.1\n"       /* 3 */
               "198.51.100.10 198.51.100.20 30\n" /* 4: the bits are not checked */
               "2001:db8::1 2001:db8::ff\n"       /* 5 */
               "192.168.1.0 0.0.0.255\n"          /* 6 */
               "10.0.0.0 10.0.1.255\n"            /* 7: wide, over 10.0.0.0/8 */
               "10.0.0.0 10.0.0.255\n"            /* 8 */
               "61.177.190.0 61.177.190.255\n");  /* 9 */
    set = load_expect(dir, P
                      "%1$s/block.txt:1: two addresses (write a range as a-b): \"61.177.190.0\"\n" P
                      "%1$s/block.txt:6: two addresses (write a range as a-b): \"192.168.1.0\"\n" P
                      "%1$s/block.txt:7: wide, over loopback, private, link-local or multicast "
                      "addresses (use --allow-wide): \"10.0.0.0\"\n"
                      "loaded 5 entries (4 v4, 1 v6) from %1$s/block.txt, 3 lines skipped\n");
    CHECK(set != NULL);
    check4(set, "203.0.113.4", NULL);
    check4(set, "203.0.113.5", "block.txt");
    check4(set, "203.0.150.0", "block.txt");
    check4(set, "203.0.200.1", "block.txt");
    check4(set, "203.0.200.2", NULL);
    check4(set, "198.51.100.9", NULL);
    check4(set, "198.51.100.10", "block.txt");
    check4(set, "198.51.100.20", "block.txt");
    check4(set, "198.51.100.21", NULL);
    check4(set, "10.0.0.255", "block.txt");
    check4(set, "10.0.1.0", NULL);
    check4(set, "61.177.190.7", "block.txt");
    check6(set, "2001:db8::", NULL);
    check6(set, "2001:db8::ff", "block.txt");
    check6(set, "2001:db8::100", NULL);
    feeds_free(set);
}

/* At most 10 warnings a file, then a count; each file has its own. The summary of host
 * bits says "entry" for one. */
static void test_warning_limit(void)
{
    const char *dir = new_dir("warning-limit");
    char sevens[201];
    memset(sevens, '7', 200);
    sevens[200] = '\0';
    char *many;
    if (asprintf(&many,
                 "nope\n1.2.3\n256.1.1.1\n01.2.3.4\n1.2.3.4x\n:::1\n/8\n\x1b[31mred\n<html>\n"
                 "%s\n1.2.3.4/-1\nExitAddress\nfe80::1%%eth0\n192.0.2.1\n1.2.3.4-\n",
                 sevens) < 0)
        exit(2);
    write_file(dir, "a.txt", many);
    free(many);
    write_file(dir, "b.txt", "x1\nx2\nx3\nx4\nx5\nx6\nx7\nx8\nx9\nx10\nx11\n20.0.0.1/8\n");
    struct feed_set *set = load_expect(
        dir, P "%1$s/a.txt:1: not an IP address, CIDR or range: \"nope\"\n" P
               "%1$s/a.txt:2: not an IP address, CIDR or range: \"1.2.3\"\n" P
               "%1$s/a.txt:3: not an IP address, CIDR or range: \"256.1.1.1\"\n" P
               "%1$s/a.txt:4: not an IP address, CIDR or range: \"01.2.3.4\"\n" P
               "%1$s/a.txt:5: not an IP address, CIDR or range: \"1.2.3.4x\"\n" P
               "%1$s/a.txt:6: not an IP address, CIDR or range: \":::1\"\n" P
               "%1$s/a.txt:7: not an IP address, CIDR or range: \"/8\"\n" P
               "%1$s/a.txt:8: not an IP address, CIDR or range: \"?[31mred\"\n" P
               "%1$s/a.txt:9: not an IP address, CIDR or range: \"<html>\"\n" P
               "%1$s/a.txt:10: not an IP address, CIDR or range: "
               "\"777777777777777777777777777777777777777777777777...\"\n" P
               "%1$s/a.txt: 4 more line(s) skipped\n"
               "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 14 lines skipped\n" P
               "%1$s/b.txt:1: not an IP address, CIDR or range: \"x1\"\n" P
               "%1$s/b.txt:2: not an IP address, CIDR or range: \"x2\"\n" P
               "%1$s/b.txt:3: not an IP address, CIDR or range: \"x3\"\n" P
               "%1$s/b.txt:4: not an IP address, CIDR or range: \"x4\"\n" P
               "%1$s/b.txt:5: not an IP address, CIDR or range: \"x5\"\n" P
               "%1$s/b.txt:6: not an IP address, CIDR or range: \"x6\"\n" P
               "%1$s/b.txt:7: not an IP address, CIDR or range: \"x7\"\n" P
               "%1$s/b.txt:8: not an IP address, CIDR or range: \"x8\"\n" P
               "%1$s/b.txt:9: not an IP address, CIDR or range: \"x9\"\n" P
               "%1$s/b.txt:10: not an IP address, CIDR or range: \"x10\"\n" P
               "%1$s/b.txt: 1 more line(s) skipped\n" P
               "%1$s/b.txt: 1 entry with host bits set, used as their network (first: line 12)\n"
               "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 11 lines skipped\n");
    check4(set, "192.0.2.1", "a.txt");
    check4(set, "20.255.0.1", "b.txt");
    check4(set, "1.2.3.4", NULL);
    feeds_free(set);
}

/* IPv6 text as RFC 4291 writes it (and inet_pton reads it, the oracle here): at most one
 * "::", hex groups of 1-4 digits in any case, a dotted quad for the last 32 bits. (src bug:
 * parse_v6() shifts the 128-bit value by 16 * (8 - n) = 128 for "::" alone, undefined
 * behaviour; right by luck on x86-64, a runtime error in the sanitizer build.) */
static void test_ipv6_text(void)
{
    static const char *const good[] = {"::",
                                       "::1",
                                       "1::",
                                       "1:2:3:4:5:6:7:8",
                                       "1:2:3:4:5:6:7::",
                                       "::2:3:4:5:6:7:8",
                                       "2001:DB8:0:0:0:0:0:AB",
                                       "2001:db8::1.2.3.4",
                                       "1:2:3:4:5:6:1.2.3.4",
                                       "::ffff:1.2.3.4",
                                       "::1.2.3.5",
                                       "0:0:0:0:0:ffff:0102:0306",
                                       "2001:0db8:0000::00ff",
                                       "a:b:c:d:e:f:0:1"};
    static const char *const bad[] = {":::1",
                                      "1:::2",
                                      "1::2::3",
                                      "1:2:3:4:5:6:7:8:9",
                                      "12345::",
                                      "1:",
                                      ":1",
                                      "1:2:3:4:5:6:7:8::",
                                      "::1:2:3:4:5:6:7:8",
                                      "1:2:3:4:5:6:7:1.2.3.4",
                                      "::1.2.3",
                                      "::256.1.1.1",
                                      "fe80::1%eth0",
                                      "g::1",
                                      "1.2.3.4::",
                                      "::01.2.3.4",
                                      "1:2:3:4:5:6:7",
                                      "::ffff:1.2.3.4.5",
                                      "1::2:",
                                      ":",
                                      "::1:"};
    const size_t ngood = sizeof(good) / sizeof(good[0]), nbad = sizeof(bad) / sizeof(bad[0]);
    const char *dir = new_dir("ipv6-text");
    struct capture text, want;
    uint8_t a6[16];
    capture_open(&text);
    for (size_t i = 0; i < ngood; i++) {
        CHECK(inet_pton(AF_INET6, good[i], a6) == 1);
        fprintf(text.f, "%s\n", good[i]);
    }
    char *s = capture_text(&text);
    write_file(dir, "good.txt", s);
    free(s);
    /* The bad ones, 7 to a file (under the 10 warnings shown). */
    capture_open(&want);
    for (size_t file = 0; file * 7 < nbad; file++) {
        char name[32];
        snprintf(name, sizeof(name), "bad%zu.txt", file + 1);
        capture_open(&text);
        size_t line = 0;
        for (size_t i = file * 7; i < nbad && i < file * 7 + 7; i++) {
            CHECK(inet_pton(AF_INET6, bad[i], a6) != 1);
            fprintf(text.f, "%s\n", bad[i]);
            fprintf(want.f, P "%%1$s/%s:%zu: not an IP address, CIDR or range: \"", name, ++line);
            for (const char *c = bad[i]; *c; c++) /* a format: '%' doubled */
                fputs(*c == '%' ? "%%" : (char[]){*c, '\0'}, want.f);
            fputs("\"\n", want.f);
        }
        s = capture_text(&text);
        write_file(dir, name, s);
        free(s);
        fprintf(want.f, "loaded 0 entries (0 v4, 0 v6) from %%1$s/%s, %zu lines skipped\n", name,
                line);
    }
    fprintf(want.f, "loaded 14 entries (2 v4, 12 v6) from %%1$s/good.txt, 0 lines skipped\n");
    s = capture_text(&want);
    struct feed_set *set = load_expect(dir, s);
    free(s);
    CHECK(set != NULL);
    check_stats(set, 4, 2, 12, 0, 2, 11);
    for (size_t i = 0; i < ngood; i++)
        check6(set, good[i], "good.txt");
    check6(set, "::2", NULL);
    check6(set, "1::1", NULL);
    check4(set, "1.2.3.5", NULL); /* ::1.2.3.5 is IPv4-compatible, not IPv4-mapped */
    check_cidrs(set, "+1.2.3.4/32 good.txt\n"
                     "+1.2.3.6/32 good.txt\n"
                     "+::/127 good.txt\n"
                     "+::1.2.3.5/128 good.txt\n"
                     "+0:2:3:4:5:6:7:8/128 good.txt\n"
                     "+1::/128 good.txt\n"
                     "+1:2:3:4:5:6:7:0/128 good.txt\n"
                     "+1:2:3:4:5:6:7:8/128 good.txt\n"
                     "+1:2:3:4:5:6:102:304/128 good.txt\n"
                     "+a:b:c:d:e:f:0:1/128 good.txt\n"
                     "+2001:db8::ab/128 good.txt\n"
                     "+2001:db8::ff/128 good.txt\n"
                     "+2001:db8::102:304/128 good.txt\n");
    feeds_free(set);
}

/* A CSV file's header names its address column ("ip" or "dst_ip", any case). */
static void test_csv(void)
{
    const char *dir = new_dir("csv");
    write_file(dir, "c.csv",
               "first_seen,IP,port\n"                           /* 1 */
               "2024-05-01,192.0.2.1,443\n"                     /* 2 */
               "\"2024-05-01\",\"198.51.100.2\",\"80\"\n"       /* 3 */
               "2024-05-01,,443\n"                              /* 4 */
               "2024-05-01\n"                                   /* 5 */
               "\"2024-05-01, 10:00\",\"203.0.113.3\",\"22\"\n" /* 6 */
               "# a comment\n"                                  /* 7 */
               "  2024-05-02 , 2001:db8::3 , 8080\r\n");        /* 8 */
    struct feed_set *set =
        load_expect(dir, P "%1$s/c.csv:4: not an IP address, CIDR or range: \"\"\n" P
                           "%1$s/c.csv:5: no address column: \"2024-05-01\"\n"
                           "loaded 4 entries (3 v4, 1 v6) from %1$s/c.csv, 2 lines skipped\n");
    check_cidrs(set, "+192.0.2.1/32 c.csv\n"
                     "+198.51.100.2/32 c.csv\n"
                     "+203.0.113.3/32 c.csv\n"
                     "+2001:db8::3/128 c.csv\n");
    feeds_free(set);
}

/* ---- 3. Bounds ---- */

static void test_bounds(void)
{
    const char *dir = new_dir("bounds");
    char line[FEED_LINE_MAX + 2];
    char *text = malloc(200000);
    if (!text)
        exit(2);
    /* A line of exactly FEED_LINE_MAX bytes, then an unended one as long. */
    memset(line, ' ', FEED_LINE_MAX);
    memcpy(line, "198.51.100.1", 12);
    line[FEED_LINE_MAX] = '\n';
    memcpy(text, line, FEED_LINE_MAX + 1);
    memcpy(text + FEED_LINE_MAX + 1, "198.51.100.2", 12);
    memset(text + FEED_LINE_MAX + 13, ' ', FEED_LINE_MAX - 12);
    write_bytes(dir, "max.txt", text, 2 * FEED_LINE_MAX + 1);
    /* One byte more, in a complete line and in one that outgrows the read buffer. */
    strcpy(text, "192.0.2.1\n");
    memset(text + 10, '7', FEED_LINE_MAX + 1);
    strcpy(text + 10 + FEED_LINE_MAX + 1, "\n192.0.2.3\n");
    write_file(dir, "long.txt", text);
    strcpy(text, "bad\n192.0.2.2\n");
    memset(text + 14, '7', 150000);
    strcpy(text + 14 + 150000, "\n");
    write_file(dir, "longer.txt", text);
    free(text);
    write_sparse(dir, "exact.txt", (off_t)FEED_FILE_MAX); /* zeros: line 1 too long */
    write_sparse(dir, "over.txt", (off_t)FEED_FILE_MAX + 1);
    write_sparse(dir, "huge.txt", (off_t)2 << 30);
    write_file(dir, "ok.txt", "203.0.113.1\n");
    /* The files over FEED_FILE_MAX are refused by their size, unread (reading would find
     * line 1 too long first); the others on the first line too long. */
    struct feed_set *set =
        load_expect(dir, P "%1$s/exact.txt:1: line longer than 4096 bytes, file refused\n" P
                           "%1$s/huge.txt: larger than 256 MiB, file refused\n" P
                           "%1$s/long.txt:2: line longer than 4096 bytes, file refused\n" P
                           "%1$s/longer.txt:1: not an IP address, CIDR or range: \"bad\"\n" P
                           "%1$s/longer.txt:3: line longer than 4096 bytes, file refused\n"
                           "loaded 2 entries (2 v4, 0 v6) from %1$s/max.txt, 0 lines skipped\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$s/ok.txt, 0 lines skipped\n" P
                           "%1$s/over.txt: larger than 256 MiB, file refused\n");
    CHECK(set != NULL);
    check_stats(set, 2, 3, 0, 0, 3, 0);
    check4(set, "198.51.100.1", "max.txt");
    check4(set, "198.51.100.2", "max.txt");
    check4(set, "203.0.113.1", "ok.txt");
    check4(set, "192.0.2.1", NULL); /* a refused file gives nothing, not even its start */
    check4(set, "192.0.2.2", NULL);
    check4(set, "192.0.2.3", NULL);
    feeds_free(set);

    /* A refused file alone: no usable feed. */
    dir = new_dir("bounds-alone");
    write_sparse(dir, "huge.txt", (off_t)2 << 30);
    set = load_expect(dir, P "%1$s/huge.txt: larger than 256 MiB, file refused\n" P
                             "no usable feed in %1$s\n");
    CHECK(set == NULL);
    CHECK_INT(load_errno, ENODATA);
}

/* feed_cidr_count(): the CIDRs that tile a range, as the tries will hold them. */
static void test_cidr_count(void)
{
    const feed_addr v4 = FEED_V4_BASE, all = ~(feed_addr)0;
    CHECK_INT(feed_cidr_count(v4 | 0x0a000000u, v4 | 0x0a0000ffu), 1);  /* 10.0.0.0/24 */
    CHECK_INT(feed_cidr_count(v4 | 0x0a000001u, v4 | 0x0a0000feu), 14); /* .1-.254 */
    CHECK_INT(feed_cidr_count(v4 | 0x0a000005u, v4 | 0x0a000005u), 1);
    CHECK_INT(feed_cidr_count(v4, v4 | 0xffffffffu), 1); /* all of IPv4 */
    CHECK_INT(feed_cidr_count(1, all - 1), 254);         /* ::1-ffff:...:fffe */
    CHECK_INT(feed_cidr_count(0, all), 1);
    CHECK_INT(feed_cidr_count(0, all - 1), 128);
    CHECK_INT(feed_cidr_count(1, all), 128);
    CHECK_INT(feed_cidr_count(all, all), 1);
}

/* n lines "2001:P:N::1-2001:P:N:ffff:ffff:ffff:ffff:fffe" (N = 0, 1, ...), each a /48 but
 * its first and last addresses: 158 CIDRs; then tail. Caller frees. */
static char *tiled_ranges(unsigned p, size_t n, const char *tail)
{
    struct capture c;
    capture_open(&c);
    for (size_t i = 0; i < n; i++)
        fprintf(c.f, "2001:%x:%zx::1-2001:%x:%zx:ffff:ffff:ffff:ffff:fffe\n", p, i, p, i);
    fputs(tail, c.f);
    return capture_text(&c);
}

/* A file whose entries need more than FEED_FILE_CIDRS_MAX CIDRs (each entry's own tiling,
 * summed) is refused, allow_wide or not; the set's families are bound by FEEDS_CIDRS_MAX. */
static void test_cidr_limits(void)
{
    const feed_addr line0 = (feed_addr)0x20010db8u << 96;
    const size_t per_line = feed_cidr_count(line0 | 1, line0 | (((feed_addr)1 << 80) - 2));
    const size_t lines = FEED_FILE_CIDRS_MAX / per_line, rest = FEED_FILE_CIDRS_MAX % per_line;
    CHECK_INT(per_line, 158);
    CHECK_INT(lines, 13273);
    CHECK_INT(rest, 18);
    CHECK_INT(feed_cidr_count(1, 0x3fe), 18);
    /* Exactly FEED_FILE_CIDRS_MAX: 13273 lines and one of 18 CIDRs. One more is too many. */
    char *exact = tiled_ranges(0xdb8, lines, "2001:db8:ffff::1-2001:db8:ffff::3fe\n");
    char *over = tiled_ranges(0xdb9, lines,
                              "2001:db9:ffff::1-2001:db9:ffff::3fe\n"
                              "192.0.2.77\n"); /* line 13275 */
    const char *dir = new_dir("cidrs-file");
    write_file(dir, "a.txt", "192.0.2.1\n");
    write_file(dir, "exact.txt", exact);
    write_file(dir, "over.txt", over);
    write_file(dir, "z.txt", "198.51.100.1\n");
    struct feed_set *set = load_expect(
        dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
             "loaded 13274 entries (0 v4, 13274 v6) from %1$s/exact.txt, 0 lines skipped\n" P
             "%1$s/over.txt:13275: more than 2097152 CIDRs, file refused\n"
             "loaded 1 entries (1 v4, 0 v6) from %1$s/z.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 3, 2, 13274, 0, 2, FEED_FILE_CIDRS_MAX);
    check4(set, "192.0.2.1", "a.txt");
    check4(set, "198.51.100.1", "z.txt");
    check4(set, "192.0.2.77", NULL);
    check6(set, "2001:db8::1", "exact.txt");
    check6(set, "2001:db8:33d8:ffff:ffff:ffff:ffff:fffe", "exact.txt");
    check6(set, "2001:db8:33d8:ffff:ffff:ffff:ffff:ffff", NULL);
    check6(set, "2001:db8:ffff::3fe", "exact.txt");
    check6(set, "2001:db9::1", NULL); /* a refused file gives nothing */
    feeds_free(set);
    /* allow_wide does not lift it. */
    const char *path = join(dir, "over.txt");
    struct error e;
    char *log;
    CHECK_INT(check_file(path, true, &log, &e), -1);
    check_text(e.msg, "%1$s:13275: more than 2097152 CIDRs, file refused", path, NULL);
    CHECK_STR(log, "");
    free(log);

    /* A set may need FEEDS_CIDRS_MAX CIDRs of a family, not one more: the load fails. */
    dir = new_dir("cidrs-set");
    write_file(dir, "a.txt", exact);
    free(exact);
    free(over);
    char *b = tiled_ranges(0xdb9, lines, "2001:db9:ffff::1-2001:db9:ffff::3fe\n");
    write_file(dir, "b.txt", b);
    free(b);
    set = load_expect(dir,
                      "loaded 13274 entries (0 v4, 13274 v6) from %1$s/a.txt, 0 lines skipped\n"
                      "loaded 13274 entries (0 v4, 13274 v6) from %1$s/b.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 2, 0, 2 * 13274, 0, 0, FEEDS_CIDRS_MAX);
    feeds_free(set);
    write_file(dir, "c.txt", "2001:dba::1\n192.0.2.1\n");
    set =
        load_expect(dir, "loaded 13274 entries (0 v4, 13274 v6) from %1$s/a.txt, 0 lines skipped\n"
                         "loaded 13274 entries (0 v4, 13274 v6) from %1$s/b.txt, 0 lines skipped\n"
                         "loaded 2 entries (1 v4, 1 v6) from %1$s/c.txt, 0 lines skipped\n" P
                         "feeds in %1$s need 1 IPv4 and 4194305 IPv6 CIDRs, more than 4194304\n");
    CHECK(set == NULL);
    CHECK_INT(load_errno, EINVAL);
}

/* ---- 4. Wide entries ---- */

static void test_wide(void)
{
    const char *dir = new_dir("wide");
    write_file(dir, "wide.txt",
               "0.0.0.0/0\n"                 /* 1 */
               "10.0.0.0/7\n"                /* 2 */
               "::/0\n"                      /* 3 */
               "2001::/15\n"                 /* 4 */
               "11.0.0.0/8\n"                /* 5: exactly a /8 */
               "2a00::/16\n"                 /* 6: exactly a /16 */
               "12.0.0.0-13.0.0.0\n"         /* 7: a /8 and one address */
               "14.0.0.0 - 14.255.255.255\n" /* 8: a /8 as a range */
               "::ffff:0.0.0.0/96\n"         /* 9: all of IPv4 */
               "2a01::-2a02::\n");           /* 10: a /16 and one address */
    struct feed_set *set = load_expect(
        dir,
        P "%1$s/wide.txt:1: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "
          "\"0.0.0.0/0\"\n" P
          "%1$s/wide.txt:2: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "
          "\"10.0.0.0/7\"\n" P
          "%1$s/wide.txt:3: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "
          "\"::/0\"\n" P "%1$s/wide.txt:4: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "
          "\"2001::/15\"\n" P
          "%1$s/wide.txt:7: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "
          "\"12.0.0.0-13.0.0.0\"\n" P
          "%1$s/wide.txt:9: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "
          "\"::ffff:0.0.0.0/96\"\n" P
          "%1$s/wide.txt:10: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "
          "\"2a01::-2a02::\"\n"
          "loaded 3 entries (2 v4, 1 v6) from %1$s/wide.txt, 7 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 2, 1, 0, 2, 1);
    check4(set, "10.0.0.1", NULL);
    check4(set, "11.255.255.255", "wide.txt");
    check4(set, "12.0.0.0", NULL);
    check4(set, "14.1.2.3", "wide.txt");
    check6(set, "2001::1", NULL);
    check6(set, "2a00:ffff::1", "wide.txt");
    check_cidrs(set, "+11.0.0.0/8 wide.txt\n+14.0.0.0/8 wide.txt\n+2a00::/16 wide.txt\n");
    feeds_free(set);

    /* Allowed: everything (2001::/15 has a host bit, counted once it is accepted). IPv6's
     * ::/0 leaves the IPv4-mapped block to the IPv4 trie. */
    struct feed_sources src = {.dir = dir, .allow_wide = true};
    set = load_src_expect(&src,
                          P "%1$s/wide.txt: 1 entry with host bits set, used as their network "
                            "(first: line 4)\n"
                            "loaded 10 entries (6 v4, 4 v6) from %1$s/wide.txt, 0 lines skipped\n",
                          NULL);
    check_stats(set, 1, 6, 4, 0, 1, 96);
    check4(set, "0.0.0.0", "wide.txt");
    check4(set, "255.255.255.255", "wide.txt");
    check6(set, "::", "wide.txt");
    check6(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "wide.txt");
    feeds_free(set);

    /* IPv6 entries no wider than a /16 that hold the IPv4-mapped block ::ffff:0:0/96 list
     * all of IPv4, far more than an IPv4 /8: not without allow_wide either. (src bug:
     * is_wide() measures an IPv6 entry as IPv6 only, so "::/80" or a mistyped
     * "::ffff:192.0.2.1/24" puts 0.0.0.0/0 in the IPv4 trie.) Whether such an entry is
     * skipped or cut down, no IPv4 address outside a /8 may be listed. */
    dir = new_dir("wide-mapped");
    write_file(dir, "a.txt", "::/80\n2001:db8::/32\n");
    write_file(dir, "b.txt", "::ffff:192.0.2.1/24\n");
    char *log;
    struct error e;
    set = load_src(&(struct feed_sources){.dir = dir}, &log, &e);
    free(log);
    CHECK(set != NULL);
    check4(set, "8.8.8.8", NULL);
    check4(set, "192.0.2.1", NULL);
    CHECK_INT(feeds_stats(set).cidrs4, 0);
    check6(set, "2001:db8::1", "a.txt");
    feeds_free(set);
}

/* An entry wider than an IPv4 /24 or an IPv6 /48 over loopback, private, link-local or
 * multicast addresses (a bogon list's 10.0.0.0/8) would cut a host off from itself or its
 * own network: skipped unless allow_wide. Small entries there are fine. */
static void test_special_use(void)
{
    const char *dir = new_dir("special-use");
    write_file(dir, "private.txt",
               "10.0.0.0/8\n"         /* 1 */
               "10.1.2.0/24\n"        /* 2 */
               "127.0.0.0/16\n"       /* 3 */
               "127.0.0.2\n"          /* 4 */
               "0.0.0.0/8\n"          /* 5 */
               "100.64.0.0/10\n"      /* 6 */
               "169.254.0.0/16\n"     /* 7 */
               "172.16.0.0/12\n"      /* 8 */
               "192.168.0.0/16\n"     /* 9 */
               "192.168.1.0/24\n"     /* 10 */
               "224.0.0.0/8\n"        /* 11 */
               "239.255.255.0/24\n"   /* 12 */
               "255.255.254.0/23\n"   /* 13: over 255.255.255.255 */
               "255.255.255.0/24\n"); /* 14 */
    write_file(dir, "edges.txt",
               "10.1.4.0/23\n"            /* 1: just wider than a /24 */
               "10.1.6.0-10.1.7.0\n"      /* 2: a /24 and one address */
               "10.1.8.0-10.1.8.255\n"    /* 3 */
               "9.0.0.0/8\n"              /* 4 */
               "11.0.0.0/8\n"             /* 5 */
               "9.255.255.0-10.0.0.255\n" /* 6: into 10.0.0.0/8 */
               "100.63.0.0/16\n"          /* 7 */
               "100.128.0.0/16\n"         /* 8 */
               "172.15.0.0/16\n"          /* 9 */
               "172.32.0.0/16\n"          /* 10 */
               "169.253.0.0/16\n"         /* 11 */
               "169.255.0.0/16\n"         /* 12 */
               "192.167.0.0/16\n"         /* 13 */
               "192.169.0.0/16\n"         /* 14 */
               "223.0.0.0/8\n"            /* 15 */
               "240.0.0.0/8\n"            /* 16 */
               "::ffff:10.0.0.0/104\n"    /* 17: 10.0.0.0/8 written as IPv6 */
               "::ffff:127.0.1.0/120\n"); /* 18 */
    /* An IPv6 entry over :: and ::1 wider than a /48 holds the IPv4-mapped block too: it is
     * skipped as wider than an IPv4 /8 first (test_wide). */
    write_file(dir, "v6.txt",
               "::1\n"                         /* 1 */
               "fe80::/32\n"                   /* 2 */
               "fe80::/48\n"                   /* 3 */
               "fc00::/16\n"                   /* 4 */
               "fd12:3456:789a::/48\n"         /* 5 */
               "ff02::/16\n"                   /* 6 */
               "ff02::1\n"                     /* 7 */
               "fe7f:ffff::/32\n"              /* 8 */
               "fec0::/16\n"                   /* 9 */
               "fbff::/16\n"                   /* 10 */
               "fe00::/16\n"                   /* 11 */
               "fe7f:ffff:ffff::-fe80::ffff\n" /* 12: into fe80::/10 */
               "2001:db8::/32\n");             /* 13 */
    struct feed_set *set = load_expect(
        dir, P "%1$s/edges.txt:1: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"10.1.4.0/23\"\n" P
               "%1$s/edges.txt:2: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"10.1.6.0-10.1.7.0\"\n" P
               "%1$s/edges.txt:6: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"9.255.255.0-10.0.0.255\"\n" P
               "%1$s/edges.txt:17: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"::ffff:10.0.0.0/104\"\n"
               "loaded 14 entries (14 v4, 0 v6) from %1$s/edges.txt, 4 lines skipped\n" P
               "%1$s/private.txt:1: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"10.0.0.0/8\"\n" P
               "%1$s/private.txt:3: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"127.0.0.0/16\"\n" P
               "%1$s/private.txt:5: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"0.0.0.0/8\"\n" P
               "%1$s/private.txt:6: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"100.64.0.0/10\"\n" P
               "%1$s/private.txt:7: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"169.254.0.0/16\"\n" P
               "%1$s/private.txt:8: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"172.16.0.0/12\"\n" P
               "%1$s/private.txt:9: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"192.168.0.0/16\"\n" P
               "%1$s/private.txt:11: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"224.0.0.0/8\"\n" P
               "%1$s/private.txt:13: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"255.255.254.0/23\"\n"
               "loaded 5 entries (5 v4, 0 v6) from %1$s/private.txt, 9 lines skipped\n" P
               "%1$s/v6.txt:2: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"fe80::/32\"\n" P
               "%1$s/v6.txt:4: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"fc00::/16\"\n" P
               "%1$s/v6.txt:6: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"ff02::/16\"\n" P
               "%1$s/v6.txt:12: wide, over loopback, private, link-local or multicast "
               "addresses (use --allow-wide): \"fe7f:ffff:ffff::-fe80::ffff\"\n"
               "loaded 9 entries (0 v4, 9 v6) from %1$s/v6.txt, 4 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 3, 19, 9, 0, 19, 9);
    check4(set, "10.0.0.1", NULL);
    check4(set, "10.1.2.3", "private.txt");
    check4(set, "10.1.5.0", NULL);
    check4(set, "10.1.8.255", "edges.txt");
    check4(set, "9.255.255.255", "edges.txt");
    check4(set, "127.0.0.1", NULL);
    check4(set, "127.0.0.2", "private.txt");
    check4(set, "169.254.169.254", NULL);
    check4(set, "192.168.1.1", "private.txt");
    check4(set, "192.168.2.1", NULL);
    check4(set, "224.0.0.251", NULL);
    check4(set, "255.255.255.255", "private.txt");
    check6(set, "::1", "v6.txt");
    check6(set, "fe80::1", "v6.txt");
    check6(set, "fe80:0:1::1", NULL);
    check6(set, "fc00::1", NULL);
    check6(set, "ff02::2", NULL);
    check_cidrs(set, "+9.0.0.0/8 edges.txt\n"
                     "+10.1.2.0/24 private.txt\n"
                     "+10.1.8.0/24 edges.txt\n"
                     "+11.0.0.0/8 edges.txt\n"
                     "+100.63.0.0/16 edges.txt\n"
                     "+100.128.0.0/16 edges.txt\n"
                     "+127.0.0.2/32 private.txt\n"
                     "+127.0.1.0/24 edges.txt\n"
                     "+169.253.0.0/16 edges.txt\n"
                     "+169.255.0.0/16 edges.txt\n"
                     "+172.15.0.0/16 edges.txt\n"
                     "+172.32.0.0/16 edges.txt\n"
                     "+192.167.0.0/16 edges.txt\n"
                     "+192.168.1.0/24 private.txt\n"
                     "+192.169.0.0/16 edges.txt\n"
                     "+223.0.0.0/8 edges.txt\n"
                     "+239.255.255.0/24 private.txt\n"
                     "+240.0.0.0/8 edges.txt\n"
                     "+255.255.255.0/24 private.txt\n"
                     "+::1/128 v6.txt\n"
                     "+2001:db8::/32 v6.txt\n"
                     "+fbff::/16 v6.txt\n"
                     "+fd12:3456:789a::/48 v6.txt\n"
                     "+fe00::/16 v6.txt\n"
                     "+fe7f:ffff::/32 v6.txt\n"
                     "+fe80::/48 v6.txt\n"
                     "+fec0::/16 v6.txt\n"
                     "+ff02::1/128 v6.txt\n");
    feeds_free(set);

    /* Allowed: all of them. */
    struct feed_sources src = {.dir = dir, .allow_wide = true};
    set = load_src_expect(&src,
                          "loaded 18 entries (18 v4, 0 v6) from %1$s/edges.txt, 0 lines skipped\n"
                          "loaded 14 entries (14 v4, 0 v6) from %1$s/private.txt, 0 lines "
                          "skipped\n"
                          "loaded 13 entries (0 v4, 13 v6) from %1$s/v6.txt, 0 lines skipped\n",
                          NULL);
    CHECK(set != NULL);
    struct feeds_stats st = feeds_stats(set);
    CHECK_INT(st.files, 3);
    CHECK_INT(st.v4, 32);
    CHECK_INT(st.v6, 13);
    /* edges.txt's 9.0.0.0/8, 9.255.255.0-10.0.0.255 and ::ffff:10.0.0.0/104 make one
     * range, which starts before private.txt's 10.0.0.0/8. */
    check4(set, "10.0.0.1", "edges.txt");
    check4(set, "10.1.2.3", "edges.txt");
    check4(set, "10.1.5.0", "edges.txt");
    check4(set, "127.0.0.1", "private.txt");
    check4(set, "169.254.169.254", "private.txt");
    check4(set, "224.0.0.251", "private.txt");
    check6(set, "fe80:0:1::1", "v6.txt");
    check6(set, "fc00::1", "v6.txt");
    check6(set, "ff02::2", "v6.txt");
    feeds_free(set);

    /* --check-feed says the same. */
    const char *path = join(dir, "private.txt");
    struct error e;
    char *log;
    CHECK_INT(check_file(path, false, &log, &e), 5);
    free(log);
    CHECK_INT(check_file(path, true, &log, &e), 14);
    check_text(log, "loaded 14 entries (14 v4, 0 v6) from %1$s, 0 lines skipped\n", path, NULL);
    free(log);
}

/* The entries of one file may together cover at most 1/16 of IPv4 (2^28 addresses) and
 * 16 IPv6 /16s (2^116), overlaps counted twice, unless allow_wide: 256 /8s, each within
 * bounds, would be all of IPv4. */
static void test_wide_file(void)
{
    const char *dir = new_dir("wide-file");
    struct capture c16, c17, same, v6_17, v6_16, mixed;
    capture_open(&c16);
    capture_open(&c17);
    capture_open(&same);
    capture_open(&v6_17);
    capture_open(&v6_16);
    capture_open(&mixed);
    for (int i = 0; i < 17; i++) {
        if (i < 16)
            fprintf(c16.f, "%d.0.0.0/8\n", 11 + i); /* 11-26 */
        fprintf(c17.f, "%d.0.0.0/8\n", 11 + i);     /* 11-27 */
        fprintf(same.f, "30.0.0.0/8\n");
        fprintf(v6_17.f, "2a%02x::/16\n", i);
        if (i < 16) {
            fprintf(v6_16.f, "2b%02x::/16\n", i);
            fprintf(mixed.f, "%d.0.0.0/8\n2c%02x::/16\n", 31 + i, i);
        }
    }
    struct capture *files[] = {&c16, &c17, &same, &v6_17, &v6_16, &mixed};
    static const char *const names[] = {"a-16.txt",    "b-17.txt",    "c-same-17.txt",
                                        "d-v6-17.txt", "e-v6-16.txt", "f-mixed.txt"};
    for (size_t i = 0; i < 6; i++) {
        char *text = capture_text(files[i]);
        write_file(dir, names[i], text);
        free(text);
    }
    struct feed_set *set = load_expect(
        dir, "loaded 16 entries (16 v4, 0 v6) from %1$s/a-16.txt, 0 lines skipped\n" P
             "%1$s/b-17.txt: covers 285212672 IPv4 addresses, more than 1/16 of IPv4, file "
             "refused (use --allow-wide)\n" P
             "%1$s/c-same-17.txt: covers 285212672 IPv4 addresses, more than 1/16 of IPv4, "
             "file refused (use --allow-wide)\n" P
             "%1$s/d-v6-17.txt: covers more than 16 IPv6 /16s, file refused (use "
             "--allow-wide)\n"
             "loaded 16 entries (0 v4, 16 v6) from %1$s/e-v6-16.txt, 0 lines skipped\n"
             "loaded 32 entries (16 v4, 16 v6) from %1$s/f-mixed.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 3, 32, 32, 0, 10, 2);
    check4(set, "11.0.0.0", "a-16.txt");
    check4(set, "26.255.255.255", "a-16.txt");
    check4(set, "27.0.0.0", NULL); /* a refused file gives nothing */
    check4(set, "30.0.0.0", NULL);
    check4(set, "46.255.255.255", "f-mixed.txt");
    check6(set, "2a00::1", NULL);
    check6(set, "2b0f:ffff::1", "e-v6-16.txt");
    check6(set, "2b10::", NULL);
    check6(set, "2c0f::1", "f-mixed.txt");
    feeds_free(set);

    struct feed_sources src = {.dir = dir, .allow_wide = true};
    set =
        load_src_expect(&src,
                        "loaded 16 entries (16 v4, 0 v6) from %1$s/a-16.txt, 0 lines skipped\n"
                        "loaded 17 entries (17 v4, 0 v6) from %1$s/b-17.txt, 0 lines skipped\n"
                        "loaded 17 entries (17 v4, 0 v6) from %1$s/c-same-17.txt, 0 lines skipped\n"
                        "loaded 17 entries (0 v4, 17 v6) from %1$s/d-v6-17.txt, 0 lines skipped\n"
                        "loaded 16 entries (0 v4, 16 v6) from %1$s/e-v6-16.txt, 0 lines skipped\n"
                        "loaded 32 entries (16 v4, 16 v6) from %1$s/f-mixed.txt, 0 lines skipped\n",
                        NULL);
    CHECK(set != NULL);
    check_stats(set, 6, 66, 49, 0, 12, 4);
    check4(set, "27.0.0.0", "b-17.txt");
    check4(set, "30.0.0.0", "c-same-17.txt");
    check6(set, "2a10::1", "d-v6-17.txt");
    feeds_free(set);

    /* --check-feed refuses it too, with the same message. */
    const char *path = join(dir, "b-17.txt");
    struct error e;
    char *log;
    CHECK_INT(check_file(path, false, &log, &e), -1);
    check_text(e.msg,
               "%1$s: covers 285212672 IPv4 addresses, more than 1/16 of IPv4, file refused (use "
               "--allow-wide)",
               path, NULL);
    CHECK_STR(log, "");
    free(log);
    CHECK_INT(check_file(path, true, &log, &e), 17);
    free(log);
}

/* ---- 5. The allow-list ---- */

static void test_allow(void)
{
    const char *dir = new_dir("allow");
    const char *files = new_dir("allow-files");
    write_file(dir, "a.txt", "20.0.0.0/8\n");
    write_file(files, "allow.txt", "20.1.2.3\n");
    struct feed_sources src = {.dir = dir, .allow = join(files, "allow.txt")};
    struct feed_set *set =
        load_src_expect(&src,
                        "loaded 1 entries (1 v4, 0 v6) from %2$s, 0 lines skipped\n"
                        "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n",
                        src.allow);
    CHECK(set != NULL);
    check_stats(set, 1, 1, 0, 1, 24, 0);
    check4(set, "20.0.0.0", "a.txt");
    check4(set, "20.1.2.2", "a.txt");
    check4(set, "20.1.2.3", NULL);
    check4(set, "20.1.2.4", "a.txt");
    check4(set, "20.255.255.255", "a.txt");
    check_cidrs(set, "+20.0.0.0/16 a.txt\n"
                     "+20.1.0.0/23 a.txt\n"
                     "+20.1.2.0/31 a.txt\n"
                     "+20.1.2.2/32 a.txt\n"
                     "+20.1.2.4/30 a.txt\n"
                     "+20.1.2.8/29 a.txt\n"
                     "+20.1.2.16/28 a.txt\n"
                     "+20.1.2.32/27 a.txt\n"
                     "+20.1.2.64/26 a.txt\n"
                     "+20.1.2.128/25 a.txt\n"
                     "+20.1.3.0/24 a.txt\n"
                     "+20.1.4.0/22 a.txt\n"
                     "+20.1.8.0/21 a.txt\n"
                     "+20.1.16.0/20 a.txt\n"
                     "+20.1.32.0/19 a.txt\n"
                     "+20.1.64.0/18 a.txt\n"
                     "+20.1.128.0/17 a.txt\n"
                     "+20.2.0.0/15 a.txt\n"
                     "+20.4.0.0/14 a.txt\n"
                     "+20.8.0.0/13 a.txt\n"
                     "+20.16.0.0/12 a.txt\n"
                     "+20.32.0.0/11 a.txt\n"
                     "+20.64.0.0/10 a.txt\n"
                     "+20.128.0.0/9 a.txt\n");
    feeds_free(set);

    /* It wins over every feed, in every format it is written in. */
    dir = new_dir("allow-wins");
    write_file(dir, "a.txt", "198.51.100.0/24\n192.0.2.0/24\n2001:db8::/32\n10.9.9.8/31\n");
    write_file(dir, "b.txt", "198.51.100.0/25\n192.0.2.7\n");
    write_file(dir, "c.csv", "# \"dst_ip\",\"port\"\n\"198.51.100.200\",\"443\"\n");
    write_file(files, "allow2.txt",
               "; allowed\n198.51.100.0/24\n192.0.2.7 # in two feeds\n2001:db8::1\n"
               "::ffff:10.9.9.9\n");
    src = (struct feed_sources){.dir = dir, .allow = join(files, "allow2.txt")};
    set = load_src_expect(&src,
                          "loaded 4 entries (3 v4, 1 v6) from %2$s, 0 lines skipped\n"
                          "loaded 4 entries (3 v4, 1 v6) from %1$s/a.txt, 0 lines skipped\n"
                          "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
                          "loaded 1 entries (1 v4, 0 v6) from %1$s/c.csv, 0 lines skipped\n",
                          src.allow);
    check_stats(set, 3, 6, 1, 4, 9, 96);
    check4(set, "198.51.100.0", NULL);
    check4(set, "198.51.100.200", NULL);
    check4(set, "192.0.2.6", "a.txt");
    check4(set, "192.0.2.7", NULL);
    check4(set, "192.0.2.8", "a.txt");
    check4(set, "10.9.9.8", "a.txt");
    check4(set, "10.9.9.9", NULL);
    check6(set, "2001:db8::", "a.txt");
    check6(set, "2001:db8::1", NULL);
    check6(set, "2001:db8::2", "a.txt");
    /* The IPv4 CIDRs: 192.0.2.0/24 less .7, and 10.9.9.8. */
    char *got = sync_calls(NULL, set, reg, 10, NULL);
    check_text(got,
               "+10.9.9.8/32 a.txt\n"
               "+192.0.2.0/30 a.txt\n"
               "+192.0.2.4/31 a.txt\n"
               "+192.0.2.6/32 a.txt\n"
               "+192.0.2.8/29 a.txt\n"
               "+192.0.2.16/28 a.txt\n"
               "+192.0.2.32/27 a.txt\n"
               "+192.0.2.64/26 a.txt\n"
               "+192.0.2.128/25 a.txt\n"
               "+2001:db8::/128 a.txt\n",
               NULL, NULL);
    free(got);
    feeds_free(set);

    /* Everything allowed: a set that lists nothing. */
    write_file(files, "all.txt", "198.51.100.0/24\n192.0.2.0/24\n10.9.9.8/31\n2001:db8::/32\n");
    src.allow = join(files, "all.txt");
    set = load_src_expect(&src,
                          "loaded 4 entries (3 v4, 1 v6) from %2$s, 0 lines skipped\n"
                          "loaded 4 entries (3 v4, 1 v6) from %1$s/a.txt, 0 lines skipped\n"
                          "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
                          "loaded 1 entries (1 v4, 0 v6) from %1$s/c.csv, 0 lines skipped\n",
                          src.allow);
    CHECK(set != NULL);
    check_stats(set, 3, 6, 1, 4, 0, 0);
    check4(set, "192.0.2.7", NULL);
    check_cidrs(set, "");
    feeds_free(set);

    /* The allow-list has no width bound: wide entries over private addresses, or all
     * addresses, are allowed (allow_wide is for the feeds). */
    write_file(files, "private.txt", "10.0.0.0/8\n192.168.0.0/16\nfc00::/7\n");
    src.allow = join(files, "private.txt");
    set = load_src_expect(&src,
                          "loaded 3 entries (2 v4, 1 v6) from %2$s, 0 lines skipped\n"
                          "loaded 4 entries (3 v4, 1 v6) from %1$s/a.txt, 0 lines skipped\n"
                          "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
                          "loaded 1 entries (1 v4, 0 v6) from %1$s/c.csv, 0 lines skipped\n",
                          src.allow);
    CHECK(set != NULL);
    check_stats(set, 3, 6, 1, 3, 2, 1);
    check4(set, "10.9.9.8", NULL);
    check4(set, "192.0.2.7", "a.txt");
    check_cidrs(set, "+192.0.2.0/24 a.txt\n+198.51.100.0/24 a.txt\n+2001:db8::/32 a.txt\n");
    feeds_free(set);
    write_file(files, "everything.txt", "0.0.0.0/0\n::/0\n");
    src.allow = join(files, "everything.txt");
    set = load_src_expect(&src,
                          "loaded 2 entries (1 v4, 1 v6) from %2$s, 0 lines skipped\n"
                          "loaded 4 entries (3 v4, 1 v6) from %1$s/a.txt, 0 lines skipped\n"
                          "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
                          "loaded 1 entries (1 v4, 0 v6) from %1$s/c.csv, 0 lines skipped\n",
                          src.allow);
    CHECK(set != NULL);
    check_stats(set, 3, 6, 1, 2, 0, 0);
    check4(set, "192.0.2.1", NULL);
    check6(set, "2001:db8::2", NULL);
    check_cidrs(set, "");
    feeds_free(set);

    /* An allow-list that cannot be read whole fails the load: without it, allowed peers
     * would be cut off. A line it does not understand is not skipped either. */
    struct error e;
    char *log;
    write_file(files, "ports.txt", "192.0.2.1\n10.1.2.5:443\n[2001:db8::5]\n2001:db8::6\n");
    src.allow = join(files, "ports.txt");
    set = load_src_expect(&src,
                          P "%2$s:2: not an IP address, CIDR or range: \"10.1.2.5:443\"\n" P
                            "%2$s:3: not an IP address, CIDR or range: \"[2001:db8::5]\"\n"
                            "loaded 2 entries (1 v4, 1 v6) from %2$s, 2 lines skipped\n" P
                            "allow-list %2$s: 2 line(s) not understood: it must load whole\n",
                          src.allow);
    CHECK(set == NULL);
    CHECK_INT(load_errno, EINVAL);
    write_file(files, "one.txt", "two words\n");
    src.allow = join(files, "one.txt");
    set = load_src_expect(&src,
                          P "%2$s:1: not an IP address, CIDR or range: \"two\"\n"
                            "loaded 0 entries (0 v4, 0 v6) from %2$s, 1 lines skipped\n" P
                            "allow-list %2$s: 1 line(s) not understood: it must load whole\n",
                          src.allow);
    CHECK(set == NULL);
    CHECK_INT(load_errno, EINVAL);
    src.allow = join(files, "missing.txt");
    set = load_src_expect(&src, P "allow-list %2$s: %2$s: No such file or directory\n", src.allow);
    CHECK(set == NULL);
    CHECK_INT(load_errno, EINVAL);
    src.allow = files; /* a directory */
    set = load_src_expect(&src, P "cannot read %2$s: not a regular file\n", src.allow);
    CHECK(set == NULL);
    CHECK_INT(load_errno, EINVAL);
    char long_line[FEED_LINE_MAX + 3];
    memset(long_line, '1', FEED_LINE_MAX + 1);
    strcpy(long_line + FEED_LINE_MAX + 1, "\n");
    write_file(files, "long.txt", long_line);
    src.allow = join(files, "long.txt");
    set = load_src(&src, &log, &e);
    CHECK(set == NULL);
    check_text(e.msg, "%1$s:1: line longer than 4096 bytes, file refused", src.allow, NULL);
    CHECK_INT(load_errno, EINVAL);
    free(log);
}

/* ---- 6. Trust ---- */

static bool need_root(const char *test)
{
    if (geteuid() == 0)
        return true;
    fprintf(stderr, "%s: FAILED: needs root (chown to uid %d), runs as uid %u\n", test, NOBODY,
            (unsigned)geteuid());
    check_failures++;
    return false;
}

/* Expects the load of src to fail with exactly the message want (%1$s is the directory,
 * %2$s other), a refusal, after the log before. */
static void check_refused_at(int line, const struct feed_sources *src, const char *before,
                             const char *want, const char *other)
{
    char *log, *expected;
    struct error e;
    struct feed_set *set = load_src(src, &log, &e);
    if (set) {
        fprintf(stderr, "%s:%d: the load of %s was not refused\n", __FILE__, line, src->dir);
        check_failures++;
        feeds_free(set);
    }
    if (strncmp(e.msg, "refusing ", 9) != 0) {
        fprintf(stderr, "%s:%d: \"%s\" does not start with \"refusing\"\n", __FILE__, line, e.msg);
        check_failures++;
    }
    check_text_at(line, e.msg, want, src->dir, other);
    if (load_errno != EINVAL) {
        fprintf(stderr, "%s:%d: errno %d, want EINVAL\n", __FILE__, line, load_errno);
        check_failures++;
    }
    if (asprintf(&expected, "%s" P "%s\n", before, want) < 0)
        exit(2);
    check_text_at(line, log, expected, src->dir, other);
    free(expected);
    free(log);
}

#define check_refused(src, before, want, other) check_refused_at(__LINE__, src, before, want, other)

static void test_trust(void)
{
    if (!need_root("test_trust"))
        return;
    struct feed_sources src = {0};

    /* A feed directory its group may write. */
    src.dir = new_dir("trust-group-writable");
    write_file(src.dir, "a.txt", "192.0.2.1\n");
    must(chmod(src.dir, 0770), "chmod");
    check_refused(&src, "", "refusing feeds %1$s: %1$s is writable by group or others (mode 770)",
                  NULL);

    /* A feed directory in one another user owns. */
    const char *parent = new_dir("trust-parent");
    src.dir = join(parent, "feeds");
    must(mkdir(src.dir, 0700), "mkdir");
    write_file(src.dir, "a.txt", "192.0.2.1\n");
    must(chmod(parent, 0755), "chmod");
    must(chown(parent, NOBODY, NOBODY), "chown");
    check_refused(&src, "",
                  "refusing feeds %1$s: %2$s (a directory on the way) belongs to uid 65534",
                  parent);

    /* A feed that is a symlink to another user's file; the feeds before it were read. */
    const char *elsewhere = new_dir("trust-elsewhere");
    write_file(elsewhere, "theirs.dat", "192.0.2.2\n");
    must(chown(join(elsewhere, "theirs.dat"), NOBODY, NOBODY), "chown");
    write_file(elsewhere, "ours.dat", "192.0.2.3\n");
    src.dir = new_dir("trust-symlink-other");
    write_file(src.dir, "a.txt", "192.0.2.1\n");
    must(symlink(join(elsewhere, "theirs.dat"), join(src.dir, "link.txt")), "symlink");
    write_file(src.dir, "z.txt", "192.0.2.9\n");
    check_refused(&src, "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n",
                  "refusing feed %1$s/link.txt: %2$s/theirs.dat belongs to uid 65534", elsewhere);

    /* A feed file anybody may write, or another user's. */
    src.dir = new_dir("trust-mode-666");
    write_file(src.dir, "a.txt", "192.0.2.1\n");
    must(chmod(join(src.dir, "a.txt"), 0666), "chmod");
    check_refused(&src, "",
                  "refusing feed %1$s/a.txt: %1$s/a.txt is writable by group or others (mode 666)",
                  NULL);
    src.dir = new_dir("trust-owner");
    write_file(src.dir, "a.txt", "192.0.2.1\n");
    must(chown(join(src.dir, "a.txt"), NOBODY, NOBODY), "chown");
    check_refused(&src, "", "refusing feed %1$s/a.txt: %1$s/a.txt belongs to uid 65534", NULL);

    /* A feed that is a symlink to a device anybody may write (once just "not a regular
     * file"). */
    src.dir = new_dir("trust-dev-zero");
    must(symlink("/dev/zero", join(src.dir, "zero.txt")), "symlink");
    check_refused(&src, "",
                  "refusing feed %1$s/zero.txt: /dev/zero is writable by group or others "
                  "(mode 666)",
                  NULL);

    /* An allow-list its group may write. */
    src.dir = new_dir("trust-allow");
    write_file(src.dir, "a.txt", "192.0.2.1\n");
    write_file(elsewhere, "allow.txt", "192.0.2.1\n");
    src.allow = join(elsewhere, "allow.txt");
    must(chmod(src.allow, 0664), "chmod");
    check_refused(&src, "",
                  "refusing allow-list %2$s: %2$s is writable by group or others (mode 664)",
                  src.allow);
    src.allow = NULL;

    /* Root's symlinks to root's file and directory are fine: the feed is named by the
     * link. */
    src.dir = new_dir("trust-symlink-ours");
    must(symlink(join(elsewhere, "ours.dat"), join(src.dir, "link.txt")), "symlink");
    struct feed_set *set = load_src_expect(
        &src, "loaded 1 entries (1 v4, 0 v6) from %1$s/link.txt, 0 lines skipped\n", NULL);
    CHECK(set != NULL);
    check4(set, "192.0.2.3", "link.txt");
    feeds_free(set);
    const char *dir_link = join(root, "trust-dir-link");
    must(symlink(src.dir, dir_link), "symlink");
    src.dir = dir_link;
    set = load_src_expect(
        &src, "loaded 1 entries (1 v4, 0 v6) from %1$s/link.txt, 0 lines skipped\n", NULL);
    CHECK(set != NULL);
    check4(set, "192.0.2.3", "link.txt");
    feeds_free(set);
}

/* ---- 7. feeds_sync ---- */

static void test_sync(void)
{
    const char *dir_a = new_dir("sync-a"), *dir_b = new_dir("sync-b");
    write_file(dir_a, "a.txt", "20.0.0.0/24\n20.0.2.0/24\n192.0.2.0/24\n2001:db8::/48\n");
    write_file(dir_a, "b.txt", "198.51.100.0/24\n203.0.113.0/24\n");
    write_file(dir_b, "a.txt", "20.0.0.0/23\n192.0.2.0/24\n");
    write_file(dir_b, "b.txt", "203.0.113.0/24\n");
    write_file(dir_b, "c.txt", "198.51.100.0/24\n2001:db8::/48\n");
    struct feed_set *a =
        load_expect(dir_a, "loaded 4 entries (3 v4, 1 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n");
    struct feed_set *b =
        load_expect(dir_b, "loaded 2 entries (2 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
                           "loaded 2 entries (1 v4, 1 v6) from %1$s/c.txt, 0 lines skipped\n");
    int rc = -1;
    /* From nothing: all of B. */
    char *got = sync_calls(NULL, b, reg, 0, &rc);
    CHECK_INT(rc, 0);
    check_text(got,
               "+20.0.0.0/23 a.txt\n"
               "+192.0.2.0/24 a.txt\n"
               "+198.51.100.0/24 c.txt\n"
               "+203.0.113.0/24 b.txt\n"
               "+2001:db8::/48 c.txt\n",
               NULL, NULL);
    free(got);
    /* A to B: what B lacks or labels otherwise is put, then what A has and B lacks goes;
     * a CIDR only relabelled is not deleted. */
    got = sync_calls(a, b, reg, 0, &rc);
    CHECK_INT(rc, 0);
    check_text(got,
               "+20.0.0.0/23 a.txt\n"
               "+198.51.100.0/24 c.txt\n"
               "+2001:db8::/48 c.txt\n"
               "-20.0.0.0/24 a.txt\n"
               "-20.0.2.0/24 a.txt\n",
               NULL, NULL);
    free(got);
    /* And back. */
    got = sync_calls(b, a, reg, 0, &rc);
    CHECK_INT(rc, 0);
    check_text(got,
               "+20.0.0.0/24 a.txt\n"
               "+20.0.2.0/24 a.txt\n"
               "+198.51.100.0/24 b.txt\n"
               "+2001:db8::/48 a.txt\n"
               "-20.0.0.0/23 a.txt\n",
               NULL, NULL);
    free(got);
    /* To nothing, to itself, from nothing to nothing. */
    got = sync_calls(b, NULL, reg, 0, &rc);
    CHECK_INT(rc, 0);
    check_text(got,
               "-20.0.0.0/23 a.txt\n"
               "-192.0.2.0/24 a.txt\n"
               "-198.51.100.0/24 c.txt\n"
               "-203.0.113.0/24 b.txt\n"
               "-2001:db8::/48 c.txt\n",
               NULL, NULL);
    free(got);
    got = sync_calls(a, a, reg, 0, &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(got, "");
    free(got);
    got = sync_calls(NULL, NULL, reg, 0, &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(got, "");
    free(got);
    /* The first non-zero return stops it, from put() or del(). */
    got = sync_calls(a, b, reg, 2, &rc);
    CHECK_INT(rc, 42);
    CHECK_STR(got, "+20.0.0.0/23 a.txt\n+198.51.100.0/24 c.txt\n");
    free(got);
    got = sync_calls(a, b, reg, 4, &rc);
    CHECK_INT(rc, 42);
    CHECK_STR(got, "+20.0.0.0/23 a.txt\n+198.51.100.0/24 c.txt\n+2001:db8::/48 c.txt\n"
                   "-20.0.0.0/24 a.txt\n");
    free(got);
    feeds_free(a);
    feeds_free(b);
}

/* ---- 8. The registry ---- */

static void test_registry(void)
{
    struct feed_registry *r = feed_registry_new();
    const char *d1 = new_dir("registry-1"), *d2 = new_dir("registry-2");
    struct error e;
    CHECK(r != NULL);
    write_file(d1, "b.txt", "198.51.100.0/24\n");
    write_file(d1, "a.txt", "192.0.2.0/24\n");
    write_file(d2, "c.txt", "203.0.113.0/24\n");
    write_file(d2, "a.txt", "198.51.100.0/24\n");
    struct capture c;
    capture_log(&c);
    struct feed_set *s1 = feeds_load(&(struct feed_sources){.dir = d1}, r, &e);
    struct feed_set *s2 = feeds_load(&(struct feed_sources){.dir = d2}, r, &e);
    struct feed_set *s3 = feeds_load(&(struct feed_sources){.dir = d1}, r, &e);
    free(capture_log_text(&c));
    CHECK(s1 && s2 && s3);
    /* Ids in the order names were first seen (a directory is read in name order). */
    CHECK_STR(feed_registry_name(r, 0), "a.txt");
    CHECK_STR(feed_registry_name(r, 1), "b.txt");
    CHECK_STR(feed_registry_name(r, 2), "c.txt");
    CHECK(feed_registry_name(r, 3) == NULL);
    CHECK(feed_registry_name(r, UINT32_MAX) == NULL);
    CHECK(feed_registry_name(NULL, 0) == NULL);
    CHECK_INT(feed_registry_id(r, "b.txt"), 1);
    CHECK_INT(feed_registry_id(r, "d.txt"), 3);
    CHECK_INT(feed_registry_id(r, "d.txt"), 3);
    CHECK_STR(feed_registry_name(r, 3), "d.txt");
    char *got = sync_calls(NULL, s1, NULL, 0, NULL);
    CHECK_STR(got, "+192.0.2.0/24 #0\n+198.51.100.0/24 #1\n");
    free(got);
    got = sync_calls(NULL, s2, NULL, 0, NULL);
    CHECK_STR(got, "+198.51.100.0/24 #0\n+203.0.113.0/24 #2\n");
    free(got);
    /* The same files again: the same ids, so nothing to sync. */
    got = sync_calls(s1, s3, NULL, 0, NULL);
    CHECK_STR(got, "");
    free(got);
    /* 198.51.100.0/24 moved from b.txt to a.txt: relabelled in place. */
    got = sync_calls(s1, s2, NULL, 0, NULL);
    CHECK_STR(got, "+198.51.100.0/24 #0\n+203.0.113.0/24 #2\n-192.0.2.0/24 #0\n");
    free(got);
    CHECK_STR(feeds_lookup4(s2, ip4("198.51.100.1")), "a.txt");
    feeds_free(s1);
    feeds_free(s2);
    feeds_free(s3);
    feed_registry_free(r);
    feed_registry_free(NULL);
}

/* ---- 9. --check-feed ---- */

/* Only a *.csv file has a CSV header, and only in a line before its first entry: a DROP
 * comment that says "ip", a comment that looks like a CSV header in a plain list, or a
 * later "host,ip" line must not turn a file into CSV. */
static void test_csv_header_place(void)
{
    const char *dir = new_dir("csv-header-place");
    struct error e;
    char *log;
    write_file(dir, "drop.txt", "; DROP, ip, list\n1.10.16.0/20 ; SBL256894\n");
    const char *path = join(dir, "drop.txt");
    CHECK_INT(check_file(path, false, &log, &e), 1);
    check_text(log, "loaded 1 entries (1 v4, 0 v6) from %1$s, 0 lines skipped\n", path, NULL);
    free(log);
    write_file(dir, "late.txt", "192.0.2.1\nhost,ip\n198.51.100.7\n");
    path = join(dir, "late.txt");
    CHECK_INT(check_file(path, false, &log, &e), 2);
    check_text(log,
               P "%1$s:2: not an IP address, CIDR or range: \"host,ip\"\n"
                 "loaded 2 entries (2 v4, 0 v6) from %1$s, 1 lines skipped\n",
               path, NULL);
    free(log);
    write_file(dir, "late.csv", "192.0.2.1\nhost,ip\n198.51.100.7\n");
    path = join(dir, "late.csv");
    CHECK_INT(check_file(path, false, &log, &e), 2);
    check_text(log,
               P "%1$s:2: not an IP address, CIDR or range: \"host,ip\"\n"
                 "loaded 2 entries (2 v4, 0 v6) from %1$s, 1 lines skipped\n",
               path, NULL);
    free(log);

    /* A plain list whose comments look like CSV headers: its addresses are its entries. */
    write_file(dir, "feodo.txt",
               "# \"first_seen_utc\",\"dst_ip\",\"dst_port\"\n192.0.2.1\n198.51.100.7\n");
    path = join(dir, "feodo.txt");
    CHECK_INT(check_file(path, false, &log, &e), 2);
    check_text(log, "loaded 2 entries (2 v4, 0 v6) from %1$s, 0 lines skipped\n", path, NULL);
    free(log);
    write_file(dir, "export.txt", "# source, id, date, ip\n192.0.2.1\n198.51.100.7\n2001:db8::1\n");
    path = join(dir, "export.txt");
    CHECK_INT(check_file(path, false, &log, &e), 3);
    check_text(log, "loaded 3 entries (2 v4, 1 v6) from %1$s, 0 lines skipped\n", path, NULL);
    free(log);
    /* A header line in a .txt file is no header, and the rows after it no entries. */
    write_file(dir, "header.txt", "first_seen,ip,port\n2024-05-01,192.0.2.1,443\n192.0.2.9\n");
    path = join(dir, "header.txt");
    CHECK_INT(check_file(path, false, &log, &e), 1);
    check_text(log,
               P "%1$s:1: not an IP address, CIDR or range: \"first_seen,ip,port\"\n" P
                 "%1$s:2: not an IP address, CIDR or range: \"2024-05-01,192.0.2.1,443\"\n"
                 "loaded 1 entries (1 v4, 0 v6) from %1$s, 2 lines skipped\n",
               path, NULL);
    free(log);
    /* The same lines in a .csv file: a header, then rows. */
    write_file(dir, "header.csv", "first_seen,ip,port\n2024-05-01,192.0.2.1,443\n192.0.2.9\n");
    path = join(dir, "header.csv");
    CHECK_INT(check_file(path, false, &log, &e), 1);
    check_text(log,
               P "%1$s:3: no address column: \"192.0.2.9\"\n"
                 "loaded 1 entries (1 v4, 0 v6) from %1$s, 1 lines skipped\n",
               path, NULL);
    free(log);
    write_file(
        dir, "feodo.csv",
        "# \"first_seen_utc\",\"dst_ip\",\"dst_port\"\n\"2024-05-01\",\"192.0.2.1\",\"443\"\n");
    path = join(dir, "feodo.csv");
    CHECK_INT(check_file(path, false, &log, &e), 1);
    check_text(log, "loaded 1 entries (1 v4, 0 v6) from %1$s, 0 lines skipped\n", path, NULL);
    free(log);
}

static void test_check_file(void)
{
    const char *dir = new_dir("check-file");
    struct error e;
    char *log;
    write_file(dir, "ok.txt", "192.0.2.1\n198.51.100.0/24\nbad\n2001:db8::/32\n");
    const char *path = join(dir, "ok.txt");
    CHECK_INT(check_file(path, false, &log, &e), 3);
    check_text(log,
               P "%1$s:3: not an IP address, CIDR or range: \"bad\"\n"
                 "loaded 3 entries (2 v4, 1 v6) from %1$s, 1 lines skipped\n",
               path, NULL);
    free(log);

    write_file(dir, "wide.txt", "0.0.0.0/0\n");
    path = join(dir, "wide.txt");
    CHECK_INT(check_file(path, false, &log, &e), 0);
    check_text(log,
               P "%1$s:1: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): \"0.0.0.0/0\"\n"
                 "loaded 0 entries (0 v4, 0 v6) from %1$s, 1 lines skipped\n",
               path, NULL);
    free(log);
    CHECK_INT(check_file(path, true, &log, &e), 1);
    check_text(log, "loaded 1 entries (1 v4, 0 v6) from %1$s, 0 lines skipped\n", path, NULL);
    free(log);

    /* Refused: -1, a message and nothing printed. */
    if (need_root("test_check_file")) {
        write_file(dir, "theirs.txt", "192.0.2.1\n");
        path = join(dir, "theirs.txt");
        must(chown(path, NOBODY, NOBODY), "chown");
        CHECK_INT(check_file(path, false, &log, &e), -1);
        check_text(e.msg, "refusing feed %1$s: %1$s belongs to uid 65534", path, NULL);
        CHECK_STR(log, "");
        free(log);
    }
    write_file(dir, "open.txt", "192.0.2.1\n");
    path = join(dir, "open.txt");
    must(chmod(path, 0646), "chmod");
    CHECK_INT(check_file(path, false, &log, &e), -1);
    check_text(e.msg, "refusing feed %1$s: %1$s is writable by group or others (mode 646)", path,
               NULL);
    CHECK_STR(log, "");
    free(log);
    path = join(dir, "missing.txt");
    CHECK_INT(check_file(path, false, &log, &e), -1);
    check_text(e.msg, "feed %1$s: %1$s: No such file or directory", path, NULL);
    free(log);
    CHECK_INT(check_file(dir, false, &log, &e), -1);
    check_text(e.msg, "cannot read %1$s: not a regular file", dir, NULL);
    free(log);
    write_sparse(dir, "huge.txt", (off_t)FEED_FILE_MAX + 1);
    path = join(dir, "huge.txt");
    CHECK_INT(check_file(path, false, &log, &e), -1);
    check_text(e.msg, "%1$s: larger than 256 MiB, file refused", path, NULL);
    CHECK_STR(log, "");
    free(log);

    /* A relative path is named as given. */
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd)) || chdir(dir) != 0)
        exit(2);
    CHECK_INT(check_file("ok.txt", false, &log, &e), 3);
    check_text(log,
               P "ok.txt:3: not an IP address, CIDR or range: \"bad\"\n"
                 "loaded 3 entries (2 v4, 1 v6) from ok.txt, 1 lines skipped\n",
               NULL, NULL);
    free(log);
    if (chdir(cwd) != 0)
        exit(2);
}

/* ---- 10. Overlapping feeds and the fewest CIDRs ---- */

static void test_overlap_nested(void)
{
    const char *dir = new_dir("nested");
    /* Load order is by name: a.txt < b.txt < c.txt, whatever the creation order. */
    write_file(dir, "c.txt", "50.0.0.0/8\n");
    write_file(dir, "b.txt", "50.1.0.0/16\n");
    write_file(dir, "a.txt", "50.1.1.0/24\n");
    struct feed_set *set =
        load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                         "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
                         "loaded 1 entries (1 v4, 0 v6) from %1$s/c.txt, 0 lines skipped\n");
    /* The range that starts first keeps its addresses. */
    check4(set, "49.255.255.255", NULL);
    check4(set, "50.0.0.0", "c.txt");
    check4(set, "50.1.0.0", "c.txt");
    check4(set, "50.1.1.0", "c.txt");
    check4(set, "50.255.255.255", "c.txt");
    check4(set, "51.0.0.0", NULL);
    check_cidrs(set, "+50.0.0.0/8 c.txt\n");
    feeds_free(set);

    /* Nested with the same start: the first file by name. */
    dir = new_dir("nested-same-start");
    write_file(dir, "a.txt", "20.0.0.0/24\n");
    write_file(dir, "b.txt", "20.0.0.0/16\n20.0.5.5\n");
    set = load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n");
    check4(set, "20.0.0.255", "a.txt");
    check4(set, "20.0.1.0", "b.txt");
    check4(set, "20.0.5.5", "b.txt");
    check_cidrs(set, "+20.0.0.0/24 a.txt\n"
                     "+20.0.1.0/24 b.txt\n"
                     "+20.0.2.0/23 b.txt\n"
                     "+20.0.4.0/22 b.txt\n"
                     "+20.0.8.0/21 b.txt\n"
                     "+20.0.16.0/20 b.txt\n"
                     "+20.0.32.0/19 b.txt\n"
                     "+20.0.64.0/18 b.txt\n"
                     "+20.0.128.0/17 b.txt\n");
    feeds_free(set);
}

static void test_overlap_partial_and_identical(void)
{
    const char *dir = new_dir("partial");
    /* a covers 30.0.0.0-30.0.1.255, b 30.0.1.0-30.0.2.255. */
    write_file(dir, "a.txt", "30.0.0.0/23\n");
    write_file(dir, "b.txt", "30.0.1.0/24\n30.0.2.0/24\n");
    struct feed_set *set =
        load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                         "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n");
    check4(set, "30.0.0.0", "a.txt");
    check4(set, "30.0.1.255", "a.txt");
    check4(set, "30.0.2.0", "b.txt");
    check4(set, "30.0.2.255", "b.txt");
    check4(set, "30.0.3.0", NULL);
    check_cidrs(set, "+30.0.0.0/23 a.txt\n+30.0.2.0/24 b.txt\n");
    feeds_free(set);

    /* b starts first, a runs past it: a keeps only what b does not list. */
    dir = new_dir("partial-later-file-first");
    write_file(dir, "a.txt", "30.0.1.0-30.0.3.255\n");
    write_file(dir, "b.txt", "30.0.0.0/23\n");
    set = load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n");
    check4(set, "30.0.1.0", "b.txt");
    check4(set, "30.0.2.0", "a.txt");
    check_cidrs(set, "+30.0.0.0/23 b.txt\n+30.0.2.0/23 a.txt\n");
    feeds_free(set);

    dir = new_dir("identical");
    write_file(dir, "a.txt", "40.0.0.0/16\n40.0.0.0/16\n40.0.0.1\n");
    write_file(dir, "b.txt", "40.0.0.0/16\n");
    set = load_expect(dir, "loaded 3 entries (3 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n");
    check4(set, "40.0.0.0", "a.txt");
    check4(set, "40.0.0.1", "a.txt");
    check4(set, "40.0.255.255", "a.txt");
    check_cidrs(set, "+40.0.0.0/16 a.txt\n");
    feeds_free(set);

    /* Adjacent ranges merge within a feed, never across feeds. */
    dir = new_dir("adjacent");
    write_file(dir, "a.txt", "10.0.0.0-10.0.0.255\n10.0.1.0/24\n60.0.0.0/25\n60.0.0.128/25\n");
    write_file(dir, "b.txt", "60.0.1.0/24\n2001:db8::-2001:db8::ffff\n");
    write_file(dir, "c.txt", "2001:db8::1:0/112\n");
    set = load_expect(dir, "loaded 4 entries (4 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 2 entries (1 v4, 1 v6) from %1$s/b.txt, 0 lines skipped\n"
                           "loaded 1 entries (0 v4, 1 v6) from %1$s/c.txt, 0 lines skipped\n");
    check4(set, "60.0.0.255", "a.txt");
    check4(set, "60.0.1.0", "b.txt");
    check_cidrs(set, "+10.0.0.0/23 a.txt\n"
                     "+60.0.0.0/24 a.txt\n"
                     "+60.0.1.0/24 b.txt\n"
                     "+2001:db8::/112 b.txt\n"
                     "+2001:db8::1:0/112 c.txt\n");
    feeds_free(set);
}

/* The merged intervals become the fewest CIDRs that tile them, each with its feed. */
static void test_cidr_tiling(void)
{
    const char *dir = new_dir("tiling");
    write_file(dir, "a.txt", "10.0.0.1\n10.0.0.2\n10.0.0.3\n10.0.0.4/30\n0.0.0.0/31\n");
    write_file(dir, "b.txt", "10.0.0.0/24\n255.255.255.255\n");
    struct feed_set *set =
        load_expect(dir, "loaded 5 entries (5 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                         "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n");
    /* b's 10.0.0.0/24 starts first: it keeps all of it. */
    check_cidrs(set, "+0.0.0.0/31 a.txt\n"
                     "+10.0.0.0/24 b.txt\n"
                     "+255.255.255.255/32 b.txt\n");
    feeds_free(set);

    dir = new_dir("tiling-inner-first");
    write_file(dir, "a.txt", "10.0.0.1-10.0.0.7\n");
    write_file(dir, "b.txt", "10.0.0.1-10.0.0.255\n");
    set = load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n");
    check_cidrs(set, "+10.0.0.1/32 a.txt\n"
                     "+10.0.0.2/31 a.txt\n"
                     "+10.0.0.4/30 a.txt\n"
                     "+10.0.0.8/29 b.txt\n"
                     "+10.0.0.16/28 b.txt\n"
                     "+10.0.0.32/27 b.txt\n"
                     "+10.0.0.64/26 b.txt\n"
                     "+10.0.0.128/25 b.txt\n");
    check_stats(set, 2, 2, 0, 0, 8, 0);
    feeds_free(set);

    dir = new_dir("tiling-all");
    write_file(dir, "all.txt", "0.0.0.0/0\n::/0\n");
    struct feed_sources src = {.dir = dir, .allow_wide = true};
    set = load_src_expect(
        &src, "loaded 2 entries (1 v4, 1 v6) from %1$s/all.txt, 0 lines skipped\n", NULL);
    /* The first CIDRs of each family, and the last one. */
    char *got = sync_calls(NULL, set, reg, 3, NULL);
    CHECK_STR(got, "+0.0.0.0/0 all.txt\n+::/81 all.txt\n+::8000:0:0/82 all.txt\n");
    free(got);
    check_stats(set, 1, 1, 1, 0, 1, 96);
    feeds_free(set);
}

/* ---- Adapted from the earlier loader's tests ---- */

static void test_edges(void)
{
    const char *dir = new_dir("edges");
    write_file(dir, "e.txt",
               "192.0.2.0/24\n198.51.100.7/32\n203.0.113.4/31\n255.255.255.255\n0.0.0.0\n"
               "::\nffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n");
    struct feed_set *set =
        load_expect(dir, "loaded 7 entries (5 v4, 2 v6) from %1$s/e.txt, 0 lines skipped\n");
    check4(set, "192.0.1.255", NULL);
    check4(set, "192.0.2.0", "e.txt");
    check4(set, "192.0.2.255", "e.txt");
    check4(set, "192.0.3.0", NULL);
    check4(set, "198.51.100.6", NULL);
    check4(set, "198.51.100.7", "e.txt");
    check4(set, "198.51.100.8", NULL);
    check4(set, "203.0.113.3", NULL);
    check4(set, "203.0.113.4", "e.txt");
    check4(set, "203.0.113.5", "e.txt");
    check4(set, "203.0.113.6", NULL);
    check4(set, "255.255.255.254", NULL);
    check4(set, "255.255.255.255", "e.txt");
    check4(set, "0.0.0.0", "e.txt");
    check4(set, "0.0.0.1", NULL);
    check6(set, "::", "e.txt");
    check6(set, "::1", NULL);
    check6(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NULL);
    check6(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "e.txt");
    check_cidrs(set, "+0.0.0.0/32 e.txt\n"
                     "+192.0.2.0/24 e.txt\n"
                     "+198.51.100.7/32 e.txt\n"
                     "+203.0.113.4/31 e.txt\n"
                     "+255.255.255.255/32 e.txt\n"
                     "+::/128 e.txt\n"
                     "+ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128 e.txt\n");
    feeds_free(set);

    dir = new_dir("top");
    write_file(dir, "top.txt", "255.255.255.254/31\n");
    set = load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/top.txt, 0 lines skipped\n");
    check4(set, "255.255.255.253", NULL);
    check4(set, "255.255.255.254", "top.txt");
    check4(set, "255.255.255.255", "top.txt");
    feeds_free(set);
}

/* Warnings and summaries name the file as dir + "/" + name, without doubling a trailing
 * slash. */
static void test_trailing_slash(void)
{
    char *dir = new_path();
    snprintf(dir, sizeof(paths[0]), "%s/", new_dir("slash"));
    write_file(dir, "x.txt", "nope\n3.3.3.3\n");
    struct feed_set *set =
        load_expect(dir, P "%1$sx.txt:1: not an IP address, CIDR or range: \"nope\"\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$sx.txt, 1 lines skipped\n");
    check4(set, "3.3.3.3", "x.txt");
    feeds_free(set);
    /* The same for a refusal (src bug: trusted_openat() joins dir_path and the name with
     * a second '/', "DIR//y.txt", in both parts of the message). */
    write_file(dir, "y.txt", "4.4.4.4\n");
    must(chmod(join(dir, "y.txt"), 0666), "chmod");
    set = load_expect(dir, P "%1$sx.txt:1: not an IP address, CIDR or range: \"nope\"\n"
                             "loaded 1 entries (1 v4, 0 v6) from %1$sx.txt, 1 lines skipped\n" P
                             "refusing feed %1$sy.txt: %1$sy.txt is writable by group or others "
                             "(mode 666)\n");
    CHECK(set == NULL);
}

static void test_unreadable(void)
{
    const char *dir = new_dir("unreadable");
    /* Root reads any mode, so errors come from a directory, a dangling symlink... */
    must(mkdir(join(dir, "a.txt"), 0700), "mkdir");
    must(symlink("missing-target", join(dir, "b.txt")), "symlink");
    /* A FIFO is not even opened (it would block the load). */
    must(mkfifo(join(dir, "c.txt"), 0600), "mkfifo");
    write_file(dir, "e.txt", "4.4.4.4\n");
    struct feed_set *set =
        load_expect(dir, P "cannot read %1$s/a.txt: not a regular file\n" P
                           "feed %1$s/b.txt: %1$s/missing-target: No such file or directory\n" P
                           "feed %1$s/c.txt: %1$s/c.txt: not a regular file or directory\n"
                           "loaded 1 entries (1 v4, 0 v6) from %1$s/e.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check_stats(set, 1, 1, 0, 0, 1, 0);
    check4(set, "4.4.4.4", "e.txt");
    feeds_free(set);
}

static void test_missing_dir(void)
{
    const char *missing = join(root, "does-not-exist");
    struct feed_set *set = load_expect(missing, P "feeds %1$s: %1$s: No such file or directory\n");
    CHECK(set == NULL);
    CHECK_INT(load_errno, EINVAL);
    const char *dir = new_dir("file-not-dir");
    write_file(dir, "plain.txt", "1.1.1.1\n");
    const char *plain = join(dir, "plain.txt");
    set = load_expect(plain, P "feeds %1$s: %1$s: Not a directory\n");
    CHECK(set == NULL);
    set = load_expect("", P "feeds: empty path\n");
    CHECK(set == NULL);
    CHECK_INT(load_errno, EINVAL);
}

static void test_no_usable_entry(void)
{
    const char *dir = new_dir("empty");
    struct feed_set *set = load_expect(dir, P "no usable feed in %1$s\n");
    CHECK(set == NULL);
    CHECK_INT(load_errno, ENODATA); /* guard_feature.c then says "Run feeds/update-feeds.sh" */
    dir = new_dir("unusable");
    write_file(dir, "comments.txt", "# only a comment\n\n   \n; another\n");
    write_file(dir, "empty.txt", "");
    write_file(dir, "garbage.txt", "<html>\n");
    write_file(dir, "notes.md", "1.1.1.1\n");
    set = load_expect(dir, "loaded 0 entries (0 v4, 0 v6) from %1$s/comments.txt, 0 lines "
                           "skipped\n"
                           "loaded 0 entries (0 v4, 0 v6) from %1$s/empty.txt, 0 lines skipped\n" P
                           "%1$s/garbage.txt:1: not an IP address, CIDR or range: \"<html>\"\n"
                           "loaded 0 entries (0 v4, 0 v6) from %1$s/garbage.txt, 1 lines "
                           "skipped\n" P "no usable feed in %1$s\n");
    CHECK(set == NULL);
    CHECK_INT(load_errno, ENODATA);
}

static void test_names(void)
{
    const char *dir = new_dir("names");
    write_file(dir, "feed.txt", "1.1.1.1\n");
    write_file(dir, "f.csv", "1.1.1.2\n"); /* no header: a plain list */
    write_file(dir, "f.netset", "1.1.1.3\n");
    write_file(dir, "f.ipset", "1.1.1.4\n");
    write_file(dir, "notes.md", "2.2.2.2\n");
    write_file(dir, "feed.txt.bak", "3.3.3.3\n");
    write_file(dir, "upper.TXT", "4.4.4.4\n");
    write_file(dir, ".hidden.txt", "5.5.5.5\n");
    write_file(dir, ".txt", "6.6.6.6\n");
    write_file(dir, "txt", "7.7.7.7\n");
    write_file(dir, ".feed.txt.Ab12Cd", "8.8.8.8\n"); /* update-feeds.sh's temporary file */
    struct feed_set *set =
        load_expect(dir, "loaded 1 entries (1 v4, 0 v6) from %1$s/f.csv, 0 lines skipped\n"
                         "loaded 1 entries (1 v4, 0 v6) from %1$s/f.ipset, 0 lines skipped\n"
                         "loaded 1 entries (1 v4, 0 v6) from %1$s/f.netset, 0 lines skipped\n"
                         "loaded 1 entries (1 v4, 0 v6) from %1$s/feed.txt, 0 lines skipped\n");
    check_stats(set, 4, 4, 0, 0, 4, 0);
    check4(set, "1.1.1.1", "feed.txt");
    check4(set, "1.1.1.2", "f.csv");
    check4(set, "1.1.1.3", "f.netset");
    check4(set, "1.1.1.4", "f.ipset");
    check4(set, "2.2.2.2", NULL);
    check4(set, "3.3.3.3", NULL);
    check4(set, "4.4.4.4", NULL);
    check4(set, "5.5.5.5", NULL);
    check4(set, "6.6.6.6", NULL);
    check4(set, "7.7.7.7", NULL);
    check4(set, "8.8.8.8", NULL);
    feeds_free(set);
}

static void test_example_feed(void)
{
    const char *srcdir = getenv("SRCDIR");
    if (!srcdir) {
        fprintf(stderr, "SRCDIR is not set\n");
        check_failures++;
        return;
    }
    /* Alone, so feeds fetched into the source tree's feeds/ cannot change the result. */
    const char *dir = new_dir("example");
    char target[4200];
    snprintf(target, sizeof(target), "%s/feeds/example.txt", srcdir);
    must(symlink(target, join(dir, "example.txt")), "symlink");
    struct feed_set *set =
        load_expect(dir, "loaded 2 entries (2 v4, 0 v6) from %1$s/example.txt, 0 lines skipped\n");
    CHECK(set != NULL);
    check4(set, "198.51.100.7", "example.txt");
    check4(set, "203.0.113.1", "example.txt");
    check4(set, "192.0.2.1", NULL);
    feeds_free(set);
}

static void test_null_set(void)
{
    uint8_t a6[16] = {0};
    CHECK(feeds_lookup4(NULL, 0) == NULL);
    CHECK(feeds_lookup6(NULL, a6) == NULL);
    struct feeds_stats st = feeds_stats(NULL);
    CHECK(st.files == 0 && st.v4 == 0 && st.v6 == 0 && st.allowed == 0 && st.cidrs4 == 0 &&
          st.cidrs6 == 0);
    feeds_free(NULL);
}

int main(void)
{
    umask(022);
    scratch_dir_create(root, sizeof(root), "test_feeds");
    reg = feed_registry_new();
    if (!reg)
        exit(2);
    test_spamhaus_drop();
    test_spamhaus_dropv6();
    test_firehol_netset();
    test_dshield_block();
    test_tor_exit_list();
    test_feodo_csv();
    test_talos();
    test_ranges();
    test_fixtures_together();
    test_syntax();
    test_two_addresses();
    test_warning_limit();
    test_ipv6_text();
    test_csv();
    test_bounds();
    test_cidr_count();
    test_cidr_limits();
    test_wide();
    test_special_use();
    test_wide_file();
    test_allow();
    test_trust();
    test_sync();
    test_registry();
    test_check_file();
    test_csv_header_place();
    test_overlap_nested();
    test_overlap_partial_and_identical();
    test_cidr_tiling();
    test_edges();
    test_trailing_slash();
    test_unreadable();
    test_missing_dir();
    test_no_usable_entry();
    test_names();
    test_example_feed();
    test_null_set();
    feed_registry_free(reg);
    scratch_dir_remove(root);
    CHECK_DONE();
}
