//! Stores: the owners of everything wasm touches.
//!
//! A [`Store<T>`] owns every instance, function, memory, table, global and
//! extern reference created in it, plus the embedder's data `T`. Handles
//! such as [`Func`](crate::Func) or [`Memory`](crate::Memory) are plain
//! `{store id, index}` values; every use checks the id, so a handle used
//! with another store is an error, never undefined behaviour. Nothing in a
//! store is freed before the store itself: that is what lets compiled code
//! hold raw pointers to memories, tables, globals and functions.
//!
//! The store is split in two: [`StoreOpaque`] has everything that does not
//! depend on `T` (what the runtime's builtins work on), and `StoreInner<T>`
//! adds the data and the `T`-typed callbacks (resource limiter, epoch
//! deadline callback). While wasm runs, the runtime reaches the store
//! through a `*mut dyn VMStore` taken from the `&mut` borrow of the call
//! that entered wasm.

use crate::engine::Engine;
use crate::instance::InstanceData;
use crate::limits::ResourceLimiter;
use crate::trap::{FrameInfo, Pending, Trap, TrapCode};
use crate::types::{FuncType, GlobalType, ValType};
use crate::values::{ExternRef, Val};
use crate::vm::{self, GlobalStorage, LinearMemory, VMStoreContextBox, ValRaw};
use crate::{Func, compiler};
use anyhow::{Result, anyhow, bail};
use std::any::Any;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// A handle's identity: the store it belongs to and its index there.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stored {
    /// The owning store's unique id.
    pub store_id: u64,
    /// Index in the store's list of items of this kind.
    pub index: usize,
}

impl Stored {
    pub(crate) fn new(store_id: u64, index: usize) -> Stored {
        Stored { store_id, index }
    }
}

/// A function owned by a store.
pub(crate) struct FuncData {
    /// Address of its `VMFuncRef`.
    pub(crate) func_ref: usize,
    pub(crate) ty: FuncType,
    /// Whether a parameter or result is a reference (whose raw form must
    /// be translated at the API boundary); kept so a call need not scan
    /// the type.
    pub(crate) has_refs: bool,
    /// The engine-wide signature id of `ty` (equal ids, equal types), so
    /// that instantiation checks a function import by one comparison.
    pub(crate) type_id: u32,
    pub(crate) kind: FuncKind,
}

impl FuncData {
    /// A function entry of type `ty`, whose signature id is `type_id`.
    pub(crate) fn new(func_ref: usize, ty: FuncType, type_id: u32, kind: FuncKind) -> FuncData {
        let has_refs = ty.params().iter().chain(ty.results()).any(|t| t.is_ref());
        FuncData {
            func_ref,
            ty,
            has_refs,
            type_id,
            kind,
        }
    }
}

pub(crate) enum FuncKind {
    /// Defined by wasm in this instance.
    Wasm,
    /// Defined by the host.
    Host(vm::HostFuncBox),
}

/// A global owned by a store.
pub(crate) struct GlobalData {
    pub(crate) ty: GlobalType,
    pub(crate) storage: GlobalStorage,
}

/// The part of a store that does not depend on its data type.
pub struct StoreOpaque {
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    vm_context: VMStoreContextBox,
    pub(crate) instances: Vec<InstanceData>,
    pub(crate) funcs: Vec<FuncData>,
    pub(crate) memories: Vec<LinearMemory>,
    pub(crate) tables: Vec<vm::Table>,
    pub(crate) globals: Vec<GlobalData>,
    /// Exception-handling tags: each one's type.
    pub(crate) tags: Vec<crate::TagType>,
    /// Extern references by index; `None` once collected by
    /// [`Store::gc`] (indices are never reused, so a stale handle is an
    /// error, never another reference).
    pub(crate) externrefs: Vec<Option<Box<dyn Any + Send + Sync>>>,
    /// Function handle of each `VMFuncRef` address handed out so far:
    /// every function in `funcs` is in it, which is what `vm::call` checks
    /// `funcref` arguments against.
    pub(crate) func_by_ref: HashMap<usize, usize, BuildHasherDefault<AddressHasher>>,
    pending: Option<Pending>,
}

