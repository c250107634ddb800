/*
 * Tests of the C API through the generated header, the same scenarios as
 * the Python tests: compile, instantiate, call (checked and raw), host
 * calls, traps with backtraces, memory, tables, globals, linker, fuel,
 * epochs, limits, serialization, authenticated serialized modules (shared
 * keys, refusal of modified, truncated, foreign and re-labelled blobs), a
 * store used from two threads, 64-bit memories and tables and byte-sized
 * pages (memory64, custom-page-sizes), WASI
 * (captured output, exit status, the preopen sandbox), and misuse. Run by
 * test.sh under valgrind (no definite leaks allowed).
 *
 * Build: cc -std=c11 -pthread -I capi/include test_api.c -L target/release -lpetrel_capi
 */
#define _POSIX_C_SOURCE 200809L
#include "petrel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(petrel_func_t) == 16, "handle is {u64, size_t}");
_Static_assert(sizeof(petrel_valraw_t) == 16, "raw values are 16 bytes");
_Static_assert(offsetof(petrel_func_t, index) == 8, "handle layout");

static int failures = 0;
static int passed = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failures++;                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

/* Fails the test (and frees the error) when `e` is an error. */
#define OK(expr)                                                            \
    do {                                                                    \
        petrel_error_t *e_ = (expr);                                        \
        if (e_ != NULL) {                                                   \
            failures++;                                                     \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__,   \
                    #expr, petrel_error_message(e_));                       \
            petrel_error_delete(e_);                                        \
        } else {                                                            \
            passed++;                                                       \
        }                                                                   \
    } while (0)

/* Expects an error whose message contains `needle`; frees it. */
static void expect_error(petrel_error_t *e, const char *needle, int line) {
    if (e == NULL) {
        failures++;
        fprintf(stderr, "%s:%d: expected an error containing '%s'\n", __FILE__, line, needle);
        return;
    }
    if (strstr(petrel_error_message(e), needle) == NULL) {
        failures++;
        fprintf(stderr, "%s:%d: error '%s' lacks '%s'\n", __FILE__, line,
                petrel_error_message(e), needle);
    } else {
        passed++;
    }
    petrel_error_delete(e);
}
#define ERR(expr, needle) expect_error((expr), (needle), __LINE__)

static const char *WAT =
    "(module $m\n"
    "  (import \"host\" \"double\" (func $double (param i32) (result i32)))\n"
    "  (memory (export \"mem\") 1 4)\n"
    "  (table (export \"tab\") 2 10 funcref)\n"
    "  (global (export \"g\") (mut i32) (i32.const 7))\n"
    "  (global (export \"c\") i64 (i64.const 9))\n"
    "  (func $add (export \"add\") (param i32 i32) (result i32)\n"
    "    local.get 0 local.get 1 i32.add)\n"
    "  (func (export \"call_double\") (param i32) (result i32)\n"
    "    local.get 0 call $double)\n"
    "  (func $inner (unreachable))\n"
    "  (func $outer (export \"trap\") call $inner)\n"
    "  (func (export \"div\") (param i32 i32) (result i32)\n"
    "    local.get 0 local.get 1 i32.div_s)\n"
    "  (func (export \"load\") (param i32) (result i32)\n"
    "    local.get 0 i32.load)\n"
    "  (func (export \"grow\") (param i32) (result i32)\n"
    "    local.get 0 memory.grow)\n"
    "  (func (export \"spin\") (loop br 0))\n"
    "  (func (export \"id\") (param funcref) (result funcref) local.get 0)\n"
    "  (elem (i32.const 0) $add))\n";

typedef struct {
    int calls;
    int finalized;
} host_env_t;

static void finalize_env(void *data) { ((host_env_t *)data)->finalized++; }

/* double(x) = 2x; reads the caller's memory size through the caller. */
static petrel_error_t *host_double(void *env, petrel_caller_t *caller,
                                   petrel_valraw_t *args, size_t nargs, size_t nresults) {
    host_env_t *h = env;
    h->calls++;
    if (nargs != 1 || nresults != 1) {
        return petrel_error_new("bad arity", 9);
    }
    if (args[0].i32 == 13) {
        return petrel_error_new_host("unlucky", 7, 1313);
    }
    if (args[0].i32 == 99) {
        return petrel_error_new_trap(PETREL_TRAP_INTEGER_OVERFLOW);
    }
    petrel_extern_t mem;
    bool found = false;
    petrel_error_t *e = petrel_caller_export_get(caller, "mem", 3, &mem, &found);
    if (e != NULL) {
        return e;
    }
    if (!found || mem.kind != PETREL_EXTERN_MEMORY) {
        return petrel_error_new("no memory export", 16);
    }
    /* Re-entrant use of the store from inside the callback. */
    petrel_store_t *store = NULL;
    e = petrel_caller_store(caller, &store);
    if (e != NULL) {
        return e;
    }
    petrel_memory_t m = {mem.store_id, mem.index};
    uint64_t pages = 0;
    e = petrel_memory_size(store, m, &pages);
    if (e != NULL) {
        return e;
    }
    void *data = NULL;
    e = petrel_caller_data(caller, &data);
    if (e != NULL) {
        return e;
    }
    if (data != (void *)0x1234 || pages != 1) {
        return petrel_error_new("wrong caller view", 17);
    }
    args[0].i32 = args[0].i32 * 2;
    return NULL;
}

static petrel_functype_t *functype(const petrel_valkind_t *p, size_t np,
                                   const petrel_valkind_t *r, size_t nr) {
    petrel_functype_t *ft = NULL;
    OK(petrel_functype_new(p, np, r, nr, &ft));
    return ft;
}

static petrel_func_t get_func(petrel_store_t *store, petrel_instance_t inst, const char *name) {
    petrel_extern_t item;
    bool found = false;
    OK(petrel_instance_export_get(store, inst, name, strlen(name), &item, &found));
    CHECK(found && item.kind == PETREL_EXTERN_FUNC);
    petrel_func_t f = {item.store_id, item.index};
    return f;
}

static int32_t call_i32(petrel_store_t *store, petrel_func_t f, int32_t a, int32_t b,
                        petrel_error_t **err) {
    petrel_valraw_t v[2];
    memset(v, 0, sizeof v);
    v[0].i32 = a;
    v[1].i32 = b;
    *err = petrel_func_call_raw(store, &f, v, 2);
    return v[0].i32;
}

