/* libFuzzer target: dns_name_format against ldns_rdf2str. The input is a DNS message
 * (untrusted: any packet to or from a DNS port); every owner name and rdata field ldns
 * parses from it (at the places dns_walk finds, as the monitor does) is formatted both ways, into a
 * buffer of the size the tool uses and into short ones. The texts must be equal (cut alike when the
 * buffer is short); any difference aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_decode.h"
#include "dns/dns_name.h"
#include "dns/dns_walk.h"

static void compare(const ldns_rdf *rdf)
{
    char *want = ldns_rdf2str(rdf);
    static const size_t sizes[] = {DNS_NAME_MAX, 1, 2, 7};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char got[DNS_NAME_MAX], cut[DNS_NAME_MAX];
        if (dns_name_format(rdf, got, sizes[i]) != 0) {
            if (want) {
                fprintf(stderr, "dns_name_format failed where ldns gave \"%s\"\n", want);
                abort();
            }
            continue;
        }
        snprintf(cut, sizes[i], "%s", want ? want : "");
        if (!want || strcmp(got, cut) != 0) {
            fprintf(stderr, "size %zu: \"%s\", ldns \"%s\"\n", sizes[i], got, cut);
            abort();
        }
    }
    free(want);
}

static void compare_record(const ldns_rr *rr)
{
    compare(ldns_rr_owner(rr));
    for (size_t f = 0; f < ldns_rr_rd_count(rr); f++)
        if (ldns_rdf_get_type(ldns_rr_rdf(rr, f)) == LDNS_RDF_TYPE_DNAME)
            compare(ldns_rr_rdf(rr, f));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ldns_pkt_section sections[] = {LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
                                                LDNS_SECTION_AUTHORITY, LDNS_SECTION_ADDITIONAL};
    struct dns_layout layout;
    if (dns_walk(data, size, &layout, NULL) != 0)
        return 0;
    for (int s = DNS_QUESTIONS; s <= DNS_ADDITIONAL; s++) {
        struct dns_record_ref rec = {.next = layout.section_at[s]};
        for (unsigned i = 0; i < layout.count[s]; i++) {
            dns_record_read(data, rec.next, (enum dns_section_index)s, &rec);
            ldns_rr *rr = NULL;
            size_t pos = rec.at;
            if (ldns_wire2rr(&rr, data, size, &pos, sections[s]) != LDNS_STATUS_OK) {
                fprintf(stderr, "ldns refused record %u of section %d that dns_walk took\n", i, s);
                abort();
            }
            compare_record(rr);
            ldns_rr_free(rr);
        }
    }
    return 0;
}
