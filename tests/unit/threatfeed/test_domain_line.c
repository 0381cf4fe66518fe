/* domain_line_parse: one table of lines per syntax, each table run in order through one
 * parser (the RPZ table's lines depend on the ones before: parentheses, $ORIGIN), each line
 * read from a buffer of exactly its length so that ASan sees any read past it; then lines of
 * 10 MB in every syntax. A case's want is what the result says: the names separated by
 * spaces, then " | <skipped>: <why>" when names were skipped; the reason of an INVALID
 * line; "" for a SILENT one. */
#include "check.h"
#include "threatfeed/domain_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A10 "aaaaaaaaaa"
#define L61 A10 A10 A10 A10 A10 A10 "a"
#define L62 L61 "a"
#define L63 L62 "a"
#define L64 L63 "a"
#define N253 L63 "." L63 "." L63 "." L61
#define N254 L63 "." L63 "." L63 "." L62
#define IDN                                                                                        \
    "b\xc3\xbc"                                                                                    \
    "cher.example"                                                             /* bücher.example */
#define IDN_JA "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" /* 例え.テスト */

#define NAME DOMAIN_LINE_NAME
#define ALLOW DOMAIN_LINE_ALLOW
#define SILENT DOMAIN_LINE_SILENT
#define INVALID DOMAIN_LINE_INVALID

#define SINGLE "a single label: would cover a whole top-level domain"
#define NUMERIC "a numeric top-level label: an address, not a name"
#define BAD_CHAR "character not allowed"

struct line_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
    enum domain_line_kind kind;
    const char *want;
};

static const struct line_case plain[] = {
    {"\xef\xbb\xbf"
     "evil.example",
     0, NAME, "evil.example"}, /* a byte order mark */
    {"evil.example", 0, NAME, "evil.example"},
    {"EVIL.Example.", 0, NAME, "evil.example"},
    {"  evil.example\t# a comment", 0, NAME, "evil.example"},
    {"evil.example\r", 0, NAME, "evil.example"},
    {"-ads.example", 0, NAME, "-ads.example"},
    {"*.evil.example", 0, NAME, "evil.example"},
    {IDN, 0, NAME, "xn--bcher-kva.example"},
    {IDN_JA, 0, NAME, "xn--r8jz45g.xn--zckzah"},
    {L63 ".example", 0, NAME, L63 ".example"},
    {L64 ".example", 0, INVALID, "label longer than 63 bytes"},
    {N253, 0, NAME, N253},
    {N254, 0, INVALID, "name longer than 253 bytes"},
    {"", 0, SILENT, ""},
    {" \t\r", 0, SILENT, ""},
    {"# evil.example", 0, SILENT, ""},
    {"evil.example#comment", 0, INVALID, BAD_CHAR},
    {"evil.example other.example", 0, INVALID, "text after the name"},
    {"a.*.example", 0, INVALID, BAD_CHAR},
    {"*", 0, INVALID, BAD_CHAR},
    {"*.", 0, INVALID, "empty name"},
    {"evil..example", 0, INVALID, "empty label"},
    {"localhost", 0, INVALID, SINGLE},
    {"com.", 0, INVALID, SINGLE},
    {"1.2.3.4", 0, INVALID, NUMERIC},
    {"example.123", 0, INVALID, NUMERIC},
    {"evil\0.example", 13, INVALID, BAD_CHAR},
    {"\0", 1, INVALID, BAD_CHAR},
    {"\xff.example", 0, INVALID, "invalid UTF-8"},
    {"b\xc3.example", 0, INVALID, "invalid UTF-8"},
    {"||evil.example^", 0, INVALID, BAD_CHAR},
    {"0.0.0.0 evil.example", 0, INVALID, "text after the name"},
};

static const struct line_case plain_wide[] = {
    {"localhost", 0, NAME, "localhost"},
    {"COM.", 0, NAME, "com"},
    {"123", 0, INVALID, NUMERIC},
};

