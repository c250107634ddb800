//! Values crossing between the host and wasm.

use crate::func::Func;
use crate::store::{AsContext, AsContextMut, Stored};
use crate::types::{RefType, ValType};
use anyhow::Result;
use std::any::Any;

/// A reference to a host value, owned by a store. Wasm can pass it around
/// but not look inside.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct ExternRef(pub(crate) Stored);

impl ExternRef {
    /// Puts `value` in the store and returns a reference to it.
    pub fn new(mut store: impl AsContextMut, value: impl Any + Send + Sync) -> ExternRef {
        let store = store.as_context_mut().0;
        let opaque = &mut store.opaque;
        opaque.externrefs.push(Some(Box::new(value)));
        ExternRef(Stored::new(opaque.id, opaque.externrefs.len() - 1))
    }

    /// The host value.
    ///
    /// # Errors
    /// When the reference belongs to another store or was collected
    /// ([`crate::Store::gc`]).
    pub fn data<'a, T: 'a>(
        &self,
        store: impl Into<crate::StoreContext<'a, T>>,
    ) -> Result<&'a (dyn Any + Send + Sync)> {
        let store = store.into().0;
        let index = store.opaque.check(self.0)?;
        store.opaque.externref_data(index)
    }

    /// Whether this reference belongs to the given store.
    pub fn comes_from(&self, store: impl AsContext) -> bool {
        self.0.store_id == store.as_context().0.opaque.id
    }
}

/// A WebAssembly value.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Val {
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `f32`, as bits (so NaN payloads survive).
    F32(u32),
    /// `f64`, as bits.
    F64(u64),
    /// `v128`.
    V128(u128),
    /// `funcref`.
    FuncRef(Option<Func>),
    /// `externref`.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero (or null) value of a type. For a non-nullable reference
    /// type that is its heap type's null, which is not a value of the type
    /// (such a type has no default: storing it where the type is checked
    /// fails).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::Ref(t) => Ref::null(RefType::Typed(t)).into(),
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self {
            Some(f32::from_bits(*v))
        } else {
            None
        }
    }
    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self {
            Some(f64::from_bits(*v))
        } else {
            None
        }
    }
    /// The `v128`, if this is one.
    pub fn v128(&self) -> Option<u128> {
        if let Val::V128(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The function reference, if this is a `funcref` (outer None when not).
    pub fn funcref(&self) -> Option<Option<&Func>> {
        if let Val::FuncRef(f) = self {
            Some(f.as_ref())
        } else {
            None
        }
    }
    /// The extern reference, if this is an `externref`.
    pub fn externref(&self) -> Option<Option<&ExternRef>> {
        if let Val::ExternRef(e) = self {
            Some(e.as_ref())
        } else {
            None
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
impl From<Ref> for Val {
    fn from(r: Ref) -> Val {
        match r {
            Ref::Func(f) => Val::FuncRef(f),
            Ref::Extern(e) => Val::ExternRef(e),
        }
    }
}

/// A reference value: what tables hold.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Ref {
    /// A `funcref`.
    Func(Option<Func>),
    /// An `externref`.
    Extern(Option<ExternRef>),
}

impl Ref {
    /// The type of this reference.
    pub fn ty(&self) -> RefType {
        match self {
            Ref::Func(_) => RefType::FuncRef,
            Ref::Extern(_) => RefType::ExternRef,
        }
    }
    /// Whether this is a null reference.
    pub fn is_null(&self) -> bool {
        matches!(self, Ref::Func(None) | Ref::Extern(None))
    }
    /// The null reference of a type's heap type (a reference of the type
    /// itself only if it is nullable).
    pub fn null(ty: RefType) -> Ref {
        if ty.is_func() {
            Ref::Func(None)
        } else {
            Ref::Extern(None)
        }
    }
}

impl From<Func> for Ref {
    fn from(f: Func) -> Ref {
        Ref::Func(Some(f))
    }
}
impl From<ExternRef> for Ref {
    fn from(e: ExternRef) -> Ref {
        Ref::Extern(Some(e))
    }
}
