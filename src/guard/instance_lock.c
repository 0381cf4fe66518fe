#include "guard/instance_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/private_dir.h"

#define LOCK_NAME "enforce.lock"

/* The pid written in the lock file, or 0. */
static long holder(int fd)
{
    char buf[24] = "";
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    return n > 0 ? strtol(buf, NULL, 10) : 0;
}

int instance_lock(struct error *e)
{
    int dir = private_dir_open(INSTANCE_LOCK_DIR, "lock directory", e);
    if (dir < 0)
        return -1;
    int fd = openat(dir, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    int err = errno;
    close(dir);
    if (fd < 0)
        return error_set(e, "%s/%s: %s", INSTANCE_LOCK_DIR, LOCK_NAME, strerror(err));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        err = errno;
        long other = holder(fd);
        close(fd);
        if (err == EWOULDBLOCK)
            return error_set(e,
                             "another ebpfshield-bcc (pid %ld) already refuses feed addresses; "
                             "two would act twice on one process: stop it first, or use "
                             "--block print",
                             other);
        return error_set(e, "%s/%s: %s", INSTANCE_LOCK_DIR, LOCK_NAME, strerror(err));
    }
    char pid[24];
    int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        err = errno;
        close(fd);
        return error_set(e, "%s/%s: %s", INSTANCE_LOCK_DIR, LOCK_NAME, strerror(err));
    }
    return fd;
}
