/* Helpers shared by the unit tests: capturing what code prints (to a stream or to the log),
 * real child processes to act on, and frames and DNS messages built around the real ones of
 * tests/fixtures. */
#ifndef EBPFSHIELD_TESTLIB_H
#define EBPFSHIELD_TESTLIB_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

#define NO_PID INT_MAX /* above any pid_max, so never a process */

/* A memstream the tests print into; capture_text() closes it and returns what was printed
 * (the caller frees it). */
struct capture {
    FILE *f;
    char *buf;
    size_t size;
};

static inline void capture_open(struct capture *c)
{
    c->buf = NULL;
    c->f = open_memstream(&c->buf, &c->size);
    if (!c->f) {
        perror("open_memstream");
        exit(2);
    }
}

static inline char *capture_text(struct capture *c)
{
    fclose(c->f);
    return c->buf;
}

/* Captures the log stream (warn, fatal, note) until capture_log_text(). */
static inline void capture_log(struct capture *c)
{
    capture_open(c);
    log_set_stream(c->f);
}

static inline char *capture_log_text(struct capture *c)
{
    log_set_stream(NULL);
    return capture_text(c);
}

static inline uint64_t boottime_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Forks a child that dies with this test, runs setup(arg) in it (if any; it may exec) and then
 * waits to be killed; returns once setup is done (or the exec happened: the pipe is
 * close-on-exec). */
static inline pid_t spawn_child(void (*setup)(const void *arg), const void *arg)
{
    int sync[2];
    char byte;

    if (pipe2(sync, O_CLOEXEC) != 0) {
        perror("pipe2");
        exit(2);
    }
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* no orphan if alarm() ends the test */
        if (getppid() != parent)
            _exit(1);
        if (setup)
            setup(arg);
        close(sync[1]);
        for (;;)
            pause();
    }
    close(sync[1]);
    if (read(sync[0], &byte, 1) != 0) {
        fprintf(stderr, "child %d did not start\n", (int)pid);
        exit(2);
    }
    close(sync[0]);
    return pid;
}

static inline void exec_sleep(const void *arg)
{
    (void)arg;
    execl("/bin/sleep", "sleep", "600", (char *)NULL);
    _exit(127);
}

/* A child running /bin/sleep, so that signals and gcore meet a small plain process rather
 * than the test's image, which holds the sanitizers' terabytes of shadow mappings. */
static inline pid_t spawn_sleep(void)
{
    return spawn_child(exec_sleep, NULL);
}

