/* libFuzzer target: a domain feed (untrusted: downloaded lists) split on '\n' and parsed
 * line by line in every syntax, with and without allow_wide, each line copied into a buffer
 * of exactly its length (ASan sees any read past it). Every name returned must be at most
 * DOMAIN_NAME_MAX bytes of [a-z0-9._-], normalize to itself, and the result must be
 * consistent (names only for NAME and ALLOW, a reason for INVALID). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "threatfeed/domain_line.h"

static void check_name(const char *name)
{
    char again[DOMAIN_NAME_MAX + 1];
    size_t len = strnlen(name, DOMAIN_NAME_MAX + 1);
    if (len == 0 || len > DOMAIN_NAME_MAX ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") != len)
        abort();
    if (domain_name_normalize(name, len, again, NULL) != 0 || strcmp(again, name) != 0)
        abort();
}

static void check_result(const struct domain_line_result *r)
{
    bool names = r->kind == DOMAIN_LINE_NAME || r->kind == DOMAIN_LINE_ALLOW;
    if (r->n > DOMAIN_LINE_NAMES_MAX || names != (r->n > 0))
        abort();
    if ((r->kind == DOMAIN_LINE_INVALID || r->skipped) && !r->why)
        abort();
    for (size_t i = 0; i < r->n; i++)
        check_name(r->names[i]);
}

static void parse_all(enum domain_syntax syntax, bool allow_wide, const uint8_t *data, size_t size)
{
    static struct domain_line_result r;
    struct domain_line_parser p;
    domain_line_init(&p, syntax, allow_wide);
    for (size_t start = 0; start <= size;) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t len = nl ? (size_t)(nl - data) - start : size - start;
        char *line = malloc(len ? len : 1);
        if (!line)
            abort();
        memcpy(line, data + start, len);
        domain_line_parse(&p, line, len, &r);
        free(line);
        check_result(&r);
        start += len + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int syntax = DOMAIN_SYNTAX_AUTO; syntax <= DOMAIN_SYNTAX_RPZ; syntax++) {
        parse_all((enum domain_syntax)syntax, false, data, size);
        parse_all((enum domain_syntax)syntax, true, data, size);
    }
    return 0;
}
