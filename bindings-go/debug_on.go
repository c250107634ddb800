//go:build petrel_debug

package petrel

import "runtime"

// debugGC runs a garbage collection before each use of a store's C
// pointer when the binding is built with -tags petrel_debug, so that a Go
// object freed too early (a missing runtime.KeepAlive) shows up in tests.
func debugGC() { runtime.GC() }
