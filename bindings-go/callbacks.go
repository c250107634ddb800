package petrel

// This file only declares: a cgo file with //export may not define C.

/*
#include "petrel.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// hostFunc is a host function in the registry.
type hostFunc struct {
	ty   *FuncType
	call func(c *Caller, raw []rawVal) error
}

//export petrelGoCallback
func petrelGoCallback(env unsafe.Pointer, caller *C.petrel_caller_t, argsAndResults unsafe.Pointer, nargs, nresults C.size_t) (ret *C.petrel_error_t) {
	v, ok := handles.get(uintptr(env))
	h, isHost := v.(*hostFunc)
	if !ok || !isHost {
		msg := "petrel: host function not found"
		return C.petrel_error_new(textPtr(msg), C.size_t(len(msg)))
	}
	n := max(nargs, nresults)
	raw := unsafe.Slice((*rawVal)(argsAndResults), int(n))
	c := &Caller{ptr: caller}
	defer func() {
		c.ptr, c.store = nil, nil
		if r := recover(); r != nil {
			ret = hostError(&hostPanic{r})
		}
	}()
	if err := h.call(c, raw); err != nil {
		return hostError(err)
	}
	return nil
}

//export petrelGoFinalize
func petrelGoFinalize(env unsafe.Pointer) {
	handles.remove(uintptr(env))
}

var _ = fmt.Sprint
