#include "engine/compiler_memory.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21 /* Linux 5.4 */
#endif

/* The libraries of the compiler, as their paths in /proc/self/maps end. */
static int is_compiler(const char *path)
{
    return strstr(path, "/libLLVM") || strstr(path, "/libclang-cpp");
}

void compiler_memory_trim(void)
{
    malloc_trim(0);
}

void compiler_memory_release(void)
{
    compiler_memory_trim();
    FILE *maps = fopen("/proc/self/maps", "re");
    if (!maps)
        return;
    char line[4096 + 128];
    int line_start = 1; /* a line longer than the buffer comes in pieces: only the first counts */
    while (fgets(line, sizeof(line), maps)) {
        unsigned long start, end;
        const char *path = strchr(line, '/');
        if (line_start && path && is_compiler(path) && sscanf(line, "%lx-%lx", &start, &end) == 2)
            madvise((void *)start, end - start, MADV_PAGEOUT);
        line_start = strchr(line, '\n') != NULL;
    }
    fclose(maps);
}
