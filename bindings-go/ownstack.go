package petrel

// Calls on a stack of Petrel's own: the fast path of typed and scalar
// calls.
//
// An ordinary cgo call hands the goroutine's P back to the scheduler and
// takes it again (entersyscall/exitsyscall), which costs more than the
// whole wasm call of a small function. A call on an own stack skips that:
// Go assembly (internal/stackcall) calls petrel_go_own_entry below
// directly, which moves the stack pointer to a stack this thread owns,
// runs the call, and moves it back. While the call runs the goroutine stays
// "running" as far as Go knows, so:
//
//   - it must not reach Go again: a store that can call a Go host function
//     (or a WASI function, which may block in a system call) never takes
//     this path, and the C trampoline of Go host functions refuses, with a
//     wasm error, a call that arrives on it anyway;
//   - the goroutine cannot be preempted and the garbage collector cannot
//     stop it: a stop-the-world pause waits until the call returns (as with
//     wazero's compiled code). Store.SetOwnStackCalls(false) sends a
//     store's calls through cgo instead.
//
// Each OS thread maps its own stack the first time a call runs on it (a
// goroutine cannot move to another thread during the call, and no call can
// start on a thread whose stack is in use), so no lock is taken per call.
// Traps are caught inside the C call (Petrel's handler runs on the
// thread's signal stack and lands on this stack), so they come back as
// errors as on the cgo path.

