/* Unit tests of the monitor's sample handler (monitor_handler.c) through a real output
 * stream (open_memstream): the real frames of tests/fixtures (and IPv6 and split TCP frames
 * built around their DNS messages), credited to real processes named as in the capture;
 * the -p, -u and --comm filters; a per-message format (JSON) given whole messages and the
 * ones ldns refuses; its bound on lines per message, its rate-limited warnings and exit
 * totals. */
#include "check.h"
#include "fixture.h"
#include "monitor/monitor_handler.h"
#include "output/format.h"
#include "output/output.h"
#include "testlib.h"

#include <stdlib.h>
#include <sys/prctl.h>

static const uint8_t localhost[16] = {127, 0, 0, 1};

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

#define HEAD sizeof(struct dns_sample)
#define ETH_LEN 14

/* A dns_events sample as the socket filter ships it: the head (the process record), then
 * the Ethernet frame; or, from_socket, as the socket hooks ship a packet of namespace
 * netns: the head, then the frame from its IP header. */
static uint8_t *socket_sample(const struct port_val *proc, const struct blob *frame,
                              bool from_socket, uint64_t netns, size_t *len)
{
    struct dns_sample head = {.proc = *proc, .netns = netns, .from_socket = from_socket};
    size_t skip = from_socket ? ETH_LEN : 0;
    *len = HEAD + frame->len - skip;
    uint8_t *sample = malloc(*len);
    memcpy(sample, &head, HEAD);
    memcpy(sample + HEAD, frame->data + skip, frame->len - skip);
    return sample;
}

static uint8_t *make_sample(const struct port_val *proc, const struct blob *frame, size_t *len)
{
    return socket_sample(proc, frame, false, 0, len);
}

/* The monitor's handler printing into a capture, and how much of it was read. */
struct mon {
    bool all_types; /* --qtype all */
    struct monitor_handler *h;
    struct capture out;
    size_t seen;
    struct output o;
};

/* The handler writing format (by name) and letting filter's processes through. */
static void mon_open_as(struct mon *m, const char *format, const struct monitor_filter *filter)
{
    capture_open(&m->out);
    m->seen = 0;
    m->o = (struct output){.stream = m->out.f, .format = output_format_named(format)};
    const struct monitor_lookups lookups = {NULL, NULL};
    const struct monitor_config cfg = {
        .dns = {.port = {53}, .count = 1}, .filter = *filter, .all_types = m->all_types};
    m->h = monitor_handler_new(&m->o, &cfg, &lookups);
    if (!m->h) {
        fprintf(stderr, "monitor_handler_new failed\n");
        exit(2);
    }
}

/* What the handler printed since the last call (the caller frees it). */
static void mon_open(struct mon *m)
{
    static const struct monitor_filter all;
    mon_open_as(m, "text", &all);
}

static char *mon_printed(struct mon *m)
{
    fflush(m->out.f);
    if (!m->out.buf)
        return strdup("");
    char *text = strndup(m->out.buf + m->seen, m->out.size - m->seen);
    m->seen = m->out.size;
    return text;
}

static void mon_close(struct mon *m)
{
    monitor_handler_free(m->h);
    free(capture_text(&m->out));
}

/* Handles one sample seen at now_ms; returns what it printed and, in *logged, what it
 * warned (the caller frees both). */
static char *mon_sample(struct mon *m, const uint8_t *sample, size_t len, uint64_t now_ms,
                        char **logged)
{
    struct capture log;

    capture_log(&log);
    monitor_handle_sample(m->h, sample, len, now_ms);
    *logged = capture_log_text(&log);
    return mon_printed(m);
}

/* What monitor_handler_tick at now_ms warned (the caller frees it). */
static char *mon_tick(struct mon *m, uint64_t now_ms)
{
    struct capture log;

    capture_log(&log);
    monitor_handler_tick(m->h, now_ms);
    return capture_log_text(&log);
}

/* What monitor_report said at exit (the caller frees it). */
static char *mon_report(struct mon *m)
{
    struct capture log;

    capture_log(&log);
    monitor_report(m->h);
    return capture_log_text(&log);
}

/* Checks what one call printed or warned against want, then frees it. */
#define CHECK_TEXT(got, want)                                                                      \
    do {                                                                                           \
        char *t_ = (got);                                                                          \
        CHECK_STR(t_, want);                                                                       \
        free(t_);                                                                                  \
    } while (0)

