#include "base/private_dir.h"

#include "base/trusted_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens (creating 0700 if missing) the directory name below parent, never through a
 * symlink. Returns the fd or -1 with errno. */
static int open_component(int parent, const char *name)
{
    int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(parent, name, flags);
    if (fd < 0 && errno == ENOENT && mkdirat(parent, name, 0700) == 0)
        fd = openat(parent, name, flags);
    return fd;
}

/* A directory on the way must belong to root (the last one: to us) and be writable by
 * nobody else. */
static int check_owner(int fd, const char *what, const char *shown, bool last, struct error *e)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return error_set(e, "%s: %s: %s", what, shown, strerror(errno));
    uid_t want = last ? geteuid() : 0;
    if (st.st_uid != want || (st.st_mode & (S_IWGRP | S_IWOTH)))
        return error_set(e, "refusing %s: %s must belong to uid %d and be writable by nobody else",
                         what, shown, (int)want);
    return 0;
}

int private_dir_open(const char *path, const char *what, struct error *e)
{
    char abs[PATH_MAX + 2], shown[PATH_MAX + 2] = "/";
    if (path_absolute(path, what, abs, sizeof(abs), e) != 0)
        return -1;
    int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return error_set(e, "%s: /: %s", what, strerror(errno));
    size_t shown_len = 0; /* shown: the part of abs walked so far */
    char *save = NULL;
    for (char *name = strtok_r(abs, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0 || check_owner(fd, what, shown, false, e) != 0) {
            close(fd);
            return strcmp(name, "..") == 0
                       ? error_set(e, "%s %s: \"..\" is not allowed", what, path)
                       : -1;
        }
        shown_len += (size_t)snprintf(shown + shown_len, sizeof(shown) - shown_len, "/%s", name);
        int next = open_component(fd, name);
        int err = errno;
        close(fd);
        if ((fd = next) < 0)
            return error_set(e, "%s %s: %s: %s", what, path, shown,
                             err == ELOOP || err == ENOTDIR ? "not a directory (or a symlink)"
                                                            : strerror(err));
    }
    if (check_owner(fd, what, shown, true, e) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
