#include "dns/dns_walk.h"

#include <stdbool.h>
#include <string.h>

#include <ldns/ldns.h>

#define POINTER_TARGETS 16384 /* a pointer's 14 bits */
#define NAME_WIRE_MAX 254     /* ldns: label bytes and their lengths, the root byte apart */
#define IN_PROGRESS 0xff      /* hops of a target whose name is being measured */

/* What the walk learned about the name at each pointer target, for the message whose
 * stamp it bears: each chain is walked once per message. */
struct name_memo {
    uint32_t stamp;
    uint32_t seen[POINTER_TARGETS]; /* == stamp: known for this message */
    uint8_t hops[POINTER_TARGETS];  /* pointers from the target to the name's end */
    uint8_t wire[POINTER_TARGETS];  /* label bytes from the target to the name's end */
};

static struct name_memo memo; /* one walk at a time: see dns_walk.h */

struct walk {
    const uint8_t *msg;
    size_t len;
    const char *why;
};

static bool fail(struct walk *w, const char *why)
{
    w->why = why;
    return false;
}

static uint16_t read16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The labels from p up to the name's root byte or first pointer, checked as
 * ldns_wire2dname checks them: their wire bytes in *wire, the pointer's target in *target
 * (0 when the name ends here), the byte after the name in *next. */
static bool label_run(struct walk *w, size_t p, unsigned *wire, size_t *target, size_t *next)
{
    unsigned n = 0;
    for (;;) {
        if (p >= w->len)
            return fail(w, "a name runs past the message");
        uint8_t b = w->msg[p];
        if (b == 0) {
            *target = 0;
            *next = p + 1;
            break;
        }
        if (b >= 192) {
            if (p + 2 > w->len)
                return fail(w, "a name runs past the message");
            size_t t = (size_t)(b & 63) << 8 | w->msg[p + 1];
            if (t == 0 || t >= w->len)
                return fail(w, "a compression pointer points outside the message");
            *target = t;
            *next = p + 2;
            break;
        }
        if (b > 63)
            return fail(w, "a label is longer than 63 bytes");
        if (p + 1 + b > w->len)
            return fail(w, "a name runs past the message");
        n += 1u + b;
        if (n > NAME_WIRE_MAX)
            return fail(w, "a name is longer than 255 bytes");
        p += 1u + b;
    }
    *wire = n;
    return true;
}

/* Fills the memo for the targets of stack[0..depth), each the next one's referrer; the
 * deepest ends its name, or points at a target known to be (tail_hops, tail_wire) away
 * from its end (tail_hops 0: it ends its name). */
static bool remember(struct walk *w, const size_t *stack, const unsigned *runs, unsigned depth,
                     unsigned tail_hops, unsigned tail_wire)
{
    unsigned hops = tail_hops, wire = tail_wire;
    for (unsigned i = depth; i-- > 0;) {
        wire += runs[i];
        if (wire > NAME_WIRE_MAX)
            return fail(w, "a name is longer than 255 bytes");
        if (hops > DNS_WALK_HOPS_MAX)
            return fail(w, "a name follows more than 127 compression pointers");
        memo.hops[stack[i]] = (uint8_t)hops;
        memo.wire[stack[i]] = (uint8_t)wire;
        hops++;
    }
    return true;
}

/* The name at p, checked as ldns_wire2dname would read it, with at most DNS_WALK_HOPS_MAX
 * pointers; *next is the byte after it where it is written. */
