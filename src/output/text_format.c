/* --output text: the original eBPFShield's lines, byte for byte. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "output/format.h"
#include "output/output.h"

static const char *proto_name(uint8_t proto)
{
    return proto == IPPROTO_TCP ? "TCP" : "UDP";
}

/* A line assembled field by field: the monitor prints one per DNS record, and printf's
 * parsing of a 15-field format was most of what a line cost. Cut (never overrun) at
 * LINE_MAX_BYTES, which the longest DNS line (a 1,004-character name) stays far below. */
#define LINE_MAX_BYTES 2048

struct line {
    char text[LINE_MAX_BYTES];
    size_t len;
};

static void put(struct line *l, const char *s)
{
    size_t n = strlen(s), room = sizeof(l->text) - l->len;
    if (n > room)
        n = room;
    memcpy(l->text + l->len, s, n);
    l->len += n;
}

static void put_u32(struct line *l, uint32_t v)
{
    char digits[10];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && l->len < sizeof(l->text))
        l->text[l->len++] = digits[--n];
}

/* key (with its leading space and "=") then the value. */
static void put_field(struct line *l, const char *key, const char *value)
{
    put(l, key);
    put(l, value);
}

/* A value someone else chose (a process name, a cgroup's, a record's data): a space, "=",
 * "\\" or a control byte in it is written as \xHH, so that no value reads as more fields
 * (for process names, a deviation from the original's bytes for such names only). */
static void put_escaped(struct line *l, const char *value)
{
    static const char hex[] = "0123456789abcdef";
    for (const char *c = value; *c && l->len + 4 <= sizeof(l->text); c++) {
        unsigned char u = (unsigned char)*c;
        if (u > ' ' && u != 0x7f && *c != '=' && *c != '\\') {
            l->text[l->len++] = *c;
            continue;
        }
        unsigned char b = (unsigned char)*c;
        char esc[5] = {'\\', 'x', hex[b >> 4], hex[b & 15], '\0'};
        put(l, esc);
    }
}

static void put_number(struct line *l, const char *key, uint32_t value)
{
    put(l, key);
    put_u32(l, value);
}

/* --context: NETNS=<cookie> CGROUP=<path> CONTAINER=<runtime>:<id> ("-": unknown). */
static void put_context(struct line *l, const struct dns_identity *id)
{
    char netns[24];
    snprintf(netns, sizeof(netns), "%" PRIu64, id->netns);
    put_field(l, " NETNS=", netns);
    put(l, " CGROUP=");
    put_escaped(l, id->cgroup[0] ? id->cgroup : "-");
    put(l, " CONTAINER=");
    if (!id->container.runtime) {
        put(l, "-");
        return;
    }
    put(l, id->container.runtime);
    put(l, ":");
    put_escaped(l, id->container.id);
}

/* COMM=... PID=... ... DNS_QR=0|1 DNS_NAME=... DNS_TYPE=... [DNS_DATA=...] */
static void dns_item(const struct sink *s, const struct dns_origin *origin,
                     const struct frame_info *frame, const struct dns_item *item)
{
    char src[TEXT_ADDRESS_MAX] = "?", dst[TEXT_ADDRESS_MAX] = "?";
    const struct port_val *p = origin->proc;
    struct line l = {.len = 0};

    text_address(frame->family, frame->saddr, src, sizeof(src));
    text_address(frame->family, frame->daddr, dst, sizeof(dst));
    put(&l, "COMM=");
    put_escaped(&l, origin->comm);
    put_number(&l, " PID=", p->pid);
    put_number(&l, " TGID=", p->tid); /* the original's key; like the original, the thread id */
    put_field(&l, " DEV=", origin->ifname);
    put_field(&l, " PROTO=", proto_name(frame->proto));
    put_field(&l, " SRC=", src);
    put_field(&l, " DST=", dst);
    put_number(&l, " SPT=", frame->sport);
    put_number(&l, " DPT=", frame->dport);
    put_number(&l, " UID=", p->uid);
    put_number(&l, " GID=", p->gid);
    put_field(&l, " DNS_QR=", item->qr ? "1" : "0");
    put_field(&l, " DNS_NAME=", item->name);
    put_field(&l, " DNS_TYPE=", item->type);
    if (item->qr) { /* --qtype all: data the sender chose (an address is left as it is) */
        put(&l, " DNS_DATA=");
        put_escaped(&l, item->data);
    }
    if (s->o->context && origin->identity)
        put_context(&l, origin->identity);
    FILE *out = sink_begin(s);
    fwrite_unlocked(l.text, 1, l.len, out);
    fputc_unlocked('\n', out);
    sink_end(s);
}

