/* Unit tests of --output json (json_format.c): DNS messages built with
 * ldns (every answer type, rcode and header flag; 40 answers; a 10 kB TXT; no question;
 * malformed input; an A record after 32 TXT ones and 70 A records for dns.resolved_ip;
 * several questions; answers past the 16 KiB budget and the worst lines it allows) go
 * through dns_summarize and output_dns_message, messages ldns refuses through
 * output_dns_unparsed (the dns-unparsed event, its hex), connections and feed
 * hits (address and domain hits, dns.question.registered_domain by the real libpsl)
 * through output_connection and output_hit, each on a captured stream. Every line is
 * parsed back with json_tokener in strict mode (exactly one object, then the newline) and
 * flattened to its dotted field paths: the set of fields must be exactly the expected one,
 * each of the right JSON type and value. Hostile strings (quotes, backslashes, control
 * bytes, ldns escapes in DNS names) must round-trip exactly. The prefixes are
 * output.c's (test_output.c). */
#include "check.h"
#include "guard/block_actions.h"
#include "dns/dns_decode.h"
#include "output/agent_identity.h"
#include "output/format.h"
#include "output/json_format.h"
#include "output/output.h"
#include "testlib.h"

#include <regex.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include <json-c/json.h>
#include <ldns/ldns.h>

#define FIELDS_MAX 80

/* ---- JSON parsing and field checks ---- */

/* Parses text, which must be exactly one JSON object followed by one newline and nothing
 * else, strictly. Returns the object (the caller puts it), or NULL after a failure. */
static json_object *parse_line_at(int line, const char *text)
{
    size_t len = text ? strlen(text) : 0;
    if (len < 2 || text[len - 1] != '\n' || memchr(text, '\n', len - 1) != NULL) {
        fprintf(stderr, "%s:%d: not one line: \"%s\"\n", __FILE__, line, text ? text : "(null)");
        check_failures++;
        return NULL;
    }
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    /* the object must end right before the newline: no space, nothing else after it */
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len - 1);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!obj || err != json_tokener_success || end != len - 1 || text[len - 2] != '}' ||
        !json_object_is_type(obj, json_type_object)) {
        fprintf(stderr,
                "%s:%d: not one strict JSON object then a newline (%s, parsed to %zu of %zu): %s",
                __FILE__, line, json_tokener_error_desc(err), end, len, text);
        check_failures++;
        json_object_put(obj);
        return NULL;
    }
    return obj;
}

#define parse_line(text) parse_line_at(__LINE__, text)

/* The value at a dotted path ("process.thread.id"); "@timestamp" is one key. */
static json_object *at_path(json_object *root, const char *path)
{
    char key[64];
    const char *dot;
    json_object *obj = root;
    while (obj && (dot = strchr(path, '.')) != NULL) {
        snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
        if (!json_object_is_type(obj, json_type_object) ||
            !json_object_object_get_ex(obj, key, &obj))
            return NULL;
        path = dot + 1;
    }
    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, path, &obj))
        return NULL;
    return obj;
}

static json_object *typed_at(int line, json_object *root, const char *path, json_type type)
{
    json_object *v = root ? at_path(root, path) : NULL;
    if (!v || !json_object_is_type(v, type)) {
        fprintf(stderr, "%s:%d: %s: %s, want a %s\n", __FILE__, line, path,
                v ? json_type_to_name(json_object_get_type(v)) : "missing",
                json_type_to_name(type));
        check_failures++;
        return NULL;
    }
    return v;
}

static void jstr_at(int line, json_object *root, const char *path, const char *want)
{
    json_object *v = typed_at(line, root, path, json_type_string);
    if (!v)
        return;
    const char *got = json_object_get_string(v);
    size_t n = (size_t)json_object_get_string_len(v);
    if (n != strlen(want) || memcmp(got, want, n) != 0) {
        fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, line, path, got, want);
        check_failures++;
    }
}

static void jint_at(int line, json_object *root, const char *path, long long want)
{
    json_object *v = typed_at(line, root, path, json_type_int);
    if (v && json_object_get_int64(v) != want) {
        fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, line, path,
                (long long)json_object_get_int64(v), want);
        check_failures++;
    }
}

/* An array of strings equal to want[0..n). */
static void jlist_at(int line, json_object *root, const char *path, const char *const *want,
                     size_t n)
{
    json_object *v = typed_at(line, root, path, json_type_array);
    if (!v)
        return;
    size_t got = json_object_array_length(v);
    if (got != n) {
        fprintf(stderr, "%s:%d: %s has %zu items, want %zu\n", __FILE__, line, path, got, n);
        check_failures++;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(v, i);
        if (!json_object_is_type(item, json_type_string) ||
            strcmp(json_object_get_string(item), want[i]) != 0) {
            fprintf(stderr, "%s:%d: %s[%zu] = %s, want \"%s\"\n", __FILE__, line, path, i,
                    json_object_to_json_string(item), want[i]);
            check_failures++;
        }
    }
}

#define JSTR(root, path, want) jstr_at(__LINE__, root, path, want)
#define JINT(root, path, want) jint_at(__LINE__, root, path, want)
#define JLIST(root, path, ...)                                                                     \
    jlist_at(__LINE__, root, path, (const char *const[]){__VA_ARGS__},                             \
             sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define JEMPTY(root, path) jlist_at(__LINE__, root, path, NULL, 0)
#define JABSENT(root, path)                                                                        \
    do {                                                                                           \
        if (at_path(root, path) != NULL) {                                                         \
            fprintf(stderr, "%s:%d: %s present\n", __FILE__, __LINE__, path);                      \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* The dotted paths of obj's leaves (arrays count as leaves), in paths[]. */
static void flatten(json_object *obj, const char *prefix, char paths[][64], size_t *n)
{
    json_object_object_foreach(obj, key, val)
    {
        char path[64];
        snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", key);
        if (json_object_is_type(val, json_type_object))
            flatten(val, path, paths, n);
        else if (*n < FIELDS_MAX)
            snprintf(paths[(*n)++], 64, "%s", path);
    }
}

/* The host and agent every event names (main sets them: ecs_agent_set). */
static const struct agent_identity test_agent = {
    .host_name = "web-1",
    .host_id = "3d1219c7c4c5404aaa1f6d2a48adfda4",
    .agent_id = "892625d5-debf-41b3-b5a6-7a30cac43817",
    .ephemeral_id = "0f8a3c52-7d1e-4b6a-9c3d-2e5f6a7b8c9d",
};
static const char *const agent_fields[] = {"ecs.version",       "host.name",  "host.id",
                                           "agent.id",          "agent.type", "agent.version",
                                           "agent.ephemeral_id"};
#define AGENT_FIELDS (sizeof(agent_fields) / sizeof(agent_fields[0]))

/* root has exactly the fields of want (NULL-terminated), and the agent's when it is an
 * event (not an object inside one), no more, no fewer. */
static void fields_at(int line, json_object *root, const char *const *given, bool event)
{
    char paths[FIELDS_MAX][64];
    const char *want[FIELDS_MAX + 1];
    size_t n = 0, nwant = 0;
    if (!root)
        return;
    for (; nwant < FIELDS_MAX - AGENT_FIELDS && given[nwant]; nwant++)
        want[nwant] = given[nwant];
    for (size_t i = 0; event && i < AGENT_FIELDS; i++)
        want[nwant++] = agent_fields[i];
    want[nwant] = NULL;
    nwant = 0;
    flatten(root, "", paths, &n);
    for (; want[nwant]; nwant++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(paths[i], want[nwant]) == 0;
        if (!found) {
            fprintf(stderr, "%s:%d: field %s missing\n", __FILE__, line, want[nwant]);
            check_failures++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        bool expected = false;
        for (size_t j = 0; j < nwant && !expected; j++)
            expected = strcmp(paths[i], want[j]) == 0;
        if (!expected) {
            fprintf(stderr, "%s:%d: unexpected field %s\n", __FILE__, line, paths[i]);
            check_failures++;
        }
    }
}

#define FIELDS(root, ...) fields_at(__LINE__, root, (const char *const[]){__VA_ARGS__, NULL}, true)

/* @timestamp: UTC with microseconds, within a minute of now. */
static void check_timestamp_at(int line, json_object *root)
{
    json_object *v = typed_at(line, root, "@timestamp", json_type_string);
    if (!v)
        return;
    const char *s = json_object_get_string(v);
    regex_t re;
    CHECK(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$",
                  REG_EXTENDED | REG_NOSUB) == 0);
    int match = regexec(&re, s, 0, NULL, 0);
    regfree(&re);
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    time_t t = end ? timegm(&tm) : 0;
    if (match != 0 || !end || llabs((long long)(t - time(NULL))) > 60) {
        fprintf(stderr, "%s:%d: @timestamp \"%s\" is not now in UTC\n", __FILE__, line, s);
        check_failures++;
    }
}

#define CHECK_TIMESTAMP(root) check_timestamp_at(__LINE__, root)

/* ---- DNS messages built with ldns ---- */

static ldns_rr *rr_of(const char *text, bool question)
{
    ldns_rr *rr = NULL;
    ldns_status s = question ? ldns_rr_new_question_frm_str(&rr, text, NULL, NULL)
                             : ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL);
    if (s != LDNS_STATUS_OK) {
        fprintf(stderr, "bad test record \"%s\": %s\n", text, ldns_get_errorstr_by_id(s));
        exit(2);
    }
    return rr;
}

/* A message: id, QR, rcode, then the question (NULL: none) and NULL-terminated answers. */
static ldns_pkt *new_pkt(uint16_t id, bool qr, uint8_t rcode, const char *question)
{
    ldns_pkt *p = ldns_pkt_new();
    if (!p)
        exit(2);
    ldns_pkt_set_id(p, id);
    ldns_pkt_set_qr(p, qr);
    ldns_pkt_set_rcode(p, rcode);
    if (question)
        ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr_of(question, true));
    return p;
}

static void push(ldns_pkt *p, ldns_pkt_section section, const char *text)
{
    ldns_pkt_push_rr(p, section, rr_of(text, false));
}

/* The wire form of p (the caller frees it); p is freed. */
static uint8_t *wire_of(ldns_pkt *p, size_t *len)
{
    uint8_t *wire = NULL;
    if (ldns_pkt2wire(&wire, p, len) != LDNS_STATUS_OK) {
        fprintf(stderr, "ldns_pkt2wire failed\n");
        exit(2);
    }
    ldns_pkt_free(p);
    return wire;
}

/* dns_summarize of p (freed); the summary is on the heap (the caller frees it). */
static struct dns_summary *summarize_at(int line, ldns_pkt *p)
{
    size_t len;
    uint8_t *wire = wire_of(p, &len);
    struct dns_summary *s = calloc(1, sizeof(*s));
    const char *why = NULL;
    if (!s)
        exit(2);
    if (dns_summarize(wire, len, s, &why) != 0) {
        fprintf(stderr, "%s:%d: dns_summarize failed: %s\n", __FILE__, line, why ? why : "?");
        check_failures++;
    }
    free(wire);
    return s;
}

#define summarize(p) summarize_at(__LINE__, p)

/* The presentation form of a record's rdata as dns_summarize builds it, uncut. */
static char *full_rdata(const char *text)
{
    ldns_rr *rr = rr_of(text, false);
    char *out = strdup("");
    for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
        char *s = ldns_rdf2str(ldns_rr_rdf(rr, i)), *joined;
        if (asprintf(&joined, "%s%s%s", out, i ? " " : "", s) < 0)
            exit(2);
        free(s);
        free(out);
        out = joined;
    }
    ldns_rr_free(rr);
    return out;
}

