/* ebpfshield-bcc: DNS monitor and threat-feed connection guard on eBPF. main parses the
 * command line and hands over to the runtime. */
#include <stdio.h>

#include "cli.h"
#include "runtime.h"

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
    return runtime_run(&opts);
}
