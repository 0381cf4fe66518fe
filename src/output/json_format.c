#include "output/json_format.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/text.h"
#include "dns/registered_domain.h"
#include "output/agent_identity.h"
#include "output/format.h"
#include "output/json_tree.h"
#include "output/output.h"

#define PATH_SEGMENT_MAX 32
#define PAYLOAD_HEX_BYTES 128 /* of a message ldns could not parse, shown in hex */

/* An object or array of the event being built. */
struct json_at {
    struct json_tree *tree;
    json_node node;
};

/* The object under a dotted ECS path ("process.thread" of "process.thread.id"), made on the
 * way; *path is left at the last segment. The first segment may hold no dot
 * ("@timestamp"). */
static struct json_at parent_of(struct json_at at, const char **path)
{
    const char *dot;
    while ((dot = strchr(*path, '.')) != NULL) {
        char key[PATH_SEGMENT_MAX];
        snprintf(key, sizeof(key), "%.*s", (int)(dot - *path), *path);
        at.node = json_tree_object(at.tree, at.node, key);
        *path = dot + 1;
    }
    return at;
}

/* A string of len bytes at a dotted path (in an array: path NULL, at its end). */
static void put_bytes(struct json_at root, const char *path, const char *value, size_t len)
{
    if (path)
        root = parent_of(root, &path);
    json_tree_string(root.tree, root.node, path, value, len);
}

static void put_str(struct json_at root, const char *path, const char *value)
{
    put_bytes(root, path, value, strlen(value));
}

static void put_int(struct json_at root, const char *path, int64_t value)
{
    root = parent_of(root, &path);
    json_tree_int(root.tree, root.node, path, value);
}

static void put_uint(struct json_at root, const char *path, uint64_t value)
{
    root = parent_of(root, &path);
    json_tree_uint(root.tree, root.node, path, value);
}

/* ECS keeps ids as strings (keyword). */
static void put_id(struct json_at root, const char *path, uint32_t value)
{
    char buf[16];
    snprintf(buf, sizeof(buf), "%u", value);
    put_str(root, path, buf);
}

/* The array at a dotted path, made when missing. */
static struct json_at array_at(struct json_at root, const char *path)
{
    root = parent_of(root, &path);
    root.node = json_tree_array(root.tree, root.node, path);
    return root;
}

/* A new object at the end of an array. */
static struct json_at new_element(struct json_at array)
{
    array.node = json_tree_object(array.tree, array.node, NULL);
    return array;
}

static void put_list(struct json_at root, const char *path, const char *const *values, size_t n)
{
    struct json_at arr = array_at(root, path);
    for (size_t i = 0; i < n; i++)
        put_str(arr, NULL, values[i]);
}

static const struct agent_identity *agent;

void ecs_agent_set(const struct agent_identity *a)
{
    agent = a;
}

/* ecs.version, and the host and agent when set. */
static void put_agent(struct json_at root)
{
    put_str(root, "ecs.version", ECS_VERSION);
    if (!agent)
        return;
    put_str(root, "host.name", agent->host_name);
    if (agent->host_id[0]) {
        put_str(root, "host.id", agent->host_id);
        put_str(root, "agent.id", agent->agent_id);
    }
    put_str(root, "agent.type", "ebpfshield-bcc");
    put_str(root, "agent.version", EBPFSHIELD_VERSION);
    if (agent->ephemeral_id[0])
        put_str(root, "agent.ephemeral_id", agent->ephemeral_id);
}

/* Begins an event in tree: @timestamp (UTC, microseconds; when, or now when NULL) and the
 * event.* fields every kind has. */
static struct json_at new_event_at(struct json_tree *tree, const struct timespec *when,
                                   const char *kind, const char *action, const char *outcome)
{
    char stamp[OUTPUT_TIME_MAX];
    output_time(stamp, sizeof(stamp), true, when);
    json_tree_init(tree);
    struct json_at root = {tree, JSON_ROOT};
    put_str(root, "@timestamp", stamp);
    put_str(root, "event.kind", kind);
    put_str(root, "event.module", "ebpfshield");
    put_str(root, "event.action", action);
    put_str(root, "event.outcome", outcome);
    put_agent(root);
    return root;
}

static struct json_at new_event(struct json_tree *tree, const char *kind, const char *action,
                                const char *outcome)
{
    return new_event_at(tree, NULL, kind, action, outcome);
}

/* The event as one line (malloc'd), or NULL when it could not be built; the tree's memory
 * is given back. */
static char *finish(struct json_at root)
{
    char *line = json_tree_line(root.tree);
    json_tree_release(root.tree);
    return line;
}

