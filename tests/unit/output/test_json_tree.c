/* Unit tests of output/json_tree.c: lines written against hand-written ones (key order,
 * nesting, arrays, integers at their limits, a key set again), every byte 0-255 in strings
 * and keys escaped exactly as json-c escapes them (json-c writes the same strings
 * independently), a tree past the buffers held in the struct (1,000 members and a 100 kB
 * string, parsed back by json-c's strict tokener), and calls given a value's node or a
 * failed one fail the tree instead of writing it. */
#include "check.h"
#include "output/json_tree.h"

#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

static void check_shape(void)
{
    struct json_tree t;
    json_tree_init(&t);
    json_tree_string(&t, JSON_ROOT, "a", "x", 1);
    json_node b = json_tree_object(&t, JSON_ROOT, "b");
    json_tree_int(&t, b, "min", INT64_MIN);
    json_tree_uint(&t, b, "max", UINT64_MAX);
    json_node list = json_tree_array(&t, JSON_ROOT, "list");
    json_tree_string(&t, list, NULL, "one", 3);
    json_node element = json_tree_object(&t, list, NULL);
    json_tree_int(&t, element, "n", -1);
    json_tree_array(&t, JSON_ROOT, "empty");
    json_tree_object(&t, JSON_ROOT, "none");
    json_tree_string(&t, JSON_ROOT, "a", "y", 1);     /* replaced in place */
    CHECK(json_tree_object(&t, JSON_ROOT, "b") == b); /* the same object again */
    json_tree_int(&t, b, "later", 7);
    char *line = json_tree_line(&t);
    CHECK_STR(line, "{\"a\":\"y\",\"b\":{\"min\":-9223372036854775808,\"max\":18446744073709551615,"
                    "\"later\":7},\"list\":[\"one\",{\"n\":-1}],\"empty\":[],\"none\":{}}");
    free(line);
    json_tree_release(&t);
    line = json_tree_line(&t); /* released: an empty object again */
    CHECK_STR(line, "{}");
    free(line);
}

/* Each byte alone, and all of them in one string, as a value and as a key. */
static void check_escapes(void)
{
    char all[256];
    for (int c = 0; c < 256; c++)
        all[c] = (char)c;
    for (int c = 0; c <= 256; c++) {
        const char *s = c < 256 ? &all[c] : all;
        size_t len = c < 256 ? 1 : sizeof(all);
        struct json_tree t;
        json_tree_init(&t);
        char key[2] = {s[0], '\0'};
        json_tree_string(&t, JSON_ROOT, c < 256 && c ? key : "k", s, len);
        char *ours = json_tree_line(&t);
        json_tree_release(&t);
        json_object *obj = json_object_new_object();
        json_object_object_add(obj, c < 256 && c ? key : "k",
                               json_object_new_string_len(s, (int)len));
        const char *theirs = json_object_to_json_string_ext(
            obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!ours || strcmp(ours, theirs) != 0) {
            fprintf(stderr, "byte %d: ours %s, json-c's %s\n", c, ours ? ours : "(null)", theirs);
            check_failures++;
        }
        free(ours);
        json_object_put(obj);
    }
}

/* Past the struct's own nodes and text: the heap takes over, the line stays whole. */
static void check_large(void)
{
    static char big[100000];
    memset(big, 'q', sizeof(big));
    big[500] = '"';
    struct json_tree t;
    json_tree_init(&t);
    json_node arr = json_tree_array(&t, JSON_ROOT, "many");
    for (int i = 0; i < 1000; i++)
        json_tree_int(&t, arr, NULL, i);
    json_tree_string(&t, JSON_ROOT, "big", big, sizeof(big));
    char *line = json_tree_line(&t);
    json_tree_release(&t);
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *obj = line ? json_tokener_parse_ex(tok, line, (int)strlen(line)) : NULL;
    CHECK(obj != NULL);
    json_object *many, *text;
    CHECK(obj && json_object_object_get_ex(obj, "many", &many) &&
          json_object_array_length(many) == 1000 &&
          json_object_get_int(json_object_array_get_idx(many, 999)) == 999);
    CHECK(obj && json_object_object_get_ex(obj, "big", &text) &&
          json_object_get_string_len(text) == (int)sizeof(big) &&
          memcmp(json_object_get_string(text), big, sizeof(big)) == 0);
    json_object_put(obj);
    json_tokener_free(tok);
    free(line);
}

/* A value given as a parent, or a node that failed: no line at all. */
static void check_failures_fail_the_tree(void)
{
    struct json_tree t;
    json_tree_init(&t);
    json_tree_string(&t, JSON_ROOT, "s", "v", 1);
    json_node s = json_tree_object(&t, JSON_ROOT, "o");
    json_tree_int(&t, s + 1, "x", 1); /* no such node yet */
    CHECK(json_tree_line(&t) == NULL);
    json_tree_release(&t);
    json_tree_init(&t);
    json_tree_string(&t, JSON_ROOT, "s", "v", 1);
    json_tree_int(&t, 1, "x", 1); /* node 1 is the string */
    CHECK(json_tree_line(&t) == NULL);
    json_tree_release(&t);
    json_tree_init(&t);
    json_tree_int(&t, JSON_FAILED, "x", 1);
    CHECK(json_tree_object(&t, JSON_ROOT, "later") == JSON_FAILED);
    CHECK(json_tree_line(&t) == NULL);
    json_tree_release(&t);
    json_tree_init(&t);
    json_tree_string(&t, JSON_ROOT, NULL, "v", 1); /* a member without a name */
    CHECK(json_tree_line(&t) == NULL);
    json_tree_release(&t);
}

int main(void)
{
    check_shape();
    check_escapes();
    check_large();
    check_failures_fail_the_tree();
    CHECK_DONE();
}
