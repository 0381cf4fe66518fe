/* Unit tests of width_policy.c: entries wider than an IPv4 /8 or IPv6 /16, wide entries
 * over special-use addresses, files that cover too much, and --allow-wide. */
#include "feeds_testlib.h"

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

int main(void)
{
    feeds_test_begin("test_width_policy");
    test_wide();
    test_special_use();
    test_wide_file();
    return feeds_test_end();
}
