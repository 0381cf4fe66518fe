#include "output/json_tree.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { KIND_OBJECT, KIND_ARRAY, KIND_STRING, KIND_INT, KIND_UINT, KIND_NONE };

void json_tree_init(struct json_tree *t)
{
    t->nodes = t->own_nodes;
    t->capacity = JSON_TREE_NODES;
    t->text = t->own_text;
    t->text_capacity = JSON_TREE_TEXT;
    t->text_len = 0;
    t->failed = 0;
    t->count = 1;
    t->nodes[JSON_ROOT] = (struct json_node_data){
        .kind = KIND_OBJECT, .next = JSON_FAILED, .value.members = {JSON_FAILED, JSON_FAILED}};
}

void json_tree_release(struct json_tree *t)
{
    if (t->nodes != t->own_nodes)
        free(t->nodes);
    if (t->text != t->own_text)
        free(t->text);
    json_tree_init(t);
}

/* buf (holding used elements of size each, own when it is the struct's) grown to hold
 * need: false when out of memory. */
static bool grow(void **buf, size_t *capacity, size_t used, size_t need, size_t size, void *own)
{
    if (need <= *capacity)
        return true;
    size_t capacity2 = *capacity * 2 > need ? *capacity * 2 : need;
    void *bigger = *buf == own ? malloc(capacity2 * size) : realloc(*buf, capacity2 * size);
    if (!bigger)
        return false;
    if (*buf == own)
        memcpy(bigger, own, used * size);
    *buf = bigger;
    *capacity = capacity2;
    return true;
}

/* len bytes copied into the text; its offset, or SIZE_MAX when out of memory. */
static size_t keep(struct json_tree *t, const char *s, size_t len)
{
    void *text = t->text;
    if (!grow(&text, &t->text_capacity, t->text_len, t->text_len + len, 1, t->own_text))
        return SIZE_MAX;
    t->text = text;
    size_t at = t->text_len;
    if (len)
        memcpy(t->text + at, s, len);
    t->text_len += len;
    return at;
}

/* Whether values can go under parent (a failure of the tree's, or a parent that is no
 * object or array, fails the tree). */
static bool usable(struct json_tree *t, json_node parent)
{
    if (!t->failed && parent >= 0 && (size_t)parent < t->count &&
        t->nodes[parent].kind <= KIND_ARRAY)
        return true;
    t->failed = 1;
    return false;
}

/* The member of object parent named key, or JSON_FAILED. */
static json_node member(const struct json_tree *t, json_node parent, const char *key)
{
    size_t len = strlen(key);
    for (json_node n = t->nodes[parent].value.members.first; n != JSON_FAILED; n = t->nodes[n].next)
        if (t->nodes[n].key_len == len && memcmp(t->text + t->nodes[n].key, key, len) == 0)
            return n;
    return JSON_FAILED;
}

/* The node under key in parent to hold a value: the member of that name or a new one at
 * the end (of no kind yet); JSON_FAILED when out of memory. */
static json_node slot(struct json_tree *t, json_node parent, const char *key)
{
    bool in_object = t->nodes[parent].kind == KIND_OBJECT;
    if (in_object && !key)
        goto failed; /* a member needs its name */
    json_node n = in_object ? member(t, parent, key) : JSON_FAILED;
    if (n != JSON_FAILED)
        return n;
    void *nodes = t->nodes;
    size_t key_at = 0, key_len = in_object ? strlen(key) : 0;
    if (key_len && (key_at = keep(t, key, key_len)) == SIZE_MAX)
        goto failed;
    if (t->count >= INT32_MAX ||
        !grow(&nodes, &t->capacity, t->count, t->count + 1, sizeof(*t->nodes), t->own_nodes))
        goto failed;
    t->nodes = nodes;
    n = (json_node)t->count++;
    t->nodes[n] = (struct json_node_data){
        .key = key_at, .key_len = key_len, .next = JSON_FAILED, .kind = KIND_NONE};
    struct json_node_data *p = &t->nodes[parent];
    if (p->value.members.last == JSON_FAILED)
        p->value.members.first = n;
    else
        t->nodes[p->value.members.last].next = n;
    p->value.members.last = n;
    return n;
failed:
    t->failed = 1;
    return JSON_FAILED;
}

static json_node container(struct json_tree *t, json_node parent, const char *key, enum kind kind)
{
    if (!usable(t, parent))
        return JSON_FAILED;
    json_node n = slot(t, parent, key);
    if (n == JSON_FAILED)
        return JSON_FAILED;
    struct json_node_data *d = &t->nodes[n];
    if (d->kind != kind) { /* new, or a value of another kind replaced */
        d->kind = (uint8_t)kind;
        d->value.members.first = d->value.members.last = JSON_FAILED;
    }
    return n;
}