static void check_fixture(const struct fixture_case *fc, pid_t pid)
{
    struct blob b = load_fixture(fc->frame);
    /* the kernel recorded a thread's name: the process's (/proc) is printed */
    struct port_val proc = {
        .ifindex = 1, .pid = (uint32_t)pid, .tid = fc->tid, .comm = "worker-thread"};
    struct mon m = {0};
    size_t len;
    char *logged, *want;

    check_raw_header(fc, &b);
    uint8_t *sample = make_sample(&proc, &b, &len);
    mon_open(&m);
    char *got = mon_sample(&m, sample, len, 1000, &logged);
    if (asprintf(&want, fc->lines, (int)pid) < 0)
        exit(2);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: %s: printed\n%swant\n%s", __FILE__, __LINE__, fc->frame, got, want);
        check_failures++;
    }
    CHECK_STR(logged, "");
    /* nothing to report when all went well, but a message that printed nothing is counted
     * by its question's type */
    char *report = mon_report(&m);
    if (want[0] == '\0')
        CHECK(strstr(report, "ebpfshield-bcc: 1 DNS message(s) printed no line: no question or "
                             "answer of type A or AAAA (by question type: ") == report);
    else
        CHECK_STR(report, "");
    free(report);
    mon_close(&m);
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

/* The line of udp_query_a.frame for a process record (the caller frees it). */
static char *query_line(const struct port_val *proc)
{
    struct blob b = load_fixture("udp_query_a.frame");
    struct mon m = {0};
    size_t len;
    char *logged;
    uint8_t *sample = make_sample(proc, &b, &len);

    mon_open(&m);
    char *got = mon_sample(&m, sample, len, 1000, &logged);
    CHECK_STR(logged, "");
    mon_close(&m);
    free(logged);
    free(sample);
    free(b.data);
    return got;
}

/* The process's name: the one the kernel recorded for the process (comm_is_process) as it
 * is, whatever /proc says of its pid; else /proc/<pid>/comm; else, the process gone, the
 * recorded thread's name. Made printable either way. */
static void test_process_names(void)
{
    pid_t dig = spawn_child(name_child, "dig");
    struct port_val gone = {.ifindex = 1, .pid = NO_PID, .tid = 7, .comm = "dig\x1b[0m"};
    const char *tail = " TGID=7 DEV=lo PROTO=UDP " LO "SPT=51676 DPT=53 UID=0 GID=0 DNS_QR=0 "
                       "DNS_NAME=a.example.test. DNS_TYPE=A\n";
    char *want;

    /* comm_is_process 0, the process gone: the thread's name */
    if (asprintf(&want, "COMM=dig?[0m PID=2147483647%s", tail) < 0)
        exit(2);
    CHECK_TEXT(query_line(&gone), want);
    free(want);
    /* comm_is_process 1, the process gone: its recorded name */
    struct port_val recorded = gone;
    recorded.comm_is_process = 1;
    snprintf(recorded.comm, sizeof(recorded.comm), "getent");
    if (asprintf(&want, "COMM=getent PID=2147483647%s", tail) < 0)
        exit(2);
    CHECK_TEXT(query_line(&recorded), want);
    free(want);
    /* comm_is_process 1, a live process named otherwise: still the recorded name, all 16
     * bytes of it (no NUL) */
    recorded.pid = (uint32_t)dig;
    memcpy(recorded.comm, "resolver\x07thread", 16);
    if (asprintf(&want, "COMM=resolver?thread PID=%d%s", (int)dig, tail) < 0)
        exit(2);
    CHECK_TEXT(query_line(&recorded), want);
    free(want);
    /* comm_is_process 0, the process alive: /proc's name, not the thread's */
    struct port_val thread = gone;
    thread.pid = (uint32_t)dig;
    if (asprintf(&want, "COMM=dig PID=%d%s", (int)dig, tail) < 0)
        exit(2);
    CHECK_TEXT(query_line(&thread), want);
    free(want);
    reap(dig);
}

/* Bad samples print nothing, the first warning at once, the next ones (counted) once a
 * second has passed, the last at exit with the totals. */
static void test_bad_samples(void)
{
    struct blob b = load_fixture("udp_query_a.frame");
    struct port_val proc = {.ifindex = 1, .pid = NO_PID};
    struct mon m = {0};
    size_t len;
    char *logged, *got;
    uint8_t *sample = make_sample(&proc, &b, &len);

    mon_open(&m);
    got = mon_sample(&m, sample, HEAD - 1, 5000, &logged);
    CHECK_STR(got, "");
    CHECK_STR(logged, "ebpfshield-bcc: skipped a DNS packet: sample: shorter than its process "
                      "record\n");
    free(got);
    free(logged);
    got = mon_sample(&m, sample, HEAD + 20, 5001, &logged); /* Ethernet, part of IPv4 */
    CHECK_STR(got, "");
    CHECK_STR(logged, "");
    free(got);
    free(logged);
    got = mon_sample(&m, sample, len - 3, 5002, &logged); /* the question cut short */
    CHECK_STR(got, "");
    CHECK_STR(logged, "");
    free(got);
    free(logged);
    CHECK_TEXT(mon_tick(&m, 5999), "");
    logged = mon_tick(&m, 6000);
    const char *two = "ebpfshield-bcc: skipped 2 DNS packets, the last: DNS message: ";
    CHECK(strncmp(logged, two, strlen(two)) == 0 && strlen(logged) > strlen(two) + 1 &&
          strchr(logged, '\n') == logged + strlen(logged) - 1);
    free(logged);
    CHECK_TEXT(mon_tick(&m, 9000), "");                     /* nothing new */
    got = mon_sample(&m, sample, HEAD + 20, 9001, &logged); /* due again: said */
    CHECK_STR(got, "");
    CHECK_STR(logged, "ebpfshield-bcc: skipped a DNS packet: frame: truncated frame\n");
    free(got);
    free(logged);
    got = mon_sample(&m, sample, HEAD + 20, 9002, &logged);
    CHECK_STR(got, "");
    CHECK_STR(logged, "");
    free(got);
    free(logged);
    CHECK_TEXT(mon_report(&m), "ebpfshield-bcc: skipped a DNS packet: frame: truncated frame\n"
                               "ebpfshield-bcc: 5 DNS packet(s) could not be decoded in all\n");
    mon_close(&m);
    free(sample);
    free(b.data);
}

