//! Linear memories, laid out as `environ::memory` plans them.
//!
//! A *static* memory reserves 4 GiB of address space plus a 2 GiB guard
//! region up front, all inaccessible, and makes pages accessible as it
//! grows. Its base never moves, so compiled code needs no bounds checks
//! for 32-bit accesses whose offset fits in the guard (64 KiB pages): the
//! fault is the check, and the fault becomes a trap.
//!
//! A *dynamic* memory maps just what it needs; growing past its capacity
//! moves it, and compiled code checks every access against the current
//! length.
//!
//! The accessible part of a static memory is its size rounded up to the
//! host's page: with byte-sized pages (custom-page-sizes) a few bytes past
//! the size are readable, which is why compiled code checks such memories
//! explicitly.
//!
//! Compiled code reads `base` and `current_length` from a
//! [`VMMemoryDefinition`] this type owns at a stable heap address.

use super::cow::MemoryImage;
use super::mmap::{Mmap, page_size};
use super::pool::{InstancePool, MemoryRecycler, MemorySlot, PoolPermit};
use super::vmcontext::VMMemoryDefinition;
use crate::environ::memory::{GUARD_SIZE, MemoryPlan, MemoryStyle, STATIC_RESERVATION};
use crate::types::MemoryType;
use anyhow::{Context, Result, bail};
use std::ptr::NonNull;
use std::sync::Arc;

