/* Loading of the captured fixtures (tests/fixtures/, env FIXTURES) for the unit tests
 * and benchmarks. */
#ifndef EBPFSHIELD_FIXTURE_H
#define EBPFSHIELD_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE_CAPACITY 65536

struct blob {
    uint8_t *data;
    size_t len;
};

/* Reads a fixture into a FIXTURE_CAPACITY buffer (tests append bytes after it); exits
 * with status 2 when it is missing. */
static inline struct blob load_fixture(const char *name)
{
    const char *dir = getenv("FIXTURES");
    char path[512];
    struct blob b = {0};

    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        exit(2);
    }
    b.data = malloc(FIXTURE_CAPACITY);
    b.len = fread(b.data, 1, FIXTURE_CAPACITY, f);
    fclose(f);
    return b;
}

/* An exact-size heap copy of the first len bytes, so ASan sees any read past them. */
static inline uint8_t *copy_of(const uint8_t *src, size_t len)
{
    uint8_t *dst = malloc(len ? len : 1);
    memcpy(dst, src, len);
    return dst;
}

#endif