/* ---- events through struct output ---- */

static struct port_val proc = {.pid = 4242, .tid = 4243, .uid = 1000, .gid = 100};
static struct frame_info udp4 = {
    .proto = IPPROTO_UDP, .family = AF_INET, .sport = 53, .dport = 33703};

static void setup_frames(void)
{
    test_addr(udp4.saddr, AF_INET, "127.0.0.53");
    test_addr(udp4.daddr, AF_INET, "192.0.2.7");
}

/* What output_dns_message writes for s (the caller frees it). */
static char *dns_event(const struct output *tmpl, const char *comm, const struct frame_info *frame,
                       const struct dns_summary *s)
{
    struct capture c;
    struct dns_origin origin = {.proc = &proc, .comm = comm, .ifname = "lo"};
    capture_open(&c);
    struct output o = *tmpl;
    o.stream = c.f;
    output_dns_message(&o, &origin, frame, s);
    return capture_text(&c);
}

static struct output json_out; /* main: --output json */

/* The JSON object output_dns_message makes of s, with the fields every DNS event has
 * checked against proc, udp4 and "dig" (the caller puts it). */
static json_object *dns_json_at(int line, const struct dns_summary *s)
{
    char *text = dns_event(&json_out, "dig", &udp4, s);
    json_object *root = parse_line_at(line, text);
    free(text);
    if (!root)
        return NULL;
    CHECK_TIMESTAMP(root);
    jstr_at(line, root, "event.kind", "event");
    jstr_at(line, root, "event.module", "ebpfshield");
    jstr_at(line, root, "event.action", s->qr ? "dns-response" : "dns-query");
    jlist_at(line, root, "event.category", (const char *const[]){"network"}, 1);
    jlist_at(line, root, "event.type", (const char *const[]){"protocol"}, 1);
    jstr_at(line, root, "process.name", "dig");
    jint_at(line, root, "process.pid", 4242);
    jint_at(line, root, "process.thread.id", 4243);
    jstr_at(line, root, "user.id", "1000");
    jstr_at(line, root, "group.id", "100");
    jstr_at(line, root, "network.protocol", "dns");
    jstr_at(line, root, "network.transport", "udp");
    jstr_at(line, root, "network.type", "ipv4");
    jstr_at(line, root, "source.ip", "127.0.0.53");
    jint_at(line, root, "source.port", 53);
    jstr_at(line, root, "destination.ip", "192.0.2.7");
    jint_at(line, root, "destination.port", 33703);
    jstr_at(line, root, "observer.ingress.interface.name", "lo");
    jstr_at(line, root, "dns.type", s->qr ? "answer" : "query");
    return root;
}

#define dns_json(s) dns_json_at(__LINE__, s)

#define DNS_COMMON                                                                                 \
    "@timestamp", "event.kind", "event.module", "event.action", "event.outcome", "event.category", \
        "event.type", "process.name", "process.pid", "process.thread.id", "user.id", "group.id",   \
        "network.protocol", "network.transport", "network.type", "source.ip", "source.port",       \
        "destination.ip", "destination.port", "observer.ingress.interface.name", "dns.id",         \
        "dns.type", "dns.header_flags"
#define DNS_QUESTION "dns.question.name", "dns.question.type", "dns.question.class"
#define DNS_ANSWER "dns.response_code", "dns.answers", "dns.resolved_ip"

/* answers[i] is an object of exactly name, type, class, ttl, data with these values. */
static void answer_at(int line, json_object *root, size_t i, const char *name, const char *type,
                      const char *rclass, long long ttl, const char *data)
{
    json_object *arr = typed_at(line, root, "dns.answers", json_type_array);
    json_object *a = arr ? json_object_array_get_idx(arr, i) : NULL;
    if (!arr)
        return;
    if (!a || !json_object_is_type(a, json_type_object)) {
        fprintf(stderr, "%s:%d: dns.answers[%zu] is not an object\n", __FILE__, line, i);
        check_failures++;
        return;
    }
    fields_at(line, a, (const char *const[]){"name", "type", "class", "ttl", "data", NULL}, false);
    jstr_at(line, a, "name", name);
    jstr_at(line, a, "type", type);
    jstr_at(line, a, "class", rclass);
    jint_at(line, a, "ttl", ttl);
    jstr_at(line, a, "data", data);
}

#define ANSWER(root, i, name, type, rclass, ttl, data)                                             \
    answer_at(__LINE__, root, i, name, type, rclass, ttl, data)

static void test_query(void)
{
    ldns_pkt *p = new_pkt(0x1234, false, LDNS_RCODE_NOERROR, "a.example.test. IN A");
    ldns_pkt_set_rd(p, true);
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->id, 0x1234);
    CHECK_INT(s->qr, 0);
    CHECK_INT(s->question_total, 1);
    CHECK_INT(s->question_count, 1);
    CHECK_STR(s->questions[0].name, "a.example.test.");
    CHECK_STR(s->questions[0].type, "A");
    CHECK_STR(s->questions[0].qclass, "IN");
    CHECK_INT(s->flag_count, 1);
    CHECK_STR(s->flags[0], "RD");
    CHECK_INT(s->answer_total, 0);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION);
    JSTR(root, "event.outcome", "unknown");
    JSTR(root, "dns.id", "4660");
    JSTR(root, "dns.question.name", "a.example.test");
    JSTR(root, "dns.question.type", "A");
    JSTR(root, "dns.question.class", "IN");
    JLIST(root, "dns.header_flags", "RD");
    json_object_put(root);
    free(s);
}

static void test_cname_a_aaaa(void)
{
    ldns_pkt *p = new_pkt(65535, true, LDNS_RCODE_NOERROR, "www.example.test. IN A");
    ldns_pkt_set_rd(p, true);
    ldns_pkt_set_ra(p, true);
    push(p, LDNS_SECTION_ANSWER, "www.example.test. 300 IN CNAME b.example.test.");
    push(p, LDNS_SECTION_ANSWER, "b.example.test. 60 IN A 10.1.2.3");
    push(p, LDNS_SECTION_ANSWER, "b.example.test. 4294967295 IN AAAA fd00::7");
    push(p, LDNS_SECTION_ANSWER, "b.example.test. 0 IN A 192.0.2.255");
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->answer_total, 4);
    CHECK_INT(s->answer_count, 4);
    CHECK_STR(s->rcode, "NOERROR");
    CHECK_STR(s->answers[0].type, "CNAME");
    CHECK_STR(s->answers[0].data, "b.example.test.");
    CHECK_INT(s->answers[2].ttl, 4294967295u);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER);
    JSTR(root, "event.outcome", "success");
    JSTR(root, "dns.id", "65535");
    JSTR(root, "dns.response_code", "NOERROR");
    JSTR(root, "dns.question.name", "www.example.test");
    JLIST(root, "dns.header_flags", "RD", "RA");
    ANSWER(root, 0, "www.example.test", "CNAME", "IN", 300, "b.example.test.");
    ANSWER(root, 1, "b.example.test", "A", "IN", 60, "10.1.2.3");
    ANSWER(root, 2, "b.example.test", "AAAA", "IN", 4294967295ll, "fd00::7");
    ANSWER(root, 3, "b.example.test", "A", "IN", 0, "192.0.2.255");
    JLIST(root, "dns.resolved_ip", "10.1.2.3", "fd00::7", "192.0.2.255");
    json_object_put(root);
    free(s);
}

