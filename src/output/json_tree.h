/* One JSON object, built key by key and written as one line, in buffers of its own that
 * start on the caller's stack and move to the heap only for a large event: no allocation
 * per value (json-c's tree of objects took 12 times the whole text line's CPU per DNS
 * message). Keys keep the order they were first set in; a string or number set again
 * replaces the value in place, an object or array asked for again is the same one.
 * Strings are escaped as RFC 8259 requires (`"`, `\` and control characters as json-c
 * does; other bytes as given). */
#ifndef EBPFSHIELD_JSON_TREE_H
#define EBPFSHIELD_JSON_TREE_H

#include <stddef.h>
#include <stdint.h>

/* A node of the tree: JSON_ROOT for the object itself; JSON_FAILED after a failed
 * allocation (any call given it does nothing, and json_tree_line then returns NULL). */
typedef int32_t json_node;
#define JSON_ROOT 0
#define JSON_FAILED (-1)

#define JSON_TREE_NODES 96 /* nodes and text bytes held in the struct itself */
#define JSON_TREE_TEXT 4096

/* The parts below are used only through the functions. */
struct json_node_data {
    size_t key, key_len; /* the key's bytes in text (key_len 0 and key 0: none) */
    union {
        struct {
            size_t at, len; /* in text */
        } string;
        int64_t i;
        uint64_t u;
        struct {
            json_node first, last;
        } members;
    } value;
    json_node next; /* the parent's next member, or JSON_FAILED */
    uint8_t kind;
};

struct json_tree {
    struct json_node_data *nodes;
    size_t count, capacity;
    char *text;
    size_t text_len, text_capacity;
    int failed;
    struct json_node_data own_nodes[JSON_TREE_NODES];
    char own_text[JSON_TREE_TEXT];
};

/* An empty object: its root only. */
void json_tree_init(struct json_tree *t);
/* What it took from the heap, given back. */
void json_tree_release(struct json_tree *t);

/* The object or array under key in the object parent, made when missing; in an array
 * parent (key NULL), a new one at its end. */
json_node json_tree_object(struct json_tree *t, json_node parent, const char *key);
json_node json_tree_array(struct json_tree *t, json_node parent, const char *key);
/* A string of len bytes, a signed or an unsigned integer, under key (NULL in an array). */
void json_tree_string(struct json_tree *t, json_node parent, const char *key, const char *s,
                      size_t len);
void json_tree_int(struct json_tree *t, json_node parent, const char *key, int64_t value);
void json_tree_uint(struct json_tree *t, json_node parent, const char *key, uint64_t value);

/* The tree as one line without a newline (malloc'd), or NULL when an allocation failed. */
char *json_tree_line(struct json_tree *t);

#endif
