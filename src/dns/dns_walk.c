#include "dns/dns_walk.h"

#include <stdbool.h>
#include <string.h>

#include <ldns/ldns.h>

#define POSITIONS 65536    /* a DNS message is at most 65,535 bytes (TCP's length) */
#define NAME_WIRE_MAX 254  /* ldns: label bytes and their lengths, the root byte apart */
#define NAME_PARTS_MAX 256 /* labels and pointers of a name within both bounds, and more */
#define IN_PROGRESS 0xff   /* hops of a position whose name is being measured */

/* What the walk learned of the name that starts at each position of the message whose
 * stamp it bears: each byte is read once per message, whatever names share it. */
struct name_memo {
    uint32_t stamp;
    uint32_t seen[POSITIONS]; /* == stamp: known (or being measured) for this message */
    uint8_t hops[POSITIONS];  /* pointers from the position to the name's end */
    uint8_t wire[POSITIONS];  /* label bytes from it to the name's end */
    uint16_t end[POSITIONS];  /* the byte after the name as written there */
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

static bool known(size_t q)
{
    return memo.seen[q] == memo.stamp;
}

/* The position the name at q goes on from (its next label, or a pointer's target) in
 * *dep, checked as ldns_wire2dname checks it; 0 when it ends at q (root byte). */
static bool step(struct walk *w, size_t q, size_t *dep)
{
    if (q >= w->len)
        return fail(w, "a name runs past the message");
    uint8_t b = w->msg[q];
    if (b == 0) {
        *dep = 0;
        return true;
    }
    if (b >= 192) {
        if (q + 2 > w->len)
            return fail(w, "a name runs past the message");
        *dep = (size_t)(b & 63) << 8 | w->msg[q + 1];
        if (*dep == 0 || *dep >= w->len)
            return fail(w, "a compression pointer points outside the message");
        return true;
    }
    if (b > 63)
        return fail(w, "a label is longer than 63 bytes");
    *dep = q + 1u + b;
    if (*dep >= w->len)
        return fail(w, "a name runs past the message");
    return true;
}

/* The memo of q from that of dep, its continuation (dep 0: q ends the name). */
static bool resolve(struct walk *w, size_t q, size_t dep)
{
    uint8_t b = w->msg[q];
    unsigned hops = 0, wire = 0;
    size_t end = q + 1;
    if (b >= 192) {
        hops = memo.hops[dep] + 1u;
        wire = memo.wire[dep];
        end = q + 2;
    } else if (b != 0) {
        hops = memo.hops[dep];
        wire = memo.wire[dep] + 1u + b;
        end = memo.end[dep];
    }
    if (hops > DNS_WALK_HOPS_MAX)
        return fail(w, "a name follows more than 127 compression pointers");
    if (wire > NAME_WIRE_MAX)
        return fail(w, "a name is longer than 255 bytes");
    memo.hops[q] = (uint8_t)hops;
    memo.wire[q] = (uint8_t)wire;
    memo.end[q] = (uint16_t)end;
    return true;
}

/* The name at p, checked as ldns_wire2dname would read it, with at most DNS_WALK_HOPS_MAX
 * pointers; *next is the byte after it where it is written. Each position met is
 * measured once per message and remembered (a loop is met while being measured). */
static bool name_check(struct walk *w, size_t p, size_t *next)
{
    size_t stack[NAME_PARTS_MAX], deps[NAME_PARTS_MAX];
    unsigned depth = 0;
    size_t q = p;
    if (q >= w->len)
        return fail(w, "a name runs past the message");
    while (!known(q)) {
        if (depth == NAME_PARTS_MAX)
            return fail(w, "a name follows more than 127 compression pointers or is longer "
                           "than 255 bytes");
        memo.seen[q] = memo.stamp;
        memo.hops[q] = IN_PROGRESS;
        if (!step(w, q, &deps[depth]))
            return false;
        stack[depth] = q;
        q = deps[depth++];
        if (q == 0)
            break;
    }
    if (q != 0 && memo.hops[q] == IN_PROGRESS)
        return fail(w, "a compression pointer loop");
    while (depth-- > 0)
        if (!resolve(w, stack[depth], deps[depth]))
            return false;
    *next = memo.end[p];
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

/* The byte after the name written at p of a walked message (pointers not followed). */
static size_t skip_name(const uint8_t *msg, size_t p)
{
    while (msg[p] != 0 && msg[p] < 192)
        p += 1u + msg[p];
    return p + (msg[p] ? 2 : 1);
}

/* The rdata fields of a record of type at [pos, end), walked as ldns_wire2rdf walks them
 * (its uint8_t field index included): every name field ldns decompresses is checked
 * (check), or skipped as written in a message already walked; their number in *count. */
static bool rdata_fields(struct walk *w, uint16_t type, size_t pos, size_t end, bool check,
                         size_t *count)
{
    const ldns_rr_descriptor *d = ldns_rr_descript(type);
    size_t fields = ldns_rr_descriptor_maximum(d);
    *count = 0;
    for (uint8_t i = 0; pos < end && i < fields; i++, ++*count) {
        ldns_rdf_type t = ldns_rr_descriptor_field_type(d, i);
        if (t == LDNS_RDF_TYPE_DNAME) {
            if (!check)
                pos = skip_name(w->msg, pos);
            else if (!name_check(w, pos, &pos))
                return false;
            continue;
        }
        long size = field_size(t, w->msg, pos, end);
        if (size < 0 || pos + (size_t)size > end)
            return fail(w, "an rdata field runs past its record");
        if (size == 0) /* a field ldns makes nothing of (none in 1.8.3): the rest unread */
            break;
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
    size_t fields;
    return rdata_fields(w, type, p, p + rdlength, true, &fields);
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
    if (len < LDNS_HEADER_SIZE || len >= POSITIONS) {
        if (why)
            *why = len < LDNS_HEADER_SIZE ? "shorter than a DNS header"
                                          : "longer than a DNS message can be";
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
    size_t p = skip_name(msg, at);
    memset(out, 0, sizeof(*out));
    out->at = at;
    out->type = read16(msg + p);
    out->rclass = read16(msg + p + 2);
    if (section == DNS_QUESTIONS) {
        out->next = p + 4;
        return;
    }
    out->ttl = (uint32_t)read16(msg + p + 4) << 16 | read16(msg + p + 6);
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

size_t dns_rdata_fields(const uint8_t *msg, const struct dns_record_ref *rec)
{
    struct walk w = {.msg = msg, .len = rec->rdata + rec->rdlength};
    size_t n;
    rdata_fields(&w, rec->type, rec->rdata, w.len, false, &n);
    return n;
}
