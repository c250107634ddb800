//! The hand-written part of the low level: what does not map
//! mechanically from the IR (`lowlevel::HAND_WRITTEN`).
//!
//! - **Calls** go through one shared scratch array of 16-byte raw values
//!   that JavaScript allocated and registered with [`init`]: JS writes the
//!   arguments through typed views, [`func_call_raw`] makes one C call on
//!   it, JS reads the results. Nested calls (wasm -> JS -> wasm) reuse it
//!   safely: the core copies the arguments in at entry and writes the
//!   results at exit.
//! - **Host functions** are JS functions kept in a JS table; the C `env` is
//!   their index. The one C trampoline copies the arguments into the host
//!   scratch array and calls the JS dispatcher registered with [`init`],
//!   which returns 0, or the tag of the exception it caught (kept on the JS
//!   side and rethrown, the same value, when the wasm call returns), or
//!   `TRAP_BIT | code` when it threw a `petrel.Trap` (the wasm call traps).
//! - **Async calls** ([`func_call_async`]) run `petrel_func_call_raw` on a
//!   libuv worker thread with their own copy of the values; the store's
//!   gate refuses other use meanwhile. Host functions cannot run there
//!   (no JS off the main thread): the trampoline fails the call instead.
//! - **Calls on a new thread** ([`func_call_on_new_thread`]) are the same
//!   call ([`call_values`]) on a `std::thread` the JS thread starts and
//!   joins before it returns: blocking, for tests of the store's thread
//!   gate (`petrel/testing`). Started from inside a host function, the
//!   call meets the gate the JS thread holds and fails with "the store is
//!   in use by another thread".

use crate::lowlevel::{Engine, Functype, Linker, Store, sys};
use crate::support::*;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;

/// The JS dispatcher of host calls: no arguments (id, nargs, nresults and
/// the caller token are the control words of the host scratch) -> 0 or a tag.
type Dispatcher = FunctionRef<(), u32>;

thread_local! {
    static DISPATCH: RefCell<Option<Dispatcher>> = const { RefCell::new(None) };
    static CALL_SCRATCH: Cell<(*mut sys::petrel_valraw_t, usize)> = const { Cell::new((std::ptr::null_mut(), 0)) };
    static HOST_SCRATCH: Cell<(*mut sys::petrel_valraw_t, usize)> = const { Cell::new((std::ptr::null_mut(), 0)) };
    /// The callers of the host callbacks running on this thread, innermost
    /// last, with the token JS uses to name them.
    static CALLERS: RefCell<Vec<(u32, *mut sys::petrel_caller_t)>> = const { RefCell::new(Vec::new()) };
    static NEXT_TOKEN: Cell<u32> = const { Cell::new(1) };
    /// Prepared calls: a store pointer and a function handle per slot, so
    /// that the hot call takes two integers and unwraps no JS object.
    static SLOTS: RefCell<Vec<Option<(*mut sys::petrel_store_t, sys::petrel_func_t)>>> = const { RefCell::new(Vec::new()) };
}

/// Host function and extern reference ids whose C owner was freed (their
/// finalizers ran); JS drops its table entries for them.
static FREED: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

fn scratch(buf: &mut ArrayBuffer) -> (*mut sys::petrel_valraw_t, usize) {
    // SAFETY: JS keeps this ArrayBuffer alive for the life of the module
    // (documented in lib/native.js); V8 never moves a buffer's contents.
    let data = unsafe { buf.as_mut() };
    // The last value is reserved for control words.
    (
        data.as_mut_ptr().cast(),
        (data.len() / 16).saturating_sub(1),
    )
}

/// Registers the JS dispatcher of host calls and the two scratch arrays
/// (each a multiple of 16 bytes, 16-byte aligned, kept alive by JS).
#[napi(js_name = "init")]
pub fn init(
    env: Env,
    dispatcher: Function<(), u32>,
    mut call_scratch: ArrayBuffer,
    mut host_scratch: ArrayBuffer,
) -> Result<()> {
    ENV.with(|e| e.set(env.raw()));
    let r = dispatcher.create_ref()?;
    DISPATCH.with(|d| *d.borrow_mut() = Some(r));
    CALL_SCRATCH.with(|c| c.set(scratch(&mut call_scratch)));
    HOST_SCRATCH.with(|c| c.set(scratch(&mut host_scratch)));
    Ok(())
}

