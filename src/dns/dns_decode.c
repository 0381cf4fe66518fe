#include "dns/dns_decode.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_name.h"
#include "base/text.h"

static void set_why(const char **why, const char *reason)
{
    if (why)
        *why = reason;
}

/* Returns 0 when the rdata is not an address of the record's family. */
static int format_address(const ldns_rr *rr, char *dst, size_t size)
{
    const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);
    if (!rdf)
        return 0;
    int family = ldns_rr_get_type(rr) == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
    /* text_address reads 4 or 16 bytes: the rdf must hold exactly that many. */
    if (ldns_rdf_size(rdf) != (family == AF_INET ? 4u : 16u))
        return 0;
    return text_address(family, ldns_rdf_data(rdf), dst, size) != NULL;
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
        if (dns_name_format(ldns_rr_owner(rr), item.name, sizeof(item.name)) < 0) {
            set_why(why, "out of memory");
            return -1;
        }
        fn(&item, ctx);
    }
    return count;
}

/* ldns_wire2pkt (ldns 1.8.3 of Debian 12, unchanged in ldns' develop branch) leaks every
 * TSIG record of the additional section but the last it parses: it hands each to
 * ldns_pkt_set_tsig, which overwrites the packet's one TSIG pointer without freeing the
 * record there (an ldns_rr, its owner name and rdata), whether the parse then succeeds or
 * fails. A message may carry one TSIG, as its last record (RFC 8945 5.1), so the sender of
 * any packet seen on a DNS port could make the monitor leak on every packet.
 *
 * Returns the loop index at which ldns_wire2pkt would parse a second TSIG record of msg,
 * or 0 if it would not: the additional loop of ldns_wire2pkt replayed with ldns_wire2rr,
 * from the same positions (ldns_wire2rdf can stop short of an rdata's end, so only ldns
 * itself knows where the next record starts) and with its bound, which ldns lowers by one
 * per TSIG record. The records are freed as they are parsed. */
static unsigned second_tsig(const uint8_t *msg, size_t len)
{
    /* The first TSIG at index i1 >= 0 lowers the bound to arcount - 1, and a second one
     * needs an index i1 < i2 < arcount - 1: fewer than 3 records cannot hold it (the
     * usual message, spared the replay). */
    if (len < LDNS_HEADER_SIZE || LDNS_ARCOUNT(msg) < 3)
        return 0;
    const unsigned counts[] = {LDNS_QDCOUNT(msg), LDNS_ANCOUNT(msg), LDNS_NSCOUNT(msg)};
    const ldns_pkt_section sections[] = {LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
                                         LDNS_SECTION_AUTHORITY};
    size_t pos = LDNS_HEADER_SIZE;
    ldns_rr *rr = NULL;
    for (size_t s = 0; s < 3; s++)
        for (unsigned i = 0; i < counts[s]; i++) {
            if (ldns_wire2rr(&rr, msg, len, &pos, sections[s]) != LDNS_STATUS_OK)
                return 0; /* ldns_wire2pkt fails here too, before any TSIG */
            ldns_rr_free(rr);
        }
    unsigned bound = LDNS_ARCOUNT(msg), tsigs = 0;
    for (unsigned i = 0; i < bound; i++) {
        if (ldns_wire2rr(&rr, msg, len, &pos, LDNS_SECTION_ADDITIONAL) != LDNS_STATUS_OK)
            return 0;
        bool tsig = ldns_rr_get_type(rr) == LDNS_RR_TYPE_TSIG;
        ldns_rr_free(rr);
        if (!tsig)
            continue;
        if (tsigs++)
            return i;
        bound--;
    }
    return 0;
}

ldns_pkt *dns_parse_message(const uint8_t *msg, size_t len, const char **why)
{
    ldns_pkt *pkt = NULL;
    ldns_status status;
    unsigned cut = second_tsig(msg, len);
    if (cut == 0) {
        status = ldns_wire2pkt(&pkt, msg, len);
    } else {
        /* A copy whose ARCOUNT is cut + 1: the first TSIG lowers ldns' bound to cut, so
         * ldns_wire2pkt parses every record before the second TSIG as it would in msg
         * and stops there (cut + 1 <= 65535: cut is below the 16-bit ARCOUNT). The rest
         * of the additional section, past the TSIG that is to be the last record, is
         * not read; question and answer records are all kept for the report. (A name
         * compressed to a pointer at ARCOUNT reads the new bytes: where records start
         * does not depend on it, so ldns meets no second TSIG in the copy either.) */
        uint8_t *copy = malloc(len);
        if (!copy) {
            set_why(why, "out of memory");
            return NULL;
        }
        memcpy(copy, msg, len);
        ldns_write_uint16(copy + LDNS_ARCOUNT_OFF, (uint16_t)(cut + 1));
        status = ldns_wire2pkt(&pkt, copy, len);
        free(copy);
    }
    if (status == LDNS_STATUS_OK)
        return pkt;
    const char *reason = ldns_get_errorstr_by_id(status);
    set_why(why, reason ? reason : "malformed DNS message");
    return NULL;
}

long dns_decode_message(const uint8_t *msg, size_t len, size_t max, dns_item_fn fn, void *ctx,
                        const char **why)
{
    ldns_pkt *pkt = dns_parse_message(msg, len, why);
    if (!pkt)
        return -1;
    long rc = ldns_pkt_qr(pkt) ? report_rrs(ldns_pkt_answer(pkt), 1, max, fn, ctx, why)
                               : report_rrs(ldns_pkt_question(pkt), 0, max, fn, ctx, why);
    ldns_pkt_free(pkt);
    return rc;
}