/// The hash of `func_by_ref`'s keys: addresses of the runtime's own
/// allocations, not input, so a multiply-and-fold is enough (SipHash was a
/// visible part of instantiating a module with many imports).
#[derive(Default, Clone, Copy)]
pub(crate) struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(self.0 ^ u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        // The low bits of an aligned address are zero: mix the high half
        // of the product back in so that every bit of the key counts.
        let x = (n ^ self.0).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = x ^ (x >> 32);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

impl StoreOpaque {
    /// Checks that `item` belongs to this store and returns its index.
    #[inline]
    pub(crate) fn check(&self, item: Stored) -> Result<usize> {
        if item.store_id != self.id {
            bail!("object used with the wrong store");
        }
        Ok(item.index)
    }

    pub(crate) fn vm_context(&self) -> &VMStoreContextBox {
        &self.vm_context
    }

    pub(crate) fn vm_context_mut(&mut self) -> &mut VMStoreContextBox {
        &mut self.vm_context
    }

    /// Records why wasm must stop; the entering call returns it.
    pub(crate) fn set_pending(&mut self, pending: Pending) {
        self.pending = Some(pending);
    }

    /// Takes the reason a builtin left (tests call builtins directly).
    #[cfg(test)]
    pub(crate) fn take_pending(&mut self) -> Option<Pending> {
        self.pending.take()
    }

    /// The handle of the function whose `VMFuncRef` is at `func_ref`,
    /// creating it for a wasm function seen for the first time.
    pub(crate) fn func_from_ref(&mut self, func_ref: usize) -> Option<Func> {
        if func_ref == 0 {
            return None;
        }
        if let Some(index) = self.func_by_ref.get(&func_ref) {
            return Some(Func(Stored::new(self.id, *index)));
        }
        // A wasm function's `VMFuncRef` lies in its instance's `VMContext`:
        // found by address alone, without reading through `func_ref`.
        let (instance, func_index) = self
            .instances
            .iter()
            .enumerate()
            .find_map(|(i, data)| Some((i, data.defined_func_index_of_ref(func_ref)?)))?;
        Some(self.instance_func(instance, func_index))
    }

    /// The handle of function `func_index` of instance `instance`.
    pub(crate) fn instance_func(&mut self, instance: usize, func_index: u32) -> Func {
        if let Some(f) = self.instances[instance].funcs[func_index as usize] {
            return Func(Stored::new(self.id, f));
        }
        let inst = &self.instances[instance];
        let func_ref = inst.func_ref_address(func_index);
        let info = inst.module.info();
        let ty = info.func_type(func_index).to_public(inst.module.type_ids());
        let type_id = inst.module.type_ids()[info.functions[func_index as usize] as usize];
        let index = self.funcs.len();
        self.funcs
            .push(FuncData::new(func_ref, ty, type_id, FuncKind::Wasm));
        self.func_by_ref.insert(func_ref, index);
        self.instances[instance].funcs[func_index as usize] = Some(index);
        Func(Stored::new(self.id, index))
    }

    /// Converts a value to its raw form, checking store ownership.
    pub(crate) fn val_to_raw(&self, val: &Val) -> Result<ValRaw> {
        Ok(match val {
            Val::I32(v) => ValRaw::from_u32(*v as u32),
            Val::I64(v) => ValRaw::from_u64(*v as u64),
            Val::F32(v) => ValRaw::from_u32(*v),
            Val::F64(v) => ValRaw::from_u64(*v),
            Val::V128(v) => ValRaw::from_u128(*v),
            Val::FuncRef(None) | Val::ExternRef(None) => ValRaw::from_u64(0),
            Val::FuncRef(Some(f)) => {
                let i = self.check(f.0)?;
                ValRaw::from_u64(self.funcs[i].func_ref as u64)
            }
            Val::ExternRef(Some(e)) => {
                let i = self.check(e.0)?;
                self.externref_data(i)?;
                ValRaw::from_u64(i as u64 + 1)
            }
        })
    }

    /// Converts a raw value of type `ty` back.
    pub(crate) fn raw_to_val(&mut self, raw: ValRaw, ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw.get_u32() as i32),
            ValType::I64 => Val::I64(raw.get_u64() as i64),
            ValType::F32 => Val::F32(raw.get_u32()),
            ValType::F64 => Val::F64(raw.get_u64()),
            ValType::V128 => Val::V128(raw.get_u128()),
            t if t.is_func_ref() => Val::FuncRef(self.func_from_ref(raw.get_u64() as usize)),
            _ => Val::ExternRef(match raw.get_u64() {
                0 => None,
                id => Some(ExternRef(Stored::new(self.id, id as usize - 1))),
            }),
        }
    }

    /// Checks that `val` is a value of type `ty` (subtyping included: a
    /// function is a value of a typed reference to its own type, null
    /// only of nullable references) and belongs to this store.
    pub(crate) fn check_val(&self, val: &Val, ty: ValType) -> Result<()> {
        let Some(rt) = ty.as_ref_type() else {
            if val.ty() != ty {
                bail!("{} is not a value of type {ty}", val.ty());
            }
            return Ok(());
        };
        match val {
            Val::FuncRef(f) if rt.is_func() => {
                let f = match f {
                    Some(f) => Some(self.check(f.0)?),
                    None => None,
                };
                self.check_func_ref(f, rt)
            }
            Val::ExternRef(e) if rt.heap_type() == crate::HeapType::Extern => {
                if e.is_none() && !rt.is_nullable() {
                    bail!("null is not a value of type {ty}");
                }
                Ok(())
            }
            _ => bail!("{} is not a value of type {ty}", val.ty()),
        }
    }

    /// Checks that function `func` of this store (or null, for `None`) is
    /// a value of the function reference type `ty`.
    pub(crate) fn check_func_ref(&self, func: Option<usize>, ty: crate::RefType) -> Result<()> {
        match (func, ty.heap_type()) {
            (None, _) if !ty.is_nullable() => bail!("null is not a value of type {ty}"),
            (Some(i), crate::HeapType::ConcreteFunc(id)) => {
                let actual = self.engine.signature_id(&self.funcs[i].ty);
                if actual != id.0 {
                    bail!(
                        "a function of type {} is not a value of type {ty}",
                        self.funcs[i].ty
                    );
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Converts a reference in the public raw encoding of
    /// [`Func::call_raw`] (`0` null, else index + 1) to the internal one,
    /// validating it; other values pass through.
    pub(crate) fn ref_from_public(&self, raw: ValRaw, ty: ValType) -> Result<ValRaw> {
        let n = raw.get_u64();
        match ty {
            t if t.is_func_ref() => {
                let i = match n {
                    0 => None,
                    n => match usize::try_from(n - 1)
                        .ok()
                        .filter(|i| *i < self.funcs.len())
                    {
                        Some(i) => Some(i),
                        None => bail!("funcref {n} names no function of this store"),
                    },
                };
                if let Some(rt) = t.as_ref_type() {
                    self.check_func_ref(i, rt)?;
                }
                Ok(ValRaw::from_u64(
                    i.map_or(0, |i| self.funcs[i].func_ref as u64),
                ))
            }
            t if t.is_extern_ref()
                && n == 0
                && t.as_ref_type().is_some_and(|r| !r.is_nullable()) =>
            {
                bail!("null is not a value of type {t}")
            }
            t if t.is_extern_ref() && n != 0 => {
                match usize::try_from(n - 1)
                    .ok()
                    .and_then(|i| self.externrefs.get(i))
                {
                    Some(Some(_)) => Ok(raw),
                    Some(None) => bail!("externref {n} was collected by the store's gc"),
                    None => bail!("externref {n} names no extern reference of this store"),
                }
            }
            _ => Ok(raw),
        }
    }

    /// Converts a reference from the internal raw encoding to the public
    /// one of [`Func::call_raw`]; other values pass through.
    pub(crate) fn ref_to_public(&mut self, raw: ValRaw, ty: ValType) -> ValRaw {
        match ty {
            t if t.is_func_ref() => match self.func_from_ref(raw.get_u64() as usize) {
                Some(f) => ValRaw::from_u64(f.0.index as u64 + 1),
                None => ValRaw::from_u64(0),
            },
            _ => raw,
        }
    }

    /// Turns what the trap handler recorded into the error the call returns.
    pub(crate) fn trap_from_record(&mut self, record: vm::TrapRecord) -> anyhow::Error {
        let trace = self.symbolize(&record.backtrace);
        let raw = self.trap_code_at(record.pc);
        let code = match raw {
            Some(c)
                if c == cranelift_codegen::ir::TrapCode::unwrap_user(compiler::TRAP_LIBCALL)
                    .as_raw()
                    .get() =>
            {
                match self.pending.take() {
                    Some(Pending::Error(e)) => return e,
                    Some(Pending::Trap(code)) => code,
                    None => return anyhow!("wasm stopped with no recorded reason"),
                }
            }
            Some(c) => match TrapCode::from_raw(c) {
                Some(code) => code,
                None => return anyhow!("unknown trap code {c}"),
            },
            // A fault at an instruction that is not a memory access: the
            // only such fault compiled code can take is on the stack.
            None if record.signal == libc::SIGSEGV || record.signal == libc::SIGBUS => {
                TrapCode::StackOverflow
            }
            None => {
                return anyhow!(
                    "unexpected signal {} in compiled code at {:#x}",
                    record.signal,
                    record.pc
                );
            }
        };
        Trap { code, trace }.into()
    }

    fn trap_code_at(&self, pc: usize) -> Option<u8> {
        if self.engine.is_host_trampoline_pc(pc) {
            // A host trampoline traps only when its host function failed.
            return Some(
                cranelift_codegen::ir::TrapCode::unwrap_user(compiler::TRAP_LIBCALL)
                    .as_raw()
                    .get(),
            );
        }
        for inst in &self.instances {
            let module = &inst.module;
            if let Some(offset) = module.text_offset(pc) {
                let traps = &module.artifacts().traps;
                return traps
                    .binary_search_by_key(&offset, |t| t.offset)
                    .ok()
                    .map(|i| traps[i].code);
            }
        }
        None
    }

    fn symbolize(&self, pcs: &[usize]) -> Vec<FrameInfo> {
        let mut frames = Vec::new();
        for (i, pc) in pcs.iter().enumerate() {
            // Return addresses point after the call; look up the call itself.
            let pc = if i == 0 { *pc } else { pc.saturating_sub(1) };
            for inst in &self.instances {
                if let Some(frame) = inst.module.frame_info(pc) {
                    frames.push(frame);
                    break;
                }
            }
        }
        frames
    }
}

/// The closure that finds a store's limiter in its data.
type LimiterFn<T> = dyn (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync;

/// The closure called when the epoch deadline is reached.
type EpochCallback<T> = dyn FnMut(&mut T) -> Result<u64> + Send + Sync;

/// A store and its data, behind the `Box` of [`Store`].
pub(crate) struct StoreInner<T> {
    pub(crate) opaque: StoreOpaque,
    limiter: Option<Box<LimiterFn<T>>>,
    epoch_callback: Option<Box<EpochCallback<T>>>,
    pub(crate) data: T,
}

impl<T: 'static> vm::VMStore for StoreInner<T> {
    fn opaque_mut(&mut self) -> &mut StoreOpaque {
        &mut self.opaque
    }

    fn limiter(&mut self) -> Option<&mut dyn ResourceLimiter> {
        let f = self.limiter.as_mut()?;
        Some(f(&mut self.data))
    }

    fn epoch_deadline_reached(&mut self) -> Result<u64> {
        match self.epoch_callback.as_mut() {
            Some(f) => f(&mut self.data),
            None => Err(Trap::new(TrapCode::Interrupt).into()),
        }
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Owns all WebAssembly state of one embedding context, plus host data `T`.
///
/// A store is not shared between threads at once: every operation takes it
/// by `&mut`. It may move to another thread (`Send` when `T` is).
pub struct Store<T> {
    pub(crate) inner: Box<StoreInner<T>>,
}

impl<T: 'static> Store<T> {
    /// Creates an empty store holding `data`.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        let opaque = StoreOpaque {
            id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
            engine: engine.clone(),
            vm_context: VMStoreContextBox::new(&engine.inner.epoch),
            instances: Vec::new(),
            funcs: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            externrefs: Vec::new(),
            func_by_ref: HashMap::default(),
            pending: None,
        };
        Store {
            inner: Box::new(StoreInner {
                opaque,
                limiter: None,
                epoch_callback: None,
                data,
            }),
        }
    }
}

impl<T> Store<T> {
    /// The host data.
    pub fn data(&self) -> &T {
        &self.inner.data
    }

    /// The host data, mutable.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data
    }

    /// Consumes the store and returns its data.
    pub fn into_data(self) -> T {
        self.inner.data
    }

    /// The engine the store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.opaque.engine
    }

    /// Sets the fuel available to wasm.
    ///
    /// # Errors
    /// When the engine was not configured with `consume_fuel`.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.as_context_mut().set_fuel(fuel)
    }

    /// The fuel left.
    ///
    /// # Errors
    /// When the engine was not configured with `consume_fuel`.
    pub fn get_fuel(&self) -> Result<u64> {
        store_fuel(&self.inner)
    }

    /// Frees the extern references that no global or table of the store
    /// holds any more (their host values are dropped here). Handles to a
    /// collected reference are invalid afterwards: using one is an error.
    /// Taking the store itself (not a context) guarantees no wasm is
    /// running in it, so no reference lives only on a wasm stack.
    pub fn gc(&mut self) {
        drop(self.inner.opaque.collect_externrefs());
    }

    /// Like [`Store::gc`], but hands the collected host values back
    /// instead of dropping them, so that an embedder can drop them when
    /// it no longer holds a lock around the store.
    pub fn gc_take(&mut self) -> Vec<Box<dyn Any + Send + Sync>> {
        self.inner.opaque.collect_externrefs()
    }

    /// Sets the epoch deadline to `ticks` beyond the engine's current epoch.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.as_context_mut().set_epoch_deadline(ticks);
    }

    /// Makes reaching the epoch deadline trap with `Interrupt` (the default).
    pub fn epoch_deadline_trap(&mut self) {
        self.inner.epoch_callback = None;
    }

    /// Calls `f` when the epoch deadline is reached: `Ok(ticks)` extends the
    /// deadline by `ticks` and continues, an error stops wasm with it.
    pub fn epoch_deadline_callback(
        &mut self,
        f: impl FnMut(&mut T) -> Result<u64> + Send + Sync + 'static,
    ) {
        self.inner.epoch_callback = Some(Box::new(f));
    }

    /// Installs a resource limiter consulted whenever a memory or table is
    /// created or grows.
    pub fn limiter(
        &mut self,
        f: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        self.as_context_mut().limiter(f);
    }
}