static const struct line_case hosts[] = {
    {"0.0.0.0 evil.example", 0, NAME, "evil.example"},
    {"127.0.0.1\tevil.example\r", 0, NAME, "evil.example"},
    {":: evil.example", 0, NAME, "evil.example"},
    {"::1 evil.example", 0, NAME, "evil.example"},
    {"0.0.0.0 a.example B.EXAMPLE. # comment", 0, NAME, "a.example b.example"},
    {"0.0.0.0 a.example # b.example", 0, NAME, "a.example"},
    {"0.0.0.0 a.ex b.ex c.ex d.ex e.ex f.ex g.ex h.ex i.ex j.ex", 0, NAME,
     "a.ex b.ex c.ex d.ex e.ex f.ex g.ex h.ex | 2: more than 8 names on a line"},
    {"0.0.0.0 localhost", 0, SILENT, ""},
    {"::1 ip6-localhost ip6-loopback", 0, SILENT, ""},
    {"127.0.0.1 localhost.localdomain LOCAL", 0, SILENT, ""},
    {"255.255.255.255 broadcasthost", 0, SILENT, ""},
    {"fe00::0 ip6-localnet", 0, SILENT, ""},
    {"ff00::0 ip6-mcastprefix", 0, SILENT, ""},
    {"ff02::1 ip6-allnodes", 0, SILENT, ""},
    {"ff02::2 ip6-allrouters", 0, SILENT, ""},
    {"ff02::3 ip6-allhosts", 0, SILENT, ""},
    {"0.0.0.0 0.0.0.0", 0, SILENT, ""},
    {"0.0.0.0 localhost evil.example", 0, NAME, "evil.example"},
    {"0.0.0.0 bad!name good.example", 0, NAME, "good.example | 1: " BAD_CHAR},
    {"0.0.0.0 bad!name", 0, INVALID, BAD_CHAR},
    {"0.0.0.0 com", 0, INVALID, SINGLE},
    {"0.0.0.0 1.2.3.4", 0, INVALID, NUMERIC},
    {"0.0.0.0 " L64 ".example", 0, INVALID, "label longer than 63 bytes"},
    {"0.0.0.0 " N253, 0, NAME, N253},
    {"0.0.0.0 " IDN, 0, NAME, "xn--bcher-kva.example"},
    {"0.0.0.0", 0, INVALID, "no name after the address"},
    {"0.0.0.0 # a comment", 0, INVALID, "no name after the address"},
    {"evil.example", 0, INVALID, "no address before the names"},
    {"300.0.0.1 evil.example", 0, INVALID, "no address before the names"},
    {"0.0.0.0\0 evil.example", 21, INVALID, "no address before the names"},
    {"0.0.0.0 evil\0.example", 21, INVALID, BAD_CHAR},
    {"# 0.0.0.0 evil.example", 0, SILENT, ""},
    {"", 0, SILENT, ""},
};

static const struct line_case adblock[] = {
    {"||evil.example^", 0, NAME, "evil.example"},
    {"||EVIL.example.^", 0, NAME, "evil.example"},
    {"||evil.example^$important", 0, NAME, "evil.example"},
    {"  ||evil.example^\r", 0, NAME, "evil.example"},
    {"||" IDN "^", 0, NAME, "xn--bcher-kva.example"},
    {"@@||good.example^", 0, ALLOW, "good.example"},
    {"@@||good.example^$important", 0, ALLOW, "good.example"},
    {"||a.example^$third-party", 0, INVALID, "a modifier other than $important"},
    {"||a.example^$important,third-party", 0, INVALID, "a modifier other than $important"},
    {"@@||a.example^$badfilter", 0, INVALID, "a modifier other than $important"},
    {"||a.example/ads^", 0, INVALID, "a path in the rule"},
    {"||a.example/ads", 0, INVALID, "a path in the rule"},
    {"||*.a.example^", 0, INVALID, "a wildcard in the name"},
    {"||ads*.example^", 0, INVALID, "a wildcard in the name"},
    {"||a.example", 0, INVALID, "no '^' after the name"},
    {"||a.example^|", 0, INVALID, "text after '^'"},
    {"||a.example^ # comment", 0, INVALID, "text after '^'"},
    {"||^", 0, INVALID, "empty name"},
    {"||a b.example^", 0, INVALID, BAD_CHAR},
    {"||com^", 0, INVALID, SINGLE},
    {"@@||com^", 0, INVALID, SINGLE},
    {"a.example", 0, INVALID, "not a ||name^ rule"},
    {"@@a.example", 0, INVALID, "not a ||name^ rule"},
    {"|http://a.example^", 0, INVALID, "not a ||name^ rule"},
    {"/ads[0-9]+/", 0, INVALID, "not a ||name^ rule"},
    {"! Title: a list", 0, SILENT, ""},
    {"[Adblock Plus 2.0]", 0, SILENT, ""},
    {"# comment", 0, SILENT, ""},
    {"", 0, SILENT, ""},
    {"||a\0.example^", 13, INVALID, BAD_CHAR},
    {"\0||a.example^", 13, INVALID, "not a ||name^ rule"},
};

