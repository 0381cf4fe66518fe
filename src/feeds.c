/* Threat feeds: parsing of the *.txt files and their merge into disjoint labelled intervals. */
#include "feeds.h"

#include "log.h"
#include "text.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define NO_FEED UINT32_MAX
#define SHOWN_MAX 48 /* bytes of a rejected token echoed in a warning */

/* An inclusive address range and the index of the feed it comes from. */
struct range {
    uint32_t start;
    uint32_t end;
    uint32_t feed;
};

struct range_vec {
    struct range *v;
    size_t n;
    size_t cap;
};

struct net6_vec {
    struct feed_net6 *v;
    size_t n;
    size_t cap;
};

/* What the files hold, before the IPv4 ranges are merged. */
struct entries {
    struct range_vec v4;
    struct net6_vec v6;
};

struct feed_set {
    char **names; /* basenames, in load order; a range's feed indexes this */
    size_t nfiles;
    struct range *iv; /* sorted, disjoint */
    size_t niv;
    struct feed_net6 *v6; /* in load order, possibly overlapping */
    size_t nv6;
};

/* A boundary of the sweep: a range of feed opens at pos, or closed just before it. */
struct event {
    uint64_t pos;
    uint32_t feed;
    bool open;
};

/* Makes room for one more element of size in *v (n used of *cap); -1 when out of memory. */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? 2 * *cap : 256;
    void *nv = reallocarray(*v, ncap, size);

    if (!nv)
        return -1;
    *v = nv;
    *cap = ncap;
    return 0;
}

static int push_range(struct range_vec *vec, struct range r)
{
    if (grow((void **)&vec->v, vec->n, &vec->cap, sizeof(*vec->v)) < 0)
        return -1;
    vec->v[vec->n++] = r;
    return 0;
}

static int push_net6(struct net6_vec *vec, const struct feed_net6 *n)
{
    if (grow((void **)&vec->v, vec->n, &vec->cap, sizeof(*vec->v)) < 0)
        return -1;
    vec->v[vec->n++] = *n;
    return 0;
}

/* Feed data comes from the network: never echo control bytes or a huge line to a terminal. */
static void show_token(const char *tok, char out[static SHOWN_MAX + 4])
{
    size_t n = text_printable(out, SHOWN_MAX + 1, tok, SHOWN_MAX);

    strcpy(out + n, tok[n] ? "..." : "");
}

/* Drops the comment, the line ending and surrounding blanks; returns "" for nothing left. */
static char *trim_line(char *line)
{
    char *end;

    line[strcspn(line, "#")] = '\0';
    line += strspn(line, " \t");
    end = line + strlen(line);
    while (end > line && strchr(" \t\r\n", end[-1]))
        end--;
    *end = '\0';
    return line;
}

/* Decimal 0..max without sign or leading zero. */
static bool parse_prefix(const char *s, unsigned max, unsigned *len)
{
    unsigned v = 0;

    if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned)(*s - '0');
        if (v > max)
            return false;
    }
    *len = v;
    return true;
}

/* Parses "a.b.c.d" or "a.b.c.d/n" into r; returns NULL or the reason it is rejected. */
static const char *parse_entry(const char *tok, struct range *r, bool *host_bits)
{
    char addr[INET_ADDRSTRLEN];
    const char *slash = strchr(tok, '/');
    size_t alen = slash ? (size_t)(slash - tok) : strlen(tok);
    unsigned plen = 32;
    struct in_addr in;
    uint32_t a, mask;

    if (alen >= sizeof(addr))
        return "not an IPv4 address";
    memcpy(addr, tok, alen);
    addr[alen] = '\0';
    if (inet_pton(AF_INET, addr, &in) != 1)
        return "not an IPv4 address";
    if (slash && !parse_prefix(slash + 1, 32, &plen))
        return "invalid prefix length (want 0-32)";
    mask = plen ? UINT32_MAX << (32 - plen) : 0; /* a shift by 32 is undefined */
    a = ntohl(in.s_addr);
    *host_bits = (a & ~mask) != 0;
    r->start = a & mask;
    r->end = r->start | ~mask;
    return NULL;
}

