/* A benchmark's DNS load that is not the bottleneck: a client socket and a responder socket
 * (127.0.0.1:53) in one process, the query (a.example.test A) and its answer (10.1.2.3)
 * copied from templates each turn (the ids change); the client sends BATCH queries with sendmmsg,
 * the responder takes them with recvmmsg and sends BATCH answers back, the client takes those: 2 *
 * BATCH DNS messages a turn, paced to RATE messages a second (0: as fast as it goes), until
 * MESSAGES are sent. Prints "sent N received M seconds S": what the sockets sent and received, so
 * that the caller can count what an observer saw against it. usage: dns_blaster MESSAGES RATE
 * (root: port 53) */
#define _GNU_SOURCE /* sendmmsg, recvmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 16

static const uint8_t question[] = {1, 'a', 7,   'e', 'x', 'a', 'm', 'p', 'l', 'e',
                                   4, 't', 'e', 's', 't', 0,   0,   1,   0,   1}; /* A, IN */
static const uint8_t record[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3};

struct message {
    uint8_t bytes[12 + sizeof(question) + sizeof(record)];
    size_t len;
};

static void build(struct message *m, uint16_t id, int answer)
{
    const uint8_t header[12] = {
        id >> 8, id & 0xff, answer ? 0x81 : 0x01, answer ? 0x80 : 0, 0, 1, 0, answer, 0, 0, 0, 0};
    memcpy(m->bytes, header, sizeof(header));
    memcpy(m->bytes + 12, question, sizeof(question));
    m->len = 12 + sizeof(question);
    if (answer) {
        memcpy(m->bytes + m->len, record, sizeof(record));
        m->len += sizeof(record);
    }
}

static int bound_socket(uint16_t port, struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0), size = 8 << 20;
    socklen_t len = sizeof(*addr);
    *addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port)};
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0 ||
        bind(fd, (struct sockaddr *)addr, sizeof(*addr)) != 0 ||
        getsockname(fd, (struct sockaddr *)addr, &len) != 0) {
        perror("dns_blaster: socket");
        exit(1);
    }
    return fd;
}

/* n messages of m (each to `to`) sent; exits on a failure. */
static void send_all(int fd, struct message *m, unsigned n, struct sockaddr_in *to)
{
    struct iovec iov[BATCH];
    struct mmsghdr hdr[BATCH];
    for (unsigned i = 0; i < n; i++) {
        iov[i] = (struct iovec){m[i].bytes, m[i].len};
        hdr[i] = (struct mmsghdr){
            .msg_hdr = {
                .msg_name = to, .msg_namelen = sizeof(*to), .msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    for (unsigned done = 0; done < n;) {
        int r = sendmmsg(fd, hdr + done, n - done, 0);
        if (r < 0 && errno != EINTR) {
            perror("dns_blaster: sendmmsg");
            exit(1);
        }
        done += r > 0 ? (unsigned)r : 0;
    }
}

/* What is queued on fd, up to BATCH, taken; their count. */
static unsigned receive(int fd)
{
    static uint8_t buf[BATCH][512];
    struct iovec iov[BATCH];
    struct mmsghdr hdr[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i] = (struct iovec){buf[i], sizeof(buf[i])};
        hdr[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    int r = recvmmsg(fd, hdr, BATCH, MSG_DONTWAIT, NULL);
    return r > 0 ? (unsigned)r : 0;
}

/* A batch's datagrams taken from fd (a loopback delivers them as they are sent; a few
 * tries cover one still on its way); how many came. */
static unsigned receive_batch(int fd)
{
    unsigned got = 0;
    for (int tries = 0; got < BATCH && tries < 1000; tries++)
        got += receive(fd);
    return got;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: dns_blaster MESSAGES RATE\n");
        return 2;
    }
    unsigned long total = strtoul(argv[1], NULL, 10) / (2 * BATCH) * (2 * BATCH);
    double rate = strtod(argv[2], NULL);
    struct sockaddr_in server_addr, client_addr;
    int server = bound_socket(53, &server_addr), client = bound_socket(0, &client_addr);
    struct message queries[BATCH], answers[BATCH];
    unsigned long sent = 0, received = 0;
    double start = now();
    for (uint16_t turn = 0; sent < total; turn++) {
        for (unsigned i = 0; i < BATCH; i++) {
            build(&queries[i], (uint16_t)(turn * BATCH + i), 0);
            build(&answers[i], (uint16_t)(turn * BATCH + i), 1);
        }
        send_all(client, queries, BATCH, &server_addr);
        received += receive_batch(server);
        send_all(server, answers, BATCH, &client_addr);
        received += receive_batch(client);
        sent += 2 * BATCH;
        if (rate > 0) { /* the next turn at its time */
            double due = start + (double)sent / rate, late = due - now();
            if (late > 0) {
                struct timespec ts = {(time_t)late, (long)((late - (double)(time_t)late) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
    }
    printf("sent %lu received %lu seconds %.3f\n", sent, received, now() - start);
    return 0;
}
