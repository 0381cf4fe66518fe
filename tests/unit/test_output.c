/* Unit tests of the printed lines, byte for byte: the original eBPFShield's own session
 * (the reference ebpf_monitor.txt and ebpf_ipintelligence.txt) rebuilt from hand-made
 * structs; the monitor's sample handler on the real frames of tests/fixtures, credited to
 * real processes named as in the capture; its warnings for bad samples; and
 * text_printable's edges. */
#include "check.h"
#include "fixture.h"
#include "monitor_handler.h"
#include "output.h"
#include "testlib.h"
#include "text.h"

#include <stdlib.h>
#include <sys/prctl.h>

#define LOCALHOST 0x7f000001u

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
    struct frame_info frame = {.proto = r->proto,
                               .saddr = LOCALHOST,
                               .daddr = LOCALHOST,
                               .sport = r->sport,
                               .dport = r->dport};
    struct dns_item item = {.qr = r->qr, .type = r->type};

    snprintf(proc.comm, sizeof(proc.comm), "%s", r->comm);
    snprintf(item.name, sizeof(item.name), "%s", r->name);
    snprintf(item.data, sizeof(item.data), "%s", r->data);
    output_dns_line(out, &origin, &frame, &item);
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
    struct frame_info frame = {
        .proto = 6, .saddr = 0xc0a80102u, .daddr = 0x08080404u, .sport = 65535, .dport = 53};
    struct dns_item item = {
        .qr = 0, .name = "\\.weird\\032name.", .type = "AAAA", .data = "ignored for a query"};
    struct capture c;

    capture_open(&c);
    output_dns_line(c.f, &origin, &frame, &item);
    frame = (struct frame_info){
        .proto = 17, .saddr = 0x0a000001u, .daddr = 0xffffffffu, .sport = 53, .dport = 0};
    item.qr = 1;
    item.type = "A";
    snprintf(item.data, sizeof(item.data), "%s", "255.0.0.1");
    output_dns_line(c.f, &origin, &frame, &item);
    char *got = capture_text(&c);
    CHECK_STR(got, "COMM=resolver x PID=4294967295 TGID=1 DEV=7 PROTO=TCP SRC=192.168.1.2 "
                   "DST=8.8.4.4 SPT=65535 DPT=53 UID=1000 GID=4294967294 DNS_QR=0 "
                   "DNS_NAME=\\.weird\\032name. DNS_TYPE=AAAA\n"
                   "COMM=resolver x PID=4294967295 TGID=1 DEV=7 PROTO=UDP SRC=10.0.0.1 "
                   "DST=255.255.255.255 SPT=53 DPT=0 UID=1000 GID=4294967294 DNS_QR=1 "
                   "DNS_NAME=\\.weird\\032name. DNS_TYPE=A DNS_DATA=255.0.0.1\n");
    free(got);
}

/* The header fields of a frame read straight from its bytes (Ethernet, then IPv4 with its
 * IHL, then the ports of UDP or TCP), independently of frame_decode. */
struct raw_header {
    uint8_t proto;
    char src[16], dst[16];
    unsigned sport, dport;
};

static struct raw_header raw_header(const struct blob *b)
{
    const uint8_t *ip = b->data + 14;
    const uint8_t *l4 = ip + (ip[0] & 0x0f) * 4;
    struct raw_header h = {.proto = ip[9]};

