/* Unit tests of the table of output formats (format.c): every row complete for the way it
 * takes DNS messages, names unique and found back, the default first. */
#include "check.h"
#include "output/format.h"

#include <string.h>

static void test_rows(void)
{
    size_t n = 0;
    for (; output_formats[n]; n++) {
        const struct output_format *f = output_formats[n];
        CHECK(f->name && f->name[0] && f->help);
        CHECK(strncmp(f->help, f->name, strlen(f->name)) == 0); /* its words start with it */
        CHECK(f->connection && f->hit);
        if (f->per_message)
            CHECK(f->dns_message && f->dns_unparsed && !f->dns_item);
        else
            CHECK(f->dns_item && !f->dns_message && !f->dns_unparsed);
        CHECK(output_format_named(f->name) == f);
    }
    CHECK(n >= 2);
    CHECK_STR(output_formats[0]->name, "text"); /* the default */
    CHECK(output_format_named("json") != NULL && output_format_named("json")->structured);
    CHECK(!output_formats[0]->structured && !output_formats[0]->per_message);
}

static void test_unknown(void)
{
    CHECK(output_format_named("") == NULL);
    CHECK(output_format_named("TEXT") == NULL);
    CHECK(output_format_named("jso") == NULL);
}

int main(void)
{
    test_rows();
    test_unknown();
    CHECK_DONE();
}
