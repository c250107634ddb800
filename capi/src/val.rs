//! Values and handles: the plain-data types that cross the C boundary by
//! value, with their conversions to and from the core's types and the
//! compile-time checks that both sides agree on their layout.

use anyhow::{Result, bail};
use petrel::{
    AsContext, Extern, ExternRef, Func, Global, GlobalType, Instance, Memory, MemoryType,
    Mutability, Ref, RefType, Stored, Table, TableType, Val, ValRaw, ValType,
};
use std::mem::{align_of, offset_of, size_of};

/// The kind of a wasm value (see `PETREL_I32` ...).
///
/// @enum ValKind PETREL_{I32,I64,F32,F64,V128,FUNCREF,EXTERNREF}
pub type petrel_valkind_t = u8;
/// 32-bit integer.
pub const PETREL_I32: petrel_valkind_t = 0;
/// 64-bit integer.
pub const PETREL_I64: petrel_valkind_t = 1;
/// 32-bit float.
pub const PETREL_F32: petrel_valkind_t = 2;
/// 64-bit float.
pub const PETREL_F64: petrel_valkind_t = 3;
/// 128-bit vector.
pub const PETREL_V128: petrel_valkind_t = 4;
/// Nullable function reference.
pub const PETREL_FUNCREF: petrel_valkind_t = 5;
/// Nullable reference to a host value.
pub const PETREL_EXTERNREF: petrel_valkind_t = 6;

/// Whether a global can be written (see `PETREL_CONST` and `PETREL_VAR`).
///
/// @enum Mutability PETREL_{CONST,VAR}
pub type petrel_mutability_t = u8;
/// Immutable.
pub const PETREL_CONST: petrel_mutability_t = 0;
/// Mutable.
pub const PETREL_VAR: petrel_mutability_t = 1;

/// The kind of an importable or exportable item (see `PETREL_EXTERN_*`).
///
/// @enum ExternKind PETREL_EXTERN_*
pub type petrel_extern_kind_t = u8;
/// A function.
pub const PETREL_EXTERN_FUNC: petrel_extern_kind_t = 0;
/// A global.
pub const PETREL_EXTERN_GLOBAL: petrel_extern_kind_t = 1;
/// A table.
pub const PETREL_EXTERN_TABLE: petrel_extern_kind_t = 2;
/// A linear memory.
pub const PETREL_EXTERN_MEMORY: petrel_extern_kind_t = 3;

/// The C value kind of `ty`; an error for a typed reference of the
/// function-references proposal (`(ref $t)`, `(ref func)`), which no kind
/// describes yet.
pub(crate) fn valkind_to_c(ty: ValType) -> Result<petrel_valkind_t> {
    Ok(match ty {
        ValType::I32 => PETREL_I32,
        ValType::I64 => PETREL_I64,
        ValType::F32 => PETREL_F32,
        ValType::F64 => PETREL_F64,
        ValType::V128 => PETREL_V128,
        ValType::FuncRef => PETREL_FUNCREF,
        ValType::ExternRef => PETREL_EXTERNREF,
        ValType::Ref(_) => bail!(
            "the C API cannot represent the typed reference type {ty} yet (function references)"
        ),
    })
}

pub(crate) fn valkind_from_c(kind: petrel_valkind_t) -> Result<ValType> {
    Ok(match kind {
        PETREL_I32 => ValType::I32,
        PETREL_I64 => ValType::I64,
        PETREL_F32 => ValType::F32,
        PETREL_F64 => ValType::F64,
        PETREL_V128 => ValType::V128,
        PETREL_FUNCREF => ValType::FuncRef,
        PETREL_EXTERNREF => ValType::ExternRef,
        other => bail!("unknown value kind {other}"),
    })
}

fn reftype_from_c(kind: petrel_valkind_t) -> Result<RefType> {
    match kind {
        PETREL_FUNCREF => Ok(RefType::FuncRef),
        PETREL_EXTERNREF => Ok(RefType::ExternRef),
        other => bail!("value kind {other} is not a reference type"),
    }
}

/// A function of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_func_t {
    /// The owning store's id (never 0 for a real item).
    pub store_id: u64,
    /// Index among the store's items of this kind.
    pub index: usize,
}

/// A linear memory of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_memory_t {
    /// The owning store's id (never 0 for a real item).
    pub store_id: u64,
    /// Index among the store's items of this kind.
    pub index: usize,
}

/// A table of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_table_t {
    /// The owning store's id (never 0 for a real item).
    pub store_id: u64,
    /// Index among the store's items of this kind.
    pub index: usize,
}

