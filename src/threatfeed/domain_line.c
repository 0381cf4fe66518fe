#include "threatfeed/domain_line.h"
#include "base/text.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#define ADDRESS_TEXT_MAX 45 /* INET6_ADDRSTRLEN without the NUL */

/* Bytes of the line still to read. */
struct span {
    const char *s;
    size_t len;
};

/* The names a hosts file gives the machine itself: not entries of a block list. */
static const char *const hosts_own_names[] = {
    "localhost",     "localhost.localdomain", "local",        "broadcasthost",
    "ip6-localhost", "ip6-loopback",          "ip6-localnet", "ip6-mcastprefix",
    "ip6-allnodes",  "ip6-allrouters",        "ip6-allhosts", "0.0.0.0",
};

/* The last labels of RPZ triggers other than a query name. */
static const char *const rpz_other_triggers[] = {"rpz-ip", "rpz-nsip", "rpz-nsdname",
                                                 "rpz-client-ip"};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next whitespace-separated word of *rest, which moves past it; false at the end. */
static bool next_word(struct span *rest, struct span *word)
{
    size_t i = 0, start;
    while (i < rest->len && is_space(rest->s[i]))
        i++;
    start = i;
    while (i < rest->len && !is_space(rest->s[i]))
        i++;
    *word = (struct span){rest->s + start, i - start};
    *rest = (struct span){rest->s + i, rest->len - i};
    return word->len > 0;
}

static bool starts_with(struct span s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.s, prefix, n) == 0;
}

static bool equals_nocase(struct span s, const char *text)
{
    return s.len == strlen(text) && strncasecmp(s.s, text, s.len) == 0;
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

static bool is_address(struct span word)
{
    char text[ADDRESS_TEXT_MAX + 1];
    unsigned char addr[16];
    if (word.len > ADDRESS_TEXT_MAX || memchr(word.s, '\0', word.len))
        return false;
    memcpy(text, word.s, word.len);
    text[word.len] = '\0';
    return inet_pton(AF_INET, text, addr) == 1 || inet_pton(AF_INET6, text, addr) == 1;
}

static void invalid(struct domain_line_result *r, const char *why)
{
    r->kind = DOMAIN_LINE_INVALID;
    r->why = why;
    r->n = 0;
}

/* The rules on a normalized name every syntax shares; NULL or why it is refused. */
static const char *name_rules(const struct domain_line_parser *p, const char *name)
{
    const char *last = strrchr(name, '.');
    if (!last && !p->allow_wide)
        return "a single label: would cover a whole top-level domain";
    last = last ? last + 1 : name;
    if (strspn(last, "0123456789") == strlen(last))
        return "a numeric top-level label: an address, not a name";
    return NULL;
}

/* A line of one name: r becomes kind with that name, or INVALID. */
static void one_name(const struct domain_line_parser *p, struct span word,
                     enum domain_line_kind kind, struct domain_line_result *r)
{
    const char *why;
    if (domain_name_normalize(word.s, word.len, r->names[0], &why) != 0 ||
        (why = name_rules(p, r->names[0])) != NULL) {
        invalid(r, why);
        return;
    }
    r->kind = kind;
    r->n = 1;
}

static void parse_plain(const struct domain_line_parser *p, struct span rest,
                        struct domain_line_result *r)
{
    struct span name, more;
    if (!next_word(&rest, &name) || name.s[0] == '#')
        return;
    if (next_word(&rest, &more) && more.s[0] != '#') {
        invalid(r, "text after the name");
        return;
    }
    if (starts_with(name, "*.")) /* wildcard lists: the name covers what is below it */
        name = (struct span){name.s + 2, name.len - 2};
    one_name(p, name, DOMAIN_LINE_NAME, r);
}

_Static_assert(DOMAIN_LINE_NAMES_MAX == 8, "hosts_name() says 8");

/* One name of a hosts line: added to r, left out silently, or skipped. */
static void hosts_name(const struct domain_line_parser *p, struct span word,
                       struct domain_line_result *r)
{
    const char *why = "more than 8 names on a line";
    if (r->n < DOMAIN_LINE_NAMES_MAX) {
        char *name = r->names[r->n];
        if (domain_name_normalize(word.s, word.len, name, &why) == 0) {
            if (in_list(name, hosts_own_names, sizeof(hosts_own_names) / sizeof(*hosts_own_names)))
                return;
            why = name_rules(p, name);
        }
        if (!why) {
            r->n++;
            return;
        }
    }
    if (r->skipped++ == 0)
        r->why = why;
}

static void parse_hosts(const struct domain_line_parser *p, struct span rest,
                        struct domain_line_result *r)
{
    struct span word;
    bool any = false;
    if (!next_word(&rest, &word) || word.s[0] == '#')
        return;
    if (!is_address(word)) {
        invalid(r, "no address before the names");
        return;
    }
    while (next_word(&rest, &word) && word.s[0] != '#') {
        hosts_name(p, word, r);
        any = true;
    }
    if (!any) {
        invalid(r, "no name after the address");
        return;
    }
    if (r->n)
        r->kind = DOMAIN_LINE_NAME;
    else if (r->skipped)
        r->kind = DOMAIN_LINE_INVALID;
}

/* The rule after "||" (whitespace trimmed): its name into *name; NULL or why it is refused. */
static const char *adblock_rule(struct span rule, struct span *name)
{
    const char *caret = memchr(rule.s, '^', rule.len);
    *name = (struct span){rule.s, caret ? (size_t)(caret - rule.s) : rule.len};
    if (memchr(name->s, '/', name->len))
        return "a path in the rule";
    if (memchr(name->s, '*', name->len))
        return "a wildcard in the name";
    if (!caret)
        return "no '^' after the name";
    struct span tail = {caret + 1, rule.len - name->len - 1};
    if (tail.len == 0 || equals_nocase(tail, "$important"))
        return NULL;
    if (tail.s[0] == '$')
        return "a modifier other than $important";
    return "text after '^'";
}

static void parse_adblock(const struct domain_line_parser *p, struct span rest,
                          struct domain_line_result *r)
{
    enum domain_line_kind kind = DOMAIN_LINE_NAME;
    struct span name;
    while (rest.len && is_space(rest.s[0]))
        rest = (struct span){rest.s + 1, rest.len - 1};
    while (rest.len && is_space(rest.s[rest.len - 1]))
        rest.len--;
    if (rest.len == 0 || memchr("!#[", rest.s[0], 3))
        return;
    if (starts_with(rest, "@@")) {
        kind = DOMAIN_LINE_ALLOW;
        rest = (struct span){rest.s + 2, rest.len - 2};
    }
    const char *why = starts_with(rest, "||")
                          ? adblock_rule((struct span){rest.s + 2, rest.len - 2}, &name)
                          : "not a ||name^ rule";
    if (why)
        invalid(r, why);
    else
        one_name(p, name, kind, r);
}

/* The length of the line before its ';' comment; *in_parens follows the parentheses and
 * *parens says whether there were any. Quoted strings (TXT records) may hold either. */
static size_t rpz_scan(const char *s, size_t len, bool *in_parens, bool *parens)
{
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (quoted) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                quoted = false;
        } else if (s[i] == '"') {
            quoted = true;
        } else if (s[i] == ';') {
            return i;
        } else if (s[i] == '(' || s[i] == ')') {
            *in_parens = s[i] == '(';
            *parens = true;
        }
    }
    return len;
}

