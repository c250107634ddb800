//! Linear memories.
//!
//! A *static* memory reserves its whole 4 GiB index space plus a 2 GiB
//! guard region up front, all inaccessible, and makes pages accessible as
//! it grows. Its base never moves, so compiled code needs no bounds checks
//! for accesses whose offset fits in the guard: anything out of bounds
//! faults, and the fault becomes a trap.
//!
//! A *dynamic* memory maps just what it needs; growing past its capacity
//! moves it, and compiled code checks every access against the current
//! length.
//!
//! Compiled code reads `base` and `current_length` from a
//! [`VMMemoryDefinition`] this type owns at a stable heap address.

use super::cow::MemoryImage;
use super::mmap::Mmap;
use super::vmcontext::VMMemoryDefinition;
use crate::compiler::translate::MEMORY_GUARD_SIZE;
use crate::types::{MemoryType, WASM_PAGE_SIZE, WASM32_MAX_PAGES};
use anyhow::{Result, bail};
use std::ptr::NonNull;

/// One linear memory and the definition compiled code reads.
pub struct LinearMemory {
    mmap: Mmap,
    definition: NonNull<VMMemoryDefinition>,
    ty: MemoryType,
    is_static: bool,
}

// SAFETY: the memory exclusively owns its mapping and its definition; the
// raw pointers are only dereferenced through `&self`/`&mut self` methods.
unsafe impl Send for LinearMemory {}
// SAFETY: shared access only reads (`&self` methods never write).
unsafe impl Sync for LinearMemory {}

impl LinearMemory {
    /// Creates a memory of `ty.minimum()` pages, zeroed.
    pub fn new(ty: MemoryType, is_static: bool) -> Result<LinearMemory> {
        LinearMemory::with_image(ty, is_static, None)
    }

    /// Creates a memory of `ty.minimum()` pages whose initial contents are
    /// `image` (mapped copy-on-write), zero elsewhere. An image needs a
    /// static memory and must lie within the initial size.
    pub fn with_image(
        ty: MemoryType,
        is_static: bool,
        image: Option<&MemoryImage>,
    ) -> Result<LinearMemory> {
        if ty.minimum() > WASM32_MAX_PAGES {
            bail!("memory minimum of {} pages is too large", ty.minimum());
        }
        let initial = (ty.minimum() * WASM_PAGE_SIZE) as usize;
        let mut mmap = if is_static {
            let mut m =
                Mmap::reserve((WASM32_MAX_PAGES * WASM_PAGE_SIZE + MEMORY_GUARD_SIZE) as usize)?;
            m.make_accessible(0, initial)?;
            if let Some(image) = image {
                if image.offset() + image.len() > initial {
                    bail!("the memory image does not fit in the initial memory");
                }
                m.map_image(image)?;
            }
            m
        } else if image.is_some() {
            bail!("a memory image needs a static memory");
        } else {
            Mmap::accessible(initial)?
        };
        let base = if mmap.is_empty() {
            NonNull::dangling().as_ptr()
        } else {
            mmap.as_mut_ptr()
        };
        let definition = NonNull::from(Box::leak(Box::new(VMMemoryDefinition {
            base,
            current_length: initial,
        })));
        Ok(LinearMemory {
            mmap,
            definition,
            ty,
            is_static,
        })
    }

    /// The memory's type as created.
    pub fn ty(&self) -> MemoryType {
        self.ty
    }

    /// The definition compiled code reads; valid as long as `self`.
    pub fn definition(&self) -> *mut VMMemoryDefinition {
        self.definition.as_ptr()
    }

    /// Current size in bytes.
    pub fn byte_size(&self) -> usize {
        // SAFETY: `definition` was leaked from a Box in `new` and is freed
        // only in `drop`; nothing writes it while `&self` is held.
        unsafe { self.definition.as_ref().current_length }
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.byte_size() as u64 / WASM_PAGE_SIZE
    }

