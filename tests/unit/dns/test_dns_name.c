/* dns_name_format: hand-written cases (escapes, every byte class, the root, the longest
 * name, a short buffer) with the texts written out here, then 200,000 random names of
 * random bytes compared with ldns_rdf2str's text, which it replaces on the monitor's path. */
#include "check.h"
#include "dns/dns_name.h"
#include "dns/dns_decode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

/* The wire form of labels given as one string with '|' between labels, then the root. */
static ldns_rdf *name_of(const char *labels)
{
    uint8_t wire[LDNS_MAX_DOMAINLEN + 1];
    size_t n = 0;
    const char *p = labels;
    while (*p) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        wire[n++] = (uint8_t)len;
        memcpy(wire + n, p, len);
        n += len;
        p += len + (end != NULL);
    }
    wire[n++] = 0;
    return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, n, wire);
}

static void check_name(const char *labels, const char *want)
{
    ldns_rdf *rdf = name_of(labels);
    char got[DNS_NAME_MAX];
    CHECK_INT(dns_name_format(rdf, got, sizeof(got)), 0);
    CHECK_STR(got, want);
    ldns_rdf_deep_free(rdf);
}

static void hand_written(void)
{
    check_name("", ".");
    check_name("a|example|test", "a.example.test.");
    check_name("a.b|ex(1)|x;y\\z", "a\\.b.ex\\(1\\).x\\;y\\\\z.");
    check_name("sp ace|tab\t|del\x7f|hi\x80\xff", "sp\\032ace.tab\\009.del\\127.hi\\128\\255.");
    check_name("!~|\"'*", "!~.\"'*.");

    uint8_t zero[] = {3, 'a', 0, 'b', 0};
    ldns_rdf *rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, sizeof(zero), zero);
    char got[DNS_NAME_MAX];
    CHECK_INT(dns_name_format(rdf, got, sizeof(got)), 0);
    CHECK_STR(got, "a\\000b.");
    CHECK_INT(dns_name_format(rdf, got, 4), 0);
    CHECK_STR(got, "a\\0"); /* cut to fit, as snprintf cuts */
    ldns_rdf_deep_free(rdf);

    /* 255 bytes, every one escaped as \DDD: the longest text there is. */
    uint8_t longest[LDNS_MAX_DOMAINLEN];
    size_t n = 0;
    for (int label = 0; label < 4; label++) {
        uint8_t len = label < 3 ? 63 : 61;
        longest[n++] = len;
        memset(longest + n, 0x01, len);
        n += len;
    }
    longest[n++] = 0;
    CHECK_INT(n, LDNS_MAX_DOMAINLEN);
    rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, n, longest);
    CHECK_INT(dns_name_format(rdf, got, sizeof(got)), 0);
    CHECK_INT(strlen(got), 250 * 4 + 4); /* 1,004 */
    ldns_rdf_deep_free(rdf);

    /* Other rdf types are ldns's own text. */
    rdf = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.1");
    CHECK_INT(dns_name_format(rdf, got, sizeof(got)), 0);
    CHECK_STR(got, "192.0.2.1");
    ldns_rdf_deep_free(rdf);
}

/* A random well-formed name: labels of random length and random bytes. */
static ldns_rdf *random_name(unsigned *seed)
{
    uint8_t wire[LDNS_MAX_DOMAINLEN];
    size_t n = 0;
    while (rand_r(seed) % 6 != 0) {
        size_t len = 1 + (size_t)rand_r(seed) % 63;
        if (n + 1 + len + 1 > sizeof(wire))
            break;
        wire[n++] = (uint8_t)len;
        for (size_t i = 0; i < len; i++)
            wire[n++] = (uint8_t)(rand_r(seed) % 4 ? 'a' + rand_r(seed) % 26 : rand_r(seed));
    }
    wire[n++] = 0;
    return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, n, wire);
}

static void against_ldns(void)
{
    unsigned seed = 12345;
    int differences = 0;
    for (int i = 0; i < 200000; i++) {
        ldns_rdf *rdf = random_name(&seed);
        char *want = ldns_rdf2str(rdf);
        char got[DNS_NAME_MAX];
        if (!want || dns_name_format(rdf, got, sizeof(got)) != 0 || strcmp(got, want) != 0) {
            if (differences++ < 5)
                fprintf(stderr, "ours \"%s\", ldns \"%s\"\n", got, want ? want : "(null)");
        }
        free(want);
        ldns_rdf_deep_free(rdf);
    }
    CHECK_INT(differences, 0);
}

int main(void)
{
    hand_written();
    against_ldns();
    CHECK_DONE();
}
