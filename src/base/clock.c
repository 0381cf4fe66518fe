#include "base/clock.h"

#include <time.h>

uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void clock_real_of_monotonic(uint64_t mono_ns, struct timespec *out)
{
    struct timespec real, mono;
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    int64_t now_mono = (int64_t)mono.tv_sec * 1000000000 + mono.tv_nsec;
    int64_t at = (int64_t)real.tv_sec * 1000000000 + real.tv_nsec - (now_mono - (int64_t)mono_ns);
    out->tv_sec = (time_t)(at / 1000000000);
    out->tv_nsec = (long)(at % 1000000000);
}
