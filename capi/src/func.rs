//! Function types, host functions, and calls into wasm: the checked call
//! with typed values and the raw fast path.

use crate::error::petrel_error_t;
use crate::store::{
    Finalized, StoreData, enter_callback, petrel_finalizer_t, petrel_store_t, with_store,
};
use crate::util::{Out, guard, obj, slice, slice_mut};
use crate::val::{
    petrel_func_t, petrel_val_t, petrel_valkind_t, petrel_valraw_t, valkind_from_c, valkind_to_c,
};
use anyhow::{Result, bail};
use petrel::{Caller, Func, FuncType, Stored, Val, ValRaw, ValType};
use std::ffi::c_void;
use std::sync::Arc;

/// A function signature. Owned: free with `petrel_functype_delete`.
pub struct petrel_functype_t {
    pub(crate) ty: FuncType,
    params: Vec<petrel_valkind_t>,
    results: Vec<petrel_valkind_t>,
}

impl petrel_functype_t {
    /// The C handle of `ty`; an error when a parameter or result is a
    /// type the C API cannot represent yet (a typed reference).
    pub(crate) fn boxed(ty: FuncType) -> Result<*mut petrel_functype_t> {
        let params = ty
            .params()
            .iter()
            .map(|t| valkind_to_c(*t))
            .collect::<Result<_>>()?;
        let results = ty
            .results()
            .iter()
            .map(|t| valkind_to_c(*t))
            .collect::<Result<_>>()?;
        Ok(Box::into_raw(Box::new(petrel_functype_t {
            ty,
            params,
            results,
        })))
    }
}

/// A host function: called with the `env` given at creation, the caller,
/// and one array holding the `nargs` arguments on entry; the function
/// writes its `nresults` results to the start of the same array (which
/// has room for max(nargs, nresults) values). Return NULL on success, or
/// an error (from `petrel_error_new`, `petrel_error_new_host` or
/// `petrel_error_new_trap`) that the wasm call reaching this function then
/// fails with; the runtime takes ownership of it. Reference results must
/// name items of the caller's store.
pub type petrel_callback_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        caller: *mut petrel_caller_t,
        args_and_results: *mut petrel_valraw_t,
        nargs: usize,
        nresults: usize,
    ) -> *mut petrel_error_t,
>;

use crate::store::petrel_caller_t;

/// Creates a function type from its parameter and result kinds.
///
/// # Safety
/// `params` and `results` point to `params_len` and `results_len` kinds;
/// `functype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_functype_new(
    params: *const petrel_valkind_t,
    params_len: usize,
    results: *const petrel_valkind_t,
    results_len: usize,
    functype_out: *mut *mut petrel_functype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `functype_out` is writable.
        let out = unsafe { Out::new(functype_out, "functype_out")? };
        // SAFETY: the caller guarantees both buffers.
        let (p, r) = unsafe {
            (
                slice(params, params_len, "params")?,
                slice(results, results_len, "results")?,
            )
        };
        let p: Vec<ValType> = p
            .iter()
            .map(|k| valkind_from_c(*k))
            .collect::<Result<_>>()?;
        let r: Vec<ValType> = r
            .iter()
            .map(|k| valkind_from_c(*k))
            .collect::<Result<_>>()?;
        out.set(petrel_functype_t::boxed(FuncType::new(p, r))?);
        Ok(())
    })
}

/// The parameter kinds: `params_len_out` values at `params_out`, borrowed
/// from the function type.
///
/// @borrowed params_out
///
/// # Safety
/// `functype` is a live function type; the out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_functype_params(
    functype: *const petrel_functype_t,
    params_out: *mut *const petrel_valkind_t,
    params_len_out: *mut usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (a, b) = unsafe {
            (
                Out::new(params_out, "params_out")?,
                Out::new(params_len_out, "params_len_out")?,
            )
        };
        // SAFETY: live per the precondition.
        let ft = unsafe { obj(functype, "functype")? };
        a.set(ft.params.as_ptr());
        b.set(ft.params.len());
        Ok(())
    })
}

/// The result kinds: `results_len_out` values at `results_out`, borrowed
/// from the function type.
///
/// @borrowed results_out
///
/// # Safety
/// `functype` is a live function type; the out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_functype_results(
    functype: *const petrel_functype_t,
    results_out: *mut *const petrel_valkind_t,
    results_len_out: *mut usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (a, b) = unsafe {
            (
                Out::new(results_out, "results_out")?,
                Out::new(results_len_out, "results_len_out")?,
            )
        };
        // SAFETY: live per the precondition.
        let ft = unsafe { obj(functype, "functype")? };
        a.set(ft.results.as_ptr());
        b.set(ft.results.len());
        Ok(())
    })
}

/// Frees a function type. NULL is ignored.
///
/// # Safety
/// `functype` is NULL or a live function type not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_functype_delete(functype: *mut petrel_functype_t) {
    crate::util::guard_void(|| {
        if !functype.is_null() {
            // SAFETY: made by `Box::into_raw` in `boxed`, freed once.
            drop(unsafe { Box::from_raw(functype) });
        }
    });
}