/* dig as the kernel records it, on device ifindex. */
static struct port_val dig_proc(uint32_t ifindex)
{
    return (struct port_val){.ifindex = ifindex,
                             .pid = 4242,
                             .tid = 4243,
                             .uid = 1000,
                             .gid = 100,
                             .comm_is_process = 1,
                             .comm = "dig"};
}

/* A data segment of the captured segment fi's flow, from its sequence number. */
static struct test_frame tcp_segment_of(const struct frame_info *fi)
{
    struct test_frame t = {.family = fi->family,
                           .proto = IPPROTO_TCP,
                           .sport = fi->sport,
                           .dport = fi->dport,
                           .seq = fi->seq,
                           .tcp_flags = TEST_TCP_ACK_PSH};
    memcpy(t.saddr, fi->saddr, 16);
    memcpy(t.daddr, fi->daddr, 16);
    return t;
}

/* A sample of the frame t around payload, for a process recorded by the kernel as dig. */
static uint8_t *built_sample(const struct test_frame *t, const uint8_t *payload, size_t plen,
                             uint32_t ifindex, size_t *len)
{
    struct port_val proc = dig_proc(ifindex);
    uint8_t frame[4096];
    struct blob b = {frame, test_frame_build(frame, sizeof(frame), t, payload, plen)};

    return make_sample(&proc, &b, len);
}

/* Handles the sample of t around the fixture payload; returns what was printed, with what
 * was warned in *logged. */
static char *handle_built(const struct test_frame *t, const char *payload, uint32_t ifindex,
                          char **logged)
{
    struct blob p = load_fixture(payload);
    size_t len;
    uint8_t *sample = built_sample(t, p.data, p.len, ifindex, &len);
    struct mon m = {0};

    mon_open(&m);
    char *got = mon_sample(&m, sample, len, 1000, logged);
    mon_close(&m);
    free(sample);
    free(p.data);
    return got;
}

#define REC_DIG "COMM=dig PID=4242 TGID=4243 "
#define REC_IDS "UID=1000 GID=100 "

/* IPv6 frames (with extension headers) around the real DNS messages: the addresses in
 * their short form; a non-first fragment is refused, and said so. */
