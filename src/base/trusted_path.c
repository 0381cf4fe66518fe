#include "base/trusted_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOPS_MAX 40

/* Where the walk is: the directory the next name is looked up in. */
struct walk {
    int dir; /* O_PATH */
    struct stat dir_st;
    char shown[PATH_MAX]; /* the directory's path, for messages */
    int hops;
    const char *what, *path;
    struct error *e;
};

/* Root, or the user the tool runs as (tests run unprivileged tools on their own files). */
static bool trusted_uid(uid_t uid)
{
    return uid == 0 || uid == geteuid();
}

/* "<dir>/<name>" (name may be empty: the directory itself), for messages. */
static void shown_entry(const struct walk *w, const char *name, char *out, size_t size)
{
    bool bare = !name[0] || !w->shown[0] || strcmp(w->shown, "/") == 0;
    snprintf(out, size, "%s%s%s", w->shown, bare ? "" : "/", name);
}

static int refuse(struct walk *w, const char *name, const char *fmt, unsigned long value)
{
    char entry[PATH_MAX + NAME_MAX + 2], why[96];
    shown_entry(w, name, entry, sizeof(entry));
    snprintf(why, sizeof(why), fmt, value);
    error_set(w->e, "refusing %s %s: %s %s", w->what, w->path, entry, why);
    errno = EPERM; /* tells a refusal from a failure */
    return -1;
}

/* The walk cannot go on at name: err, said as why (NULL: strerror). */
static int fail_as(struct walk *w, const char *name, int err, const char *why)
{
    char entry[PATH_MAX + NAME_MAX + 2];
    shown_entry(w, name, entry, sizeof(entry));
    error_set(w->e, "%s %s: %s: %s", w->what, w->path, entry, why ? why : strerror(err));
    errno = err == EPERM ? EACCES : err;
    return -1;
}

static int fail(struct walk *w, const char *name, int err)
{
    return fail_as(w, name, err, NULL);
}

/* Could someone untrusted replace an entry (owned by uid) of the current directory? */
static int check_entry(struct walk *w, const char *name, uid_t uid)
{
    const struct stat *d = &w->dir_st;
    if (!trusted_uid(d->st_uid))
        return refuse(w, "", "(a directory on the way) belongs to uid %lu", d->st_uid);
    if (!(d->st_mode & (S_IWGRP | S_IWOTH)))
        return 0;
    if (!(d->st_mode & S_ISVTX))
        return refuse(w, "", "(a directory on the way) is writable by group or others (mode %lo)",
                      d->st_mode & 07777);
    if (!trusted_uid(uid)) /* in a sticky directory, its owner may replace it */
        return refuse(w, name, "belongs to uid %lu (in a directory others may write)", uid);
    return 0;
}

/* What is opened in the end: root's, and written by nobody else. */
static int check_final(struct walk *w, const char *name, const struct stat *st)
{
    if (!trusted_uid(st->st_uid))
        return refuse(w, name, "belongs to uid %lu", st->st_uid);
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return refuse(w, name, "is writable by group or others (mode %lo)", st->st_mode & 07777);
    return 0;
}

/* The walk moves into fd (an O_PATH directory, consumed). */
static int enter(struct walk *w, int fd, const char *name)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return fail(w, name, err);
    }
    close(w->dir);
    w->dir = fd;
    w->dir_st = st;
    if (strcmp(name, "/") == 0) {
        strcpy(w->shown, "/");
    } else if (strcmp(name, "..") == 0) {
        char *slash = strrchr(w->shown, '/');
        if (slash)
            slash[slash == w->shown] = '\0';
    } else {
        size_t n = strlen(w->shown);
        snprintf(w->shown + n, sizeof(w->shown) - n, "%s%s", n > 1 ? "/" : "", name);
    }
    return 0;
}

/* rest becomes the symlink's target followed by what was left after it. */
static int follow(struct walk *w, int link, const char *name, char *rest, size_t size)
{
    char target[PATH_MAX + 1], joined[2 * PATH_MAX + 2];
    ssize_t n = readlinkat(link, "", target, sizeof(target) - 1);
    if (n < 0)
        return fail(w, name, errno);
    target[n] = '\0';
    if (++w->hops > HOPS_MAX)
        return fail(w, name, ELOOP);
    if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", target, rest) >= size)
        return fail(w, name, ENAMETOOLONG);
    strcpy(rest, joined);
    if (target[0] == '/')
        return enter(w, open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), "/");
    return 0;
}

