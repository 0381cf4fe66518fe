#include "threatfeed/domain_set.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* One name: its key, value and where its text lies in the arena. */
struct domain_entry {
    uint64_t key;
    uint32_t value;
    uint32_t text; /* offset in names; the slot is empty when value is 0 and text is 0 */
};

struct domain_set {
    struct domain_hash hash;
    struct domain_entry *slots; /* open addressing, a power of two, at most half full */
    size_t cap, used, listed, allowed;
    char *names; /* the texts, NUL-terminated, from offset 1 (0 marks an empty slot) */
    size_t names_len, names_cap;
};

int domain_hash_draw(struct domain_hash *h, struct error *e)
{
    uint64_t v[2];
    if (getrandom(v, sizeof(v), 0) != (ssize_t)sizeof(v))
        return error_set(e, "getrandom: %s", strerror(errno));
    h->mult = v[0] | 1;
    h->seed = v[1];
    return 0;
}

uint64_t domain_key_wire(const struct domain_hash *h, const uint8_t *wire, size_t wire_len)
{
    /* The same walk as the kernel's, from the root's 0 back to the first length byte. */
    uint64_t value = 0;
    size_t next_len = 0; /* offset of the next length byte seen from the front */
    unsigned char is_len[DOMAIN_WIRE_MAX + 1] = {0};
    while (next_len < wire_len) {
        is_len[next_len] = 1;
        if (wire[next_len] == 0)
            break;
        next_len += (size_t)wire[next_len] + 1;
    }
    for (size_t k = wire_len; k-- > 0;)
        value = domain_hash_step(value, wire[k], is_len[k] && k != wire_len - 1, h->mult);
    return domain_hash_key(value, h->seed);
}

/* The wire form of a dotted name; its length, or 0 when it does not fit. */
static size_t dotted_to_wire(const char *name, uint8_t wire[DOMAIN_WIRE_MAX])
{
    size_t n = 0;
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        if (len == 0 || len > 63 || n + 1 + len + 1 > DOMAIN_WIRE_MAX)
            return 0;
        wire[n++] = (uint8_t)len;
        memcpy(wire + n, name, len);
        n += len;
        name += len + (dot ? 1 : 0);
    }
    wire[n++] = 0;
    return n;
}

uint64_t domain_key_dotted(const struct domain_hash *h, const char *name)
{
    uint8_t wire[DOMAIN_WIRE_MAX];
    size_t n = dotted_to_wire(name, wire);
    return domain_key_wire(h, wire, n ? n : 1);
}

/* One byte of a label as text: letters folded, LDH and '_' as they are, any other
 * byte (a '.', a control byte) as \DDD (RFC 1035), so that a name never forges a line. */
static size_t label_byte(uint8_t c, char *out)
{
    if (c >= 'A' && c <= 'Z')
        c = (uint8_t)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        out[0] = (char)c;
        return 1;
    }
    snprintf(out, 5, "\\%03u", c);
    return 4;
}

int domain_wire_to_text(const uint8_t *wire, size_t wire_len, char out[DOMAIN_TEXT_MAX])
{
    size_t pos = 0, n = 0;
    while (pos < wire_len && wire[pos] != 0) {
        size_t len = wire[pos];
        if (len > 63 || pos + 1 + len >= wire_len || n + 4 * len + 2 > DOMAIN_TEXT_MAX)
            return -1;
        if (n)
            out[n++] = '.';
        for (size_t i = 0; i < len; i++)
            n += label_byte(wire[pos + 1 + i], out + n);
        pos += len + 1;
    }
    if (pos >= wire_len)
        return -1;
    if (n == 0)
        out[n++] = '.';
    out[n] = '\0';
    return 0;
}

struct domain_set *domain_set_new(const struct domain_hash *h)
{
    struct domain_set *s = calloc(1, sizeof(*s));
    if (s)
        s->hash = *h;
    return s;
}

void domain_set_free(struct domain_set *s)
{
    if (!s)
        return;
    free(s->slots);
    free(s->names);
    free(s);
}

static bool slot_empty(const struct domain_entry *e)
{
    return e->text == 0;
}

static size_t slot_of(const struct domain_set *s, uint64_t key)
{
    return (size_t)key & (s->cap - 1);
}

/* The slot of name (key), or the empty slot where it would go. */
static struct domain_entry *find(const struct domain_set *s, uint64_t key, const char *name)
{
    for (size_t i = slot_of(s, key);; i = (i + 1) & (s->cap - 1)) {
        struct domain_entry *e = &s->slots[i];
        if (slot_empty(e) || (e->key == key && strcmp(s->names + e->text, name) == 0))
            return e;
    }
}

static int grow(struct domain_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    struct domain_entry *old = s->slots, *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return -1;
    size_t old_cap = s->cap;
    s->slots = slots;
    s->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (!slot_empty(&old[i]))
            *find(s, old[i].key, s->names + old[i].text) = old[i];
    free(old);
    return 0;
}

/* The offset of a copy of name in the arena, or 0 when out of memory. */
static uint32_t keep_name(struct domain_set *s, const char *name)
{
    size_t len = strlen(name) + 1;
    if (s->names_len == 0)
        s->names_len = 1; /* offset 0 marks an empty slot */
    if (s->names_len + len > s->names_cap) {
        size_t cap = s->names_cap ? s->names_cap * 2 : 65536;
        while (cap < s->names_len + len)
            cap *= 2;
        char *names = cap <= UINT32_MAX ? realloc(s->names, cap) : NULL;
        if (!names)
            return 0;
        s->names = names;
        s->names_cap = cap;
    }
    memcpy(s->names + s->names_len, name, len);
    s->names_len += len;
    return (uint32_t)(s->names_len - len);
}

