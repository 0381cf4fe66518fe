/* Unit tests of text_printable's edges. */
#include "base/text.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* text_printable into a buffer of 'X's (dstlen at most 9), whose tenth byte must stay
 * untouched; returns the buffer, NUL-terminated after those ten bytes. */
static const char *printable(const char *src, size_t srclen, size_t dstlen)
{
    static char dst[11];

    memset(dst, 'X', 10);
    dst[10] = '\0';
    text_printable(dst, dstlen, src, srclen);
    CHECK(dst[9] == 'X');
    return dst;
}

static void test_printable(void)
{
    static const char bytes[] = {'a', 0x01, 0x1b, 0x7f, (char)0x80, (char)0xff, '\t', 'z'};
    char *exact = malloc(3); /* no NUL: text_printable must stop at srclen */

    CHECK_STR(printable("plain ~", 8, 8), "plain ~");
    CHECK_STR(printable(bytes, sizeof(bytes), 9), "a??????z");
    CHECK_STR(printable("\x1b[31mred", 8, 9), "?[31mred");
    CHECK_STR(printable("ab\0cd", 5, 8), "ab");
    CHECK_STR(printable("abcdef", 3, 8), "abc");
    CHECK_STR(printable("abcdefghijk", 11, 4), "abc");
    CHECK_STR(printable("abcdefghijk", 11, 9), "abcdefgh");
    CHECK_STR(printable("abc", 0, 8), "");
    CHECK_STR(printable("abc", 3, 1), "");
    CHECK_STR(printable("abc", 3, 0), "XXXXXXXXXX"); /* dstlen 0: nothing written */
    memcpy(exact, "xyz", 3);
    CHECK_STR(printable(exact, 3, 8), "xyz");
    free(exact);
}

int main(void)
{
    test_printable();
    CHECK_DONE();
}
