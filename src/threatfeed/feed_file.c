#include "threatfeed/feed_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/text.h"

#define READ_CHUNK (64u << 10)
#define SHOWN_MAX 48         /* bytes of a rejected token echoed in a warning */
#define TOKENS_MAX 4         /* of a line: the entry and what may follow it */
#define WIDE_V4_BITS 24      /* an IPv4 /8 */
#define WIDE_V6_BITS 112     /* an IPv6 /16 */
#define WIDE_FILE_V4_BITS 28 /* what one file may cover: 1/16 of IPv4 */
#define WIDE_FILE_V6_BITS 116

struct parser {
    const char *path;
    uint32_t feed;
    bool allow_wide;
    struct feed_ranges *out;
    struct feed_file_stats *st;
    unsigned long lineno;
    bool csv;     /* a *.csv file: its header names the address column */
    int csv_col;  /* the address column of a CSV file, -1 until its header is seen */
    bool dshield; /* DShield's header was seen: "start end" lines are ranges */
    unsigned long host_bits, host_bits_first;
    size_t warned;
    size_t cidrs;             /* what the entries take in a trie, each alone */
    feed_addr cover4, cover6; /* addresses the entries cover, overlaps counted twice */
};

#define ADD_NO_MEMORY (-1)
#define ADD_TOO_MANY (-2)

/* A line that is not an entry: counted, and shown while under the limit. Feed data
 * comes from the network: never echo control bytes or a huge line to a terminal. */
static void skip(struct parser *p, const char *reason, const char *tok)
{
    char shown[SHOWN_MAX + 4];
    size_t n = text_printable(shown, SHOWN_MAX + 1, tok, SHOWN_MAX);
    strcpy(shown + n, tok[n] ? "..." : "");
    p->st->skipped++;
    if (p->warned++ < FEED_WARNINGS_MAX)
        log_warn("%s:%lu: %s: \"%s\"", p->path, p->lineno, reason, shown);
}

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

/* An IPv6 address; faster than inet_pton, which a 1M-line feed would feel. */
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

/* An IPv4 or IPv6 address (no prefix) as a feed_addr. */
static bool parse_addr(const char *s, feed_addr *a)
{
    uint32_t v4;
    if (parse_v4(s, &v4)) {
        *a = FEED_V4_BASE | v4;
        return true;
    }
    return strchr(s, ':') && parse_v6(s, a);
}

/* Decimal 0..max without sign or leading zero. */
static bool parse_prefix(const char *s, unsigned max, unsigned *len)
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

/* "addr" or "addr/len" into r; NULL, or the reason it is not an entry. */
static const char *parse_cidr(char *tok, struct feed_range *r, bool *host_bits)
{
    char *slash = strchr(tok, '/');
    if (slash)
        *slash = '\0';
    bool ok = parse_addr(tok, &r->start);
    if (slash)
        *slash = '/';
    if (!ok)
        return "not an IP address, CIDR or range";
    bool v4 = feed_addr_is_v4(r->start) && !strchr(tok, ':');
    unsigned len = 128;
    if (slash && !parse_prefix(slash + 1, v4 ? 32 : 128, &len))
        return v4 ? "invalid prefix length (want 0-32)" : "invalid prefix length (want 0-128)";
    if (slash && v4)
        len += 96;
    feed_addr host = len == 128 ? 0 : ~(feed_addr)0 >> len;
    *host_bits = (r->start & host) != 0;
    r->start &= ~host;
    r->end = r->start | host;
    return NULL;
}

/* "a-b" (or a and b given apart) into r: one family, a <= b. */
static const char *parse_range(const char *a, const char *b, struct feed_range *r)
{
    if (!parse_addr(a, &r->start) || !parse_addr(b, &r->end))
        return "not an IP address, CIDR or range";
    if (feed_addr_is_v4(r->start) != feed_addr_is_v4(r->end))
        return "range mixes IPv4 and IPv6";
    if (r->start > r->end)
        return "range ends before it starts";
    return NULL;
}

/* Wider than an IPv6 /16, or covering more than an IPv4 /8 of the IPv4-mapped block (an
 * IPv6 entry such as ::/80 covers all of IPv4). */
static bool is_wide(const struct feed_range *r)
{
    const feed_addr v4_last = FEED_V4_BASE | UINT32_MAX;
    feed_addr lo = r->start > FEED_V4_BASE ? r->start : FEED_V4_BASE;
    feed_addr hi = r->end < v4_last ? r->end : v4_last;
    if (r->end - r->start >= (feed_addr)1 << WIDE_V6_BITS)
        return true;
    return lo <= hi && hi - lo >= (feed_addr)1 << WIDE_V4_BITS;
}

