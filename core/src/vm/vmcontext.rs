//! The `#[repr(C)]` structures JIT code reads and writes. Their layout is
//! described once, in `environ::vmoffsets`, for any pointer size; the
//! assertions below check at compile time that these structs are that
//! layout for the host's pointer size ([`VMLayout::HOST`]).

use crate::environ::vmoffsets::{VAL_RAW_SIZE, VMLayout};
use std::mem::{offset_of, size_of};
use std::sync::atomic::AtomicU64;

/// Store-wide state JIT code reads: one per store, at a stable address.
#[repr(C)]
pub struct VMStoreContext {
    /// Fuel left; compiled code subtracts from it and traps below zero.
    pub fuel_remaining: i64,
    /// Epoch at which compiled code calls `epoch_interrupt`.
    pub epoch_deadline: u64,
    /// The engine's epoch counter.
    pub epoch_counter: *const AtomicU64,
    /// Lowest stack address wasm may use during the current call.
    pub stack_limit: usize,
    /// The store running wasm right now (set on every entry from the host).
    pub store: Option<std::ptr::NonNull<dyn super::VMStore>>,
}

/// A function reference: what `funcref` values and tables point at.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct VMFuncRef {
    /// Entry with the wasm calling convention.
    pub native_call: usize,
    /// Entry taking arguments and results in an array of `ValRaw`.
    pub array_call: usize,
    /// The callee's context (an instance's `VMContext` or a host context).
    pub vmctx: *mut u8,
    /// Engine-wide signature id.
    pub type_id: u32,
}

/// Base and size of a linear memory.
#[repr(C)]
#[derive(Debug)]
pub struct VMMemoryDefinition {
    /// Address of byte 0.
    pub base: *mut u8,
    /// Accessible size in bytes.
    pub current_length: usize,
}

/// Base and size of a table. Elements are pointer-sized: a `*const
/// VMFuncRef` for `funcref`, an externref id + 1 for `externref`, 0 for null.
#[repr(C)]
#[derive(Debug)]
pub struct VMTableDefinition {
    /// Address of element 0.
    pub base: *mut usize,
    /// Number of elements.
    pub current_elements: usize,
}

/// Storage of one global: 16 bytes, the value at offset 0.
#[repr(C, align(16))]
#[derive(Copy, Clone, Debug, Default)]
pub struct VMGlobalDefinition {
    /// The value, little-endian, as a `ValRaw`.
    pub value: ValRaw,
}

/// One untyped wasm value as JIT code stores it: 16 bytes, little-endian,
/// the value in the low bytes. References are pointer-sized integers.
#[repr(C, align(16))]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ValRaw {
    bytes: [u8; 16],
}

impl ValRaw {
    /// From a 32-bit integer (also `f32` bits).
    pub fn from_u32(v: u32) -> ValRaw {
        let mut bytes = [0; 16];
        bytes[..4].copy_from_slice(&v.to_le_bytes());
        ValRaw { bytes }
    }
    /// From a 64-bit integer (also `f64` bits and references).
    pub fn from_u64(v: u64) -> ValRaw {
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&v.to_le_bytes());
        ValRaw { bytes }
    }
    /// From a 128-bit vector.
    pub fn from_u128(v: u128) -> ValRaw {
        ValRaw {
            bytes: v.to_le_bytes(),
        }
    }
    /// As a 32-bit integer.
    pub fn get_u32(&self) -> u32 {
        u32::from_le_bytes([self.bytes[0], self.bytes[1], self.bytes[2], self.bytes[3]])
    }
    /// As a 64-bit integer.
    pub fn get_u64(&self) -> u64 {
        let mut b = [0; 8];
        b.copy_from_slice(&self.bytes[..8]);
        u64::from_le_bytes(b)
    }
    /// As a 128-bit vector.
    pub fn get_u128(&self) -> u128 {
        u128::from_le_bytes(self.bytes)
    }
}

/// Reads the store context and the instance index from the header of an
/// instance's `VMContext` (the first word and the instance-index word of
/// [`VMLayout`]): how builtins and host functions, which get nothing but
/// the caller's `vmctx`, find their store.
///
/// # Safety
/// `vmctx` must be a live instance `VMContext` filled in by instantiation.
pub unsafe fn vmctx_store_context_and_instance(vmctx: *mut u8) -> (*mut VMStoreContext, usize) {
    let layout = VMLayout::HOST;
    // SAFETY: per the contract the header is initialised; both words are
    // pointer-aligned (the block is 16-aligned) and inside it. The store
    // context pointer was written as an integer (`VMContextAlloc::
    // write_usize`, which exposed its provenance), so it is read back as one.
    unsafe {
        let store_context = *vmctx
            .add(layout.vmctx_store_context() as usize)
            .cast::<usize>();
        let instance = *vmctx
            .add(layout.vmctx_instance_index() as usize)
            .cast::<usize>();
        (
            std::ptr::with_exposed_provenance_mut(store_context),
            instance,
        )
    }
}