fn store_fuel<T>(inner: &StoreInner<T>) -> Result<u64> {
    if !inner.opaque.engine.config().consume_fuel {
        bail!("fuel is not enabled: use Config::consume_fuel(true)");
    }
    Ok(inner.opaque.vm_context.fuel().max(0) as u64)
}

impl<T> StoreContextMut<'_, T> {
    /// Sets the fuel available to wasm (see [`Store::set_fuel`]).
    ///
    /// # Errors
    /// When the engine was not configured with `consume_fuel`.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        if !self.0.opaque.engine.config().consume_fuel {
            bail!("fuel is not enabled: use Config::consume_fuel(true)");
        }
        let fuel = i64::try_from(fuel).unwrap_or(i64::MAX);
        self.0.opaque.vm_context.set_fuel(fuel);
        Ok(())
    }

    /// The fuel left (see [`Store::get_fuel`]).
    ///
    /// # Errors
    /// When the engine was not configured with `consume_fuel`.
    pub fn get_fuel(&self) -> Result<u64> {
        store_fuel(self.0)
    }

    /// Sets the epoch deadline (see [`Store::set_epoch_deadline`]).
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        let now = self.0.opaque.engine.current_epoch();
        self.0
            .opaque
            .vm_context
            .set_epoch_deadline(now.saturating_add(ticks));
    }

    /// Installs a resource limiter (see [`Store::limiter`]).
    pub fn limiter(
        &mut self,
        f: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        self.0.limiter = Some(Box::new(f));
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.opaque.id)
            .finish()
    }
}

