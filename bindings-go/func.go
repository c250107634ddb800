package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sync/atomic"
)

// Func is a function of a store: exported by wasm, or a host function
// made by NewFunc or WrapFunc. It is a handle checked against its store on
// every use.
type Func struct {
	h      C.petrel_func_t
	ty     atomic.Pointer[FuncType]
	scalar atomic.Int32 // scalarUnknown, scalarYes or scalarNo
	busy   atomic.Bool
	buf    []rawVal
}

const (
	scalarUnknown = iota
	scalarYes
	scalarNo
)

// classify records whether the function's type fits the scalar path.
func (f *Func) classify(ty *FuncType) bool {
	if scalarSig(ty) {
		f.scalar.Store(scalarYes)
		return true
	}
	f.scalar.Store(scalarNo)
	return false
}

// callScalar is Call through the scalar path; ok is false when an
// argument is not a plain number of its parameter's kind (Call then
// converts it the general way, or reports it).
func (f *Func) callScalar(store Storelike, ty *FuncType, n int, args []any) (out any, err error, ok bool) {
	var bits [3]uint64
	for i, a := range args {
		b, ok := numberBits(ty.params[i], a)
		if !ok {
			return nil, nil, false
		}
		bits[i] = b
	}
	u, err := call3(store, &f.h, n, bits[0], bits[1], bits[2], ownStackOrdinary)
	if err != nil || len(ty.results) == 0 {
		return nil, err, true
	}
	return numberFromBits(ty.results[0], u), nil, true
}

// numberBits is the raw form of a plain Go number of the parameter's kind
// (the common case of Call); ok is false for anything else.
func numberBits(k ValKind, a any) (bits uint64, ok bool) {
	switch x := a.(type) {
	case int32:
		return uint64(uint32(x)), k == KindI32
	case int64:
		return uint64(x), k == KindI64
	case float32:
		return uint64(math.Float32bits(x)), k == KindF32
	case float64:
		return math.Float64bits(x), k == KindF64
	}
	return 0, false
}

// numberFromBits is the Go value of a numeric result's raw form.
func numberFromBits(k ValKind, u uint64) any {
	switch k {
	case KindI32:
		return int32(uint32(u))
	case KindI64:
		return int64(u)
	case KindF32:
		return math.Float32frombits(uint32(u))
	}
	return math.Float64frombits(u)
}

func (f *Func) externHandle() C.petrel_extern_t {
	return C.petrel_extern_t{kind: C.petrel_extern_kind_t(ExternKindFunc), store_id: f.h.store_id, index: f.h.index}
}

// AsExtern returns the function as an Extern.
func (f *Func) AsExtern() *Extern { return newExtern(f.externHandle()) }

// Type returns the function's type.
func (f *Func) Type(store Storelike) *FuncType {
	ty, err := f.funcType(store.storePtr())
	runtime.KeepAlive(store)
	if err != nil {
		return &FuncType{}
	}
	return ty
}

func (f *Func) funcType(st *C.petrel_store_t) (*FuncType, error) {
	if ty := f.ty.Load(); ty != nil {
		return ty, nil
	}
	ft, err := cFuncType(st, f.h)
	if err != nil {
		return nil, err
	}
	ty := funcTypeFromC(ft)
	cFunctypeDelete(ft)
	f.ty.Store(ty)
	return ty, nil
}

// acquire returns a zeroed call buffer of n values: the Func's own one, or
// a fresh one when it is in use (a re-entrant or concurrent call).
func (f *Func) acquire(n int) ([]rawVal, bool) {
	if f.busy.CompareAndSwap(false, true) {
		if len(f.buf) < n {
			f.buf = make([]rawVal, n)
		}
		return f.buf[:n], true
	}
	return make([]rawVal, n), false
}

func (f *Func) release(own bool) {
	if own {
		f.busy.Store(false)
	}
}

