//! The one description of the memory layout compiled code shares with the
//! runtime: the fixed-layout structures ([`VMLayout`], one per pointer
//! size) and the per-module `VMContext` of an instance ([`VMOffsets`]).
//!
//! The translator takes every offset it emits from here, computed for the
//! target's pointer size, so it holds no literal offsets or pointer sizes.
//! The runtime's `#[repr(C)]` structs in `vm::vmcontext` are the same
//! layout for the host's pointer size: compile-time assertions there (and
//! the unit tests below, which also run under Miri) check each field's
//! offset and each struct's size against [`VMLayout::HOST`].
//!
//! An instance's `VMContext`, `P` the pointer size:
//!
//! ```text
//!  0   *mut VMStoreContext          store-wide fuel, epoch deadline, stack limit
//!  P   *const VMBuiltinFunctions    table of libcall pointers
//!  2P  usize                        index of the instance in its store
//!  3P  (reserved)
//!  4P  [*const VMFuncRef; funcs]    every function, imported ones first
//!      [*mut VMMemoryDefinition; memories]
//!      [*mut VMTableDefinition; tables]
//!      [*mut VMGlobalDefinition; globals]
//!      [VMFuncRef; defined funcs]   this instance's own function references
//!      [u32; types]                 engine-wide signature id of each type
//! ```
//!
//! The store context is the first word of every instance's `VMContext`:
//! builtins and host functions receive only the caller's `vmctx` and find
//! the store through it ([`VMLayout::vmctx_store_context`]).
//!
//! For 8-byte pointers this is exactly the layout Petrel has always used,
//! so serialized modules stay valid.

use super::module::ModuleInfo;

/// Size in bytes of one `ValRaw` slot (arguments and results of array
/// calls) and of a `VMGlobalDefinition`: 16 whatever the pointer size.
pub const VAL_RAW_SIZE: u32 = 16;

/// The fixed-layout structures compiled code reads, for one pointer size.
/// Every method is a `const fn`, so the runtime's layout assertions are
/// checked at compile time.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct VMLayout {
    ptr: u8,
}

impl VMLayout {
    /// The layout for the pointer size of the machine this crate runs on.
    pub const HOST: VMLayout = VMLayout::new(size_of::<usize>() as u8);

    /// The layout for `pointer_size`-byte pointers.
    ///
    /// # Panics
    /// Unless `pointer_size` is 4 or 8.
    pub const fn new(pointer_size: u8) -> VMLayout {
        assert!(
            pointer_size == 4 || pointer_size == 8,
            "pointers are 4 or 8 bytes"
        );
        VMLayout { ptr: pointer_size }
    }

    /// The size of a pointer (and of `usize`) in bytes.
    pub const fn pointer_size(self) -> u32 {
        self.ptr as u32
    }

    /// Offset of the `n`th pointer-sized word.
    const fn word(self, n: u32) -> u32 {
        n * self.pointer_size()
    }

    // ---- the VMContext header ----------------------------------------------

    /// Offset of `*mut VMStoreContext` in every instance's `VMContext`:
    /// always the first word. Builtins and host functions get nothing but
    /// the caller's `vmctx` and rely on finding the store context here.
    pub const fn vmctx_store_context(self) -> u32 {
        0
    }

    /// Offset of `*const VMBuiltinFunctions` in a `VMContext`.
    pub const fn vmctx_builtin_functions(self) -> u32 {
        self.word(1)
    }

    /// Offset of the instance's index in its store (`usize`).
    pub const fn vmctx_instance_index(self) -> u32 {
        self.word(2)
    }

    /// Size of the header; a word is reserved after the instance index.
    pub const fn vmctx_header_size(self) -> u32 {
        self.word(4)
    }

    // ---- VMStoreContext ------------------------------------------------------

    /// `fuel_remaining: i64`; compiled code subtracts from it.
    pub const fn store_context_fuel_remaining(self) -> u32 {
        0
    }

    /// `epoch_deadline: u64`.
    pub const fn store_context_epoch_deadline(self) -> u32 {
        8
    }

    /// `epoch_counter: *const AtomicU64` (the engine's).
    pub const fn store_context_epoch_counter(self) -> u32 {
        16
    }

    /// `stack_limit: usize`: wasm may not push its stack below this.
    pub const fn store_context_stack_limit(self) -> u32 {
        self.store_context_epoch_counter() + self.word(1)
    }

    /// `store`: the store running wasm now, a two-word trait object
    /// pointer only the runtime reads.
    pub const fn store_context_store(self) -> u32 {
        self.store_context_stack_limit() + self.word(1)
    }

