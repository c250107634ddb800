//! Errors and traps. Every fallible function returns a `petrel_error_t *`;
//! a trap is an error for which `petrel_error_as_trap` is non-NULL, an
//! error raised by a host function with a tag keeps that tag, and a WASI
//! `proc_exit` is an error with an exit status.

use crate::util::guard_void;
use petrel::wasi::I32Exit;
use petrel::{Trap, TrapCode};
use std::ffi::{CString, c_char, c_int};

/// An error: why a call failed. Owned by the caller; free it with
/// `petrel_error_delete`.
pub struct petrel_error_t {
    pub(crate) error: anyhow::Error,
    message: CString,
    trap: Option<petrel_trap_t>,
}

impl petrel_error_t {
    /// Boxes `error` for C.
    pub(crate) fn boxed(error: anyhow::Error) -> *mut petrel_error_t {
        let text = format!("{error:#}").replace('\0', "\\0");
        let message = CString::new(text).unwrap_or_default();
        let trap = error.downcast_ref::<Trap>().cloned().map(petrel_trap_t);
        Box::into_raw(Box::new(petrel_error_t {
            error,
            message,
            trap,
        }))
    }
}

/// A trap: the code and the wasm backtrace of an error that is a trap.
/// Borrowed from its error (see `petrel_error_as_trap`).
pub struct petrel_trap_t(Trap);

/// A borrowed UTF-8 string: `len` bytes at `data` (not NUL-terminated).
/// `data` is NULL when there is no string. Valid as long as the object it
/// was borrowed from (stated by each function).
///
/// @borrowed
#[repr(C)]
#[derive(Copy, Clone)]
pub struct petrel_str_t {
    /// The first byte, or NULL.
    pub data: *const c_char,
    /// Number of bytes.
    pub len: usize,
}

impl petrel_str_t {
    pub(crate) fn from_str(s: &str) -> petrel_str_t {
        petrel_str_t {
            data: s.as_ptr().cast(),
            len: s.len(),
        }
    }
    pub(crate) fn none() -> petrel_str_t {
        petrel_str_t {
            data: std::ptr::null(),
            len: 0,
        }
    }
    pub(crate) fn from_opt(s: Option<&str>) -> petrel_str_t {
        s.map_or_else(petrel_str_t::none, petrel_str_t::from_str)
    }
}

/// Why wasm trapped (see `PETREL_TRAP_*`).
///
/// @enum TrapCode PETREL_TRAP_*
pub type petrel_trap_code_t = u8;
/// Wasm used more stack than the configured maximum.
pub const PETREL_TRAP_STACK_OVERFLOW: petrel_trap_code_t = 0;
/// A load or store outside linear memory.
pub const PETREL_TRAP_MEMORY_OUT_OF_BOUNDS: petrel_trap_code_t = 1;
/// An access outside a table.
pub const PETREL_TRAP_TABLE_OUT_OF_BOUNDS: petrel_trap_code_t = 2;
/// `call_indirect` of a null table entry.
pub const PETREL_TRAP_INDIRECT_CALL_TO_NULL: petrel_trap_code_t = 3;
/// `call_indirect` of a function of the wrong type.
pub const PETREL_TRAP_BAD_SIGNATURE: petrel_trap_code_t = 4;
/// Integer overflow.
pub const PETREL_TRAP_INTEGER_OVERFLOW: petrel_trap_code_t = 5;
/// Integer division by zero.
pub const PETREL_TRAP_INTEGER_DIVISION_BY_ZERO: petrel_trap_code_t = 6;
/// NaN converted to an integer.
pub const PETREL_TRAP_BAD_CONVERSION_TO_INTEGER: petrel_trap_code_t = 7;
/// The `unreachable` instruction.
pub const PETREL_TRAP_UNREACHABLE: petrel_trap_code_t = 8;
/// The epoch deadline was reached.
pub const PETREL_TRAP_INTERRUPT: petrel_trap_code_t = 9;
/// The store's fuel ran out.
pub const PETREL_TRAP_OUT_OF_FUEL: petrel_trap_code_t = 10;
/// A null reference was dereferenced.
pub const PETREL_TRAP_NULL_REFERENCE: petrel_trap_code_t = 11;
/// A trap code this version of the C API does not know.
pub const PETREL_TRAP_UNKNOWN: petrel_trap_code_t = 255;