    if (b->len < 14 + 20 || l4 + 4 > b->data + b->len) {
        fprintf(stderr, "fixture too short for its headers\n");
        exit(2);
    }
    snprintf(h.src, sizeof(h.src), "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
    snprintf(h.dst, sizeof(h.dst), "%u.%u.%u.%u", ip[16], ip[17], ip[18], ip[19]);
    h.sport = (unsigned)l4[0] << 8 | l4[1];
    h.dport = (unsigned)l4[2] << 8 | l4[3];
    return h;
}

/* A captured frame, the name of the process it is credited to, the thread id, its ports
 * (README.md) and every line it must print (%1$d: the pid of that process). */
struct fixture_case {
    const char *frame;
    const char *comm;
    uint32_t tid;
    unsigned sport, dport;
    const char *lines;
};

#define DIG "COMM=dig PID=%1$d TGID=273 DEV=lo "
#define GETENT "COMM=getent PID=%1$d TGID=282 DEV=lo "
#define LO "SRC=127.0.0.1 DST=127.0.0.1 "

static const struct fixture_case fixture_cases[] = {
    {"udp_query_a.frame", "dig", 273, 51676, 53,
     DIG "PROTO=UDP " LO "SPT=51676 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=a.example.test. "
         "DNS_TYPE=A\n"},
    {"udp_response_a.frame", "dig", 273, 53, 51676,
     DIG "PROTO=UDP " LO "SPT=53 DPT=51676 UID=0 GID=0 DNS_QR=1 DNS_NAME=a.example.test. "
         "DNS_TYPE=A DNS_DATA=10.1.2.3\n"},
    {"udp_query_aaaa.frame", "dig", 273, 44001, 53,
     DIG "PROTO=UDP " LO "SPT=44001 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=b.example.test. "
         "DNS_TYPE=AAAA\n"},
    {"udp_response_aaaa.frame", "dig", 273, 53, 44001,
     DIG "PROTO=UDP " LO "SPT=53 DPT=44001 UID=0 GID=0 DNS_QR=1 DNS_NAME=b.example.test. "
         "DNS_TYPE=AAAA DNS_DATA=fd00::7\n"},
    {"tcp_query_a.frame", "dig", 273, 42101, 53,
     DIG "PROTO=TCP " LO "SPT=42101 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=a.example.test. "
         "DNS_TYPE=A\n"},
    {"tcp_response_a.frame", "dig", 273, 53, 42101,
     DIG "PROTO=TCP " LO "SPT=53 DPT=42101 UID=0 GID=0 DNS_QR=1 DNS_NAME=a.example.test. "
         "DNS_TYPE=A DNS_DATA=10.1.2.3\n"},
    {"tcp_query_aaaa.frame", "dig", 273, 35787, 53,
     DIG "PROTO=TCP " LO "SPT=35787 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=b.example.test. "
         "DNS_TYPE=AAAA\n"},
    {"tcp_response_aaaa.frame", "dig", 273, 53, 35787,
     DIG "PROTO=TCP " LO "SPT=53 DPT=35787 UID=0 GID=0 DNS_QR=1 DNS_NAME=b.example.test. "
         "DNS_TYPE=AAAA DNS_DATA=fd00::7\n"},
    {"udp_query_cname.frame", "dig", 273, 36805, 53,
     DIG "PROTO=UDP " LO "SPT=36805 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=c.example.test. "
         "DNS_TYPE=A\n"},
    /* The CNAME record prints nothing; the A record prints under its own owner. */
    {"udp_response_cname.frame", "dig", 273, 53, 36805,
     DIG "PROTO=UDP " LO "SPT=53 DPT=36805 UID=0 GID=0 DNS_QR=1 DNS_NAME=a.example.test. "
         "DNS_TYPE=A DNS_DATA=10.1.2.3\n"},
    {"udp_query_txt.frame", "dig", 273, 51396, 53, ""},
    {"udp_response_txt.frame", "dig", 273, 53, 51396, ""},
    {"udp_query_nodata.frame", "dig", 273, 39591, 53,
     DIG "PROTO=UDP " LO "SPT=39591 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=a.example.test. "
         "DNS_TYPE=AAAA\n"},
    {"udp_response_nodata.frame", "dig", 273, 53, 39591, ""},
    {"getent_query_a.frame", "getent", 282, 37605, 53,
     GETENT "PROTO=UDP " LO "SPT=37605 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=b.example.test. "
            "DNS_TYPE=A\n"},
    {"getent_query_aaaa.frame", "getent", 282, 37605, 53,
     GETENT "PROTO=UDP " LO "SPT=37605 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=b.example.test. "
            "DNS_TYPE=AAAA\n"},
    {"getent_response_a.frame", "getent", 282, 53, 37605,
     GETENT "PROTO=UDP " LO "SPT=53 DPT=37605 UID=0 GID=0 DNS_QR=1 DNS_NAME=b.example.test. "
            "DNS_TYPE=A DNS_DATA=10.9.8.7\n"},
    {"getent_response_aaaa.frame", "getent", 282, 53, 37605,
     GETENT "PROTO=UDP " LO "SPT=53 DPT=37605 UID=0 GID=0 DNS_QR=1 DNS_NAME=b.example.test. "
            "DNS_TYPE=AAAA DNS_DATA=fd00::7\n"},
};

/* The fixture's own bytes agree with the ports and addresses written in its lines. */
static void check_raw_header(const struct fixture_case *fc, const struct blob *b)
{
    struct raw_header h = raw_header(b);
    const char *proto = h.proto == 6 ? "PROTO=TCP " : "PROTO=UDP ";
    char ports[64];

    CHECK(h.proto == 6 || h.proto == 17);
    CHECK_STR(h.src, "127.0.0.1");
    CHECK_STR(h.dst, "127.0.0.1");
    CHECK_INT(h.sport, fc->sport);
    CHECK_INT(h.dport, fc->dport);
    snprintf(ports, sizeof(ports), "SPT=%u DPT=%u ", h.sport, h.dport);
    if (fc->lines[0] && (!strstr(fc->lines, ports) || !strstr(fc->lines, proto))) {
        fprintf(stderr, "%s:%d: %s: lines do not carry %s%s\n", __FILE__, __LINE__, fc->frame,
                proto, ports);
        check_failures++;
    }
}

/* A dns_events sample as the socket filter ships it: the process record, then the frame. */
static uint8_t *make_sample(const struct port_val *proc, const struct blob *frame, size_t *len)
{
    *len = sizeof(*proc) + frame->len;
    uint8_t *sample = malloc(*len);
    memcpy(sample, proc, sizeof(*proc));
    memcpy(sample + sizeof(*proc), frame->data, frame->len);
    return sample;
}

/* Runs the monitor's handler on one sample; returns what it printed and, in *logged, what
 * it warned (the caller frees both). */
static char *handle(struct monitor_stats *stats, const uint8_t *sample, size_t len, char **logged)
{
    struct capture out, log;

    capture_open(&out);
    capture_log(&log);
    monitor_handle_sample(stats, sample, len, out.f);
    *logged = capture_log_text(&log);
    return capture_text(&out);
}

static void check_fixture(const struct fixture_case *fc, pid_t pid)
{
    struct blob b = load_fixture(fc->frame);
    struct port_val proc = {.ifindex = 1, .pid = (uint32_t)pid, .tid = fc->tid};
    struct monitor_stats stats = {0};
    size_t len;
    char *logged, *want;

    check_raw_header(fc, &b);
    snprintf(proc.comm, sizeof(proc.comm), "%s", fc->comm);
    uint8_t *sample = make_sample(&proc, &b, &len);
    char *got = handle(&stats, sample, len, &logged);
    if (asprintf(&want, fc->lines, (int)pid) < 0)
        exit(2);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: %s: printed\n%swant\n%s", __FILE__, __LINE__, fc->frame, got, want);
        check_failures++;
    }
    CHECK_STR(logged, "");
    CHECK_INT(stats.bad_packets, 0);
    free(want);
    free(got);
    free(logged);
    free(sample);
    free(b.data);
}

