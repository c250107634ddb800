/* A small JSON reader: see json.h. */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *start;
    const char *p;
    const char *end;
    char *err;
    size_t err_len;
    int depth;
} parser;

static void fail(parser *ps, const char *what) {
    if (ps->err != NULL && ps->err[0] == '\0') {
        snprintf(ps->err, ps->err_len, "%s at byte offset %td", what, ps->p - ps->start);
    }
}

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static json_value *new_value(json_type t) {
    json_value *v = calloc(1, sizeof *v);
    if (v != NULL) {
        v->type = t;
    }
    return v;
}

/* A growable byte buffer. */
typedef struct {
    char *data;
    size_t len, cap;
} buf;

static bool buf_push(buf *b, char c) {
    if (b->len + 1 >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            return false;
        }
        b->data = d;
        b->cap = cap;
    }
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return true;
}

static bool buf_utf8(buf *b, uint32_t cp) {
    if (cp < 0x80) {
        return buf_push(b, (char)cp);
    }
    if (cp < 0x800) {
        return buf_push(b, (char)(0xC0 | (cp >> 6))) && buf_push(b, (char)(0x80 | (cp & 0x3F)));
    }
    if (cp < 0x10000) {
        return buf_push(b, (char)(0xE0 | (cp >> 12))) && buf_push(b, (char)(0x80 | ((cp >> 6) & 0x3F))) &&
               buf_push(b, (char)(0x80 | (cp & 0x3F)));
    }
    return buf_push(b, (char)(0xF0 | (cp >> 18))) && buf_push(b, (char)(0x80 | ((cp >> 12) & 0x3F))) &&
           buf_push(b, (char)(0x80 | ((cp >> 6) & 0x3F))) && buf_push(b, (char)(0x80 | (cp & 0x3F)));
}

static int hex4(parser *ps, uint32_t *out) {
    if (ps->end - ps->p < 4) {
        return -1;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (uint32_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (uint32_t)(c - 'A' + 10);
        } else {
            return -1;
        }
    }
    ps->p += 4;
    *out = v;
    return 0;
}

/* Parses a string at ps->p (which is at the opening quote). */
static bool parse_string(parser *ps, char **out, size_t *out_len) {
    buf b = {0};
    if (!buf_push(&b, 'x')) {
        return false;
    }
    b.len = 0;
    b.data[0] = '\0';
    ps->p++;
    while (ps->p < ps->end) {
        unsigned char c = (unsigned char)*ps->p++;
        if (c == '"') {
            *out = b.data;
            *out_len = b.len;
            return true;
        }
        if (c < 0x20) {
            fail(ps, "control character in string");
            free(b.data);
            return false;
        }
        if (c != '\\') {
            if (!buf_push(&b, (char)c)) {
                free(b.data);
                return false;
            }
            continue;
        }
        if (ps->p >= ps->end) {
            break;
        }
        char e = *ps->p++;
        char lit = 0;
        switch (e) {
        case '"': lit = '"'; break;
        case '\\': lit = '\\'; break;
        case '/': lit = '/'; break;
        case 'b': lit = '\b'; break;
        case 'f': lit = '\f'; break;
        case 'n': lit = '\n'; break;
        case 'r': lit = '\r'; break;
        case 't': lit = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (hex4(ps, &cp) != 0) {
                fail(ps, "bad \\u escape");
                free(b.data);
                return false;
            }
            if (cp >= 0xD800 && cp < 0xDC00) {
                uint32_t lo;
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                    fail(ps, "lone high surrogate");
                    free(b.data);
                    return false;
                }
                ps->p += 2;
                if (hex4(ps, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                    fail(ps, "bad low surrogate");
                    free(b.data);
                    return false;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                fail(ps, "lone low surrogate");
                free(b.data);
                return false;
            }
            if (!buf_utf8(&b, cp)) {
                free(b.data);
                return false;
            }
            continue;
        }
        default:
            fail(ps, "bad escape");
            free(b.data);
            return false;
        }
        if (!buf_push(&b, lit)) {
            free(b.data);
            return false;
        }
    }
    fail(ps, "unterminated string");
    free(b.data);
    return false;
}

