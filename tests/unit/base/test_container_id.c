/* Unit tests of container_of_cgroup: the cgroup names of Docker (systemd and cgroupfs
 * drivers), containerd's CRI plugin, CRI-O, Podman, systemd-nspawn and LXC, found from
 * the deepest component up; look-alikes (short, long or uppercase ids, a user's cgroup
 * named after a runtime's) are no container. */
#include "check.h"
#include "base/container_id.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect(const char *path, const char *runtime, const char *id)
{
    struct container_ref ref = {0};
    int rc = container_of_cgroup(path, strlen(path), &ref);
    if (!runtime) {
        if (rc != -1 || ref.runtime)
            fprintf(stderr, "%s:%d: %s: a container where none is\n", __FILE__, __LINE__, path);
        check_failures += rc != -1 || ref.runtime;
        return;
    }
    CHECK(rc == 0);
    CHECK_STR(ref.runtime ? ref.runtime : "(none)", runtime);
    CHECK_STR(ref.id, id);
}

/* Where the naming component ends: the directory the caller checks is root's. */
static void test_scope_len(void)
{
    const char *path = "/machine.slice/libpod-" ID ".scope/container";
    struct container_ref ref = {0};
    CHECK(container_of_cgroup(path, strlen(path), &ref) == 0);
    CHECK_INT(ref.scope_len, strlen(path) - strlen("/container"));
}

int main(void)
{
    expect("/system.slice/docker-" ID ".scope", "docker", ID);
    expect("/docker/" ID, "docker", ID);
    expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
           "cri-containerd-" ID ".scope",
           "containerd", ID);
    expect("/kubepods.slice/crio-" ID ".scope", "cri-o", ID);
    expect("/machine.slice/libpod-" ID ".scope/container", "podman", ID);
    expect("/libpod_parent/libpod-" ID, "podman", ID);
    expect("/machine.slice/machine-web\\x2d1.scope/payload", "systemd-nspawn", "web\\x2d1");
    expect("/lxc.payload.web/init.scope", "lxc", "web");
    /* the deepest wins: a container inside a machine */
    expect("/machine.slice/machine-vm.scope/system.slice/docker-" ID ".scope", "docker", ID);
    /* look-alikes */
    expect("/", NULL, NULL);
    expect("", NULL, NULL);
    expect("/system.slice/docker.service", NULL, NULL);
    expect("/system.slice/docker-0123.scope", NULL, NULL);
    expect("/system.slice/docker-" ID "0.scope", NULL, NULL);
    expect("/system.slice/docker-0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
           ".scope",
           NULL, NULL);
    expect("/user.slice/user-1000.slice/user@1000.service/app.slice/docker/x", NULL, NULL);
    expect("/machine.slice/machine-.scope", NULL, NULL);
    expect("/machine.slice/machine-"
           "01234567890123456789012345678901234567890123456789012345678901234.scope",
           NULL, NULL);
    expect("//docker//", NULL, NULL);
    expect("/machine.slice/machine-a b.scope", NULL, NULL);
    struct container_ref ref = {0}; /* a NUL inside (found by fuzz_container_id) */
    CHECK(container_of_cgroup("/lxc.payload.\0\0x", 16, &ref) == -1 && !ref.runtime);
    test_scope_len();
    return check_failures;
}
