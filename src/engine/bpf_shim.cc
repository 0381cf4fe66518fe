// The C++ side of bpf_shim.h: wraps ebpf::BPF, turns StatusTuple and exceptions into
// C error codes and messages.
#include "engine/bpf_shim.h"
#include "engine/compiler_memory.h"

#include <bcc/BPF.h>
#include <bcc/libbpf.h>

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <chrono>
#include <memory>
#include <new>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct shim_tables {
    std::unique_ptr<ebpf::TableStorage> storage;
};

struct shim_bpf {
    explicit shim_bpf(ebpf::TableStorage *ts) : bpf(0, ts)
    {
    }
    ebpf::BPF bpf;
    int packet_sock = -1;
    std::vector<int> links; // bpf_link fds of the cgroup and LSM programs
    // Per-buffer callback context, kept alive for perf_reader.
    struct callbacks {
        shim_sample_fn on_sample;
        shim_lost_fn on_lost;
        void *ctx;
    };
    std::vector<std::unique_ptr<callbacks>> cbs;
    std::unique_ptr<ebpf::BPFPerfBuffer> perf; // closed before bpf is destroyed
};

namespace
{

int fail(error *e, const char *what, const std::string &why)
{
    std::string msg = why;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
        msg.pop_back();
    // libbcc messages can span lines; keep the first line for the error line.
    size_t nl = msg.find('\n');
    if (nl != std::string::npos)
        msg = msg.substr(0, nl);
    return error_set(e, "%s: %s", what, msg.c_str());
}

int check(const ebpf::StatusTuple &st, error *e, const char *what)
{
    return st.ok() ? 0 : fail(e, what, st.msg());
}

// Runs f, mapping any exception to an error code.
template <typename F> int guarded(error *e, const char *what, F f)
{
    try {
        return f();
    } catch (const std::exception &ex) {
        return fail(e, what, ex.what());
    } catch (...) {
        return fail(e, what, "unknown C++ exception");
    }
}

void on_raw(void *cb_cookie, void *data, int size)
{
    auto *cb = static_cast<shim_bpf::callbacks *>(cb_cookie);
    cb->on_sample(cb->ctx, data, size);
}

void on_lost(void *cb_cookie, uint64_t lost)
{
    auto *cb = static_cast<shim_bpf::callbacks *>(cb_cookie);
    if (cb->on_lost)
        cb->on_lost(cb->ctx, lost);
}

} // namespace

extern "C" int shim_tables_new(shim_tables **out, error *e)
{
    *out = nullptr;
    return guarded(e, "table storage", [&] {
        auto t = std::make_unique<shim_tables>();
        // libbcc 0.26 has no public way to build a private storage; this one is backed by
        // its process-wide map, but is the one object both programs are given.
        t->storage = ebpf::createSharedTableStorage();
        *out = t.release();
        return 0;
    });
}

extern "C" void shim_tables_free(shim_tables *tables)
{
    delete tables;
}

extern "C" int shim_init(shim_bpf **out, const char *text, const char *const *cflags,
                         const char *what, shim_tables *tables, error *e)
{
    *out = nullptr;
    return guarded(e, what, [&] {
        auto b = std::make_unique<shim_bpf>(tables ? tables->storage.get() : nullptr);
        std::vector<std::string> flags;
        for (; cflags && *cflags; cflags++)
            flags.emplace_back(*cflags);
        /* A compile takes seconds (minutes on a slow machine): say what is going on. */
        log_note("compiling the %s ...", what);
        auto start = std::chrono::steady_clock::now();
        int rc = check(b->bpf.init(text, flags), e, what);
        compiler_memory_trim(); /* the next compile starts from a smaller heap */
        if (rc)
            return -1;
        std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        log_note("%s compiled in %.1f s", what, took.count());
        *out = b.release();
        return 0;
    });
}

extern "C" int shim_attach_kprobe(shim_bpf *b, const char *kernel_func, const char *prog, error *e)
{
    return guarded(e, kernel_func, [&] {
        return check(b->bpf.attach_kprobe(kernel_func, prog), e, "attaching kprobe");
    });
}

/* Calls a return probe can follow at once: the kernel's default (twice the CPUs) would
 * let a user with that many threads blocked in the function make the probe miss others'
 * returns. */
#define KRETPROBE_MAXACTIVE 1024

/* maxactive 0: the kernel's default room, which libbcc asks of the perf_kprobe PMU. */
static int attach_kretprobe(shim_bpf *b, const char *kernel_func, const char *prog, int maxactive,
                            error *e)
{
    return guarded(e, kernel_func, [&] {
        return check(b->bpf.attach_kprobe(kernel_func, prog, 0, BPF_PROBE_RETURN, maxactive), e,
                     "attaching kretprobe");
    });
}

