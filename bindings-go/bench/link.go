package main

// Petrel and wasmtime-go each link a Rust static library, and both define
// the Rust runtime's unmangled rust_eh_personality (the same function from
// two toolchains). A program that links both, which only this benchmark
// does, lets the linker keep one.

// #cgo LDFLAGS: -Wl,--allow-multiple-definition
import "C"
