//! The layout of an instance's `VMContext`, computed once per module and
//! read by both the translator (to emit loads at fixed offsets) and the
//! runtime (to fill the block in). The `#[repr(C)]` structs the offsets
//! point into live in `vm::vmcontext`, whose tests assert they agree.
//!
//! ```text
//!  0  *mut VMStoreContext          store-wide fuel, epoch deadline, stack limit
//!  8  *const VMBuiltinFunctions    table of libcall pointers
//! 16  usize                        index of the instance in its store
//! 24  (reserved)
//! 32  [*const VMFuncRef; funcs]    every function, imported ones first
//!     [*mut VMMemoryDefinition; memories]
//!     [*mut VMTableDefinition; tables]
//!     [*mut VMGlobalDefinition; globals]
//!     [VMFuncRef; defined funcs]   this instance's own function references
//!     [u32; types]                 engine-wide signature id of each type
//! ```

use super::module::ModuleInfo;

/// Pointer size on the host.
pub const PTR: u32 = 8;

/// Offsets inside `VMStoreContext`.
pub mod store_context {
    /// `fuel_remaining: i64`.
    pub const FUEL_REMAINING: i32 = 0;
    /// `epoch_deadline: u64`.
    pub const EPOCH_DEADLINE: i32 = 8;
    /// `epoch_counter: *const AtomicU64` (the engine's).
    pub const EPOCH_COUNTER: i32 = 16;
    /// `stack_limit: usize`: wasm may not push its stack below this.
    pub const STACK_LIMIT: i32 = 24;
    /// The size of the struct.
    #[cfg(test)]
    pub const SIZE: usize = 48;
}

/// Offsets inside `VMFuncRef`.
pub mod func_ref {
    /// `native_call: *const u8`: entry with the wasm calling convention.
    pub const NATIVE_CALL: i32 = 0;
    /// `array_call: *const u8`: entry taking arguments in an array of `ValRaw`.
    #[cfg(test)]
    pub const ARRAY_CALL: i32 = 8;
    /// `vmctx: *mut u8`: the callee's context.
    pub const VMCTX: i32 = 16;
    /// `type_id: u32`: engine-wide signature id.
    pub const TYPE_ID: i32 = 24;
    /// The size of the struct.
    pub const SIZE: u32 = 32;
}

/// Offsets inside `VMMemoryDefinition`.
pub mod memory_definition {
    /// `base: *mut u8`.
    pub const BASE: i32 = 0;
    /// `current_length: usize` in bytes.
    pub const CURRENT_LENGTH: i32 = 8;
}

/// Offsets inside `VMTableDefinition`.
pub mod table_definition {
    /// `base: *mut usize` (elements are pointer-sized).
    pub const BASE: i32 = 0;
    /// `current_elements: usize`.
    pub const CURRENT_ELEMENTS: i32 = 8;
}

/// The size of one `ValRaw` slot and of a `VMGlobalDefinition`.
pub const VAL_RAW_SIZE: u32 = 16;

/// The computed layout of one module's `VMContext`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VMOffsets {
    num_funcs: u32,
    num_imported_funcs: u32,
    num_memories: u32,
    num_tables: u32,
    num_globals: u32,
    num_types: u32,
}

impl VMOffsets {
    /// Offset of the store context pointer.
    pub const STORE_CONTEXT: u32 = 0;
    /// Offset of the builtin table pointer.
    pub const BUILTINS: u32 = 8;
    /// Offset of the instance index.
    pub const INSTANCE_INDEX: u32 = 16;
    const HEADER: u32 = 32;

    /// Computes the layout for a module.
    pub fn new(info: &ModuleInfo) -> VMOffsets {
        VMOffsets {
            num_funcs: info.functions.len() as u32,
            num_imported_funcs: info.num_imported_funcs,
            num_memories: info.memories.len() as u32,
            num_tables: info.tables.len() as u32,
            num_globals: info.globals.len() as u32,
            num_types: info.types.len() as u32,
        }
    }

    /// Offset of the `*const VMFuncRef` for function `index`.
    pub fn func_ref_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_funcs);
        Self::HEADER + index * PTR
    }

    fn memories_start(&self) -> u32 {
        Self::HEADER + self.num_funcs * PTR
    }

    /// Offset of the `*mut VMMemoryDefinition` for memory `index`.
    pub fn memory_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_memories);
        self.memories_start() + index * PTR
    }

    fn tables_start(&self) -> u32 {
        self.memories_start() + self.num_memories * PTR
    }

    /// Offset of the `*mut VMTableDefinition` for table `index`.
    pub fn table_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_tables);
        self.tables_start() + index * PTR
    }

    fn globals_start(&self) -> u32 {
        self.tables_start() + self.num_tables * PTR
    }

    /// Offset of the `*mut VMGlobalDefinition` for global `index`.
    pub fn global_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_globals);
        self.globals_start() + index * PTR
    }

    fn defined_func_refs_start(&self) -> u32 {
        self.globals_start() + self.num_globals * PTR
    }

    /// Offset of the `VMFuncRef` of defined function `defined_index`
    /// (counted from the first defined function).
    pub fn defined_func_ref(&self, defined_index: u32) -> u32 {
        debug_assert!(defined_index < self.num_funcs - self.num_imported_funcs);
        self.defined_func_refs_start() + defined_index * func_ref::SIZE
    }

    fn type_ids_start(&self) -> u32 {
        self.defined_func_refs_start() + (self.num_funcs - self.num_imported_funcs) * func_ref::SIZE
    }

    /// Offset of the signature id (`u32`) of type `index`.
    pub fn type_id(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_types);
        self.type_ids_start() + index * 4
    }

    /// Total size in bytes.
    pub fn size(&self) -> u32 {
        let end = self.type_ids_start() + self.num_types * 4;
        end.next_multiple_of(16)
    }
}