fn code_to_c(code: TrapCode) -> petrel_trap_code_t {
    match code {
        TrapCode::StackOverflow => PETREL_TRAP_STACK_OVERFLOW,
        TrapCode::MemoryOutOfBounds => PETREL_TRAP_MEMORY_OUT_OF_BOUNDS,
        TrapCode::TableOutOfBounds => PETREL_TRAP_TABLE_OUT_OF_BOUNDS,
        TrapCode::IndirectCallToNull => PETREL_TRAP_INDIRECT_CALL_TO_NULL,
        TrapCode::BadSignature => PETREL_TRAP_BAD_SIGNATURE,
        TrapCode::IntegerOverflow => PETREL_TRAP_INTEGER_OVERFLOW,
        TrapCode::IntegerDivisionByZero => PETREL_TRAP_INTEGER_DIVISION_BY_ZERO,
        TrapCode::BadConversionToInteger => PETREL_TRAP_BAD_CONVERSION_TO_INTEGER,
        TrapCode::UnreachableCodeReached => PETREL_TRAP_UNREACHABLE,
        TrapCode::Interrupt => PETREL_TRAP_INTERRUPT,
        TrapCode::OutOfFuel => PETREL_TRAP_OUT_OF_FUEL,
        TrapCode::NullReference => PETREL_TRAP_NULL_REFERENCE,
        _ => PETREL_TRAP_UNKNOWN,
    }
}

fn code_from_c(code: petrel_trap_code_t) -> Option<TrapCode> {
    Some(match code {
        PETREL_TRAP_STACK_OVERFLOW => TrapCode::StackOverflow,
        PETREL_TRAP_MEMORY_OUT_OF_BOUNDS => TrapCode::MemoryOutOfBounds,
        PETREL_TRAP_TABLE_OUT_OF_BOUNDS => TrapCode::TableOutOfBounds,
        PETREL_TRAP_INDIRECT_CALL_TO_NULL => TrapCode::IndirectCallToNull,
        PETREL_TRAP_BAD_SIGNATURE => TrapCode::BadSignature,
        PETREL_TRAP_INTEGER_OVERFLOW => TrapCode::IntegerOverflow,
        PETREL_TRAP_INTEGER_DIVISION_BY_ZERO => TrapCode::IntegerDivisionByZero,
        PETREL_TRAP_BAD_CONVERSION_TO_INTEGER => TrapCode::BadConversionToInteger,
        PETREL_TRAP_UNREACHABLE => TrapCode::UnreachableCodeReached,
        PETREL_TRAP_INTERRUPT => TrapCode::Interrupt,
        PETREL_TRAP_OUT_OF_FUEL => TrapCode::OutOfFuel,
        PETREL_TRAP_NULL_REFERENCE => TrapCode::NullReference,
        _ => return None,
    })
}

/// An error a host function raised with a tag: the embedder's key to the
/// original exception or error object, carried unchanged through wasm.
#[derive(Debug)]
struct HostError {
    message: String,
    tag: u64,
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HostError {}

/// Creates an error with `message` (UTF-8, `message_len` bytes; invalid
/// UTF-8 is replaced). A host callback returns it to make the wasm call
/// that reached it fail with this error. Never NULL.
///
/// @owned return
///
/// # Safety
/// `message` points to `message_len` readable bytes (or is NULL with
/// `message_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_error_new(
    message: *const c_char,
    message_len: usize,
) -> *mut petrel_error_t {
    // SAFETY: the caller guarantees the buffer (header precondition).
    let text = unsafe { message_text(message, message_len) };
    petrel_error_t::boxed(anyhow::Error::msg(text))
}

/// Creates an error with `message` and a `tag` the embedder chooses (for
/// example the key of an exception object it keeps). The error comes back
/// unchanged out of the wasm call, where `petrel_error_host_tag` reads the
/// tag. Never NULL.
///
/// @owned return
///
/// # Safety
/// As for `petrel_error_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_error_new_host(
    message: *const c_char,
    message_len: usize,
    tag: u64,
) -> *mut petrel_error_t {
    // SAFETY: the caller guarantees the buffer (header precondition).
    let message = unsafe { message_text(message, message_len) };
    petrel_error_t::boxed(HostError { message, tag }.into())
}

/// Creates an error that is a trap with `code` (no backtrace), so a host
/// callback can trap. An unknown code gives `PETREL_TRAP_UNREACHABLE`.
/// Never NULL.
///
/// @owned return
#[unsafe(no_mangle)]
pub extern "C" fn petrel_error_new_trap(code: petrel_trap_code_t) -> *mut petrel_error_t {
    let code = code_from_c(code).unwrap_or(TrapCode::UnreachableCodeReached);
    petrel_error_t::boxed(Trap::new(code).into())
}

/// # Safety
/// As for `petrel_error_new`.
unsafe fn message_text(message: *const c_char, len: usize) -> String {
    // SAFETY: forwarded contract.
    match unsafe { crate::util::slice(message.cast::<u8>(), len, "message") } {
        Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Err(_) => "(NULL message)".to_string(),
    }
}

/// The error's message (with its chain of causes), NUL-terminated. Valid
/// until the error is deleted. A NULL `error` gives an empty string.
///
/// @borrowed return
///
/// # Safety
/// `error` is NULL or a live error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_error_message(error: *const petrel_error_t) -> *const c_char {
    // SAFETY: the caller guarantees `error` is NULL or live.
    match unsafe { error.as_ref() } {
        Some(e) => e.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// The trap inside `error`, or NULL when the error is not a trap (or
/// `error` is NULL). Borrowed: valid until the error is deleted.
///
/// @borrowed return
///
/// # Safety
/// `error` is NULL or a live error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_error_as_trap(
    error: *const petrel_error_t,
) -> *const petrel_trap_t {
    // SAFETY: the caller guarantees `error` is NULL or live.
    match unsafe { error.as_ref() }.and_then(|e| e.trap.as_ref()) {
        Some(t) => t,
        None => std::ptr::null(),
    }
}