static void test_full(void) {
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(NULL, &engine));

    /* wat2wasm, validate, compile from binary and text. */
    petrel_bytes_t wasm = {0};
    OK(petrel_wat2wasm(WAT, strlen(WAT), &wasm));
    CHECK(wasm.len > 8 && memcmp(wasm.data, "\0asm", 4) == 0);
    OK(petrel_module_validate(engine, wasm.data, wasm.len));
    ERR(petrel_module_validate(engine, (const uint8_t *)"\0asm\2\0\0\0", 8), "");
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, wasm.data, wasm.len, &module));
    petrel_bytes_delete(&wasm);
    CHECK(wasm.data == NULL);
    petrel_module_t *from_text = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)WAT, strlen(WAT), &from_text));
    petrel_module_delete(from_text);
    ERR(petrel_module_new(engine, (const uint8_t *)"(module", 7, &from_text), "parse");

    /* Introspection. */
    petrel_str_t name;
    OK(petrel_module_name(module, &name));
    CHECK(name.len == 1 && memcmp(name.data, "m", 1) == 0);
    size_t n = 0;
    OK(petrel_module_import_count(module, &n));
    CHECK(n == 1);
    petrel_str_t imod, iname;
    petrel_externtype_t *et = NULL;
    OK(petrel_module_import(module, 0, &imod, &iname, &et));
    CHECK(imod.len == 4 && memcmp(imod.data, "host", 4) == 0);
    CHECK(iname.len == 6 && memcmp(iname.data, "double", 6) == 0);
    petrel_extern_kind_t kind = 99;
    OK(petrel_externtype_kind(et, &kind));
    CHECK(kind == PETREL_EXTERN_FUNC);
    petrel_functype_t *ft = NULL;
    OK(petrel_externtype_functype(et, &ft));
    const petrel_valkind_t *kinds = NULL;
    size_t nk = 0;
    OK(petrel_functype_params(ft, &kinds, &nk));
    CHECK(nk == 1 && kinds[0] == PETREL_I32);
    petrel_functype_delete(ft);
    petrel_globaltype_t gt;
    ERR(petrel_externtype_globaltype(et, &gt), "not a global type");
    petrel_externtype_delete(et);
    ERR(petrel_module_import(module, 5, &imod, &iname, &et), "out of range");
    OK(petrel_module_export_count(module, &n));
    CHECK(n == 12);
    for (size_t i = 0; i < n; i++) {
        OK(petrel_module_export(module, i, &name, &et));
        OK(petrel_externtype_kind(et, &kind));
        if (name.len == 3 && memcmp(name.data, "mem", 3) == 0) {
            petrel_memorytype_t mt;
            CHECK(kind == PETREL_EXTERN_MEMORY);
            OK(petrel_externtype_memorytype(et, &mt));
            CHECK(mt.limits.minimum == 1 && mt.limits.has_maximum && mt.limits.maximum == 4);
        } else if (name.len == 3 && memcmp(name.data, "tab", 3) == 0) {
            petrel_tabletype_t tt;
            OK(petrel_externtype_tabletype(et, &tt));
            CHECK(tt.element == PETREL_FUNCREF && tt.limits.minimum == 2 && tt.limits.maximum == 10);
        } else if (name.len == 1 && name.data[0] == 'c') {
            OK(petrel_externtype_globaltype(et, &gt));
            CHECK(gt.content == PETREL_I64 && gt.mutability == PETREL_CONST);
        }
        petrel_externtype_delete(et);
    }

    /* Serialize and load back. */
    petrel_bytes_t ser = {0};
    OK(petrel_module_serialize(module, &ser));
    petrel_module_t *loaded = NULL;
    OK(petrel_module_deserialize(engine, ser.data, ser.len, &loaded));
    petrel_module_delete(loaded);
    ser.data[ser.len - 1] ^= 0xff;
    ERR(petrel_module_deserialize(engine, ser.data, ser.len, &loaded), "authentication failed");
    petrel_bytes_delete(&ser);

    /* Store with data and finalizer, a host function, a linker. */
    host_env_t env = {0, 0};
    host_env_t store_env = {0, 0};
    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, (void *)0x1234, NULL, &store));
    petrel_store_t *other = NULL;
    OK(petrel_store_new(engine, &store_env, finalize_env, &other));
    void *data = NULL;
    OK(petrel_store_data(store, &data));
    CHECK(data == (void *)0x1234);

    petrel_valkind_t i32 = PETREL_I32;
    petrel_functype_t *ft_i_i = functype(&i32, 1, &i32, 1);
    petrel_linker_t *linker = NULL;
    OK(petrel_linker_new(engine, &linker));
    OK(petrel_linker_define_func(linker, "host", 4, "double", 6, ft_i_i, host_double, &env,
                                 finalize_env));
    ERR(petrel_linker_define_func(linker, "host", 4, "double", 6, ft_i_i, host_double, &env, NULL),
        "already defined");
    OK(petrel_linker_allow_shadowing(linker, true));
    petrel_instance_t inst;
    OK(petrel_linker_instantiate(linker, store, module, &inst));

    /* Calls: raw fast path and checked. */
    petrel_func_t add = get_func(store, inst, "add");
    petrel_error_t *err = NULL;
    CHECK(call_i32(store, add, 2, 3, &err) == 5 && err == NULL);
    petrel_val_t args[2], results[1];
    args[0].kind = PETREL_I32;
    args[0].of.i32 = 40;
    args[1].kind = PETREL_I32;
    args[1].of.i32 = 2;
    OK(petrel_func_call(store, add, args, 2, results, 1));
    CHECK(results[0].kind == PETREL_I32 && results[0].of.i32 == 42);
    ERR(petrel_func_call(store, add, args, 1, results, 1), "expected 2 arguments");
    args[1].kind = PETREL_I64;
    ERR(petrel_func_call(store, add, args, 2, results, 1), "argument 1");
    args[1].kind = 77;
    ERR(petrel_func_call(store, add, args, 2, results, 1), "unknown value kind");
    petrel_valraw_t one[1] = {{0}};
    ERR(petrel_func_call_raw(store, &add, one, 1), "expected room for 2");
    petrel_functype_t *add_ty = NULL;
    OK(petrel_func_type(store, add, &add_ty));
    OK(petrel_functype_results(add_ty, &kinds, &nk));
    CHECK(nk == 1 && kinds[0] == PETREL_I32);
    petrel_functype_delete(add_ty);

    /* Host calls: result, host error with tag, host trap. */
    petrel_func_t call_double = get_func(store, inst, "call_double");
    CHECK(call_i32(store, call_double, 21, 0, &err) == 42 && err == NULL);
    CHECK(env.calls == 1);
    call_i32(store, call_double, 13, 0, &err);
    uint64_t tag = 0;
    CHECK(err != NULL && petrel_error_host_tag(err, &tag) && tag == 1313);
    CHECK(err != NULL && petrel_error_as_trap(err) == NULL);
    petrel_error_delete(err);
    call_i32(store, call_double, 99, 0, &err);
    CHECK(err != NULL && petrel_trap_code(petrel_error_as_trap(err)) == PETREL_TRAP_INTEGER_OVERFLOW);
    petrel_error_delete(err);

    /* Traps with backtraces. */
    petrel_func_t trap = get_func(store, inst, "trap");
    petrel_valraw_t none[1] = {{0}};
    err = petrel_func_call_raw(store, &trap, none, 0);
    const petrel_trap_t *t = petrel_error_as_trap(err);
    CHECK(t != NULL && petrel_trap_code(t) == PETREL_TRAP_UNREACHABLE);
    CHECK(petrel_trap_frame_count(t) == 2);
    petrel_frame_t frame;
    CHECK(petrel_trap_frame(t, 0, &frame));
    CHECK(frame.func_name.len == 5 && memcmp(frame.func_name.data, "inner", 5) == 0);
    CHECK(frame.module_name.len == 1 && frame.module_name.data[0] == 'm');
    CHECK(petrel_trap_frame(t, 1, &frame) && frame.func_index == 4);
    CHECK(!petrel_trap_frame(t, 2, &frame));
    CHECK(strstr(petrel_error_message(err), "unreachable") != NULL);
    petrel_error_delete(err);
    petrel_func_t div = get_func(store, inst, "div");
    call_i32(store, div, 1, 0, &err);
    CHECK(petrel_trap_code(petrel_error_as_trap(err)) == PETREL_TRAP_INTEGER_DIVISION_BY_ZERO);
    petrel_error_delete(err);

    /* Memory. */
    petrel_extern_t item;
    bool found = false;
    OK(petrel_instance_export_get(store, inst, "mem", 3, &item, &found));
    petrel_memory_t mem = {item.store_id, item.index};
    uint8_t *base = NULL;
    size_t len = 0;
    OK(petrel_memory_data(store, mem, &base, &len));
    CHECK(len == 65536);
    base[100] = 0x2a;
    petrel_func_t load = get_func(store, inst, "load");
    CHECK(call_i32(store, load, 100, 0, &err) == 0x2a && err == NULL);
    call_i32(store, load, 65535, 0, &err);
    CHECK(petrel_trap_code(petrel_error_as_trap(err)) == PETREL_TRAP_MEMORY_OUT_OF_BOUNDS);
    petrel_error_delete(err);
    uint8_t buf[4] = {1, 2, 3, 4};
    OK(petrel_memory_write(store, mem, 200, buf, 4));
    uint8_t back[4] = {0};
    OK(petrel_memory_read(store, mem, 200, back, 4));
    CHECK(memcmp(buf, back, 4) == 0);
    ERR(petrel_memory_read(store, mem, 65534, back, 4), "out of bounds");
    uint64_t old = 0;
    OK(petrel_memory_grow(store, mem, 1, &old));
    CHECK(old == 1);
    uint64_t pages = 0;
    OK(petrel_memory_size(store, mem, &pages));
    CHECK(pages == 2);
    ERR(petrel_memory_grow(store, mem, 10, &old), "failed to grow");
    petrel_func_t grow = get_func(store, inst, "grow");
    CHECK(call_i32(store, grow, 1, 0, &err) == 2 && err == NULL);
    petrel_memorytype_t mt = {{1, 2, true}, false, 65536};
    petrel_memory_t mem2;
    OK(petrel_memory_new(store, mt, &mem2));
    OK(petrel_memory_type(store, mem2, &mt));
    CHECK(mt.limits.minimum == 1 && mt.limits.maximum == 2);

    /* Tables and funcref round trips. */
    OK(petrel_instance_export_get(store, inst, "tab", 3, &item, &found));
    petrel_table_t tab = {item.store_id, item.index};
    uint32_t size = 0;
    OK(petrel_table_size(store, tab, &size));
    CHECK(size == 2);
    petrel_val_t v;
    OK(petrel_table_get(store, tab, 0, &v));
    CHECK(v.kind == PETREL_FUNCREF && v.of.funcref.store_id == add.store_id &&
          v.of.funcref.index == add.index);
    OK(petrel_table_get(store, tab, 1, &v));
    CHECK(v.kind == PETREL_FUNCREF && v.of.funcref.store_id == 0);
    ERR(petrel_table_get(store, tab, 2, &v), "out of bounds table access");
    v.kind = PETREL_FUNCREF;
    v.of.funcref = add;
    OK(petrel_table_set(store, tab, 1, &v));
    uint32_t old_size = 0;
    OK(petrel_table_grow(store, tab, 3, &v, &old_size));
    CHECK(old_size == 2);
    v.kind = PETREL_I32;
    v.of.i32 = 1;
    ERR(petrel_table_set(store, tab, 0, &v), "must be a reference");
    petrel_tabletype_t tt = {PETREL_EXTERNREF, {1, 0, false}, false};
    petrel_val_t null_ext;
    memset(&null_ext, 0, sizeof null_ext);
    null_ext.kind = PETREL_EXTERNREF;
    petrel_table_t tab2;
    OK(petrel_table_new(store, tt, &null_ext, &tab2));
    petrel_externref_t ext;
    OK(petrel_externref_new(store, &env, NULL, &ext));
    v.kind = PETREL_EXTERNREF;
    v.of.externref = ext;
    OK(petrel_table_set(store, tab2, 0, &v));
    OK(petrel_table_get(store, tab2, 0, &v));
    void *ext_data = NULL;
    OK(petrel_externref_data(store, v.of.externref, &ext_data));
    CHECK(ext_data == &env);
    petrel_func_t id = get_func(store, inst, "id");
    petrel_valraw_t raw[1];
    memset(raw, 0, sizeof raw);
    raw[0].funcref = add.index + 1;
    OK(petrel_func_call_raw(store, &id, raw, 1));
    CHECK(raw[0].funcref == add.index + 1);
    raw[0].funcref = 100000;
    ERR(petrel_func_call_raw(store, &id, raw, 1), "names no function");

    /* Globals. */
    OK(petrel_instance_export_get(store, inst, "g", 1, &item, &found));
    petrel_global_t g = {item.store_id, item.index};
    OK(petrel_global_get(store, g, &v));
    CHECK(v.kind == PETREL_I32 && v.of.i32 == 7);
    v.of.i32 = 8;
    OK(petrel_global_set(store, g, &v));
    OK(petrel_global_get(store, g, &v));
    CHECK(v.of.i32 == 8);
    v.kind = PETREL_F32;
    ERR(petrel_global_set(store, g, &v), "is not a value of type");
    OK(petrel_instance_export_get(store, inst, "c", 1, &item, &found));
    petrel_global_t c = {item.store_id, item.index};
    v.kind = PETREL_I64;
    v.of.i64 = 1;
    ERR(petrel_global_set(store, c, &v), "immutable");
    petrel_globaltype_t vt = {PETREL_F64, PETREL_VAR};
    v.kind = PETREL_F64;
    v.of.f64 = 2.5;
    petrel_global_t g2;
    OK(petrel_global_new(store, vt, &v, &g2));
    OK(petrel_global_get(store, g2, &v));
    CHECK(v.of.f64 == 2.5);
    OK(petrel_global_type(store, g2, &vt));
    CHECK(vt.content == PETREL_F64 && vt.mutability == PETREL_VAR);

    /* Exports by index; linker get and define. */
    petrel_str_t ename;
    OK(petrel_instance_export_nth(store, inst, 0, &ename, &item));
    CHECK(ename.len == 3 && memcmp(ename.data, "mem", 3) == 0 && item.kind == PETREL_EXTERN_MEMORY);
    OK(petrel_instance_export_count(store, inst, &n));
    CHECK(n == 12);
    OK(petrel_linker_define_instance(linker, store, "m", 1, inst));
    OK(petrel_linker_get(linker, store, "m", 1, "add", 3, &item, &found));
    CHECK(found && item.kind == PETREL_EXTERN_FUNC && item.index == add.index);
    OK(petrel_linker_get(linker, store, "m", 1, "nope", 4, &item, &found));
    CHECK(!found);
    OK(petrel_linker_define(linker, store, "x", 1, "g", 1,
                            (petrel_extern_t){PETREL_EXTERN_GLOBAL, g.store_id, g.index}));
    petrel_externtype_t *gty = NULL;
    OK(petrel_extern_type(store, (petrel_extern_t){PETREL_EXTERN_GLOBAL, g.store_id, g.index}, &gty));
    petrel_externtype_delete(gty);

    /* Host function made directly in a store, called from the host. */
    host_env_t env2 = {0, 0};
    petrel_func_t hf;
    OK(petrel_func_new(other, ft_i_i, host_double, &env2, finalize_env, &hf));
    petrel_valraw_t hv[1];
    memset(hv, 0, sizeof hv);
    hv[0].i32 = 5;
    /* Called from the host there is no calling instance: no "mem" export. */
    ERR(petrel_func_call_raw(other, &hf, hv, 1), "no memory export");
    CHECK(env2.calls == 1);

    /* Misuse: handles of another store, forged handles, NULLs, instance imports. */
    ERR(petrel_func_call_raw(other, &add, hv, 2), "wrong store");
    /* An item the linker holds from `store` is not placed in `other`
       (found by the api_sequence fuzz target). */
    ERR(petrel_linker_get(linker, other, "m", 1, "add", 3, &item, &found), "another store");
    petrel_func_t forged = {add.store_id, 999999};
    ERR(petrel_func_call_raw(store, &forged, hv, 2), "not in this store");
    ERR(petrel_memory_size(other, mem, &pages), "wrong store");
    ERR(petrel_func_call_raw(NULL, &add, hv, 2), "must not be NULL");
    ERR(petrel_func_call_raw(store, NULL, hv, 2), "must not be NULL");
    ERR(petrel_func_call_raw(store, &add, NULL, 2), "is NULL");
    ERR(petrel_engine_new(NULL, NULL), "must not be NULL");
    ERR(petrel_module_new(NULL, NULL, 0, &module), "must not be NULL");
    ERR(petrel_instance_new(store, module, NULL, 0, &inst), "");
    petrel_extern_t wrong = {PETREL_EXTERN_FUNC, hf.store_id, hf.index};
    ERR(petrel_instance_new(store, module, &wrong, 1, &inst), "wrong store");
    petrel_instance_t inst2;
    petrel_extern_t right = {PETREL_EXTERN_FUNC, add.store_id, add.index};
    ERR(petrel_instance_new(store, module, &right, 1, &inst2), "");
    CHECK(strlen(petrel_error_message(NULL)) == 0);
    CHECK(petrel_error_as_trap(NULL) == NULL);

    petrel_functype_delete(ft_i_i);
    petrel_linker_delete(linker);
    CHECK(env.finalized == 0); /* the store still uses the host function */
    OK(petrel_store_delete(store));
    CHECK(env.finalized == 1);
    OK(petrel_store_delete(other));
    CHECK(env2.finalized == 1 && store_env.finalized == 1);
    petrel_module_delete(module);
    petrel_engine_delete(engine);
}