/// Where an engine's static memories come from.
#[derive(Clone, Copy)]
pub enum MemorySource<'a> {
    /// The slots of its pooling allocator.
    Pool(&'a Arc<InstancePool>),
    /// Reservations kept from dropped memories, or new ones.
    Recycler(&'a Arc<MemoryRecycler>),
}

/// Where a memory's bytes live.
enum Mapping {
    /// A mapping of its own, unmapped when the memory is dropped.
    Own(Mmap),
    /// A slot of the engine's pool or a reservation of its recycler,
    /// given back when the memory is dropped.
    Slot(MemorySlot),
}

impl Mapping {
    fn mmap(&mut self) -> &mut Mmap {
        match self {
            Mapping::Own(m) => m,
            Mapping::Slot(slot) => slot.mmap(),
        }
    }
}

/// One linear memory and the definition compiled code reads.
pub struct LinearMemory {
    mapping: Mapping,
    /// The memory's place in the engine's pool, for a memory of a pooling
    /// engine that is not in a slot (a slot holds its own).
    _permit: Option<PoolPermit>,
    definition: NonNull<VMMemoryDefinition>,
    ty: MemoryType,
    plan: MemoryPlan,
    /// Bytes made accessible from the start of a static memory's
    /// reservation: the size rounded up to the host's page.
    accessible: usize,
}

// SAFETY: the memory exclusively owns its mapping and its definition; the
// raw pointers are only dereferenced through `&self`/`&mut self` methods.
unsafe impl Send for LinearMemory {}
// SAFETY: shared access only reads (`&self` methods never write).
unsafe impl Sync for LinearMemory {}

/// The first byte of an own mapping (dangling when it is empty).
fn mapping_base(mapping: &mut Mapping) -> *mut u8 {
    let m = mapping.mmap();
    if m.is_empty() {
        NonNull::dangling().as_ptr()
    } else {
        m.as_mut_ptr()
    }
}

/// `bytes` rounded up to the host's page, if that fits.
fn round_to_host_page(bytes: usize) -> Option<usize> {
    bytes.checked_next_multiple_of(page_size())
}

impl LinearMemory {
    /// Creates a memory of `ty.minimum()` pages, zeroed, laid out for an
    /// engine whose `static_memory_guard` is `static_memory_guard`.
    pub fn new(ty: MemoryType, static_memory_guard: bool) -> Result<LinearMemory> {
        LinearMemory::with_image(ty, static_memory_guard, None)
    }

    /// Creates a memory of `ty.minimum()` pages whose initial contents are
    /// `image` (mapped copy-on-write), zero elsewhere. An image needs a
    /// static memory and must lie within the initial size.
    pub fn with_image(
        ty: MemoryType,
        static_memory_guard: bool,
        image: Option<&MemoryImage>,
    ) -> Result<LinearMemory> {
        let plan = MemoryPlan::new(&ty, static_memory_guard);
        let too_large = || {
            format!(
                "memory minimum of {} pages of {} bytes is too large",
                ty.minimum(),
                ty.page_size()
            )
        };
        if ty.minimum() > ty.absolute_maximum_pages() {
            bail!("{}", too_large());
        }
        let initial = ty
            .pages_to_bytes(ty.minimum())
            .and_then(|b| usize::try_from(b).ok())
            .with_context(too_large)?;
        let (mut mapping, accessible) = match plan.style {
            MemoryStyle::Static => {
                if initial as u64 > STATIC_RESERVATION {
                    bail!("{}", too_large());
                }
                let mut m = Mmap::reserve((STATIC_RESERVATION + GUARD_SIZE) as usize)?;
                let accessible = round_to_host_page(initial).with_context(too_large)?;
                m.make_accessible(0, accessible)?;
                if let Some(image) = image {
                    if image.offset() + image.len() > initial {
                        bail!("the memory image does not fit in the initial memory");
                    }
                    m.map_image(image)?;
                }
                (Mapping::Own(m), accessible)
            }
            MemoryStyle::Dynamic => {
                if image.is_some() {
                    bail!("a memory image needs a static memory");
                }
                let m = Mmap::accessible(initial).with_context(too_large)?;
                let len = m.len();
                (Mapping::Own(m), len)
            }
        };
        Ok(LinearMemory::finish(
            mapping_base(&mut mapping),
            mapping,
            None,
            initial,
            ty,
            plan,
            accessible,
        ))
    }

    /// Creates a memory like [`LinearMemory::with_image`] for an engine
    /// whose static memories come from `source`: a static memory takes a
    /// slot of the pool or a reservation the recycler kept (or a new one),
    /// with the image mapped in it, and gives it back when dropped. Any
    /// other memory is mapped on its own (and, with a pool, still counts
    /// against the pool's memories).
    pub fn from_source(
        source: MemorySource<'_>,
        ty: MemoryType,
        static_memory_guard: bool,
        image: Option<&Arc<MemoryImage>>,
    ) -> Result<LinearMemory> {
        let plan = MemoryPlan::new(&ty, static_memory_guard);
        if plan.style != MemoryStyle::Static {
            let permit = match source {
                MemorySource::Pool(pool) => Some(pool.take_unpooled_memory()?),
                MemorySource::Recycler(_) => None,
            };
            let mut m = LinearMemory::with_image(ty, static_memory_guard, image.map(|i| &**i))?;
            m._permit = permit;
            return Ok(m);
        }
        LinearMemory::in_slot(ty, plan, |accessible| match source {
            MemorySource::Pool(pool) => pool.allocate_memory(accessible, image),
            MemorySource::Recycler(recycler) => recycler.allocate_memory(accessible, image),
        })
    }

    /// A static memory in the slot `allocate` returns for its accessible
    /// size.
    fn in_slot(
        ty: MemoryType,
        plan: MemoryPlan,
        allocate: impl FnOnce(usize) -> Result<MemorySlot>,
    ) -> Result<LinearMemory> {
        let initial = ty
            .pages_to_bytes(ty.minimum())
            .and_then(|b| usize::try_from(b).ok())
            .filter(|&b| b as u64 <= STATIC_RESERVATION)
            .with_context(|| format!("memory minimum of {} pages is too large", ty.minimum()))?;
        let accessible = round_to_host_page(initial)
            .with_context(|| format!("memory minimum of {} pages is too large", ty.minimum()))?;
        let mut slot = allocate(accessible)?;
        let base = slot.base();
        Ok(LinearMemory::finish(
            base,
            Mapping::Slot(slot),
            None,
            initial,
            ty,
            plan,
            accessible,
        ))
    }

    /// The memory over `mapping`, whose first byte is `base`.
    fn finish(
        base: *mut u8,
        mapping: Mapping,
        permit: Option<PoolPermit>,
        initial: usize,
        ty: MemoryType,
        plan: MemoryPlan,
        accessible: usize,
    ) -> LinearMemory {
        let definition = NonNull::from(Box::leak(Box::new(VMMemoryDefinition {
            base,
            current_length: initial,
        })));
        LinearMemory {
            mapping,
            _permit: permit,
            definition,
            ty,
            plan,
            accessible,
        }
    }

    /// Whether the memory's base address never changes (a static one).
    pub fn base_is_fixed(&self) -> bool {
        self.plan.base_is_fixed()
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

    /// Current size in pages (of the memory's page size).
    pub fn pages(&self) -> u64 {
        self.byte_size() as u64 >> self.ty.page_size_log2()
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
        if self.plan.style != MemoryStyle::Static || image.offset() + image.len() > self.byte_size()
        {
            bail!("the memory image is not part of this memory");
        }
        self.mapping
            .mmap()
            .zero_range(image.offset(), image.len())?;
        if let Mapping::Slot(slot) = &mut self.mapping {
            slot.forget_image();
        }
        Ok(())
    }

    /// Grows to `new_pages` pages. The caller has checked the maximum and
    /// any resource limiter; this fails when the layout cannot hold that
    /// many bytes or the host is out of memory, leaving the memory as it
    /// was.
    pub fn grow_to(&mut self, new_pages: u64) -> Result<()> {
        let old = self.byte_size();
        let Some(new) = self
            .ty
            .pages_to_bytes(new_pages)
            .and_then(|b| usize::try_from(b).ok())
        else {
            bail!("{new_pages} pages do not fit in the address space");
        };
        if new <= old {
            return Ok(());
        }
        match self.plan.style {
            MemoryStyle::Static => {
                if new as u64 > STATIC_RESERVATION {
                    bail!("a static memory holds at most {STATIC_RESERVATION} bytes");
                }
                if let Mapping::Slot(slot) = &self.mapping
                    && new > slot.max_memory_size()
                {
                    bail!(
                        "the pooling allocator's memories hold at most {} bytes",
                        slot.max_memory_size()
                    );
                }
                let Some(want) = round_to_host_page(new) else {
                    bail!("{new} bytes do not fit in the address space");
                };
                if want > self.accessible {
                    self.mapping
                        .mmap()
                        .make_accessible(self.accessible, want - self.accessible)?;
                    self.accessible = want;
                    if let Mapping::Slot(slot) = &mut self.mapping {
                        slot.accessible = want;
                    }
                }
            }
            MemoryStyle::Dynamic if new > self.mapping.mmap().len() => {
                // Move to a larger mapping with room to grow again (never
                // past what the type allows).
                let limit = self.ty.maximum_bytes().unwrap_or(u64::MAX).min(
                    self.ty
                        .pages_to_bytes(self.ty.absolute_maximum_pages())
                        .unwrap_or(u64::MAX),
                );
                let limit = usize::try_from(limit).unwrap_or(usize::MAX).max(new);
                let current = self.mapping.mmap();
                let capacity = new.max(current.len().saturating_mul(2)).min(limit);
                let mut bigger = Mmap::accessible(capacity)?;
                // SAFETY: both mappings are accessible for `old` bytes and
                // are distinct allocations.
                unsafe {
                    std::ptr::copy_nonoverlapping(current.as_ptr(), bigger.as_mut_ptr(), old);
                }
                self.accessible = bigger.len();
                self.mapping = Mapping::Own(bigger);
            }
            MemoryStyle::Dynamic => {}
        }
        let base = self.mapping.mmap().as_mut_ptr();
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
    fn byte_pages_grow_by_bytes_and_stay_zeroed() {
        let ty = MemoryType::builder()
            .min(3)
            .page_size_log2(0)
            .build()
            .unwrap();
        let mut m = LinearMemory::new(ty, true).unwrap();
        assert_eq!(m.byte_size(), 3);
        assert_eq!(m.pages(), 3);
        m.as_mut_slice()[2] = 1;
        m.grow_to(page_size() as u64 + 5).unwrap();
        assert_eq!(m.pages(), page_size() as u64 + 5);
        assert_eq!(m.as_slice()[2], 1);
        assert!(m.as_slice()[3..].iter().all(|b| *b == 0));
    }

    #[test]
    fn dynamic_64_bit_memory_grows_past_its_mapping() {
        let mut m = LinearMemory::new(MemoryType::new64(1, None), true).unwrap();
        assert_eq!(m.plan.style, MemoryStyle::Dynamic);
        m.as_mut_slice()[7] = 3;
        m.grow_to(3).unwrap();
        assert_eq!(m.byte_size(), 3 * 65536);
        assert_eq!(m.as_slice()[7], 3);
        assert!(m.grow_to(u64::MAX).is_err());
        assert_eq!(m.byte_size(), 3 * 65536);
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
