/* Unit tests of trusted_path.h: paths resolved from / through directories nobody else can
 * write. Sticky directories, owners and modes on the way and at the end, symlinks (and
 * their loops and limit), ".", "..", relative paths, trusted_openat, and the errno that
 * tells a refusal (EPERM) from a failure. Everything lives in a private mkdtemp()
 * directory removed at the end; the cases chown to uid 65534 and need root. */
#include "check.h"
#include "scratch.h"
#include "base/trusted_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534 /* neither root nor the test */
#define OTHER 65533

static char root[4096];

/* Paths that stay valid until the end of the test. */
static char paths[256][4400];
static size_t npaths;

static const char *at(const char *rel)
{
    if (npaths == sizeof(paths) / sizeof(paths[0])) {
        fprintf(stderr, "too many test paths\n");
        exit(2);
    }
    char *p = paths[npaths++];
    snprintf(p, sizeof(paths[0]), "%s%s%s", root, rel[0] ? "/" : "", rel);
    return p;
}

static void must(int rc, const char *what, const char *path)
{
    if (rc != 0) {
        fprintf(stderr, "%s %s: %s\n", what, path, strerror(errno));
        exit(2);
    }
}

/* root/rel, a directory of that mode and owner. */
static void make_dir(const char *rel, mode_t mode, uid_t uid)
{
    const char *p = at(rel);
    must(mkdir(p, 0700), "mkdir", p);
    must(chown(p, uid, uid), "chown", p);
    must(chmod(p, mode), "chmod", p); /* after chown, so that the mode is exactly this */
}

static void make_file(const char *rel, mode_t mode, uid_t uid)
{
    const char *p = at(rel);
    FILE *f = fopen(p, "w");
    if (!f || fputs("192.0.2.1\n", f) < 0 || fclose(f) != 0)
        must(-1, "write", p);
    must(chown(p, uid, uid), "chown", p);
    must(chmod(p, mode), "chmod", p);
}

static void make_link(const char *target, const char *rel, uid_t uid)
{
    const char *p = at(rel);
    must(symlink(target, p), "symlink", p);
    must(lchown(p, uid, uid), "lchown", p);
}

/* Expects trusted_open(path, flags) to open target (the same inode), close-on-exec. */
static void check_open_fd(int line, const char *call, int fd, const struct error *e,
                          const char *target)
{
    struct stat got, want;
    if (fd < 0) {
        fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, line, call, e->msg);
        check_failures++;
        return;
    }
    if (fstat(fd, &got) != 0 || stat(target, &want) != 0 || got.st_dev != want.st_dev ||
        got.st_ino != want.st_ino) {
        fprintf(stderr, "%s:%d: %s opened something other than %s\n", __FILE__, line, call, target);
        check_failures++;
    }
    if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC)) {
        fprintf(stderr, "%s:%d: %s: not close-on-exec\n", __FILE__, line, call);
        check_failures++;
    }
    if ((fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY) {
        fprintf(stderr, "%s:%d: %s: not read-only\n", __FILE__, line, call);
        check_failures++;
    }
    close(fd);
}

static void check_opens_at(int line, const char *path, int flags, const char *target)
{
    struct error e = {{0}};
    char call[4600];
    snprintf(call, sizeof(call), "trusted_open(%s)", path);
    check_open_fd(line, call, trusted_open(path, flags, "test", &e), &e, target);
}

#define check_opens(path, flags, target) check_opens_at(__LINE__, path, flags, target)

/* Expects fd -1 with errno want_errno (0: any) and the message want (%1$s is root). */
static void check_failed(int line, const char *call, int fd, int err, const struct error *e,
                         int want_errno, const char *want)
{
    char *expected;
    if (asprintf(&expected, want, root) < 0)
        exit(2);
    if (fd >= 0) {
        fprintf(stderr, "%s:%d: %s opened, want \"%s\"\n", __FILE__, line, call, expected);
        check_failures++;
        close(fd);
    } else {
        if (want_errno && err != want_errno) {
            fprintf(stderr, "%s:%d: %s: errno %d (%s), want %d (%s)\n", __FILE__, line, call, err,
                    strerror(err), want_errno, strerror(want_errno));
            check_failures++;
        }
        if (strcmp(e->msg, expected) != 0) {
            fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, line, call, e->msg,
                    expected);
            check_failures++;
        }
    }
    free(expected);
}

