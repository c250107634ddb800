package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Error is an error from Petrel that is not a trap: a failed compilation,
// a link error, misuse of a handle, a closed store, or the end of a WASI
// program by proc_exit (see ExitStatus).
type Error struct {
	message    string
	exitStatus int32
	exited     bool
}

// Error returns the message, with its chain of causes.
func (e *Error) Error() string { return e.message }

// ExitStatus returns the status passed to WASI's proc_exit, and whether the
// error is such an exit.
func (e *Error) ExitStatus() (int32, bool) { return e.exitStatus, e.exited }

// Trap is a wasm trap: its code and the wasm backtrace.
type Trap struct {
	message  string
	code     *TrapCode
	frames   []*Frame
	fromHost bool // made by NewTrapWithCode: becomes a wasm trap
}

// NewTrap creates a trap with a message and no code, which a host function
// can return to make the wasm call that reached it fail.
func NewTrap(message string) *Trap { return &Trap{message: message} }

// NewTrapWithCode creates a trap with a code, which a host function can
// return to make the wasm call that reached it trap with that code (and
// the backtrace of the wasm frames below the host function).
func NewTrapWithCode(message string, code TrapCode) *Trap {
	return &Trap{message: message, code: &code, fromHost: true}
}

// Error returns the trap's message.
func (t *Trap) Error() string { return t.message }

// Message returns the trap's message.
func (t *Trap) Message() string { return t.message }

// Code returns the trap code, or nil for a trap made by NewTrap.
func (t *Trap) Code() *TrapCode { return t.code }

// Frames returns the wasm backtrace, innermost frame first.
func (t *Trap) Frames() []*Frame { return t.frames }

// Frame is one frame of a trap's wasm backtrace.
type Frame struct {
	funcIndex  uint32
	funcName   *string
	moduleName *string
	funcOffset uint
}

// FuncIndex returns the function's index in its module.
func (f *Frame) FuncIndex() uint32 { return f.funcIndex }

// FuncName returns the function's name from the name section, or nil.
func (f *Frame) FuncName() *string { return f.funcName }

// ModuleName returns the module's name from the name section, or nil.
func (f *Frame) ModuleName() *string { return f.moduleName }

// FuncOffset returns the offset of the wasm instruction from the start of
// the function's body in the module, as in Wasmtime (0 when unknown).
func (f *Frame) FuncOffset() uint { return f.funcOffset }

// The trap codes under wasmtime-go's names.
const (
	// StackOverflow is TrapCodeStackOverflow.
	StackOverflow = TrapCodeStackOverflow
	// MemoryOutOfBounds is TrapCodeMemoryOutOfBounds.
	MemoryOutOfBounds = TrapCodeMemoryOutOfBounds
	// TableOutOfBounds is TrapCodeTableOutOfBounds.
	TableOutOfBounds = TrapCodeTableOutOfBounds
	// IndirectCallToNull is TrapCodeIndirectCallToNull.
	IndirectCallToNull = TrapCodeIndirectCallToNull
	// BadSignature is TrapCodeBadSignature.
	BadSignature = TrapCodeBadSignature
	// IntegerOverflow is TrapCodeIntegerOverflow.
	IntegerOverflow = TrapCodeIntegerOverflow
	// IntegerDivisionByZero is TrapCodeIntegerDivisionByZero.
	IntegerDivisionByZero = TrapCodeIntegerDivisionByZero
	// BadConversionToInteger is TrapCodeBadConversionToInteger.
	BadConversionToInteger = TrapCodeBadConversionToInteger
	// UnreachableCodeReached is TrapCodeUnreachable.
	UnreachableCodeReached = TrapCodeUnreachable
	// Interrupt is TrapCodeInterrupt.
	Interrupt = TrapCodeInterrupt
	// OutOfFuel is TrapCodeOutOfFuel.
	OutOfFuel = TrapCodeOutOfFuel
)

func goStr(s C.petrel_str_t) *string {
	if s.data == nil {
		return nil
	}
	str := C.GoStringN(s.data, C.int(s.len))
	return &str
}

// hostOutcomes holds what host functions raised (an error or a recovered
// panic) under the tag of the C error that carries it through wasm.
var (
	hostOutcomes sync.Map // uint64 -> error
	hostTags     atomic.Uint64
)

// hostPanic is a panic recovered in a host function, raised again by the
// call that reached it.
type hostPanic struct{ value any }

func (p *hostPanic) Error() string { return fmt.Sprintf("panic in a host function: %v", p.value) }

// hostError makes the C error a host callback returns for err.
func hostError(err error) *C.petrel_error_t {
	if t, ok := err.(*Trap); ok && t.fromHost {
		return C.petrel_error_new_trap(C.petrel_trap_code_t(*t.code))
	}
	tag := hostTags.Add(1)
	hostOutcomes.Store(tag, err)
	msg := err.Error()
	return C.petrel_error_new_host(textPtr(msg), C.size_t(len(msg)), C.uint64_t(tag))
}

func init() {
	errorHook = convertError
}

// convertError turns a C error into *Error, *Trap, or what a host
// function raised.
func convertError(e *C.petrel_error_t) error {
	var tag C.uint64_t
	if C.petrel_error_host_tag(e, &tag) {
		if v, ok := hostOutcomes.LoadAndDelete(uint64(tag)); ok {
			return v.(error)
		}
	}
	msg := C.GoString(C.petrel_error_message(e))
	if trap := C.petrel_error_as_trap(e); trap != nil {
		code := TrapCode(C.petrel_trap_code(trap))
		t := &Trap{message: msg, code: &code}
		n := cTrapFrameCount(trap)
		for i := uint(0); i < n; i++ {
			ok, fr := cTrapFrame(trap, i)
			if !ok {
				break
			}
			f := &Frame{funcIndex: uint32(fr.func_index), funcName: goStr(fr.func_name), moduleName: goStr(fr.module_name)}
			if fr.has_func_offset {
				f.funcOffset = uint(fr.func_offset)
			}
			t.frames = append(t.frames, f)
		}
		return t
	}
	var status C.int
	if C.petrel_error_exit_status(e, &status) {
		return &Error{message: msg, exitStatus: int32(status), exited: true}
	}
	return &Error{message: msg}
}

// callResult finishes a call that may have run wasm: a panic raised by a
// host function is raised again here.
func callResult(err error) error {
	var p *hostPanic
	if errors.As(err, &p) {
		panic(p.value)
	}
	return err
}

// errClosed is the error of a method of a closed owner.
func errClosed(what string) error { return &Error{message: "petrel: the " + what + " is closed"} }