static void name_child(const void *name)
{
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* Every fixture through the handler, credited to live processes named dig and getent. */
static void test_fixture_lines(void)
{
    pid_t dig = spawn_child(name_child, "dig"), getent = spawn_child(name_child, "getent");

    for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(fixture_cases[0]); i++) {
        const struct fixture_case *fc = &fixture_cases[i];
        check_fixture(fc, strcmp(fc->comm, "dig") == 0 ? dig : getent);
    }
    reap(dig);
    reap(getent);
}

/* A process gone by the time its sample is handled is printed under the kernel's name. */
static void test_gone_process(void)
{
    struct blob b = load_fixture("udp_query_a.frame");
    struct port_val proc = {.ifindex = 1, .pid = NO_PID, .tid = 7, .comm = "dig\x1b[0m"};
    struct monitor_stats stats = {0};
    size_t len;
    char *logged;
    uint8_t *sample = make_sample(&proc, &b, &len);
    char *got = handle(&stats, sample, len, &logged);

    CHECK_STR(got, "COMM=dig?[0m PID=2147483647 TGID=7 DEV=lo PROTO=UDP " LO "SPT=51676 "
                   "DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n");
    CHECK_STR(logged, "");
    free(got);
    free(logged);
    free(sample);
    free(b.data);
}

