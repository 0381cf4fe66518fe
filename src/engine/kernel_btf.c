/* Member offsets from the kernel's BTF through libbpf 1.x (libbcc's own dependency; its
 * development headers are not needed for these few calls). */
#include "engine/kernel_btf.h"

#include <errno.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct btf;
struct btf *btf__load_vmlinux_btf(void);
void btf__free(struct btf *btf);
int32_t btf__find_by_name_kind(const struct btf *btf, const char *name, uint32_t kind);
const struct btf_type *btf__type_by_id(const struct btf *btf, uint32_t id);
const char *btf__name_by_offset(const struct btf *btf, uint32_t offset);

struct kernel_btf {
    struct btf *btf;
};

int kernel_btf_open(struct kernel_btf **kb, struct error *e)
{
    *kb = calloc(1, sizeof(**kb));
    if (!*kb)
        return error_set(e, "kernel BTF: out of memory");
    errno = 0;
    (*kb)->btf = btf__load_vmlinux_btf();
    if (!(*kb)->btf) {
        int err = errno;
        free(*kb);
        *kb = NULL;
        return error_set(e, "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s",
                         strerror(err ? err : ENOENT));
    }
    return 0;
}

void kernel_btf_close(struct kernel_btf *kb)
{
    if (!kb)
        return;
    btf__free(kb->btf);
    free(kb);
}

/* The type id names, past typedefs and qualifiers. */
static const struct btf_type *resolved(const struct btf *btf, uint32_t id)
{
    const struct btf_type *t = btf__type_by_id(btf, id);
    while (t) {
        unsigned kind = BTF_INFO_KIND(t->info);
        if (kind != BTF_KIND_TYPEDEF && kind != BTF_KIND_CONST && kind != BTF_KIND_VOLATILE &&
            kind != BTF_KIND_RESTRICT && kind != BTF_KIND_TYPE_TAG)
            break;
        t = btf__type_by_id(btf, t->type);
    }
    return t;
}

static int is_aggregate(const struct btf_type *t)
{
    return t &&
           (BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT || BTF_INFO_KIND(t->info) == BTF_KIND_UNION);
}

/* Member name (len bytes) of aggregate t, searched in its anonymous members too: 0 with
 * its bit offset and type id, or -1. */
static int find_member(const struct btf *btf, const struct btf_type *t, const char *name,
                       size_t len, uint32_t *bits, uint32_t *type)
{
    const struct btf_member *m = (const struct btf_member *)(t + 1);
    unsigned kflag = BTF_INFO_KFLAG(t->info);
    for (unsigned i = 0; i < BTF_INFO_VLEN(t->info); i++, m++) {
        uint32_t off = kflag ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
        const char *n = btf__name_by_offset(btf, m->name_off);
        if (n && *n) {
            if (strlen(n) != len || memcmp(n, name, len) != 0)
                continue;
            if (kflag && BTF_MEMBER_BITFIELD_SIZE(m->offset))
                return -1;
            *bits = off;
            *type = m->type;
            return 0;
        }
        const struct btf_type *inner = resolved(btf, m->type);
        if (is_aggregate(inner) && find_member(btf, inner, name, len, bits, type) == 0) {
            *bits += off;
            return 0;
        }
    }
    return -1;
}

/* The width of a member's type in bytes (0 for a function, an array of unknown size...). */
static size_t width_of(const struct btf *btf, uint32_t id)
{
    const struct btf_type *t = resolved(btf, id);
    if (!t)
        return 0;
    switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_PTR:
        return sizeof(void *);
    case BTF_KIND_INT:
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
        return t->size;
    default:
        return 0;
    }
}

int kernel_btf_member(const struct kernel_btf *kb, const char *type, const char *member,
                      struct kernel_member *out, struct error *e)
{
    int32_t id = btf__find_by_name_kind(kb->btf, type, BTF_KIND_STRUCT);
    if (id < 0)
        id = btf__find_by_name_kind(kb->btf, type, BTF_KIND_UNION);
    const struct btf_type *t = id < 0 ? NULL : resolved(kb->btf, (uint32_t)id);
    if (!is_aggregate(t))
        return error_set(e, "the kernel's BTF has no struct %s", type);
    uint64_t total = 0;
    uint32_t member_type = 0;
    for (const char *name = member;;) {
        size_t len = strcspn(name, ".");
        uint32_t bits = 0;
        if (!is_aggregate(t) || find_member(kb->btf, t, name, len, &bits, &member_type) != 0 ||
            bits % 8 != 0)
            return error_set(e, "the kernel's struct %s has no member %s", type, member);
        total += bits / 8;
        if (name[len] == '\0')
            break;
        name += len + 1;
        t = resolved(kb->btf, member_type);
    }
    out->offset = (size_t)total;
    out->size = width_of(kb->btf, member_type);
    return 0;
}

int kernel_btf_func(const struct kernel_btf *kb, const char *name)
{
    int32_t id = btf__find_by_name_kind(kb->btf, name, BTF_KIND_FUNC);
    return id > 0 ? id : -1;
}
