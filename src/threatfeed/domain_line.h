/* One line of a domain feed (a list of names whose DNS queries the guard refuses; a name
 * covers itself and every name below it). Syntaxes:
 * - plain: "evil.example", optionally then whitespace and a '#' comment. "*.evil.example"
 *   gives evil.example (a listed name covers what is below it anyway); '*' elsewhere is
 *   refused.
 * - hosts: "0.0.0.0 a.example b.example # comment": an IPv4 or IPv6 address (ignored: the
 *   list's sinkhole), then up to DOMAIN_LINE_NAMES_MAX names (more are skipped). The names
 *   a hosts file gives the machine itself (localhost, broadcasthost, ip6-localhost, ...,
 *   0.0.0.0) are left out silently.
 * - adblock (AdBlock/AdGuard DNS): "||evil.example^", "||evil.example^$important"; an
 *   exception "@@||good.example^" gives an ALLOW line. Other modifiers, paths, wildcards
 *   and rules of other shapes are invalid (skipped with a reason); lines starting with '!',
 *   '[' ("[Adblock Plus 2.0]") or '#' are comments.
 * - rpz (a Response Policy Zone file, *.rpz): "evil.example CNAME ." (or "*.evil.example",
 *   which gives evil.example too), optionally with TTL and class ("evil.example 300 IN CNAME
 *   ."). The targets ".", "*.", "rpz-drop." and any other valid name (a local-data redirect)
 *   list the name; "rpz-passthru." gives an ALLOW line; "rpz-tcp-only." and a target that is
 *   not a name are invalid. Other record types, '@' lines, $TTL, ';' comments and whatever is
 *   inside parentheses (a multi-line SOA) are silent. Owner names are the trigger names
 *   relative to the policy zone's apex, so a relative name is the listed name as it is (the
 *   $ORIGIN is NOT appended), and an absolute name (ending in '.') under the $ORIGIN has the
 *   origin stripped; an absolute name outside it, the apex itself, a relative $ORIGIN, other
 *   directives ($INCLUDE, $GENERATE), CNAME records without an owner name, the triggers other
 *   than a query name (rpz-ip, rpz-nsip, rpz-nsdname, rpz-client-ip) are invalid.
 * - auto (files not named *.rpz): per line, adblock when it starts with "||" or "@@", hosts
 *   when its first word is an IP address, plain otherwise; '#', '!' and '[' lines are
 *   comments.
 * In every syntax blank lines are silent, a UTF-8 byte order mark before the first line is
 * ignored, whitespace is space, tab, CR, VT and FF, names are normalized by
 * domain_name_normalize(), and a name whose last label is all digits (an address, not a
 * name) is invalid. A name of a single label ("com", "localhost") would cover a whole
 * top-level domain: it is invalid unless allow_wide, like the address feeds' --allow-wide. */
#ifndef EBPFSHIELD_DOMAIN_LINE_H
#define EBPFSHIELD_DOMAIN_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "threatfeed/domain_name.h"

#define DOMAIN_LINE_NAMES_MAX 8 /* names of one hosts line; the rest are skipped */

enum domain_syntax {
    DOMAIN_SYNTAX_AUTO,
    DOMAIN_SYNTAX_PLAIN,
    DOMAIN_SYNTAX_HOSTS,
    DOMAIN_SYNTAX_ADBLOCK,
    DOMAIN_SYNTAX_RPZ,
};

enum domain_line_kind {
    DOMAIN_LINE_SILENT,  /* blank, a comment, or ignored by design */
    DOMAIN_LINE_NAME,    /* names to refuse */
    DOMAIN_LINE_ALLOW,   /* an exception: names to let through */
    DOMAIN_LINE_INVALID, /* not an entry: why says what */
};

/* What a file's lines share: set by domain_line_init() before its first line. */
struct domain_line_parser {
    enum domain_syntax syntax;
    bool allow_wide;
    bool started;                     /* a line was seen (the byte order mark) */
    bool in_parens;                   /* rpz: inside "( ... )"; still set at the end of a
                                       * file, the '(' was never closed */
    char origin[DOMAIN_NAME_MAX + 1]; /* rpz: the $ORIGIN normalized, "" when none */
};

struct domain_line_result {
    enum domain_line_kind kind;
    const char *why; /* static: for INVALID, and for a NAME line with skipped > 0 (the first
                      * name skipped); NULL otherwise */
    size_t n;        /* names[0..n): for NAME and ALLOW, n >= 1 */
    size_t skipped;  /* names of a hosts line left out: invalid or beyond the max */
    char names[DOMAIN_LINE_NAMES_MAX][DOMAIN_NAME_MAX + 1];
};

/* DOMAIN_SYNTAX_RPZ for a path ending in ".rpz", DOMAIN_SYNTAX_AUTO otherwise. */
enum domain_syntax domain_syntax_for_path(const char *path);

void domain_line_init(struct domain_line_parser *p, enum domain_syntax syntax, bool allow_wide);

/* Parses line[0..len) (without its line break; not NUL-terminated, any bytes, read only
 * within len) into r. */
void domain_line_parse(struct domain_line_parser *p, const char *line, size_t len,
                       struct domain_line_result *r);

#endif