/* The last name, opened for real with flags, and the same object as the one checked. */
static int open_final(struct walk *w, const char *name, const struct stat *st, int flags)
{
    if (check_final(w, name, st) != 0)
        return -1;
    /* Never open a device or a FIFO: opening one may have effects of its own. */
    if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode))
        return fail_as(w, name, EINVAL, "not a regular file or directory");
    int fd = openat(w->dir, name, flags | O_NOFOLLOW | O_CLOEXEC);
    struct stat now;
    if (fd < 0)
        return fail(w, name, errno);
    if (fstat(fd, &now) != 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
        close(fd);
        return fail(w, name, ESTALE);
    }
    return fd;
}

/* Resolves rest (modified) from the walk's directory; returns the opened fd or -1. */
static int resolve(struct walk *w, char *rest, size_t size, int flags)
{
    for (;;) {
        char *p = rest + strspn(rest, "/");
        size_t len = strcspn(p, "/");
        if (len == 0) /* "dir/" or "/": the directory itself */
            return open_final(w, ".", &w->dir_st, flags);
        char name[NAME_MAX + 1];
        if (len > NAME_MAX)
            return fail(w, "", ENAMETOOLONG);
        memcpy(name, p, len);
        name[len] = '\0';
        memmove(rest, p + len, strlen(p + len) + 1);
        bool last = rest[strspn(rest, "/")] == '\0';
        if (strcmp(name, ".") == 0 && !last)
            continue;
        int fd = openat(w->dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            int err = errno;
            if (fd >= 0)
                close(fd);
            return fail(w, name, err);
        }
        if (strcmp(name, "..") != 0 && check_entry(w, name, st.st_uid) != 0) {
            close(fd);
            return -1;
        }
        if (S_ISLNK(st.st_mode)) {
            int rc = follow(w, fd, name, rest, size);
            close(fd);
            if (rc != 0)
                return -1;
            continue;
        }
        if (last || !S_ISDIR(st.st_mode)) {
            close(fd);
            return last ? open_final(w, name, &st, flags) : fail(w, name, ENOTDIR);
        }
        if (enter(w, fd, name) != 0)
            return -1;
    }
}

static int walk_from(int start, const char *shown, const char *path, const char *name, int flags,
                     const char *what, struct error *e)
{
    struct walk w = {.dir = -1, .what = what, .path = path, .e = e};
    char rest[2 * PATH_MAX + 2];
    if (name[0] == '\0') {
        error_set(e, "%s: empty path", what);
        errno = EINVAL;
        return -1;
    }
    if (snprintf(rest, sizeof(rest), "%s", name) >= (int)sizeof(rest) ||
        snprintf(w.shown, sizeof(w.shown), "%s", shown) >= (int)sizeof(w.shown))
        return error_set(e, "%s %s: %s", what, path, strerror(ENAMETOOLONG));
    for (size_t n = strlen(w.shown); n > 1 && w.shown[n - 1] == '/';) /* "dir/" shown as "dir" */
        w.shown[--n] = '\0';
    w.dir = openat(start, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (w.dir < 0 || fstat(w.dir, &w.dir_st) != 0) {
        int err = errno;
        if (w.dir >= 0)
            close(w.dir);
        return error_set(e, "%s %s: %s", what, path, strerror(err));
    }
    int fd = resolve(&w, rest, sizeof(rest), flags);
    close(w.dir);
    return fd;
}

int path_absolute(const char *path, const char *what, char *buf, size_t len, struct error *e)
{
    char cwd[PATH_MAX] = "";
    if (path[0] == '\0') {
        error_set(e, "%s: empty path", what);
        errno = EINVAL;
        return -1;
    }
    if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
        return error_set(e, "%s %s: %s", what, path, strerror(errno));
    if (snprintf(buf, len, "%s%s%s", cwd, cwd[0] ? "/" : "", path) >= (int)len)
        return error_set(e, "%s %s: %s", what, path, strerror(ENAMETOOLONG));
    return 0;
}

int trusted_open(const char *path, int flags, const char *what, struct error *e)
{
    char abs[2 * PATH_MAX + 2];
    /* A relative path is checked from / too: the working directory's parents count. */
    if (path_absolute(path, what, abs, sizeof(abs), e) != 0)
        return -1;
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return error_set(e, "%s %s: /: %s", what, path, strerror(errno));
    int fd = walk_from(root, "/", path, abs, flags, what, e);
    close(root);
    return fd;
}

int trusted_openat(int dirfd, const char *dir_path, const char *name, int flags, const char *what,
                   struct error *e)
{
    char path[2 * PATH_MAX + 2];
    size_t n = strlen(dir_path);
    snprintf(path, sizeof(path), "%s%s%s", dir_path, n && dir_path[n - 1] == '/' ? "" : "/", name);
    return walk_from(dirfd, dir_path, path, name, flags, what, e);
}
