/* Unit tests of the output queue on a real pipe: a reader that stalls never blocks a
 * write, lines beyond the queue's cap are dropped whole and counted, every line is either
 * read or counted as lost (none vanishes), and a reader that goes away is reported. */
#include "check.h"
#include "line_writer.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#define LINES 20000
#define CAP (64u << 10)

static long count_lines(int fd)
{
    char buf[65536];
    long lines = 0;
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
    return lines;
}

/* Nobody reads while LINES lines (about 1 MiB, far beyond pipe and cap) are written: the
 * writes return at once (alarm would end a blocked test), and read + lost == written. */
static void test_stalled_reader(void)
{
    int p[2];
    FILE *out;
    struct error e;
    struct capture log;

    CHECK(pipe(p) == 0);
    fcntl(p[1], F_SETPIPE_SZ, 4096); /* smaller than the queue: lines stay queued at exit */
    capture_log(&log);
    struct line_writer *w =
        line_writer_open(&(struct line_target){.fd = p[1]}, "standard output", CAP, &out, &e);
    CHECK(w != NULL);
    for (int i = 0; i < LINES; i++)
        fprintf(out, "line %06d of the stalled-reader test, padded to fifty bytes\n", i);
    CHECK_INT(line_writer_error(w), 0);
    line_writer_report(w);
    unsigned long long lost = line_writer_close(w, 100);
    char *logged = capture_log_text(&log);
    close(p[1]);
    long read_lines = count_lines(p[0]);
    close(p[0]);
    CHECK(lost > 0);
    CHECK_INT((long long)read_lines + (long long)lost, LINES);
    CHECK(strstr(logged, "standard output is not being read: dropping lines") != NULL);
    CHECK(strstr(logged, "line(s) not written") != NULL);
    free(logged);
}

/* A reader that keeps up gets every line, in order. */
static void test_reader_keeps_up(void)
{
    int p[2];
    FILE *out;
    struct error e;

    CHECK(pipe(p) == 0);
    fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
    struct line_writer *w =
        line_writer_open(&(struct line_target){.fd = p[1]}, "standard output", CAP, &out, &e);
    for (int i = 0; i < 1000; i++)
        fprintf(out, "%d\n", i);
    CHECK_INT(line_writer_close(w, 5000), 0);
    close(p[1]);
    char buf[8192];
    ssize_t n = read(p[0], buf, sizeof(buf) - 1);
    close(p[0]);
    buf[n > 0 ? n : 0] = '\0';
    CHECK(strncmp(buf, "0\n1\n2\n", 6) == 0);
    CHECK(strstr(buf, "\n998\n999\n") != NULL);
}

/* The reader went away: EPIPE is reported, nothing blocks. */
static void test_reader_gone(void)
{
    int p[2];
    FILE *out;
    struct error e;
    struct capture log;

    CHECK(pipe(p) == 0);
    close(p[0]);
    capture_log(&log);
    struct line_writer *w =
        line_writer_open(&(struct line_target){.fd = p[1]}, "standard output", CAP, &out, &e);
    fprintf(out, "nobody reads this\n");
    int err = 0;
    for (int i = 0; i < 200 && !(err = line_writer_error(w)); i++)
        usleep(10 * 1000);
    CHECK_INT(err, EPIPE);
    line_writer_close(w, 100);
    free(capture_log_text(&log));
    close(p[1]);
}

int main(void)
{
    alarm(60);
    signal(SIGPIPE, SIG_IGN);
    test_stalled_reader();
    test_reader_keeps_up();
    test_reader_gone();
    CHECK_DONE();
}
