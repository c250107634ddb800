//go:build !amd64

package stackcall

import "unsafe"

// Supported says whether Call exists on this platform: it is written for
// amd64 only, and callers make their calls through cgo elsewhere.
const Supported = false

// Call is never called where Supported is false.
func Call(fn uintptr, a0, a1 unsafe.Pointer, a2, a3, a4, a5 uintptr) (unsafe.Pointer, uintptr) {
	panic("stackcall: not supported on this platform")
}
