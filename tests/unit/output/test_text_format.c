/* Unit tests of --output text (text_format.c), byte for byte: the original eBPFShield's own
 * session (the reference ebpf_monitor.txt and ebpf_ipintelligence.txt) rebuilt from
 * hand-made structs, every field from its own input, the connection line and the line of
 * every --block action and hit result. */
#include "check.h"
#include "guard/block_actions.h"
#include "output/format.h"
#include "output/output.h"
#include "testlib.h"

#include <stdlib.h>

static const uint8_t localhost[16] = {127, 0, 0, 1};

/* A text output on f. */
static struct output text_on(FILE *f)
{
    return (struct output){.stream = f, .format = output_format_named("text")};
}

static void dns_line(FILE *f, const struct dns_origin *origin, const struct frame_info *frame,
                     const struct dns_item *item)
{
    struct output o = text_on(f);
    output_dns_item(&o, origin, frame, item);
}

static struct conn_event conn(const char *comm, uint32_t pid, const char *ip, uint16_t port)
{
    struct conn_event c = {.pid = pid, .port = port, .proto = IPPROTO_TCP};
    snprintf(c.comm, sizeof(c.comm), "%s", comm);
    snprintf(c.ip, sizeof(c.ip), "%s", ip);
    return c;
}

static void verbose_line(FILE *f, const char *comm, uint32_t pid, const char *ip, uint16_t port)
{
    struct output o = text_on(f);
    struct conn_event c = conn(comm, pid, ip, port);
    output_connection(&o, &c);
}

static void hit_line(FILE *f, enum block_action block, enum hit_result result, const char *comm,
                     uint32_t pid, const char *ip, const char *dump_dir)
{
    struct output o = text_on(f);
    struct conn_event c = conn(comm, pid, ip, 443);
    struct hit_report r = block_hit_report(block, result, dump_dir);
    output_hit(&o, &c, &r);
}

/* One line of the original's ebpf_monitor session and the values that made it. */
struct monitor_ref {
    const char *comm;
    uint32_t pid, tgid;
    uint8_t proto;
    uint16_t sport, dport;
    int qr;
    const char *name, *type, *data;
    const char *line;
};

/* ../shared/reference/ebpf_monitor.txt (the original tool in a real session), verbatim. */
static const struct monitor_ref monitor_refs[] = {
    {"dig", 272, 273, 17, 33703, 53, 0, "a.example.test.", "A", "",
     "COMM=dig PID=272 TGID=273 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=33703 DPT=53 "
     "UID=0 GID=0 DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n"},
    {"dig", 272, 273, 17, 53, 33703, 1, "a.example.test.", "A", "10.1.2.3",
     "COMM=dig PID=272 TGID=273 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=53 DPT=33703 "
     "UID=0 GID=0 DNS_QR=1 DNS_NAME=a.example.test. DNS_TYPE=A DNS_DATA=10.1.2.3\n"},
    {"dig", 275, 276, 17, 38330, 53, 0, "b.example.test.", "AAAA", "",
     "COMM=dig PID=275 TGID=276 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=38330 DPT=53 "
     "UID=0 GID=0 DNS_QR=0 DNS_NAME=b.example.test. DNS_TYPE=AAAA\n"},
    {"dig", 275, 276, 17, 53, 38330, 1, "b.example.test.", "AAAA", "fd00::7",
     "COMM=dig PID=275 TGID=276 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=53 DPT=38330 "
     "UID=0 GID=0 DNS_QR=1 DNS_NAME=b.example.test. DNS_TYPE=AAAA DNS_DATA=fd00::7\n"},
    {"dig", 278, 279, 6, 42793, 53, 0, "a.example.test.", "A", "",
     "COMM=dig PID=278 TGID=279 DEV=lo PROTO=TCP SRC=127.0.0.1 DST=127.0.0.1 SPT=42793 DPT=53 "
     "UID=0 GID=0 DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n"},
    {"dig", 278, 279, 6, 53, 42793, 1, "a.example.test.", "A", "10.1.2.3",
     "COMM=dig PID=278 TGID=279 DEV=lo PROTO=TCP SRC=127.0.0.1 DST=127.0.0.1 SPT=53 DPT=42793 "
     "UID=0 GID=0 DNS_QR=1 DNS_NAME=a.example.test. DNS_TYPE=A DNS_DATA=10.1.2.3\n"},
    {"getent", 282, 282, 17, 51703, 53, 0, "b.example.test.", "A", "",
     "COMM=getent PID=282 TGID=282 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=51703 "
     "DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=b.example.test. DNS_TYPE=A\n"},
    {"getent", 282, 282, 17, 51703, 53, 0, "b.example.test.", "AAAA", "",
     "COMM=getent PID=282 TGID=282 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=51703 "
     "DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=b.example.test. DNS_TYPE=AAAA\n"},
    {"getent", 282, 282, 17, 53, 51703, 1, "b.example.test.", "A", "10.9.8.7",
     "COMM=getent PID=282 TGID=282 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=53 "
     "DPT=51703 UID=0 GID=0 DNS_QR=1 DNS_NAME=b.example.test. DNS_TYPE=A DNS_DATA=10.9.8.7\n"},
    {"getent", 282, 282, 17, 53, 51703, 1, "b.example.test.", "AAAA", "fd00::7",
     "COMM=getent PID=282 TGID=282 DEV=lo PROTO=UDP SRC=127.0.0.1 DST=127.0.0.1 SPT=53 "
     "DPT=51703 UID=0 GID=0 DNS_QR=1 DNS_NAME=b.example.test. DNS_TYPE=AAAA DNS_DATA=fd00::7\n"},
};

