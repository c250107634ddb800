//! Host functions as compiled code sees them: a [`HostFuncContext`] whose
//! first word is the entry the wasm-to-host trampoline calls, followed by
//! the function's `VMFuncRef` and the type-erased closure.
//!
//! The entry catches panics: a panic never unwinds into JIT frames. An
//! error or panic is left pending in the store and the entry returns 0;
//! the trampoline then traps, and the call that entered wasm returns the
//! pending error.

use super::VMStore;
use super::vmcontext::{VMFuncRef, ValRaw, vmctx_store_context_and_instance};
use crate::environ::vmoffsets::VMLayout;
use crate::trap::Pending;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

/// A host function: gets the store, the calling instance (when called
/// from wasm) and the argument/result slots.
pub type HostFn =
    dyn Fn(&mut dyn VMStore, Option<usize>, &mut [ValRaw]) -> anyhow::Result<()> + Send + Sync;

type HostEntry = unsafe extern "C" fn(*mut HostFuncContext, *mut u8, *mut ValRaw, usize) -> u32;

/// The context of one host function (its `vmctx`).
#[repr(C)]
pub struct HostFuncContext {
    /// Read by the trampoline at [`VMLayout::host_func_context_entry`].
    entry: HostEntry,
    func_ref: VMFuncRef,
    func: std::sync::Arc<HostFn>,
    /// Keeps the trampoline code alive.
    _trampoline: std::sync::Arc<super::HostTrampoline>,
}

const _: () = assert!(
    std::mem::offset_of!(HostFuncContext, entry)
        == VMLayout::HOST.host_func_context_entry() as usize
);

/// Owner of a [`HostFuncContext`] at a stable address.
pub struct HostFuncBox {
    ptr: NonNull<HostFuncContext>,
}

// SAFETY: the context is exclusively owned; the closure is `Send + Sync`.
unsafe impl Send for HostFuncBox {}
// SAFETY: `&self` methods only read; the closure is `Sync`.
unsafe impl Sync for HostFuncBox {}

impl HostFuncBox {
    /// Wraps `func` (of signature `type_id`) behind `trampoline`.
    pub fn new(
        func: std::sync::Arc<HostFn>,
        type_id: u32,
        trampoline: std::sync::Arc<super::HostTrampoline>,
    ) -> HostFuncBox {
        let native_call = trampoline.address();
        let ptr = NonNull::from(Box::leak(Box::new(HostFuncContext {
            entry: host_entry,
            func_ref: VMFuncRef {
                native_call,
                // Host functions are called from the host directly, never
                // through an array-call trampoline.
                array_call: 0,
                vmctx: std::ptr::null_mut(),
                type_id,
            },
            func,
            _trampoline: trampoline,
        })));
        // SAFETY: `ptr` was just leaked from a Box and is not shared yet;
        // the write goes through the pointer made for it.
        unsafe { (*ptr.as_ptr()).func_ref.vmctx = ptr.as_ptr().cast() };
        HostFuncBox { ptr }
    }

    /// The function's `VMFuncRef`, valid as long as `self`.
    pub fn func_ref(&self) -> *const VMFuncRef {
        // SAFETY: `ptr` is live; taking a field address creates no reference.
        unsafe { &raw const (*self.ptr.as_ptr()).func_ref }
    }

    /// Calls the function directly from the host, on behalf of instance
    /// `caller` when given.
    pub fn call(
        &self,
        store: &mut dyn VMStore,
        caller: Option<usize>,
        values: &mut [ValRaw],
    ) -> anyhow::Result<()> {
        // SAFETY: `ptr` is live for `&self`; the closure is only read.
        let func = unsafe { &(*self.ptr.as_ptr()).func };
        match catch_unwind(AssertUnwindSafe(|| func(store, caller, values))) {
            Ok(r) => r,
            Err(payload) => Err(crate::trap::panic_error(payload)),
        }
    }
}

impl Drop for HostFuncBox {
    fn drop(&mut self) {
        // SAFETY: leaked from a Box in `new`, freed once.
        drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
    }
}

/// The entry the trampoline calls; returns 1 on success, 0 with the error
/// pending in the store.
///
/// # Safety
/// Called only by JIT code: `ctx` is a live `HostFuncContext`,
/// `caller_vmctx` the calling instance's live `VMContext` whose store
/// pointer was set on entry, and `values` points to `len` slots.
unsafe extern "C" fn host_entry(
    ctx: *mut HostFuncContext,
    caller_vmctx: *mut u8,
    values: *mut ValRaw,
    len: usize,
) -> u32 {
    // SAFETY: per this function's contract `caller_vmctx` is a live
    // instance `VMContext`.
    let (store_ctx, instance) = unsafe { vmctx_store_context_and_instance(caller_vmctx) };
    // SAFETY: the store context outlives every instance of its store; the
    // store pointer was stored from `&mut` on entry, is set for the whole
    // call, and the store is not otherwise accessed while wasm runs.
    let mut store = match unsafe { (*store_ctx).store } {
        Some(s) => s,
        None => return 0,
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `ctx` is live (it is the callee's vmctx); `values` has
        // `len` slots on the trampoline's stack; the store pointer is the
        // exclusive access the entering call handed down.
        unsafe {
            let func = &(*ctx).func;
            let values = std::slice::from_raw_parts_mut(values, len);
            func(store.as_mut(), Some(instance), values)
        }
    }));
    let pending = match result {
        Ok(Ok(())) => return 1,
        Ok(Err(e)) => Pending::Error(e),
        Err(payload) => Pending::Error(crate::trap::panic_error(payload)),
    };
    // SAFETY: as above; the closure's borrow of the store has ended.
    unsafe { store.as_mut().opaque_mut().set_pending(pending) };
    0
}
