/* A directory only root may change (the dump directory, the lock directory), opened once
 * and then used only through its fd: nobody can redirect a file in it by renaming or
 * replacing a path component later. */
#ifndef EBPFSHIELD_PRIVATE_DIR_H
#define EBPFSHIELD_PRIVATE_DIR_H

#include "base/log.h"

/* Walks path from / component by component without following a symlink, creating what is
 * missing 0700. Every directory on the way must belong to root and be writable by nobody
 * else; the last one must be ours and writable by nobody else. Returns the directory's fd
 * (O_CLOEXEC), or -1 with a message in e that names the directory as what. */
int private_dir_open(const char *path, const char *what, struct error *e);

#endif
