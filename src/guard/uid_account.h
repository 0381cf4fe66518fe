/* Whom a process's dumps are charged to: the user whose subordinate uids (/etc/subuid, the
 * ranges newuidmap lets a user map into a user namespace) hold its uid, else that uid.
 * A user's containers count as that user, not as 65,536 users of their own. Ranges of
 * root's (LXD and Incus give root a billion uids for all their containers) are left out:
 * their uids stay users of their own, so that no container can use up root's share. */
#ifndef EBPFSHIELD_UID_ACCOUNT_H
#define EBPFSHIELD_UID_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where shadow's newuidmap reads the ranges. */
#define SUBUID_FILE "/etc/subuid"

/* The file's most ranges, and its most bytes read: beyond them the rest is said and left. */
#define SUBID_RANGES_MAX 65536
#define SUBID_FILE_MAX (4u << 20)
/* The longest user name kept (useradd allows 32). */
#define SUBID_NAME_MAX 64

struct subid_range {
    uid_t start;
    uint32_t count;
    char owner[SUBID_NAME_MAX]; /* a user name, or a uid in decimal */
};

struct subid_ranges {
    struct subid_range *v;
    size_t n;
    size_t bad;       /* lines not understood, skipped */
    size_t first_bad; /* the first of them (1-based; 0: none) */
};

/* Parses the lines "user:first:count" of text (len bytes; blank lines and '#' comments
 * skipped; a last line without its newline is one) into r. 0, or -1 (out of memory)
 * with r empty. */
int subid_ranges_parse(const char *text, size_t len, struct subid_ranges *r);

/* The first range holding uid, or NULL. */
const struct subid_range *subid_ranges_find(const struct subid_ranges *r, uid_t uid);

void subid_ranges_free(struct subid_ranges *r);

/* The ranges of a file only root may change, read again whenever it changes. */
struct uid_accounts;

/* For path (e.g. SUBUID_FILE), read at the first lookup. NULL when out of memory. */
struct uid_accounts *uid_accounts_new(const char *path);

/* uid's account now: the uid of the owner of the first range holding uid (its name looked
 * up now, by NSS), or uid itself when no range holds it, the range is root's or its owner
 * is unknown. A missing file holds no range; one that cannot be trusted or read is said
 * on the log (once, until it changes) and holds none. */
uid_t uid_accounts_of(struct uid_accounts *a, uid_t uid);

void uid_accounts_free(struct uid_accounts *a);

#endif