/// Checks at compile time that the structs above are [`VMLayout::HOST`].
const _: () = {
    const L: VMLayout = VMLayout::HOST;
    const fn at(offset: u32) -> usize {
        offset as usize
    }
    assert!(offset_of!(VMStoreContext, fuel_remaining) == at(L.store_context_fuel_remaining()));
    assert!(offset_of!(VMStoreContext, epoch_deadline) == at(L.store_context_epoch_deadline()));
    assert!(offset_of!(VMStoreContext, epoch_counter) == at(L.store_context_epoch_counter()));
    assert!(offset_of!(VMStoreContext, stack_limit) == at(L.store_context_stack_limit()));
    assert!(offset_of!(VMStoreContext, store) == at(L.store_context_store()));
    assert!(size_of::<VMStoreContext>() == at(L.size_of_store_context()));
    assert!(offset_of!(VMFuncRef, native_call) == at(L.func_ref_native_call()));
    assert!(offset_of!(VMFuncRef, array_call) == at(L.func_ref_array_call()));
    assert!(offset_of!(VMFuncRef, vmctx) == at(L.func_ref_vmctx()));
    assert!(offset_of!(VMFuncRef, type_id) == at(L.func_ref_type_id()));
    assert!(size_of::<VMFuncRef>() == at(L.size_of_func_ref()));
    assert!(offset_of!(VMMemoryDefinition, base) == at(L.memory_definition_base()));
    assert!(
        offset_of!(VMMemoryDefinition, current_length) == at(L.memory_definition_current_length())
    );
    assert!(size_of::<VMMemoryDefinition>() == at(L.size_of_memory_definition()));
    assert!(offset_of!(VMTableDefinition, base) == at(L.table_definition_base()));
    assert!(
        offset_of!(VMTableDefinition, current_elements)
            == at(L.table_definition_current_elements())
    );
    assert!(size_of::<VMTableDefinition>() == at(L.size_of_table_definition()));
    assert!(size_of::<usize>() == at(L.size_of_table_element()));
    assert!(offset_of!(VMGlobalDefinition, value) == at(L.global_definition_value()));
    assert!(size_of::<VMGlobalDefinition>() == at(VAL_RAW_SIZE));
    assert!(size_of::<ValRaw>() == at(VAL_RAW_SIZE));
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The compile-time checks above, again at run time (so the Miri lane
    /// covers the layout description too).
    #[test]
    fn structs_are_the_host_layout() {
        let l = VMLayout::HOST;
        let at = |offset: u32| offset as usize;
        assert_eq!(
            offset_of!(VMStoreContext, stack_limit),
            at(l.store_context_stack_limit())
        );
        assert_eq!(
            offset_of!(VMStoreContext, store),
            at(l.store_context_store())
        );
        assert_eq!(size_of::<VMStoreContext>(), at(l.size_of_store_context()));
        assert_eq!(offset_of!(VMFuncRef, vmctx), at(l.func_ref_vmctx()));
        assert_eq!(offset_of!(VMFuncRef, type_id), at(l.func_ref_type_id()));
        assert_eq!(size_of::<VMFuncRef>(), at(l.size_of_func_ref()));
        assert_eq!(
            offset_of!(VMMemoryDefinition, current_length),
            at(l.memory_definition_current_length())
        );
        assert_eq!(
            offset_of!(VMTableDefinition, current_elements),
            at(l.table_definition_current_elements())
        );
        assert_eq!(size_of::<VMGlobalDefinition>(), at(VAL_RAW_SIZE));
    }

    #[test]
    fn the_header_reader_finds_store_context_and_instance() {
        let l = VMLayout::HOST;
        let mut ctx = std::mem::MaybeUninit::<VMStoreContext>::uninit();
        let ctx_ptr = ctx.as_mut_ptr();
        let mut vmctx = crate::vm::VMContextAlloc::new(l.vmctx_header_size());
        vmctx.write_usize(l.vmctx_store_context(), ctx_ptr.expose_provenance());
        vmctx.write_usize(l.vmctx_instance_index(), 7);
        // SAFETY: the header of `vmctx` is filled in above.
        let (found, instance) = unsafe { vmctx_store_context_and_instance(vmctx.as_ptr()) };
        assert_eq!((found, instance), (ctx_ptr, 7));
    }

    #[test]
    fn val_raw_round_trips() {
        assert_eq!(ValRaw::from_u32(0xdead_beef).get_u32(), 0xdead_beef);
        assert_eq!(ValRaw::from_u64(u64::MAX - 1).get_u64(), u64::MAX - 1);
        assert_eq!(ValRaw::from_u128(u128::MAX / 3).get_u128(), u128::MAX / 3);
        assert_eq!(ValRaw::from_u32(7).get_u64(), 7);
    }
}