static void test_fuel_epoch_limits(void) {
    petrel_config_t *config = NULL;
    OK(petrel_config_new(&config));
    OK(petrel_config_consume_fuel(config, true));
    OK(petrel_config_epoch_interruption(config, true));
    OK(petrel_config_opt_level(config, PETREL_OPT_LEVEL_SPEED_AND_SIZE));
    ERR(petrel_config_opt_level(config, 9), "unknown optimisation level");
    OK(petrel_config_max_wasm_stack(config, 256 * 1024));
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(config, &engine));
    petrel_config_delete(config);
    size_t max_stack = 0;
    OK(petrel_engine_max_wasm_stack(engine, &max_stack));
    CHECK(max_stack == 256 * 1024);
    ERR(petrel_engine_max_wasm_stack(engine, NULL), "bytes_out");
    const char *wat =
        "(module (memory (export \"mem\") 1)"
        " (func (export \"spin\") (loop br 0))"
        " (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)"
        " (func $r (export \"recurse\") call $r))";
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)wat, strlen(wat), &module));
    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &store));
    OK(petrel_store_set_epoch_deadline(store, 1000));
    OK(petrel_store_set_fuel(store, 10000));
    uint64_t fuel = 0;
    OK(petrel_store_get_fuel(store, &fuel));
    CHECK(fuel == 10000);
    OK(petrel_store_limiter(store, 3 * 65536, -1, 2));
    petrel_instance_t inst;
    OK(petrel_instance_new(store, module, NULL, 0, &inst));
    petrel_func_t spin = get_func(store, inst, "spin");
    petrel_valraw_t v[1];
    memset(v, 0, sizeof v);
    petrel_error_t *err = petrel_func_call_raw(store, &spin, v, 0);
    CHECK(petrel_trap_code(petrel_error_as_trap(err)) == PETREL_TRAP_OUT_OF_FUEL);
    petrel_error_delete(err);
    OK(petrel_store_get_fuel(store, &fuel));
    CHECK(fuel == 0);

    OK(petrel_store_set_fuel(store, UINT64_MAX));
    OK(petrel_store_set_epoch_deadline(store, 1));
    OK(petrel_engine_increment_epoch(engine));
    err = petrel_func_call_raw(store, &spin, v, 0);
    CHECK(petrel_trap_code(petrel_error_as_trap(err)) == PETREL_TRAP_INTERRUPT);
    petrel_error_delete(err);
    OK(petrel_store_set_epoch_deadline(store, 1000));

    /* Limits: memory to 3 pages, 2 instances. */
    petrel_func_t grow = get_func(store, inst, "grow");
    v[0].i32 = 2;
    OK(petrel_func_call_raw(store, &grow, v, 1));
    CHECK(v[0].i32 == 1);
    v[0].i32 = 1;
    OK(petrel_func_call_raw(store, &grow, v, 1));
    CHECK(v[0].i32 == -1);
    OK(petrel_instance_new(store, module, NULL, 0, &inst));
    ERR(petrel_instance_new(store, module, NULL, 0, &inst), "instance");

    petrel_func_t recurse = get_func(store, inst, "recurse");
    err = petrel_func_call_raw(store, &recurse, v, 0);
    CHECK(petrel_trap_code(petrel_error_as_trap(err)) == PETREL_TRAP_STACK_OVERFLOW);
    petrel_error_delete(err);

    OK(petrel_store_delete(store));

    /* Fuel off: a clear error. */
    petrel_engine_t *plain = NULL;
    OK(petrel_engine_new(NULL, &plain));
    OK(petrel_store_new(plain, NULL, NULL, &store));
    ERR(petrel_store_set_fuel(store, 1), "fuel is not enabled");
    /* A closed store: every use is an error until it is deleted. */
    OK(petrel_store_close(store));
    ERR(petrel_store_set_epoch_deadline(store, 1), "the store is closed");
    ERR(petrel_instance_new(store, module, NULL, 0, &inst), "the store is closed");
    OK(petrel_store_close(store));
    OK(petrel_store_delete(store));
    petrel_module_delete(module);
    petrel_engine_delete(plain);
    petrel_engine_delete(engine);
}

