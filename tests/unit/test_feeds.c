/* Unit tests of the threat-feed loader: accepted line forms, exact warnings, unreadable
 * files, lookup edges and the label of overlapping feeds. Every feed file is written to a
 * private mkdtemp() directory that is removed at the end. */
#include "check.h"
#include "scratch.h"
#include "feeds.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define P "ebpfshield-bcc: " /* the prefix of every logged line */

static char root[4096];

static uint32_t ip(const char *s)
{
    struct in_addr in;

    if (inet_pton(AF_INET, s, &in) != 1) {
        fprintf(stderr, "bad test address %s\n", s);
        exit(2);
    }
    return ntohl(in.s_addr);
}

/* Returns a new empty directory under root; the pointer is valid until the next call. */
static const char *new_dir(const char *name)
{
    static char path[4200];

    snprintf(path, sizeof(path), "%s/%s", root, name);
    if (mkdir(path, 0700) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

/* Writes len bytes (the content may hold NUL bytes) to dir/name. */
static void write_bytes(const char *dir, const char *name, const char *data, size_t len)
{
    char path[4300];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void write_file(const char *dir, const char *name, const char *text)
{
    write_bytes(dir, name, text, strlen(text));
}

/* Loads dir with what it logs captured into *warnings (caller frees); a failure is
 * warned about as its caller does. */
static struct feed_set *load(const char *dir, char **warnings)
{
    struct capture c;
    struct error e;

    capture_log(&c);
    struct feed_set *set = feeds_load_dir(dir, &e);
    if (!set)
        warn("%s", e.msg); /* as its caller does */
    *warnings = capture_log_text(&c);
    return set;
}

/* Loads dir and expects exactly the warnings want (printf format, %1$s is dir). */
static struct feed_set *load_expect(const char *dir, const char *want)
{
    char *warnings, *expected;
    struct feed_set *set = load(dir, &warnings);

    if (asprintf(&expected, want, dir) < 0)
        exit(2);
    CHECK_STR(warnings, expected);
    free(expected);
    free(warnings);
    return set;
}

/* Expects the feed name want (or no match when NULL) for addr; line is the caller's. */
static void check_lookup_at(int line, const struct feed_set *set, const char *addr,
                            const char *want)
{
    const char *got = feeds_lookup(set, ip(addr));

    if (want ? !got || strcmp(got, want) != 0 : got != NULL) {
        fprintf(stderr, "%s:%d: lookup %s = %s, want %s\n", __FILE__, line, addr,
                got ? got : "no match", want ? want : "no match");
        check_failures++;
    }
}

#define check_lookup(set, addr, want) check_lookup_at(__LINE__, set, addr, want)

static void test_accepted_forms(void)
{
    const char *dir = new_dir("forms");
    struct feed_set *set;

    write_file(dir, "a.txt",
               "# full-line comment\n"
               "   # indented comment\n"
               "1.2.3.4\n"
               "10.0.0.0/8\n"
               " \t192.168.1.1\t \n"
               "172.16.0.0/12   # trailing comment\n"
               "5.6.7.8# comment without a space\n"
               "\n"
               "\r\n"
               " \t \n"
               "9.9.9.9\r\n"
               "100.64.0.0/10 # comment\r\n"
               "#\n"
               "8.8.8.8");
    set = load_expect(dir, "");
    CHECK(set != NULL);
    CHECK_INT(feeds_file_count(set), 1);
    CHECK_INT(feeds_interval_count(set), 8);
    check_lookup(set, "1.2.3.4", "a.txt");
    check_lookup(set, "10.20.30.40", "a.txt");
    check_lookup(set, "192.168.1.1", "a.txt");
    check_lookup(set, "172.31.255.255", "a.txt");
    check_lookup(set, "5.6.7.8", "a.txt");
    check_lookup(set, "9.9.9.9", "a.txt");
    check_lookup(set, "100.127.0.1", "a.txt");
    check_lookup(set, "8.8.8.8", "a.txt");
    check_lookup(set, "1.2.3.5", NULL);
    check_lookup(set, "8.8.4.4", NULL);
    feeds_free(set);
}

static void test_warnings(void)
{
    const char *dir = new_dir("warnings");
    static const char text[] = "1.2.3\n"
                               "1.2.3.4/33\n"
                               "1.2.3.4/\n"
                               "/8\n"
                               "1.2.3.4x\n"
                               "::1\n"
                               "10.0.0.1/8\n"
                               "01.2.3.4\n"
                               "1.2.3.4/08\n"
                               "1.2.3.4 5.6.7.8\n"
                               "256.1.1.1\n"
                               "1.2.3.4/8/8\n"
                               "1.2.3.4/-1\n"
                               "1.2.3.4/+8\n"
                               "1.2.3.4\0junk\n"
                               "\x1b[31mred\n"
                               "2.2.2.2\n";
    char *big = malloc(200002);
    struct feed_set *set;

    write_bytes(dir, "bad.txt", text, sizeof(text) - 1);
    /* A line far longer than any buffer: getline must cope, the warning is truncated. */
    memset(big, '7', 200000);
    memcpy(big + 200000, "\n", 2);
    write_file(dir, "long.txt", big);
    free(big);
    set = load_expect(dir,
                      P "%1$s/bad.txt:1: not an IPv4 address: \"1.2.3\"\n" P
                        "%1$s/bad.txt:2: invalid prefix length (want 0-32): \"1.2.3.4/33\"\n" P
                        "%1$s/bad.txt:3: invalid prefix length (want 0-32): \"1.2.3.4/\"\n" P
                        "%1$s/bad.txt:4: not an IPv4 address: \"/8\"\n" P
                        "%1$s/bad.txt:5: not an IPv4 address: \"1.2.3.4x\"\n" P
                        "%1$s/bad.txt:7: host bits set, using network 10.0.0.0: \"10.0.0.1/8\"\n" P
                        "%1$s/bad.txt:8: not an IPv4 address: \"01.2.3.4\"\n" P
                        "%1$s/bad.txt:9: invalid prefix length (want 0-32): \"1.2.3.4/08\"\n" P
                        "%1$s/bad.txt:10: not an IPv4 address: \"1.2.3.4 5.6.7.8\"\n" P
                        "%1$s/bad.txt:11: not an IPv4 address: \"256.1.1.1\"\n" P
                        "%1$s/bad.txt:12: invalid prefix length (want 0-32): \"1.2.3.4/8/8\"\n" P
                        "%1$s/bad.txt:13: invalid prefix length (want 0-32): \"1.2.3.4/-1\"\n" P
                        "%1$s/bad.txt:14: invalid prefix length (want 0-32): \"1.2.3.4/+8\"\n" P
                        "%1$s/bad.txt:15: NUL byte in line\n" P
                        "%1$s/bad.txt:16: not an IPv4 address: \"?[31mred\"\n" P
                        "%1$s/long.txt:1: not an IPv4 address: "
                        "\"777777777777777777777777777777777777777777777777...\"\n");
    CHECK(set != NULL);
    CHECK_INT(feeds_file_count(set), 2);
    CHECK_INT(feeds_interval_count(set), 2);
    check_lookup(set, "10.0.0.0", "bad.txt");
    check_lookup(set, "10.255.255.255", "bad.txt");
    check_lookup(set, "2.2.2.2", "bad.txt");
    check_lookup(set, "1.2.3.4", NULL);
    feeds_free(set);
}

/* Warnings name the file as dir + "/" + name, without doubling a trailing slash. */
static void test_trailing_slash(void)
{
    char dir[4300];
    struct feed_set *set;

    snprintf(dir, sizeof(dir), "%s/", new_dir("slash"));
    write_file(dir, "x.txt", "nope\n3.3.3.3\n");
    set = load_expect(dir, P "%1$sx.txt:1: not an IPv4 address: \"nope\"\n");
    check_lookup(set, "3.3.3.3", "x.txt");
    feeds_free(set);
}

static void test_unreadable(void)
{
    const char *dir = new_dir("unreadable");
    char path[4300];
    struct feed_set *set;

    /* Root reads any mode, so errors come from a directory, a dangling symlink... */
    snprintf(path, sizeof(path), "%s/a.txt", dir);
    CHECK(mkdir(path, 0700) == 0);
    snprintf(path, sizeof(path), "%s/b.txt", dir);
    CHECK(symlink("missing-target", path) == 0);
    /* A FIFO must not block the load, nor a device run forever. */
    snprintf(path, sizeof(path), "%s/c.txt", dir);
    CHECK(mkfifo(path, 0600) == 0);
    snprintf(path, sizeof(path), "%s/d.txt", dir);
    CHECK(symlink("/dev/zero", path) == 0);
    write_file(dir, "e.txt", "4.4.4.4\n");
    set = load_expect(dir, P "feeds: cannot read %1$s/a.txt: Is a directory\n" P
                             "feeds: cannot read %1$s/b.txt: No such file or directory\n" P
                             "feeds: cannot read %1$s/c.txt: not a regular file\n" P
                             "feeds: cannot read %1$s/d.txt: not a regular file\n");
    CHECK(set != NULL);
    CHECK_INT(feeds_file_count(set), 1);
    check_lookup(set, "4.4.4.4", "e.txt");
    feeds_free(set);
}

static void test_missing_dir(void)
{
    char missing[4200];
    const char *dir = new_dir("file-not-dir");
    struct feed_set *set;

    snprintf(missing, sizeof(missing), "%s/does-not-exist", root);
    set = load_expect(missing, P "feeds: cannot open %1$s: No such file or directory\n");
    CHECK(set == NULL);
    write_file(dir, "plain.txt", "1.1.1.1\n");
    snprintf(missing, sizeof(missing), "%s/plain.txt", dir);
    set = load_expect(missing, P "feeds: cannot open %1$s: Not a directory\n");
    CHECK(set == NULL);
}

static void test_no_usable_entry(void)
{
    const char *dir = new_dir("empty");
    struct feed_set *set;

    set = load_expect(dir, P "no usable feed in %1$s\n");
    CHECK(set == NULL);
    dir = new_dir("unusable");
    write_file(dir, "comments.txt", "# only a comment\n\n   \n");
    write_file(dir, "empty.txt", "");
    write_file(dir, "garbage.txt", "<html>\n");
    write_file(dir, "notes.md", "1.1.1.1\n");
    set = load_expect(dir, P "%1$s/garbage.txt:1: not an IPv4 address: \"<html>\"\n" P
                             "no usable feed in %1$s\n");
    CHECK(set == NULL);
}

static void test_non_txt_ignored(void)
{
    const char *dir = new_dir("names");
    struct feed_set *set;

    write_file(dir, "feed.txt", "1.1.1.1\n");
    write_file(dir, "notes.md", "2.2.2.2\n");
    write_file(dir, "feed.txt.bak", "3.3.3.3\n");
    write_file(dir, "upper.TXT", "4.4.4.4\n");
    write_file(dir, ".hidden.txt", "5.5.5.5\n");
    write_file(dir, ".txt", "6.6.6.6\n");
    write_file(dir, "txt", "7.7.7.7\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_file_count(set), 1);
    check_lookup(set, "1.1.1.1", "feed.txt");
    check_lookup(set, "2.2.2.2", NULL);
    check_lookup(set, "3.3.3.3", NULL);
    check_lookup(set, "4.4.4.4", NULL);
    check_lookup(set, "5.5.5.5", NULL);
    check_lookup(set, "6.6.6.6", NULL);
    check_lookup(set, "7.7.7.7", NULL);
    feeds_free(set);
}

static void test_edges(void)
{
    const char *dir = new_dir("edges");
    struct feed_set *set;

    write_file(dir, "e.txt",
               "192.0.2.0/24\n198.51.100.7/32\n203.0.113.4/31\n255.255.255.255\n0.0.0.0\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_interval_count(set), 5);
    check_lookup(set, "192.0.1.255", NULL);
    check_lookup(set, "192.0.2.0", "e.txt");
    check_lookup(set, "192.0.2.255", "e.txt");
    check_lookup(set, "192.0.3.0", NULL);
    check_lookup(set, "198.51.100.6", NULL);
    check_lookup(set, "198.51.100.7", "e.txt");
    check_lookup(set, "198.51.100.8", NULL);
    check_lookup(set, "203.0.113.3", NULL);
    check_lookup(set, "203.0.113.4", "e.txt");
    check_lookup(set, "203.0.113.5", "e.txt");
    check_lookup(set, "203.0.113.6", NULL);
    check_lookup(set, "255.255.255.254", NULL);
    check_lookup(set, "255.255.255.255", "e.txt");
    check_lookup(set, "0.0.0.0", "e.txt");
    check_lookup(set, "0.0.0.1", NULL);
    feeds_free(set);

    dir = new_dir("whole-space");
    write_file(dir, "all.txt", "0.0.0.0/0\n255.255.255.255/32\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_interval_count(set), 1);
    check_lookup(set, "0.0.0.0", "all.txt");
    check_lookup(set, "127.0.0.1", "all.txt");
    check_lookup(set, "255.255.255.255", "all.txt");
    feeds_free(set);

    dir = new_dir("top");
    write_file(dir, "top.txt", "255.255.255.254/31\n");
    set = load_expect(dir, "");
    check_lookup(set, "255.255.255.253", NULL);
    check_lookup(set, "255.255.255.254", "top.txt");
    check_lookup(set, "255.255.255.255", "top.txt");
    feeds_free(set);
}

static void test_overlap_nested(void)
{
    const char *dir = new_dir("nested");
    struct feed_set *set;

    /* Load order is by name: a.txt < b.txt < c.txt, whatever the creation order. */
    write_file(dir, "c.txt", "50.0.0.0/8\n");
    write_file(dir, "b.txt", "50.1.0.0/16\n");
    write_file(dir, "a.txt", "50.1.1.0/24\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_file_count(set), 3);
    CHECK_INT(feeds_interval_count(set), 5);
    check_lookup(set, "49.255.255.255", NULL);
    check_lookup(set, "50.0.0.0", "c.txt");
    check_lookup(set, "50.0.255.255", "c.txt");
    check_lookup(set, "50.1.0.0", "b.txt");
    check_lookup(set, "50.1.0.255", "b.txt");
    check_lookup(set, "50.1.1.0", "a.txt");
    check_lookup(set, "50.1.1.255", "a.txt");
    check_lookup(set, "50.1.2.0", "b.txt");
    check_lookup(set, "50.1.255.255", "b.txt");
    check_lookup(set, "50.2.0.0", "c.txt");
    check_lookup(set, "50.255.255.255", "c.txt");
    check_lookup(set, "51.0.0.0", NULL);
    feeds_free(set);

    /* The outer range in the first feed hides the inner one entirely. */
    dir = new_dir("nested-outer-first");
    write_file(dir, "a.txt", "10.0.0.0/8\n");
    write_file(dir, "b.txt", "10.1.0.0/16\n10.2.3.4\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_interval_count(set), 1);
    check_lookup(set, "10.1.2.3", "a.txt");
    check_lookup(set, "10.2.3.4", "a.txt");
    feeds_free(set);
}

static void test_overlap_partial_and_identical(void)
{
    const char *dir = new_dir("partial");
    struct feed_set *set;

    /* a covers 30.0.0.0-30.0.1.255, b covers 30.0.1.0-30.0.2.255. */
    write_file(dir, "a.txt", "30.0.0.0/23\n");
    write_file(dir, "b.txt", "30.0.1.0/24\n30.0.2.0/24\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_interval_count(set), 2);
    check_lookup(set, "30.0.0.0", "a.txt");
    check_lookup(set, "30.0.1.255", "a.txt");
    check_lookup(set, "30.0.2.0", "b.txt");
    check_lookup(set, "30.0.2.255", "b.txt");
    check_lookup(set, "30.0.3.0", NULL);
    feeds_free(set);

    dir = new_dir("identical");
    write_file(dir, "a.txt", "40.0.0.0/16\n40.0.0.0/16\n40.0.0.1\n");
    write_file(dir, "b.txt", "40.0.0.0/16\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_interval_count(set), 1);
    check_lookup(set, "40.0.0.0", "a.txt");
    check_lookup(set, "40.0.0.1", "a.txt");
    check_lookup(set, "40.0.255.255", "a.txt");
    feeds_free(set);

    /* Adjacent ranges coalesce within a feed, never across feeds. */
    dir = new_dir("adjacent");
    write_file(dir, "a.txt", "60.0.0.0/25\n60.0.0.128/25\n60.0.1.0/24\n");
    write_file(dir, "b.txt", "60.0.2.0/24\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_interval_count(set), 2);
    check_lookup(set, "60.0.1.255", "a.txt");
    check_lookup(set, "60.0.2.0", "b.txt");
    feeds_free(set);
}

static void test_example_feed(void)
{
    const char *srcdir = getenv("SRCDIR");
    const char *dir = new_dir("example");
    char target[4200], link[4300];
    struct feed_set *set;

    if (!srcdir) {
        fprintf(stderr, "SRCDIR is not set\n");
        check_failures++;
        return;
    }
    /* Alone, so feeds fetched into the source tree's feeds/ cannot change the result. */
    snprintf(target, sizeof(target), "%s/feeds/example.txt", srcdir);
    snprintf(link, sizeof(link), "%s/example.txt", dir);
    CHECK(symlink(target, link) == 0);
    set = load_expect(dir, "");
    CHECK(set != NULL);
    check_lookup(set, "198.51.100.7", "example.txt");
    check_lookup(set, "203.0.113.1", "example.txt");
    check_lookup(set, "192.0.2.1", NULL);
    feeds_free(set);
}

/* CIDRs collected from feeds_foreach_cidr4, as "a.b.c.d/n feed" lines. */
static void collect_cidr(uint32_t addr, unsigned prefix_len, uint32_t feed, void *ctx)
{
    struct in_addr in = {.s_addr = htonl(addr)};
    char text[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &in, text, sizeof(text));
    fprintf(ctx, "%s/%u %u\n", text, prefix_len, feed);
}

/* The merged intervals become the fewest CIDRs that tile them, each with its first feed. */
static void test_cidr_tiling(void)
{
    const char *dir = new_dir("tiling");
    struct capture c;

    write_file(dir, "a.txt", "10.0.0.1\n10.0.0.2\n10.0.0.3\n10.0.0.4/30\n0.0.0.0/31\n");
    write_file(dir, "b.txt", "10.0.0.0/24\n255.255.255.255\n");
    struct feed_set *set = load_expect(dir, "");
    capture_open(&c);
    size_t n = feeds_foreach_cidr4(set, collect_cidr, c.f);
    char *got = capture_text(&c);
    /* a: 10.0.0.1-10.0.0.7; b: the rest of 10.0.0.0/24. */
    CHECK_STR(got, "0.0.0.0/31 0\n"
                   "10.0.0.0/32 1\n"
                   "10.0.0.1/32 0\n10.0.0.2/31 0\n10.0.0.4/30 0\n"
                   "10.0.0.8/29 1\n10.0.0.16/28 1\n10.0.0.32/27 1\n10.0.0.64/26 1\n"
                   "10.0.0.128/25 1\n"
                   "255.255.255.255/32 1\n");
    CHECK_INT(n, 11);
    CHECK_INT(feeds_foreach_cidr4(set, NULL, NULL), 11);
    check_lookup(set, "10.0.0.0", "b.txt");
    check_lookup(set, "10.0.0.1", "a.txt");
    free(got);
    feeds_free(set);
    dir = new_dir("all-of-ipv4");
    write_file(dir, "all.txt", "0.0.0.0/0\n");
    set = load_expect(dir, "");
    CHECK_INT(feeds_foreach_cidr4(set, NULL, NULL), 1);
    feeds_free(set);
}

/* IPv6 networks: accepted forms, host bits, bad prefixes; a feed of IPv6 only loads. */
static void test_ipv6(void)
{
    const char *dir = new_dir("ipv6");
    size_t n;

    write_file(dir, "v6.txt",
               "fd00:bad::/32\n::1\n2001:db8::1/64 # comment\n::ffff:1.2.3.4\n"
               "fd00::/129\nfd00::/\n:::1\nfd00::/08\n");
    struct feed_set *set =
        load_expect(dir, P "%1$s/v6.txt:3: host bits set, using network 2001:db8::: "
                           "\"2001:db8::1/64\"\n" P
                           "%1$s/v6.txt:5: invalid prefix length (want 0-128): \"fd00::/129\"\n" P
                           "%1$s/v6.txt:6: invalid prefix length (want 0-128): \"fd00::/\"\n" P
                           "%1$s/v6.txt:7: not an IPv6 address: \":::1\"\n" P
                           "%1$s/v6.txt:8: invalid prefix length (want 0-128): \"fd00::/08\"\n");
    const struct feed_net6 *v6 = feeds_v6(set, &n);
    CHECK(set != NULL);
    CHECK_INT(n, 3);
    CHECK_INT(feeds_interval_count(set), 1); /* ::ffff:1.2.3.4 is the IPv4 1.2.3.4 */
    check_lookup(set, "1.2.3.4", "v6.txt");
    if (n == 3) {
        char text[INET6_ADDRSTRLEN];
        CHECK_STR(inet_ntop(AF_INET6, v6[0].addr, text, sizeof(text)), "fd00:bad::");
        CHECK_INT(v6[0].prefix_len, 32);
        CHECK_STR(inet_ntop(AF_INET6, v6[1].addr, text, sizeof(text)), "::1");
        CHECK_INT(v6[1].prefix_len, 128);
        CHECK_STR(inet_ntop(AF_INET6, v6[2].addr, text, sizeof(text)), "2001:db8::");
        CHECK_INT(v6[2].prefix_len, 64);
        CHECK_INT(v6[2].feed, 0);
    }
    feeds_free(set);
}

static void test_null_set(void)
{
    CHECK(feeds_lookup(NULL, 0) == NULL);
    CHECK_INT(feeds_interval_count(NULL), 0);
    CHECK_INT(feeds_file_count(NULL), 0);
    feeds_free(NULL);
}

int main(void)
{
    scratch_dir_create(root, sizeof(root), "test_feeds");
    test_accepted_forms();
    test_warnings();
    test_trailing_slash();
    test_unreadable();
    test_missing_dir();
    test_no_usable_entry();
    test_non_txt_ignored();
    test_edges();
    test_overlap_nested();
    test_overlap_partial_and_identical();
    test_example_feed();
    test_cidr_tiling();
    test_ipv6();
    test_null_set();
    scratch_dir_remove(root);
    CHECK_DONE();
}
