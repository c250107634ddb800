//! Value and function types as the module description and the compiler see
//! them, separate from the public [`ValType`] and [`FuncType`] of the
//! embedding API.
//!
//! The public types say what an embedder can name and pass today. These
//! say what a module can declare, and grow with the proposals: a reference
//! type is a heap type plus nullability ([`WasmRefType`]), so typed
//! function references (`(ref $t)`, `(ref null func)`) and the GC
//! proposal's heap types become new [`WasmHeapType`]s, and
//! [`WasmValType::matches`] is the one place subtyping is decided. Today
//! every reference a module may declare is a nullable `funcref` or
//! `externref`, which is exactly what the public types can express, so the
//! conversions between the two are total.

use crate::types::{FuncType, ValType};
use serde::{Deserialize, Serialize};

/// What a reference points to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WasmHeapType {
    /// Any function (`func`).
    Func,
    /// Any host value (`extern`).
    Extern,
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
    /// not support yet.
    pub fn from_wasmparser(ty: wasmparser::RefType) -> Option<WasmRefType> {
        if ty == wasmparser::RefType::FUNCREF {
            Some(WasmRefType::FUNCREF)
        } else if ty == wasmparser::RefType::EXTERNREF {
            Some(WasmRefType::EXTERNREF)
        } else {
            None
        }
    }

    /// Whether a value of this type is also one of `other` (subtyping):
    /// the same heap type, and not nullable unless `other` is.
    pub fn matches(self, other: WasmRefType) -> bool {
        self.heap_type == other.heap_type && (other.nullable || !self.nullable)
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

    /// Whether a value of this type is also one of `other` (subtyping;
    /// numeric and vector types match only themselves).
    pub fn matches(self, other: WasmValType) -> bool {
        match (self, other) {
            (WasmValType::Ref(a), WasmValType::Ref(b)) => a.matches(b),
            (a, b) => a == b,
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
        }
    }
}

impl From<WasmValType> for ValType {
    /// The public view of a module's type. References map by heap type:
    /// every reference a module can declare today is nullable, as the
    /// public `funcref` and `externref` are.
    fn from(ty: WasmValType) -> ValType {
        match ty {
            WasmValType::I32 => ValType::I32,
            WasmValType::I64 => ValType::I64,
            WasmValType::F32 => ValType::F32,
            WasmValType::F64 => ValType::F64,
            WasmValType::V128 => ValType::V128,
            WasmValType::Ref(r) => match r.heap_type {
                WasmHeapType::Func => ValType::FuncRef,
                WasmHeapType::Extern => ValType::ExternRef,
            },
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

impl From<&WasmFuncType> for FuncType {
    fn from(ty: &WasmFuncType) -> FuncType {
        FuncType::new(
            ty.params().iter().map(|t| ValType::from(*t)),
            ty.results().iter().map(|t| ValType::from(*t)),
        )
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
            assert_eq!(ValType::from(WasmValType::from(ty)), ty);
        }
        let f = FuncType::new(PUBLIC, [ValType::FuncRef, ValType::I32]);
        assert_eq!(FuncType::from(&WasmFuncType::from(&f)), f);
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
            assert_eq!(ValType::from(ty), public);
            assert_eq!(ValType::from_wasmparser(p), Some(public));
        }
        // `(ref func)`, non-nullable, is typed function references: not yet.
        let non_null_func = wasmparser::RefType::FUNC;
        assert_eq!(WasmValType::from_wasmparser(W::Ref(non_null_func)), None);
    }

    #[test]
    fn a_non_nullable_reference_matches_its_nullable_type_only() {
        let func = WasmRefType {
            nullable: false,
            heap_type: WasmHeapType::Func,
        };
        assert!(func.matches(WasmRefType::FUNCREF));
        assert!(!WasmRefType::FUNCREF.matches(func));
        assert!(!func.matches(WasmRefType::EXTERNREF));
        assert!(WasmValType::Ref(func).matches(WasmValType::Ref(WasmRefType::FUNCREF)));
        assert!(WasmValType::I32.matches(WasmValType::I32));
        assert!(!WasmValType::I32.matches(WasmValType::I64));
    }
}
