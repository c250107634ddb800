#include "textflag.h"

// func Call(fn uintptr, a0, a1 unsafe.Pointer, a2, a3, a4, a5 uintptr) (r0 unsafe.Pointer, r1 uintptr)
//
// Loads the six arguments into the System V argument registers and calls
// fn on the goroutine's stack, which receives only the return address
// (NOSPLIT functions may use that much); fn switches to a stack of its own
// before it uses any more. The two result words come back in AX and DX.
// Registers Go relies on in its internal ABI (R14, X15) are restored on
// the way back from this ABI0 function; C preserves SP and BP.
TEXT ·Call(SB), NOSPLIT|NOFRAME, $0-72
	MOVQ fn+0(FP), AX
	MOVQ a0+8(FP), DI
	MOVQ a1+16(FP), SI
	MOVQ a2+24(FP), DX
	MOVQ a3+32(FP), CX
	MOVQ a4+40(FP), R8
	MOVQ a5+48(FP), R9
	CALL AX
	MOVQ AX, r0+56(FP)
	MOVQ DX, r1+64(FP)
	RET