/// A global of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_global_t {
    /// The owning store's id (never 0 for a real item).
    pub store_id: u64,
    /// Index among the store's items of this kind.
    pub index: usize,
}

/// An instance of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_instance_t {
    /// The owning store's id (never 0 for a real item).
    pub store_id: u64,
    /// Index among the store's items of this kind.
    pub index: usize,
}

/// A reference to a host value, owned by a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_externref_t {
    /// The owning store's id (never 0 for a real item).
    pub store_id: u64,
    /// Index among the store's items of this kind.
    pub index: usize,
}

/// The layout checks and conversions of each handle type.
macro_rules! handle_impls {
    ($($name:ident => $core:ident;)*) => {$(
        const _: () = {
            assert!(size_of::<$name>() == size_of::<$core>());
            assert!(align_of::<$name>() == align_of::<$core>());
            assert!(size_of::<$name>() == size_of::<Stored>());
            assert!(offset_of!($name, store_id) == offset_of!(Stored, store_id));
            assert!(offset_of!($name, index) == offset_of!(Stored, index));
        };

        impl $name {
            /// The core handle, checked against `store`.
            pub(crate) fn get(self, store: impl AsContext) -> Result<$core> {
                $core::from_stored(store, Stored { store_id: self.store_id, index: self.index })
            }
        }

        impl From<$core> for $name {
            fn from(h: $core) -> $name {
                let s = h.stored();
                $name { store_id: s.store_id, index: s.index }
            }
        }
    )*};
}

handle_impls! {
    petrel_func_t => Func;
    petrel_memory_t => Memory;
    petrel_table_t => Table;
    petrel_global_t => Global;
    petrel_instance_t => Instance;
    petrel_externref_t => ExternRef;
}

/// Any importable or exportable item: its kind and its `{store_id, index}`
/// (which, with the kind, is a `petrel_func_t`, `petrel_global_t`,
/// `petrel_table_t` or `petrel_memory_t`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_extern_t {
    /// `PETREL_EXTERN_*`.
    pub kind: petrel_extern_kind_t,
    /// The owning store's id.
    pub store_id: u64,
    /// Index among the store's items of this kind.
    pub index: usize,
}

impl petrel_extern_t {
    /// The C form of `e`; an error for an exception-handling tag, which
    /// the C API cannot represent yet.
    pub(crate) fn from_core(e: Extern) -> Result<petrel_extern_t> {
        let (kind, s) = match e {
            Extern::Func(f) => (PETREL_EXTERN_FUNC, f.stored()),
            Extern::Global(g) => (PETREL_EXTERN_GLOBAL, g.stored()),
            Extern::Table(t) => (PETREL_EXTERN_TABLE, t.stored()),
            Extern::Memory(m) => (PETREL_EXTERN_MEMORY, m.stored()),
            Extern::Tag(_) => {
                bail!("the C API cannot represent an exception-handling tag yet")
            }
        };
        Ok(petrel_extern_t {
            kind,
            store_id: s.store_id,
            index: s.index,
        })
    }

    pub(crate) fn to_core(self, store: impl AsContext) -> Result<Extern> {
        let id = Stored {
            store_id: self.store_id,
            index: self.index,
        };
        Ok(match self.kind {
            PETREL_EXTERN_FUNC => Extern::Func(Func::from_stored(store, id)?),
            PETREL_EXTERN_GLOBAL => Extern::Global(Global::from_stored(store, id)?),
            PETREL_EXTERN_TABLE => Extern::Table(Table::from_stored(store, id)?),
            PETREL_EXTERN_MEMORY => Extern::Memory(Memory::from_stored(store, id)?),
            other => bail!("unknown extern kind {other}"),
        })
    }
}

/// One untyped wasm value in 16 bytes, as `petrel_func_call_raw` and host
/// callbacks exchange them. Which field is meaningful is given by the
/// function's type. A reference is 0 for null, otherwise the index of the
/// `petrel_func_t` / `petrel_externref_t` in its store plus one.
#[repr(C)]
#[derive(Copy, Clone)]
pub union petrel_valraw_t {
    /// `i32` (also read as unsigned).
    pub i32: i32,
    /// `i64`.
    pub i64: i64,
    /// `f32`.
    pub f32: f32,
    /// `f64`.
    pub f64: f64,
    /// `v128`, little-endian.
    pub v128: [u8; 16],
    /// `funcref`: 0 or function index + 1.
    pub funcref: u64,
    /// `externref`: 0 or extern reference index + 1.
    pub externref: u64,
}

