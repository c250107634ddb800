package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// AsExtern is anything that can be an import or a linker definition:
// *Func, *Memory, *Table, *Global and *Extern.
type AsExtern interface {
	externHandle() C.petrel_extern_t
}

// Extern is an import or export of any kind.
type Extern struct{ h C.petrel_extern_t }

func newExtern(h C.petrel_extern_t) *Extern { return &Extern{h} }

func (e *Extern) externHandle() C.petrel_extern_t { return e.h }

// Kind returns the item's kind.
func (e *Extern) Kind() ExternKind { return ExternKind(e.h.kind) }

// Type returns the item's type.
func (e *Extern) Type(store Storelike) *ExternType {
	et, err := cExternType(store.storePtr(), e.h)
	runtime.KeepAlive(store)
	if err != nil {
		return &ExternType{kind: e.Kind()}
	}
	return externTypeFromC(et)
}

// Func returns the item as a function, or nil for another kind.
func (e *Extern) Func() *Func {
	if e.Kind() != ExternKindFunc {
		return nil
	}
	return &Func{h: C.petrel_func_t{store_id: e.h.store_id, index: e.h.index}}
}

// Memory returns the item as a memory, or nil for another kind.
func (e *Extern) Memory() *Memory {
	if e.Kind() != ExternKindMemory {
		return nil
	}
	return &Memory{h: C.petrel_memory_t{store_id: e.h.store_id, index: e.h.index}}
}

// Table returns the item as a table, or nil for another kind.
func (e *Extern) Table() *Table {
	if e.Kind() != ExternKindTable {
		return nil
	}
	return &Table{h: C.petrel_table_t{store_id: e.h.store_id, index: e.h.index}}
}

// Global returns the item as a global, or nil for another kind.
func (e *Extern) Global() *Global {
	if e.Kind() != ExternKindGlobal {
		return nil
	}
	return &Global{h: C.petrel_global_t{store_id: e.h.store_id, index: e.h.index}}
}

func handleExtern(kind ExternKind, storeID C.uint64_t, index C.size_t) C.petrel_extern_t {
	return C.petrel_extern_t{kind: C.petrel_extern_kind_t(kind), store_id: storeID, index: index}
}

// Memory is a linear memory of a store.
type Memory struct{ h C.petrel_memory_t }

// NewMemory creates a memory of type ty in store.
func NewMemory(store Storelike, ty *MemoryType) (*Memory, error) {
	m, err := cMemoryNew(store.storePtr(), ty.toC())
	runtime.KeepAlive(store)
	if err != nil {
		return nil, err
	}
	return &Memory{m}, nil
}

func (m *Memory) externHandle() C.petrel_extern_t {
	return handleExtern(ExternKindMemory, m.h.store_id, m.h.index)
}

// AsExtern returns the memory as an Extern.
func (m *Memory) AsExtern() *Extern { return newExtern(m.externHandle()) }

// Type returns the memory's type, its current size as the minimum.
func (m *Memory) Type(store Storelike) *MemoryType {
	t, _ := cMemoryType(store.storePtr(), m.h)
	runtime.KeepAlive(store)
	return memoryTypeFromC(t)
}

// Size returns the memory's size in 64 KiB pages (0 on error).
func (m *Memory) Size(store Storelike) uint64 {
	n, _ := cMemorySize(store.storePtr(), m.h)
	runtime.KeepAlive(store)
	return n
}

// Pages returns the memory's size in 64 KiB pages, or the error (a closed
// store, a memory of another store).
func (m *Memory) Pages(store Storelike) (uint64, error) {
	n, err := cMemorySize(store.storePtr(), m.h)
	runtime.KeepAlive(store)
	return n, err
}

// DataSize returns the memory's size in bytes.
func (m *Memory) DataSize(store Storelike) uintptr {
	_, n, _ := cMemoryData(store.storePtr(), m.h)
	runtime.KeepAlive(store)
	return uintptr(n)
}

// Data returns a pointer to the memory's first byte.
func (m *Memory) Data(store Storelike) unsafe.Pointer {
	p, _, _ := cMemoryData(store.storePtr(), m.h)
	runtime.KeepAlive(store)
	return unsafe.Pointer(p)
}

