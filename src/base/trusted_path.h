/* Files only root can change (the feeds, the allow-list): a path resolved component by
 * component from /, each lookup made through the fd of a directory nobody else can
 * write, so that no other user can swap what is read for something of theirs. */
#ifndef EBPFSHIELD_TRUSTED_PATH_H
#define EBPFSHIELD_TRUSTED_PATH_H

#include <stddef.h>

#include "base/log.h"

/* path made absolute (from the working directory) into buf; -1 with a message in e when
 * it is empty (errno EINVAL) or does not fit. */
int path_absolute(const char *path, const char *what, char *buf, size_t len, struct error *e);

/* Opens path (relative ones from the working directory) with flags (O_RDONLY, plus e.g.
 * O_DIRECTORY or O_NONBLOCK; O_CLOEXEC is added). Symlinks on the way are followed by
 * the same rules, at most 40 of them. Refused, with a message in e naming what and the
 * component at fault:
 *  - a directory on the way that is not root's (or ours), or that others may write,
 *    unless it is sticky and the entry in it is root's (/tmp/x of root is fine);
 *  - a file or directory at the end that is not root's or that others may write.
 * Returns the fd, or -1 with a message in e and errno EPERM for a refusal (another
 * errno when something could not be opened). */
int trusted_open(const char *path, int flags, const char *what, struct error *e);

/* The same for name inside dirfd, a directory opened by trusted_open whose path is
 * dir_path (for messages); a symlink is followed by the same rules. */
int trusted_openat(int dirfd, const char *dir_path, const char *name, int flags, const char *what,
                   struct error *e);

#endif
