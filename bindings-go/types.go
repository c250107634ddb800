package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"math"
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

// Limits are size limits: of a memory in pages (of its page size), of a
// table in elements.
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

// MemoryType is the type of a linear memory: limits in pages, index type
// (32- or 64-bit) and page size.
type MemoryType struct {
	limits   Limits
	is64     bool
	pageSize uint64
}

// NewMemoryType creates a 32-bit memory type of minimum 64 KiB pages, with
// a maximum when hasMaximum.
func NewMemoryType(minimum uint32, hasMaximum bool, maximum uint32) *MemoryType {
	return &MemoryType{Limits{uint64(minimum), uint64(maximum), hasMaximum}, false, 65536}
}

// NewMemoryType64 creates a 64-bit memory type (memory64: indexed with
// i64) of minimum 64 KiB pages, with a maximum when hasMaximum.
func NewMemoryType64(minimum uint64, hasMaximum bool, maximum uint64) *MemoryType {
	return &MemoryType{Limits{minimum, maximum, hasMaximum}, true, 65536}
}

func memoryTypeFromC(t C.petrel_memorytype_t) *MemoryType {
	return &MemoryType{limitsFromC(t.limits), bool(t.is_64), uint64(t.page_size)}
}

func (t *MemoryType) toC() C.petrel_memorytype_t {
	return C.petrel_memorytype_t{limits: t.limits.toC(), is_64: C.bool(t.is64), page_size: C.uint64_t(t.pageSize)}
}

// Minimum returns the minimum size in pages.
func (t *MemoryType) Minimum() uint64 { return t.limits.Min }

// Maximum returns whether there is a maximum, and the maximum in pages.
func (t *MemoryType) Maximum() (bool, uint64) { return t.limits.HasMax, t.limits.Max }

// Is64 reports whether the memory is indexed with i64 (memory64).
func (t *MemoryType) Is64() bool { return t.is64 }

// PageSize returns the page size in bytes: 65536, or 1 for a memory declared
// with (pagesize 1) (custom page sizes).
func (t *MemoryType) PageSize() uint64 { return t.pageSize }

// TableType is the type of a table.
type TableType struct {
	element ValKind
	limits  Limits
	is64    bool
}

// NewTableType creates a table type of element references.
func NewTableType(element *ValType, minimum uint32, hasMaximum bool, maximum uint32) *TableType {
	return &TableType{element.kind, Limits{uint64(minimum), uint64(maximum), hasMaximum}, false}
}

// NewTableType64 creates the type of a 64-bit table (memory64: indexed with
// i64) of element references.
func NewTableType64(element *ValType, minimum uint64, hasMaximum bool, maximum uint64) *TableType {
	return &TableType{element.kind, Limits{minimum, maximum, hasMaximum}, true}
}

func tableTypeFromC(t C.petrel_tabletype_t) *TableType {
	return &TableType{ValKind(t.element), limitsFromC(t.limits), bool(t.is_64)}
}

func (t *TableType) toC() C.petrel_tabletype_t {
	return C.petrel_tabletype_t{element: C.petrel_valkind_t(t.element), limits: t.limits.toC(), is_64: C.bool(t.is64)}
}

// Is64 reports whether the table is indexed with i64 (memory64).
func (t *TableType) Is64() bool { return t.is64 }

// Element returns the type of the table's elements.
func (t *TableType) Element() *ValType { return &ValType{t.element} }

// Minimum returns the minimum size in elements (saturated to 32 bits; see
// Minimum64 for a 64-bit table's).
func (t *TableType) Minimum() uint32 { return saturate32(t.limits.Min) }

// Maximum returns whether there is a maximum, and the maximum (saturated to
// 32 bits; see Maximum64).
func (t *TableType) Maximum() (bool, uint32) { return t.limits.HasMax, saturate32(t.limits.Max) }

// Minimum64 returns the minimum size in elements.
func (t *TableType) Minimum64() uint64 { return t.limits.Min }

// Maximum64 returns whether there is a maximum, and the maximum.
func (t *TableType) Maximum64() (bool, uint64) { return t.limits.HasMax, t.limits.Max }

func saturate32(n uint64) uint32 {
	if n > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(n)
}

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
			t.table = tableTypeFromC(tt)
		}
	case ExternKindMemory:
		if mt, err := cExterntypeMemorytype(et); err == nil {
			t.memory = memoryTypeFromC(mt)
		}
	}
	return t
}

var _ = runtime.KeepAlive