extern "C" int shim_attach_kretprobe(shim_bpf *b, const char *kernel_func, const char *prog,
                                     error *e)
{
    return attach_kretprobe(b, kernel_func, prog, KRETPROBE_MAXACTIVE, e);
}

extern "C" int shim_attach_kretprobe_nosleep(shim_bpf *b, const char *kernel_func, const char *prog,
                                             error *e)
{
    return attach_kretprobe(b, kernel_func, prog, 0, e);
}

extern "C" int shim_attach_tracepoint(shim_bpf *b, const char *tracepoint, const char *prog,
                                      error *e)
{
    return guarded(e, tracepoint, [&] {
        return check(b->bpf.attach_tracepoint(tracepoint, prog), e, "attaching tracepoint");
    });
}

extern "C" int shim_load_tracepoint(shim_bpf *b, const char *prog, error *e)
{
    return guarded(e, prog, [&] {
        int fd = -1;
        return check(b->bpf.load_func(prog, BPF_PROG_TYPE_TRACEPOINT, fd), e, "loading program");
    });
}

extern "C" int shim_load_xdp(shim_bpf *b, const char *prog, int *fd, error *e)
{
    return guarded(e, prog, [&] {
        *fd = -1;
        return check(b->bpf.load_func(prog, BPF_PROG_TYPE_XDP, *fd), e, "loading XDP program");
    });
}

extern "C" int shim_load_tc(shim_bpf *b, const char *prog, int *fd, error *e)
{
    return guarded(e, prog, [&] {
        *fd = -1;
        return check(b->bpf.load_func(prog, BPF_PROG_TYPE_SCHED_CLS, *fd), e, "loading TC program");
    });
}

extern "C" int shim_detach_tracepoint(shim_bpf *b, const char *tracepoint, error *e)
{
    return guarded(e, tracepoint, [&] {
        return check(b->bpf.detach_tracepoint(tracepoint), e, "detaching tracepoint");
    });
}

extern "C" int shim_attach_raw_tracepoint(shim_bpf *b, const char *tracepoint, const char *prog,
                                          error *e)
{
    return guarded(e, tracepoint, [&] {
        return check(b->bpf.attach_raw_tracepoint(tracepoint, prog), e, "attaching raw tracepoint");
    });
}

extern "C" int shim_attach_lsm(shim_bpf *b, const char *prog, error *e)
{
    return guarded(e, prog, [&] {
        int fd = -1;
        if (check(b->bpf.load_func(prog, BPF_PROG_TYPE_LSM, fd), e, "loading LSM program"))
            return -1;
        int link = bpf_attach_lsm(fd);
        if (link < 0)
            return fail(e, "attaching LSM program", std::strerror(errno));
        b->links.push_back(link);
        return 0;
    });
}

extern "C" int shim_attach_packet_socket(shim_bpf *b, const char *prog, error *e)
{
    return guarded(e, "socket filter", [&] {
        int prog_fd = -1;
        if (check(b->bpf.load_func(prog, BPF_PROG_TYPE_SOCKET_FILTER, prog_fd), e,
                  "loading socket filter"))
            return -1;
        int sock = bpf_open_raw_sock("");
        if (sock < 0)
            return fail(e, "opening raw packet socket", std::strerror(errno));
        if (bpf_attach_socket(sock, prog_fd) < 0) {
            int saved = errno;
            close(sock);
            return fail(e, "attaching socket filter", std::strerror(saved));
        }
        b->packet_sock = sock;
        return 0;
    });
}

namespace
{

const bpf_attach_type cgroup_types[] = {BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET6_CONNECT,
                                        BPF_CGROUP_UDP4_SENDMSG,  BPF_CGROUP_UDP6_SENDMSG,
                                        BPF_CGROUP_INET_EGRESS,   BPF_CGROUP_INET_INGRESS};

int load_cgroup_prog(shim_bpf *b, const char *prog, shim_cgroup_hook hook, int &fd, error *e)
{
    const bpf_prog_type type = hook == SHIM_EGRESS || hook == SHIM_INGRESS
                                   ? BPF_PROG_TYPE_CGROUP_SKB
                                   : BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
    return check(b->bpf.load_func(prog, type, fd, 0, cgroup_types[hook]), e,
                 "loading cgroup program");
}

} // namespace

/* Whether link is a live cgroup link of attach_type on the cgroup open as cgroup_fd (a
 * cgroup2 directory's inode number is its cgroup id). */
static bool link_is(int link, bpf_attach_type attach_type, int cgroup_fd)
{
    struct bpf_link_info info;
    std::memset(&info, 0, sizeof(info));
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.info.bpf_fd = static_cast<uint32_t>(link);
    attr.info.info_len = sizeof(info);
    attr.info.info = reinterpret_cast<uint64_t>(&info);
    struct stat st;
    return syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0 &&
           info.type == BPF_LINK_TYPE_CGROUP && info.cgroup.attach_type == attach_type &&
           fstat(cgroup_fd, &st) == 0 && info.cgroup.cgroup_id == st.st_ino;
}

