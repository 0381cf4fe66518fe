#include "dns/dns_decode.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns_name.h"
#include "dns/dns_walk.h"
#include "base/text.h"

/* The address of an A/AAAA answer record into dst; 0 when its rdata is not exactly one
 * address of the record's family. */
static int wire_address(const uint8_t *msg, const struct dns_record_ref *rec, char *dst,
                        size_t size)
{
    int family = rec->type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
    if (rec->rdlength != (family == AF_INET ? 4u : 16u))
        return 0;
    return text_address(family, msg + rec->rdata, dst, size) != NULL;
}

static bool is_address_type(uint16_t type)
{
    return type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA;
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

void dns_type_name(uint16_t type, char *buf, size_t size)
{
    take_str(buf, size, ldns_rr_type2str(type));
}

/* ldns_wire2rdf (ldns 1.8.3) allocates the record's whole rdata length again for every
 * field it makes: a 64 KiB TXT record of one-byte strings would take 4 GiB. The records of
 * one message are parsed by ldns while their fields times rdata length add up to at most
 * this; the others are described without it. */
#define LDNS_RDATA_COST_MAX (1u << 20)

/* RFC 3597's generic form of the rdata at rec: "\# LENGTH HEX...", cut to fit. */
static void generic_rdata(const uint8_t *msg, const struct dns_record_ref *rec, char *dst,
                          size_t size)
{
    static const char hex[] = "0123456789abcdef";
    int n = snprintf(dst, size, "\\# %zu ", rec->rdlength);
    size_t used = n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
    for (size_t i = 0; i < rec->rdlength && used + 2 < size; i++) {
        dst[used++] = hex[msg[rec->rdata + i] >> 4];
        dst[used++] = hex[msg[rec->rdata + i] & 15];
    }
    dst[used] = '\0';
}

/* The owner name of the record at rec and, with data, its rdata in presentation format
 * (cut to fit): parsed by ldns while the message's *budget lasts, else the name alone and
 * the data in the generic form. -1 when ldns cannot (out of memory: the walk checked the
 * record). */
static int record_text(const uint8_t *msg, size_t len, const struct dns_record_ref *rec,
                       enum dns_section_index section, char *name, size_t name_size, char *data,
                       size_t data_size, size_t *budget)
{
    static const ldns_pkt_section sections[] = {LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
                                                LDNS_SECTION_AUTHORITY, LDNS_SECTION_ADDITIONAL};
    size_t pos = rec->at;
    size_t cost = data ? dns_rdata_fields(msg, rec) * rec->rdlength : 0;
    if (cost > *budget) {
        ldns_rdf *owner = NULL;
        if (ldns_wire2dname(&owner, msg, len, &pos) != LDNS_STATUS_OK)
            return -1;
        int rc = dns_name_format(owner, name, name_size);
        ldns_rdf_deep_free(owner);
        generic_rdata(msg, rec, data, data_size);
        return rc;
    }
    *budget -= cost;
    ldns_rr *rr = NULL;
    if (ldns_wire2rr(&rr, msg, len, &pos, sections[section]) != LDNS_STATUS_OK)
        return -1;
    int rc = dns_name_format(ldns_rr_owner(rr), name, name_size);
    if (data)
        format_rdata(rr, data, data_size);
    ldns_rr_free(rr);
    return rc;
}

/* The item of the record at rec: its name, its type's mnemonic and, for an answer of
 * another type than A/AAAA (whose address is already in item->data), its rdata. */
static int describe_item(const uint8_t *msg, size_t len, const struct dns_record_ref *rec,
                         enum dns_section_index section, struct dns_item *item, size_t *budget)
{
    bool address = is_address_type(rec->type);
    if (address)
        snprintf(item->type, sizeof(item->type), "%s", rec->type == LDNS_RR_TYPE_A ? "A" : "AAAA");
    else
        dns_type_name(rec->type, item->type, sizeof(item->type));
    bool data = item->qr && !address;
    return record_text(msg, len, rec, section, item->name, sizeof(item->name),
                       data ? item->data : NULL, sizeof(item->data), budget);
}

long dns_decode_message(const uint8_t *msg, size_t len, size_t max, enum dns_types types,
                        dns_item_fn fn, void *ctx, const char **why)
{
    struct dns_layout layout;
    if (dns_walk(msg, len, &layout, why) != 0)
        return -1;
    struct dns_item item = {.qr = LDNS_QR_WIRE(msg) != 0};
    enum dns_section_index section = item.qr ? DNS_ANSWERS : DNS_QUESTIONS;
    struct dns_record_ref rec = {.next = layout.section_at[section]};
    long count = 0;
    size_t budget = LDNS_RDATA_COST_MAX;
    for (unsigned i = 0; i < layout.count[section]; i++) {
        dns_record_read(msg, rec.next, section, &rec);
        bool address = is_address_type(rec.type);
        if (!address && types != DNS_TYPES_ALL)
            continue;
        /* Address answers without a well-formed address (e.g. empty rdata) are not
         * reported. */
        item.data[0] = '\0';
        if (item.qr && address && !wire_address(msg, &rec, item.data, sizeof(item.data)))
            continue;
        if ((size_t)count++ >= max)
            continue; /* counted, not formatted */
        if (describe_item(msg, len, &rec, section, &item, &budget) < 0) {
            if (why)
                *why = "out of memory";
            return -1;
        }
        fn(&item, ctx);
    }
    return count;
}

static void describe_answer(const uint8_t *msg, size_t len, const struct dns_record_ref *rec,
                            struct dns_answer *a, size_t *budget)
{
    if (record_text(msg, len, rec, DNS_ANSWERS, a->name, sizeof(a->name), a->data, sizeof(a->data),
                    budget) < 0)
        a->name[0] = a->data[0] = '\0';
    dns_type_name(rec->type, a->type, sizeof(a->type));
    take_str(a->rclass, sizeof(a->rclass), ldns_rr_class2str(rec->rclass));
    a->ttl = rec->ttl;
}

static void describe_flags(const uint8_t *msg, struct dns_summary *out)
{
    const struct {
        bool set;
        const char *name;
    } flags[] = {{LDNS_AA_WIRE(msg), "AA"}, {LDNS_TC_WIRE(msg), "TC"}, {LDNS_RD_WIRE(msg), "RD"},
                 {LDNS_RA_WIRE(msg), "RA"}, {LDNS_AD_WIRE(msg), "AD"}, {LDNS_CD_WIRE(msg), "CD"}};
    out->flag_count = 0;
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (flags[i].set)
            snprintf(out->flags[out->flag_count++], sizeof(out->flags[0]), "%s", flags[i].name);
}

/* The questions, the first always, the others while they fit in *budget. */
static void describe_questions(const uint8_t *msg, size_t len, const struct dns_layout *layout,
                               struct dns_summary *out, size_t *budget)
{
    struct dns_record_ref rec = {.next = layout->section_at[DNS_QUESTIONS]};
    out->question_total = layout->count[DNS_QUESTIONS];
    out->question_count = 0;
    for (size_t i = 0; i < out->question_total && i < DNS_SUMMARY_QUESTIONS; i++) {
        struct dns_question *q = &out->questions[out->question_count];
        dns_record_read(msg, rec.next, DNS_QUESTIONS, &rec);
        size_t none = 0; /* a question has no data */
        if (record_text(msg, len, &rec, DNS_QUESTIONS, q->name, sizeof(q->name), NULL, 0, &none) <
            0)
            q->name[0] = '\0';
        size_t cost = strlen(q->name);
        if (i > 0 && cost > *budget)
            break;
        *budget -= cost < *budget ? cost : *budget;
        take_str(q->type, sizeof(q->type), ldns_rr_type2str(rec.type));
        take_str(q->qclass, sizeof(q->qclass), ldns_rr_class2str(rec.rclass));
        out->question_count++;
    }
}

/* An A/AAAA answer's address into the resolved list, or only counted past its room. */
static void note_resolved(const uint8_t *msg, const struct dns_record_ref *rec,
                          struct dns_summary *out)
{
    char past[DNS_DATA_MAX] = ""; /* counted, not listed */
    bool room = out->resolved_count < DNS_SUMMARY_RESOLVED;
    if (wire_address(msg, rec, room ? out->resolved[out->resolved_count] : past, DNS_DATA_MAX)) {
        out->resolved_total++;
        out->resolved_count += room;
    }
}

/* The answers while they fit in *budget (parsed by ldns), and the addresses of every
 * A/AAAA answer (read from the walk). */
static void describe_answers(const uint8_t *msg, size_t len, const struct dns_layout *layout,
                             struct dns_summary *out, size_t *budget)
{
    struct dns_record_ref rec = {.next = layout->section_at[DNS_ANSWERS]};
    out->answer_total = layout->count[DNS_ANSWERS];
    out->answer_count = out->resolved_total = out->resolved_count = 0;
    bool full = false;
    size_t ldns_budget = LDNS_RDATA_COST_MAX;
    for (size_t i = 0; i < out->answer_total; i++) {
        dns_record_read(msg, rec.next, DNS_ANSWERS, &rec);
        if (is_address_type(rec.type))
            note_resolved(msg, &rec, out);
        if (full || out->answer_count == DNS_SUMMARY_ANSWERS)
            continue;
        struct dns_answer *a = &out->answers[out->answer_count];
        describe_answer(msg, len, &rec, a, &ldns_budget);
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
    struct dns_layout layout;
    if (dns_walk(msg, len, &layout, why) != 0)
        return -1;
    out->id = LDNS_ID_WIRE(msg);
    out->qr = LDNS_QR_WIRE(msg) != 0;
    take_str(out->rcode, sizeof(out->rcode), ldns_pkt_rcode2str(LDNS_RCODE_WIRE(msg)));
    describe_flags(msg, out);
    size_t budget = DNS_SUMMARY_BUDGET;
    describe_questions(msg, len, &layout, out, &budget);
    describe_answers(msg, len, &layout, out, &budget);
    return 0;
}
