/* Unit tests of address_parse.c (through the loader): the line syntax with its exact
 * warnings and summary lines, IPv6 text against inet_pton, and the warning limit. */
#include "feeds_testlib.h"

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

int main(void)
{
    feeds_test_begin("test_address_parse");
    test_syntax();
    test_warning_limit();
    test_ipv6_text();
    return feeds_test_end();
}
