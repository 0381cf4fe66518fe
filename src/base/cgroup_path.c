#include "base/cgroup_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/text.h"

#define FILEID_KERNFS 0xfe /* the kernel's handle type for cgroup directories */
#define PATH_TTL_MS 1000

/* Where fd points, into buf (NUL-terminated); its length, or -1. */
static ssize_t fd_path(int fd, char *buf, size_t len)
{
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, len - 1);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

void cgroup_paths_init(struct cgroup_paths *c, int root_fd)
{
    memset(c, 0, sizeof(*c));
    c->root_fd = root_fd;
    ssize_t n = root_fd >= 0 ? fd_path(root_fd, c->prefix, sizeof(c->prefix)) : -1;
    c->prefix_len = n > 0 && c->prefix[n - 1] != '/' ? (size_t)n : 0;
}

void cgroup_paths_close(struct cgroup_paths *c)
{
    if (c->root_fd >= 0)
        close(c->root_fd);
    c->root_fd = -1;
}

/* Asks the kernel: 0 and the path in buf, or -1. */
static int resolve(struct cgroup_paths *c, uint64_t id, char *buf, size_t len)
{
    /* a handle with room for the id after it */
    _Alignas(struct file_handle) char handle[sizeof(struct file_handle) + sizeof(uint64_t)];
    struct file_handle *fh = (struct file_handle *)handle;
    char full[CGROUP_PATH_MAX + sizeof(c->prefix)];
    fh->handle_bytes = sizeof(id);
    fh->handle_type = FILEID_KERNFS;
    memcpy(fh->f_handle, &id, sizeof(id));
    int fd = open_by_handle_at(c->root_fd, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == EPERM && !c->said_eperm) {
        c->said_eperm = true;
        log_warn("cannot name sockets' cgroups without CAP_DAC_READ_SEARCH (open_by_handle_at): "
                 "events go without cgroup and container");
    }
    if (fd < 0)
        return -1;
    ssize_t n = fd_path(fd, full, sizeof(full));
    close(fd);
    if (n < 0 || (size_t)n < c->prefix_len || memcmp(full, c->prefix, c->prefix_len) != 0)
        return -1;
    const char *below = full + c->prefix_len;
    text_printable(buf, len, *below ? below : "/", strlen(*below ? below : "/"));
    return 0;
}

void cgroup_path_of(struct cgroup_paths *c, uint64_t id, uint64_t now_ms, char *buf, size_t len)
{
    buf[0] = '\0';
    if (id == 0 || c->root_fd < 0)
        return;
    for (unsigned i = 0; i < CGROUP_PATH_SLOTS; i++)
        if (c->slots[i].id == id && now_ms < c->slots[i].expires_ms) {
            snprintf(buf, len, "%s", c->slots[i].path);
            return;
        }
    struct cgroup_path_slot *slot = &c->slots[c->next++ % CGROUP_PATH_SLOTS];
    if (resolve(c, id, slot->path, sizeof(slot->path)) != 0) {
        slot->id = 0;
        return;
    }
    slot->id = id;
    slot->expires_ms = now_ms + PATH_TTL_MS;
    snprintf(buf, len, "%s", slot->path);
}

bool cgroup_dir_is_roots(const struct cgroup_paths *c, const char *path, size_t len)
{
    char rel[CGROUP_PATH_MAX];
    struct stat st;
    while (len > 0 && *path == '/') {
        path++;
        len--;
    }
    if (c->root_fd < 0 || len == 0 || len >= sizeof(rel))
        return false;
    memcpy(rel, path, len);
    rel[len] = '\0';
    return fstatat(c->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
           st.st_uid == 0;
}