static void test_ipv6_lines(void)
{
    struct test_frame t = {
        .family = AF_INET6, .proto = IPPROTO_UDP, .sport = 51676, .dport = 53, .n_ext = 0};
    const struct test_ext hop = {IPPROTO_HOPOPTS, 0, 0}, dest = {IPPROTO_DSTOPTS, 1, 0},
                          routing = {IPPROTO_ROUTING, 2, 0};
    const char *query = REC_DIG "DEV=lo PROTO=UDP SRC=::1 DST=::1 SPT=51676 DPT=53 " REC_IDS
                                "DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n";
    char *logged;

    test_addr(t.saddr, AF_INET6, "::1");
    test_addr(t.daddr, AF_INET6, "::1");
    CHECK_TEXT(handle_built(&t, "udp_query_a.dns", 1, &logged), query);
    CHECK_TEXT(logged, "");
    t.n_ext = 1;
    t.ext[0] = hop;
    CHECK_TEXT(handle_built(&t, "udp_query_a.dns", 1, &logged), query);
    CHECK_TEXT(logged, "");

    /* a response from another address, through three extension headers, on a device that
     * is gone (its index printed) */
    t.sport = 53;
    t.dport = 44001;
    test_addr(t.saddr, AF_INET6, "2001:db8:0:0:0:0:0:53");
    test_addr(t.daddr, AF_INET6, "fd00:0:0:0:0:0:1:2");
    t.n_ext = 3;
    t.ext[0] = hop;
    t.ext[1] = routing;
    t.ext[2] = dest;
    CHECK_TEXT(handle_built(&t, "udp_response_aaaa.dns", 999999, &logged), REC_DIG
               "DEV=999999 PROTO=UDP SRC=2001:db8::53 DST=fd00::1:2 SPT=53 DPT=44001 " REC_IDS
               "DNS_QR=1 DNS_NAME=b.example.test. DNS_TYPE=AAAA DNS_DATA=fd00::7\n");
    CHECK_TEXT(logged, "");

    /* TCP over IPv6 */
    struct test_frame tcp = {.family = AF_INET6,
                             .proto = IPPROTO_TCP,
                             .sport = 53,
                             .dport = 42101,
                             .seq = 0x0cfea409,
                             .tcp_flags = TEST_TCP_ACK_PSH};
    test_addr(tcp.saddr, AF_INET6, "::1");
    test_addr(tcp.daddr, AF_INET6, "::1");
    CHECK_TEXT(handle_built(&tcp, "tcp_response_a.tcp", 1, &logged),
               REC_DIG "DEV=lo PROTO=TCP SRC=::1 DST=::1 SPT=53 DPT=42101 " REC_IDS
                       "DNS_QR=1 DNS_NAME=a.example.test. DNS_TYPE=A DNS_DATA=10.1.2.3\n");
    CHECK_TEXT(logged, "");

    /* fragments: the first (offset 0, more to come) is decoded, a later one refused */
    t.n_ext = 1;
    t.ext[0] = (struct test_ext){IPPROTO_FRAGMENT, 0, 1};
    CHECK_TEXT(handle_built(&t, "udp_response_a.dns", 1, &logged),
               REC_DIG "DEV=lo PROTO=UDP SRC=2001:db8::53 DST=fd00::1:2 SPT=53 DPT=44001 " REC_IDS
                       "DNS_QR=1 DNS_NAME=a.example.test. DNS_TYPE=A DNS_DATA=10.1.2.3\n");
    CHECK_TEXT(logged, "");
    t.ext[0] = (struct test_ext){IPPROTO_FRAGMENT, 0, 185 << 3};
    CHECK_TEXT(handle_built(&t, "udp_response_a.dns", 1, &logged), "");
    CHECK_TEXT(logged, "ebpfshield-bcc: skipped a DNS packet: frame: non-first IP fragment\n");
}

/* A packet the kernel could not credit (pid 0): nothing printed, never guessed from a
 * table of flows (a port may have changed hands since), counted: said at once, then at
 * most once a second, and totalled at exit. */
static void test_unattributed(void)
{
    struct blob b = load_fixture("udp_query_a.frame");
    struct port_val proc = {.ifindex = 1, .pid = 0, .tid = 0, .comm = "swapper/0"};
    struct mon m = {0};
    size_t len;
    char *logged;
    uint8_t *sample = make_sample(&proc, &b, &len);

    mon_open(&m);
    CHECK_TEXT(mon_sample(&m, sample, len, 1000, &logged), "");
    CHECK_TEXT(logged, "ebpfshield-bcc: 1 DNS packet(s) whose process the kernel could not "
                       "tell, not printed (1 so far)\n");
    CHECK_TEXT(mon_sample(&m, sample, len, 1001, &logged), ""); /* said once a second */
    CHECK_TEXT(logged, "");
    CHECK_TEXT(mon_report(&m), "ebpfshield-bcc: 1 DNS packet(s) whose process the kernel could "
                               "not tell, not printed (2 so far)\n"
                               "ebpfshield-bcc: 2 DNS packet(s) whose process the kernel could "
                               "not tell in all\n");
    mon_close(&m);
    free(sample);
    free(b.data);
}

/* A UDP GSO send (several queries in one packet, as the kernel holds it before cutting
 * it): one line per datagram, in both paths. */
static void test_gso(void)
{
    struct blob q = load_fixture("udp_query_a.dns");
    struct test_frame t = {.family = AF_INET, .proto = IPPROTO_UDP, .sport = 51676, .dport = 53};
    struct port_val proc = dig_proc(1);
    uint8_t three[3 * 512], frame[4096];
    const char *line = REC_DIG "DEV=lo PROTO=UDP " LO "SPT=51676 DPT=53 " REC_IDS
                               "DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n";
    char want[1024], *logged;
    size_t len;

    test_addr(t.saddr, AF_INET, "127.0.0.1");
    test_addr(t.daddr, AF_INET, "127.0.0.1");
    CHECK(q.len <= 512);
    for (int i = 0; i < 3; i++)
        memcpy(three + i * q.len, q.data, q.len);
    struct blob f = {frame, test_frame_build(frame, sizeof(frame), &t, three, 3 * q.len)};
    snprintf(want, sizeof(want), "%s%s%s", line, line, line);
    for (int from_socket = 0; from_socket < 2; from_socket++) {
        struct mon m = {0};
        uint8_t *sample = socket_sample(&proc, &f, from_socket, 0, &len);
        ((struct dns_sample *)(void *)sample)->gso_size = (uint16_t)q.len;
        mon_open(&m);
        CHECK_TEXT(mon_sample(&m, sample, len, 1000, &logged), want);
        CHECK_TEXT(logged, "");
        mon_close(&m);
        free(sample);
    }
    free(q.data);
}

