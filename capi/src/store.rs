//! Stores, their exclusive-use gate, and the caller a host callback sees.
//!
//! A `petrel_store_t` owns a `petrel::Store`. Every function that touches
//! the store enters through [`with_store`], which takes the store's gate:
//! an atomic word holding the id of the thread using it. Another thread
//! finds it taken and gets an error ("store is in use by another thread")
//! instead of racing. The same thread finds it taken while a host
//! callback runs; then the store is reached through that callback's
//! `Caller` (the exclusive borrow the running wasm call lent to the
//! callback), so re-entrant use from a callback is allowed and sound.

use crate::engine::engine_ref;
use crate::engine::petrel_engine_t;
use crate::error::petrel_error_t;
use crate::util::{Out, guard, obj, thread_id};
use crate::val::petrel_extern_t;
use anyhow::{Result, bail};
use petrel::wasi::{MemoryOutputPipe, WasiCtx};
use petrel::{AsContextMut, Caller, Store, StoreContextMut, StoreLimits, StoreLimitsBuilder};
use std::cell::{Cell, UnsafeCell};
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A function the runtime calls once with a pointer the embedder handed
/// over, when the object owning it is freed.
pub type petrel_finalizer_t = Option<unsafe extern "C" fn(data: *mut c_void)>;

/// Who uses a store right now.
pub(crate) struct Gate {
    /// Thread id of the user, 0 when free.
    owner: AtomicUsize,
    /// The innermost active host callback's caller on the owning thread,
    /// or NULL.
    caller: Cell<*mut petrel_caller_t>,
}

// SAFETY: `caller` is only read or written by the thread whose id is in
// `owner` (checked before every access), so the Cell is never shared
// between threads at once; `owner` is atomic.
unsafe impl Sync for Gate {}
// SAFETY: as above; the raw pointer is only dereferenced by its thread.
unsafe impl Send for Gate {}

/// An embedder pointer with its finalizer, called on drop.
pub(crate) struct Finalized {
    pub(crate) data: *mut c_void,
    pub(crate) finalizer: petrel_finalizer_t,
}

// SAFETY: the pointer is the embedder's; the header states that data
// handed over with a finalizer may be used and finalized from any thread.
unsafe impl Send for Finalized {}
// SAFETY: as above; Petrel never dereferences it.
unsafe impl Sync for Finalized {}

impl Drop for Finalized {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            // SAFETY: the embedder gave this finalizer for this pointer and
            // it is called exactly once, here.
            unsafe { f(self.data) };
        }
    }
}

/// What a C API store holds as its data.
pub struct StoreData {
    user: Finalized,
    limits: StoreLimits,
    gate: *const Gate,
    wrapper: *mut petrel_store_t,
    /// The WASI context (`petrel_store_set_wasi`); made with the default
    /// settings on first use by a WASI function when none was set.
    pub(crate) wasi: Option<WasiCtx>,
    /// Standard output and error captured in memory, when configured so.
    pub(crate) wasi_stdout: Option<MemoryOutputPipe>,
    pub(crate) wasi_stderr: Option<MemoryOutputPipe>,
}

/// A store: owns every instance, function, memory, table and global
/// created in it, plus the embedder's data pointer. Used by one thread at
/// a time (another thread gets an error while it is in use). Free with
/// `petrel_store_delete`.
pub struct petrel_store_t {
    /// The store; None once closed.
    store: UnsafeCell<Option<Store<StoreData>>>,
    gate: Box<Gate>,
    id: u64,
}

/// What a host callback sees of its caller: the store (through
/// `petrel_caller_store`), the store's data, and the calling instance's
/// exports. Valid only during the callback it was passed to.
pub struct petrel_caller_t {
    caller: *mut c_void,
    gate: *const Gate,
    wrapper: *mut petrel_store_t,
}

struct Release<'a>(&'a AtomicUsize);
impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Release);
    }
}

