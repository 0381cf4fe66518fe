/* Arrays of a feed's millions of entries (ranges, intervals, keys), filled as soon as
 * they are allocated: backed by transparent huge pages, so that filling 40 MB takes about
 * 20 page faults instead of 10,000 (a quarter of a 1,000,000-address reload's time was
 * page faults in a paravirtualised guest). */
#ifndef EBPFSHIELD_BIG_ARRAY_H
#define EBPFSHIELD_BIG_ARRAY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* reallocarray(p, n, size), then, for 2 MiB or more, madvise(MADV_HUGEPAGE) over the
 * whole pages it spans (a hint: refused or not, the array is the same). An array that
 * glibc placed in a heap rather than a mapping of its own leaves the hint on that range
 * after free: the range was all touched by the array, so what stays resident grows by
 * at most the rounding to huge pages. */
void *big_reallocarray(void *p, size_t n, size_t size);

#ifdef __cplusplus
}
#endif

#endif
