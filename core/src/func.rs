//! Functions: calling wasm from the host, host functions callable from
//! wasm, and statically typed views of both.

use crate::externals::Extern;
use crate::store::{
    AsContext, AsContextMut, FuncData, FuncKind, StoreContext, StoreInner, StoreOpaque, Stored,
};
use crate::types::{FuncType, ValType};
use crate::values::{ExternRef, Val};
use crate::vm::{self, HostFn, VMStore, ValRaw};
use anyhow::{Context, Result, bail};
use std::marker::PhantomData;
use std::sync::Arc;

/// A function owned by a store: defined by wasm or by the host.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) Stored);

/// What a host function sees of its caller: the store (data included) and
/// the calling instance's exports.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut StoreInner<T>,
    pub(crate) caller: Option<usize>,
}

impl<T> Caller<'_, T> {
    /// The store's data.
    pub fn data(&self) -> &T {
        &self.store.data
    }
    /// The store's data, mutable.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data
    }
    /// The engine.
    pub fn engine(&self) -> &crate::Engine {
        &self.store.opaque.engine
    }
    /// An export of the calling instance (None when called from the host).
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        let instance = crate::Instance(Stored::new(self.store.opaque.id, self.caller?));
        instance.export(&mut self.store.opaque, name).ok().flatten()
    }
    /// Fuel left (see [`crate::Store::get_fuel`]).
    pub fn get_fuel(&self) -> Result<u64> {
        if !self.store.opaque.engine.config().consume_fuel {
            bail!("fuel is not enabled: use Config::consume_fuel(true)");
        }
        Ok(self.store.opaque.vm_context().fuel().max(0) as u64)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.store)
    }
}
impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> crate::StoreContextMut<'_, T> {
        crate::StoreContextMut(self.store)
    }
}

/// The store behind `store` as the concrete `StoreInner<T>` a host function
/// of that store was created for.
fn downcast<T: 'static>(store: &mut dyn VMStore) -> &mut StoreInner<T> {
    store
        .as_any_mut()
        .downcast_mut::<StoreInner<T>>()
        .expect("a host function only runs in the store that created it")
}

/// What every store's copy of a host function of one type shares: its
/// signature id and its wasm-to-host trampoline.
#[derive(Clone)]
pub(crate) struct PreparedHostFunc {
    type_id: u32,
    trampoline: Arc<vm::HostTrampoline>,
}

impl PreparedHostFunc {
    /// Looks both up in `engine` (compiling the trampoline the first time
    /// the engine sees the type).
    pub(crate) fn new(engine: &crate::Engine, ty: &FuncType) -> Result<PreparedHostFunc> {
        let trampoline = {
            let mut cache = engine
                .inner
                .host_trampolines
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match cache.get(ty) {
                Some(t) => t.clone(),
                None => {
                    let code = crate::compiler::compile_host_trampoline(engine, ty)?;
                    let t = Arc::new(vm::HostTrampoline::new(&code)?);
                    cache.insert(ty.clone(), t.clone());
                    t
                }
            }
        };
        Ok(PreparedHostFunc {
            type_id: engine.signature_id(ty),
            trampoline,
        })
    }
}

/// Registers a host function in `opaque`.
pub(crate) fn new_host_func(
    opaque: &mut StoreOpaque,
    ty: FuncType,
    host: Arc<HostFn>,
) -> Result<Func> {
    let prepared = PreparedHostFunc::new(&opaque.engine, &ty)?;
    Ok(push_host_func(opaque, ty, host, &prepared))
}

/// Registers a host function of type `ty` in `opaque`, `prepared` for
/// that type by this store's engine.
pub(crate) fn push_host_func(
    opaque: &mut StoreOpaque,
    ty: FuncType,
    host: Arc<HostFn>,
    prepared: &PreparedHostFunc,
) -> Func {
    let boxed = vm::HostFuncBox::new(host, prepared.type_id, prepared.trampoline.clone());
    let func_ref = boxed.func_ref() as usize;
    let index = opaque.funcs.len();
    opaque.funcs.push(FuncData::new(
        func_ref,
        ty,
        prepared.type_id,
        FuncKind::Host(boxed),
    ));
    opaque.func_by_ref.insert(func_ref, index);
    Func(Stored::new(opaque.id, index))
}