// Call calls the function with args: int32, int64, float32, float64 (or
// int for i32 and i64), [16]byte for v128, *Func or nil for funcref, any Go
// value for externref, or Val. It returns nil for no result, the value for
// one (int32, int64, float32, float64, [16]byte, *Func, or the externref's
// value) and []Val for several. A trap is a *Trap; a panic in a host
// function that the call reached is raised again here.
func (f *Func) Call(store Storelike, args ...any) (any, error) {
	// The common case first: a numeric signature already classified.
	if ty := f.ty.Load(); ty != nil && f.scalar.Load() == scalarYes && len(args) == len(ty.params) {
		if out, err, ok := f.callScalar(store, ty, max(len(ty.params), len(ty.results), 1), args); ok {
			return out, err
		}
	}
	st := store.storePtr()
	ty, err := f.funcType(st)
	if err != nil {
		runtime.KeepAlive(store)
		return nil, err
	}
	if len(args) != len(ty.params) {
		return nil, &Error{message: fmt.Sprintf("expected %d arguments, got %d", len(ty.params), len(args))}
	}
	n := max(len(ty.params), len(ty.results), 1)
	if f.scalar.Load() == scalarYes || (f.scalar.Load() == scalarUnknown && f.classify(ty)) {
		if out, err, ok := f.callScalar(store, ty, n, args); ok {
			return out, err
		}
	}
	buf, own := f.acquire(n)
	for i, a := range args {
		if writeNumber(ty.params[i], a, &buf[i]) {
			continue
		}
		v, ok := valFromGo(ty.params[i], a)
		if !ok {
			f.release(own)
			return nil, &Error{message: fmt.Sprintf("argument %d is %T, expected a %v value", i, a, ty.params[i])}
		}
		if err := writeRaw(st, v, &buf[i]); err != nil {
			f.release(own)
			return nil, err
		}
	}
	e := C.petrel_func_call_raw(st, &f.h, &buf[0], C.size_t(n))
	if e != nil {
		f.release(own)
		runtime.KeepAlive(store)
		return nil, callResult(takeError(e))
	}
	var out any
	switch len(ty.results) {
	case 0:
	case 1:
		out = resultValue(st, ty.results[0], &buf[0])
	default:
		vals := make([]Val, len(ty.results))
		for i, k := range ty.results {
			vals[i] = readRaw(st, k, &buf[i])
		}
		out = vals
	}
	f.release(own)
	runtime.KeepAlive(store)
	return out, nil
}

// writeNumber writes a plain Go number of the parameter's kind straight
// into the raw value (the common case of Call), reporting whether it did.
func writeNumber(k ValKind, a any, dst *rawVal) bool {
	p := unsafePointer(dst)
	switch x := a.(type) {
	case int32:
		if k == KindI32 {
			*(*uint64)(p) = uint64(uint32(x))
			return true
		}
	case int64:
		if k == KindI64 {
			*(*int64)(p) = x
			return true
		}
	case float32:
		if k == KindF32 {
			*(*uint64)(p) = uint64(math.Float32bits(x))
			return true
		}
	case float64:
		if k == KindF64 {
			*(*float64)(p) = x
			return true
		}
	}
	return false
}

// resultValue reads a single result as a plain Go value.
func resultValue(st *C.petrel_store_t, k ValKind, src *rawVal) any {
	switch k {
	case KindI32:
		return *(*int32)(unsafePointer(src))
	case KindI64:
		return *(*int64)(unsafePointer(src))
	case KindF32:
		return *(*float32)(unsafePointer(src))
	case KindF64:
		return *(*float64)(unsafePointer(src))
	}
	return readRaw(st, k, src).Get()
}

// CallTyped calls the function with typed values and returns typed results,
// checking kinds in Petrel (petrel_func_call).
func (f *Func) CallTyped(store Storelike, args []Val) ([]Val, error) {
	st := store.storePtr()
	ty, err := f.funcType(st)
	if err != nil {
		return nil, err
	}
	cargs := make([]C.petrel_val_t, len(args))
	for i, a := range args {
		if cargs[i], err = valToC(st, a); err != nil {
			return nil, err
		}
	}
	cres := make([]C.petrel_val_t, len(ty.results))
	err = cFuncCall(st, f.h, cargs, cres)
	runtime.KeepAlive(store)
	if err != nil {
		return nil, callResult(err)
	}
	out := make([]Val, len(cres))
	for i := range cres {
		out[i] = valFromC(st, &cres[i])
	}
	return out, nil
}

