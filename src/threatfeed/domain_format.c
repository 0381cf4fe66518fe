/* Domain entries of a feed file (domain_line.h gives the syntaxes): which lines are
 * names rather than addresses, and their names into the set's domain table. */
#include <string.h>

#include "threatfeed/address_parse.h"
#include "threatfeed/domain_line.h"
#include "threatfeed/feed_parser.h"

#define WORD_MAX 64 /* longer words are neither addresses nor a sinkhole */

/* The first whitespace-separated word of line into word (cut to WORD_MAX - 1 bytes), and
 * where the rest starts. */
static const char *first_word(const char *line, char word[WORD_MAX])
{
    line += strspn(line, " \t\v\f");
    size_t n = strcspn(line, " \t\v\f");
    size_t keep = n < WORD_MAX - 1 ? n : WORD_MAX - 1;
    memcpy(word, line, keep);
    word[keep] = '\0';
    return line + n;
}

static bool is_address(const char *word)
{
    feed_addr a;
    return feed_parse_addr(word, &a);
}

/* The addresses hosts-format blocklists point names at; "203.0.113.7 Emotet" in an
 * address feed is an address with a note, not a hosts line. */
static bool is_sinkhole(const char *word)
{
    static const char *const sinkholes[] = {"0.0.0.0", "127.0.0.1", "::", "::1"};
    for (size_t i = 0; i < sizeof(sinkholes) / sizeof(sinkholes[0]); i++)
        if (strcmp(word, sinkholes[i]) == 0)
            return true;
    return false;
}

/* Whether line is a domain entry: any line of an RPZ file; an AdBlock rule; a hosts line
 * (an address, then a word that is not an address, a range dash or a comment); a single
 * dotted word with a letter that is no IPv6 address or CIDR. Everything else is left to
 * the address formats. */
static bool is_domain_line(const struct parser *p, const char *line)
{
    if (p->domain_syntax.syntax == DOMAIN_SYNTAX_RPZ)
        return true;
    const char *s = line + strspn(line, " \t\v\f");
    if (strncmp(s, "||", 2) == 0 || strncmp(s, "@@||", 4) == 0)
        return true;
    char first[WORD_MAX], second[WORD_MAX];
    const char *rest = first_word(s, first);
    first_word(rest, second);
    if (first[0] == '!' || first[0] == '[') /* AdBlock comments and headers */
        return true;
    if (first[0] == '\0' || strchr("#;", first[0]))
        return false;
    if (is_address(first)) /* a hosts line: a sinkhole address, or any in a *.hosts file */
        return second[0] != '\0' && !strchr("#;-", second[0]) && !is_address(second) &&
               (is_sinkhole(first) || p->hosts_file);
    if (second[0] != '\0' && !strchr("#;", second[0]))
        return false;
    return strchr(first, '.') && !strpbrk(first, "/:") &&
           strpbrk(first, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*");
}

/* The names of one domain line into the set: listed by the file's feed, or allowed (an
 * exception, or any name of the allow-list). */
static int add_names(struct parser *p, const struct domain_line_result *r, const char *line)
{
    uint32_t value =
        r->kind == DOMAIN_LINE_ALLOW || p->feed == DOMAIN_ALLOWED ? DOMAIN_ALLOWED : p->feed;
    for (size_t i = 0; i < r->n; i++) {
        struct error e;
        if (domain_set_add(p->names, r->names[i], value, &e) != 0)
            return strstr(e.msg, "memory") ? ADD_NO_MEMORY : ADD_TOO_MANY_NAMES;
        p->st->names++;
    }
    if (r->skipped)
        feed_skip(p, r->why ? r->why : "name skipped", line);
    return 0;
}

int feed_domain_line(struct parser *p, const char *line, bool *taken)
{
    *taken = p->names && !p->csv && is_domain_line(p, line);
    if (!*taken)
        return 0;
    struct domain_line_result r;
    domain_line_parse(&p->domain_syntax, line, strlen(line), &r);
    if (r.kind == DOMAIN_LINE_INVALID) {
        feed_skip(p, r.why, line);
        return 0;
    }
    return r.kind == DOMAIN_LINE_SILENT ? 0 : add_names(p, &r, line);
}
