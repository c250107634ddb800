package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"fmt"
	"reflect"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Number is a Go type a typed call passes as a wasm number: int32 and
// uint32 are i32, int64 and uint64 are i64, float32 is f32, float64 is f64.
type Number interface {
	~int32 | ~uint32 | ~int64 | ~uint64 | ~float32 | ~float64
}

func kindOf[T Number]() ValKind {
	var z T
	switch reflect.TypeOf(z).Kind() {
	case reflect.Float32:
		return KindF32
	case reflect.Float64:
		return KindF64
	case reflect.Int64, reflect.Uint64:
		return KindI64
	}
	return KindI32
}

// typedCall is what every TypedFunc holds: the function handle and a call
// buffer reused while no other call uses it.
type typedCall struct {
	// buf comes first: the struct is a heap object of at least 16 bytes,
	// so buf is 16-byte aligned and the C API uses it in place (an
	// unaligned buffer costs a copy through an aligned one).
	buf  [4]rawVal
	h    C.petrel_func_t
	busy atomic.Bool
}

func newTypedCall(store Storelike, f *Func, params []ValKind, results []ValKind) (*typedCall, error) {
	ty, err := f.funcType(store.storePtr())
	runtime.KeepAlive(store)
	if err != nil {
		return nil, err
	}
	same := func(a, b []ValKind) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	if !same(ty.params, params) || !same(ty.results, results) {
		return nil, &Error{message: fmt.Sprintf("petrel: function type is %v -> %v, the typed call says %v -> %v", ty.params, ty.results, params, results)}
	}
	return &typedCall{h: f.h}, nil
}

// buffer returns the call's own buffer, or a fresh one when it is in use.
func (t *typedCall) buffer() (*[4]rawVal, bool) {
	if t.busy.CompareAndSwap(false, true) {
		return &t.buf, true
	}
	return &new(typedCall).buf, false
}

// call runs the function over buf (n values) and finishes the call.
func (t *typedCall) call(store Storelike, buf *[4]rawVal, own bool, n int) error {
	e := C.petrel_func_call_raw(store.storePtr(), &t.h, &buf[0], C.size_t(n))
	runtime.KeepAlive(store)
	if e != nil {
		if own {
			t.busy.Store(false)
		}
		return callResult(takeError(e))
	}
	return nil
}

func put[T Number](dst *rawVal, v T) { *(*T)(unsafe.Pointer(dst)) = v }

func get[T Number](src *rawVal) T { return *(*T)(unsafe.Pointer(src)) }

// TypedFunc0 calls a wasm function of no parameters and one numeric
// result through one cgo call, without allocating.
type TypedFunc0[R Number] struct{ c *typedCall }

// NewTypedFunc0 checks that f has the signature () -> R.
func NewTypedFunc0[R Number](store Storelike, f *Func) (*TypedFunc0[R], error) {
	c, err := newTypedCall(store, f, []ValKind{}, []ValKind{kindOf[R]()})
	if err != nil {
		return nil, err
	}
	return &TypedFunc0[R]{c}, nil
}

// Call calls the function.
func (t *TypedFunc0[R]) Call(store Storelike) (R, error) {
	buf, own := t.c.buffer()
	if err := t.c.call(store, buf, own, 1); err != nil {
		var zero R
		return zero, err
	}
	r := get[R](&buf[0])
	if own {
		t.c.busy.Store(false)
	}
	return r, nil
}

// TypedFunc1 calls a wasm function (P1) -> R.
type TypedFunc1[P1, R Number] struct{ c *typedCall }

// NewTypedFunc1 checks that f has the signature (P1) -> R.
func NewTypedFunc1[P1, R Number](store Storelike, f *Func) (*TypedFunc1[P1, R], error) {
	c, err := newTypedCall(store, f, []ValKind{kindOf[P1]()}, []ValKind{kindOf[R]()})
	if err != nil {
		return nil, err
	}
	return &TypedFunc1[P1, R]{c}, nil
}

// Call calls the function.
func (t *TypedFunc1[P1, R]) Call(store Storelike, a P1) (R, error) {
	buf, own := t.c.buffer()
	put(&buf[0], a)
	if err := t.c.call(store, buf, own, 1); err != nil {
		var zero R
		return zero, err
	}
	r := get[R](&buf[0])
	if own {
		t.c.busy.Store(false)
	}
	return r, nil
}

// TypedFunc2 calls a wasm function (P1, P2) -> R.
type TypedFunc2[P1, P2, R Number] struct{ c *typedCall }

// NewTypedFunc2 checks that f has the signature (P1, P2) -> R.
func NewTypedFunc2[P1, P2, R Number](store Storelike, f *Func) (*TypedFunc2[P1, P2, R], error) {
	c, err := newTypedCall(store, f, []ValKind{kindOf[P1](), kindOf[P2]()}, []ValKind{kindOf[R]()})
	if err != nil {
		return nil, err
	}
	return &TypedFunc2[P1, P2, R]{c}, nil
}

// Call calls the function.
func (t *TypedFunc2[P1, P2, R]) Call(store Storelike, a P1, b P2) (R, error) {
	buf, own := t.c.buffer()
	put(&buf[0], a)
	put(&buf[1], b)
	if err := t.c.call(store, buf, own, 2); err != nil {
		var zero R
		return zero, err
	}
	r := get[R](&buf[0])
	if own {
		t.c.busy.Store(false)
	}
	return r, nil
}

// TypedFunc3 calls a wasm function (P1, P2, P3) -> R.
type TypedFunc3[P1, P2, P3, R Number] struct{ c *typedCall }

// NewTypedFunc3 checks that f has the signature (P1, P2, P3) -> R.
func NewTypedFunc3[P1, P2, P3, R Number](store Storelike, f *Func) (*TypedFunc3[P1, P2, P3, R], error) {
	c, err := newTypedCall(store, f, []ValKind{kindOf[P1](), kindOf[P2](), kindOf[P3]()}, []ValKind{kindOf[R]()})
	if err != nil {
		return nil, err
	}
	return &TypedFunc3[P1, P2, P3, R]{c}, nil
}

// Call calls the function.
func (t *TypedFunc3[P1, P2, P3, R]) Call(store Storelike, a P1, b P2, c P3) (R, error) {
	buf, own := t.c.buffer()
	put(&buf[0], a)
	put(&buf[1], b)
	put(&buf[2], c)
	if err := t.c.call(store, buf, own, 3); err != nil {
		var zero R
		return zero, err
	}
	r := get[R](&buf[0])
	if own {
		t.c.busy.Store(false)
	}
	return r, nil
}