typedef struct {
    petrel_store_t *store;
    petrel_func_t add;
    petrel_engine_t *engine;
    petrel_error_t *err;
} other_thread_t;

static void *use_from_other_thread(void *arg) {
    other_thread_t *t = arg;
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    petrel_valraw_t v[2];
    memset(v, 0, sizeof v);
    t->err = petrel_func_call_raw(t->store, &t->add, v, 2);
    petrel_engine_increment_epoch(t->engine);
    return NULL;
}

/* A store used by a second thread while wasm runs in it: a clean error. */
static void test_store_used_from_two_threads(void) {
    petrel_config_t *config = NULL;
    OK(petrel_config_new(&config));
    OK(petrel_config_epoch_interruption(config, true));
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(config, &engine));
    petrel_config_delete(config);
    const char *wat =
        "(module (func (export \"spin\") (loop br 0))"
        " (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))";
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)wat, strlen(wat), &module));
    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &store));
    OK(petrel_store_set_epoch_deadline(store, 1));
    petrel_instance_t inst;
    OK(petrel_instance_new(store, module, NULL, 0, &inst));
    other_thread_t t = {store, get_func(store, inst, "add"), engine, NULL};
    petrel_func_t spin = get_func(store, inst, "spin");
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, use_from_other_thread, &t) == 0);
    petrel_valraw_t v[1];
    memset(v, 0, sizeof v);
    petrel_error_t *err = petrel_func_call_raw(store, &spin, v, 0);
    CHECK(petrel_trap_code(petrel_error_as_trap(err)) == PETREL_TRAP_INTERRUPT);
    petrel_error_delete(err);
    pthread_join(thread, NULL);
    ERR(t.err, "in use by another thread");
    OK(petrel_store_delete(store));
    petrel_module_delete(module);
    petrel_engine_delete(engine);
}

/* A WASI command: writes to stdout and stderr, prints argv[1], environ[0],
 * the file data.txt of its preopened directory (fd 3) and its standard
 * input, then exits with proc_exit(3). `escape` tries to open "../x"
 * through the preopen and returns the errno. */
static const char *WASI_WAT =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fd_write (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_read\" (func $fd_read (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\" (func $args_sizes_get (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"args_get\" (func $args_get (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"environ_sizes_get\" (func $environ_sizes_get (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"environ_get\" (func $environ_get (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"path_open\"\n"
    "    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 100) \"hello\\n\")\n"
    "  (data (i32.const 120) \"\\n\")\n"
    "  (data (i32.const 130) \"data.txt\")\n"
    "  (data (i32.const 140) \"../x\")\n"
    "  (data (i32.const 150) \"warn\")\n"
    "  (func $write (param $fd i32) (param $ptr i32) (param $len i32)\n"
    "    (i32.store (i32.const 0) (local.get $ptr))\n"
    "    (i32.store (i32.const 4) (local.get $len))\n"
    "    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))\n"
    "  (func $strlen (param $p i32) (result i32) (local $n i32)\n"
    "    (block $done (loop $next\n"
    "      (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))\n"
    "      (local.set $n (i32.add (local.get $n) (i32.const 1)))\n"
    "      (br $next)))\n"
    "    (local.get $n))\n"
    "  (func $line (param $p i32)\n"
    "    (call $write (i32.const 1) (local.get $p) (call $strlen (local.get $p)))\n"
    "    (call $write (i32.const 1) (i32.const 120) (i32.const 1)))\n"
    "  (func $copy (param $fd i32) (param $buf i32)\n"
    "    (i32.store (i32.const 40) (local.get $buf))\n"
    "    (i32.store (i32.const 44) (i32.const 256))\n"
    "    (if (i32.eqz (call $fd_read (local.get $fd) (i32.const 40) (i32.const 1) (i32.const 48)))\n"
    "      (then (call $write (i32.const 1) (local.get $buf) (i32.load (i32.const 48))))))\n"
    "  (func (export \"_start\")\n"
    "    (call $write (i32.const 1) (i32.const 100) (i32.const 6))\n"
    "    (call $write (i32.const 2) (i32.const 150) (i32.const 4))\n"
    "    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))\n"
    "    (drop (call $args_get (i32.const 1024) (i32.const 2048)))\n"
    "    (call $line (i32.load (i32.const 1028)))\n"
    "    (drop (call $environ_sizes_get (i32.const 24) (i32.const 28)))\n"
    "    (drop (call $environ_get (i32.const 3072) (i32.const 4096)))\n"
    "    (call $line (i32.load (i32.const 3072)))\n"
    "    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 130) (i32.const 8)\n"
    "                  (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))\n"
    "      (then (call $copy (i32.load (i32.const 32)) (i32.const 5120))))\n"
    "    (call $copy (i32.const 0) (i32.const 6144))\n"
    "    (call $proc_exit (i32.const 3)))\n"
    "  (func (export \"escape\") (result i32)\n"
    "    (call $path_open (i32.const 3) (i32.const 0) (i32.const 140) (i32.const 4)\n"
    "      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32))))\n";

/* Runs `_start` of `inst`; the exit status, or -1 when it did not exit. */
static int run_start(petrel_store_t *store, petrel_instance_t inst) {
    petrel_func_t start = get_func(store, inst, "_start");
    petrel_valraw_t v[1];
    memset(v, 0, sizeof v);
    petrel_error_t *err = petrel_func_call_raw(store, &start, v, 0);
    int status = -1;
    CHECK(err != NULL);
    if (err != NULL) {
        if (!petrel_error_exit_status(err, &status)) {
            fprintf(stderr, "not an exit: %s\n", petrel_error_message(err));
        }
        /* An exit is not a trap. */
        CHECK(petrel_error_as_trap(err) == NULL);
        CHECK(strstr(petrel_error_message(err), "exit status") != NULL);
        petrel_error_delete(err);
    }
    return status;
}

static void check_bytes(petrel_error_t *err, petrel_bytes_t *b, const char *expected, int line) {
    if (err != NULL) {
        failures++;
        fprintf(stderr, "%s:%d: %s\n", __FILE__, line, petrel_error_message(err));
        petrel_error_delete(err);
        return;
    }
    if (b->len == strlen(expected) && memcmp(b->data, expected, b->len) == 0) {
        passed++;
    } else {
        failures++;
        fprintf(stderr, "%s:%d: got '%.*s', expected '%s'\n", __FILE__, line, (int)b->len,
                (const char *)b->data, expected);
    }
    petrel_bytes_delete(b);
}
#define BYTES(expr, b, expected) check_bytes((expr), (b), (expected), __LINE__)

static void test_wasi(void) {
    char dir[] = "/tmp/petrel-capi-wasi-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char data_path[128], out_path[128];
    snprintf(data_path, sizeof data_path, "%s/data.txt", dir);
    snprintf(out_path, sizeof out_path, "%s/stdout.txt", dir);
    FILE *f = fopen(data_path, "w");
    CHECK(f != NULL);
    fputs("file says hi\n", f);
    fclose(f);

    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(NULL, &engine));
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)WASI_WAT, strlen(WASI_WAT), &module));
    petrel_linker_t *linker = NULL;
    OK(petrel_linker_new(engine, &linker));
    OK(petrel_linker_define_wasi(linker));
    ERR(petrel_linker_define_wasi(linker), "already defined");

    /* The configuration: argv, env, stdin bytes, captured stdout and
     * stderr, one preopened directory; and its misuses. */
    petrel_wasi_config_t *wasi = NULL;
    OK(petrel_wasi_config_new(&wasi));
    const char *argv[] = {"prog", "prog-arg"};
    OK(petrel_wasi_config_set_argv(wasi, argv, 2));
    ERR(petrel_wasi_config_set_argv(wasi, NULL, 1), "NULL");
    const char *names[] = {"GREETING"};
    const char *values[] = {"hi"};
    const char *bad_names[] = {"A=B"};
    ERR(petrel_wasi_config_set_env(wasi, bad_names, values, 1), "invalid environment variable");
    OK(petrel_wasi_config_set_env(wasi, names, values, 1));
    ERR(petrel_wasi_config_set_stdin_file(wasi, "/nonexistent/petrel-stdin"), "cannot open");
    ERR(petrel_wasi_config_set_stdin_file(wasi, NULL), "NULL");
    OK(petrel_wasi_config_set_stdin_bytes(wasi, (const uint8_t *)"input bytes", 11));
    OK(petrel_wasi_config_set_stdout_capture(wasi, 1 << 20));
    OK(petrel_wasi_config_set_stderr_capture(wasi, 1 << 20));
    OK(petrel_wasi_config_preopen_dir(wasi, dir, "."));
    ERR(petrel_wasi_config_preopen_dir(wasi, data_path, "f"), "not a directory");
    ERR(petrel_wasi_config_preopen_dir(wasi, "/nonexistent/petrel-dir", "d"), "cannot preopen");
    ERR(petrel_wasi_config_inherit_env(NULL), "NULL");

    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &store));
    petrel_bytes_t out = {0};
    ERR(petrel_store_wasi_stdout(store, &out), "not captured");
    OK(petrel_store_set_wasi(store, wasi)); /* takes `wasi` */
    ERR(petrel_store_set_wasi(store, NULL), "NULL");
    petrel_instance_t inst;
    OK(petrel_linker_instantiate(linker, store, module, &inst));

    /* Leaving the preopened directory is an errno (EPERM), not a crash. */
    petrel_func_t escape = get_func(store, inst, "escape");
    petrel_valraw_t v[1];
    memset(v, 0, sizeof v);
    OK(petrel_func_call_raw(store, &escape, v, 1));
    CHECK(v[0].i32 == 63);

    CHECK(run_start(store, inst) == 3);
    BYTES(petrel_store_wasi_stdout(store, &out), &out,
          "hello\nprog-arg\nGREETING=hi\nfile says hi\ninput bytes");
    BYTES(petrel_store_wasi_stderr(store, &out), &out, "warn");
    ERR(petrel_store_wasi_stdout(store, NULL), "NULL");

    /* Not exits: NULL, and an ordinary error. */
    int status = 7;
    CHECK(!petrel_error_exit_status(NULL, &status) && status == 7);
    petrel_error_t *plain = petrel_error_new("x", 1);
    CHECK(!petrel_error_exit_status(plain, NULL));
    petrel_error_delete(plain);

    /* A second configuration replaces the first: stdout to a file,
     * inherited stderr and environment, no stdin. */
    OK(petrel_wasi_config_new(&wasi));
    OK(petrel_wasi_config_set_argv(wasi, argv, 2));
    OK(petrel_wasi_config_inherit_env(wasi));
    OK(petrel_wasi_config_set_stdout_file(wasi, out_path));
    OK(petrel_wasi_config_inherit_stderr(wasi));
    OK(petrel_wasi_config_set_stderr_capture(wasi, 2));
    OK(petrel_store_set_wasi(store, wasi));
    OK(petrel_linker_instantiate(linker, store, module, &inst));
    CHECK(run_start(store, inst) == 3);
    ERR(petrel_store_wasi_stdout(store, &out), "not captured");
    BYTES(petrel_store_wasi_stderr(store, &out), &out, "wa");
    f = fopen(out_path, "rb");
    char buf[64] = {0};
    size_t n = f != NULL ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    CHECK(n > 15 && memcmp(buf, "hello\nprog-arg\n", 15) == 0);
    OK(petrel_store_delete(store));

    /* A store without a WASI configuration runs with the defaults. */
    OK(petrel_store_new(engine, NULL, NULL, &store));
    OK(petrel_linker_instantiate(linker, store, module, &inst));
    memset(v, 0, sizeof v);
    escape = get_func(store, inst, "escape");
    OK(petrel_func_call_raw(store, &escape, v, 1));
    CHECK(v[0].i32 == 8); /* EBADF: no preopened directory */
    OK(petrel_store_delete(store));

    /* A configuration never attached is freed with its delete. */
    OK(petrel_wasi_config_new(&wasi));
    OK(petrel_wasi_config_set_stdin_file(wasi, data_path));
    OK(petrel_wasi_config_inherit_argv(wasi));
    OK(petrel_wasi_config_inherit_stdin(wasi));
    OK(petrel_wasi_config_inherit_stdout(wasi));
    OK(petrel_wasi_config_set_stderr_file(wasi, out_path));
    petrel_wasi_config_delete(wasi);
    petrel_wasi_config_delete(NULL);

    petrel_linker_delete(linker);
    petrel_module_delete(module);
    petrel_engine_delete(engine);
    unlink(data_path);
    unlink(out_path);
    rmdir(dir);
}