json_node json_tree_object(struct json_tree *t, json_node parent, const char *key)
{
    return container(t, parent, key, KIND_OBJECT);
}

json_node json_tree_array(struct json_tree *t, json_node parent, const char *key)
{
    return container(t, parent, key, KIND_ARRAY);
}

/* The node under key in parent set to hold a value of kind, or NULL (the tree failed). */
static struct json_node_data *scalar(struct json_tree *t, json_node parent, const char *key,
                                     enum kind kind)
{
    json_node n = usable(t, parent) ? slot(t, parent, key) : JSON_FAILED;
    if (n == JSON_FAILED) {
        t->failed = 1;
        return NULL;
    }
    t->nodes[n].kind = (uint8_t)kind;
    return &t->nodes[n];
}

void json_tree_string(struct json_tree *t, json_node parent, const char *key, const char *s,
                      size_t len)
{
    struct json_node_data *d = scalar(t, parent, key, KIND_STRING);
    size_t at = d ? keep(t, s, len) : SIZE_MAX; /* (keep moves no node) */
    if (at == SIZE_MAX) {
        t->failed = 1;
        return;
    }
    d->value.string.at = at;
    d->value.string.len = len;
}

void json_tree_int(struct json_tree *t, json_node parent, const char *key, int64_t value)
{
    struct json_node_data *d = scalar(t, parent, key, KIND_INT);
    if (d)
        d->value.i = value;
}

void json_tree_uint(struct json_tree *t, json_node parent, const char *key, uint64_t value)
{
    struct json_node_data *d = scalar(t, parent, key, KIND_UINT);
    if (d)
        d->value.u = value;
}

/* Where a line is written: out NULL only counts (the length it needs). */
struct writer {
    char *out;
    size_t len;
};

static void put(struct writer *w, const char *s, size_t len)
{
    if (w->out)
        memcpy(w->out + w->len, s, len);
    w->len += len;
}

/* A JSON string of len bytes, escaped as json-c escapes (without escaping '/'). */
static void put_quoted(struct writer *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    size_t plain = 0; /* where the bytes not written yet begin */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        const char *short_form = c == '"'    ? "\\\""
                                 : c == '\\' ? "\\\\"
                                 : c == '\b' ? "\\b"
                                 : c == '\f' ? "\\f"
                                 : c == '\n' ? "\\n"
                                 : c == '\r' ? "\\r"
                                 : c == '\t' ? "\\t"
                                             : NULL;
        put(w, s + plain, i - plain);
        plain = i + 1;
        if (short_form) {
            put(w, short_form, 2);
        } else {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, u, sizeof(u));
        }
    }
    put(w, s + plain, len - plain);
    put(w, "\"", 1);
}

static void put_node(struct writer *w, const struct json_tree *t, json_node n)
{
    const struct json_node_data *d = &t->nodes[n];
    char number[24];
    switch ((enum kind)d->kind) {
    case KIND_OBJECT:
    case KIND_ARRAY:
        put(w, d->kind == KIND_OBJECT ? "{" : "[", 1);
        for (json_node m = d->value.members.first; m != JSON_FAILED; m = t->nodes[m].next) {
            if (m != d->value.members.first)
                put(w, ",", 1);
            if (d->kind == KIND_OBJECT) {
                put_quoted(w, t->text + t->nodes[m].key, t->nodes[m].key_len);
                put(w, ":", 1);
            }
            put_node(w, t, m);
        }
        put(w, d->kind == KIND_OBJECT ? "}" : "]", 1);
        break;
    case KIND_STRING:
        put_quoted(w, t->text + d->value.string.at, d->value.string.len);
        break;
    case KIND_INT:
        put(w, number, (size_t)snprintf(number, sizeof(number), "%" PRId64, d->value.i));
        break;
    case KIND_UINT:
        put(w, number, (size_t)snprintf(number, sizeof(number), "%" PRIu64, d->value.u));
        break;
    case KIND_NONE: /* only in a tree that failed, never written */
        put(w, "null", 4);
        break;
    }
}

char *json_tree_line(struct json_tree *t)
{
    if (t->failed)
        return NULL;
    struct writer w = {NULL, 0};
    put_node(&w, t, JSON_ROOT);
    w.out = malloc(w.len + 1);
    if (!w.out)
        return NULL;
    w.len = 0;
    put_node(&w, t, JSON_ROOT);
    w.out[w.len] = '\0';
    return w.out;
}