/* Bad samples print nothing, one warning each, and are counted for the exit report. */
static void test_bad_samples(void)
{
    struct blob b = load_fixture("udp_query_a.frame");
    struct port_val proc = {.ifindex = 1, .pid = NO_PID};
    struct monitor_stats stats = {0};
    size_t len;
    char *logged, *got;
    uint8_t *sample = make_sample(&proc, &b, &len);

    got = handle(&stats, sample, sizeof(proc) - 1, &logged);
    CHECK_STR(got, "");
    CHECK_STR(logged, "ebpfshield-bcc: skipped a DNS packet: sample: shorter than its process "
                      "record\n");
    free(got);
    free(logged);
    got = handle(&stats, sample, sizeof(proc) + 20, &logged); /* Ethernet and part of IPv4 */
    CHECK_STR(got, "");
    CHECK(strncmp(logged, "ebpfshield-bcc: skipped a DNS packet: frame: ", 45) == 0);
    free(got);
    free(logged);
    got = handle(&stats, sample, len - 3, &logged); /* the question cut short */
    CHECK_STR(got, "");
    CHECK(strncmp(logged, "ebpfshield-bcc: skipped a DNS packet: DNS message: ", 51) == 0);
    free(got);
    free(logged);
    CHECK_INT(stats.bad_packets, 3);

    struct capture log;
    capture_log(&log);
    monitor_report(&stats);
    logged = capture_log_text(&log);
    CHECK_STR(logged, "ebpfshield-bcc: 3 DNS packet(s) could not be decoded\n");
    free(logged);
    free(sample);
    free(b.data);
}

static void test_verbose_line(void)
{
    struct capture c;

    capture_open(&c);
    output_verbose_line(c.f, "curl", 285, "127.0.0.2", 8080);
    output_verbose_line(c.f, "a b", 4294967295u, "255.255.255.255", 65535);
    output_verbose_line(c.f, "x", 1, "0.0.0.0", 0);
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
    output_block_line(c.f, block, "curl", pid, "127.0.0.2", dump_dir);
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

/* text_printable into a buffer of 'X's (dstlen at most 9), whose tenth byte must stay
 * untouched; returns the buffer, NUL-terminated after those ten bytes. */
static const char *printable(const char *src, size_t srclen, size_t dstlen)
{
    static char dst[11];

    memset(dst, 'X', 10);
    dst[10] = '\0';
    text_printable(dst, dstlen, src, srclen);
    CHECK(dst[9] == 'X');
    return dst;
}

static void test_printable(void)
{
    static const char bytes[] = {'a', 0x01, 0x1b, 0x7f, (char)0x80, (char)0xff, '\t', 'z'};
    char *exact = malloc(3); /* no NUL: text_printable must stop at srclen */

    CHECK_STR(printable("plain ~", 8, 8), "plain ~");
    CHECK_STR(printable(bytes, sizeof(bytes), 9), "a??????z");
    CHECK_STR(printable("\x1b[31mred", 8, 9), "?[31mred");
    CHECK_STR(printable("ab\0cd", 5, 8), "ab");
    CHECK_STR(printable("abcdef", 3, 8), "abc");
    CHECK_STR(printable("abcdefghijk", 11, 4), "abc");
    CHECK_STR(printable("abcdefghijk", 11, 9), "abcdefgh");
    CHECK_STR(printable("abc", 0, 8), "");
    CHECK_STR(printable("abc", 3, 1), "");
    CHECK_STR(printable("abc", 3, 0), "XXXXXXXXXX"); /* dstlen 0: nothing written */
    memcpy(exact, "xyz", 3);
    CHECK_STR(printable(exact, 3, 8), "xyz");
    free(exact);
}

int main(void)
{
    test_monitor_reference();
    test_monitor_fields();
    test_fixture_lines();
    test_gone_process();
    test_bad_samples();
    test_verbose_line();
    test_block_lines();
    test_printable();
    CHECK_DONE();
}