/* In order: the later lines depend on the parentheses and $ORIGIN of the earlier ones. */
static const struct line_case rpz[] = {
    {"$TTL 300", 0, SILENT, ""},
    {"@ IN SOA localhost. root.localhost. (", 0, SILENT, ""},
    {"        2024010101 ; serial (", 0, SILENT, ""},
    {"        evil.example CNAME .", 0, SILENT, ""}, /* inside the parentheses */
    {"        3600 )", 0, SILENT, ""},
    {"  IN NS localhost.", 0, SILENT, ""},
    {"@ 3600 IN SOA ns.example. hostmaster.example. 1 2 3 4 5", 0, SILENT, ""},
    {"@ NS localhost.", 0, SILENT, ""},
    {"; comment", 0, SILENT, ""},
    {"", 0, SILENT, ""},
    {"evil.example CNAME .", 0, NAME, "evil.example"},
    {"*.evil.example CNAME .", 0, NAME, "evil.example"},
    {"evil.example 300 IN CNAME .", 0, NAME, "evil.example"},
    {"evil.example IN 300 CNAME .\r", 0, NAME, "evil.example"},
    {"Evil.Example in cname .", 0, NAME, "evil.example"},
    {"evil.example CNAME . ; comment", 0, NAME, "evil.example"},
    {IDN " CNAME .", 0, NAME, "xn--bcher-kva.example"},
    {"good.example CNAME rpz-passthru.", 0, ALLOW, "good.example"},
    {"drop.example CNAME rpz-drop.", 0, NAME, "drop.example"},
    {"nodata.example CNAME *.", 0, NAME, "nodata.example"},
    {"garden.example CNAME walled.garden.example.", 0, NAME, "garden.example"},
    {"tcp.example CNAME rpz-tcp-only.", 0, INVALID, "rpz-tcp-only: not a block"},
    {"garden.example CNAME *.garden.example.", 0, NAME, "garden.example"},
    {"bad.example CNAME bad!target.", 0, INVALID, "an invalid CNAME target"},
    {"bad.example CNAME a..b", 0, INVALID, "an invalid CNAME target"},
    {"evil.example A 127.0.0.1", 0, SILENT, ""},
    {"evil.example TXT \"a;b ( \\\" \"", 0, SILENT, ""},
    {"next.example CNAME .", 0, NAME, "next.example"}, /* the quoted '(' opened nothing */
    {"evil.example CNAME", 0, INVALID, "a CNAME record without a target"},
    {"evil.example CNAME . extra", 0, INVALID, "text after the CNAME target"},
    {"  CNAME .", 0, INVALID, "a CNAME record without an owner name"},
    {"evil.example", 0, SILENT, ""},
    {"com CNAME .", 0, INVALID, SINGLE},
    {"*.com CNAME .", 0, INVALID, SINGLE},
    {"*. CNAME .", 0, INVALID, "empty name"},
    {"a.*.example CNAME .", 0, INVALID, BAD_CHAR},
    {"32.1.2.0.192.rpz-ip CNAME .", 0, INVALID, "an RPZ trigger other than a query name"},
    {"ns.example.rpz-nsdname CNAME .", 0, INVALID, "an RPZ trigger other than a query name"},
    {"a.example CNAME ( . )", 0, INVALID, "a CNAME record in parentheses"},
    {"b.example CNAME (", 0, INVALID, "a CNAME record in parentheses"},
    {"  . )", 0, SILENT, ""},
    {"c.example CNAME .", 0, NAME, "c.example"},
    {"$ORIGIN rpz.urlhaus.abuse.ch.", 0, SILENT, ""},
    {"evil.example CNAME .", 0, NAME, "evil.example"}, /* relative: the origin not appended */
    {"evil.example.rpz.urlhaus.abuse.ch. CNAME .", 0, NAME, "evil.example"},
    {"*.Evil.Example.RPZ.urlhaus.abuse.ch. CNAME .", 0, NAME, "evil.example"},
    {"rpz.urlhaus.abuse.ch. CNAME .", 0, INVALID, "a record at the zone's apex"},
    {"evil.example.other.zone. CNAME .", 0, INVALID, "a name outside the zone's $ORIGIN"},
    {"evil.example.xrpz.urlhaus.abuse.ch. CNAME .", 0, INVALID,
     "a name outside the zone's $ORIGIN"},
    {"ch. CNAME .", 0, INVALID, "a name outside the zone's $ORIGIN"},
    {"$ORIGIN relative", 0, INVALID, "$ORIGIN without an absolute name"},
    {"evil.example.rpz.urlhaus.abuse.ch. CNAME .", 0, NAME, "evil.example.rpz.urlhaus.abuse.ch"},
    {"$ORIGIN bad..zone.", 0, INVALID, "empty label"},
    {"$INCLUDE other.zone", 0, INVALID, "a directive other than $TTL and $ORIGIN"},
    {"$ORIGIN zone.", 0, SILENT, ""},
    {"$ORIGIN .", 0, SILENT, ""},
    {"evil.example. CNAME .", 0, NAME, "evil.example"},
    {"evil\0.example CNAME .", 21, INVALID, BAD_CHAR},
};

