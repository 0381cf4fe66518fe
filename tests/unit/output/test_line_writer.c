/* Unit tests of the output queue on a real pipe: a reader that stalls never blocks a
 * write, lines beyond the queue's cap are dropped whole and counted, every line is either
 * read or counted as lost (none vanishes), a reader that goes away is reported, and a full
 * disk is waited out rather than fatal.
 * line_writer_reopen: switched between whole lines while another thread writes, every
 * line in exactly one file in order, unused and owned fds closed, others' kept.
 * line_writer_hold: lines wait for the release, or until a write's worth is queued. */
#include "check.h"
#include "output/line_writer.h"
#include "scratch.h"
#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <poll.h>
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

/* Bytes readable on fd within ms (a non-blocking read after poll); 0 when none came. */
static ssize_t read_within(int fd, char *buf, size_t len, int ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, ms) <= 0)
        return 0;
    return read(fd, buf, len);
}

/* Held: three short lines stay queued (nothing on the pipe for 300 ms) until the release,
 * then come out together in order; held again, 5,000 bytes of lines (more than a write's
 * worth) come out without a release. */
static void test_hold(void)
{
    int p[2];
    FILE *out;
    struct error e;
    char buf[8192];

    CHECK(pipe(p) == 0);
    fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
    struct line_writer *w =
        line_writer_open(&(struct line_target){.fd = p[1]}, "standard output", CAP, &out, &e);
    CHECK(w != NULL);
    /* Read back, then 100 ms for the thread to go back to waiting: hold only keeps a
     * waiting thread asleep (one still busy writes what is queued). */
    fputs("start\n", out);
    CHECK_INT(read_within(p[0], buf, sizeof(buf), 5000), 6);
    poll(NULL, 0, 100);
    line_writer_hold(w);
    fputs("one\ntwo\nthree\n", out);
    CHECK_INT(read_within(p[0], buf, sizeof(buf), 300), 0);
    line_writer_release(w);
    ssize_t n = read_within(p[0], buf, sizeof(buf) - 1, 5000);
    buf[n > 0 ? n : 0] = '\0';
    CHECK_STR(buf, "one\ntwo\nthree\n");

    line_writer_hold(w);
    for (int i = 0; i < 100; i++)
        fprintf(out, "line %03d of fifty bytes, padded .................\n", i);
    n = read_within(p[0], buf, sizeof(buf), 5000); /* some, unreleased */
    CHECK(n > 0);
    line_writer_release(w);
    CHECK_INT(line_writer_close(w, 5000), 0);
    close(p[1]);
    ssize_t more;
    while (n > 0 && (more = read(p[0], buf, sizeof(buf))) > 0)
        n += more;
    CHECK_INT(n, 100 * 50);
    close(p[0]);
}

/* A full disk (/dev/full: every write fails with ENOSPC) is no reason to stop: no error
 * for the loop, the lines wait and are said lost at the end. */
static void test_disk_full(void)
{
    FILE *out;
    struct error e;
    struct capture log;
    int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

    CHECK(fd >= 0);
    capture_log(&log);
    struct line_writer *w = line_writer_open(&(struct line_target){.fd = fd, .owned = true},
                                             "events.json", CAP, &out, &e);
    for (int i = 0; i < 3; i++)
        fprintf(out, "event %d\n", i);
    usleep(300 * 1000);
    CHECK_INT(line_writer_error(w), 0);
    line_writer_report(w);
    CHECK_INT(line_writer_close(w, 300), 3);
    char *logged = capture_log_text(&log);
    CHECK(strstr(logged, "cannot write to events.json (No space left on device): lines wait "
                         "in memory") != NULL);
    CHECK(strstr(logged, "events.json cannot be written: 3 line(s) not written") != NULL);
    free(logged);
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

/* ---- reopen (SIGHUP after logrotate) ---- */

#define REOPEN_LINES 10000
#define REOPEN_FILES_MAX 512
#define LONG_LINE 5000 /* more than the writer's 4 KiB chunk: written in pieces */

static char scratch[256];

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        exit(2);
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and the DIR's own fd */
}

/* Waits (up to 5 s) until out.<i> holds len bytes: the writer's thread wrote them. */
static bool wait_size(int i, off_t len)
{
    char path[320];
    struct stat st;
    snprintf(path, sizeof(path), "%s/out.%d", scratch, i);
    for (int tries = 0; tries < 500; tries++) {
        if (stat(path, &st) == 0 && st.st_size == len)
            return true;
        usleep(10 * 1000);
    }
    return false;
}

static bool fd_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

static int open_file(int i)
{
    char path[320];
    snprintf(path, sizeof(path), "%s/out.%d", scratch, i);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(path);
        exit(2);
    }
    return fd;
}

