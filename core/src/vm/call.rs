//! Entering wasm from the host: set the store pointer and stack limit in
//! the store context, then call the function's array-call trampoline with
//! trap catching.

use super::VMStore;
use super::traphandler::{TrapRecord, catch_traps};
use super::vmcontext::{VMFuncRef, ValRaw};
use std::ptr::NonNull;

type ArrayCall = unsafe extern "C" fn(usize, *mut u8, *mut u8, *mut ValRaw);

/// Calls the wasm function `func_ref` with arguments (and then results) in
/// `values`.
///
/// # Safety
/// `func_ref` must be a live `VMFuncRef` of a wasm function in `store`,
/// with a non-null `array_call`, and `values` must hold at least
/// max(params, results) slots typed as its signature requires.
#[inline]
pub unsafe fn invoke_wasm(
    store: &mut dyn VMStore,
    func_ref: *const VMFuncRef,
    values: *mut ValRaw,
    max_wasm_stack: usize,
) -> Result<(), Box<TrapRecord>> {
    // SAFETY: per the contract `func_ref` is live.
    let f = unsafe { *func_ref };
    // SAFETY: `array_call` of a wasm function is its module's array-call
    // trampoline for this signature, which has this ABI.
    let trampoline: ArrayCall = unsafe { std::mem::transmute::<usize, ArrayCall>(f.array_call) };
    let ctx = store.opaque_mut().vm_context_mut().as_ptr();
    let store_ptr: NonNull<dyn VMStore + '_> = NonNull::from(&mut *store);
    // SAFETY: only the lifetime bound of the trait object changes. The
    // pointer is used while this call runs, during which `store` is
    // borrowed, and is replaced by `previous` before returning.
    let store_ptr = unsafe {
        std::mem::transmute::<NonNull<dyn VMStore + '_>, NonNull<dyn VMStore + 'static>>(store_ptr)
    };
    // SAFETY: `ctx` is the store's context, a separate allocation that
    // lives as long as the store and is made for writing (see
    // `VMStoreContextBox::as_ptr`); `store` is exclusively borrowed, so
    // nothing else reads or writes it now.
    let (outermost, previous) = unsafe {
        let outermost = (*ctx).stack_limit == 0;
        if outermost {
            let here = &raw const f as usize;
            (*ctx).stack_limit = here.saturating_sub(max_wasm_stack);
        }
        (outermost, (*ctx).store.replace(store_ptr))
    };
    // SAFETY: the closure only calls the trampoline and holds nothing with
    // a destructor; `values` and `f` are valid per the contract. The store
    // is reached only through `store_ptr` until the call returns.
    let result = unsafe {
        catch_traps(|| {
            // Miri interprets Rust only; compiled code cannot run there.
            // Tests that call wasm are marked to be skipped under Miri.
            #[cfg(miri)]
            {
                let _ = (trampoline, values);
                panic!("compiled wasm code cannot run under Miri");
            }
            #[cfg(not(miri))]
            trampoline(f.native_call, f.vmctx, f.vmctx, values)
        })
    };
    // SAFETY: as above; the raw writes restore what this call replaced.
    unsafe {
        (*ctx).store = previous;
        if outermost {
            (*ctx).stack_limit = 0;
        }
    }
    result
}

/// Calls function `index` of `store` with arguments and results in
/// `values`: host functions directly, wasm functions through their
/// array-call trampoline with trap catching.
///
/// The arguments are checked where a wrong value could be undefined
/// behaviour: compiled code calls through a `funcref`, so each `funcref`
/// argument must be null or the `VMFuncRef` of a function of this store.
/// Every other argument is plain bits, and any bits are a value of its
/// type (an `externref` is an index the store checks when it is used).
///
/// # Errors
/// A `funcref` argument that is not a function of this store, a trap (as
/// [`crate::Trap`]) or the error a host function raised.
///
/// # Panics
/// When `values` is shorter than the function's parameter or result count.
pub fn call_func(
    store: &mut dyn VMStore,
    index: usize,
    values: &mut [ValRaw],
) -> anyhow::Result<()> {
    call_func_from(store, index, values, None)
}

/// [`call_func`] on behalf of instance `caller`: a host function called
/// this way sees that instance as its caller (as it would if the instance
/// called it from wasm). Instantiation calls a start function that is an
/// imported host function this way.
///
/// # Errors
/// As [`call_func`].
///
/// # Panics
/// As [`call_func`].
pub fn call_func_from(
    store: &mut dyn VMStore,
    index: usize,
    values: &mut [ValRaw],
    caller: Option<usize>,
) -> anyhow::Result<()> {
    let opaque = store.opaque_mut();
    let data = &opaque.funcs[index];
    assert!(
        values.len() >= data.ty.params().len().max(data.ty.results().len()),
        "value buffer too small"
    );
    for (i, (value, ty)) in values.iter().zip(data.ty.params()).enumerate() {
        let func_ref = value.get_u64();
        let Some(rt) = ty.as_ref_type().filter(|r| r.is_func()) else {
            if let Some(rt) = ty.as_ref_type()
                && func_ref == 0
                && !rt.is_nullable()
            {
                anyhow::bail!("argument {i} is null, expected {ty}");
            }
            continue;
        };
        let func = match func_ref {
            0 => None,
            r => match usize::try_from(r)
                .ok()
                .and_then(|r| opaque.func_by_ref.get(&r))
            {
                Some(index) => Some(*index),
                None => anyhow::bail!("argument {i} is not a funcref of this store"),
            },
        };
        opaque
            .check_func_ref(func, rt)
            .map_err(|e| e.context(format!("argument {i}")))?;
    }
    match &data.kind {
        crate::store::FuncKind::Host(host) => {
            let host: *const super::HostFuncBox = host;
            // SAFETY: the box lives in `opaque.funcs`, and a store never
            // removes functions before it is dropped; `store` is borrowed
            // for the whole call, so the box outlives it. The closure gets
            // the store through `store` only.
            unsafe { (*host).call(store, caller, values) }
        }
        crate::store::FuncKind::Wasm => {
            let func_ref = data.func_ref as *const VMFuncRef;
            let max_stack = opaque.engine.config().max_wasm_stack;
            // SAFETY: `func_ref` is a wasm function's live `VMFuncRef`
            // owned by this store, `values` is large enough (asserted
            // above), and its `funcref` arguments are live `VMFuncRef`s of
            // this store (checked above); other arguments are plain bits.
            match unsafe { invoke_wasm(store, func_ref, values.as_mut_ptr(), max_stack) } {
                Ok(()) => Ok(()),
                Err(record) => Err(store.opaque_mut().trap_from_record(*record)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Engine, Instance, Module, Store};

    /// A `funcref` argument that is no function of the store is refused
    /// before any code runs (so this also runs under Miri).
    #[test]
    fn a_forged_funcref_argument_is_an_error_not_a_call() {
        let engine = Engine::new(Config::new().parallel_compilation(false)).unwrap();
        let mut store = Store::new(&engine, ());
        let wat = r#"(module (func (export "f") (param i32 funcref)))"#;
        let module = Module::new(&engine, wat).unwrap();
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_func(&mut store, "f").unwrap();
        let mut values = [ValRaw::from_u32(7), ValRaw::from_u64(0x1000)];
        let err = call_func(&mut *store.inner, f.0.index, &mut values).unwrap_err();
        assert!(
            err.to_string().contains("argument 1 is not a funcref"),
            "{err}"
        );
    }
}
