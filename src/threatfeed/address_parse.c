/* One entry's text into feed_addr numbers, without inet_pton: a 1M-line feed would feel it. */
#include "threatfeed/address_parse.h"

#include <stdint.h>
#include <string.h>

/* Strict dotted quad: four decimal numbers 0-255, no sign and no leading zero. */
static bool parse_v4(const char *s, uint32_t *out)
{
    uint32_t a = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        if (part && *s++ != '.')
            return false;
        for (; *s >= '0' && *s <= '9'; s++, digits++) {
            v = v * 10 + (unsigned)(*s - '0');
            if (digits == 3 || (digits == 1 && v < 10 && s[-1] == '0'))
                return false;
        }
        if (digits == 0 || v > 255)
            return false;
        a = a << 8 | v;
    }
    *out = a;
    return *s == '\0';
}

/* A hex digit's value plus one, 0 for any other byte: a table, since a branch per byte
 * costs a 1M-line IPv6 feed most of its parse time. */
static const uint8_t hex_plus_one[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16};

static int hex_digit(char c)
{
    return hex_plus_one[(uint8_t)c] - 1;
}

/* The groups of an IPv6 address (RFC 4291 text: at most one "::", a dotted quad at the
 * end) into g; their number, or -1. *gap is where "::" stands, or -1. */
static int v6_groups(const char *p, uint16_t g[8], int *gap)
{
    int n = 0;
    *gap = -1;
    if (p[0] == ':') {
        if (p[1] != ':')
            return -1;
        *gap = 0;
        p += 2;
    }
    while (*p) {
        unsigned v = 0;
        int d = 0, h;
        for (; d < 5 && (h = hex_digit(p[d])) >= 0; d++)
            v = v << 4 | (unsigned)h;
        if (p[d] == '.') { /* the last 32 bits as a dotted quad */
            uint32_t v4;
            if (n > 6 || !parse_v4(p, &v4))
                return -1;
            g[n++] = (uint16_t)(v4 >> 16);
            g[n++] = (uint16_t)v4;
            return n;
        }
        if (d == 0 || d > 4 || n == 8 || (p[d] != ':' && p[d] != '\0'))
            return -1;
        g[n++] = (uint16_t)v;
        p += d;
        if (*p == ':' && p[1] == ':') {
            if (*gap >= 0)
                return -1;
            *gap = n;
            p += 2;
        } else if (*p == ':' && *++p == '\0') {
            return -1; /* a single colon at the end */
        }
    }
    return n;
}

/* An IPv6 address. */
static bool parse_v6(const char *s, feed_addr *a)
{
    uint16_t g[8];
    int gap, n = v6_groups(s, g, &gap);
    if (n < 0 || (gap < 0 ? n != 8 : n > 7))
        return false;
    *a = 0;
    for (int i = 0; i < n; i++) {
        if (i == gap)
            *a <<= 16 * (8 - n);
        *a = *a << 16 | g[i];
    }
    if (gap == n && n > 0) /* "::" alone is 0 already: a shift by 128 is undefined */
        *a <<= 16 * (8 - n);
    return true;
}

bool feed_parse_addr(const char *s, feed_addr *a)
{
    uint32_t v4;
    if (parse_v4(s, &v4)) {
        *a = FEED_V4_BASE | v4;
        return true;
    }
    return strchr(s, ':') && parse_v6(s, a);
}

bool feed_parse_prefix(const char *s, unsigned max, unsigned *len)
{
    unsigned v = 0;
    if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned)(*s - '0');
        if (v > max)
            return false;
    }
    *len = v;
    return true;
}

const char *feed_parse_cidr(char *tok, struct feed_range *r, bool *host_bits)
{
    char *slash = strchr(tok, '/');
    if (slash)
        *slash = '\0';
    bool ok = feed_parse_addr(tok, &r->start);
    if (slash)
        *slash = '/';
    if (!ok)
        return "not an IP address, CIDR or range";
    bool v4 = feed_addr_is_v4(r->start) && !strchr(tok, ':');
    unsigned len = 128;
    if (slash && !feed_parse_prefix(slash + 1, v4 ? 32 : 128, &len))
        return v4 ? "invalid prefix length (want 0-32)" : "invalid prefix length (want 0-128)";
    if (slash && v4)
        len += 96;
    feed_addr host = len == 128 ? 0 : ~(feed_addr)0 >> len;
    *host_bits = (r->start & host) != 0;
    r->start &= ~host;
    r->end = r->start | host;
    return NULL;
}

const char *feed_parse_range(const char *a, const char *b, struct feed_range *r)
{
    if (!feed_parse_addr(a, &r->start) || !feed_parse_addr(b, &r->end))
        return "not an IP address, CIDR or range";
    if (feed_addr_is_v4(r->start) != feed_addr_is_v4(r->end))
        return "range mixes IPv4 and IPv6";
    if (r->start > r->end)
        return "range ends before it starts";
    return NULL;
}