static const struct line_case automatic[] = {
    {"||evil.example^", 0, NAME, "evil.example"},
    {"@@||good.example^", 0, ALLOW, "good.example"},
    {"||a.example^$third-party", 0, INVALID, "a modifier other than $important"},
    {"0.0.0.0 evil.example", 0, NAME, "evil.example"},
    {":: evil.example # c", 0, NAME, "evil.example"},
    {"0.0.0.0 localhost", 0, SILENT, ""},
    {"::1 ip6-localhost", 0, SILENT, ""},
    {"1.2.3.4", 0, INVALID, "no name after the address"},
    {"evil.example", 0, NAME, "evil.example"},
    {"  EVIL.example. # c", 0, NAME, "evil.example"},
    {"*.evil.example", 0, NAME, "evil.example"},
    {"localhost", 0, INVALID, SINGLE},
    {"! comment", 0, SILENT, ""},
    {"[Adblock Plus 2.0]", 0, SILENT, ""},
    {"# comment", 0, SILENT, ""},
    {"", 0, SILENT, ""},
    {"\0evil.example", 13, INVALID, BAD_CHAR},
};

struct table {
    const char *name;
    enum domain_syntax syntax;
    bool allow_wide;
    const struct line_case *cases;
    size_t n;
};

#define TABLE(name, syntax, wide)                                                                  \
    {                                                                                              \
#name, syntax, wide, name, sizeof(name) / sizeof(*name)                                    \
    }

static const struct table tables[] = {
    TABLE(plain, DOMAIN_SYNTAX_PLAIN, false), TABLE(plain_wide, DOMAIN_SYNTAX_PLAIN, true),
    TABLE(hosts, DOMAIN_SYNTAX_HOSTS, false), TABLE(adblock, DOMAIN_SYNTAX_ADBLOCK, false),
    TABLE(rpz, DOMAIN_SYNTAX_RPZ, false),     TABLE(automatic, DOMAIN_SYNTAX_AUTO, false),
};

