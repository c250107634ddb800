//! The linker: defines imports by name, then instantiates.

use crate::engine::{engine_ref, petrel_engine_t};
use crate::error::petrel_error_t;
use crate::func::{HostCallback, petrel_callback_t, petrel_functype_t};
use crate::module::petrel_module_t;
use crate::store::{StoreData, petrel_finalizer_t, petrel_store_t, with_store};
use crate::util::{Out, guard, guard_void, obj, str};
use crate::val::{petrel_extern_t, petrel_func_t, petrel_instance_t};
use anyhow::{Result, anyhow, bail};
use petrel::{InstancePre, Linker};
use std::ffi::{c_char, c_void};
use std::sync::{Mutex, MutexGuard};

/// A linker: resolves a module's imports by `(module, name)`. Owned: free
/// with `petrel_linker_delete`. Safe to share between threads (one
/// operation at a time; a re-entrant use, e.g. from a host function run
/// by `petrel_linker_instantiate`, is refused with an error).
pub struct petrel_linker_t(Mutex<Linker<StoreData>>);

/// # Safety
/// `linker` is NULL or a live linker.
pub(crate) unsafe fn lock<'a>(
    linker: *const petrel_linker_t,
) -> Result<MutexGuard<'a, Linker<StoreData>>> {
    // SAFETY: forwarded precondition.
    let l = unsafe { obj(linker, "linker")? };
    l.0.try_lock()
        .map_err(|_| anyhow!("the linker is in use (by another thread or re-entrantly)"))
}

/// Creates an empty linker for `engine`.
///
/// # Safety
/// `engine` is a live engine; `linker_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_new(
    engine: *const petrel_engine_t,
    linker_out: *mut *mut petrel_linker_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `linker_out` is writable.
        let out = unsafe { Out::new(linker_out, "linker_out")? };
        // SAFETY: live per the precondition.
        let engine = unsafe { engine_ref(engine)? };
        out.set(Box::into_raw(Box::new(petrel_linker_t(Mutex::new(
            Linker::new(engine),
        )))));
        Ok(())
    })
}

/// Frees a linker (and, once no store uses them, its host functions'
/// environments). NULL is ignored.
///
/// # Safety
/// `linker` is NULL or a live linker not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_delete(linker: *mut petrel_linker_t) {
    guard_void(|| {
        if !linker.is_null() {
            // SAFETY: made by `Box::into_raw` in `petrel_linker_new`, freed once.
            drop(unsafe { Box::from_raw(linker) });
        }
    });
}

/// Whether a later definition may replace an earlier one of the same name
/// (off by default: redefining is an error).
///
/// # Safety
/// `linker` is a live linker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_allow_shadowing(
    linker: *mut petrel_linker_t,
    allow: bool,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        unsafe { lock(linker)? }.allow_shadowing(allow);
        Ok(())
    })
}

/// Defines `module::name` as `item`, an item of `store`.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `module` and `name`
/// point to `module_len` and `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_define(
    linker: *mut petrel_linker_t,
    store: *mut petrel_store_t,
    module: *const c_char,
    module_len: usize,
    name: *const c_char,
    name_len: usize,
    item: petrel_extern_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees both buffers.
        let (module, name) = unsafe {
            (
                str(module, module_len, "module")?,
                str(name, name_len, "name")?,
            )
        };
        // SAFETY: live per the precondition.
        let mut l = unsafe { lock(linker)? };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |cx| {
                let e = item.to_core(&cx)?;
                l.define(&cx, module, name, e)?;
                Ok(())
            })
        }
    })
}

/// Defines `module::name` as a host function of type `functype`, placed in
/// each store that instantiates a module importing it. `callback` is
/// called with `env`; `finalizer` (may be NULL) is called with `env` once
/// the linker and every store using the function are freed.
///
/// # Safety
/// `linker` is a live linker, `functype` a live function type; `module`
/// and `name` point to `module_len` and `name_len` bytes; `callback`
/// follows `petrel_callback_t`'s contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_define_func(
    linker: *mut petrel_linker_t,
    module: *const c_char,
    module_len: usize,
    name: *const c_char,
    name_len: usize,
    functype: *const petrel_functype_t,
    callback: petrel_callback_t,
    env: *mut c_void,
    finalizer: petrel_finalizer_t,
) -> *mut petrel_error_t {
    let host = HostCallback::new(callback, env, finalizer);
    guard(move || {
        let host = host?;
        // SAFETY: the caller guarantees both buffers.
        let (module, name) = unsafe {
            (
                str(module, module_len, "module")?,
                str(name, name_len, "name")?,
            )
        };
        // SAFETY: live per the precondition.
        let ty = unsafe { obj(functype, "functype")? }.ty.clone();
        // SAFETY: live per the precondition.
        let mut l = unsafe { lock(linker)? };
        l.func_new(module, name, ty, move |c, p, r| host.call(c, p, r))?;
        Ok(())
    })
}