    /// Address of byte 0.
    pub fn base(&self) -> *mut u8 {
        // SAFETY: see `byte_size`.
        unsafe { self.definition.as_ref().base }
    }

    /// The accessible bytes.
    pub fn as_slice(&self) -> &[u8] {
        let len = self.byte_size();
        if len == 0 {
            return &[];
        }
        // SAFETY: `[base, base + len)` is mapped read-write and owned by
        // this memory; the returned borrow keeps `&self` alive, and every
        // writer needs `&mut self`.
        unsafe { std::slice::from_raw_parts(self.base(), len) }
    }

    /// The accessible bytes, writable.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        let len = self.byte_size();
        if len == 0 {
            return &mut [];
        }
        // SAFETY: as in `as_slice`, and `&mut self` makes this the only
        // access.
        unsafe { std::slice::from_raw_parts_mut(self.base(), len) }
    }

    /// Zeroes the range `image` covers (for an instantiation that failed
    /// before its data segments would have run).
    pub fn clear_image(&mut self, image: &MemoryImage) -> Result<()> {
        if !self.is_static || image.offset() + image.len() > self.byte_size() {
            bail!("the memory image is not part of this memory");
        }
        self.mmap.zero_range(image.offset(), image.len())
    }

    /// Grows to `new_pages` pages. The caller has checked the maximum and
    /// any resource limiter; this fails only when the host is out of memory.
    pub fn grow_to(&mut self, new_pages: u64) -> Result<()> {
        let old = self.byte_size();
        let new = (new_pages * WASM_PAGE_SIZE) as usize;
        if new <= old {
            return Ok(());
        }
        if self.is_static {
            self.mmap.make_accessible(old, new - old)?;
        } else if new > self.mmap.len() {
            // Move to a larger mapping with room to grow again.
            let capacity = new
                .max(self.mmap.len().saturating_mul(2))
                .min((WASM32_MAX_PAGES * WASM_PAGE_SIZE) as usize);
            let mut bigger = Mmap::accessible(capacity)?;
            // SAFETY: both mappings are accessible for `old` bytes and are
            // distinct allocations.
            unsafe {
                std::ptr::copy_nonoverlapping(self.mmap.as_ptr(), bigger.as_mut_ptr(), old);
            }
            self.mmap = bigger;
        }
        let base = self.mmap.as_mut_ptr();
        // SAFETY: `definition` is owned by `self` (leaked Box) and `&mut
        // self` guarantees no other Rust access; compiled code only reads it
        // while a call holds the store exclusively.
        unsafe {
            let def = self.definition.as_mut();
            def.base = base;
            def.current_length = new;
        }
        Ok(())
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // SAFETY: `definition` came from `Box::leak` in `new` and is
        // dropped exactly once, here.
        drop(unsafe { Box::from_raw(self.definition.as_ptr()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_memory_grows_in_place() {
        let mut m = LinearMemory::new(MemoryType::new(1, Some(3)), true).unwrap();
        let base = m.base();
        m.as_mut_slice()[100] = 7;
        m.grow_to(3).unwrap();
        assert_eq!(m.base(), base);
        assert_eq!(m.pages(), 3);
        assert_eq!(m.as_slice()[100], 7);
        assert_eq!(m.as_slice()[3 * 65536 - 1], 0);
    }

    #[test]
    fn dynamic_memory_moves_and_keeps_contents() {
        let mut m = LinearMemory::new(MemoryType::new(0, None), false).unwrap();
        assert_eq!(m.as_slice().len(), 0);
        m.grow_to(1).unwrap();
        m.as_mut_slice()[5] = 9;
        m.grow_to(4).unwrap();
        assert_eq!(m.as_slice()[5], 9);
        assert_eq!(m.byte_size(), 4 * 65536);
        // SAFETY: reading the definition owned by `m` while `m` is alive.
        let def = unsafe { &*m.definition() };
        assert_eq!(def.current_length, 4 * 65536);
        assert_eq!(def.base, m.base());
    }
}
