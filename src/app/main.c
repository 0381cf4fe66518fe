/* ebpfshield-bcc: DNS monitor and threat-feed connection guard on eBPF. main parses the
 * command line and hands over to the runtime. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "app/cli.h"
#include "engine/tc_filter.h"
#include "guard/instance_lock.h"
#include "guard/persist.h"
#include "threatfeed/feeds.h"
#include "base/log.h"
#include "app/runtime.h"

/* --check-feed: what update-feeds.sh runs on a download before it replaces a feed. A
 * page of text with an address in it is not a feed: more junk than entries fails. */
static int check_feed(const struct options *opts)
{
    struct feed_file_stats st;
    struct error e;
    signal(SIGHUP, SIG_IGN); /* a reload signal meant for the running tool */
    if (feeds_check_file(opts->check_feed, opts->guard.allow_wide, &st, &e) != 0)
        return log_fatal("%s", e.msg);
    size_t entries = st.v4 + st.v6 + st.names;
    if (entries == 0)
        return log_fatal("%s: no entry", opts->check_feed);
    if (st.skipped > entries)
        return log_fatal("%s: more lines skipped (%zu) than entries (%zu): not a feed",
                         opts->check_feed, st.skipped, entries);
    return 0;
}

/* --unload: the pins --persist left removed; the kernel detaches each link as its last
 * reference goes (a running instance's stay until it exits); and the egress filters a
 * --persist run left on a kernel without TCX links. */
static int unload(void)
{
    struct error e;
    int lock = instance_lock(&e); /* not under a running guard's feet */
    if (lock < 0)
        return log_fatal("%s: --unload would remove its pins while it runs; stop it first", e.msg);
    int removed = persist_prune(NULL, NULL, true, &e);
    if (removed >= 0)
        removed += tc_filter_detach_others(NULL, 0, true, true);
    close(lock);
    if (removed < 0)
        return log_fatal("%s", e.msg);
    if (removed == 0)
        log_note("nothing pinned in %s: nothing to unload", PERSIST_DIR);
    return 0;
}

int main(int argc, char **argv)
{
    struct options opts;
    if (cli_parse(argc, argv, &opts, stderr) != CLI_OK)
        return 2;
    if (opts.help) {
        cli_usage(stdout, "ebpfshield-bcc", true);
        return 0;
    }
    if (opts.version) {
        printf("ebpfshield-bcc %s\n", EBPFSHIELD_VERSION);
        return 0;
    }
    if (opts.check_feed)
        return check_feed(&opts);
    if (opts.unload)
        return unload();
    return runtime_run(&opts);
}