/// A C callback with its environment; the finalizer runs when the last
/// function using it is freed.
pub(crate) struct HostCallback {
    callback: unsafe extern "C" fn(
        *mut c_void,
        *mut petrel_caller_t,
        *mut petrel_valraw_t,
        usize,
        usize,
    ) -> *mut petrel_error_t,
    env: Finalized,
}

impl HostCallback {
    pub(crate) fn new(
        callback: petrel_callback_t,
        env: *mut c_void,
        finalizer: petrel_finalizer_t,
    ) -> Result<Arc<HostCallback>> {
        let env = Finalized {
            data: env,
            finalizer,
        };
        match callback {
            Some(callback) => Ok(Arc::new(HostCallback { callback, env })),
            None => bail!("`callback` must not be NULL"),
        }
    }

    /// Calls the C function with `params`, writing `results`.
    pub(crate) fn call(
        &self,
        mut caller: Caller<'_, StoreData>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let n = params.len().max(results.len());
        let mut small = [petrel_valraw_t { i64: 0 }; 8];
        let mut big;
        let buf: &mut [petrel_valraw_t] = if n <= small.len() {
            &mut small[..n]
        } else {
            big = vec![petrel_valraw_t { i64: 0 }; n];
            &mut big
        };
        for (slot, p) in buf.iter_mut().zip(params) {
            *slot = val_to_raw(p);
        }
        let store_id = {
            let cx = petrel::AsContext::as_context(&caller);
            cx.id()
        };
        let err = enter_callback(&mut caller, |cx| {
            // SAFETY: the embedder's callback, called as documented in
            // `petrel_callback_t`: `buf` holds max(nargs, nresults) values.
            unsafe {
                (self.callback)(
                    self.env.data,
                    cx,
                    buf.as_mut_ptr(),
                    params.len(),
                    results.len(),
                )
            }
        });
        if !err.is_null() {
            // SAFETY: the callback returned an owned error, per its contract.
            let err = unsafe { Box::from_raw(err) };
            return Err(err.error);
        }
        for (i, r) in results.iter_mut().enumerate() {
            *r = raw_to_val(&caller, buf[i], r.ty(), store_id)?;
        }
        Ok(())
    }
}

/// A value in the raw encoding (references: index + 1, 0 for null).
pub(crate) fn val_to_raw(v: &Val) -> petrel_valraw_t {
    let raw = match v {
        Val::I32(x) => ValRaw::from_u32(*x as u32),
        Val::I64(x) => ValRaw::from_u64(*x as u64),
        Val::F32(x) => ValRaw::from_u32(*x),
        Val::F64(x) => ValRaw::from_u64(*x),
        Val::V128(x) => ValRaw::from_u128(*x),
        Val::FuncRef(f) => ValRaw::from_u64(f.map_or(0, |f| f.stored().index as u64 + 1)),
        Val::ExternRef(e) => ValRaw::from_u64(e.map_or(0, |e| e.stored().index as u64 + 1)),
    };
    petrel_valraw_t::from_core(raw)
}

/// A raw value of type `ty` as a checked core value.
pub(crate) fn raw_to_val(
    store: impl petrel::AsContext,
    raw: petrel_valraw_t,
    ty: ValType,
    store_id: u64,
) -> Result<Val> {
    let raw = raw.to_core();
    let stored = |n: u64| -> Result<Option<Stored>> {
        if n == 0 {
            return Ok(None);
        }
        let index = usize::try_from(n - 1)?;
        Ok(Some(Stored { store_id, index }))
    };
    Ok(match ty {
        ValType::I32 => Val::I32(raw.get_u32() as i32),
        ValType::I64 => Val::I64(raw.get_u64() as i64),
        ValType::F32 => Val::F32(raw.get_u32()),
        ValType::F64 => Val::F64(raw.get_u64()),
        ValType::V128 => Val::V128(raw.get_u128()),
        ValType::FuncRef => Val::FuncRef(match stored(raw.get_u64())? {
            Some(s) => Some(Func::from_stored(store, s)?),
            None => None,
        }),
        ValType::ExternRef => Val::ExternRef(match stored(raw.get_u64())? {
            Some(s) => Some(petrel::ExternRef::from_stored(store, s)?),
            None => None,
        }),
        ValType::Ref(_) => bail!("the C API cannot represent the typed reference type {ty} yet"),
    })
}

