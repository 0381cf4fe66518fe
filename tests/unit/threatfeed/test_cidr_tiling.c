/* Unit tests of cidr_tiling.c: the fewest CIDRs that tile each merged interval, each with
 * its feed, at the edges of both address spaces, and the bounds on CIDRs per file and per
 * set. */
#include "feeds_testlib.h"

/* feed_cidr_count(): the CIDRs that tile a range, as the tries will hold them. */
static void test_cidr_count(void)
{
    static const struct {
        int line;
        feed_addr start, end;
        size_t want;
    } cases[] = {
        {__LINE__, FEED_V4_BASE | 0x0a000000u, FEED_V4_BASE | 0x0a0000ffu, 1},  /* 10.0.0.0/24 */
        {__LINE__, FEED_V4_BASE | 0x0a000001u, FEED_V4_BASE | 0x0a0000feu, 14}, /* .1-.254 */
        {__LINE__, FEED_V4_BASE | 0x0a000005u, FEED_V4_BASE | 0x0a000005u, 1},
        {__LINE__, FEED_V4_BASE, FEED_V4_BASE | 0xffffffffu, 1}, /* all of IPv4 */
        {__LINE__, 1, ~(feed_addr)0 - 1, 254},                   /* ::1-ffff:...:fffe */
        {__LINE__, 0, ~(feed_addr)0, 1},
        {__LINE__, 0, ~(feed_addr)0 - 1, 128},
        {__LINE__, 1, ~(feed_addr)0, 128},
        {__LINE__, ~(feed_addr)0, ~(feed_addr)0, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_long_at(cases[i].line, "feed_cidr_count",
                      (long)feed_cidr_count(cases[i].start, cases[i].end), (long)cases[i].want);
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

/* The merged intervals become the fewest CIDRs that tile them, each with its feed, up to the
 * last address of each family. */
static const struct load_case tilings[] = {
    /* b's 10.0.0.0/24 starts first: it keeps all of it. */
    {LOAD_CASE, .dir = "tiling",
     .files = {{"a.txt", "10.0.0.1\n10.0.0.2\n10.0.0.3\n10.0.0.4/30\n0.0.0.0/31\n"},
               {"b.txt", "10.0.0.0/24\n255.255.255.255\n"}},
     .log = "loaded 5 entries (5 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n",
     .cidrs = "+0.0.0.0/31 a.txt\n"
              "+10.0.0.0/24 b.txt\n"
              "+255.255.255.255/32 b.txt\n"},
    {LOAD_CASE, .dir = "tiling-inner-first",
     .files = {{"a.txt", "10.0.0.1-10.0.0.7\n"}, {"b.txt", "10.0.0.1-10.0.0.255\n"}},
     .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n",
     .stats = {true, 2, 2, 0, 0, 8, 0},
     .cidrs = "+10.0.0.1/32 a.txt\n"
              "+10.0.0.2/31 a.txt\n"
              "+10.0.0.4/30 a.txt\n"
              "+10.0.0.8/29 b.txt\n"
              "+10.0.0.16/28 b.txt\n"
              "+10.0.0.32/27 b.txt\n"
              "+10.0.0.64/26 b.txt\n"
              "+10.0.0.128/25 b.txt\n"},
    {LOAD_CASE, .dir = "edges",
     .files = {{"e.txt", "192.0.2.0/24\n198.51.100.7/32\n203.0.113.4/31\n255.255.255.255\n0.0.0.0\n"
                         "::\nffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n"}},
     .log = "loaded 7 entries (5 v4, 2 v6) from %1$s/e.txt, 0 lines skipped\n",
     .lookups = {{"192.0.1.255", NULL},
                 {"192.0.2.0", "e.txt"},
                 {"192.0.2.255", "e.txt"},
                 {"192.0.3.0", NULL},
                 {"198.51.100.6", NULL},
                 {"198.51.100.7", "e.txt"},
                 {"198.51.100.8", NULL},
                 {"203.0.113.3", NULL},
                 {"203.0.113.4", "e.txt"},
                 {"203.0.113.5", "e.txt"},
                 {"203.0.113.6", NULL},
                 {"255.255.255.254", NULL},
                 {"255.255.255.255", "e.txt"},
                 {"0.0.0.0", "e.txt"},
                 {"0.0.0.1", NULL},
                 {"::", "e.txt"},
                 {"::1", NULL},
                 {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NULL},
                 {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "e.txt"}},
     .cidrs = "+0.0.0.0/32 e.txt\n"
              "+192.0.2.0/24 e.txt\n"
              "+198.51.100.7/32 e.txt\n"
              "+203.0.113.4/31 e.txt\n"
              "+255.255.255.255/32 e.txt\n"
              "+::/128 e.txt\n"
              "+ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128 e.txt\n"},
    {LOAD_CASE, .dir = "top", .files = {{"top.txt", "255.255.255.254/31\n"}},
     .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/top.txt, 0 lines skipped\n",
     .lookups = {{"255.255.255.253", NULL},
                 {"255.255.255.254", "top.txt"},
                 {"255.255.255.255", "top.txt"}}},
};

/* All of both families: the first CIDRs of each. */
static void test_cidr_tiling_all(void)
{
    const char *dir = new_dir("tiling-all");
    write_file(dir, "all.txt", "0.0.0.0/0\n::/0\n");
    struct feed_sources src = {.dir = dir, .allow_wide = true};
    struct feed_set *set = load_src_expect(
        &src, "loaded 2 entries (1 v4, 1 v6) from %1$s/all.txt, 0 lines skipped\n", NULL);
    char *got = sync_calls(NULL, set, reg, 3, NULL);
    CHECK_STR(got, "+0.0.0.0/0 all.txt\n+::/81 all.txt\n+::8000:0:0/82 all.txt\n");
    free(got);
    check_stats(set, 1, 1, 1, 0, 1, 96);
    feeds_free(set);
}

int main(void)
{
    feeds_test_begin("test_cidr_tiling");
    test_cidr_count();
    test_cidr_limits();
    RUN_CASES(tilings, run_load_case);
    test_cidr_tiling_all();
    return feeds_test_end();
}