/* Offsets of the sealed artifact layout (core/src/artifact.rs). */
#define ARTIFACT_FORMAT_VERSION_AT 16
#define ARTIFACT_SUBJECT_AT 32
#define ARTIFACT_MAC_LEN 32

static const char *ADD_WAT =
    "(module (func (export \"add\") (param i32 i32) (result i32)\n"
    "  local.get 0 local.get 1 i32.add))";
static const char *SUB_WAT =
    "(module (func (export \"add\") (param i32 i32) (result i32)\n"
    "  local.get 0 local.get 1 i32.sub))";

/* An engine with module key `key` (NULL: none) and fuel on or off. */
static petrel_engine_t *keyed_engine(const uint8_t *key, bool fuel) {
    petrel_config_t *config = NULL;
    OK(petrel_config_new(&config));
    if (key != NULL) {
        OK(petrel_config_module_key(config, key, 32));
    }
    OK(petrel_config_consume_fuel(config, fuel));
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(config, &engine));
    petrel_config_delete(config);
    return engine;
}

/* The sealed serialization of `wat` compiled by `engine`. */
static petrel_bytes_t sealed(petrel_engine_t *engine, const char *wat) {
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)wat, strlen(wat), &module));
    petrel_bytes_t out = {0};
    OK(petrel_module_serialize(module, &out));
    petrel_module_delete(module);
    return out;
}

/* Loads `bytes` into `engine` and calls its "add" export with (a, b). */
static int32_t load_and_add(petrel_engine_t *engine, const uint8_t *bytes, size_t len, int32_t a,
                            int32_t b) {
    petrel_module_t *module = NULL;
    petrel_error_t *err = petrel_module_deserialize(engine, bytes, len, &module);
    if (err != NULL) {
        failures++;
        fprintf(stderr, "deserialize failed: %s\n", petrel_error_message(err));
        petrel_error_delete(err);
        return INT32_MIN;
    }
    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &store));
    petrel_instance_t inst;
    OK(petrel_instance_new(store, module, NULL, 0, &inst));
    petrel_error_t *call_err = NULL;
    int32_t r = call_i32(store, get_func(store, inst, "add"), a, b, &call_err);
    CHECK(call_err == NULL);
    OK(petrel_store_delete(store));
    petrel_module_delete(module);
    return r;
}

