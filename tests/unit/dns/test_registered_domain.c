/* registered_domain against the real libpsl and the list it loads (the system's or its
 * own): ICANN and private suffixes, wildcard and exception rules, an IDN top-level label;
 * what is not known (a public suffix itself, an unlisted or numeric last label, one label,
 * escaped or odd bytes, empty labels, names too long); a trailing dot, upper case, an
 * output buffer too small; and the same answers from threads that start together. */
#include "check.h"
#include "dns/registered_domain.h"

#include <pthread.h>
#include <string.h>

static void check_known_at(int line, const char *name, const char *want)
{
    char got[REGISTERED_DOMAIN_MAX] = "unchanged";
    if (!registered_domain(name, got, sizeof(got))) {
        fprintf(stderr, "%s:%d: %s: not known, want %s\n", __FILE__, line, name, want);
        check_failures++;
        return;
    }
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: %s: got %s, want %s\n", __FILE__, line, name, got, want);
        check_failures++;
    }
}

static void check_unknown_at(int line, const char *name)
{
    char got[REGISTERED_DOMAIN_MAX] = "unchanged";
    if (registered_domain(name, got, sizeof(got)) || got[0] != '\0') {
        fprintf(stderr, "%s:%d: %s: got \"%s\", want not known and \"\"\n", __FILE__, line, name,
                got);
        check_failures++;
    }
}

#define KNOWN(name, want) check_known_at(__LINE__, name, want)
#define UNKNOWN(name) check_unknown_at(__LINE__, name)

static void test_known(void)
{
    KNOWN("www.google.com", "google.com");
    KNOWN("google.com", "google.com");
    KNOWN("a.b.evil.example.co.uk", "example.co.uk");
    KNOWN("_dmarc.example.com", "example.com");
    KNOWN("a-b.x1.example-1.org", "example-1.org");
    /* private suffixes count, as in browsers: each project is its own domain */
    KNOWN("x.github.io", "x.github.io");
    KNOWN("a.b.x.github.io", "x.github.io");
    KNOWN("a.blogspot.co.uk", "a.blogspot.co.uk");
    /* *.kobe.jp with the exception !city.kobe.jp */
    KNOWN("a.b.c.kobe.jp", "b.c.kobe.jp");
    KNOWN("www.city.kobe.jp", "city.kobe.jp");
    KNOWN("a.b.xn--fiqs8s", "b.xn--fiqs8s"); /* an A-label top-level domain (.中国) */
}

static void test_unknown(void)
{
    UNKNOWN("com"); /* a bare top-level domain */
    UNKNOWN("co.uk");
    UNKNOWN("github.io");
    UNKNOWN("x.compute.amazonaws.com"); /* under a wildcard: a suffix itself */
    UNKNOWN("localhost");               /* one label */
    UNKNOWN("x.plain.test");            /* not on the list: no "*" default */
    UNKNOWN("printer.local");
    UNKNOWN("1.2.3.4");
    UNKNOWN("");
    UNKNOWN(".");
}

static void test_forms(void)
{
    KNOWN("www.example.co.uk.", "example.co.uk");
    KNOWN("WWW.Example.CO.UK", "example.co.uk");
    KNOWN("x.GitHub.IO.", "x.github.io");
    UNKNOWN("a.example.com.."); /* one trailing dot only */
    UNKNOWN(".example.com");
    UNKNOWN("a..example.com");
    /* escaped bytes (names are printed with \DDD), other bytes, UTF-8 */
    UNKNOWN("bad\\032name.example.com");
    UNKNOWN("a\\.b.example.com");
    UNKNOWN("sp ace.example.com");
    UNKNOWN("b\xc3\xbc"
            "cher.example.com");
    UNKNOWN("(unreadable name)");
    UNKNOWN("*.example.com");
}

static void test_lengths(void)
{
    char name[300], label[64];
    memset(label, 'a', 63);
    label[63] = '\0';
    snprintf(name, sizeof(name), "%s.co.uk", label);
    KNOWN(name, name); /* a 63-byte label */
    snprintf(name, sizeof(name), "a%s.co.uk", label);
    UNKNOWN(name); /* 64 bytes */
    /* 253 characters (the longest name), 254 with the trailing dot; one more is too long */
    snprintf(name, sizeof(name), "%s.%s.%s.%.49s.example.com", label, label, label, label);
    CHECK_INT(strlen(name), 253);
    KNOWN(name, "example.com");
    strcat(name, ".");
    KNOWN(name, "example.com");
    snprintf(name, sizeof(name), "%s.%s.%s.%.50s.example.com", label, label, label, label);
    UNKNOWN(name);

    char out[16] = "unchanged";
    CHECK(registered_domain("www.example.co.uk", out, 14)); /* 13 characters and the NUL */
    CHECK_STR(out, "example.co.uk");
    CHECK(!registered_domain("www.example.co.uk", out, 13));
    CHECK_STR(out, "");
    CHECK(!registered_domain("www.example.co.uk", out, 0));
}

#define THREADS 8

/* Threads racing to the first lookup (the list loaded once) and on through the list. */
static void *lookups(void *arg)
{
    (void)arg;
    char out[REGISTERED_DOMAIN_MAX];
    for (int i = 0; i < 1000; i++) {
        if (!registered_domain("a.b.evil.example.co.uk", out, sizeof(out)) ||
            strcmp(out, "example.co.uk") != 0)
            return "wrong";
    }
    return NULL;
}

static void test_threads(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK_INT(pthread_create(&t[i], NULL, lookups, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *result = "not joined";
        CHECK_INT(pthread_join(t[i], &result), 0);
        CHECK(result == NULL);
    }
}

int main(void)
{
    test_threads(); /* first: the threads do the loading */
    test_known();
    test_unknown();
    test_forms();
    test_lengths();
    CHECK_DONE();
}
