/* compiler_memory_release on a real mapping: a file on disk named like the compiler's library,
 * mapped privately and read through, is resident before and not after (its Rss in
 * /proc/self/smaps), and reads back unchanged; a mapping of another name stays resident. */
#include "check.h"
#include "engine/compiler_memory.h"
#include "scratch.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (8u << 20)

/* Rss in kB of the mapping that starts at addr, from /proc/self/smaps; -1 if not found. */
static long rss_kb(const void *addr)
{
    char want[32], line[512];
    snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
    FILE *f = fopen("/proc/self/smaps", "re");
    long kb = -1;
    int in = 0;
    while (f && fgets(line, sizeof(line), f)) {
        if (strchr(line, '-') && strchr(line, ' ') && strchr(line, '-') < strchr(line, ' '))
            in = strncmp(line, want, strlen(want)) == 0;
        else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
            break;
    }
    if (f)
        fclose(f);
    return kb;
}

/* A file of SIZE bytes (byte i is i * 7) mapped read-only and read through. */
static uint8_t *map_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    uint8_t *buf = malloc(SIZE);
    if (fd < 0 || !buf) {
        perror(path);
        exit(2);
    }
    for (size_t i = 0; i < SIZE; i++)
        buf[i] = (uint8_t)(i * 7);
    CHECK(write(fd, buf, SIZE) == (ssize_t)SIZE);
    free(buf);
    uint8_t *map = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    CHECK(map != MAP_FAILED);
    unsigned sum = 0;
    for (size_t i = 0; i < SIZE; i += 4096)
        sum += map[i];
    CHECK(sum != 1); /* the reads are kept */
    return map;
}

static int same_content(const uint8_t *map)
{
    for (size_t i = 0; i < SIZE; i++)
        if (map[i] != (uint8_t)(i * 7))
            return 0;
    return 1;
}

int main(void)
{
    /* In the working directory (the build tree): a tmpfs page is never paged out without
     * swap, as the compiler's, on disk, are. */
    char dir[] = "compiler_memory.XXXXXX", llvm[64], other[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(llvm, sizeof(llvm), "%s/libLLVM-99.so.1", dir);
    snprintf(other, sizeof(other), "%s/libother.so.1", dir);
    uint8_t *compiler = map_file(llvm), *kept = map_file(other);
    long before = rss_kb(compiler), kept_before = rss_kb(kept);
    CHECK(before >= (long)(SIZE >> 10) * 9 / 10);

    compiler_memory_release();
    long after = rss_kb(compiler), kept_after = rss_kb(kept);
    fprintf(stderr, "libLLVM-99.so.1: %ld kB resident before, %ld kB after; libother: %ld, %ld\n",
            before, after, kept_before, kept_after);
    CHECK(after >= 0 && after < before / 10);
    CHECK(kept_after == kept_before);
    CHECK(same_content(compiler));
    CHECK(rss_kb(compiler) >= (long)(SIZE >> 10) * 9 / 10); /* read back in */

    munmap(compiler, SIZE);
    munmap(kept, SIZE);
    unlink(llvm);
    unlink(other);
    scratch_dir_remove(dir);
    CHECK_DONE();
}