static void test_authenticated_modules(void) {
    uint8_t key[32], other_key[32];
    memset(key, 7, sizeof key);
    memset(other_key, 8, sizeof other_key);
    petrel_module_t *m = NULL;

    /* A shared key: what one engine seals, another loads. */
    petrel_engine_t *a = keyed_engine(key, false);
    petrel_engine_t *b = keyed_engine(key, false);
    petrel_bytes_t blob = sealed(a, ADD_WAT);
    CHECK(load_and_add(b, blob.data, blob.len, 40, 2) == 42);

    /* Keys are 32 bytes; a generated key is set and returned. */
    petrel_config_t *config = NULL;
    OK(petrel_config_new(&config));
    ERR(petrel_config_module_key(config, key, 31), "32 bytes");
    ERR(petrel_config_module_key(config, NULL, 32), "NULL");
    ERR(petrel_config_generate_module_key(config, NULL), "key_out");
    petrel_bytes_t generated = {0};
    OK(petrel_config_generate_module_key(config, &generated));
    CHECK(generated.len == 32);
    petrel_engine_t *g1 = NULL;
    OK(petrel_engine_new(config, &g1));
    petrel_config_delete(config);
    petrel_engine_t *g2 = keyed_engine(generated.data, false);
    petrel_bytes_t gblob = sealed(g1, ADD_WAT);
    CHECK(load_and_add(g2, gblob.data, gblob.len, 5, 6) == 11);
    ERR(petrel_module_deserialize(b, gblob.data, gblob.len, &m), "authentication failed");
    petrel_bytes_delete(&gblob);
    petrel_bytes_delete(&generated);
    petrel_engine_delete(g1);
    petrel_engine_delete(g2);

    /* Without a key each engine has its own random one. */
    petrel_engine_t *plain = NULL;
    OK(petrel_engine_new(NULL, &plain));
    ERR(petrel_module_deserialize(plain, blob.data, blob.len, &m), "authentication failed");
    petrel_bytes_t own = sealed(plain, ADD_WAT);
    CHECK(load_and_add(plain, own.data, own.len, 1, 2) == 3);
    ERR(petrel_module_deserialize(a, own.data, own.len, &m), "authentication failed");
    petrel_bytes_delete(&own);
    petrel_engine_delete(plain);

    /* Another key. */
    petrel_engine_t *foreign = keyed_engine(other_key, false);
    ERR(petrel_module_deserialize(foreign, blob.data, blob.len, &m), "authentication failed");
    petrel_engine_delete(foreign);

    /* Every byte flipped, one at a time. */
    int refused = 0;
    for (size_t i = 0; i < blob.len; i++) {
        blob.data[i] ^= (uint8_t)(1u << (i % 8));
        petrel_error_t *e = petrel_module_deserialize(b, blob.data, blob.len, &m);
        if (e != NULL) {
            refused++;
            petrel_error_delete(e);
        } else {
            petrel_module_delete(m);
        }
        blob.data[i] ^= (uint8_t)(1u << (i % 8));
    }
    CHECK(refused == (int)blob.len);
    blob.data[blob.len / 2] ^= 0x10;
    ERR(petrel_module_deserialize(b, blob.data, blob.len, &m), "authentication failed");
    blob.data[blob.len / 2] ^= 0x10;

    /* Truncated at every length. */
    refused = 0;
    for (size_t n = 0; n < blob.len; n++) {
        petrel_error_t *e = petrel_module_deserialize(b, blob.data, n, &m);
        if (e != NULL) {
            refused++;
            petrel_error_delete(e);
        } else {
            petrel_module_delete(m);
        }
    }
    CHECK(refused == (int)blob.len);
    ERR(petrel_module_deserialize(b, blob.data, blob.len - 1, &m), "truncated");
    ERR(petrel_module_deserialize(b, blob.data, 20, &m), "truncated");

    /* Not an artifact at all. */
    ERR(petrel_module_deserialize(b, (const uint8_t *)"\0asm\1\0\0\0", 8, &m),
        "not a compiled Petrel module");

    /* Another configuration with the same key; another format version. */
    petrel_engine_t *fuel = keyed_engine(key, true);
    ERR(petrel_module_deserialize(fuel, blob.data, blob.len, &m),
        "different Petrel version or engine configuration");
    petrel_engine_delete(fuel);
    blob.data[ARTIFACT_FORMAT_VERSION_AT] ^= 0x04;
    ERR(petrel_module_deserialize(b, blob.data, blob.len, &m), "format version");
    blob.data[ARTIFACT_FORMAT_VERSION_AT] ^= 0x04;

    /* Re-labelled: the subject (module hash) of another module, or its MAC. */
    petrel_bytes_t other = sealed(a, SUB_WAT);
    uint8_t *relabelled = malloc(blob.len);
    memcpy(relabelled, blob.data, blob.len);
    memcpy(relabelled + ARTIFACT_SUBJECT_AT, other.data + ARTIFACT_SUBJECT_AT, 32);
    CHECK(memcmp(relabelled, blob.data, blob.len) != 0);
    ERR(petrel_module_deserialize(b, relabelled, blob.len, &m), "authentication failed");
    memcpy(relabelled, blob.data, blob.len);
    memcpy(relabelled + blob.len - ARTIFACT_MAC_LEN, other.data + other.len - ARTIFACT_MAC_LEN,
           ARTIFACT_MAC_LEN);
    ERR(petrel_module_deserialize(b, relabelled, blob.len, &m), "authentication failed");
    free(relabelled);
    CHECK(load_and_add(b, other.data, other.len, 40, 2) == 38);
    CHECK(load_and_add(b, blob.data, blob.len, 40, 2) == 42);
    petrel_bytes_delete(&other);

    petrel_bytes_delete(&blob);
    petrel_engine_delete(a);
    petrel_engine_delete(b);
}

/* Echoes standard input to standard output, 7 bytes a read, until end
 * of file (a read of 0 bytes or an error). */
static const char *ECHO_WAT =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_read\" (func $fd_read (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fd_write (param i32 i32 i32 i32) (result i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (func (export \"_start\")\n"
    "    (block $done (loop $next\n"
    "      (i32.store (i32.const 0) (i32.const 64))\n"
    "      (i32.store (i32.const 4) (i32.const 7))\n"
    "      (br_if $done (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))\n"
    "      (br_if $done (i32.eqz (i32.load (i32.const 8))))\n"
    "      (i32.store (i32.const 16) (i32.const 64))\n"
    "      (i32.store (i32.const 20) (i32.load (i32.const 8)))\n"
    "      (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))\n"
    "      (br $next)))))\n";

/* Runs ECHO_WAT with `config` (taken); its captured stdout must be the
 * `len` bytes at `expected`. */
static void echo_with(petrel_engine_t *engine, petrel_linker_t *linker, petrel_module_t *module,
                      petrel_wasi_config_t *config, const uint8_t *expected, size_t len,
                      int line) {
    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &store));
    OK(petrel_wasi_config_set_stdout_capture(config, 1 << 20));
    OK(petrel_store_set_wasi(store, config));
    petrel_instance_t inst;
    OK(petrel_linker_instantiate(linker, store, module, &inst));
    petrel_func_t start = get_func(store, inst, "_start");
    petrel_valraw_t v[1];
    memset(v, 0, sizeof v);
    OK(petrel_func_call_raw(store, &start, v, 0));
    petrel_bytes_t out = {NULL, 0};
    OK(petrel_store_wasi_stdout(store, &out));
    if (out.len == len && (len == 0 || memcmp(out.data, expected, len) == 0)) {
        passed++;
    } else {
        failures++;
        fprintf(stderr, "%s:%d: echoed %zu bytes, expected %zu\n", __FILE__, line, out.len, len);
    }
    petrel_bytes_delete(&out);
    OK(petrel_store_delete(store));
}

/* In-memory standard input: binary bytes (NUL included) longer than one
 * read, copied at the call, replaced by a later call, empty. */
static void test_wasi_stdin(void) {
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(NULL, &engine));
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)ECHO_WAT, strlen(ECHO_WAT), &module));
    petrel_linker_t *linker = NULL;
    OK(petrel_linker_new(engine, &linker));
    OK(petrel_linker_define_wasi(linker));

    uint8_t input[1000];
    for (size_t i = 0; i < sizeof input; i++) {
        input[i] = (uint8_t)(i * 7);
    }
    uint8_t copy[sizeof input];
    memcpy(copy, input, sizeof input);
    petrel_wasi_config_t *config = NULL;
    OK(petrel_wasi_config_new(&config));
    OK(petrel_wasi_config_set_stdin_bytes(config, input, sizeof input));
    memset(input, 0xff, sizeof input); /* the bytes were copied */
    echo_with(engine, linker, module, config, copy, sizeof copy, __LINE__);

    /* A later call replaces the bytes; a file or inherit call too. */
    OK(petrel_wasi_config_new(&config));
    OK(petrel_wasi_config_set_stdin_bytes(config, (const uint8_t *)"first", 5));
    OK(petrel_wasi_config_set_stdin_bytes(config, (const uint8_t *)"second", 6));
    echo_with(engine, linker, module, config, (const uint8_t *)"second", 6, __LINE__);

    /* Empty input: NULL with length 0 is allowed; NULL with a length is
     * an error that leaves the configuration as it was. */
    OK(petrel_wasi_config_new(&config));
    OK(petrel_wasi_config_set_stdin_bytes(config, (const uint8_t *)"kept", 4));
    ERR(petrel_wasi_config_set_stdin_bytes(config, NULL, 3), "NULL");
    ERR(petrel_wasi_config_set_stdin_bytes(NULL, (const uint8_t *)"x", 1), "NULL");
    echo_with(engine, linker, module, config, (const uint8_t *)"kept", 4, __LINE__);
    OK(petrel_wasi_config_new(&config));
    OK(petrel_wasi_config_set_stdin_bytes(config, NULL, 0));
    echo_with(engine, linker, module, config, NULL, 0, __LINE__);

    petrel_linker_delete(linker);
    petrel_module_delete(module);
    petrel_engine_delete(engine);
}

/* The output callback of test_wasmtime_parity: appends to a buffer. */
struct collected {
    char data[64];
    size_t len;
    int finalized;
};
static int64_t collect_output(void *env, const uint8_t *data, size_t len) {
    struct collected *c = env;
    size_t n = len < sizeof c->data - c->len ? len : sizeof c->data - c->len;
    memcpy(c->data + c->len, data, n);
    c->len += n;
    return (int64_t)n;
}
static void collected_done(void *env) { ((struct collected *)env)->finalized = 1; }

static size_t finalized_refs = 0;
static void count_ref(void *data) {
    (void)data;
    finalized_refs++;
}

/* What issue 15 (wasmtime-py parity) added: the linker's module,
 * get_default, instantiate_pre and unknown-import definitions; the store's
 * gc and count limits; wasm offsets in backtraces; WASI custom output and
 * preopen permissions; the host-only target. */