static char *read_file(int i, size_t *len)
{
    char path[320];
    snprintf(path, sizeof(path), "%s/out.%d", scratch, i);
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    *len = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    buf = malloc((size_t)size + 1);
    *len = fread(buf, 1, (size_t)size, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

struct reopen_run {
    struct line_writer *w;
    FILE *out;
    atomic_int reopens;    /* reopens done: file index of the last one */
    atomic_bool writing;   /* the writer thread has not finished */
    int gen[REOPEN_LINES]; /* reopens done before line i was queued */
    unsigned seed;
};

/* Line i: "<i> <gen> <len> <len bytes of padding>\n". */
static void *write_lines(void *arg)
{
    struct reopen_run *r = arg;
    unsigned seed = r->seed;
    static char pad[LONG_LINE + 1];
    memset(pad, 'x', LONG_LINE);
    for (int i = 0; i < REOPEN_LINES; i++) {
        int len = rand_r(&seed) % 97 == 0 ? LONG_LINE : rand_r(&seed) % 120;
        r->gen[i] = atomic_load(&r->reopens);
        fprintf(r->out, "%d %d %d %.*s\n", i, r->gen[i], len, len, pad);
        if (rand_r(&seed) % 64 == 0)
            usleep(rand_r(&seed) % 200);
    }
    atomic_store(&r->writing, false);
    return NULL;
}

/* One thread writes REOPEN_LINES lines while this one reopens to out.1, out.2, ... at
 * random moments; then every line must be found exactly once, whole, the files read in
 * the order they were opened giving lines 0, 1, 2, ... in order; a line queued after the
 * reopen to file k is in file k or a later one; the writer leaves no fd open. */
static void test_reopen_while_writing(void)
{
    static struct reopen_run r;
    struct error e;
    pthread_t t;
    int fds_before = count_fds();

    r.seed = (unsigned)time(NULL);
    fprintf(stderr, "test_reopen_while_writing: seed %u\n", r.seed);
    atomic_store(&r.reopens, 0);
    atomic_store(&r.writing, true);
    r.w = line_writer_open(&(struct line_target){.fd = open_file(0), .owned = true}, "out.0",
                           64u << 20, &r.out, &e);
    CHECK(r.w != NULL);
    if (!r.w)
        return;
    CHECK(pthread_create(&t, NULL, write_lines, &r) == 0);
    unsigned seed = r.seed ^ 0x5bd1e995u;
    int files = 1;
    while (atomic_load(&r.writing) && files < REOPEN_FILES_MAX) {
        usleep(rand_r(&seed) % 400);
        int fd = open_file(files);
        line_writer_reopen(r.w, fd);
        atomic_store(&r.reopens, files);
        files++;
        if (rand_r(&seed) % 8 == 0 && files < REOPEN_FILES_MAX) { /* two in a row */
            line_writer_reopen(r.w, open_file(files));
            atomic_store(&r.reopens, files);
            files++;
        }
    }
    pthread_join(t, NULL);
    CHECK_INT(line_writer_close(r.w, 10000), 0);
    CHECK_INT(count_fds(), fds_before);
    CHECK(files > 3);

    /* read back in open order */
    static int file_of[REOPEN_LINES];
    int next = 0, used = 0;
    bool whole = true, ordered = true;
    int early_lines = 0;
    for (int i = 0; i < REOPEN_LINES; i++)
        file_of[i] = -1;
    for (int f = 0; f < files; f++) {
        size_t len;
        char *text = read_file(f, &len);
        CHECK(text != NULL);
        if (!text)
            continue;
        used += len > 0;
        if (len && text[len - 1] != '\n') {
            fprintf(stderr, "out.%d does not end with a whole line\n", f);
            whole = false;
        }
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            int i, gen, n, off;
            if (sscanf(line, "%d %d %d %n", &i, &gen, &n, &off) != 3 || i < 0 ||
                i >= REOPEN_LINES || (int)strlen(line + off) != n || gen != r.gen[i] ||
                strspn(line + off, "x") != (size_t)n) {
                if (whole)
                    fprintf(stderr, "out.%d: broken line \"%.80s\"\n", f, line);
                whole = false;
                continue;
            }
            if (i != next) {
                if (ordered)
                    fprintf(stderr, "out.%d: line %d where %d was due\n", f, i, next);
                ordered = false;
            }
            next = i + 1;
            if (file_of[i] >= 0)
                ordered = false;
            file_of[i] = f;
            early_lines += f < gen; /* see test_reopen_mid_line */
        }
        free(text);
    }
    CHECK(whole);
    CHECK(ordered);
    CHECK_INT(next, REOPEN_LINES);
    CHECK(used > 1);
    fprintf(stderr,
            "test_reopen_while_writing: %d files opened, %d written to; %d line(s) queued after "
            "a reopen went to an earlier file\n",
            files, used, early_lines);
}

/* Two reopens before a line: the first one's fd is closed at once, unused; the line goes
 * to the second; the initial fd, owned, is closed once the switch happened. A fd the
 * writer does not own (standard output) is never closed. */
static void test_reopen_twice(void)
{
    struct error e;
    FILE *out;
    int fds_before = count_fds();
    int a = open_file(1000), b = open_file(1001), c = open_file(1002);
    struct line_writer *w =
        line_writer_open(&(struct line_target){.fd = a, .owned = true}, "out", CAP, &out, &e);
    CHECK(w != NULL);
    fprintf(out, "to a\n");
    CHECK(wait_size(1000, 5)); /* written out before the reopens */
    line_writer_reopen(w, b);
    CHECK(fd_open(b));
    line_writer_reopen(w, c);
    CHECK(!fd_open(b)); /* closed by the second reopen, before any line */
    CHECK(fd_open(c));
    fprintf(out, "to c\n");
    CHECK_INT(line_writer_close(w, 5000), 0);
    CHECK(!fd_open(a) && !fd_open(c));
    CHECK_INT(count_fds(), fds_before);
    size_t len;
    char *text = read_file(1000, &len);
    CHECK_STR(text, "to a\n");
    free(text);
    text = read_file(1001, &len);
    CHECK_STR(text, "");
    free(text);
    text = read_file(1002, &len);
    CHECK_STR(text, "to c\n");
    free(text);

    /* not owned: kept open through a reopen and the close; the new one is closed */
    int keep = open_file(1003), d = open_file(1004);
    w = line_writer_open(&(struct line_target){.fd = keep}, "out", CAP, &out, &e);
    fprintf(out, "kept\n");
    CHECK(wait_size(1003, 5));
    line_writer_reopen(w, d);
    fprintf(out, "to d\n");
    CHECK_INT(line_writer_close(w, 5000), 0);
    CHECK(fd_open(keep));
    CHECK(!fd_open(d));
    close(keep);
    text = read_file(1003, &len);
    CHECK_STR(text, "kept\n");
    free(text);
    text = read_file(1004, &len);
    CHECK_STR(text, "to d\n");
    free(text);

    /* a reopen never followed by a line: its fd is closed at the end */
    int g = open_file(1005), h = open_file(1006);
    w = line_writer_open(&(struct line_target){.fd = g, .owned = true}, "out", CAP, &out, &e);
    fprintf(out, "only\n");
    line_writer_reopen(w, h);
    CHECK_INT(line_writer_close(w, 5000), 0);
    CHECK(!fd_open(g) && !fd_open(h));
    CHECK_INT(count_fds(), fds_before);
}

/* A reopen while a line longer than the writer's chunk is half written (the pipe took its
 * first 4 KiB): that line ends in the old file, but a line queued after line_writer_reopen
 * returned is a "next line" (line_writer.h: "From the next line on, writes go to fd") and
 * belongs in the new file. */
static void test_reopen_mid_line(void)
{
    int p[2];
    struct error e;
    FILE *out;
    char big[LONG_LINE + 2];

    CHECK(pipe2(p, O_CLOEXEC) == 0);
    fcntl(p[1], F_SETPIPE_SZ, 4096);
    struct line_writer *w =
        line_writer_open(&(struct line_target){.fd = p[1]}, "out", CAP, &out, &e);
    memset(big, 'L', LONG_LINE);
    big[LONG_LINE] = '\n';
    big[LONG_LINE + 1] = '\0';
    fputs(big, out);
    usleep(200 * 1000); /* the thread wrote 4096 bytes: the pipe is full */
    int b = open_file(2000);
    line_writer_reopen(w, b);
    fprintf(out, "after the reopen\n");
    usleep(250 * 1000); /* the thread has seen it queued while it waits for the pipe */
    /* drain the pipe: the rest of the long line goes out */
    char buf[8192];
    size_t got = 0;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    for (int tries = 0; tries < 300; tries++) {
        ssize_t n = read(p[0], buf + got, sizeof(buf) - 1 - got);
        if (n > 0)
            got += (size_t)n;
        else
            usleep(10 * 1000);
        if (got >= LONG_LINE + 1 && tries > 50)
            break;
    }
    CHECK_INT(line_writer_close(w, 5000), 0);
    ssize_t n;
    while ((n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    close(p[0]);
    close(p[1]);
    CHECK_INT(got >= LONG_LINE + 1 ? strspn(buf, "L") : 0, LONG_LINE); /* whole, in the pipe */
    CHECK_STR(buf + LONG_LINE, "\n");
    size_t len;
    char *text = read_file(2000, &len);
    CHECK_STR(text, "after the reopen\n");
    free(text);
}

/* The syslog target (struct line_target.syslog) is not exercised here: it would write to
 * this machine's /dev/log. tests/e2e/syslog_forward.sh covers it against rsyslog. */

int main(void)
{
    alarm(60);
    signal(SIGPIPE, SIG_IGN);
    test_stalled_reader();
    test_reader_keeps_up();
    test_hold();
    test_reader_gone();
    test_disk_full();
    scratch_dir_create(scratch, sizeof(scratch), "test_line_writer");
    test_reopen_while_writing();
    test_reopen_twice();
    test_reopen_mid_line();
    scratch_dir_remove(scratch);
    CHECK_DONE();
}
