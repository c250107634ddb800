//! The pooling instance allocator (`Config::allocation_strategy`): memory
//! slots reserved once per engine and reused, and counted permits for
//! instances, tables and memories. Also the recycler an engine without a
//! pool keeps: the reservations of static memories that stores dropped,
//! reused the same way (see [`MemoryRecycler`]).
//!
//! The memory slots are one reservation of `total_memories` times the
//! static layout (4 GiB plus the 2 GiB guard), made when the engine is
//! created, all inaccessible. A slot handed to a memory is made accessible
//! up to the memory's size and has the module's copy-on-write image (if
//! any) mapped at its offset; when the memory is dropped the slot comes
//! back with its pages discarded (`madvise(MADV_DONTNEED)`: anonymous pages
//! read as zero, image pages as the image), what the memory grew into made
//! inaccessible again, and its image kept. The next memory of the same
//! module then costs no system call at all; a different size changes the
//! protection of the difference, a different image replaces the old one.

use super::cow::MemoryImage;
use super::mmap::{Mmap, page_size};
use crate::config::PoolingAllocationConfig;
use crate::environ::memory::{GUARD_SIZE, STATIC_RESERVATION};
use anyhow::{Result, bail};
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// An engine's pool.
#[derive(Debug)]
pub struct InstancePool {
    config: PoolingAllocationConfig,
    memories: MemorySlots,
    /// Memories alive, pooled or not (at most `total_memories`).
    memory_count: Counter,
    tables: Counter,
    instances: Counter,
}

/// A count with a fixed limit.
#[derive(Debug)]
struct Counter {
    used: AtomicUsize,
    limit: usize,
    what: &'static str,
}

impl Counter {
    fn new(limit: u32, what: &'static str) -> Counter {
        Counter {
            used: AtomicUsize::new(0),
            limit: limit as usize,
            what,
        }
    }

    /// Takes one, or fails when all are in use.
    fn take(&self) -> Result<()> {
        let limit = self.limit;
        if self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .is_err()
        {
            bail!(
                "the pooling allocator's {limit} {} are all in use",
                self.what
            );
        }
        Ok(())
    }

