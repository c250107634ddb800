//! The `#[repr(C)]` structures JIT code reads and writes. Their offsets
//! are declared in `environ::vmoffsets`; the tests below assert both agree.

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
    /// Padding to 32 bytes.
    pub _pad: u32,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environ::vmoffsets::{func_ref, memory_definition, store_context, table_definition};
    use std::mem::{offset_of, size_of};

    #[test]
    fn layouts_match_vmoffsets() {
        assert_eq!(
            offset_of!(VMStoreContext, fuel_remaining),
            store_context::FUEL_REMAINING as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, epoch_deadline),
            store_context::EPOCH_DEADLINE as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, epoch_counter),
            store_context::EPOCH_COUNTER as usize
        );
        assert_eq!(
            offset_of!(VMStoreContext, stack_limit),
            store_context::STACK_LIMIT as usize
        );
        assert_eq!(size_of::<VMStoreContext>(), store_context::SIZE);
        assert_eq!(
            offset_of!(VMFuncRef, native_call),
            func_ref::NATIVE_CALL as usize
        );
        assert_eq!(
            offset_of!(VMFuncRef, array_call),
            func_ref::ARRAY_CALL as usize
        );
        assert_eq!(offset_of!(VMFuncRef, vmctx), func_ref::VMCTX as usize);
        assert_eq!(offset_of!(VMFuncRef, type_id), func_ref::TYPE_ID as usize);
        assert_eq!(size_of::<VMFuncRef>(), func_ref::SIZE as usize);
        assert_eq!(
            offset_of!(VMMemoryDefinition, base),
            memory_definition::BASE as usize
        );
        assert_eq!(
            offset_of!(VMMemoryDefinition, current_length),
            memory_definition::CURRENT_LENGTH as usize
        );
        assert_eq!(
            offset_of!(VMTableDefinition, base),
            table_definition::BASE as usize
        );
        assert_eq!(
            offset_of!(VMTableDefinition, current_elements),
            table_definition::CURRENT_ELEMENTS as usize
        );
        assert_eq!(size_of::<ValRaw>(), 16);
        assert_eq!(size_of::<VMGlobalDefinition>(), 16);
    }

    #[test]
    fn val_raw_round_trips() {
        assert_eq!(ValRaw::from_u32(0xdead_beef).get_u32(), 0xdead_beef);
        assert_eq!(ValRaw::from_u64(u64::MAX - 1).get_u64(), u64::MAX - 1);
        assert_eq!(ValRaw::from_u128(u128::MAX / 3).get_u128(), u128::MAX / 3);
        assert_eq!(ValRaw::from_u32(7).get_u64(), 7);
    }
}