static void rpz_directive(struct domain_line_parser *p, struct span directive, struct span rest,
                          struct domain_line_result *r)
{
    struct span name;
    const char *why;
    if (equals_nocase(directive, "$TTL"))
        return;
    if (!equals_nocase(directive, "$ORIGIN")) {
        invalid(r, "a directive other than $TTL and $ORIGIN");
        return;
    }
    p->origin[0] = '\0';
    if (!next_word(&rest, &name) || name.s[name.len - 1] != '.') {
        invalid(r, "$ORIGIN without an absolute name");
        return;
    }
    if (name.len > 1 && domain_name_normalize(name.s, name.len, p->origin, &why) != 0)
        invalid(r, why); /* then no origin: absolute names stay as they are */
}

/* The record's type, past its optional TTL and class (in either order). */
static bool rpz_type(struct span *rest, struct span *type)
{
    for (int i = 0; i < 3; i++) {
        if (!next_word(rest, type))
            return false;
        bool ttl = type->s[0] >= '0' && type->s[0] <= '9';
        if (!ttl && !equals_nocase(*type, "IN") && !equals_nocase(*type, "CH") &&
            !equals_nocase(*type, "HS") && !equals_nocase(*type, "CS"))
            return true;
    }
    return false;
}

/* The listed name of an owner into out; NULL or why it is refused. */
static const char *rpz_owner(const struct domain_line_parser *p, struct span owner,
                             char out[DOMAIN_NAME_MAX + 1])
{
    const char *why;
    /* "*.x" triggers below x, "x" on x itself: a listed name covers both, so both give x. */
    if (starts_with(owner, "*."))
        owner = (struct span){owner.s + 2, owner.len - 2};
    bool absolute = owner.len && owner.s[owner.len - 1] == '.';
    if (domain_name_normalize(owner.s, owner.len, out, &why) != 0)
        return why;
    if (absolute && p->origin[0]) {
        size_t n = strlen(out), o = strlen(p->origin);
        if (n == o && strcmp(out, p->origin) == 0)
            return "a record at the zone's apex";
        if (n <= o || out[n - o - 1] != '.' || strcmp(out + n - o, p->origin) != 0)
            return "a name outside the zone's $ORIGIN";
        out[n - o - 1] = '\0';
    }
    const char *last = strrchr(out, '.');
    if (in_list(last ? last + 1 : out, rpz_other_triggers,
                sizeof(rpz_other_triggers) / sizeof(*rpz_other_triggers)))
        return "an RPZ trigger other than a query name";
    return name_rules(p, out);
}

