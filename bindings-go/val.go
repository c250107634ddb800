package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// rawVal is cgo's view of petrel_valraw_t: 16 bytes, numbers little-endian
// in the low bytes, references as index + 1 (0 is null).
type rawVal = [16]byte

// Val is a wasm value with its kind.
type Val struct {
	kind ValKind
	bits uint64
	v128 [16]byte
	ref  any
}

// ValI32 makes an i32 value.
func ValI32(v int32) Val { return Val{kind: KindI32, bits: uint64(uint32(v))} }

// ValI64 makes an i64 value.
func ValI64(v int64) Val { return Val{kind: KindI64, bits: uint64(v)} }

// ValF32 makes an f32 value.
func ValF32(v float32) Val { return Val{kind: KindF32, bits: uint64(math.Float32bits(v))} }

// ValF64 makes an f64 value.
func ValF64(v float64) Val { return Val{kind: KindF64, bits: math.Float64bits(v)} }

// ValV128 makes a v128 value from its 16 little-endian bytes.
func ValV128(v [16]byte) Val { return Val{kind: KindV128, v128: v} }

// ValFuncref makes a funcref value (nil: the null reference).
func ValFuncref(f *Func) Val {
	if f == nil {
		return Val{kind: KindFuncref}
	}
	return Val{kind: KindFuncref, ref: f}
}

// ValExternref makes an externref holding any Go value (nil: the null
// reference).
func ValExternref(v any) Val { return Val{kind: KindExternref, ref: v} }

// Kind returns the value's kind.
func (v Val) Kind() ValKind { return v.kind }

// I32 returns the value of an i32 (it panics for another kind).
func (v Val) I32() int32 { v.must(KindI32); return int32(uint32(v.bits)) }

// I64 returns the value of an i64.
func (v Val) I64() int64 { v.must(KindI64); return int64(v.bits) }

// F32 returns the value of an f32.
func (v Val) F32() float32 { v.must(KindF32); return math.Float32frombits(uint32(v.bits)) }

// F64 returns the value of an f64.
func (v Val) F64() float64 { v.must(KindF64); return math.Float64frombits(v.bits) }

// V128 returns the 16 little-endian bytes of a v128.
func (v Val) V128() [16]byte { v.must(KindV128); return v.v128 }

// Funcref returns the function of a funcref, nil for null.
func (v Val) Funcref() *Func {
	v.must(KindFuncref)
	f, _ := v.ref.(*Func)
	return f
}

// Externref returns the Go value of an externref, nil for null.
func (v Val) Externref() any { v.must(KindExternref); return v.ref }

// Get returns the value as int32, int64, float32, float64, [16]byte, *Func
// or the externref's Go value.
func (v Val) Get() any {
	switch v.kind {
	case KindI32:
		return v.I32()
	case KindI64:
		return v.I64()
	case KindF32:
		return v.F32()
	case KindF64:
		return v.F64()
	case KindV128:
		return v.v128
	case KindFuncref:
		return v.Funcref()
	}
	return v.ref
}

func (v Val) must(k ValKind) {
	if v.kind != k {
		panic(fmt.Sprintf("petrel: value of kind %v read as %v", v.kind, k))
	}
}

// valFromGo converts a Go argument for a parameter of kind k.
func valFromGo(k ValKind, a any) (Val, bool) {
	switch x := a.(type) {
	case Val:
		return x, x.kind == k
	case int32:
		return ValI32(x), k == KindI32
	case int64:
		return ValI64(x), k == KindI64
	case int:
		if k == KindI64 {
			return ValI64(int64(x)), true
		}
		return ValI32(int32(x)), k == KindI32
	case uint32:
		return ValI32(int32(x)), k == KindI32
	case uint64:
		return ValI64(int64(x)), k == KindI64
	case float32:
		return ValF32(x), k == KindF32
	case float64:
		return ValF64(x), k == KindF64
	case [16]byte:
		return ValV128(x), k == KindV128
	case *Func:
		return ValFuncref(x), k == KindFuncref
	case nil:
		return Val{kind: k}, k == KindFuncref || k == KindExternref
	}
	if k == KindExternref {
		return ValExternref(a), true
	}
	return Val{}, false
}

