#include "guard/core_file.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool header_ok(const Elf64_Ehdr *eh)
{
    return memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
           eh->e_ident[EI_DATA] == ELFDATA2LSB && eh->e_type == ET_CORE &&
           eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phnum > 0 && eh->e_phnum != PN_XNUM;
}

bool core_file_whole(const unsigned char *head, size_t head_len, uint64_t file_size)
{
    Elf64_Ehdr eh;
    if (head_len < sizeof(eh) || head_len > file_size)
        return false;
    memcpy(&eh, head, sizeof(eh));
    if (!header_ok(&eh))
        return false;
    uint64_t table_len = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
    if (eh.e_phoff > head_len || table_len > head_len - eh.e_phoff)
        return false;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, head + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
            return false;
    }
    return true;
}

bool core_file_whole_at(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool whole = false;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        size_t len = (uint64_t)st.st_size < CORE_HEAD_MAX ? (size_t)st.st_size : CORE_HEAD_MAX;
        unsigned char *head = malloc(len);
        if (head && pread(fd, head, len, 0) == (ssize_t)len)
            whole = core_file_whole(head, len, (uint64_t)st.st_size);
        free(head);
    }
    close(fd);
    return whole;
}

#define SPARSEN_CHUNK (64u << 10)

static bool all_zero(const unsigned char *p, size_t n)
{
    static const unsigned char zeros[SPARSEN_CHUNK];
    return memcmp(p, zeros, n) == 0;
}

/* The chunks of fd's data (SEEK_DATA skips the holes there are) that hold only zeros,
 * punched out. */
static int punch_zeros(int fd, off_t size, unsigned char *buf)
{
    off_t at = 0;
    while (at < size) {
        off_t data = lseek(fd, at, SEEK_DATA);
        if (data < 0)
            return errno == ENXIO ? 0 : -1; /* no data past at */
        at = data - data % SPARSEN_CHUNK;
        ssize_t n = pread(fd, buf, SPARSEN_CHUNK, at);
        if (n <= 0)
            return n == 0 ? 0 : -1;
        if (all_zero(buf, (size_t)n) &&
            fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, at, n) != 0)
            return -1;
        at += n;
    }
    return 0;
}

int core_file_sparsen_at(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    unsigned char *buf = malloc(SPARSEN_CHUNK);
    int rc =
        buf && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? punch_zeros(fd, st.st_size, buf) : -1;
    int err = errno;
    free(buf);
    close(fd);
    errno = err;
    return rc;
}
