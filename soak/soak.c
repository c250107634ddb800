/* Soak through the C API: creates, instantiates, calls and drops N stores
 * (each also runs one trapping call), prints resident memory at intervals,
 * and exits 1 when resident memory after N cycles exceeds its value after
 * N/10 by more than the allowed growth.
 *
 * Usage: soak_c WAT_FILE [CYCLES] [MAX_GROWTH_PERCENT] (defaults 100000, 5). */
#include "petrel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    }
    if (f) fclose(f);
    return kib;
}

static void check(petrel_error_t *err, const char *what) {
    if (err) {
        fprintf(stderr, "soak_c: %s: %s\n", what, petrel_error_message(err));
        petrel_error_delete(err);
        exit(2);
    }
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static petrel_func_t export_func(petrel_store_t *store, petrel_instance_t inst, const char *name) {
    petrel_extern_t item;
    bool found = false;
    check(petrel_instance_export_get(store, inst, name, strlen(name), &item, &found), "export_get");
    if (!found || item.kind != PETREL_EXTERN_FUNC) {
        fprintf(stderr, "soak_c: no function %s\n", name);
        exit(2);
    }
    petrel_func_t f = {item.store_id, item.index};
    return f;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: soak_c WAT_FILE [CYCLES] [MAX_GROWTH_PERCENT]\n");
        return 2;
    }
    long cycles = argc > 2 ? atol(argv[2]) : 100000;
    double max_growth = argc > 3 ? atof(argv[3]) : 5.0;
    long tenth = cycles / 10 > 0 ? cycles / 10 : 1;
    size_t wat_len;
    char *wat = read_file(argv[1], &wat_len);
    petrel_bytes_t wasm;
    check(petrel_wat2wasm(wat, wat_len, &wasm), "wat2wasm");
    free(wat);
    petrel_engine_t *engine;
    check(petrel_engine_new(NULL, &engine), "engine_new");
    petrel_module_t *module;
    check(petrel_module_new(engine, wasm.data, wasm.len, &module), "module_new");
    petrel_bytes_delete(&wasm);
    long baseline = 0;
    for (long i = 1; i <= cycles; i++) {
        petrel_store_t *store;
        check(petrel_store_new(engine, NULL, NULL, &store), "store_new");
        petrel_instance_t inst;
        check(petrel_instance_new(store, module, NULL, 0, &inst), "instance_new");
        petrel_func_t add = export_func(store, inst, "add");
        petrel_valraw_t vals[2];
        memset(vals, 0, sizeof vals);
        vals[0].i32 = (int32_t)i;
        vals[1].i32 = 1;
        check(petrel_func_call_raw(store, &add, vals, 2), "call add");
        if (vals[0].i32 != (int32_t)(i + 1)) {
            fprintf(stderr, "soak_c: add gave %d\n", vals[0].i32);
            return 2;
        }
        petrel_func_t trap = export_func(store, inst, "trap");
        petrel_error_t *err = petrel_func_call_raw(store, &trap, vals, 1);
        if (!err || !petrel_error_as_trap(err)) {
            fprintf(stderr, "soak_c: expected a trap\n");
            return 2;
        }
        petrel_error_delete(err);
        check(petrel_store_delete(store), "store_delete");
        if (i % tenth == 0) {
            long rss = rss_kib();
            printf("c: %ld cycles, rss %ld KiB\n", i, rss);
            if (i == tenth) baseline = rss;
        }
    }
    petrel_module_delete(module);
    petrel_engine_delete(engine);
    long end = rss_kib();
    double growth = (double)(end - baseline) * 100.0 / (double)baseline;
    printf("c: rss after %ld cycles %ld KiB, after %ld %ld KiB: %+.2f%%\n", cycles, end, tenth, baseline, growth);
    if (growth > max_growth) {
        fprintf(stderr, "c: resident memory grew by %.2f%% (allowed %.1f%%)\n", growth, max_growth);
        return 1;
    }
    return 0;
}
