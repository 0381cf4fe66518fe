/* DNS messages decoded with ldns: the A/AAAA questions of a query and the A/AAAA answer
 * records of a response, as the original tool reports them. */
#ifndef EBPFSHIELD_DNS_DECODE_H
#define EBPFSHIELD_DNS_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 1025 /* ldns presentation format of a 255-byte name, escaped */
#define DNS_DATA_MAX 46   /* INET6_ADDRSTRLEN */

struct dns_item {
    int qr;                  /* 0 question of a query, 1 answer record of a response */
    char name[DNS_NAME_MAX]; /* presentation format with the trailing dot: "a.example.test." */
    const char *type;        /* "A" or "AAAA" */
    char data[DNS_DATA_MAX]; /* the address for qr == 1, "" for qr == 0 */
};

typedef void (*dns_item_fn)(const struct dns_item *item, void *ctx);

/* Decodes one DNS message (over TCP: without its length prefix); calls fn for the first
 * max A/AAAA questions (query) or answer records (response), in message order. Returns
 * how many there are in all (the rest counted, not formatted), or -1 with a reason in
 * *why (static string or ldns_get_errorstr_by_id) for a malformed message. */
long dns_decode_message(const uint8_t *msg, size_t len, size_t max, dns_item_fn fn, void *ctx,
                        const char **why);

#endif
