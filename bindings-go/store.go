package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Storelike is a Store, or the Caller of a running host function (which
// stands for its store while the host function runs).
type Storelike interface {
	// storePtr is the C store, nil when it is gone.
	storePtr() *C.petrel_store_t
}

// Store owns every instance, function, memory, table and global created in
// it. It is used by one goroutine at a time: another goroutine gets an
// error while it is in use. Close frees its contents; later uses of it or
// of its items are errors.
type Store struct {
	ptr    *C.petrel_store_t
	id     uint64
	engine *Engine
	data   *storeData
	// noOwnStack holds the reasons (reachesGo, ownOff) that rule out
	// own-stack calls into the store (ownstack.go); 0 allows them.
	noOwnStack atomic.Uint32
}

// storeData is the Go side of the store's C data pointer: the registry
// entry it names holds the embedder's value (NewStoreWithData), which
// Caller.Data reads back through petrel_caller_data.
type storeData struct {
	mu    sync.Mutex
	value any
}

// NewStore creates a store for engine.
func NewStore(engine *Engine) *Store { return NewStoreWithData(engine, nil) }

// NewStoreWithData creates a store for engine holding data, which
// Store.Data and Caller.Data return. (A data value that refers to the
// store keeps it alive until it is closed.)
func NewStoreWithData(engine *Engine, data any) *Store {
	d := &storeData{value: data}
	idx := handles.add(d)
	var ptr *C.petrel_store_t
	err := engine.with(func(e *C.petrel_engine_t) error {
		var err error
		ptr, err = cStoreNew(e, envPointer(idx), finalizerPtr())
		return err
	})
	if err != nil {
		handles.remove(idx)
		panic(err)
	}
	id, _ := cStoreId(ptr)
	s := &Store{ptr: ptr, id: id, engine: engine, data: d}
	runtime.SetFinalizer(s, (*Store).finalize)
	return s
}

// Data returns the value given to NewStoreWithData (or SetData).
func (s *Store) Data() any {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	return s.data.value
}

// SetData replaces the store's data value.
func (s *Store) SetData(data any) {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	s.data.value = data
}

// dataOf reads the store data behind a C data pointer.
func dataOf(p unsafe.Pointer, err error) any {
	if err != nil {
		return nil
	}
	v, _ := handles.get(uintptr(p))
	if d, ok := v.(*storeData); ok {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.value
	}
	return nil
}

func (s *Store) storePtr() *C.petrel_store_t {
	debugGC()
	return s.ptr
}

// Engine returns the engine the store was made with.
func (s *Store) Engine() *Engine { return s.engine }

// Close frees everything in the store. It is refused (with an error, the
// store left intact) while the store is in use: from a host function or
// another goroutine. Closing a closed store does nothing.
func (s *Store) Close() error {
	err := cStoreClose(s.ptr)
	runtime.KeepAlive(s)
	return err
}

func (s *Store) finalize() {
	if err := cStoreDelete(s.ptr); err != nil {
		// Still in use cannot happen for an unreachable store; keep it.
		return
	}
}

// SetFuel sets the fuel available to wasm in this store (the engine needs
// Config.SetConsumeFuel).
func (s *Store) SetFuel(fuel uint64) error {
	err := cStoreSetFuel(s.ptr, fuel)
	runtime.KeepAlive(s)
	return err
}

// GetFuel returns the fuel left in this store.
func (s *Store) GetFuel() (uint64, error) {
	f, err := cStoreGetFuel(s.ptr)
	runtime.KeepAlive(s)
	return f, err
}

// SetEpochDeadline sets the deadline ticks beyond the engine's current
// epoch (the engine needs Config.SetEpochInterruption).
func (s *Store) SetEpochDeadline(ticks uint64) {
	_ = cStoreSetEpochDeadline(s.ptr, ticks)
	runtime.KeepAlive(s)
}

// Limiter caps the store's resources: the bytes of any one memory, the
// elements of any one table, and the number of instances (negative: no
// limit). Growth beyond a cap fails; creation beyond it is an error.
func (s *Store) Limiter(memorySize, tableElements, instances int64) error {
	err := cStoreLimiter(s.ptr, memorySize, tableElements, instances)
	runtime.KeepAlive(s)
	return err
}

// SetWasi makes config the store's WASI configuration (see
// Linker.DefineWasi). The store takes config: it must not be used again.
func (s *Store) SetWasi(config *WasiConfig) error {
	ptr := config.take()
	if ptr == nil {
		return errClosed("WASI configuration")
	}
	err := cStoreSetWasi(s.ptr, ptr)
	runtime.KeepAlive(s)
	return err
}

// WasiStdout returns a copy of what the WASI program wrote to its standard
// output so far, when the configuration captures it
// (WasiConfig.SetStdoutCapture).
func (s *Store) WasiStdout() ([]byte, error) {
	b, err := cStoreWasiStdout(s.ptr)
	runtime.KeepAlive(s)
	return takeBytes(b), err
}

// WasiStderr is WasiStdout for standard error.
func (s *Store) WasiStderr() ([]byte, error) {
	b, err := cStoreWasiStderr(s.ptr)
	runtime.KeepAlive(s)
	return takeBytes(b), err
}

// takeBytes copies and frees bytes owned by Petrel.
func takeBytes(b C.petrel_bytes_t) []byte {
	if b.data == nil {
		return []byte{}
	}
	out := C.GoBytes(unsafePointer(b.data), C.int(b.len))
	cBytesDelete(&b)
	return out
}

// Caller is what a host function sees of the wasm that called it: the
// store (a Caller is a Storelike while the host function runs) and the
// calling instance's exports. It is valid only during the call.
type Caller struct {
	ptr   *C.petrel_caller_t
	store *C.petrel_store_t
}

func (c *Caller) storePtr() *C.petrel_store_t {
	if c.ptr == nil {
		return nil
	}
	if c.store == nil {
		c.store, _ = cCallerStore(c.ptr)
	}
	return c.store
}

// Data returns the data of the store the host function runs in (see
// NewStoreWithData).
func (c *Caller) Data() any {
	if c.ptr == nil {
		return nil
	}
	return dataOf(cCallerData(c.ptr))
}

// GetExport returns the export name of the calling instance, or nil.
func (c *Caller) GetExport(name string) *Extern {
	if c.ptr == nil {
		return nil
	}
	item, found, err := cCallerExportGet(c.ptr, name)
	if err != nil || !found {
		return nil
	}
	return newExtern(item)
}