static void test_mx_txt(void)
{
    ldns_pkt *p = new_pkt(7, true, LDNS_RCODE_NOERROR, "example.test. IN ANY");
    push(p, LDNS_SECTION_ANSWER, "example.test. 3600 IN MX 10 mail.example.test.");
    push(p, LDNS_SECTION_ANSWER, "example.test. 5 IN TXT \"he said \\\"hi\\\" \\\\o/\" \"two\"");
    push(p, LDNS_SECTION_ANSWER, "example.test. 5 CH TXT \"tab\\009nl\\010\"");
    struct dns_summary *s = summarize(p);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER);
    JSTR(root, "dns.question.type", "ANY");
    JEMPTY(root, "dns.header_flags");
    ANSWER(root, 0, "example.test", "MX", "IN", 3600, "10 mail.example.test.");
    ANSWER(root, 1, "example.test", "TXT", "IN", 5, "\"he said \\\"hi\\\" \\\\o/\" \"two\"");
    ANSWER(root, 2, "example.test", "TXT", "CH", 5, "\"tab\tnl\\010\""); /* ldns keeps the tab */
    JEMPTY(root, "dns.resolved_ip");
    json_object_put(root);
    free(s);
}

static void test_nxdomain(void)
{
    ldns_pkt *p = new_pkt(1, true, LDNS_RCODE_NXDOMAIN, "nope.example.test. IN AAAA");
    ldns_pkt_set_aa(p, true);
    push(p, LDNS_SECTION_AUTHORITY,
         "example.test. 900 IN SOA ns.example.test. "
         "admin.example.test. 2026112201 7200 900 1209600 300");
    struct dns_summary *s = summarize(p);
    CHECK_STR(s->rcode, "NXDOMAIN");
    CHECK_INT(s->answer_total, 0);
    CHECK_INT(s->answer_count, 0);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER);
    JSTR(root, "event.outcome", "failure");
    JSTR(root, "dns.response_code", "NXDOMAIN");
    JSTR(root, "dns.question.type", "AAAA");
    JLIST(root, "dns.header_flags", "AA");
    JEMPTY(root, "dns.answers");
    JEMPTY(root, "dns.resolved_ip");
    json_object_put(root);
    free(s);

    /* other response codes are failures too */
    const uint8_t rcodes[] = {LDNS_RCODE_SERVFAIL, LDNS_RCODE_REFUSED, LDNS_RCODE_FORMERR};
    const char *names[] = {"SERVFAIL", "REFUSED", "FORMERR"};
    for (size_t i = 0; i < 3; i++) {
        s = summarize(new_pkt(2, true, rcodes[i], "x.test. IN A"));
        CHECK_STR(s->rcode, names[i]);
        root = dns_json(s);
        JSTR(root, "event.outcome", "failure");
        JSTR(root, "dns.response_code", names[i]);
        json_object_put(root);
        free(s);
    }
}

/* 40 answers: 32 described, the rest counted in ebpfshield.dns.answers_omitted; every
 * address is in dns.resolved_ip. */
static void test_many_answers(void)
{
    ldns_pkt *p = new_pkt(40, true, LDNS_RCODE_NOERROR, "many.example.test. IN A");
    char rr[128];
    for (int i = 0; i < 40; i++) {
        snprintf(rr, sizeof(rr), "many.example.test. %d IN A 10.0.0.%d", i, i);
        push(p, LDNS_SECTION_ANSWER, rr);
    }
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->answer_total, 40);
    CHECK_INT(s->answer_count, DNS_SUMMARY_ANSWERS);
    CHECK_STR(s->answers[31].data, "10.0.0.31");
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER, "ebpfshield.dns.answers_omitted");
    JINT(root, "ebpfshield.dns.answers_omitted", 8);
    json_object *answers = at_path(root, "dns.answers"), *ips = at_path(root, "dns.resolved_ip");
    CHECK(answers && json_object_array_length(answers) == 32);
    CHECK(ips && json_object_array_length(ips) == 40);
    char data[32];
    for (int i = 0; i < 40; i++) {
        snprintf(data, sizeof(data), "10.0.0.%d", i);
        if (i < 32)
            ANSWER(root, (size_t)i, "many.example.test", "A", "IN", i, data);
        CHECK_STR(ips ? json_object_get_string(json_object_array_get_idx(ips, (size_t)i)) : NULL,
                  data);
    }
    json_object_put(root);
    free(s);

    /* exactly 32: nothing omitted, no field for it */
    p = new_pkt(32, true, LDNS_RCODE_NOERROR, "many.example.test. IN A");
    for (int i = 0; i < 32; i++) {
        snprintf(rr, sizeof(rr), "many.example.test. 1 IN A 10.0.1.%d", i);
        push(p, LDNS_SECTION_ANSWER, rr);
    }
    s = summarize(p);
    CHECK_INT(s->answer_total, 32);
    root = dns_json(s);
    JABSENT(root, "ebpfshield.dns.answers_omitted");
    json_object_put(root);
    free(s);
}

/* A TXT record of 10 kB: its data is cut to DNS_RDATA_MAX - 1 bytes, a prefix of the whole
 * presentation form, and the line stays one valid JSON object. */
static void test_long_txt(void)
{
    char *rr = malloc(16384), *chunk = malloc(256);
    size_t off = (size_t)snprintf(rr, 16384, "big.example.test. 1 IN TXT");
    for (int i = 0; i < 40; i++) {
        memset(chunk, 'a' + i % 26, 250);
        chunk[0] = '"'; /* escaped by ldns as \" */
        chunk[250] = '\0';
        off += (size_t)snprintf(rr + off, 16384 - off, " \"\\%s\"", chunk);
    }
    ldns_pkt *p = new_pkt(3, true, LDNS_RCODE_NOERROR, "big.example.test. IN TXT");
    push(p, LDNS_SECTION_ANSWER, rr);
    size_t len;
    uint8_t *wire = wire_of(p, &len);
    CHECK(len > 10000);
    struct dns_summary *s = calloc(1, sizeof(*s));
    const char *why = NULL;
    CHECK_INT(dns_summarize(wire, len, s, &why), 0);
    char *full = full_rdata(rr);
    CHECK(strlen(full) > 10000);
    CHECK_INT(strlen(s->answers[0].data), DNS_RDATA_MAX - 1);
    CHECK(strncmp(s->answers[0].data, full, DNS_RDATA_MAX - 1) == 0);
    json_object *root = dns_json(s);
    json_object *arr = at_path(root, "dns.answers");
    json_object *data = arr ? at_path(json_object_array_get_idx(arr, 0), "data") : NULL;
    CHECK(data && json_object_get_string_len(data) == DNS_RDATA_MAX - 1 &&
          strcmp(json_object_get_string(data), s->answers[0].data) == 0);
    json_object_put(root);
    free(full);
    free(s);
    free(wire);
    free(chunk);
    free(rr);
}

/* A type and a class ldns has no name for: TYPEnnn and CLASSnnn, data in RFC 3597 form. */
static void test_unknown_type(void)
{
    ldns_pkt *p = new_pkt(4, true, LDNS_RCODE_NOERROR, "t.example.test. IN TYPE65280");
    push(p, LDNS_SECTION_ANSWER, "t.example.test. 60 IN TYPE65280 \\# 3 010203");
    push(p, LDNS_SECTION_ANSWER, "t.example.test. 60 CLASS4000 TYPE65280 \\# 0");
    struct dns_summary *s = summarize(p);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER);
    JSTR(root, "dns.question.type", "TYPE65280");
    ANSWER(root, 0, "t.example.test", "TYPE65280", "IN", 60, "\\# 3 010203");
    CHECK_STR(s->answers[1].rclass, "CLASS4000");
    JEMPTY(root, "dns.resolved_ip");
    json_object_put(root);
    free(s);
}

/* No question: no dns.question.* at all; the root name keeps its dot. */
static void test_no_question_and_root(void)
{
    ldns_pkt *p = new_pkt(5, true, LDNS_RCODE_NOERROR, NULL);
    push(p, LDNS_SECTION_ANSWER, ". 518400 IN NS a.root-servers.net.");
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->question_total, 0);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_ANSWER);
    ANSWER(root, 0, ".", "NS", "IN", 518400, "a.root-servers.net.");
    json_object_put(root);
    free(s);

    s = summarize(new_pkt(6, false, LDNS_RCODE_NOERROR, ". IN NS"));
    root = dns_json(s);
    JSTR(root, "dns.question.name", ".");
    json_object_put(root);
    free(s);
}

static void test_flags(void)
{
    ldns_pkt *p = new_pkt(8, true, LDNS_RCODE_NOERROR, "f.test. IN A");
    ldns_pkt_set_aa(p, true);
    ldns_pkt_set_tc(p, true);
    ldns_pkt_set_rd(p, true);
    ldns_pkt_set_ra(p, true);
    ldns_pkt_set_ad(p, true);
    ldns_pkt_set_cd(p, true);
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->flag_count, 6);
    json_object *root = dns_json(s);
    JLIST(root, "dns.header_flags", "AA", "TC", "RD", "RA", "AD", "CD");
    json_object_put(root);
    free(s);

    /* each one alone */
    void (*const set[])(ldns_pkt *, bool) = {ldns_pkt_set_aa, ldns_pkt_set_tc, ldns_pkt_set_rd,
                                             ldns_pkt_set_ra, ldns_pkt_set_ad, ldns_pkt_set_cd};
    const char *names[] = {"AA", "TC", "RD", "RA", "AD", "CD"};
    for (size_t i = 0; i < 6; i++) {
        p = new_pkt(9, false, LDNS_RCODE_NOERROR, "f.test. IN A");
        set[i](p, true);
        s = summarize(p);
        root = dns_json(s);
        jlist_at(__LINE__, root, "dns.header_flags", &names[i], 1);
        json_object_put(root);
        free(s);
    }
}

