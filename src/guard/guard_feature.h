/* ebpf_ipintelligence: outbound connections checked against threat feeds. */
#ifndef EBPFSHIELD_GUARD_FEATURE_H
#define EBPFSHIELD_GUARD_FEATURE_H

#include <stdio.h>

#include "engine/feature.h"
#include "guard/guard_config.h"
#include "output/output.h"

/* 256 pages (1 MiB) per CPU: a burst of thousands of connection events fits. */
#define GUARD_PERF_PAGES_PER_CPU 256

/* Loads the feeds, prepares the dump directory and fills f for what cfg asks, printing
 * its lines to out. 0, or -1 with a message in e. */
int guard_feature(struct feature *f, const struct guard_config *cfg, const struct output *out,
                  struct error *e);

#endif
