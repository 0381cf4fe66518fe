/* The XDP and TC egress programs of --inbound (bpf_text/guard/inbound_guard.h), compiled by libbcc
 * inside the guard's text and run by the kernel on hand-built Ethernet frames (BPF_PROG_TEST_RUN):
 * sources in the feeds' tries dropped (IPv4, behind one and two VLAN tags, IPv6, and the
 * IPv4 host of an IPv4-mapped, NAT64 or 6to4 source), every other frame passed (clean
 * sources, ARP, three VLAN tags, headers cut short); counted per protocol exactly;
 * reported for a source's first packet, not again within the report interval (200 ms
 * here, a minute in the tool), then again with the source's total; under --block print
 * the same reports and counts, nothing dropped; a flood from 150 sources reported 100 a
 * second, the rest counted as held back; frames toward a feed address that the kernel
 * would not route on (in the test's own network namespace) passed and not counted (the
 * routed ones are tests/e2e/inbound.sh's), those for this host's own listed addresses
 * included. The egress program: frames toward listed addresses (IPv4, behind VLAN tags,
 * IPv6, NAT64) shot and counted as sent out, reported with their sender, clean ones and
 * frames from listed addresses left to the next program (TC_ACT_UNSPEC); under print the
 * same reports, nothing shot. Needs root (CAP_BPF); skipped (77) without it. */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/ebpfshield_events.h"
#include "engine/bpf_shim.h"
#include "base/log.h"

extern const char bpf_text_cgroup_connect[];

static int failures;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL: line %d: ", __LINE__);                                          \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#define FEED_V4 3 /* 198.51.100.0/24 */
#define FEED_V6 5 /* fd00:bad::/64 */
#define MAX_EVENTS 256

static struct inboundevent events[MAX_EVENTS];
static int nevents, others;

static void on_sample(void *ctx, void *data, int size)
{
    (void)ctx;
    if (size >= (int)sizeof(struct inboundevent) && size < (int)sizeof(struct netevent) &&
        nevents < MAX_EVENTS)
        memcpy(&events[nevents++], data, sizeof(struct inboundevent));
    else
        others++;
}

/* The guard's text with the XDP program (tc: the TC egress one); refuse: --block other than
 * print. */
static struct shim_bpf *compile_prog(int refuse, bool tc, int *prog_fd)
{
    char refuse_flag[32];
    snprintf(refuse_flag, sizeof(refuse_flag), "-DGUARD_REFUSE=%d", refuse);
    const char *cflags[] = {refuse_flag,
                            "-DGUARD_SIGNAL=0",
                            "-DGUARD_SIGNAL_AT=2",
                            "-DGUARD_EXIT_ON_DEMAND=0",
                            "-DGUARD_REPORT_TCP4=1",
                            "-DGUARD_REPORT_CONNECTS=0",
                            "-DGUARD_V4_ENTRIES=1024",
                            "-DGUARD_V6_ENTRIES=1024",
                            "-DGUARD_GROUP_DEAD=-1",
                            "-DGUARD_DOMAINS=0",
                            "-DGUARD_INBOUND=1",
                            "-DINBOUND_REPORT_NS=200000000ULL",
                            NULL};
    struct shim_bpf *b;
    struct error e;
    if (shim_init(&b, bpf_text_cgroup_connect, cflags, "guard text", NULL, &e) != 0 ||
        (tc ? shim_load_tc(b, "leaving_check", prog_fd, &e)
            : shim_load_xdp(b, "inbound_check", prog_fd, &e)) != 0 ||
        shim_open_perf_buffer(b, "events", on_sample, NULL, NULL, 8, 1, &e) != 0) {
        fprintf(stderr, "FAIL: %s\n", e.msg);
        exit(1);
    }
    struct lpm_v4 k4 = {.prefixlen = 24};
    struct lpm_v6 k6 = {.prefixlen = 64};
    uint32_t f4 = FEED_V4, f6 = FEED_V6;
    struct lpm_v4 local4 = {.prefixlen = 8};
    struct lpm_v6 local6 = {.prefixlen = 128};
    inet_pton(AF_INET, "198.51.100.0", &k4.addr);
    inet_pton(AF_INET6, "fd00:bad::", k6.addr);
    inet_pton(AF_INET, "127.0.0.0", &local4.addr);
    inet_pton(AF_INET6, "::1", local6.addr);
    if (shim_table_update(b, "feeds_v4", &k4, &f4, &e) != 0 ||
        shim_table_update(b, "feeds_v6", &k6, &f6, &e) != 0 ||
        shim_table_update(b, "feeds_v4", &local4, &f4, &e) != 0 ||
        shim_table_update(b, "feeds_v6", &local6, &f6, &e) != 0) {
        fprintf(stderr, "FAIL: %s\n", e.msg);
        exit(1);
    }
    return b;
}