/// Defines every export of `instance` (an instance of `store`) as
/// `module::<export name>`.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `module` points to
/// `module_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_define_instance(
    linker: *mut petrel_linker_t,
    store: *mut petrel_store_t,
    module: *const c_char,
    module_len: usize,
    instance: petrel_instance_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the buffer.
        let module = unsafe { str(module, module_len, "module")? };
        // SAFETY: live per the precondition.
        let mut l = unsafe { lock(linker)? };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                let i = instance.get(&cx)?;
                l.instance(&mut cx, module, i)?;
                Ok(())
            })
        }
    })
}

/// Instantiates `module` in `store`, resolving every import by name.
///
/// # Errors
/// An undefined import, a type mismatch, or instantiation's own errors.
///
/// # Safety
/// `linker` is a live linker, `store` a live store, `module` a live
/// module; `instance_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_instantiate(
    linker: *const petrel_linker_t,
    store: *mut petrel_store_t,
    module: *const petrel_module_t,
    instance_out: *mut petrel_instance_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `instance_out` is writable.
        let out = unsafe { Out::new(instance_out, "instance_out")? };
        // SAFETY: live per the precondition.
        let module = unsafe { obj(module, "module")? };
        // SAFETY: live per the precondition.
        let l = unsafe { lock(linker)? };
        // SAFETY: live per the precondition.
        let i = unsafe { with_store(store, |cx| l.instantiate(cx, &module.0))? };
        out.set(i.into());
        Ok(())
    })
}

/// The item defined as `module::name`, placed in `store`; `found_out` is
/// false when nothing is defined under that name.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `module` and `name`
/// point to `module_len` and `name_len` bytes; the out-parameters are
/// writable.
#[unsafe(no_mangle)]
#[allow(
    clippy::too_many_arguments,
    reason = "a C signature: buffers are pointer and length pairs"
)]
pub unsafe extern "C" fn petrel_linker_get(
    linker: *const petrel_linker_t,
    store: *mut petrel_store_t,
    module: *const c_char,
    module_len: usize,
    name: *const c_char,
    name_len: usize,
    item_out: *mut petrel_extern_t,
    found_out: *mut bool,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (item_out, found_out) = unsafe {
            (
                Out::new(item_out, "item_out")?,
                Out::new(found_out, "found_out")?,
            )
        };
        // SAFETY: the caller guarantees both buffers.
        let (module, name) = unsafe {
            (
                str(module, module_len, "module")?,
                str(name, name_len, "name")?,
            )
        };
        // SAFETY: live per the precondition.
        let l = unsafe { lock(linker)? };
        // SAFETY: live per the precondition.
        let e = unsafe {
            with_store(store, |mut cx| {
                let e = l.get(&mut cx, module, name);
                // An item defined from another store is not "placed in
                // `store`": returning it would hand out a handle that
                // every use with `store` refuses.
                if let Some(e) = e
                    && e.ty(&cx).is_err()
                {
                    bail!("`{module}::{name}` is defined as an item of another store");
                }
                Ok(e)
            })?
        };
        match e {
            Some(e) => {
                item_out.set(petrel_extern_t::from_core(e)?);
                found_out.set(true);
            }
            None => found_out.set(false),
        }
        Ok(())
    })
}

/// Defines the exports of `module` under the module name `name`, as
/// Wasmtime's `Linker::module` does for WASI commands and reactors: a
/// reactor (a module without `_start`) is instantiated in `store` now, its
/// `_initialize` called, and its exports defined; each exported function
/// of a command (a module exporting `_start`) is defined as a function of
/// `store` that instantiates the module afresh for every call.
///
/// # Errors
/// An unresolved import, instantiation's errors, a trap of
/// `_initialize`, a command exporting something other than functions (and
/// `memory`-like toolchain exports), or a name already defined.
///
/// # Safety
/// `linker` is a live linker, `store` a live store, `module` a live
/// module; `name` points to `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_module(
    linker: *mut petrel_linker_t,
    store: *mut petrel_store_t,
    name: *const c_char,
    name_len: usize,
    module: *const petrel_module_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the buffer.
        let name = unsafe { str(name, name_len, "name")? };
        // SAFETY: live per the precondition.
        let module = unsafe { obj(module, "module")? };
        // SAFETY: live per the precondition.
        let mut l = unsafe { lock(linker)? };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |cx| {
                l.module(cx, name, &module.0)?;
                Ok(())
            })
        }
    })
}