/* The result as a case's want. */
static void describe(const struct domain_line_result *r, char *buf, size_t cap)
{
    size_t off = 0;
    buf[0] = '\0';
    if (r->kind == DOMAIN_LINE_INVALID) {
        snprintf(buf, cap, "%s", r->why ? r->why : "(null)");
        return;
    }
    for (size_t i = 0; i < r->n && i < DOMAIN_LINE_NAMES_MAX; i++)
        off += (size_t)snprintf(buf + off, cap - off, "%s%s", i ? " " : "", r->names[i]);
    if (r->skipped)
        snprintf(buf + off, cap - off, " | %zu: %s", r->skipped, r->why ? r->why : "(null)");
}

static void parse(struct domain_line_parser *p, const char *text, size_t len,
                  struct domain_line_result *r)
{
    char *line = malloc(len ? len : 1);
    memcpy(line, text, len);
    domain_line_parse(p, line, len, r);
    free(line);
}

static void run_table(const struct table *t)
{
    static struct domain_line_result r;
    static char got[DOMAIN_LINE_NAMES_MAX * (DOMAIN_NAME_MAX + 1) + 128];
    struct domain_line_parser p;
    domain_line_init(&p, t->syntax, t->allow_wide);
    for (size_t i = 0; i < t->n; i++) {
        const struct line_case *c = &t->cases[i];
        int failures = check_failures;
        parse(&p, c->in, c->len ? c->len : strlen(c->in), &r);
        describe(&r, got, sizeof(got));
        CHECK_INT(r.kind, c->kind);
        CHECK_STR(got, c->want);
        CHECK(r.n <= DOMAIN_LINE_NAMES_MAX);
        CHECK((r.kind == NAME || r.kind == ALLOW) == (r.n > 0));
        if (check_failures != failures)
            fprintf(stderr, "  (%s, line %zu: \"%.60s\")\n", t->name, i + 1, c->in);
    }
    CHECK(!p.in_parens);
}

/* 10 MB lines in every syntax: refused (or silent) without reading past the length. */
static void huge(void)
{
    static struct domain_line_result r;
    static const char *const prefixes[] = {"", "0.0.0.0 ", "||", "@@||", "x.example CNAME "};
    size_t len = 10u << 20;
    char *line = malloc(len);
    struct domain_line_parser p;
    for (int syntax = DOMAIN_SYNTAX_AUTO; syntax <= DOMAIN_SYNTAX_RPZ; syntax++) {
        for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
            size_t n = strlen(prefixes[i]);
            memcpy(line, prefixes[i], n);
            memset(line + n, 'a', len - n);
            domain_line_init(&p, (enum domain_syntax)syntax, false);
            domain_line_parse(&p, line, len, &r);
            CHECK(r.kind == INVALID || r.kind == SILENT);
            memset(line + n, ' ', len - n);
            domain_line_parse(&p, line, len, &r);
            CHECK(r.kind != NAME && r.kind != ALLOW);
        }
    }
    /* A hosts line of 10 MB of names: 8 taken, the rest counted. */
    memset(line, ' ', len);
    memcpy(line, "0.0.0.0", 7);
    size_t names = 0;
    for (size_t off = 8; off + 10 <= len; off += 10, names++)
        memcpy(line + off, "a.example ", 10);
    domain_line_init(&p, DOMAIN_SYNTAX_HOSTS, false);
    domain_line_parse(&p, line, len, &r);
    CHECK_INT(r.kind, NAME);
    CHECK_INT(r.n, DOMAIN_LINE_NAMES_MAX);
    CHECK_INT(r.skipped, names - DOMAIN_LINE_NAMES_MAX);
    free(line);
}

static void syntax_for_path(void)
{
    CHECK_INT(domain_syntax_for_path("/var/lib/ebpfshield/feeds/urlhaus.rpz"), DOMAIN_SYNTAX_RPZ);
    CHECK_INT(domain_syntax_for_path("hosts.txt"), DOMAIN_SYNTAX_AUTO);
    CHECK_INT(domain_syntax_for_path("rpz"), DOMAIN_SYNTAX_AUTO);
    CHECK_INT(domain_syntax_for_path("list.rpz.txt"), DOMAIN_SYNTAX_AUTO);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++)
        run_table(&tables[i]);
    huge();
    syntax_for_path();
    CHECK_DONE();
}