static json_value *parse_value(parser *ps);

static bool append_item(json_value *v, json_value *item, char *key) {
    json_value **items = realloc(v->items, (v->count + 1) * sizeof *items);
    if (items == NULL) {
        return false;
    }
    v->items = items;
    if (v->type == JSON_OBJECT) {
        char **keys = realloc(v->keys, (v->count + 1) * sizeof *keys);
        if (keys == NULL) {
            return false;
        }
        v->keys = keys;
        v->keys[v->count] = key;
    }
    v->items[v->count++] = item;
    return true;
}

static json_value *parse_container(parser *ps, bool object) {
    json_value *v = new_value(object ? JSON_OBJECT : JSON_ARRAY);
    if (v == NULL) {
        return NULL;
    }
    char close = object ? '}' : ']';
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        size_t key_len = 0;
        skip_ws(ps);
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"') {
                fail(ps, "expected a key");
                json_free(v);
                return NULL;
            }
            if (!parse_string(ps, &key, &key_len)) {
                json_free(v);
                return NULL;
            }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                fail(ps, "expected ':'");
                free(key);
                json_free(v);
                return NULL;
            }
            ps->p++;
        }
        json_value *item = parse_value(ps);
        if (item == NULL || !append_item(v, item, key)) {
            json_free(item);
            free(key);
            json_free(v);
            return NULL;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return v;
        }
        fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
        json_free(v);
        return NULL;
    }
}

static bool literal(parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
        ps->p += n;
        return true;
    }
    return false;
}

static json_value *parse_value(parser *ps) {
    if (++ps->depth > 200) {
        fail(ps, "nested too deeply");
        return NULL;
    }
    skip_ws(ps);
    json_value *v = NULL;
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end");
    } else if (*ps->p == '{' || *ps->p == '[') {
        v = parse_container(ps, *ps->p == '{');
    } else if (*ps->p == '"') {
        v = new_value(JSON_STRING);
        if (v != NULL && !parse_string(ps, &v->str, &v->len)) {
            free(v);
            v = NULL;
        }
    } else if (literal(ps, "null")) {
        v = new_value(JSON_NULL);
    } else if (literal(ps, "true")) {
        v = new_value(JSON_BOOL);
        if (v != NULL) {
            v->boolean = true;
        }
    } else if (literal(ps, "false")) {
        v = new_value(JSON_BOOL);
    } else if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
        const char *start = ps->p;
        while (ps->p < ps->end && strchr("+-0123456789.eE", *ps->p) != NULL) {
            ps->p++;
        }
        v = new_value(JSON_NUMBER);
        if (v != NULL) {
            v->len = (size_t)(ps->p - start);
            v->str = malloc(v->len + 1);
            if (v->str == NULL) {
                free(v);
                v = NULL;
            } else {
                memcpy(v->str, start, v->len);
                v->str[v->len] = '\0';
            }
        }
    } else {
        fail(ps, "unexpected character");
    }
    ps->depth--;
    return v;
}

json_value *json_parse(const char *text, size_t len, char *err, size_t err_len) {
    parser ps = {text, text, text + len, err, err_len, 0};
    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    json_value *v = parse_value(&ps);
    if (v == NULL) {
        fail(&ps, "invalid JSON");
        return NULL;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "trailing characters");
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(json_value *v) {
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys != NULL) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

const json_value *json_get(const json_value *obj, const char *key) {
    if (obj == NULL || obj->type != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < obj->count; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            return obj->items[i];
        }
    }
    return NULL;
}

const char *json_get_str(const json_value *obj, const char *key) {
    const json_value *v = json_get(obj, key);
    return v != NULL && v->type == JSON_STRING ? v->str : NULL;
}
