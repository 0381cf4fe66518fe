/* ebpfshield-bcc: DNS monitor and threat-feed connection guard on eBPF. main parses the
 * command line and hands over to the runtime. */
#include <stdio.h>

#include "cli.h"
#include "feeds.h"
#include "log.h"
#include "runtime.h"

/* --check-feed: what update-feeds.sh runs on a download before it replaces a feed. */
static int check_feed(const struct options *opts)
{
    struct error e;
    long n = feeds_check_file(opts->check_feed, opts->allow_wide, &e);
    if (n < 0)
        return fatal("%s", e.msg);
    return n ? 0 : fatal("%s: no entry", opts->check_feed);
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
    return runtime_run(&opts);
}
