/* Unit tests of the output layer (output.c) over every format of the table: each kind of
 * event reaches the format's entry and comes out as one line on the stream, with syslog's
 * <PRI> (authpriv.warning for a feed hit, daemon.info for the others) under --syslog and
 * the local time under -t for the formats that are not structured (those carry their own
 * time). */
#include "check.h"
#include "output/format.h"
#include "output/output.h"
#include "testlib.h"

#include <regex.h>
#include <stdlib.h>
#include <syslog.h>

static const struct hit_words kill_words = {
    .verb = "was killed by eBPFShield", .verb_space = true, .ecs_action = "process-killed"};
static const struct hit_report kill_hit = {
    .block = "kill", .refused = true, .words = &kill_words, .result = HIT_ACTED};
static struct port_val proc = {.pid = 4242, .tid = 4243, .uid = 1000, .gid = 100};
static const struct dns_origin origin = {.proc = &proc, .comm = "dig", .ifname = "lo"};
static struct frame_info udp4 = {
    .proto = IPPROTO_UDP, .family = AF_INET, .sport = 53, .dport = 33703};
static const struct dns_item item = {
    .qr = 1, .name = "a.example.test.", .type = "A", .data = "10.1.2.3"};
static struct dns_summary summary = {.qr = 0, .rcode = "NOERROR"};
static const uint8_t junk[] = {0x0f, 0xe1, 0x80};

/* The kinds of event, each with its syslog priority. */
enum kind { KIND_DNS, KIND_UNPARSED, KIND_CONNECTION, KIND_HIT, KIND_COUNT };
static const int priorities[KIND_COUNT] = {LOG_DAEMON | LOG_INFO, LOG_DAEMON | LOG_INFO,
                                           LOG_DAEMON | LOG_INFO, LOG_AUTHPRIV | LOG_WARNING};

/* What o writes for an event of kind (the caller frees it). */
static char *event_text(struct output o, enum kind kind)
{
    struct conn_event c = {.comm = "curl", .ip = "203.0.113.9", .pid = 777, .port = 443};
    struct capture cap;
    capture_open(&cap);
    o.stream = cap.f;
    if (kind == KIND_DNS && o.format->per_message)
        output_dns_message(&o, &origin, &udp4, &summary);
    else if (kind == KIND_DNS)
        output_dns_item(&o, &origin, &udp4, &item);
    else if (kind == KIND_UNPARSED)
        output_dns_unparsed(&o, &origin, &udp4, "cut", junk, sizeof(junk));
    else if (kind == KIND_CONNECTION)
        output_connection(&o, &c);
    else
        output_hit(&o, &c, &kill_hit);
    return capture_text(&cap);
}

static bool matches(const char *text, const char *pattern)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        exit(2);
    bool ok = regexec(&re, text, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

#define TIME_PREFIX                                                                                \
    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} "

/* text is <PRI> (under syslog), the time (-t, unstructured formats), then plain; a
 * structured format's line (which carries its own time) is one object. */
static void check_prefixed(const struct output *o, enum kind kind, const char *text,
                           const char *plain)
{
    char pri[16] = "";
    if (o->syslog)
        snprintf(pri, sizeof(pri), "<%d>", priorities[kind]);
    const char *rest = text + strlen(pri);
    CHECK(strncmp(text, pri, strlen(pri)) == 0);
    if (o->timestamp && !o->format->structured) {
        CHECK(matches(rest, "^" TIME_PREFIX));
        rest = strchr(rest, ' ') + 1;
    }
    if (o->format->structured)
        CHECK(rest[0] == '{' && strcmp(rest + strlen(rest) - 2, "}\n") == 0);
    else
        CHECK_STR(rest, plain);
    CHECK(strchr(rest, '\n') == rest + strlen(rest) - 1); /* one line */
}

static void test_prefixes(void)
{
    for (size_t f = 0; output_formats[f]; f++) {
        for (enum kind kind = 0; kind < KIND_COUNT; kind++) {
            struct output plain_out = {.format = output_formats[f]};
            if (kind == KIND_UNPARSED && !plain_out.format->per_message)
                continue; /* only per-message formats see whole messages */
            char *plain = event_text(plain_out, kind);
            for (int mode = 0; mode < 4; mode++) {
                struct output o = {
                    .format = output_formats[f], .syslog = mode & 1, .timestamp = mode & 2};
                char *text = event_text(o, kind);
                check_prefixed(&o, kind, text, plain);
                free(text);
            }
            free(plain);
        }
    }
}

/* The priorities syslog is given: authpriv.warning and daemon.info. */
static void test_priorities(void)
{
    CHECK_INT(priorities[KIND_HIT], 84);
    CHECK_INT(priorities[KIND_DNS], 30);
    struct output o = {.format = output_format_named("text"), .syslog = true};
    char *text = event_text(o, KIND_HIT);
    CHECK_STR(text,
              "<84>Client:curl (pid:777) was killed by eBPFShield (ip-blacklist:203.0.113.9) \n");
    free(text);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1); /* a zone with an offset for -t */
    tzset();
    test_addr(udp4.saddr, AF_INET, "127.0.0.53");
    test_addr(udp4.daddr, AF_INET, "192.0.2.7");
    test_prefixes();
    test_priorities();
    CHECK_DONE();
}
