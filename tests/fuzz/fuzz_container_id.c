/* libFuzzer target: container_of_cgroup on any path (a user with a delegated cgroup
 * subtree names its own cgroups). A container found must be named by bytes of the path:
 * a runtime, and an id of 1 to 64 bytes found in the input at a component's place. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/container_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct container_ref ref;
    memset(&ref, 0, sizeof(ref));
    if (container_of_cgroup((const char *)data, size, &ref) != 0) {
        if (ref.runtime)
            abort(); /* nothing filled on failure */
        return 0;
    }
    size_t n = strnlen(ref.id, sizeof(ref.id));
    if (!ref.runtime || n == 0 || n > CONTAINER_ID_MAX || !memmem(data, size, ref.id, n) ||
        memchr(ref.id, '/', n) || ref.scope_len > size || ref.scope_len < n)
        abort();
    return 0;
}