static void test_wasmtime_parity(void) {
    petrel_config_t *config = NULL;
    OK(petrel_config_new(&config));
    const char *host = sizeof(void *) == 8 ? "x86_64-unknown-linux-gnu" : "";
#if defined(__x86_64__)
    OK(petrel_config_target(config, host, strlen(host)));
#endif
    ERR(petrel_config_target(config, "not-a-real-target", 17), "invalid target");
    OK(petrel_config_memory_init_cow(config, true));
    OK(petrel_config_cranelift_nan_canonicalization(config, false));
    OK(petrel_config_cranelift_debug_verifier(config, false));
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(config, &engine));
    petrel_config_delete(config);
    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &store));
    petrel_linker_t *linker = NULL;
    OK(petrel_linker_new(engine, &linker));

    /* A command: every call of an export gets a fresh instance. */
    const char *command =
        "(module (global $c (mut i32) (i32.const 0))"
        " (func (export \"_start\") (global.set $c (i32.add (global.get $c) (i32.const 1))))"
        " (func (export \"read\") (result i32) (global.get $c)))";
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)command, strlen(command), &module));
    OK(petrel_linker_module(linker, store, "cmd", 3, module));
    petrel_func_t start;
    OK(petrel_linker_get_default(linker, store, "cmd", 3, &start));
    petrel_valraw_t v[1] = {{0}};
    OK(petrel_func_call_raw(store, &start, v, 1));
    OK(petrel_func_call_raw(store, &start, v, 1));
    petrel_extern_t read;
    bool found = false;
    OK(petrel_linker_get(linker, store, "cmd", 3, "read", 4, &read, &found));
    CHECK(found && read.kind == PETREL_EXTERN_FUNC);
    petrel_func_t read_func = {read.store_id, read.index};
    OK(petrel_func_call_raw(store, &read_func, v, 1));
    CHECK(v[0].i32 == 0);
    petrel_module_delete(module);

    /* instantiate_pre, then unknown imports as default values and traps. */
    const char *imports =
        "(module (import \"env\" \"f\" (func $f (result i32)))"
        " (func (export \"call\") (result i32) call $f))";
    OK(petrel_module_new(engine, (const uint8_t *)imports, strlen(imports), &module));
    petrel_instance_pre_t *pre = NULL;
    ERR(petrel_linker_instantiate_pre(linker, module, &pre), "unknown import");
    OK(petrel_linker_define_unknown_imports_as_default_values(linker, store, module));
    OK(petrel_linker_instantiate_pre(linker, module, &pre));
    petrel_instance_t instance;
    OK(petrel_instance_pre_instantiate(pre, store, &instance));
    petrel_module_t *same = NULL;
    OK(petrel_instance_pre_module(pre, &same));
    size_t nexports = 0;
    OK(petrel_module_export_count(same, &nexports));
    CHECK(nexports == 1);
    petrel_module_delete(same);
    petrel_instance_pre_delete(pre);
    petrel_linker_t *traps = NULL;
    OK(petrel_linker_new(engine, &traps));
    OK(petrel_linker_define_unknown_imports_as_traps(traps, module));
    OK(petrel_linker_instantiate(traps, store, module, &instance));
    petrel_extern_t call;
    OK(petrel_instance_export_get(store, instance, "call", 4, &call, &found));
    petrel_func_t call_func = {call.store_id, call.index};
    ERR(petrel_func_call_raw(store, &call_func, v, 1), "unknown import: `env::f`");
    petrel_linker_delete(traps);
    petrel_module_delete(module);

    /* Backtraces carry the wasm offsets Wasmtime reports. */
    const char *frames =
        "(module $module (func (export \"init\") call $foo) (func $foo call $bar)"
        " (func $bar unreachable))";
    OK(petrel_module_new(engine, (const uint8_t *)frames, strlen(frames), &module));
    petrel_extern_t none[1];
    OK(petrel_instance_new(store, module, none, 0, &instance));
    petrel_extern_t init;
    OK(petrel_instance_export_get(store, instance, "init", 4, &init, &found));
    petrel_func_t init_func = {init.store_id, init.index};
    petrel_error_t *err = petrel_func_call_raw(store, &init_func, v, 1);
    const petrel_trap_t *trap = petrel_error_as_trap(err);
    CHECK(trap != NULL && petrel_trap_frame_count(trap) == 3);
    size_t want[3] = {0x2d, 0x28, 0x23};
    for (size_t i = 0; trap != NULL && i < 3; i++) {
        petrel_frame_t f;
        CHECK(petrel_trap_frame(trap, i, &f));
        CHECK(f.has_module_offset && f.module_offset == want[i]);
        CHECK(f.has_func_offset && f.func_offset == 1);
    }
    petrel_error_delete(err);
    petrel_module_delete(module);

    /* gc: an extern reference no global or table holds is finalized. */
    petrel_externref_t ref;
    OK(petrel_externref_new(store, NULL, count_ref, &ref));
    OK(petrel_store_gc(store));
    CHECK(finalized_refs == 1);
    void *data = NULL;
    ERR(petrel_externref_data(store, ref, &data), "collected");

    /* Count limits. */
    OK(petrel_store_limits(store, -1, -1, -1, -1, 0));
    petrel_memorytype_t mt = {{1, 0, false}, false, 0};
    petrel_memory_t mem;
    ERR(petrel_memory_new(store, mt, &mem), "memory count");

    /* WASI: a custom stdout and a read-only preopen. */
    const char *wasi =
        "(module (import \"wasi_snapshot_preview1\" \"fd_write\""
        "   (func $w (param i32 i32 i32 i32) (result i32)))"
        " (import \"wasi_snapshot_preview1\" \"path_open\""
        "   (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"
        " (memory (export \"memory\") 1) (data (i32.const 100) \"hello\") (data (i32.const 200) \"new.txt\")"
        " (func (export \"print\") (result i32)"
        "   (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 5))"
        "   (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))"
        " (func (export \"create\") (result i32)"
        "   (call $open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 7) (i32.const 1)"
        "     (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 16))))";
    OK(petrel_module_new(engine, (const uint8_t *)wasi, strlen(wasi), &module));
    petrel_linker_t *wl = NULL;
    OK(petrel_linker_new(engine, &wl));
    OK(petrel_linker_define_wasi(wl));
    char dir[] = "/tmp/petrel-perms-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct collected out = {{0}, 0, 0};
    petrel_wasi_config_t *wc = NULL;
    OK(petrel_wasi_config_new(&wc));
    OK(petrel_wasi_config_set_stdout_custom(wc, collect_output, &out, collected_done));
    OK(petrel_wasi_config_preopen_dir_with_perms(wc, dir, "/", PETREL_DIR_PERMS_READ, PETREL_FILE_PERMS_READ));
    ERR(petrel_wasi_config_preopen_dir_with_perms(wc, dir, "/", 4, 1), "invalid directory permissions");
    petrel_store_t *ws = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &ws));
    OK(petrel_store_set_wasi(ws, wc));
    OK(petrel_linker_instantiate(wl, ws, module, &instance));
    petrel_extern_t fn;
    OK(petrel_instance_export_get(ws, instance, "print", 5, &fn, &found));
    petrel_func_t print = {fn.store_id, fn.index};
    OK(petrel_func_call_raw(ws, &print, v, 1));
    CHECK(v[0].i32 == 0 && out.len == 5 && memcmp(out.data, "hello", 5) == 0);
    OK(petrel_instance_export_get(ws, instance, "create", 6, &fn, &found));
    petrel_func_t create = {fn.store_id, fn.index};
    OK(petrel_func_call_raw(ws, &create, v, 1));
    CHECK(v[0].i32 == 76); /* ENOTCAPABLE: the directory is read-only */
    char path[64];
    snprintf(path, sizeof path, "%s/new.txt", dir);
    CHECK(access(path, F_OK) != 0);
    CHECK(!out.finalized);
    OK(petrel_store_delete(ws));
    CHECK(out.finalized);
    rmdir(dir);
    petrel_linker_delete(wl);
    petrel_module_delete(module);

    petrel_linker_delete(linker);
    OK(petrel_store_delete(store));
    petrel_engine_delete(engine);
    (void)host;
}

/* memory64 and custom-page-sizes: the switches, 64-bit and byte-page
 * memory types through the C records, sizes and growth in 64 bits, traps
 * for indices with high bits set, 64-bit tables' types. */
