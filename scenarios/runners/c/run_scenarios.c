/*
 * Runs the cross-language scenario suite (the JSON files of scenarios/, format in
 * scenarios/README.md) against the C API directly.
 *
 * Usage: run_scenarios [--filter SUBSTRING] [-v] SCENARIO_DIR EXPECTED_FAILURES_FILE
 *
 * Prints one line per failure and a closing `scenarios: N passed, N failed`;
 * exits 1 on any mismatch, including a scenario listed in the expected
 * failures file that passes. Built and run (natively and under valgrind) by
 * test.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include "json.h"
#include "petrel.h"

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most parameters or results a function of a scenario has. */
#define MAX_VALUES 32

#define MAX_ITEMS 256 /* stores, instances and modules per scenario */
#define MAX_LOG 64
#define HOST_TAG UINT64_C(0x5CE7A110)

/* ------------------------------------------------------------ state */

typedef struct {
    const char *name;
    petrel_store_t *store;
} store_ent;

typedef struct {
    const char *name;
    petrel_instance_t inst;
    int store; /* index in stores */
} inst_ent;

typedef struct {
    const char *name;
    petrel_module_t *module;
    bool dropped;
} module_ent;

/* One entry of the host log: a value (kind, bits or reference) or an outcome. */
typedef struct {
    bool is_outcome;
    char outcome[32];
    petrel_valkind_t kind;
    petrel_valraw_t raw;
} log_ent;

struct scenario;

/* The environment of one vocabulary host function. */
typedef struct host_def {
    struct scenario *sc;
    const json_value *def;
    petrel_valkind_t params[MAX_VALUES], results[MAX_VALUES];
    size_t nparams, nresults;
} host_def;

typedef struct scenario {
    const json_value *json;
    petrel_engine_t *engine;
    petrel_linker_t *linker;
    store_ent stores[MAX_ITEMS];
    size_t nstores;
    inst_ent insts[MAX_ITEMS];
    size_t ninsts;
    module_ent modules[MAX_ITEMS];
    size_t nmodules;
    host_def **hosts; /* every host function environment made, freed at the end */
    size_t nhosts;
    log_ent log[MAX_LOG];
    size_t nlog;
    pthread_mutex_t log_lock;
    char problem[1024];
} scenario;

static bool verbose = false;

