/* DNS messages decoded with ldns: the A/AAAA questions of a query and the A/AAAA answer
 * records of a response, as the original tool reports them, and whole messages for the
 * structured outputs. Each message is first walked (dns_walk.h: its cost is linear in its
 * size); ldns parses only the records described. */
#ifndef EBPFSHIELD_DNS_DECODE_H
#define EBPFSHIELD_DNS_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 1025   /* ldns presentation format of a 255-byte name, escaped */
#define DNS_DATA_MAX 46     /* INET6_ADDRSTRLEN */
#define DNS_RDATA_MAX 512   /* an answer's rdata in presentation format, cut to fit */
#define DNS_MNEMONIC_MAX 24 /* "NXDOMAIN", "TYPE65534", "CLASS255" */

/* Which records make items: A and AAAA only (the original's lines), or every type. */
enum dns_types { DNS_TYPES_ADDRESS, DNS_TYPES_ALL };

struct dns_item {
    int qr;                      /* 0 question of a query, 1 answer record of a response */
    char name[DNS_NAME_MAX];     /* presentation format with the trailing dot: "a.example.test." */
    char type[DNS_MNEMONIC_MAX]; /* "A", "AAAA", and with DNS_TYPES_ALL "TXT", "TYPE65534"... */
    char data[DNS_RDATA_MAX];    /* qr == 1: the address, or (DNS_TYPES_ALL) the rdata in
                                  * presentation format, cut to fit; "" for qr == 0 */
};

typedef void (*dns_item_fn)(const struct dns_item *item, void *ctx);

/* Decodes one DNS message (over TCP: without its length prefix); calls fn for the first
 * max questions (query) or answer records (response) of the types asked, in message
 * order (A/AAAA answers without a well-formed address are skipped). Returns how many there
 * are in all (the rest counted, not formatted), or -1 with a reason in *why (a static
 * string) for a malformed message. */
long dns_decode_message(const uint8_t *msg, size_t len, size_t max, enum dns_types types,
                        dns_item_fn fn, void *ctx, const char **why);

#define DNS_SUMMARY_ANSWERS 32  /* answer records described; the rest only counted */
#define DNS_SUMMARY_QUESTIONS 8 /* questions described (one is the rule) */
#define DNS_SUMMARY_RESOLVED 64 /* A/AAAA addresses listed, from every answer record */
#define DNS_SUMMARY_BUDGET                                                                         \
    16384 /* bytes of names and data described in all: one event                                   \
           * stays under 40 KiB of JSON (journald takes 48 KiB) */
struct dns_question {
    char name[DNS_NAME_MAX];
    char type[DNS_MNEMONIC_MAX];
    char qclass[DNS_MNEMONIC_MAX];
};

/* One answer record of any type, in presentation format. */
struct dns_answer {
    char name[DNS_NAME_MAX];
    char type[DNS_MNEMONIC_MAX];
    char rclass[DNS_MNEMONIC_MAX];
    uint32_t ttl;
    char data[DNS_RDATA_MAX];
};

/* A whole DNS message as a SIEM wants it (--output json): every question and answer type
 * and every response code, not only A/AAAA. What is not described (past the counts or
 * DNS_SUMMARY_BUDGET) is counted: totals against counts. */
struct dns_summary {
    uint16_t id;
    int qr;
    char rcode[DNS_MNEMONIC_MAX];
    char flags[8][3]; /* "AA", "TC", "RD", "RA", "AD", "CD" that are set */
    size_t flag_count;
    size_t question_total, question_count;
    struct dns_question questions[DNS_SUMMARY_QUESTIONS];
    size_t answer_total, answer_count;
    struct dns_answer answers[DNS_SUMMARY_ANSWERS];
    size_t resolved_total, resolved_count; /* A/AAAA addresses among all answers */
    char resolved[DNS_SUMMARY_RESOLVED][DNS_DATA_MAX];
};

/* The mnemonic of a record type ("TXT", "TYPE65534") into buf. */
void dns_type_name(uint16_t type, char *buf, size_t size);

/* Describes one DNS message into *out (large: keep it off small stacks). 0, or -1 with a
 * reason in *why for a malformed message. */
int dns_summarize(const uint8_t *msg, size_t len, struct dns_summary *out, const char **why);

#endif