    fn give_back(&self) {
        self.used.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One of an instance's, a table's or a memory's places in the pool,
/// given back when dropped.
#[derive(Debug)]
pub struct PoolPermit {
    pool: Arc<InstancePool>,
    kind: PermitKind,
}

#[derive(Debug, Clone, Copy)]
enum PermitKind {
    Instance,
    Table,
    Memory,
}

impl Drop for PoolPermit {
    fn drop(&mut self) {
        match self.kind {
            PermitKind::Instance => self.pool.instances.give_back(),
            PermitKind::Table => self.pool.tables.give_back(),
            PermitKind::Memory => self.pool.memory_count.give_back(),
        }
    }
}

/// The reserved slots and the ones free for reuse.
#[derive(Debug)]
struct MemorySlots {
    /// All slots, back to back; inaccessible except where a slot is in use
    /// or kept accessible for reuse. Held for its ownership (it is
    /// unmapped when the pool is dropped); slots reach it through `base`.
    _region: Mmap,
    /// `region`'s start, taken once through `&mut` (slots write through
    /// pointers derived from it).
    base: NonNull<u8>,
    slot_size: usize,
    count: usize,
    free: Mutex<FreeSlots>,
}

#[derive(Debug)]
struct FreeSlots {
    /// Slots given back, each as its state was left.
    reusable: Vec<SlotState>,
    /// Slots below this index have been handed out at least once.
    next_fresh: usize,
}

/// What a slot holds between uses.
#[derive(Debug)]
struct SlotState {
    index: usize,
    /// Bytes from the slot's start that are readable and writable.
    accessible: usize,
    /// The image mapped in it, if any.
    image: Option<Arc<MemoryImage>>,
}

/// A memory slot in use: the memory's mapping, given back when dropped.
#[derive(Debug)]
pub struct MemorySlot {
    home: SlotHome,
    /// The slot's reservation: part of the pool's (never unmapped by
    /// itself), or a recycled one of its own (unmapped when it is not
    /// given back).
    mmap: ManuallyDrop<Mmap>,
    /// Bytes from the start that are accessible, kept up to date by the
    /// memory as it grows.
    pub(crate) accessible: usize,
    /// The accessible size the memory started with: what the slot is
    /// brought back to when it is given back, ready for the next memory
    /// of the same module.
    initial: usize,
    image: Option<Arc<MemoryImage>>,
}

/// Where a slot goes back to.
#[derive(Debug)]
enum SlotHome {
    Pool {
        pool: Arc<InstancePool>,
        index: usize,
        _permit: PoolPermit,
    },
    Recycler(Arc<MemoryRecycler>),
}

impl InstancePool {
    /// Reserves the memory slots `config` asks for.
    pub fn new(config: &PoolingAllocationConfig) -> Result<Arc<InstancePool>> {
        let slot_size = (STATIC_RESERVATION + GUARD_SIZE) as usize;
        let count = config.total_memories as usize;
        let Some(len) = slot_size.checked_mul(count) else {
            bail!("{count} memory slots of {slot_size} bytes do not fit in the address space");
        };
        let mut region = Mmap::reserve(len).map_err(|e| {
            e.context(format!(
                "reserving {count} memory slots for the pooling allocator"
            ))
        })?;
        let base = NonNull::new(region.as_mut_ptr()).unwrap_or(NonNull::dangling());
        Ok(Arc::new(InstancePool {
            config: config.clone(),
            memories: MemorySlots {
                _region: region,
                base,
                slot_size,
                count,
                free: Mutex::new(FreeSlots {
                    reusable: Vec::new(),
                    next_fresh: 0,
                }),
            },
            memory_count: Counter::new(config.total_memories, "memories"),
            tables: Counter::new(config.total_tables, "tables"),
            instances: Counter::new(config.total_core_instances, "instances"),
        }))
    }

    /// The limits the pool was made with.
    pub fn config(&self) -> &PoolingAllocationConfig {
        &self.config
    }

    /// The most bytes a pooled memory may hold.
    pub fn max_memory_size(&self) -> usize {
        let cap = (self.config.max_memory_size as u64).min(STATIC_RESERVATION);
        (cap & !0xffff) as usize
    }

    /// Takes an instance's place in the pool.
    pub fn take_instance(self: &Arc<Self>) -> Result<PoolPermit> {
        self.instances.take()?;
        Ok(PoolPermit {
            pool: self.clone(),
            kind: PermitKind::Instance,
        })
    }

    /// Takes a table's place in the pool, for a table of `elements`
    /// elements.
    pub fn take_table(self: &Arc<Self>, elements: u64) -> Result<PoolPermit> {
        if elements > self.config.table_elements as u64 {
            bail!(
                "a table of {elements} elements is larger than the pooling allocator's limit of {}",
                self.config.table_elements
            );
        }
        self.tables.take()?;
        Ok(PoolPermit {
            pool: self.clone(),
            kind: PermitKind::Table,
        })
    }

    /// Takes a memory's place in the pool for a memory that is not pooled
    /// (it is mapped on demand but still counts).
    pub fn take_unpooled_memory(self: &Arc<Self>) -> Result<PoolPermit> {
        self.memory_count.take()?;
        Ok(PoolPermit {
            pool: self.clone(),
            kind: PermitKind::Memory,
        })
    }

    /// A slot for a static memory whose first `accessible` bytes (a
    /// multiple of the host page) are readable and writable, zero but for
    /// `image`, and whose remainder faults.
    pub fn allocate_memory(
        self: &Arc<Self>,
        accessible: usize,
        image: Option<&Arc<MemoryImage>>,
    ) -> Result<MemorySlot> {
        if accessible > self.max_memory_size().next_multiple_of(page_size()) {
            bail!(
                "a memory of {accessible} bytes is larger than the pooling allocator's limit of {} bytes",
                self.max_memory_size()
            );
        }
        let permit = self.take_unpooled_memory()?;
        let state = self.memories.take(image)?;
        let start = state.index * self.memories.slot_size;
        // SAFETY: slot `index` is `[start, start + slot_size)` of the
        // pool's reservation, inside it (`index < count`), page-aligned
        // (the slot size is a multiple of any page size), alive as long as
        // the pool, which the slot keeps alive; the free list handed this
        // index to us alone, so nothing else uses the range until it is
        // given back.
        let mmap = unsafe { Mmap::part_of(self.memories.base.add(start), self.memories.slot_size) };
        let mut slot = MemorySlot {
            home: SlotHome::Pool {
                pool: self.clone(),
                index: state.index,
                _permit: permit,
            },
            mmap,
            accessible: state.accessible,
            initial: accessible,
            image: state.image,
        };
        slot.prepare(accessible, image)?;
        Ok(slot)
    }
}

// SAFETY: `base` points into `region`, which the value owns; the free
// list's mutex serialises who may use which slot, and a slot's range is
// touched only by the one `MemorySlot` holding it.
unsafe impl Send for MemorySlots {}
// SAFETY: as above; `&self` methods only take and give back slot indices
// under the mutex.
unsafe impl Sync for MemorySlots {}

impl MemorySlots {
    /// A slot to use: one that holds `image` already if there is one, else
    /// one without an image, else any given-back one, else a fresh one.
    fn take(&self, image: Option<&Arc<MemoryImage>>) -> Result<SlotState> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let pick = free
            .reusable
            .iter()
            .rposition(|s| same_image(s.image.as_ref(), image))
            .or_else(|| free.reusable.iter().rposition(|s| s.image.is_none()));
        if let Some(i) = pick {
            return Ok(free.reusable.swap_remove(i));
        }
        if free.next_fresh < self.count {
            free.next_fresh += 1;
            return Ok(SlotState {
                index: free.next_fresh - 1,
                accessible: 0,
                image: None,
            });
        }
        match free.reusable.pop() {
            Some(s) => Ok(s),
            // The memory count is checked first, so this means every slot
            // is held by a memory.
            None => bail!(
                "the pooling allocator's {} memory slots are all in use",
                self.count
            ),
        }
    }

    fn give_back(&self, state: SlotState) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        free.reusable.push(state);
    }
}

