#include "dns_decode.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include <ldns/ldns.h>

static void set_why(const char **why, const char *reason)
{
    if (why)
        *why = reason;
}

/* Presentation format: ldns escapes dots inside labels and every non-printable byte. */
static int format_name(const ldns_rdf *owner, char *dst, size_t size)
{
    char *str = ldns_rdf2str(owner);
    if (!str)
        return -1;
    snprintf(dst, size, "%s", str);
    free(str);
    return 0;
}

/* Returns 0 when the rdata is not an address of the record's family. */
static int format_address(const ldns_rr *rr, char *dst, size_t size)
{
    const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);
    if (!rdf)
        return 0;
    int family = ldns_rr_get_type(rr) == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
    /* inet_ntop reads 4 or 16 bytes: the rdf must hold exactly that many. */
    if (ldns_rdf_size(rdf) != (family == AF_INET ? 4u : 16u))
        return 0;
    return inet_ntop(family, ldns_rdf_data(rdf), dst, (socklen_t)size) != NULL;
}

/* Reports the A/AAAA records of list (questions: qr 0, answers: qr 1), the first max of
 * them through fn; returns how many there are, or -1. */
static long report_rrs(const ldns_rr_list *list, int qr, size_t max, dns_item_fn fn, void *ctx,
                       const char **why)
{
    struct dns_item item = {.qr = qr};
    long count = 0;

    for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
        const ldns_rr *rr = ldns_rr_list_rr(list, i);
        ldns_rr_type type = ldns_rr_get_type(rr);
        if (type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA)
            continue;
        item.type = type == LDNS_RR_TYPE_A ? "A" : "AAAA";
        /* Answers without a well-formed address (e.g. empty rdata) are not reported. */
        if (qr && !format_address(rr, item.data, sizeof(item.data)))
            continue;
        if ((size_t)count++ >= max)
            continue; /* counted, not formatted */
        if (format_name(ldns_rr_owner(rr), item.name, sizeof(item.name)) < 0) {
            set_why(why, "out of memory");
            return -1;
        }
        fn(&item, ctx);
    }
    return count;
}

long dns_decode_message(const uint8_t *msg, size_t len, size_t max, dns_item_fn fn, void *ctx,
                        const char **why)
{
    ldns_pkt *pkt = NULL;
    ldns_status status = ldns_wire2pkt(&pkt, msg, len);

    if (status != LDNS_STATUS_OK) {
        const char *reason = ldns_get_errorstr_by_id(status);
        set_why(why, reason ? reason : "malformed DNS message");
        return -1;
    }
    long rc = ldns_pkt_qr(pkt) ? report_rrs(ldns_pkt_answer(pkt), 1, max, fn, ctx, why)
                               : report_rrs(ldns_pkt_question(pkt), 0, max, fn, ctx, why);
    ldns_pkt_free(pkt);
    return rc;
}