static void check_fails_at(int line, const char *path, int flags, int want_errno, const char *want)
{
    struct error e = {{0}};
    char call[4600];
    snprintf(call, sizeof(call), "trusted_open(%s)", path);
    errno = 0;
    int fd = trusted_open(path, flags, "test", &e);
    check_failed(line, call, fd, errno, &e, want_errno, want);
}

#define check_fails(path, flags, want_errno, want)                                                 \
    check_fails_at(__LINE__, path, flags, want_errno, want)
#define check_refused(path, flags, want) check_fails_at(__LINE__, path, flags, EPERM, want)

#define RD O_RDONLY
#define DIR_RD (O_RDONLY | O_DIRECTORY)

static void setup(void)
{
    make_dir("d", 0755, 0);
    make_file("d/f", 0644, 0);
    make_file("d/gw", 0664, 0);
    make_file("d/ow", 0646, 0);
    make_file("d/nob", 0644, NOBODY);
    make_dir("d/sub", 0755, 0);
    make_file("d/sub/g", 0644, 0);
    must(mkfifo(at("d/fifo"), 0600), "mkfifo", "d/fifo");
    make_dir("e", 0755, 0);
    make_file("e/g", 0600, 0);
    make_dir("nobdir", 0755, NOBODY);
    make_file("nobdir/f", 0644, 0);
    make_dir("open", 0777, 0);
    make_file("open/f", 0644, 0);
    make_file("open/nobfile", 0644, NOBODY);
    make_dir("grp", 0775, 0);
    make_file("grp/f", 0644, 0);
    make_dir("sticky", 01777, 0);
    make_dir("sticky/rootchild", 0755, 0);
    make_file("sticky/rootchild/f", 0644, 0);
    make_file("sticky/rootfile", 0644, 0);
    make_dir("sticky/nobchild", 0755, NOBODY);
    make_file("sticky/nobchild/f", 0644, 0);
    make_file("sticky/nobfile", 0644, NOBODY);
    make_link("rootfile", "sticky/rootln", 0);
    make_link("rootfile", "sticky/nobln", NOBODY);
    make_dir("sticky-grp", 01770, 0);
    make_dir("sticky-grp/rootchild", 0755, 0);
    make_file("sticky-grp/rootchild/f", 0644, 0);
    make_file("sticky-grp/nobfile", 0644, NOBODY);
    make_dir("nobsticky", 01777, NOBODY);
    make_dir("nobsticky/rootchild", 0755, 0);
    make_file("nobsticky/rootchild/f", 0644, 0);
    make_dir("links", 0755, 0);
    make_link(at("d/f"), "links/abs", 0);
    make_link("../d/f", "links/rel", 0);
    make_link(at("d"), "links/dirlink", 0);
    make_link("../d", "links/reldirlink", 0);
    make_link(at("d/nob"), "links/tonob", 0);
    make_link("../d/gw", "links/togw", 0);
    make_link("nowhere", "links/dangling", 0);
    make_link("loop_b", "links/loop_a", 0);
    make_link("loop_a", "links/loop_b", 0);
    make_link("self", "links/self", 0);
    make_link("/", "links/slash", 0);
    /* c00 -> c01 -> ... -> c40 -> ../d/f: 40 symlinks from c01, 41 from c00. */
    for (int i = 0; i <= 40; i++) {
        char name[32], target[32];
        snprintf(name, sizeof(name), "links/c%02d", i);
        snprintf(target, sizeof(target), i < 40 ? "c%02d" : "../d/f", i + 1);
        make_link(target, name, 0);
    }
}

static void test_plain(void)
{
    check_opens(at("d/f"), RD, at("d/f"));
    check_opens(at("d"), DIR_RD, at("d"));
    check_opens(at("d"), RD, at("d"));
    check_opens(at("d/"), DIR_RD, at("d"));
    check_opens(at("d//sub///g"), RD, at("d/sub/g"));
    check_opens(at("./d/./f"), RD, at("d/f"));
    check_opens(at("d/."), DIR_RD, at("d"));
    check_opens(at("e/g"), RD, at("e/g")); /* mode 0600: others may not even read it */
    check_opens(root, DIR_RD, root);
    check_opens("/", DIR_RD, "/");
    check_opens("//", DIR_RD, "/");
}

