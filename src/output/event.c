#include "output/event.h"

#include <stdio.h>
#include <time.h>

void output_time(char *buf, size_t len, bool utc, const struct timespec *when)
{
    struct timespec now;
    struct tm tm;
    char date[32], zone[8];
    if (when && when->tv_sec)
        now = *when;
    else
        clock_gettime(CLOCK_REALTIME, &now);
    if (utc)
        gmtime_r(&now.tv_sec, &tm);
    else
        localtime_r(&now.tv_sec, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(zone, sizeof(zone), "%z", &tm); /* +0100 */
    if (utc)
        snprintf(buf, len, "%s.%06ldZ", date, now.tv_nsec / 1000);
    else
        snprintf(buf, len, "%s.%03ld%.3s:%s", date, now.tv_nsec / 1000000, zone, zone + 3);
}
