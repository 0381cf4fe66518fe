/* Text that comes from outside (process names, feed lines) made safe for a terminal. */
#ifndef EBPFSHIELD_TEXT_H
#define EBPFSHIELD_TEXT_H

#include <stddef.h>

/* Copies src (up to srclen bytes, stopping at NUL) into dst, replacing bytes that are not
 * printable ASCII with '?', so that names taken from processes or feeds cannot steer the
 * terminal. Returns the number of source bytes copied. */
size_t text_printable(char *dst, size_t dstlen, const char *src, size_t srclen);

#endif
