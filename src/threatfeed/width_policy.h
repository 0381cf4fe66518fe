/* Private to threatfeed/: how wide an entry, and a file's entries together, may be
 * without --allow-wide. */
#ifndef EBPFSHIELD_WIDTH_POLICY_H
#define EBPFSHIELD_WIDTH_POLICY_H

#include <stdbool.h>

#include "threatfeed/feed_file.h"

/* Wider than an IPv6 /16, or covering more than an IPv4 /8 of the IPv4-mapped block. */
bool feed_is_wide(const struct feed_range *r);

/* Wider than an IPv4 /24 or an IPv6 /48, and over loopback, private, link-local or
 * multicast addresses. */
bool feed_wide_over_special_use(const struct feed_range *r);

/* Whether a file whose entries cover cover4 IPv4 and cover6 IPv6 addresses covers too
 * much; when it does, e says so. */
bool feed_file_too_wide(const char *path, feed_addr cover4, feed_addr cover6, struct error *e);

#endif