/* Names with ldns escapes come out exactly as ldns prints them, less the root's dot. */
static void test_escaped_names(void)
{
    static const struct {
        const char *owner; /* as given to ldns (master-file form) */
        const char *json;  /* dns.answers[0].name and dns.question.name */
    } names[] = {
        {"a\\\"b\\\\c\\000d\\.e.example.", "a\"b\\\\c\\000d\\.e.example"},
        {"q\\\"uote.", "q\"uote"},
        {"dot\\..", "dot\\."},
        {"ctl\\001\\127\\255.x.", "ctl\\001\\127\\255.x"},
        /* a last label that ends with a backslash: its escape is not the root's dot */
        {"x\\\\.", "x\\\\"},
        {"y\\\\\\\\.", "y\\\\\\\\"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char q[128], a[128];
        snprintf(q, sizeof(q), "%s IN A", names[i].owner);
        snprintf(a, sizeof(a), "%s 1 IN A 10.0.0.1", names[i].owner);
        ldns_pkt *p = new_pkt(10, true, LDNS_RCODE_NOERROR, q);
        push(p, LDNS_SECTION_ANSWER, a);
        struct dns_summary *s = summarize(p);
        json_object *root = dns_json(s);
        JSTR(root, "dns.question.name", names[i].json);
        ANSWER(root, 0, names[i].json, "A", "IN", 1, "10.0.0.1");
        json_object_put(root);
        free(s);
    }
}

static void test_malformed(void)
{
    ldns_pkt *p = new_pkt(11, true, LDNS_RCODE_NOERROR, "cut.example.test. IN A");
    push(p, LDNS_SECTION_ANSWER, "cut.example.test. 1 IN A 10.0.0.1");
    size_t len;
    uint8_t *wire = wire_of(p, &len);
    struct dns_summary *s = calloc(1, sizeof(*s));
    /* every proper prefix is refused with a reason */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees reads past it */
        memcpy(copy, wire, cut);
        const char *why = NULL;
        int rc = dns_summarize(copy, cut, s, &why);
        if (rc != -1 || !why || !*why) {
            fprintf(stderr, "%s:%d: %zu of %zu bytes: rc %d, why %s\n", __FILE__, __LINE__, cut,
                    len, rc, why ? why : "(null)");
            check_failures++;
        }
        free(copy);
    }
    /* a header that claims a question and an answer, with nothing after */
    const uint8_t header[12] = {0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
    const char *why = NULL;
    CHECK_INT(dns_summarize(header, sizeof(header), s, &why), -1);
    CHECK(why && *why);
    /* a compression pointer that loops */
    uint8_t loop[] = {0, 1, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
    why = NULL;
    CHECK_INT(dns_summarize(loop, sizeof(loop), s, &why), -1);
    CHECK(why && *why);
    /* the whole message is fine, and NULL why is allowed */
    CHECK_INT(dns_summarize(wire, len, s, NULL), 0);
    CHECK_INT(dns_summarize(header, sizeof(header), s, NULL), -1);
    free(s);
    free(wire);
}

/* ---- every address, every question, the budget, the unparsed ---- */

#define DNS_OTHERS "ebpfshield.dns.other_questions"

/* The review's bypass: 32 TXT records fill the described answers, an A record follows;
 * its address is in dns.resolved_ip all the same. */
static void test_resolved_past_described(void)
{
    ldns_pkt *p = new_pkt(41, true, LDNS_RCODE_NOERROR, "mix.example.test. IN TXT");
    char rr[128];
    for (int i = 0; i < 32; i++) {
        snprintf(rr, sizeof(rr), "mix.example.test. 1 IN TXT \"filler %d\"", i);
        push(p, LDNS_SECTION_ANSWER, rr);
    }
    push(p, LDNS_SECTION_ANSWER, "mix.example.test. 1 IN A 203.0.113.66");
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->answer_total, 33);
    CHECK_INT(s->answer_count, 32);
    CHECK_INT(s->resolved_total, 1);
    CHECK_INT(s->resolved_count, 1);
    CHECK_STR(s->answers[31].type, "TXT");
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER, "ebpfshield.dns.answers_omitted");
    JINT(root, "ebpfshield.dns.answers_omitted", 1);
    JLIST(root, "dns.resolved_ip", "203.0.113.66");
    ANSWER(root, 31, "mix.example.test", "TXT", "IN", 1, "\"filler 31\"");
    json_object_put(root);
    free(s);

    /* AAAA too, after 40 CNAMEs */
    p = new_pkt(42, true, LDNS_RCODE_NOERROR, "mix.example.test. IN AAAA");
    for (int i = 0; i < 40; i++) {
        snprintf(rr, sizeof(rr), "c%d.example.test. 1 IN CNAME c%d.example.test.", i, i + 1);
        push(p, LDNS_SECTION_ANSWER, rr);
    }
    push(p, LDNS_SECTION_ANSWER, "c40.example.test. 1 IN AAAA 2001:db8::66");
    push(p, LDNS_SECTION_ANSWER, "c40.example.test. 1 IN A 198.51.100.66");
    s = summarize(p);
    CHECK_INT(s->answer_total, 42);
    CHECK_INT(s->resolved_total, 2);
    root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER, "ebpfshield.dns.answers_omitted");
    JINT(root, "ebpfshield.dns.answers_omitted", 10);
    JLIST(root, "dns.resolved_ip", "2001:db8::66", "198.51.100.66");
    json_object_put(root);
    free(s);
}

/* 70 A records: 64 addresses listed in order, 6 counted in resolved_omitted. */
static void test_resolved_limit(void)
{
    ldns_pkt *p = new_pkt(70, true, LDNS_RCODE_NOERROR, "seventy.example.test. IN A");
    char rr[128], want[DNS_SUMMARY_RESOLVED][32];
    for (int i = 0; i < 70; i++) {
        snprintf(rr, sizeof(rr), "seventy.example.test. 1 IN A 10.70.%d.%d", i / 10, i);
        push(p, LDNS_SECTION_ANSWER, rr);
        if (i < DNS_SUMMARY_RESOLVED)
            snprintf(want[i], sizeof(want[i]), "10.70.%d.%d", i / 10, i);
    }
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->resolved_total, 70);
    CHECK_INT(s->resolved_count, 64);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER, "ebpfshield.dns.answers_omitted",
           "ebpfshield.dns.resolved_omitted");
    JINT(root, "ebpfshield.dns.answers_omitted", 38);
    JINT(root, "ebpfshield.dns.resolved_omitted", 6);
    const char *wantp[DNS_SUMMARY_RESOLVED];
    for (int i = 0; i < DNS_SUMMARY_RESOLVED; i++)
        wantp[i] = want[i];
    jlist_at(__LINE__, root, "dns.resolved_ip", wantp, DNS_SUMMARY_RESOLVED);
    json_object_put(root);
    free(s);

    /* exactly 64: no resolved_omitted */
    p = new_pkt(64, true, LDNS_RCODE_NOERROR, "sixty-four.example.test. IN A");
    for (int i = 0; i < 64; i++) {
        snprintf(rr, sizeof(rr), "sixty-four.example.test. 1 IN A 10.64.0.%d", i);
        push(p, LDNS_SECTION_ANSWER, rr);
    }
    s = summarize(p);
    root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER, "ebpfshield.dns.answers_omitted");
    json_object *ips = at_path(root, "dns.resolved_ip");
    CHECK(ips && json_object_array_length(ips) == 64);
    json_object_put(root);
    free(s);
}

/* other_questions[i] is an object of exactly name, type, class with these values. */
static void other_at(int line, json_object *root, size_t i, const char *name, const char *type,
                     const char *qclass)
{
    json_object *arr = typed_at(line, root, DNS_OTHERS, json_type_array);
    json_object *q = arr ? json_object_array_get_idx(arr, i) : NULL;
    if (!arr)
        return;
    if (!q || !json_object_is_type(q, json_type_object)) {
        fprintf(stderr, "%s:%d: %s[%zu] is not an object\n", __FILE__, line, DNS_OTHERS, i);
        check_failures++;
        return;
    }
    fields_at(line, q, (const char *const[]){"name", "type", "class", NULL}, false);
    jstr_at(line, q, "name", name);
    jstr_at(line, q, "type", type);
    jstr_at(line, q, "class", qclass);
}

#define OTHER(root, i, name, type, qclass) other_at(__LINE__, root, i, name, type, qclass)

static size_t array_len(json_object *root, const char *path)
{
    json_object *v = at_path(root, path);
    return v && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 99999;
}

/* Several questions: the first in dns.question, the others in order in other_questions,
 * at most 7 of them, the rest counted. */
