/* libFuzzer target: a captured frame as the socket filter ships it (untrusted: any
 * packet to or from port 53), through frame_decode and the ldns-based DNS decoder. */
#include <stddef.h>
#include <stdint.h>

#include "dns_decode.h"
#include "frame.h"

static void item(const struct dns_item *it, void *ctx)
{
    (void)ctx;
    volatile char sink = it->name[0] ^ it->data[0]; /* touch what a line would print */
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct frame_info f;
    const char *why;
    if (frame_decode(data, size, &f) == 0)
        dns_decode_payload(f.proto, f.payload, f.payload_len, item, NULL, &why);
    /* The DNS decoder on its own, also with the TCP framing. */
    dns_decode_payload(17, data, size, item, NULL, &why);
    dns_decode_payload(6, data, size, item, NULL, &why);
    return 0;
}