/* Packets of other namespaces (from the socket hooks, from their IP header): printed with
 * the process shipped with them and the device's index; without a process, counted. Two
 * namespaces' TCP flows with the same addresses and ports are reassembled apart. */
static void test_other_namespaces(void)
{
    struct blob b = load_fixture("udp_query_a.frame");
    struct blob cap = load_fixture("tcp_query_a.frame"), qa = load_fixture("tcp_query_a.tcp"),
                qaaaa = load_fixture("tcp_query_aaaa.tcp");
    struct port_val proc = dig_proc(3);
    struct port_val nobody = {.ifindex = 3};
    struct frame_info fi;
    struct mon m = {0};
    size_t len;
    char *logged;

    mon_open(&m);
    uint8_t *sample = socket_sample(&proc, &b, true, 7, &len);
    CHECK_TEXT(mon_sample(&m, sample, len, 1000, &logged),
               REC_DIG "DEV=3 PROTO=UDP " LO "SPT=51676 DPT=53 " REC_IDS
                       "DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n");
    CHECK_TEXT(logged, "");
    free(sample);
    sample = socket_sample(&nobody, &b, true, 7, &len);
    CHECK_TEXT(mon_sample(&m, sample, len, 1001, &logged), "");
    CHECK_TEXT(logged, "ebpfshield-bcc: 1 DNS packet(s) whose process the kernel could not "
                       "tell, not printed (1 so far)\n");
    free(sample);

    CHECK_INT(frame_decode(cap.data, cap.len, &fi), FRAME_OK);
    struct test_frame t = tcp_segment_of(&fi);
    const struct blob *msg[2] = {&qa, &qaaaa};
    const char *lines[2] = {REC_DIG "DEV=3 PROTO=TCP " LO "SPT=42101 DPT=53 " REC_IDS
                                    "DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n",
                            REC_DIG "DEV=3 PROTO=TCP " LO "SPT=42101 DPT=53 " REC_IDS
                                    "DNS_QR=0 DNS_NAME=b.example.test. DNS_TYPE=AAAA\n"};
    for (int half = 0; half < 2; half++)
        for (int ns = 0; ns < 2; ns++) {
            uint8_t frame[4096];
            size_t from = half ? 20 : 0, n = half ? msg[ns]->len - 20 : 20;
            t.seq = fi.seq + (uint32_t)from;
            struct blob f = {frame,
                             test_frame_build(frame, sizeof(frame), &t, msg[ns]->data + from, n)};
            sample = socket_sample(&proc, &f, true, 100 + (uint64_t)ns, &len);
            CHECK_TEXT(mon_sample(&m, sample, len, 2000, &logged), half ? lines[ns] : "");
            CHECK_TEXT(logged, "");
            free(sample);
        }
    mon_close(&m);
    free(b.data);
    free(cap.data);
    free(qa.data);
    free(qaaaa.data);
}

/* The line of question qNN of a query from dig (as built by test_dns_questions). */
static void append_question_lines(char **text, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++) {
        char *more;
        if (asprintf(&more,
                     "%s" REC_DIG "DEV=lo PROTO=UDP " LO "SPT=51676 DPT=53 " REC_IDS
                     "DNS_QR=0 DNS_NAME=q%02u.example.test. DNS_TYPE=A\n",
                     *text, i) < 0)
            exit(2);
        free(*text);
        *text = more;
    }
}

/* At most 32 lines per DNS message: a query with 40 A questions prints the first 32; the
 * rest is said at once, then at most once a second, and totalled at exit. */
static void test_lines_bound(void)
{
    struct blob q = load_fixture("udp_query_a.dns");
    const uint16_t a[] = {1};
    struct test_frame t = {.family = AF_INET, .proto = IPPROTO_UDP, .sport = 51676, .dport = 53};
    uint8_t dns[2048];
    size_t len40, len32;
    struct mon m = {0};
    char *logged, *want = strdup("");

    CHECK_INT(MONITOR_LINES_PER_MESSAGE, 32);
    memcpy(t.saddr, localhost, 16);
    memcpy(t.daddr, localhost, 16);
    size_t dlen = test_dns_questions(dns, sizeof(dns), q.data, 40, a, 1);
    uint8_t *forty = built_sample(&t, dns, dlen, 1, &len40);
    dlen = test_dns_questions(dns, sizeof(dns), q.data, 32, a, 1);
    uint8_t *thirty_two = built_sample(&t, dns, dlen, 1, &len32);
    append_question_lines(&want, 0, 32);

    mon_open(&m);
    CHECK_TEXT(mon_sample(&m, forty, len40, 1000, &logged), want);
    CHECK_TEXT(logged, "ebpfshield-bcc: 8 line(s) of 1 DNS message(s) not printed (at most 32 "
                       "lines per message)\n");
    CHECK_TEXT(mon_sample(&m, forty, len40, 1001, &logged), want);
    CHECK_TEXT(logged, "");
    CHECK_TEXT(mon_sample(&m, thirty_two, len32, 1002, &logged), want); /* all 32 */
    CHECK_TEXT(logged, "");
    CHECK_TEXT(mon_sample(&m, forty, len40, 1003, &logged), want);
    CHECK_TEXT(logged, "");
    CHECK_TEXT(mon_report(&m),
               "ebpfshield-bcc: 16 line(s) of 2 DNS message(s) not printed (at most 32 lines per "
               "message)\n"
               "ebpfshield-bcc: 24 line(s) of 3 DNS message(s) not printed in all\n");
    mon_close(&m);
    free(want);
    free(forty);
    free(thirty_two);
    free(q.data);
}

