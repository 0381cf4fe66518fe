/* Which format a feed line is in, and the parsers of the blank-separated formats: a file
 * is CSV by its name; any other line is cut at its comment into tokens and offered to
 * each of line_formats in turn until one takes it. A new format is one more parser there
 * (before single_entry, which takes every line). */
#include "threatfeed/feed_parser.h"

#include <string.h>
#include <strings.h>

#include "threatfeed/address_parse.h"
#include "base/text.h"

/* What a line format returns for a line that is not its own. */
#define NOT_MINE 1

/* A parser of one line format: 0 or an ADD_* code when the line is its own (entries added
 * or the line skipped with a warning), NOT_MINE when not. tok[0, n) are the line's
 * tokens, n > 0. */
typedef int (*line_format)(struct parser *p, char **tok, int n);

bool feed_format_is_csv(const char *path)
{
    return text_ends_with(path, ".csv");
}

int feed_add_token(struct parser *p, char *tok)
{
    struct feed_range r;
    bool host_bits = false;
    char *dash = strchr(tok, '-');
    const char *why;
    if (dash) {
        *dash = '\0';
        why = feed_parse_range(tok, dash + 1, &r);
        *dash = '-';
    } else {
        why = feed_parse_cidr(tok, &r, &host_bits);
    }
    if (why) {
        feed_skip(p, why, tok);
        return 0;
    }
    return feed_add(p, r, host_bits, tok);
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

/* Tor's exit list: "ExitAddress <ip> <date> <time>"; its other lines are no entries. */
static int tor_exit_line(struct parser *p, char **tok, int n)
{
    if (strcmp(tok[0], "ExitAddress") == 0 && n >= 2)
        return feed_add_token(p, tok[1]);
    if (strcmp(tok[0], "ExitNode") == 0 || strcmp(tok[0], "Published") == 0 ||
        strcmp(tok[0], "LastStatus") == 0)
        return 0;
    return NOT_MINE;
}

/* DShield's column header "start end ...": later "start end" lines are ranges. */
static int dshield_header(struct parser *p, char **tok, int n)
{
    if (n < 2 || strcasecmp(tok[0], "start") != 0 || strcasecmp(tok[1], "end") != 0)
        return NOT_MINE;
    p->dshield = true;
    return 0;
}

/* "a - b". */
static int spaced_range(struct parser *p, char **tok, int n)
{
    struct feed_range r;
    if (n < 3 || strcmp(tok[1], "-") != 0)
        return NOT_MINE;
    const char *why = feed_parse_range(tok[0], tok[2], &r);
    if (why) {
        feed_skip(p, why, tok[0]);
        return 0;
    }
    return feed_add(p, r, false, tok[0]);
}

/* "start end bits" where the range is exactly that network (a DShield line without its
 * header). */
static bool dshield_bits(char **tok, int n)
{
    struct feed_range r;
    unsigned bits;
    if (n < 3 || feed_parse_range(tok[0], tok[1], &r) != NULL || !feed_addr_is_v4(r.start) ||
        !feed_parse_prefix(tok[2], 32, &bits))
        return false;
    feed_addr host = bits == 32 ? 0 : ~(feed_addr)0 >> (96 + bits); /* no shift by 128 */
    return (r.start & host) == 0 && r.end == (r.start | host);
}

/* Two addresses: DShield's start, end, bits. Anything else (a netmask?) must say what it
 * means. */
static int two_addresses(struct parser *p, char **tok, int n)
{
    struct feed_range r;
    feed_addr second;
    if (n < 2 || strchr(tok[0], '/') || !feed_parse_addr(tok[1], &second))
        return NOT_MINE;
    if ((p->dshield || dshield_bits(tok, n)) && feed_parse_range(tok[0], tok[1], &r) == NULL)
        return feed_add(p, r, false, tok[0]);
    feed_skip(p, "two addresses (write a range as a-b)", tok[0]);
    return 0;
}

/* The first token as an entry, what follows it ignored (Spamhaus's "; SBL..." is a
 * comment already). */
static int single_entry(struct parser *p, char **tok, int n)
{
    (void)n;
    return feed_add_token(p, tok[0]);
}

static const line_format line_formats[] = {tor_exit_line, dshield_header, spaced_range,
                                           two_addresses, single_entry};

int feed_parse_line(struct parser *p, char *line)
{
    char *tok[TOKENS_MAX];
    /* A CSV header comes before the first entry, as a line or a # comment. */
    if (p->csv && p->csv_col < 0 && p->st->v4 + p->st->v6 == 0 && feed_csv_header(p, line))
        return 0;
    if (p->csv_col >= 0)
        return feed_csv_line(p, line);
    bool domain;
    int rc = feed_domain_line(p, line, &domain);
    if (domain)
        return rc;
    line[strcspn(line, "#;")] = '\0';
    int n = tokens(line, tok);
    if (n == 0)
        return 0;
    rc = NOT_MINE;
    for (size_t i = 0; rc == NOT_MINE; i++)
        rc = line_formats[i](p, tok, n);
    return rc;
}