static bool name_check(struct walk *w, size_t p, size_t *next)
{
    size_t target, stack[DNS_WALK_HOPS_MAX];
    unsigned run, runs[DNS_WALK_HOPS_MAX], depth = 0, tail_hops = 0, tail_wire = 0;
    if (!label_run(w, p, &run, &target, next))
        return false;
    while (target) {
        if (memo.seen[target] == memo.stamp) {
            if (memo.hops[target] == IN_PROGRESS)
                return fail(w, "a compression pointer loop");
            tail_hops = memo.hops[target] + 1u;
            tail_wire = memo.wire[target];
            break;
        }
        if (depth == DNS_WALK_HOPS_MAX)
            return fail(w, "a name follows more than 127 compression pointers");
        memo.seen[target] = memo.stamp;
        memo.hops[target] = IN_PROGRESS;
        stack[depth] = target;
        size_t after;
        if (!label_run(w, target, &runs[depth], &target, &after))
            return false;
        depth++;
    }
    if (!remember(w, stack, runs, depth, tail_hops, tail_wire))
        return false;
    unsigned hops = depth ? 1u + memo.hops[stack[0]] : tail_hops;
    unsigned wire = run + (depth ? memo.wire[stack[0]] : tail_wire);
    if (hops > DNS_WALK_HOPS_MAX)
        return fail(w, "a name follows more than 127 compression pointers");
    if (wire > NAME_WIRE_MAX)
        return fail(w, "a name is longer than 255 bytes");
    return true;
}

/* Bytes of an rdata field of type t at pos (before end), as ldns_wire2rdf sizes it
 * (ldns 1.8.3); 0 for a field ldns makes nothing of. -1 when it runs past end. */
static long field_size(ldns_rdf_type t, const uint8_t *msg, size_t pos, size_t end)
{
    switch (t) {
    case LDNS_RDF_TYPE_CLASS:
    case LDNS_RDF_TYPE_ALG:
    case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
    case LDNS_RDF_TYPE_SELECTOR:
    case LDNS_RDF_TYPE_MATCHING_TYPE:
    case LDNS_RDF_TYPE_INT8:
        return 1;
    case LDNS_RDF_TYPE_TYPE:
    case LDNS_RDF_TYPE_INT16:
    case LDNS_RDF_TYPE_CERT_ALG:
        return 2;
    case LDNS_RDF_TYPE_TIME:
    case LDNS_RDF_TYPE_INT32:
    case LDNS_RDF_TYPE_A:
    case LDNS_RDF_TYPE_PERIOD:
        return 4;
    case LDNS_RDF_TYPE_TSIGTIME:
    case LDNS_RDF_TYPE_EUI48:
        return 6;
    case LDNS_RDF_TYPE_ILNP64:
    case LDNS_RDF_TYPE_EUI64:
        return 8;
    case LDNS_RDF_TYPE_AAAA:
        return 16;
    case LDNS_RDF_TYPE_STR:
    case LDNS_RDF_TYPE_NSEC3_SALT:
    case LDNS_RDF_TYPE_TAG:
    case LDNS_RDF_TYPE_B32_EXT:
    case LDNS_RDF_TYPE_NSEC3_NEXT_OWNER:
        return (long)msg[pos] + 1;
    case LDNS_RDF_TYPE_INT16_DATA:
        return pos + 2 > end ? -1 : (long)read16(msg + pos) + 2;
    case LDNS_RDF_TYPE_HIP:
        return pos + 4 > end ? -1 : (long)msg[pos] + read16(msg + pos + 2) + 4;
    case LDNS_RDF_TYPE_APL:
    case LDNS_RDF_TYPE_B64:
    case LDNS_RDF_TYPE_HEX:
    case LDNS_RDF_TYPE_NSEC:
    case LDNS_RDF_TYPE_UNKNOWN:
    case LDNS_RDF_TYPE_SERVICE:
    case LDNS_RDF_TYPE_LOC:
    case LDNS_RDF_TYPE_WKS:
    case LDNS_RDF_TYPE_NSAP:
    case LDNS_RDF_TYPE_ATMA:
    case LDNS_RDF_TYPE_IPSECKEY:
    case LDNS_RDF_TYPE_LONG_STR:
    case LDNS_RDF_TYPE_AMTRELAY:
    case LDNS_RDF_TYPE_SVCPARAMS:
    case LDNS_RDF_TYPE_NONE:
        return (long)(end - pos);
    default:
        return 0;
    }
}

