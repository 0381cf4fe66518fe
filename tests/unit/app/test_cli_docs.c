/* The option table (cli_options) against what documents it: every option is in --help
 * (the usage and the option list), in the bash completion (offered after "-", and in its
 * "case $prev" when it takes a value) and in the man page (SYNOPSIS and an OPTIONS tag),
 * and none of these names an option the table lacks; the completion offers an option's
 * choices. The files are read from $SRCDIR. */
#include "check.h"
#include "app/cli.h"
#include "testlib.h"

#include <ctype.h>
#include <stdlib.h>

#define COMPLETION "cmake/install/ebpfshield-bcc.bash-completion"
#define MAN_PAGE "cmake/install/ebpfshield-bcc.8.in"
#define NAMES_MAX 128
#define NAME_LEN 32

/* A set of option words ("--feeds", "-p"). */
struct names {
    char v[NAMES_MAX][NAME_LEN];
    size_t n;
};

static bool has(const struct names *s, const char *word)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], word) == 0)
            return true;
    return false;
}

static void add(struct names *s, const char *word, size_t len)
{
    char w[NAME_LEN];
    snprintf(w, sizeof(w), "%.*s", (int)len, word);
    if (!has(s, w) && s->n < NAMES_MAX)
        snprintf(s->v[s->n++], NAME_LEN, "%s", w);
}

/* The whole of $SRCDIR/rel; the caller frees it. */
static char *read_source(const char *rel)
{
    const char *dir = getenv("SRCDIR");
    char path[4096], *text = NULL;
    size_t cap = 0;
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
    FILE *f = fopen(path, "r");
    if (!f || getdelim(&text, &cap, '\0', f) < 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    fclose(f);
    return text;
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* The option words in text[0, len): "--" and a lower-case name, or "-" and one letter,
 * each standing alone (not inside "ebpfshield-bcc" or "--allow-wide"). */
static void scan(const char *text, size_t len, struct names *out)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '-' || (i > 0 && word_char(text[i - 1])))
            continue;
        size_t j = i + 1;
        if (j < len && text[j] == '-' && j + 1 < len && islower((unsigned char)text[j + 1])) {
            for (j++; j < len && word_char(text[j]); j++)
                ;
        } else if (j < len && isalpha((unsigned char)text[j]) &&
                   (j + 1 == len || !word_char(text[j + 1]))) {
            j++;
        } else {
            continue;
        }
        add(out, text + i, j - i);
        i = j;
    }
}

/* The table's words: every long name, with short letters, of options taking a value
 * (with_arg) or of all. */
static void table_words(struct names *out, bool letters, bool with_arg)
{
    char w[NAME_LEN];
    for (size_t i = 0; i < cli_option_count; i++) {
        const struct cli_option *o = &cli_options[i];
        if (with_arg && !o->arg)
            continue;
        add(out, w, (size_t)snprintf(w, sizeof(w), "--%s", o->name));
        if (letters && o->letter)
            add(out, w, (size_t)snprintf(w, sizeof(w), "-%c", o->letter));
    }
}

/* got names what want names, no more and no less. */
static void check_same_at(int line, const char *where, const struct names *got,
                          const struct names *want)
{
    for (size_t i = 0; i < want->n; i++)
        if (!has(got, want->v[i])) {
            fprintf(stderr, "%s:%d: %s lacks %s\n", __FILE__, line, where, want->v[i]);
            check_failures++;
        }
    for (size_t i = 0; i < got->n; i++)
        if (!has(want, got->v[i])) {
            fprintf(stderr, "%s:%d: %s names %s, not in the table\n", __FILE__, line, where,
                    got->v[i]);
            check_failures++;
        }
}

#define check_same(where, got, want) check_same_at(__LINE__, where, got, want)

/* The text between the first from after start and the next to; NULL when absent. */
static const char *between(const char *start, const char *from, const char *to, size_t *len)
{
    const char *a = start ? strstr(start, from) : NULL;
    const char *b = a ? strstr(a + strlen(from), to) : NULL;
    if (!b)
        return NULL;
    *len = (size_t)(b - a - strlen(from));
    return a + strlen(from);
}

/* The usage names every option (long and short) and no other; the option list has a line
 * for each. */
static void test_help(void)
{
    struct capture c;
    capture_open(&c);
    cli_usage(c.f, "ebpfshield-bcc", true);
    char *help = capture_text(&c);
    struct names usage = {0}, all = {0};
    const char *list = strstr(help, "\n\n");
    CHECK(list != NULL);
    scan(help, list ? (size_t)(list - help) : 0, &usage);
    table_words(&all, true, false);
    check_same("the usage", &usage, &all);
    for (size_t i = 0; list && i < cli_option_count; i++) {
        const struct cli_option *o = &cli_options[i];
        char label[64];
        int n = o->letter ? snprintf(label, sizeof(label), "\n  -%c, --%s", o->letter, o->name)
                          : snprintf(label, sizeof(label), "\n  --%s", o->name);
        const char *at = strstr(list, label);
        if (!at || word_char(at[n])) {
            fprintf(stderr, "%s:%d: --help has no line for --%s\n", __FILE__, __LINE__, o->name);
            check_failures++;
        }
    }
    free(help);
}