// newHostFunc registers h and creates its function in store.
func newHostFunc(store Storelike, h *hostFunc) (*Func, error) {
	idx := handles.add(h)
	var fn C.petrel_func_t
	err := h.ty.withC(func(ft *C.petrel_functype_t) error {
		var err error
		fn, err = cFuncNew(store.storePtr(), ft, callbackPtr(), envPointer(idx), finalizerPtr())
		return err
	})
	runtime.KeepAlive(store)
	if err != nil {
		handles.remove(idx)
		return nil, err
	}
	markReachesGo(store)
	f := &Func{h: fn}
	f.ty.Store(h.ty)
	return f, nil
}

// NewFunc creates a host function of type ty in store. f receives the
// arguments as Vals and returns the results; a returned *Trap makes the
// wasm call that reached it fail with that trap.
func NewFunc(store Storelike, ty *FuncType, f func(*Caller, []Val) ([]Val, *Trap)) *Func {
	fn, err := newHostFunc(store, rawHost(ty, f))
	if err != nil {
		panic(err)
	}
	return fn
}

// NewFuncWithError is NewFunc for a host function that fails with any
// error: the error comes back unchanged (errors.Is works) out of the wasm
// call that reached the host function.
func NewFuncWithError(store Storelike, ty *FuncType, f func(*Caller, []Val) ([]Val, error)) *Func {
	fn, err := newHostFunc(store, valHost(ty, f))
	if err != nil {
		panic(err)
	}
	return fn
}

// rawHost adapts a Val-level host function returning a *Trap.
func rawHost(ty *FuncType, f func(*Caller, []Val) ([]Val, *Trap)) *hostFunc {
	return valHost(ty, func(c *Caller, args []Val) ([]Val, error) {
		results, trap := f(c, args)
		if trap != nil {
			return nil, trap
		}
		return results, nil
	})
}

// valHost adapts a Val-level host function.
func valHost(ty *FuncType, f func(*Caller, []Val) ([]Val, error)) *hostFunc {
	return &hostFunc{ty: ty, call: func(c *Caller, raw []rawVal) error {
		st := c.storePtr()
		args := make([]Val, len(ty.params))
		for i, k := range ty.params {
			args[i] = readRaw(st, k, &raw[i])
		}
		results, err := f(c, args)
		if err != nil {
			return err
		}
		if len(results) != len(ty.results) {
			return &Error{message: fmt.Sprintf("host function returned %d results, its type has %d", len(results), len(ty.results))}
		}
		for i, r := range results {
			if r.kind != ty.results[i] {
				return &Error{message: fmt.Sprintf("host function result %d is %v, its type says %v", i, r.kind, ty.results[i])}
			}
			if err := writeRaw(st, r, &raw[i]); err != nil {
				return err
			}
		}
		return nil
	}}
}

// WrapFunc creates a host function in store from a Go function, by
// reflection. Parameters and results may be int32, int64, float32, float64,
// *Func (funcref) and any other interface type (externref); the first
// parameter may be *Caller, and the last result may be error or *Trap (a
// non-nil one makes the wasm call fail with it).
func WrapFunc(store Storelike, f any) *Func {
	h, err := wrapHost(f)
	if err != nil {
		panic(err)
	}
	fn, err := newHostFunc(store, h)
	if err != nil {
		panic(err)
	}
	return fn
}

var (
	callerType = reflect.TypeOf((*Caller)(nil))
	funcPtrTy  = reflect.TypeOf((*Func)(nil))
	errorType  = reflect.TypeOf((*error)(nil)).Elem()
	trapType   = reflect.TypeOf((*Trap)(nil))
)

func kindOfGo(t reflect.Type) (ValKind, bool) {
	switch {
	case t.Kind() == reflect.Int32:
		return KindI32, true
	case t.Kind() == reflect.Int64:
		return KindI64, true
	case t.Kind() == reflect.Float32:
		return KindF32, true
	case t.Kind() == reflect.Float64:
		return KindF64, true
	case t == funcPtrTy:
		return KindFuncref, true
	case t.Kind() == reflect.Interface:
		return KindExternref, true
	}
	return 0, false
}

