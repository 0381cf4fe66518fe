/* libFuzzer target: dns_walk against ldns itself. The input is a DNS message (any packet to
 * or from a DNS port). The reference takes every record at the place its RDLENGTH says
 * (header counts, in order) and asks ldns_wire2rr to parse it, and follows each owner
 * name's pointers one by one as ldns does, counting them. dns_walk must accept exactly the
 * messages the reference accepts, except those with a name of more than
 * DNS_WALK_HOPS_MAX pointers (its own bound, stricter than ldns' 65,535). Any other
 * disagreement aborts: a memo that forgets, a mis-sized rdata field, a loop let through. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_walk.h"

/* Pointers followed by the name at p, one by one as ldns_wire2dname follows them; -1 past
 * ldns' own bound (a loop) or for a bad pointer. */
static long naive_hops(const uint8_t *msg, size_t len, size_t p)
{
    long hops = 0;
    while (p < len && msg[p] != 0) {
        if (msg[p] < 192) {
            p += 1u + msg[p];
            continue;
        }
        if (p + 2 > len || ++hops > LDNS_MAX_POINTERS)
            return -1;
        p = (size_t)(msg[p] & 63) << 8 | msg[p + 1];
    }
    return hops;
}

/* 1: ldns parses every record at its RDLENGTH place; 0: it refuses one; 2: one owner name
 * follows more pointers than dns_walk takes. */
static int reference(const uint8_t *msg, size_t len)
{
    static const ldns_pkt_section sections[] = {LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
                                                LDNS_SECTION_AUTHORITY, LDNS_SECTION_ADDITIONAL};
    if (len < LDNS_HEADER_SIZE)
        return 0;
    const unsigned counts[] = {LDNS_QDCOUNT(msg), LDNS_ANCOUNT(msg), LDNS_NSCOUNT(msg),
                               LDNS_ARCOUNT(msg)};
    size_t pos = LDNS_HEADER_SIZE;
    int verdict = 1;
    for (int s = 0; s < 4; s++)
        for (unsigned i = 0; i < counts[s]; i++) {
            size_t at = pos;
            ldns_rr *rr = NULL;
            if (ldns_wire2rr(&rr, msg, len, &pos, sections[s]) != LDNS_STATUS_OK)
                return 0;
            ldns_rr_free(rr);
            if (naive_hops(msg, len, at) > DNS_WALK_HOPS_MAX)
                verdict = 2;
            struct dns_record_ref rec;
            dns_record_read(msg, at, (enum dns_section_index)s, &rec);
            pos = rec.next; /* ldns may stop short of the rdata's end */
        }
    return verdict;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dns_layout layout;
    const char *why = NULL;
    bool walked = dns_walk(data, size, &layout, &why) == 0;
    int ref = reference(data, size);
    bool bound = why && (strstr(why, "compression pointers") || strstr(why, "loop"));
    if (walked && ref != 1) {
        fprintf(stderr, "dns_walk took a message the reference refuses (%d)\n", ref);
        abort();
    }
    if (!walked && ref == 1 && !bound) {
        fprintf(stderr, "dns_walk refused a message ldns takes: %s\n", why);
        abort();
    }
    return 0;
}