/* DNS over TCP through the handler: a message split over two samples (at every kind of
 * cut) is printed once, when complete; missing bytes are warned about; a message left
 * unfinished for the idle time is counted at exit. */
static void test_tcp_samples(void)
{
    struct blob cap = load_fixture("tcp_query_a.frame"), qa = load_fixture("tcp_query_a.tcp"),
                qaaaa = load_fixture("tcp_query_aaaa.tcp");
    struct frame_info fi;
    const size_t cuts[] = {1, 2, 3, 30, 56};
    const char *line_a = REC_DIG "DEV=lo PROTO=TCP " LO "SPT=42101 DPT=53 " REC_IDS
                                 "DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n";
    char *logged;
    size_t len;
    uint8_t *sample;

    /* the captured segment's addresses, ports and sequence number */
    CHECK_INT(frame_decode(cap.data, cap.len, &fi), FRAME_OK);
    struct test_frame t = tcp_segment_of(&fi);

    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        struct mon m = {0};
        mon_open(&m);
        t.seq = fi.seq;
        sample = built_sample(&t, qa.data, cuts[i], 1, &len);
        CHECK_TEXT(mon_sample(&m, sample, len, 1000, &logged), "");
        CHECK_TEXT(logged, "");
        free(sample);
        t.seq = fi.seq + (uint32_t)cuts[i];
        sample = built_sample(&t, qa.data + cuts[i], qa.len - cuts[i], 1, &len);
        CHECK_TEXT(mon_sample(&m, sample, len, 1001, &logged), line_a);
        CHECK_TEXT(logged, "");
        CHECK_TEXT(mon_sample(&m, sample, len, 1002, &logged), ""); /* retransmitted */
        CHECK_TEXT(logged, "");
        free(sample);
        CHECK_TEXT(mon_report(&m), "");
        mon_close(&m);
    }

    /* the next message before the rest of the first (read out of order, as two CPUs'
     * perf buffers may give them): held, then both printed in order, nothing lost */
    struct mon m = {0};
    mon_open(&m);
    t.seq = fi.seq;
    sample = built_sample(&t, qa.data, 30, 1, &len);
    CHECK_TEXT(mon_sample(&m, sample, len, 1000, &logged), "");
    CHECK_TEXT(logged, "");
    free(sample);
    t.seq = fi.seq + (uint32_t)qa.len;
    sample = built_sample(&t, qaaaa.data, qaaaa.len, 1, &len);
    CHECK_TEXT(mon_sample(&m, sample, len, 1001, &logged), "");
    CHECK_TEXT(logged, "");
    free(sample);
    t.seq = fi.seq + 30;
    sample = built_sample(&t, qa.data + 30, qa.len - 30, 1, &len);
    const char *line_aaaa = REC_DIG "DEV=lo PROTO=TCP " LO "SPT=42101 DPT=53 " REC_IDS
                                    "DNS_QR=0 DNS_NAME=b.example.test. DNS_TYPE=AAAA\n";
    char both[1024];
    snprintf(both, sizeof(both), "%s%s", line_a, line_aaaa);
    CHECK_TEXT(mon_sample(&m, sample, len, 1002, &logged), both);
    CHECK_TEXT(logged, "");
    free(sample);
    /* a message left unfinished, then more than 30 s without it: dropped, counted */
    t.seq = fi.seq + (uint32_t)(qa.len + qaaaa.len);
    sample = built_sample(&t, qa.data, 30, 1, &len);
    CHECK_TEXT(mon_sample(&m, sample, len, 2000, &logged), "");
    CHECK_TEXT(logged, "");
    free(sample);
    t.sport = 42102; /* another flow, looked up after the idle time */
    t.seq = 1;
    sample = built_sample(&t, qaaaa.data, qaaaa.len, 1, &len);
    CHECK_TEXT(mon_sample(&m, sample, len, 32001, &logged),
               REC_DIG "DEV=lo PROTO=TCP " LO "SPT=42102 DPT=53 " REC_IDS
                       "DNS_QR=0 DNS_NAME=b.example.test. DNS_TYPE=AAAA\n");
    CHECK_TEXT(logged, "");
    free(sample);
    CHECK_TEXT(mon_report(&m), "ebpfshield-bcc: 1 unfinished DNS-over-TCP message(s) dropped for "
                               "room or idleness\n");
    mon_close(&m);
    free(cap.data);
    free(qa.data);
    free(qaaaa.data);
}