// writeRaw stores v into *dst for a call in store st.
func writeRaw(st *C.petrel_store_t, v Val, dst *rawVal) error {
	p := unsafe.Pointer(dst)
	switch v.kind {
	case KindI32, KindF32:
		*(*uint64)(p) = uint64(uint32(v.bits))
	case KindI64, KindF64:
		*(*uint64)(p) = v.bits
	case KindV128:
		*dst = v.v128
	case KindFuncref:
		*(*uint64)(p) = 0
		if f, ok := v.ref.(*Func); ok && f != nil {
			// The raw form has no store id: check it here.
			id, err := cStoreId(st)
			if err != nil {
				return err
			}
			if uint64(f.h.store_id) != id {
				return &Error{message: "petrel: funcref argument: object used with the wrong store"}
			}
			*(*uint64)(p) = uint64(f.h.index) + 1
		}
	case KindExternref:
		*(*uint64)(p) = 0
		if v.ref != nil {
			idx := handles.add(v.ref)
			r, err := cExternrefNew(st, envPointer(idx), finalizerPtr())
			if err != nil {
				handles.remove(idx)
				return err
			}
			*(*uint64)(p) = uint64(r.index) + 1
		}
	}
	return nil
}

// readRaw reads a value of kind k from *src, a value of store st.
func readRaw(st *C.petrel_store_t, k ValKind, src *rawVal) Val {
	p := unsafe.Pointer(src)
	switch k {
	case KindI32, KindF32:
		return Val{kind: k, bits: uint64(*(*uint32)(p))}
	case KindI64, KindF64:
		return Val{kind: k, bits: *(*uint64)(p)}
	case KindV128:
		return Val{kind: k, v128: *src}
	case KindFuncref:
		i := *(*uint64)(p)
		if i == 0 {
			return Val{kind: k}
		}
		id, _ := cStoreId(st)
		return Val{kind: k, ref: &Func{h: C.petrel_func_t{store_id: C.uint64_t(id), index: C.size_t(i - 1)}}}
	case KindExternref:
		i := *(*uint64)(p)
		if i == 0 {
			return Val{kind: k}
		}
		id, _ := cStoreId(st)
		data, err := cExternrefData(st, C.petrel_externref_t{store_id: C.uint64_t(id), index: C.size_t(i - 1)})
		if err != nil {
			return Val{kind: k}
		}
		v, _ := handles.get(uintptr(data))
		return Val{kind: k, ref: v}
	}
	return Val{kind: k}
}

// valFromC converts a typed C value.
func valFromC(st *C.petrel_store_t, v *C.petrel_val_t) Val {
	raw := rawVal(v.of)
	k := ValKind(v.kind)
	if k == KindFuncref || k == KindExternref {
		// The typed form holds {store_id, index}; 0 store id is null.
		h := (*C.petrel_func_t)(unsafe.Pointer(&raw))
		if h.store_id == 0 {
			return Val{kind: k}
		}
		if k == KindFuncref {
			return Val{kind: k, ref: &Func{h: *h}}
		}
		data, err := cExternrefData(st, *(*C.petrel_externref_t)(unsafe.Pointer(h)))
		if err != nil {
			return Val{kind: k}
		}
		x, _ := handles.get(uintptr(data))
		return Val{kind: k, ref: x}
	}
	return readRaw(st, k, &raw)
}

// valToC converts v to a typed C value of store st.
func valToC(st *C.petrel_store_t, v Val) (C.petrel_val_t, error) {
	var out C.petrel_val_t
	out.kind = C.petrel_valkind_t(v.kind)
	var raw rawVal
	switch v.kind {
	case KindFuncref:
		if f, ok := v.ref.(*Func); ok && f != nil {
			*(*C.petrel_func_t)(unsafe.Pointer(&raw)) = f.h
		}
	case KindExternref:
		if v.ref != nil {
			idx := handles.add(v.ref)
			r, err := cExternrefNew(st, envPointer(idx), finalizerPtr())
			if err != nil {
				handles.remove(idx)
				return out, err
			}
			*(*C.petrel_externref_t)(unsafe.Pointer(&raw)) = r
		}
	default:
		if err := writeRaw(st, v, &raw); err != nil {
			return out, err
		}
	}
	out.of = raw
	return out, nil
}
