/* The feed file names seen since start, each with its id for the tries and events. */
#include "threatfeed/feeds.h"

#include <stdlib.h>
#include <string.h>

struct feed_registry {
    char **names;
    size_t n, cap;
};

struct feed_registry *feed_registry_new(void)
{
    return calloc(1, sizeof(struct feed_registry));
}

const char *feed_registry_name(const struct feed_registry *reg, uint32_t id)
{
    return reg && id < reg->n ? reg->names[id] : NULL;
}

void feed_registry_free(struct feed_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++)
        free(reg->names[i]);
    free(reg->names);
    free(reg);
}

int64_t feed_registry_id(struct feed_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->n; i++)
        if (strcmp(reg->names[i], name) == 0)
            return (int64_t)i;
    if (reg->n == reg->cap) {
        size_t ncap = reg->cap ? 2 * reg->cap : 16;
        char **nv = reallocarray(reg->names, ncap, sizeof(*nv));
        if (!nv)
            return -1;
        reg->names = nv;
        reg->cap = ncap;
    }
    if (!(reg->names[reg->n] = strdup(name)))
        return -1;
    return (int64_t)reg->n++;
}
