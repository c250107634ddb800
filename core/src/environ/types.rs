//! Value and function types as the module description and the compiler see
//! them, separate from the public [`ValType`] and [`FuncType`] of the
//! embedding API.
//!
//! The public types say what an embedder sees, in engine-wide terms: a
//! reference to a concrete function type names it by its engine-wide
//! [`FuncTypeId`]. These say what a module declares, in the module's terms:
//! a reference type is a heap type plus nullability ([`WasmRefType`]), and
//! a concrete heap type is the module's type index, so the metadata does
//! not depend on the engine that compiled it (it is serialized with the
//! code). `to_public` maps them with the module's engine-wide type ids;
//! subtyping is decided on the public types ([`ValType::matches`]), where
//! equivalent types of different modules are the same id.

use crate::types::{FuncType, FuncTypeId, HeapType, RefType, ValType};
use serde::{Deserialize, Serialize};

/// What a reference points to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WasmHeapType {
    /// Any function (`func`).
    Func,
    /// Any host value (`extern`).
    Extern,
    /// Functions of the module's type `index` (`(ref $t)` in a module).
    ConcreteModule(u32),
    /// Functions of the engine-wide function type `id` (from a public type,
    /// e.g. a host function's signature).
    ConcreteEngine(u32),
}

/// A reference type: a heap type, and whether null is a value of it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WasmRefType {
    /// Whether the reference may be null.
    pub nullable: bool,
    /// What it points to.
    pub heap_type: WasmHeapType,
}

impl WasmRefType {
    /// `funcref`, i.e. `(ref null func)`.
    pub const FUNCREF: WasmRefType = WasmRefType {
        nullable: true,
        heap_type: WasmHeapType::Func,
    };

    /// `externref`, i.e. `(ref null extern)`.
    pub const EXTERNREF: WasmRefType = WasmRefType {
        nullable: true,
        heap_type: WasmHeapType::Extern,
    };

    /// Converts a `wasmparser` reference type; `None` for one Petrel does
    /// not support yet (the GC proposal's and exception handling's heap
    /// types, shared references).
    pub fn from_wasmparser(ty: wasmparser::RefType) -> Option<WasmRefType> {
        use wasmparser::{AbstractHeapType, HeapType as H, UnpackedIndex};
        let heap_type = match ty.heap_type() {
            H::Abstract {
                shared: false,
                ty: AbstractHeapType::Func,
            } => WasmHeapType::Func,
            H::Abstract {
                shared: false,
                ty: AbstractHeapType::Extern,
            } => WasmHeapType::Extern,
            H::Concrete(UnpackedIndex::Module(i)) => WasmHeapType::ConcreteModule(i),
            _ => return None,
        };
        Some(WasmRefType {
            nullable: ty.is_nullable(),
            heap_type,
        })
    }

    /// The public type, module type indices mapped through `type_ids`
    /// (the engine-wide id of each of the module's types).
    pub fn to_public(self, type_ids: &[u32]) -> RefType {
        let heap = match self.heap_type {
            WasmHeapType::Func => HeapType::Func,
            WasmHeapType::Extern => HeapType::Extern,
            WasmHeapType::ConcreteModule(i) => {
                HeapType::ConcreteFunc(FuncTypeId(type_ids[i as usize]))
            }
            WasmHeapType::ConcreteEngine(id) => HeapType::ConcreteFunc(FuncTypeId(id)),
        };
        RefType::new(self.nullable, heap)
    }
}

impl From<RefType> for WasmRefType {
    fn from(ty: RefType) -> WasmRefType {
        WasmRefType {
            nullable: ty.is_nullable(),
            heap_type: match ty.heap_type() {
                HeapType::Func => WasmHeapType::Func,
                HeapType::Extern => WasmHeapType::Extern,
                HeapType::ConcreteFunc(id) => WasmHeapType::ConcreteEngine(id.0),
            },
        }
    }
}

/// A value type.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WasmValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// 128-bit vector.
    V128,
    /// A reference.
    Ref(WasmRefType),
}

impl WasmValType {
    /// Converts a `wasmparser` value type; `None` for one Petrel does not
    /// support yet.
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<WasmValType> {
        Some(match ty {
            wasmparser::ValType::I32 => WasmValType::I32,
            wasmparser::ValType::I64 => WasmValType::I64,
            wasmparser::ValType::F32 => WasmValType::F32,
            wasmparser::ValType::F64 => WasmValType::F64,
            wasmparser::ValType::V128 => WasmValType::V128,
            wasmparser::ValType::Ref(r) => WasmValType::Ref(WasmRefType::from_wasmparser(r)?),
        })
    }

    /// The public type, module type indices mapped through `type_ids`.
    pub fn to_public(self, type_ids: &[u32]) -> ValType {
        match self {
            WasmValType::I32 => ValType::I32,
            WasmValType::I64 => ValType::I64,
            WasmValType::F32 => ValType::F32,
            WasmValType::F64 => ValType::F64,
            WasmValType::V128 => ValType::V128,
            WasmValType::Ref(r) => r.to_public(type_ids).into(),
        }
    }
}

