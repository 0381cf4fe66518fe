/* Loading a set: the feed files of a directory and the allow-list, opened by
 * trusted_path.h's rules, read by feed_file.c and merged by ip_intervals.c. */
#include "threatfeed/feed_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/trusted_path.h"
#include "base/text.h"

/* Feed files by their ending, as the original's *.txt; hidden ones (and the temporary
 * files of update-feeds.sh) are not. */
static bool is_feed_name(const char *name)
{
    static const char *const endings[] = {".txt", ".csv", ".netset", ".ipset", ".hosts", ".rpz"};
    if (name[0] == '.')
        return false;
    for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++)
        if (text_ends_with(name, endings[i]))
            return true;
    return false;
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

/* The sorted feed file names of the directory open on dirfd; their count, or -1. */
static ssize_t list_feeds(int dirfd, const char *dir, char ***names, struct error *e)
{
    int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0); /* no gcore of a dump thread inherits it */
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    size_t n = 0, cap = 0;
    char **v = NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return error_set(e, "feeds: cannot read %s: %s", dir, strerror(errno));
    }
    struct dirent *de;
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        if (!is_feed_name(de->d_name))
            continue;
        if (n == cap) {
            char **nv = reallocarray(v, cap ? 2 * cap : 16, sizeof(*nv));
            if (!nv)
                break;
            v = nv;
            cap = cap ? 2 * cap : 16;
        }
        if (!(v[n] = strdup(de->d_name)))
            break;
        n++;
    }
    int err = errno;
    closedir(d);
    if (err) {
        free_names(v, n);
        return error_set(e, "feeds: cannot read %s: %s", dir, strerror(err));
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_names);
    *names = v;
    return (ssize_t)n;
}

static void say_loaded(const char *path, const struct feed_file_stats *st)
{
    if (st->names)
        log_note("loaded %zu entries (%zu v4, %zu v6, %zu names) from %s, %zu lines skipped",
                 st->v4 + st->v6 + st->names, st->v4, st->v6, st->names, path, st->skipped);
    else
        log_note("loaded %zu entries (%zu v4, %zu v6) from %s, %zu lines skipped", st->v4 + st->v6,
                 st->v4, st->v6, path, st->skipped);
}

/* The keys of a set whose sources take no names, and of --check-feed's (never in a kernel).
 * Not 1: with it a key was the sum of the name's bytes, and the set's slots collided so
 * often that --check-feed took 5.3 s for 1,000,000 names instead of 0.5 s. */
static const struct domain_hash no_names = {.mult = 0x9e3779b97f4a7c15ULL, .seed = 0};