/// Runs `f` with exclusive access to the store behind `store`.
///
/// # Safety
/// `store` is NULL or a live store.
pub(crate) unsafe fn with_store<R>(
    store: *mut petrel_store_t,
    f: impl FnOnce(StoreContextMut<'_, StoreData>) -> Result<R>,
) -> Result<R> {
    // SAFETY: forwarded precondition; only shared access to the wrapper,
    // the store itself is reached through its UnsafeCell below.
    let s = unsafe { obj(store.cast_const(), "store")? };
    let me = thread_id();
    match s
        .gate
        .owner
        .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
    {
        Ok(_) => {
            let _release = Release(&s.gate.owner);
            // SAFETY: the gate is ours, so no other reference to the store
            // exists: other threads are refused, and on this thread a
            // host callback (the only way back in while we hold it) goes
            // through the caller branch below, never through this cell.
            match unsafe { &mut *s.store.get() } {
                Some(st) => f(st.as_context_mut()),
                None => bail!("the store is closed"),
            }
        }
        Err(owner) if owner == me => {
            let cx = s.gate.caller.get();
            if cx.is_null() {
                bail!("the store is busy (used while one of its finalizers runs)");
            }
            // SAFETY: `cx` is the innermost active callback's caller on this
            // thread (set by the callback wrapper and reset before it
            // returns), so its `Caller` is live and not otherwise used
            // while the callback runs.
            let caller = unsafe { caller_mut(cx) };
            f(caller.as_context_mut())
        }
        Err(_) => bail!("the store is in use by another thread"),
    }
}

/// The `Caller` behind an active `petrel_caller_t`.
///
/// # Safety
/// `cx` is the live caller of an active callback, not otherwise in use.
unsafe fn caller_mut<'a>(cx: *mut petrel_caller_t) -> &'a mut Caller<'a, StoreData> {
    // SAFETY: per the contract; the wrapper stored a `*mut Caller` whose
    // lifetime was erased, and it is live while the callback runs.
    unsafe { &mut *(*cx).caller.cast::<Caller<'a, StoreData>>() }
}

/// Runs a host callback with `caller` registered as the active one, so
/// store functions called from inside it reach the store through it.
pub(crate) fn enter_callback<R>(
    caller: &mut Caller<'_, StoreData>,
    f: impl FnOnce(*mut petrel_caller_t) -> R,
) -> R {
    let gate = caller.data().gate;
    let wrapper = caller.data().wrapper;
    let mut cx = petrel_caller_t {
        caller: (caller as *mut Caller<'_, StoreData>).cast(),
        gate,
        wrapper,
    };
    // SAFETY: the gate lives in the store wrapper's Box, which outlives
    // every call into the store.
    let gate = unsafe { &*gate };
    let prev = gate.caller.replace(&mut cx);
    struct Restore<'a>(&'a Gate, *mut petrel_caller_t);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            self.0.caller.set(self.1);
        }
    }
    let _restore = Restore(gate, prev);
    f(&mut cx)
}

/// Creates a store for `engine` holding `data`; `finalizer` (may be NULL)
/// is called with `data` when the store is deleted.
///
/// # Safety
/// `engine` is a live engine; `store_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_new(
    engine: *const petrel_engine_t,
    data: *mut c_void,
    finalizer: petrel_finalizer_t,
    store_out: *mut *mut petrel_store_t,
) -> *mut petrel_error_t {
    let user = Finalized { data, finalizer };
    guard(move || {
        // SAFETY: the caller guarantees `store_out` is writable.
        let out = unsafe { Out::new(store_out, "store_out")? };
        // SAFETY: live per the precondition.
        let engine = unsafe { engine_ref(engine)? };
        let gate = Box::new(Gate {
            owner: AtomicUsize::new(0),
            caller: Cell::new(std::ptr::null_mut()),
        });
        // `gate` is set below, from the Box in its final place: a pointer
        // taken before the Box moves would not be derived from the moved
        // Box, and writing through it (the Cell) would invalidate the Box
        // under the aliasing model (Miri, Tree Borrows).
        let data = StoreData {
            user,
            limits: StoreLimits::default(),
            gate: std::ptr::null(),
            wrapper: std::ptr::null_mut(),
            wasi: None,
            wasi_stdout: None,
            wasi_stderr: None,
        };
        let store = Store::new(engine, data);
        let id = petrel::AsContext::as_context(&store).id();
        let wrapper = Box::into_raw(Box::new(petrel_store_t {
            store: UnsafeCell::new(Some(store)),
            gate,
            id,
        }));
        // SAFETY: just made, not shared yet.
        let gate: *const Gate = unsafe { &*(*wrapper).gate };
        // SAFETY: as above.
        if let Some(st) = unsafe { &mut *(*wrapper).store.get() } {
            st.data_mut().wrapper = wrapper;
            st.data_mut().gate = gate;
        }
        out.set(wrapper);
        Ok(())
    })
}

/// Closes a store: frees everything in it (calling the finalizers of its
/// data, host functions and extern references) but keeps the
/// `petrel_store_t` itself, so that any later use is a clean "the store
/// is closed" error instead of a dangling pointer. Free it with
/// `petrel_store_delete`. Refused (with an error, the store left intact)
/// while the store is in use: from a host callback or another thread.
/// Closing a closed store does nothing.
///
/// # Safety
/// `store` is a live (possibly closed) store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_close(store: *mut petrel_store_t) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        let s = unsafe { obj(store.cast_const(), "store")? };
        let taken = {
            if s.gate
                .owner
                .compare_exchange(0, thread_id(), Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                bail!("cannot close a store while it is in use");
            }
            let _release = Release(&s.gate.owner);
            // SAFETY: the gate is ours (see `with_store`), so nothing else
            // references the store.
            unsafe { &mut *s.store.get() }.take()
        };
        // Dropped with the gate released: a finalizer that calls back into
        // the C API finds the store closed rather than busy.
        drop(taken);
        Ok(())
    })
}

