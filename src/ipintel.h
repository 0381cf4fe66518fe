/* ebpf_ipintelligence: outbound connections checked against threat feeds. */
#ifndef EBPFSHIELD_IPINTEL_H
#define EBPFSHIELD_IPINTEL_H

#include <stdio.h>

#include "cli.h"
#include "feature.h"

/* Loads the feeds, prepares the dump directory and fills f, printing its lines to out.
 * 0, or -1 with a message in e. */
int ipintel_feature(struct feature *f, const struct options *opts, FILE *out, struct error *e);

#endif