/* Parses "x:y::z" or "x:y::z/n" into n; returns NULL or the reason it is rejected. */
static const char *parse_entry6(const char *tok, struct feed_net6 *n, bool *host_bits)
{
    char addr[INET6_ADDRSTRLEN];
    const char *slash = strchr(tok, '/');
    size_t alen = slash ? (size_t)(slash - tok) : strlen(tok);
    unsigned plen = 128;

    if (alen >= sizeof(addr))
        return "not an IPv6 address";
    memcpy(addr, tok, alen);
    addr[alen] = '\0';
    if (inet_pton(AF_INET6, addr, n->addr) != 1)
        return "not an IPv6 address";
    if (slash && !parse_prefix(slash + 1, 128, &plen))
        return "invalid prefix length (want 0-128)";
    n->prefix_len = (uint8_t)plen;
    *host_bits = false;
    for (unsigned bit = plen; bit < 128; bit++) {
        uint8_t m = (uint8_t)(0x80u >> (bit % 8));
        *host_bits |= (n->addr[bit / 8] & m) != 0;
        n->addr[bit / 8] &= (uint8_t)~m;
    }
    return NULL;
}

/* An IPv4-mapped network (::ffff:a.b.c.d/96+) as the IPv4 range it stands for: the
 * kernel checks mapped destinations against the IPv4 entries. */
static struct range mapped_range(const struct feed_net6 *n)
{
    uint32_t a = (uint32_t)n->addr[12] << 24 | (uint32_t)n->addr[13] << 16 |
                 (uint32_t)n->addr[14] << 8 | n->addr[15];
    unsigned plen = n->prefix_len - 96u;
    uint32_t mask = plen ? UINT32_MAX << (32 - plen) : 0;

    return (struct range){a & mask, (a & mask) | ~mask, n->feed};
}

/* An IPv6 line: one warning when it is rejected or had host bits; -1 when out of memory. */
static int add_net6(const char *path, unsigned long lineno, const char *tok, const char *shown,
                    uint32_t feed, struct entries *ent)
{
    struct feed_net6 n = {.feed = feed};
    bool host_bits;
    const char *reason = parse_entry6(tok, &n, &host_bits);

    if (reason) {
        warn("%s:%lu: %s: \"%s\"", path, lineno, reason, shown);
        return 0;
    }
    if (host_bits) {
        char net[INET6_ADDRSTRLEN];

        inet_ntop(AF_INET6, n.addr, net, sizeof(net));
        warn("%s:%lu: host bits set, using network %s: \"%s\"", path, lineno, net, shown);
    }
    if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)n.addr) && n.prefix_len >= 96)
        return push_range(&ent->v4, mapped_range(&n));
    return push_net6(&ent->v6, &n);
}

/* Parses one line read by getline; returns -1 only when out of memory. */
static int add_line(const char *path, unsigned long lineno, char *line, size_t len, uint32_t feed,
                    struct entries *ent)
{
    char shown[SHOWN_MAX + 4];
    struct range r = {.feed = feed};
    const char *reason, *tok;
    bool host_bits = false;

    if (strlen(line) != len) {
        warn("%s:%lu: NUL byte in line", path, lineno);
        return 0;
    }
    tok = trim_line(line);
    if (*tok == '\0')
        return 0;
    show_token(tok, shown);
    if (strchr(tok, ':'))
        return add_net6(path, lineno, tok, shown, feed, ent);
    reason = parse_entry(tok, &r, &host_bits);
    if (reason) {
        warn("%s:%lu: %s: \"%s\"", path, lineno, reason, shown);
        return 0;
    }
    if (host_bits) {
        struct in_addr in = {.s_addr = htonl(r.start)};
        char net[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &in, net, sizeof(net));
        warn("%s:%lu: host bits set, using network %s: \"%s\"", path, lineno, net, shown);
    }
    return push_range(&ent->v4, r);
}

/* Opens regular files only: a FIFO would block the load and a device might never end. */
static FILE *open_feed(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    const char *reason = NULL;
    struct stat st;
    FILE *f = NULL;

    if (fd < 0 || fstat(fd, &st) != 0)
        reason = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        reason = strerror(EISDIR);
    else if (!S_ISREG(st.st_mode))
        reason = "not a regular file";
    else if (!(f = fdopen(fd, "r")))
        reason = strerror(errno);
    if (reason) {
        warn("feeds: cannot read %s: %s", path, reason);
        if (fd >= 0)
            close(fd);
    }
    return f;
}