/// A shared borrow of a store.
pub struct StoreContext<'a, T>(pub(crate) &'a StoreInner<T>);
/// An exclusive borrow of a store.
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut StoreInner<T>);

impl<T> StoreContext<'_, T> {
    /// The store's unique id: the `store_id` of every handle it owns.
    pub fn id(&self) -> u64 {
        self.0.opaque.id
    }
    /// The host data.
    pub fn data(&self) -> &T {
        &self.0.data
    }
    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.0.opaque.engine
    }
}

impl<T> StoreContextMut<'_, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        &self.0.data
    }
    /// The host data, mutable.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.0.data
    }
    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.0.opaque.engine
    }
}

/// Anything that can lend a store for reading.
pub trait AsContext {
    /// The store's data type.
    type Data;
    /// Borrows the store.
    fn as_context(&self) -> StoreContext<'_, Self::Data>;
}

/// Anything that can lend a store exclusively.
pub trait AsContextMut: AsContext {
    /// Borrows the store exclusively.
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(&self.inner)
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(&mut self.inner)
    }
}
impl<T> AsContext for StoreContext<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}
impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}
impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.0)
    }
}
impl<S: AsContext + ?Sized> AsContext for &S {
    type Data = S::Data;
    fn as_context(&self) -> StoreContext<'_, S::Data> {
        (**self).as_context()
    }
}
impl<S: AsContext + ?Sized> AsContext for &mut S {
    type Data = S::Data;
    fn as_context(&self) -> StoreContext<'_, S::Data> {
        (**self).as_context()
    }
}
impl<S: AsContextMut + ?Sized> AsContextMut for &mut S {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, S::Data> {
        (**self).as_context_mut()
    }
}