/* domain_set_add() of a name whose key (with s's constants) is known. */
static int add_keyed(struct domain_set *s, uint64_t key, const char *name, uint32_t feed,
                     struct error *e)
{
    if ((s->used + 1) * 2 > s->cap && grow(s) != 0)
        return error_set(e, "out of memory");
    struct domain_entry *slot = find(s, key, name);
    if (!slot_empty(slot)) {
        if (feed == DOMAIN_ALLOWED && slot->value != DOMAIN_ALLOWED) {
            slot->value = DOMAIN_ALLOWED;
            s->listed--;
            s->allowed++;
        }
        return 0;
    }
    if (s->used >= DOMAIN_SET_MAX)
        return error_set(e, "more than %u names", DOMAIN_SET_MAX);
    uint32_t text = keep_name(s, name);
    if (!text)
        return error_set(e, "out of memory");
    *slot = (struct domain_entry){.key = key, .value = feed, .text = text};
    s->used++;
    if (feed == DOMAIN_ALLOWED)
        s->allowed++;
    else
        s->listed++;
    return 0;
}

int domain_set_add(struct domain_set *s, const char *name, uint32_t feed, struct error *e)
{
    return add_keyed(s, domain_key_dotted(&s->hash, name), name, feed, e);
}

/* An empty s made a copy of from: its slots and texts as they are (the same constants, so
 * the same keys and places), instead of a million inserts at random places. */
static int copy_whole(struct domain_set *s, const struct domain_set *from, struct error *e)
{
    struct domain_entry *slots = malloc(from->cap * sizeof(*slots));
    char *names = malloc(from->names_len);
    if (!slots || !names) {
        free(slots);
        free(names);
        return error_set(e, "out of memory");
    }
    memcpy(slots, from->slots, from->cap * sizeof(*slots));
    memcpy(names, from->names, from->names_len);
    free(s->slots);
    free(s->names);
    s->slots = slots;
    s->cap = from->cap;
    s->names = names;
    s->names_len = s->names_cap = from->names_len;
    s->used = from->used;
    s->listed = from->listed;
    s->allowed = from->allowed;
    return 0;
}

int domain_set_merge(struct domain_set *s, const struct domain_set *from, struct error *e)
{
    if (s->used + from->used > DOMAIN_SET_MAX) /* refused before a name is added */
        return error_set(e, "more than %u names in all", DOMAIN_SET_MAX);
    if (s->used == 0 && from->used > 0)
        return copy_whole(s, from, e);
    for (size_t i = 0; i < from->cap; i++) {
        const struct domain_entry *en = &from->slots[i];
        if (!slot_empty(en) && add_keyed(s, en->key, from->names + en->text, en->value, e) != 0)
            return -1;
    }
    return 0;
}

struct domain_set *domain_set_sibling(const struct domain_set *s)
{
    return domain_set_new(&s->hash);
}

size_t domain_set_listed(const struct domain_set *s)
{
    return s->listed;
}

size_t domain_set_allowed(const struct domain_set *s)
{
    return s->allowed;
}

const char *domain_set_match(const struct domain_set *s, const char *name, uint32_t *feed)
{
    const char *listed = NULL;
    for (const char *suffix = name; s->cap && suffix; suffix = strchr(suffix, '.')) {
        if (*suffix == '.')
            suffix++;
        const struct domain_entry *e = find(s, domain_key_dotted(&s->hash, suffix), suffix);
        if (slot_empty(e))
            continue;
        if (e->value == DOMAIN_ALLOWED)
            return NULL;
        if (!listed) {
            listed = s->names + e->text;
            *feed = e->value;
        }
    }
    return listed;
}

/* What a table holding s has for key: 0 and *value, or -1. */
static int value_of(const struct domain_set *s, uint64_t key, uint32_t *value)
{
    if (!s || !s->cap)
        return -1;
    /* Keys are unique in a table: the first name with this key is the one it holds. */
    for (size_t i = slot_of(s, key);; i = (i + 1) & (s->cap - 1)) {
        const struct domain_entry *e = &s->slots[i];
        if (slot_empty(e))
            return -1;
        if (e->key == key) {
            *value = e->value;
            return 0;
        }
    }
}

/* Calls fn, in batches, for the entries of a that b (NULL: none) lacks, or values
 * otherwise when changed is set. */
static int each_missing(const struct domain_set *a, const struct domain_set *b, bool changed,
                        domain_keys_fn fn, void *ctx)
{
    uint64_t keys[DOMAIN_SYNC_BATCH];
    uint32_t values[DOMAIN_SYNC_BATCH];
    size_t n = 0;
    for (size_t i = 0; a && i < a->cap; i++) {
        const struct domain_entry *e = &a->slots[i];
        uint32_t other;
        if (slot_empty(e) || value_of(a, e->key, &other) != 0 || other != e->value)
            continue; /* a later namesake of a key: the table holds the first */
        int found = value_of(b, e->key, &other) == 0;
        if (found && (!changed || other == e->value))
            continue;
        keys[n] = e->key;
        values[n++] = e->value;
        if (n == DOMAIN_SYNC_BATCH) {
            int rc = fn(keys, values, n, ctx);
            if (rc != 0)
                return rc;
            n = 0;
        }
    }
    return n ? fn(keys, values, n, ctx) : 0;
}

int domain_set_sync(const struct domain_set *old, const struct domain_set *next, domain_keys_fn put,
                    domain_keys_fn del, void *ctx)
{
    int rc = each_missing(next, old, true, put, ctx);
    return rc != 0 ? rc : each_missing(old, next, false, del, ctx);
}
