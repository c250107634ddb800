package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Linker resolves a module's imports by (module, name).
type Linker struct {
	mu     sync.RWMutex
	ptr    *C.petrel_linker_t
	engine *Engine
	// hasHost is set once the linker defines a Go host function or WASI:
	// a store it instantiates into may then call back into Go.
	hasHost atomic.Bool
}

// NewLinker creates an empty linker for engine.
func NewLinker(engine *Engine) *Linker {
	var ptr *C.petrel_linker_t
	err := engine.with(func(e *C.petrel_engine_t) error {
		var err error
		ptr, err = cLinkerNew(e)
		return err
	})
	if err != nil {
		panic(err)
	}
	l := &Linker{ptr: ptr, engine: engine}
	runtime.SetFinalizer(l, (*Linker).Close)
	return l
}

func (l *Linker) with(f func(*C.petrel_linker_t) error) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ptr == nil {
		return errClosed("linker")
	}
	return f(l.ptr)
}

// Close frees the linker (its host functions live on in stores using them).
func (l *Linker) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr != nil {
		cLinkerDelete(l.ptr)
		l.ptr = nil
	}
	runtime.SetFinalizer(l, nil)
}

// AllowShadowing sets whether a later definition may replace an earlier
// one of the same name (off by default).
func (l *Linker) AllowShadowing(allow bool) {
	_ = l.with(func(p *C.petrel_linker_t) error { return cLinkerAllowShadowing(p, allow) })
}

// Define defines module::name as item, an item of store.
func (l *Linker) Define(store Storelike, module, name string, item AsExtern) error {
	err := l.with(func(p *C.petrel_linker_t) error {
		return cLinkerDefine(p, store.storePtr(), module, name, item.externHandle())
	})
	runtime.KeepAlive(store)
	return err
}

// DefineFunc defines module::name as a host function of store made from a
// Go function by reflection (see WrapFunc).
func (l *Linker) DefineFunc(store Storelike, module, name string, f any) error {
	h, err := wrapHost(f)
	if err != nil {
		return err
	}
	fn, err := newHostFunc(store, h)
	if err != nil {
		return err
	}
	return l.Define(store, module, name, fn)
}

// defineHost defines module::name as h for every store that instantiates
// through the linker.
func (l *Linker) defineHost(module, name string, h *hostFunc) error {
	idx := handles.add(h)
	err := l.with(func(p *C.petrel_linker_t) error {
		return h.ty.withC(func(ft *C.petrel_functype_t) error {
			return cLinkerDefineFunc(p, module, name, ft, callbackPtr(), envPointer(idx), finalizerPtr())
		})
	})
	if err != nil {
		handles.remove(idx)
		return err
	}
	l.hasHost.Store(true)
	return nil
}

// FuncWrap defines module::name as a host function made from a Go function
// by reflection (see WrapFunc), placed in each store that instantiates a
// module importing it.
func (l *Linker) FuncWrap(module, name string, f any) error {
	h, err := wrapHost(f)
	if err != nil {
		return err
	}
	return l.defineHost(module, name, h)
}

// FuncNew defines module::name as a host function of type ty taking and
// returning Vals (see NewFunc), placed in each store that instantiates a
// module importing it.
func (l *Linker) FuncNew(module, name string, ty *FuncType, f func(*Caller, []Val) ([]Val, *Trap)) error {
	return l.defineHost(module, name, rawHost(ty, f))
}

// DefineInstance defines every export of instance (of store) as
// module::<export name>.
func (l *Linker) DefineInstance(store Storelike, module string, instance *Instance) error {
	err := l.with(func(p *C.petrel_linker_t) error {
		return cLinkerDefineInstance(p, store.storePtr(), module, instance.h)
	})
	runtime.KeepAlive(store)
	return err
}

// DefineWasi defines every function of wasi_snapshot_preview1; each works
// on the WASI configuration of the store it runs in (Store.SetWasi).
func (l *Linker) DefineWasi() error {
	l.hasHost.Store(true)
	return l.with(cLinkerDefineWasi)
}

// Instantiate instantiates module in store, resolving imports by name.
func (l *Linker) Instantiate(store Storelike, module *Module) (*Instance, error) {
	if l.hasHost.Load() {
		markReachesGo(store)
	}
	var inst C.petrel_instance_t
	err := l.with(func(p *C.petrel_linker_t) error {
		return module.with(func(m *C.petrel_module_t) error {
			var err error
			inst, err = cLinkerInstantiate(p, store.storePtr(), m)
			return err
		})
	})
	runtime.KeepAlive(store)
	if err != nil {
		return nil, callResult(err)
	}
	return &Instance{inst}, nil
}

// Get returns the item defined as module::name, placed in store, and
// whether there is one.
func (l *Linker) Get(store Storelike, module, name string) (*Extern, bool) {
	if l.hasHost.Load() {
		markReachesGo(store)
	}
	var item C.petrel_extern_t
	var found bool
	err := l.with(func(p *C.petrel_linker_t) error {
		var err error
		item, found, err = cLinkerGet(p, store.storePtr(), module, name)
		return err
	})
	runtime.KeepAlive(store)
	if err != nil || !found {
		return nil, false
	}
	return newExtern(item), true
}

// FuncNewWithError is FuncNew for a host function that fails with any
// error (see NewFuncWithError).
func (l *Linker) FuncNewWithError(module, name string, ty *FuncType, f func(*Caller, []Val) ([]Val, error)) error {
	return l.defineHost(module, name, valHost(ty, f))
}
