// Package stackcall calls a C function on a stack the caller provides,
// without cgo's hand-over to the scheduler. It holds Go assembly, which a
// package using cgo may not; the binding's ownstack.go uses it.
package stackcall
