/* Reading one feed file: its lines, bounded in length, size and CIDRs, handed to
 * feed_format.c; the entries they give checked by width_policy.h and appended. */
#include "threatfeed/feed_parser.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/big_array.h"
#include "base/text.h"
#include "threatfeed/width_policy.h"

#define READ_CHUNK (64u << 10)
#define SHOWN_MAX 48 /* bytes of a rejected token echoed in a warning */

/* A line that is not an entry: counted, and shown while under the limit. Feed data
 * comes from the network: never echo control bytes or a huge line to a terminal. */
void feed_skip(struct parser *p, const char *reason, const char *tok)
{
    char shown[SHOWN_MAX + 4];
    size_t n = text_printable(shown, SHOWN_MAX + 1, tok, SHOWN_MAX);
    strcpy(shown + n, tok[n] ? "..." : "");
    p->st->skipped++;
    if (p->warned++ < FEED_WARNINGS_MAX)
        log_warn("%s:%lu: %s: \"%s\"", p->path, p->lineno, reason, shown);
}

static feed_addr add_saturating(feed_addr a, feed_addr b)
{
    return a + b < a ? ~(feed_addr)0 : a + b;
}

int feed_add(struct parser *p, struct feed_range r, bool host_bits, const char *tok)
{
    if (!p->allow_wide && feed_is_wide(&r)) {
        feed_skip(p, "wider than an IPv4 /8 or IPv6 /16 (use --allow-wide)", tok);
        return 0;
    }
    if (!p->allow_wide && feed_wide_over_special_use(&r)) {
        feed_skip(
            p, "wide, over loopback, private, link-local or multicast addresses (use --allow-wide)",
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
        struct feed_range *nv = big_reallocarray(o->v, ncap, sizeof(*nv));
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
            feed_skip(p, "NUL byte in line", "");
        else
            rc = feed_parse_line(p, line);
        if (rc == ADD_TOO_MANY_NAMES)
            return error_set(e, "%s:%lu: more than %u domain names, file refused", p->path,
                             p->lineno, DOMAIN_SET_MAX);
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

/* Reads the regular file open on fd whole into p; -1 (out as it was) when it is refused. */
static int read_file(struct parser *p, int fd, struct error *e)
{
    struct stat sb;
    size_t mark = p->out->n;
    if (fstat(fd, &sb) != 0)
        return error_set(e, "cannot read %s: %s", p->path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return error_set(e, "cannot read %s: not a regular file", p->path);
    if ((uint64_t)sb.st_size > FEED_FILE_MAX)
        return error_set(e, "%s: larger than %zu MiB, file refused", p->path, FEED_FILE_MAX >> 20);
    if (read_lines(p, fd, e) != 0 ||
        (!p->allow_wide && feed_file_too_wide(p->path, p->cover4, p->cover6, e))) {
        p->out->n = mark;
        return -1;
    }
    return 0;
}

int feed_file_parse(int fd, const char *path, uint32_t feed, bool allow_wide,
                    struct feed_ranges *out, struct domain_set *names, struct feed_file_stats *st,
                    struct error *e)
{
    struct parser p = {
        .path = path, .feed = feed, .allow_wide = allow_wide, .out = out, .st = st, .csv_col = -1};
    p.csv = feed_format_is_csv(path);
    domain_line_init(&p.domain_syntax, domain_syntax_for_path(path), allow_wide);
    p.hosts_file = text_ends_with(path, ".hosts");
    *st = (struct feed_file_stats){0};
    /* The file's names go to a set of their own, joined to names once the file is taken
     * whole: a refused file leaves nothing behind, names no more than addresses. */
    if (names && !(p.names = domain_set_sibling(names)))
        return error_set(e, "%s: out of memory", path);
    int rc = read_file(&p, fd, e);
    if (rc == 0 && names && domain_set_merge(names, p.names, e) != 0)
        rc = error_set(e, "%s: %s, file refused", path, e->msg);
    domain_set_free(names ? p.names : NULL);
    if (rc != 0)
        return -1;
    if (p.warned > FEED_WARNINGS_MAX)
        log_warn("%s: %zu more line(s) skipped", path, p.warned - FEED_WARNINGS_MAX);
    if (p.host_bits)
        log_warn("%s: %lu entr%s with host bits set, used as their network (first: line %lu)", path,
                 p.host_bits, p.host_bits == 1 ? "y" : "ies", p.host_bits_first);
    return 0;
}