static void test_failures(void)
{
    check_fails(at("d/missing"), RD, ENOENT,
                "test %1$s/d/missing: %1$s/d/missing: No such file or directory");
    check_fails(at("missing/f"), RD, ENOENT,
                "test %1$s/missing/f: %1$s/missing: No such file or directory");
    check_fails(at("d/f/x"), RD, ENOTDIR, "test %1$s/d/f/x: %1$s/d/f: Not a directory");
    check_fails(at("d/f"), DIR_RD, ENOTDIR, "test %1$s/d/f: %1$s/d/f: Not a directory");
    /* Neither a FIFO nor a device is opened (opening one may block or act): not even
     * O_RDONLY without O_NONBLOCK, which would wait here for a writer. */
    check_fails(at("d/fifo"), RD, EINVAL,
                "test %1$s/d/fifo: %1$s/d/fifo: not a regular file or directory");
    char long_name[NAME_MAX + 2];
    memset(long_name, 'n', NAME_MAX + 1);
    long_name[NAME_MAX + 1] = '\0';
    char want[NAME_MAX + 64];
    snprintf(want, sizeof(want), "test %%1$s/d/%s: %%1$s/d: File name too long", long_name);
    char name_path[4600];
    snprintf(name_path, sizeof(name_path), "%s/d/%s", root, long_name);
    check_fails(name_path, RD, ENAMETOOLONG, want);
    check_fails("", RD, 0, "test: empty path");
}

static void test_refusals(void)
{
    /* At the end: another's, or writable by group or others. */
    check_refused(at("d/gw"), RD,
                  "refusing test %1$s/d/gw: %1$s/d/gw is writable by group or others (mode 664)");
    check_refused(at("d/ow"), RD,
                  "refusing test %1$s/d/ow: %1$s/d/ow is writable by group or others (mode 646)");
    check_refused(at("d/nob"), RD, "refusing test %1$s/d/nob: %1$s/d/nob belongs to uid 65534");
    check_refused(at("nobdir"), DIR_RD,
                  "refusing test %1$s/nobdir: %1$s/nobdir belongs to uid 65534");
    check_refused(at("grp"), DIR_RD,
                  "refusing test %1$s/grp: %1$s/grp is writable by group or others (mode 775)");
    /* On the way. */
    check_refused(at("nobdir/f"), RD,
                  "refusing test %1$s/nobdir/f: %1$s/nobdir (a directory on the way) belongs to "
                  "uid 65534");
    check_refused(at("open/f"), RD,
                  "refusing test %1$s/open/f: %1$s/open (a directory on the way) is writable by "
                  "group or others (mode 777)");
    check_refused(at("grp/f"), RD,
                  "refusing test %1$s/grp/f: %1$s/grp (a directory on the way) is writable by "
                  "group or others (mode 775)");
}

