//! How each linear memory sits in the address space, and therefore how
//! compiled code checks its accesses. The translator and the runtime both
//! ask [`MemoryPlan::new`] with the memory's type and the engine's
//! `static_memory_guard`, so they always agree.
//!
//! There are two styles:
//!
//! - **Static**: [`STATIC_RESERVATION`] bytes (4 GiB) plus a
//!   [`GUARD_SIZE`] guard region (2 GiB) of address space are reserved
//!   when the memory is made, all inaccessible; growth makes pages
//!   accessible in place, so the base never moves and compiled code may
//!   load it once. Every 32-bit memory is static (its whole index space
//!   fits), and so is a 64-bit memory whose declared maximum fits in the
//!   reservation.
//! - **Dynamic**: the mapping holds just the current size (plus room to
//!   grow); growing past it moves the memory, so compiled code reloads the
//!   base after anything that may grow it. This is every memory when
//!   `static_memory_guard` is off, and a 64-bit memory without a maximum
//!   or with one above 4 GiB.
//!
//! Three bounds checks follow, cheapest first ([`MemoryPlan::bounds_check`]):
//!
//! 1. **None** for a static 32-bit memory with 64 KiB pages when the
//!    access's static offset plus size fits in the guard: an index is
//!    below 4 GiB, so `base + index + offset` lies in the reservation or
//!    its guard, and everything past the current size is inaccessible (the
//!    size is a multiple of 64 KiB, hence of the host's page): the fault is
//!    the check, turned into a trap by the signal handler.
//! 2. **Index only** for a static 64-bit memory with 64 KiB pages, same
//!    condition on offset plus size: one compare traps when
//!    `index > current size` (which also catches every index with high
//!    bits set); an index at or below the size plus an offset within the
//!    guard stays inside the reservation and its guard, so the fault covers
//!    the rest.
//! 3. **Full**: trap unless `index + offset + size <= current size`. For
//!    a 32-bit index the sum cannot overflow 64 bits; for a 64-bit index
//!    the addition traps on overflow (an index near 2^64 plus an offset
//!    wraps, and wrapping must not pass the compare). Used for dynamic
//!    memories, for offsets beyond the guard, and for memories with
//!    byte-sized pages: their size need not be a multiple of the host's
//!    page, so the bytes between the size and the next page boundary are
//!    accessible and only an explicit compare keeps wasm out of them.
//!
//! An imported memory is compiled against the import's declared type and
//! runs with the type it was created with. The plan of the created memory
//! is never weaker than the declared one's: page size and index type must
//! match exactly, and a declared maximum of at most 4 GiB forces the
//! created memory's maximum to be at most that too, so a memory the code
//! treats as static is static.

use crate::types::MemoryType;

/// The guard region after a static memory's reservation: accesses whose
/// static offset plus size fits in it need no explicit check of the
/// offset.
pub const GUARD_SIZE: u64 = 2 << 30;

/// The address space a static memory reserves before its guard: the
/// whole 4 GiB index space of a 32-bit memory.
pub const STATIC_RESERVATION: u64 = 1 << 32;

/// Where a memory's bytes live (see the module documentation).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MemoryStyle {
    /// Reserved up front; the base never moves.
    Static,
    /// Sized to fit; the base moves when the memory outgrows its mapping.
    Dynamic,
}

/// The bounds check one access needs (see the module documentation).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BoundsCheck {
    /// The guard region faults; no instruction needed.
    None,
    /// Trap when the index is above the current size; the guard region
    /// covers offset and size.
    IndexOnly,
    /// Trap unless index + offset + size is at most the current size.
    Full,
}

/// How one memory is laid out and checked.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MemoryPlan {
    /// Static or dynamic.
    pub style: MemoryStyle,
    /// Whether the memory is indexed with `i64`.
    pub is_64: bool,
    /// The base-2 logarithm of the page size (16 or 0).
    pub page_size_log2: u8,
}

impl MemoryPlan {
    /// The plan for a memory of type `ty` under an engine whose
    /// `static_memory_guard` setting is `static_memory_guard`.
    pub fn new(ty: &MemoryType, static_memory_guard: bool) -> MemoryPlan {
        let fits = !ty.is_64()
            || ty
                .maximum_bytes()
                .is_some_and(|max| max <= STATIC_RESERVATION);
        MemoryPlan {
            style: if static_memory_guard && fits {
                MemoryStyle::Static
            } else {
                MemoryStyle::Dynamic
            },
            is_64: ty.is_64(),
            page_size_log2: ty.page_size_log2(),
        }
    }

    /// Whether the memory's base address never changes.
    pub fn base_is_fixed(&self) -> bool {
        self.style == MemoryStyle::Static
    }

    /// Whether every byte past the current size, up to the end of the
    /// reservation and its guard, faults when touched: a static memory
    /// whose size is always a multiple of the host's page.
    pub fn guard_faults(&self) -> bool {
        self.style == MemoryStyle::Static && self.page_size_log2 == 16
    }

    /// The check an access with static `offset` of `size` bytes needs.
    pub fn bounds_check(&self, offset: u64, size: u32) -> BoundsCheck {
        let covered = offset
            .checked_add(u64::from(size))
            .is_some_and(|end| end <= GUARD_SIZE);
        match (self.guard_faults() && covered, self.is_64) {
            (true, false) => BoundsCheck::None,
            (true, true) => BoundsCheck::IndexOnly,
            (false, _) => BoundsCheck::Full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_follow_index_type_page_size_and_maximum() {
        let m32 = MemoryPlan::new(&MemoryType::new(1, None), true);
        assert_eq!(m32.style, MemoryStyle::Static);
        assert_eq!(m32.bounds_check(16, 8), BoundsCheck::None);
        assert_eq!(m32.bounds_check(GUARD_SIZE, 1), BoundsCheck::Full);
        assert_eq!(m32.bounds_check(u64::MAX, 8), BoundsCheck::Full);

        let m64 = MemoryPlan::new(&MemoryType::new64(1, Some(65536)), true);
        assert_eq!(m64.style, MemoryStyle::Static);
        assert_eq!(m64.bounds_check(16, 8), BoundsCheck::IndexOnly);
        let unbounded = MemoryPlan::new(&MemoryType::new64(1, None), true);
        assert_eq!(unbounded.style, MemoryStyle::Dynamic);
        assert_eq!(unbounded.bounds_check(0, 1), BoundsCheck::Full);
        let huge = MemoryPlan::new(&MemoryType::new64(1, Some(65537)), true);
        assert_eq!(huge.style, MemoryStyle::Dynamic);

        let bytes = MemoryType::builder().page_size_log2(0).build().unwrap();
        let bytes = MemoryPlan::new(&bytes, true);
        assert_eq!(bytes.style, MemoryStyle::Static);
        assert!(!bytes.guard_faults());
        assert_eq!(bytes.bounds_check(0, 1), BoundsCheck::Full);

        let off = MemoryPlan::new(&MemoryType::new(1, None), false);
        assert_eq!(off.style, MemoryStyle::Dynamic);
        assert_eq!(off.bounds_check(0, 1), BoundsCheck::Full);
    }
}
