//! The unsafe core of the runtime: memory mappings, executable code,
//! signal-based traps, and the raw structures compiled code reads. Every
//! `unsafe` block of the crate lives under this module (and the crate's
//! other modules only call the safe functions exported here).

pub mod alloc;
pub mod call;
pub mod code_memory;
pub mod cow;
pub mod host;
pub mod libcalls;
pub mod memory;
pub mod mmap;
pub mod pool;
pub mod table;
pub mod traphandler;
pub mod vmcontext;

pub use alloc::{GlobalStorage, VMContextAlloc, VMStoreContextBox};
pub use code_memory::CodeMemory;
pub use cow::MemoryImage;
pub use host::{HostFn, HostFuncBox};
pub use memory::{LinearMemory, MemorySource};
pub use pool::{InstancePool, MemoryRecycler, PoolPermit};
pub use table::{MAX_TABLE_ELEMENTS, Table};
pub use traphandler::{TrapRecord, init_traps};
pub use vmcontext::{VMFuncRef, ValRaw};

/// The effective user id of this process.
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// What the runtime needs of a store while wasm runs: implemented by
/// `StoreInner<T>` for every `T`, reached through the pointer the entering
/// call puts in the store context.
pub trait VMStore {
    /// The type-independent part of the store.
    fn opaque_mut(&mut self) -> &mut crate::store::StoreOpaque;
    /// The store's resource limiter, if one is set.
    fn limiter(&mut self) -> Option<&mut dyn crate::ResourceLimiter>;
    /// Called when the epoch deadline is reached: returns how many ticks to
    /// extend the deadline by, or the error to trap with.
    fn epoch_deadline_reached(&mut self) -> anyhow::Result<u64>;
    /// The store as `Any`, to recover its concrete type in host functions.
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

/// Compiled wasm-to-host trampoline of one signature.
pub struct HostTrampoline {
    code: CodeMemory,
}

impl HostTrampoline {
    /// Maps `code` executable.
    pub fn new(code: &[u8]) -> anyhow::Result<HostTrampoline> {
        Ok(HostTrampoline {
            code: CodeMemory::new(code, |_, _| Ok(()))?,
        })
    }

    /// The entry address.
    pub fn address(&self) -> usize {
        self.code.base()
    }

    /// Whether `pc` lies in this trampoline.
    pub fn contains(&self, pc: usize) -> bool {
        self.code.contains(pc)
    }
}

/// Loads a module's text: maps it, patches libcall addresses, and makes it
/// executable.
pub fn load_code(
    text: &[u8],
    relocs: &[(u32, crate::compiler::NativeLibCall)],
) -> anyhow::Result<CodeMemory> {
    CodeMemory::new(text, |code, _base| {
        for (offset, lc) in relocs {
            let at = *offset as usize;
            let slot = code
                .get_mut(at..at + 8)
                .ok_or_else(|| anyhow::anyhow!("relocation out of range"))?;
            slot.copy_from_slice(&(libcalls::native_libcall_address(*lc) as u64).to_le_bytes());
        }
        Ok(())
    })
}