/// Wraps an untyped host closure: converts raw arguments to [`Val`]s and
/// checks the results it writes against `ty`.
pub(crate) fn untyped_host_fn<T: 'static>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
) -> Arc<HostFn> {
    let sig = ty;
    Arc::new(move |store, caller, values| {
        let inner = downcast::<T>(store);
        let params: Vec<Val> = sig
            .params()
            .iter()
            .enumerate()
            .map(|(i, t)| inner.opaque.raw_to_val(values[i], *t))
            .collect();
        let mut results: Vec<Val> = sig.results().iter().map(|t| Val::default_for(*t)).collect();
        f(
            Caller {
                store: &mut *inner,
                caller,
            },
            &params,
            &mut results,
        )?;
        for (i, (r, t)) in results.iter().zip(sig.results()).enumerate() {
            inner
                .opaque
                .check_val(r, *t)
                .with_context(|| format!("host function result {i}"))?;
            values[i] = inner.opaque.val_to_raw(r)?;
        }
        Ok(())
    })
}

impl Func {
    /// Creates a host function of type `ty`. `f` gets the caller, the
    /// arguments, and result slots to fill; an error it returns comes back
    /// out of the wasm call that reached it.
    pub fn new<S, T: 'static>(
        mut store: S,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func
    where
        S: AsContextMut<Data = T>,
    {
        let host = untyped_host_fn::<T>(ty.clone(), f);
        let inner = store.as_context_mut().0;
        new_host_func(&mut inner.opaque, ty, host)
            .expect("compiling a host trampoline cannot fail for a valid signature")
    }

    /// Creates a host function from a closure with typed parameters and
    /// results (`i32`, `i64`, `f32`, `f64`, `u32`, `u64`, `u128` for `v128`,
    /// `Option<Func>`, `Option<ExternRef>`), optionally taking a [`Caller`] first and
    /// returning a value, a tuple, or a `Result` of those.
    pub fn wrap<S, T: 'static, Params, Results>(
        mut store: S,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func
    where
        S: AsContextMut<Data = T>,
    {
        let (ty, host) = f.into_host_fn();
        let inner = store.as_context_mut().0;
        new_host_func(&mut inner.opaque, ty, host)
            .expect("compiling a host trampoline cannot fail for a valid signature")
    }