/* Reads one file of the set; -1 only when the load must fail (e says why). */
static int load_feed(int dirfd, const char *dir, const char *name, struct feed_registry *reg,
                     const struct feed_sources *src, struct feed_ranges *ranges,
                     struct domain_set *names, struct feeds_stats *stats, struct error *e)
{
    struct feed_file_stats st;
    struct error why;
    char path[4096 + 256];
    snprintf(path, sizeof(path), "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    int64_t id = feed_registry_id(reg, name);
    if (id < 0)
        return error_set(e, "feeds: %s", strerror(ENOMEM));
    int fd = trusted_openat(dirfd, dir, name, O_RDONLY | O_NONBLOCK, "feed", &why);
    if (fd < 0 && errno == EPERM)
        return error_set(e, "%s", why.msg);
    if (fd < 0 ||
        feed_file_parse(fd, path, (uint32_t)id, src->allow_wide, ranges, names, &st, &why)) {
        log_warn("%s", why.msg);
        if (fd >= 0)
            close(fd);
        return 0;
    }
    close(fd);
    say_loaded(path, &st);
    stats->files++;
    stats->v4 += st.v4;
    stats->v6 += st.v6;
    return 0;
}

/* The allow-list must be read whole: without it, allowed peers would be cut off. */
static int load_allow(const struct feed_sources *src, struct feed_ranges *allow,
                      struct domain_set *names, struct feeds_stats *stats, struct error *e)
{
    struct feed_file_stats st;
    int fd = trusted_open(src->allow, O_RDONLY | O_NONBLOCK, "allow-list", e);
    if (fd < 0)
        return -1;
    /* No width bound: a wide allowed range blocks nothing. */
    int rc = feed_file_parse(fd, src->allow, ALLOW_FEED, true, allow, names, &st, e);
    close(fd);
    if (rc == 0) {
        say_loaded(src->allow, &st);
        stats->allowed = st.v4 + st.v6;
    }
    if (rc == 0 && st.skipped)
        return error_set(e, "allow-list %s: %zu line(s) not understood: it must load whole",
                         src->allow, st.skipped);
    return rc;
}

static int load_dir(const struct feed_sources *src, struct feed_registry *reg,
                    struct feed_ranges *ranges, struct domain_set *names, struct feeds_stats *stats,
                    struct error *e)
{
    char **files = NULL;
    int dirfd = trusted_open(src->dir, O_RDONLY | O_DIRECTORY, "feeds", e);
    if (dirfd < 0)
        return -1;
    ssize_t n = list_feeds(dirfd, src->dir, &files, e);
    int rc = n < 0 ? -1 : 0;
    for (ssize_t i = 0; rc == 0 && i < n; i++)
        rc = load_feed(dirfd, src->dir, files[i], reg, src, ranges, names, stats, e);
    free_names(files, n > 0 ? (size_t)n : 0);
    close(dirfd);
    return rc;
}

/* Merges the loaded ranges into set; -1 when out of memory. */
static int build(struct feed_set *set, struct feed_ranges *ranges, struct feed_ranges *allow)
{
    if (ranges->n == 0) /* names alone: no address to check */
        return 0;
    struct feed_ranges iv = {0};
    int rc = feed_intervals(ranges, allow, &iv);
    if (rc == 0)
        rc = feed_set_index(set, &iv);
    free(iv.v);
    return rc;
}

struct feed_set *feeds_load(const struct feed_sources *src, struct feed_registry *reg,
                            struct error *e)
{
    struct feed_ranges ranges = {0}, allow = {0};
    struct feed_set *set = calloc(1, sizeof(*set));
    int rc = set && (set->names = domain_set_new(src->names ? src->names : &no_names))
                 ? 0
                 : error_set(e, "feeds: %s", strerror(ENOMEM));
    struct domain_set *names = rc == 0 && src->names ? set->names : NULL;
    if (rc == 0 && src->allow)
        rc = load_allow(src, &allow, names, &set->stats, e);
    if (rc == 0)
        rc = load_dir(src, reg, &ranges, names, &set->stats, e);
    if (rc == 0) {
        set->stats.names = domain_set_listed(set->names);
        set->stats.names_allowed = domain_set_allowed(set->names);
    }
    bool empty = rc == 0 && ranges.n == 0 && set->stats.names == 0;
    if (empty)
        rc = error_set(e, "no usable feed in %s", src->dir);
    if (rc == 0 && build(set, &ranges, &allow) != 0)
        rc = error_set(e, "feeds: %s", strerror(ENOMEM));
    free(ranges.v);
    free(allow.v);
    if (rc == 0) {
        set->reg = reg;
        set->stats.cidrs4 = feed_set_count_cidrs(set, false);
        set->stats.cidrs6 = feed_set_count_cidrs(set, true);
        if (set->stats.cidrs4 > FEEDS_CIDRS_MAX || set->stats.cidrs6 > FEEDS_CIDRS_MAX)
            rc = error_set(e, "feeds in %s need %zu IPv4 and %zu IPv6 CIDRs, more than %u",
                           src->dir, set->stats.cidrs4, set->stats.cidrs6, FEEDS_CIDRS_MAX);
    }
    if (rc != 0) {
        feeds_free(set);
        errno = empty ? ENODATA : EINVAL;
        return NULL;
    }
    return set;
}

int feeds_check_file(const char *path, bool allow_wide, struct feed_file_stats *st, struct error *e)
{
    struct feed_ranges r = {0};
    struct domain_set *names = domain_set_new(&no_names);
    if (!names)
        return error_set(e, "feeds: %s", strerror(ENOMEM));
    int fd = trusted_open(path, O_RDONLY | O_NONBLOCK, "feed", e);
    if (fd < 0) {
        domain_set_free(names);
        return -1;
    }
    int rc = feed_file_parse(fd, path, 0, allow_wide, &r, names, st, e);
    close(fd);
    free(r.v);
    domain_set_free(names);
    if (rc == 0)
        say_loaded(path, st);
    return rc;
}
