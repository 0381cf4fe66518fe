/* --output-file: the file events are appended to, opened so that no other user can have
 * them written somewhere else or read them. */
#ifndef EBPFSHIELD_OUTPUT_FILE_H
#define EBPFSHIELD_OUTPUT_FILE_H

#include "base/log.h"

/* Opens path for appending, created 0600 (the umask) when missing. Its directory is
 * opened by trusted_open (root's, writable by nobody else, every directory above too);
 * the file itself must not be a symlink, and must be a regular file of ours with one link,
 * writable by nobody else. Returns the fd (O_CLOEXEC), or -1 with a message in e. */
int output_file_open(const char *path, struct error *e);

#endif