/* An ldns-allocated string copied into dst (cut to fit) and freed; "" when it is NULL. */
static void take_str(char *dst, size_t size, char *str)
{
    snprintf(dst, size, "%s", str ? str : "");
    free(str);
}

/* The rdata fields of rr in presentation format, separated by spaces, cut to fit. */
static void format_rdata(const ldns_rr *rr, char *dst, size_t size)
{
    size_t used = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < ldns_rr_rd_count(rr) && used + 1 < size; i++) {
        char *str = ldns_rdf2str(ldns_rr_rdf(rr, i));
        int n = snprintf(dst + used, size - used, "%s%s", i ? " " : "", str ? str : "");
        free(str);
        if (n < 0)
            break;
        used += (size_t)n < size - used ? (size_t)n : size - used - 1;
    }
}

static void describe_answer(const ldns_rr *rr, struct dns_answer *a)
{
    if (dns_name_format(ldns_rr_owner(rr), a->name, sizeof(a->name)) < 0)
        a->name[0] = '\0';
    take_str(a->type, sizeof(a->type), ldns_rr_type2str(ldns_rr_get_type(rr)));
    take_str(a->rclass, sizeof(a->rclass), ldns_rr_class2str(ldns_rr_get_class(rr)));
    a->ttl = ldns_rr_ttl(rr);
    format_rdata(rr, a->data, sizeof(a->data));
}

static void describe_flags(const ldns_pkt *pkt, struct dns_summary *out)
{
    const struct {
        bool set;
        const char *name;
    } flags[] = {{ldns_pkt_aa(pkt), "AA"}, {ldns_pkt_tc(pkt), "TC"}, {ldns_pkt_rd(pkt), "RD"},
                 {ldns_pkt_ra(pkt), "RA"}, {ldns_pkt_ad(pkt), "AD"}, {ldns_pkt_cd(pkt), "CD"}};
    out->flag_count = 0;
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (flags[i].set)
            snprintf(out->flags[out->flag_count++], sizeof(out->flags[0]), "%s", flags[i].name);
}

/* The questions, the first always, the others while they fit in *budget. */
static void describe_questions(const ldns_rr_list *list, struct dns_summary *out, size_t *budget)
{
    out->question_total = ldns_rr_list_rr_count(list);
    out->question_count = 0;
    for (size_t i = 0; i < out->question_total && i < DNS_SUMMARY_QUESTIONS; i++) {
        struct dns_question *q = &out->questions[out->question_count];
        const ldns_rr *rr = ldns_rr_list_rr(list, i);
        if (dns_name_format(ldns_rr_owner(rr), q->name, sizeof(q->name)) < 0)
            q->name[0] = '\0';
        size_t cost = strlen(q->name);
        if (i > 0 && cost > *budget)
            break;
        *budget -= cost < *budget ? cost : *budget;
        take_str(q->type, sizeof(q->type), ldns_rr_type2str(ldns_rr_get_type(rr)));
        take_str(q->qclass, sizeof(q->qclass), ldns_rr_class2str(ldns_rr_get_class(rr)));
        out->question_count++;
    }
}

/* The answers while they fit in *budget, and the addresses of every A/AAAA answer. */
static void describe_answers(const ldns_rr_list *list, struct dns_summary *out, size_t *budget)
{
    out->answer_total = ldns_rr_list_rr_count(list);
    out->answer_count = out->resolved_total = out->resolved_count = 0;
    bool full = false;
    for (size_t i = 0; i < out->answer_total; i++) {
        const ldns_rr *rr = ldns_rr_list_rr(list, i);
        ldns_rr_type type = ldns_rr_get_type(rr);
        if (type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA) {
            char past[DNS_DATA_MAX] = ""; /* counted, not listed */
            bool room = out->resolved_count < DNS_SUMMARY_RESOLVED;
            if (format_address(rr, room ? out->resolved[out->resolved_count] : past,
                               DNS_DATA_MAX)) {
                out->resolved_total++;
                out->resolved_count += room;
            }
        }
        if (full || out->answer_count == DNS_SUMMARY_ANSWERS)
            continue;
        struct dns_answer *a = &out->answers[out->answer_count];
        describe_answer(rr, a);
        size_t cost = strlen(a->name) + strlen(a->data);
        full = cost > *budget;
        if (!full) {
            *budget -= cost;
            out->answer_count++;
        }
    }
}

int dns_summarize(const uint8_t *msg, size_t len, struct dns_summary *out, const char **why)
{
    ldns_pkt *pkt = dns_parse_message(msg, len, why);
    if (!pkt)
        return -1;
    out->id = ldns_pkt_id(pkt);
    out->qr = ldns_pkt_qr(pkt);
    take_str(out->rcode, sizeof(out->rcode), ldns_pkt_rcode2str(ldns_pkt_get_rcode(pkt)));
    describe_flags(pkt, out);
    size_t budget = DNS_SUMMARY_BUDGET;
    describe_questions(ldns_pkt_question(pkt), out, &budget);
    describe_answers(ldns_pkt_answer(pkt), out, &budget);
    ldns_pkt_free(pkt);
    return 0;
}