static void print_ref(FILE *out, const struct monitor_ref *r)
{
    struct port_val proc = {.ifindex = 1, .pid = r->pid, .tid = r->tgid};
    struct dns_origin origin = {.proc = &proc, .comm = r->comm, .ifname = "lo"};
    struct frame_info frame = {
        .proto = r->proto, .family = AF_INET, .sport = r->sport, .dport = r->dport};
    struct dns_item item = {.qr = r->qr};

    memcpy(frame.saddr, localhost, 16);
    memcpy(frame.daddr, localhost, 16);
    snprintf(proc.comm, sizeof(proc.comm), "%s", r->comm);
    snprintf(item.name, sizeof(item.name), "%s", r->name);
    snprintf(item.type, sizeof(item.type), "%s", r->type);
    snprintf(item.data, sizeof(item.data), "%s", r->data);
    dns_line(out, &origin, &frame, &item);
}

static void test_monitor_reference(void)
{
    for (size_t i = 0; i < sizeof(monitor_refs) / sizeof(monitor_refs[0]); i++) {
        struct capture c;
        capture_open(&c);
        print_ref(c.f, &monitor_refs[i]);
        char *got = capture_text(&c);
        CHECK_STR(got, monitor_refs[i].line);
        free(got);
    }
}

/* Other processes, devices and addresses: every field comes from its own input. */
static void test_monitor_fields(void)
{
    struct port_val proc = {.ifindex = 7,
                            .pid = 4294967295u,
                            .tid = 1,
                            .uid = 1000,
                            .gid = 4294967294u,
                            .comm = "kernel-name"};
    struct dns_origin origin = {.proc = &proc, .comm = "resolver x", .ifname = "7"};
    struct frame_info frame = {.proto = 6, .family = AF_INET, .sport = 65535, .dport = 53};
    struct dns_item item = {
        .qr = 0, .name = "\\.weird\\032name.", .type = "AAAA", .data = "ignored for a query"};
    struct capture c;

    test_addr(frame.saddr, AF_INET, "192.168.1.2");
    test_addr(frame.daddr, AF_INET, "8.8.4.4");
    capture_open(&c);
    dns_line(c.f, &origin, &frame, &item);
    frame = (struct frame_info){.proto = 17, .family = AF_INET, .sport = 53, .dport = 0};
    test_addr(frame.saddr, AF_INET, "10.0.0.1");
    test_addr(frame.daddr, AF_INET, "255.255.255.255");
    item.qr = 1;
    snprintf(item.type, sizeof(item.type), "A");
    snprintf(item.data, sizeof(item.data), "%s", "255.0.0.1");
    dns_line(c.f, &origin, &frame, &item);
    /* IPv6: the addresses in their shortest form (RFC 5952), an IPv4-mapped one as such */
    frame = (struct frame_info){.proto = 6, .family = AF_INET6, .sport = 853, .dport = 40000};
    test_addr(frame.saddr, AF_INET6, "2001:0db8:0000:0000:0000:0000:0000:0053");
    test_addr(frame.daddr, AF_INET6, "::ffff:192.0.2.1");
    snprintf(item.type, sizeof(item.type), "AAAA");
    snprintf(item.data, sizeof(item.data), "%s", "fd00::7");
    dns_line(c.f, &origin, &frame, &item);
    frame.proto = 17;
    test_addr(frame.saddr, AF_INET6, "::");
    test_addr(frame.daddr, AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    dns_line(c.f, &origin, &frame, &item);
    char *got = capture_text(&c);
    CHECK_STR(got, "COMM=resolver\\x20x PID=4294967295 TGID=1 DEV=7 PROTO=TCP SRC=192.168.1.2 "
                   "DST=8.8.4.4 SPT=65535 DPT=53 UID=1000 GID=4294967294 DNS_QR=0 "
                   "DNS_NAME=\\.weird\\032name. DNS_TYPE=AAAA\n"
                   "COMM=resolver\\x20x PID=4294967295 TGID=1 DEV=7 PROTO=UDP SRC=10.0.0.1 "
                   "DST=255.255.255.255 SPT=53 DPT=0 UID=1000 GID=4294967294 DNS_QR=1 "
                   "DNS_NAME=\\.weird\\032name. DNS_TYPE=A DNS_DATA=255.0.0.1\n"
                   "COMM=resolver\\x20x PID=4294967295 TGID=1 DEV=7 PROTO=TCP SRC=2001:db8::53 "
                   "DST=::ffff:192.0.2.1 SPT=853 DPT=40000 UID=1000 GID=4294967294 DNS_QR=1 "
                   "DNS_NAME=\\.weird\\032name. DNS_TYPE=AAAA DNS_DATA=fd00::7\n"
                   "COMM=resolver\\x20x PID=4294967295 TGID=1 DEV=7 PROTO=UDP SRC=:: "
                   "DST=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff SPT=853 DPT=40000 UID=1000 "
                   "GID=4294967294 DNS_QR=1 DNS_NAME=\\.weird\\032name. DNS_TYPE=AAAA "
                   "DNS_DATA=fd00::7\n");
    free(got);
}

/* A process name that looks like more fields cannot forge them: space, "=" and "\\"
 * come out as \xHH (the only deviation from the original's bytes). */
static void test_forged_comm(void)
{
    struct port_val proc = {.pid = 66, .tid = 66, .uid = 65534, .gid = 65534};
    struct dns_origin origin = {.proc = &proc, .comm = "a UID=0\\GID=0", .ifname = "lo"};
    struct frame_info frame = {.proto = 17, .family = AF_INET, .sport = 5000, .dport = 53};
    struct dns_item item = {.qr = 0, .name = "x.", .type = "A"};
    struct capture c;

    test_addr(frame.saddr, AF_INET, "127.0.0.1");
    test_addr(frame.daddr, AF_INET, "127.0.0.1");
    capture_open(&c);
    dns_line(c.f, &origin, &frame, &item);
    char *got = capture_text(&c);
    CHECK_STR(got, "COMM=a\\x20UID\\x3d0\\x5cGID\\x3d0 PID=66 TGID=66 DEV=lo PROTO=UDP "
                   "SRC=127.0.0.1 DST=127.0.0.1 SPT=5000 DPT=53 UID=65534 GID=65534 DNS_QR=0 "
                   "DNS_NAME=x. DNS_TYPE=A\n");
    free(got);
}

static void test_verbose_line(void)
{
    struct capture c;

    capture_open(&c);
    verbose_line(c.f, "curl", 285, "127.0.0.2", 8080);
    verbose_line(c.f, "a b", 4294967295u, "255.255.255.255", 65535);
    verbose_line(c.f, "x", 1, "0.0.0.0", 0);
    char *got = capture_text(&c);
    CHECK_STR(got, "\tcurl (285) 127.0.0.2:8080\n"
                   "\ta b (4294967295) 255.255.255.255:65535\n"
                   "\tx (1) 0.0.0.0:0\n");
    free(got);
}

/* ref with the Python artifact "b'curl'" printed as plain "curl"; the caller frees it. */
static char *plain_comm(const char *ref)
{
    const char *at = strstr(ref, "b'curl'");
    char *out;

    if (!at || asprintf(&out, "%.*scurl%s", (int)(at - ref), ref, at + strlen("b'curl'")) < 0)
        exit(2);
    return out;
}

static void check_block(enum block_action block, uint32_t pid, const char *dump_dir,
                        const char *want)
{
    struct capture c;

    capture_open(&c);
    hit_line(c.f, block, HIT_ACTED, "curl", pid, "127.0.0.2", dump_dir);
    char *got = capture_text(&c);
    CHECK_STR(got, want);
    free(got);
}

static void test_block_lines(void)
{
    /* ../shared/reference/ebpf_ipintelligence.txt, verbatim (comm printed plainly). */
    char *print =
        plain_comm("Client:b'curl' (pid:208) touched a bad IP (ip-blacklist:127.0.0.2)\n");
    char *kill =
        plain_comm("Client:b'curl' (pid:285) was killed by eBPFShield (ip-blacklist:127.0.0.2) \n");

    check_block(BLOCK_PRINT, 208, DEFAULT_DUMP_DIR, print);
    check_block(BLOCK_KILL, 285, DEFAULT_DUMP_DIR, kill);
    CHECK_STR(print, "Client:curl (pid:208) touched a bad IP (ip-blacklist:127.0.0.2)\n");
    CHECK_STR(kill, "Client:curl (pid:285) was killed by eBPFShield (ip-blacklist:127.0.0.2) \n");
    /* The original's main.py formats for the other two actions (dump names our dir). */
    check_block(BLOCK_SUSPEND, 285, DEFAULT_DUMP_DIR,
                "Client:curl (pid:285) was suspended (ip-blacklist:127.0.0.2) \n");
    check_block(BLOCK_DUMP, 285, DEFAULT_DUMP_DIR,
                "Client:curl (pid:285) eBPFShield took a dump in /var/lib/ebpfshield/dumps/ "
                "(ip-blacklist:127.0.0.2)\n");
    check_block(BLOCK_DUMP, 9, "/root/cores",
                "Client:curl (pid:9) eBPFShield took a dump in /root/cores/ "
                "(ip-blacklist:127.0.0.2)\n");
    free(print);
    free(kill);
}

#define EXITED                                                                                     \
    "Client:curl (pid:777) exited before eBPFShield could act (ip-blacklist:203.0.113.9) \n"

/* Not the original's: deny's line, a hit whose process exited before its action (any
 * action), and --block dump without a core (the process was killed). */
static void test_other_hit_lines(void)
{
    static const struct {
        enum block_action block;
        enum hit_result result;
        const char *line;
    } cases[] = {
        {BLOCK_DENY, HIT_ACTED,
         "Client:curl (pid:777) was denied by eBPFShield (ip-blacklist:203.0.113.9) \n"},
        {BLOCK_DUMP, HIT_NO_CORE,
         "Client:curl (pid:777) was killed by eBPFShield (ip-blacklist:203.0.113.9) \n"},
        {BLOCK_DUMP, HIT_EXITED, EXITED},
        {BLOCK_SUSPEND, HIT_EXITED, EXITED},
        {BLOCK_KILL, HIT_EXITED, EXITED},
        {BLOCK_DENY, HIT_EXITED, EXITED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct capture c;
        capture_open(&c);
        hit_line(c.f, cases[i].block, cases[i].result, "curl", 777, "203.0.113.9", "/var/dumps");
        char *got = capture_text(&c);
        CHECK_STR(got, cases[i].line);
        free(got);
    }
}

/* A process name cannot make a guard line read otherwise: "(", ")", ":" and "\\" escaped. */
static void test_ambiguous_names(void)
{
    struct capture c;
    capture_open(&c);
    hit_line(c.f, BLOCK_DENY, HIT_ACTED, ") (pid:31337)", 1923, "127.0.0.2", "/var/dumps");
    verbose_line(c.f, "a\\b (1) 1.2:5", 7, "127.0.0.2", 80);
    char *got = capture_text(&c);
    CHECK_STR(got, "Client:\\x29 \\x28pid\\x3a31337\\x29 (pid:1923) was denied by eBPFShield "
                   "(ip-blacklist:127.0.0.2) \n"
                   "\ta\\x5cb \\x281\\x29 1.2\\x3a5 (7) 127.0.0.2:80\n");
    free(got);
}

/* --inbound's lines: dropped or let in, the outer VLAN after the interface's name; routed
 * toward a listed address: its sender first, the ingress interface. */
static void test_inbound_lines(void)
{
    struct capture c;
    capture_open(&c);
    struct output o = {.stream = c.f, .format = output_format_named("text")};
    struct inbound_event ev = {.ip = "198.51.100.7",
                               .ifname = "eth0",
                               .packets = 1,
                               .proto = IPPROTO_ICMP,
                               .dropped = true};
    output_inbound(&o, &ev);
    ev = (struct inbound_event){.ip = "fd00:bad::7",
                                .ifname = "veth1",
                                .packets = 1234,
                                .proto = IPPROTO_TCP,
                                .ipv6 = true,
                                .vlan = 100};
    output_inbound(&o, &ev);
    ev = (struct inbound_event){.ip = "198.51.100.7",
                                .other = "10.24.0.2",
                                .ifname = "veth-c",
                                .packets = 5,
                                .proto = IPPROTO_UDP,
                                .where = INBOUND_FORWARDED,
                                .netns = "docker:4f2a9c",
                                .dropped = true};
    output_inbound(&o, &ev);
    ev.dropped = false;
    ev.netns[0] = '\0';
    ev.vlan = 7;
    output_inbound(&o, &ev);
    ev = (struct inbound_event){.ip = "fd00:bad::9",
                                .other = "fd00:24::1",
                                .ifname = "eth0",
                                .packets = 3,
                                .proto = IPPROTO_UDP,
                                .where = INBOUND_LEAVING,
                                .dropped = true};
    output_inbound(&o, &ev);
    ev.dropped = false;
    output_inbound(&o, &ev);
    char *got = capture_text(&c);
    CHECK_STR(got, "Inbound:198.51.100.7 dropped 1 packet(s) on eth0 (ip-blacklist:198.51.100.7)\n"
                   "Inbound:fd00:bad::7 let in 1234 packet(s) on veth1.100 "
                   "(ip-blacklist:fd00:bad::7)\n"
                   "Forwarded:10.24.0.2->198.51.100.7 dropped 5 packet(s) from veth-c in netns "
                   "docker:4f2a9c (ip-blacklist:198.51.100.7)\n"
                   "Forwarded:10.24.0.2->198.51.100.7 let through 5 packet(s) from veth-c.7 "
                   "(ip-blacklist:198.51.100.7)\n"
                   "Outgoing:fd00:24::1->fd00:bad::9 dropped 3 packet(s) on eth0 "
                   "(ip-blacklist:fd00:bad::9)\n"
                   "Outgoing:fd00:24::1->fd00:bad::9 let out 3 packet(s) on eth0 "
                   "(ip-blacklist:fd00:bad::9)\n");
    free(got);
}

int main(void)
{
    test_monitor_reference();
    test_monitor_fields();
    test_forged_comm();
    test_verbose_line();
    test_ambiguous_names();
    test_block_lines();
    test_other_hit_lines();
    test_inbound_lines();
    CHECK_DONE();
}
