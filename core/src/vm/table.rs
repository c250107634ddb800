//! Tables: arrays of pointer-sized elements (a `*const VMFuncRef`, an
//! externref id + 1, or 0 for null) that compiled code indexes through a
//! [`VMTableDefinition`] this type owns at a stable address.

use super::pool::{InstancePool, PoolPermit};
use super::vmcontext::VMTableDefinition;
use crate::types::TableType;
use anyhow::Result;
use std::ptr::NonNull;
use std::sync::Arc;

/// One table and the definition compiled code reads.
pub struct Table {
    /// Owned element storage (`Box<[usize]>` leaked; `definition.base`).
    elements: NonNull<[usize]>,
    definition: NonNull<VMTableDefinition>,
    ty: TableType,
    /// The most elements it may grow to: [`MAX_TABLE_ELEMENTS`], or the
    /// pool's limit.
    max_elements: usize,
    /// Its place in the engine's pool, for a pooling engine.
    _permit: Option<PoolPermit>,
}

// SAFETY: the table exclusively owns its storage; raw pointers are only
// dereferenced through `&self`/`&mut self` methods.
unsafe impl Send for Table {}
// SAFETY: `&self` methods only read.
unsafe impl Sync for Table {}

/// The most elements a table may have: creating or growing one past this
/// fails cleanly (growth returns -1 to wasm) instead of asking the
/// allocator for up to 32 GiB, whose failure would abort the host.
pub const MAX_TABLE_ELEMENTS: usize = 10_000_000;

/// `len` elements of `init`, or `None` past [`MAX_TABLE_ELEMENTS`] or when
/// the allocation fails.
fn allocate(len: usize, init: usize) -> Option<Box<[usize]>> {
    if len > MAX_TABLE_ELEMENTS {
        return None;
    }
    let mut v = Vec::new();
    v.try_reserve_exact(len).ok()?;
    v.resize(len, init);
    Some(v.into_boxed_slice())
}

impl Table {
    /// Creates a table of `ty.minimum()` elements, each `init`; `None` when
    /// that many cannot be allocated (see [`MAX_TABLE_ELEMENTS`]).
    pub fn new(ty: TableType, init: usize) -> Option<Table> {
        let len = usize::try_from(ty.minimum()).ok()?;
        let elements = NonNull::from(Box::leak(allocate(len, init)?));
        let definition = NonNull::from(Box::leak(Box::new(VMTableDefinition {
            base: elements.as_ptr().cast::<usize>(),
            current_elements: len,
        })));
        Some(Table {
            elements,
            definition,
            ty,
            max_elements: MAX_TABLE_ELEMENTS,
            _permit: None,
        })
    }

    /// Creates a table like [`Table::new`] for an engine with a pool: it
    /// takes one of the pool's tables and grows at most to the pool's
    /// element limit. `Ok(None)` when the elements cannot be allocated.
    pub fn in_pool(pool: &Arc<InstancePool>, ty: TableType, init: usize) -> Result<Option<Table>> {
        let permit = pool.take_table(ty.minimum())?;
        Ok(Table::new(ty, init).map(|mut t| {
            t.max_elements = pool.config().table_elements.min(MAX_TABLE_ELEMENTS);
            t._permit = Some(permit);
            t
        }))
    }

    /// The table's type as created.
    pub fn ty(&self) -> TableType {
        self.ty
    }

    /// The definition compiled code reads; valid as long as `self`.
    pub fn definition(&self) -> *mut VMTableDefinition {
        self.definition.as_ptr()
    }

    /// The elements.
    pub fn elements(&self) -> &[usize] {
        // SAFETY: `elements` is the live leaked Box; `&self` excludes writers
        // on the Rust side, and compiled code only runs while the store is
        // held exclusively.
        unsafe { self.elements.as_ref() }
    }

    /// The elements, writable.
    pub fn elements_mut(&mut self) -> &mut [usize] {
        // SAFETY: as in `elements`, with exclusive access from `&mut self`.
        unsafe { self.elements.as_mut() }
    }

    /// Number of elements.
    pub fn size(&self) -> u64 {
        self.elements().len() as u64
    }

    /// Element `index`, if in bounds.
    pub fn get(&self, index: u64) -> Option<usize> {
        self.elements().get(usize::try_from(index).ok()?).copied()
    }

    /// Sets element `index`; false when out of bounds.
    pub fn set(&mut self, index: u64, value: usize) -> bool {
        let Ok(index) = usize::try_from(index) else {
            return false;
        };
        match self.elements_mut().get_mut(index) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// Grows by `delta` elements of `init`; false, with the table
    /// unchanged, when that many cannot be allocated (see
    /// [`MAX_TABLE_ELEMENTS`]). The caller has checked the maximum and any
    /// limiter.
    pub fn grow(&mut self, delta: u64, init: usize) -> bool {
        if delta == 0 {
            return true;
        }
        let old = self.elements();
        let Some(len) = usize::try_from(delta)
            .ok()
            .and_then(|d| d.checked_add(old.len()))
            .filter(|&len| len <= self.max_elements)
        else {
            return false;
        };
        let Some(mut grown) = allocate(len, init) else {
            return false;
        };
        grown[..old.len()].copy_from_slice(old);
        let new = NonNull::from(Box::leak(grown));
        // SAFETY: the old storage came from `Box::leak` and nothing refers
        // to it once the definition points at the new storage, which
        // happens below under the same `&mut self`.
        drop(unsafe { Box::from_raw(self.elements.as_ptr()) });
        self.elements = new;
        // SAFETY: `definition` is owned by `self`; `&mut self` excludes
        // other Rust access.
        unsafe {
            let def = self.definition.as_mut();
            def.base = new.as_ptr().cast::<usize>();
            def.current_elements = new.len();
        }
        true
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        // SAFETY: both were leaked from Boxes by this type and are freed
        // exactly once, here.
        unsafe {
            drop(Box::from_raw(self.elements.as_ptr()));
            drop(Box::from_raw(self.definition.as_ptr()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::RefType;

    #[test]
    fn grow_keeps_elements_and_updates_definition() {
        let mut t = Table::new(TableType::new(RefType::FuncRef, 2, None), 5).unwrap();
        assert!(t.set(1, 9));
        assert!(!t.set(2, 1));
        assert!(t.grow(3, 7));
        assert_eq!(t.elements(), &[5, 9, 7, 7, 7]);
        // SAFETY: reading the definition owned by `t` while `t` is alive.
        let def = unsafe { &*t.definition() };
        assert_eq!(def.current_elements, 5);
        assert_eq!(def.base.cast_const(), t.elements().as_ptr());
        assert_eq!(t.get(4), Some(7));
        assert_eq!(t.get(5), None);
    }

    #[test]
    fn growth_and_creation_past_the_limit_fail_cleanly() {
        let max = MAX_TABLE_ELEMENTS as u32;
        let mut t = Table::new(TableType::new(RefType::FuncRef, 3, None), 1).unwrap();
        assert!(!t.grow(u64::from(u32::MAX - 3), 0));
        assert!(!t.grow(max.into(), 0));
        assert!(!t.grow(u64::MAX, 0));
        assert_eq!(t.elements(), &[1, 1, 1]);
        // SAFETY: reading the definition owned by `t` while `t` is alive.
        let def = unsafe { &*t.definition() };
        assert_eq!(def.current_elements, 3);
        assert!(Table::new(TableType::new(RefType::FuncRef, max + 1, None), 0).is_none());
    }
}
