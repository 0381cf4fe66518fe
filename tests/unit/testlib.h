/* Helpers shared by the unit tests: capturing what code prints (to a stream or to the log)
 * and real child processes to act on. */
#ifndef EBPFSHIELD_TESTLIB_H
#define EBPFSHIELD_TESTLIB_H

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

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

#endif