/// Creates a host function of type `functype` in `store`. `callback` is
/// called with `env` on every call; `finalizer` (may be NULL) is called
/// with `env` when the store is deleted.
///
/// # Safety
/// `store` is a live store; `functype` a live function type; `func_out`
/// is writable; `callback` follows `petrel_callback_t`'s contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_func_new(
    store: *mut petrel_store_t,
    functype: *const petrel_functype_t,
    callback: petrel_callback_t,
    env: *mut c_void,
    finalizer: petrel_finalizer_t,
    func_out: *mut petrel_func_t,
) -> *mut petrel_error_t {
    // Take ownership of `env` first, so its finalizer runs on any error.
    let host = HostCallback::new(callback, env, finalizer);
    guard(move || {
        let host = host?;
        // SAFETY: the caller guarantees `func_out` is writable.
        let out = unsafe { Out::new(func_out, "func_out")? };
        // SAFETY: live per the precondition.
        let ty = unsafe { obj(functype, "functype")? }.ty.clone();
        // SAFETY: live per the precondition.
        let f = unsafe {
            with_store(store, |cx| {
                Ok(Func::new(cx, ty, move |c, p, r| host.call(c, p, r)))
            })?
        };
        out.set(f.into());
        Ok(())
    })
}

/// The function's type, in `functype_out` (owned by the caller).
///
/// # Safety
/// `store` is a live store; `functype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_func_type(
    store: *mut petrel_store_t,
    func: petrel_func_t,
    functype_out: *mut *mut petrel_functype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `functype_out` is writable.
        let out = unsafe { Out::new(functype_out, "functype_out")? };
        // SAFETY: live per the precondition.
        let ty = unsafe { with_store(store, |cx| func.get(&cx)?.ty(&cx))? };
        out.set(petrel_functype_t::boxed(ty)?);
        Ok(())
    })
}

/// Calls `func` with typed arguments and results, checking their count,
/// kinds and stores. A trap is an error for which `petrel_error_as_trap`
/// is non-NULL; an error a host function raised comes back unchanged.
///
/// # Safety
/// `store` is a live store; `args` points to `args_len` values and
/// `results` to `results_len` writable values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_func_call(
    store: *mut petrel_store_t,
    func: petrel_func_t,
    args: *const petrel_val_t,
    args_len: usize,
    results: *mut petrel_val_t,
    results_len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees both buffers.
        let (args, results) = unsafe {
            (
                slice(args, args_len, "args")?,
                slice_mut(results, results_len, "results")?,
            )
        };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                let f = func.get(&cx)?;
                let args: Vec<Val> = args.iter().map(|a| a.to_core(&cx)).collect::<Result<_>>()?;
                let ty = f.ty(&cx)?;
                let mut out: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
                if out.len() != results.len() {
                    bail!(
                        "expected {} results, got space for {}",
                        out.len(),
                        results.len()
                    );
                }
                f.call(&mut cx, &args, &mut out)?;
                for (slot, v) in results.iter_mut().zip(&out) {
                    *slot = petrel_val_t::from_core(v);
                }
                Ok(())
            })
        }
    })
}

/// The fast path: calls `*func` with arguments and results in one flat
/// array of `len` raw values (arguments on entry, results on return). One
/// store check, one length check (`len` must be at least the larger of
/// the parameter and result counts), no allocation. The values' kinds are
/// not checked (any bits are a valid number); references are validated.
/// The function is passed by pointer so that bindings can keep one
/// prepared handle.
///
/// @array args_and_results len
///
/// # Safety
/// `store` is a live store; `func` points to a function handle;
/// `args_and_results` points to `len` values whose 16 bytes are all
/// initialised (for example zeroed), writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_func_call_raw(
    store: *mut petrel_store_t,
    func: *const petrel_func_t,
    args_and_results: *mut petrel_valraw_t,
    len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `func` points to a handle.
        let func = *unsafe { obj(func, "func")? };
        // SAFETY: the caller guarantees `len` writable, initialised values.
        let values = unsafe { slice_mut(args_and_results, len, "args_and_results")? };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                let f = func.get(&cx)?;
                let ptr = values.as_mut_ptr();
                if (ptr as usize).is_multiple_of(align_of::<ValRaw>()) {
                    // SAFETY: `petrel_valraw_t` and `ValRaw` have the same
                    // size (asserted in `val.rs`) and every bit pattern is
                    // valid for both; the pointer is checked to be aligned
                    // for `ValRaw`, and `values` is exclusively ours.
                    let raw = std::slice::from_raw_parts_mut(ptr.cast::<ValRaw>(), values.len());
                    f.call_raw(&mut cx, raw)
                } else {
                    call_raw_copied(f, &mut cx, values)
                }
            })
        }
    })
}

/// `call_raw` through an aligned copy of `values`.
fn call_raw_copied(
    f: Func,
    cx: &mut petrel::StoreContextMut<'_, StoreData>,
    values: &mut [petrel_valraw_t],
) -> Result<()> {
    let mut small = [ValRaw::default(); 16];
    let mut big;
    let raw: &mut [ValRaw] = if values.len() <= small.len() {
        &mut small[..values.len()]
    } else {
        big = vec![ValRaw::default(); values.len()];
        &mut big
    };
    for (r, v) in raw.iter_mut().zip(values.iter()) {
        *r = v.to_core();
    }
    f.call_raw(cx, raw)?;
    for (v, r) in values.iter_mut().zip(raw.iter()) {
        *v = petrel_valraw_t::from_core(*r);
    }
    Ok(())
}