    /// Size of `VMStoreContext` (8-aligned: its first fields are 64-bit).
    pub const fn size_of_store_context(self) -> u32 {
        (self.store_context_store() + self.word(2)).next_multiple_of(8)
    }

    // ---- VMFuncRef -------------------------------------------------------------

    /// `native_call`: entry with the wasm calling convention.
    pub const fn func_ref_native_call(self) -> u32 {
        0
    }

    /// `array_call`: entry taking arguments in an array of `ValRaw`.
    pub const fn func_ref_array_call(self) -> u32 {
        self.word(1)
    }

    /// `vmctx: *mut u8`: the callee's context.
    pub const fn func_ref_vmctx(self) -> u32 {
        self.word(2)
    }

    /// `type_id: u32`: engine-wide signature id.
    pub const fn func_ref_type_id(self) -> u32 {
        self.word(3)
    }

    /// Size of `VMFuncRef`: padded to a multiple of the pointer size.
    pub const fn size_of_func_ref(self) -> u32 {
        (self.func_ref_type_id() + 4).next_multiple_of(self.pointer_size())
    }

    // ---- VMMemoryDefinition, VMTableDefinition -------------------------------

    /// `base: *mut u8` of a `VMMemoryDefinition`.
    pub const fn memory_definition_base(self) -> u32 {
        0
    }

    /// `current_length: usize` (bytes) of a `VMMemoryDefinition`.
    pub const fn memory_definition_current_length(self) -> u32 {
        self.word(1)
    }

    /// Size of `VMMemoryDefinition`.
    pub const fn size_of_memory_definition(self) -> u32 {
        self.word(2)
    }

    /// `base: *mut usize` of a `VMTableDefinition`.
    pub const fn table_definition_base(self) -> u32 {
        0
    }

    /// `current_elements: usize` of a `VMTableDefinition`.
    pub const fn table_definition_current_elements(self) -> u32 {
        self.word(1)
    }

    /// Size of `VMTableDefinition`.
    pub const fn size_of_table_definition(self) -> u32 {
        self.word(2)
    }

    /// Size of one table element: a pointer-sized word (a `*const
    /// VMFuncRef`, or an externref's id + 1; 0 is null).
    pub const fn size_of_table_element(self) -> u32 {
        self.pointer_size()
    }

    // ---- VMGlobalDefinition, VMBuiltinFunctions, host contexts --------------

    /// The value of a `VMGlobalDefinition`, a `ValRaw`.
    pub const fn global_definition_value(self) -> u32 {
        0
    }

    /// Offset of builtin number `index` in `VMBuiltinFunctions`, a table
    /// of function pointers.
    pub const fn builtin_function(self, index: u32) -> u32 {
        self.word(index)
    }

    /// Offset of the host entry in a host function's context (its
    /// `vmctx`), which the wasm-to-host trampoline calls.
    pub const fn host_func_context_entry(self) -> u32 {
        0
    }
}

/// The computed layout of one module's `VMContext`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VMOffsets {
    /// The fixed-layout structures, for the same pointer size.
    pub layout: VMLayout,
    num_funcs: u32,
    num_imported_funcs: u32,
    num_memories: u32,
    num_tables: u32,
    num_globals: u32,
    num_imported_globals: u32,
    num_types: u32,
}

impl VMOffsets {
    /// Computes the layout of `info`'s `VMContext` for `layout`'s pointer
    /// size.
    pub fn new(layout: VMLayout, info: &ModuleInfo) -> VMOffsets {
        VMOffsets {
            layout,
            num_funcs: info.functions.len() as u32,
            num_imported_funcs: info.num_imported_funcs,
            num_memories: info.memories.len() as u32,
            num_tables: info.tables.len() as u32,
            num_globals: info.globals.len() as u32,
            num_imported_globals: info.num_imported_globals,
            num_types: info.types.len() as u32,
        }
    }

    fn ptr(&self) -> u32 {
        self.layout.pointer_size()
    }

