/* bpf_text/net_abi.h against the kernel's headers: net_abi_check.c compiled by libbcc as
 * the tool compiles its programs (the kernel's build headers, its configuration). */
#include <stdio.h>

#include "engine/bpf_shim.h"
#include "base/log.h"

extern const char bpf_text_net_abi_check[];

int main(void)
{
    struct shim_bpf *b;
    struct error e;
    if (shim_init(&b, bpf_text_net_abi_check, NULL, "net_abi.h check", NULL, &e) != 0) {
        fprintf(stderr, "FAIL: %s\n", e.msg);
        return 1;
    }
    shim_destroy(b);
    puts("ok: every constant and offset of net_abi.h equals the kernel's");
    return 0;
}