const _: () = {
    assert!(size_of::<petrel_valraw_t>() == size_of::<ValRaw>());
    assert!(cfg!(target_endian = "little"));
};

impl petrel_valraw_t {
    pub(crate) fn to_core(self) -> ValRaw {
        // SAFETY: every field of this union is plain bytes, and the
        // header requires all 16 bytes of a raw value to be initialised.
        ValRaw::from_u128(u128::from_le_bytes(unsafe { self.v128 }))
    }
    pub(crate) fn from_core(v: ValRaw) -> petrel_valraw_t {
        petrel_valraw_t {
            v128: v.get_u128().to_le_bytes(),
        }
    }
}

/// The payload of a `petrel_val_t`, selected by its kind.
#[repr(C)]
#[derive(Copy, Clone)]
pub union petrel_valunion_t {
    /// `PETREL_I32`.
    pub i32: i32,
    /// `PETREL_I64`.
    pub i64: i64,
    /// `PETREL_F32`.
    pub f32: f32,
    /// `PETREL_F64`.
    pub f64: f64,
    /// `PETREL_V128`, little-endian.
    pub v128: [u8; 16],
    /// `PETREL_FUNCREF`; `store_id` 0 is the null reference.
    pub funcref: petrel_func_t,
    /// `PETREL_EXTERNREF`; `store_id` 0 is the null reference.
    pub externref: petrel_externref_t,
}

/// A typed wasm value: a kind and its payload.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct petrel_val_t {
    /// `PETREL_I32` ... `PETREL_EXTERNREF`.
    pub kind: petrel_valkind_t,
    /// The value.
    pub of: petrel_valunion_t,
}

impl petrel_val_t {
    /// The core value, with references checked against `store`.
    pub(crate) fn to_core(self, store: impl AsContext) -> Result<Val> {
        // Each union read below is of the field `kind` selects; every field
        // is plain data valid for any bit pattern.
        Ok(match self.kind {
            PETREL_I32 => {
                // SAFETY: see above.
                Val::I32(unsafe { self.of.i32 })
            }
            PETREL_I64 => {
                // SAFETY: see above.
                Val::I64(unsafe { self.of.i64 })
            }
            PETREL_F32 => {
                // SAFETY: see above.
                Val::F32(unsafe { self.of.f32 }.to_bits())
            }
            PETREL_F64 => {
                // SAFETY: see above.
                Val::F64(unsafe { self.of.f64 }.to_bits())
            }
            PETREL_V128 => {
                // SAFETY: see above.
                Val::V128(u128::from_le_bytes(unsafe { self.of.v128 }))
            }
            PETREL_FUNCREF => {
                // SAFETY: see above.
                let f = unsafe { self.of.funcref };
                Val::FuncRef(if f.store_id == 0 {
                    None
                } else {
                    Some(f.get(store)?)
                })
            }
            PETREL_EXTERNREF => {
                // SAFETY: see above.
                let e = unsafe { self.of.externref };
                Val::ExternRef(if e.store_id == 0 {
                    None
                } else {
                    Some(e.get(store)?)
                })
            }
            other => bail!("unknown value kind {other}"),
        })
    }

    pub(crate) fn from_core(v: &Val) -> petrel_val_t {
        let null_func = petrel_func_t {
            store_id: 0,
            index: 0,
        };
        let null_ext = petrel_externref_t {
            store_id: 0,
            index: 0,
        };
        let (kind, of) = match v {
            Val::I32(x) => (PETREL_I32, petrel_valunion_t { i32: *x }),
            Val::I64(x) => (PETREL_I64, petrel_valunion_t { i64: *x }),
            Val::F32(x) => (
                PETREL_F32,
                petrel_valunion_t {
                    f32: f32::from_bits(*x),
                },
            ),
            Val::F64(x) => (
                PETREL_F64,
                petrel_valunion_t {
                    f64: f64::from_bits(*x),
                },
            ),
            Val::V128(x) => (
                PETREL_V128,
                petrel_valunion_t {
                    v128: x.to_le_bytes(),
                },
            ),
            Val::FuncRef(f) => (
                PETREL_FUNCREF,
                petrel_valunion_t {
                    funcref: f.map_or(null_func, Into::into),
                },
            ),
            Val::ExternRef(e) => (
                PETREL_EXTERNREF,
                petrel_valunion_t {
                    externref: e.map_or(null_ext, Into::into),
                },
            ),
        };
        petrel_val_t { kind, of }
    }

