/* libFuzzer target: the head of a core file (its ELF and program headers) against file
 * sizes around the input's own. */
#include <stddef.h>
#include <stdint.h>

#include "guard/core_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_file_whole(data, size, size);
    core_file_whole(data, size, (uint64_t)size + 4096);
    if (size > 0)
        core_file_whole(data, size - 1, size);
    return 0;
}
