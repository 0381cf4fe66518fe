/* Member offsets read from the running kernel's BTF: the leading fields of struct
 * sock_common that net_abi.h writes out (checked there against the kernel's headers),
 * members of anonymous unions and of members, and the refusals; functions' BTF ids. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/kernel_btf.h"

static long offset_of(const struct kernel_btf *kb, const char *type, const char *member)
{
    struct kernel_member m;
    struct error e;
    if (kernel_btf_member(kb, type, member, &m, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    return (long)m.offset;
}

static long size_of(const struct kernel_btf *kb, const char *type, const char *member)
{
    struct kernel_member m;
    struct error e;
    return kernel_btf_member(kb, type, member, &m, &e) == 0 ? (long)m.size : -1;
}

static void test_known(const struct kernel_btf *kb)
{
    /* x86-64: daddr, rcv_saddr, hash, dport, num, family (net_abi.h's abi_sock_common) */
    CHECK_INT(offset_of(kb, "sock_common", "skc_daddr"), 0);
    CHECK_INT(offset_of(kb, "sock_common", "skc_dport"), 12);
    CHECK_INT(offset_of(kb, "sock_common", "skc_num"), 14);
    CHECK_INT(offset_of(kb, "sock_common", "skc_family"), 16);
    CHECK_INT(offset_of(kb, "sock", "__sk_common.skc_family"), 16);
    /* sk_buff.dev: in a union in an anonymous struct, after next and prev */
    CHECK_INT(offset_of(kb, "sk_buff", "dev"), 16);
    long len = offset_of(kb, "sk_buff", "len");
    CHECK(len > 0);
    CHECK_INT(offset_of(kb, "sk_buff", "data_len"), len + 4);
    CHECK(offset_of(kb, "sk_buff", "sk") > 0);
    CHECK(offset_of(kb, "sk_buff", "data") > len);
    CHECK(offset_of(kb, "net_device", "nd_net.net") > 0);
    CHECK(offset_of(kb, "net", "net_cookie") > 0);
    /* widths: pointers, integers (through typedefs), a struct */
    CHECK_INT(size_of(kb, "sk_buff", "dev"), 8);
    CHECK_INT(size_of(kb, "sk_buff", "len"), 4);
    CHECK_INT(size_of(kb, "sock_common", "skc_dport"), 2);
    CHECK_INT(size_of(kb, "net", "net_cookie"), 8);
    CHECK_INT(size_of(kb, "net_device", "nd_net.net"), 8);
    CHECK(size_of(kb, "sock", "__sk_common") >= 64);
}

static void test_refused(const struct kernel_btf *kb)
{
    struct kernel_member m = {7, 7};
    struct error e;
    CHECK_INT(kernel_btf_member(kb, "no_such_struct_here", "x", &m, &e), -1);
    CHECK_STR(e.msg, "the kernel's BTF has no struct no_such_struct_here");
    CHECK_INT(kernel_btf_member(kb, "sk_buff", "no_such_member", &m, &e), -1);
    CHECK_STR(e.msg, "the kernel's struct sk_buff has no member no_such_member");
    CHECK_INT(kernel_btf_member(kb, "sk_buff", "pkt_type", &m, &e), -1); /* a bit field */
    CHECK_INT(kernel_btf_member(kb, "sk_buff", "len.x", &m, &e), -1);    /* not a struct */
    CHECK_INT(kernel_btf_member(kb, "sk_buff", "", &m, &e), -1);
    CHECK_INT(kernel_btf_member(kb, "sk_buff", "dev.", &m, &e), -1);
    CHECK_INT(m.offset, 7);
}

/* The hooks of BPF LSM programs (CONFIG_BPF_LSM, on the kernels this runs on), and no
 * id for what is not a function. */
static void test_funcs(const struct kernel_btf *kb)
{
    CHECK(kernel_btf_func(kb, "bpf_lsm_task_kill") > 0);
    CHECK(kernel_btf_func(kb, "bpf_lsm_ptrace_access_check") > 0);
    CHECK(kernel_btf_func(kb, "bpf_lsm_file_send_sigiotask") > 0);
    CHECK_INT(kernel_btf_func(kb, "bpf_lsm_no_such_hook_here"), -1);
    CHECK_INT(kernel_btf_func(kb, "sk_buff"), -1); /* a struct */
}

int main(void)
{
    struct kernel_btf *kb;
    struct error e;
    if (kernel_btf_open(&kb, &e) != 0) {
        fprintf(stderr, "FAIL: %s\n", e.msg);
        return 1;
    }
    test_known(kb);
    test_refused(kb);
    test_funcs(kb);
    kernel_btf_close(kb);
    CHECK_DONE();
}
