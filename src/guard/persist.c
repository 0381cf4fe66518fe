#include "guard/persist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define BPF_FS_MAGIC 0xcafe4a11

static bool is_bpffs(const char *path)
{
    struct statfs st;
    return statfs(path, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

/* The directory, open without following a symlink; root's and closed to everyone else:
 * an unprivileged user may make directories in a bpffs (mode 1777 by default), and must
 * not have one of them adopted. */
static int open_dir(struct error *e)
{
    int fd = open(PERSIST_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? -2 : error_set(e, "%s: %s", PERSIST_DIR, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_uid != 0 || (st.st_mode & 077)) {
        close(fd);
        return error_set(e, "refusing %s: it must be root's, mode 0700", PERSIST_DIR);
    }
    return fd;
}

/* A bpffs whose root others may write to (mounted without mode=0700; systemd mounts it
 * 0700) lets anyone take the directory's name first. */
static int check_bpffs_root(struct error *e)
{
    struct stat st;
    if (stat(PERSIST_BPFFS, &st) != 0)
        return error_set(e, "%s: %s", PERSIST_BPFFS, strerror(errno));
    if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
        return error_set(e,
                         "refusing --persist: %s is writable by others (a bpffs mounted "
                         "without mode=0700), where anyone could take the name %s first; "
                         "remount it with mode=0700, as systemd does",
                         PERSIST_BPFFS, PERSIST_DIR);
    return 0;
}

int persist_prepare(bool create, bool *present, struct error *e)
{
    *present = false;
    if (!is_bpffs(PERSIST_BPFFS)) {
        if (!create)
            return 0; /* no bpffs: nothing can be pinned */
        if (mount("bpf", PERSIST_BPFFS, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") != 0)
            return error_set(e, "--persist: mounting a bpffs at %s: %s", PERSIST_BPFFS,
                             strerror(errno));
    }
    if (create && check_bpffs_root(e) != 0)
        return -1;
    if (create && mkdir(PERSIST_DIR, 0700) != 0 && errno != EEXIST)
        return error_set(e, "--persist: %s: %s", PERSIST_DIR, strerror(errno));
    int fd = open_dir(e);
    if (fd == -2)
        return 0;
    if (fd < 0 && !create) { /* not ours: nothing to adopt there */
        log_warn("%s; left alone", e->msg);
        return 0;
    }
    if (fd < 0)
        return -1;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return error_set(e, "%s: %s", PERSIST_DIR, strerror(errno));
    }
    const struct dirent *d;
    while ((d = readdir(dir)))
        if (d->d_name[0] != '.')
            *present = true;
    closedir(dir);
    return 0;
}

void persist_path(const char *name, char out[PERSIST_PATH_MAX])
{
    snprintf(out, PERSIST_PATH_MAX, "%s/%s", PERSIST_DIR, name);
}

int persist_prune(persist_keep_fn *keep, const void *ctx, bool say, struct error *e)
{
    if (!is_bpffs(PERSIST_BPFFS))
        return 0;
    int fd = open_dir(e);
    if (fd == -2)
        return 0;
    if (fd < 0)
        return -1;
    DIR *dir = fdopendir(dup(fd));
    if (!dir) {
        close(fd);
        return error_set(e, "%s: %s", PERSIST_DIR, strerror(errno));
    }
    int removed = 0, left = 0, rc = 0;
    const struct dirent *d;
    while ((d = readdir(dir))) {
        if (d->d_name[0] == '.')
            continue;
        if (keep && keep(d->d_name, ctx)) {
            left++;
        } else if (unlinkat(fd, d->d_name, 0) != 0) {
            rc = error_set(e, "removing %s/%s: %s", PERSIST_DIR, d->d_name, strerror(errno));
            left++;
        } else {
            removed++;
            if (say)
                log_note("removed %s/%s", PERSIST_DIR, d->d_name);
        }
    }
    closedir(dir);
    close(fd);
    if (left == 0 && rmdir(PERSIST_DIR) != 0 && errno != ENOENT)
        rc = error_set(e, "removing %s: %s", PERSIST_DIR, strerror(errno));
    return rc != 0 ? -1 : removed;
}

int persist_rename(const char *from, const char *to, struct error *e)
{
    char a[PERSIST_PATH_MAX], b[PERSIST_PATH_MAX];
    persist_path(from, a);
    persist_path(to, b);
    if (rename(a, b) == 0)
        return 0;
    return error_set(e, "renaming %s to %s: %s", a, b, strerror(errno));
}