/* Addresses a host talks to itself or its own network with: a wide entry (a bogon list's
 * 10.0.0.0/8) must not cut a host off from them. As IPv4-mapped or IPv6 prefixes. */
static const struct {
    feed_addr net;
    unsigned len;
} special_use[] = {
    {FEED_V4_BASE, 96 + 8},
    {FEED_V4_BASE | 0x0a000000u, 96 + 8},
    {FEED_V4_BASE | 0x64400000u, 96 + 10},
    {FEED_V4_BASE | 0x7f000000u, 96 + 8},
    {FEED_V4_BASE | 0xa9fe0000u, 96 + 16},
    {FEED_V4_BASE | 0xac100000u, 96 + 12},
    {FEED_V4_BASE | 0xc0a80000u, 96 + 16},
    {FEED_V4_BASE | 0xe0000000u, 96 + 4},
    {FEED_V4_BASE | 0xffffffffu, 128},
    {0, 127}, /* :: and ::1 */
    {(feed_addr)0xfe80 << 112, 10},
    {(feed_addr)0xfc00 << 112, 7},
    {(feed_addr)0xff00 << 112, 8},
};

/* Wider than an IPv4 /24 or an IPv6 /48, and over special-use addresses. */
static bool wide_over_special_use(const struct feed_range *r)
{
    unsigned bits = feed_addr_is_v4(r->start) ? 8 : 80;
    if (r->end - r->start < (feed_addr)1 << bits)
        return false;
    for (size_t i = 0; i < sizeof(special_use) / sizeof(special_use[0]); i++) {
        unsigned len = special_use[i].len;
        feed_addr last = special_use[i].net | (len == 128 ? 0 : ~(feed_addr)0 >> len);
        if (r->start <= last && r->end >= special_use[i].net)
            return true;
    }
    return false;
}

static feed_addr add_saturating(feed_addr a, feed_addr b)
{
    return a + b < a ? ~(feed_addr)0 : a + b;
}

/* Appends r (an entry of the current line) to the output: 0, or ADD_NO_MEMORY, or
 * ADD_TOO_MANY when the file needs more than FEED_FILE_CIDRS_MAX CIDRs. */
static int add(struct parser *p, struct feed_range r, bool host_bits, const char *tok)
{
    if (!p->allow_wide && is_wide(&r)) {
        skip(p, "wider than an IPv4 /8 or IPv6 /16 (use --allow-wide)", tok);
        return 0;
    }
    if (!p->allow_wide && wide_over_special_use(&r)) {
        skip(p,
             "wide, over loopback, private, link-local or multicast addresses (use --allow-wide)",
             tok);
        return 0;
    }
    if ((p->cidrs += feed_cidr_count(r.start, r.end)) > FEED_FILE_CIDRS_MAX)
        return ADD_TOO_MANY;
    feed_addr size = add_saturating(r.end - r.start, 1);
    if (feed_addr_is_v4(r.start))
        p->cover4 += size;
    else
        p->cover6 = add_saturating(p->cover6, size);
    if (host_bits && !p->host_bits++)
        p->host_bits_first = p->lineno;
    struct feed_ranges *o = p->out;
    if (o->n == o->cap) {
        size_t ncap = o->cap ? 2 * o->cap : 1024;
        struct feed_range *nv = reallocarray(o->v, ncap, sizeof(*nv));
        if (!nv)
            return ADD_NO_MEMORY;
        o->v = nv;
        o->cap = ncap;
    }
    r.feed = p->feed;
    o->v[o->n++] = r;
    if (feed_addr_is_v4(r.start))
        p->st->v4++;
    else
        p->st->v6++;
    return 0;
}

/* One entry token: "a-b", or an address or CIDR. */
static int add_token(struct parser *p, char *tok)
{
    struct feed_range r;
    bool host_bits = false;
    char *dash = strchr(tok, '-');
    const char *why;
    if (dash) {
        *dash = '\0';
        why = parse_range(tok, dash + 1, &r);
        *dash = '-';
    } else {
        why = parse_cidr(tok, &r, &host_bits);
    }
    if (why) {
        skip(p, why, tok);
        return 0;
    }
    return add(p, r, host_bits, tok);
}

/* Splits s at blanks into at most TOKENS_MAX tokens (the rest is ignored). */
static int tokens(char *s, char **tok)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, " \t", &save); t && n < TOKENS_MAX; t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    return n;
}

/* The next comma-separated field at *cursor (quotes may hold commas), unquoted and
 * trimmed, in place; *cursor moves past it (NULL after the last). */
