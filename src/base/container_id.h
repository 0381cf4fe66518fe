/* Which container a cgroup v2 path belongs to, by the names container runtimes give their
 * cgroups. Pure: the path may come from anyone allowed to make cgroups (a user with a
 * delegated subtree names its own), so every byte is checked. */
#ifndef EBPFSHIELD_CONTAINER_ID_H
#define EBPFSHIELD_CONTAINER_ID_H

#include <stddef.h>

#define CONTAINER_ID_MAX 64

struct container_ref {
    const char *runtime;           /* "docker", "containerd", "cri-o", "podman",
                                    * "systemd-nspawn" or "lxc" */
    char id[CONTAINER_ID_MAX + 1]; /* a runtime's 64 hex digits, or a machine's name */
    size_t scope_len;              /* the path up to the end of the component that named it:
                                    * the directory whose owner the caller checks */
};

/* The container of path (e.g. "/system.slice/docker-<64 hex>.scope"), from its deepest
 * component up: 0 and *out filled, or -1 when no component is a runtime's. A name is only
 * a claim: anyone with a delegated subtree can make one, so the caller checks that the
 * scope's directory is root's. */
int container_of_cgroup(const char *path, size_t len, struct container_ref *out);

#endif