/* ECS's network.transport (IANA's protocol keywords). */
static const char *transport(uint8_t proto)
{
    switch (proto) {
    case IPPROTO_TCP:
        return "tcp";
    case IPPROTO_ICMP:
        return "icmp";
    case IPPROTO_ICMPV6:
        return "ipv6-icmp";
    case IPPROTO_UDPLITE:
        return "udplite";
    default:
        return "udp";
    }
}

/* A name in ECS form: presentation format without the root's trailing dot. */
static void put_name(struct json_at root, const char *path, const char *name)
{
    size_t n = strlen(name), slashes = 0;
    while (slashes + 1 < n && name[n - 2 - slashes] == '\\')
        slashes++;
    if (n > 1 && name[n - 1] == '.' && slashes % 2 == 0) /* an odd run escapes the dot */
        n--;
    put_bytes(root, path, name, n);
}

static void put_process(struct json_at root, const char *comm, uint32_t pid, uint32_t tid,
                        uint32_t uid, uint32_t gid)
{
    put_str(root, "process.name", comm);
    put_int(root, "process.pid", pid);
    put_int(root, "process.thread.id", tid);
    put_id(root, "user.id", uid);
    put_id(root, "group.id", gid);
}

/* A count of what was left out, when anything was. */
static void put_omitted(struct json_at root, const char *path, size_t total, size_t shown)
{
    if (total > shown)
        put_int(root, path, (int64_t)(total - shown));
}

static void put_answers(struct json_at root, const struct dns_summary *msg)
{
    struct json_at answers = array_at(root, "dns.answers");
    for (size_t i = 0; i < msg->answer_count; i++) {
        const struct dns_answer *a = &msg->answers[i];
        struct json_at obj = new_element(answers);
        put_name(obj, "name", a->name);
        put_str(obj, "type", a->type);
        put_str(obj, "class", a->rclass);
        put_int(obj, "ttl", a->ttl);
        put_str(obj, "data", a->data);
    }
    struct json_at resolved = array_at(root, "dns.resolved_ip");
    for (size_t i = 0; i < msg->resolved_count; i++)
        put_str(resolved, NULL, msg->resolved[i]);
    put_omitted(root, "ebpfshield.dns.answers_omitted", msg->answer_total, msg->answer_count);
    put_omitted(root, "ebpfshield.dns.resolved_omitted", msg->resolved_total, msg->resolved_count);
}

/* The first question in dns.question (ECS has one); the others, when there are, in
 * ebpfshield.dns.other_questions. */
static void put_questions(struct json_at root, const struct dns_summary *msg)
{
    if (msg->question_count == 0)
        return;
    const struct dns_question *q = &msg->questions[0];
    put_name(root, "dns.question.name", q->name);
    put_str(root, "dns.question.type", q->type);
    put_str(root, "dns.question.class", q->qclass);
    if (msg->question_total < 2)
        return;
    struct json_at others = array_at(root, "ebpfshield.dns.other_questions");
    for (size_t i = 1; i < msg->question_count; i++) {
        struct json_at obj = new_element(others);
        put_name(obj, "name", msg->questions[i].name);
        put_str(obj, "type", msg->questions[i].type);
        put_str(obj, "class", msg->questions[i].qclass);
    }
    put_omitted(root, "ebpfshield.dns.questions_omitted", msg->question_total, msg->question_count);
}

/* The executable, the namespace, the cgroup and the container (ECS container.*). */
static void put_identity(struct json_at root, const struct dns_identity *id)
{
    if (id->exe[0])
        put_str(root, "process.executable", id->exe);
    put_uint(root, "ebpfshield.netns.cookie", id->netns);
    if (id->cgroup[0])
        put_str(root, "ebpfshield.cgroup.path", id->cgroup);
    if (id->container.runtime) {
        put_str(root, "container.id", id->container.id);
        put_str(root, "container.runtime", id->container.runtime);
    }
}

/* The fields of every DNS event: the process, the flow, the device. */
static void put_dns_flow(struct json_at root, const struct dns_origin *origin,
                         const struct frame_info *frame)
{
    char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
    static const char *const network[] = {"network"}, *const protocol[] = {"protocol"};
    put_list(root, "event.category", network, 1);
    put_list(root, "event.type", protocol, 1);
    const struct port_val *p = origin->proc;
    put_process(root, origin->comm, p->pid, p->tid, p->uid, p->gid);
    text_address(frame->family, frame->saddr, src, sizeof(src));
    text_address(frame->family, frame->daddr, dst, sizeof(dst));
    put_str(root, "network.protocol", "dns");
    put_str(root, "network.transport", transport(frame->proto));
    put_str(root, "network.type", frame->family == AF_INET6 ? "ipv6" : "ipv4");
    put_str(root, "source.ip", src);
    put_int(root, "source.port", frame->sport);
    put_str(root, "destination.ip", dst);
    put_int(root, "destination.port", frame->dport);
    put_str(root, "observer.ingress.interface.name", origin->ifname);
    if (p->ppid)
        put_int(root, "process.parent.pid", p->ppid);
    if (origin->identity)
        put_identity(root, origin->identity);
}