impl MemorySlot {
    /// Brings a slot as it was left to the state `allocate_memory`
    /// promises. On error the slot goes back to the pool when dropped
    /// (with whatever state the failed step left, which `prepare` fixes up
    /// next time).
    fn prepare(&mut self, accessible: usize, image: Option<&Arc<MemoryImage>>) -> Result<()> {
        let same_image = same_image(self.image.as_ref(), image);
        if !same_image && let Some(old) = self.image.take() {
            // Anonymous pages again where the old image was; they are
            // readable and writable, so count them as accessible until the
            // protection below is settled.
            self.mmap.zero_range(old.offset(), old.len())?;
            self.accessible = self.accessible.max(old.offset() + old.len());
        }
        if self.accessible < accessible {
            self.mmap
                .make_accessible(self.accessible, accessible - self.accessible)?;
        } else if self.accessible > accessible {
            self.mmap
                .make_inaccessible(accessible, self.accessible - accessible)?;
        }
        self.accessible = accessible;
        if !same_image && let Some(image) = image {
            if image.offset() + image.len() > accessible {
                bail!("the memory image does not fit in the initial memory");
            }
            self.mmap.map_image(image)?;
            self.image = Some(image.clone());
        }
        Ok(())
    }

    /// The slot's mapping.
    pub fn mmap(&mut self) -> &mut Mmap {
        &mut self.mmap
    }

    /// The slot's first byte.
    pub fn base(&mut self) -> *mut u8 {
        self.mmap.as_mut_ptr()
    }

    /// The most bytes the memory in this slot may hold.
    pub fn max_memory_size(&self) -> usize {
        match &self.home {
            SlotHome::Pool { pool, .. } => pool.max_memory_size(),
            SlotHome::Recycler(_) => STATIC_RESERVATION as usize,
        }
    }

    /// Records that the memory replaced its image with zeroed pages.
    pub fn forget_image(&mut self) {
        self.image = None;
    }
}

