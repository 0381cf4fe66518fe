/* One domain name of a domain feed, validated and normalized to the form the guard compares:
 * lower case, dotted, without the trailing dot. Rules: one trailing dot is dropped; labels of
 * 1..63 bytes, the name at most 253 bytes; letters, digits, '-' and '_' only ('-' anywhere in
 * a label: real block lists hold names like "-ads.example"); ASCII letters are folded to
 * lower case. A label holding non-ASCII bytes must be valid UTF-8 and becomes its A-label,
 * "xn--" and its Punycode (RFC 3492), which must fit in 63 bytes.
 * Limits, on purpose (no Unicode tables here): no Unicode normalization (NFC), no case
 * mapping beyond ASCII ("BÜCHER" gives "xn--bcher-2pa", not "bücher"'s "xn--bcher-kva"), no
 * IDNA2008 check of which code points a label may hold, and only '.' separates labels (not
 * U+3002 and the other dots IDNA maps to it). An ASCII "xn--" label is taken as it is, not
 * decoded and checked. '*' is not a name character: the feed syntaxes handle wildcards. */
#ifndef EBPFSHIELD_DOMAIN_NAME_H
#define EBPFSHIELD_DOMAIN_NAME_H

#include <stddef.h>

#define DOMAIN_NAME_MAX 253 /* bytes of a dotted name without its trailing dot */
#define DOMAIN_LABEL_MAX 63

/* Normalizes the name in[0..len) (not NUL-terminated; any bytes, NULs included, are read
 * only within len) into out, NUL-terminated. Returns 0, or -1 with out "" and *why (when why
 * is not NULL) a static reason. */
int domain_name_normalize(const char *in, size_t len, char out[DOMAIN_NAME_MAX + 1],
                          const char **why);

#endif
