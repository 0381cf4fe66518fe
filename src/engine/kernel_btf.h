/* Offsets of members of the running kernel's structs, from its BTF
 * (/sys/kernel/btf/vmlinux, read by libbpf): for kernel programs that must read a struct
 * whose layout changes between versions and configurations, where the kernel headers
 * libbcc compiles with may be another kernel's. */
#ifndef EBPFSHIELD_KERNEL_BTF_H
#define EBPFSHIELD_KERNEL_BTF_H

#include <stddef.h>

#include "base/log.h"

struct kernel_btf;

/* The running kernel's BTF: 0, or -1 with a message in e. */
int kernel_btf_open(struct kernel_btf **kb, struct error *e);

void kernel_btf_close(struct kernel_btf *kb);

/* Where a member lies, and how wide it is (a pointer: 8 bytes). */
struct kernel_member {
    size_t offset;
    size_t size;
};

/* Member of struct (or union) type, a name or a path of names ("nd_net.net"); members of
 * anonymous structs and unions are found as the compiler finds them. 0, or -1 with a
 * message in e (no such type or member, or a bit field). */
int kernel_btf_member(const struct kernel_btf *kb, const char *type, const char *member,
                      struct kernel_member *out, struct error *e);

/* The BTF id of the kernel function name (a program of a BTF-typed kind names the
 * function it attaches to by it), or -1 when the BTF has none. */
int kernel_btf_func(const struct kernel_btf *kb, const char *name);

#endif
