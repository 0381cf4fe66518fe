/* The clock ebpfshield-bcc measures intervals with (ticks, rate limits, drain deadlines). */
#ifndef EBPFSHIELD_CLOCK_H
#define EBPFSHIELD_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CLOCK_MONOTONIC in ms. */
uint64_t monotonic_ms(void);

#ifdef __cplusplus
}
#endif

#endif
