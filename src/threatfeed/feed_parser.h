/* Private to threatfeed/: the state of one file's parse, shared by the reading loop
 * (feed_file.c) and the line formats (feed_format.c, csv_format.c). */
#ifndef EBPFSHIELD_FEED_PARSER_H
#define EBPFSHIELD_FEED_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "threatfeed/domain_line.h"
#include "threatfeed/domain_set.h"
#include "threatfeed/feed_file.h"

#define TOKENS_MAX 4 /* of a line: the entry and what may follow it */

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
    struct domain_set *names; /* where domain entries go (NULL: none are taken) */
    struct domain_line_parser domain_syntax;
    bool hosts_file; /* a *.hosts file: any address may start a hosts line */
};

/* What handling a line returns: 0, or one of these. */
#define ADD_NO_MEMORY (-1)
#define ADD_TOO_MANY (-2)       /* the file needs more than FEED_FILE_CIDRS_MAX CIDRs */
#define ADD_TOO_MANY_NAMES (-3) /* the set would hold more than DOMAIN_SET_MAX names */

/* A line that is not an entry: counted, and shown while under FEED_WARNINGS_MAX. */
void feed_skip(struct parser *p, const char *reason, const char *tok);

/* Appends r (an entry of the current line, tok its text) unless the width policy skips it:
 * 0, ADD_NO_MEMORY or ADD_TOO_MANY. */
int feed_add(struct parser *p, struct feed_range r, bool host_bits, const char *tok);

/* One entry token, "a-b" or an address or CIDR: added, or skipped with the reason. */
int feed_add_token(struct parser *p, char *tok);

/* Whether path names a CSV file (its header then names the address column). */
bool feed_format_is_csv(const char *path);

/* A domain entry (domain_format.c): *taken when line is one, its names then added to
 * p->names (or it is skipped with the reason): 0, ADD_NO_MEMORY or ADD_TOO_MANY_NAMES. */
int feed_domain_line(struct parser *p, const char *line, bool *taken);

/* Handles one line (NUL-terminated, without its line break; modified) by its format. */
int feed_parse_line(struct parser *p, char *line);

/* The CSV format: whether line is the header naming the address column (p->csv_col set),
 * and one line once the header is known. */
bool feed_csv_header(struct parser *p, const char *line);
int feed_csv_line(struct parser *p, char *line);

#endif