fn error(msg: &str) -> *mut sys::petrel_error_t {
    // SAFETY: `msg` is `len` readable bytes.
    unsafe { sys::petrel_error_new(msg.as_ptr().cast(), msg.len()) }
}

/// Set in the dispatcher's result when the JS function threw a
/// `petrel.Trap`: the low byte is its code.
const TRAP_BIT: u32 = 0x8000_0000;

unsafe extern "C" fn trampoline(
    id: *mut c_void,
    caller: *mut sys::petrel_caller_t,
    values: *mut sys::petrel_valraw_t,
    nargs: usize,
    nresults: usize,
) -> *mut sys::petrel_error_t {
    let raw = ENV.with(|e| e.get());
    if raw.is_null() {
        return error(
            "a JS host function cannot run outside the JS thread (in an async call, or a call on another thread)",
        );
    }
    let (scratch, cap) = HOST_SCRATCH.with(|c| c.get());
    let n = nargs.max(nresults);
    if n > cap {
        return error("too many parameters or results for a JS host function");
    }
    // SAFETY: the core passes `max(nargs, nresults)` values; the scratch
    // holds `cap >= n` values; they do not overlap.
    unsafe { std::ptr::copy_nonoverlapping(values, scratch, nargs) };
    let token = NEXT_TOKEN.with(|t| {
        let v = t.get();
        t.set(v.wrapping_add(1).max(1));
        v
    });
    CALLERS.with(|c| c.borrow_mut().push((token, caller)));
    let env = Env::from_raw(raw);
    let result = DISPATCH.with(|d| match d.borrow().as_ref() {
        Some(f) => f.borrow_back(&env).and_then(|f| {
            // SAFETY: the host scratch has `cap + 1` values; the last holds
            // the control words the dispatcher reads.
            unsafe {
                let ctl = scratch.add(cap).cast::<u32>();
                ctl.write(id as usize as u32);
                ctl.add(1).write(nargs as u32);
                ctl.add(2).write(nresults as u32);
                ctl.add(3).write(token);
            }
            f.call(())
        }),
        None => Err(Error::from_reason("the addon is not initialised")),
    });
    CALLERS.with(|c| c.borrow_mut().pop());
    match result {
        Ok(0) => {
            // SAFETY: as above, for the results.
            unsafe { std::ptr::copy_nonoverlapping(scratch, values, nresults) };
            std::ptr::null_mut()
        }
        Ok(tag) if tag & TRAP_BIT != 0 => {
            // SAFETY: no preconditions; an unknown code becomes `unreachable`.
            unsafe { sys::petrel_error_new_trap((tag & 0xff) as u8) }
        }
        Ok(tag) => {
            let msg = "a host function threw";
            // SAFETY: `msg` is `len` readable bytes.
            unsafe { sys::petrel_error_new_host(msg.as_ptr().cast(), msg.len(), tag.into()) }
        }
        Err(e) => error(&e.reason),
    }
}

unsafe extern "C" fn freed(id: *mut c_void) {
    if let Ok(mut f) = FREED.lock() {
        f.push(id as usize as u32);
    }
}

/// Ids of host functions and extern references whose store or linker was
/// freed since the last call.
#[napi(js_name = "take_freed")]
pub fn take_freed() -> Vec<u32> {
    FREED
        .lock()
        .map(|mut f| std::mem::take(&mut *f))
        .unwrap_or_default()
}

/// A function handle prepared for calls (`petrel_func_call_raw` takes it
/// by pointer).
#[napi]
pub struct FuncRef {
    pub(crate) func: sys::petrel_func_t,
}

fn func_of(f: &crate::lowlevel::Func) -> Result<sys::petrel_func_t> {
    Ok(sys::petrel_func_t::from(f.clone()))
}

/// Prepares a function handle for [`func_call_raw`].
#[napi(js_name = "func_ref")]
pub fn func_ref(func: crate::lowlevel::Func) -> Result<FuncRef> {
    Ok(FuncRef {
        func: func_of(&func)?,
    })
}