/* Appends the entries of one file to ent; on a read error they are all dropped. */
static int load_file(const char *path, uint32_t feed, struct entries *ent)
{
    size_t mark4 = ent->v4.n, mark6 = ent->v6.n, cap = 0;
    unsigned long lineno = 0;
    char *line = NULL;
    ssize_t len;
    int err;
    FILE *f = open_feed(path);

    if (!f)
        return -1;
    while ((len = getline(&line, &cap, f)) >= 0 &&
           add_line(path, ++lineno, line, (size_t)len, feed, ent) == 0)
        ;
    /* Stopping before EOF means getline failed (e.g. EISDIR) or memory ran out. */
    err = feof(f) ? 0 : (errno ? errno : EIO);
    free(line);
    fclose(f);
    if (err) {
        warn("feeds: cannot read %s: %s", path, strerror(err));
        ent->v4.n = mark4;
        ent->v6.n = mark6;
        return -1;
    }
    return 0;
}

/* Like the shell glob *.txt: hidden files (and mktemp files of update-feeds.sh) are skipped. */
static bool is_feed_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Collects the sorted feed file names of dir into *names; returns their count or -1. */
static ssize_t list_feeds(const char *dir, char ***names, struct error *e)
{
    DIR *d = opendir(dir);
    size_t n = 0, cap = 0;
    struct dirent *de;
    char **v = NULL;

    if (!d)
        return error_set(e, "feeds: cannot open %s: %s", dir, strerror(errno));
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        if (!is_feed_name(de->d_name))
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            char **nv = reallocarray(v, ncap, sizeof(*nv));

            if (!nv)
                break;
            v = nv;
            cap = ncap;
        }
        if (!(v[n] = strdup(de->d_name)))
            break;
        n++;
    }
    if (errno) {
        error_set(e, "feeds: cannot read %s: %s", dir, strerror(errno));
        closedir(d);
        free_names(v, n);
        return -1;
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof(*v), cmp_names);
    *names = v;
    return (ssize_t)n;
}