/* The rdata fields of a record of type at [pos, end), walked as ldns_wire2rdf walks them
 * (its uint8_t field index included), so that every name field ldns decompresses is
 * checked. */
static bool rdata_check(struct walk *w, uint16_t type, size_t pos, size_t end)
{
    const ldns_rr_descriptor *d = ldns_rr_descript(type);
    size_t fields = ldns_rr_descriptor_maximum(d);
    for (uint8_t i = 0; pos < end && i < fields; i++) {
        ldns_rdf_type t = ldns_rr_descriptor_field_type(d, i);
        if (t == LDNS_RDF_TYPE_DNAME) {
            if (!name_check(w, pos, &pos))
                return false;
            continue;
        }
        long size = field_size(t, w->msg, pos, end);
        if (size < 0 || pos + (size_t)size > end)
            return fail(w, "an rdata field runs past its record");
        pos += (size_t)size;
    }
    return true;
}

static bool record_check(struct walk *w, size_t *pos, enum dns_section_index section)
{
    size_t p;
    if (!name_check(w, *pos, &p))
        return false;
    size_t fixed = section == DNS_QUESTIONS ? 4 : 10;
    if (p + fixed > w->len)
        return fail(w, "a record runs past the message");
    uint16_t type = read16(w->msg + p);
    if (section == DNS_QUESTIONS) {
        *pos = p + 4;
        return true;
    }
    size_t rdlength = read16(w->msg + p + 8);
    p += fixed;
    if (p + rdlength > w->len)
        return fail(w, "a record runs past the message");
    *pos = p + rdlength;
    return rdata_check(w, type, p, p + rdlength);
}

static void new_stamp(void)
{
    if (++memo.stamp == 0) { /* wrapped: forget every stamp */
        memset(memo.seen, 0, sizeof(memo.seen));
        memo.stamp = 1;
    }
}

int dns_walk(const uint8_t *msg, size_t len, struct dns_layout *out, const char **why)
{
    struct walk w = {.msg = msg, .len = len};
    if (len < LDNS_HEADER_SIZE) {
        if (why)
            *why = "shorter than a DNS header";
        return -1;
    }
    new_stamp();
    const unsigned counts[] = {LDNS_QDCOUNT(msg), LDNS_ANCOUNT(msg), LDNS_NSCOUNT(msg),
                               LDNS_ARCOUNT(msg)};
    size_t pos = LDNS_HEADER_SIZE;
    for (int s = DNS_QUESTIONS; s <= DNS_ADDITIONAL; s++) {
        out->count[s] = counts[s];
        out->section_at[s] = pos;
        for (unsigned i = 0; i < counts[s]; i++)
            if (!record_check(&w, &pos, (enum dns_section_index)s)) {
                if (why)
                    *why = w.why;
                return -1;
            }
    }
    return 0;
}

void dns_record_read(const uint8_t *msg, size_t at, enum dns_section_index section,
                     struct dns_record_ref *out)
{
    size_t p = at;
    while (msg[p] != 0 && msg[p] < 192)
        p += 1u + msg[p];
    p += msg[p] ? 2 : 1;
    memset(out, 0, sizeof(*out));
    out->at = at;
    out->type = read16(msg + p);
    out->rclass = read16(msg + p + 2);
    if (section == DNS_QUESTIONS) {
        out->next = p + 4;
        return;
    }
    out->rdlength = read16(msg + p + 8);
    out->rdata = p + 10;
    out->next = out->rdata + out->rdlength;
}

int dns_first_question_type(const uint8_t *msg, size_t len)
{
    if (len < LDNS_HEADER_SIZE || LDNS_QDCOUNT(msg) == 0)
        return -1;
    size_t p = LDNS_HEADER_SIZE;
    while (p < len && msg[p] != 0 && msg[p] < 192)
        p += 1u + msg[p];
    if (p >= len)
        return -1;
    p += msg[p] ? 2 : 1;
    return p + 2 <= len ? read16(msg + p) : -1;
}