impl Drop for MemorySlot {
    fn drop(&mut self) {
        // Discard what the memory wrote, and make what it grew into
        // inaccessible again: the slot is then as the next memory of the
        // same module wants it (that memory's instantiation makes no
        // system call). On failure (the system refusing madvise or
        // mprotect) the slot is not reused, so no data can leak into the
        // next memory.
        let mut discarded = self.mmap.discard(0, self.accessible).is_ok();
        if discarded && self.accessible > self.initial {
            discarded = self
                .mmap
                .make_inaccessible(self.initial, self.accessible - self.initial)
                .is_ok();
            self.accessible = self.initial;
        }
        match &self.home {
            SlotHome::Pool { pool, index, .. } => {
                if discarded {
                    pool.memories.give_back(SlotState {
                        index: *index,
                        accessible: self.accessible,
                        image: self.image.take(),
                    });
                }
            }
            SlotHome::Recycler(recycler) => {
                // SAFETY: `mmap` is taken out exactly once, here, and not
                // used again (the slot is being dropped).
                let mmap = unsafe { ManuallyDrop::take(&mut self.mmap) };
                if discarded {
                    recycler.give_back(IdleReservation {
                        mmap,
                        accessible: self.accessible,
                        image: self.image.take(),
                    });
                }
                // Otherwise `mmap` is dropped here: unmapped.
            }
        }
    }
}

/// The reservations of static memories an engine without a pool keeps
/// after their stores dropped them, at most [`MemoryRecycler::MAX_IDLE`]
/// (the oldest go first).
///
/// A memory made on demand costs a reservation, a protection change and
/// the image's mapping; taking a kept reservation that holds the same
/// image (or none) instead costs at most the protection change, and
/// nothing at the same size: the case of a host instantiating one module
/// per request. A reservation comes back as a pool slot does: its pages
/// discarded (zero again, or the image's), trimmed back to the size its
/// memory started with, its image kept.
/// One holding another image is not reused (replacing an image costs more
/// than a new reservation); it ages out, or goes as soon as no module
/// holds its image any more.
#[derive(Debug, Default)]
pub struct MemoryRecycler {
    idle: Mutex<Vec<IdleReservation>>,
}

/// A kept reservation and what it holds.
#[derive(Debug)]
struct IdleReservation {
    mmap: Mmap,
    accessible: usize,
    image: Option<Arc<MemoryImage>>,
}

impl MemoryRecycler {
    /// The most reservations kept (each is address space, 6 GiB, with
    /// no pages behind it once discarded).
    pub const MAX_IDLE: usize = 16;

    /// A new recycler, keeping nothing yet.
    pub fn new() -> Arc<MemoryRecycler> {
        Arc::new(MemoryRecycler::default())
    }

    /// A static memory's reservation whose first `accessible` bytes (a
    /// multiple of the host page) are readable and writable, zero but for
    /// `image`, and whose remainder faults: a kept one (preferring one
    /// that holds `image`, then one without an image), else a new one.
    pub fn allocate_memory(
        self: &Arc<Self>,
        accessible: usize,
        image: Option<&Arc<MemoryImage>>,
    ) -> Result<MemorySlot> {
        let (kept, _unused) = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            let pick = idle
                .iter()
                .rposition(|r| same_image(r.image.as_ref(), image))
                .or_else(|| idle.iter().rposition(|r| r.image.is_none()));
            let kept = pick.map(|i| idle.remove(i));
            // Reservations whose image only they hold: no module can ask
            // for it again. Unmapped after the lock is released.
            let unused: Vec<IdleReservation> = idle
                .extract_if(.., |r| {
                    r.image.as_ref().is_some_and(|i| Arc::strong_count(i) == 1)
                })
                .collect();
            (kept, unused)
        };
        let (mmap, held, held_image) = match kept {
            Some(r) => (r.mmap, r.accessible, r.image),
            None => (
                Mmap::reserve((STATIC_RESERVATION + GUARD_SIZE) as usize)?,
                0,
                None,
            ),
        };
        let mut slot = MemorySlot {
            home: SlotHome::Recycler(self.clone()),
            mmap: ManuallyDrop::new(mmap),
            accessible: held,
            initial: accessible,
            image: held_image,
        };
        slot.prepare(accessible, image)?;
        Ok(slot)
    }

    fn give_back(&self, reservation: IdleReservation) {
        let _oldest = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            idle.push(reservation);
            (idle.len() > Self::MAX_IDLE).then(|| idle.remove(0))
        };
    }
}

