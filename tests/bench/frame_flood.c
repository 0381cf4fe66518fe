/* A benchmark's packet source: one IPv4 UDP frame (18 bytes of payload) from SADDR to
 * DADDR:9, written to IFACE by a packet socket as fast as sendmmsg takes it, bypassing
 * the qdisc, for SECONDS; prints how many frames the kernel took.
 * usage: frame_flood IFACE DST_MAC SRC_MAC SADDR DADDR SECONDS   (root or CAP_NET_RAW) */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 256

static int parse_mac(const char *s, uint8_t mac[6])
{
    return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
                  &mac[5]) == 6
               ? 0
               : -1;
}

static uint16_t ip_checksum(const uint8_t *h)
{
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The frame into f (60 bytes): 0, or -1 for a bad address. */
static int build(uint8_t f[60], char **argv)
{
    memset(f, 0, 60);
    if (parse_mac(argv[2], f) || parse_mac(argv[3], f + 6))
        return -1;
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[3] = 46; /* 20 + 8 + 18 */
    ip[8] = 64;
    ip[9] = 17;
    if (inet_pton(AF_INET, argv[4], ip + 12) != 1 || inet_pton(AF_INET, argv[5], ip + 16) != 1)
        return -1;
    uint16_t c = ip_checksum(ip);
    ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
    uint8_t *udp = ip + 20;
    udp[0] = 0x9c, udp[1] = 0x40; /* 40000 */
    udp[3] = 9;
    udp[5] = 26;
    return 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    uint8_t frame[60];
    if (argc != 7 || build(frame, argv) != 0) {
        fprintf(stderr, "usage: %s IFACE DST_MAC SRC_MAC SADDR DADDR SECONDS\n", argv[0]);
        return 2;
    }
    int s = socket(AF_PACKET, SOCK_RAW, 0);
    int one = 1;
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex(argv[1])};
    if (s < 0 || to.sll_ifindex == 0 || bind(s, (struct sockaddr *)&to, sizeof(to)) != 0 ||
        setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) != 0) {
        perror("frame_flood: packet socket");
        return 1;
    }
    struct iovec iov = {.iov_base = frame, .iov_len = sizeof(frame)};
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long long sent = 0;
    double end = now() + atof(argv[6]);
    while (now() < end) {
        int n = sendmmsg(s, msgs, BATCH, 0);
        if (n > 0)
            sent += (unsigned long long)n;
    }
    printf("%llu\n", sent);
    return 0;
}
