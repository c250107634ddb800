//! The native library of the Python binding: the whole C API
//! (`petrel-capi`) linked together with the cffi API-mode extension module
//! generated from header-gen's declarations, so one shared object is both
//! the library and the Python extension `petrel._petrel_cffi`. cffi's
//! compiled calls cost a fraction of its ABI-mode (libffi) calls, which is
//! what keeps a call into wasm from Python under half a microsecond.

use std::ffi::c_void;

// Links every C API function into this library.
pub use petrel_capi as capi;

unsafe extern "C" {
    /// The cffi module's init function (renamed by the build script so that
    /// this crate can export it: a Rust cdylib exports only Rust symbols).
    fn petrel_cffi_pyinit() -> *mut c_void;
    /// Adds `FuncBase` (the C base class of `petrel.Func`, `fastfunc.c`)
    /// to the module and returns it; on failure drops it and returns NULL
    /// with a Python exception set.
    fn petrel_py_fast_init(module: *mut c_void) -> *mut c_void;
}

/// The CPython entry point of the extension module `_petrel_cffi`.
///
/// # Safety
/// Called by the CPython import machinery with the GIL held, once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInit__petrel_cffi() -> *mut c_void {
    // SAFETY: the import machinery calls this with the GIL held; the cffi
    // init function has no other precondition.
    let module = unsafe { petrel_cffi_pyinit() };
    if module.is_null() {
        return module;
    }
    // SAFETY: `module` is the new module object (a strong reference) and
    // the GIL is held, as the function requires.
    unsafe { petrel_py_fast_init(module) }
}
