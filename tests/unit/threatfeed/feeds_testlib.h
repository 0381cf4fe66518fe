/* Helpers shared by the threat-feed tests (tests/unit/threatfeed/test_*.c, one a module of
 * src/threatfeed/): files written to a private mkdtemp() directory (feeds_test_begin(),
 * removed by feeds_test_end()), loads and --check-feed runs with their exact logs, lookups,
 * stats, the CIDRs given to the kernel's tries (collected from feeds_sync), and load_case
 * tables run by run_load_case(). */
#ifndef EBPFSHIELD_FEEDS_TESTLIB_H
#define EBPFSHIELD_FEEDS_TESTLIB_H

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

static inline char *new_path(void)
{
    if (npaths == sizeof(paths) / sizeof(paths[0])) {
        fprintf(stderr, "too many test paths\n");
        exit(2);
    }
    return paths[npaths++];
}

static inline const char *join(const char *dir, const char *name)
{
    char joined[sizeof(paths[0])]; /* dir may be one of paths: no overlapping snprintf */
    snprintf(joined, sizeof(joined), "%s/%s", dir, name);
    return strcpy(new_path(), joined);
}

/* A new empty 0700 directory root/name. */
static inline const char *new_dir(const char *name)
{
    const char *path = join(root, name);
    if (mkdir(path, 0700) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

/* Writes len bytes (which may hold NUL bytes) to dir/name, mode 0644. */
static inline void write_bytes(const char *dir, const char *name, const char *data, size_t len)
{
    const char *path = join(dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static inline void write_file(const char *dir, const char *name, const char *text)
{
    write_bytes(dir, name, text, strlen(text));
}

/* A sparse file dir/name of size bytes, all zero: no line break anywhere. */
static inline void write_sparse(const char *dir, const char *name, off_t size)
{
    const char *path = join(dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, size) != 0 || close(fd) != 0) {
        perror(path);
        exit(2);
    }
}

/* Copies tests/fixtures/feeds/name (env FIXTURES) to dir/name. */
static inline void copy_fixture(const char *dir, const char *name)
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

static inline void must(int rc, const char *what)
{
    if (rc != 0) {
        perror(what);
        exit(2);
    }
}

/* Loads src with what it logs captured into *log (caller frees); a failure is warned
 * about as guard_feature.c does, and its message is left in *e, its errno in load_errno. */
static inline struct feed_set *load_src(const struct feed_sources *src, char **log, struct error *e)
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
static inline long check_file(const char *path, bool allow_wide, char **log, struct error *e)
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
static inline void check_text_at(int line, const char *got, const char *want, const char *a1,
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
static inline struct feed_set *load_src_expect_at(int line, const struct feed_sources *src,
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

static inline void check_name_at(int line, const char *what, const char *got, const char *want)
{
    if (want ? !got || strcmp(got, want) != 0 : got != NULL) {
        fprintf(stderr, "%s:%d: lookup %s = %s, want %s\n", __FILE__, line, what,
                got ? got : "no match", want ? want : "no match");
        check_failures++;
    }
}

static inline uint32_t ip4(const char *s)
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
static inline void check4_at(int line, const struct feed_set *set, const char *addr,
                             const char *want)
{
    char mapped[64];
    uint8_t a6[16];
    snprintf(mapped, sizeof(mapped), "::ffff:%s", addr);
    test_addr(a6, AF_INET6, mapped);
    check_name_at(line, addr, feeds_lookup4(set, ip4(addr)), want);
    check_name_at(line, mapped, feeds_lookup6(set, a6), want);
}

static inline void check6_at(int line, const struct feed_set *set, const char *addr,
                             const char *want)
{
    uint8_t a6[16];
    test_addr(a6, AF_INET6, addr);
    check_name_at(line, addr, feeds_lookup6(set, a6), want);
}

#define check4(set, addr, want) check4_at(__LINE__, set, addr, want)
#define check6(set, addr, want) check6_at(__LINE__, set, addr, want)

static inline void check_stats_at(int line, const struct feed_set *set, size_t files, size_t v4,
                                  size_t v6, size_t allowed, size_t cidrs4, size_t cidrs6)
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

static inline int record(char op, const struct feed_cidr *c, struct sync_log *l)
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

static inline int put(const struct feed_cidr *c, void *ctx)
{
    return record('+', c, ctx);
}

static inline int del(const struct feed_cidr *c, void *ctx)
{
    return record('-', c, ctx);
}

/* The calls of feeds_sync(old, new) (caller frees); *rc its return value when rc. */
static inline char *sync_calls(const struct feed_set *old, const struct feed_set *new,
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
static inline void check_cidrs_at(int line, const struct feed_set *set, const char *want)
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

/* The bogons firehol_level1 includes for perimeter firewalls (skipped on a host by
 * default), with the wide 224.0.0.0/3. */
#define FIREHOL_WARNINGS                                                                           \
    P "%1$s/firehol_level1.netset:34: wide, over loopback, private, link-local or multicast "      \
      "addresses (use --allow-wide): \"0.0.0.0/8\"\n" P                                            \
      "%1$s/firehol_level1.netset:36: wide, over loopback, private, link-local or multicast "      \
      "addresses (use --allow-wide): \"10.0.0.0/8\"\n" P                                           \
      "%1$s/firehol_level1.netset:38: wide, over loopback, private, link-local or multicast "      \
      "addresses (use --allow-wide): \"100.64.0.0/10\"\n" P                                        \
      "%1$s/firehol_level1.netset:39: wide, over loopback, private, link-local or multicast "      \
      "addresses (use --allow-wide): \"127.0.0.0/8\"\n" P                                          \
      "%1$s/firehol_level1.netset:40: wide, over loopback, private, link-local or multicast "      \
      "addresses (use --allow-wide): \"169.254.0.0/16\"\n" P                                       \
      "%1$s/firehol_level1.netset:41: wide, over loopback, private, link-local or multicast "      \
      "addresses (use --allow-wide): \"172.16.0.0/12\"\n" P                                        \
      "%1$s/firehol_level1.netset:44: wide, over loopback, private, link-local or multicast "      \
      "addresses (use --allow-wide): \"192.168.0.0/16\"\n" P                                       \
      "%1$s/firehol_level1.netset:48: wider than an IPv4 /8 or IPv6 /16 (use "                     \
      "--allow-wide): \"224.0.0.0/3\"\n"

static inline bool need_root(const char *test)
{
    if (geteuid() == 0)
        return true;
    fprintf(stderr, "%s: FAILED: needs root (chown to uid %d), runs as uid %u\n", test, NOBODY,
            (unsigned)geteuid());
    check_failures++;
    return false;
}

#define CASE_FILES_MAX 12
#define CASE_LOOKUPS_MAX 24

/* A file of a case: its text, or the sample of tests/fixtures/feeds of that name (NULL). */
struct case_file {
    const char *name, *text;
};

/* An address and the feed it must be listed by (NULL: none); IPv6 when it has a ':'. */
struct lookup {
    const char *addr, *want;
};

struct stats_want {
    bool on;
    size_t files, v4, v6, allowed, cidrs4, cidrs6;
};

/* Files written to a new directory root/dir and loaded: the log must be exactly log (%1$s
 * is the directory); then what is given of the rest is checked. */
struct load_case {
    int line;
    const char *dir;
    struct case_file files[CASE_FILES_MAX];
    bool allow_wide;
    const char *log;
    bool loaded; /* the set must load */
    struct stats_want stats;
    struct lookup lookups[CASE_LOOKUPS_MAX];
    const char *cidrs; /* all of them, one "+CIDR name" line each; NULL: not checked */
};

#define LOAD_CASE .line = __LINE__

static inline void run_load_case(const struct load_case *c)
{
    const char *dir = new_dir(c->dir);
    for (const struct case_file *f = c->files; f < c->files + CASE_FILES_MAX && f->name; f++) {
        if (f->text)
            write_file(dir, f->name, f->text);
        else
            copy_fixture(dir, f->name);
    }
    struct feed_sources src = {.dir = dir, .allow_wide = c->allow_wide};
    struct feed_set *set = load_src_expect_at(c->line, &src, c->log, NULL);
    if (c->loaded)
        CHECK(set != NULL);
    if (c->stats.on)
        check_stats_at(c->line, set, c->stats.files, c->stats.v4, c->stats.v6, c->stats.allowed,
                       c->stats.cidrs4, c->stats.cidrs6);
    for (const struct lookup *l = c->lookups; l < c->lookups + CASE_LOOKUPS_MAX && l->addr; l++) {
        if (strchr(l->addr, ':'))
            check6_at(c->line, set, l->addr, l->want);
        else
            check4_at(c->line, set, l->addr, l->want);
    }
    if (c->cidrs)
        check_cidrs_at(c->line, set, c->cidrs);
    feeds_free(set);
}

#define RUN_CASES(table, run)                                                                      \
    for (size_t i_ = 0; i_ < sizeof(table) / sizeof((table)[0]); i_++)                             \
        run(&(table)[i_]);

/* --check-feed on one file written to dir: the entries it reads (-1: refused) and its log,
 * or its message when it is refused (%1$s is the path). */
struct check_case {
    int line;
    const char *name, *text;
    bool allow_wide;
    long entries;
    const char *log, *msg; /* NULL: not checked */
};

static inline void check_long_at(int line, const char *what, long got, long want)
{
    if (got != want) {
        fprintf(stderr, "%s:%d: %s: %ld, want %ld\n", __FILE__, line, what, got, want);
        check_failures++;
    }
}

static inline void run_check_case(const char *dir, const struct check_case *c)
{
    struct error e;
    char *log;
    const char *path = join(dir, c->name);
    if (c->text)
        write_file(dir, c->name, c->text);
    check_long_at(c->line, c->name, check_file(path, c->allow_wide, &log, &e), c->entries);
    if (c->msg)
        check_text_at(c->line, e.msg, c->msg, path, NULL);
    if (c->log)
        check_text_at(c->line, log, c->log, path, NULL);
    free(log);
}

/* A private scratch directory and the registry; feeds_test_end() removes them and returns
 * main's exit status. */
static inline void feeds_test_begin(const char *name)
{
    umask(022);
    scratch_dir_create(root, sizeof(root), name);
    reg = feed_registry_new();
    if (!reg)
        exit(2);
}

static inline int feeds_test_end(void)
{
    feed_registry_free(reg);
    scratch_dir_remove(root);
    CHECK_DONE();
}

#endif
