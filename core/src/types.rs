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

/// The type of a table: element type, limits (in elements) and index
/// type (`i32`, or `i64` for a 64-bit table of the memory64 proposal).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableType {
    element: RefType,
    minimum: u64,
    maximum: Option<u64>,
    is_64: bool,
}

impl TableType {
    /// Creates the type of a table indexed with `i32`.
    pub fn new(element: RefType, minimum: u32, maximum: Option<u32>) -> TableType {
        TableType {
            element,
            minimum: minimum.into(),
            maximum: maximum.map(Into::into),
            is_64: false,
        }
    }
    /// Creates the type of a 64-bit table (indexed with `i64`; the
    /// memory64 proposal).
    pub fn new64(element: RefType, minimum: u64, maximum: Option<u64>) -> TableType {
        TableType {
            element,
            minimum,
            maximum,
            is_64: true,
        }
    }
    /// The element type.
    pub fn element(&self) -> RefType {
        self.element
    }
    /// The minimum (initial) size in elements.
    pub fn minimum(&self) -> u64 {
        self.minimum
    }
    /// The maximum size in elements, if any.
    pub fn maximum(&self) -> Option<u64> {
        self.maximum
    }
    /// Whether the table is indexed with `i64`.
    pub fn is_64(&self) -> bool {
        self.is_64
    }
    /// The largest size the index type allows.
    pub(crate) fn absolute_maximum(&self) -> u64 {
        if self.is_64 {
            u64::MAX
        } else {
            u32::MAX.into()
        }
    }
    /// The same type with `minimum` as its minimum.
    pub(crate) fn with_minimum(mut self, minimum: u64) -> TableType {
        self.minimum = minimum;
        self
    }
}

/// The default size of a WebAssembly page in bytes (64 KiB).
pub const WASM_PAGE_SIZE: u64 = 65536;
/// The most 64 KiB pages a 32-bit memory can have.
pub const WASM32_MAX_PAGES: u64 = 65536;

/// The type of a linear memory: limits in pages, index type (`i32`, or
/// `i64` for a 64-bit memory of the memory64 proposal) and page size
/// (64 KiB, or 1 byte with the custom-page-sizes proposal).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryType {
    minimum: u64,
    maximum: Option<u64>,
    is_64: bool,
    page_size_log2: u8,
}

impl MemoryType {
    /// Creates a 32-bit memory type with limits in 64 KiB pages.
    pub fn new(minimum: u32, maximum: Option<u32>) -> MemoryType {
        MemoryType {
            minimum: minimum.into(),
            maximum: maximum.map(Into::into),
            is_64: false,
            page_size_log2: 16,
        }
    }
    /// Creates a 64-bit memory type (indexed with `i64`) with limits in
    /// 64 KiB pages.
    pub fn new64(minimum: u64, maximum: Option<u64>) -> MemoryType {
        MemoryType {
            minimum,
            maximum,
            is_64: true,
            page_size_log2: 16,
        }
    }
    /// A builder for any memory type: 32- or 64-bit, any page size.
    pub fn builder() -> MemoryTypeBuilder {
        MemoryTypeBuilder {
            ty: MemoryType::new(0, None),
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
    /// Whether the memory is indexed with `i64` (memory64).
    pub fn is_64(&self) -> bool {
        self.is_64
    }
    /// The page size in bytes: 65536, or 1 for a memory with byte-sized
    /// pages (custom-page-sizes).
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }
    /// The base-2 logarithm of [`MemoryType::page_size`]: 16 or 0.
    pub fn page_size_log2(&self) -> u8 {
        self.page_size_log2
    }
    /// The most pages the index type allows: 2^32 bytes' worth for a
    /// 32-bit memory, 2^64 bytes' worth for a 64-bit one (each capped to
    /// what the size's own type holds, as the spec's validation does).
    pub fn absolute_maximum_pages(&self) -> u64 {
        let bits = if self.is_64 { 64 } else { 32 };
        let pages = (1u128 << bits) >> self.page_size_log2;
        let cap = if self.is_64 {
            u64::MAX
        } else {
            u32::MAX.into()
        };
        u64::try_from(pages).unwrap_or(u64::MAX).min(cap)
    }
    /// `pages` pages in bytes, if that fits in a `u64`.
    pub(crate) fn pages_to_bytes(&self, pages: u64) -> Option<u64> {
        pages.checked_mul(self.page_size())
    }
    /// The declared maximum in bytes, if there is one and it fits in a
    /// `u64`.
    pub(crate) fn maximum_bytes(&self) -> Option<u64> {
        self.maximum.and_then(|m| self.pages_to_bytes(m))
    }
    /// The same type with `minimum` as its minimum.
    pub(crate) fn with_minimum(mut self, minimum: u64) -> MemoryType {
        self.minimum = minimum;
        self
    }
}

/// Builds a [`MemoryType`] (see [`MemoryType::builder`]).
#[derive(Copy, Clone, Debug)]
pub struct MemoryTypeBuilder {
    ty: MemoryType,
}

impl MemoryTypeBuilder {
    /// The minimum (initial) size in pages (0 unless set).
    pub fn min(&mut self, pages: u64) -> &mut Self {
        self.ty.minimum = pages;
        self
    }
    /// The maximum size in pages (none unless set).
    pub fn max(&mut self, pages: Option<u64>) -> &mut Self {
        self.ty.maximum = pages;
        self
    }
    /// Whether the memory is indexed with `i64` (false unless set).
    pub fn memory64(&mut self, is_64: bool) -> &mut Self {
        self.ty.is_64 = is_64;
        self
    }
    /// The base-2 logarithm of the page size: 16 (64 KiB, the default) or
    /// 0 (one byte).
    pub fn page_size_log2(&mut self, log2: u8) -> &mut Self {
        self.ty.page_size_log2 = log2;
        self
    }
    /// The memory type.
    ///
    /// # Errors
    /// A page size other than 64 KiB or one byte, or limits beyond what
    /// the index type allows.
    pub fn build(&self) -> anyhow::Result<MemoryType> {
        let ty = self.ty;
        if ty.page_size_log2 != 16 && ty.page_size_log2 != 0 {
            anyhow::bail!(
                "invalid page size 2^{}: only 65536 and 1 are valid",
                ty.page_size_log2
            );
        }
        let limit = ty.absolute_maximum_pages();
        if ty.minimum > limit || ty.maximum.is_some_and(|m| m > limit) {
            anyhow::bail!(
                "memory limits exceed the {}-bit index space ({limit} pages of {} bytes)",
                if ty.is_64 { 64 } else { 32 },
                ty.page_size()
            );
        }
        Ok(ty)
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
            ExternType::Table(t) => write!(
                f,
                "table {}{} {:?}..{:?}",
                if t.is_64 { "i64 " } else { "" },
                t.element,
                t.minimum,
                t.maximum
            ),
            ExternType::Memory(m) => {
                write!(
                    f,
                    "memory {}{:?}..{:?}",
                    if m.is_64 { "i64 " } else { "" },
                    m.minimum,
                    m.maximum
                )?;
                if m.page_size_log2 != 16 {
                    write!(f, " (pagesize {})", m.page_size())?;
                }
                Ok(())
            }
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
                && a.is_64 == e.is_64
                && limits_match(a.minimum, a.maximum, e.minimum, e.maximum)
        }
        (ExternType::Memory(a), ExternType::Memory(e)) => {
            a.is_64 == e.is_64
                && a.page_size_log2 == e.page_size_log2
                && limits_match(a.minimum, a.maximum, e.minimum, e.maximum)
        }
        _ => false,
    }
}
