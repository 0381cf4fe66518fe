/* Unit tests of ip_intervals.c: overlapping feeds merged into disjoint intervals (the range
 * that starts first keeps its addresses, the first file by name on a tie), adjacent ranges
 * merged within a feed only, and the allow-list subtracted. */
#include "feeds_testlib.h"

static const struct load_case overlaps[] = {
    /* Load order is by name: a.txt < b.txt < c.txt, whatever the creation order. The range
     * that starts first keeps its addresses. */
    {LOAD_CASE, .dir = "nested",
     .files = {{"c.txt", "50.0.0.0/8\n"}, {"b.txt", "50.1.0.0/16\n"}, {"a.txt", "50.1.1.0/24\n"}},
     .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n"
            "loaded 1 entries (1 v4, 0 v6) from %1$s/c.txt, 0 lines skipped\n",
     .lookups = {{"49.255.255.255", NULL},
                 {"50.0.0.0", "c.txt"},
                 {"50.1.0.0", "c.txt"},
                 {"50.1.1.0", "c.txt"},
                 {"50.255.255.255", "c.txt"},
                 {"51.0.0.0", NULL}},
     .cidrs = "+50.0.0.0/8 c.txt\n"},
    /* Nested with the same start: the first file by name. */
    {LOAD_CASE, .dir = "nested-same-start",
     .files = {{"a.txt", "20.0.0.0/24\n"}, {"b.txt", "20.0.0.0/16\n20.0.5.5\n"}},
     .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n",
     .lookups = {{"20.0.0.255", "a.txt"}, {"20.0.1.0", "b.txt"}, {"20.0.5.5", "b.txt"}},
     .cidrs = "+20.0.0.0/24 a.txt\n"
              "+20.0.1.0/24 b.txt\n"
              "+20.0.2.0/23 b.txt\n"
              "+20.0.4.0/22 b.txt\n"
              "+20.0.8.0/21 b.txt\n"
              "+20.0.16.0/20 b.txt\n"
              "+20.0.32.0/19 b.txt\n"
              "+20.0.64.0/18 b.txt\n"
              "+20.0.128.0/17 b.txt\n"},
    /* a covers 30.0.0.0-30.0.1.255, b 30.0.1.0-30.0.2.255. */
    {LOAD_CASE, .dir = "partial",
     .files = {{"a.txt", "30.0.0.0/23\n"}, {"b.txt", "30.0.1.0/24\n30.0.2.0/24\n"}},
     .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 2 entries (2 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n",
     .lookups = {{"30.0.0.0", "a.txt"},
                 {"30.0.1.255", "a.txt"},
                 {"30.0.2.0", "b.txt"},
                 {"30.0.2.255", "b.txt"},
                 {"30.0.3.0", NULL}},
     .cidrs = "+30.0.0.0/23 a.txt\n+30.0.2.0/24 b.txt\n"},
    /* b starts first, a runs past it: a keeps only what b does not list. */
    {LOAD_CASE, .dir = "partial-later-file-first",
     .files = {{"a.txt", "30.0.1.0-30.0.3.255\n"}, {"b.txt", "30.0.0.0/23\n"}},
     .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n",
     .lookups = {{"30.0.1.0", "b.txt"}, {"30.0.2.0", "a.txt"}},
     .cidrs = "+30.0.0.0/23 b.txt\n+30.0.2.0/23 a.txt\n"},
    {LOAD_CASE, .dir = "identical",
     .files = {{"a.txt", "40.0.0.0/16\n40.0.0.0/16\n40.0.0.1\n"}, {"b.txt", "40.0.0.0/16\n"}},
     .log = "loaded 3 entries (3 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 1 entries (1 v4, 0 v6) from %1$s/b.txt, 0 lines skipped\n",
     .lookups = {{"40.0.0.0", "a.txt"}, {"40.0.0.1", "a.txt"}, {"40.0.255.255", "a.txt"}},
     .cidrs = "+40.0.0.0/16 a.txt\n"},
    /* Adjacent ranges merge within a feed, never across feeds. */
    {LOAD_CASE, .dir = "adjacent",
     .files = {{"a.txt", "10.0.0.0-10.0.0.255\n10.0.1.0/24\n60.0.0.0/25\n60.0.0.128/25\n"},
               {"b.txt", "60.0.1.0/24\n2001:db8::-2001:db8::ffff\n"},
               {"c.txt", "2001:db8::1:0/112\n"}},
     .log = "loaded 4 entries (4 v4, 0 v6) from %1$s/a.txt, 0 lines skipped\n"
            "loaded 2 entries (1 v4, 1 v6) from %1$s/b.txt, 0 lines skipped\n"
            "loaded 1 entries (0 v4, 1 v6) from %1$s/c.txt, 0 lines skipped\n",
     .lookups = {{"60.0.0.255", "a.txt"}, {"60.0.1.0", "b.txt"}},
     .cidrs = "+10.0.0.0/23 a.txt\n"
              "+60.0.0.0/24 a.txt\n"
              "+60.0.1.0/24 b.txt\n"
              "+2001:db8::/112 b.txt\n"
              "+2001:db8::1:0/112 c.txt\n"},
};

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
            FIREHOL_WARNINGS,
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

int main(void)
{
    feeds_test_begin("test_ip_intervals");
    RUN_CASES(overlaps, run_load_case);
    test_fixtures_together();
    test_allow();
    return feeds_test_end();
}