static void test_questions(void)
{
    ldns_pkt *p = new_pkt(43, false, LDNS_RCODE_NOERROR, "one.example.test. IN A");
    ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr_of("two.example.test. IN AAAA", true));
    ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr_of("three.example.test. CH TXT", true));
    struct dns_summary *s = summarize(p);
    CHECK_INT(s->question_total, 3);
    CHECK_INT(s->question_count, 3);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_OTHERS);
    JSTR(root, "dns.question.name", "one.example.test");
    JSTR(root, "dns.question.type", "A");
    JSTR(root, "dns.question.class", "IN");
    CHECK_INT(array_len(root, DNS_OTHERS), 2);
    OTHER(root, 0, "two.example.test", "AAAA", "IN");
    OTHER(root, 1, "three.example.test", "TXT", "CH");
    json_object_put(root);
    free(s);

    /* in an answer too, with escapes */
    p = new_pkt(44, true, LDNS_RCODE_NOERROR, "a.example.test. IN A");
    ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr_of("q\\\"x\\\\\\001.example.test. IN MX", true));
    push(p, LDNS_SECTION_ANSWER, "a.example.test. 1 IN A 10.0.0.44");
    s = summarize(p);
    root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER, DNS_OTHERS);
    CHECK_INT(array_len(root, DNS_OTHERS), 1);
    OTHER(root, 0, "q\"x\\\\\\001.example.test", "MX", "IN");
    json_object_put(root);
    free(s);

    /* 10 questions: 8 described (dns.question and 7 others), 2 counted */
    p = new_pkt(45, false, LDNS_RCODE_NOERROR, "q0.example.test. IN A");
    char text[64];
    for (int i = 1; i < 10; i++) {
        snprintf(text, sizeof(text), "q%d.example.test. IN TYPE%d", i, 65280 + i);
        ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr_of(text, true));
    }
    s = summarize(p);
    CHECK_INT(s->question_total, 10);
    CHECK_INT(s->question_count, DNS_SUMMARY_QUESTIONS);
    root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_OTHERS, "ebpfshield.dns.questions_omitted");
    JINT(root, "ebpfshield.dns.questions_omitted", 2);
    CHECK_INT(array_len(root, DNS_OTHERS), 7);
    for (int i = 1; i < 8; i++) {
        char name[32], type[16];
        snprintf(name, sizeof(name), "q%d.example.test", i);
        snprintf(type, sizeof(type), "TYPE%d", 65280 + i);
        other_at(__LINE__, root, (size_t)i - 1, name, type, "IN");
    }
    json_object_put(root);
    free(s);

    /* one question: no other_questions at all */
    s = summarize(new_pkt(46, false, LDNS_RCODE_NOERROR, "alone.example.test. IN A"));
    root = dns_json(s);
    JABSENT(root, "ebpfshield");
    json_object_put(root);
    free(s);
}

/* A name of wire_len bytes (255 at most) in labels of 63 bytes or fewer, each byte b (ldns
 * takes no owner past 255 characters in master-file form: built from the wire). */
static ldns_rdf *long_name(uint8_t b, size_t wire_len)
{
    uint8_t wire[256];
    size_t at = 0, left = wire_len - 1; /* the root's 0 */
    while (left >= 2) {
        size_t n = left - 1 < 63 ? left - 1 : 63;
        wire[at++] = (uint8_t)n;
        memset(wire + at, b, n);
        at += n;
        left -= n + 1;
    }
    wire[at++] = 0;
    ldns_rdf *rdf = ldns_dname_new_frm_data((uint16_t)at, wire);
    if (!rdf || at != wire_len)
        exit(2);
    return rdf;
}

/* rr (from text) with owner (a copy) in place of its own. */
static ldns_rr *owned(ldns_rr *rr, const ldns_rdf *owner)
{
    ldns_rdf_deep_free(ldns_rr_owner(rr));
    ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
    return rr;
}

/* A TXT record's master-file text (owner "o."): one string of n bytes, each given as esc. */
static char *txt_rr(const char *esc, size_t n)
{
    char *out = calloc(1, 8192);
    snprintf(out, 8192, "o. 1 IN TXT \"");
    for (size_t i = 0; i < n; i++)
        strcat(out, esc);
    strcat(out, "\"");
    return out;
}

/* The presentation length of a name, as dns_summarize counts it. */
static size_t name_cost(const ldns_rdf *name)
{
    char *str = ldns_rdf2str(name);
    size_t n = strlen(str);
    free(str);
    return n;
}

/* The presentation length of a record's data, cut as dns_summarize cuts it. */
static size_t data_cost(const char *text)
{
    char *data = full_rdata(text);
    size_t n = strlen(data);
    free(data);
    return n < DNS_RDATA_MAX - 1 ? n : DNS_RDATA_MAX - 1;
}

/* A worst case: nq questions named qname, 32 TXT answers named aname of data_bytes bytes of
 * desc, then 64 AAAA records of the longest form; returns the length of the JSON line (with
 * its newline) and checks the budget: the described answers are those that fit. */
static size_t worst_case_at(int line, const char *what, const ldns_rdf *qname, size_t nq,
                            const ldns_rdf *aname, const char *desc, size_t data_bytes)
{
    char text[128];
    ldns_pkt *p = new_pkt(47, true, LDNS_RCODE_NOERROR, NULL);
    size_t spent = 0, want_q = 0;
    for (size_t i = 0; i < nq; i++) {
        snprintf(text, sizeof(text), "o. IN TYPE%zu", 65000 + i);
        ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, owned(rr_of(text, true), qname));
        size_t cost = name_cost(qname);
        if (want_q == i && i < DNS_SUMMARY_QUESTIONS &&
            (i == 0 || spent + cost <= DNS_SUMMARY_BUDGET)) {
            spent += cost;
            want_q++;
        }
    }
    size_t want_a = 0;
    bool full = false;
    for (size_t i = 0; i < 32; i++) {
        char *rr = txt_rr(desc, data_bytes);
        ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, owned(rr_of(rr, false), aname));
        size_t cost = name_cost(aname) + data_cost(rr);
        full = full || spent + cost > DNS_SUMMARY_BUDGET;
        if (!full) {
            spent += cost;
            want_a++;
        }
        free(rr);
    }
    for (int i = 0; i < 64; i++) {
        snprintf(text, sizeof(text), "o. 1 IN AAAA ffff:eeee:dddd:cccc:bbbb:aaaa:9999:%04x",
                 0x1000 + i);
        ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, owned(rr_of(text, false), aname));
    }
    struct dns_summary *s = summarize_at(line, p);
    size_t q = s->question_count, a = s->answer_count;
    if (q != want_q || a != want_a || s->answer_total != 96 || s->resolved_count != 64) {
        fprintf(stderr, "%s:%d: %s: %zu questions, %zu answers described, want %zu, %zu\n",
                __FILE__, line, what, q, a, want_q, want_a);
        check_failures++;
    }
    size_t used = 0;
    for (size_t i = 0; i < q; i++)
        used += strlen(s->questions[i].name);
    for (size_t i = 0; i < a; i++)
        used += strlen(s->answers[i].name) + strlen(s->answers[i].data);
    if (used != spent || used > DNS_SUMMARY_BUDGET) {
        fprintf(stderr, "%s:%d: %s: %zu bytes described, want %zu (budget %d)\n", __FILE__, line,
                what, used, spent, DNS_SUMMARY_BUDGET);
        check_failures++;
    }
    char *json = dns_event(&json_out, "dig", &udp4, s);
    json_object *root = parse_line_at(line, json);
    jint_at(line, root, "ebpfshield.dns.answers_omitted", (long long)(96 - a));
    if (nq > 1 && array_len(root, DNS_OTHERS) != q - 1) {
        fprintf(stderr, "%s:%d: %s: %zu other questions, want %zu\n", __FILE__, line, what,
                array_len(root, DNS_OTHERS), q - 1);
        check_failures++;
    }
    if (nq > q)
        jint_at(line, root, "ebpfshield.dns.questions_omitted", (long long)(nq - q));
    if (array_len(root, "dns.resolved_ip") != 64) {
        fprintf(stderr, "%s:%d: %s: resolved_ip not 64 addresses\n", __FILE__, line, what);
        check_failures++;
    }
    size_t len = strlen(json);
    printf("worst case, %s: %zu questions and %zu answers described, %zu bytes of names and "
           "data: JSON line of %zu bytes\n",
           what, q, a, used, len);
    json_object_put(root);
    free(json);
    free(s);
    return len;
}

/* The budget: names and data past DNS_SUMMARY_BUDGET are not described but counted, and
 * the worst lines stay under journald's 48 KiB (and the 40 KiB dns_decode.h promises). */
static void test_budget(void)
{
    /* 32 answers of some 700 bytes: those past the budget are counted like those past 32 */
    ldns_rdf *name = long_name('a', 200);
    ldns_pkt *p = new_pkt(48, true, LDNS_RCODE_NOERROR, "budget.example.test. IN TXT");
    size_t spent = strlen("budget.example.test."), fit = 0;
    for (int i = 0; i < 32; i++) {
        char *rr = txt_rr("\\\\", 250);
        ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, owned(rr_of(rr, false), name));
        size_t cost = name_cost(name) + data_cost(rr);
        if (spent + cost <= DNS_SUMMARY_BUDGET && fit == (size_t)i) {
            spent += cost;
            fit++;
        }
        free(rr);
    }
    push(p, LDNS_SECTION_ANSWER, "z.test. 1 IN A 10.0.0.48"); /* small, after the cut */
    struct dns_summary *s = summarize(p);
    CHECK(fit > 20 && fit < 32);
    CHECK_INT(s->answer_total, 33);
    CHECK_INT(s->answer_count, fit);
    json_object *root = dns_json(s);
    FIELDS(root, DNS_COMMON, DNS_QUESTION, DNS_ANSWER, "ebpfshield.dns.answers_omitted");
    JINT(root, "ebpfshield.dns.answers_omitted", (long long)(33 - fit));
    CHECK_INT(array_len(root, "dns.answers"), fit);
    JLIST(root, "dns.resolved_ip", "10.0.0.48"); /* every address, budget or not */
    json_object_put(root);
    free(s);
    ldns_rdf_deep_free(name);

    /* worst cases: the review's (names of \001, data of backslashes), names of backslashes,
     * short names and data of backslashes, of tabs (bytes JSON escapes) */
    ldns_rdf *ctl = long_name(1, 255), *bs = long_name('\\', 255), *w = long_name('w', 3);
    size_t sizes[] = {
        worst_case_at(__LINE__, "255-byte \\001 names, 8 questions, backslash data", ctl, 8, ctl,
                      "\\\\", 255),
        worst_case_at(__LINE__, "255-byte backslash names, 8 questions, backslash data", bs, 8, bs,
                      "\\\\", 255),
        worst_case_at(__LINE__, "255-byte \\001 names, 12 questions, backslash data", ctl, 12, ctl,
                      "\\\\", 255),
        worst_case_at(__LINE__, "short names, 1 question, backslash data", w, 1, w, "\\\\", 255),
        worst_case_at(__LINE__, "short names, 8 questions, tab data", w, 8, w, "\\009", 255),
    };
    size_t worst = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        worst = sizes[i] > worst ? sizes[i] : worst;
    printf("worst JSON line: %zu bytes (%.1f KiB)\n", worst, (double)worst / 1024.0);
    CHECK(worst < 48 * 1024);
    CHECK(worst < 40 * 1024);
    ldns_rdf_deep_free(ctl);
    ldns_rdf_deep_free(bs);
    ldns_rdf_deep_free(w);
}

