/*
 * A small JSON reader for the scenario runner: parses a whole document
 * into a tree (RFC 8259: objects keep their key order, strings are decoded
 * to UTF-8 and may contain NUL bytes, numbers are kept as text).
 */
#ifndef SCENARIO_JSON_H
#define SCENARIO_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
    json_type type;
    bool boolean;
    /* JSON_STRING: the decoded bytes (NUL-terminated, `len` excludes the
     * NUL); JSON_NUMBER: the number's text. */
    char *str;
    size_t len;
    /* JSON_ARRAY and JSON_OBJECT: `count` items (and, for objects, keys). */
    struct json_value **items;
    char **keys;
    size_t count;
} json_value;

/* Parses `len` bytes of `text`. NULL on error, with a message in `err`. */
json_value *json_parse(const char *text, size_t len, char *err, size_t err_len);

/* Frees a tree from json_parse. NULL is ignored. */
void json_free(json_value *v);

/* The member `key` of an object, or NULL (also when `obj` is not an object). */
const json_value *json_get(const json_value *obj, const char *key);

/* The string of member `key`, or NULL when absent or not a string. */
const char *json_get_str(const json_value *obj, const char *key);

#endif