/// The default export of module `name`: its function `""`, else its
/// function `_start`, else a new function of `store` that does nothing.
///
/// # Errors
/// When `""` or `_start` is defined as something other than a function.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `name` points to
/// `name_len` bytes; `func_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_get_default(
    linker: *const petrel_linker_t,
    store: *mut petrel_store_t,
    name: *const c_char,
    name_len: usize,
    func_out: *mut petrel_func_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `func_out` is writable.
        let out = unsafe { Out::new(func_out, "func_out")? };
        // SAFETY: the caller guarantees the buffer.
        let name = unsafe { str(name, name_len, "name")? };
        // SAFETY: live per the precondition.
        let l = unsafe { lock(linker)? };
        // SAFETY: live per the precondition.
        let f = unsafe {
            with_store(store, |mut cx| {
                let f = l.get_default(&mut cx, name)?;
                if f.ty(&cx).is_err() {
                    bail!("the default export of `{name}` is a function of another store");
                }
                Ok(f)
            })?
        };
        out.set(f.into());
        Ok(())
    })
}

/// Defines every function import of `module` that `linker` does not define
/// yet as a function that fails with an "unknown import" error when
/// called (other kinds of imports stay undefined).
///
/// # Safety
/// `linker` is a live linker, `module` a live module.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_define_unknown_imports_as_traps(
    linker: *mut petrel_linker_t,
    module: *const petrel_module_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        let module = unsafe { obj(module, "module")? };
        // SAFETY: live per the precondition.
        unsafe { lock(linker)? }.define_unknown_imports_as_traps(&module.0)
    })
}

/// Defines every import of `module` that `linker` does not define yet as a
/// default item of `store`: a function returning zeros and null
/// references, a global holding zero or null, a table of null references,
/// a memory of the import's minimum size.
///
/// # Errors
/// When a table or memory cannot be made (the store's limits).
///
/// # Safety
/// `linker` is a live linker, `store` a live store, `module` a live module.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_define_unknown_imports_as_default_values(
    linker: *mut petrel_linker_t,
    store: *mut petrel_store_t,
    module: *const petrel_module_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        let module = unsafe { obj(module, "module")? };
        // SAFETY: live per the precondition.
        let mut l = unsafe { lock(linker)? };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |cx| {
                l.define_unknown_imports_as_default_values(cx, &module.0)
            })
        }
    })
}

/// A module whose imports a linker has resolved: instantiates it in any
/// store of the engine without looking names up again (later definitions
/// in the linker do not change it). Owned: free with
/// `petrel_instance_pre_delete`. Safe to share between threads.
pub struct petrel_instance_pre_t(InstancePre<StoreData>);

/// Resolves every import of `module` from `linker`'s definitions now.
///
/// # Errors
/// An import the linker does not define, or a module of another engine.
///
/// # Safety
/// `linker` is a live linker, `module` a live module; `pre_out` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_instantiate_pre(
    linker: *const petrel_linker_t,
    module: *const petrel_module_t,
    pre_out: *mut *mut petrel_instance_pre_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `pre_out` is writable.
        let out = unsafe { Out::new(pre_out, "pre_out")? };
        // SAFETY: live per the precondition.
        let module = unsafe { obj(module, "module")? };
        // SAFETY: live per the precondition.
        let pre = unsafe { lock(linker)? }.instantiate_pre(&module.0)?;
        out.set(Box::into_raw(Box::new(petrel_instance_pre_t(pre))));
        Ok(())
    })
}

/// Instantiates the module of `pre` in `store`.
///
/// # Errors
/// An import defined as an item of another store, or instantiation's own
/// errors (a trap of the start function included).
///
/// # Safety
/// `pre` is a live pre-instantiated module, `store` a live store;
/// `instance_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_instance_pre_instantiate(
    pre: *const petrel_instance_pre_t,
    store: *mut petrel_store_t,
    instance_out: *mut petrel_instance_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `instance_out` is writable.
        let out = unsafe { Out::new(instance_out, "instance_out")? };
        // SAFETY: live per the precondition.
        let pre = unsafe { obj(pre, "pre")? };
        // SAFETY: live per the precondition.
        let i = unsafe { with_store(store, |cx| pre.0.instantiate(cx))? };
        out.set(i.into());
        Ok(())
    })
}

/// The module `pre` instantiates, as a new module object (free it with
/// `petrel_module_delete`; it shares the compiled code).
///
/// # Safety
/// `pre` is a live pre-instantiated module; `module_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_instance_pre_module(
    pre: *const petrel_instance_pre_t,
    module_out: *mut *mut petrel_module_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `module_out` is writable.
        let out = unsafe { Out::new(module_out, "module_out")? };
        // SAFETY: live per the precondition.
        let pre = unsafe { obj(pre, "pre")? };
        out.set(Box::into_raw(Box::new(petrel_module_t(
            pre.0.module().clone(),
        ))));
        Ok(())
    })
}

/// Frees a pre-instantiated module. NULL is ignored.
///
/// # Safety
/// `pre` is NULL or a live pre-instantiated module not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_instance_pre_delete(pre: *mut petrel_instance_pre_t) {
    guard_void(|| {
        if !pre.is_null() {
            // SAFETY: made by `Box::into_raw` in
            // `petrel_linker_instantiate_pre`, freed once.
            drop(unsafe { Box::from_raw(pre) });
        }
    });
}