// UnsafeData returns the memory's bytes as a Go slice, without copying.
// The slice is valid until the memory grows (a memory with the default
// guard region never moves, but the slice keeps its old length; a 64-bit
// memory without a maximum of at most 4 GiB may move) or the store is
// closed; fetch it again after any call that may grow memory.
// It is nil on error (a closed store, a handle of another store).
func (m *Memory) UnsafeData(store Storelike) []byte {
	p, n, err := cMemoryData(store.storePtr(), m.h)
	runtime.KeepAlive(store)
	if err != nil || p == nil {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// Grow grows the memory by delta pages and returns the old size in pages.
func (m *Memory) Grow(store Storelike, delta uint64) (uint64, error) {
	old, err := cMemoryGrow(store.storePtr(), m.h, delta)
	runtime.KeepAlive(store)
	return old, err
}

// Read copies len(buf) bytes from the memory at offset into buf; out of
// bounds is a *Trap (MemoryOutOfBounds).
func (m *Memory) Read(store Storelike, offset uint64, buf []byte) error {
	err := cMemoryRead(store.storePtr(), m.h, uint(offset), buf)
	runtime.KeepAlive(store)
	return err
}

// Write copies buf into the memory at offset; out of bounds is a *Trap.
func (m *Memory) Write(store Storelike, offset uint64, buf []byte) error {
	err := cMemoryWrite(store.storePtr(), m.h, uint(offset), buf)
	runtime.KeepAlive(store)
	return err
}

// Table is a table of a store.
type Table struct{ h C.petrel_table_t }

// NewTable creates a table of type ty with every element set to init.
func NewTable(store Storelike, ty *TableType, init Val) (*Table, error) {
	st := store.storePtr()
	v, err := valToC(st, init)
	if err != nil {
		return nil, err
	}
	t, err := cTableNew(st, ty.toC(), &v)
	runtime.KeepAlive(store)
	if err != nil {
		return nil, err
	}
	return &Table{t}, nil
}

func (t *Table) externHandle() C.petrel_extern_t {
	return handleExtern(ExternKindTable, t.h.store_id, t.h.index)
}

// AsExtern returns the table as an Extern.
func (t *Table) AsExtern() *Extern { return newExtern(t.externHandle()) }

// Type returns the table's type, its current size as the minimum.
func (t *Table) Type(store Storelike) *TableType {
	tt, _ := cTableType(store.storePtr(), t.h)
	runtime.KeepAlive(store)
	return tableTypeFromC(tt)
}

// Size returns the table's size in elements (0 on error).
func (t *Table) Size(store Storelike) uint32 {
	n, _ := cTableSize(store.storePtr(), t.h)
	runtime.KeepAlive(store)
	return n
}

// Len returns the table's size in elements, or the error.
func (t *Table) Len(store Storelike) (uint32, error) {
	n, err := cTableSize(store.storePtr(), t.h)
	runtime.KeepAlive(store)
	return n, err
}

// Get returns element index; out of bounds is a *Trap (TableOutOfBounds).
func (t *Table) Get(store Storelike, index uint32) (Val, error) {
	st := store.storePtr()
	v, err := cTableGet(st, t.h, index)
	defer runtime.KeepAlive(store)
	if err != nil {
		return Val{}, err
	}
	return valFromC(st, &v), nil
}

// Set sets element index to v.
func (t *Table) Set(store Storelike, index uint32, v Val) error {
	st := store.storePtr()
	cv, err := valToC(st, v)
	if err != nil {
		return err
	}
	err = cTableSet(st, t.h, index, &cv)
	runtime.KeepAlive(store)
	return err
}

// Grow grows the table by delta elements set to init and returns the old size.
func (t *Table) Grow(store Storelike, delta uint32, init Val) (uint32, error) {
	st := store.storePtr()
	cv, err := valToC(st, init)
	if err != nil {
		return 0, err
	}
	old, err := cTableGrow(st, t.h, delta, &cv)
	runtime.KeepAlive(store)
	return old, err
}

// Global is a global of a store.
type Global struct{ h C.petrel_global_t }

// NewGlobal creates a global of type ty holding v.
func NewGlobal(store Storelike, ty *GlobalType, v Val) (*Global, error) {
	st := store.storePtr()
	cv, err := valToC(st, v)
	if err != nil {
		return nil, err
	}
	mut := MutabilityConst
	if ty.mutable {
		mut = MutabilityVar
	}
	g, err := cGlobalNew(st, C.petrel_globaltype_t{content: C.petrel_valkind_t(ty.content), mutability: C.petrel_mutability_t(mut)}, &cv)
	runtime.KeepAlive(store)
	if err != nil {
		return nil, err
	}
	return &Global{g}, nil
}

func (g *Global) externHandle() C.petrel_extern_t {
	return handleExtern(ExternKindGlobal, g.h.store_id, g.h.index)
}

// AsExtern returns the global as an Extern.
func (g *Global) AsExtern() *Extern { return newExtern(g.externHandle()) }

// Type returns the global's type.
func (g *Global) Type(store Storelike) *GlobalType {
	t, _ := cGlobalType(store.storePtr(), g.h)
	runtime.KeepAlive(store)
	return &GlobalType{ValKind(t.content), t.mutability == C.petrel_mutability_t(MutabilityVar)}
}

// Get returns the global's value (a zero Val on error; see GetValue).
func (g *Global) Get(store Storelike) Val {
	v, _ := g.GetValue(store)
	return v
}

// GetValue returns the global's value, or the error.
func (g *Global) GetValue(store Storelike) (Val, error) {
	st := store.storePtr()
	v, err := cGlobalGet(st, g.h)
	defer runtime.KeepAlive(store)
	if err != nil {
		return Val{}, err
	}
	return valFromC(st, &v), nil
}

// Set sets the global's value.
func (g *Global) Set(store Storelike, v Val) error {
	st := store.storePtr()
	cv, err := valToC(st, v)
	if err != nil {
		return err
	}
	err = cGlobalSet(st, g.h, &cv)
	runtime.KeepAlive(store)
	return err
}
