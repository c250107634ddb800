//! Helpers for the targets that drive the C API (`petrel-capi`'s
//! `extern "C"` functions, called directly from Rust).

use petrel_capi::*;
use std::ffi::CStr;

/// How a C API call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// NULL: success.
    Ok,
    /// An error that is a trap, with its code.
    Trap(u8),
    /// The end of a WASI program by `proc_exit`, with its status.
    Exit(i32),
    /// Any other error, with its message.
    Error(String),
}

impl Outcome {
    pub(crate) fn is_ok(&self) -> bool {
        *self == Outcome::Ok
    }

    /// The message of an error (empty for success, traps and exits).
    pub(crate) fn message(&self) -> &str {
        match self {
            Outcome::Error(m) => m,
            _ => "",
        }
    }
}

/// Classifies and frees the error a C API call returned.
pub(crate) fn outcome(err: *mut petrel_error_t) -> Outcome {
    if err.is_null() {
        return Outcome::Ok;
    }
    // SAFETY: a live error just returned by the C API, freed once below.
    unsafe {
        let trap = petrel_error_as_trap(err);
        let mut status = 0;
        let o = if !trap.is_null() {
            Outcome::Trap(petrel_trap_code(trap))
        } else if petrel_error_exit_status(err, &mut status) {
            Outcome::Exit(status)
        } else {
            let msg = CStr::from_ptr(petrel_error_message(err));
            Outcome::Error(msg.to_string_lossy().into_owned())
        };
        petrel_error_delete(err);
        o
    }
}

/// A raw pointer shared by the fixtures of several threads.
pub(crate) struct Shared<T>(pub(crate) *mut T);

// SAFETY: used only for objects the header declares safe to use from
// several threads (engines, modules, linkers used one call at a time).
unsafe impl<T> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Shared<T> {}
