/* --metrics ADDR:PORT: /metrics served over HTTP by libmicrohttpd's own thread, from the
 * last text the event loop published, so that no client (a flood, a slow reader) can hold
 * the loop up. */
#ifndef EBPFSHIELD_METRICS_SERVER_H
#define EBPFSHIELD_METRICS_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

#include "base/log.h"

#define METRICS_ADDR_TEXT_MAX 64

/* Where to listen: "PORT" (loopback), "A.B.C.D:PORT" or "[IPV6]:PORT". */
struct metrics_addr {
    struct sockaddr_storage ss;
    socklen_t len;
};

/* text as a metrics_addr; -1 with the reason in e. */
int metrics_addr_parse(const char *text, struct metrics_addr *addr, struct error *e);

/* addr as an URL's host and port ("127.0.0.1:9464", "[::1]:9464") in buf; returns buf. */
const char *metrics_addr_text(const struct metrics_addr *addr, char buf[METRICS_ADDR_TEXT_MAX]);

struct metrics_server;

/* Listens on addr; NULL with the reason in e. */
struct metrics_server *metrics_server_start(const struct metrics_addr *addr, struct error *e);

/* The text every later request gets (copied); until the first, and when the last is
 * 10 s old (the loop is stuck), requests get 503. */
void metrics_server_publish(struct metrics_server *s, const char *text, size_t len);

/* Stops serving (open connections are closed) and frees s; NULL is fine. */
void metrics_server_stop(struct metrics_server *s);

#endif
