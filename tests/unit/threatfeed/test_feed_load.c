/* Unit tests of feed_load.c: the feed directory and its file names, trusted paths (the
 * trust cases chown files to uid 65534: they need root), unreadable and missing files, sets
 * with no usable entry, and the shipped example feed. */
#include "feeds_testlib.h"

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

/* Only *.txt, *.csv, *.netset and *.ipset files are feeds, hidden ones not. */
static const struct load_case names = {
    LOAD_CASE,
    .dir = "names",
    .files = {{"feed.txt", "1.1.1.1\n"},
              {"f.csv", "1.1.1.2\n"}, /* no header: a plain list */
              {"f.netset", "1.1.1.3\n"},
              {"f.ipset", "1.1.1.4\n"},
              {"notes.md", "2.2.2.2\n"},
              {"feed.txt.bak", "3.3.3.3\n"},
              {"upper.TXT", "4.4.4.4\n"},
              {".hidden.txt", "5.5.5.5\n"},
              {".txt", "6.6.6.6\n"},
              {"txt", "7.7.7.7\n"},
              {".feed.txt.Ab12Cd", "8.8.8.8\n"}}, /* update-feeds.sh's temporary file */
    .log = "loaded 1 entries (1 v4, 0 v6) from %1$s/f.csv, 0 lines skipped\n"
           "loaded 1 entries (1 v4, 0 v6) from %1$s/f.ipset, 0 lines skipped\n"
           "loaded 1 entries (1 v4, 0 v6) from %1$s/f.netset, 0 lines skipped\n"
           "loaded 1 entries (1 v4, 0 v6) from %1$s/feed.txt, 0 lines skipped\n",
    .stats = {true, 4, 4, 0, 0, 4, 0},
    .lookups = {{"1.1.1.1", "feed.txt"},
                {"1.1.1.2", "f.csv"},
                {"1.1.1.3", "f.netset"},
                {"1.1.1.4", "f.ipset"},
                {"2.2.2.2", NULL},
                {"3.3.3.3", NULL},
                {"4.4.4.4", NULL},
                {"5.5.5.5", NULL},
                {"6.6.6.6", NULL},
                {"7.7.7.7", NULL},
                {"8.8.8.8", NULL}},
};

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

int main(void)
{
    feeds_test_begin("test_feed_load");
    test_trust();
    test_trailing_slash();
    test_unreadable();
    test_missing_dir();
    test_no_usable_entry();
    run_load_case(&names);
    test_example_feed();
    return feeds_test_end();
}
