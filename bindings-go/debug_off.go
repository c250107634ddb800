//go:build !petrel_debug

package petrel

// debugGC does nothing unless the binding is built with -tags petrel_debug
// (see debug_on.go).
func debugGC() {}
