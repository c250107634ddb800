package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"os"
	"runtime"
	"sync"
)

// Wat2Wasm translates WebAssembly text to the binary format.
func Wat2Wasm(wat string) ([]byte, error) {
	b, err := cWat2wasm(wat)
	if err != nil {
		return nil, err
	}
	return takeBytes(b), nil
}

// Module is a compiled module. It is safe to use from several goroutines
// and instantiated any number of times.
type Module struct {
	mu  sync.RWMutex
	ptr *C.petrel_module_t
}

// NewModule compiles a module from the binary or the text format.
func NewModule(engine *Engine, wasm []byte) (*Module, error) {
	var ptr *C.petrel_module_t
	err := engine.with(func(e *C.petrel_engine_t) error {
		var err error
		ptr, err = cModuleNew(e, wasm)
		return err
	})
	if err != nil {
		return nil, err
	}
	return newModule(ptr), nil
}

func newModule(ptr *C.petrel_module_t) *Module {
	m := &Module{ptr: ptr}
	runtime.SetFinalizer(m, (*Module).Close)
	return m
}

// NewModuleFromFile compiles the module in the file at path (binary or
// text format).
func NewModuleFromFile(engine *Engine, path string) (*Module, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return NewModule(engine, wasm)
}

// ModuleValidate validates a module in the binary format without compiling it.
func ModuleValidate(engine *Engine, wasm []byte) error {
	return engine.with(func(e *C.petrel_engine_t) error { return cModuleValidate(e, wasm) })
}

// NewModuleDeserialize loads a module written by Module.Serialize, checked
// against this engine's version and settings. The bytes hold machine code
// that will run: load only what you (or someone you trust) serialized.
func NewModuleDeserialize(engine *Engine, serialized []byte) (*Module, error) {
	var ptr *C.petrel_module_t
	err := engine.with(func(e *C.petrel_engine_t) error {
		var err error
		ptr, err = cModuleDeserialize(e, serialized)
		return err
	})
	if err != nil {
		return nil, err
	}
	return newModule(ptr), nil
}

func (m *Module) with(f func(*C.petrel_module_t) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return errClosed("module")
	}
	return f(m.ptr)
}

// Serialize returns the compiled module's bytes, for NewModuleDeserialize.
func (m *Module) Serialize() ([]byte, error) {
	var out []byte
	err := m.with(func(p *C.petrel_module_t) error {
		b, err := cModuleSerialize(p)
		out = takeBytes(b)
		return err
	})
	return out, err
}

// Name returns the module's name from its name section, or nil.
func (m *Module) Name() *string {
	var name *string
	_ = m.with(func(p *C.petrel_module_t) error {
		s, err := cModuleName(p)
		if err == nil {
			name = goStr(s)
		}
		return err
	})
	return name
}

// ImportType is one import of a module.
type ImportType struct {
	module, name string
	ty           *ExternType
}

// Module returns the import's module name.
func (t *ImportType) Module() string { return t.module }

// Name returns the import's field name.
func (t *ImportType) Name() *string { return &t.name }

// Type returns the import's type.
func (t *ImportType) Type() *ExternType { return t.ty }

// ExportType is one export of a module.
type ExportType struct {
	name string
	ty   *ExternType
}

// Name returns the export's name.
func (t *ExportType) Name() string { return t.name }

// Type returns the export's type.
func (t *ExportType) Type() *ExternType { return t.ty }

// Imports returns the module's imports, in order.
func (m *Module) Imports() []*ImportType {
	var out []*ImportType
	_ = m.with(func(p *C.petrel_module_t) error {
		n, err := cModuleImportCount(p)
		for i := uint(0); err == nil && i < n; i++ {
			mod, name, et, e := cModuleImport(p, i)
			if e != nil {
				return e
			}
			out = append(out, &ImportType{*orEmpty(goStr(mod)), *orEmpty(goStr(name)), externTypeFromC(et)})
		}
		return err
	})
	return out
}

// Exports returns the module's exports, in order.
func (m *Module) Exports() []*ExportType {
	var out []*ExportType
	_ = m.with(func(p *C.petrel_module_t) error {
		n, err := cModuleExportCount(p)
		for i := uint(0); err == nil && i < n; i++ {
			name, et, e := cModuleExport(p, i)
			if e != nil {
				return e
			}
			out = append(out, &ExportType{*orEmpty(goStr(name)), externTypeFromC(et)})
		}
		return err
	})
	return out
}

func orEmpty(s *string) *string {
	if s == nil {
		e := ""
		return &e
	}
	return s
}

// Close frees the module; instances made from it keep working.
func (m *Module) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ptr != nil {
		cModuleDelete(m.ptr)
		m.ptr = nil
	}
	runtime.SetFinalizer(m, nil)
}

// Instance is an instantiated module in a store.
type Instance struct{ h C.petrel_instance_t }

// NewInstance instantiates module in store with imports in the module's
// import order. A trap in the start function is a *Trap.
func NewInstance(store Storelike, module *Module, imports []AsExtern) (*Instance, error) {
	items := make([]C.petrel_extern_t, len(imports))
	for i, imp := range imports {
		items[i] = imp.externHandle()
	}
	var inst C.petrel_instance_t
	err := module.with(func(p *C.petrel_module_t) error {
		var err error
		inst, err = cInstanceNew(store.storePtr(), p, items)
		return err
	})
	runtime.KeepAlive(store)
	if err != nil {
		return nil, callResult(err)
	}
	return &Instance{inst}, nil
}

// GetExport returns the export name, or nil when there is none.
func (i *Instance) GetExport(store Storelike, name string) *Extern {
	item, found, err := cInstanceExportGet(store.storePtr(), i.h, name)
	runtime.KeepAlive(store)
	if err != nil || !found {
		return nil
	}
	return newExtern(item)
}

// GetFunc returns the exported function name, or nil.
func (i *Instance) GetFunc(store Storelike, name string) *Func {
	if e := i.GetExport(store, name); e != nil {
		return e.Func()
	}
	return nil
}

// NamedExtern is an export with its name.
type NamedExtern struct {
	// Name is the export's name.
	Name string
	// Extern is the exported item.
	Extern *Extern
}

// Exports returns every export of the instance, in order (nil for a
// closed store or an instance of another store; see NamedExports).
func (i *Instance) Exports(store Storelike) []*Extern {
	named, err := i.NamedExports(store)
	if err != nil {
		return nil
	}
	out := make([]*Extern, len(named))
	for k, n := range named {
		out[k] = n.Extern
	}
	return out
}

// NamedExports returns every export of the instance with its name, in
// order, or the error (a closed store, an instance of another store).
func (i *Instance) NamedExports(store Storelike) ([]NamedExtern, error) {
	st := store.storePtr()
	defer runtime.KeepAlive(store)
	n, err := cInstanceExportCount(st, i.h)
	if err != nil {
		return nil, err
	}
	out := make([]NamedExtern, 0, n)
	for k := uint(0); k < n; k++ {
		name, item, err := cInstanceExportNth(st, i.h, k)
		if err != nil {
			return nil, err
		}
		out = append(out, NamedExtern{*orEmpty(goStr(name)), newExtern(item)})
	}
	return out, nil
}
