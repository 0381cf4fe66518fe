/* libFuzzer target: dns_name_format against ldns_rdf2str. The input is a DNS message
 * (untrusted: any packet to or from a DNS port); every owner name and rdata field ldns
 * parses from it (through dns_parse_message, as the monitor does) is formatted both ways, into a
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

static void compare_list(const ldns_rr_list *list)
{
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
        const ldns_rr *rr = ldns_rr_list_rr(list, i);
        compare(ldns_rr_owner(rr));
        for (size_t f = 0; f < ldns_rr_rd_count(rr); f++)
            if (ldns_rdf_get_type(ldns_rr_rdf(rr, f)) == LDNS_RDF_TYPE_DNAME)
                compare(ldns_rr_rdf(rr, f));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* dns_parse_message, as the monitor parses: ldns_wire2pkt itself leaks the TSIG
     * records of a message with more than one (tests/fuzz/regressions/dns_name_two_tsig). */
    ldns_pkt *pkt = dns_parse_message(data, size, NULL);
    if (!pkt)
        return 0;
    compare_list(ldns_pkt_question(pkt));
    compare_list(ldns_pkt_answer(pkt));
    compare_list(ldns_pkt_authority(pkt));
    compare_list(ldns_pkt_additional(pkt));
    ldns_pkt_free(pkt);
    return 0;
}
