#include "guard/uid_account.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/trusted_path.h"

/* A decimal number of [s, end) no larger than max: true with *out set. */
static bool parse_decimal(const char *s, const char *end, uint64_t max, uint64_t *out)
{
    if (s == end || end - s > 10)
        return false;
    uint64_t v = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return v <= max;
}

/* One line (without its newline) into range: true when it is "user:first:count" with a
 * user name that fits and a range of valid uids ((uid_t)-1 is none). */
static bool parse_line(const char *s, const char *end, struct subid_range *range)
{
    const char *c1 = memchr(s, ':', (size_t)(end - s));
    const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
    uint64_t first, count;
    if (!c2 || c1 == s || (size_t)(c1 - s) >= sizeof(range->owner) ||
        memchr(s, '\0', (size_t)(c1 - s)))
        return false;
    if (!parse_decimal(c1 + 1, c2, UINT32_MAX - 1, &first) ||
        !parse_decimal(c2 + 1, end, UINT32_MAX - first, &count) || count == 0)
        return false;
    memcpy(range->owner, s, (size_t)(c1 - s));
    range->owner[c1 - s] = '\0';
    range->start = (uid_t)first;
    range->count = (uint32_t)count;
    return true;
}

/* Adds range to r: 0, or -1 when out of memory. */
static int add_range(struct subid_ranges *r, const struct subid_range *range)
{
    if (r->n % 64 == 0) {
        struct subid_range *v = realloc(r->v, (r->n + 64) * sizeof(*v));
        if (!v)
            return -1;
        r->v = v;
    }
    r->v[r->n++] = *range;
    return 0;
}

int subid_ranges_parse(const char *text, size_t len, struct subid_ranges *r)
{
    *r = (struct subid_ranges){0};
    const char *end = text + len;
    size_t line = 0;
    for (const char *s = text; s < end && r->n < SUBID_RANGES_MAX;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *eol = nl ? nl : end;
        struct subid_range range;
        line++;
        if (eol == s || *s == '#') {
            /* blank or a comment */
        } else if (!parse_line(s, eol, &range)) {
            if (r->bad++ == 0)
                r->first_bad = line;
        } else if (add_range(r, &range) != 0) {
            subid_ranges_free(r);
            return -1;
        }
        if (!nl)
            break;
        s = nl + 1;
    }
    return 0;
}

const struct subid_range *subid_ranges_find(const struct subid_ranges *r, uid_t uid)
{
    for (size_t i = 0; i < r->n; i++)
        if (uid >= r->v[i].start && uid - r->v[i].start < r->v[i].count)
            return &r->v[i];
    return NULL;
}

void subid_ranges_free(struct subid_ranges *r)
{
    free(r->v);
    *r = (struct subid_ranges){0};
}

/* What was last read: the file's identity and times, so that any change is seen. */
struct file_id {
    enum { FILE_NONE, FILE_MISSING, FILE_REFUSED, FILE_READ } kind;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim, ctim;
};

struct uid_accounts {
    char *path;
    struct subid_ranges ranges;
    struct file_id seen;   /* the ranges are this file's (FILE_NONE: read it again) */
    struct file_id warned; /* the last file a warning was said of */
};

struct uid_accounts *uid_accounts_new(const char *path)
{
    struct uid_accounts *a = calloc(1, sizeof(*a));
    if (a && !(a->path = strdup(path))) {
        free(a);
        return NULL;
    }
    return a;
}

static struct file_id file_id_of(const struct stat *st)
{
    return (struct file_id){FILE_READ,   st->st_dev,  st->st_ino,
                            st->st_size, st->st_mtim, st->st_ctim};
}

static bool same_file(const struct file_id *a, const struct file_id *b)
{
    return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtim.tv_sec == b->mtim.tv_sec && a->mtim.tv_nsec == b->mtim.tv_nsec &&
           a->ctim.tv_sec == b->ctim.tv_sec && a->ctim.tv_nsec == b->ctim.tv_nsec;
}

/* A warning about file id, said once until the file changes. */
static void warn_once(struct uid_accounts *a, const struct file_id *id, const char *msg)
{
    if (same_file(id, &a->warned))
        return;
    a->warned = *id;
    log_warn("%s", msg);
}

/* Reads fd (st) into a's ranges: true when read whole (a file over SUBID_FILE_MAX is read
 * up to its last whole line there); the problems said once per file. */
