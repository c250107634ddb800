//! The metadata of a module: its types, imports, definitions, exports,
//! segments and names. Everything here is plain data, serializable with the
//! compiled code.

use super::types::{WasmFuncType, WasmRefType, WasmValType};
use crate::types::{ExternType, GlobalType, MemoryType, Mutability, TableType, TagType};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The kind of an import or export.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntityIndex {
    /// A function index.
    Func(u32),
    /// A table index.
    Table(u32),
    /// A memory index.
    Memory(u32),
    /// A global index.
    Global(u32),
    /// A tag index (exception handling).
    Tag(u32),
}

/// One import of a module.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// The index space entry the import fills.
    pub index: EntityIndex,
}

/// One export of a module.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Export {
    /// Export name.
    pub name: String,
    /// The exported entity.
    pub index: EntityIndex,
}

/// A constant expression (global initialisers, segment offsets, elements).
/// Evaluated as a tiny stack machine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConstExpr(pub Vec<ConstOp>);

/// One operator of a constant expression.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConstOp {
    /// `i32.const`.
    I32(i32),
    /// `i64.const`.
    I64(i64),
    /// `f32.const` (bits).
    F32(u32),
    /// `f64.const` (bits).
    F64(u64),
    /// `v128.const`.
    V128(u128),
    /// `global.get`.
    GlobalGet(u32),
    /// `ref.null` (of any reference type: every null is 0).
    RefNull,
    /// `ref.func`.
    RefFunc(u32),
    /// `i32.add`.
    I32Add,
    /// `i32.sub`.
    I32Sub,
    /// `i32.mul`.
    I32Mul,
    /// `i64.add`.
    I64Add,
    /// `i64.sub`.
    I64Sub,
    /// `i64.mul`.
    I64Mul,
}

/// Where an element segment goes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ElementMode {
    /// Available to `table.init` until dropped.
    Passive,
    /// Copied into `table` at `offset` during instantiation, then dropped.
    Active {
        /// Table index.
        table: u32,
        /// Offset expression (i32, or i64 for a 64-bit table).
        offset: ConstExpr,
    },
    /// Only declares functions referenceable by `ref.func`; dropped at once.
    Declared,
}

/// An element segment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ElementSegment {
    /// Where it goes.
    pub mode: ElementMode,
    /// Element type.
    pub ty: WasmRefType,
    /// The elements.
    pub items: ElementItems,
}

/// The elements of a segment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ElementItems {
    /// Functions by index, [`ElementItems::NULL`] for a null reference:
    /// the form of nearly every segment, kept flat so that instantiation
    /// reads one array instead of evaluating an expression per element.
    Functions(Vec<u32>),
    /// One constant expression per element.
    Expressions(Vec<ConstExpr>),
}

impl ElementItems {
    /// A null reference in [`ElementItems::Functions`] (never a function
    /// index: a module has far fewer functions).
    pub const NULL: u32 = u32::MAX;
}

/// A table's type as the module declares it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasmTableType {
    /// Element type.
    pub element: WasmRefType,
    /// Minimum size in elements.
    pub minimum: u64,
    /// Maximum size in elements.
    pub maximum: Option<u64>,
    /// Whether it is indexed with `i64`.
    pub is_64: bool,
}

impl WasmTableType {
    /// The public type, module type indices mapped through `type_ids`.
    pub fn to_public(self, type_ids: &[u32]) -> TableType {
        TableType::from_parts(
            self.element.to_public(type_ids),
            self.minimum,
            self.maximum,
            self.is_64,
        )
    }
}

/// A global's type as the module declares it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasmGlobalType {
    /// The type of its value.
    pub content: WasmValType,
    /// Whether it can be set.
    pub mutable: bool,
}

impl WasmGlobalType {
    /// The public type, module type indices mapped through `type_ids`.
    pub fn to_public(self, type_ids: &[u32]) -> GlobalType {
        GlobalType::new(
            self.content.to_public(type_ids),
            if self.mutable {
                Mutability::Var
            } else {
                Mutability::Const
            },
        )
    }
}

/// Where a data segment goes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum DataMode {
    /// Available to `memory.init` until dropped.
    Passive,
    /// Copied into `memory` at `offset` during instantiation, then dropped.
    Active {
        /// Memory index.
        memory: u32,
        /// Offset expression (i32, or i64 for a 64-bit memory).
        offset: ConstExpr,
    },
}

