package stackcall

import "unsafe"

// Supported says whether Call exists on this platform.
const Supported = true

// Call calls the C function fn(a0, a1, a2, a3, a4, a5) (System V: six
// integer or pointer arguments, a result of two integer words, returned
// here) on the goroutine's stack without cgo. fn may push nothing but its
// return address there: it must switch to a stack of its own first.
//
// The goroutine stays running as far as Go knows: fn must not call Go,
// and neither the scheduler nor the garbage collector can stop the
// goroutine until fn returns.
//
//go:noescape
func Call(fn uintptr, a0, a1 unsafe.Pointer, a2, a3, a4, a5 uintptr) (r0 unsafe.Pointer, r1 uintptr)
