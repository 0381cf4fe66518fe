#include "dns/frame.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define ETH_HEADER_LEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPV4_MIN_HEADER_LEN 20
#define IPV4_FRAG_OFFSET_MASK 0x1fff
#define IPV6_HEADER_LEN 40
#define IPV6_FRAG_OFFSET_MASK 0xfff8
#define VLAN_TAGS_MAX 2 /* as the kernel programs */
#define VLAN_TAG_LEN 4
#define IPV6_EXT_MAX 8 /* as the kernel programs: more than that is never shipped */
#define UDP_HEADER_LEN 8
#define TCP_MIN_HEADER_LEN 20

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* seg/len: the IP data, already bounded by the IP length and the captured bytes. */
static int decode_udp(const uint8_t *seg, size_t len, struct frame_info *fi)
{
    if (len < UDP_HEADER_LEN)
        return FRAME_TRUNCATED;
    size_t udp_len = get16(seg + 4);
    if (udp_len < UDP_HEADER_LEN)
        return FRAME_BAD_HEADER;
    fi->sport = get16(seg);
    fi->dport = get16(seg + 2);
    fi->payload = seg + UDP_HEADER_LEN;
    fi->payload_len = min_size(udp_len, len) - UDP_HEADER_LEN;
    return FRAME_OK;
}

static int decode_tcp(const uint8_t *seg, size_t len, struct frame_info *fi)
{
    if (len < TCP_MIN_HEADER_LEN)
        return FRAME_TRUNCATED;
    size_t header_len = (size_t)(seg[12] >> 4) * 4;
    if (header_len < TCP_MIN_HEADER_LEN)
        return FRAME_BAD_HEADER;
    if (header_len > len)
        return FRAME_TRUNCATED;
    fi->sport = get16(seg);
    fi->dport = get16(seg + 2);
    fi->seq = get32(seg + 4);
    fi->tcp_flags = seg[13] & (FRAME_TCP_FIN | FRAME_TCP_SYN | FRAME_TCP_RST);
    fi->payload = seg + header_len;
    fi->payload_len = len - header_len;
    return FRAME_OK;
}

static int decode_transport(const uint8_t *seg, size_t len, struct frame_info *fi)
{
    switch (fi->proto) {
    case IPPROTO_UDP:
        return decode_udp(seg, len, fi);
    case IPPROTO_TCP:
        return decode_tcp(seg, len, fi);
    default:
        return FRAME_NOT_UDP_TCP;
    }
}

/* ip/cap: the IPv4 header onwards, cap being the captured bytes (padding included). */
static int decode_ipv4(const uint8_t *ip, size_t cap, struct frame_info *fi)
{
    if (cap < IPV4_MIN_HEADER_LEN)
        return FRAME_TRUNCATED;
    if (ip[0] >> 4 != 4)
        return FRAME_NOT_IP;
    size_t header_len = (size_t)(ip[0] & 0x0f) * 4;
    if (header_len < IPV4_MIN_HEADER_LEN)
        return FRAME_BAD_HEADER;
    if (header_len > cap)
        return FRAME_TRUNCATED;
    size_t total_len = get16(ip + 2);
    if (total_len < header_len)
        return FRAME_BAD_HEADER;
    /* A first fragment (offset 0, MF set) still carries the transport header. */
    if (get16(ip + 6) & IPV4_FRAG_OFFSET_MASK)
        return FRAME_FRAGMENT;
    fi->family = AF_INET;
    fi->proto = ip[9];
    memcpy(fi->saddr, ip + 12, 4);
    memcpy(fi->daddr, ip + 16, 4);
    /* The total length excludes the padding the perf sample may carry after the frame. */
    size_t data_len = min_size(total_len, cap) - header_len;
    return decode_transport(ip + header_len, data_len, fi);
}

/* The IPv6 header onwards; extension headers are skipped as the socket filter does. */
static int decode_ipv6(const uint8_t *ip, size_t cap, struct frame_info *fi)
{
    if (cap < IPV6_HEADER_LEN)
        return FRAME_TRUNCATED;
    if (ip[0] >> 4 != 6)
        return FRAME_NOT_IP;
    size_t end = min_size(IPV6_HEADER_LEN + (size_t)get16(ip + 4), cap);
    uint8_t next = ip[6];
    size_t off = IPV6_HEADER_LEN;
    for (int i = 0; i < IPV6_EXT_MAX && next != IPPROTO_UDP && next != IPPROTO_TCP; i++) {
        if (off + 8 > end)
            return FRAME_TRUNCATED;
        if (next == IPPROTO_FRAGMENT) {
            if (get16(ip + off + 2) & IPV6_FRAG_OFFSET_MASK)
                return FRAME_FRAGMENT;
            next = ip[off];
            off += 8;
        } else if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS) {
            next = ip[off];
            off += ((size_t)ip[off + 1] + 1) * 8;
        } else if (next == IPPROTO_AH) { /* its length in 4-byte units, less 2 */
            next = ip[off];
            off += ((size_t)ip[off + 1] + 2) * 4;
        } else {
            break;
        }
    }
    if (off > end)
        return FRAME_TRUNCATED;
    fi->family = AF_INET6;
    fi->proto = next;
    memcpy(fi->saddr, ip + 8, 16);
    memcpy(fi->daddr, ip + 24, 16);
    return decode_transport(ip + off, end - off, fi);
}

int frame_decode(const uint8_t *frame, size_t len, struct frame_info *out)
{
    struct frame_info fi = {0};

    if (len < ETH_HEADER_LEN)
        return FRAME_TRUNCATED;
    size_t l3 = ETH_HEADER_LEN;
    uint16_t ethertype = get16(frame + 12);
    /* 802.1Q / 802.1ad tags, as the kernel programs skip them (a packet socket's frame) */
    for (int i = 0; i < VLAN_TAGS_MAX && (ethertype == 0x8100 || ethertype == 0x88a8); i++) {
        if (len < l3 + VLAN_TAG_LEN)
            return FRAME_TRUNCATED;
        ethertype = get16(frame + l3 + 2);
        l3 += VLAN_TAG_LEN;
    }
    int status;
    switch (ethertype) {
    case ETHERTYPE_IPV4:
        status = decode_ipv4(frame + l3, len - l3, &fi);
        break;
    case ETHERTYPE_IPV6:
        status = decode_ipv6(frame + l3, len - l3, &fi);
        break;
    default:
        return FRAME_NOT_IP;
    }
    if (status == FRAME_OK)
        *out = fi;
    return status;
}

int frame_decode_ip(const uint8_t *packet, size_t len, struct frame_info *out)
{
    struct frame_info fi = {0};
    if (len < 1)
        return FRAME_TRUNCATED;
    int status = packet[0] >> 4 == 4   ? decode_ipv4(packet, len, &fi)
                 : packet[0] >> 4 == 6 ? decode_ipv6(packet, len, &fi)
                                       : FRAME_NOT_IP;
    if (status == FRAME_OK)
        *out = fi;
    return status;
}

const char *frame_strerror(int status)
{
    switch (status) {
    case FRAME_OK:
        return "ok";
    case FRAME_TRUNCATED:
        return "truncated frame";
    case FRAME_NOT_IP:
        return "neither IPv4 nor IPv6";
    case FRAME_BAD_HEADER:
        return "bad IP/UDP/TCP header";
    case FRAME_NOT_UDP_TCP:
        return "neither UDP nor TCP";
    case FRAME_FRAGMENT:
        return "non-first IP fragment";
    default:
        return "unknown frame status";
    }
}