static void test_sticky(void)
{
    /* A sticky directory is passed when the entry in it is root's. */
    check_opens(at("sticky/rootchild/f"), RD, at("sticky/rootchild/f"));
    check_opens(at("sticky/rootfile"), RD, at("sticky/rootfile"));
    check_opens(at("sticky/rootln"), RD, at("sticky/rootfile"));
    check_opens(at("sticky/rootchild"), DIR_RD, at("sticky/rootchild"));
    check_opens(at("sticky-grp/rootchild/f"), RD, at("sticky-grp/rootchild/f"));
    /* Not when it is another's: they could rename it and put their own in its place. The
     * entry is named, not the sticky directory. */
    check_refused(at("sticky/nobchild/f"), RD,
                  "refusing test %1$s/sticky/nobchild/f: %1$s/sticky/nobchild belongs to uid "
                  "65534 (in a directory others may write)");
    check_refused(at("sticky/nobchild"), DIR_RD,
                  "refusing test %1$s/sticky/nobchild: %1$s/sticky/nobchild belongs to uid 65534 "
                  "(in a directory others may write)");
    check_refused(at("sticky/nobfile"), RD,
                  "refusing test %1$s/sticky/nobfile: %1$s/sticky/nobfile belongs to uid 65534 "
                  "(in a directory others may write)");
    check_refused(at("sticky/nobln"), RD,
                  "refusing test %1$s/sticky/nobln: %1$s/sticky/nobln belongs to uid 65534 (in a "
                  "directory others may write)");
    check_refused(at("sticky-grp/nobfile"), RD,
                  "refusing test %1$s/sticky-grp/nobfile: %1$s/sticky-grp/nobfile belongs to uid "
                  "65534 (in a directory others may write)");
    /* Without the sticky bit, the directory itself is refused, whoever owns the entry. */
    check_refused(at("open/nobfile"), RD,
                  "refusing test %1$s/open/nobfile: %1$s/open (a directory on the way) is "
                  "writable by group or others (mode 777)");
    /* Nor as what is opened, nor when the sticky directory is another's. */
    check_refused(at("sticky"), DIR_RD,
                  "refusing test %1$s/sticky: %1$s/sticky is writable by group or others (mode "
                  "1777)");
    check_refused(at("nobsticky/rootchild/f"), RD,
                  "refusing test %1$s/nobsticky/rootchild/f: %1$s/nobsticky (a directory on the "
                  "way) belongs to uid 65534");
}

static void test_symlinks(void)
{
    check_opens(at("links/abs"), RD, at("d/f"));
    check_opens(at("links/rel"), RD, at("d/f"));
    check_opens(at("links/dirlink/f"), RD, at("d/f"));
    check_opens(at("links/dirlink"), DIR_RD, at("d"));
    check_opens(at("links/reldirlink/sub/g"), RD, at("d/sub/g"));
    check_opens(at("links/slash"), DIR_RD, "/");
    /* The target is checked by the same rules. */
    check_refused(at("links/tonob"), RD,
                  "refusing test %1$s/links/tonob: %1$s/d/nob belongs to uid 65534");
    check_refused(at("links/togw"), RD,
                  "refusing test %1$s/links/togw: %1$s/d/gw is writable by group or others "
                  "(mode 664)");
    check_fails(at("links/dangling"), RD, ENOENT,
                "test %1$s/links/dangling: %1$s/links/nowhere: No such file or directory");
    /* At most 40 symlinks, as the kernel. */
    check_opens(at("links/c01"), RD, at("d/f"));
    check_fails(at("links/c00"), RD, ELOOP,
                "test %1$s/links/c00: %1$s/links/c40: Too many levels of symbolic links");
    errno = 0;
    int fd = open(at("links/c00"), O_RDONLY);
    CHECK(fd < 0 && errno == ELOOP);
    if (fd >= 0)
        close(fd);
    check_fails(at("links/loop_a"), RD, ELOOP,
                "test %1$s/links/loop_a: %1$s/links/loop_a: Too many levels of symbolic links");
    check_fails(at("links/self"), RD, ELOOP,
                "test %1$s/links/self: %1$s/links/self: Too many levels of symbolic links");
    check_fails(at("links/loop_b/f"), RD, ELOOP,
                "test %1$s/links/loop_b/f: %1$s/links/loop_b: Too many levels of symbolic links");
}

static void test_dot_dot(void)
{
    check_opens(at("d/../e/g"), RD, at("e/g"));
    check_opens(at("d/sub/../../e/g"), RD, at("e/g"));
    check_opens(at("d/sub/.."), DIR_RD, at("d"));
    check_opens(at("d/.."), DIR_RD, root);
    check_opens("/..", DIR_RD, "/");
    check_opens("/../../", DIR_RD, "/");
    /* ".." after a symlink is the target's parent, as for the kernel. */
    check_opens(at("links/dirlink/../e/g"), RD, at("e/g"));
    check_opens(at("links/dirlink/sub/../f"), RD, at("d/f"));
    /* What ".." reaches is checked like anything opened. */
    check_refused(at("sticky/rootchild/.."), DIR_RD,
                  "refusing test %1$s/sticky/rootchild/..: %1$s/sticky/rootchild/.. is writable "
                  "by group or others (mode 1777)");
    check_refused(at("d/sub/../gw"), RD,
                  "refusing test %1$s/d/sub/../gw: %1$s/d/gw is writable by group or others "
                  "(mode 664)");
    check_refused(at("d/../nobdir/f"), RD,
                  "refusing test %1$s/d/../nobdir/f: %1$s/nobdir (a directory on the way) "
                  "belongs to uid 65534");
}