static void test_memory64(void) {
    petrel_config_t *config = NULL;
    OK(petrel_config_new(&config));
    OK(petrel_config_wasm_custom_page_sizes(config, true));
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(config, &engine));
    OK(petrel_config_wasm_memory64(config, false));
    petrel_engine_t *no64 = NULL;
    OK(petrel_engine_new(config, &no64));
    petrel_config_delete(config);

    const char *wat =
        "(module (memory (export \"mem\") i64 1 4)"
        " (memory (export \"bytes\") 3 (pagesize 1))"
        " (table (export \"tab\") i64 2 funcref)"
        " (func (export \"grow\") (param i64) (result i64) local.get 0 memory.grow)"
        " (func (export \"load\") (param i64) (result i32) local.get 0 i32.load8_u))";
    petrel_module_t *module = NULL;
    ERR(petrel_module_new(no64, (const uint8_t *)wat, strlen(wat), &module), "memory64");
    petrel_engine_delete(no64);
    OK(petrel_module_new(engine, (const uint8_t *)wat, strlen(wat), &module));
    size_t n = 0;
    OK(petrel_module_export_count(module, &n));
    for (size_t i = 0; i < n; i++) {
        petrel_str_t name;
        petrel_externtype_t *et = NULL;
        OK(petrel_module_export(module, i, &name, &et));
        if (name.len == 3 && memcmp(name.data, "mem", 3) == 0) {
            petrel_memorytype_t mt;
            OK(petrel_externtype_memorytype(et, &mt));
            CHECK(mt.is_64 && mt.page_size == 65536 && mt.limits.minimum == 1 &&
                  mt.limits.maximum == 4);
        } else if (name.len == 5 && memcmp(name.data, "bytes", 5) == 0) {
            petrel_memorytype_t mt;
            OK(petrel_externtype_memorytype(et, &mt));
            CHECK(!mt.is_64 && mt.page_size == 1 && mt.limits.minimum == 3);
        } else if (name.len == 3 && memcmp(name.data, "tab", 3) == 0) {
            petrel_tabletype_t tt;
            OK(petrel_externtype_tabletype(et, &tt));
            CHECK(tt.is_64 && tt.limits.minimum == 2 && !tt.limits.has_maximum);
        }
        petrel_externtype_delete(et);
    }

    petrel_store_t *store = NULL;
    OK(petrel_store_new(engine, NULL, NULL, &store));
    petrel_instance_t inst;
    OK(petrel_instance_new(store, module, NULL, 0, &inst));
    petrel_func_t grow = get_func(store, inst, "grow");
    petrel_func_t load = get_func(store, inst, "load");
    petrel_valraw_t v[1];
    memset(v, 0, sizeof v);
    v[0].i64 = 2;
    OK(petrel_func_call_raw(store, &grow, v, 1));
    CHECK(v[0].i64 == 1);
    v[0].i64 = 5;
    OK(petrel_func_call_raw(store, &grow, v, 1));
    CHECK(v[0].i64 == -1);
    v[0].i64 = (int64_t)(UINT64_C(1) << 32);
    petrel_error_t *e = petrel_func_call_raw(store, &load, v, 1);
    CHECK(e != NULL && petrel_trap_code(petrel_error_as_trap(e)) == PETREL_TRAP_MEMORY_OUT_OF_BOUNDS);
    petrel_error_delete(e);

    petrel_extern_t item;
    bool found = false;
    OK(petrel_instance_export_get(store, inst, "mem", 3, &item, &found));
    petrel_memory_t mem = {item.store_id, item.index};
    petrel_memorytype_t mt;
    OK(petrel_memory_type(store, mem, &mt));
    CHECK(mt.is_64 && mt.limits.minimum == 3 && mt.page_size == 65536);
    uint64_t pages = 0;
    OK(petrel_memory_size(store, mem, &pages));
    CHECK(pages == 3);
    OK(petrel_instance_export_get(store, inst, "bytes", 5, &item, &found));
    petrel_memory_t bytes = {item.store_id, item.index};
    uint64_t old = 0;
    OK(petrel_memory_grow(store, bytes, 2, &old));
    CHECK(old == 3);
    uint8_t *data = NULL;
    size_t len = 0;
    OK(petrel_memory_data(store, bytes, &data, &len));
    CHECK(len == 5);

    /* Host-made memories: a zeroed record (but for its limits) is a 32-bit
     * memory with 64 KiB pages; 64-bit limits and byte pages by field. */
    petrel_memorytype_t plain;
    memset(&plain, 0, sizeof plain);
    plain.limits.minimum = 1;
    petrel_memory_t m;
    OK(petrel_memory_new(store, plain, &m));
    OK(petrel_memory_type(store, m, &mt));
    CHECK(!mt.is_64 && mt.page_size == 65536);
    petrel_memorytype_t big = plain;
    big.is_64 = true;
    big.limits.minimum = 2;
    big.limits.maximum = UINT64_C(1) << 40;
    big.limits.has_maximum = true;
    OK(petrel_memory_new(store, big, &m));
    OK(petrel_memory_type(store, m, &mt));
    CHECK(mt.is_64 && mt.limits.maximum == (UINT64_C(1) << 40));
    big.is_64 = false;
    ERR(petrel_memory_new(store, big, &m), "index space");
    petrel_memorytype_t odd = plain;
    odd.page_size = 4096;
    ERR(petrel_memory_new(store, odd, &m), "invalid page size");
    odd.page_size = 1;
    odd.limits.minimum = 7;
    OK(petrel_memory_new(store, odd, &m));
    OK(petrel_memory_data(store, m, &data, &len));
    CHECK(len == 7);
    petrel_tabletype_t tt;
    memset(&tt, 0, sizeof tt);
    tt.element = PETREL_FUNCREF;
    tt.is_64 = true;
    tt.limits.minimum = 1;
    tt.limits.maximum = UINT64_C(1) << 40;
    tt.limits.has_maximum = true;
    petrel_val_t null_func;
    memset(&null_func, 0, sizeof null_func);
    null_func.kind = PETREL_FUNCREF;
    petrel_table_t t;
    OK(petrel_table_new(store, tt, &null_func, &t));
    petrel_tabletype_t back;
    OK(petrel_table_type(store, t, &back));
    CHECK(back.is_64 && back.limits.maximum == (UINT64_C(1) << 40));
    tt.is_64 = false;
    ERR(petrel_table_new(store, tt, &null_func, &t), "does not fit in 32 bits");

    OK(petrel_store_delete(store));
    petrel_module_delete(module);
    petrel_engine_delete(engine);
}

/* The pooling allocator: a store's slot is reused with fresh contents by
 * the next store, and the totals are clean errors. */
static void test_pooling_allocator(void) {
    petrel_config_t *config = NULL;
    OK(petrel_config_new(&config));
    petrel_pooling_config_t pool;
    memset(&pool, 0, sizeof pool);
    pool.total_memories = 1;
    pool.total_core_instances = 4;
    pool.max_memory_size = 2 * 65536;
    OK(petrel_config_pooling_allocator(config, &pool));
    petrel_engine_t *engine = NULL;
    OK(petrel_engine_new(config, &engine));
    petrel_config_delete(config);
    const char *wat =
        "(module (memory (export \"mem\") 1) (data (i32.const 0) \"ab\")"
        " (func (export \"load\") (param i32) (result i32) local.get 0 i32.load8_u)"
        " (func (export \"store\") (param i32 i32) local.get 0 local.get 1 i32.store8)"
        " (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow))";
    petrel_module_t *module = NULL;
    OK(petrel_module_new(engine, (const uint8_t *)wat, strlen(wat), &module));
    for (int round = 0; round < 3; round++) {
        petrel_store_t *store = NULL;
        OK(petrel_store_new(engine, NULL, NULL, &store));
        petrel_instance_t inst;
        OK(petrel_instance_new(store, module, NULL, 0, &inst));
        petrel_func_t load = get_func(store, inst, "load");
        petrel_func_t store_fn = get_func(store, inst, "store");
        petrel_func_t grow = get_func(store, inst, "grow");
        _Alignas(16) petrel_valraw_t v[2];
        memset(v, 0, sizeof v);
        v[0].i32 = 0;
        OK(petrel_func_call_raw(store, &load, v, 2));
        CHECK(v[0].i32 == 'a'); /* the image, whatever the last store wrote */
        v[0].i32 = 0;
        v[1].i32 = 'z';
        OK(petrel_func_call_raw(store, &store_fn, v, 2));
        v[0].i32 = 1;
        OK(petrel_func_call_raw(store, &grow, v, 1));
        CHECK(v[0].i32 == 1);
        v[0].i32 = 1;
        OK(petrel_func_call_raw(store, &grow, v, 1));
        CHECK(v[0].i32 == -1); /* past max_memory_size */
        if (round == 2) {
            petrel_store_t *other = NULL;
            OK(petrel_store_new(engine, NULL, NULL, &other));
            petrel_instance_t inst2;
            ERR(petrel_instance_new(other, module, NULL, 0, &inst2), "memories are all in use");
            OK(petrel_store_delete(other));
        }
        OK(petrel_store_delete(store));
    }
    OK(petrel_config_new(&config));
    OK(petrel_config_pooling_allocator(config, &pool));
    OK(petrel_config_pooling_allocator(config, NULL)); /* back to on demand */
    petrel_config_delete(config);
    petrel_module_delete(module);
    petrel_engine_delete(engine);
}

int main(void) {
    test_full();
    test_authenticated_modules();
    test_fuel_epoch_limits();
    test_store_used_from_two_threads();
    test_memory64();
    test_wasi();
    test_wasi_stdin();
    test_wasmtime_parity();
    test_pooling_allocator();
    printf("%d passed, %d failed\n", passed, failures);
    return failures == 0 ? 0 : 1;
}
