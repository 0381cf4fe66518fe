/* A DNS message's layout, checked in time linear in its size whatever it holds, before
 * ldns parses any of it.
 *
 * ldns follows up to 65,535 compression pointers in one name (a loop costs all of them),
 * and ldns_wire2pkt parses every record of a message: a 64 KiB message of 10,800
 * questions, each a pointer into one long chain, cost it 70 ms. The walk checks every
 * name ldns could decompress (owner names, and the name fields of rdata where ldns' own
 * descriptors put them) as ldns would, with at most DNS_WALK_HOPS_MAX pointers per name,
 * remembering what it found at every position of the message so that no byte is read
 * twice, whatever names share it; ldns then parses only the records the output describes
 * (dns_decode.c), at the places the walk found. */
#ifndef EBPFSHIELD_DNS_WALK_H
#define EBPFSHIELD_DNS_WALK_H

#include <stddef.h>
#include <stdint.h>

/* Pointers followed in one name: a legitimate name has at most one per label (127). */
#define DNS_WALK_HOPS_MAX 127

enum dns_section_index { DNS_QUESTIONS, DNS_ANSWERS, DNS_AUTHORITY, DNS_ADDITIONAL };

struct dns_layout {
    unsigned count[4];    /* records per section (the header's counts) */
    size_t section_at[4]; /* offset of each section's first record */
};

/* One record, as its fixed fields say. */
struct dns_record_ref {
    size_t at;   /* its owner name: where ldns_wire2rr starts */
    size_t next; /* the record that follows it */
    uint16_t type, rclass;
    uint32_t ttl;           /* not for questions (0) */
    size_t rdata, rdlength; /* not for questions (0) */
};

/* Checks all of msg: the header, every record of the four sections where ldns would parse
 * it, every name ldns would decompress (its labels, pointers and length as ldns checks
 * them, and no more than DNS_WALK_HOPS_MAX pointers). Trailing bytes are ignored, as ldns
 * does. 0 with *out filled, or -1 with a reason in *why (a static string; why may be
 * NULL). One walk at a time: it keeps what it learns in one static memo (512 KiB). */
int dns_walk(const uint8_t *msg, size_t len, struct dns_layout *out, const char **why);

/* The record at offset at of a message dns_walk accepted, in section. */
void dns_record_read(const uint8_t *msg, size_t at, enum dns_section_index section,
                     struct dns_record_ref *out);

/* How many rdata fields ldns makes of the record at rec (dns_record_read) of a walked
 * message. */
size_t dns_rdata_fields(const uint8_t *msg, const struct dns_record_ref *rec);

/* The type of msg's first question, its name skipped (not followed) with every length
 * checked; -1 when it has none. */
int dns_first_question_type(const uint8_t *msg, size_t len);

#endif