/// `petrel_func_call_raw` over the first `len` values of the call scratch.
#[napi(js_name = "func_call_raw")]
pub fn func_call_raw(store: &Store, func: &FuncRef, len: u32) -> Result<()> {
    let (p, cap) = CALL_SCRATCH.with(|c| c.get());
    if len as usize > cap {
        return Err(Error::from_reason("too many parameters or results"));
    }
    // SAFETY: the scratch holds `cap >= len` initialised values.
    check(unsafe { sys::petrel_func_call_raw(store.raw()?, &func.func, p, len as usize) })
}

/// Prepares `func` of `store` for [`func_call_slot`]; gives the slot.
/// The JS layer keeps the store object alive while the slot is in use and
/// releases the slot when the function object is collected.
#[napi(js_name = "func_slot")]
pub fn func_slot(store: &Store, func: &FuncRef) -> Result<u32> {
    let entry = Some((store.raw()?, func.func));
    SLOTS.with(|s| {
        let mut s = s.borrow_mut();
        if let Some(i) = s.iter().position(Option::is_none) {
            s[i] = entry;
            Ok(i as u32)
        } else {
            s.push(entry);
            Ok((s.len() - 1) as u32)
        }
    })
}

/// Frees a slot of [`func_slot`].
#[napi(js_name = "func_slot_release")]
pub fn func_slot_release(slot: u32) {
    SLOTS.with(|s| {
        if let Some(e) = s.borrow_mut().get_mut(slot as usize) {
            *e = None;
        }
    });
}

/// `petrel_func_call_raw` of a prepared slot over the first `len` values
/// of the call scratch: the hot path. It takes no JS arguments (napi-rs
/// gives zero-argument functions a path without its per-call borrow
/// scope): `slot` and `len` are the two words of the scratch's last value.
#[napi(js_name = "func_call_slot")]
pub fn func_call_slot() -> Result<()> {
    let (p, cap) = CALL_SCRATCH.with(|c| c.get());
    // SAFETY: the scratch has `cap + 1` values; the last holds the control
    // words (see `init`).
    let (slot, len) = unsafe {
        let ctl = p.add(cap).cast::<u32>();
        (ctl.read(), ctl.add(1).read())
    };
    let entry = SLOTS.with(|s| s.borrow().get(slot as usize).copied().flatten());
    let Some((store, func)) = entry else {
        return Err(Error::from_reason("the function was released"));
    };
    if len as usize > cap {
        return Err(Error::from_reason("too many parameters or results"));
    }
    // SAFETY: the slot's store is alive (its JS object is reachable from
    // the function object that owns the slot); the scratch holds `cap >=
    // len` initialised values.
    check(unsafe { sys::petrel_func_call_raw(store, &func, p, len as usize) })
}

struct SendPtr(*mut sys::petrel_store_t);
// SAFETY: the store's gate makes use from another thread safe (one user
// at a time; others get an error).
unsafe impl Send for SendPtr {}

/// An async call (see the module documentation).
pub struct CallTask {
    store: SendPtr,
    func: sys::petrel_func_t,
    values: Vec<u8>,
}

/// What an async call gives back.
pub enum CallOutcome {
    /// The values after the call.
    Done(Vec<u8>),
    /// The call failed.
    Failed(ErrorInfo),
}

impl CallOutcome {
    /// The values as a Buffer, or the error as the JS exception.
    fn into_js(self, env: &Env) -> Result<Buffer> {
        match self {
            CallOutcome::Done(v) => Ok(v.into()),
            CallOutcome::Failed(info) => Err(info.to_js(env)),
        }
    }
}

/// `petrel_func_call_raw` of `func` over a copy of `values` (raw 16-byte
/// values, arguments first), on the calling thread, which need not be the
/// JS thread: the outcome holds no JS value and no C object.
///
/// # Safety
/// `store` is a live store, kept alive until this returns.
unsafe fn call_values(
    store: *mut sys::petrel_store_t,
    func: &sys::petrel_func_t,
    values: &[u8],
) -> CallOutcome {
    let len = values.len() / 16;
    let mut vals: Vec<sys::petrel_valraw_t> = Vec::with_capacity(len);
    // SAFETY: `len` values of 16 bytes are copied into the reserved
    // space (any bits are a valid raw value), then the length is set.
    unsafe {
        std::ptr::copy_nonoverlapping(values.as_ptr(), vals.as_mut_ptr().cast(), len * 16);
        vals.set_len(len);
    }
    // SAFETY: the store is live (the caller's contract); the values are
    // `len` initialised raw values.
    let err = unsafe { sys::petrel_func_call_raw(store, func, vals.as_mut_ptr(), len) };
    if !err.is_null() {
        return CallOutcome::Failed(ErrorInfo::take(err));
    }
    // SAFETY: `len` values of 16 bytes.
    let out = unsafe { std::slice::from_raw_parts(vals.as_ptr().cast::<u8>(), len * 16) };
    CallOutcome::Done(out.to_vec())
}

