#include "output.h"

#include <arpa/inet.h>
#include <netinet/in.h>

static const char *proto_name(uint8_t proto)
{
    return proto == IPPROTO_TCP ? "TCP" : "UDP";
}

void output_dns_line(FILE *out, const struct dns_origin *origin, const struct frame_info *frame,
                     const struct dns_item *item)
{
    char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
    const struct port_val *p = origin->proc;

    inet_ntop(frame->family, frame->saddr, src, sizeof(src));
    inet_ntop(frame->family, frame->daddr, dst, sizeof(dst));
    /* TGID= is the original's key; like the original, it carries the thread id. */
    fprintf(out,
            "COMM=%s PID=%u TGID=%u DEV=%s PROTO=%s SRC=%s DST=%s SPT=%u DPT=%u UID=%u GID=%u "
            "DNS_QR=%d DNS_NAME=%s DNS_TYPE=%s",
            origin->comm, p->pid, p->tid, origin->ifname, proto_name(frame->proto), src, dst,
            frame->sport, frame->dport, p->uid, p->gid, item->qr, item->name, item->type);
    if (item->qr)
        fprintf(out, " DNS_DATA=%s", item->data);
    fputc('\n', out);
}

void output_verbose_line(FILE *out, const char *comm, uint32_t pid, const char *ip, uint16_t port)
{
    fprintf(out, "\t%s (%u) %s:%u\n", comm, pid, ip, port);
}

void output_block_line(FILE *out, enum block_action block, const char *comm, uint32_t pid,
                       const char *ip, const char *dump_dir)
{
    switch (block) {
    case BLOCK_PRINT:
        fprintf(out, "Client:%s (pid:%u) touched a bad IP (ip-blacklist:%s)\n", comm, pid, ip);
        break;
    case BLOCK_DUMP:
        fprintf(out, "Client:%s (pid:%u) eBPFShield took a dump in %s/ (ip-blacklist:%s)\n", comm,
                pid, dump_dir, ip);
        break;
    case BLOCK_SUSPEND: /* the original's lines end with a space here and below */
        fprintf(out, "Client:%s (pid:%u) was suspended (ip-blacklist:%s) \n", comm, pid, ip);
        break;
    case BLOCK_KILL:
        fprintf(out, "Client:%s (pid:%u) was killed by eBPFShield (ip-blacklist:%s) \n", comm, pid,
                ip);
        break;
    case BLOCK_DENY: /* not in the original: worded like its other lines */
        fprintf(out, "Client:%s (pid:%u) was denied by eBPFShield (ip-blacklist:%s) \n", comm, pid,
                ip);
        break;
    }
}

void output_exited_line(FILE *out, const char *comm, uint32_t pid, const char *ip)
{
    fprintf(out, "Client:%s (pid:%u) exited before eBPFShield could act (ip-blacklist:%s) \n", comm,
            pid, ip);
}