/// Frees a store (closing it first, see `petrel_store_close`). Refused
/// (with an error, the store left intact) while the store is in use.
/// NULL is ignored.
///
/// # Safety
/// `store` is NULL or a live (possibly closed) store; not used afterwards
/// unless an error is returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_delete(store: *mut petrel_store_t) -> *mut petrel_error_t {
    guard(|| {
        if store.is_null() {
            return Ok(());
        }
        // SAFETY: forwarded precondition.
        let err = unsafe { petrel_store_close(store) };
        if !err.is_null() {
            // SAFETY: an owned error just returned; unwrap it.
            return Err(unsafe { Box::from_raw(err) }.error);
        }
        // SAFETY: live per the precondition.
        let s = unsafe { &*store };
        if s.gate
            .owner
            .compare_exchange(0, usize::MAX, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            bail!("cannot delete a store while it is in use");
        }
        // SAFETY: made by `Box::into_raw` in `petrel_store_new`; the gate
        // is taken for good, so nothing else uses it; freed once.
        drop(unsafe { Box::from_raw(store) });
        Ok(())
    })
}

/// The id of the store: the `store_id` of every item it owns.
///
/// # Safety
/// `store` is a live store; `id_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_id(
    store: *const petrel_store_t,
    id_out: *mut u64,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `id_out` is writable.
        let out = unsafe { Out::new(id_out, "id_out")? };
        // SAFETY: live per the precondition; `id` is immutable.
        out.set(unsafe { obj(store, "store")? }.id);
        Ok(())
    })
}

/// The data pointer given to `petrel_store_new`.
///
/// @borrowed data_out
///
/// # Safety
/// `store` is a live store; `data_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_data(
    store: *mut petrel_store_t,
    data_out: *mut *mut c_void,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `data_out` is writable.
        let out = unsafe { Out::new(data_out, "data_out")? };
        // SAFETY: live per the precondition.
        let data = unsafe { with_store(store, |cx| Ok(cx.data().user.data))? };
        out.set(data);
        Ok(())
    })
}

/// Sets the fuel available to wasm in this store.
///
/// # Errors
/// When the engine was not configured with `petrel_config_consume_fuel`.
///
/// # Safety
/// `store` is a live store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_set_fuel(
    store: *mut petrel_store_t,
    fuel: u64,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        unsafe { with_store(store, |mut cx| cx.set_fuel(fuel)) }
    })
}

/// The fuel left in this store.
///
/// # Errors
/// When the engine was not configured with `petrel_config_consume_fuel`.
///
/// # Safety
/// `store` is a live store; `fuel_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_get_fuel(
    store: *mut petrel_store_t,
    fuel_out: *mut u64,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `fuel_out` is writable.
        let out = unsafe { Out::new(fuel_out, "fuel_out")? };
        // SAFETY: live per the precondition.
        out.set(unsafe { with_store(store, |cx| cx.get_fuel())? });
        Ok(())
    })
}

/// Sets the epoch deadline `ticks` beyond the engine's current epoch:
/// wasm in this store traps with `PETREL_TRAP_INTERRUPT` once the engine's
/// epoch reaches it (with `petrel_config_epoch_interruption` on).
///
/// # Safety
/// `store` is a live store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_set_epoch_deadline(
    store: *mut petrel_store_t,
    ticks: u64,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                cx.set_epoch_deadline(ticks);
                Ok(())
            })
        }
    })
}

/// Caps the store's resources: the bytes of any one memory, the elements
/// of any one table, and the number of instances. A negative value means
/// no limit. Growth beyond a cap fails (`memory.grow` returns -1), and
/// creation beyond it is an error.
///
/// # Safety
/// `store` is a live store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_limiter(
    store: *mut petrel_store_t,
    memory_size: i64,
    table_elements: i64,
    instances: i64,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition; no table or memory count limit.
    unsafe { petrel_store_limits(store, memory_size, table_elements, instances, -1, -1) }
}