fn check_values(values: &Uint8Array) -> Result<()> {
    if !values.len().is_multiple_of(16) || values.is_empty() {
        return Err(Error::from_reason(
            "values must be a non-empty multiple of 16 bytes",
        ));
    }
    Ok(())
}

impl Task for CallTask {
    type Output = CallOutcome;
    type JsValue = Buffer;

    fn compute(&mut self) -> Result<CallOutcome> {
        // SAFETY: the store pointer is kept alive by the JS store object
        // the promise holds.
        Ok(unsafe { call_values(self.store.0, &self.func, &self.values) })
    }

    fn resolve(&mut self, env: Env, output: CallOutcome) -> Result<Buffer> {
        output.into_js(&env)
    }
}

/// Calls `func` on a worker thread with `values` (raw 16-byte values,
/// arguments first); the promise gives the values after the call.
#[napi(js_name = "func_call_async", ts_return_type = "Promise<Buffer>")]
pub fn func_call_async(
    store: &Store,
    func: &FuncRef,
    values: Uint8Array,
) -> Result<AsyncTask<CallTask>> {
    check_values(&values)?;
    Ok(AsyncTask::new(CallTask {
        store: SendPtr(store.raw()?),
        func: func.func,
        values: values.to_vec(),
    }))
}

/// The native stack of a [`func_call_on_new_thread`] thread: glibc's
/// default for new threads (and libuv's workers, where async calls run),
/// well above the core's default `max_wasm_stack` of 512 KiB.
const CALL_THREAD_STACK: usize = 8 << 20;

/// Calls `func` with `values` (raw 16-byte values, arguments first) on a
/// new OS thread and blocks the JS thread until it ends; gives the values
/// after the call. The store is used from that thread, so the C API's
/// gate applies: while the JS thread is itself inside a call into the
/// store (in a host function), the call fails with "the store is in use
/// by another thread". Host functions reached on that thread fail the
/// call (no JS runs there), as in async calls.
#[napi(js_name = "func_call_on_new_thread")]
pub fn func_call_on_new_thread(
    env: Env,
    store: &Store,
    func: &FuncRef,
    values: Uint8Array,
) -> Result<Buffer> {
    check_values(&values)?;
    let store = SendPtr(store.raw()?);
    let func = func.func;
    let values = values.to_vec();
    let thread = std::thread::Builder::new()
        .name("petrel-call".into())
        .stack_size(CALL_THREAD_STACK)
        .spawn(move || {
            let store = store;
            // SAFETY: the JS store object is reachable from the caller's
            // arguments, and the JS thread is blocked in `join` below until
            // this thread is done, so the store cannot be freed meanwhile.
            unsafe { call_values(store.0, &func, &values) }
        })
        .map_err(|e| Error::from_reason(format!("cannot start a thread for the call: {e}")))?;
    match thread.join() {
        Ok(outcome) => outcome.into_js(&env),
        Err(_) => Err(Error::from_reason("the call's thread panicked")),
    }
}

/// `petrel_store_new` without embedder data (the JS store object holds
/// whatever the embedder attaches).
#[napi(js_name = "store_new")]
pub fn store_new(engine: &Engine) -> Result<Store> {
    let mut ptr = std::ptr::null_mut();
    // SAFETY: the engine is live; `ptr` is writable.
    check(unsafe { sys::petrel_store_new(engine.raw()?, std::ptr::null_mut(), None, &mut ptr) })?;
    Ok(Store { ptr })
}