/*
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "petrel.h"

#define PETREL_GO_TLS __thread __attribute__((tls_model("initial-exec")))

// This thread's own stack: where the stack pointer starts (16-byte
// aligned) and how many bytes lie below it (0: none mapped yet).
PETREL_GO_TLS uintptr_t petrel_go_stack_top;
PETREL_GO_TLS size_t petrel_go_stack_room;
// Set while a call runs on this thread's own stack; the entry refuses to
// start another, and the Go host-function trampoline (registry.go) refuses
// to enter Go.
PETREL_GO_TLS int petrel_go_on_own_stack;

typedef struct {
	struct petrel_error_t *err;
	uint64_t bits;
} petrel_go_own_result_t;

// The call itself, on the own stack: up to three raw arguments in, one raw
// result out (in RAX:RDX, as the entry returns it).
__attribute__((visibility("hidden"), used)) petrel_go_own_result_t petrel_go_own_call(
		struct petrel_store_t *store, const petrel_func_t *func, size_t len, uint64_t a, uint64_t b, uint64_t c) {
	_Alignas(16) petrel_valraw_t vals[3];
	memset(vals, 0, sizeof vals);
	vals[0].i64 = (int64_t)a;
	vals[1].i64 = (int64_t)b;
	vals[2].i64 = (int64_t)c;
	petrel_go_on_own_stack = 1;
	petrel_go_own_result_t r;
	r.err = petrel_func_call_raw(store, func, vals, len);
	petrel_go_on_own_stack = 0;
	r.bits = (uint64_t)vals[0].i64;
	return r;
}

// petrel_go_own_entry(store, func, need | len, a, b, c): called from Go
// assembly on the goroutine's stack, of which it uses nothing but the
// return address. need (a multiple of 4096) is the stack the call needs,
// len (1 to 3) the value count. When need is 0, or this thread has no own
// stack of that size, or one in use, it returns {PETREL_GO_OWN_REFUSED, 0}
// at once.
// Otherwise it switches to the own stack (saving the Go stack pointer on
// it), calls petrel_go_own_call, and switches back.
#define PETREL_GO_OWN_REFUSED 1
#if defined(__x86_64__)
__asm__(
	".text\n"
	".globl petrel_go_own_entry\n"
	".hidden petrel_go_own_entry\n"
	".type petrel_go_own_entry, @function\n"
	"petrel_go_own_entry:\n"
	"	movq petrel_go_on_own_stack@gottpoff(%rip), %rax\n"
	"	cmpl $0, %fs:(%rax)\n"
	"	jne 1f\n"
	"	movq %rdx, %r10\n"
	"	andq $-4096, %r10\n"
	"	jz 1f\n"
	"	movq petrel_go_stack_room@gottpoff(%rip), %rax\n"
	"	cmpq %r10, %fs:(%rax)\n"
	"	jb 1f\n"
	"	andq $4095, %rdx\n"
	"	movq petrel_go_stack_top@gottpoff(%rip), %rax\n"
	"	movq %fs:(%rax), %rax\n"
	"	movq %rsp, %r11\n"
	"	movq %rax, %rsp\n"
	"	pushq %r11\n"
	"	subq $8, %rsp\n"
	"	call petrel_go_own_call\n"
	"	addq $8, %rsp\n"
	"	popq %rsp\n"
	"	ret\n"
	"1:	movl $1, %eax\n"
	"	xorl %edx, %edx\n"
	"	ret\n"
	".size petrel_go_own_entry, .-petrel_go_own_entry\n");

__attribute__((visibility("hidden"))) void petrel_go_own_entry(void);
#else
// Own-stack calls are written for x86-64 only (internal/stackcall says so
// to Go, which then never calls the entry); elsewhere it only refuses.
__attribute__((visibility("hidden"))) petrel_go_own_result_t petrel_go_own_entry(void) {
	petrel_go_own_result_t r = {(struct petrel_error_t *)PETREL_GO_OWN_REFUSED, 0};
	return r;
}
#endif

static uintptr_t petrel_go_own_entry_addr(void) { return (uintptr_t)&petrel_go_own_entry; }

// A mapped own stack, freed when its thread exits.
typedef struct {
	void *base;
	size_t len;
} petrel_go_stack_t;

static pthread_key_t petrel_go_stack_key;
static pthread_once_t petrel_go_stack_once = PTHREAD_ONCE_INIT;
static int petrel_go_stack_key_ok;

static void petrel_go_stack_free(void *p) {
	petrel_go_stack_t *s = p;
	munmap(s->base, s->len);
	free(s);
}

static void petrel_go_stack_key_make(void) {
	petrel_go_stack_key_ok = pthread_key_create(&petrel_go_stack_key, petrel_go_stack_free) == 0;
}

// Gives this thread an own stack with room bytes below its top (a multiple
// of the page size) above an inaccessible guard of guard bytes, replacing a
// smaller one. Returns 0, or -1 when it cannot (calls then go through cgo).
static int petrel_go_stack_prepare(size_t room, size_t guard) {
	if (petrel_go_on_own_stack) return -1;
	if (petrel_go_stack_room >= room) return 0;
	pthread_once(&petrel_go_stack_once, petrel_go_stack_key_make);
	if (!petrel_go_stack_key_ok) return -1;
	petrel_go_stack_t *s = malloc(sizeof *s);
	if (s == NULL) return -1;
	s->len = room + guard;
	s->base = mmap(NULL, s->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->base == MAP_FAILED || mprotect(s->base, guard, PROT_NONE) != 0) {
		if (s->base != MAP_FAILED) munmap(s->base, s->len);
		free(s);
		return -1;
	}
	petrel_go_stack_t *old = pthread_getspecific(petrel_go_stack_key);
	if (pthread_setspecific(petrel_go_stack_key, s) != 0) {
		munmap(s->base, s->len);
		free(s);
		return -1;
	}
	if (old != NULL) petrel_go_stack_free(old);
	petrel_go_stack_top = ((uintptr_t)s->base + s->len) & ~(uintptr_t)15;
	petrel_go_stack_room = room;
	return 0;
}
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/petrel-runtime/petrel/bindings-go/internal/stackcall"
)

const (
	// hostFrameRoom is the stack an own stack has beyond the engine's
	// wasm stack: the C API's and the runtime's frames above the first
	// wasm frame, and the builtins wasm calls near its limit.
	hostFrameRoom = 1 << 20
	// stackGuard is the inaccessible region below an own stack.
	stackGuard = 64 << 10
	// ownRefused is the entry's error word when it did not make the call.
	ownRefused = C.PETREL_GO_OWN_REFUSED
)

var ownEntryAddr = uintptr(C.petrel_go_own_entry_addr())

// ownStackNeed is the own stack a call into engine's stores needs (a
// multiple of 4096; 0, which refuses every own-stack call, when the
// engine cannot say). Computed once, when the engine is made.
func ownStackNeed(e *C.petrel_engine_t) uintptr {
	max, err := cEngineMaxWasmStack(e)
	if err != nil {
		return 0
	}
	return (uintptr(max) + hostFrameRoom + 4095) &^ 4095
}

// SetOwnStackCalls says whether scalar calls into this store (typed calls,
// and Func.Call of numeric signatures) may run on a stack of Petrel's own
// instead of through cgo: on by default where the platform supports it
// (amd64), and never for a store that can call a Go host function or WASI.
// Such a call is several times cheaper, but neither the scheduler nor the
// garbage collector can stop the goroutine until it returns: a
// stop-the-world pause waits for it. Turn it off for stores whose calls
// run long.
func (s *Store) SetOwnStackCalls(on bool) {
	if on {
		s.noOwnStack.And(^ownOff)
	} else {
		s.noOwnStack.Or(ownOff)
	}
}

// The reasons in Store.noOwnStack.
const (
	// reachesGo: the store may call a Go host function or WASI (never
	// cleared).
	reachesGo uint32 = 1 << iota
	// ownOff: SetOwnStackCalls(false).
	ownOff
)

// markReachesGo records that store may now call back into Go (or block in
// WASI), which rules out own-stack calls for it.
func markReachesGo(store Storelike) {
	if s, ok := store.(*Store); ok {
		s.noOwnStack.Or(reachesGo)
	}
}

// ownStore is store when calls into it may run on an own stack, else nil.
func ownStore(store Storelike) *Store {
	if s, ok := store.(*Store); ok && ownStackOK && s.noOwnStack.Load() == 0 {
		return s
	}
	return nil
}

// ownCallSlow finishes an own-stack call (see call3) whose first attempt
// returned e:
// an error, or a refusal because this thread has no stack yet (or one
// too small, or in use). A stack is mapped through cgo, which runs on the
// same thread, and the call is tried once more (the goroutine may have
// moved to another thread in between).
func ownCallSlow(s *Store, h *C.petrel_func_t, need uintptr, n int, a, b, c uint64, e unsafe.Pointer) (bits uint64, err error, ok bool) {
	var r uintptr
	if uintptr(e) == ownRefused {
		if need == 0 || C.petrel_go_stack_prepare(C.size_t(need), stackGuard) != 0 {
			return 0, nil, false
		}
		e, r = stackcall.Call(ownEntryAddr, unsafe.Pointer(s.storePtr()), unsafe.Pointer(h), need|uintptr(n), uintptr(a), uintptr(b), uintptr(c))
		runtime.KeepAlive(s)
		runtime.KeepAlive(h)
		if uintptr(e) == ownRefused {
			return 0, nil, false
		}
	}
	if e != nil {
		return 0, callResult(takeError((*C.petrel_error_t)(e))), true
	}
	return uint64(r), nil, true
}

// ownStackOrdinary says whether Func.Call's scalar path also runs on an
// own stack.
const ownStackOrdinary = true

// ownStackOK says whether own-stack calls exist on this platform.
const ownStackOK = stackcall.Supported