impl From<ValType> for WasmValType {
    fn from(ty: ValType) -> WasmValType {
        match ty {
            ValType::I32 => WasmValType::I32,
            ValType::I64 => WasmValType::I64,
            ValType::F32 => WasmValType::F32,
            ValType::F64 => WasmValType::F64,
            ValType::V128 => WasmValType::V128,
            ValType::FuncRef => WasmValType::Ref(WasmRefType::FUNCREF),
            ValType::ExternRef => WasmValType::Ref(WasmRefType::EXTERNREF),
            ValType::Ref(t) => WasmValType::Ref(RefType::Typed(t).into()),
        }
    }
}

/// A function type: parameter and result types.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WasmFuncType {
    params: Box<[WasmValType]>,
    results: Box<[WasmValType]>,
}

impl WasmFuncType {
    /// A function type from its parameters and results.
    pub fn new(
        params: impl IntoIterator<Item = WasmValType>,
        results: impl IntoIterator<Item = WasmValType>,
    ) -> WasmFuncType {
        WasmFuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[WasmValType] {
        &self.params
    }

    /// The result types.
    pub fn results(&self) -> &[WasmValType] {
        &self.results
    }
}

impl From<&FuncType> for WasmFuncType {
    fn from(ty: &FuncType) -> WasmFuncType {
        WasmFuncType::new(
            ty.params().iter().map(|t| WasmValType::from(*t)),
            ty.results().iter().map(|t| WasmValType::from(*t)),
        )
    }
}

impl WasmFuncType {
    /// The public type, module type indices mapped through `type_ids`.
    pub fn to_public(&self, type_ids: &[u32]) -> FuncType {
        FuncType::new(
            self.params().iter().map(|t| t.to_public(type_ids)),
            self.results().iter().map(|t| t.to_public(type_ids)),
        )
    }

    /// The module type indices this type refers to.
    pub fn referenced_types(&self) -> impl Iterator<Item = u32> + '_ {
        self.params()
            .iter()
            .chain(self.results())
            .filter_map(|t| match t {
                WasmValType::Ref(WasmRefType {
                    heap_type: WasmHeapType::ConcreteModule(i),
                    ..
                }) => Some(*i),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: [ValType; 7] = [
        ValType::I32,
        ValType::I64,
        ValType::F32,
        ValType::F64,
        ValType::V128,
        ValType::FuncRef,
        ValType::ExternRef,
    ];

    #[test]
    fn public_types_round_trip() {
        for ty in PUBLIC {
            assert_eq!(WasmValType::from(ty).to_public(&[]), ty);
        }
        let f = FuncType::new(PUBLIC, [ValType::FuncRef, ValType::I32]);
        assert_eq!(WasmFuncType::from(&f).to_public(&[]), f);
        let typed = RefType::new(false, HeapType::ConcreteFunc(FuncTypeId(7)));
        assert_eq!(
            WasmValType::from(ValType::from(typed)).to_public(&[]),
            typed.into()
        );
    }

    #[test]
    fn wasmparser_types_convert_like_the_public_ones() {
        use wasmparser::ValType as W;
        let parsed = [
            W::I32,
            W::I64,
            W::F32,
            W::F64,
            W::V128,
            W::Ref(wasmparser::RefType::FUNCREF),
            W::Ref(wasmparser::RefType::EXTERNREF),
        ];
        for (p, public) in parsed.into_iter().zip(PUBLIC) {
            let ty = WasmValType::from_wasmparser(p).unwrap();
            assert_eq!(ty.to_public(&[]), public);
        }
        let non_null_func = wasmparser::RefType::FUNC;
        let ty = WasmValType::from_wasmparser(W::Ref(non_null_func)).unwrap();
        assert_eq!(
            ty.to_public(&[]),
            RefType::new(false, HeapType::Func).into()
        );
        let concrete = wasmparser::RefType::concrete(
            true,
            wasmparser::PackedIndex::from_module_index(1).unwrap(),
        );
        let ty = WasmValType::from_wasmparser(W::Ref(concrete)).unwrap();
        assert_eq!(
            ty.to_public(&[10, 11]),
            RefType::new(true, HeapType::ConcreteFunc(FuncTypeId(11))).into()
        );
    }

    #[test]
    fn a_non_nullable_reference_matches_its_nullable_type_only() {
        let func = RefType::new(false, HeapType::Func);
        assert!(func.matches(RefType::FuncRef));
        assert!(!RefType::FuncRef.matches(func));
        assert!(!func.matches(RefType::ExternRef));
        let t = RefType::new(false, HeapType::ConcreteFunc(FuncTypeId(3)));
        let u = RefType::new(true, HeapType::ConcreteFunc(FuncTypeId(4)));
        assert!(t.matches(func) && t.matches(RefType::FuncRef));
        assert!(!t.matches(u) && !u.matches(func));
        assert!(ValType::from(t).matches(ValType::FuncRef));
        assert!(ValType::I32.matches(ValType::I32));
        assert!(!ValType::I32.matches(ValType::I64));
    }
}
