package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"sync"
)

// Config holds engine settings. Create it with NewConfig, pass it to
// NewEngineWithConfig (which copies it), and Close it when done (a
// finalizer does it otherwise).
type Config struct {
	mu  sync.Mutex
	ptr *C.petrel_config_t
}

// NewConfig creates the default configuration: WebAssembly 2.0, optimised
// for speed, no fuel, no epochs.
func NewConfig() *Config {
	ptr, err := cConfigNew()
	if err != nil {
		panic(err)
	}
	c := &Config{ptr: ptr}
	runtime.SetFinalizer(c, (*Config).Close)
	return c
}

// Close frees the configuration; later setters do nothing.
func (c *Config) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		cConfigDelete(c.ptr)
		c.ptr = nil
	}
	runtime.SetFinalizer(c, nil)
}

func (c *Config) set(f func(*C.petrel_config_t) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return
	}
	if err := f(c.ptr); err != nil {
		panic(err)
	}
}

// SetWasmSIMD enables or disables 128-bit SIMD (on by default).
func (c *Config) SetWasmSIMD(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmSimd(p, enable) })
}

// SetWasmReferenceTypes enables or disables reference types (on by default).
func (c *Config) SetWasmReferenceTypes(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmReferenceTypes(p, enable) })
}

// SetWasmBulkMemory enables or disables bulk memory operations (on by default).
func (c *Config) SetWasmBulkMemory(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmBulkMemory(p, enable) })
}

// SetWasmMultiValue enables or disables multi-value (on by default).
func (c *Config) SetWasmMultiValue(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmMultiValue(p, enable) })
}

// SetWasmSignExtension enables or disables the sign-extension operators (on by default).
func (c *Config) SetWasmSignExtension(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmSignExtension(p, enable) })
}

// SetWasmSaturatingFloatToInt enables or disables the non-trapping
// float-to-int conversions (on by default).
func (c *Config) SetWasmSaturatingFloatToInt(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmSaturatingFloatToInt(p, enable) })
}

// SetWasmExtendedConst enables or disables extended constant expressions
// (add, sub and mul in initialisers; on by default).
func (c *Config) SetWasmExtendedConst(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmExtendedConst(p, enable) })
}

// SetWasmWideArithmetic enables or disables i64.add128, i64.sub128 and
// i64.mul_wide_s/u (off by default).
func (c *Config) SetWasmWideArithmetic(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmWideArithmetic(p, enable) })
}

// SetWasmRelaxedSIMD enables or disables relaxed SIMD, with one
// deterministic result per operator (on by default; needs SIMD).
func (c *Config) SetWasmRelaxedSIMD(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmRelaxedSimd(p, enable) })
}

// SetWasmTailCall enables or disables return_call and
// return_call_indirect (on by default).
func (c *Config) SetWasmTailCall(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmTailCall(p, enable) })
}

// SetWasmMultiMemory enables or disables several memories per module (on
// by default).
func (c *Config) SetWasmMultiMemory(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmMultiMemory(p, enable) })
}

// SetWasmMemory64 enables or disables 64-bit memories and tables (on by
// default).
func (c *Config) SetWasmMemory64(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmMemory64(p, enable) })
}

// SetWasmCustomPageSizes enables or disables memories with one-byte pages
// (off by default).
func (c *Config) SetWasmCustomPageSizes(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigWasmCustomPageSizes(p, enable) })
}

// SetConsumeFuel makes compiled code count fuel (see Store.SetFuel);
// running out traps with OutOfFuel. Off by default.
func (c *Config) SetConsumeFuel(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigConsumeFuel(p, enable) })
}

// SetEpochInterruption makes compiled code check the engine's epoch against
// the store's deadline (see Engine.IncrementEpoch and
// Store.SetEpochDeadline). Off by default.
func (c *Config) SetEpochInterruption(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigEpochInterruption(p, enable) })
}