    /// The function's type.
    ///
    /// # Errors
    /// When the handle belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> Result<FuncType> {
        let s = store.as_context();
        let o = &s.0.opaque;
        Ok(o.funcs[o.check(self.0)?].ty.clone())
    }

    /// Calls the function with `params`, writing `results`.
    ///
    /// # Errors
    /// A wrong number or type of arguments or results, a handle of another
    /// store, a [`Trap`](crate::Trap), or the error a host function raised.
    pub fn call<S>(&self, mut store: S, params: &[Val], results: &mut [Val]) -> Result<()>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let inner = store.as_context_mut().0;
        let index = inner.opaque.check(self.0)?;
        let ty = inner.opaque.funcs[index].ty.clone();
        if params.len() != ty.params().len() {
            bail!(
                "expected {} arguments, got {}",
                ty.params().len(),
                params.len()
            );
        }
        if results.len() != ty.results().len() {
            bail!(
                "expected {} results, got space for {}",
                ty.results().len(),
                results.len()
            );
        }
        let mut values = vec![ValRaw::default(); params.len().max(results.len()).max(1)];
        for (i, (p, t)) in params.iter().zip(ty.params()).enumerate() {
            inner
                .opaque
                .check_val(p, *t)
                .with_context(|| format!("argument {i}"))?;
            values[i] = inner.opaque.val_to_raw(p)?;
        }
        vm::call::call_func(inner, index, &mut values)?;
        for (i, t) in ty.results().iter().enumerate() {
            results[i] = inner.opaque.raw_to_val(values[i], *t);
        }
        Ok(())
    }

    /// Calls the function with arguments and results in one flat array of
    /// untyped values: the arguments in `values[..params]` on entry, the
    /// results in `values[..results]` on return. No allocation, one store
    /// check and one length check: the fast path for bindings.
    ///
    /// Numeric values are stored little-endian in the low bytes. A
    /// reference is `0` for null, otherwise its handle's index plus one
    /// (a `funcref` names a [`Func`], an `externref` an [`ExternRef`] of
    /// this store); references in arguments are validated, so no input
    /// is undefined behaviour.
    ///
    /// # Errors
    /// A handle of another store, `values` shorter than the parameter or
    /// result count, a reference naming no item of this store, a
    /// [`Trap`](crate::Trap), or the error a host function raised.
    pub fn call_raw<S>(&self, mut store: S, values: &mut [ValRaw]) -> Result<()>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let inner = store.as_context_mut().0;
        let opaque = &mut inner.opaque;
        let index = opaque.check(self.0)?;
        let Some(data) = opaque.funcs.get(index) else {
            bail!("invalid Func handle: index {index} is not in this store");
        };
        let ty = &data.ty;
        let (params, results) = (ty.params().len(), ty.results().len());
        if values.len() < params.max(results) {
            bail!(
                "expected room for {} values ({params} arguments, {results} results), got {}",
                params.max(results),
                values.len()
            );
        }
        let has_refs = data.has_refs;
        if !has_refs && matches!(data.kind, FuncKind::Wasm) {
            // The common case, without the generic entry's second lookup:
            // numbers in and out, compiled code called directly.
            let func_ref = data.func_ref as *const vm::VMFuncRef;
            let max_stack = opaque.engine.config().max_wasm_stack;
            // SAFETY: `func_ref` is the live `VMFuncRef` of a wasm function
            // owned by this store, and `values` holds at least
            // max(params, results) slots (checked above); the raw values'
            // types are the caller's contract, as for `call_func`.
            return match unsafe {
                vm::call::invoke_wasm(inner, func_ref, values.as_mut_ptr(), max_stack)
            } {
                Ok(()) => Ok(()),
                Err(record) => Err(inner.opaque.trap_from_record(*record)),
            };
        }
        if has_refs {
            for (i, value) in values.iter_mut().enumerate().take(params) {
                let t = opaque.funcs[index].ty.params()[i];
                *value = opaque.ref_from_public(*value, t)?;
            }
        }
        vm::call::call_func(inner, index, values)?;
        if has_refs {
            let opaque = &mut inner.opaque;
            for (i, value) in values.iter_mut().enumerate().take(results) {
                let t = opaque.funcs[index].ty.results()[i];
                *value = opaque.ref_to_public(*value, t);
            }
        }
        Ok(())
    }

    /// A statically typed view of this function.
    ///
    /// # Errors
    /// When the function's type is not `P -> R`.
    pub fn typed<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<P, R>> {
        let ty = self.ty(store)?;
        if ty.params() != P::types().as_slice() || ty.results() != R::types().as_slice() {
            bail!(
                "type mismatch: function is {ty}, requested {}",
                FuncType::new(P::types(), R::types())
            );
        }
        Ok(TypedFunc {
            func: *self,
            _marker: PhantomData,
        })
    }
}

/// A function with a static signature: `call` takes and returns Rust
/// values directly.
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// The untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }

    /// Calls the function.
    ///
    /// # Errors
    /// A [`Trap`](crate::Trap), a host function's error, or a handle of
    /// another store.
    pub fn call<S>(&self, mut store: S, params: P) -> Result<R>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let inner = store.as_context_mut().0;
        let index = inner.opaque.check(self.func.0)?;
        let mut values = [ValRaw::default(); 16];
        let mut heap;
        let n = P::COUNT.max(R::COUNT);
        let values: &mut [ValRaw] = if n <= 16 {
            &mut values
        } else {
            heap = vec![ValRaw::default(); n];
            &mut heap
        };
        params.store(&inner.opaque, values)?;
        vm::call::call_func(inner, index, values)?;
        Ok(R::load(&mut inner.opaque, values))
    }
}

/// A Rust type that maps to one wasm value type.
pub trait WasmTy: Sized {
    /// The wasm type.
    fn valtype() -> ValType;
    #[doc(hidden)]
    fn to_raw(self, store: &StoreOpaque) -> Result<ValRaw>;
    #[doc(hidden)]
    fn from_raw(raw: ValRaw, store: &mut StoreOpaque) -> Self;
}