static char *csv_next(char **cursor)
{
    bool quoted = false;
    char *start = *cursor, *c = start;
    for (; *c && (*c != ',' || quoted); c++)
        if (*c == '"')
            quoted = !quoted;
    *cursor = *c ? c + 1 : NULL;
    *c = '\0';
    start += strspn(start, " \t\"");
    for (char *end = start + strlen(start); end > start && strchr(" \t\"", end[-1]);)
        *--end = '\0';
    return start;
}

/* The col-th field of line (modified), or NULL when the line has fewer fields. */
static char *csv_field(char *line, int col)
{
    char *f = NULL;
    for (char *cursor = line; cursor && col >= 0; col--)
        f = csv_next(&cursor);
    return col < 0 ? f : NULL;
}

/* A CSV header names the address column "dst_ip" or "ip"; it may be a comment. */
static bool csv_header(struct parser *p, const char *line)
{
    char copy[FEED_LINE_MAX + 2];
    if (!strchr(line, ','))
        return false;
    snprintf(copy, sizeof(copy), "%s", line + strspn(line, "# \t"));
    char *cursor = copy;
    for (int col = 0; cursor; col++) {
        const char *f = csv_next(&cursor);
        if (strcasecmp(f, "dst_ip") == 0 || strcasecmp(f, "ip") == 0) {
            p->csv_col = col;
            return true;
        }
    }
    return false;
}

static int parse_csv_line(struct parser *p, char *line)
{
    char *s = line + strspn(line, " \t");
    if (*s == '\0' || *s == '#')
        return 0;
    char *f = csv_field(s, p->csv_col);
    if (!f) {
        skip(p, "no address column", s);
        return 0;
    }
    return add_token(p, f);
}

/* Tor's exit list: "ExitAddress <ip> <date> <time>"; its other lines are no entries. */
static bool tor_line(char **tok, int n, char **entry)
{
    if (strcmp(tok[0], "ExitAddress") == 0 && n >= 2) {
        *entry = tok[1];
        return true;
    }
    return strcmp(tok[0], "ExitNode") == 0 || strcmp(tok[0], "Published") == 0 ||
           strcmp(tok[0], "LastStatus") == 0;
}

/* "start end bits" where the range is exactly that network (a DShield line without its
 * header). */
static bool dshield_bits(char **tok, int n)
{
    struct feed_range r;
    unsigned bits;
    if (n < 3 || parse_range(tok[0], tok[1], &r) != NULL || !feed_addr_is_v4(r.start) ||
        !parse_prefix(tok[2], 32, &bits))
        return false;
    feed_addr host = bits == 32 ? 0 : ~(feed_addr)0 >> (96 + bits); /* no shift by 128 */
    return (r.start & host) == 0 && r.end == (r.start | host);
}

static int parse_line(struct parser *p, char *line)
{
    char *tok[TOKENS_MAX], *entry = NULL;
    /* A CSV header comes before the first entry, as a line or a # comment. */
    if (p->csv && p->csv_col < 0 && p->st->v4 + p->st->v6 == 0 && csv_header(p, line))
        return 0;
    if (p->csv_col >= 0)
        return parse_csv_line(p, line);
    line[strcspn(line, "#;")] = '\0';
    int n = tokens(line, tok);
    if (n == 0)
        return 0;
    if (tor_line(tok, n, &entry))
        return entry ? add_token(p, entry) : 0;
    if (n >= 2 && strcasecmp(tok[0], "start") == 0 && strcasecmp(tok[1], "end") == 0) {
        p->dshield = true; /* DShield's column header */
        return 0;
    }
    struct feed_range r;
    if (n >= 3 && strcmp(tok[1], "-") == 0) { /* "a - b" */
        const char *why = parse_range(tok[0], tok[2], &r);
        if (why) {
            skip(p, why, tok[0]);
            return 0;
        }
        return add(p, r, false, tok[0]);
    }
    feed_addr second;
    if (n >= 2 && !strchr(tok[0], '/') && parse_addr(tok[1], &second)) {
        /* DShield: start, end, bits. Anything else (a netmask?) must say what it means. */
        if ((p->dshield || dshield_bits(tok, n)) && parse_range(tok[0], tok[1], &r) == NULL)
            return add(p, r, false, tok[0]);
        skip(p, "two addresses (write a range as a-b)", tok[0]);
        return 0;
    }
    return add_token(p, tok[0]);
}

/* Handles the complete lines of buf[0, len) (and the last, unended one at eof); returns
 * the bytes used, or -1 (out of memory or a line too long: e says which). */
