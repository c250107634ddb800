//! The WebAssembly types an embedder sees: value types, function
//! signatures, and the types of globals, tables, memories and imports.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The type of a WebAssembly value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// 128-bit vector.
    V128,
    /// Nullable reference to a function.
    FuncRef,
    /// Nullable reference to a host value.
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    /// Converts a `wasmparser` value type; `None` for types outside Wasm 2.0.
    pub(crate) fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        Some(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => RefType::from_wasmparser(r)?.into(),
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// The type of a reference: what a table holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefType {
    /// `funcref`.
    FuncRef,
    /// `externref`.
    ExternRef,
}

impl RefType {
    pub(crate) fn from_wasmparser(ty: wasmparser::RefType) -> Option<RefType> {
        if ty == wasmparser::RefType::FUNCREF {
            Some(RefType::FuncRef)
        } else if ty == wasmparser::RefType::EXTERNREF {
            Some(RefType::ExternRef)
        } else {
            None
        }
    }
}

impl From<RefType> for ValType {
    fn from(r: RefType) -> ValType {
        match r {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ValType::from(*self).fmt(f)
    }
}

/// A function signature: parameter and result types.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    /// Creates a signature from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, tys: &[ValType]| -> fmt::Result {
            for (i, t) in tys.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{t}")?;
            }
            Ok(())
        };
        f.write_str("(")?;
        list(f, &self.params)?;
        f.write_str(") -> (")?;
        list(f, &self.results)?;
        f.write_str(")")
    }
}

/// Whether a global can be written.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// The type of a global: content type and mutability.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    /// Creates a global type.
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType {
            content,
            mutability,
        }
    }
    /// The type of the value held.
    pub fn content(&self) -> ValType {
        self.content
    }
    /// Whether the global is mutable.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

/// The type of a table: element type and limits (in elements).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableType {
    element: RefType,
    minimum: u32,
    maximum: Option<u32>,
}

impl TableType {
    /// Creates a table type.
    pub fn new(element: RefType, minimum: u32, maximum: Option<u32>) -> TableType {
        TableType {
            element,
            minimum,
            maximum,
        }
    }
    /// The element type.
    pub fn element(&self) -> RefType {
        self.element
    }
    /// The minimum (initial) size in elements.
    pub fn minimum(&self) -> u32 {
        self.minimum
    }
    /// The maximum size in elements, if any.
    pub fn maximum(&self) -> Option<u32> {
        self.maximum
    }
}

/// The size of a WebAssembly page in bytes.
pub const WASM_PAGE_SIZE: u64 = 65536;
/// The most pages a 32-bit memory can have.
pub const WASM32_MAX_PAGES: u64 = 65536;

/// The type of a linear memory: limits in 64 KiB pages.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryType {
    minimum: u64,
    maximum: Option<u64>,
}

impl MemoryType {
    /// Creates a 32-bit memory type with limits in pages.
    pub fn new(minimum: u32, maximum: Option<u32>) -> MemoryType {
        MemoryType {
            minimum: minimum.into(),
            maximum: maximum.map(Into::into),
        }
    }
    /// The minimum (initial) size in pages.
    pub fn minimum(&self) -> u64 {
        self.minimum
    }
    /// The maximum size in pages, if any.
    pub fn maximum(&self) -> Option<u64> {
        self.maximum
    }
}

/// The type of an importable or exportable item.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A global.
    Global(GlobalType),
    /// A table.
    Table(TableType),
    /// A linear memory.
    Memory(MemoryType),
}

impl ExternType {
    /// The function type, if this is one.
    pub fn func(&self) -> Option<&FuncType> {
        match self {
            ExternType::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The global type, if this is one.
    pub fn global(&self) -> Option<&GlobalType> {
        match self {
            ExternType::Global(g) => Some(g),
            _ => None,
        }
    }
    /// The table type, if this is one.
    pub fn table(&self) -> Option<&TableType> {
        match self {
            ExternType::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The memory type, if this is one.
    pub fn memory(&self) -> Option<&MemoryType> {
        match self {
            ExternType::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// A short name of the kind: "func", "global", "table" or "memory".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Global(_) => "global",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
        }
    }
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => write!(f, "func {t}"),
            ExternType::Global(g) => write!(
                f,
                "global {}{}",
                if g.mutability == Mutability::Var {
                    "mut "
                } else {
                    ""
                },
                g.content
            ),
            ExternType::Table(t) => {
                write!(f, "table {} {:?}..{:?}", t.element, t.minimum, t.maximum)
            }
            ExternType::Memory(m) => write!(f, "memory {:?}..{:?}", m.minimum, m.maximum),
        }
    }
}

/// An import of a module: where it comes from and its type.
#[derive(Clone, Debug)]
pub struct ImportType<'module> {
    pub(crate) module: &'module str,
    pub(crate) name: &'module str,
    pub(crate) ty: ExternType,
}

impl<'module> ImportType<'module> {
    /// The module name of the import.
    pub fn module(&self) -> &'module str {
        self.module
    }
    /// The field name of the import.
    pub fn name(&self) -> &'module str {
        self.name
    }
    /// The type the import must have.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// An export of a module: its name and type.
#[derive(Clone, Debug)]
pub struct ExportType<'module> {
    pub(crate) name: &'module str,
    pub(crate) ty: ExternType,
}

impl<'module> ExportType<'module> {
    /// The export's name.
    pub fn name(&self) -> &'module str {
        self.name
    }
    /// The export's type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// Whether a value of type `actual` may be used where `expected` is
/// required when linking (imports are matched by subtyping of limits).
pub(crate) fn extern_type_matches(actual: &ExternType, expected: &ExternType) -> bool {
    fn limits_match(a_min: u64, a_max: Option<u64>, e_min: u64, e_max: Option<u64>) -> bool {
        a_min >= e_min
            && match (a_max, e_max) {
                (_, None) => true,
                (Some(a), Some(e)) => a <= e,
                (None, Some(_)) => false,
            }
    }
    match (actual, expected) {
        (ExternType::Func(a), ExternType::Func(e)) => a == e,
        (ExternType::Global(a), ExternType::Global(e)) => a == e,
        (ExternType::Table(a), ExternType::Table(e)) => {
            a.element == e.element
                && limits_match(
                    a.minimum.into(),
                    a.maximum.map(Into::into),
                    e.minimum.into(),
                    e.maximum.map(Into::into),
                )
        }
        (ExternType::Memory(a), ExternType::Memory(e)) => {
            limits_match(a.minimum, a.maximum, e.minimum, e.maximum)
        }
        _ => false,
    }
}