/* What output_dns_unparsed writes (the caller frees it). */
static char *unparsed_event(const struct output *tmpl, const char *why, const uint8_t *msg,
                            size_t len)
{
    struct capture c;
    struct dns_origin origin = {.proc = &proc, .comm = "dig", .ifname = "lo"};
    capture_open(&c);
    struct output o = *tmpl;
    o.stream = c.f;
    output_dns_unparsed(&o, &origin, &udp4, why, msg, len);
    return capture_text(&c);
}

#define UNPARSED_FIELDS                                                                            \
    "@timestamp", "event.kind", "event.module", "event.action", "event.outcome", "event.category", \
        "event.type", "process.name", "process.pid", "process.thread.id", "user.id", "group.id",   \
        "network.protocol", "network.transport", "network.type", "source.ip", "source.port",       \
        "destination.ip", "destination.port", "observer.ingress.interface.name", "error.message",  \
        "ebpfshield.dns.payload_bytes", "ebpfshield.dns.payload_hex"

/* The dns-unparsed event of msg (that dns_summarize refuses): its exact fields. */
static void unparsed_at(int line, const uint8_t *msg, size_t len)
{
    struct dns_summary *s = calloc(1, sizeof(*s));
    const char *why = NULL;
    if (dns_summarize(msg, len, s, &why) != -1 || !why || !*why) {
        fprintf(stderr, "%s:%d: dns_summarize took the message\n", __FILE__, line);
        check_failures++;
        why = "?";
    }
    free(s);
    char *text = unparsed_event(&json_out, why, msg, len);
    json_object *root = parse_line_at(line, text);
    free(text);
    fields_at(line, root, (const char *const[]){UNPARSED_FIELDS, NULL}, true);
    check_timestamp_at(line, root);
    jstr_at(line, root, "event.kind", "event");
    jstr_at(line, root, "event.module", "ebpfshield");
    jstr_at(line, root, "event.action", "dns-unparsed");
    jstr_at(line, root, "event.outcome", "failure");
    jlist_at(line, root, "event.category", (const char *const[]){"network"}, 1);
    jlist_at(line, root, "event.type", (const char *const[]){"protocol"}, 1);
    jstr_at(line, root, "process.name", "dig");
    jint_at(line, root, "process.pid", 4242);
    jint_at(line, root, "process.thread.id", 4243);
    jstr_at(line, root, "user.id", "1000");
    jstr_at(line, root, "group.id", "100");
    jstr_at(line, root, "network.protocol", "dns");
    jstr_at(line, root, "network.transport", "udp");
    jstr_at(line, root, "network.type", "ipv4");
    jstr_at(line, root, "source.ip", "127.0.0.53");
    jint_at(line, root, "source.port", 53);
    jstr_at(line, root, "destination.ip", "192.0.2.7");
    jint_at(line, root, "destination.port", 33703);
    jstr_at(line, root, "observer.ingress.interface.name", "lo");
    jstr_at(line, root, "error.message", why);
    jint_at(line, root, "ebpfshield.dns.payload_bytes", (long long)len);
    char hex[2 * 128 + 1] = "";
    for (size_t i = 0; i < len && i < 128; i++)
        snprintf(hex + 2 * i, 3, "%02x", msg[i]);
    jstr_at(line, root, "ebpfshield.dns.payload_hex", hex);
    json_object_put(root);
}

