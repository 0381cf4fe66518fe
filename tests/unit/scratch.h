/* A private scratch directory for a unit test or benchmark: mkdtemp() under $TMPDIR (else
 * /tmp), removed with everything in it at the end. */
#ifndef EBPFSHIELD_SCRATCH_H
#define EBPFSHIELD_SCRATCH_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fills buf with a new 0700 directory named after prefix; exits with status 2 on
 * failure. */
static inline void scratch_dir_create(char *buf, size_t len, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, len, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    if (!mkdtemp(buf)) {
        perror("mkdtemp");
        exit(2);
    }
}

static inline int scratch_remove_entry(const char *path, const struct stat *st, int flag,
                                       struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes dir and its contents; returns 0, or -1 after a message on stderr. */
static inline int scratch_dir_remove(const char *dir)
{
    if (nftw(dir, scratch_remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0)
        return 0;
    fprintf(stderr, "cannot remove %s: %s\n", dir, strerror(errno));
    return -1;
}

#endif
