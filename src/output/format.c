#include "output/format.h"

#include <string.h>

/* Defined each in its own file. */
extern const struct output_format text_format, json_format;

const struct output_format *const output_formats[] = {&text_format, &json_format, NULL};

const struct output_format *output_format_named(const char *name)
{
    for (size_t i = 0; output_formats[i]; i++)
        if (strcmp(output_formats[i]->name, name) == 0)
            return output_formats[i];
    return NULL;
}