macro_rules! wasm_ty_num {
    ($t:ty, $vt:ident, $to:expr, $from:expr) => {
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::$vt
            }
            fn to_raw(self, _: &StoreOpaque) -> Result<ValRaw> {
                Ok($to(self))
            }
            fn from_raw(raw: ValRaw, _: &mut StoreOpaque) -> Self {
                $from(raw)
            }
        }
    };
}
wasm_ty_num!(
    i32,
    I32,
    |v: i32| ValRaw::from_u32(v as u32),
    |r: ValRaw| r.get_u32() as i32
);
wasm_ty_num!(u32, I32, ValRaw::from_u32, |r: ValRaw| r.get_u32());
wasm_ty_num!(
    i64,
    I64,
    |v: i64| ValRaw::from_u64(v as u64),
    |r: ValRaw| r.get_u64() as i64
);
wasm_ty_num!(u64, I64, ValRaw::from_u64, |r: ValRaw| r.get_u64());
wasm_ty_num!(
    f32,
    F32,
    |v: f32| ValRaw::from_u32(v.to_bits()),
    |r: ValRaw| f32::from_bits(r.get_u32())
);
wasm_ty_num!(
    f64,
    F64,
    |v: f64| ValRaw::from_u64(v.to_bits()),
    |r: ValRaw| f64::from_bits(r.get_u64())
);
wasm_ty_num!(u128, V128, ValRaw::from_u128, |r: ValRaw| r.get_u128());

impl WasmTy for Option<Func> {
    fn valtype() -> ValType {
        ValType::FuncRef
    }
    fn to_raw(self, store: &StoreOpaque) -> Result<ValRaw> {
        store.val_to_raw(&Val::FuncRef(self))
    }
    fn from_raw(raw: ValRaw, store: &mut StoreOpaque) -> Self {
        store.func_from_ref(raw.get_u64() as usize)
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::ExternRef
    }
    fn to_raw(self, store: &StoreOpaque) -> Result<ValRaw> {
        store.val_to_raw(&Val::ExternRef(self))
    }
    fn from_raw(raw: ValRaw, store: &mut StoreOpaque) -> Self {
        match store.raw_to_val(raw, ValType::ExternRef) {
            Val::ExternRef(e) => e,
            _ => None,
        }
    }
}

/// Parameters of a typed function: a [`WasmTy`] or a tuple of them.
pub trait WasmParams: Sized {
    /// Number of values.
    const COUNT: usize;
    /// The wasm types.
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn store(self, store: &StoreOpaque, values: &mut [ValRaw]) -> Result<()>;
}

/// Results of a typed function: a [`WasmTy`] or a tuple of them.
pub trait WasmResults: Sized {
    /// Number of values.
    const COUNT: usize;
    /// The wasm types.
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn load(store: &mut StoreOpaque, values: &[ValRaw]) -> Self;
}

impl<A: WasmTy> WasmParams for A {
    const COUNT: usize = 1;
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn store(self, store: &StoreOpaque, values: &mut [ValRaw]) -> Result<()> {
        values[0] = self.to_raw(store)?;
        Ok(())
    }
}
impl<A: WasmTy> WasmResults for A {
    const COUNT: usize = 1;
    fn types() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn load(store: &mut StoreOpaque, values: &[ValRaw]) -> Self {
        A::from_raw(values[0], store)
    }
}

macro_rules! tuples {
    ($($n:literal: ($($t:ident $i:tt),*);)*) => {$(
        impl<$($t: WasmTy),*> WasmParams for ($($t,)*) {
            const COUNT: usize = $n;
            fn types() -> Vec<ValType> {
                vec![$($t::valtype()),*]
            }
            #[allow(unused_variables, reason = "the empty tuple stores nothing")]
            fn store(self, store: &StoreOpaque, values: &mut [ValRaw]) -> Result<()> {
                $(values[$i] = self.$i.to_raw(store)?;)*
                Ok(())
            }
        }
        impl<$($t: WasmTy),*> WasmResults for ($($t,)*) {
            const COUNT: usize = $n;
            fn types() -> Vec<ValType> {
                vec![$($t::valtype()),*]
            }
            #[allow(unused_variables, clippy::unused_unit, reason = "the empty tuple loads nothing")]
            fn load(store: &mut StoreOpaque, values: &[ValRaw]) -> Self {
                ($($t::from_raw(values[$i], store),)*)
            }
        }
    )*};
}

