package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

func unsafePointer[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }

// The value kinds under wasmtime-go's names.
const (
	// KindI32 is ValKindI32.
	KindI32 = ValKindI32
	// KindI64 is ValKindI64.
	KindI64 = ValKindI64
	// KindF32 is ValKindF32.
	KindF32 = ValKindF32
	// KindF64 is ValKindF64.
	KindF64 = ValKindF64
	// KindV128 is ValKindV128.
	KindV128 = ValKindV128
	// KindFuncref is ValKindFuncref.
	KindFuncref = ValKindFuncref
	// KindExternref is ValKindExternref.
	KindExternref = ValKindExternref
)

// ValType is the type of a wasm value.
type ValType struct{ kind ValKind }

// NewValType returns the value type of kind.
func NewValType(kind ValKind) *ValType { return &ValType{kind} }

// Kind returns the type's kind.
func (t *ValType) Kind() ValKind { return t.kind }

// String returns the kind's name ("i32", ...).
func (t *ValType) String() string { return t.kind.String() }

// FuncType is a function signature.
type FuncType struct{ params, results []ValKind }

// NewFuncType creates a function type.
func NewFuncType(params, results []*ValType) *FuncType {
	ty := &FuncType{params: []ValKind{}, results: []ValKind{}}
	for _, p := range params {
		ty.params = append(ty.params, p.kind)
	}
	for _, r := range results {
		ty.results = append(ty.results, r.kind)
	}
	return ty
}

func kindsToTypes(kinds []ValKind) []*ValType {
	out := make([]*ValType, len(kinds))
	for i, k := range kinds {
		out[i] = &ValType{k}
	}
	return out
}

// Params returns the parameter types.
func (t *FuncType) Params() []*ValType { return kindsToTypes(t.params) }

// Results returns the result types.
func (t *FuncType) Results() []*ValType { return kindsToTypes(t.results) }

// withC runs f with a C copy of the type.
func (t *FuncType) withC(f func(*C.petrel_functype_t) error) error {
	ft, err := cFunctypeNew(t.params, t.results)
	if err != nil {
		return err
	}
	defer cFunctypeDelete(ft)
	return f(ft)
}

// funcTypeFromC copies a C function type.
func funcTypeFromC(ft *C.petrel_functype_t) *FuncType {
	ty := &FuncType{}
	p, n, err := cFunctypeParams(ft)
	if err == nil {
		ty.params = append([]ValKind{}, unsafe.Slice((*ValKind)(unsafe.Pointer(p)), n)...)
	}
	r, m, err := cFunctypeResults(ft)
	if err == nil {
		ty.results = append([]ValKind{}, unsafe.Slice((*ValKind)(unsafe.Pointer(r)), m)...)
	}
	return ty
}

// Limits are size limits: of a memory in 64 KiB pages, of a table in elements.
type Limits struct {
	// Min is the minimum (initial) size.
	Min uint64
	// Max is the maximum size, meaningful when HasMax.
	Max uint64
	// HasMax says whether there is a maximum.
	HasMax bool
}

func (l Limits) toC() C.petrel_limits_t {
	return C.petrel_limits_t{minimum: C.uint64_t(l.Min), maximum: C.uint64_t(l.Max), has_maximum: C.bool(l.HasMax)}
}

func limitsFromC(l C.petrel_limits_t) Limits {
	return Limits{Min: uint64(l.minimum), Max: uint64(l.maximum), HasMax: bool(l.has_maximum)}
}

// MemoryType is the type of a linear memory.
type MemoryType struct{ limits Limits }

// NewMemoryType creates a memory type of minimum pages, with a maximum when
// hasMaximum.
func NewMemoryType(minimum uint32, hasMaximum bool, maximum uint32) *MemoryType {
	return &MemoryType{Limits{uint64(minimum), uint64(maximum), hasMaximum}}
}

// Minimum returns the minimum size in pages.
func (t *MemoryType) Minimum() uint64 { return t.limits.Min }

// Maximum returns whether there is a maximum, and the maximum in pages.
func (t *MemoryType) Maximum() (bool, uint64) { return t.limits.HasMax, t.limits.Max }

// TableType is the type of a table.
type TableType struct {
	element ValKind
	limits  Limits
}

// NewTableType creates a table type of element references.
func NewTableType(element *ValType, minimum uint32, hasMaximum bool, maximum uint32) *TableType {
	return &TableType{element.kind, Limits{uint64(minimum), uint64(maximum), hasMaximum}}
}

// Element returns the type of the table's elements.
func (t *TableType) Element() *ValType { return &ValType{t.element} }

// Minimum returns the minimum size in elements.
func (t *TableType) Minimum() uint32 { return uint32(t.limits.Min) }

// Maximum returns whether there is a maximum, and the maximum.
func (t *TableType) Maximum() (bool, uint32) { return t.limits.HasMax, uint32(t.limits.Max) }

// GlobalType is the type of a global.
type GlobalType struct {
	content ValKind
	mutable bool
}

// NewGlobalType creates a global type.
func NewGlobalType(content *ValType, mutable bool) *GlobalType {
	return &GlobalType{content.kind, mutable}
}

// Content returns the type of the value held.
func (t *GlobalType) Content() *ValType { return &ValType{t.content} }

// Mutable returns whether the global can be set.
func (t *GlobalType) Mutable() bool { return t.mutable }

// ExternType is the type of an import or export.
type ExternType struct {
	kind   ExternKind
	fn     *FuncType
	global *GlobalType
	table  *TableType
	memory *MemoryType
}

// Kind returns the item's kind.
func (t *ExternType) Kind() ExternKind { return t.kind }

// FuncType returns the function type, or nil for another kind.
func (t *ExternType) FuncType() *FuncType { return t.fn }

// GlobalType returns the global type, or nil for another kind.
func (t *ExternType) GlobalType() *GlobalType { return t.global }

// TableType returns the table type, or nil for another kind.
func (t *ExternType) TableType() *TableType { return t.table }

// MemoryType returns the memory type, or nil for another kind.
func (t *ExternType) MemoryType() *MemoryType { return t.memory }

// externTypeFromC copies and frees a C extern type.
func externTypeFromC(et *C.petrel_externtype_t) *ExternType {
	defer cExterntypeDelete(et)
	kind, _ := cExterntypeKind(et)
	t := &ExternType{kind: kind}
	switch kind {
	case ExternKindFunc:
		if ft, err := cExterntypeFunctype(et); err == nil {
			t.fn = funcTypeFromC(ft)
			cFunctypeDelete(ft)
		}
	case ExternKindGlobal:
		if g, err := cExterntypeGlobaltype(et); err == nil {
			t.global = &GlobalType{ValKind(g.content), g.mutability == C.petrel_mutability_t(MutabilityVar)}
		}
	case ExternKindTable:
		if tt, err := cExterntypeTabletype(et); err == nil {
			t.table = &TableType{ValKind(tt.element), limitsFromC(tt.limits)}
		}
	case ExternKindMemory:
		if mt, err := cExterntypeMemorytype(et); err == nil {
			t.memory = &MemoryType{limitsFromC(mt.limits)}
		}
	}
	return t
}

var _ = runtime.KeepAlive
