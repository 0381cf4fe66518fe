/* Unit tests of --output-file's open (output_file_open) in a scratch directory: a new file
 * is created 0600 whatever the umask, an existing one appended to, the fd close-on-exec,
 * append-only and blocking; refused, each with a message naming the path and the reason:
 * a symlink (to a good file, or dangling), a FIFO (with or without a reader, never
 * blocking), a directory, a file of another user, a hard-linked file, a file others or the
 * group may write, a directory others may write, a directory of another user above, a name
 * that is no file name. Needs root (chown to uid 65534). */
#include "check.h"
#include "output/output_file.h"
#include "scratch.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#define NOBODY 65534

static char root[256];

static const char *at(const char *name)
{
    static char paths[8][PATH_MAX];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, PATH_MAX, "%s/%s", root, name);
    return p;
}

static void must(int rc, const char *what, const char *path)
{
    if (rc != 0) {
        fprintf(stderr, "%s %s: %s\n", what, path, strerror(errno));
        exit(2);
    }
}

static void make_file(const char *path, const char *text, uid_t uid, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    must(fd < 0, "create", path);
    must(write(fd, text, strlen(text)) != (ssize_t)strlen(text), "write", path);
    close(fd);
    must(chown(path, uid, uid), "chown", path);
    must(chmod(path, mode), "chmod", path);
}

static void make_dir(const char *path, uid_t uid, mode_t mode)
{
    must(mkdir(path, 0700), "mkdir", path);
    must(chown(path, uid, uid), "chown", path);
    must(chmod(path, mode), "chmod", path);
}