/// `petrel_func_new` with the JS trampoline; `id` is the host function's
/// index in the JS table.
#[napi(js_name = "func_new")]
pub fn func_new(store: &Store, functype: &Functype, id: u32) -> Result<crate::lowlevel::Func> {
    // SAFETY: a plain C record.
    let mut out: sys::petrel_func_t = unsafe { std::mem::zeroed() };
    // SAFETY: live store and function type; the trampoline follows the
    // callback contract; `out` is writable.
    check(unsafe {
        sys::petrel_func_new(
            store.raw()?,
            functype.raw()?,
            Some(trampoline),
            id as usize as *mut c_void,
            Some(freed),
            &mut out,
        )
    })?;
    Ok(out.into())
}

/// `petrel_linker_define_func` with the JS trampoline.
#[napi(js_name = "linker_define_func")]
pub fn linker_define_func(
    linker: &Linker,
    module: String,
    name: String,
    functype: &Functype,
    id: u32,
) -> Result<()> {
    // SAFETY: live linker and function type; the strings are `len` bytes.
    check(unsafe {
        sys::petrel_linker_define_func(
            linker.raw()?,
            module.as_ptr().cast(),
            module.len(),
            name.as_ptr().cast(),
            name.len(),
            functype.raw()?,
            Some(trampoline),
            id as usize as *mut c_void,
            Some(freed),
        )
    })
}

fn caller(token: u32) -> Result<*mut sys::petrel_caller_t> {
    CALLERS
        .with(|c| {
            c.borrow()
                .iter()
                .rev()
                .find(|(t, _)| *t == token)
                .map(|(_, p)| *p)
        })
        .ok_or_else(|| Error::from_reason("the Caller is only valid while its host function runs"))
}

/// `petrel_caller_export_get` for the caller named by `token`; null when
/// there is no such export.
#[napi(js_name = "caller_export_get")]
pub fn caller_export_get(token: u32, name: String) -> Result<Option<crate::lowlevel::Extern>> {
    let cx = caller(token)?;
    // SAFETY: plain C records / writable locals.
    let mut item: sys::petrel_extern_t = unsafe { std::mem::zeroed() };
    let mut found = false;
    // SAFETY: `cx` is the live caller of a running callback.
    check(unsafe {
        sys::petrel_caller_export_get(cx, name.as_ptr().cast(), name.len(), &mut item, &mut found)
    })?;
    Ok(found.then(|| item.into()))
}

/// The memory's bytes as an ArrayBuffer over linear memory (no copy).
/// The JS layer keeps one per memory and detaches it before asking for a
/// new one (V8 refuses two live buffers over the same bytes).
#[napi(js_name = "memory_data")]
pub fn memory_data<'e>(
    env: &'e Env,
    store: &Store,
    memory: crate::lowlevel::Memory,
) -> Result<ArrayBuffer<'e>> {
    let mut data = std::ptr::null_mut();
    let mut len = 0usize;
    // SAFETY: live store; writable out-parameters.
    check(unsafe { sys::petrel_memory_data(store.raw()?, memory.into(), &mut data, &mut len) })?;
    if len == 0 || data.is_null() {
        return ArrayBuffer::from_data(env, Vec::<u8>::new());
    }
    // SAFETY: `len` bytes at `data` stay mapped until the store is closed
    // or the memory grows; the JS layer detaches the buffer at either.
    unsafe { ArrayBuffer::from_external(env, data, len, (), |_, _| {}) }
}

/// Detaches an ArrayBuffer from its memory (later accesses see length 0).
#[napi(js_name = "detach")]
pub fn detach(buffer: ArrayBuffer) -> Result<()> {
    buffer.detach()
}

/// A typed value crossing to JS: `num` for i32, `big` for i64, `bits`
/// for f32/f64, `v128` for vectors, `storeId`/`index` for references
/// (absent: null). Floats cross as their IEEE bits, never as a JS number
/// or a float conversion, so every NaN payload (signalling NaNs too)
/// arrives unchanged.
#[napi(object)]
pub struct Val {
    /// `ValKind`.
    pub kind: u32,
    /// An i32 value.
    pub num: Option<f64>,
    /// An i64 value.
    pub big: Option<BigInt>,
    /// The bits of an f32 (below 2^32) or f64, unsigned.
    pub bits: Option<BigInt>,
    /// 16 bytes of a v128.
    pub v128: Option<Buffer>,
    /// A reference's store (absent for null).
    pub store_id: Option<BigInt>,
    /// A reference's index.
    pub index: Option<f64>,
}