// SetParallelCompilation compiles a module's functions on several threads
// (on by default).
func (c *Config) SetParallelCompilation(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigParallelCompilation(p, enable) })
}

// SetStaticMemoryGuard reserves each memory's 4 GiB index space plus a
// guard region so that accesses need no bounds checks (on by default).
func (c *Config) SetStaticMemoryGuard(enable bool) {
	c.set(func(p *C.petrel_config_t) error { return cConfigStaticMemoryGuard(p, enable) })
}

// SetCraneliftOptLevel sets the optimisation level.
func (c *Config) SetCraneliftOptLevel(level OptLevel) {
	c.set(func(p *C.petrel_config_t) error { return cConfigOptLevel(p, level) })
}

// SetMaxWasmStack sets the most stack, in bytes, wasm may use in one call
// from the host; deeper recursion traps with StackOverflow.
func (c *Config) SetMaxWasmStack(size int) {
	c.set(func(p *C.petrel_config_t) error { return cConfigMaxWasmStack(p, uint(size)) })
}

// SetModuleKey sets the 32-byte secret key that seals serialized modules
// (Module.Serialize) and authenticates them when they are loaded
// (NewModuleDeserialize). Engines configured with the same key load each
// other's serialized modules; without a key each engine draws a random one,
// so its serialized modules load only into itself. Anyone who knows the key
// can make modules that will be loaded and run: keep it where only the
// embedder can read it. Returns an error unless the key is 32 bytes.
func (c *Config) SetModuleKey(key []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return errors.New("petrel: the configuration is closed")
	}
	return cConfigModuleKey(c.ptr, key)
}

// GenerateModuleKey draws a fresh random module key, sets it as
// SetModuleKey does, and returns it so that it can be stored for the
// engines of other processes.
func (c *Config) GenerateModuleKey() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil, errors.New("petrel: the configuration is closed")
	}
	b, err := cConfigGenerateModuleKey(c.ptr)
	if err != nil {
		return nil, err
	}
	return takeBytes(b), nil
}

// Engine compiles modules and holds what they share. It is safe to use
// from several goroutines; stores and modules keep what they need of it,
// so it may be closed before them.
type Engine struct {
	mu  sync.RWMutex
	ptr *C.petrel_engine_t
	// ownNeed is the own stack its calls need (ownstack.go).
	ownNeed uintptr
}

// NewEngine creates an engine with the default configuration.
func NewEngine() *Engine {
	e, err := newEngine(nil)
	if err != nil {
		panic(err)
	}
	return e
}

// NewEngineWithConfig creates an engine with config (copied: the caller
// still owns config).
func NewEngineWithConfig(config *Config) *Engine {
	config.mu.Lock()
	defer config.mu.Unlock()
	e, err := newEngine(config.ptr)
	if err != nil {
		panic(err)
	}
	return e
}

func newEngine(config *C.petrel_config_t) (*Engine, error) {
	ptr, err := cEngineNew(config)
	if err != nil {
		return nil, err
	}
	e := &Engine{ptr: ptr, ownNeed: ownStackNeed(ptr)}
	runtime.SetFinalizer(e, (*Engine).Close)
	return e, nil
}

// with runs f with the engine's C pointer, or returns an error when the
// engine is closed.
func (e *Engine) with(f func(*C.petrel_engine_t) error) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.ptr == nil {
		return errClosed("engine")
	}
	return f(e.ptr)
}

// IncrementEpoch advances the engine's epoch by one: stores whose deadline
// this reaches are interrupted. Safe from any goroutine, also while wasm
// runs.
func (e *Engine) IncrementEpoch() {
	_ = e.with(cEngineIncrementEpoch)
}

// Close frees the engine. Modules and stores made with it keep working;
// making new ones with it is an error.
func (e *Engine) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ptr != nil {
		cEngineDelete(e.ptr)
		e.ptr = nil
	}
	runtime.SetFinalizer(e, nil)
}