static struct shim_bpf *compile(int refuse, int *prog_fd)
{
    return compile_prog(refuse, false, prog_fd);
}

/* An Ethernet frame from src to dst (IPv4 or IPv6 text; dst NULL: the unspecified
 * address) of IP protocol proto behind the VLAN tags (outermost first; 0 ends), into buf:
 * its length. */
static size_t frame_to(uint8_t *buf, const char *src, const char *dst, uint8_t proto,
                       const uint16_t *tags)
{
    static const uint8_t tpid[2][2] = {{0x88, 0xa8}, {0x81, 0x00}};
    size_t n = 12, ntags = 0;
    memset(buf, 0, 128);
    static const uint16_t untagged[] = {0};
    if (!tags)
        tags = untagged;
    while (tags[ntags])
        ntags++;
    for (size_t i = 0; i < ntags; i++) {
        memcpy(buf + n, tpid[i + 1 == ntags], 2);
        buf[n + 2] = (uint8_t)(tags[i] >> 8);
        buf[n + 3] = (uint8_t)tags[i];
        n += 4;
    }
    if (strchr(src, ':')) {
        buf[n] = 0x86, buf[n + 1] = 0xdd;
        buf[n + 2] = 0x60;
        buf[n + 2 + 6] = proto;
        inet_pton(AF_INET6, src, buf + n + 2 + 8);
        if (dst)
            inet_pton(AF_INET6, dst, buf + n + 2 + 24);
        return n + 2 + 40 + 8;
    }
    buf[n] = 0x08, buf[n + 1] = 0x00;
    buf[n + 2] = 0x45;
    buf[n + 2 + 9] = proto;
    inet_pton(AF_INET, src, buf + n + 2 + 12);
    if (dst)
        inet_pton(AF_INET, dst, buf + n + 2 + 16);
    return n + 2 + 20 + 8;
}

static size_t frame(uint8_t *buf, const char *src, uint8_t proto, const uint16_t *tags)
{
    return frame_to(buf, src, NULL, proto, tags);
}

/* The program's verdict on len bytes of buf. */
static uint32_t run(int prog_fd, const uint8_t *buf, size_t len)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.test.prog_fd = (uint32_t)prog_fd;
    a.test.data_in = (uintptr_t)buf;
    a.test.data_size_in = (uint32_t)len;
    a.test.repeat = 1;
    if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &a, sizeof(a)) != 0) {
        perror("BPF_PROG_TEST_RUN");
        failures++;
        return 0xdeadbeefu; /* no verdict of either program */
    }
    return a.test.retval;
}

static uint32_t run_from(int prog_fd, const char *src, uint8_t proto, const uint16_t *tags)
{
    uint8_t buf[128];
    return run(prog_fd, buf, frame(buf, src, proto, tags));
}

static unsigned long long counter(struct shim_bpf *b, int index)
{
    unsigned long long n = 0;
    struct error e;
    if (shim_percpu_sum(b, "inbound_counters", index, &n, &e) != 0) {
        fprintf(stderr, "FAIL: %s\n", e.msg);
        failures++;
    }
    return n;
}

static void drain(struct shim_bpf *b)
{
    nevents = others = 0;
    shim_consume(b);
}

/* Event i is from src (as the event names it: an IPv4 host carried in IPv6 by its IPv4
 * address), of feed, with total packets, vlan and dropped. */
static void expect_event(int i, int family, const char *src, uint32_t feed, uint64_t packets,
                         uint16_t vlan, int dropped)
{
    uint8_t addr[16] = {0};
    inet_pton(family, src, addr);
    if (i >= nevents) {
        EXPECT(0, "event %d from %s missing (%d events)", i, src, nevents);
        return;
    }
    const struct inboundevent *ev = &events[i];
    EXPECT(ev->family == family && memcmp(ev->addr, addr, sizeof(addr)) == 0 && !ev->toward,
           "event %d: source %s (family %u, toward %u)", i, src, ev->family, ev->toward);
    EXPECT(ev->feed == feed, "event %d: feed %u, want %u", i, ev->feed, feed);
    EXPECT(ev->packets == packets, "event %d: packets %llu, want %llu", i,
           (unsigned long long)ev->packets, (unsigned long long)packets);
    EXPECT(ev->vlan == vlan, "event %d: vlan %u, want %u", i, ev->vlan, vlan);
    EXPECT(ev->dropped == dropped, "event %d: dropped %u", i, ev->dropped);
    EXPECT(ev->ifindex == 1 && ev->ts_boot_ns != 0, "event %d: ifindex %u (lo)", i, ev->ifindex);
}

