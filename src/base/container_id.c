#include "base/container_id.h"

#include <string.h>

#define HEX_ID_LEN 64

/* The runtimes' scope names: prefix, 64 hex digits, suffix. */
static const struct {
    const char *prefix, *suffix, *runtime;
} hex_scopes[] = {
    {"docker-", ".scope", "docker"},             /* systemd cgroup driver */
    {"cri-containerd-", ".scope", "containerd"}, /* containerd's CRI plugin */
    {"crio-", ".scope", "cri-o"},
    {"libpod-", ".scope", "podman"},
    {"libpod-", "", "podman"}, /* cgroupfs driver */
};

/* The named machines' scopes: prefix, a name, suffix. */
static const struct {
    const char *prefix, *suffix, *runtime;
} named_scopes[] = {
    {"machine-", ".scope", "systemd-nspawn"},
    {"lxc.payload.", "", "lxc"},
};

/* A machine's name: printable, no space (a path from the kernel has no NUL either). */
static int is_name(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] > '~')
            return 0;
    return 1;
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* The part of component c (n bytes) between prefix and suffix, or NULL. */
static const char *between(const char *c, size_t n, const char *prefix, const char *suffix,
                           size_t *inner)
{
    size_t p = strlen(prefix), s = strlen(suffix);
    if (n <= p + s || memcmp(c, prefix, p) != 0 || memcmp(c + n - s, suffix, s) != 0)
        return NULL;
    *inner = n - p - s;
    return c + p;
}

static void set(struct container_ref *out, const char *runtime, const char *id, size_t n)
{
    out->runtime = runtime;
    memcpy(out->id, id, n);
    out->id[n] = '\0';
}

/* Component c (n bytes) after the component parent (pn bytes; NULL at the top). */
static int component(const char *parent, size_t pn, const char *c, size_t n,
                     struct container_ref *out)
{
    size_t inner;
    const char *id;
    for (size_t i = 0; i < sizeof(hex_scopes) / sizeof(hex_scopes[0]); i++) {
        id = between(c, n, hex_scopes[i].prefix, hex_scopes[i].suffix, &inner);
        if (id && inner == HEX_ID_LEN && is_hex(id, inner)) {
            set(out, hex_scopes[i].runtime, id, inner);
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof(named_scopes) / sizeof(named_scopes[0]); i++) {
        id = between(c, n, named_scopes[i].prefix, named_scopes[i].suffix, &inner);
        if (id && inner <= CONTAINER_ID_MAX && is_name(id, inner)) {
            set(out, named_scopes[i].runtime, id, inner);
            return 0;
        }
    }
    /* Docker's cgroupfs driver: /docker/<64 hex> */
    if (parent && pn == 6 && memcmp(parent, "docker", 6) == 0 && n == HEX_ID_LEN && is_hex(c, n)) {
        set(out, "docker", c, n);
        return 0;
    }
    return -1;
}

int container_of_cgroup(const char *path, size_t len, struct container_ref *out)
{
    size_t end = len;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && path[start - 1] != '/')
            start--;
        size_t pend = start > 0 ? start - 1 : 0, pstart = pend;
        while (pstart > 0 && path[pstart - 1] != '/')
            pstart--;
        if (end > start && component(start > 0 ? path + pstart : NULL, pend - pstart, path + start,
                                     end - start, out) == 0) {
            out->scope_len = end;
            return 0;
        }
        end = start > 0 ? start - 1 : 0;
    }
    return -1;
}
