/* libFuzzer target: the kernel's walk of a queried name (bpf_text/guard/domain_guard.h:
 * name_labels() marks the label starts, name_lookup() hashes from the end and looks every
 * suffix's key up, an allowed suffix clearing the name), modelled here step for step over
 * the keys the guard puts in the kernel's table (domain_set_sync), checked against user
 * space's own answer for the same name (domain_wire_to_text, then domain_set_match). The
 * input is a wire name as a packet carries it (untrusted: any bytes, at most 255 read). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "threatfeed/domain_set.h"

#define KEYS_MAX 64

static const struct domain_hash hash = {.mult = 0x9e3779b97f4a7c15ULL, .seed = 0x1234};
static struct domain_set *set;
static uint64_t keys[KEYS_MAX];
static uint32_t values[KEYS_MAX];
static size_t nkeys;

static int put(const uint64_t *k, const uint32_t *v, size_t n, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < n && nkeys < KEYS_MAX; i++, nkeys++) {
        keys[nkeys] = k[i];
        values[nkeys] = v[i];
    }
    return 0;
}

static const uint32_t *table_lookup(uint64_t key)
{
    for (size_t i = 0; i < nkeys; i++)
        if (keys[i] == key)
            return &values[i];
    return NULL;
}

static void setup(void)
{
    static const struct {
        const char *name;
        uint32_t feed;
    } names[] = {{"evil.example", 1},
                 {"example.org", 2},
                 {"ok.evil.example", DOMAIN_ALLOWED},
                 {"a", 3},
                 {"x-y_z.test", 4},
                 {"b.a", DOMAIN_ALLOWED},
                 {"deep.c.b.a", 5}};
    set = domain_set_new(&hash);
    if (!set)
        abort();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (domain_set_add(set, names[i].name, names[i].feed, NULL) != 0)
            abort();
    if (domain_set_sync(NULL, set, put, put, NULL) != 0)
        abort();
}

enum { WALK_CLEAN, WALK_HIT, WALK_UNREADABLE };

/* The kernel's walk: label starts, then every suffix from the top-level domain down. */
static int kernel_walk(const uint8_t *name, size_t n, uint32_t *feed)
{
    uint64_t starts[4] = {0};
    size_t pos = 0, root = 0;
    int found = 0;
    for (int i = 0; i < 128 && !found; i++) {
        if (pos >= n)
            return WALK_UNREADABLE; /* in a datagram a name cut short is malformed */
        uint8_t len = name[pos & 0xff];
        if (len == 0) {
            root = pos;
            found = 1;
            break;
        }
        if (len > 63)
            return WALK_UNREADABLE;
        starts[(pos >> 6) & 3] |= 1ULL << (pos & 63);
        pos += len + 1;
    }
    if (!found)
        return WALK_UNREADABLE;
    uint64_t value = 0;
    int hit = 0, allowed = 0;
    for (int k = (int)(root & 0xff); k >= 0; k--) {
        int length_byte = (starts[(k >> 6) & 3] >> (k & 63)) & 1;
        value = domain_hash_step(value, name[k & 0xff], length_byte, hash.mult);
        if (!length_byte)
            continue;
        const uint32_t *v = table_lookup(domain_hash_key(value, hash.seed));
        if (!v)
            continue;
        if (*v == DOMAIN_ALLOWED)
            allowed = 1;
        else if (!hit) {
            hit = 1;
            *feed = *v;
        }
    }
    return hit && !allowed ? WALK_HIT : WALK_CLEAN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!set)
        setup();
    size_t n = size < DOMAIN_WIRE_MAX ? size : DOMAIN_WIRE_MAX;
    uint8_t *name = malloc(256); /* the kernel's buffer: 256 bytes, n of them read */
    if (!name)
        return 0;
    memset(name, 0xaa, 256);
    memcpy(name, data, n);
    uint32_t kfeed = 0, ufeed = 0;
    int walk = kernel_walk(name, n, &kfeed);
    char text[DOMAIN_TEXT_MAX];
    int readable = domain_wire_to_text(name, n, text) == 0;
    const char *listed = readable ? domain_set_match(set, text, &ufeed) : NULL;
    free(name);
    if (walk == WALK_UNREADABLE) /* refused when refusing: nothing to compare */
        return 0;
    if (!readable) /* a name the kernel walks, user space can always print */
        abort();
    if ((walk == WALK_HIT) != (listed != NULL) || (listed && kfeed != ufeed))
        abort();
    return 0;
}
