package petrel

/*
#include <stdint.h>
#include "petrel.h"

// The Go functions of callbacks.go, as C sees them.
extern struct petrel_error_t *petrelGoCallback(void *env, struct petrel_caller_t *caller, void *args_and_results, size_t nargs, size_t nresults);
extern void petrelGoFinalize(void *env);

// Set while a call runs on a store's own stack (ownstack.go).
extern __thread __attribute__((tls_model("initial-exec"))) int petrel_go_on_own_stack;

// The callback C calls for every Go host function. Go cannot be entered
// from a call on a store's own stack (the goroutine never left Go's view);
// such a call, which ownStore's checks exclude, fails as a wasm error
// instead of crashing the process.
struct petrel_error_t *petrel_go_callback(void *env, struct petrel_caller_t *caller, void *args_and_results,
		size_t nargs, size_t nresults) {
	if (petrel_go_on_own_stack) {
		static const char msg[] = "petrel: a Go host function was reached from a call on the store's own stack";
		return petrel_error_new(msg, sizeof msg - 1);
	}
	return petrelGoCallback(env, caller, args_and_results, nargs, nresults);
}

// A registry index as the C environment pointer (never dereferenced).
static inline void *petrel_go_env(uintptr_t index) { return (void *)index; }
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// registry maps the indexes handed to C as environment pointers to the Go
// values they stand for: host functions and externref payloads. Go
// closures and values never cross into C.
type registry struct {
	m    sync.Map // uintptr -> any
	next atomic.Uintptr
}

var handles registry

func (r *registry) add(v any) uintptr {
	i := r.next.Add(1)
	r.m.Store(i, v)
	return i
}

func (r *registry) get(i uintptr) (any, bool) { return r.m.Load(i) }

func (r *registry) remove(i uintptr) { r.m.Delete(i) }

// envPointer is the C environment pointer for registry index i.
func envPointer(i uintptr) unsafe.Pointer { return C.petrel_go_env(C.uintptr_t(i)) }

// callbackPtr is the C callback that dispatches to host functions.
func callbackPtr() C.petrel_callback_t { return C.petrel_callback_t(C.petrel_go_callback) }

// finalizerPtr is the C finalizer that drops a registry entry.
func finalizerPtr() C.petrel_finalizer_t { return C.petrel_finalizer_t(C.petrelGoFinalize) }
