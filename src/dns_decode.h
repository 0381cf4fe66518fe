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

/* Decodes one DNS message; calls fn for every A/AAAA question (query) or answer record
 * (response), in message order. Returns 0, or -1 with a reason in *why (static string
 * or ldns_get_errorstr_by_id) for a malformed message. */
int dns_decode_message(const uint8_t *msg, size_t len, dns_item_fn fn, void *ctx, const char **why);

/* Decodes a transport payload: for UDP one message; for TCP (proto 6) every complete
 * message of the segment, each behind its 2-byte length prefix (RFC 1035 4.2.2); an
 * incomplete trailing message is ignored. Returns the number of messages decoded, or
 * -1 with *why set when a message is malformed. */
int dns_decode_payload(uint8_t proto, const uint8_t *payload, size_t len, dns_item_fn fn, void *ctx,
                       const char **why);

#endif