/* Records the first problem of a scenario; returns false for chaining. */
static bool problem(scenario *sc, const char *fmt, ...) {
    if (sc->problem[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(sc->problem, sizeof sc->problem, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ------------------------------------------------------------ values */

static int valkind_from_name(const char *s, petrel_valkind_t *out) {
    static const char *names[] = {"i32", "i64", "f32", "f64", "v128", "funcref", "externref"};
    static const petrel_valkind_t kinds[] = {PETREL_I32, PETREL_I64, PETREL_F32, PETREL_F64, PETREL_V128, PETREL_FUNCREF, PETREL_EXTERNREF};
    for (size_t i = 0; i < 7; i++) {
        if (s != NULL && strcmp(s, names[i]) == 0) {
            *out = kinds[i];
            return 0;
        }
    }
    return -1;
}

static const char *TRAP_NAMES[] = {
    "stack_overflow", "memory_out_of_bounds", "table_out_of_bounds", "indirect_call_to_null",
    "bad_signature", "integer_overflow", "integer_division_by_zero", "bad_conversion_to_integer",
    "unreachable", "interrupt", "out_of_fuel", "null_reference",
};

static const char *trap_name(petrel_trap_code_t c) {
    return c < sizeof TRAP_NAMES / sizeof TRAP_NAMES[0] ? TRAP_NAMES[c] : "unknown";
}

static int trap_code_from_name(const char *s, petrel_trap_code_t *out) {
    for (size_t i = 0; i < sizeof TRAP_NAMES / sizeof TRAP_NAMES[0]; i++) {
        if (s != NULL && strcmp(s, TRAP_NAMES[i]) == 0) {
            *out = (petrel_trap_code_t)i;
            return 0;
        }
    }
    return -1;
}

/* A decimal string (signed or unsigned) as 64 bits. */
static int parse_int(const char *s, uint64_t *out) {
    if (s == NULL || *s == '\0') {
        return -1;
    }
    char *end;
    if (s[0] == '-') {
        long long v = strtoll(s, &end, 10);
        *out = (uint64_t)v;
    } else {
        unsigned long long v = strtoull(s, &end, 10);
        *out = (uint64_t)v;
    }
    return *end == '\0' ? 0 : -1;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "0x..." (at most `max_digits` hex digits) as an integer. */
static int parse_hex(const char *s, int max_digits, uint64_t *out) {
    if (s == NULL || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
        return -1;
    }
    s += 2;
    uint64_t v = 0;
    int n = 0;
    for (; *s; s++, n++) {
        int d = hex_digit(*s);
        if (d < 0 || n >= max_digits) {
            return -1;
        }
        v = (v << 4) | (uint64_t)d;
    }
    *out = v;
    return n > 0 ? 0 : -1;
}

/* "0x" + 32 hex digits, the little-endian 128-bit integer, as 16 bytes. */
static int parse_v128(const char *s, uint8_t out[16]) {
    if (s == NULL || strlen(s) != 34 || s[0] != '0' || s[1] != 'x') {
        return -1;
    }
    for (int i = 0; i < 16; i++) {
        int hi = hex_digit(s[2 + (15 - i) * 2]), lo = hex_digit(s[3 + (15 - i) * 2]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* Byte string from hex digits (no prefix). Caller frees. */
static uint8_t *parse_bytes(const char *s, size_t *len) {
    size_t n = strlen(s);
    if (n % 2 != 0) {
        return NULL;
    }
    uint8_t *b = malloc(n / 2 + 1);
    if (b == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return b;
}

static void hex_of(const uint8_t *b, size_t n, char *out, size_t cap) {
    size_t j = 0;
    for (size_t i = 0; i < n && j + 3 < cap; i++) {
        j += (size_t)snprintf(out + j, cap - j, "%02x", b[i]);
    }
    out[j] = '\0';
}

/* The single key of a typed value object. */
static const char *value_key(const json_value *v, petrel_valkind_t *kind) {
    if (v == NULL || v->type != JSON_OBJECT || v->count != 1 || valkind_from_name(v->keys[0], kind) != 0) {
        return NULL;
    }
    return v->keys[0];
}

static int find_store(scenario *sc, const char *name) {
    for (size_t i = 0; i < sc->nstores; i++) {
        if (strcmp(sc->stores[i].name, name) == 0) return (int)i;
    }
    return -1;
}

static inst_ent *find_inst(scenario *sc, const char *name) {
    for (size_t i = 0; i < sc->ninsts; i++) {
        if (name != NULL && strcmp(sc->insts[i].name, name) == 0) return &sc->insts[i];
    }
    return NULL;
}

/* The export `name` of instance `iname`, looked up with the instance's own
 * store. Returns an error, or NULL with `*found` set. */
static petrel_error_t *lookup_export(scenario *sc, const char *iname, const char *name, petrel_extern_t *item, bool *found) {
    inst_ent *ie = find_inst(sc, iname);
    *found = false;
    if (ie == NULL || name == NULL) {
        return petrel_error_new("runner: unknown instance", 24);
    }
    return petrel_instance_export_get(sc->stores[ie->store].store, ie->inst, name, strlen(name), item, found);
}

/* A typed scenario value as a petrel_val_t for `store`. On failure, an
 * error (returned) or a scenario problem (NULL with *bad set). */
static petrel_error_t *to_val(scenario *sc, petrel_store_t *store, const json_value *v, petrel_val_t *out, bool *bad) {
    petrel_valkind_t k;
    const char *key = value_key(v, &k);
    *bad = false;
    memset(out, 0, sizeof *out);
    if (key == NULL) {
        *bad = true;
        problem(sc, "bad typed value");
        return NULL;
    }
    out->kind = k;
    const json_value *x = v->items[0];
    uint64_t n = 0;
    switch (k) {
    case PETREL_I32:
    case PETREL_I64:
        if (x->type != JSON_STRING || parse_int(x->str, &n) != 0) break;
        if (k == PETREL_I32) out->of.i32 = (int32_t)(uint32_t)n;
        else out->of.i64 = (int64_t)n;
        return NULL;
    case PETREL_F32: {
        if (x->type != JSON_STRING || parse_hex(x->str, 8, &n) != 0) break;
        uint32_t b = (uint32_t)n;
        memcpy(&out->of.f32, &b, 4);
        return NULL;
    }
    case PETREL_F64:
        if (x->type != JSON_STRING || parse_hex(x->str, 16, &n) != 0) break;
        memcpy(&out->of.f64, &n, 8);
        return NULL;
    case PETREL_V128:
        if (x->type != JSON_STRING || parse_v128(x->str, out->of.v128) != 0) break;
        return NULL;
    case PETREL_FUNCREF: {
        if (x->type == JSON_NULL) return NULL;
        petrel_extern_t item;
        bool found;
        petrel_error_t *e = lookup_export(sc, json_get_str(x, "instance"), json_get_str(x, "export"), &item, &found);
        if (e != NULL) return e;
        if (!found || item.kind != PETREL_EXTERN_FUNC) break;
        out->of.funcref.store_id = item.store_id;
        out->of.funcref.index = item.index;
        return NULL;
    }
    case PETREL_EXTERNREF:
        if (x->type == JSON_NULL) return NULL;
        if (x->type != JSON_STRING || parse_int(x->str, &n) != 0) break;
        return petrel_externref_new(store, (void *)(uintptr_t)n, NULL, &out->of.externref);
    default:
        break;
    }
    *bad = true;
    problem(sc, "bad typed value");
    return NULL;
}

/* Formats a value for messages. */
static void describe_val(petrel_store_t *store, const petrel_val_t *v, char *out, size_t cap) {
    switch (v->kind) {
    case PETREL_I32: snprintf(out, cap, "{\"i32\": \"%" PRId32 "\"}", v->of.i32); break;
    case PETREL_I64: snprintf(out, cap, "{\"i64\": \"%" PRId64 "\"}", v->of.i64); break;
    case PETREL_F32: {
        uint32_t b;
        memcpy(&b, &v->of.f32, 4);
        snprintf(out, cap, "{\"f32\": \"0x%08" PRIx32 "\"}", b);
        break;
    }
    case PETREL_F64: {
        uint64_t b;
        memcpy(&b, &v->of.f64, 8);
        snprintf(out, cap, "{\"f64\": \"0x%016" PRIx64 "\"}", b);
        break;
    }
    case PETREL_V128: {
        char h[40];
        for (int i = 0; i < 16; i++) snprintf(h + 2 * i, 3, "%02x", v->of.v128[15 - i]);
        snprintf(out, cap, "{\"v128\": \"0x%s\"}", h);
        break;
    }
    case PETREL_FUNCREF: snprintf(out, cap, "{\"funcref\": %s}", v->of.funcref.store_id ? "\"non-null\"" : "null"); break;
    default: {
        if (v->of.externref.store_id == 0) {
            snprintf(out, cap, "{\"externref\": null}");
            break;
        }
        void *data = NULL;
        petrel_error_t *e = petrel_externref_data(store, v->of.externref, &data);
        petrel_error_delete(e);
        snprintf(out, cap, "{\"externref\": \"%" PRIuPTR "\"}", (uintptr_t)data);
    }
    }
}

/* Whether `v` (a value of `store`) is the typed expected value `want`. */
static bool val_matches(scenario *sc, petrel_store_t *store, const json_value *want, const petrel_val_t *v) {
    petrel_valkind_t k;
    if (value_key(want, &k) == NULL) {
        return problem(sc, "bad expected value");
    }
    if (k != v->kind) return false;
    const json_value *x = want->items[0];
    uint64_t n = 0;
    switch (k) {
    case PETREL_I32: return parse_int(x->str, &n) == 0 && (uint32_t)n == (uint32_t)v->of.i32;
    case PETREL_I64: return parse_int(x->str, &n) == 0 && n == (uint64_t)v->of.i64;
    case PETREL_F32: {
        uint32_t b;
        memcpy(&b, &v->of.f32, 4);
        return parse_hex(x->str, 8, &n) == 0 && (uint32_t)n == b;
    }
    case PETREL_F64: {
        uint64_t b;
        memcpy(&b, &v->of.f64, 8);
        return parse_hex(x->str, 16, &n) == 0 && n == b;
    }
    case PETREL_V128: {
        uint8_t b[16];
        return parse_v128(x->str, b) == 0 && memcmp(b, v->of.v128, 16) == 0;
    }
    case PETREL_FUNCREF:
        if (x->type == JSON_NULL) return v->of.funcref.store_id == 0;
        return x->type == JSON_STRING && strcmp(x->str, "non-null") == 0 && v->of.funcref.store_id != 0;
    default: {
        if (x->type == JSON_NULL) return v->of.externref.store_id == 0;
        if (v->of.externref.store_id == 0 || parse_int(x->str, &n) != 0) return false;
        void *data = NULL;
        petrel_error_t *e = petrel_externref_data(store, v->of.externref, &data);
        if (e != NULL) {
            petrel_error_delete(e);
            return false;
        }
        return (uint64_t)(uintptr_t)data == n;
    }
    }
}

/* ------------------------------------------------------------ errors */

/* Until the C API exposes a machine-readable error kind, errors that are
 * not traps or host errors are classified by message text, in this order
 * (scenarios/README.md, "Classifying errors"). */
static const struct {
    const char *needle;
    const char *kind;
} MESSAGE_KINDS[] = {
    {"wrong store", "wrong_store"},
    {"is not in this store", "wrong_store"},
    {"store is closed", "closed_store"},
    {"in use by another thread", "thread"},
    {"while it is in use", "in_use"},
    {"failed to parse WebAssembly text", "compile"},
    {"invalid WebAssembly module", "compile"},
    {"serialized module", "deserialize"},
    {"serialized Petrel module", "deserialize"},
    {"compiled Petrel module", "deserialize"},
    {"the compiled module", "deserialize"},
    {"authentication failed", "deserialize"},
    {"unknown import", "link"},
    {"incompatible import type", "link"},
    {"imports, found", "link"},
    {"already defined", "link"},
    {"different engine", "link"},
    {"resource limit exceeded", "limit"},
    {"failed to grow", "limit"},
    {"immutable global", "immutable"},
    {"is not enabled", "not_enabled"},
    {" arguments, got ", "arity"},
    {"cannot hold a", "type_mismatch"},
    {"is not a value of type", "type_mismatch"},
    {", expected ", "type_mismatch"},
};

/* The error kind of `e`. `host_access`: the error came from a host-side
 * memory or table access, where an out-of-bounds trap is `out_of_bounds`. */
static const char *classify(const petrel_error_t *e, bool host_access) {
    if (petrel_error_host_tag(e, NULL)) return "host_error";
    const petrel_trap_t *t = petrel_error_as_trap(e);
    if (t != NULL) {
        petrel_trap_code_t c = petrel_trap_code(t);
        if (host_access && (c == PETREL_TRAP_MEMORY_OUT_OF_BOUNDS || c == PETREL_TRAP_TABLE_OUT_OF_BOUNDS)) {
            return "out_of_bounds";
        }
        return "trap";
    }
    const char *msg = petrel_error_message(e);
    if (strncmp(msg, "runner: not found", 17) == 0) return "not_found";
    for (size_t i = 0; i < sizeof MESSAGE_KINDS / sizeof MESSAGE_KINDS[0]; i++) {
        if (strstr(msg, MESSAGE_KINDS[i].needle) != NULL) return MESSAGE_KINDS[i].kind;
    }
    return "unclassified";
}

static petrel_error_t *not_found(const char *what) {
    char msg[256];
    int n = snprintf(msg, sizeof msg, "runner: not found: %s", what ? what : "(null)");
    return petrel_error_new(msg, (size_t)n);
}

/* Checks error `e` (consumed) against `expect`. */
static bool check_error(scenario *sc, const json_value *expect, petrel_error_t *e, bool host_access) {
    const char *kind = classify(e, host_access);
    const char *want = json_get_str(expect, "error");
    bool ok = true;
    if (want == NULL) {
        ok = problem(sc, "unexpected error (%s): %s", kind, petrel_error_message(e));
    } else if (strcmp(want, kind) != 0) {
        ok = problem(sc, "expected error %s, got %s: %s", want, kind, petrel_error_message(e));
    } else if (strcmp(kind, "trap") == 0) {
        const petrel_trap_t *t = petrel_error_as_trap(e);
        const char *code = trap_name(petrel_trap_code(t));
        const char *want_code = json_get_str(expect, "trap");
        if (want_code == NULL || strcmp(code, want_code) != 0) {
            ok = problem(sc, "expected trap %s, got %s: %s", want_code ? want_code : "?", code, petrel_error_message(e));
        }
        const json_value *frames = json_get(expect, "frames");
        if (ok && frames != NULL) {
            size_t n = petrel_trap_frame_count(t);
            bool same = frames->type == JSON_ARRAY && frames->count == n;
            char got[512] = "";
            size_t used = 0;
            for (size_t i = 0; i < n; i++) {
                petrel_frame_t f;
                petrel_trap_frame(t, i, &f);
                used += (size_t)snprintf(got + used, used < sizeof got ? sizeof got - used : 0, "%s%.*s", i ? ", " : "",
                                         f.func_name.data ? (int)f.func_name.len : 4, f.func_name.data ? f.func_name.data : "null");
                if (!same) continue;
                const json_value *w = frames->items[i];
                if (f.func_name.data == NULL) {
                    same = w->type == JSON_NULL;
                } else {
                    same = w->type == JSON_STRING && w->len == f.func_name.len && memcmp(w->str, f.func_name.data, w->len) == 0;
                }
            }
            if (!same) ok = problem(sc, "trap frames differ: got [%s]", got);
        }
    } else if (strcmp(kind, "host_error") == 0) {
        uint64_t tag = 0;
        const char *msg = json_get_str(expect, "message");
        petrel_error_host_tag(e, &tag);
        if (tag != HOST_TAG || msg == NULL || strcmp(msg, petrel_error_message(e)) != 0) {
            ok = problem(sc, "expected host error '%s', got '%s' (tag %" PRIu64 ")", msg ? msg : "?", petrel_error_message(e), tag);
        }
    }
    petrel_error_delete(e);
    return ok;
}

/* ------------------------------------------------------------ host functions */

static void log_value(scenario *sc, petrel_valkind_t k, petrel_valraw_t raw) {
    pthread_mutex_lock(&sc->log_lock);
    if (sc->nlog < MAX_LOG) {
        log_ent *l = &sc->log[sc->nlog++];
        memset(l, 0, sizeof *l);
        l->kind = k;
        l->raw = raw;
    }
    pthread_mutex_unlock(&sc->log_lock);
}

static void log_outcome(scenario *sc, const char *outcome) {
    pthread_mutex_lock(&sc->log_lock);
    if (sc->nlog < MAX_LOG) {
        log_ent *l = &sc->log[sc->nlog++];
        memset(l, 0, sizeof *l);
        l->is_outcome = true;
        snprintf(l->outcome, sizeof l->outcome, "%s", outcome);
    }
    pthread_mutex_unlock(&sc->log_lock);
}

/* The caller's export `name` as a memory (or an error). */
static petrel_error_t *caller_item(petrel_caller_t *caller, const char *name, petrel_extern_kind_t kind, petrel_extern_t *item,
                                   petrel_store_t **store) {
    bool found = false;
    petrel_error_t *e = petrel_caller_export_get(caller, name, strlen(name), item, &found);
    if (e != NULL) return e;
    if (!found || item->kind != kind) return not_found(name);
    return petrel_caller_store(caller, store);
}

typedef struct {
    scenario *sc;
    petrel_store_t *store;
    petrel_func_t func;
    const json_value *args;
    const char *outcome;
} thread_call;

static void *other_thread_call(void *p) {
    thread_call *tc = p;
    petrel_val_t args[MAX_VALUES];
    size_t n = tc->args ? tc->args->count : 0;
    bool bad = false;
    petrel_error_t *e = NULL;
    for (size_t i = 0; i < n && i < MAX_VALUES && e == NULL && !bad; i++) {
        e = to_val(tc->sc, tc->store, tc->args->items[i], &args[i], &bad);
    }
    petrel_val_t results[MAX_VALUES];
    petrel_functype_t *ft = NULL;
    if (e == NULL && !bad) e = petrel_func_type(tc->store, tc->func, &ft);
    if (e == NULL && !bad) {
        const petrel_valkind_t *r;
        size_t nr;
        e = petrel_functype_results(ft, &r, &nr);
        if (e == NULL) e = petrel_func_call(tc->store, tc->func, args, n, results, nr);
    }
    petrel_functype_delete(ft);
    tc->outcome = bad ? "bad_scenario" : e == NULL ? "ok" : classify(e, false);
    petrel_error_delete(e);
    return NULL;
}

static petrel_error_t *host_callback(void *env, petrel_caller_t *caller, petrel_valraw_t *vals, size_t nargs, size_t nresults) {
    host_def *h = env;
    scenario *sc = h->sc;
    const char *fn = json_get_str(h->def, "func");
    if (fn == NULL) fn = "";
    if (strcmp(fn, "add") == 0) {
        if (h->params[0] == PETREL_I64) vals[0].i64 = (int64_t)((uint64_t)vals[0].i64 + (uint64_t)vals[1].i64);
        else vals[0].i32 = (int32_t)((uint32_t)vals[0].i32 + (uint32_t)vals[1].i32);
        return NULL;
    }
    if (strcmp(fn, "echo") == 0) {
        return NULL; /* results are the arguments, already in place */
    }
    if (strcmp(fn, "nop") == 0) {
        memset(vals, 0, nresults * sizeof *vals);
        return NULL;
    }
    if (strcmp(fn, "throw_host_error") == 0) {
        const char *msg = json_get_str(h->def, "message");
        return petrel_error_new_host(msg, strlen(msg), HOST_TAG);
    }
    if (strcmp(fn, "trap") == 0) {
        petrel_trap_code_t c = PETREL_TRAP_UNREACHABLE;
        trap_code_from_name(json_get_str(h->def, "trap"), &c);
        return petrel_error_new_trap(c);
    }
    if (strcmp(fn, "call_back_into_wasm") == 0) {
        petrel_extern_t item;
        petrel_store_t *store;
        petrel_error_t *e = caller_item(caller, json_get_str(h->def, "export"), PETREL_EXTERN_FUNC, &item, &store);
        if (e != NULL) return e;
        petrel_func_t f = {item.store_id, item.index};
        return petrel_func_call_raw(store, &f, vals, nargs > nresults ? nargs : nresults);
    }
    if (strcmp(fn, "record") == 0) {
        for (size_t i = 0; i < nargs; i++) log_value(sc, h->params[i], vals[i]);
        return NULL;
    }
    if (strcmp(fn, "record_memory_byte") == 0) {
        petrel_extern_t item;
        petrel_store_t *store;
        petrel_error_t *e = caller_item(caller, "memory", PETREL_EXTERN_MEMORY, &item, &store);
        if (e != NULL) return e;
        petrel_memory_t m = {item.store_id, item.index};
        uint8_t b = 0;
        e = petrel_memory_read(store, m, (uint32_t)vals[0].i32, &b, 1);
        if (e != NULL) return e;
        petrel_valraw_t raw;
        memset(&raw, 0, sizeof raw);
        raw.i32 = b;
        log_value(sc, PETREL_I32, raw);
        return NULL;
    }
    if (strcmp(fn, "grow_memory") == 0) {
        petrel_extern_t item;
        petrel_store_t *store;
        petrel_error_t *e = caller_item(caller, "memory", PETREL_EXTERN_MEMORY, &item, &store);
        if (e != NULL) return e;
        petrel_memory_t m = {item.store_id, item.index};
        uint64_t old = 0;
        e = petrel_memory_grow(store, m, (uint32_t)vals[0].i32, &old);
        vals[0].i32 = e == NULL ? (int32_t)old : -1;
        petrel_error_delete(e);
        return NULL;
    }
    if (strcmp(fn, "increment_epoch") == 0) {
        return petrel_engine_increment_epoch(sc->engine);
    }
    if (strcmp(fn, "call_on_other_thread") == 0) {
        petrel_extern_t item;
        thread_call tc = {sc, NULL, {0, 0}, json_get(h->def, "args"), NULL};
        petrel_error_t *e = caller_item(caller, json_get_str(h->def, "export"), PETREL_EXTERN_FUNC, &item, &tc.store);
        if (e != NULL) return e;
        tc.func.store_id = item.store_id;
        tc.func.index = item.index;
        pthread_t t;
        if (pthread_create(&t, NULL, other_thread_call, &tc) != 0) return petrel_error_new("pthread_create failed", 21);
        pthread_join(t, NULL);
        log_outcome(sc, tc.outcome);
        return NULL;
    }
    if (strcmp(fn, "close_store") == 0) {
        petrel_store_t *store;
        petrel_error_t *e = petrel_caller_store(caller, &store);
        if (e != NULL) return e;
        e = petrel_store_close(store);
        log_outcome(sc, e == NULL ? "ok" : classify(e, false));
        petrel_error_delete(e);
        return NULL;
    }
    char msg[128];
    int n = snprintf(msg, sizeof msg, "unknown vocabulary function %s", fn);
    return petrel_error_new(msg, (size_t)n);
}

static host_def *new_host(scenario *sc, const json_value *def) {
    host_def **hosts = realloc(sc->hosts, (sc->nhosts + 1) * sizeof *hosts);
    if (hosts == NULL) {
        problem(sc, "out of memory");
        return NULL;
    }
    sc->hosts = hosts;
    host_def *h = calloc(1, sizeof *h);
    if (h == NULL) {
        problem(sc, "out of memory");
        return NULL;
    }
    h->sc = sc;
    h->def = def;
    const json_value *p = json_get(def, "params"), *r = json_get(def, "results");
    bool ok = p != NULL && r != NULL && p->type == JSON_ARRAY && r->type == JSON_ARRAY && p->count <= MAX_VALUES && r->count <= MAX_VALUES;
    for (size_t i = 0; ok && i < p->count; i++) ok = valkind_from_name(p->items[i]->str, &h->params[i]) == 0;
    for (size_t i = 0; ok && i < r->count; i++) ok = valkind_from_name(r->items[i]->str, &h->results[i]) == 0;
    if (!ok) {
        free(h);
        problem(sc, "bad host definition");
        return NULL;
    }
    h->nparams = p->count;
    h->nresults = r->count;
    sc->hosts[sc->nhosts++] = h;
    return h;
}

static petrel_error_t *host_functype(host_def *h, petrel_functype_t **ft) {
    return petrel_functype_new(h->params, h->nparams, h->results, h->nresults, ft);
}

static petrel_error_t *define_host(scenario *sc, const json_value *def, bool *bad) {
    host_def *h = new_host(sc, def);
    *bad = h == NULL;
    if (h == NULL) return NULL;
    petrel_functype_t *ft = NULL;
    petrel_error_t *e = host_functype(h, &ft);
    if (e == NULL) {
        const char *m = json_get_str(def, "module"), *n = json_get_str(def, "name");
        e = petrel_linker_define_func(sc->linker, m, strlen(m), n, strlen(n), ft, host_callback, h, NULL);
    }
    petrel_functype_delete(ft);
    return e;
}

/* A host function of the scenario's list, made in `store`. */
static petrel_error_t *make_host_func(scenario *sc, const char *name, petrel_store_t *store, petrel_func_t *f, bool *bad) {
    const json_value *hosts = json_get(sc->json, "host");
    *bad = true;
    for (size_t i = 0; hosts != NULL && i < hosts->count; i++) {
        if (strcmp(json_get_str(hosts->items[i], "name"), name) != 0) continue;
        host_def *h = new_host(sc, hosts->items[i]);
        if (h == NULL) return NULL;
        *bad = false;
        petrel_functype_t *ft = NULL;
        petrel_error_t *e = host_functype(h, &ft);
        if (e == NULL) e = petrel_func_new(store, ft, host_callback, h, NULL, f);
        petrel_functype_delete(ft);
        return e;
    }
    problem(sc, "no host function %s", name);
    return NULL;
}

/* ------------------------------------------------------------ steps */

static petrel_store_t *step_store(scenario *sc, const json_value *step) {
    const char *s = json_get_str(step, "store");
    if (s != NULL) {
        int i = find_store(sc, s);
        return i < 0 ? NULL : sc->stores[i].store;
    }
    inst_ent *ie = find_inst(sc, json_get_str(step, "instance"));
    if (ie != NULL) return sc->stores[ie->store].store;
    return sc->stores[0].store;
}

static petrel_error_t *get_module(scenario *sc, const char *name, petrel_module_t **out, bool *bad) {
    *bad = false;
    for (size_t i = 0; i < sc->nmodules; i++) {
        if (strcmp(sc->modules[i].name, name) == 0) {
            if (sc->modules[i].dropped) break;
            *out = sc->modules[i].module;
            return NULL;
        }
    }
    const json_value *src = json_get(json_get(sc->json, "modules"), name);
    if (src == NULL || sc->engine == NULL || sc->nmodules >= MAX_ITEMS) {
        *bad = true;
        problem(sc, "module %s unknown, dropped, compiled after drop_engine, or more than MAX_ITEMS modules", name);
        return NULL;
    }
    petrel_error_t *e;
    if (src->type == JSON_STRING) {
        e = petrel_module_new(sc->engine, (const uint8_t *)src->str, src->len, out);
    } else {
        size_t n = 0;
        const char *hex = json_get_str(src, "hex");
        uint8_t *b = hex ? parse_bytes(hex, &n) : NULL;
        if (b == NULL) {
            *bad = true;
            problem(sc, "bad module %s", name);
            return NULL;
        }
        e = petrel_module_new(sc->engine, b, n, out);
        free(b);
    }
    if (e == NULL) {
        sc->modules[sc->nmodules].name = name;
        sc->modules[sc->nmodules].module = *out;
        sc->modules[sc->nmodules].dropped = false;
        sc->nmodules++;
    }
    return e;
}

/* What a step produced, for the value checks. */
typedef struct {
    petrel_val_t vals[MAX_VALUES];
    size_t nvals;
    uint64_t number;
    uint8_t *bytes;
    size_t nbytes;
    int exit_code;
    petrel_bytes_t out, err;
    petrel_store_t *store;
} produced;

static petrel_error_t *item_of(scenario *sc, const json_value *step, petrel_extern_kind_t kind, petrel_extern_t *item) {
    bool found;
    petrel_error_t *e = lookup_export(sc, json_get_str(step, "instance"), json_get_str(step, "export"), item, &found);
    if (e == NULL && (!found || item->kind != kind)) e = not_found(json_get_str(step, "export"));
    return e;
}

#define BAD(...) (*bad = true, problem(sc, __VA_ARGS__), (petrel_error_t *)NULL)

static petrel_error_t *do_call(scenario *sc, const json_value *step, petrel_store_t *store, produced *p, bool *bad) {
    petrel_extern_t item;
    petrel_error_t *e = item_of(sc, step, PETREL_EXTERN_FUNC, &item);
    if (e != NULL) return e;
    petrel_func_t f = {item.store_id, item.index};
    const json_value *args = json_get(step, "args");
    petrel_val_t a[MAX_VALUES];
    size_t n = args ? args->count : 0;
    if (n > MAX_VALUES) return BAD("too many arguments");
    for (size_t i = 0; i < n; i++) {
        e = to_val(sc, store, args->items[i], &a[i], bad);
        if (e != NULL || *bad) return e;
    }
    petrel_functype_t *ft = NULL;
    e = petrel_func_type(store, f, &ft);
    if (e != NULL) return e;
    const petrel_valkind_t *rk;
    size_t nr = 0;
    e = petrel_functype_results(ft, &rk, &nr);
    petrel_functype_delete(ft);
    if (e != NULL) return e;
    if (nr > MAX_VALUES) return BAD("too many results");
    p->nvals = nr;
    return petrel_func_call(store, f, a, n, p->vals, nr);
}

typedef struct {
    scenario *sc;
    const json_value *step;
    petrel_store_t *store;
    produced *p;
    bool bad;
    petrel_error_t *e;
} call_thread;

static void *call_on_thread(void *arg) {
    call_thread *ct = arg;
    ct->e = do_call(ct->sc, ct->step, ct->store, ct->p, &ct->bad);
    return NULL;
}

static void corrupt(const char *how, petrel_bytes_t *blob, uint8_t **data, size_t *len, bool *bad) {
    *len = blob->len;
    *data = malloc(blob->len + 1);
    memcpy(*data, blob->data, blob->len);
    if (how == NULL) return;
    if (strcmp(how, "truncate_half") == 0) *len /= 2;
    else if (strcmp(how, "flip_middle_byte") == 0) (*data)[*len / 2] ^= 0xFF;
    else if (strcmp(how, "flip_first_byte") == 0) (*data)[0] ^= 0xFF;
    else if (strcmp(how, "flip_last_byte") == 0) (*data)[*len - 1] ^= 0xFF;
    else if (strcmp(how, "empty") == 0) *len = 0;
    else if (strcmp(how, "append_byte") == 0) (*data)[(*len)++] = 0;
    else *bad = true;
}

static petrel_error_t *wasi_run(scenario *sc, const json_value *step, petrel_store_t *store, produced *p, bool *bad) {
    petrel_wasi_config_t *cfg = NULL;
    petrel_error_t *e = petrel_wasi_config_new(&cfg);
    if (e != NULL) return e;
    const json_value *args = json_get(step, "args"), *env = json_get(step, "env"), *in = json_get(step, "stdin");
    size_t na = args ? args->count : 0, ne = env ? env->count : 0;
    const char **argv = calloc(na + 1, sizeof *argv);
    const char **names = calloc(ne + 1, sizeof *names);
    const char **values = calloc(ne + 1, sizeof *values);
    for (size_t i = 0; i < na; i++) argv[i] = args->items[i]->str;
    for (size_t i = 0; i < ne; i++) {
        names[i] = env->items[i]->items[0]->str;
        values[i] = env->items[i]->items[1]->str;
    }
    e = petrel_wasi_config_set_argv(cfg, argv, na);
    if (e == NULL) e = petrel_wasi_config_set_env(cfg, names, values, ne);
    if (e == NULL && in != NULL) e = petrel_wasi_config_set_stdin_bytes(cfg, (const uint8_t *)in->str, in->len);
    if (e == NULL) e = petrel_wasi_config_set_stdout_capture(cfg, 1 << 20);
    if (e == NULL) e = petrel_wasi_config_set_stderr_capture(cfg, 1 << 20);
    free(argv);
    free(names);
    free(values);
    if (e != NULL) {
        petrel_wasi_config_delete(cfg);
        return e;
    }
    e = petrel_store_set_wasi(store, cfg);
    if (e != NULL) return e;
    petrel_module_t *m = NULL;
    e = get_module(sc, json_get_str(step, "module"), &m, bad);
    if (e != NULL || *bad) return e;
    petrel_instance_t inst;
    e = petrel_linker_instantiate(sc->linker, store, m, &inst);
    if (e != NULL) return e;
    petrel_extern_t item;
    bool found = false;
    e = petrel_instance_export_get(store, inst, "_start", 6, &item, &found);
    if (e != NULL) return e;
    if (!found || item.kind != PETREL_EXTERN_FUNC) return not_found("_start");
    petrel_func_t f = {item.store_id, item.index};
    e = petrel_func_call(store, f, NULL, 0, NULL, 0);
    p->exit_code = 0;
    if (e != NULL) {
        if (!petrel_error_exit_status(e, &p->exit_code)) return e;
        petrel_error_delete(e);
    }
    e = petrel_store_wasi_stdout(store, &p->out);
    if (e == NULL) e = petrel_store_wasi_stderr(store, &p->err);
    return e;
}

/* Runs one step; returns an error (to be checked against the expectation)
 * or NULL with the step's products in `p`. */
static petrel_error_t *run_op(scenario *sc, const char *op, const json_value *step, produced *p, bool *host_access, bool *bad) {
    petrel_store_t *store = step_store(sc, step);
    p->store = store;
    *bad = false;
    if (store == NULL && strcmp(op, "store_new") != 0) return BAD("unknown store");
    if (strcmp(op, "store_new") == 0) {
        if (sc->engine == NULL || sc->nstores >= MAX_ITEMS) return BAD("store_new after drop_engine, or more than MAX_ITEMS stores");
        store_ent *s = &sc->stores[sc->nstores];
        s->name = json_get_str(step, "store");
        petrel_error_t *e = petrel_store_new(sc->engine, NULL, NULL, &s->store);
        if (e == NULL) sc->nstores++;
        return e;
    }
    if (strcmp(op, "compile") == 0) {
        petrel_module_t *m;
        return get_module(sc, json_get_str(step, "module"), &m, bad);
    }
    if (strcmp(op, "instantiate") == 0) {
        petrel_module_t *m = NULL;
        petrel_error_t *e = get_module(sc, json_get_str(step, "module"), &m, bad);
        if (e != NULL || *bad) return e;
        if (sc->ninsts >= MAX_ITEMS) return BAD("too many instances");
        inst_ent *ie = &sc->insts[sc->ninsts];
        const json_value *imports = json_get(step, "imports");
        if (imports != NULL) {
            petrel_extern_t items[16];
            if (imports->count > 16) return BAD("too many imports");
            for (size_t i = 0; i < imports->count; i++) {
                const json_value *imp = imports->items[i];
                const char *host = json_get_str(imp, "host");
                if (host != NULL) {
                    const char *sname = json_get_str(imp, "store");
                    int si = find_store(sc, sname ? sname : "main");
                    if (si < 0) return BAD("unknown store");
                    petrel_func_t f;
                    e = make_host_func(sc, host, sc->stores[si].store, &f, bad);
                    if (e != NULL || *bad) return e;
                    items[i].kind = PETREL_EXTERN_FUNC;
                    items[i].store_id = f.store_id;
                    items[i].index = f.index;
                } else {
                    bool found;
                    e = lookup_export(sc, json_get_str(imp, "instance"), json_get_str(imp, "export"), &items[i], &found);
                    if (e != NULL) return e;
                    if (!found) return not_found(json_get_str(imp, "export"));
                }
            }
            e = petrel_instance_new(store, m, items, imports->count, &ie->inst);
        } else {
            e = petrel_linker_instantiate(sc->linker, store, m, &ie->inst);
        }
        if (e == NULL) {
            ie->name = json_get_str(step, "as");
            ie->store = 0;
            for (size_t i = 0; i < sc->nstores; i++) {
                if (sc->stores[i].store == store) ie->store = (int)i;
            }
            sc->ninsts++;
        }
        return e;
    }
    if (strcmp(op, "exports") == 0) {
        inst_ent *ie = find_inst(sc, json_get_str(step, "instance"));
        size_t n;
        if (ie == NULL) return BAD("unknown instance");
        return petrel_instance_export_count(store, ie->inst, &n);
    }
    if (strcmp(op, "call") == 0) {
        const json_value *t = json_get(step, "on_thread");
        if (t != NULL && t->boolean) {
            call_thread ct = {sc, step, store, p, false, NULL};
            pthread_t th;
            if (pthread_create(&th, NULL, call_on_thread, &ct) != 0) return BAD("pthread_create failed");
            pthread_join(th, NULL);
            *bad = ct.bad;
            return ct.e;
        }
        return do_call(sc, step, store, p, bad);
    }
    if (strcmp(op, "host_call") == 0) {
        petrel_func_t f;
        petrel_error_t *e = make_host_func(sc, json_get_str(step, "host"), store, &f, bad);
        if (e != NULL || *bad) return e;
        const json_value *args = json_get(step, "args");
        petrel_val_t a[MAX_VALUES];
        size_t n = args ? args->count : 0;
        for (size_t i = 0; i < n && i < MAX_VALUES; i++) {
            e = to_val(sc, store, args->items[i], &a[i], bad);
            if (e != NULL || *bad) return e;
        }
        p->nvals = sc->hosts[sc->nhosts - 1]->nresults;
        return petrel_func_call(store, f, a, n, p->vals, p->nvals);
    }
    *host_access = strncmp(op, "memory_", 7) == 0 || strncmp(op, "table_", 6) == 0;
    if (strncmp(op, "memory_", 7) == 0) {
        petrel_extern_t item;
        petrel_error_t *e = item_of(sc, step, PETREL_EXTERN_MEMORY, &item);
        if (e != NULL) return e;
        petrel_memory_t m = {item.store_id, item.index};
        uint64_t a = 0, b = 0;
        if (strcmp(op, "memory_size") == 0) return petrel_memory_size(store, m, &p->number);
        if (strcmp(op, "memory_grow") == 0) {
            if (parse_int(json_get_str(step, "delta"), &a) != 0) return BAD("bad delta");
            return petrel_memory_grow(store, m, a, &p->number);
        }
        if (parse_int(json_get_str(step, "offset"), &a) != 0) return BAD("bad offset");
        if (strcmp(op, "memory_read") == 0) {
            if (parse_int(json_get_str(step, "length"), &b) != 0 || b > (1u << 20)) return BAD("bad length");
            p->bytes = malloc(b + 1);
            p->nbytes = b;
            return petrel_memory_read(store, m, a, p->bytes, b);
        }
        if (strcmp(op, "memory_write") == 0) {
            size_t n = 0;
            uint8_t *bytes = parse_bytes(json_get_str(step, "bytes"), &n);
            if (bytes == NULL) return BAD("bad bytes");
            petrel_error_t *w = petrel_memory_write(store, m, a, bytes, n);
            free(bytes);
            return w;
        }
        return BAD("unknown op %s", op);
    }
    if (strncmp(op, "table_", 6) == 0) {
        petrel_extern_t item;
        petrel_error_t *e = item_of(sc, step, PETREL_EXTERN_TABLE, &item);
        if (e != NULL) return e;
        petrel_table_t t = {item.store_id, item.index};
        uint64_t a = 0;
        petrel_val_t v;
        if (strcmp(op, "table_size") == 0) {
            uint32_t n = 0;
            e = petrel_table_size(store, t, &n);
            p->number = n;
            return e;
        }
        if (strcmp(op, "table_get") == 0) {
            if (parse_int(json_get_str(step, "index"), &a) != 0) return BAD("bad index");
            p->nvals = 1;
            return petrel_table_get(store, t, (uint32_t)a, &p->vals[0]);
        }
        if (strcmp(op, "table_set") == 0) {
            if (parse_int(json_get_str(step, "index"), &a) != 0) return BAD("bad index");
            e = to_val(sc, store, json_get(step, "value"), &v, bad);
            if (e != NULL || *bad) return e;
            return petrel_table_set(store, t, (uint32_t)a, &v);
        }
        if (strcmp(op, "table_grow") == 0) {
            uint32_t old = 0;
            if (parse_int(json_get_str(step, "delta"), &a) != 0) return BAD("bad delta");
            e = to_val(sc, store, json_get(step, "init"), &v, bad);
            if (e != NULL || *bad) return e;
            e = petrel_table_grow(store, t, (uint32_t)a, &v, &old);
            p->number = old;
            return e;
        }
        return BAD("unknown op %s", op);
    }
    if (strncmp(op, "global_", 7) == 0) {
        petrel_extern_t item;
        petrel_error_t *e = item_of(sc, step, PETREL_EXTERN_GLOBAL, &item);
        if (e != NULL) return e;
        petrel_global_t g = {item.store_id, item.index};
        if (strcmp(op, "global_get") == 0) {
            p->nvals = 1;
            return petrel_global_get(store, g, &p->vals[0]);
        }
        if (strcmp(op, "global_set") == 0) {
            petrel_val_t v;
            e = to_val(sc, store, json_get(step, "value"), &v, bad);
            if (e != NULL || *bad) return e;
            return petrel_global_set(store, g, &v);
        }
        return BAD("unknown op %s", op);
    }
    uint64_t n = 0, m = 0, k = 0;
    if (strcmp(op, "set_fuel") == 0) {
        if (parse_int(json_get_str(step, "fuel"), &n) != 0) return BAD("bad fuel");
        return petrel_store_set_fuel(store, n);
    }
    if (strcmp(op, "get_fuel") == 0) return petrel_store_get_fuel(store, &p->number);
    if (strcmp(op, "set_epoch_deadline") == 0) {
        if (parse_int(json_get_str(step, "ticks"), &n) != 0) return BAD("bad ticks");
        return petrel_store_set_epoch_deadline(store, n);
    }
    if (strcmp(op, "increment_epoch") == 0) {
        if (sc->engine == NULL) return BAD("increment_epoch after drop_engine");
        return petrel_engine_increment_epoch(sc->engine);
    }
    if (strcmp(op, "set_limits") == 0) {
        if (parse_int(json_get_str(step, "memory_size"), &n) || parse_int(json_get_str(step, "table_elements"), &m) ||
            parse_int(json_get_str(step, "instances"), &k)) {
            return BAD("bad limits");
        }
        return petrel_store_limiter(store, (int64_t)n, (int64_t)m, (int64_t)k);
    }
    if (strcmp(op, "close_store") == 0) return petrel_store_close(store);
    if (strcmp(op, "drop_engine") == 0) {
        petrel_engine_delete(sc->engine);
        sc->engine = NULL;
        return NULL;
    }
    if (strcmp(op, "drop_module") == 0) {
        petrel_module_t *mod;
        const char *name = json_get_str(step, "module");
        petrel_error_t *e = get_module(sc, name, &mod, bad);
        if (e != NULL || *bad) return e;
        for (size_t i = 0; i < sc->nmodules; i++) {
            if (strcmp(sc->modules[i].name, name) == 0 && !sc->modules[i].dropped) {
                petrel_module_delete(sc->modules[i].module);
                sc->modules[i].module = NULL;
                sc->modules[i].dropped = true;
            }
        }
        return NULL;
    }
    if (strcmp(op, "serialize") == 0) {
        petrel_module_t *mod = NULL;
        petrel_error_t *e = get_module(sc, json_get_str(step, "module"), &mod, bad);
        if (e != NULL || *bad) return e;
        if (sc->engine == NULL || sc->nmodules >= MAX_ITEMS) return BAD("serialize after drop_engine, or more than MAX_ITEMS modules");
        petrel_bytes_t blob = {0};
        e = petrel_module_serialize(mod, &blob);
        if (e != NULL) return e;
        uint8_t *data;
        size_t len;
        corrupt(json_get_str(step, "corrupt"), &blob, &data, &len, bad);
        petrel_bytes_delete(&blob);
        petrel_module_t *copy = NULL;
        if (!*bad) e = petrel_module_deserialize(sc->engine, data, len, &copy);
        free(data);
        if (*bad) return BAD("unknown corruption");
        if (e == NULL) {
            sc->modules[sc->nmodules].name = json_get_str(step, "as");
            sc->modules[sc->nmodules].module = copy;
            sc->modules[sc->nmodules].dropped = false;
            sc->nmodules++;
        }
        return e;
    }
    if (strcmp(op, "linker_define") == 0) {
        petrel_extern_t item;
        bool found;
        petrel_error_t *e = lookup_export(sc, json_get_str(step, "instance"), json_get_str(step, "export"), &item, &found);
        if (e != NULL) return e;
        if (!found) return not_found(json_get_str(step, "export"));
        const char *mod = json_get_str(step, "module"), *name = json_get_str(step, "name");
        return petrel_linker_define(sc->linker, store, mod, strlen(mod), name, strlen(name), item);
    }
    if (strcmp(op, "linker_define_instance") == 0) {
        inst_ent *ie = find_inst(sc, json_get_str(step, "instance"));
        const char *mod = json_get_str(step, "module");
        if (ie == NULL || mod == NULL) return BAD("bad linker_define_instance");
        return petrel_linker_define_instance(sc->linker, store, mod, strlen(mod), ie->inst);
    }
    if (strcmp(op, "linker_define_host") == 0) return define_host(sc, json_get(step, "host"), bad);
    if (strcmp(op, "linker_allow_shadowing") == 0) {
        const json_value *a = json_get(step, "allow");
        return petrel_linker_allow_shadowing(sc->linker, a != NULL && a->boolean);
    }
    if (strcmp(op, "log") == 0) return NULL;
    if (strcmp(op, "wasi_run") == 0) return wasi_run(sc, step, store, p, bad);
    return BAD("unknown op %s", op);
}

static bool check_log(scenario *sc, const json_value *want) {
    bool ok = want != NULL && want->type == JSON_ARRAY && want->count == sc->nlog;
    char got[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < sc->nlog; i++) {
        log_ent *l = &sc->log[i];
        char d[96];
        if (l->is_outcome) {
            if (strcmp(l->outcome, "ok") == 0) snprintf(d, sizeof d, "{\"ok\": true}");
            else snprintf(d, sizeof d, "{\"error\": \"%s\"}", l->outcome);
        } else {
            petrel_val_t v;
            memset(&v, 0, sizeof v);
            v.kind = l->kind;
            memcpy(v.of.v128, l->raw.v128, 16);
            describe_val(NULL, &v, d, sizeof d);
            if (ok) ok = val_matches(sc, NULL, want->items[i], &v);
        }
        if (l->is_outcome && ok) {
            const char *w = json_get_str(want->items[i], "error");
            if (json_get(want->items[i], "ok") != NULL) w = "ok";
            ok = w != NULL && strcmp(w, l->outcome) == 0;
        }
        used += (size_t)snprintf(got + used, used < sizeof got ? sizeof got - used : 0, "%s%s", i ? ", " : "", d);
    }
    sc->nlog = 0;
    if (!ok) return problem(sc, "log differs: got [%s]", got);
    return true;
}

static bool check_products(scenario *sc, const char *op, const json_value *expect, produced *p) {
    if (expect == NULL || (expect->type == JSON_STRING && strcmp(expect->str, "ok") == 0)) return true;
    if (json_get(expect, "error") != NULL) return problem(sc, "expected error %s, got success", json_get_str(expect, "error"));
    const json_value *w;
    if (strcmp(op, "wasi_run") == 0) {
        const json_value *code = json_get(expect, "exit_code");
        const json_value *out = json_get(expect, "stdout"), *err = json_get(expect, "stderr");
        bool ok = code != NULL && out != NULL && err != NULL && atoi(code->str) == p->exit_code && out->len == p->out.len &&
                  (out->len == 0 || memcmp(out->str, p->out.data, out->len) == 0) && err->len == p->err.len &&
                  (err->len == 0 || memcmp(err->str, p->err.data, err->len) == 0);
        if (!ok) {
            return problem(sc, "wasi: expected exit %s stdout '%s' stderr '%s', got exit %d stdout '%.*s' stderr '%.*s'",
                           code ? code->str : "?", out ? out->str : "?", err ? err->str : "?", p->exit_code, (int)p->out.len,
                           p->out.data ? (const char *)p->out.data : "", (int)p->err.len, p->err.data ? (const char *)p->err.data : "");
        }
        return true;
    }
    if ((w = json_get(expect, "results")) != NULL) {
        bool ok = w->type == JSON_ARRAY && w->count == p->nvals;
        for (size_t i = 0; ok && i < p->nvals; i++) ok = val_matches(sc, p->store, w->items[i], &p->vals[i]);
        if (!ok) {
            char got[1024] = "";
            size_t used = 0;
            for (size_t i = 0; i < p->nvals; i++) {
                char d[96];
                describe_val(p->store, &p->vals[i], d, sizeof d);
                used += (size_t)snprintf(got + used, used < sizeof got ? sizeof got - used : 0, "%s%s", i ? ", " : "", d);
            }
            return problem(sc, "results differ: got [%s]", got);
        }
        return true;
    }
    if ((w = json_get(expect, "value")) != NULL) {
        if (p->nvals != 1 || !val_matches(sc, p->store, w, &p->vals[0])) {
            char d[96] = "";
            if (p->nvals == 1) describe_val(p->store, &p->vals[0], d, sizeof d);
            return problem(sc, "value differs: got %s", d);
        }
        return true;
    }
    if ((w = json_get(expect, "log")) != NULL) return check_log(sc, w);
    if ((w = json_get(expect, "bytes")) != NULL) {
        char got[2 * 64 + 1];
        hex_of(p->bytes, p->nbytes, got, sizeof got);
        size_t n = 0;
        uint8_t *b = parse_bytes(w->str, &n);
        bool ok = b != NULL && n == p->nbytes && (n == 0 || memcmp(b, p->bytes, n) == 0);
        free(b);
        if (!ok) return problem(sc, "bytes differ: got %s", got);
        return true;
    }
    static const char *numbers[] = {"size", "old_size", "fuel"};
    for (size_t i = 0; i < 3; i++) {
        if ((w = json_get(expect, numbers[i])) != NULL) {
            uint64_t n = 0;
            if (parse_int(w->str, &n) != 0 || n != p->number) {
                return problem(sc, "expected %s %s, got %" PRIu64, numbers[i], w->str, p->number);
            }
            return true;
        }
    }
    return problem(sc, "unknown expectation");
}

static bool run_step(scenario *sc, const json_value *step) {
    const char *op = json_get_str(step, "op");
    const json_value *expect = json_get(step, "expect");
    produced p;
    memset(&p, 0, sizeof p);
    bool host_access = false, bad = false;
    if (op == NULL) return problem(sc, "step without op");
    if (strcmp(op, "log") == 0) return check_log(sc, json_get(expect, "log"));
    petrel_error_t *e = run_op(sc, op, step, &p, &host_access, &bad);
    bool ok;
    if (bad) {
        petrel_error_delete(e);
        ok = false;
    } else if (e != NULL) {
        ok = check_error(sc, expect, e, host_access);
    } else {
        ok = check_products(sc, op, expect, &p);
    }
    free(p.bytes);
    petrel_bytes_delete(&p.out);
    petrel_bytes_delete(&p.err);
    return ok;
}

static bool setup(scenario *sc) {
    const json_value *cfg = json_get(sc->json, "config");
    petrel_config_t *config = NULL;
    petrel_error_t *e = petrel_config_new(&config);
    const json_value *v;
    if (e == NULL && (v = json_get(cfg, "consume_fuel")) != NULL) e = petrel_config_consume_fuel(config, v->boolean);
    if (e == NULL && (v = json_get(cfg, "epoch_interruption")) != NULL) e = petrel_config_epoch_interruption(config, v->boolean);
    if (e == NULL && (v = json_get(cfg, "static_memory_guard")) != NULL) e = petrel_config_static_memory_guard(config, v->boolean);
    if (e == NULL && (v = json_get(cfg, "wasm_wide_arithmetic")) != NULL) e = petrel_config_wasm_wide_arithmetic(config, v->boolean);
    if (e == NULL && (v = json_get(cfg, "wasm_custom_page_sizes")) != NULL) e = petrel_config_wasm_custom_page_sizes(config, v->boolean);
    if (e == NULL && (v = json_get(cfg, "max_wasm_stack")) != NULL) {
        uint64_t n = 0;
        parse_int(v->str, &n);
        e = petrel_config_max_wasm_stack(config, (size_t)n);
    }
    if (e == NULL) e = petrel_engine_new(config, &sc->engine);
    petrel_config_delete(config);
    if (e == NULL) e = petrel_linker_new(sc->engine, &sc->linker);
    const json_value *w = json_get(sc->json, "wasi");
    if (e == NULL && w != NULL && w->boolean) e = petrel_linker_define_wasi(sc->linker);
    const json_value *hosts = json_get(sc->json, "host");
    bool bad = false;
    for (size_t i = 0; e == NULL && !bad && hosts != NULL && i < hosts->count; i++) e = define_host(sc, hosts->items[i], &bad);
    if (e == NULL && !bad) {
        sc->stores[0].name = "main";
        e = petrel_store_new(sc->engine, NULL, NULL, &sc->stores[0].store);
        if (e == NULL) sc->nstores = 1;
    }
    if (e != NULL) {
        problem(sc, "setup failed: %s", petrel_error_message(e));
        petrel_error_delete(e);
        return false;
    }
    return !bad;
}

static void teardown(scenario *sc) {
    for (size_t i = 0; i < sc->nstores; i++) {
        petrel_error_t *e = petrel_store_delete(sc->stores[i].store);
        if (e != NULL) {
            problem(sc, "store_delete failed: %s", petrel_error_message(e));
            petrel_error_delete(e);
        }
    }
    for (size_t i = 0; i < sc->nmodules; i++) {
        if (!sc->modules[i].dropped) petrel_module_delete(sc->modules[i].module);
    }
    petrel_linker_delete(sc->linker);
    petrel_engine_delete(sc->engine);
    for (size_t i = 0; i < sc->nhosts; i++) free(sc->hosts[i]);
    free(sc->hosts);
    pthread_mutex_destroy(&sc->log_lock);
}

/* Runs one scenario; returns NULL on success or the problem (static buffer). */
static const char *run_scenario(const json_value *json, char *out, size_t cap) {
    scenario *sc = calloc(1, sizeof *sc);
    if (sc == NULL) return "out of memory";
    sc->json = json;
    pthread_mutex_init(&sc->log_lock, NULL);
    const json_value *steps = json_get(json, "steps");
    if (setup(sc) && steps != NULL) {
        for (size_t i = 0; i < steps->count; i++) {
            const json_value *step = steps->items[i];
            const json_value *rep = json_get(step, "repeat");
            long repeat = rep != NULL ? atol(rep->str) : 1;
            for (long r = 0; r < repeat; r++) {
                if (!run_step(sc, step)) {
                    char tmp[1024];
                    snprintf(tmp, sizeof tmp, "%s", sc->problem);
                    if (rep != NULL) {
                        snprintf(sc->problem, sizeof sc->problem, "step %zu (%s, repeat %ld): %.900s", i + 1, json_get_str(step, "op"), r + 1, tmp);
                    } else {
                        snprintf(sc->problem, sizeof sc->problem, "step %zu (%s): %.900s", i + 1, json_get_str(step, "op"), tmp);
                    }
                    goto done;
                }
            }
        }
    }
done:
    teardown(sc);
    const char *result = NULL;
    if (sc->problem[0] != '\0') {
        snprintf(out, cap, "%s", sc->problem);
        result = out;
    }
    free(sc);
    return result;
}

/* ------------------------------------------------------------ main */

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b != NULL && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b != NULL) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct {
    char name[128];
    char reason[256];
    bool seen;
} expected_ent;

int main(int argc, char **argv) {
    const char *filter = NULL, *dir = NULL, *xfail_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc) filter = argv[++i];
        else if (strcmp(argv[i], "-v") == 0) verbose = true;
        else if (dir == NULL) dir = argv[i];
        else xfail_path = argv[i];
    }
    if (dir == NULL || xfail_path == NULL) {
        fprintf(stderr, "usage: %s [--filter S] [-v] SCENARIO_DIR EXPECTED_FAILURES_FILE\n", argv[0]);
        return 2;
    }
    expected_ent *xf = NULL;
    size_t nxf = 0;
    FILE *f = fopen(xfail_path, "r");
    if (f != NULL) {
        char line[512];
        while (fgets(line, sizeof line, f) != NULL) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] == '\0' || line[0] == '#') continue;
            xf = realloc(xf, (nxf + 1) * sizeof *xf);
            memset(&xf[nxf], 0, sizeof *xf);
            char *sp = strchr(line, ' ');
            if (sp != NULL) *sp = '\0';
            snprintf(xf[nxf].name, sizeof xf[nxf].name, "%.127s", line);
            snprintf(xf[nxf].reason, sizeof xf[nxf].reason, "%.255s", sp ? sp + 1 : "");
            nxf++;
        }
        fclose(f);
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s\n", dir);
        free(xf);
        return 2;
    }
    char **files = NULL;
    size_t nfiles = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0) {
            files = realloc(files, (nfiles + 1) * sizeof *files);
            files[nfiles++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(files, nfiles, sizeof *files, cmp_str);
    int passed = 0, failed = 0, bad = 0;
    char **names = NULL;
    size_t nnames = 0;
    for (size_t fi = 0; fi < nfiles; fi++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[fi]);
        size_t len = 0;
        char *text = read_file(path, &len);
        char err[256];
        json_value *doc = text ? json_parse(text, len, err, sizeof err) : NULL;
        const json_value *list = json_get(doc, "scenarios");
        if (list == NULL) {
            printf("FAIL %s: cannot read: %s\n", path, text ? err : "unreadable");
            bad++;
        }
        for (size_t i = 0; list != NULL && i < list->count; i++) {
            const json_value *s = list->items[i];
            const char *name = json_get_str(s, "name");
            if (name == NULL) name = "(unnamed)";
            for (size_t j = 0; j < nnames; j++) {
                if (strcmp(names[j], name) == 0) {
                    printf("FAIL %s: scenario name used more than once\n", name);
                    bad++;
                }
            }
            names = realloc(names, (nnames + 1) * sizeof *names);
            names[nnames++] = strdup(name);
            if (filter != NULL && strstr(name, filter) == NULL) continue;
            expected_ent *x = NULL;
            for (size_t j = 0; j < nxf; j++) {
                if (strcmp(xf[j].name, name) == 0) x = &xf[j];
            }
            if (x != NULL) x->seen = true;
            char buf[1200];
            const char *prob = run_scenario(s, buf, sizeof buf);
            if (prob == NULL) {
                passed++;
                if (x != NULL) {
                    printf("FAIL %s: listed as an expected failure (%s) but passes: remove it from the list\n", name, x->reason);
                    bad++;
                } else if (verbose) {
                    printf("ok %s\n", name);
                }
            } else {
                failed++;
                if (x != NULL) {
                    printf("expected failure %s: %s\n", name, prob);
                } else {
                    printf("FAIL %s: %s\n", name, prob);
                    bad++;
                }
            }
            fflush(stdout);
        }
        json_free(doc);
        free(text);
        free(files[fi]);
    }
    free(files);
    for (size_t j = 0; j < nxf; j++) {
        bool exists = false;
        for (size_t k = 0; k < nnames; k++) exists = exists || strcmp(names[k], xf[j].name) == 0;
        if (!exists) {
            printf("FAIL %s: listed in %s but no such scenario\n", xf[j].name, xfail_path);
            bad++;
        }
    }
    for (size_t k = 0; k < nnames; k++) free(names[k]);
    free(names);
    if (nxf > 0) printf("expected failures listed: %zu (%s)\n", nxf, xfail_path);
    free(xf);
    printf("scenarios: %d passed, %d failed\n", passed, failed);
    return bad ? 1 : 0;
}
