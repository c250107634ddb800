package main

// Two reference points for reading the table: the cost of
// petrel_func_call_raw called from C in a loop (the C API's own floor, no
// cgo), and of an empty cgo call (Go's own transition cost).

/*
#cgo CFLAGS: -I${SRCDIR}/../../capi/include
#include <string.h>
#include <time.h>
#include "petrel.h"

static int petrel_bench_nop(int x) { return x + 1; }

// Nanoseconds per petrel_func_call_raw of add(i32, i32) over n calls, or
// -1 on error.
static double petrel_bench_floor(int n) {
	const char *wat = "(module (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))";
	petrel_engine_t *engine = NULL;
	petrel_store_t *store = NULL;
	petrel_module_t *module = NULL;
	double ns = -1;
	if (petrel_engine_new(NULL, &engine)) return -1;
	if (petrel_store_new(engine, NULL, NULL, &store)) goto out;
	if (petrel_module_new(engine, (const uint8_t *)wat, strlen(wat), &module)) goto out;
	petrel_instance_t inst;
	if (petrel_instance_new(store, module, NULL, 0, &inst)) goto out;
	petrel_extern_t item;
	bool found = false;
	if (petrel_instance_export_get(store, inst, "add", 3, &item, &found) || !found) goto out;
	petrel_func_t add = {item.store_id, item.index};
	_Alignas(16) petrel_valraw_t vals[2];
	memset(vals, 0, sizeof vals);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		vals[0].i32 = i;
		vals[1].i32 = 1;
		if (petrel_func_call_raw(store, &add, vals, 2)) goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
out:
	petrel_module_delete(module);
	if (store) petrel_store_delete(store);
	petrel_engine_delete(engine);
	return ns;
}
*/
import "C"

import "time"

// floorNs is the C API's own cost per call, measured in C.
func floorNs(n int) time.Duration {
	return time.Duration(float64(C.petrel_bench_floor(C.int(n))) * float64(n))
}

// cgoNop is one empty cgo call.
func cgoNop(i int) { C.petrel_bench_nop(C.int(i)) }