static int cmp_events(const void *a, const void *b)
{
    const struct event *x = a, *y = b;

    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The feed files are few, so a linear scan of their counts is cheap. */
static uint32_t lowest_active(const size_t *active, size_t nfiles)
{
    for (size_t i = 0; i < nfiles; i++)
        if (active[i])
            return (uint32_t)i;
    return NO_FEED;
}

/* Appends [start, end] labelled feed, extending the last interval when it continues it. */
static void emit(struct feed_set *set, uint64_t start, uint64_t end, uint32_t feed)
{
    struct range *last = set->niv ? &set->iv[set->niv - 1] : NULL;

    if (last && last->feed == feed && (uint64_t)last->end + 1 == start) {
        last->end = (uint32_t)end;
        return;
    }
    set->iv[set->niv++] = (struct range){(uint32_t)start, (uint32_t)end, feed};
}

/* Sweeps the sorted boundaries: each elementary segment between two of them gets the
 * lowest feed index covering it. */
static void sweep(struct feed_set *set, const struct event *ev, size_t nev, size_t *active)
{
    size_t i = 0;

    while (i < nev) {
        uint64_t pos = ev[i].pos;
        uint32_t feed;

        for (; i < nev && ev[i].pos == pos; i++) {
            if (ev[i].open)
                active[ev[i].feed]++;
            else
                active[ev[i].feed]--;
        }
        if (i == nev)
            break;
        feed = lowest_active(active, set->nfiles);
        if (feed != NO_FEED)
            emit(set, pos, ev[i].pos - 1, feed);
    }
}

/* Builds set->iv from the raw, possibly overlapping ranges. */
static int merge(struct feed_set *set, const struct range *r, size_t n)
{
    struct event *ev = reallocarray(NULL, 2 * n, sizeof(*ev));
    size_t *active = calloc(set->nfiles, sizeof(*active));
    struct range *iv = reallocarray(NULL, 2 * n, sizeof(*iv)); /* at most 2n-1 segments */

    if (!ev || !active || !iv) {
        free(ev);
        free(active);
        free(iv);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        /* 64 bits: the end of a range reaching 255.255.255.255 is 2^32. */
        ev[2 * i] = (struct event){r[i].start, r[i].feed, true};
        ev[2 * i + 1] = (struct event){(uint64_t)r[i].end + 1, r[i].feed, false};
    }
    qsort(ev, 2 * n, sizeof(*ev), cmp_events);
    set->iv = iv;
    sweep(set, ev, 2 * n, active);
    free(ev);
    free(active);
    iv = reallocarray(set->iv, set->niv, sizeof(*iv));
    if (iv)
        set->iv = iv;
    return 0;
}

static char *join_path(const char *dir, const char *name)
{
    size_t dlen = strlen(dir);
    const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
    char *path;

    return asprintf(&path, "%s%s%s", dir, sep, name) < 0 ? NULL : path;
}

/* Loads the listed files in order; names is compacted to the readable ones. */
static int load_files(struct feed_set *set, const char *dir, size_t n, struct entries *ent)
{
    for (size_t i = 0; i < n; i++) {
        char *name = set->names[i];
        char *path = join_path(dir, name);

        if (!path)
            return -1;
        set->names[i] = NULL;
        if (load_file(path, (uint32_t)set->nfiles, ent) == 0)
            set->names[set->nfiles++] = name;
        else
            free(name);
        free(path);
    }
    return 0;
}

struct feed_set *feeds_load_dir(const char *dir, struct error *e)
{
    struct entries ent = {0};
    struct feed_set *set;
    char **names = NULL;
    ssize_t n = list_feeds(dir, &names, e);

    if (n < 0)
        return NULL;
    set = calloc(1, sizeof(*set));
    if (!set) {
        free_names(names, (size_t)n);
        error_set(e, "feeds: %s", strerror(ENOMEM));
        return NULL;
    }
    set->names = names;
    int rc = load_files(set, dir, (size_t)n, &ent);
    if (rc == 0 && ent.v4.n)
        rc = merge(set, ent.v4.v, ent.v4.n);
    free(ent.v4.v);
    set->v6 = ent.v6.v;
    set->nv6 = ent.v6.n;
    if (rc < 0 || set->niv + set->nv6 == 0) {
        if (rc < 0)
            error_set(e, "feeds: %s", strerror(ENOMEM));
        else
            error_set(e, "no usable feed in %s", dir);
        /* Names below nfiles were loaded; the others are NULL or still owned here. */
        free_names(set->names, (size_t)n);
        free(set->iv);
        free(set->v6);
        free(set);
        return NULL;
    }
    return set;
}

const char *feeds_lookup(const struct feed_set *set, uint32_t addr)
{
    size_t lo = 0, hi;

    if (!set)
        return NULL;
    /* Find the first interval starting after addr; the one before may hold it. */
    for (hi = set->niv; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;

        if (set->iv[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || set->iv[lo - 1].end < addr)
        return NULL;
    return set->names[set->iv[lo - 1].feed];
}

size_t feeds_interval_count(const struct feed_set *set)
{
    return set ? set->niv : 0;
}

size_t feeds_file_count(const struct feed_set *set)
{
    return set ? set->nfiles : 0;
}

void feeds_free(struct feed_set *set)
{
    if (!set)
        return;
    free_names(set->names, set->nfiles);
    free(set->iv);
    free(set->v6);
    free(set);
}

/* Calls fn for the largest aligned blocks that tile [start, end]; returns their number. */
static size_t tile(uint64_t start, uint64_t end, uint32_t feed, feeds_cidr4_fn fn, void *ctx)
{
    size_t n = 0;

    while (start <= end) {
        unsigned plen = 32;
        /* Grow the block while start stays aligned and it stays inside the range. */
        while (plen > 0 && (start & ((1ull << (33 - plen)) - 1)) == 0 &&
               start + (1ull << (33 - plen)) - 1 <= end)
            plen--;
        if (fn)
            fn((uint32_t)start, plen, feed, ctx);
        start += 1ull << (32 - plen);
        n++;
    }
    return n;
}

size_t feeds_foreach_cidr4(const struct feed_set *set, feeds_cidr4_fn fn, void *ctx)
{
    size_t n = 0;

    for (size_t i = 0; set && i < set->niv; i++)
        n += tile(set->iv[i].start, set->iv[i].end, set->iv[i].feed, fn, ctx);
    return n;
}

const struct feed_net6 *feeds_v6(const struct feed_set *set, size_t *count)
{
    *count = set ? set->nv6 : 0;
    return set ? set->v6 : NULL;
}
