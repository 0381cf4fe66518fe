/* The feed file names seen since start, each with its id for the tries and events; a
 * reload's thread adds names while the event loop reads them, hence the lock (a name,
 * once added, stays where it is). */
#include "threatfeed/feeds.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct feed_registry {
    pthread_mutex_t lock;
    char **names;
    size_t n, cap;
};

struct feed_registry *feed_registry_new(void)
{
    struct feed_registry *reg = calloc(1, sizeof(*reg));
    if (reg)
        pthread_mutex_init(&reg->lock, NULL);
    return reg;
}

const char *feed_registry_name(const struct feed_registry *reg, uint32_t id)
{
    if (!reg)
        return NULL;
    struct feed_registry *r = (struct feed_registry *)reg; /* the lock, not the names */
    pthread_mutex_lock(&r->lock);
    const char *name = id < r->n ? r->names[id] : NULL;
    pthread_mutex_unlock(&r->lock);
    return name;
}

void feed_registry_free(struct feed_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++)
        free(reg->names[i]);
    free(reg->names);
    pthread_mutex_destroy(&reg->lock);
    free(reg);
}

static int64_t find_or_add(struct feed_registry *reg, const char *name)
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

int64_t feed_registry_id(struct feed_registry *reg, const char *name)
{
    pthread_mutex_lock(&reg->lock);
    int64_t id = find_or_add(reg, name);
    pthread_mutex_unlock(&reg->lock);
    return id;
}