/* The link pinned at pin, its program replaced by prog_fd (BPF_LINK_UPDATE: the hook is
 * never without one): its fd, or -1 when there is none to adopt. Anything else pinned
 * there (another kind of object, a link elsewhere, one detached since) is unpinned, said,
 * and left to go: the caller links anew. */
static int adopt_link(const char *pin, int prog_fd, bpf_attach_type attach_type, int cgroup_fd)
{
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.pathname = reinterpret_cast<uint64_t>(pin);
    int link = static_cast<int>(syscall(__NR_bpf, BPF_OBJ_GET, &attr, sizeof(attr)));
    if (link < 0 && errno == ENOENT)
        return -1;
    if (link >= 0 && link_is(link, attach_type, cgroup_fd)) {
        std::memset(&attr, 0, sizeof(attr));
        attr.link_update.link_fd = static_cast<uint32_t>(link);
        attr.link_update.new_prog_fd = static_cast<uint32_t>(prog_fd);
        if (syscall(__NR_bpf, BPF_LINK_UPDATE, &attr, sizeof(attr)) == 0)
            return link;
    }
    log_warn("%s: not a link this run can take over (%s): unpinned, linked anew", pin,
             link < 0 ? std::strerror(errno) : "another kind, place or hook, or detached");
    if (link >= 0)
        close(link);
    unlink(pin);
    return -1;
}

static int pin_fd(int fd, const char *pin, error *e)
{
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.pathname = reinterpret_cast<uint64_t>(pin);
    attr.bpf_fd = static_cast<uint32_t>(fd);
    if (syscall(__NR_bpf, BPF_OBJ_PIN, &attr, sizeof(attr)) == 0)
        return 0;
    return fail(e, "pinning", std::strerror(errno));
}

extern "C" int shim_attach_cgroup(shim_bpf *b, const char *prog, shim_cgroup_hook hook,
                                  int cgroup_fd, const char *pin, error *e)
{
    return guarded(e, prog, [&] {
        int prog_fd = -1;
        if (load_cgroup_prog(b, prog, hook, prog_fd, e) != 0)
            return -1;
        int link = pin ? adopt_link(pin, prog_fd, cgroup_types[hook], cgroup_fd) : -1;
        if (link >= 0) {
            b->links.push_back(link);
            return 0;
        }
        // BPF_LINK_CREATE rather than libbcc's BPF_PROG_ATTACH: an attachment stays after
        // its process dies, a link goes with its last fd (and its pin).
        union bpf_attr attr;
        std::memset(&attr, 0, sizeof(attr));
        attr.link_create.prog_fd = prog_fd;
        attr.link_create.target_fd = cgroup_fd;
        attr.link_create.attach_type = cgroup_types[hook];
        link = static_cast<int>(syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr)));
        if (link < 0)
            return fail(e, "linking cgroup program", std::strerror(errno));
        b->links.push_back(link);
        return pin ? pin_fd(link, pin, e) : 0;
    });
}

extern "C" int shim_attach_cgroup_all(shim_bpf *b, const shim_cgroup_prog *progs, size_t count,
                                      int cgroup_fd, const char *const *pins, error *e)
{
    for (size_t i = 0; i < count; i++)
        if (shim_attach_cgroup(b, progs[i].prog, progs[i].hook, cgroup_fd, pins ? pins[i] : nullptr,
                               e) != 0)
            return -1;
    return 0;
}

extern "C" int shim_set_tail_call(shim_bpf *b, const char *table, int index, const char *prog,
                                  shim_cgroup_hook hook, error *e)
{
    return guarded(e, prog, [&] {
        int prog_fd = -1;
        if (load_cgroup_prog(b, prog, hook, prog_fd, e) != 0)
            return -1;
        return check(b->bpf.get_prog_table(table).update_value(index, prog_fd), e,
                     "setting a tail call");
    });
}

/* Runs op on the fd of table, guarded; op returns 0, 1 or fail(). */
template <typename Op> int on_table(shim_bpf *b, const char *table, error *e, Op op)
{
    return guarded(e, table, [&] {
        int fd = b->bpf.get_table(table).get_fd();
        return fd < 0 ? fail(e, "no such table", table) : op(fd);
    });
}

extern "C" int shim_pin_table(shim_bpf *b, const char *table, const char *pin, error *e)
{
    return on_table(b, table, e, [&](int fd) { return pin_fd(fd, pin, e); });
}

