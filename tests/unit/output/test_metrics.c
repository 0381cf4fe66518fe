/* Unit tests of metrics_text.c (Prometheus's text format: families, labels, escaping, a
 * large exposition) and metrics_server.c's address parsing and serving: a real
 * libmicrohttpd daemon on loopback, asked over real sockets (GET, HEAD, another path,
 * another method, a body, a client that sends nothing while another is served, nothing
 * published yet: 503). The text is
 * also checked by Prometheus's promtool (`promtool check metrics`). */
#include "check.h"
#include "output/metrics_server.h"
#include "output/metrics_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void test_text(void)
{
    struct metrics_text m = {0};
    metrics_family(&m, "x_total", "counter", "Help with a \\ and a\nnewline.");
    metrics_sample(&m, "x_total", 7, "feed", "a\"b\\c\nd", "action", "deny", (const char *)NULL);
    metrics_sample(&m, "x_total", 18446744073709551615ull, (const char *)NULL);
    metrics_single(&m, "y", "gauge", "Plain.", 0);
    CHECK(!m.failed);
    CHECK_STR(m.buf, "# HELP x_total Help with a \\\\ and a\\nnewline.\n"
                     "# TYPE x_total counter\n"
                     "x_total{feed=\"a\\\"b\\\\c\\nd\",action=\"deny\"} 7\n"
                     "x_total 18446744073709551615\n"
                     "# HELP y Plain.\n# TYPE y gauge\ny 0\n");
    metrics_text_reset(&m);
    CHECK_STR(m.buf, "");
    for (int i = 0; i < 5000; i++) /* grows past its first buffer */
        metrics_sample(&m, "z", (unsigned long long)i, "i", "v", (const char *)NULL);
    CHECK(!m.failed && m.len == strlen(m.buf));
    metrics_text_free(&m);
    CHECK(m.buf == NULL && m.len == 0);
}

static void test_addr(void)
{
    struct metrics_addr a;
    char text[METRICS_ADDR_TEXT_MAX];
    struct error e;
    CHECK(metrics_addr_parse("9464", &a, &e) == 0);
    CHECK_STR(metrics_addr_text(&a, text), "127.0.0.1:9464");
    CHECK(metrics_addr_parse("0.0.0.0:80", &a, &e) == 0);
    CHECK_STR(metrics_addr_text(&a, text), "0.0.0.0:80");
    CHECK(metrics_addr_parse("[::1]:65535", &a, &e) == 0);
    CHECK_STR(metrics_addr_text(&a, text), "[::1]:65535");
    static const char *const bad[] = {
        " 80",   "1.2.3.4: 80", "1.2.3.4:+80", "",         "0",       "65536",
        "-1",    "+9",          "localhost:1", "1.2.3.4:", "1.2.3.4", "::1:9464",
        "[::1]", "[1.2.3.4]:9", "1.2.3.4:9x",  "[::1]:0",  ":9464",   "1.2.3.4:99999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e.msg[0] = '\0';
        if (metrics_addr_parse(bad[i], &a, &e) != -1 || !strstr(e.msg, "--metrics")) {
            fprintf(stderr, "accepted or unexplained: \"%s\" (%s)\n", bad[i], e.msg);
            check_failures++;
        }
    }
}

/* A connection to port on loopback, with a 2 s timeout. */
static int dial(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* request sent on a new connection; the whole reply (until the server closes) in buf. */
static size_t ask(uint16_t port, const char *request, char *buf, size_t size)
{
    int fd = dial(port);
    size_t n = 0;
    if (fd < 0)
        return 0;
    if (write(fd, request, strlen(request)) == (ssize_t)strlen(request)) {
        ssize_t r;
        while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
            n += (size_t)r;
    }
    buf[n] = '\0';
    close(fd);
    return n;
}

/* A free port on loopback (bound, then released). */
static uint16_t free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static void test_server(void)
{
    uint16_t port = free_port();
    char spec[16], buf[8192];
    snprintf(spec, sizeof(spec), "%u", port);
    struct metrics_addr a;
    struct error e;
    CHECK(metrics_addr_parse(spec, &a, &e) == 0);
    struct metrics_server *s = metrics_server_start(&a, &e);
    CHECK(s != NULL);
    if (!s)
        return;
    /* A second server on the same port says why it cannot listen. */
    CHECK(metrics_server_start(&a, &e) == NULL && strstr(e.msg, "cannot listen on 127.0.0.1:"));
    const char *get = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ask(port, get, buf, sizeof(buf));
    CHECK(strncmp(buf, "HTTP/1.1 503", 12) == 0); /* nothing published yet */
    metrics_server_publish(s, "a_total 1\n", 10);
    int idle = dial(port); /* a client that never sends: others are served meanwhile */
    ask(port, get, buf, sizeof(buf));
    CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
    CHECK(strstr(buf, "Content-Type: text/plain; version=0.0.4") != NULL);
    CHECK(strstr(buf, "\r\n\r\na_total 1\n") != NULL);
    ask(port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf));
    CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, "a_total") == NULL);
    ask(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf));
    CHECK(strncmp(buf, "HTTP/1.1 404", 12) == 0);
    ask(port, "DELETE /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf));
    CHECK(strncmp(buf, "HTTP/1.1 405", 12) == 0);
    ask(port,
        "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        buf, sizeof(buf));
    CHECK(strncmp(buf, "HTTP/1.1 405", 12) == 0 && strstr(buf, "a_total") == NULL);
    if (idle >= 0)
        close(idle);
    metrics_server_stop(s);
    CHECK(dial(port) < 0); /* stopped: nothing listens */
}

/* The text as promtool sees it (scripts/setup.sh --test installs it). */
static void test_promtool(void)
{
    if (system("command -v promtool >/dev/null") != 0) {
        fprintf(stderr, "promtool is not installed (scripts/setup.sh --test installs it)\n");
        check_failures++;
        return;
    }
    struct metrics_text m = {0};
    metrics_family(&m, "ebpfshield_feed_hits_total", "counter", "Hits \\ with\nescapes.");
    metrics_sample(&m, "ebpfshield_feed_hits_total", 3, "kind", "address", "feed", "a\"b\\c\nd",
                   (const char *)NULL);
    metrics_single(&m, "ebpfshield_feed_files", "gauge", "Files.", 2);
    char path[] = "/tmp/test_metrics.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, m.buf, m.len) == (ssize_t)m.len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", path);
    CHECK(system(cmd) == 0);
    unlink(path);
    metrics_text_free(&m);
}

int main(void)
{
    test_text();
    test_addr();
    test_server();
    test_promtool();
    CHECK_DONE();
}
