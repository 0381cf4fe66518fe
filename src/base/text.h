/* Text that comes from outside (process names, feed lines) made safe for a terminal, and
 * addresses as text. */
#ifndef EBPFSHIELD_TEXT_H
#define EBPFSHIELD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_ADDRESS_MAX 46 /* INET6_ADDRSTRLEN */

/* Copies src (up to srclen bytes, stopping at NUL) into dst, replacing bytes that are not
 * printable ASCII with '?', so that names taken from processes or feeds cannot steer the
 * terminal. Returns the number of source bytes copied. */
size_t text_printable(char *dst, size_t dstlen, const char *src, size_t srclen);

/* True when s is longer than suffix and ends with it (a file of that kind: "x.csv"). */
bool text_ends_with(const char *s, const char *suffix);

/* inet_ntop(family, addr, dst, size): the same text, an IPv4 address formatted without
 * glibc's sprintf (the monitor formats three addresses per printed line). */
const char *text_address(int family, const void *addr, char *dst, size_t size);

#endif