char *ecs_dns_message(const struct dns_origin *origin, const struct frame_info *frame,
                      const struct dns_summary *msg)
{
    struct json_tree tree;
    const char *outcome = !msg->qr                             ? "unknown"
                          : strcmp(msg->rcode, "NOERROR") == 0 ? "success"
                                                               : "failure";
    struct json_at root = new_event_at(&tree, &origin->when, "event",
                                       msg->qr ? "dns-response" : "dns-query", outcome);
    put_dns_flow(root, origin, frame);
    put_id(root, "dns.id", msg->id);
    put_str(root, "dns.type", msg->qr ? "answer" : "query");
    put_questions(root, msg);
    const char *flags[8];
    for (size_t i = 0; i < msg->flag_count; i++)
        flags[i] = msg->flags[i];
    put_list(root, "dns.header_flags", flags, msg->flag_count);
    if (msg->qr) {
        put_str(root, "dns.response_code", msg->rcode);
        put_answers(root, msg);
    }
    return finish(root);
}

char *ecs_dns_unparsed(const struct dns_origin *origin, const struct frame_info *frame,
                       const char *why, const uint8_t *msg, size_t len)
{
    struct json_tree tree;
    static const char hex[] = "0123456789abcdef";
    char shown[2 * PAYLOAD_HEX_BYTES + 1];
    size_t i = 0;
    for (; i < len && i < PAYLOAD_HEX_BYTES; i++) {
        shown[2 * i] = hex[msg[i] >> 4];
        shown[2 * i + 1] = hex[msg[i] & 15];
    }
    shown[2 * i] = '\0';
    struct json_at root = new_event_at(&tree, &origin->when, "event", "dns-unparsed", "failure");
    put_dns_flow(root, origin, frame);
    put_str(root, "error.message", why);
    put_int(root, "ebpfshield.dns.payload_bytes", (int64_t)len);
    put_str(root, "ebpfshield.dns.payload_hex", shown);
    return finish(root);
}

/* The fields a connection and a hit share. */
static void put_connection(struct json_at root, const struct conn_event *c)
{
    put_process(root, c->comm, c->pid, c->tid, c->uid, c->gid);
    put_str(root, "network.transport", transport(c->proto));
    put_str(root, "network.type", c->ipv6 ? "ipv6" : "ipv4");
    put_str(root, "network.direction", "egress");
    put_str(root, "destination.ip", c->ip);
    put_int(root, "destination.port", c->port);
}

char *ecs_connection(const struct conn_event *c)
{
    struct json_tree tree;
    struct json_at root = new_event(&tree, "event", "connection-attempted", "unknown");
    static const char *const network[] = {"network"}, *const types[] = {"connection", "start"};
    put_list(root, "event.category", network, 1);
    put_list(root, "event.type", types, 2);
    put_connection(root, c);
    return finish(root);
}

/* A domain hit's names: the queried one, its registered domain where the Public Suffix
 * List knows it, the listed one. */
/* An answer's hit: the CNAME record whose target is listed, as dns.answers' one entry. */
static void put_cname(struct json_at root, const char *target)
{
    struct json_at obj = new_element(array_at(root, "dns.answers"));
    put_str(obj, "type", "CNAME");
    put_str(obj, "data", target);
}

static void put_domain_hit(struct json_at root, const struct conn_event *c)
{
    char registered[REGISTERED_DOMAIN_MAX];
    const char *asked = c->question[0] ? c->question : c->domain;
    put_str(root, "dns.question.name", asked);
    if (registered_domain(asked, registered, sizeof(registered)))
        put_str(root, "dns.question.registered_domain", registered);
    if (c->question[0]) /* the answer's CNAME that hit */
        put_cname(root, c->domain);
    put_str(root, "threat.indicator.type", "domain-name");
    put_str(root, "threat.indicator.url.domain", c->listed[0] ? c->listed : c->domain);
}

