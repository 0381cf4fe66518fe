/* A victim that connects through io_uring (IORING_OP_CONNECT), for guard.sh: the connect is
 * made inline by io_uring_enter ("inline"), by an io-wq worker thread (IOSQE_ASYNC,
 * "async") or by the ring's SQPOLL kernel thread ("sqpoll"), none of which returns from
 * the connect as a syscall. Prints the completion's result ("res N"), then, a second later,
 * "alive" and exits 0; a guard that kills prints neither.
 * usage: ring_victim inline|async|sqpoll IPV4 PORT */
#include <arpa/inet.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int die(const char *what)
{
    perror(what);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return fprintf(stderr, "usage: %s inline|async|sqpoll IPV4 PORT\n", argv[0]), 2;
    int sqpoll = strcmp(argv[1], "sqpoll") == 0, async = strcmp(argv[1], "async") == 0;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
    if (inet_pton(AF_INET, argv[2], &to.sin_addr) != 1)
        return fprintf(stderr, "bad address %s\n", argv[2]), 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        die("socket");

    struct io_uring_params p = {.flags = sqpoll ? IORING_SETUP_SQPOLL : 0, .sq_thread_idle = 2000};
    int ring = (int)syscall(__NR_io_uring_setup, 4, &p);
    if (ring < 0)
        die("io_uring_setup");
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_CQ_RING);
    struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
                                     MAP_SHARED, ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
        die("mmap");

    struct io_uring_sqe *e = &sqes[0];
    memset(e, 0, sizeof(*e));
    e->opcode = IORING_OP_CONNECT;
    e->fd = s;
    e->addr = (unsigned long)&to;
    e->off = sizeof(to);
    e->flags = async ? IOSQE_ASYNC : 0;
    unsigned *tail = (unsigned *)(sq + p.sq_off.tail);
    ((unsigned *)(sq + p.sq_off.array))[*tail & *(unsigned *)(sq + p.sq_off.ring_mask)] = 0;
    __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);

    unsigned flags = IORING_ENTER_GETEVENTS | (sqpoll ? IORING_ENTER_SQ_WAKEUP : 0);
    if (syscall(__NR_io_uring_enter, ring, sqpoll ? 0 : 1, 1, flags, NULL, 0) < 0)
        die("io_uring_enter");
    unsigned *head = (unsigned *)(cq + p.cq_off.head);
    while (__atomic_load_n((unsigned *)(cq + p.cq_off.tail), __ATOMIC_ACQUIRE) == *head)
        ;
    struct io_uring_cqe *done = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    printf("res %d\n", done[*head & *(unsigned *)(cq + p.cq_off.ring_mask)].res);
    fflush(stdout);
    sleep(1);
    puts("alive");
    return 0;
}
