/* The clock ebpfshield-bcc measures intervals with (ticks, rate limits, drain deadlines). */
#ifndef EBPFSHIELD_CLOCK_H
#define EBPFSHIELD_CLOCK_H

#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CLOCK_MONOTONIC in ms. */
uint64_t monotonic_ms(void);

/* The wall-clock time (CLOCK_REALTIME) of mono_ns, a CLOCK_MONOTONIC time in ns (what
 * bpf_ktime_get_ns gives), by the clocks' offset now: exact to the microseconds that
 * reading both clocks takes, unless the wall clock was stepped since mono_ns. */
void clock_real_of_monotonic(uint64_t mono_ns, struct timespec *out);

#ifdef __cplusplus
}
#endif

#endif
