package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"fmt"
	"reflect"
	"runtime"
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

// typedCall is what every TypedFunc holds: the function handle (its type
// checked once). A call goes through the scalar path (fastcall.go).
type typedCall struct {
	h C.petrel_func_t
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
	u, err := call3(store, &t.c.h, 1, 0, 0, 0, true)
	return fromBits[R](u), err
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
	u, err := call3(store, &t.c.h, 1, bitsOf(a), 0, 0, true)
	return fromBits[R](u), err
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
	u, err := call3(store, &t.c.h, 2, bitsOf(a), bitsOf(b), 0, true)
	return fromBits[R](u), err
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
	u, err := call3(store, &t.c.h, 3, bitsOf(a), bitsOf(b), bitsOf(c), true)
	return fromBits[R](u), err
}