static ssize_t take_lines(struct parser *p, char *buf, size_t len, bool eof, struct error *e)
{
    size_t used = 0;
    while (used < len) {
        char *line = buf + used, *nl = memchr(line, '\n', len - used);
        char *end = nl ? nl : buf + len;
        if (!nl && !eof)
            break;
        p->lineno++;
        used = (size_t)(end - buf) + (nl != NULL);
        if (end > line && end[-1] == '\r') /* CRLF */
            end--;
        *end = '\0';
        size_t n = (size_t)(end - line);
        if (n > FEED_LINE_MAX)
            return error_set(e, "%s:%lu: line longer than %d bytes, file refused", p->path,
                             p->lineno, FEED_LINE_MAX);
        if (p->lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3; /* a UTF-8 byte order mark */
            n -= 3;
        }
        int rc = 0;
        if (memchr(line, '\0', n))
            skip(p, "NUL byte in line", "");
        else
            rc = parse_line(p, line);
        if (rc == ADD_TOO_MANY)
            return error_set(e, "%s:%lu: more than %u CIDRs, file refused", p->path, p->lineno,
                             FEED_FILE_CIDRS_MAX);
        if (rc != 0)
            return error_set(e, "%s: out of memory", p->path);
    }
    return (ssize_t)used;
}

/* Reads fd to its end, FEED_FILE_MAX bytes at most, line by line. */
static int read_lines(struct parser *p, int fd, struct error *e)
{
    char *buf = malloc(READ_CHUNK + FEED_LINE_MAX + 2);
    size_t have = 0, total = 0;
    if (!buf)
        return error_set(e, "%s: out of memory", p->path);
    for (;;) {
        ssize_t n = read(fd, buf + have, READ_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_set(e, "cannot read %s: %s", p->path, strerror(errno));
            break;
        }
        total += (size_t)n;
        if (total > FEED_FILE_MAX) {
            error_set(e, "%s: larger than %zu MiB, file refused", p->path, FEED_FILE_MAX >> 20);
            break;
        }
        have += (size_t)n;
        ssize_t used = take_lines(p, buf, have, n == 0, e);
        if (used < 0)
            break;
        memmove(buf, buf + used, have - (size_t)used);
        have -= (size_t)used;
        if (have > FEED_LINE_MAX + 1) { /* + 1: the CR of a CRLF */
            error_set(e, "%s:%lu: line longer than %d bytes, file refused", p->path, p->lineno + 1,
                      FEED_LINE_MAX);
            break;
        }
        if (n == 0) {
            free(buf);
            return 0;
        }
    }
    free(buf);
    return -1;
}

/* A file may not cover more than 1/16 of IPv4 (or 16 IPv6 /16s) without --allow-wide:
 * 256 /8s would be all of IPv4, each entry within bounds. */
static bool too_wide(const struct parser *p, struct error *e)
{
    if (p->cover4 > (feed_addr)1 << WIDE_FILE_V4_BITS)
        error_set(e,
                  "%s: covers %llu IPv4 addresses, more than 1/16 of IPv4, file refused (use "
                  "--allow-wide)",
                  p->path, (unsigned long long)p->cover4);
    else if (p->cover6 > (feed_addr)1 << WIDE_FILE_V6_BITS)
        error_set(e, "%s: covers more than 16 IPv6 /16s, file refused (use --allow-wide)", p->path);
    else
        return false;
    return true;
}

int feed_file_parse(int fd, const char *path, uint32_t feed, bool allow_wide,
                    struct feed_ranges *out, struct feed_file_stats *st, struct error *e)
{
    struct parser p = {
        .path = path, .feed = feed, .allow_wide = allow_wide, .out = out, .st = st, .csv_col = -1};
    size_t len = strlen(path);
    p.csv = len > 4 && strcmp(path + len - 4, ".csv") == 0;
    struct stat sb;
    size_t mark = out->n;
    *st = (struct feed_file_stats){0};
    if (fstat(fd, &sb) != 0)
        return error_set(e, "cannot read %s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return error_set(e, "cannot read %s: not a regular file", path);
    if ((uint64_t)sb.st_size > FEED_FILE_MAX)
        return error_set(e, "%s: larger than %zu MiB, file refused", path, FEED_FILE_MAX >> 20);
    if (read_lines(&p, fd, e) != 0 || (!allow_wide && too_wide(&p, e))) {
        out->n = mark;
        return -1;
    }
    if (p.warned > FEED_WARNINGS_MAX)
        log_warn("%s: %zu more line(s) skipped", path, p.warned - FEED_WARNINGS_MAX);
    if (p.host_bits)
        log_warn("%s: %lu entr%s with host bits set, used as their network (first: line %lu)", path,
                 p.host_bits, p.host_bits == 1 ? "y" : "ies", p.host_bits_first);
    return 0;
}