static void test_refusing(void)
{
    int fd;
    struct shim_bpf *b = compile(1, &fd);
    const uint16_t vlan42[] = {42, 0}, qinq[] = {100, 42, 0}, three[] = {7, 8, 9, 0};

    EXPECT(run_from(fd, "198.51.100.7", IPPROTO_TCP, NULL) == XDP_DROP, "IPv4 source listed");
    EXPECT(run_from(fd, "198.51.100.7", IPPROTO_TCP, NULL) == XDP_DROP, "again");
    EXPECT(run_from(fd, "203.0.113.1", IPPROTO_TCP, NULL) == XDP_PASS, "clean IPv4 source");
    EXPECT(run_from(fd, "198.51.100.8", IPPROTO_UDP, vlan42) == XDP_DROP, "802.1Q");
    EXPECT(run_from(fd, "198.51.100.9", 1, qinq) == XDP_DROP, "802.1ad + 802.1Q");
    EXPECT(run_from(fd, "198.51.100.9", 1, three) == XDP_PASS, "three tags: the stack's");
    EXPECT(run_from(fd, "fd00:bad::1", IPPROTO_UDP, NULL) == XDP_DROP, "IPv6 source listed");
    EXPECT(run_from(fd, "64:ff9b::198.51.100.10", IPPROTO_TCP, NULL) == XDP_DROP, "NAT64");
    EXPECT(run_from(fd, "2002:c633:640b::1", 58, NULL) == XDP_DROP, "6to4");
    EXPECT(run_from(fd, "::ffff:198.51.100.12", 47, NULL) == XDP_DROP, "IPv4-mapped");
    EXPECT(run_from(fd, "2001:db8::1", IPPROTO_TCP, NULL) == XDP_PASS, "clean IPv6 source");
    EXPECT(run_from(fd, "fd00:bad:0:1::1", IPPROTO_TCP, NULL) == XDP_PASS, "next /64");

    uint8_t buf[128];
    frame(buf, "198.51.100.7", IPPROTO_TCP, NULL);
    EXPECT(run(fd, buf, 14 + 19) == XDP_PASS, "IPv4 header cut short");
    frame(buf, "fd00:bad::1", IPPROTO_TCP, NULL);
    EXPECT(run(fd, buf, 14 + 39) == XDP_PASS, "IPv6 header cut short");
    size_t len = frame(buf, "198.51.100.8", IPPROTO_UDP, vlan42);
    EXPECT(run(fd, buf, 16) == XDP_PASS, "VLAN tag cut short");
    buf[12] = 0x08, buf[13] = 0x06;
    EXPECT(run(fd, buf, len) == XDP_PASS, "ARP");

    EXPECT(counter(b, EBPFSHIELD_INBOUND_TCP) == 3, "TCP counted: %llu",
           counter(b, EBPFSHIELD_INBOUND_TCP));
    EXPECT(counter(b, EBPFSHIELD_INBOUND_UDP) == 2, "UDP counted: %llu",
           counter(b, EBPFSHIELD_INBOUND_UDP));
    EXPECT(counter(b, EBPFSHIELD_INBOUND_ICMP) == 2, "ICMP and ICMPv6 counted: %llu",
           counter(b, EBPFSHIELD_INBOUND_ICMP));
    EXPECT(counter(b, EBPFSHIELD_INBOUND_OTHER) == 1, "GRE counted: %llu",
           counter(b, EBPFSHIELD_INBOUND_OTHER));

    /* Toward a feed address, but not routed on (this test's own network namespace: no
     * route but loopback's, forwarding on): for nobody, or for this host (127.0.0.0/8 and
     * ::1 are listed here). Passed, not counted. */
    len = frame_to(buf, "203.0.113.1", "198.51.100.7", IPPROTO_TCP, NULL);
    EXPECT(run(fd, buf, len) == XDP_PASS, "toward a listed IPv4 address, no route");
    len = frame_to(buf, "2001:db8::1", "fd00:bad::1", IPPROTO_TCP, NULL);
    EXPECT(run(fd, buf, len) == XDP_PASS, "toward a listed IPv6 address, no route");
    len = frame_to(buf, "203.0.113.1", "127.0.0.1", IPPROTO_UDP, NULL);
    EXPECT(run(fd, buf, len) == XDP_PASS, "toward this host's own listed IPv4 address");
    len = frame_to(buf, "2001:db8::1", "::1", IPPROTO_UDP, NULL);
    EXPECT(run(fd, buf, len) == XDP_PASS, "toward this host's own listed IPv6 address");
    EXPECT(counter(b, EBPFSHIELD_INBOUND_FORWARDED) == 0, "not counted as forwarded: %llu",
           counter(b, EBPFSHIELD_INBOUND_FORWARDED));

    drain(b);
    EXPECT(nevents == 7 && others == 0, "7 reports, one per source (%d, %d others)", nevents,
           others);
    expect_event(0, AF_INET, "198.51.100.7", FEED_V4, 1, 0, 1);
    expect_event(1, AF_INET, "198.51.100.8", FEED_V4, 1, 42, 1);
    expect_event(2, AF_INET, "198.51.100.9", FEED_V4, 1, 100, 1);
    expect_event(3, AF_INET6, "fd00:bad::1", FEED_V6, 1, 0, 1);
    expect_event(4, AF_INET, "198.51.100.10", FEED_V4, 1, 0, 1);
    expect_event(5, AF_INET, "198.51.100.11", FEED_V4, 1, 0, 1);
    expect_event(6, AF_INET, "198.51.100.12", FEED_V4, 1, 0, 1);

    usleep(300 * 1000); /* past the report interval: the next packet is reported, total 3 */
    EXPECT(run_from(fd, "198.51.100.7", IPPROTO_TCP, NULL) == XDP_DROP, "after the interval");
    EXPECT(run_from(fd, "198.51.100.7", IPPROTO_TCP, NULL) == XDP_DROP, "and once more");
    drain(b);
    EXPECT(nevents == 1, "one report after the interval (%d)", nevents);
    expect_event(0, AF_INET, "198.51.100.7", FEED_V4, 3, 0, 1);
    shim_destroy(b);
}