    /// Offset of the `*const VMFuncRef` for function `index`.
    pub fn func_ref_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_funcs);
        self.layout.vmctx_header_size() + index * self.ptr()
    }

    fn memories_start(&self) -> u32 {
        self.layout.vmctx_header_size() + self.num_funcs * self.ptr()
    }

    /// Offset of the `*mut VMMemoryDefinition` for memory `index`.
    pub fn memory_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_memories);
        self.memories_start() + index * 2 * self.ptr()
    }

    /// Offset of the copy of memory `index`'s base address, next to its
    /// definition pointer. Set at instantiation for a memory whose base
    /// never moves (a static one), so that compiled code reaches the base
    /// in one load from the `VMContext` instead of two; unused otherwise.
    pub fn memory_base(&self, index: u32) -> u32 {
        self.memory_ptr(index) + self.ptr()
    }

    fn tables_start(&self) -> u32 {
        self.memories_start() + self.num_memories * 2 * self.ptr()
    }

    /// Offset of the `*mut VMTableDefinition` for table `index`.
    pub fn table_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_tables);
        self.tables_start() + index * self.ptr()
    }

    fn globals_start(&self) -> u32 {
        self.tables_start() + self.num_tables * self.ptr()
    }

    /// Offset of the `*mut VMGlobalDefinition` for global `index`.
    pub fn global_ptr(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_globals);
        self.globals_start() + index * self.ptr()
    }

    fn defined_globals_start(&self) -> u32 {
        (self.globals_start() + self.num_globals * self.ptr()).next_multiple_of(16)
    }

    /// Offset of the storage (a `VMGlobalDefinition`, 16 bytes, 16-aligned)
    /// of defined global `defined_index` (counted from the first defined
    /// global): a module's own globals live in its `VMContext`, so that
    /// compiled code reads and writes them with one access.
    pub fn defined_global(&self, defined_index: u32) -> u32 {
        debug_assert!(defined_index < self.num_globals - self.num_imported_globals);
        self.defined_globals_start() + defined_index * 16
    }

    fn defined_func_refs_start(&self) -> u32 {
        self.defined_globals_start() + (self.num_globals - self.num_imported_globals) * 16
    }

    /// Offset of the `VMFuncRef` of defined function `defined_index`
    /// (counted from the first defined function).
    pub fn defined_func_ref(&self, defined_index: u32) -> u32 {
        debug_assert!(defined_index < self.num_funcs - self.num_imported_funcs);
        self.defined_func_refs_start() + defined_index * self.layout.size_of_func_ref()
    }

    fn type_ids_start(&self) -> u32 {
        self.defined_func_refs_start()
            + (self.num_funcs - self.num_imported_funcs) * self.layout.size_of_func_ref()
    }

    /// Offset of the signature id (`u32`) of type `index`.
    pub fn type_id(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_types);
        self.type_ids_start() + index * 4
    }

    /// Total size in bytes (a multiple of 16, the block's alignment).
    pub fn size(&self) -> u32 {
        let end = self.type_ids_start() + self.num_types * 4;
        end.next_multiple_of(16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUTS: [VMLayout; 2] = [VMLayout::new(4), VMLayout::new(8)];

    /// A module with 3 imported and 2 defined functions, 2 memories, 1
    /// table, 3 globals and 2 types.
    fn offsets(layout: VMLayout) -> VMOffsets {
        VMOffsets {
            layout,
            num_funcs: 5,
            num_imported_funcs: 3,
            num_memories: 2,
            num_tables: 1,
            num_globals: 3,
            num_imported_globals: 1,
            num_types: 2,
        }
    }

    #[test]
    fn eight_byte_pointers_keep_the_layout_serialized_modules_use() {
        let l = VMLayout::new(8);
        assert_eq!(
            [
                l.vmctx_store_context(),
                l.vmctx_builtin_functions(),
                l.vmctx_instance_index(),
                l.vmctx_header_size(),
            ],
            [0, 8, 16, 32]
        );
        assert_eq!(
            [
                l.store_context_fuel_remaining(),
                l.store_context_epoch_deadline(),
                l.store_context_epoch_counter(),
                l.store_context_stack_limit(),
                l.size_of_store_context(),
            ],
            [0, 8, 16, 24, 48]
        );
        assert_eq!(
            [
                l.func_ref_native_call(),
                l.func_ref_array_call(),
                l.func_ref_vmctx(),
                l.func_ref_type_id(),
                l.size_of_func_ref(),
            ],
            [0, 8, 16, 24, 32]
        );
        assert_eq!(l.memory_definition_current_length(), 8);
        assert_eq!(l.table_definition_current_elements(), 8);
        assert_eq!((l.builtin_function(3), l.size_of_table_element()), (24, 8));
        let o = offsets(l);
        assert_eq!(o.func_ref_ptr(4), 32 + 4 * 8);
        assert_eq!(o.memory_ptr(0), 32 + 5 * 8);
        assert_eq!(o.memory_base(1), 32 + 8 * 8);
        assert_eq!(o.defined_global(0), 144);
        assert_eq!(o.defined_func_ref(0), 144 + 2 * 16);
        assert_eq!(o.type_id(1), 176 + 2 * 32 + 4);
        assert_eq!(o.size(), 256);
    }

    #[test]
    fn four_byte_pointers_halve_every_pointer() {
        let l = VMLayout::new(4);
        assert_eq!(l.vmctx_header_size(), 16);
        assert_eq!(l.store_context_stack_limit(), 20);
        assert_eq!(l.size_of_store_context(), 32);
        assert_eq!((l.func_ref_type_id(), l.size_of_func_ref()), (12, 16));
        assert_eq!(l.memory_definition_current_length(), 4);
        assert_eq!((l.builtin_function(3), l.size_of_table_element()), (12, 4));
        let o = offsets(l);
        assert_eq!(o.memory_ptr(1), 16 + 7 * 4);
        assert_eq!(o.defined_global(1), 80 + 16);
        assert_eq!(o.type_id(0), 80 + 2 * 16 + 2 * 16);
    }

    /// Each struct's fields lie inside it, aligned and without overlap.
    #[test]
    fn struct_fields_are_aligned_and_disjoint() {
        for l in LAYOUTS {
            let p = l.pointer_size();
            // (offset, size) of each field, in order, and the struct size.
            let structs: [(&[(u32, u32)], u32); 4] = [
                (
                    &[
                        (l.store_context_fuel_remaining(), 8),
                        (l.store_context_epoch_deadline(), 8),
                        (l.store_context_epoch_counter(), p),
                        (l.store_context_stack_limit(), p),
                        (l.store_context_store(), 2 * p),
                    ],
                    l.size_of_store_context(),
                ),
                (
                    &[
                        (l.func_ref_native_call(), p),
                        (l.func_ref_array_call(), p),
                        (l.func_ref_vmctx(), p),
                        (l.func_ref_type_id(), 4),
                    ],
                    l.size_of_func_ref(),
                ),
                (
                    &[
                        (l.memory_definition_base(), p),
                        (l.memory_definition_current_length(), p),
                    ],
                    l.size_of_memory_definition(),
                ),
                (
                    &[
                        (l.table_definition_base(), p),
                        (l.table_definition_current_elements(), p),
                    ],
                    l.size_of_table_definition(),
                ),
            ];
            for (fields, size) in structs {
                let mut end = 0;
                for (offset, field_size) in fields {
                    assert!(*offset >= end, "{l:?}: field at {offset} overlaps");
                    assert_eq!(offset % field_size.min(&p), 0, "{l:?}: misaligned");
                    end = offset + field_size;
                }
                assert!(end <= size && size.is_multiple_of(p), "{l:?}: size {size}");
            }
        }
    }

    /// The `VMContext` regions follow each other in order, each item
    /// aligned for what it holds, all inside the block.
    #[test]
    fn vmctx_regions_are_ordered_aligned_and_inside() {
        for l in LAYOUTS {
            let o = offsets(l);
            let p = l.pointer_size();
            let mut items = vec![(l.vmctx_store_context(), p)];
            items.push((l.vmctx_builtin_functions(), p));
            items.push((l.vmctx_instance_index(), p));
            items.extend((0..5).map(|i| (o.func_ref_ptr(i), p)));
            items.extend((0..2).flat_map(|i| [(o.memory_ptr(i), p), (o.memory_base(i), p)]));
            items.push((o.table_ptr(0), p));
            items.extend((0..3).map(|i| (o.global_ptr(i), p)));
            items.extend((0..2).map(|i| (o.defined_global(i), 16)));
            items.extend((0..2).map(|i| (o.defined_func_ref(i), l.size_of_func_ref())));
            items.extend((0..2).map(|i| (o.type_id(i), 4)));
            let mut end = 0;
            for (offset, size) in items {
                assert!(offset >= end, "{l:?}: {offset} overlaps");
                assert_eq!(offset % size.min(p), 0, "{l:?}: {offset} misaligned");
                end = offset + size;
            }
            assert!(end <= o.size() && o.size().is_multiple_of(16));
            assert!((0..2).all(|i| o.defined_global(i).is_multiple_of(16)));
        }
    }

    #[test]
    fn the_host_layout_is_the_native_pointer_size() {
        assert_eq!(
            VMLayout::HOST.pointer_size() as usize,
            size_of::<*const u8>()
        );
    }

    #[test]
    #[should_panic(expected = "4 or 8")]
    fn other_pointer_sizes_are_refused() {
        let _ = VMLayout::new(2);
    }
}