/* The values the completion offers after each option with choices are its choices. */
static void check_completion_choices(const char *text)
{
    for (size_t i = 0; i < cli_option_count; i++) {
        const struct cli_option *o = &cli_options[i];
        char pattern[64];
        size_t len;
        if (!o->choice)
            continue;
        snprintf(pattern, sizeof(pattern), "\n    --%s)\n", o->name);
        const char *words = between(strstr(text, pattern), "compgen -W '", "'", &len);
        struct names got = {0}, want = {0};
        for (size_t w = 0; words && w < len; w += strspn(words + w, " ")) {
            size_t n = strcspn(words + w, " '");
            add(&got, words + w, n);
            w += n;
        }
        const char *name;
        for (size_t c = 0; (name = o->choice(c)); c++)
            add(&want, name, strlen(name));
        snprintf(pattern, sizeof(pattern), "the completion's values of --%s", o->name);
        check_same(pattern, &got, &want);
    }
}

static void test_completion(void)
{
    char *text = read_source(COMPLETION);
    struct names offered = {0}, valued = {0}, longs = {0}, with_arg = {0};
    size_t len;
    const char *words = between(strstr(text, "$cur == -*"), "compgen -W '", "'", &len);
    CHECK(words != NULL);
    if (words)
        scan(words, len, &offered);
    /* The patterns of "case $prev in": the options whose value it completes (or not). */
    const char *cases = between(text, "case $prev in", "esac", &len);
    CHECK(cases != NULL);
    for (const char *line = cases; line && line < cases + len; line = strchr(line, '\n')) {
        line += strspn(line, "\n ");
        size_t n = strcspn(line, "\n");
        if (line[0] == '-' && n > 0 && line[n - 1] == ')')
            scan(line, n - 1, &valued);
    }
    table_words(&longs, false, false);
    table_words(&with_arg, true, true);
    check_same("the completion's option list", &offered, &longs);
    check_same("the completion's case $prev", &valued, &with_arg);
    check_completion_choices(text);
    free(text);
}

/* "\-" is roff's hyphen, "\~" its unbreakable space. */
static void unescape(char *s)
{
    char *to = s;
    for (const char *p = s; *p; p++) {
        if (p[0] == '\\' && (p[1] == '-' || p[1] == '~'))
            *to++ = *++p == '-' ? '-' : ' ';
        else
            *to++ = *p;
    }
    *to = '\0';
}

static void test_man_page(void)
{
    char *text = read_source(MAN_PAGE);
    struct names synopsis = {0}, tags = {0}, all = {0};
    size_t len;
    unescape(text);
    table_words(&all, true, false);
    const char *syn = between(text, "\n.SH SYNOPSIS\n", "\n.SH ", &len);
    CHECK(syn != NULL);
    if (syn)
        scan(syn, len, &synopsis);
    for (size_t i = 0; i < cli_option_count; i++) {
        char w[NAME_LEN], l[4] = {'-', cli_options[i].letter, '\0'};
        snprintf(w, sizeof(w), "--%s", cli_options[i].name);
        if (!has(&synopsis, w) && !has(&synopsis, l)) { /* "-p" stands for "--pid" */
            fprintf(stderr, "%s:%d: the man page's SYNOPSIS lacks %s\n", __FILE__, __LINE__, w);
            check_failures++;
        }
    }
    for (size_t i = 0; i < synopsis.n; i++)
        if (!has(&all, synopsis.v[i])) {
            fprintf(stderr, "%s:%d: the man page's SYNOPSIS names %s, not in the table\n", __FILE__,
                    __LINE__, synopsis.v[i]);
            check_failures++;
        }
    /* OPTIONS: the tag line after each .TP. */
    const char *opts = between(text, "\n.SH OPTIONS", "\n.SH ", &len);
    CHECK(opts != NULL);
    const char *tp = opts ? strstr(opts, "\n.TP\n") : NULL;
    for (; tp && tp < opts + len; tp = strstr(tp, "\n.TP\n")) {
        tp += strlen("\n.TP\n");
        scan(tp, strcspn(tp, "\n"), &tags);
    }
    check_same("the man page's OPTIONS", &tags, &all);
    free(text);
}

int main(void)
{
    test_help();
    test_completion();
    test_man_page();
    CHECK_DONE();
}
