/* libFuzzer target: a DNS message (untrusted: any packet to or from a DNS port) through
 * dns_summarize and ecs_dns_message, as --output json describes it. The summary must keep
 * its bounds (32 answers and 8 questions described within DNS_SUMMARY_BUDGET bytes of names
 * and data, 64 addresses listed, the rest counted; rdata cut below DNS_RDATA_MAX); a
 * malformed message must come with a reason and gives a dns-unparsed event (the reason, the
 * length, the first 128 bytes in lowercase hex). Each line written must be exactly one JSON
 * object and a newline that json_tokener parses back strictly, shorter than 48 KiB
 * (journald's limit), with the summary's fields: as many answers as described, each with
 * the summary's type and data, resolved_ip exactly the summary's addresses (every A/AAAA
 * answer, described or not), answers_omitted and resolved_omitted when some were left out,
 * the first question in dns.question and the others in other_questions (questions_omitted
 * when some were left out). The process name comes from the input too (any byte but NUL).
 * Any mismatch aborts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "dns/dns_decode.h"
#include "output/json_format.h"

#define COMM_MAX 16
#define LINE_MAX_BYTES (48 * 1024) /* journald's line limit */

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

/* An omitted count: present with total - shown when total > shown, absent otherwise. */
static void need_omitted(json_object *ext, const char *key, size_t total, size_t shown)
{
    json_object *v = get(ext, key, json_type_int);
    if (total > shown ? !v || json_object_get_int64(v) != (int64_t)(total - shown) : v != NULL)
        abort();
}

static void check_summary(const struct dns_summary *s)
{
    size_t want = s->answer_total < DNS_SUMMARY_ANSWERS ? s->answer_total : DNS_SUMMARY_ANSWERS;
    if (s->answer_count > want || s->flag_count > 6)
        abort();
    want = s->question_total < DNS_SUMMARY_QUESTIONS ? s->question_total : DNS_SUMMARY_QUESTIONS;
    if (s->question_count > want || (s->question_total > 0 && s->question_count == 0))
        abort();
    want = s->resolved_total < DNS_SUMMARY_RESOLVED ? s->resolved_total : DNS_SUMMARY_RESOLVED;
    if (s->resolved_count != want || s->resolved_total > s->answer_total)
        abort();
    size_t used = 0;
    for (size_t i = 0; i < s->question_count; i++) {
        if (strnlen(s->questions[i].name, DNS_NAME_MAX) >= DNS_NAME_MAX)
            abort();
        used += strlen(s->questions[i].name);
    }
    for (size_t i = 0; i < s->answer_count; i++) {
        if (strnlen(s->answers[i].data, DNS_RDATA_MAX) >= DNS_RDATA_MAX ||
            strnlen(s->answers[i].name, DNS_NAME_MAX) >= DNS_NAME_MAX)
            abort();
        used += strlen(s->answers[i].name) + strlen(s->answers[i].data);
    }
    /* within the budget (the first question, always described, is shorter than it) */
    if (used > DNS_SUMMARY_BUDGET)
        abort();
    for (size_t i = 0; i < s->resolved_count; i++)
        if (strnlen(s->resolved[i], DNS_DATA_MAX) >= DNS_DATA_MAX || !s->resolved[i][0])
            abort();
}

/* text (len bytes, its newline included) as one strict JSON object (the caller puts it). */
static json_object *parse_line(const char *text, size_t len)
{
    if (len < 3 || len >= LINE_MAX_BYTES || text[len - 1] != '\n' || memchr(text, '\n', len - 1) ||
        text[len - 2] != '}')
        abort();
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, text, (int)len - 1);
    if (!root || json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != len - 1 || !json_object_is_type(root, json_type_object))
        abort();
    json_tokener_free(tok);
    return root;
}

