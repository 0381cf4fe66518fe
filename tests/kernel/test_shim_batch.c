/* The shim's batched table calls against a kernel hash table (BPF_MAP_UPDATE_BATCH and
 * BPF_MAP_DELETE_BATCH): every key set with its value, a key that is not there skipped
 * by a batched delete (the kernel stops at it), the others removed. Creates one table and
 * loads no program; needs root (CAP_BPF), skipped (77) without it. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "engine/bpf_shim.h"
#include "base/log.h"

static const char text[] =
    "BPF_F_TABLE(\"hash\", u64, u32, batch_test, 4096, BPF_F_NO_PREALLOC);\n";

#define KEYS 3000

static int failures;

static void expect(int ok, const char *what, uint64_t key)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s (key %llu)\n", what, (unsigned long long)key);
        failures++;
    }
}

int main(void)
{
    if (geteuid() != 0) {
        puts("skipped: creating a kernel table needs root");
        return 77;
    }
    struct shim_bpf *b;
    struct error e;
    if (shim_init(&b, text, NULL, "batch test table", NULL, &e) != 0) {
        fprintf(stderr, "FAIL: %s\n", e.msg);
        return 1;
    }
    /* gone: every even key, and three keys never set */
    static uint64_t keys[KEYS], gone[KEYS / 2 + 3];
    static uint32_t values[KEYS];
    for (uint32_t i = 0; i < KEYS; i++) {
        keys[i] = 0x9e3779b97f4a7c15ULL * (i + 1);
        values[i] = i;
    }
    expect(shim_table_update_batch(b, "batch_test", keys, values, KEYS, &e) == 0, "update", 0);
    for (size_t i = 0; i < KEYS; i++) {
        uint32_t v = UINT32_MAX;
        expect(shim_table_lookup(b, "batch_test", &keys[i], &v, &e) == 0 && v == i, "set", keys[i]);
    }
    /* Every even key, with keys never set first, in the middle and last. */
    size_t n = 0;
    gone[n++] = 1;
    for (size_t i = 0; i < KEYS; i += 2) {
        gone[n++] = keys[i];
        if (i == KEYS / 2)
            gone[n++] = 2;
    }
    gone[n++] = 3;
    expect(shim_table_delete_batch(b, "batch_test", gone, n, &e) == 0, "delete", 0);
    for (size_t i = 0; i < KEYS; i++) {
        uint32_t v;
        expect(shim_table_lookup(b, "batch_test", &keys[i], &v, &e) == (i % 2 == 0 ? 1 : 0),
               i % 2 == 0 ? "deleted" : "kept", keys[i]);
    }
    shim_destroy(b);
    if (failures)
        return 1;
    puts("ok: batched update and delete (keys not there skipped)");
    return 0;
}