    /// The value as a table element.
    pub(crate) fn to_ref(self, store: impl AsContext) -> Result<Ref> {
        match self.to_core(store)? {
            Val::FuncRef(f) => Ok(Ref::Func(f)),
            Val::ExternRef(e) => Ok(Ref::Extern(e)),
            other => bail!("a table element must be a reference, got {}", other.ty()),
        }
    }
}

/// Size limits: of a memory in pages (of its page size), of a table in
/// elements.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_limits_t {
    /// The minimum (initial) size.
    pub minimum: u64,
    /// The maximum size; meaningful only when `has_maximum`.
    pub maximum: u64,
    /// Whether there is a maximum.
    pub has_maximum: bool,
}

/// The type of a global.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_globaltype_t {
    /// Type of the value held (`PETREL_I32` ...).
    pub content: petrel_valkind_t,
    /// `PETREL_CONST` or `PETREL_VAR`.
    pub mutability: petrel_mutability_t,
}

/// The type of a table.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_tabletype_t {
    /// `PETREL_FUNCREF` or `PETREL_EXTERNREF`.
    pub element: petrel_valkind_t,
    /// Limits in elements (at most 2^32-1 unless `is_64`).
    pub limits: petrel_limits_t,
    /// Whether the table is indexed with i64 (memory64's 64-bit tables;
    /// false, the zero value, is a 32-bit table).
    pub is_64: bool,
}

/// The type of a linear memory. A zero-initialised record (but for its
/// limits) is a 32-bit memory with 64 KiB pages.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct petrel_memorytype_t {
    /// Limits in pages of `page_size` (32-bit memories: at most 2^32
    /// bytes' worth; 64-bit memories: 2^64 bytes' worth).
    pub limits: petrel_limits_t,
    /// Whether the memory is indexed with i64 (memory64; false, the zero
    /// value, is a 32-bit memory).
    pub is_64: bool,
    /// The page size in bytes: 65536 (0 is read as 65536, so a zeroed
    /// field means the default) or 1 (custom-page-sizes; modules need
    /// `petrel_config_wasm_custom_page_sizes` to declare such memories).
    /// Written as 65536 or 1.
    pub page_size: u64,
}

impl petrel_globaltype_t {
    pub(crate) fn from_core(t: &GlobalType) -> Result<Self> {
        Ok(petrel_globaltype_t {
            content: valkind_to_c(t.content())?,
            mutability: match t.mutability() {
                Mutability::Const => PETREL_CONST,
                Mutability::Var => PETREL_VAR,
            },
        })
    }
    pub(crate) fn to_core(self) -> Result<GlobalType> {
        let m = match self.mutability {
            PETREL_CONST => Mutability::Const,
            PETREL_VAR => Mutability::Var,
            other => bail!("unknown mutability {other}"),
        };
        Ok(GlobalType::new(valkind_from_c(self.content)?, m))
    }
}

fn limit32(v: u64, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| anyhow::anyhow!("{what} {v} does not fit in 32 bits"))
}

impl petrel_tabletype_t {
    pub(crate) fn from_core(t: &TableType) -> Result<Self> {
        Ok(petrel_tabletype_t {
            element: valkind_to_c(t.element().into())?,
            limits: petrel_limits_t {
                minimum: t.minimum(),
                maximum: t.maximum().unwrap_or(0),
                has_maximum: t.maximum().is_some(),
            },
            is_64: t.is_64(),
        })
    }
    pub(crate) fn to_core(self) -> Result<TableType> {
        let l = self.limits;
        let max = l.has_maximum.then_some(l.maximum);
        let element = reftype_from_c(self.element)?;
        if self.is_64 {
            return Ok(TableType::new64(element, l.minimum, max));
        }
        Ok(TableType::new(
            element,
            limit32(l.minimum, "table minimum")?,
            max.map(|m| limit32(m, "table maximum")).transpose()?,
        ))
    }
}

impl petrel_memorytype_t {
    pub(crate) fn from_core(t: &MemoryType) -> Self {
        petrel_memorytype_t {
            limits: petrel_limits_t {
                minimum: t.minimum(),
                maximum: t.maximum().unwrap_or(0),
                has_maximum: t.maximum().is_some(),
            },
            is_64: t.is_64(),
            page_size: t.page_size(),
        }
    }
    pub(crate) fn to_core(self) -> Result<MemoryType> {
        let l = self.limits;
        let log2 = match self.page_size {
            0 | 65536 => 16,
            1 => 0,
            other => bail!("invalid page size {other}: only 65536 and 1 are valid"),
        };
        MemoryType::builder()
            .min(l.minimum)
            .max(l.has_maximum.then_some(l.maximum))
            .memory64(self.is_64)
            .page_size_log2(log2)
            .build()
    }
}
