//! Conversions the generated low level uses: JS numbers and BigInts to C
//! integers (checked, never truncated), strings, bytes records, and the
//! error object to a JS exception.

use crate::lowlevel::sys;
use napi::bindgen_prelude::*;
use std::cell::Cell;
use std::ffi::{CStr, CString};

thread_local! {
    /// The napi environment of the thread that loaded the addon (the JS
    /// main thread). Unset on worker threads, where no JS may run.
    pub(crate) static ENV: Cell<sys_env::Raw> = const { Cell::new(std::ptr::null_mut()) };
}

/// The raw environment pointer type.
pub(crate) mod sys_env {
    /// A `napi_env`.
    pub(crate) type Raw = napi::sys::napi_env;
}

/// A range error for a value that does not fit its C type.
pub(crate) fn range<E>(_: E) -> Error {
    Error::new(
        Status::InvalidArg,
        "a number is out of range for its C type",
    )
}

/// A BigInt as an unsigned 64-bit integer.
pub(crate) fn u64_of(v: &BigInt) -> Result<u64> {
    let (neg, n, lossless) = v.get_u64();
    if neg || !lossless {
        return Err(range(()));
    }
    Ok(n)
}

/// A BigInt as a signed 64-bit integer.
pub(crate) fn i64_of(v: &BigInt) -> Result<i64> {
    let (n, lossless) = v.get_i64();
    if !lossless {
        return Err(range(()));
    }
    Ok(n)
}

/// A JS number as a `size_t`: a non-negative safe integer.
pub(crate) fn usize_of(v: f64) -> Result<usize> {
    if !(0.0..=9007199254740991.0).contains(&v) || v.fract() != 0.0 {
        return Err(range(()));
    }
    Ok(v as usize)
}

/// A string as a NUL-terminated C string.
pub(crate) fn cstring(s: String) -> Result<CString> {
    CString::new(s).map_err(|_| Error::new(Status::InvalidArg, "a string contains a NUL byte"))
}

/// A borrowed `{data, len}` string, copied (null when `data` is NULL).
pub(crate) fn str_of(s: sys::petrel_str_t) -> Option<String> {
    if s.data.is_null() {
        return None;
    }
    // SAFETY: the C API gives `len` readable bytes at `data`, valid while
    // the object it was borrowed from lives (through this call).
    let b = unsafe { std::slice::from_raw_parts(s.data.cast::<u8>(), s.len) };
    Some(String::from_utf8_lossy(b).into_owned())
}

/// Owned bytes, copied into a Buffer and freed with their destructor.
pub(crate) fn bytes_of(
    b: &mut sys::petrel_bytes_t,
    delete: unsafe extern "C" fn(*mut sys::petrel_bytes_t),
) -> Buffer {
    let v = if b.data.is_null() {
        Vec::new()
    } else {
        // SAFETY: Petrel filled `len` bytes at `data`, not freed yet.
        unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec()
    };
    // SAFETY: the bytes were filled by Petrel and are freed once, here.
    unsafe { delete(b) };
    v.into()
}

/// Frees an error nobody will read.
pub(crate) fn free_error(e: *mut sys::petrel_error_t) {
    // SAFETY: NULL or an error the C API gave us, freed once.
    unsafe { sys::petrel_error_delete(e) }
}

/// One wasm frame: function index, function name, module name, code offset.
pub(crate) type Frame = (u32, Option<String>, Option<String>, Option<usize>);

/// Details of an error, copied out of the C error object (so that it can
/// cross threads, as an async call's result does).
#[derive(Debug, Default)]
pub struct ErrorInfo {
    pub(crate) message: String,
    pub(crate) trap_code: Option<u8>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) host_tag: Option<u64>,
    pub(crate) exit_status: Option<i32>,
}

impl ErrorInfo {
    /// Reads and frees `err` (non-NULL).
    pub(crate) fn take(err: *mut sys::petrel_error_t) -> Self {
        let mut info = ErrorInfo::default();
        // SAFETY: `err` is a live error; every borrowed pointer read below
        // is copied before the error is freed at the end.
        unsafe {
            info.message = CStr::from_ptr(sys::petrel_error_message(err))
                .to_string_lossy()
                .into_owned();
            let trap = sys::petrel_error_as_trap(err);
            if !trap.is_null() {
                info.trap_code = Some(sys::petrel_trap_code(trap));
                for i in 0..sys::petrel_trap_frame_count(trap) {
                    let mut f: sys::petrel_frame_t = std::mem::zeroed();
                    if sys::petrel_trap_frame(trap, i, &mut f) {
                        info.frames.push((
                            f.func_index,
                            str_of(f.func_name),
                            str_of(f.module_name),
                            f.has_func_offset.then_some(f.func_offset),
                        ));
                    }
                }
            }
            let mut tag = 0u64;
            if sys::petrel_error_host_tag(err, &mut tag) {
                info.host_tag = Some(tag);
            }
            let mut status = 0i32;
            if sys::petrel_error_exit_status(err, &mut status) {
                info.exit_status = Some(status);
            }
            sys::petrel_error_delete(err);
        }
        info
    }

    /// The JS exception: an `Error` with `message`, and `trapCode` and
    /// `frames` for a trap, `hostTag` for an error a host function raised,
    /// `exitStatus` for a WASI `proc_exit`. The idiomatic layer turns it
    /// into `Trap`, the host's own exception, or `WasiExit`.
    pub(crate) fn to_js(&self, env: &Env) -> Error {
        match self.build(env) {
            Ok(e) => e,
            Err(e) => e,
        }
    }

    fn build(&self, env: &Env) -> Result<Error> {
        let mut obj = env.create_error(Error::from_reason(self.message.clone()))?;
        obj.set_named_property("petrel", true)?;
        if let Some(code) = self.trap_code {
            obj.set_named_property("trapCode", code as u32)?;
            let mut frames = env.create_array(self.frames.len() as u32)?;
            for (i, (index, func, module, offset)) in self.frames.iter().enumerate() {
                let mut f = Object::new(env)?;
                f.set_named_property("funcIndex", *index)?;
                f.set_named_property("funcName", func.clone())?;
                f.set_named_property("moduleName", module.clone())?;
                f.set_named_property("funcOffset", offset.map(|o| o as f64))?;
                frames.set(i as u32, f)?;
            }
            obj.set_named_property("frames", frames)?;
        }
        if let Some(tag) = self.host_tag {
            obj.set_named_property("hostTag", tag as f64)?;
        }
        if let Some(status) = self.exit_status {
            obj.set_named_property("exitStatus", status)?;
        }
        Ok(Error::from(obj.to_unknown()))
    }
}

/// Turns a returned error into a thrown JS exception (NULL is success).
pub(crate) fn check(err: *mut sys::petrel_error_t) -> Result<()> {
    if err.is_null() {
        return Ok(());
    }
    let info = ErrorInfo::take(err);
    let raw = ENV.with(|e| e.get());
    if raw.is_null() {
        return Err(Error::from_reason(info.message));
    }
    Err(info.to_js(&Env::from_raw(raw)))
}
