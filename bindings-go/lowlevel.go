// Code generated from petrel.h by header-gen. DO NOT EDIT.

// This file is the cgo layer of the binding: enums, record layout checks
// and one thin wrapper per C function of petrel.h (see header-gen/src/go.rs).

package petrel

/*
#include <stdlib.h>
#include "petrel.h"
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// OptLevel is cranelift's optimisation level (see `PETREL_OPT_LEVEL_*`).
type OptLevel uint8

// OptLevelNone: No optimisation: the fastest compile.
const OptLevelNone OptLevel = 0

// OptLevelSpeed: Optimise for speed (the default).
const OptLevelSpeed OptLevel = 1

// OptLevelSpeedAndSize: Optimise for speed and code size.
const OptLevelSpeedAndSize OptLevel = 2

// String returns the member's name in lower case ("none"), or OptLevel(N) for
// a value that is not a member.
func (v OptLevel) String() string {
	switch v {
	case OptLevelNone:
		return "none"
	case OptLevelSpeed:
		return "speed"
	case OptLevelSpeedAndSize:
		return "speed_and_size"
	}
	return "OptLevel(" + strconv.Itoa(int(v)) + ")"
}

// TrapCode is why wasm trapped (see `PETREL_TRAP_*`).
type TrapCode uint8

// TrapCodeStackOverflow: Wasm used more stack than the configured maximum.
const TrapCodeStackOverflow TrapCode = 0

// TrapCodeMemoryOutOfBounds: A load or store outside linear memory.
const TrapCodeMemoryOutOfBounds TrapCode = 1

// TrapCodeTableOutOfBounds: An access outside a table.
const TrapCodeTableOutOfBounds TrapCode = 2

// TrapCodeIndirectCallToNull: `call_indirect` of a null table entry.
const TrapCodeIndirectCallToNull TrapCode = 3

// TrapCodeBadSignature: `call_indirect` of a function of the wrong type.
const TrapCodeBadSignature TrapCode = 4

// TrapCodeIntegerOverflow: Integer overflow.
const TrapCodeIntegerOverflow TrapCode = 5

// TrapCodeIntegerDivisionByZero: Integer division by zero.
const TrapCodeIntegerDivisionByZero TrapCode = 6

// TrapCodeBadConversionToInteger: NaN converted to an integer.
const TrapCodeBadConversionToInteger TrapCode = 7

// TrapCodeUnreachable: The `unreachable` instruction.
const TrapCodeUnreachable TrapCode = 8

// TrapCodeInterrupt: The epoch deadline was reached.
const TrapCodeInterrupt TrapCode = 9

// TrapCodeOutOfFuel: The store's fuel ran out.
const TrapCodeOutOfFuel TrapCode = 10

// TrapCodeNullReference: A null reference was dereferenced.
const TrapCodeNullReference TrapCode = 11

// TrapCodeUnknown: A trap code this version of the C API does not know.
const TrapCodeUnknown TrapCode = 255

// String returns the member's name in lower case ("stack_overflow"), or TrapCode(N) for
// a value that is not a member.
func (v TrapCode) String() string {
	switch v {
	case TrapCodeStackOverflow:
		return "stack_overflow"
	case TrapCodeMemoryOutOfBounds:
		return "memory_out_of_bounds"
	case TrapCodeTableOutOfBounds:
		return "table_out_of_bounds"
	case TrapCodeIndirectCallToNull:
		return "indirect_call_to_null"
	case TrapCodeBadSignature:
		return "bad_signature"
	case TrapCodeIntegerOverflow:
		return "integer_overflow"
	case TrapCodeIntegerDivisionByZero:
		return "integer_division_by_zero"
	case TrapCodeBadConversionToInteger:
		return "bad_conversion_to_integer"
	case TrapCodeUnreachable:
		return "unreachable"
	case TrapCodeInterrupt:
		return "interrupt"
	case TrapCodeOutOfFuel:
		return "out_of_fuel"
	case TrapCodeNullReference:
		return "null_reference"
	case TrapCodeUnknown:
		return "unknown"
	}
	return "TrapCode(" + strconv.Itoa(int(v)) + ")"
}

// ExternKind is the kind of an importable or exportable item (see `PETREL_EXTERN_*`).
type ExternKind uint8

// ExternKindFunc: A function.
const ExternKindFunc ExternKind = 0

// ExternKindGlobal: A global.
const ExternKindGlobal ExternKind = 1

// ExternKindTable: A table.
const ExternKindTable ExternKind = 2

// ExternKindMemory: A linear memory.
const ExternKindMemory ExternKind = 3

// String returns the member's name in lower case ("func"), or ExternKind(N) for
// a value that is not a member.
func (v ExternKind) String() string {
	switch v {
	case ExternKindFunc:
		return "func"
	case ExternKindGlobal:
		return "global"
	case ExternKindTable:
		return "table"
	case ExternKindMemory:
		return "memory"
	}
	return "ExternKind(" + strconv.Itoa(int(v)) + ")"
}

// ValKind is the kind of a wasm value (see `PETREL_I32` ...).
type ValKind uint8

// ValKindI32: 32-bit integer.
const ValKindI32 ValKind = 0

// ValKindI64: 64-bit integer.
const ValKindI64 ValKind = 1

// ValKindF32: 32-bit float.
const ValKindF32 ValKind = 2

// ValKindF64: 64-bit float.
const ValKindF64 ValKind = 3

// ValKindV128: 128-bit vector.
const ValKindV128 ValKind = 4

// ValKindFuncref: Nullable function reference.
const ValKindFuncref ValKind = 5

// ValKindExternref: Nullable reference to a host value.
const ValKindExternref ValKind = 6

// String returns the member's name in lower case ("i32"), or ValKind(N) for
// a value that is not a member.
func (v ValKind) String() string {
	switch v {
	case ValKindI32:
		return "i32"
	case ValKindI64:
		return "i64"
	case ValKindF32:
		return "f32"
	case ValKindF64:
		return "f64"
	case ValKindV128:
		return "v128"
	case ValKindFuncref:
		return "funcref"
	case ValKindExternref:
		return "externref"
	}
	return "ValKind(" + strconv.Itoa(int(v)) + ")"
}

// Mutability is whether a global can be written (see `PETREL_CONST` and `PETREL_VAR`).
type Mutability uint8

// MutabilityConst: Immutable.
const MutabilityConst Mutability = 0

// MutabilityVar: Mutable.
const MutabilityVar Mutability = 1

// String returns the member's name in lower case ("const"), or Mutability(N) for
// a value that is not a member.
func (v Mutability) String() string {
	switch v {
	case MutabilityConst:
		return "const"
	case MutabilityVar:
		return "var"
	}
	return "Mutability(" + strconv.Itoa(int(v)) + ")"
}

// DirPerms is what a program may do with a preopened directory and those below it
// (`PETREL_DIR_PERMS_*`, combined with `|`).
type DirPerms uint8

// DirPermsRead: List entries, open files and directories, read links and metadata.
const DirPermsRead DirPerms = 1

// DirPermsWrite: Create, remove, rename and link entries; change sizes and times.
const DirPermsWrite DirPerms = 2

// String returns the member's name in lower case ("read"), or DirPerms(N) for
// a value that is not a member.
func (v DirPerms) String() string {
	switch v {
	case DirPermsRead:
		return "read"
	case DirPermsWrite:
		return "write"
	}
	return "DirPerms(" + strconv.Itoa(int(v)) + ")"
}

// FilePerms is what a program may do with the files it opens below a preopened
// directory (`PETREL_FILE_PERMS_*`, combined with `|`).
type FilePerms uint8

// FilePermsRead: Read.
const FilePermsRead FilePerms = 1

// FilePermsWrite: Write (and allocate, truncate, set times).
const FilePermsWrite FilePerms = 2

// String returns the member's name in lower case ("read"), or FilePerms(N) for
// a value that is not a member.
func (v FilePerms) String() string {
	switch v {
	case FilePermsRead:
		return "read"
	case FilePermsWrite:
		return "write"
	}
	return "FilePerms(" + strconv.Itoa(int(v)) + ")"
}

// Layout checks: each index is a constant that is 0 only when cgo lays
// the record out as header-gen computed (LP64): a smaller value overflows
// uintptr and a larger one is out of range, so a mismatch does not compile.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_pooling_config_t{})-32]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_pooling_config_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_pooling_config_t{}.total_memories)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_pooling_config_t{}.total_tables)-4]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_pooling_config_t{}.total_core_instances)-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_pooling_config_t{}.max_memories_per_module)-12]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_pooling_config_t{}.max_tables_per_module)-16]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_pooling_config_t{}.table_elements)-20]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_pooling_config_t{}.max_memory_size)-24]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_bytes_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_bytes_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_bytes_t{}.data)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_bytes_t{}.len)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_str_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_str_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_str_t{}.data)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_str_t{}.len)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_frame_t{})-72]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_frame_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_frame_t{}.func_index)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_frame_t{}.func_name)-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_frame_t{}.module_name)-24]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_frame_t{}.func_offset)-40]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_frame_t{}.has_func_offset)-48]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_frame_t{}.module_offset)-56]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_frame_t{}.has_module_offset)-64]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_extern_t{})-24]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_extern_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_extern_t{}.kind)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_extern_t{}.store_id)-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_extern_t{}.index)-16]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_instance_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_instance_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_instance_t{}.store_id)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_instance_t{}.index)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_limits_t{})-24]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_limits_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_limits_t{}.minimum)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_limits_t{}.maximum)-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_limits_t{}.has_maximum)-16]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_memorytype_t{})-40]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_memorytype_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_memorytype_t{}.limits)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_memorytype_t{}.is_64)-24]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_memorytype_t{}.page_size)-32]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_memory_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_memory_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_memory_t{}.store_id)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_memory_t{}.index)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_tabletype_t{})-40]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_tabletype_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_tabletype_t{}.element)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_tabletype_t{}.limits)-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_tabletype_t{}.is_64)-32]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_func_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_func_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_func_t{}.store_id)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_func_t{}.index)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_externref_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_externref_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_externref_t{}.store_id)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_externref_t{}.index)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_valunion_t{})-16]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_val_t{})-24]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_val_t{}.kind)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_val_t{}.of)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_table_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_table_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_table_t{}.store_id)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_table_t{}.index)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_globaltype_t{})-2]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_globaltype_t{})-1]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_globaltype_t{}.content)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_globaltype_t{}.mutability)-1]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_global_t{})-16]
	_ = [1]struct{}{}[unsafe.Alignof(C.petrel_global_t{})-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_global_t{}.store_id)-0]
	_ = [1]struct{}{}[unsafe.Offsetof(C.petrel_global_t{}.index)-8]
	_ = [1]struct{}{}[unsafe.Sizeof(C.petrel_valraw_t{})-16]
)

// errorHook turns a non-nil *C.petrel_error_t returned by a fallible function into
// the Go error the wrapper returns. The idiomatic layer replaces it (to
// make *Error and *Trap values); the hook must copy what it needs, since
// the C error is freed when it returns.
var errorHook = func(e *C.petrel_error_t) error {
	return &lowLevelError{}
}

// lowLevelError is the error of the default errorHook.
type lowLevelError struct{}

func (*lowLevelError) Error() string { return "petrel: error (no error hook installed)" }

// takeError converts and frees e; nil for nil.
func takeError(e *C.petrel_error_t) error {
	if e == nil {
		return nil
	}
	err := errorHook(e)
	C.petrel_error_delete(e)
	return err
}

// zeroBlock backs the pointer passed for an empty buffer, so C never
// receives NULL with a length of 0.
var zeroBlock [4]uint64

// bufPtr is the address of the first element of s, or of zeroBlock when
// s is empty.
func bufPtr[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return unsafe.Pointer(&zeroBlock)
	}
	return unsafe.Pointer(unsafe.SliceData(s))
}

// textPtr is the address of the bytes of s, or of zeroBlock when s is empty.
func textPtr(s string) *C.char {
	if len(s) == 0 {
		return (*C.char)(unsafe.Pointer(&zeroBlock))
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

// cStringArray copies strs into a C array of C strings; free releases it.
func cStringArray(strs []string) (array **C.char, free func()) {
	n := len(strs)
	if n == 0 {
		n = 1
	}
	block := (*[1 << 28]*C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
	for i, str := range strs {
		block[i] = C.CString(str)
	}
	return &block[0], func() {
		for i := range strs {
			C.free(unsafe.Pointer(block[i]))
		}
		C.free(unsafe.Pointer(&block[0]))
	}
}

// cConfigNew calls petrel_config_new: creates the default configuration (WebAssembly 2.0, optimised for
// speed, no fuel, no epochs) in `config_out`.
//
// # Safety
// `config_out` is writable.
func cConfigNew() (*C.petrel_config_t, error) {
	var configOut *C.petrel_config_t
	err := takeError(C.petrel_config_new(&configOut))
	return configOut, err
}

// cConfigDelete calls petrel_config_delete: frees a configuration. NULL is ignored.
//
// # Safety
// `config` is NULL or a live configuration not used afterwards.
func cConfigDelete(config *C.petrel_config_t) {
	C.petrel_config_delete(config)
}

// cConfigWasmSimd calls petrel_config_wasm_simd: enables or disables 128-bit SIMD (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmSimd(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_simd(config, C.bool(enable)))
	return err
}

// cConfigWasmReferenceTypes calls petrel_config_wasm_reference_types: enables or disables reference types (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmReferenceTypes(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_reference_types(config, C.bool(enable)))
	return err
}

// cConfigWasmBulkMemory calls petrel_config_wasm_bulk_memory: enables or disables bulk memory operations (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmBulkMemory(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_bulk_memory(config, C.bool(enable)))
	return err
}

// cConfigWasmMultiValue calls petrel_config_wasm_multi_value: enables or disables multi-value (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmMultiValue(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_multi_value(config, C.bool(enable)))
	return err
}

// cConfigWasmSignExtension calls petrel_config_wasm_sign_extension: enables or disables the sign-extension operators (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmSignExtension(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_sign_extension(config, C.bool(enable)))
	return err
}

// cConfigWasmExtendedConst calls petrel_config_wasm_extended_const: enables or disables extended constant expressions: `i32.add`, `i32.sub`,
// `i32.mul` and their `i64` forms in global initialisers and segment
// offsets (on by default, as in WebAssembly 3.0).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmExtendedConst(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_extended_const(config, C.bool(enable)))
	return err
}

// cConfigWasmWideArithmetic calls petrel_config_wasm_wide_arithmetic: enables or disables the wide-arithmetic operators: `i64.add128`,
// `i64.sub128`, `i64.mul_wide_s` and `i64.mul_wide_u` (off by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmWideArithmetic(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_wide_arithmetic(config, C.bool(enable)))
	return err
}

// cConfigWasmRelaxedSimd calls petrel_config_wasm_relaxed_simd: enables or disables the relaxed SIMD operators (on by default; they need
// SIMD). Each has one fixed result on every machine (see
// `Config::wasm_relaxed_simd` of the Rust API).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmRelaxedSimd(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_relaxed_simd(config, C.bool(enable)))
	return err
}

// cConfigWasmTailCall calls petrel_config_wasm_tail_call: enables or disables tail calls: `return_call` and `return_call_indirect`
// (on by default). A tail call replaces the caller's frame, so tail
// recursion of any depth runs in constant stack.
//
// # Safety
// `config` is a live configuration.
func cConfigWasmTailCall(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_tail_call(config, C.bool(enable)))
	return err
}

// cConfigWasmMultiMemory calls petrel_config_wasm_multi_memory: enables or disables multi-memory: several memories per module, each
// access naming its memory (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmMultiMemory(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_multi_memory(config, C.bool(enable)))
	return err
}

// cConfigWasmMemory64 calls petrel_config_wasm_memory64: enables or disables memory64: memories and tables indexed with i64 (on
// by default, as in Wasmtime). Accesses to a 64-bit memory are checked
// against its current size; 32-bit memories keep their guard region.
//
// # Safety
// `config` is a live configuration.
func cConfigWasmMemory64(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_memory64(config, C.bool(enable)))
	return err
}

// cConfigWasmCustomPageSizes calls petrel_config_wasm_custom_page_sizes: enables or disables custom page sizes: memories declared with
// `(pagesize 1)`, sized and grown in bytes (off by default, as in
// Wasmtime).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmCustomPageSizes(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_custom_page_sizes(config, C.bool(enable)))
	return err
}

// cConfigWasmSaturatingFloatToInt calls petrel_config_wasm_saturating_float_to_int: enables or disables non-trapping float-to-int conversions (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigWasmSaturatingFloatToInt(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_wasm_saturating_float_to_int(config, C.bool(enable)))
	return err
}

// cConfigConsumeFuel calls petrel_config_consume_fuel: makes compiled code count fuel: stores then need
// `petrel_store_set_fuel`, and running out traps with
// `PETREL_TRAP_OUT_OF_FUEL` (off by default, free when off).
//
// # Safety
// `config` is a live configuration.
func cConfigConsumeFuel(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_consume_fuel(config, C.bool(enable)))
	return err
}

// cConfigEpochInterruption calls petrel_config_epoch_interruption: makes compiled code check the engine's epoch against the store's
// deadline (see `petrel_engine_increment_epoch`; off by default).
//
// # Safety
// `config` is a live configuration.
func cConfigEpochInterruption(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_epoch_interruption(config, C.bool(enable)))
	return err
}

// cConfigParallelCompilation calls petrel_config_parallel_compilation: compiles a module's functions on several threads (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigParallelCompilation(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_parallel_compilation(config, C.bool(enable)))
	return err
}

// cConfigStaticMemoryGuard calls petrel_config_static_memory_guard: reserves each memory's whole 4 GiB index space plus a guard region so
// accesses need no bounds checks (on by default); off, memories are
// allocated to their size and every access is checked.
//
// # Safety
// `config` is a live configuration.
func cConfigStaticMemoryGuard(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_static_memory_guard(config, C.bool(enable)))
	return err
}

// cConfigPoolingAllocator calls petrel_config_pooling_allocator: makes engines made with `config` allocate instances, memories and
// tables from a pool reserved when the engine is made and reused after a
// store is deleted (`pooling`), or on demand (NULL, the default). Going
// past a limit is an error of the call that tried.
//
// # Safety
// `config` is a live configuration; `pooling` is NULL or readable.
func cConfigPoolingAllocator(config *C.petrel_config_t, pooling *C.petrel_pooling_config_t) error {
	err := takeError(C.petrel_config_pooling_allocator(config, pooling))
	return err
}

// cConfigMemoryInitCow calls petrel_config_memory_init_cow: whether a module's data segments become a copy-on-write memory image
// that instances map rather than copy (on by default).
//
// # Safety
// `config` is a live configuration.
func cConfigMemoryInitCow(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_memory_init_cow(config, C.bool(enable)))
	return err
}

// cConfigCraneliftNanCanonicalization calls petrel_config_cranelift_nan_canonicalization: makes every floating-point operation that can produce a NaN produce the
// canonical one, so results are the same bits on every host (off by
// default).
//
// # Safety
// `config` is a live configuration.
func cConfigCraneliftNanCanonicalization(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_cranelift_nan_canonicalization(config, C.bool(enable)))
	return err
}

// cConfigCraneliftDebugVerifier calls petrel_config_cranelift_debug_verifier: runs Cranelift's IR verifier on every function before compiling it
// (slower compilation, for finding compiler bugs; off in release builds).
//
// # Safety
// `config` is a live configuration.
func cConfigCraneliftDebugVerifier(config *C.petrel_config_t, enable bool) error {
	err := takeError(C.petrel_config_cranelift_debug_verifier(config, C.bool(enable)))
	return err
}

// cConfigTarget calls petrel_config_target: checks that the target triple `triple` (`triple_len` bytes of UTF-8,
// such as `x86_64-unknown-linux-gnu`) is the host: Petrel compiles for the
// machine it runs on only.
//
// # Errors
// When `triple` is not a target triple or names another architecture or
// operating system than the host's.
//
// # Safety
// `config` is a live configuration; `triple` points to `triple_len` bytes.
func cConfigTarget(config *C.petrel_config_t, triple string) error {
	err := takeError(C.petrel_config_target(config, textPtr(triple), C.size_t(len(triple))))
	return err
}

// cConfigOptLevel calls petrel_config_opt_level: sets Cranelift's optimisation level (`PETREL_OPT_LEVEL_*`).
//
// # Safety
// `config` is a live configuration.
func cConfigOptLevel(config *C.petrel_config_t, level OptLevel) error {
	err := takeError(C.petrel_config_opt_level(config, C.petrel_opt_level_t(level)))
	return err
}

// cConfigMaxWasmStack calls petrel_config_max_wasm_stack: the most stack, in bytes, wasm may use in one call from the host;
// deeper recursion traps with `PETREL_TRAP_STACK_OVERFLOW`.
//
// # Safety
// `config` is a live configuration.
func cConfigMaxWasmStack(config *C.petrel_config_t, bytes uint) error {
	err := takeError(C.petrel_config_max_wasm_stack(config, C.size_t(bytes)))
	return err
}

// cConfigModuleKey calls petrel_config_module_key: sets the 32-byte secret key that seals serialized modules
// (`petrel_module_serialize`) and authenticates them when they are loaded
// (`petrel_module_deserialize`). Engines configured with the same key load
// each other's serialized modules; anyone who knows the key can make
// modules they will load and run, so keep it where only the embedder can
// read it. Without a key, each engine draws a random one: its serialized
// modules load only into that engine. `key_len` must be 32.
//
// # Safety
// `config` is a live configuration; `key` points to `key_len` bytes.
func cConfigModuleKey(config *C.petrel_config_t, key []byte) error {
	err := takeError(C.petrel_config_module_key(config, (*C.uint8_t)(bufPtr(key)), C.size_t(len(key))))
	return err
}

// cConfigGenerateModuleKey calls petrel_config_generate_module_key: draws a fresh random module key from the operating system, sets it on
// `config` (as `petrel_config_module_key` does) and writes a copy to
// `key_out` (32 bytes; free with `petrel_bytes_delete`) so that it can be
// stored for the engines of other processes.
//
// # Safety
// `config` is a live configuration; `key_out` is writable.
func cConfigGenerateModuleKey(config *C.petrel_config_t) (C.petrel_bytes_t, error) {
	var keyOut C.petrel_bytes_t
	err := takeError(C.petrel_config_generate_module_key(config, &keyOut))
	return keyOut, err
}

// cConfigCache calls petrel_config_cache: turns the compilation cache on: modules compiled by engines made with
// this configuration are stored in `directory` and loaded from there by
// later engines (of any process of this user with the same Petrel build
// and settings) instead of being compiled again. Entries are authenticated
// with the key in `key_file`, which must lie outside `directory`; both are
// created when missing (modes 0700 and 0600) and their ownership and
// permissions are checked by `petrel_engine_new`. A tampered, truncated or
// foreign entry is ignored and replaced. `directory` NULL (and `key_file`
// NULL) chooses the user's default: `$XDG_CACHE_HOME/petrel/modules` and
// `$XDG_CONFIG_HOME/petrel/cache-key` (else under `~/.cache` and
// `~/.config`).
//
// # Safety
// `config` is a live configuration; `directory` and `key_file` point to
// `directory_len` and `key_file_len` bytes of UTF-8 (or are NULL).
func cConfigCache(config *C.petrel_config_t, directory string, keyFile string) error {
	err := takeError(C.petrel_config_cache(config, textPtr(directory), C.size_t(len(directory)), textPtr(keyFile), C.size_t(len(keyFile))))
	return err
}

// cEngineCacheStatistics calls petrel_engine_cache_statistics: what the engine's compilation cache has done: modules loaded from it
// (`hits_out`), compiled because no entry existed (`misses_out`), and
// entries refused and replaced (`rejected_out`). `enabled_out` is false,
// and the counts zero, when the engine has no cache.
//
// # Safety
// `engine` is a live engine; the out-pointers are writable.
func cEngineCacheStatistics(engine *C.petrel_engine_t) (uint64, uint64, uint64, bool, error) {
	var hitsOut C.uint64_t
	var missesOut C.uint64_t
	var rejectedOut C.uint64_t
	var enabledOut C.bool
	err := takeError(C.petrel_engine_cache_statistics(engine, &hitsOut, &missesOut, &rejectedOut, &enabledOut))
	return uint64(hitsOut), uint64(missesOut), uint64(rejectedOut), bool(enabledOut), err
}

// cEngineNew calls petrel_engine_new: creates an engine for the host CPU with `config` (NULL: the defaults).
// The configuration is copied: the caller still owns and frees it.
//
// # Safety
// `config` is NULL or a live configuration; `engine_out` is writable.
func cEngineNew(config *C.petrel_config_t) (*C.petrel_engine_t, error) {
	var engineOut *C.petrel_engine_t
	err := takeError(C.petrel_engine_new(config, &engineOut))
	return engineOut, err
}

// cEngineIncrementEpoch calls petrel_engine_increment_epoch: advances the engine's epoch by one: stores whose deadline this reaches
// are interrupted with `PETREL_TRAP_INTERRUPT`. Safe from any thread,
// also while wasm runs.
//
// # Safety
// `engine` is a live engine.
func cEngineIncrementEpoch(engine *C.petrel_engine_t) error {
	err := takeError(C.petrel_engine_increment_epoch(engine))
	return err
}

// cEngineMaxWasmStack calls petrel_engine_max_wasm_stack: the most stack, in bytes, wasm may use in one call from the host
// (`petrel_config_max_wasm_stack`; 512 KiB by default). An embedder that
// calls wasm on a stack of its own makes it at least this large, plus room
// for the host's own frames.
//
// # Safety
// `engine` is a live engine; `bytes_out` is writable.
func cEngineMaxWasmStack(engine *C.petrel_engine_t) (uint, error) {
	var bytesOut C.size_t
	err := takeError(C.petrel_engine_max_wasm_stack(engine, &bytesOut))
	return uint(bytesOut), err
}

// cEngineDelete calls petrel_engine_delete: frees an engine. Modules and stores made with it keep working. NULL
// is ignored.
//
// # Safety
// `engine` is NULL or a live engine not used afterwards.
func cEngineDelete(engine *C.petrel_engine_t) {
	C.petrel_engine_delete(engine)
}

// cErrorNew calls petrel_error_new: creates an error with `message` (UTF-8, `message_len` bytes; invalid
// UTF-8 is replaced). A host callback returns it to make the wasm call
// that reached it fail with this error. Never NULL.
//
// # Safety
// `message` points to `message_len` readable bytes (or is NULL with
// `message_len` 0).
func cErrorNew(message string) *C.petrel_error_t {
	r := C.petrel_error_new(textPtr(message), C.size_t(len(message)))
	return r
}

// cErrorNewHost calls petrel_error_new_host: creates an error with `message` and a `tag` the embedder chooses (for
// example the key of an exception object it keeps). The error comes back
// unchanged out of the wasm call, where `petrel_error_host_tag` reads the
// tag. Never NULL.
//
// # Safety
// As for `petrel_error_new`.
func cErrorNewHost(message string, tag uint64) *C.petrel_error_t {
	r := C.petrel_error_new_host(textPtr(message), C.size_t(len(message)), C.uint64_t(tag))
	return r
}

// cErrorNewTrap calls petrel_error_new_trap: creates an error that is a trap with `code` (no backtrace), so a host
// callback can trap. An unknown code gives `PETREL_TRAP_UNREACHABLE`.
// Never NULL.
func cErrorNewTrap(code TrapCode) *C.petrel_error_t {
	r := C.petrel_error_new_trap(C.petrel_trap_code_t(code))
	return r
}

// cErrorMessage calls petrel_error_message: the error's message (with its chain of causes), NUL-terminated. Valid
// until the error is deleted. A NULL `error` gives an empty string.
//
// # Safety
// `error` is NULL or a live error.
func cErrorMessage(error *C.petrel_error_t) string {
	r := C.petrel_error_message(error)
	return C.GoString(r)
}

// cErrorAsTrap calls petrel_error_as_trap: the trap inside `error`, or NULL when the error is not a trap (or
// `error` is NULL). Borrowed: valid until the error is deleted.
//
// # Safety
// `error` is NULL or a live error.
func cErrorAsTrap(error *C.petrel_error_t) *C.petrel_trap_t {
	r := C.petrel_error_as_trap(error)
	return r
}

// cErrorHostTag calls petrel_error_host_tag: whether `error` was raised by a host function with
// `petrel_error_new_host`; if so its tag is written to `tag_out`.
//
// # Safety
// `error` is NULL or a live error; `tag_out` is NULL or writable.
func cErrorHostTag(error *C.petrel_error_t) (bool, uint64) {
	var tagOut C.uint64_t
	r := C.petrel_error_host_tag(error, &tagOut)
	return bool(r), uint64(tagOut)
}

// cErrorExitStatus calls petrel_error_exit_status: whether `error` is the end of a WASI program by `proc_exit` (not a
// trap: `petrel_error_as_trap` is NULL for it); if so the program's exit
// status is written to `status_out`.
//
// # Safety
// `error` is NULL or a live error; `status_out` is NULL or writable.
func cErrorExitStatus(error *C.petrel_error_t) (bool, int32) {
	var statusOut C.int
	r := C.petrel_error_exit_status(error, &statusOut)
	return bool(r), int32(statusOut)
}

// cErrorDelete calls petrel_error_delete: frees an error. NULL is ignored.
//
// # Safety
// `error` is NULL or a live error not used afterwards.
func cErrorDelete(error *C.petrel_error_t) {
	C.petrel_error_delete(error)
}

// cTrapCode calls petrel_trap_code: the trap's code (`PETREL_TRAP_*`); `PETREL_TRAP_UNKNOWN` for NULL.
//
// # Safety
// `trap` is NULL or a live trap.
func cTrapCode(trap *C.petrel_trap_t) TrapCode {
	r := C.petrel_trap_code(trap)
	return TrapCode(r)
}

// cTrapFrameCount calls petrel_trap_frame_count: number of wasm frames in the trap's backtrace (0 for NULL).
//
// # Safety
// `trap` is NULL or a live trap.
func cTrapFrameCount(trap *C.petrel_trap_t) uint {
	r := C.petrel_trap_frame_count(trap)
	return uint(r)
}

// cTrapFrame calls petrel_trap_frame: writes frame `index` (0 is the innermost) of the trap's backtrace to
// `frame_out`; false when `index` is out of range or `trap` is NULL. The
// frame's strings are borrowed from the trap.
//
// # Safety
// `trap` is NULL or a live trap; `frame_out` is NULL or writable.
func cTrapFrame(trap *C.petrel_trap_t, index uint) (bool, C.petrel_frame_t) {
	var frameOut C.petrel_frame_t
	r := C.petrel_trap_frame(trap, C.size_t(index), &frameOut)
	return bool(r), frameOut
}

// cInstanceNew calls petrel_instance_new: instantiates `module` in `store` with `imports` given in the module's
// import order.
//
// # Errors
// A wrong number or type of imports, an item of another store, resource
// limits, or a trap from the start function or segment initialisation.
//
// # Safety
// `store` is a live store, `module` a live module; `imports` points to
// `imports_len` items; `instance_out` is writable.
func cInstanceNew(store *C.petrel_store_t, module *C.petrel_module_t, imports []C.petrel_extern_t) (C.petrel_instance_t, error) {
	var instanceOut C.petrel_instance_t
	err := takeError(C.petrel_instance_new(store, module, (*C.petrel_extern_t)(bufPtr(imports)), C.size_t(len(imports)), &instanceOut))
	return instanceOut, err
}

// cInstanceExportGet calls petrel_instance_export_get: the export `name` of `instance`; `found_out` is false when there is none.
//
// # Safety
// `store` is a live store; `name` points to `name_len` bytes; the
// out-parameters are writable.
func cInstanceExportGet(store *C.petrel_store_t, instance C.petrel_instance_t, name string) (C.petrel_extern_t, bool, error) {
	var itemOut C.petrel_extern_t
	var foundOut C.bool
	err := takeError(C.petrel_instance_export_get(store, instance, textPtr(name), C.size_t(len(name)), &itemOut, &foundOut))
	return itemOut, bool(foundOut), err
}

// cInstanceExportCount calls petrel_instance_export_count: number of exports of `instance`.
//
// # Safety
// `store` is a live store; `count_out` is writable.
func cInstanceExportCount(store *C.petrel_store_t, instance C.petrel_instance_t) (uint, error) {
	var countOut C.size_t
	err := takeError(C.petrel_instance_export_count(store, instance, &countOut))
	return uint(countOut), err
}

// cInstanceExportNth calls petrel_instance_export_nth: export `index` of `instance`: its name (borrowed: valid while the store
// lives) and the item.
//
// # Safety
// `store` is a live store; the out-parameters are writable.
func cInstanceExportNth(store *C.petrel_store_t, instance C.petrel_instance_t, index uint) (C.petrel_str_t, C.petrel_extern_t, error) {
	var nameOut C.petrel_str_t
	var itemOut C.petrel_extern_t
	err := takeError(C.petrel_instance_export_nth(store, instance, C.size_t(index), &nameOut, &itemOut))
	return nameOut, itemOut, err
}

// cExternType calls petrel_extern_type: the type of any item of `store`, in `type_out` (owned by the caller).
//
// # Safety
// `store` is a live store; `type_out` is writable.
func cExternType(store *C.petrel_store_t, item C.petrel_extern_t) (*C.petrel_externtype_t, error) {
	var typeOut *C.petrel_externtype_t
	err := takeError(C.petrel_extern_type(store, item, &typeOut))
	return typeOut, err
}

// cMemoryNew calls petrel_memory_new: creates a memory of type `memorytype` in `store`.
//
// # Safety
// `store` is a live store; `memory_out` is writable.
func cMemoryNew(store *C.petrel_store_t, memorytype C.petrel_memorytype_t) (C.petrel_memory_t, error) {
	var memoryOut C.petrel_memory_t
	err := takeError(C.petrel_memory_new(store, memorytype, &memoryOut))
	return memoryOut, err
}

// cMemoryType calls petrel_memory_type: the memory's type, with its current size as the minimum.
//
// # Safety
// `store` is a live store; `memorytype_out` is writable.
func cMemoryType(store *C.petrel_store_t, memory C.petrel_memory_t) (C.petrel_memorytype_t, error) {
	var memorytypeOut C.petrel_memorytype_t
	err := takeError(C.petrel_memory_type(store, memory, &memorytypeOut))
	return memorytypeOut, err
}

// cMemorySize calls petrel_memory_size: the memory's size in pages of its page size (64 KiB, or one byte for a
// memory of `page_size` 1).
//
// # Safety
// `store` is a live store; `pages_out` is writable.
func cMemorySize(store *C.petrel_store_t, memory C.petrel_memory_t) (uint64, error) {
	var pagesOut C.uint64_t
	err := takeError(C.petrel_memory_size(store, memory, &pagesOut))
	return uint64(pagesOut), err
}

// cMemoryData calls petrel_memory_data: the memory's bytes: `len_out` bytes at `data_out`, readable and
// writable without copies. Valid until the memory grows (a memory with a
// guard region, the default, never moves, but its length changes; a
// 64-bit memory without a maximum of at most 4 GiB may move) or the store
// is deleted; fetch them again after any call that may grow memory.
//
// # Safety
// `store` is a live store; the out-parameters are writable.
func cMemoryData(store *C.petrel_store_t, memory C.petrel_memory_t) (*C.uint8_t, uint, error) {
	var dataOut *C.uint8_t
	var lenOut C.size_t
	err := takeError(C.petrel_memory_data(store, memory, &dataOut, &lenOut))
	return dataOut, uint(lenOut), err
}

// cMemoryGrow calls petrel_memory_grow: grows the memory by `delta` pages (of its page size); the old size in
// pages goes to `old_pages_out`.
//
// # Errors
// Beyond the maximum, refused by the store's limiter, or out of memory.
//
// # Safety
// `store` is a live store; `old_pages_out` is writable.
func cMemoryGrow(store *C.petrel_store_t, memory C.petrel_memory_t, delta uint64) (uint64, error) {
	var oldPagesOut C.uint64_t
	err := takeError(C.petrel_memory_grow(store, memory, C.uint64_t(delta), &oldPagesOut))
	return uint64(oldPagesOut), err
}

// cMemoryRead calls petrel_memory_read: copies `buf_len` bytes from the memory at `offset` into `buf`.
//
// # Errors
// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
//
// # Safety
// `store` is a live store; `buf` points to `buf_len` writable bytes.
func cMemoryRead(store *C.petrel_store_t, memory C.petrel_memory_t, offset uint, buf []byte) error {
	err := takeError(C.petrel_memory_read(store, memory, C.size_t(offset), (*C.uint8_t)(bufPtr(buf)), C.size_t(len(buf))))
	return err
}

// cMemoryWrite calls petrel_memory_write: copies `buf_len` bytes from `buf` into the memory at `offset`.
//
// # Errors
// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
//
// # Safety
// `store` is a live store; `buf` points to `buf_len` bytes.
func cMemoryWrite(store *C.petrel_store_t, memory C.petrel_memory_t, offset uint, buf []byte) error {
	err := takeError(C.petrel_memory_write(store, memory, C.size_t(offset), (*C.uint8_t)(bufPtr(buf)), C.size_t(len(buf))))
	return err
}

// cTableNew calls petrel_table_new: creates a table of type `tabletype` with every element set to `*init`
// (a reference of the table's element kind).
//
// # Safety
// `store` is a live store; `init` points to a value; `table_out` is
// writable.
func cTableNew(store *C.petrel_store_t, tabletype C.petrel_tabletype_t, init *C.petrel_val_t) (C.petrel_table_t, error) {
	var tableOut C.petrel_table_t
	err := takeError(C.petrel_table_new(store, tabletype, init, &tableOut))
	return tableOut, err
}

// cTableType calls petrel_table_type: the table's type, with its current size as the minimum.
//
// # Safety
// `store` is a live store; `tabletype_out` is writable.
func cTableType(store *C.petrel_store_t, table C.petrel_table_t) (C.petrel_tabletype_t, error) {
	var tabletypeOut C.petrel_tabletype_t
	err := takeError(C.petrel_table_type(store, table, &tabletypeOut))
	return tabletypeOut, err
}

// cTableSize calls petrel_table_size: the table's size in elements.
//
// # Safety
// `store` is a live store; `size_out` is writable.
func cTableSize(store *C.petrel_store_t, table C.petrel_table_t) (uint32, error) {
	var sizeOut C.uint32_t
	err := takeError(C.petrel_table_size(store, table, &sizeOut))
	return uint32(sizeOut), err
}

// cTableGet calls petrel_table_get: element `index` of the table.
//
// # Errors
// Out of bounds (a `PETREL_TRAP_TABLE_OUT_OF_BOUNDS` trap).
//
// # Safety
// `store` is a live store; `value_out` is writable.
func cTableGet(store *C.petrel_store_t, table C.petrel_table_t, index uint32) (C.petrel_val_t, error) {
	var valueOut C.petrel_val_t
	err := takeError(C.petrel_table_get(store, table, C.uint32_t(index), &valueOut))
	return valueOut, err
}

// cTableSet calls petrel_table_set: sets element `index` of the table to `*value`.
//
// # Errors
// Out of bounds, a value of the wrong kind, or of another store.
//
// # Safety
// `store` is a live store; `value` points to a value.
func cTableSet(store *C.petrel_store_t, table C.petrel_table_t, index uint32, value *C.petrel_val_t) error {
	err := takeError(C.petrel_table_set(store, table, C.uint32_t(index), value))
	return err
}

// cTableGrow calls petrel_table_grow: grows the table by `delta` elements set to `*init`; the old size goes
// to `old_size_out`.
//
// # Safety
// `store` is a live store; `init` points to a value; `old_size_out` is
// writable.
func cTableGrow(store *C.petrel_store_t, table C.petrel_table_t, delta uint32, init *C.petrel_val_t) (uint32, error) {
	var oldSizeOut C.uint32_t
	err := takeError(C.petrel_table_grow(store, table, C.uint32_t(delta), init, &oldSizeOut))
	return uint32(oldSizeOut), err
}

// cGlobalNew calls petrel_global_new: creates a global of type `globaltype` holding `*value`.
//
// # Safety
// `store` is a live store; `value` points to a value; `global_out` is
// writable.
func cGlobalNew(store *C.petrel_store_t, globaltype C.petrel_globaltype_t, value *C.petrel_val_t) (C.petrel_global_t, error) {
	var globalOut C.petrel_global_t
	err := takeError(C.petrel_global_new(store, globaltype, value, &globalOut))
	return globalOut, err
}

// cGlobalType calls petrel_global_type: the global's type.
//
// # Safety
// `store` is a live store; `globaltype_out` is writable.
func cGlobalType(store *C.petrel_store_t, global C.petrel_global_t) (C.petrel_globaltype_t, error) {
	var globaltypeOut C.petrel_globaltype_t
	err := takeError(C.petrel_global_type(store, global, &globaltypeOut))
	return globaltypeOut, err
}

// cGlobalGet calls petrel_global_get: the global's value.
//
// # Safety
// `store` is a live store; `value_out` is writable.
func cGlobalGet(store *C.petrel_store_t, global C.petrel_global_t) (C.petrel_val_t, error) {
	var valueOut C.petrel_val_t
	err := takeError(C.petrel_global_get(store, global, &valueOut))
	return valueOut, err
}

// cGlobalSet calls petrel_global_set: sets the global's value.
//
// # Errors
// An immutable global, a value of the wrong kind, or of another store.
//
// # Safety
// `store` is a live store; `value` points to a value.
func cGlobalSet(store *C.petrel_store_t, global C.petrel_global_t, value *C.petrel_val_t) error {
	err := takeError(C.petrel_global_set(store, global, value))
	return err
}

// cExternrefNew calls petrel_externref_new: creates a reference to host `data` in `store`; `finalizer` (may be
// NULL) is called with `data` when the store is deleted, or earlier when
// `petrel_store_gc` finds no global or table holding the reference (the
// handle is invalid then).
//
// # Safety
// `store` is a live store; `externref_out` is writable.
func cExternrefNew(store *C.petrel_store_t, data unsafe.Pointer, finalizer C.petrel_finalizer_t) (C.petrel_externref_t, error) {
	var externrefOut C.petrel_externref_t
	err := takeError(C.petrel_externref_new(store, data, finalizer, &externrefOut))
	return externrefOut, err
}

// cExternrefData calls petrel_externref_data: the data pointer of an extern reference made by `petrel_externref_new`.
//
// # Safety
// `store` is a live store; `data_out` is writable.
func cExternrefData(store *C.petrel_store_t, externref C.petrel_externref_t) (unsafe.Pointer, error) {
	var dataOut unsafe.Pointer
	err := takeError(C.petrel_externref_data(store, externref, &dataOut))
	return dataOut, err
}

// cFunctypeNew calls petrel_functype_new: creates a function type from its parameter and result kinds.
//
// # Safety
// `params` and `results` point to `params_len` and `results_len` kinds;
// `functype_out` is writable.
func cFunctypeNew(params []ValKind, results []ValKind) (*C.petrel_functype_t, error) {
	var functypeOut *C.petrel_functype_t
	err := takeError(C.petrel_functype_new((*C.petrel_valkind_t)(bufPtr(params)), C.size_t(len(params)), (*C.petrel_valkind_t)(bufPtr(results)), C.size_t(len(results)), &functypeOut))
	return functypeOut, err
}

// cFunctypeParams calls petrel_functype_params: the parameter kinds: `params_len_out` values at `params_out`, borrowed
// from the function type.
//
// # Safety
// `functype` is a live function type; the out-parameters are writable.
func cFunctypeParams(functype *C.petrel_functype_t) (*C.petrel_valkind_t, uint, error) {
	var paramsOut *C.petrel_valkind_t
	var paramsLenOut C.size_t
	err := takeError(C.petrel_functype_params(functype, &paramsOut, &paramsLenOut))
	return paramsOut, uint(paramsLenOut), err
}

// cFunctypeResults calls petrel_functype_results: the result kinds: `results_len_out` values at `results_out`, borrowed
// from the function type.
//
// # Safety
// `functype` is a live function type; the out-parameters are writable.
func cFunctypeResults(functype *C.petrel_functype_t) (*C.petrel_valkind_t, uint, error) {
	var resultsOut *C.petrel_valkind_t
	var resultsLenOut C.size_t
	err := takeError(C.petrel_functype_results(functype, &resultsOut, &resultsLenOut))
	return resultsOut, uint(resultsLenOut), err
}

// cFunctypeDelete calls petrel_functype_delete: frees a function type. NULL is ignored.
//
// # Safety
// `functype` is NULL or a live function type not used afterwards.
func cFunctypeDelete(functype *C.petrel_functype_t) {
	C.petrel_functype_delete(functype)
}

// cFuncNew calls petrel_func_new: creates a host function of type `functype` in `store`. `callback` is
// called with `env` on every call; `finalizer` (may be NULL) is called
// with `env` when the store is deleted.
//
// # Safety
// `store` is a live store; `functype` a live function type; `func_out`
// is writable; `callback` follows `petrel_callback_t`'s contract.
func cFuncNew(store *C.petrel_store_t, functype *C.petrel_functype_t, callback C.petrel_callback_t, env unsafe.Pointer, finalizer C.petrel_finalizer_t) (C.petrel_func_t, error) {
	var funcOut C.petrel_func_t
	err := takeError(C.petrel_func_new(store, functype, callback, env, finalizer, &funcOut))
	return funcOut, err
}

// cFuncType calls petrel_func_type: the function's type, in `functype_out` (owned by the caller).
//
// # Safety
// `store` is a live store; `functype_out` is writable.
func cFuncType(store *C.petrel_store_t, func_ C.petrel_func_t) (*C.petrel_functype_t, error) {
	var functypeOut *C.petrel_functype_t
	err := takeError(C.petrel_func_type(store, func_, &functypeOut))
	return functypeOut, err
}

// cFuncCall calls petrel_func_call: calls `func` with typed arguments and results, checking their count,
// kinds and stores. A trap is an error for which `petrel_error_as_trap`
// is non-NULL; an error a host function raised comes back unchanged.
//
// # Safety
// `store` is a live store; `args` points to `args_len` values and
// `results` to `results_len` writable values.
func cFuncCall(store *C.petrel_store_t, func_ C.petrel_func_t, args []C.petrel_val_t, results []C.petrel_val_t) error {
	err := takeError(C.petrel_func_call(store, func_, (*C.petrel_val_t)(bufPtr(args)), C.size_t(len(args)), (*C.petrel_val_t)(bufPtr(results)), C.size_t(len(results))))
	return err
}

// cFuncCallRaw calls petrel_func_call_raw: the fast path: calls `*func` with arguments and results in one flat
// array of `len` raw values (arguments on entry, results on return). One
// store check, one length check (`len` must be at least the larger of
// the parameter and result counts), no allocation. The values' kinds are
// not checked (any bits are a valid number); references are validated.
// The function is passed by pointer so that bindings can keep one
// prepared handle.
//
// # Safety
// `store` is a live store; `func` points to a function handle;
// `args_and_results` points to `len` values whose 16 bytes are all
// initialised (for example zeroed), writable.
func cFuncCallRaw(store *C.petrel_store_t, func_ *C.petrel_func_t, argsAndResults []C.petrel_valraw_t) error {
	err := takeError(C.petrel_func_call_raw(store, func_, (*[16]byte)(bufPtr(argsAndResults)), C.size_t(len(argsAndResults))))
	return err
}

// cLinkerNew calls petrel_linker_new: creates an empty linker for `engine`.
//
// # Safety
// `engine` is a live engine; `linker_out` is writable.
func cLinkerNew(engine *C.petrel_engine_t) (*C.petrel_linker_t, error) {
	var linkerOut *C.petrel_linker_t
	err := takeError(C.petrel_linker_new(engine, &linkerOut))
	return linkerOut, err
}

// cLinkerDelete calls petrel_linker_delete: frees a linker (and, once no store uses them, its host functions'
// environments). NULL is ignored.
//
// # Safety
// `linker` is NULL or a live linker not used afterwards.
func cLinkerDelete(linker *C.petrel_linker_t) {
	C.petrel_linker_delete(linker)
}

// cLinkerAllowShadowing calls petrel_linker_allow_shadowing: whether a later definition may replace an earlier one of the same name
// (off by default: redefining is an error).
//
// # Safety
// `linker` is a live linker.
func cLinkerAllowShadowing(linker *C.petrel_linker_t, allow bool) error {
	err := takeError(C.petrel_linker_allow_shadowing(linker, C.bool(allow)))
	return err
}

// cLinkerDefine calls petrel_linker_define: defines `module::name` as `item`, an item of `store`.
//
// # Safety
// `linker` is a live linker, `store` a live store; `module` and `name`
// point to `module_len` and `name_len` bytes.
func cLinkerDefine(linker *C.petrel_linker_t, store *C.petrel_store_t, module string, name string, item C.petrel_extern_t) error {
	err := takeError(C.petrel_linker_define(linker, store, textPtr(module), C.size_t(len(module)), textPtr(name), C.size_t(len(name)), item))
	return err
}

// cLinkerDefineFunc calls petrel_linker_define_func: defines `module::name` as a host function of type `functype`, placed in
// each store that instantiates a module importing it. `callback` is
// called with `env`; `finalizer` (may be NULL) is called with `env` once
// the linker and every store using the function are freed.
//
// # Safety
// `linker` is a live linker, `functype` a live function type; `module`
// and `name` point to `module_len` and `name_len` bytes; `callback`
// follows `petrel_callback_t`'s contract.
func cLinkerDefineFunc(linker *C.petrel_linker_t, module string, name string, functype *C.petrel_functype_t, callback C.petrel_callback_t, env unsafe.Pointer, finalizer C.petrel_finalizer_t) error {
	err := takeError(C.petrel_linker_define_func(linker, textPtr(module), C.size_t(len(module)), textPtr(name), C.size_t(len(name)), functype, callback, env, finalizer))
	return err
}

// cLinkerDefineInstance calls petrel_linker_define_instance: defines every export of `instance` (an instance of `store`) as
// `module::<export name>`.
//
// # Safety
// `linker` is a live linker, `store` a live store; `module` points to
// `module_len` bytes.
func cLinkerDefineInstance(linker *C.petrel_linker_t, store *C.petrel_store_t, module string, instance C.petrel_instance_t) error {
	err := takeError(C.petrel_linker_define_instance(linker, store, textPtr(module), C.size_t(len(module)), instance))
	return err
}

// cLinkerInstantiate calls petrel_linker_instantiate: instantiates `module` in `store`, resolving every import by name.
//
// # Errors
// An undefined import, a type mismatch, or instantiation's own errors.
//
// # Safety
// `linker` is a live linker, `store` a live store, `module` a live
// module; `instance_out` is writable.
func cLinkerInstantiate(linker *C.petrel_linker_t, store *C.petrel_store_t, module *C.petrel_module_t) (C.petrel_instance_t, error) {
	var instanceOut C.petrel_instance_t
	err := takeError(C.petrel_linker_instantiate(linker, store, module, &instanceOut))
	return instanceOut, err
}

// cLinkerGet calls petrel_linker_get: the item defined as `module::name`, placed in `store`; `found_out` is
// false when nothing is defined under that name.
//
// # Safety
// `linker` is a live linker, `store` a live store; `module` and `name`
// point to `module_len` and `name_len` bytes; the out-parameters are
// writable.
func cLinkerGet(linker *C.petrel_linker_t, store *C.petrel_store_t, module string, name string) (C.petrel_extern_t, bool, error) {
	var itemOut C.petrel_extern_t
	var foundOut C.bool
	err := takeError(C.petrel_linker_get(linker, store, textPtr(module), C.size_t(len(module)), textPtr(name), C.size_t(len(name)), &itemOut, &foundOut))
	return itemOut, bool(foundOut), err
}

// cLinkerModule calls petrel_linker_module: defines the exports of `module` under the module name `name`, as
// Wasmtime's `Linker::module` does for WASI commands and reactors: a
// reactor (a module without `_start`) is instantiated in `store` now, its
// `_initialize` called, and its exports defined; each exported function
// of a command (a module exporting `_start`) is defined as a function of
// `store` that instantiates the module afresh for every call.
//
// # Errors
// An unresolved import, instantiation's errors, a trap of
// `_initialize`, a command exporting something other than functions (and
// `memory`-like toolchain exports), or a name already defined.
//
// # Safety
// `linker` is a live linker, `store` a live store, `module` a live
// module; `name` points to `name_len` bytes.
func cLinkerModule(linker *C.petrel_linker_t, store *C.petrel_store_t, name string, module *C.petrel_module_t) error {
	err := takeError(C.petrel_linker_module(linker, store, textPtr(name), C.size_t(len(name)), module))
	return err
}

// cLinkerGetDefault calls petrel_linker_get_default: the default export of module `name`: its function `""`, else its
// function `_start`, else a new function of `store` that does nothing.
//
// # Errors
// When `""` or `_start` is defined as something other than a function.
//
// # Safety
// `linker` is a live linker, `store` a live store; `name` points to
// `name_len` bytes; `func_out` is writable.
func cLinkerGetDefault(linker *C.petrel_linker_t, store *C.petrel_store_t, name string) (C.petrel_func_t, error) {
	var funcOut C.petrel_func_t
	err := takeError(C.petrel_linker_get_default(linker, store, textPtr(name), C.size_t(len(name)), &funcOut))
	return funcOut, err
}

// cLinkerDefineUnknownImportsAsTraps calls petrel_linker_define_unknown_imports_as_traps: defines every function import of `module` that `linker` does not define
// yet as a function that fails with an "unknown import" error when
// called (other kinds of imports stay undefined).
//
// # Safety
// `linker` is a live linker, `module` a live module.
func cLinkerDefineUnknownImportsAsTraps(linker *C.petrel_linker_t, module *C.petrel_module_t) error {
	err := takeError(C.petrel_linker_define_unknown_imports_as_traps(linker, module))
	return err
}

// cLinkerDefineUnknownImportsAsDefaultValues calls petrel_linker_define_unknown_imports_as_default_values: defines every import of `module` that `linker` does not define yet as a
// default item of `store`: a function returning zeros and null
// references, a global holding zero or null, a table of null references,
// a memory of the import's minimum size.
//
// # Errors
// When a table or memory cannot be made (the store's limits).
//
// # Safety
// `linker` is a live linker, `store` a live store, `module` a live module.
func cLinkerDefineUnknownImportsAsDefaultValues(linker *C.petrel_linker_t, store *C.petrel_store_t, module *C.petrel_module_t) error {
	err := takeError(C.petrel_linker_define_unknown_imports_as_default_values(linker, store, module))
	return err
}

// cLinkerInstantiatePre calls petrel_linker_instantiate_pre: resolves every import of `module` from `linker`'s definitions now.
//
// # Errors
// An import the linker does not define, or a module of another engine.
//
// # Safety
// `linker` is a live linker, `module` a live module; `pre_out` is
// writable.
func cLinkerInstantiatePre(linker *C.petrel_linker_t, module *C.petrel_module_t) (*C.petrel_instance_pre_t, error) {
	var preOut *C.petrel_instance_pre_t
	err := takeError(C.petrel_linker_instantiate_pre(linker, module, &preOut))
	return preOut, err
}

// cInstancePreInstantiate calls petrel_instance_pre_instantiate: instantiates the module of `pre` in `store`.
//
// # Errors
// An import defined as an item of another store, or instantiation's own
// errors (a trap of the start function included).
//
// # Safety
// `pre` is a live pre-instantiated module, `store` a live store;
// `instance_out` is writable.
func cInstancePreInstantiate(pre *C.petrel_instance_pre_t, store *C.petrel_store_t) (C.petrel_instance_t, error) {
	var instanceOut C.petrel_instance_t
	err := takeError(C.petrel_instance_pre_instantiate(pre, store, &instanceOut))
	return instanceOut, err
}

// cInstancePreModule calls petrel_instance_pre_module: the module `pre` instantiates, as a new module object (free it with
// `petrel_module_delete`; it shares the compiled code).
//
// # Safety
// `pre` is a live pre-instantiated module; `module_out` is writable.
func cInstancePreModule(pre *C.petrel_instance_pre_t) (*C.petrel_module_t, error) {
	var moduleOut *C.petrel_module_t
	err := takeError(C.petrel_instance_pre_module(pre, &moduleOut))
	return moduleOut, err
}

// cInstancePreDelete calls petrel_instance_pre_delete: frees a pre-instantiated module. NULL is ignored.
//
// # Safety
// `pre` is NULL or a live pre-instantiated module not used afterwards.
func cInstancePreDelete(pre *C.petrel_instance_pre_t) {
	C.petrel_instance_pre_delete(pre)
}

// cBytesDelete calls petrel_bytes_delete: frees the bytes of `bytes` and sets it to empty. NULL, or already
// empty bytes, are ignored.
//
// # Safety
// `bytes` is NULL or bytes filled in by Petrel and not freed yet.
func cBytesDelete(bytes *C.petrel_bytes_t) {
	C.petrel_bytes_delete(bytes)
}

// cWat2wasm calls petrel_wat2wasm: translates WebAssembly text to the binary format.
//
// # Safety
// `wat` points to `wat_len` bytes; `wasm_out` is writable.
func cWat2wasm(wat string) (C.petrel_bytes_t, error) {
	var wasmOut C.petrel_bytes_t
	err := takeError(C.petrel_wat2wasm(textPtr(wat), C.size_t(len(wat)), &wasmOut))
	return wasmOut, err
}

// cModuleNew calls petrel_module_new: compiles a module from the binary or the text format.
//
// # Safety
// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
// `module_out` is writable.
func cModuleNew(engine *C.petrel_engine_t, bytes []byte) (*C.petrel_module_t, error) {
	var moduleOut *C.petrel_module_t
	err := takeError(C.petrel_module_new(engine, (*C.uint8_t)(bufPtr(bytes)), C.size_t(len(bytes)), &moduleOut))
	return moduleOut, err
}

// cModuleValidate calls petrel_module_validate: validates a module in the binary format without compiling it.
//
// # Safety
// `engine` is a live engine; `bytes` points to `bytes_len` bytes.
func cModuleValidate(engine *C.petrel_engine_t, bytes []byte) error {
	err := takeError(C.petrel_module_validate(engine, (*C.uint8_t)(bufPtr(bytes)), C.size_t(len(bytes))))
	return err
}

// cModuleSerialize calls petrel_module_serialize: serializes the compiled module into `bytes_out` (free it with
// `petrel_bytes_delete`), sealed with the engine's module key (see
// `petrel_config_module_key`).
//
// # Safety
// `module` is a live module; `bytes_out` is writable.
func cModuleSerialize(module *C.petrel_module_t) (C.petrel_bytes_t, error) {
	var bytesOut C.petrel_bytes_t
	err := takeError(C.petrel_module_serialize(module, &bytesOut))
	return bytesOut, err
}

// cModuleDeserialize calls petrel_module_deserialize: loads a module written by `petrel_module_serialize`. Safe for any
// bytes: before anything is decoded or mapped, their MAC is verified with
// the engine's module key (see `petrel_config_module_key`), so only bytes
// sealed by this engine, or by one configured with the same key, load; the
// Petrel build and engine settings must match too. The error of a refused
// module names the reason: not a compiled Petrel module, truncated,
// another artifact format version, "authentication failed" (modified, or
// sealed with another key), or a different Petrel version or engine
// configuration.
//
// # Safety
// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
// `module_out` is writable.
func cModuleDeserialize(engine *C.petrel_engine_t, bytes []byte) (*C.petrel_module_t, error) {
	var moduleOut *C.petrel_module_t
	err := takeError(C.petrel_module_deserialize(engine, (*C.uint8_t)(bufPtr(bytes)), C.size_t(len(bytes)), &moduleOut))
	return moduleOut, err
}

// cModuleName calls petrel_module_name: the module's name from its name section (data NULL when it has none),
// borrowed from the module.
//
// # Safety
// `module` is a live module; `name_out` is writable.
func cModuleName(module *C.petrel_module_t) (C.petrel_str_t, error) {
	var nameOut C.petrel_str_t
	err := takeError(C.petrel_module_name(module, &nameOut))
	return nameOut, err
}

// cModuleImportCount calls petrel_module_import_count: number of imports of the module.
//
// # Safety
// `module` is a live module; `count_out` is writable.
func cModuleImportCount(module *C.petrel_module_t) (uint, error) {
	var countOut C.size_t
	err := takeError(C.petrel_module_import_count(module, &countOut))
	return uint(countOut), err
}

// cModuleImport calls petrel_module_import: import `index`: its module and field names (borrowed from the module)
// and its type (owned by the caller).
//
// # Safety
// `module` is a live module; the out-parameters are writable.
func cModuleImport(module *C.petrel_module_t, index uint) (C.petrel_str_t, C.petrel_str_t, *C.petrel_externtype_t, error) {
	var moduleNameOut C.petrel_str_t
	var nameOut C.petrel_str_t
	var typeOut *C.petrel_externtype_t
	err := takeError(C.petrel_module_import(module, C.size_t(index), &moduleNameOut, &nameOut, &typeOut))
	return moduleNameOut, nameOut, typeOut, err
}

// cModuleExportCount calls petrel_module_export_count: number of exports of the module.
//
// # Safety
// `module` is a live module; `count_out` is writable.
func cModuleExportCount(module *C.petrel_module_t) (uint, error) {
	var countOut C.size_t
	err := takeError(C.petrel_module_export_count(module, &countOut))
	return uint(countOut), err
}

// cModuleExport calls petrel_module_export: export `index`: its name (borrowed from the module) and its type
// (owned by the caller).
//
// # Safety
// `module` is a live module; the out-parameters are writable.
func cModuleExport(module *C.petrel_module_t, index uint) (C.petrel_str_t, *C.petrel_externtype_t, error) {
	var nameOut C.petrel_str_t
	var typeOut *C.petrel_externtype_t
	err := takeError(C.petrel_module_export(module, C.size_t(index), &nameOut, &typeOut))
	return nameOut, typeOut, err
}

// cModuleDelete calls petrel_module_delete: frees a module. Instances made from it keep working. NULL is ignored.
//
// # Safety
// `module` is NULL or a live module not used afterwards.
func cModuleDelete(module *C.petrel_module_t) {
	C.petrel_module_delete(module)
}

// cExterntypeKind calls petrel_externtype_kind: the kind of the item (`PETREL_EXTERN_*`).
//
// # Safety
// `externtype` is a live extern type; `kind_out` is writable.
func cExterntypeKind(externtype *C.petrel_externtype_t) (ExternKind, error) {
	var kindOut C.petrel_extern_kind_t
	err := takeError(C.petrel_externtype_kind(externtype, &kindOut))
	return ExternKind(kindOut), err
}

// cExterntypeFunctype calls petrel_externtype_functype: the function type of a function item (owned by the caller); an error
// for another kind.
//
// # Safety
// `externtype` is a live extern type; `functype_out` is writable.
func cExterntypeFunctype(externtype *C.petrel_externtype_t) (*C.petrel_functype_t, error) {
	var functypeOut *C.petrel_functype_t
	err := takeError(C.petrel_externtype_functype(externtype, &functypeOut))
	return functypeOut, err
}

// cExterntypeGlobaltype calls petrel_externtype_globaltype: the global type of a global item; an error for another kind.
//
// # Safety
// `externtype` is a live extern type; `globaltype_out` is writable.
func cExterntypeGlobaltype(externtype *C.petrel_externtype_t) (C.petrel_globaltype_t, error) {
	var globaltypeOut C.petrel_globaltype_t
	err := takeError(C.petrel_externtype_globaltype(externtype, &globaltypeOut))
	return globaltypeOut, err
}

// cExterntypeTabletype calls petrel_externtype_tabletype: the table type of a table item; an error for another kind.
//
// # Safety
// `externtype` is a live extern type; `tabletype_out` is writable.
func cExterntypeTabletype(externtype *C.petrel_externtype_t) (C.petrel_tabletype_t, error) {
	var tabletypeOut C.petrel_tabletype_t
	err := takeError(C.petrel_externtype_tabletype(externtype, &tabletypeOut))
	return tabletypeOut, err
}

// cExterntypeMemorytype calls petrel_externtype_memorytype: the memory type of a memory item; an error for another kind.
//
// # Safety
// `externtype` is a live extern type; `memorytype_out` is writable.
func cExterntypeMemorytype(externtype *C.petrel_externtype_t) (C.petrel_memorytype_t, error) {
	var memorytypeOut C.petrel_memorytype_t
	err := takeError(C.petrel_externtype_memorytype(externtype, &memorytypeOut))
	return memorytypeOut, err
}

// cExterntypeDelete calls petrel_externtype_delete: frees an extern type. NULL is ignored.
//
// # Safety
// `externtype` is NULL or a live extern type not used afterwards.
func cExterntypeDelete(externtype *C.petrel_externtype_t) {
	C.petrel_externtype_delete(externtype)
}

// cStoreNew calls petrel_store_new: creates a store for `engine` holding `data`; `finalizer` (may be NULL)
// is called with `data` when the store is deleted.
//
// # Safety
// `engine` is a live engine; `store_out` is writable.
func cStoreNew(engine *C.petrel_engine_t, data unsafe.Pointer, finalizer C.petrel_finalizer_t) (*C.petrel_store_t, error) {
	var storeOut *C.petrel_store_t
	err := takeError(C.petrel_store_new(engine, data, finalizer, &storeOut))
	return storeOut, err
}

// cStoreClose calls petrel_store_close: closes a store: frees everything in it (calling the finalizers of its
// data, host functions and extern references) but keeps the
// `petrel_store_t` itself, so that any later use is a clean "the store
// is closed" error instead of a dangling pointer. Free it with
// `petrel_store_delete`. Refused (with an error, the store left intact)
// while the store is in use: from a host callback or another thread.
// Closing a closed store does nothing.
//
// # Safety
// `store` is a live (possibly closed) store.
func cStoreClose(store *C.petrel_store_t) error {
	err := takeError(C.petrel_store_close(store))
	return err
}

// cStoreDelete calls petrel_store_delete: frees a store (closing it first, see `petrel_store_close`). Refused
// (with an error, the store left intact) while the store is in use.
// NULL is ignored.
//
// # Safety
// `store` is NULL or a live (possibly closed) store; not used afterwards
// unless an error is returned.
func cStoreDelete(store *C.petrel_store_t) error {
	err := takeError(C.petrel_store_delete(store))
	return err
}

// cStoreId calls petrel_store_id: the id of the store: the `store_id` of every item it owns.
//
// # Safety
// `store` is a live store; `id_out` is writable.
func cStoreId(store *C.petrel_store_t) (uint64, error) {
	var idOut C.uint64_t
	err := takeError(C.petrel_store_id(store, &idOut))
	return uint64(idOut), err
}

// cStoreData calls petrel_store_data: the data pointer given to `petrel_store_new`.
//
// # Safety
// `store` is a live store; `data_out` is writable.
func cStoreData(store *C.petrel_store_t) (unsafe.Pointer, error) {
	var dataOut unsafe.Pointer
	err := takeError(C.petrel_store_data(store, &dataOut))
	return dataOut, err
}

// cStoreSetFuel calls petrel_store_set_fuel: sets the fuel available to wasm in this store.
//
// # Errors
// When the engine was not configured with `petrel_config_consume_fuel`.
//
// # Safety
// `store` is a live store.
func cStoreSetFuel(store *C.petrel_store_t, fuel uint64) error {
	err := takeError(C.petrel_store_set_fuel(store, C.uint64_t(fuel)))
	return err
}

// cStoreGetFuel calls petrel_store_get_fuel: the fuel left in this store.
//
// # Errors
// When the engine was not configured with `petrel_config_consume_fuel`.
//
// # Safety
// `store` is a live store; `fuel_out` is writable.
func cStoreGetFuel(store *C.petrel_store_t) (uint64, error) {
	var fuelOut C.uint64_t
	err := takeError(C.petrel_store_get_fuel(store, &fuelOut))
	return uint64(fuelOut), err
}

// cStoreSetEpochDeadline calls petrel_store_set_epoch_deadline: sets the epoch deadline `ticks` beyond the engine's current epoch:
// wasm in this store traps with `PETREL_TRAP_INTERRUPT` once the engine's
// epoch reaches it (with `petrel_config_epoch_interruption` on).
//
// # Safety
// `store` is a live store.
func cStoreSetEpochDeadline(store *C.petrel_store_t, ticks uint64) error {
	err := takeError(C.petrel_store_set_epoch_deadline(store, C.uint64_t(ticks)))
	return err
}

// cStoreLimiter calls petrel_store_limiter: caps the store's resources: the bytes of any one memory, the elements
// of any one table, and the number of instances. A negative value means
// no limit. Growth beyond a cap fails (`memory.grow` returns -1), and
// creation beyond it is an error.
//
// # Safety
// `store` is a live store.
func cStoreLimiter(store *C.petrel_store_t, memorySize int64, tableElements int64, instances int64) error {
	err := takeError(C.petrel_store_limiter(store, C.int64_t(memorySize), C.int64_t(tableElements), C.int64_t(instances)))
	return err
}

// cStoreLimits calls petrel_store_limits: caps the store's resources like `petrel_store_limiter`, plus the number
// of tables and of memories the store may hold (Wasmtime's
// `wasmtime_store_limiter`). A negative value means no limit.
//
// # Safety
// `store` is a live store.
func cStoreLimits(store *C.petrel_store_t, memorySize int64, tableElements int64, instances int64, tables int64, memories int64) error {
	err := takeError(C.petrel_store_limits(store, C.int64_t(memorySize), C.int64_t(tableElements), C.int64_t(instances), C.int64_t(tables), C.int64_t(memories)))
	return err
}

// cStoreGc calls petrel_store_gc: frees the extern references that no global or table of the store holds
// any more, calling their finalizers. A `petrel_externref_t` of a
// collected reference is invalid afterwards (using it is an error). From
// inside a host callback (wasm on the stack, whose references this cannot
// see) it collects nothing.
//
// # Safety
// `store` is a live store.
func cStoreGc(store *C.petrel_store_t) error {
	err := takeError(C.petrel_store_gc(store))
	return err
}

// cCallerData calls petrel_caller_data: the store's data pointer (as given to `petrel_store_new`).
//
// # Safety
// `caller` is the caller passed to the running callback; `data_out` is
// writable.
func cCallerData(caller *C.petrel_caller_t) (unsafe.Pointer, error) {
	var dataOut unsafe.Pointer
	err := takeError(C.petrel_caller_data(caller, &dataOut))
	return dataOut, err
}

// cCallerExportGet calls petrel_caller_export_get: the export `name` of the instance that called the host function;
// `found_out` is false when there is no such export (or the function was
// called from the host rather than from wasm).
//
// # Safety
// `caller` is the caller passed to the running callback; `name` points
// to `name_len` bytes; the out-parameters are writable.
func cCallerExportGet(caller *C.petrel_caller_t, name string) (C.petrel_extern_t, bool, error) {
	var itemOut C.petrel_extern_t
	var foundOut C.bool
	err := takeError(C.petrel_caller_export_get(caller, textPtr(name), C.size_t(len(name)), &itemOut, &foundOut))
	return itemOut, bool(foundOut), err
}

// cCallerStore calls petrel_caller_store: the store the running callback belongs to: pass it to any store
// function while the callback runs (those calls reach the store through
// the caller).
//
// # Safety
// `caller` is the caller passed to the running callback; `store_out` is
// writable.
func cCallerStore(caller *C.petrel_caller_t) (*C.petrel_store_t, error) {
	var storeOut *C.petrel_store_t
	err := takeError(C.petrel_caller_store(caller, &storeOut))
	return storeOut, err
}

// cWasiConfigNew calls petrel_wasi_config_new: creates a WASI configuration with the defaults (see
// `petrel_wasi_config_t`) in `config_out`.
//
// # Safety
// `config_out` is writable.
func cWasiConfigNew() (*C.petrel_wasi_config_t, error) {
	var configOut *C.petrel_wasi_config_t
	err := takeError(C.petrel_wasi_config_new(&configOut))
	return configOut, err
}

// cWasiConfigDelete calls petrel_wasi_config_delete: frees a WASI configuration (closing the files it opened). NULL is
// ignored.
//
// # Safety
// `config` is NULL or a live WASI configuration, not used afterwards
// (and not given to `petrel_store_set_wasi`, which frees it itself).
func cWasiConfigDelete(config *C.petrel_wasi_config_t) {
	C.petrel_wasi_config_delete(config)
}

// cWasiConfigSetArgv calls petrel_wasi_config_set_argv: sets the program's arguments (`argv[0]` is conventionally its name):
// the `argc` NUL-terminated UTF-8 strings of `argv`, copied.
//
// # Safety
// `config` is a live WASI configuration; `argv` points to `argc`
// pointers to NUL-terminated strings (`argv` may be NULL when `argc` is
// 0).
func cWasiConfigSetArgv(config *C.petrel_wasi_config_t, argv []string) error {
	argvC, freeargv := cStringArray(argv)
	defer freeargv()
	err := takeError(C.petrel_wasi_config_set_argv(config, argvC, C.size_t(len(argv))))
	return err
}

// cWasiConfigInheritArgv calls petrel_wasi_config_inherit_argv: gives the program the host process's own arguments.
//
// # Safety
// `config` is a live WASI configuration.
func cWasiConfigInheritArgv(config *C.petrel_wasi_config_t) error {
	err := takeError(C.petrel_wasi_config_inherit_argv(config))
	return err
}

// cWasiConfigSetEnv calls petrel_wasi_config_set_env: sets the program's environment: variable `names[i]` has the value
// `values[i]`, for the `envc` NUL-terminated UTF-8 strings of each array
// (copied; a later duplicate name replaces an earlier one).
//
// # Errors
// A name that is empty or contains `=`, or a string that is not UTF-8.
//
// # Safety
// `config` is a live WASI configuration; `names` and `values` each point
// to `envc` pointers to NUL-terminated strings (either may be NULL when
// `envc` is 0).
func cWasiConfigSetEnv(config *C.petrel_wasi_config_t, names []string, values []string) error {
	namesC, freenames := cStringArray(names)
	defer freenames()
	valuesC, freevalues := cStringArray(values)
	defer freevalues()
	if len(values) != len(names) {
		panic("petrel: names and values differ in length")
	}
	err := takeError(C.petrel_wasi_config_set_env(config, namesC, valuesC, C.size_t(len(names))))
	return err
}

// cWasiConfigInheritEnv calls petrel_wasi_config_inherit_env: gives the program the host process's environment (variables whose
// name or value is not UTF-8 are left out).
//
// # Safety
// `config` is a live WASI configuration.
func cWasiConfigInheritEnv(config *C.petrel_wasi_config_t) error {
	err := takeError(C.petrel_wasi_config_inherit_env(config))
	return err
}

// cWasiConfigSetStdinBytes calls petrel_wasi_config_set_stdin_bytes: standard input yields the `bytes_len` bytes at `bytes` (copied), then
// end of file.
//
// # Safety
// `config` is a live WASI configuration; `bytes` points to `bytes_len`
// readable bytes (or is NULL with `bytes_len` 0).
func cWasiConfigSetStdinBytes(config *C.petrel_wasi_config_t, bytes []byte) error {
	err := takeError(C.petrel_wasi_config_set_stdin_bytes(config, (*C.uint8_t)(bufPtr(bytes)), C.size_t(len(bytes))))
	return err
}

// cWasiConfigSetStdinFile calls petrel_wasi_config_set_stdin_file: standard input reads the host file `path` (NUL-terminated), opened
// now.
//
// # Errors
// When the file cannot be opened for reading.
//
// # Safety
// `config` is a live WASI configuration; `path` is a NUL-terminated
// string.
func cWasiConfigSetStdinFile(config *C.petrel_wasi_config_t, path string) error {
	pathC := C.CString(path)
	defer C.free(unsafe.Pointer(pathC))
	err := takeError(C.petrel_wasi_config_set_stdin_file(config, pathC))
	return err
}

// cWasiConfigInheritStdin calls petrel_wasi_config_inherit_stdin: standard input reads the host process's standard input.
//
// # Safety
// `config` is a live WASI configuration.
func cWasiConfigInheritStdin(config *C.petrel_wasi_config_t) error {
	err := takeError(C.petrel_wasi_config_inherit_stdin(config))
	return err
}

// cWasiConfigSetStdoutFile calls petrel_wasi_config_set_stdout_file: standard output goes to the host file `path` (NUL-terminated), created
// or truncated now.
//
// # Errors
// When the file cannot be opened for writing.
//
// # Safety
// `config` is a live WASI configuration; `path` is a NUL-terminated
// string.
func cWasiConfigSetStdoutFile(config *C.petrel_wasi_config_t, path string) error {
	pathC := C.CString(path)
	defer C.free(unsafe.Pointer(pathC))
	err := takeError(C.petrel_wasi_config_set_stdout_file(config, pathC))
	return err
}

// cWasiConfigInheritStdout calls petrel_wasi_config_inherit_stdout: standard output goes to the host process's standard output.
//
// # Safety
// `config` is a live WASI configuration.
func cWasiConfigInheritStdout(config *C.petrel_wasi_config_t) error {
	err := takeError(C.petrel_wasi_config_inherit_stdout(config))
	return err
}

// cWasiConfigSetStdoutCapture calls petrel_wasi_config_set_stdout_capture: standard output is captured in memory, at most `capacity` bytes (a
// write beyond is short, then fails with `ENOSPC`); read it with
// `petrel_store_wasi_stdout`.
//
// # Safety
// `config` is a live WASI configuration.
func cWasiConfigSetStdoutCapture(config *C.petrel_wasi_config_t, capacity uint) error {
	err := takeError(C.petrel_wasi_config_set_stdout_capture(config, C.size_t(capacity)))
	return err
}

// cWasiConfigSetStderrFile calls petrel_wasi_config_set_stderr_file: standard error goes to the host file `path` (NUL-terminated), created
// or truncated now.
//
// # Errors
// When the file cannot be opened for writing.
//
// # Safety
// `config` is a live WASI configuration; `path` is a NUL-terminated
// string.
func cWasiConfigSetStderrFile(config *C.petrel_wasi_config_t, path string) error {
	pathC := C.CString(path)
	defer C.free(unsafe.Pointer(pathC))
	err := takeError(C.petrel_wasi_config_set_stderr_file(config, pathC))
	return err
}

// cWasiConfigInheritStderr calls petrel_wasi_config_inherit_stderr: standard error goes to the host process's standard error.
//
// # Safety
// `config` is a live WASI configuration.
func cWasiConfigInheritStderr(config *C.petrel_wasi_config_t) error {
	err := takeError(C.petrel_wasi_config_inherit_stderr(config))
	return err
}

// cWasiConfigSetStderrCapture calls petrel_wasi_config_set_stderr_capture: standard error is captured in memory, at most `capacity` bytes; read
// it with `petrel_store_wasi_stderr`.
//
// # Safety
// `config` is a live WASI configuration.
func cWasiConfigSetStderrCapture(config *C.petrel_wasi_config_t, capacity uint) error {
	err := takeError(C.petrel_wasi_config_set_stderr_capture(config, C.size_t(capacity)))
	return err
}

// cWasiConfigPreopenDir calls petrel_wasi_config_preopen_dir: gives the program the host directory `host_path` under the name
// `guest_path` (both NUL-terminated; the guest path UTF-8). Descriptors
// 3, 4, ... go to the directories in the order of these calls. Paths
// the program opens through one cannot leave it (`..` or a symbolic link
// out of it fails with an errno).
//
// # Errors
// When `host_path` is not a directory the host can resolve.
//
// # Safety
// `config` is a live WASI configuration; `host_path` and `guest_path`
// are NUL-terminated strings.
func cWasiConfigPreopenDir(config *C.petrel_wasi_config_t, hostPath string, guestPath string) error {
	hostPathC := C.CString(hostPath)
	defer C.free(unsafe.Pointer(hostPathC))
	guestPathC := C.CString(guestPath)
	defer C.free(unsafe.Pointer(guestPathC))
	err := takeError(C.petrel_wasi_config_preopen_dir(config, hostPathC, guestPathC))
	return err
}

// cWasiConfigSetStdoutCustom calls petrel_wasi_config_set_stdout_custom: standard output goes to `callback` (see `petrel_output_callback_t`),
// called with `env`; `finalizer` (may be NULL) is called with `env` when
// the configuration, or the store it was given to, no longer needs it
// (also when this call fails).
//
// # Safety
// `config` is a live WASI configuration; `callback` follows
// `petrel_output_callback_t`'s contract.
func cWasiConfigSetStdoutCustom(config *C.petrel_wasi_config_t, callback C.petrel_output_callback_t, env unsafe.Pointer, finalizer C.petrel_finalizer_t) error {
	err := takeError(C.petrel_wasi_config_set_stdout_custom(config, callback, env, finalizer))
	return err
}

// cWasiConfigSetStderrCustom calls petrel_wasi_config_set_stderr_custom: standard error goes to `callback`, as `petrel_wasi_config_set_stdout_custom`.
//
// # Safety
// As for `petrel_wasi_config_set_stdout_custom`.
func cWasiConfigSetStderrCustom(config *C.petrel_wasi_config_t, callback C.petrel_output_callback_t, env unsafe.Pointer, finalizer C.petrel_finalizer_t) error {
	err := takeError(C.petrel_wasi_config_set_stderr_custom(config, callback, env, finalizer))
	return err
}

// cWasiConfigPreopenDirWithPerms calls petrel_wasi_config_preopen_dir_with_perms: `petrel_wasi_config_preopen_dir` with permissions: what the program may
// do with the directory and those below it (`dir_perms`) and with the
// files it opens there (`file_perms`); an operation they do not allow
// fails with `ENOTCAPABLE` in the program.
//
// # Errors
// When `host_path` is not a directory the host can open, or a permission
// value has bits other than read and write.
//
// # Safety
// `config` is a live WASI configuration; `host_path` and `guest_path`
// are NUL-terminated strings.
func cWasiConfigPreopenDirWithPerms(config *C.petrel_wasi_config_t, hostPath string, guestPath string, dirPerms DirPerms, filePerms FilePerms) error {
	hostPathC := C.CString(hostPath)
	defer C.free(unsafe.Pointer(hostPathC))
	guestPathC := C.CString(guestPath)
	defer C.free(unsafe.Pointer(guestPathC))
	err := takeError(C.petrel_wasi_config_preopen_dir_with_perms(config, hostPathC, guestPathC, C.petrel_dir_perms_t(dirPerms), C.petrel_file_perms_t(filePerms)))
	return err
}

// cStoreSetWasi calls petrel_store_set_wasi: makes `config` the WASI configuration of `store`, replacing an earlier
// one (and its captured output). The store's WASI functions (see
// `petrel_linker_define_wasi`) use it from now on.
//
// Ownership: `config` is taken in every case, success or error; do not
// use or delete it afterwards.
//
// # Safety
// `store` is a live store; `config` is NULL or a live WASI configuration
// not in use by another thread.
func cStoreSetWasi(store *C.petrel_store_t, config *C.petrel_wasi_config_t) error {
	err := takeError(C.petrel_store_set_wasi(store, config))
	return err
}

// cLinkerDefineWasi calls petrel_linker_define_wasi: defines every function of `wasi_snapshot_preview1` in `linker`. Each
// works on the WASI context of the store it runs in (see
// `petrel_store_set_wasi`; a store without one gets the defaults of
// `petrel_wasi_config_t`). A program's `proc_exit(code)` ends the wasm
// call with an error for which `petrel_error_exit_status` gives `code`;
// other WASI failures are errno values returned to the program.
//
// # Errors
// When one of the names is already defined and shadowing is off (the
// functions before it stay defined).
//
// # Safety
// `linker` is a live linker.
func cLinkerDefineWasi(linker *C.petrel_linker_t) error {
	err := takeError(C.petrel_linker_define_wasi(linker))
	return err
}

// cStoreWasiStdout calls petrel_store_wasi_stdout: a copy of everything the program wrote so far to its standard output,
// when the store's WASI configuration captures it
// (`petrel_wasi_config_set_stdout_capture`).
//
// Ownership: the bytes written to `contents_out` belong to the caller,
// who frees them with `petrel_bytes_delete`; the captured output itself
// stays in the store (a later call copies it again, with what was
// written since).
//
// # Errors
// When standard output is not captured.
//
// # Safety
// `store` is a live store; `contents_out` is writable.
func cStoreWasiStdout(store *C.petrel_store_t) (C.petrel_bytes_t, error) {
	var contentsOut C.petrel_bytes_t
	err := takeError(C.petrel_store_wasi_stdout(store, &contentsOut))
	return contentsOut, err
}

// cStoreWasiStderr calls petrel_store_wasi_stderr: like `petrel_store_wasi_stdout`, for standard error
// (`petrel_wasi_config_set_stderr_capture`).
//
// # Errors
// When standard error is not captured.
//
// # Safety
// `store` is a live store; `contents_out` is writable.
func cStoreWasiStderr(store *C.petrel_store_t) (C.petrel_bytes_t, error) {
	var contentsOut C.petrel_bytes_t
	err := takeError(C.petrel_store_wasi_stderr(store, &contentsOut))
	return contentsOut, err
}
