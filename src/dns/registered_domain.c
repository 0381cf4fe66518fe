#include "dns/registered_domain.h"

#include <pthread.h>
#include <string.h>

#include <libpsl.h>

#define NAME_CHARS_MAX (REGISTERED_DOMAIN_MAX - 1)
#define LABEL_MAX 63

static const psl_ctx_t *list; /* NULL: none could be loaded */
static pthread_once_t list_once = PTHREAD_ONCE_INIT;

/* Kept to the end of the process: one list, never freed. */
static void load_list(void)
{
    list = psl_latest(NULL);
}

/* The bytes a name holds unescaped here: letters, digits, '-' and '_' (_dmarc, _tcp). */
static bool name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* name without one trailing dot, in lower case, into low: its length, or 0 when it is not a
 * name this can look up (empty, too long, an empty or too long label, another byte). */
static size_t lower_name(const char *name, char low[REGISTERED_DOMAIN_MAX])
{
    size_t n = strnlen(name, NAME_CHARS_MAX + 2), label = 0;
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n > NAME_CHARS_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '.' && label == 0)
            return 0; /* ".a", "a..b" */
        if (c != '.' && (!name_byte(c) || label == LABEL_MAX))
            return 0;
        label = c == '.' ? 0 : label + 1;
        low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    low[n] = '\0';
    return label ? n : 0;
}

/* The last label is on the list: else its default rule ("*") would make a registered
 * domain of any name ("plain.test", "3.4" of 1.2.3.4). */
static bool listed_top(const char *low)
{
    const char *dot = strrchr(low, '.');
    return psl_is_public_suffix2(list, dot ? dot + 1 : low, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}

bool registered_domain(const char *name, char *out, size_t out_len)
{
    char low[REGISTERED_DOMAIN_MAX];
    if (out_len > 0)
        out[0] = '\0';
    pthread_once(&list_once, load_list);
    if (!list || lower_name(name, low) == 0 || !listed_top(low))
        return false;
    const char *found = psl_registrable_domain(list, low);
    size_t n = found ? strlen(found) : 0;
    if (n == 0 || n >= out_len)
        return false;
    memcpy(out, found, n + 1);
    return true;
}