/* A relative path is resolved from / too: the working directory's parents count. */
static void test_relative(void)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        exit(2);
    must(chdir(at("d")), "chdir", "d");
    check_opens("f", RD, at("d/f"));
    check_opens("./sub/g", RD, at("d/sub/g"));
    check_opens("../e/g", RD, at("e/g"));
    check_opens(".", DIR_RD, at("d"));
    check_fails("missing", RD, ENOENT, "test missing: %1$s/d/missing: No such file or directory");
    check_refused("gw", RD,
                  "refusing test gw: %1$s/d/gw is writable by group or others (mode 664)");
    must(chdir(at("nobdir")), "chdir", "nobdir");
    check_refused("f", RD,
                  "refusing test f: %1$s/nobdir (a directory on the way) belongs to uid 65534");
    must(chdir(at("sticky/rootchild")), "chdir", "sticky/rootchild");
    check_opens("f", RD, at("sticky/rootchild/f"));
    must(chdir(at("sticky")), "chdir", "sticky");
    check_refused("nobfile", RD,
                  "refusing test nobfile: %1$s/sticky/nobfile belongs to uid 65534 (in a "
                  "directory others may write)");
    must(chdir(cwd), "chdir", cwd);
}

static void test_openat(void)
{
    struct error e = {{0}};
    const char *d = at("d");
    int dfd = trusted_open(d, DIR_RD, "feeds", &e);
    CHECK(dfd >= 0 && (fcntl(dfd, F_GETFD) & FD_CLOEXEC));
    check_open_fd(__LINE__, "trusted_open(d)", fcntl(dfd, F_DUPFD_CLOEXEC, 0), &e, d);
    if (dfd < 0)
        return;
    errno = 0;
    int fd = trusted_openat(dfd, d, "f", RD, "feed", &e);
    check_open_fd(__LINE__, "trusted_openat(f)", fd, &e, at("d/f"));
    fd = trusted_openat(dfd, d, "sub", DIR_RD, "feed", &e);
    check_open_fd(__LINE__, "trusted_openat(sub)", fd, &e, at("d/sub"));
    errno = 0;
    fd = trusted_openat(dfd, d, "gw", RD, "feed", &e);
    check_failed(__LINE__, "trusted_openat(gw)", fd, errno, &e, EPERM,
                 "refusing feed %1$s/d/gw: %1$s/d/gw is writable by group or others (mode 664)");
    errno = 0;
    fd = trusted_openat(dfd, d, "missing", RD, "feed", &e);
    check_failed(__LINE__, "trusted_openat(missing)", fd, errno, &e, ENOENT,
                 "feed %1$s/d/missing: %1$s/d/missing: No such file or directory");
    errno = 0;
    fd = trusted_openat(dfd, d, "fifo", RD | O_NONBLOCK, "feed", &e);
    check_failed(__LINE__, "trusted_openat(fifo)", fd, errno, &e, EINVAL,
                 "feed %1$s/d/fifo: %1$s/d/fifo: not a regular file or directory");
    /* The directory is named as given (src bug: a trailing '/' of dir_path is doubled,
     * "DIR//gw"). */
    char slash[4600];
    snprintf(slash, sizeof(slash), "%s/", d);
    errno = 0;
    fd = trusted_openat(dfd, slash, "gw", RD, "feed", &e);
    check_failed(__LINE__, "trusted_openat(DIR/, gw)", fd, errno, &e, EPERM,
                 "refusing feed %1$s/d/gw: %1$s/d/gw is writable by group or others (mode 664)");
    close(dfd);

    /* Symlinks from the directory, by the same rules. */
    make_dir("d2", 0755, 0);
    make_file("d2/f", 0644, 0);
    make_link("../e/g", "d2/up", 0);
    make_link(at("d/nob"), "d2/theirs", 0);
    make_link("../links/loop_a", "d2/loop", 0);
    const char *d2 = at("d2");
    dfd = trusted_open(d2, DIR_RD, "feeds", &e);
    if (dfd < 0) {
        fprintf(stderr, "%s:%d: trusted_open(d2): %s\n", __FILE__, __LINE__, e.msg);
        check_failures++;
        return;
    }
    fd = trusted_openat(dfd, d2, "up", RD, "feed", &e);
    check_open_fd(__LINE__, "trusted_openat(up)", fd, &e, at("e/g"));
    errno = 0;
    fd = trusted_openat(dfd, d2, "theirs", RD, "feed", &e);
    check_failed(__LINE__, "trusted_openat(theirs)", fd, errno, &e, EPERM,
                 "refusing feed %1$s/d2/theirs: %1$s/d/nob belongs to uid 65534");
    errno = 0;
    fd = trusted_openat(dfd, d2, "loop", RD, "feed", &e);
    check_failed(__LINE__, "trusted_openat(loop)", fd, errno, &e, ELOOP,
                 "feed %1$s/d2/loop: %1$s/links/loop_b: Too many levels of symbolic links");
    /* The directory is checked again at each open: made group-writable after it was
     * opened, its entries are refused. */
    must(chmod(d2, 0775), "chmod", d2);
    errno = 0;
    fd = trusted_openat(dfd, d2, "f", RD, "feed", &e);
    check_failed(__LINE__, "trusted_openat(f) in 0775", fd, errno, &e, EPERM,
                 "refusing feed %1$s/d2/f: %1$s/d2 (a directory on the way) is writable by group "
                 "or others (mode 775)");
    close(dfd);
}

