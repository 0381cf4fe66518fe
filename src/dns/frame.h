/* Decoding of the frames the socket filter ships (Ethernet) and of the packets the socket
 * hooks ship (from the IP header): IPv4 (options allowed) or
 * IPv6 (extension headers allowed), UDP or TCP (options allowed). Every length is checked
 * against the captured bytes. */
#ifndef EBPFSHIELD_FRAME_H
#define EBPFSHIELD_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_TCP_FIN 0x01
#define FRAME_TCP_SYN 0x02
#define FRAME_TCP_RST 0x04

struct frame_info {
    uint64_t netns;         /* the network namespace's cookie, set by the caller (0: the
                             * tool's own): part of a flow's identity */
    uint8_t proto;          /* 6 (TCP) or 17 (UDP) */
    int family;             /* AF_INET or AF_INET6 */
    uint8_t saddr[16];      /* network order; IPv4 in the first 4 bytes */
    uint8_t daddr[16];      /* network order */
    uint16_t sport;         /* host order */
    uint16_t dport;         /* host order */
    uint32_t seq;           /* TCP: sequence number (with SYN, the data starts one past) */
    uint8_t tcp_flags;      /* TCP: FRAME_TCP_* */
    const uint8_t *payload; /* points into the frame */
    size_t payload_len;     /* bounded by the IP length and the captured bytes */
};

enum frame_status {
    FRAME_OK = 0,
    FRAME_TRUNCATED = -1, /* a header or length runs past the captured bytes */
    FRAME_NOT_IP = -2,
    FRAME_BAD_HEADER = -3, /* IHL < 5, data offset < 5, total length < header, ... */
    FRAME_NOT_UDP_TCP = -4,
    FRAME_FRAGMENT = -5, /* not the first fragment: no transport header */
};

/* frame starts at the Ethernet header. Returns a frame_status. */
int frame_decode(const uint8_t *frame, size_t len, struct frame_info *out);
/* packet starts at the IP header (version 4 or 6). Returns a frame_status. */
int frame_decode_ip(const uint8_t *packet, size_t len, struct frame_info *out);
const char *frame_strerror(int status);

#endif
