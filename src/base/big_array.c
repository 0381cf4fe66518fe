#include "base/big_array.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define BIG_ARRAY_MIN ((size_t)2 << 20) /* one huge page: smaller arrays gain nothing */

void *big_reallocarray(void *p, size_t n, size_t size)
{
    void *q = reallocarray(p, n, size);
    if (!q || n * size < BIG_ARRAY_MIN) /* (reallocarray refused an overflowing n * size) */
        return q;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = ((uintptr_t)q + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)q + n * size) & ~(page - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    return q;
}