/* The user the tool runs as is trusted like root: a child as uid 65534 opens its own
 * files and root's, not a third user's. */
static void test_own_uid(void)
{
    make_dir("pub", 0755, 0);
    make_dir("pub/mine", 0755, NOBODY);
    make_file("pub/mine/f", 0644, NOBODY);
    make_file("pub/mine/rootf", 0644, 0);
    make_dir("pub/other", 0755, OTHER);
    make_file("pub/other/f", 0644, OTHER);
    must(chmod(root, 0711), "chmod", root);
    pid_t pid = fork();
    if (pid < 0)
        exit(2);
    if (pid == 0) {
        struct error e;
        if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
            _exit(10);
        int fd = trusted_open(at("pub/mine/f"), RD, "test", &e);
        if (fd < 0) {
            fprintf(stderr, "child: %s\n", e.msg);
            _exit(11);
        }
        close(fd);
        fd = trusted_open(at("pub/mine/rootf"), RD, "test", &e);
        if (fd < 0) {
            fprintf(stderr, "child: %s\n", e.msg);
            _exit(12);
        }
        close(fd);
        errno = 0;
        fd = trusted_open(at("pub/other/f"), RD, "test", &e);
        if (fd >= 0 || errno != EPERM)
            _exit(13);
        char want[2 * sizeof(root) + 128];
        snprintf(want, sizeof(want),
                 "refusing test %s/pub/other/f: %s/pub/other (a directory on the way) belongs to "
                 "uid 65533",
                 root, root);
        if (strcmp(e.msg, want) != 0) {
            fprintf(stderr, "child: got \"%s\", want \"%s\"\n", e.msg, want);
            _exit(14);
        }
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    must(chmod(root, 0700), "chmod", root);
}

int main(void)
{
    alarm(120); /* a FIFO opened by mistake would block */
    if (geteuid() != 0) {
        fprintf(stderr,
                "test_trusted_path: FAILED: needs root (chown to uid %d), runs as uid "
                "%u\n",
                NOBODY, (unsigned)geteuid());
        return 1;
    }
    umask(022);
    scratch_dir_create(root, sizeof(root), "test_trusted_path");
    setup();
    test_plain();
    test_failures();
    test_refusals();
    test_sticky();
    test_symlinks();
    test_dot_dot();
    test_relative();
    test_openat();
    test_own_uid();
    scratch_dir_remove(root);
    CHECK_DONE();
}
