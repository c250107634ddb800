package petrel

// The scalar call path: for a signature of at most three numeric
// parameters and at most one numeric result, the arguments cross cgo as
// integers (their bits) and the values live in a buffer on the C stack. A
// call is then one cgo call with no Go pointer (no cgo pointer checks),
// no shared buffer (no atomic flag), and nothing to allocate.

/*
#include <string.h>
#include "petrel.h"

typedef struct {
	struct petrel_error_t *err;
	uint64_t bits;
} petrel_go_result_t;

static inline petrel_go_result_t petrel_go_call3(uintptr_t store, uint64_t store_id, size_t index, size_t len,
		uint64_t a, uint64_t b, uint64_t c) {
	petrel_func_t func = { store_id, index };
	_Alignas(16) petrel_valraw_t vals[3];
	memset(vals, 0, sizeof vals);
	vals[0].i64 = (int64_t)a;
	vals[1].i64 = (int64_t)b;
	vals[2].i64 = (int64_t)c;
	petrel_go_result_t r;
	r.err = petrel_func_call_raw((petrel_store_t *)store, &func, vals, len);
	r.bits = (uint64_t)vals[0].i64;
	return r;
}
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/petrel-runtime/petrel/bindings-go/internal/stackcall"
)

// bitsOf is v's raw form: its bytes in the low bytes of a uint64. (It
// reads v at its own size and widens: writing v into a zeroed uint64 and
// reading that back makes the CPU wait for two stores to merge.)
func bitsOf[T Number](v T) uint64 {
	if unsafe.Sizeof(v) == 4 {
		return uint64(*(*uint32)(unsafe.Pointer(&v)))
	}
	return *(*uint64)(unsafe.Pointer(&v))
}

// fromBits reads a T from the low bytes of a raw value.
func fromBits[T Number](u uint64) T { return *(*T)(unsafe.Pointer(&u)) }

// call3 calls h in store with up to three arguments given as raw bits;
// n is the larger of the parameter and result counts (at least 1). With
// own, the call runs on an own stack when the store allows it
// (ownstack.go): in the common case one assembly call, with nothing but a
// refusal or an error left to ownCallSlow.
func call3(store Storelike, h *C.petrel_func_t, n int, a, b, c uint64, own bool) (uint64, error) {
	if s := ownStore(store); own && s != nil {
		need := s.engine.ownNeed
		e, r := stackcall.Call(ownEntryAddr, unsafe.Pointer(s.storePtr()), unsafe.Pointer(h), need|uintptr(n), uintptr(a), uintptr(b), uintptr(c))
		runtime.KeepAlive(s)
		runtime.KeepAlive(h)
		if e == nil {
			return uint64(r), nil
		}
		if bits, err, ok := ownCallSlow(s, h, need, n, a, b, c, e); ok {
			return bits, err
		}
	}
	return cgoCall3(store, h, n, a, b, c)
}

// cgoCall3 is call3 through cgo.
func cgoCall3(store Storelike, h *C.petrel_func_t, n int, a, b, c uint64) (uint64, error) {
	st := uintptr(unsafe.Pointer(store.storePtr()))
	r := C.petrel_go_call3(C.uintptr_t(st), h.store_id, h.index, C.size_t(n), C.uint64_t(a), C.uint64_t(b), C.uint64_t(c))
	runtime.KeepAlive(store)
	if r.err != nil {
		return 0, callResult(takeError(r.err))
	}
	return uint64(r.bits), nil
}

// isNumber says whether a value kind crosses the scalar path.
func isNumber(k ValKind) bool {
	return k == KindI32 || k == KindI64 || k == KindF32 || k == KindF64
}

// scalarSig says whether a function type fits the scalar path.
func scalarSig(ty *FuncType) bool {
	if len(ty.params) > 3 || len(ty.results) > 1 {
		return false
	}
	for _, k := range ty.params {
		if !isNumber(k) {
			return false
		}
	}
	for _, k := range ty.results {
		if !isNumber(k) {
			return false
		}
	}
	return true
}
