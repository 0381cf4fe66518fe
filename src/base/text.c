#include "base/text.h"

#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

size_t text_printable(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    size_t i = 0;

    if (dstlen == 0)
        return 0;
    for (; i + 1 < dstlen && i < srclen && src[i] != '\0'; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[i] = '\0';
    return i;
}

/* The decimal digits of v (0..255) at out; returns how many. */
static size_t put_octet(char *out, uint8_t v)
{
    size_t n = 0;
    if (v >= 100)
        out[n++] = (char)('0' + v / 100);
    if (v >= 10)
        out[n++] = (char)('0' + v / 10 % 10);
    out[n++] = (char)('0' + v % 10);
    return n;
}

const char *text_address(int family, const void *addr, char *dst, size_t size)
{
    if (family != AF_INET || size < INET_ADDRSTRLEN)
        return inet_ntop(family, addr, dst, (socklen_t)size);
    const uint8_t *b = addr;
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (i)
            dst[n++] = '.';
        n += put_octet(dst + n, b[i]);
    }
    dst[n] = '\0';
    return dst;
}

bool text_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}