impl<'a, T> From<&'a Store<T>> for StoreContext<'a, T> {
    fn from(s: &'a Store<T>) -> Self {
        StoreContext(&s.inner)
    }
}
impl<'a, T> From<&'a mut Store<T>> for StoreContext<'a, T> {
    fn from(s: &'a mut Store<T>) -> Self {
        StoreContext(&s.inner)
    }
}
impl<'a, T> From<&'a StoreContextMut<'_, T>> for StoreContext<'a, T> {
    fn from(s: &'a StoreContextMut<'_, T>) -> Self {
        StoreContext(s.0)
    }
}
impl<'a, T> From<&'a crate::Caller<'_, T>> for StoreContext<'a, T> {
    fn from(s: &'a crate::Caller<'_, T>) -> Self {
        StoreContext(s.store)
    }
}
impl<'a, T> From<&'a mut crate::Caller<'_, T>> for StoreContext<'a, T> {
    fn from(s: &'a mut crate::Caller<'_, T>) -> Self {
        StoreContext(s.store)
    }
}

/// The kinds of store-owned items a [`Stored`] identity can name.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ItemKind {
    Func,
    Memory,
    Table,
    Global,
    Instance,
    ExternRef,
    Tag,
}

impl StoreOpaque {
    /// Checks that `item` names an existing item of `kind` in this store.
    #[inline]
    pub(crate) fn check_exists(&self, item: Stored, kind: ItemKind) -> Result<()> {
        let index = self.check(item)?;
        let len = match kind {
            ItemKind::Func => self.funcs.len(),
            ItemKind::Memory => self.memories.len(),
            ItemKind::Table => self.tables.len(),
            ItemKind::Global => self.globals.len(),
            ItemKind::Instance => self.instances.len(),
            ItemKind::ExternRef => self.externrefs.len(),
            ItemKind::Tag => self.tags.len(),
        };
        if index >= len {
            bail!("invalid {kind:?} handle: index {index} is not in this store");
        }
        if kind == ItemKind::ExternRef && self.externrefs[index].is_none() {
            bail!("the extern reference was collected by the store's gc");
        }
        Ok(())
    }