/* Waits for the child to end; true when SIGKILL ended it. */
static inline bool reaped_by_sigkill(pid_t pid)
{
    int status;

    return waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static inline void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Frames as the socket filter ships them, around a payload taken from tests/fixtures:
 * Ethernet (zero MACs, as on lo), IPv4 (20 bytes) or IPv6 (40 bytes, then the extension
 * headers of ext[]), then UDP (8 bytes) or TCP (20 bytes, no options). */
#define TEST_ETH_LEN 14
#define TEST_IPV4_LEN 20
#define TEST_IPV6_LEN 40
#define TEST_UDP_LEN 8
#define TEST_TCP_LEN 20
#define TEST_TCP_ACK_PSH 0x18 /* the flags byte of a data segment */
#define TEST_EXT_MAX 9

/* One IPv6 extension header: type IPPROTO_HOPOPTS, IPPROTO_ROUTING or IPPROTO_DSTOPTS is
 * (len8 + 1) * 8 bytes (padded with PadN options); IPPROTO_FRAGMENT is 8 bytes, frag being
 * its offset-and-flags word (offset in 8-byte units << 3, 1 for more fragments). */
struct test_ext {
    uint8_t type;
    uint8_t len8;
    uint16_t frag;
};

struct test_frame {
    int family;    /* AF_INET or AF_INET6 */
    uint8_t proto; /* IPPROTO_UDP or IPPROTO_TCP */
    uint8_t saddr[16], daddr[16];
    uint16_t sport, dport;
    uint32_t seq;      /* TCP */
    uint8_t tcp_flags; /* TCP: the flags byte as sent, e.g. TEST_TCP_ACK_PSH */
    bool raw;          /* the payload is the transport header and data (ports etc. unused) */
    size_t n_ext;      /* IPv6 */
    struct test_ext ext[TEST_EXT_MAX];
};

/* An address in presentation form into 16 bytes (IPv4 in the first 4, the rest zero). */
static inline void test_addr(uint8_t out[16], int family, const char *text)
{
    memset(out, 0, 16);
    if (inet_pton(family, text, out) != 1) {
        fprintf(stderr, "bad address %s\n", text);
        exit(2);
    }
}

static inline void test_put16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void test_put32(uint8_t *p, uint32_t v)
{
    test_put16(p, v >> 16);
    test_put16(p + 2, v & 0xffff);
}

static inline size_t test_ext_len(const struct test_ext *e)
{
    if (e->type == IPPROTO_AH) /* its length in 4-byte units, less 2 */
        return ((size_t)e->len8 + 2) * 4;
    return e->type == IPPROTO_FRAGMENT ? 8 : ((size_t)e->len8 + 1) * 8;
}

/* The transport header and payload at l4; returns their length. */
static inline size_t test_transport(uint8_t *l4, const struct test_frame *t, const uint8_t *payload,
                                    size_t len)
{
    size_t header = t->proto == IPPROTO_TCP ? TEST_TCP_LEN : TEST_UDP_LEN;

    if (t->raw) {
        memcpy(l4, payload, len);
        return len;
    }
    memset(l4, 0, header);
    test_put16(l4, t->sport);
    test_put16(l4 + 2, t->dport);
    if (t->proto == IPPROTO_TCP) {
        test_put32(l4 + 4, t->seq);
        l4[12] = TEST_TCP_LEN / 4 << 4;
        l4[13] = t->tcp_flags;
        test_put16(l4 + 14, 65535); /* window */
    } else {
        test_put16(l4 + 4, TEST_UDP_LEN + len);
    }
    memcpy(l4 + header, payload, len);
    return header + len;
}

static inline uint16_t test_ipv4_checksum(const uint8_t *ip)
{
    uint32_t sum = 0;

    for (size_t i = 0; i < TEST_IPV4_LEN; i += 2)
        sum += (uint32_t)ip[i] << 8 | ip[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Writes the frame into buf (cap bytes); returns its length. Exits when it does not fit. */
static inline size_t test_frame_build(uint8_t *buf, size_t cap, const struct test_frame *t,
                                      const uint8_t *payload, size_t len)
{
    size_t ext = 0;

    for (size_t i = 0; i < t->n_ext; i++)
        ext += test_ext_len(&t->ext[i]);
    if (cap < TEST_ETH_LEN + TEST_IPV6_LEN + ext + TEST_TCP_LEN + len) {
        fprintf(stderr, "test frame too long\n");
        exit(2);
    }
    memset(buf, 0, TEST_ETH_LEN);
    uint8_t *l3 = buf + TEST_ETH_LEN;
    if (t->family == AF_INET) {
        test_put16(buf + 12, 0x0800);
        size_t l4 = test_transport(l3 + TEST_IPV4_LEN, t, payload, len);
        memset(l3, 0, TEST_IPV4_LEN);
        l3[0] = 0x45;
        test_put16(l3 + 2, TEST_IPV4_LEN + l4);
        test_put16(l3 + 6, 0x4000); /* DF */
        l3[8] = 64;
        l3[9] = t->proto;
        memcpy(l3 + 12, t->saddr, 4);
        memcpy(l3 + 16, t->daddr, 4);
        test_put16(l3 + 10, test_ipv4_checksum(l3));
        return TEST_ETH_LEN + TEST_IPV4_LEN + l4;
    }
    test_put16(buf + 12, 0x86dd);
    memset(l3, 0, TEST_IPV6_LEN);
    l3[0] = 0x60;
    l3[7] = 64;
    memcpy(l3 + 8, t->saddr, 16);
    memcpy(l3 + 24, t->daddr, 16);
    uint8_t *next = l3 + 6, *h = l3 + TEST_IPV6_LEN;
    for (size_t i = 0; i < t->n_ext; i++) {
        const struct test_ext *e = &t->ext[i];
        size_t n = test_ext_len(e);
        *next = e->type;
        next = h;
        memset(h, 0, n);
        if (e->type == IPPROTO_FRAGMENT) {
            test_put16(h + 2, e->frag);
            test_put32(h + 4, 0x12345678); /* identification */
        } else {
            h[1] = e->len8;
            if (e->type == IPPROTO_AH) {
                test_put32(h + 4, 0x100); /* SPI; sequence number and ICV zero */
            } else if (e->type == IPPROTO_ROUTING) {
                h[2] = 4; /* segment routing, no segment left: processed as absent */
            } else {
                /* PadN options (256 bytes at most: never 1 left) over the rest */
                for (size_t pad = 2; pad < n;) {
                    size_t chunk = n - pad < 256 ? n - pad : 256;
                    h[pad] = 1;
                    h[pad + 1] = (uint8_t)(chunk - 2);
                    pad += chunk;
                }
            }
        }
        h += n;
    }
    *next = t->proto;
    size_t l4 = test_transport(h, t, payload, len);
    test_put16(l3 + 4, ext + l4);
    return TEST_ETH_LEN + TEST_IPV6_LEN + ext + l4;
}

/* A query made of the header and first question of a real one (udp_query_a.dns: id, flags,
 * then a.example.test. A IN), that question repeated n times with its first label replaced
 * by "q<i>" (q00, q01, ...) and its type by qtypes[i % ntypes]; no other section. Returns
 * the length. */
static inline size_t test_dns_questions(uint8_t *buf, size_t cap, const uint8_t *query, unsigned n,
                                        const uint16_t *qtypes, size_t ntypes)
{
    const size_t header = 12, rest = 14; /* "\7example\4test\0" after the label "\1a" */
    size_t off = header;

    if (cap < header + (size_t)n * (4 + rest + 4) || n > 100) {
        fprintf(stderr, "test query too long\n");
        exit(2);
    }
    memcpy(buf, query, header);
    test_put16(buf + 4, n);
    memset(buf + 6, 0, 6); /* ANCOUNT, NSCOUNT, ARCOUNT */
    for (unsigned i = 0; i < n; i++) {
        buf[off++] = 3;
        buf[off++] = 'q';
        buf[off++] = (uint8_t)('0' + i / 10);
        buf[off++] = (uint8_t)('0' + i % 10);
        memcpy(buf + off, query + header + 2, rest);
        off += rest;
        test_put16(buf + off, qtypes[i % ntypes]);
        memcpy(buf + off + 2, query + header + 2 + rest + 2, 2); /* QCLASS */
        off += 4;
    }
    return off;
}

#endif
