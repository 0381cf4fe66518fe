#include "output/metrics_server.h"

#include "base/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* A scraper needs one connection; these bound what a flood or slow clients can hold. */
#define CONNECTIONS_MAX 16
#define CONNECTIONS_PER_IP 4
#define IDLE_SECONDS 5
/* Text older than this is not served: the loop that publishes it is stuck. */
#define STALE_MS 10000

struct metrics_server {
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock; /* text: written by the loop, read by the daemon's thread */
    char *text;           /* NULL until the first publication: 503 */
    size_t len;
    uint64_t published_ms;
};

static int parse_port(const char *text, uint16_t *port)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || errno || *end || v == 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

int metrics_addr_parse(const char *text, struct metrics_addr *addr, struct error *e)
{
    char host[METRICS_ADDR_TEXT_MAX];
    const char *port_text;
    uint16_t port;
    memset(addr, 0, sizeof(*addr));
    if (strlen(text) >= sizeof(host))
        return error_set(e, "--metrics '%.20s...': too long", text);
    const char *colon = strrchr(text, ':');
    if (!colon) {
        snprintf(host, sizeof(host), "127.0.0.1");
        port_text = text;
    } else if (text[0] == '[' && colon > text && colon[-1] == ']') {
        snprintf(host, sizeof(host), "%.*s", (int)(colon - text - 2), text + 1);
        port_text = colon + 1;
    } else {
        snprintf(host, sizeof(host), "%.*s", (int)(colon - text), text);
        port_text = colon + 1;
    }
    if (parse_port(port_text, &port) != 0)
        return error_set(e, "--metrics '%s': the port must be 1 to 65535", text);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr->ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr->ss;
    if (text[0] != '[' && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        addr->len = sizeof(*v4);
    } else if (text[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        addr->len = sizeof(*v6);
    } else {
        return error_set(e,
                         "--metrics '%s': not PORT, A.B.C.D:PORT or [IPV6]:PORT (an address, "
                         "not a name)",
                         text);
    }
    return 0;
}

const char *metrics_addr_text(const struct metrics_addr *addr, char buf[METRICS_ADDR_TEXT_MAX])
{
    char ip[INET6_ADDRSTRLEN];
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)&addr->ss;
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&addr->ss;
    if (addr->ss.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof(ip));
        snprintf(buf, METRICS_ADDR_TEXT_MAX, "[%s]:%u", ip, ntohs(v6->sin6_port));
    } else {
        inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof(ip));
        snprintf(buf, METRICS_ADDR_TEXT_MAX, "%s:%u", ip, ntohs(v4->sin_port));
    }
    return buf;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *body,
                             size_t len, const char *type)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    enum MHD_Result ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (ok == MHD_YES)
        ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* GET or HEAD /metrics: the last text published; anything else is refused. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)version, (void)upload_data, (void)req_cls;
    struct metrics_server *s = cls;
    static const char not_found[] = "not found: the metrics are at /metrics\n";
    static const char not_allowed[] = "only GET and HEAD\n";
    if (*upload_data_size != 0) { /* a body where none belongs: the connection is closed */
        *upload_data_size = 0;
        return MHD_NO;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed, sizeof(not_allowed) - 1,
                     "text/plain");
    if (strcmp(url, "/metrics") != 0)
        return reply(c, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1, "text/plain");
    static const char unavailable[] = "not measuring: starting, or the event loop is stuck\n";
    pthread_mutex_lock(&s->lock);
    enum MHD_Result ok = s->text && monotonic_ms() - s->published_ms < STALE_MS
                             ? reply(c, MHD_HTTP_OK, s->text, s->len, CONTENT_TYPE)
                             : reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, unavailable,
                                     sizeof(unavailable) - 1, "text/plain");
    pthread_mutex_unlock(&s->lock);
    return ok;
}

struct metrics_server *metrics_server_start(const struct metrics_addr *addr, struct error *e)
{
    struct metrics_server *s = calloc(1, sizeof(*s));
    if (!s) {
        error_set(e, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    if (addr->ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The daemon's thread takes no signal: SIGINT and SIGTERM wake the loop. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    errno = 0;
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
                                 (const struct sockaddr *)&addr->ss, MHD_OPTION_CONNECTION_LIMIT,
                                 (unsigned int)CONNECTIONS_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                 (unsigned int)CONNECTIONS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned int)IDLE_SECONDS, MHD_OPTION_END);
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!s->daemon) {
        char where[METRICS_ADDR_TEXT_MAX];
        error_set(e, "--metrics: cannot listen on %s: %s", metrics_addr_text(addr, where),
                  err ? strerror(err) : "libmicrohttpd refused");
        metrics_server_stop(s);
        return NULL;
    }
    return s;
}

void metrics_server_publish(struct metrics_server *s, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return; /* the last text stays */
    memcpy(copy, text, len);
    copy[len] = '\0';
    pthread_mutex_lock(&s->lock);
    free(s->text);
    s->text = copy;
    s->len = len;
    s->published_ms = monotonic_ms();
    pthread_mutex_unlock(&s->lock);
}

void metrics_server_stop(struct metrics_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->lock);
    free(s->text);
    free(s);
}