static bool read_ranges(struct uid_accounts *a, int fd, const struct stat *st,
                        const struct file_id *id)
{
    bool capped = st->st_size > (off_t)SUBID_FILE_MAX;
    size_t want = capped ? SUBID_FILE_MAX : (size_t)st->st_size, got = 0;
    char *text = malloc(want ? want : 1), msg[4400];
    ssize_t n = 1;
    while (text && got < want && (n = read(fd, text + got, want - got)) > 0)
        got += (size_t)n;
    if (capped && text) /* its last line may be cut: up to the last newline */
        while (got > 0 && text[got - 1] != '\n')
            got--;
    int rc = text && n >= 0 ? subid_ranges_parse(text, got, &a->ranges) : -1;
    if (rc != 0)
        snprintf(msg, sizeof(msg),
                 "%s: cannot be read (%s): each uid counts as a user of its "
                 "own for dumps",
                 a->path, text && n < 0 ? strerror(errno) : "out of memory");
    else if (a->ranges.bad)
        snprintf(msg, sizeof(msg), "%s: %zu line(s) not understood, skipped (the first: line %zu)",
                 a->path, a->ranges.bad, a->ranges.first_bad);
    else if (capped || a->ranges.n == SUBID_RANGES_MAX)
        snprintf(msg, sizeof(msg), "%s: only the first %zu ranges or %u bytes are read", a->path,
                 (size_t)SUBID_RANGES_MAX, SUBID_FILE_MAX);
    if (rc != 0 || a->ranges.bad || capped || a->ranges.n == SUBID_RANGES_MAX)
        warn_once(a, id, msg);
    free(text);
    return rc == 0;
}

/* The file again, when it is not the one last read. */
static void refresh(struct uid_accounts *a)
{
    struct error e;
    struct stat st;
    struct file_id id = {.kind = FILE_MISSING};
    int fd = trusted_open(a->path, O_RDONLY | O_NONBLOCK, "subordinate uids", &e);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        id = file_id_of(&st);
    else if (fd >= 0 || errno != ENOENT)
        id.kind = FILE_REFUSED;
    if (same_file(&id, &a->seen)) {
        if (fd >= 0)
            close(fd);
        return;
    }
    subid_ranges_free(&a->ranges);
    a->seen = id;
    if (id.kind == FILE_REFUSED) {
        if (fd >= 0)
            snprintf(e.msg, sizeof(e.msg), "%s: not a regular file", a->path);
        char msg[sizeof(e.msg) + 64];
        snprintf(msg, sizeof(msg), "%s: each uid counts as a user of its own for dumps", e.msg);
        warn_once(a, &id, msg);
    } else if (id.kind == FILE_READ) {
        struct stat after;
        struct file_id now = {.kind = FILE_NONE};
        if (read_ranges(a, fd, &st, &id) && fstat(fd, &after) == 0)
            now = file_id_of(&after);
        if (!same_file(&id, &now)) /* failed, or changed while read: again next time */
            a->seen.kind = FILE_NONE;
    }
    if (fd >= 0)
        close(fd);
}

/* The uid of a range's owner: a uid in decimal or a user name (getpwnam_r). 0, or -1. */
static int owner_uid(const char *owner, uid_t *uid)
{
    uint64_t v;
    if (parse_decimal(owner, owner + strlen(owner), UINT32_MAX - 1, &v)) {
        *uid = (uid_t)v;
        return 0;
    }
    int rc = ERANGE;
    struct passwd pw, *found = NULL;
    for (size_t len = 1024; rc == ERANGE && len <= (1u << 20); len *= 2) {
        char *buf = malloc(len);
        if (!buf)
            return -1;
        rc = getpwnam_r(owner, &pw, buf, len, &found);
        if (rc == 0 && found)
            *uid = pw.pw_uid;
        free(buf);
    }
    return rc == 0 && found ? 0 : -1;
}

uid_t uid_accounts_of(struct uid_accounts *a, uid_t uid)
{
    refresh(a);
    const struct subid_range *range = subid_ranges_find(&a->ranges, uid);
    uid_t owner;
    if (!range || owner_uid(range->owner, &owner) != 0 || owner == 0)
        return uid;
    return owner;
}

void uid_accounts_free(struct uid_accounts *a)
{
    if (!a)
        return;
    subid_ranges_free(&a->ranges);
    free(a->path);
    free(a);
}