char *ecs_hit(const struct conn_event *c, const struct hit_report *r)
{
    struct json_tree tree;
    struct json_at root = new_event(&tree, "alert", r->words->ecs_action,
                                    r->result == HIT_ACTED ? "success" : "failure");
    static const char *const categories[] = {"network", "intrusion_detection"};
    static const char *const reported[] = {"connection", "info"}, *const denied[] = {"connection",
                                                                                     "denied"};
    put_list(root, "event.category", categories, 2);
    put_list(root, "event.type", r->refused ? denied : reported, 2);
    put_connection(root, c);
    if (c->domain[0]) {
        put_domain_hit(root, c);
    } else {
        put_str(root, "threat.indicator.ip", c->ip);
        put_str(root, "threat.indicator.type", c->ipv6 ? "ipv6-addr" : "ipv4-addr");
        if (c->resolved[0])
            put_str(root, "destination.domain", c->resolved);
    }
    if (c->feed)
        put_str(root, "threat.feed.name", c->feed);
    put_str(root, "ebpfshield.block", r->block);
    if (r->dump_dir)
        put_str(root, "ebpfshield.dump_dir", r->dump_dir);
    return finish(root);
}

char *ecs_inbound(const struct inbound_event *ev)
{
    struct json_tree tree;
    static const char *const actions[3][2] = {{"inbound-detected", "inbound-dropped"},
                                              {"forward-detected", "forward-dropped"},
                                              {"outgoing-detected", "outgoing-dropped"}};
    bool toward = ev->where != INBOUND_FROM;
    struct json_at root = new_event(&tree, "alert", actions[ev->where][ev->dropped], "success");
    static const char *const categories[] = {"network", "intrusion_detection"};
    static const char *const reported[] = {"connection", "info"}, *const denied[] = {"connection",
                                                                                     "denied"};
    put_list(root, "event.category", categories, 2);
    put_list(root, "event.type", ev->dropped ? denied : reported, 2);
    put_str(root, "source.ip", toward ? ev->other : ev->ip);
    put_str(root, "destination.ip", toward ? ev->ip : ev->other);
    if (ev->proto == IPPROTO_TCP || ev->proto == IPPROTO_UDP || ev->proto == IPPROTO_ICMP ||
        ev->proto == IPPROTO_ICMPV6 || ev->proto == IPPROTO_UDPLITE) {
        put_str(root, "network.transport", transport(ev->proto));
    } else {
        char number[4];
        snprintf(number, sizeof(number), "%u", ev->proto);
        put_str(root, "network.iana_number", number);
    }
    put_str(root, "network.type", ev->other_ipv6 ? "ipv6" : "ipv4");
    put_str(root, "network.direction", toward ? "egress" : "ingress");
    put_int(root, "network.packets", (int64_t)ev->packets);
    bool leaving = ev->where == INBOUND_LEAVING;
    put_str(root, leaving ? "observer.egress.interface.name" : "observer.ingress.interface.name",
            ev->ifname);
    if (ev->vlan) {
        char id[8];
        snprintf(id, sizeof(id), "%u", ev->vlan);
        put_str(root, leaving ? "observer.egress.vlan.id" : "observer.ingress.vlan.id", id);
    }
    put_str(root, "threat.indicator.ip", ev->ip);
    put_str(root, "threat.indicator.type", ev->ipv6 ? "ipv6-addr" : "ipv4-addr");
    if (ev->feed)
        put_str(root, "threat.feed.name", ev->feed);
    if (ev->netns[0])
        put_str(root, "ebpfshield.sender_netns", ev->netns);
    put_str(root, "ebpfshield.block", ev->block);
    return finish(root);
}

/* An event (NULL: it could not be built) as one line. */
static void put_line(const struct sink *s, char *line)
{
    if (!line) {
        log_warn("an event was not reported: out of memory");
        return;
    }
    fprintf(sink_begin(s), "%s\n", line);
    sink_end(s);
    free(line);
}

static void dns_message(const struct sink *s, const struct dns_origin *origin,
                        const struct frame_info *frame, const struct dns_summary *msg)
{
    put_line(s, ecs_dns_message(origin, frame, msg));
}

static void dns_unparsed(const struct sink *s, const struct dns_origin *origin,
                         const struct frame_info *frame, const char *why, const uint8_t *msg,
                         size_t len)
{
    put_line(s, ecs_dns_unparsed(origin, frame, why, msg, len));
}

static void connection(const struct sink *s, const struct conn_event *c)
{
    put_line(s, ecs_connection(c));
}

static void hit(const struct sink *s, const struct conn_event *c, const struct hit_report *r)
{
    put_line(s, ecs_hit(c, r));
}

static void inbound(const struct sink *s, const struct inbound_event *ev)
{
    put_line(s, ecs_inbound(ev));
}

const struct output_format json_format = {
    .name = "json",
    .help = "json (one object per\n" /* --help indents the lines that follow */
            "line, Elastic Common Schema field names)",
    .per_message = true,
    .structured = true,
    .dns_message = dns_message,
    .dns_unparsed = dns_unparsed,
    .connection = connection,
    .hit = hit,
    .inbound = inbound,
};
