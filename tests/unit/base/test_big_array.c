/* big_reallocarray: the array is whole through growth, and the kernel takes the hint
 * (/proc/self/smaps says the pages may be huge ones) when transparent huge pages are
 * available to madvise at all. */
#include "base/big_array.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the kernel lets madvise ask for transparent huge pages ("always" or "madvise"). */
static int thp_available(void)
{
    char mode[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f)
        return 0;
    if (!fgets(mode, sizeof(mode), f))
        mode[0] = '\0';
    fclose(f);
    return strstr(mode, "[always]") || strstr(mode, "[madvise]");
}

/* Whether the VmFlags of the mapping that holds p have "hg" (MADV_HUGEPAGE). */
static int advised_huge(const void *p)
{
    char line[512], perms[8];
    int in = 0, hg = 0;
    FILE *f = fopen("/proc/self/smaps", "r");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof(line), f)) {
        uintmax_t lo, hi;
        if (sscanf(line, "%jx-%jx %7s", &lo, &hi, perms) == 3) /* a mapping's first line */
            in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        else if (in && strncmp(line, "VmFlags:", 8) == 0)
            hg = strstr(line, " hg") != NULL;
    }
    if (f)
        fclose(f);
    return hg;
}

static void test_growth_keeps_contents(void)
{
    uint32_t *v = NULL;
    size_t cap = 0;
    for (uint32_t i = 0; i < 3000000; i++) {
        if (i == cap) {
            cap = cap ? 2 * cap : 1024;
            uint32_t *nv = big_reallocarray(v, cap, sizeof(*v));
            CHECK(nv != NULL);
            if (!nv) {
                free(v);
                return;
            }
            v = nv;
        }
        v[i] = i * 2654435761u;
    }
    size_t bad = 0;
    for (uint32_t i = 0; i < 3000000; i++)
        bad += v[i] != i * 2654435761u;
    CHECK(bad == 0);
    if (thp_available())
        CHECK(advised_huge(v + 1500000));
    free(v);
}

static void test_small(void)
{
    char *small = big_reallocarray(NULL, 100, 1);
    CHECK(small != NULL);
    if (small)
        memset(small, 1, 100);
    free(small);
}

int main(void)
{
    test_growth_keeps_contents();
    test_small();
    CHECK_DONE();
}