static void test_print(void)
{
    int fd;
    struct shim_bpf *b = compile(0, &fd);
    EXPECT(run_from(fd, "198.51.100.7", IPPROTO_UDP, NULL) == XDP_PASS, "print: listed passes");
    EXPECT(run_from(fd, "203.0.113.1", IPPROTO_UDP, NULL) == XDP_PASS, "print: clean passes");
    EXPECT(counter(b, EBPFSHIELD_INBOUND_UDP) == 1, "print: counted");
    drain(b);
    EXPECT(nevents == 1, "print: one report (%d)", nevents);
    expect_event(0, AF_INET, "198.51.100.7", FEED_V4, 1, 0, 0);
    shim_destroy(b);
}

/* 150 listed sources, twice each, within a second: 100 reported, 50 held back and counted
 * once (a held source tries again a second later); every packet dropped and counted. */
static void test_flood(void)
{
    int fd;
    struct shim_bpf *b = compile(1, &fd);
    int dropped = 0;
    for (int round = 0; round < 2; round++) /* a held source is not held again at once */
        for (int i = 1; i <= 150; i++) {
            char src[32];
            snprintf(src, sizeof(src), "198.51.100.%d", i);
            dropped += run_from(fd, src, IPPROTO_UDP, NULL) == XDP_DROP;
        }
    EXPECT(dropped == 300, "flood: %d of 300 dropped", dropped);
    EXPECT(counter(b, EBPFSHIELD_INBOUND_UDP) == 300, "flood: UDP counted: %llu",
           counter(b, EBPFSHIELD_INBOUND_UDP));
    EXPECT(counter(b, EBPFSHIELD_INBOUND_HELD) == 50, "flood: reports held back: %llu",
           counter(b, EBPFSHIELD_INBOUND_HELD));
    nevents = others = 0;
    shim_consume(b);
    EXPECT(nevents == EBPFSHIELD_INBOUND_REPORTS_PER_SEC, "flood: %d reports", nevents);
    shim_destroy(b);
}

#define TC_UNSPEC 0xffffffffu /* TC_ACT_UNSPEC (-1): the next program's say */
#define TC_SHOT 2u

/* Leaving event i: toward dst (as the event names it), from src, total packets, vlan. */
static void expect_leaving(int i, int family, const char *dst, const char *src, uint64_t packets,
                           uint16_t vlan, int dropped)
{
    uint8_t addr[16] = {0}, other[16] = {0};
    inet_pton(family, dst, addr);
    inet_pton(strchr(src, ':') ? AF_INET6 : AF_INET, src, other);
    if (i >= nevents) {
        EXPECT(0, "leaving event %d toward %s missing (%d events)", i, dst, nevents);
        return;
    }
    const struct inboundevent *ev = &events[i];
    EXPECT(ev->toward == EBPFSHIELD_TOWARD_LEAVING && ev->family == family &&
               memcmp(ev->addr, addr, sizeof(addr)) == 0 && memcmp(ev->other, other, 16) == 0,
           "leaving event %d: toward %s from %s (toward %u, family %u)", i, dst, src, ev->toward,
           ev->family);
    EXPECT(ev->packets == packets && ev->vlan == vlan && ev->dropped == dropped,
           "leaving event %d: packets %llu vlan %u dropped %u", i, (unsigned long long)ev->packets,
           ev->vlan, ev->dropped);
}