/// Whether `error` was raised by a host function with
/// `petrel_error_new_host`; if so its tag is written to `tag_out`.
///
/// # Safety
/// `error` is NULL or a live error; `tag_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_error_host_tag(
    error: *const petrel_error_t,
    tag_out: *mut u64,
) -> bool {
    // SAFETY: the caller guarantees `error` is NULL or live.
    let Some(e) = (unsafe { error.as_ref() }) else {
        return false;
    };
    match e.error.downcast_ref::<HostError>() {
        Some(h) => {
            if !tag_out.is_null() {
                // SAFETY: non-null and writable per the precondition.
                unsafe { tag_out.write(h.tag) };
            }
            true
        }
        None => false,
    }
}

/// Whether `error` is the end of a WASI program by `proc_exit` (not a
/// trap: `petrel_error_as_trap` is NULL for it); if so the program's exit
/// status is written to `status_out`.
///
/// # Safety
/// `error` is NULL or a live error; `status_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_error_exit_status(
    error: *const petrel_error_t,
    status_out: *mut c_int,
) -> bool {
    // SAFETY: the caller guarantees `error` is NULL or live.
    let Some(e) = (unsafe { error.as_ref() }) else {
        return false;
    };
    match e.error.downcast_ref::<I32Exit>() {
        Some(exit) => {
            if !status_out.is_null() {
                // SAFETY: non-null and writable per the precondition.
                unsafe { status_out.write(exit.0) };
            }
            true
        }
        None => false,
    }
}

/// Frees an error. NULL is ignored.
///
/// # Safety
/// `error` is NULL or a live error not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_error_delete(error: *mut petrel_error_t) {
    guard_void(|| {
        if !error.is_null() {
            // SAFETY: made by `Box::into_raw` in `boxed`, freed once.
            drop(unsafe { Box::from_raw(error) });
        }
    });
}

/// The trap's code (`PETREL_TRAP_*`); `PETREL_TRAP_UNKNOWN` for NULL.
///
/// # Safety
/// `trap` is NULL or a live trap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_trap_code(trap: *const petrel_trap_t) -> petrel_trap_code_t {
    // SAFETY: the caller guarantees `trap` is NULL or live.
    match unsafe { trap.as_ref() } {
        Some(t) => code_to_c(t.0.code()),
        None => PETREL_TRAP_UNKNOWN,
    }
}

/// Number of wasm frames in the trap's backtrace (0 for NULL).
///
/// # Safety
/// `trap` is NULL or a live trap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_trap_frame_count(trap: *const petrel_trap_t) -> usize {
    // SAFETY: the caller guarantees `trap` is NULL or live.
    unsafe { trap.as_ref() }.map_or(0, |t| t.0.trace().len())
}

/// One frame of a wasm backtrace.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct petrel_frame_t {
    /// The function's index in its module.
    pub func_index: u32,
    /// The function's name from the name section (data NULL when absent).
    pub func_name: petrel_str_t,
    /// The module's name from the name section (data NULL when absent).
    pub module_name: petrel_str_t,
    /// Offset of the wasm instruction from the start of the function's body
    /// (its locals) in the module, as in Wasmtime.
    pub func_offset: usize,
    /// Whether `func_offset` is known (not in code that has no wasm
    /// instruction, such as a prologue).
    pub has_func_offset: bool,
    /// Offset of the wasm instruction in the module's bytes.
    pub module_offset: usize,
    /// Whether `module_offset` is known.
    pub has_module_offset: bool,
}

/// Writes frame `index` (0 is the innermost) of the trap's backtrace to
/// `frame_out`; false when `index` is out of range or `trap` is NULL. The
/// frame's strings are borrowed from the trap.
///
/// # Safety
/// `trap` is NULL or a live trap; `frame_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_trap_frame(
    trap: *const petrel_trap_t,
    index: usize,
    frame_out: *mut petrel_frame_t,
) -> bool {
    // SAFETY: the caller guarantees `trap` is NULL or live.
    let Some(t) = (unsafe { trap.as_ref() }) else {
        return false;
    };
    let Some(f) = t.0.trace().get(index) else {
        return false;
    };
    if frame_out.is_null() {
        return false;
    }
    let frame = petrel_frame_t {
        func_index: f.func_index(),
        func_name: petrel_str_t::from_opt(f.func_name()),
        module_name: petrel_str_t::from_opt(f.module_name()),
        func_offset: f.func_offset().unwrap_or(0),
        has_func_offset: f.func_offset().is_some(),
        module_offset: f.module_offset().unwrap_or(0),
        has_module_offset: f.module_offset().is_some(),
    };
    // SAFETY: non-null and writable per the precondition.
    unsafe { frame_out.write(frame) };
    true
}