/* What the handler writing format through filter printed of payload (a fixture's DNS
 * message, cut to plen bytes) from dig, pid 4242, uid 1000; the caller frees it. */
static char *filtered(const char *format, const struct monitor_filter *filter, const char *payload,
                      size_t plen, char **logged)
{
    struct test_frame t = {.family = AF_INET, .proto = IPPROTO_UDP, .sport = 51676, .dport = 53};
    struct blob p = load_fixture(payload);
    size_t len;
    if (p.len > 2 && p.data[2] & 0x80) { /* a response: from the server port */
        t.sport = 53;
        t.dport = 51676;
    }
    test_addr(t.saddr, AF_INET, "127.0.0.1");
    test_addr(t.daddr, AF_INET, "127.0.0.1");
    uint8_t *sample = built_sample(&t, p.data, plen < p.len ? plen : p.len, 1, &len);
    struct mon m = {0};
    mon_open_as(&m, format, filter);
    char *got = mon_sample(&m, sample, len, 1000, logged);
    mon_close(&m);
    free(sample);
    free(p.data);
    return got;
}

/* -p, -u and --comm, alone and together: a sample of another process prints nothing. */
static void test_filter(void)
{
    static const struct {
        struct monitor_filter filter;
        bool printed;
    } cases[] = {
        {{.by_pid = true, .pid = 4242}, true},
        {{.by_pid = true, .pid = 4243}, false}, /* the thread id is not the pid */
        {{.by_uid = true, .uid = 1000}, true},
        {{.by_uid = true, .uid = 0}, false},
        {{.comm = "dig"}, true},
        {{.comm = "di"}, false},
        {{.by_pid = true, .pid = 4242, .by_uid = true, .uid = 1000, .comm = "dig"}, true},
        {{.by_pid = true, .pid = 4242, .comm = "curl"}, false},
    };
    const char *line = REC_DIG "DEV=lo PROTO=UDP " LO "SPT=51676 DPT=53 " REC_IDS
                               "DNS_QR=0 DNS_NAME=a.example.test. DNS_TYPE=A\n";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *logged;
        CHECK_TEXT(filtered("text", &cases[i].filter, "udp_query_a.dns", SIZE_MAX, &logged),
                   cases[i].printed ? line : "");
        CHECK_TEXT(logged, "");
    }
}

/* A per-message format (json) gets each message whole, one line whatever its records, and
 * a message ldns refuses as such (counted as skipped too). */
static void test_per_message(void)
{
    static const struct monitor_filter all;
    char *logged;
    char *got = filtered("json", &all, "getent_response_a.dns", SIZE_MAX, &logged);
    CHECK(got[0] == '{' && strchr(got, '\n') == got + strlen(got) - 1);
    CHECK(strstr(got, "\"action\":\"dns-response\"") && strstr(got, "\"10.9.8.7\""));
    CHECK_TEXT(logged, "");
    free(got);
    got = filtered("json", &all, "getent_response_a.dns", 20, &logged);
    CHECK(got[0] == '{' && strchr(got, '\n') == got + strlen(got) - 1);
    CHECK(strstr(got, "\"action\":\"dns-unparsed\"") && strstr(got, "\"payload_bytes\":20"));
    CHECK(strncmp(logged, "ebpfshield-bcc: skipped a DNS packet: DNS message: ", 51) == 0);
    free(logged);
    free(got);
}

/* A message whose QR bit contradicts its direction is counted, said once a second, and
 * printed as its direction says: an answer-shaped message sent to port 53 prints its
 * question as a query line (never an answer line with the address it carries), a
 * query-shaped one from port 53 its answers (none here). JSON describes it as it is. */
