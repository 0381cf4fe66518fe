/* The path of a cgroup v2 from its id (what bpf_skb_cgroup_id gives: the inode of its
 * directory), through open_by_handle_at on the hierarchy's root. */
#ifndef EBPFSHIELD_CGROUP_PATH_H
#define EBPFSHIELD_CGROUP_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Paths for at most a second each (a cgroup's id is never reused, but it may go). */
#define CGROUP_PATH_SLOTS 64
#define CGROUP_PATH_MAX 512

struct cgroup_paths {
    int root_fd;      /* the hierarchy's root directory, owned */
    char prefix[512]; /* where it is mounted, taken off the paths */
    size_t prefix_len;
    unsigned next;   /* the slot to reuse next */
    bool said_eperm; /* the missing capability was said */
    struct cgroup_path_slot {
        uint64_t id, expires_ms;
        char path[CGROUP_PATH_MAX];
    } slots[CGROUP_PATH_SLOTS];
};

/* Takes root_fd (an fd of the cgroup v2 root directory). */
void cgroup_paths_init(struct cgroup_paths *c, int root_fd);
void cgroup_paths_close(struct cgroup_paths *c);

/* The path of cgroup id below the root ("/" for the root itself, "/system.slice/..."),
 * printable, into buf; "" when the id is 0 or the cgroup is gone. now_ms: monotonic_ms(). */
void cgroup_path_of(struct cgroup_paths *c, uint64_t id, uint64_t now_ms, char *buf, size_t len);

/* Whether the directory path (len bytes, below the root, as cgroup_path_of gives it) is
 * root's: a cgroup made by a user with a delegated subtree is the user's. */
bool cgroup_dir_is_roots(const struct cgroup_paths *c, const char *path, size_t len);

#endif