/// Whether a slot holding `held` holds `wanted`: the same image, or none.
fn same_image(held: Option<&Arc<MemoryImage>>, wanted: Option<&Arc<MemoryImage>>) -> bool {
    match (held, wanted) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(memories: u32) -> Arc<InstancePool> {
        let mut c = PoolingAllocationConfig::new();
        c.total_memories(memories)
            .total_tables(1)
            .total_core_instances(1)
            .max_memory_size(1 << 20);
        InstancePool::new(&c).unwrap()
    }

    /// The slot's bytes as a slice.
    fn bytes(slot: &mut MemorySlot, len: usize) -> &mut [u8] {
        // SAFETY: the first `len` bytes are accessible (callers pass at
        // most the accessible size), and the slot is exclusively ours.
        unsafe { std::slice::from_raw_parts_mut(slot.base(), len) }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reserves 12 GiB of address space, which Miri backs with heap memory"
    )]
    fn slots_are_reused_zeroed_and_counted() {
        let page = page_size();
        let p = pool(2);
        let mut a = p.allocate_memory(2 * page, None).unwrap();
        let a_base = a.base();
        bytes(&mut a, 2 * page)[page + 3] = 7;
        let _b = p.allocate_memory(page, None).unwrap();
        let err = p.allocate_memory(page, None).unwrap_err();
        assert!(
            err.to_string().contains("2 memories are all in use"),
            "{err}"
        );
        drop(a);
        let mut c = p.allocate_memory(2 * page, None).unwrap();
        assert_eq!(c.base(), a_base, "the given-back slot is reused");
        assert!(bytes(&mut c, 2 * page).iter().all(|&b| b == 0));
        assert_eq!(c.accessible, 2 * page);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reserves 6 GiB of address space per memory, which Miri backs with heap memory"
    )]
    fn recycler_reuses_same_image_or_none_and_keeps_at_most_max_idle() {
        let page = page_size();
        let image = |byte: u8| {
            let data = [byte; 8];
            Arc::new(
                MemoryImage::new([(0usize, &data[..])].into_iter())
                    .unwrap()
                    .unwrap(),
            )
        };
        let (x, y) = (image(b'x'), image(b'y'));
        let r = MemoryRecycler::new();
        let mut a = r.allocate_memory(2 * page, Some(&x)).unwrap();
        let a_base = a.base();
        bytes(&mut a, 2 * page)[0] = 1;
        bytes(&mut a, 2 * page)[page] = 2;
        drop(a);
        // Another image: a new reservation, the kept one untouched.
        let mut b = r.allocate_memory(page, Some(&y)).unwrap();
        assert_ne!(b.base(), a_base);
        assert_eq!(bytes(&mut b, page)[0], b'y');
        // The same image: the kept reservation, its writes gone, trimmed.
        let mut c = r.allocate_memory(page, Some(&x)).unwrap();
        assert_eq!(c.base(), a_base);
        assert_eq!(c.accessible, page);
        assert_eq!(bytes(&mut c, page)[..2], [b'x', b'x']);
        drop((b, c));
        // No image: only a kept reservation without one (none yet).
        let mut d = r.allocate_memory(page, None).unwrap();
        assert_ne!(d.base(), a_base);
        drop(d);
        let kept: Vec<MemorySlot> = (0..MemoryRecycler::MAX_IDLE + 4)
            .map(|_| r.allocate_memory(page, None).unwrap())
            .collect();
        drop(kept);
        let idle = r.idle.lock().unwrap();
        assert_eq!(idle.len(), MemoryRecycler::MAX_IDLE);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reserves 6 GiB of address space, which Miri backs with heap memory"
    )]
    fn limits_are_clean_errors() {
        let p = pool(1);
        assert!(
            p.allocate_memory(2 << 20, None).is_err(),
            "above max_memory_size"
        );
        let i = p.take_instance().unwrap();
        assert!(p.take_instance().is_err());
        drop(i);
        p.take_instance().unwrap();
        assert!(p.take_table(20_001).is_err());
        let t = p.take_table(10).unwrap();
        assert!(p.take_table(10).is_err());
        drop(t);
        p.take_table(10).unwrap();
    }
}
