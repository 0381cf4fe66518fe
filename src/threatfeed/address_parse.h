/* Private to threatfeed/: the text of one entry (an address, a CIDR, a range) as
 * feed_addr numbers. Strict: no sign, no leading zero in a decimal, RFC 4291 IPv6 text. */
#ifndef EBPFSHIELD_ADDRESS_PARSE_H
#define EBPFSHIELD_ADDRESS_PARSE_H

#include <stdbool.h>

#include "threatfeed/feed_file.h"

/* An IPv4 or IPv6 address (no prefix); IPv4 as its IPv4-mapped address. */
bool feed_parse_addr(const char *s, feed_addr *a);

/* Decimal 0..max without sign or leading zero. */
bool feed_parse_prefix(const char *s, unsigned max, unsigned *len);

/* "addr" or "addr/len" (tok is restored) into r, host bits masked (*host_bits says whether
 * there were any); NULL, or the reason it is not an entry. */
const char *feed_parse_cidr(char *tok, struct feed_range *r, bool *host_bits);

/* "a-b" (or a and b given apart) into r: one family, a <= b; NULL or the reason. */
const char *feed_parse_range(const char *a, const char *b, struct feed_range *r);

#endif