static char *contents(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void put(int fd, const char *text)
{
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
}

/* Expects path to be refused with exactly "output file <path>: <reason>" (reason NULL: any
 * message that names path), and no fd left open. */
static void check_refused_at(int line, const char *path, const char *reason)
{
    struct error e = {0};
    char want[PATH_MAX + 128];
    int before = open("/dev/null", O_RDONLY | O_CLOEXEC);
    close(before);
    int fd = output_file_open(path, &e);
    int after = open("/dev/null", O_RDONLY | O_CLOEXEC);
    close(after);
    snprintf(want, sizeof(want), "output file %s: %s", path, reason ? reason : "");
    bool ok = fd == -1 && (reason ? strcmp(e.msg, want) == 0 : strstr(e.msg, path) != NULL);
    if (!ok || before != after) {
        fprintf(stderr, "%s:%d: %s: fd %d, message \"%s\", want \"%s\"%s\n", __FILE__, line, path,
                fd, e.msg, reason ? want : "(naming the path)",
                before != after ? " (an fd was left open)" : "");
        check_failures++;
    }
    if (fd >= 0)
        close(fd);
}

#define check_refused(path, reason) check_refused_at(__LINE__, path, reason)

/* The message must name the path and contain each of the NULL-terminated words. */
static void check_message_at(int line, const char *path, const char *const *words)
{
    struct error e = {0};
    int fd = output_file_open(path, &e);
    bool ok = fd == -1 && strstr(e.msg, path) != NULL;
    for (size_t i = 0; ok && words[i]; i++)
        ok = strstr(e.msg, words[i]) != NULL;
    if (!ok) {
        fprintf(stderr, "%s:%d: %s: fd %d, message \"%s\"\n", __FILE__, line, path, fd, e.msg);
        check_failures++;
    }
    if (fd >= 0)
        close(fd);
}

#define check_message(path, ...)                                                                   \
    check_message_at(__LINE__, path, (const char *const[]){__VA_ARGS__, NULL})

static void test_create_and_append(void)
{
    struct error e = {0};
    struct stat st;
    const mode_t masks[] = {077, 022, 0};
    const char *names[] = {"new077.log", "new022.log", "new000.log"};

    for (size_t i = 0; i < 3; i++) {
        mode_t old = umask(masks[i]);
        int fd = output_file_open(at(names[i]), &e);
        umask(old);
        CHECK(fd >= 0);
        if (fd < 0) {
            fprintf(stderr, "  %s\n", e.msg);
            continue;
        }
        CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
        CHECK_INT(st.st_mode & 07777, 0600);
        CHECK_INT(st.st_uid, geteuid());
        CHECK_INT(st.st_size, 0);
        int fl = fcntl(fd, F_GETFL);
        CHECK((fl & O_ACCMODE) == O_WRONLY);
        CHECK(fl & O_APPEND);
        CHECK(!(fl & O_NONBLOCK)); /* a regular file: writes as usual once opened */
        CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        put(fd, "one\n");
        close(fd);
    }
    /* an existing file of ours: appended to, never truncated, even past what we wrote */
    int fd = output_file_open(at("new077.log"), &e);
    CHECK(fd >= 0);
    int other = open(at("new077.log"), O_WRONLY | O_CLOEXEC);
    put(other, "ONE\n"); /* at offset 0: overwrites "one" */
    close(other);
    put(fd, "two\n");
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    put(fd, "three\n"); /* O_APPEND: still at the end */
    close(fd);
    CHECK_STR(contents(at("new077.log")), "ONE\ntwo\nthree\n");
    CHECK(stat(at("new077.log"), &st) == 0 && (st.st_mode & 07777) == 0600);

    /* an existing 0644 or 0400 file of ours is fine too (nobody else can write it) */
    make_file(at("ours0644.log"), "x\n", 0, 0644);
    fd = output_file_open(at("ours0644.log"), &e);
    CHECK(fd >= 0);
    if (fd >= 0) {
        put(fd, "y\n");
        close(fd);
    }
    CHECK_STR(contents(at("ours0644.log")), "x\ny\n");

    /* a relative path, from the working directory */
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    must(chdir(root), "chdir", root);
    fd = output_file_open("rel.log", &e);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    must(chdir(cwd), "chdir", cwd);
    CHECK(stat(at("rel.log"), &st) == 0 && S_ISREG(st.st_mode));
}

static void test_symlinks(void)
{
    make_file(at("good.log"), "good\n", 0, 0600);
    must(symlink(at("good.log"), at("link.log")), "symlink", at("link.log"));
    check_refused(at("link.log"), "is a symbolic link");
    CHECK_STR(contents(at("good.log")), "good\n");
    must(symlink("good.log", at("rellink.log")), "symlink", at("rellink.log"));
    check_refused(at("rellink.log"), "is a symbolic link");
    /* dangling: nothing is created at its target */
    must(symlink(at("nothere.log"), at("dangling.log")), "symlink", at("dangling.log"));
    check_refused(at("dangling.log"), "is a symbolic link");
    CHECK(access(at("nothere.log"), F_OK) != 0);
    /* a symlink to a directory, as the last component */
    make_dir(at("adir"), 0, 0700);
    must(symlink(at("adir"), at("dirlink")), "symlink", at("dirlink"));
    check_refused(at("dirlink"), "is a symbolic link");
}

static void test_special_files(void)
{
    /* a FIFO without a reader: refused at once (alarm ends a blocked test) */
    must(mkfifo(at("fifo"), 0600), "mkfifo", at("fifo"));
    alarm(10);
    check_message(at("fifo"), ": ");
    /* ... and the reason should say what it is, as for a FIFO that has a reader */
    check_refused(at("fifo"), "not a regular file");
    int reader = open(at("fifo"), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    CHECK(reader >= 0);
    check_refused(at("fifo"), "not a regular file");
    close(reader);
    alarm(0);
    /* a directory */
    make_dir(at("sub"), 0, 0700);
    check_message(at("sub"), "directory");
    /* a device */
    must(mknod(at("null"), S_IFCHR | 0600, makedev(1, 3)), "mknod", at("null"));
    check_refused(at("null"), "not a regular file");
    /* a socket */
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", at("sock"));
    CHECK(bind(s, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    check_message(at("sock"), ": ");
    close(s);
}

static void test_file_rules(void)
{
    make_file(at("nobody.log"), "theirs\n", NOBODY, 0600);
    check_refused(at("nobody.log"), "belongs to another user");
    CHECK_STR(contents(at("nobody.log")), "theirs\n");
    make_file(at("nobody0644.log"), "theirs\n", NOBODY, 0644);
    check_refused(at("nobody0644.log"), "belongs to another user");
    make_file(at("linked.log"), "two names\n", 0, 0600);
    must(link(at("linked.log"), at("other-name.log")), "link", at("other-name.log"));
    check_refused(at("linked.log"), "has another hard link");
    check_refused(at("other-name.log"), "has another hard link");
    CHECK_STR(contents(at("linked.log")), "two names\n");
    make_file(at("open.log"), "all\n", 0, 0666);
    check_refused(at("open.log"), "writable by group or others");
    make_file(at("group.log"), "group\n", 0, 0620);
    check_refused(at("group.log"), "writable by group or others");
    make_file(at("other.log"), "other\n", 0, 0602);
    check_refused(at("other.log"), "writable by group or others");
    CHECK_STR(contents(at("open.log")), "all\n");
    /* the refused files are not changed in any way */
    struct stat st;
    CHECK(stat(at("open.log"), &st) == 0 && (st.st_mode & 07777) == 0666 && st.st_size == 4);
}

/* Expects path to be refused with exactly the message fmt, where %1$s is the scratch
 * directory. */
static void check_exact_at(int line, const char *path, const char *fmt)
{
    struct error e = {0};
    char want[1024];
    snprintf(want, sizeof(want), fmt, root);
    int fd = output_file_open(path, &e);
    if (fd != -1 || strcmp(e.msg, want) != 0) {
        fprintf(stderr, "%s:%d: %s: fd %d, message \"%s\", want \"%s\"\n", __FILE__, line, path, fd,
                e.msg, want);
        check_failures++;
    }
    if (fd >= 0)
        close(fd);
}

#define check_exact(path, fmt) check_exact_at(__LINE__, path, fmt)

static void test_directory_rules(void)
{
    /* a directory others may write (not sticky): a file there could be swapped */
    make_dir(at("openDir"), 0, 0777);
    check_exact(at("openDir/x.log"), "refusing the directory of output file %1$s/openDir: "
                                     "%1$s/openDir is writable by group or others (mode 777)");
    CHECK(access(at("openDir/x.log"), F_OK) != 0);
    make_dir(at("groupDir"), 0, 0770);
    check_exact(at("groupDir/x.log"), "refusing the directory of output file %1$s/groupDir: "
                                      "%1$s/groupDir is writable by group or others (mode 770)");
    /* a directory of another user above */
    make_dir(at("nob"), NOBODY, 0755);
    make_dir(at("nob/sub"), 0, 0700);
    check_exact(at("nob/sub/x.log"), "refusing the directory of output file %1$s/nob/sub: "
                                     "%1$s/nob (a directory on the way) belongs to uid 65534");
    CHECK(access(at("nob/sub/x.log"), F_OK) != 0);
    /* the file's own directory belongs to another user */
    make_dir(at("nob2"), NOBODY, 0700);
    check_exact(at("nob2/x.log"),
                "refusing the directory of output file %1$s/nob2: %1$s/nob2 belongs to uid 65534");
    /* a symlink on the way to a trusted directory is fine, to an untrusted one is not */
    make_dir(at("real"), 0, 0700);
    must(symlink(at("real"), at("via")), "symlink", at("via"));
    struct error e = {0};
    int fd = output_file_open(at("via/x.log"), &e);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK(access(at("real/x.log"), F_OK) == 0);
    must(symlink(at("openDir"), at("viaopen")), "symlink", at("viaopen"));
    check_exact(at("viaopen/y.log"), "refusing the directory of output file %1$s/viaopen: "
                                     "%1$s/openDir is writable by group or others (mode 777)");
    /* a missing directory */
    check_exact(at("missing/x.log"), "the directory of output file %1$s/missing: "
                                     "%1$s/missing: No such file or directory");
    /* a relative path names the directory as given, made absolute */
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    must(chdir(root), "chdir", root);
    check_exact("openDir/z.log", "refusing the directory of output file %1$s/openDir: "
                                 "%1$s/openDir is writable by group or others (mode 777)");
    must(chdir(cwd), "chdir", cwd);
}

static void test_names(void)
{
    check_refused(at("sub2/"), "not a file name");
    check_refused(at("."), "not a file name");
    check_refused(at(".."), "not a file name");
    check_refused("/", "not a file name");
    struct error e = {0};
    CHECK_INT(output_file_open("", &e), -1);
    CHECK(e.msg[0] != '\0');
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_output_file: FAILED: needs root (chown to uid %d), runs as uid %d\n",
                NOBODY, (int)geteuid());
        return 1;
    }
    scratch_dir_create(root, sizeof(root), "test_output_file");
    test_create_and_append();
    test_symlinks();
    test_special_files();
    test_file_rules();
    test_directory_rules();
    test_names();
    scratch_dir_remove(root);
    CHECK_DONE();
}