extern "C" int shim_table_fd(shim_bpf *b, const char *table, int *fd, error *e)
{
    return on_table(b, table, e, [&](int table_fd) {
        *fd = table_fd;
        return 0;
    });
}

extern "C" int shim_table_insert(shim_bpf *b, const char *table, const void *key, const void *value,
                                 error *e)
{
    return on_table(b, table, e, [&](int fd) {
        if (bpf_update_elem(fd, const_cast<void *>(key), const_cast<void *>(value), BPF_NOEXIST) ==
            0)
            return 0;
        return errno == EEXIST ? 1 : fail(e, "inserting", std::strerror(errno));
    });
}

extern "C" int shim_table_update(shim_bpf *b, const char *table, const void *key, const void *value,
                                 error *e)
{
    return on_table(b, table, e, [&](int fd) {
        if (bpf_update_elem(fd, const_cast<void *>(key), const_cast<void *>(value), BPF_ANY) == 0)
            return 0;
        return fail(e, "updating", std::strerror(errno));
    });
}

extern "C" int shim_table_delete(shim_bpf *b, const char *table, const void *key, error *e)
{
    return on_table(b, table, e, [&](int fd) {
        if (bpf_delete_elem(fd, const_cast<void *>(key)) == 0 || errno == ENOENT)
            return 0;
        return fail(e, "deleting", std::strerror(errno));
    });
}

extern "C" int shim_table_lookup(shim_bpf *b, const char *table, const void *key, void *value,
                                 error *e)
{
    return on_table(b, table, e, [&](int fd) {
        if (bpf_lookup_elem(fd, const_cast<void *>(key), value) == 0)
            return 0;
        return errno == ENOENT ? 1 : fail(e, "looking up", std::strerror(errno));
    });
}

extern "C" int shim_table_empty(shim_bpf *b, const char *table, size_t key_size, error *e)
{
    return on_table(b, table, e, [&](int fd) {
        std::vector<unsigned char> key(key_size);
        if (bpf_get_first_key(fd, key.data(), key_size) == 0)
            return 0;
        return errno == ENOENT ? 1 : fail(e, "reading keys", std::strerror(errno));
    });
}

extern "C" int shim_percpu_sum(shim_bpf *b, const char *table, int index, unsigned long long *sum,
                               error *e)
{
    return guarded(e, table, [&] {
        std::vector<uint64_t> values;
        auto counters = b->bpf.get_percpu_array_table<uint64_t>(table);
        if (check(counters.get_value(index, values), e, "reading counters"))
            return -1;
        *sum = 0;
        for (uint64_t v : values)
            *sum += v;
        return 0;
    });
}

// A table's TableDesc, which ebpf::BPFTable keeps to itself: ebpf::BPF's own
// open_perf_buffer() sets no wakeup watermark, so the reader would wake at every sample.
// The table must be one the program declares: for an unknown name, libbcc 0.26's
// get_table() returns a table whose TableDesc is already gone.
struct table_desc : ebpf::BPFTable {
    explicit table_desc(const ebpf::BPFTable &t) : ebpf::BPFTable(t)
    {
    }
    const ebpf::TableDesc &get() const
    {
        return desc;
    }
};

extern "C" int shim_open_perf_buffer(shim_bpf *b, const char *table, shim_sample_fn on_sample,
                                     shim_lost_fn on_lost_fn, void *ctx, int pages_per_cpu,
                                     int wakeup_events, error *e)
{
    return guarded(e, table, [&] {
        auto cb =
            std::make_unique<shim_bpf::callbacks>(shim_bpf::callbacks{on_sample, on_lost_fn, ctx});
        auto perf =
            std::make_unique<ebpf::BPFPerfBuffer>(table_desc(b->bpf.get_table(table)).get());
        if (check(perf->open_all_cpu(on_raw, on_lost, cb.get(), pages_per_cpu, wakeup_events), e,
                  "opening perf buffer"))
            return -1;
        b->cbs.push_back(std::move(cb));
        b->perf = std::move(perf);
        return 0;
    });
}

extern "C" int shim_poll(shim_bpf *b, int timeout_ms)
{
    try {
        return b->perf->poll(timeout_ms);
    } catch (...) {
        errno = EIO;
        return -1;
    }
}

extern "C" int shim_consume(shim_bpf *b)
{
    try {
        return b->perf->consume();
    } catch (...) {
        errno = EIO;
        return -1;
    }
}

extern "C" void shim_destroy(shim_bpf *b)
{
    if (!b)
        return;
    if (b->packet_sock >= 0)
        close(b->packet_sock);
    for (int link : b->links)
        close(link); // the kernel detaches the program
    // ~BPF() detaches every probe and frees the perf buffers. Calling detach_all() here as
    // well would free them twice (libbcc 0.26 does not forget them after detach_all()).
    delete b;
}
