/* ebpf_ipintelligence: outbound connections checked against threat feeds. */
#ifndef EBPFSHIELD_IPINTEL_H
#define EBPFSHIELD_IPINTEL_H

#include <stdio.h>

#include "cli.h"
#include "feature.h"
#include "output.h"

/* 256 pages (1 MiB) per CPU: a burst of thousands of connection events fits. */
#define IPINTEL_PERF_PAGES_PER_CPU 256

/* Loads the feeds, prepares the dump directory and fills f, printing its lines to out.
 * 0, or -1 with a message in e. */
int ipintel_feature(struct feature *f, const struct options *opts, const struct output *out,
                    struct error *e);

#endif
