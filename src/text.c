#include "text.h"

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
