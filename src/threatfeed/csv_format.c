/* CSV feeds (abuse.ch's, for one): a header, which may be a comment, names the address
 * column "dst_ip" or "ip"; each later line gives its entry in that column. */
#include "threatfeed/feed_parser.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

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
bool feed_csv_header(struct parser *p, const char *line)
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

int feed_csv_line(struct parser *p, char *line)
{
    char *s = line + strspn(line, " \t");
    if (*s == '\0' || *s == '#')
        return 0;
    char *f = csv_field(s, p->csv_col);
    if (!f) {
        feed_skip(p, "no address column", s);
        return 0;
    }
    return feed_add_token(p, f);
}
