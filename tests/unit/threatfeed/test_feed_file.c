/* Unit tests of feed_file.c: the bounds on lines and files, and --check-feed
 * (feeds_check_file) on one file. */
#include "feeds_testlib.h"

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

/* A hosts file of more names than the set may hold (every list of over 2,097,152 names,
 * a hosts file of 10M lines included, meets the cap on the same line) is refused as a
 * whole, with its line; the other files' names stay. */
static void test_name_bounds(void)
{
    const char *dir = new_dir("name-bounds");
    const char *path = join(dir, "big.hosts");
    FILE *f = fopen(path, "w");
    if (!f)
        exit(2);
    for (unsigned i = 0; i <= DOMAIN_SET_MAX; i++)
        fprintf(f, "0.0.0.0 n%u.example\n", i);
    fclose(f);
    write_file(dir, "ok.txt", "listed.example\n");
    struct domain_hash hash = {.mult = 0x100000001b3ull, .seed = 7};
    struct feed_set *set = load_src_expect(
        &((struct feed_sources){.dir = dir, .names = &hash}),
        P "%1$s/big.hosts:2097153: more than 2097152 domain names, file refused\n"
          "loaded 1 entries (0 v4, 0 v6, 1 names) from %1$s/ok.txt, 0 lines skipped\n",
        NULL);
    CHECK(set != NULL);
    if (!set)
        return;
    uint32_t feed;
    CHECK(domain_set_match(feeds_domains(set), "listed.example", &feed) != NULL);
    CHECK(domain_set_match(feeds_domains(set), "n1.example", &feed) == NULL);
    CHECK_INT(domain_set_listed(feeds_domains(set)), 1);
    feeds_free(set);
}

static void test_check_file(void)
{
    const char *dir = new_dir("check-file");
    struct error e;
    char *log;
    static const struct check_case cases[] = {
        {__LINE__, "ok.txt", "192.0.2.1\n198.51.100.0/24\nbad\n2001:db8::/32\n", false, 3,
         P "%1$s:3: not an IP address, CIDR or range: \"bad\"\n"
           "loaded 3 entries (2 v4, 1 v6) from %1$s, 1 lines skipped\n",
         NULL},
        {__LINE__, "wide.txt", "0.0.0.0/0\n", false, 0,
         P "%1$s:1: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): \"0.0.0.0/0\"\n"
           "loaded 0 entries (0 v4, 0 v6) from %1$s, 1 lines skipped\n",
         NULL},
        {__LINE__, "wide.txt", NULL, true, 1,
         "loaded 1 entries (1 v4, 0 v6) from %1$s, 0 lines skipped\n", NULL},
    };
    const char *path;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_check_case(dir, &cases[i]);

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

int main(void)
{
    feeds_test_begin("test_feed_file");
    test_bounds();
    test_name_bounds();
    test_check_file();
    return feeds_test_end();
}
