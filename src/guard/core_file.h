/* Whether a core file that gcore wrote is whole: an ELF core (64-bit, this machine's byte
 * order) whose every segment lies within the file. gcore exits 0 even when a full disk or
 * a size limit cut the core short. */
#ifndef EBPFSHIELD_CORE_FILE_H
#define EBPFSHIELD_CORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bytes core_file_whole() needs at most from the start of a core. */
#define CORE_HEAD_MAX (64u + 65535u * 56u)

/* head: the first head_len bytes of a core of file_size bytes (head_len is
 * min(file_size, CORE_HEAD_MAX)). True when the ELF header and program headers are
 * there and valid, the type is ET_CORE, and no segment ends past file_size. */
bool core_file_whole(const unsigned char *head, size_t head_len, uint64_t file_size);

/* core_file_whole() on the file name in dirfd (not followed if a symlink). */
bool core_file_whole_at(int dirfd, const char *name);

/* Gives back the disk blocks of the file name in dirfd (not followed) that hold only
 * zeros, its content unchanged: gdb writes every page it can read, a mapping never
 * touched too, so that a core would otherwise take the address space, not what the
 * process held. 0, or -1 with errno (a file system that cannot punch holes:
 * EOPNOTSUPP). */
int core_file_sparsen_at(int dirfd, const char *name);

#endif
