// Package petrel embeds the Petrel WebAssembly runtime in Go programs.
//
// The API follows wasmtime-go's, so code written for it ports by changing
// the import path: an [Engine] compiles [Module]s, a [Store] owns every
// instance, function, memory, table and global created in it, a [Linker]
// resolves imports by name, and [Func.Call] calls wasm. On top of that,
// [TypedFunc2] and its siblings call numeric signatures through a generic,
// allocation-free path (one cgo call per wasm call), and [WasiConfig] can
// capture a program's standard output and error in memory.
//
// The binding is cgo over Petrel's C API (petrel.h), linked statically: the
// low level (lowlevel.go) is generated from the header by header-gen, the
// rest is written by hand. Every owner (Engine, Config, Store, Module,
// Linker, WasiConfig) has Close and a finalizer; store items (Func, Memory,
// Table, Global, Instance) are plain handles checked against their store on
// every use, so a handle used with the wrong store or a closed store is an
// error, never a crash.
//
// Go closures never cross into C: host functions live in a registry whose
// index is the C environment. A panic in a host function is recovered at
// the boundary, carried through wasm as an error, and raised again (with
// the same value) out of the call that reached it. A store is used by one
// goroutine at a time; another goroutine gets an error while it is in use.
package petrel
