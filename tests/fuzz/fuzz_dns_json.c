/* libFuzzer target: a DNS message (untrusted: any packet to or from a DNS port) through
 * dns_summarize and json_dns_message, as --output json describes it. The summary must keep
 * its bounds (32 answers described, the rest counted; rdata cut below DNS_RDATA_MAX) and a
 * malformed message must come with a reason; the line written must be exactly one JSON
 * object and a newline that json_tokener parses back strictly, with the summary's fields:
 * as many answers as described, each with the summary's type and data, resolved_ip only
 * their A/AAAA data, answers_omitted when some were left out, the question when there is
 * one. The process name comes from the input too (any byte but NUL). Any mismatch
 * aborts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "dns_decode.h"
#include "json_event.h"

#define COMM_MAX 16

static json_object *get(json_object *obj, const char *key, json_type type)
{
    json_object *v;
    if (!obj || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

static json_object *need(json_object *obj, const char *key, json_type type)
{
    json_object *v = get(obj, key, type);
    if (!v)
        abort();
    return v;
}

static void need_str(json_object *obj, const char *key, const char *want)
{
    json_object *v = need(obj, key, json_type_string);
    if (strlen(want) != (size_t)json_object_get_string_len(v) ||
        strcmp(json_object_get_string(v), want) != 0)
        abort();
}

/* A name in JSON: the summary's, less the root's trailing dot at most. */
static void need_name(json_object *obj, const char *key, const char *name)
{
    json_object *v = need(obj, key, json_type_string);
    size_t n = (size_t)json_object_get_string_len(v), full = strlen(name);
    if (!(n == full || n + 1 == full) || memcmp(json_object_get_string(v), name, n) != 0)
        abort();
}

static void check_summary(const struct dns_summary *s)
{
    size_t want = s->answer_total < DNS_SUMMARY_ANSWERS ? s->answer_total : DNS_SUMMARY_ANSWERS;
    if (s->answer_count != want || s->flag_count > 6)
        abort();
    for (size_t i = 0; i < s->answer_count; i++)
        if (strnlen(s->answers[i].data, DNS_RDATA_MAX) >= DNS_RDATA_MAX ||
            strnlen(s->answers[i].name, DNS_NAME_MAX) >= DNS_NAME_MAX)
            abort();
}

static void check_json(const char *text, size_t len, const struct dns_summary *s, const char *comm)
{
    if (len < 3 || text[len - 1] != '\n' || memchr(text, '\n', len - 1) || text[len - 2] != '}')
        abort();
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, text, (int)len - 1);
    if (!root || json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != len - 1 || !json_object_is_type(root, json_type_object))
        abort();
    json_tokener_free(tok);

    need_str(need(root, "process", json_type_object), "name", comm);
    json_object *dns = need(root, "dns", json_type_object);
    char id[8];
    snprintf(id, sizeof(id), "%u", s->id);
    need_str(dns, "id", id);
    need_str(dns, "type", s->qr ? "answer" : "query");
    json_object *flags = need(dns, "header_flags", json_type_array);
    if (json_object_array_length(flags) != s->flag_count)
        abort();
    json_object *question = get(dns, "question", json_type_object);
    if (!!question != (s->question_count > 0))
        abort();
    if (question) {
        need_name(question, "name", s->questions[0].name);
        need_str(question, "type", s->questions[0].type);
        need_str(question, "class", s->questions[0].qclass);
    }
    json_object *answers = get(dns, "answers", json_type_array);
    json_object *resolved = get(dns, "resolved_ip", json_type_array);
    json_object *omitted = NULL, *ext = get(root, "ebpfshield", json_type_object);
    if (ext)
        omitted = get(get(ext, "dns", json_type_object), "answers_omitted", json_type_int);
    if (!s->qr) {
        if (answers || resolved || omitted || get(dns, "response_code", json_type_string))
            abort();
    } else {
        need_str(dns, "response_code", s->rcode);
        if (!answers || !resolved || json_object_array_length(answers) != s->answer_count)
            abort();
        size_t ips = 0;
        for (size_t i = 0; i < s->answer_count; i++) {
            const struct dns_answer *a = &s->answers[i];
            json_object *obj = json_object_array_get_idx(answers, i);
            if (!json_object_is_type(obj, json_type_object))
                abort();
            need_name(obj, "name", a->name);
            need_str(obj, "type", a->type);
            need_str(obj, "class", a->rclass);
            need_str(obj, "data", a->data);
            if (json_object_get_int64(need(obj, "ttl", json_type_int)) != a->ttl)
                abort();
            if (strcmp(a->type, "A") == 0 || strcmp(a->type, "AAAA") == 0) {
                json_object *ip = json_object_array_get_idx(resolved, ips++);
                if (!ip || strcmp(json_object_get_string(ip), a->data) != 0)
                    abort();
            }
        }
        if (json_object_array_length(resolved) != ips)
            abort();
        if (s->answer_total > s->answer_count
                ? !omitted ||
                      json_object_get_int64(omitted) != (int64_t)(s->answer_total - s->answer_count)
                : omitted != NULL)
            abort();
    }
    json_object_put(root);
}

/* The process name: the input's last bytes (15 at most), NUL made 1. */
static void process_name(const uint8_t *data, size_t size, char *comm)
{
    size_t n = 0;
    for (size_t i = size > COMM_MAX - 1 ? size - (COMM_MAX - 1) : 0; i < size; i++)
        comm[n++] = data[i] ? (char)data[i] : 1;
    comm[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct dns_summary s;
    const char *why = NULL;
    memset(&s, 0xa5, sizeof(s)); /* no field may be left from before */
    if (dns_summarize(data, size, &s, &why) != 0) {
        if (!why || !*why)
            abort();
        return 0;
    }
    check_summary(&s);

    char comm[COMM_MAX];
    process_name(data, size, comm);
    struct port_val proc = {.pid = 1, .tid = 2, .uid = 3, .gid = 4};
    struct dns_origin origin = {.proc = &proc, .comm = comm, .ifname = "lo"};
    struct frame_info frame = {.proto = size & 1 ? 6 : 17,
                               .family = size & 2 ? AF_INET6 : AF_INET,
                               .sport = 53,
                               .dport = 40000};
    memcpy(frame.saddr, data, size < 16 ? size : 16);

    char *text = json_dns_message(&origin, &frame, &s);
    if (!text)
        abort();
    size_t len = strlen(text);
    text[len] = '\n'; /* check_json takes the line as written, newline included */
    check_json(text, len + 1, &s, comm);
    free(text);
    return 0;
}
