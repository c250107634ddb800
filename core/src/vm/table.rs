//! Tables: arrays of pointer-sized elements (a `*const VMFuncRef`, an
//! externref id + 1, or 0 for null) that compiled code indexes through a
//! [`VMTableDefinition`] this type owns at a stable address.

use super::vmcontext::VMTableDefinition;
use crate::types::TableType;
use std::ptr::NonNull;

/// One table and the definition compiled code reads.
pub struct Table {
    /// Owned element storage (`Box<[usize]>` leaked; `definition.base`).
    elements: NonNull<[usize]>,
    definition: NonNull<VMTableDefinition>,
    ty: TableType,
}

// SAFETY: the table exclusively owns its storage; raw pointers are only
// dereferenced through `&self`/`&mut self` methods.
unsafe impl Send for Table {}
// SAFETY: `&self` methods only read.
unsafe impl Sync for Table {}

impl Table {
    /// Creates a table of `ty.minimum()` elements, each `init`.
    pub fn new(ty: TableType, init: usize) -> Table {
        let elements = NonNull::from(Box::leak(
            vec![init; ty.minimum() as usize].into_boxed_slice(),
        ));
        let definition = NonNull::from(Box::leak(Box::new(VMTableDefinition {
            base: elements.as_ptr().cast::<usize>(),
            current_elements: ty.minimum() as usize,
        })));
        Table {
            elements,
            definition,
            ty,
        }
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
    pub fn size(&self) -> u32 {
        self.elements().len() as u32
    }

    /// Element `index`, if in bounds.
    pub fn get(&self, index: u32) -> Option<usize> {
        self.elements().get(index as usize).copied()
    }

    /// Sets element `index`; false when out of bounds.
    pub fn set(&mut self, index: u32, value: usize) -> bool {
        match self.elements_mut().get_mut(index as usize) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// Grows by `delta` elements of `init`. The caller has checked the
    /// maximum and any limiter.
    pub fn grow(&mut self, delta: u32, init: usize) {
        if delta == 0 {
            return;
        }
        let mut v = self.elements().to_vec();
        v.resize(v.len() + delta as usize, init);
        let new = NonNull::from(Box::leak(v.into_boxed_slice()));
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
        let mut t = Table::new(TableType::new(RefType::FuncRef, 2, None), 5);
        assert!(t.set(1, 9));
        assert!(!t.set(2, 1));
        t.grow(3, 7);
        assert_eq!(t.elements(), &[5, 9, 7, 7, 7]);
        // SAFETY: reading the definition owned by `t` while `t` is alive.
        let def = unsafe { &*t.definition() };
        assert_eq!(def.current_elements, 5);
        assert_eq!(def.base.cast_const(), t.elements().as_ptr());
        assert_eq!(t.get(4), Some(7));
        assert_eq!(t.get(5), None);
    }
}