static void test_unparsed(void)
{
    /* a header that says 1 additional record, none there: 29 bytes, all in hex */
    ldns_pkt *p = new_pkt(0xabcd, false, LDNS_RCODE_NOERROR, "u.test. IN A");
    size_t len;
    uint8_t *wire = wire_of(p, &len);
    wire[11] = 1; /* ARCOUNT */
    unparsed_at(__LINE__, wire, len);
    free(wire);

    /* 300 bytes (a 40-answer response cut short): the first 128 in hex, 300 counted */
    p = new_pkt(0x0fe1, true, LDNS_RCODE_NOERROR, "cut.example.test. IN A");
    char rr[128];
    for (int i = 0; i < 40; i++) {
        snprintf(rr, sizeof(rr), "cut.example.test. 1 IN A 10.0.0.%d", i);
        push(p, LDNS_SECTION_ANSWER, rr);
    }
    wire = wire_of(p, &len);
    CHECK(len > 300);
    uint8_t *cut = malloc(300);
    memcpy(cut, wire, 300);
    unparsed_at(__LINE__, cut, 300);
    /* every byte value in hex, lowercase: 0x00..0xff after a cut header */
    uint8_t all[256 + 12];
    memcpy(all, (const uint8_t[]){0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, 12);
    for (int i = 0; i < 256; i++)
        all[12 + i] = (uint8_t)(255 - i);
    unparsed_at(__LINE__, all, sizeof(all));
    /* shorter than a header, and empty */
    unparsed_at(__LINE__, cut, 5);
    unparsed_at(__LINE__, cut, 0);

    /* 128 bytes exactly and 129: the hex stops at 128 */
    char *text = unparsed_event(&json_out, "x", cut, 129);
    json_object *root = parse_line(text);
    json_object *hex = at_path(root, "ebpfshield.dns.payload_hex");
    CHECK(hex && json_object_get_string_len(hex) == 256);
    JINT(root, "ebpfshield.dns.payload_bytes", 129);
    json_object_put(root);
    free(text);

    /* a hostile reason is a JSON string like any other */
    text = unparsed_event(&json_out, "bad \"reason\" \\ \x01", cut, 1);
    root = parse_line(text);
    JSTR(root, "error.message", "bad \"reason\" \\ \x01");
    json_object_put(root);
    free(text);

    /* under --syslog: <PRI> of a DNS event, then the object */
    struct output o = json_out;
    o.syslog = true;
    text = unparsed_event(&o, "x", cut, 3);
    char pri[16];
    snprintf(pri, sizeof(pri), "<%d>", LOG_DAEMON | LOG_INFO);
    CHECK(strncmp(text, pri, strlen(pri)) == 0 && text[strlen(pri)] == '{');
    root = parse_line(text + strlen(pri));
    JSTR(root, "event.action", "dns-unparsed");
    JSTR(root, "ebpfshield.dns.payload_hex", "0fe180"); /* the id 0x0fe1, QR */
    json_object_put(root);
    free(text);
    free(cut);
    free(wire);
}

/* ---- connections and hits ---- */

static struct conn_event conn(const char *comm, const char *ip, bool ipv6)
{
    struct conn_event c = {.feed = "firehol_level1.netset",
                           .pid = 777,
                           .tid = 778,
                           .uid = 4294967294u,
                           .gid = 0,
                           .port = 443,
                           .proto = IPPROTO_TCP,
                           .ipv6 = ipv6};
    snprintf(c.comm, sizeof(c.comm), "%s", comm);
    snprintf(c.ip, sizeof(c.ip), "%s", ip);
    return c;
}

static char *connection_text(const struct output *tmpl, const struct conn_event *c)
{
    struct capture cap;
    capture_open(&cap);
    struct output o = *tmpl;
    o.stream = cap.f;
    output_connection(&o, c);
    return capture_text(&cap);
}

static char *hit_text(const struct output *tmpl, const struct conn_event *c,
                      enum block_action block, enum hit_result result, const char *dump_dir)
{
    struct capture cap;
    capture_open(&cap);
    struct output o = *tmpl;
    o.stream = cap.f;
    struct hit_report r = block_hit_report(block, result, dump_dir);
    output_hit(&o, c, &r);
    return capture_text(&cap);
}

#define CONN_COMMON                                                                                \
    "@timestamp", "event.kind", "event.module", "event.action", "event.outcome", "event.category", \
        "event.type", "process.name", "process.pid", "process.thread.id", "user.id", "group.id",   \
        "network.transport", "network.type", "network.direction", "destination.ip",                \
        "destination.port"

static void check_conn_fields_at(int line, json_object *root, const struct conn_event *c)
{
    CHECK_TIMESTAMP(root);
    jstr_at(line, root, "event.module", "ebpfshield");
    jstr_at(line, root, "process.name", c->comm);
    jint_at(line, root, "process.pid", c->pid);
    jint_at(line, root, "process.thread.id", c->tid);
    char id[16];
    snprintf(id, sizeof(id), "%u", c->uid);
    jstr_at(line, root, "user.id", id);
    snprintf(id, sizeof(id), "%u", c->gid);
    jstr_at(line, root, "group.id", id);
    jstr_at(line, root, "network.transport", c->proto == IPPROTO_TCP ? "tcp" : "udp");
    jstr_at(line, root, "network.type", c->ipv6 ? "ipv6" : "ipv4");
    jstr_at(line, root, "network.direction", "egress");
    jstr_at(line, root, "destination.ip", c->ip);
    jint_at(line, root, "destination.port", c->port);
}

static void test_connection_json(void)
{
    struct conn_event c = conn("curl", "198.51.100.1", false);
    char *text = connection_text(&json_out, &c);
    json_object *root = parse_line(text);
    FIELDS(root, CONN_COMMON);
    check_conn_fields_at(__LINE__, root, &c);
    JSTR(root, "event.kind", "event");
    JSTR(root, "event.action", "connection-attempted");
    JSTR(root, "event.outcome", "unknown");
    JLIST(root, "event.category", "network");
    JLIST(root, "event.type", "connection", "start");
    JSTR(root, "user.id", "4294967294");
    JSTR(root, "group.id", "0");
    JSTR(root, "ecs.version", "8.11.0");
    JSTR(root, "host.name", "web-1");
    JSTR(root, "host.id", "3d1219c7c4c5404aaa1f6d2a48adfda4");
    JSTR(root, "agent.id", "892625d5-debf-41b3-b5a6-7a30cac43817");
    JSTR(root, "agent.type", "ebpfshield-bcc");
    JSTR(root, "agent.version", EBPFSHIELD_VERSION);
    JSTR(root, "agent.ephemeral_id", "0f8a3c52-7d1e-4b6a-9c3d-2e5f6a7b8c9d");
    json_object_put(root);
    free(text);

    /* A host without a machine id: host.id and agent.id are left out, nothing else. */
    struct agent_identity anonymous = test_agent;
    anonymous.host_id[0] = anonymous.agent_id[0] = '\0';
    ecs_agent_set(&anonymous);
    text = connection_text(&json_out, &c);
    root = parse_line(text);
    CHECK(root && !json_object_object_get_ex(json_object_object_get(root, "host"), "id", NULL));
    CHECK(root && !json_object_object_get_ex(json_object_object_get(root, "agent"), "id", NULL));
    JSTR(root, "host.name", "web-1");
    json_object_put(root);
    free(text);
    ecs_agent_set(&test_agent);

    c = conn("dig", "2001:db8::1", true);
    c.proto = IPPROTO_UDP;
    c.port = 53;
    text = connection_text(&json_out, &c);
    root = parse_line(text);
    check_conn_fields_at(__LINE__, root, &c);
    json_object_put(root);
    free(text);
}

static const char *const block_names[] = {"print", "dump", "suspend", "kill", "deny"};

static void test_hit_json(void)
{
    static const struct {
        enum block_action block;
        enum hit_result result;
        const char *action, *outcome, *type2;
    } cases[] = {
        {BLOCK_PRINT, HIT_ACTED, "connection-reported", "success", "info"},
        {BLOCK_DENY, HIT_ACTED, "connection-denied", "success", "denied"},
        {BLOCK_DENY, HIT_EXITED, "connection-denied", "failure", "denied"},
        {BLOCK_SUSPEND, HIT_ACTED, "process-suspended", "success", "denied"},
        {BLOCK_SUSPEND, HIT_EXITED, "process-suspended", "failure", "denied"},
        {BLOCK_KILL, HIT_ACTED, "process-killed", "success", "denied"},
        {BLOCK_KILL, HIT_EXITED, "process-killed", "failure", "denied"},
        {BLOCK_DUMP, HIT_ACTED, "process-dumped", "success", "denied"},
        {BLOCK_DUMP, HIT_EXITED, "process-dumped", "failure", "denied"},
        {BLOCK_DUMP, HIT_NO_CORE, "process-killed", "failure", "denied"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool v6 = i % 2;
        struct conn_event c = conn("evil", v6 ? "2001:db8::bad" : "203.0.113.9", v6);
        char *text = hit_text(&json_out, &c, cases[i].block, cases[i].result, "/var/dumps");
        json_object *root = parse_line(text);
        if (cases[i].block == BLOCK_DUMP && cases[i].result == HIT_ACTED)
            FIELDS(root, CONN_COMMON, "threat.indicator.ip", "threat.indicator.type",
                   "threat.feed.name", "ebpfshield.block", "ebpfshield.dump_dir");
        else
            FIELDS(root, CONN_COMMON, "threat.indicator.ip", "threat.indicator.type",
                   "threat.feed.name", "ebpfshield.block");
        check_conn_fields_at(__LINE__, root, &c);
        JSTR(root, "event.kind", "alert");
        JSTR(root, "event.action", cases[i].action);
        JSTR(root, "event.outcome", cases[i].outcome);
        JLIST(root, "event.category", "network", "intrusion_detection");
        jlist_at(__LINE__, root, "event.type", (const char *const[]){"connection", cases[i].type2},
                 2);
        JSTR(root, "threat.indicator.ip", c.ip);
        JSTR(root, "threat.indicator.type", v6 ? "ipv6-addr" : "ipv4-addr");
        JSTR(root, "threat.feed.name", "firehol_level1.netset");
        JSTR(root, "ebpfshield.block", block_names[cases[i].block]);
        if (cases[i].block == BLOCK_DUMP && cases[i].result == HIT_ACTED)
            JSTR(root, "ebpfshield.dump_dir", "/var/dumps");
        json_object_put(root);
        free(text);
    }
    /* no feed name: no threat.feed.name */
    struct conn_event c = conn("evil", "203.0.113.9", false);
    c.feed = NULL;
    char *text = hit_text(&json_out, &c, BLOCK_KILL, HIT_ACTED, NULL);
    json_object *root = parse_line(text);
    JABSENT(root, "threat.feed.name");
    json_object_put(root);
    free(text);
}

/* A domain hit: the queried name, its registered domain right after it where the Public
 * Suffix List knows it (the real libpsl), the listed name; no threat.indicator.ip. */
static void test_domain_hit_json(void)
{
    static const struct {
        const char *domain, *listed, *registered; /* registered NULL: not known */
    } cases[] = {
        {"a.b.evil.example.co.uk", "evil.example.co.uk", "example.co.uk"},
        {"www.x.github.io", "x.github.io", "x.github.io"},
        {"x.plain.test", "plain.test", NULL},
        {"bad\\032name.example.com", "example.com", NULL},
        {"(unreadable name)", "", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct conn_event c = conn("dig", "127.0.0.53", false);
        c.proto = IPPROTO_UDP;
        c.port = 53;
        snprintf(c.domain, sizeof(c.domain), "%s", cases[i].domain);
        snprintf(c.listed, sizeof(c.listed), "%s", cases[i].listed);
        char *text = hit_text(&json_out, &c, BLOCK_DENY, HIT_ACTED, NULL);
        json_object *root = parse_line(text);
        if (cases[i].registered)
            FIELDS(root, CONN_COMMON, "dns.question.name", "dns.question.registered_domain",
                   "threat.indicator.type", "threat.indicator.url.domain", "threat.feed.name",
                   "ebpfshield.block");
        else
            FIELDS(root, CONN_COMMON, "dns.question.name", "threat.indicator.type",
                   "threat.indicator.url.domain", "threat.feed.name", "ebpfshield.block");
        check_conn_fields_at(__LINE__, root, &c);
        JSTR(root, "event.action", "connection-denied");
        JSTR(root, "dns.question.name", cases[i].domain);
        if (cases[i].registered) {
            JSTR(root, "dns.question.registered_domain", cases[i].registered);
            char want[128];
            snprintf(want, sizeof(want),
                     "\"question\":{\"name\":\"%s\",\"registered_domain\":\"%s\"}", cases[i].domain,
                     cases[i].registered);
            CHECK(strstr(text, want) != NULL);
        }
        JSTR(root, "threat.indicator.type", "domain-name");
        JSTR(root, "threat.indicator.url.domain",
             cases[i].listed[0] ? cases[i].listed : cases[i].domain);
        json_object_put(root);
        free(text);
    }
}

/* A hit in an answer: the asked name is the question, the CNAME target that hit is the
 * one answer shown; an address hit of a process that resolved it: destination.domain. */
static void test_answer_and_resolved_json(void)
{
    struct conn_event c = conn("curl", "127.0.0.53", false);
    snprintf(c.question, sizeof(c.question), "alias.good.example.org");
    snprintf(c.domain, sizeof(c.domain), "cdn.evil.example.com");
    snprintf(c.listed, sizeof(c.listed), "evil.example.com");
    char *text = hit_text(&json_out, &c, BLOCK_KILL, HIT_ACTED, NULL);
    json_object *root = parse_line(text);
    FIELDS(root, CONN_COMMON, "dns.question.name", "dns.question.registered_domain", "dns.answers",
           "threat.indicator.type", "threat.indicator.url.domain", "threat.feed.name",
           "ebpfshield.block");
    JSTR(root, "dns.question.name", "alias.good.example.org");
    JSTR(root, "dns.question.registered_domain", "example.org");
    CHECK(strstr(text, "\"answers\":[{\"type\":\"CNAME\",\"data\":\"cdn.evil.example.com\"}]") !=
          NULL);
    JSTR(root, "threat.indicator.url.domain", "evil.example.com");
    json_object_put(root);
    free(text);

    c = conn("curl", "198.51.100.88", false);
    snprintf(c.resolved, sizeof(c.resolved), "bad-ip.example.net");
    text = hit_text(&json_out, &c, BLOCK_DENY, HIT_ACTED, NULL);
    root = parse_line(text);
    FIELDS(root, CONN_COMMON, "destination.domain", "threat.indicator.ip", "threat.indicator.type",
           "threat.feed.name", "ebpfshield.block");
    JSTR(root, "destination.domain", "bad-ip.example.net");
    JSTR(root, "threat.indicator.ip", "198.51.100.88");
    json_object_put(root);
    free(text);
}

/* Quotes, backslashes and every control byte in the strings the encoder is given: each
 * event with the string fields it must give back exactly. */
static void test_hostile_strings(void)
{
    char comm[64];
    size_t n = 0;
    const char *parts[] = {"\"",   "\\", "\\\"", "/",  "\x01", "\x1f",
                           "\x7f", "\t", "\n",   "\r", "\b",   "\f"};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        n += (size_t)snprintf(comm + n, sizeof(comm) - n, "%s", parts[i]);
    CHECK_INT(n, 13);
    char all[128]; /* every byte from 1 to 127 */
    for (int i = 1; i < 128; i++)
        all[i - 1] = (char)i;
    all[127] = '\0';
    /* connections and hits: 16 bytes of them in conn_event.comm */
    struct conn_event c = conn("", "192.0.2.1", false);
    memcpy(c.comm, comm, EBPFSHIELD_TASK_COMM_LEN);
    c.comm[EBPFSHIELD_TASK_COMM_LEN] = '\0';
    c.feed = "fe\"ed\\\x01.txt";
    const char *dir = "/d\"i\\r\n";
    struct dns_summary *s = summarize(new_pkt(12, false, LDNS_RCODE_NOERROR, "h.test. IN A"));
    const struct {
        char *text;
        const char *path[3], *want[3];
    } cases[] = {
        /* DNS: the comm through origin, unbounded */
        {dns_event(&json_out, comm, &udp4, s), {"process.name"}, {comm}},
        {dns_event(&json_out, all, &udp4, s), {"process.name"}, {all}},
        {connection_text(&json_out, &c), {"process.name"}, {c.comm}},
        {hit_text(&json_out, &c, BLOCK_DUMP, HIT_ACTED, dir),
         {"process.name", "threat.feed.name", "ebpfshield.dump_dir"},
         {c.comm, c.feed, dir}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *root = parse_line(cases[i].text);
        for (size_t k = 0; k < 3 && cases[i].path[k]; k++)
            JSTR(root, cases[i].path[k], cases[i].want[k]);
        json_object_put(root);
        free(cases[i].text);
    }
    free(s);
}

/* IPv6 over TCP in a DNS event. */
/* The identity of the process and its socket (ebpf_monitor): executable, parent, the
 * namespace's cookie, the cgroup and its container; none of it without an identity. */
static void test_identity_json(void)
{
    struct dns_identity id = {.netns = 4026531840123ULL,
                              .exe = "/usr/bin/dig",
                              .cgroup = "/system.slice/docker-ab.scope",
                              .container = {.runtime = "docker", .id = "ab"}};
    struct port_val child = proc;
    child.ppid = 77;
    struct dns_origin origin = {.proc = &child, .comm = "dig", .ifname = "3", .identity = &id};
    ldns_pkt *p = new_pkt(0x1234, false, LDNS_RCODE_NOERROR, "a.example.test. IN A");
    struct dns_summary *s = summarize(p);
    struct capture c;
    capture_open(&c);
    struct output o = json_out;
    o.stream = c.f;
    output_dns_message(&o, &origin, &udp4, s);
    char *text = capture_text(&c);
    json_object *root = parse_line_at(__LINE__, text);
    free(text);
    if (root) {
        JSTR(root, "process.executable", "/usr/bin/dig");
        JINT(root, "process.parent.pid", 77);
        JINT(root, "ebpfshield.netns.cookie", 4026531840123LL);
        JSTR(root, "ebpfshield.cgroup.path", "/system.slice/docker-ab.scope");
        JSTR(root, "container.id", "ab");
        JSTR(root, "container.runtime", "docker");
        json_object_put(root);
    }
    root = dns_json(s); /* no identity, no parent */
    if (root) {
        JABSENT(root, "process.executable");
        JABSENT(root, "process.parent");
        JABSENT(root, "container");
        JABSENT(root, "ebpfshield.netns");
        json_object_put(root);
    }
    free(s);
}

/* ev as output_inbound writes it in JSON, parsed (NULL after a failed check). */
static json_object *inbound_json(const struct inbound_event *ev, int line)
{
    struct capture c;
    capture_open(&c);
    struct output o = json_out;
    o.stream = c.f;
    output_inbound(&o, ev);
    char *text = capture_text(&c);
    json_object *root = parse_line_at(line, text);
    free(text);
    return root;
}

/* --inbound's events: ECS fields of a dropped IPv6 TCP source behind VLAN 42, of a
 * let-in GRE packet (no transport keyword: its IANA number), and of a UDP packet routed
 * through the host toward a listed address, dropped. */
static void test_inbound_json(void)
{
    struct inbound_event ev = {.ip = "fd00:bad::7",
                               .other = "2001:db8::1",
                               .other_ipv6 = true,
                               .ifname = "eth0",
                               .feed = "tor.txt",
                               .packets = 3,
                               .vlan = 42,
                               .proto = IPPROTO_TCP,
                               .ipv6 = true,
                               .dropped = true,
                               .block = "kill"};
    json_object *root = inbound_json(&ev, __LINE__);
    if (root) {
        JSTR(root, "event.kind", "alert");
        JSTR(root, "event.action", "inbound-dropped");
        JSTR(root, "source.ip", "fd00:bad::7");
        JSTR(root, "destination.ip", "2001:db8::1");
        JSTR(root, "network.transport", "tcp");
        JSTR(root, "network.type", "ipv6");
        JSTR(root, "network.direction", "ingress");
        JINT(root, "network.packets", 3);
        JSTR(root, "observer.ingress.interface.name", "eth0");
        JSTR(root, "observer.ingress.vlan.id", "42");
        JSTR(root, "threat.indicator.ip", "fd00:bad::7");
        JSTR(root, "threat.indicator.type", "ipv6-addr");
        JSTR(root, "threat.feed.name", "tor.txt");
        JSTR(root, "ebpfshield.block", "kill");
        json_object_put(root);
    }
    ev = (struct inbound_event){.ip = "198.51.100.7",
                                .other = "192.0.2.1",
                                .ifname = "eth1",
                                .packets = 1,
                                .proto = 47,
                                .block = "print"};
    root = inbound_json(&ev, __LINE__);
    if (root) {
        JSTR(root, "event.action", "inbound-detected");
        JSTR(root, "network.type", "ipv4");
        JSTR(root, "network.iana_number", "47");
        JABSENT(root, "network.transport");
        JABSENT(root, "observer.ingress.vlan");
        JABSENT(root, "threat.feed");
        JSTR(root, "threat.indicator.type", "ipv4-addr");
        json_object_put(root);
    }
    ev = (struct inbound_event){.ip = "198.51.100.7",
                                .other = "10.24.0.2",
                                .ifname = "veth-c",
                                .packets = 2,
                                .proto = IPPROTO_UDP,
                                .where = INBOUND_FORWARDED,
                                .netns = "ebs-cont",
                                .dropped = true,
                                .block = "deny"};
    root = inbound_json(&ev, __LINE__);
    if (root) {
        JSTR(root, "event.action", "forward-dropped");
        JSTR(root, "source.ip", "10.24.0.2");
        JSTR(root, "destination.ip", "198.51.100.7");
        JSTR(root, "network.direction", "egress");
        JSTR(root, "network.transport", "udp");
        JSTR(root, "observer.ingress.interface.name", "veth-c");
        JSTR(root, "ebpfshield.sender_netns", "ebs-cont");
        JSTR(root, "threat.indicator.ip", "198.51.100.7");
        JINT(root, "network.packets", 2);
        json_object_put(root);
    }
    ev.where = INBOUND_LEAVING;
    ev.netns[0] = '\0';
    snprintf(ev.other, sizeof(ev.other), "192.0.2.1");
    snprintf(ev.ifname, sizeof(ev.ifname), "eth0");
    ev.vlan = 42;
    ev.dropped = false;
    root = inbound_json(&ev, __LINE__);
    if (root) {
        JSTR(root, "event.action", "outgoing-detected");
        JSTR(root, "source.ip", "192.0.2.1");
        JSTR(root, "destination.ip", "198.51.100.7");
        JSTR(root, "network.direction", "egress");
        JSTR(root, "observer.egress.interface.name", "eth0");
        JSTR(root, "observer.egress.vlan.id", "42");
        JABSENT(root, "observer.ingress");
        JABSENT(root, "ebpfshield.sender_netns");
        json_object_put(root);
    }
}

static void test_dns_ipv6_tcp(void)
{
    struct frame_info f = {.proto = IPPROTO_TCP, .family = AF_INET6, .sport = 40000, .dport = 53};
    test_addr(f.saddr, AF_INET6, "2001:db8::1");
    test_addr(f.daddr, AF_INET6, "::ffff:192.0.2.1");
    struct dns_summary *s = summarize(new_pkt(15, false, LDNS_RCODE_NOERROR, "v6.test. IN AAAA"));
    char *text = dns_event(&json_out, "dig", &f, s);
    json_object *root = parse_line(text);
    JSTR(root, "network.transport", "tcp");
    JSTR(root, "network.type", "ipv6");
    JSTR(root, "source.ip", "2001:db8::1");
    JINT(root, "source.port", 40000);
    JSTR(root, "destination.ip", "::ffff:192.0.2.1");
    JINT(root, "destination.port", 53);
    json_object_put(root);
    free(text);
    free(s);
}

int main(void)
{
    json_out.format = output_format_named("json");
    ecs_agent_set(&test_agent);
    setup_frames();
    test_query();
    test_cname_a_aaaa();
    test_mx_txt();
    test_nxdomain();
    test_many_answers();
    test_long_txt();
    test_unknown_type();
    test_no_question_and_root();
    test_flags();
    test_escaped_names();
    test_malformed();
    test_resolved_past_described();
    test_resolved_limit();
    test_questions();
    test_budget();
    test_unparsed();
    test_connection_json();
    test_hit_json();
    test_domain_hit_json();
    test_answer_and_resolved_json();
    test_hostile_strings();
    test_dns_ipv6_tcp();
    test_identity_json();
    test_inbound_json();
    CHECK_DONE();
}