/// Caps the store's resources like `petrel_store_limiter`, plus the number
/// of tables and of memories the store may hold (Wasmtime's
/// `wasmtime_store_limiter`). A negative value means no limit.
///
/// # Safety
/// `store` is a live store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_limits(
    store: *mut petrel_store_t,
    memory_size: i64,
    table_elements: i64,
    instances: i64,
    tables: i64,
    memories: i64,
) -> *mut petrel_error_t {
    guard(|| {
        let mut b = StoreLimitsBuilder::new();
        if let Ok(n) = usize::try_from(memory_size) {
            b = b.memory_size(n);
        }
        if let Ok(n) = usize::try_from(table_elements) {
            b = b.table_elements(n);
        }
        if let Ok(n) = usize::try_from(instances) {
            b = b.instances(n);
        }
        if let Ok(n) = usize::try_from(tables) {
            b = b.tables(n);
        }
        if let Ok(n) = usize::try_from(memories) {
            b = b.memories(n);
        }
        let limits = b.build();
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                cx.data_mut().limits = limits;
                cx.limiter(|d: &mut StoreData| &mut d.limits);
                Ok(())
            })
        }
    })
}

/// Frees the extern references that no global or table of the store holds
/// any more, calling their finalizers. A `petrel_externref_t` of a
/// collected reference is invalid afterwards (using it is an error). From
/// inside a host callback (wasm on the stack, whose references this cannot
/// see) it collects nothing.
///
/// # Safety
/// `store` is a live store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_gc(store: *mut petrel_store_t) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        let s = unsafe { obj(store.cast_const(), "store")? };
        let me = thread_id();
        let dead = match s
            .gate
            .owner
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
        {
            Ok(_) => {
                let _release = Release(&s.gate.owner);
                // SAFETY: the gate is ours (see `with_store`), so nothing
                // else references the store, and no wasm runs in it.
                match unsafe { &mut *s.store.get() } {
                    Some(st) => st.gc_take(),
                    None => bail!("the store is closed"),
                }
            }
            Err(owner) if owner == me => return Ok(()),
            Err(_) => bail!("the store is in use by another thread"),
        };
        // Finalizers run with the gate released: one that calls back into
        // the C API finds the store free.
        drop(dead);
        Ok(())
    })
}

/// The store's data pointer (as given to `petrel_store_new`).
///
/// @borrowed data_out
///
/// # Safety
/// `caller` is the caller passed to the running callback; `data_out` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_caller_data(
    caller: *mut petrel_caller_t,
    data_out: *mut *mut c_void,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `data_out` is writable.
        let out = unsafe { Out::new(data_out, "data_out")? };
        // SAFETY: forwarded precondition.
        let c = unsafe { active_caller(caller)? };
        out.set(c.data().user.data);
        Ok(())
    })
}

/// The export `name` of the instance that called the host function;
/// `found_out` is false when there is no such export (or the function was
/// called from the host rather than from wasm).
///
/// # Safety
/// `caller` is the caller passed to the running callback; `name` points
/// to `name_len` bytes; the out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_caller_export_get(
    caller: *mut petrel_caller_t,
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
        // SAFETY: the caller guarantees the buffer.
        let name = unsafe { crate::util::str(name, name_len, "name")? };
        // SAFETY: forwarded precondition.
        let c = unsafe { active_caller(caller)? };
        match c.get_export(name) {
            Some(e) => {
                item_out.set(petrel_extern_t::from_core(e)?);
                found_out.set(true);
            }
            None => found_out.set(false),
        }
        Ok(())
    })
}

/// The store the running callback belongs to: pass it to any store
/// function while the callback runs (those calls reach the store through
/// the caller).
///
/// @borrowed store_out
///
/// # Safety
/// `caller` is the caller passed to the running callback; `store_out` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_caller_store(
    caller: *mut petrel_caller_t,
    store_out: *mut *mut petrel_store_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `store_out` is writable.
        let out = unsafe { Out::new(store_out, "store_out")? };
        // SAFETY: forwarded precondition (only the plain fields are read).
        let cx = unsafe { obj(caller.cast_const(), "caller")? };
        out.set(cx.wrapper);
        Ok(())
    })
}

/// The `Caller` of `caller`, checked to be the innermost active one.
///
/// # Safety
/// `caller` is NULL or the caller of a running callback.
unsafe fn active_caller<'a>(caller: *mut petrel_caller_t) -> Result<&'a mut Caller<'a, StoreData>> {
    // SAFETY: forwarded precondition (only the plain fields are read).
    let cx = unsafe { obj(caller.cast_const(), "caller")? };
    // SAFETY: the gate lives as long as the store the callback runs in.
    let gate = unsafe { &*cx.gate };
    if gate.owner.load(Ordering::Acquire) != thread_id() || gate.caller.get() != caller {
        bail!("this caller is not the active one (used outside its callback)");
    }
    // SAFETY: checked above to be the innermost active caller of this
    // thread, so its `Caller` is live and not in use elsewhere.
    Ok(unsafe { caller_mut(caller) })
}