fn val_to_c(v: &Val) -> Result<sys::petrel_val_t> {
    let kind: u8 = v.kind.try_into().map_err(range)?;
    // SAFETY: a plain C record.
    let mut out: sys::petrel_val_t = unsafe { std::mem::zeroed() };
    out.kind = kind;
    let num = v.num.unwrap_or(0.0);
    let bits = v.bits.as_ref().map(u64_of).transpose()?.unwrap_or(0);
    match kind {
        sys::PETREL_I32 => out.of.i32 = num as i64 as i32,
        sys::PETREL_I64 => out.of.i64 = v.big.as_ref().map(i64_of).transpose()?.unwrap_or(0),
        sys::PETREL_F32 => out.of.f32 = f32::from_bits(bits.try_into().map_err(range)?),
        sys::PETREL_F64 => out.of.f64 = f64::from_bits(bits),
        sys::PETREL_V128 => {
            let mut b = [0u8; 16];
            if let Some(x) = &v.v128 {
                let n = x.len().min(16);
                b[..n].copy_from_slice(&x[..n]);
            }
            out.of.v128 = b;
        }
        sys::PETREL_FUNCREF | sys::PETREL_EXTERNREF => {
            let store_id = v.store_id.as_ref().map(u64_of).transpose()?.unwrap_or(0);
            let index = usize_of(v.index.unwrap_or(0.0))?;
            if kind == sys::PETREL_FUNCREF {
                out.of.funcref = sys::petrel_func_t { store_id, index };
            } else {
                out.of.externref = sys::petrel_externref_t { store_id, index };
            }
        }
        _ => return Err(Error::from_reason("unknown value kind")),
    }
    Ok(out)
}

fn val_of(v: &sys::petrel_val_t) -> Val {
    let mut out = Val {
        kind: v.kind.into(),
        num: None,
        big: None,
        bits: None,
        v128: None,
        store_id: None,
        index: None,
    };
    // SAFETY: the union field read is the one `kind` selects.
    unsafe {
        match v.kind {
            sys::PETREL_I32 => out.num = Some(v.of.i32.into()),
            sys::PETREL_I64 => out.big = Some(BigInt::from(v.of.i64)),
            sys::PETREL_F32 => out.bits = Some(BigInt::from(u64::from(v.of.f32.to_bits()))),
            sys::PETREL_F64 => out.bits = Some(BigInt::from(v.of.f64.to_bits())),
            sys::PETREL_V128 => out.v128 = Some(v.of.v128.to_vec().into()),
            sys::PETREL_FUNCREF | sys::PETREL_EXTERNREF => {
                let (id, index) = if v.kind == sys::PETREL_FUNCREF {
                    (v.of.funcref.store_id, v.of.funcref.index)
                } else {
                    (v.of.externref.store_id, v.of.externref.index)
                };
                if id != 0 {
                    out.store_id = Some(BigInt::from(id));
                    out.index = Some(index as f64);
                }
            }
            _ => {}
        }
    }
    out
}

/// `petrel_global_new`.
#[napi(js_name = "global_new")]
pub fn global_new(
    store: &Store,
    ty: crate::lowlevel::Globaltype,
    value: Val,
) -> Result<crate::lowlevel::Global> {
    let v = val_to_c(&value)?;
    // SAFETY: a plain C record.
    let mut out: sys::petrel_global_t = unsafe { std::mem::zeroed() };
    // SAFETY: live store; pointers to locals.
    check(unsafe { sys::petrel_global_new(store.raw()?, ty.into(), &v, &mut out) })?;
    Ok(out.into())
}

/// `petrel_global_get`.
#[napi(js_name = "global_get")]
pub fn global_get(store: &Store, global: crate::lowlevel::Global) -> Result<Val> {
    // SAFETY: a plain C record.
    let mut out: sys::petrel_val_t = unsafe { std::mem::zeroed() };
    // SAFETY: live store; pointer to a local.
    check(unsafe { sys::petrel_global_get(store.raw()?, global.into(), &mut out) })?;
    Ok(val_of(&out))
}

/// `petrel_global_set`.
#[napi(js_name = "global_set")]
pub fn global_set(store: &Store, global: crate::lowlevel::Global, value: Val) -> Result<()> {
    let v = val_to_c(&value)?;
    // SAFETY: live store; pointer to a local.
    check(unsafe { sys::petrel_global_set(store.raw()?, global.into(), &v) })
}