// wrapHost builds the host function of a Go function.
func wrapHost(f any) (*hostFunc, error) {
	if h := fastHost(f); h != nil {
		return h, nil
	}
	fv := reflect.ValueOf(f)
	ft := fv.Type()
	if ft.Kind() != reflect.Func {
		return nil, &Error{message: fmt.Sprintf("petrel: WrapFunc needs a function, got %T", f)}
	}
	ty := &FuncType{params: []ValKind{}, results: []ValKind{}}
	withCaller := ft.NumIn() > 0 && ft.In(0) == callerType
	first := 0
	if withCaller {
		first = 1
	}
	for i := first; i < ft.NumIn(); i++ {
		k, ok := kindOfGo(ft.In(i))
		if !ok {
			return nil, &Error{message: fmt.Sprintf("petrel: unsupported parameter type %v", ft.In(i))}
		}
		ty.params = append(ty.params, k)
	}
	nres := ft.NumOut()
	errLast := nres > 0 && (ft.Out(nres-1) == errorType || ft.Out(nres-1) == trapType)
	if errLast {
		nres--
	}
	for i := 0; i < nres; i++ {
		k, ok := kindOfGo(ft.Out(i))
		if !ok {
			return nil, &Error{message: fmt.Sprintf("petrel: unsupported result type %v", ft.Out(i))}
		}
		ty.results = append(ty.results, k)
	}
	return &hostFunc{ty: ty, call: func(c *Caller, raw []rawVal) error {
		st := c.storePtr()
		in := make([]reflect.Value, 0, ft.NumIn())
		if withCaller {
			in = append(in, reflect.ValueOf(c))
		}
		for i, k := range ty.params {
			v := readRaw(st, k, &raw[i]).Get()
			t := ft.In(i + first)
			if v == nil {
				in = append(in, reflect.Zero(t))
			} else {
				in = append(in, reflect.ValueOf(v).Convert(t))
			}
		}
		out := fv.Call(in)
		if errLast {
			last := out[len(out)-1]
			if !last.IsNil() {
				return last.Interface().(error)
			}
		}
		for i, k := range ty.results {
			v, _ := valFromGo(k, out[i].Interface())
			if err := writeRaw(st, v, &raw[i]); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

var (
	noKinds   = []ValKind{}
	i32Kinds  = []ValKind{KindI32}
	i32x2Kind = []ValKind{KindI32, KindI32}
	i64Kinds  = []ValKind{KindI64}
)

// fastHost handles the most common host signatures without reflection.
func fastHost(f any) *hostFunc {
	switch g := f.(type) {
	case func():
		return &hostFunc{ty: &FuncType{noKinds, noKinds}, call: func(*Caller, []rawVal) error { g(); return nil }}
	case func(int32):
		return &hostFunc{ty: &FuncType{i32Kinds, noKinds}, call: func(_ *Caller, r []rawVal) error {
			g(*(*int32)(unsafePointer(&r[0])))
			return nil
		}}
	case func() int32:
		return &hostFunc{ty: &FuncType{noKinds, i32Kinds}, call: func(_ *Caller, r []rawVal) error {
			*(*uint64)(unsafePointer(&r[0])) = uint64(uint32(g()))
			return nil
		}}
	case func(int32) int32:
		return &hostFunc{ty: &FuncType{i32Kinds, i32Kinds}, call: func(_ *Caller, r []rawVal) error {
			*(*uint64)(unsafePointer(&r[0])) = uint64(uint32(g(*(*int32)(unsafePointer(&r[0])))))
			return nil
		}}
	case func(int32, int32) int32:
		return &hostFunc{ty: &FuncType{i32x2Kind, i32Kinds}, call: func(_ *Caller, r []rawVal) error {
			*(*uint64)(unsafePointer(&r[0])) = uint64(uint32(g(*(*int32)(unsafePointer(&r[0])), *(*int32)(unsafePointer(&r[1])))))
			return nil
		}}
	case func(int64) int64:
		return &hostFunc{ty: &FuncType{i64Kinds, i64Kinds}, call: func(_ *Caller, r []rawVal) error {
			*(*int64)(unsafePointer(&r[0])) = g(*(*int64)(unsafePointer(&r[0])))
			return nil
		}}
	}
	return nil
}