static void test_contrary(void)
{
    const struct {
        const char *payload;
        uint16_t sport, dport;
        const char *line, *json_action;
    } cases[] = {{"getent_response_a.dns", 51676, 53,
                  " DNS_QR=0 DNS_NAME=b.example.test. DNS_TYPE=A\n", "dns-response"},
                 {"udp_query_a.dns", 53, 51676, NULL, "dns-query"}};
    for (size_t i = 0; i < 2; i++) {
        struct test_frame t = {.family = AF_INET,
                               .proto = IPPROTO_UDP,
                               .sport = cases[i].sport,
                               .dport = cases[i].dport};
        struct blob p = load_fixture(cases[i].payload);
        size_t len;
        test_addr(t.saddr, AF_INET, "127.0.0.1");
        test_addr(t.daddr, AF_INET, "127.0.0.1");
        uint8_t *sample = built_sample(&t, p.data, p.len, 1, &len);
        static const struct monitor_filter all;
        struct mon m = {0};
        char *logged;
        mon_open_as(&m, "text", &all);
        static const char said[] = "ebpfshield-bcc: 1 DNS message(s) whose QR bit contradicts "
                                   "their direction (a response sent to a DNS server port, or a "
                                   "query from one), printed as their direction says (%d so "
                                   "far)\n";
        char want[256];
        for (int n = 1; n <= 2; n++) {
            char *got = mon_sample(&m, sample, len, 1000u * (unsigned)n + 100, &logged);
            if (cases[i].line) {
                size_t gl = strlen(got), wl = strlen(cases[i].line);
                CHECK(gl >= wl && strcmp(got + gl - wl, cases[i].line) == 0);
                CHECK(strstr(got, "DNS_DATA") == NULL);
            } else {
                CHECK_STR(got, "");
            }
            free(got);
            snprintf(want, sizeof(want), said, n);
            CHECK_STR(logged, want);
            free(logged);
        }
        mon_close(&m);
        mon_open_as(&m, "json", &all);
        char *got = mon_sample(&m, sample, len, 1000, &logged);
        char action[64];
        snprintf(action, sizeof(action), "\"action\":\"%s\"", cases[i].json_action);
        CHECK(strstr(got, action) != NULL);
        free(got);
        free(logged);
        mon_close(&m);
        free(sample);
        free(p.data);
    }
}

/* --qtype all: every question and answer type prints, rdata in presentation format with
 * spaces, "=" and backslashes escaped (the data is the sender's: a TXT record is how data
 * leaves by DNS). */
static void test_all_types(void)
{
    const struct {
        const char *frame, *want;
    } cases[] = {
        {"udp_query_txt.frame", "DNS_QR=0 DNS_NAME=t.example.test. DNS_TYPE=TXT\n"},
        {"udp_response_txt.frame",
         "DNS_QR=1 DNS_NAME=t.example.test. DNS_TYPE=TXT DNS_DATA=\"hello\"\n"},
        {"udp_response_cname.frame",
         "DNS_QR=1 DNS_NAME=c.example.test. DNS_TYPE=CNAME DNS_DATA=a.example.test.\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct blob b = load_fixture(cases[i].frame);
        struct port_val proc = {.ifindex = 1, .pid = 273, .tid = 273, .comm = "dig"};
        size_t len;
        uint8_t *sample = make_sample(&proc, &b, &len);
        struct mon m = {.all_types = true};
        static const struct monitor_filter all;
        char *logged;
        mon_open_as(&m, "text", &all);
        char *got = mon_sample(&m, sample, len, 1000, &logged);
        char *tail = strstr(got, "DNS_QR=");
        CHECK(tail && strncmp(tail, cases[i].want, strlen(cases[i].want)) == 0);
        if (!tail || strncmp(tail, cases[i].want, strlen(cases[i].want)) != 0)
            fprintf(stderr, "  %s printed: %s", cases[i].frame, got);
        CHECK_TEXT(mon_report(&m), "");
        free(got);
        free(logged);
        mon_close(&m);
        free(sample);
        free(b.data);
    }
    /* the data's own spaces, tabs and "=" cannot make fields: "hello" becomes "a=\tb c" */
    struct blob p = load_fixture("udp_response_txt.dns");
    uint8_t *hello = memmem(p.data, p.len, "hello", 5);
    CHECK(hello != NULL);
    if (hello)
        memcpy(hello, "a=\tb ", 5);
    struct test_frame t = {.family = AF_INET, .proto = IPPROTO_UDP, .sport = 53, .dport = 51396};
    test_addr(t.saddr, AF_INET, "127.0.0.1");
    test_addr(t.daddr, AF_INET, "127.0.0.1");
    size_t len;
    uint8_t *sample = built_sample(&t, p.data, p.len, 1, &len);
    struct mon m = {.all_types = true};
    static const struct monitor_filter all;
    char *logged;
    mon_open_as(&m, "text", &all);
    char *got = mon_sample(&m, sample, len, 1000, &logged);
    CHECK(strstr(got, " DNS_TYPE=TXT DNS_DATA=\"a\\x3d\\x09b\\x20\"\n") != NULL);
    free(got);
    free(logged);
    mon_close(&m);
    free(sample);
    free(p.data);
}

int main(void)
{
    test_fixture_lines();
    test_process_names();
    test_bad_samples();
    test_ipv6_lines();
    test_unattributed();
    test_other_namespaces();
    test_gso();
    test_lines_bound();
    test_tcp_samples();
    test_filter();
    test_per_message();
    test_contrary();
    test_all_types();
    CHECK_DONE();
}