    /// The host value of extern reference `index`.
    pub(crate) fn externref_data(&self, index: usize) -> Result<&(dyn Any + Send + Sync)> {
        match self.externrefs.get(index) {
            Some(Some(b)) => Ok(&**b),
            Some(None) => bail!("the extern reference was collected by the store's gc"),
            None => bail!("invalid ExternRef handle: index {index} is not in this store"),
        }
    }

    /// Frees every extern reference no global or table of the store holds;
    /// returns them, so the caller drops them (running their destructors)
    /// when it chooses.
    ///
    /// Only sound with no wasm on the stack (wasm frames hold references
    /// the scan does not see): [`Store::gc`] guarantees it by taking the
    /// store itself, which a running call has borrowed.
    fn collect_externrefs(&mut self) -> Vec<Box<dyn Any + Send + Sync>> {
        let mut live = vec![false; self.externrefs.len()];
        let mut mark = |raw: u64| {
            if let Some(slot) = raw.checked_sub(1).and_then(|i| live.get_mut(i as usize)) {
                *slot = true;
            }
        };
        for g in &self.globals {
            if g.ty.content().is_extern_ref() {
                mark(g.storage.get().get_u64());
            }
        }
        for t in &self.tables {
            if !t.ty().element().is_func() {
                for e in t.elements() {
                    mark(*e as u64);
                }
            }
        }
        let mut dead = Vec::new();
        for (slot, live) in self.externrefs.iter_mut().zip(live) {
            if !live && let Some(b) = slot.take() {
                dead.push(b);
            }
        }
        dead
    }
}

/// Conversions between handles and their plain `{store id, index}`
/// identity, for embedders that keep handles as plain data (the C API).
macro_rules! stored_handle {
    ($($ty:ident => $kind:ident),* $(,)?) => {$(
        impl crate::$ty {
            /// The handle's `{store id, index}` identity.
            pub fn stored(&self) -> Stored {
                self.0
            }

            /// The handle with identity `id`, checked against `store`.
            ///
            /// # Errors
            /// When `id` belongs to another store or names no item of this
            /// kind in `store`.
            pub fn from_stored(store: impl AsContext, id: Stored) -> Result<Self> {
                store.as_context().0.opaque.check_exists(id, ItemKind::$kind)?;
                Ok(crate::$ty(id))
            }
        }
    )*};
}

stored_handle! {
    Func => Func,
    Memory => Memory,
    Table => Table,
    Global => Global,
    Instance => Instance,
    ExternRef => ExternRef,
    Tag => Tag,
}