static uint32_t run_to(int fd, const char *src, const char *dst, const uint16_t *tags)
{
    uint8_t buf[128];
    return run(fd, buf, frame_to(buf, src, dst, IPPROTO_UDP, tags));
}

static void test_leaving(int refuse)
{
    int fd;
    struct shim_bpf *b = compile_prog(refuse, true, &fd);
    const uint16_t vlan42[] = {42, 0};
    uint32_t listed = refuse ? TC_SHOT : TC_UNSPEC;
    EXPECT(run_to(fd, "10.0.0.1", "198.51.100.7", NULL) == listed, "leaving: IPv4 listed");
    EXPECT(run_to(fd, "10.0.0.1", "198.51.100.7", NULL) == listed, "leaving: again");
    EXPECT(run_to(fd, "10.0.0.2", "198.51.100.8", vlan42) == listed, "leaving: 802.1Q");
    EXPECT(run_to(fd, "2001:db8::1", "fd00:bad::1", NULL) == listed, "leaving: IPv6 listed");
    EXPECT(run_to(fd, "2001:db8::1", "64:ff9b::198.51.100.10", NULL) == listed, "leaving: NAT64");
    EXPECT(run_to(fd, "10.0.0.1", "203.0.113.1", NULL) == TC_UNSPEC, "leaving: clean IPv4");
    EXPECT(run_to(fd, "2001:db8::1", "2001:db8::2", NULL) == TC_UNSPEC, "leaving: clean IPv6");
    EXPECT(run_to(fd, "198.51.100.7", "203.0.113.1", NULL) == TC_UNSPEC,
           "leaving: from a listed address: XDP's business");
    EXPECT(counter(b, EBPFSHIELD_INBOUND_LEAVING) == 5, "leaving: counted: %llu",
           counter(b, EBPFSHIELD_INBOUND_LEAVING));
    EXPECT(counter(b, EBPFSHIELD_INBOUND_UDP) == 0 && counter(b, EBPFSHIELD_INBOUND_FORWARDED) == 0,
           "leaving: not counted as arriving or forwarded");
    drain(b);
    EXPECT(nevents == 4 && others == 0, "leaving: 4 reports, one per address (%d, %d others)",
           nevents, others);
    expect_leaving(0, AF_INET, "198.51.100.7", "10.0.0.1", 1, 0, refuse);
    expect_leaving(1, AF_INET, "198.51.100.8", "10.0.0.2", 1, 42, refuse);
    expect_leaving(2, AF_INET6, "fd00:bad::1", "2001:db8::1", 1, 0, refuse);
    expect_leaving(3, AF_INET, "198.51.100.10", "2001:db8::1", 1, 0, refuse);
    shim_destroy(b);
}

/* In the test's namespace: loopback up (its local routes) and forwarding on it, so that
 * the program's route lookups get past the forwarding switch to the routes. */
static int loopback_forwarding(void)
{
    static const char *const sysctls[] = {"/proc/sys/net/ipv4/conf/lo/forwarding",
                                          "/proc/sys/net/ipv6/conf/lo/forwarding"};
    struct ifreq r = {.ifr_name = "lo"};
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &r) != 0)
        return -1;
    r.ifr_flags |= IFF_UP;
    int rc = ioctl(s, SIOCSIFFLAGS, &r);
    close(s);
    for (size_t i = 0; rc == 0 && i < 2; i++) {
        FILE *f = fopen(sysctls[i], "w");
        rc = f && fputs("1\n", f) >= 0 ? 0 : -1;
        if (f && fclose(f) != 0)
            rc = -1;
    }
    return rc;
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_inbound_xdp: needs root (CAP_BPF), skipped\n");
        return 77;
    }
    if (unshare(CLONE_NEWNET) != 0 || loopback_forwarding() != 0) {
        perror("a network namespace of the test's own, loopback up and forwarding");
        return 1;
    }
    test_refusing();
    test_print();
    test_flood();
    test_leaving(1);
    test_leaving(0);
    if (failures == 0)
        puts("ok: the inbound XDP and egress programs drop, pass, count and report as they "
             "should");
    return failures != 0;
}
