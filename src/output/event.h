/* The events ebpfshield-bcc reports, as every output format receives them. */
#ifndef EBPFSHIELD_EVENT_H
#define EBPFSHIELD_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net/if.h>
#include <netinet/in.h>
#include <time.h>

#include "common/ebpfshield_events.h"
#include "dns/dns_decode.h"
#include "base/container_id.h"
#include "dns/frame.h"

/* Process and device of a DNS packet, resolved by the caller. */
/* Who a DNS packet's process is beyond its ids: looked up only for the formats that show
 * it (JSON, or text with --context). */
#define IDENTITY_CGROUP_MAX 512
struct dns_identity {
    uint64_t netns;                   /* the network namespace's cookie (SO_NETNS_COOKIE) */
    char exe[EBPFSHIELD_EXE_LEN];     /* the executable ("": unknown) */
    char cgroup[IDENTITY_CGROUP_MAX]; /* the socket's cgroup v2 path ("": unknown) */
    struct container_ref container;   /* runtime NULL: not a container's cgroup */
};

struct dns_origin {
    const struct port_val *proc;
    const char *comm;                    /* process name, printable */
    const char *ifname;                  /* device name, or its index in decimal */
    uint64_t netns;                      /* the network namespace's cookie; 0: the tool's own */
    const struct dns_identity *identity; /* NULL: not looked up */
    struct timespec when; /* when the kernel saw the packet (wall clock); zero: now */
};

/* A connection seen by ebpf_ipintelligence, as reported. */
struct conn_event {
    char comm[EBPFSHIELD_TASK_COMM_LEN + 1]; /* printable */
    char ip[INET6_ADDRSTRLEN];               /* an IPv4-mapped destination as IPv4 */
    const char *feed;                        /* a hit's feed file name (the registry's) */
    uint32_t pid, tid, uid, gid;
    uint16_t port;
    uint8_t proto; /* IPPROTO_TCP, IPPROTO_UDP (or UDP-Lite, ICMP, ICMPv6: the guard) */
    bool ipv6;     /* the destination is not IPv4 (nor IPv4-mapped) */
    /* A domain hit: the name the process asked for (lower case, dotted), the destination
     * being its DNS server; "" for an address hit. */
    char domain[4 * 255 + 1]; /* bytes outside LDH and '_' as \DDD */
    char listed[256];         /* a domain hit: the listed name it is or lies under */
    /* A domain hit in an answer (domain is a CNAME's target): the name the process asked
     * for; "" for a query's hit. */
    char question[4 * 255 + 1];
    /* An address hit: the name the process had resolved to that address (an A or AAAA
     * answer it received, within its TTL); "" when none is known. */
    char resolved[4 * 255 + 1];
};

/* Where an interface-level hit's packets were seen. */
enum inbound_where {
    INBOUND_FROM,      /* arriving from the listed address (ip is their source) */
    INBOUND_FORWARDED, /* arriving, routed on toward it (ip is their destination) */
    INBOUND_LEAVING,   /* leaving the interface toward it, whatever made them */
};

/* An interface-level hit (--inbound): packets from or toward a feed address at an
 * interface, said for an address's first one, then at most once a minute while they go on. */
struct inbound_event {
    char ip[INET6_ADDRSTRLEN];    /* the listed address (one carrying an IPv4 host: that host) */
    char other[INET6_ADDRSTRLEN]; /* the packet's other end (toward it: its sender) */
    char ifname[IF_NAMESIZE];     /* the interface; "if<index>" for one gone since */
    char netns[80];               /* forwarded: the sender's namespace (peer_netns.h), or "" */
    const char *feed;             /* the feed file's name (the registry's) */
    unsigned long long packets;   /* the listed address's on that interface so far */
    uint16_t vlan;                /* the outermost VLAN id, 0: none */
    uint8_t proto;                /* the IP protocol */
    bool ipv6;                    /* ip is IPv6 */
    bool other_ipv6;              /* other is IPv6 */
    enum inbound_where where;
    bool dropped;      /* the packets were dropped (a refusing --block) */
    const char *block; /* the --block action's name */
};

/* What came of a feed hit's action. */
enum hit_result {
    HIT_ACTED,   /* done as asked (with --block dump: the core was taken) */
    HIT_EXITED,  /* the process exited before the action could reach it */
    HIT_NO_CORE, /* --block dump: killed without a core */
};

#define OUTPUT_TIME_MAX 64

/* The time when (NULL or zero: now) in ISO 8601: UTC with microseconds
 * ("2026-11-22T02:36:35.123456Z", JSON's @timestamp), or local with milliseconds and the
 * offset ("2026-11-22T03:36:35.123+01:00", what -t prefixes). */
void output_time(char *buf, size_t len, bool utc, const struct timespec *when);

/* How a --block action reads in a hit's event (guard/block_actions.c has one per action). */
struct hit_words {
    const char *verb; /* the text line: "Client:<comm> (pid:<pid>) <verb>[ <dump dir>/] ..." */
    const char *verb_domain; /* the same for a domain hit; NULL: verb */
    bool verb_space;         /* that line ends with the original's space before the newline */
    const char *ecs_action;  /* event.action of a hit acted on */
};

/* A feed hit as reported (guard/block_actions.h builds it from --block's action). */
struct hit_report {
    const char *block; /* --block's action, as it was given */
    bool refused;      /* the kernel refused the connection */
    /* What was done: the action's, kill's for a dump without a core. */
    const struct hit_words *words;
    enum hit_result result;
    const char *dump_dir; /* where the core went (--block dump, HIT_ACTED), else NULL */
};

#endif
