//! Helpers of the FFI edge: the panic guard every entry runs in, and the
//! checked conversions of raw pointers to references, slices and strings.

use crate::error::petrel_error_t;
use anyhow::{Result, anyhow, bail};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

/// Runs `f`, turning an error or a panic into an owned `petrel_error_t`
/// (NULL on success). Every fallible entry point goes through here, so no
/// panic unwinds into C.
pub(crate) fn guard(f: impl FnOnce() -> Result<()>) -> *mut petrel_error_t {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => std::ptr::null_mut(),
        Ok(Err(e)) => petrel_error_t::boxed(e),
        Err(payload) => {
            let msg = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "(no message)".to_string()
            };
            petrel_error_t::boxed(anyhow!("internal error: panic in the C API: {msg}"))
        }
    }
}

/// Like [`guard`] for functions without a result (the `_delete`s): a panic
/// is swallowed rather than unwinding into C.
pub(crate) fn guard_void(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}

/// An out-parameter: a non-null pointer the caller lets us write once.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Wraps `ptr`, failing when it is NULL.
    ///
    /// # Safety
    /// A non-null `ptr` must be valid for a write of a `T` for the rest of
    /// the call (the header states this for every `_out` parameter).
    pub(crate) unsafe fn new(ptr: *mut T, name: &str) -> Result<Out<T>> {
        match NonNull::new(ptr) {
            Some(p) => Ok(Out(p)),
            None => bail!("`{name}` must not be NULL"),
        }
    }

    /// Writes `value` without reading or dropping what was there.
    pub(crate) fn set(self, value: T) {
        // SAFETY: `new`'s contract makes the pointer valid for a write.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// The object behind `ptr`, or an error naming `name` when it is NULL.
///
/// # Safety
/// A non-null `ptr` must point to a live `T` that is not mutated through
/// another pointer while the returned reference is used.
pub(crate) unsafe fn obj<'a, T>(ptr: *const T, name: &str) -> Result<&'a T> {
    // SAFETY: per this function's contract.
    match unsafe { ptr.as_ref() } {
        Some(r) => Ok(r),
        None => bail!("`{name}` must not be NULL"),
    }
}

/// The `len` values at `ptr` (NULL allowed when `len` is 0).
///
/// # Safety
/// A non-null `ptr` must point to `len` initialised values that live and
/// are not mutated while the slice is used.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, len: usize, name: &str) -> Result<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        bail!("`{name}` is NULL but `{name}_len` is {len}");
    }
    // SAFETY: per this function's contract; `ptr` is non-null.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The `len` writable values at `ptr` (NULL allowed when `len` is 0).
///
/// # Safety
/// A non-null `ptr` must point to `len` values writable, and reachable
/// through no other pointer, while the slice is used.
pub(crate) unsafe fn slice_mut<'a, T>(ptr: *mut T, len: usize, name: &str) -> Result<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        bail!("`{name}` is NULL but `{name}_len` is {len}");
    }
    // SAFETY: per this function's contract; `ptr` is non-null.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// The UTF-8 text of `len` bytes at `ptr`.
///
/// # Safety
/// As for [`slice`].
pub(crate) unsafe fn str<'a>(
    ptr: *const std::ffi::c_char,
    len: usize,
    name: &str,
) -> Result<&'a str> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { slice(ptr.cast::<u8>(), len, name)? };
    std::str::from_utf8(bytes).map_err(|e| anyhow!("`{name}` is not valid UTF-8: {e}"))
}

/// An id of the current thread, never 0, unique among live threads (its
/// `pthread_t`: reading it costs no thread-local lookup, which in a shared
/// library is a call to `__tls_get_addr`).
pub(crate) fn thread_id() -> usize {
    // SAFETY: pthread_self has no preconditions and always succeeds.
    let id = unsafe { libc::pthread_self() } as usize;
    debug_assert_ne!(id, 0);
    id
}