/* ".", "*." (no data) or a name, which may start with "*." (a redirect to the query name
 * under it). */
static bool rpz_target_valid(struct span target)
{
    char name[DOMAIN_NAME_MAX + 1];
    if (starts_with(target, "*."))
        target = (struct span){target.s + 2, target.len - 2};
    if (target.len == 0 || (target.len == 1 && target.s[0] == '.'))
        return true;
    return domain_name_normalize(target.s, target.len, name, NULL) == 0;
}

/* A CNAME record's policy from its target. */
static void rpz_cname(const struct domain_line_parser *p, struct span owner, struct span rest,
                      struct domain_line_result *r)
{
    struct span target, more;
    if (!next_word(&rest, &target)) {
        invalid(r, "a CNAME record without a target");
        return;
    }
    if (next_word(&rest, &more)) {
        invalid(r, "text after the CNAME target");
        return;
    }
    if (!rpz_target_valid(target)) {
        invalid(r, "an invalid CNAME target");
        return;
    }
    if (equals_nocase(target, "rpz-tcp-only.") || equals_nocase(target, "rpz-tcp-only")) {
        invalid(r, "rpz-tcp-only: not a block");
        return;
    }
    bool pass = equals_nocase(target, "rpz-passthru.") || equals_nocase(target, "rpz-passthru");
    const char *why = rpz_owner(p, owner, r->names[0]);
    if (why) {
        invalid(r, why);
        return;
    }
    r->kind = pass ? DOMAIN_LINE_ALLOW : DOMAIN_LINE_NAME;
    r->n = 1;
}

static void parse_rpz(struct domain_line_parser *p, struct span line, struct domain_line_result *r)
{
    bool inside = p->in_parens, parens = false;
    struct span owner, type;
    line.len = rpz_scan(line.s, line.len, &p->in_parens, &parens);
    bool no_owner = line.len && is_space(line.s[0]); /* the previous record's owner */
    if (inside || !next_word(&line, &owner))
        return;
    if (owner.s[0] == '$') {
        rpz_directive(p, owner, line, r);
        return;
    }
    if (no_owner) {
        line = (struct span){owner.s, (size_t)(line.s + line.len - owner.s)};
    } else if (equals_nocase(owner, "@")) {
        return;
    }
    if (!rpz_type(&line, &type) || !equals_nocase(type, "CNAME"))
        return;
    if (no_owner) {
        invalid(r, "a CNAME record without an owner name");
        return;
    }
    if (parens) {
        invalid(r, "a CNAME record in parentheses");
        return;
    }
    rpz_cname(p, owner, line, r);
}

static void parse_auto(const struct domain_line_parser *p, struct span line,
                       struct domain_line_result *r)
{
    struct span rest = line, word;
    if (!next_word(&rest, &word) || memchr("#![", word.s[0], 3))
        return;
    if (starts_with(word, "||") || starts_with(word, "@@"))
        parse_adblock(p, line, r);
    else if (is_address(word))
        parse_hosts(p, line, r);
    else
        parse_plain(p, line, r);
}

enum domain_syntax domain_syntax_for_path(const char *path)
{
    return text_ends_with(path, ".rpz") ? DOMAIN_SYNTAX_RPZ : DOMAIN_SYNTAX_AUTO;
}

void domain_line_init(struct domain_line_parser *p, enum domain_syntax syntax, bool allow_wide)
{
    *p = (struct domain_line_parser){.syntax = syntax, .allow_wide = allow_wide};
}

void domain_line_parse(struct domain_line_parser *p, const char *line, size_t len,
                       struct domain_line_result *r)
{
    struct span s = {line, len};
    r->kind = DOMAIN_LINE_SILENT;
    r->why = NULL;
    r->n = r->skipped = 0;
    if (!p->started && starts_with(s, "\xef\xbb\xbf"))
        s = (struct span){line + 3, len - 3};
    p->started = true;
    switch (p->syntax) {
    case DOMAIN_SYNTAX_PLAIN:
        parse_plain(p, s, r);
        break;
    case DOMAIN_SYNTAX_HOSTS:
        parse_hosts(p, s, r);
        break;
    case DOMAIN_SYNTAX_ADBLOCK:
        parse_adblock(p, s, r);
        break;
    case DOMAIN_SYNTAX_RPZ:
        parse_rpz(p, s, r);
        break;
    case DOMAIN_SYNTAX_AUTO:
        parse_auto(p, s, r);
        break;
    }
}
