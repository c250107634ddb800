//! The WebAssembly types an embedder sees: value types, function
//! signatures, and the types of globals, tables, memories and imports.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The type of a WebAssembly value.
///
/// `FuncRef` and `ExternRef` are the nullable references of Wasm 2.0,
/// `(ref null func)` and `(ref null extern)`; every other reference type of
/// the function-references proposal (non-nullable ones, and references to
/// a concrete function type) is [`ValType::Ref`]. Build reference types
/// with [`RefType::new`], which keeps that one spelling per type.
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
    /// Any other reference type (typed function references).
    Ref(TypedRef),
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        self.as_ref_type().is_some()
    }

    /// The reference type, if this is one.
    pub fn as_ref_type(self) -> Option<RefType> {
        match self {
            ValType::FuncRef => Some(RefType::FuncRef),
            ValType::ExternRef => Some(RefType::ExternRef),
            ValType::Ref(t) => Some(RefType::Typed(t)),
            _ => None,
        }
    }

    /// Whether this is a reference to functions (`funcref`, `(ref func)`
    /// or a reference to a concrete function type), nullable or not.
    pub fn is_func_ref(self) -> bool {
        self.as_ref_type().is_some_and(RefType::is_func)
    }

    /// Whether this is a reference to host values, nullable or not.
    pub fn is_extern_ref(self) -> bool {
        self.as_ref_type()
            .is_some_and(|r| r.heap_type() == HeapType::Extern)
    }

    /// Whether a value of this type is also a value of `other`
    /// (subtyping: numbers and vectors match only themselves; see
    /// [`RefType::matches`]).
    pub fn matches(self, other: ValType) -> bool {
        match (self.as_ref_type(), other.as_ref_type()) {
            (Some(a), Some(b)) => a.matches(b),
            _ => self == other,
        }
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
            ValType::Ref(t) => return t.fmt(f),
        })
    }
}

/// The engine-wide identity of a function type, as a typed function
/// reference names it (`(ref $t)`). Two modules' function types that are
/// the same (structurally, references included) have the same id in one
/// engine; ids mean nothing across engines. See
/// [`Engine::func_type_id`](crate::Engine::func_type_id) and
/// [`Engine::func_type`](crate::Engine::func_type).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FuncTypeId(pub(crate) u32);

/// What a reference points to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HeapType {
    /// Any function (`func`).
    Func,
    /// Any host value (`extern`).
    Extern,
    /// Functions of one function type (`$t` in `(ref $t)`).
    ConcreteFunc(FuncTypeId),
}

impl HeapType {
    /// Whether every value of this heap type is one of `other`: a concrete
    /// function type is a subtype of `func`, and of itself only.
    pub fn matches(self, other: HeapType) -> bool {
        self == other || matches!((self, other), (HeapType::ConcreteFunc(_), HeapType::Func))
    }
}

/// A reference type other than `funcref` and `externref`: a non-nullable
/// reference, or a reference to a concrete function type. Made by
/// [`RefType::new`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TypedRef {
    nullable: bool,
    heap: HeapType,
}

impl TypedRef {
    /// Whether null is a value of the type.
    pub fn is_nullable(self) -> bool {
        self.nullable
    }
    /// What the reference points to.
    pub fn heap_type(self) -> HeapType {
        self.heap
    }
}

impl fmt::Display for TypedRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.nullable { "(ref null " } else { "(ref " })?;
        match self.heap {
            HeapType::Func => f.write_str("func")?,
            HeapType::Extern => f.write_str("extern")?,
            HeapType::ConcreteFunc(id) => write!(f, "functype#{}", id.0)?,
        }
        f.write_str(")")
    }
}

/// The type of a reference: what a table holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefType {
    /// `funcref`, i.e. `(ref null func)`.
    FuncRef,
    /// `externref`, i.e. `(ref null extern)`.
    ExternRef,
    /// Any other reference type (typed function references).
    Typed(TypedRef),
}

impl RefType {
    /// The reference type with this nullability and heap type: `FuncRef`
    /// and `ExternRef` for the nullable abstract ones, `Typed` otherwise.
    pub fn new(nullable: bool, heap: HeapType) -> RefType {
        match (nullable, heap) {
            (true, HeapType::Func) => RefType::FuncRef,
            (true, HeapType::Extern) => RefType::ExternRef,
            _ => RefType::Typed(TypedRef { nullable, heap }),
        }
    }
    /// Whether null is a value of the type.
    pub fn is_nullable(self) -> bool {
        match self {
            RefType::FuncRef | RefType::ExternRef => true,
            RefType::Typed(t) => t.nullable,
        }
    }
    /// What the reference points to.
    pub fn heap_type(self) -> HeapType {
        match self {
            RefType::FuncRef => HeapType::Func,
            RefType::ExternRef => HeapType::Extern,
            RefType::Typed(t) => t.heap,
        }
    }
    /// Whether this refers to functions (of any or of one type).
    pub fn is_func(self) -> bool {
        self.heap_type() != HeapType::Extern
    }
    /// Whether a value of this type is also one of `other` (subtyping):
    /// the heap types match and `other` is nullable if this is.
    pub fn matches(self, other: RefType) -> bool {
        self.heap_type().matches(other.heap_type()) && (other.is_nullable() || !self.is_nullable())
    }
}

impl From<RefType> for ValType {
    fn from(r: RefType) -> ValType {
        match r {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
            RefType::Typed(t) => ValType::Ref(t),
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ValType::from(*self).fmt(f)
    }
}

/// A function signature: parameter and result types. Cheap to clone (the
/// lists are shared).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FuncType {
    params: Arc<[ValType]>,
    results: Arc<[ValType]>,
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

/// The type of an exception-handling tag: the function type of its
/// payload, whose results are always empty (the exception-handling
/// proposal).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// The type of a tag whose exceptions carry values of `params`.
    pub fn new(params: impl IntoIterator<Item = ValType>) -> TagType {
        TagType {
            ty: FuncType::new(params, []),
        }
    }
    /// The payload's types.
    pub fn params(&self) -> &[ValType] {
        self.ty.params()
    }
    /// The tag's function type (no results).
    pub fn func_type(&self) -> &FuncType {
        &self.ty
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
    /// A table type from its parts.
    pub(crate) fn from_parts(
        element: RefType,
        minimum: u64,
        maximum: Option<u64>,
        is_64: bool,
    ) -> TableType {
        TableType {
            element,
            minimum,
            maximum,
            is_64,
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
    /// An exception-handling tag.
    Tag(TagType),
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
    /// The tag type, if this is one.
    pub fn tag(&self) -> Option<&TagType> {
        match self {
            ExternType::Tag(t) => Some(t),
            _ => None,
        }
    }
    /// A short name of the kind: "func", "global", "table", "memory" or
    /// "tag".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Global(_) => "global",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Tag(_) => "tag",
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
            ExternType::Tag(t) => write!(f, "tag {}", t.ty),
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
        // An immutable global may hold a subtype; a mutable one is read
        // and written, so its type must be the same.
        (ExternType::Global(a), ExternType::Global(e)) => {
            a.mutability == e.mutability
                && match a.mutability {
                    Mutability::Const => a.content.matches(e.content),
                    Mutability::Var => a.content == e.content,
                }
        }
        (ExternType::Tag(a), ExternType::Tag(e)) => a == e,
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