/// `petrel_table_new`.
#[napi(js_name = "table_new")]
pub fn table_new(
    store: &Store,
    ty: crate::lowlevel::Tabletype,
    init: Val,
) -> Result<crate::lowlevel::Table> {
    let v = val_to_c(&init)?;
    // SAFETY: a plain C record.
    let mut out: sys::petrel_table_t = unsafe { std::mem::zeroed() };
    // SAFETY: live store; pointers to locals.
    check(unsafe { sys::petrel_table_new(store.raw()?, ty.into(), &v, &mut out) })?;
    Ok(out.into())
}

/// `petrel_table_get`.
#[napi(js_name = "table_get")]
pub fn table_get(store: &Store, table: crate::lowlevel::Table, index: u32) -> Result<Val> {
    // SAFETY: a plain C record.
    let mut out: sys::petrel_val_t = unsafe { std::mem::zeroed() };
    // SAFETY: live store; pointer to a local.
    check(unsafe { sys::petrel_table_get(store.raw()?, table.into(), index, &mut out) })?;
    Ok(val_of(&out))
}

/// `petrel_table_set`.
#[napi(js_name = "table_set")]
pub fn table_set(
    store: &Store,
    table: crate::lowlevel::Table,
    index: u32,
    value: Val,
) -> Result<()> {
    let v = val_to_c(&value)?;
    // SAFETY: live store; pointer to a local.
    check(unsafe { sys::petrel_table_set(store.raw()?, table.into(), index, &v) })
}

/// `petrel_table_grow`; gives the old size.
#[napi(js_name = "table_grow")]
pub fn table_grow(
    store: &Store,
    table: crate::lowlevel::Table,
    delta: u32,
    init: Val,
) -> Result<u32> {
    let v = val_to_c(&init)?;
    let mut old = 0u32;
    // SAFETY: live store; pointers to locals.
    check(unsafe { sys::petrel_table_grow(store.raw()?, table.into(), delta, &v, &mut old) })?;
    Ok(old)
}

/// `petrel_externref_new` for the JS value with table index `id`.
#[napi(js_name = "externref_new")]
pub fn externref_new(store: &Store, id: u32) -> Result<crate::lowlevel::Externref> {
    // SAFETY: a plain C record.
    let mut out: sys::petrel_externref_t = unsafe { std::mem::zeroed() };
    // SAFETY: live store; the data is an integer, finalized by `freed`.
    check(unsafe {
        sys::petrel_externref_new(
            store.raw()?,
            id as usize as *mut c_void,
            Some(freed),
            &mut out,
        )
    })?;
    Ok(out.into())
}

/// `petrel_externref_data`: the JS table index of the referenced value.
#[napi(js_name = "externref_data")]
pub fn externref_data(store: &Store, externref: crate::lowlevel::Externref) -> Result<u32> {
    let mut data = std::ptr::null_mut();
    // SAFETY: live store; writable local.
    check(unsafe { sys::petrel_externref_data(store.raw()?, externref.into(), &mut data) })?;
    Ok(data as usize as u32)
}

fn kinds(p: *const sys::petrel_valkind_t, n: usize) -> Vec<u32> {
    if p.is_null() {
        return Vec::new();
    }
    // SAFETY: the C API gives `n` kinds at `p`, borrowed from the live type.
    unsafe { std::slice::from_raw_parts(p, n) }
        .iter()
        .map(|&k| k.into())
        .collect()
}

/// `petrel_functype_params`.
#[napi(js_name = "functype_params")]
pub fn functype_params(functype: &Functype) -> Result<Vec<u32>> {
    let (mut p, mut n) = (std::ptr::null(), 0usize);
    // SAFETY: live type; writable locals.
    check(unsafe { sys::petrel_functype_params(functype.raw()?, &mut p, &mut n) })?;
    Ok(kinds(p, n))
}

/// `petrel_functype_results`.
#[napi(js_name = "functype_results")]
pub fn functype_results(functype: &Functype) -> Result<Vec<u32>> {
    let (mut p, mut n) = (std::ptr::null(), 0usize);
    // SAFETY: live type; writable locals.
    check(unsafe { sys::petrel_functype_results(functype.raw()?, &mut p, &mut n) })?;
    Ok(kinds(p, n))
}
