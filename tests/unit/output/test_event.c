/* Unit tests of output_time: JSON's UTC @timestamp with microseconds, -t's local time with
 * milliseconds and the zone's offset, both within a second of the clock. */
#include "check.h"
#include "base/clock.h"
#include "output/event.h"

#include <regex.h>
#include <stdlib.h>
#include <time.h>

static bool matches(const char *text, const char *pattern)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        exit(2);
    bool ok = regexec(&re, text, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* The seconds of an ISO 8601 time (its first 19 bytes) as time_t, read as UTC or local. */
static time_t seconds_of(const char *text, bool utc)
{
    struct tm tm = {.tm_isdst = -1};
    if (!strptime(text, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return utc ? timegm(&tm) : mktime(&tm);
}

static void test_forms(void)
{
    char utc[OUTPUT_TIME_MAX], local[OUTPUT_TIME_MAX];
    time_t before = time(NULL);
    output_time(utc, sizeof(utc), true, NULL);
    output_time(local, sizeof(local), false, NULL);
    time_t after = time(NULL);
    CHECK(matches(utc, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$"));
    CHECK(matches(local, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}"
                         "\\+0[12]:00$")); /* Paris: +01:00 or, in summer, +02:00 */
    CHECK(seconds_of(utc, true) >= before && seconds_of(utc, true) <= after);
    CHECK(seconds_of(local, false) >= before && seconds_of(local, false) <= after);
}

/* A buffer too short: cut, still a string. */
static void test_short_buffer(void)
{
    char buf[8];
    output_time(buf, sizeof(buf), true, NULL);
    CHECK_INT(strlen(buf), 7);
}

/* A given time (a packet's): that instant, to the microsecond (UTC) or millisecond
 * (local), not the time of the call. */
static void test_given_time(void)
{
    char utc[OUTPUT_TIME_MAX], local[OUTPUT_TIME_MAX];
    const struct timespec when = {.tv_sec = 1764932130, .tv_nsec = 123456789};
    output_time(utc, sizeof(utc), true, &when);
    output_time(local, sizeof(local), false, &when);
    CHECK_STR(utc, "2025-12-05T10:55:30.123456Z");
    CHECK_STR(local, "2025-12-05T11:55:30.123+01:00");
}

/* A CLOCK_MONOTONIC time (bpf_ktime_get_ns) in wall-clock time: 250 ms ago is 250 ms
 * before the wall clock now, to within a millisecond. */
static void test_monotonic_to_real(void)
{
    struct timespec mono, real, got;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    uint64_t ago = (uint64_t)mono.tv_sec * 1000000000 + (uint64_t)mono.tv_nsec - 250000000;
    clock_real_of_monotonic(ago, &got);
    int64_t diff = ((int64_t)real.tv_sec - got.tv_sec) * 1000000000 + (real.tv_nsec - got.tv_nsec);
    CHECK(diff > 249000000 && diff < 251000000);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    test_forms();
    test_short_buffer();
    test_given_time();
    test_monotonic_to_real();
    CHECK_DONE();
}