/* A process name for the guard's lines: "(", ")", ":" and "\\" written as \xHH, so that
 * no name reads as more of the line ("Client:) (pid:1) ..."); a deviation from the
 * original's bytes for such names only. */
#define GUARD_NAME_MAX (4 * sizeof(((struct conn_event *)0)->comm))

static const char *guard_name(const char *comm, char out[GUARD_NAME_MAX])
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (const char *c = comm; *c && n + 5 <= GUARD_NAME_MAX; c++) {
        unsigned char u = (unsigned char)*c;
        if (u == '(' || u == ')' || u == ':' || u == '\\') {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[u >> 4];
            out[n++] = hex[u & 15];
        } else {
            out[n++] = *c;
        }
    }
    out[n] = '\0';
    return out;
}

/* \t<comm> (<pid>) <ip>:<port> */
static void connection(const struct sink *s, const struct conn_event *c)
{
    char name[GUARD_NAME_MAX];
    fprintf(sink_begin(s), "\t%s (%u) %s:%u\n", guard_name(c->comm, name), c->pid, c->ip, c->port);
    sink_end(s);
}

/* Not in the original: a hit whose process exited before its action could be carried out
 * (the connection was still refused), worded like the original's lines. */
static const struct hit_words exited = {.verb = "exited before eBPFShield could act",
                                        .verb_space = true};

/* Client:<comm> (pid:<pid>) <verb>[ <dump dir>/] (ip-blacklist:<ip>)[ ] */
static void hit(const struct sink *s, const struct conn_event *c, const struct hit_report *r)
{
    const struct hit_words *a = r->result == HIT_EXITED ? &exited : r->words;
    char name[GUARD_NAME_MAX];
    FILE *out = sink_begin(s);
    fprintf(out, "Client:%s (pid:%u) %s", guard_name(c->comm, name), c->pid,
            c->domain[0] && a->verb_domain ? a->verb_domain : a->verb);
    if (r->dump_dir)
        fprintf(out, " %s/", r->dump_dir);
    if (c->domain[0])
        fprintf(out, " (domain-blacklist:%s)%s\n", c->domain, a->verb_space ? " " : "");
    else
        fprintf(out, " (ip-blacklist:%s)%s\n", c->ip, a->verb_space ? " " : "");
    sink_end(s);
}

/* Not in the original, worded like its lines:
 * Inbound:<ip> dropped|let in <n> packet(s) on <interface>[.<vlan>] (ip-blacklist:<ip>)
 * Forwarded:<sender>-><ip> dropped|let through <n> packet(s) from <interface>[.<vlan>]
 * [in netns <name>] (ip-blacklist:<ip>)
 * Outgoing:<sender>-><ip> dropped|let out <n> packet(s) on <interface>[.<vlan>]
 * (ip-blacklist:<ip>) */
static void inbound(const struct sink *s, const struct inbound_event *ev)
{
    FILE *out = sink_begin(s);
    if (ev->where == INBOUND_FORWARDED)
        fprintf(out, "Forwarded:%s->%s %s %llu packet(s) from %s", ev->other, ev->ip,
                ev->dropped ? "dropped" : "let through", ev->packets, ev->ifname);
    else if (ev->where == INBOUND_LEAVING)
        fprintf(out, "Outgoing:%s->%s %s %llu packet(s) on %s", ev->other, ev->ip,
                ev->dropped ? "dropped" : "let out", ev->packets, ev->ifname);
    else
        fprintf(out, "Inbound:%s %s %llu packet(s) on %s", ev->ip,
                ev->dropped ? "dropped" : "let in", ev->packets, ev->ifname);
    if (ev->vlan)
        fprintf(out, ".%u", ev->vlan);
    if (ev->netns[0])
        fprintf(out, " in netns %s", ev->netns);
    fprintf(out, " (ip-blacklist:%s)\n", ev->ip);
    sink_end(s);
}

const struct output_format text_format = {
    .name = "text",
    .help = "text (default: the original's lines)",
    .dns_item = dns_item,
    .connection = connection,
    .hit = hit,
    .inbound = inbound,
};