tuples! {
    0: ();
    1: (A 0);
    2: (A 0, B 1);
    3: (A 0, B 1, C 2);
    4: (A 0, B 1, C 2, D 3);
    5: (A 0, B 1, C 2, D 3, E 4);
    6: (A 0, B 1, C 2, D 3, E 4, F 5);
    7: (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    8: (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
}

/// What a typed host closure may return: results, or a `Result` of them.
pub trait HostResult {
    /// The results type.
    type Results: WasmResults;
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Results>;
}

impl<R: WasmResults> HostResult for R {
    type Results = R;
    fn into_result(self) -> Result<R> {
        Ok(self)
    }
}

impl<R: WasmResults> HostResult for Result<R> {
    type Results = R;
    fn into_result(self) -> Result<R> {
        self
    }
}

/// A closure usable with [`Func::wrap`] and `Linker::func_wrap`.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host_fn(self) -> (FuncType, Arc<HostFn>);
}

/// Results a typed host closure writes back.
pub trait WasmResultsStore: WasmResults {
    #[doc(hidden)]
    fn store_into(self, store: &StoreOpaque, values: &mut [ValRaw]) -> Result<()>;
}

impl<A: WasmTy> WasmResultsStore for A {
    fn store_into(self, store: &StoreOpaque, values: &mut [ValRaw]) -> Result<()> {
        values[0] = self.to_raw(store)?;
        Ok(())
    }
}

macro_rules! results_store {
    ($(($($t:ident $i:tt),*);)*) => {$(
        impl<$($t: WasmTy),*> WasmResultsStore for ($($t,)*) {
            #[allow(unused_variables, reason = "the empty tuple stores nothing")]
            fn store_into(self, store: &StoreOpaque, values: &mut [ValRaw]) -> Result<()> {
                $(values[$i] = self.$i.to_raw(store)?;)*
                Ok(())
            }
        }
    )*};
}
results_store! {
    ();
    (A 0);
    (A 0, B 1);
    (A 0, B 1, C 2);
    (A 0, B 1, C 2, D 3);
    (A 0, B 1, C 2, D 3, E 4);
    (A 0, B 1, C 2, D 3, E 4, F 5);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
}

macro_rules! into_func {
    ($(($($a:ident $i:tt),*);)*) => {$(
        impl<T: 'static, F, R, $($a: WasmTy),*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: HostResult,
            R::Results: WasmResultsStore,
        {
            fn into_host_fn(self) -> (FuncType, Arc<HostFn>) {
                let ty = FuncType::new(vec![$($a::valtype()),*], R::Results::types());
                let host: Arc<HostFn> = Arc::new(move |store, _caller, values| {
                    let inner = downcast::<T>(store);
                    $(#[allow(non_snake_case, reason = "named after the type parameter")] let $a = $a::from_raw(values[$i], &mut inner.opaque);)*
                    let r = (self)($($a),*).into_result()?;
                    r.store_into(&inner.opaque, values)
                });
                (ty, host)
            }
        }

        impl<T: 'static, F, R, $($a: WasmTy),*> IntoFunc<T, (Caller<'static, T>, $($a,)*), R> for F
        where
            F: for<'a> Fn(Caller<'a, T>, $($a),*) -> R + Send + Sync + 'static,
            R: HostResult,
            R::Results: WasmResultsStore,
        {
            fn into_host_fn(self) -> (FuncType, Arc<HostFn>) {
                let ty = FuncType::new(vec![$($a::valtype()),*], R::Results::types());
                let host: Arc<HostFn> = Arc::new(move |store, caller, values| {
                    let inner = downcast::<T>(store);
                    $(#[allow(non_snake_case, reason = "named after the type parameter")] let $a = $a::from_raw(values[$i], &mut inner.opaque);)*
                    let r = (self)(Caller { store: &mut *inner, caller }, $($a),*).into_result()?;
                    r.store_into(&inner.opaque, values)
                });
                (ty, host)
            }
        }
    )*};
}

into_func! {
    ();
    (A1 0);
    (A1 0, A2 1);
    (A1 0, A2 1, A3 2);
    (A1 0, A2 1, A3 2, A4 3);
    (A1 0, A2 1, A3 2, A4 3, A5 4);
    (A1 0, A2 1, A3 2, A4 3, A5 4, A6 5);
    (A1 0, A2 1, A3 2, A4 3, A5 4, A6 5, A7 6);
    (A1 0, A2 1, A3 2, A4 3, A5 4, A6 5, A7 6, A8 7);
}