static void check_json(const char *text, size_t len, const struct dns_summary *s, const char *comm)
{
    json_object *root = parse_line(text, len);
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
    json_object *ext = get(get(root, "ebpfshield", json_type_object), "dns", json_type_object);
    json_object *others = get(ext, "other_questions", json_type_array);
    if ((others != NULL) != (s->question_total > 1))
        abort();
    if (others) {
        if (json_object_array_length(others) != s->question_count - 1)
            abort();
        for (size_t i = 1; i < s->question_count; i++) {
            json_object *q = json_object_array_get_idx(others, i - 1);
            if (!json_object_is_type(q, json_type_object) || json_object_object_length(q) != 3)
                abort();
            need_name(q, "name", s->questions[i].name);
            need_str(q, "type", s->questions[i].type);
            need_str(q, "class", s->questions[i].qclass);
        }
    }
    need_omitted(ext, "questions_omitted", s->question_total, s->question_count);
    if (!s->qr) {
        if (answers || resolved || get(ext, "answers_omitted", json_type_int) ||
            get(ext, "resolved_omitted", json_type_int) ||
            get(dns, "response_code", json_type_string))
            abort();
    } else {
        need_str(dns, "response_code", s->rcode);
        if (!answers || !resolved || json_object_array_length(answers) != s->answer_count)
            abort();
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
        }
        /* every address of the summary, in order, and only those */
        if (json_object_array_length(resolved) != s->resolved_count)
            abort();
        for (size_t i = 0; i < s->resolved_count; i++) {
            json_object *ip = json_object_array_get_idx(resolved, i);
            if (!json_object_is_type(ip, json_type_string) ||
                strcmp(json_object_get_string(ip), s->resolved[i]) != 0)
                abort();
        }
        need_omitted(ext, "answers_omitted", s->answer_total, s->answer_count);
        need_omitted(ext, "resolved_omitted", s->resolved_total, s->resolved_count);
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

/* The dns-unparsed event of a message ldns refused: the reason, the length, the hex. */
static void check_unparsed(const char *text, size_t len, const char *why, const uint8_t *data,
                           size_t size, const char *comm)
{
    json_object *root = parse_line(text, len);
    json_object *event = need(root, "event", json_type_object);
    need_str(event, "action", "dns-unparsed");
    need_str(event, "outcome", "failure");
    need_str(need(root, "process", json_type_object), "name", comm);
    need_str(need(root, "error", json_type_object), "message", why);
    json_object *ext = need(need(root, "ebpfshield", json_type_object), "dns", json_type_object);
    if (json_object_get_int64(need(ext, "payload_bytes", json_type_int)) != (int64_t)size)
        abort();
    char hex[2 * 128 + 1] = "";
    for (size_t i = 0; i < size && i < 128; i++)
        snprintf(hex + 2 * i, 3, "%02x", data[i]);
    need_str(ext, "payload_hex", hex);
    if (get(root, "dns", json_type_object))
        abort();
    json_object_put(root);
}

/* A line as json_format.c returns it (malloc'd, no newline): given its newline. */
static size_t with_newline(char **text)
{
    if (!*text)
        abort();
    size_t len = strlen(*text);
    char *line = realloc(*text, len + 2);
    if (!line)
        abort();
    line[len] = '\n';
    line[len + 1] = '\0';
    *text = line;
    return len + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct dns_summary s;
    const char *why = NULL;
    char comm[COMM_MAX];
    process_name(data, size, comm);
    struct port_val proc = {.pid = 1, .tid = 2, .uid = 3, .gid = 4};
    struct dns_origin origin = {.proc = &proc, .comm = comm, .ifname = "lo"};
    struct frame_info frame = {.proto = size & 1 ? 6 : 17,
                               .family = size & 2 ? AF_INET6 : AF_INET,
                               .sport = 53,
                               .dport = 40000};
    memcpy(frame.saddr, data, size < 16 ? size : 16);

    memset(&s, 0xa5, sizeof(s)); /* no field may be left from before */
    if (dns_summarize(data, size, &s, &why) != 0) {
        if (!why || !*why)
            abort();
        char *text = ecs_dns_unparsed(&origin, &frame, why, data, size);
        size_t len = with_newline(&text);
        check_unparsed(text, len, why, data, size, comm);
        free(text);
        return 0;
    }
    check_summary(&s);

    char *text = ecs_dns_message(&origin, &frame, &s);
    size_t len = with_newline(&text); /* check_json takes the line as written */
    check_json(text, len, &s, comm);
    free(text);
    return 0;
}