/// A data segment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DataSegment {
    /// Where it goes.
    pub mode: DataMode,
    /// The bytes.
    pub data: Vec<u8>,
}

/// Everything about a module but its code.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ModuleInfo {
    /// The module's name from the name section.
    pub name: Option<String>,
    /// The type section's function types.
    pub types: Vec<WasmFuncType>,
    /// Imports in order.
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub functions: Vec<u32>,
    /// How many of `functions` are imported.
    pub num_imported_funcs: u32,
    /// Every table, imported ones first.
    pub tables: Vec<WasmTableType>,
    /// How many of `tables` are imported.
    pub num_imported_tables: u32,
    /// The initialiser expression of every defined table, if it has one
    /// (typed function references); without one, a table starts null.
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Every memory, imported ones first.
    pub memories: Vec<MemoryType>,
    /// How many of `memories` are imported.
    pub num_imported_memories: u32,
    /// Every global, imported ones first.
    pub globals: Vec<WasmGlobalType>,
    /// How many of `globals` are imported.
    pub num_imported_globals: u32,
    /// The type index of every tag (exception handling), imported ones
    /// first.
    pub tags: Vec<u32>,
    /// How many of `tags` are imported.
    pub num_imported_tags: u32,
    /// Initialisers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    /// Exports in order.
    pub exports: Vec<Export>,
    /// The start function.
    pub start: Option<u32>,
    /// Element segments.
    pub elements: Vec<ElementSegment>,
    /// Data segments.
    pub data: Vec<DataSegment>,
    /// Function names from the name section.
    pub func_names: HashMap<u32, String>,
}

impl ModuleInfo {
    /// The active data segments for memory `memory`, in order, as
    /// `(offset, bytes)`, when every one has a constant offset and fits in
    /// the memory's initial size (so instantiation cannot trap on them and
    /// their effect is known without running anything); `None` otherwise.
    pub fn static_data_segments(&self, memory: u32) -> Option<Vec<(usize, &[u8])>> {
        let ty = self.memories.get(memory as usize)?;
        let initial = ty.pages_to_bytes(ty.minimum())?;
        let mut segments = Vec::new();
        for seg in &self.data {
            let DataMode::Active { memory: m, offset } = &seg.mode else {
                continue;
            };
            if *m != memory {
                continue;
            }
            let offset = match offset.0.as_slice() {
                [ConstOp::I32(offset)] if !ty.is_64() => u64::from(*offset as u32),
                [ConstOp::I64(offset)] if ty.is_64() => *offset as u64,
                _ => return None,
            };
            let end = offset.checked_add(seg.data.len() as u64)?;
            if end > initial {
                return None;
            }
            segments.push((usize::try_from(offset).ok()?, seg.data.as_slice()));
        }
        Some(segments)
    }

    /// The signature of function `index`.
    pub fn func_type(&self, index: u32) -> &WasmFuncType {
        &self.types[self.functions[index as usize] as usize]
    }

    /// The number of functions with bodies.
    pub fn num_defined_funcs(&self) -> u32 {
        self.functions.len() as u32 - self.num_imported_funcs
    }

    /// Whether function `index` is imported.
    pub fn is_imported_func(&self, index: u32) -> bool {
        index < self.num_imported_funcs
    }

    /// The public type of an entity of this module, its module type
    /// indices mapped through `type_ids` (the engine-wide id of each).
    pub fn entity_type(&self, index: EntityIndex, type_ids: &[u32]) -> ExternType {
        match index {
            EntityIndex::Func(i) => ExternType::Func(self.func_type(i).to_public(type_ids)),
            EntityIndex::Table(i) => ExternType::Table(self.tables[i as usize].to_public(type_ids)),
            EntityIndex::Memory(i) => ExternType::Memory(self.memories[i as usize]),
            EntityIndex::Global(i) => {
                ExternType::Global(self.globals[i as usize].to_public(type_ids))
            }
            EntityIndex::Tag(i) => ExternType::Tag(TagType::new(
                self.types[self.tags[i as usize] as usize]
                    .to_public(type_ids)
                    .params()
                    .iter()
                    .copied(),
            )),
        }
    }

    /// The value type of global `index`.
    pub fn global_type(&self, index: u32) -> WasmValType {
        self.globals[index as usize].content
    }
}
