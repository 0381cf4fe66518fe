#include "output/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/trusted_path.h"

/* Why an opened file is not one events may go to, or NULL. */
static const char *unfit(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return strerror(errno);
    if (!S_ISREG(st.st_mode))
        return "not a regular file";
    if (st.st_uid != geteuid())
        return "belongs to another user";
    if (st.st_nlink != 1)
        return "has another hard link";
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return "writable by group or others";
    return NULL;
}

int output_file_open(const char *path, struct error *e)
{
    char abs[PATH_MAX], dir[PATH_MAX];
    if (path_absolute(path, "output file", abs, sizeof(abs), e) != 0)
        return -1;
    const char *slash = strrchr(abs, '/'), *name = slash + 1;
    if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return error_set(e, "output file %s: not a file name", path);
    snprintf(dir, sizeof(dir), "%.*s", slash == abs ? 1 : (int)(slash - abs), abs);
    int dirfd = trusted_open(dir, O_DIRECTORY, "the directory of output file", e);
    if (dirfd < 0)
        return -1;
    /* O_NONBLOCK: a FIFO put there must not hold the open. */
    int fd = openat(dirfd, name,
                    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
                    0600);
    int err = errno;
    close(dirfd);
    if (fd < 0)
        return error_set(e, "output file %s: %s", path,
                         err == ELOOP   ? "is a symbolic link"
                         : err == ENXIO ? "not a regular file" /* a FIFO or a socket */
                                        : strerror(err));
    const char *why = unfit(fd);
    if (why || fcntl(fd, F_SETFL, O_APPEND) != 0) {
        error_set(e, "output file %s: %s", path, why ? why : strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
