//! Heap blocks with stable addresses that compiled code reads or writes:
//! an instance's `VMContext`, the store's `VMStoreContext`, and globals.
//! Each is allocated once, written only through the raw pointer it was
//! allocated as (or `&mut self`), and freed on drop. No Rust reference to
//! their bytes is ever made: every access is a raw read or write.

use super::vmcontext::{VMFuncRef, VMGlobalDefinition, VMStoreContext, ValRaw};
use std::alloc::{Layout, alloc_zeroed, dealloc, handle_alloc_error};
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// An instance's `VMContext`: a zeroed, 16-aligned block whose layout is
/// `environ::VMOffsets` for the host's pointer size. The instance's own
/// globals live in it ([`VMContextAlloc::global`]); they share the block,
/// which is freed when the last of them and the instance are dropped.
pub struct VMContextAlloc {
    block: Arc<Block>,
}

/// The allocation behind a `VMContextAlloc` and its globals.
struct Block {
    ptr: NonNull<u8>,
    layout: Layout,
}

// SAFETY: the block is owned by one instance and its globals, all of one
// store, which is `Send` as a whole; the pointers it holds point into the
// same store.
unsafe impl Send for Block {}
// SAFETY: shared only as `Arc<Block>` for its address; writes go through
// `&mut` methods of its owners, each to its own bytes.
unsafe impl Sync for Block {}

impl Drop for Block {
    fn drop(&mut self) {
        // SAFETY: allocated in `VMContextAlloc::new` with this layout, freed
        // once (this is the last owner).
        unsafe { dealloc(self.ptr.as_ptr(), self.layout) }
    }
}

impl VMContextAlloc {
    /// Allocates `size` zeroed bytes.
    pub fn new(size: u32) -> VMContextAlloc {
        let layout = Layout::from_size_align(size.max(16) as usize, 16).expect("valid layout");
        // SAFETY: `layout` has non-zero size.
        let ptr = unsafe { alloc_zeroed(layout) };
        let ptr = NonNull::new(ptr).unwrap_or_else(|| handle_alloc_error(layout));
        VMContextAlloc {
            block: Arc::new(Block { ptr, layout }),
        }
    }

    /// A global whose storage is the 16 bytes at `offset` (a defined
    /// global's place), holding `value`; it keeps the block alive. The
    /// instance must not write those bytes itself afterwards.
    pub fn global(&mut self, offset: u32, value: ValRaw) -> GlobalStorage {
        self.check::<VMGlobalDefinition>(offset);
        // SAFETY: in bounds and aligned (checked); the pointer derives from
        // the block's allocation pointer, made for writing, and `&mut self`
        // means no other write to the block runs now.
        let ptr = unsafe {
            let p = self.ptr().add(offset as usize).cast::<VMGlobalDefinition>();
            p.write(VMGlobalDefinition { value });
            NonNull::new_unchecked(p)
        };
        GlobalStorage {
            ptr,
            owner: Owner::Instance(self.block.clone()),
        }
    }

    /// The block's first byte, the pointer it was allocated as.
    fn ptr(&self) -> *mut u8 {
        self.block.ptr.as_ptr()
    }

    /// The `vmctx` pointer compiled code receives.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr()
    }

    /// Panics unless a `T` at `offset` lies inside the block and is
    /// aligned for `T` (the block itself is 16-aligned), which is what
    /// makes the typed reads and writes below sound for any `offset`.
    fn check<T>(&self, offset: u32) {
        let offset = offset as usize;
        assert!(
            offset
                .checked_add(size_of::<T>())
                .is_some_and(|end| end <= self.block.layout.size()),
            "vmctx access out of range"
        );
        assert!(
            offset.is_multiple_of(align_of::<T>()) && align_of::<T>() <= self.block.layout.align(),
            "misaligned vmctx access"
        );
    }

    /// Writes a pointer-sized value at `offset`.
    pub fn write_usize(&mut self, offset: u32, value: usize) {
        self.check::<usize>(offset);
        // SAFETY: in bounds and aligned (checked), and `&mut self` gives
        // exclusive access to the owned block.
        unsafe { self.ptr().add(offset as usize).cast::<usize>().write(value) }
    }

    /// Reads a pointer-sized value at `offset`.
    pub fn read_usize(&self, offset: u32) -> usize {
        self.check::<usize>(offset);
        // SAFETY: in bounds and aligned (checked); plain data.
        unsafe { self.ptr().add(offset as usize).cast::<usize>().read() }
    }

    /// Writes a `u32` at `offset`.
    pub fn write_u32(&mut self, offset: u32, value: u32) {
        self.check::<u32>(offset);
        // SAFETY: in bounds and aligned (checked), exclusive via `&mut self`.
        unsafe { self.ptr().add(offset as usize).cast::<u32>().write(value) }
    }

    /// Writes a `VMFuncRef` at `offset` and returns its address.
    pub fn write_func_ref(&mut self, offset: u32, f: VMFuncRef) -> *const VMFuncRef {
        self.check::<VMFuncRef>(offset);
        // SAFETY: in bounds and aligned (checked), exclusive via `&mut self`.
        unsafe {
            let p = self.ptr().add(offset as usize).cast::<VMFuncRef>();
            p.write(f);
            p
        }
    }

    /// The address at `offset`.
    pub fn address_of(&self, offset: u32) -> usize {
        self.ptr() as usize + offset as usize
    }

    /// Whether `addr` lies in this block.
    pub fn contains(&self, addr: usize) -> bool {
        let start = self.ptr() as usize;
        addr >= start && addr < start + self.block.layout.size()
    }
}

/// The store's `VMStoreContext`, at a stable address.
pub struct VMStoreContextBox {
    ptr: NonNull<VMStoreContext>,
}

// SAFETY: exclusively owned; the epoch counter it points to is an atomic
// owned by the engine, which outlives the store.
unsafe impl Send for VMStoreContextBox {}
// SAFETY: `&self` methods only read.
unsafe impl Sync for VMStoreContextBox {}

impl VMStoreContextBox {
    /// Creates the context, reading the epoch from `epoch_counter`.
    pub fn new(epoch_counter: &AtomicU64) -> VMStoreContextBox {
        let ctx = Box::new(VMStoreContext {
            fuel_remaining: 0,
            epoch_deadline: 0,
            epoch_counter,
            stack_limit: 0,
            store: None,
        });
        VMStoreContextBox {
            ptr: NonNull::from(Box::leak(ctx)),
        }
    }

    /// The pointer compiled code receives (in every `vmctx` header).
    pub fn as_ptr(&self) -> *mut VMStoreContext {
        self.ptr.as_ptr()
    }

    fn get(&self) -> &VMStoreContext {
        // SAFETY: live leaked Box; compiled code writes it only while the
        // store is exclusively borrowed by a call, never during `&self`.
        unsafe { self.ptr.as_ref() }
    }

    fn get_mut(&mut self) -> &mut VMStoreContext {
        // SAFETY: as in `get`, with exclusive access from `&mut self`.
        unsafe { self.ptr.as_mut() }
    }

    /// Fuel left.
    pub fn fuel(&self) -> i64 {
        self.get().fuel_remaining
    }

    /// Sets the fuel left.
    pub fn set_fuel(&mut self, fuel: i64) {
        self.get_mut().fuel_remaining = fuel;
    }

    /// The epoch deadline.
    #[cfg(test)]
    pub fn epoch_deadline(&self) -> u64 {
        self.get().epoch_deadline
    }

    /// Sets the epoch deadline.
    pub fn set_epoch_deadline(&mut self, deadline: u64) {
        self.get_mut().epoch_deadline = deadline;
    }

    /// The stack limit of the current call (0 when no wasm is running).
    #[cfg(test)]
    pub fn stack_limit(&self) -> usize {
        self.get().stack_limit
    }
}

impl Drop for VMStoreContextBox {
    fn drop(&mut self) {
        // SAFETY: leaked from a Box in `new`, freed once.
        drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
    }
}

/// Storage of one global at a stable address: an allocation of its own (a
/// global the host made), or a place in its instance's `VMContext` (a
/// module's own global, which compiled code then reaches in one access).
pub struct GlobalStorage {
    ptr: NonNull<VMGlobalDefinition>,
    owner: Owner,
}

/// What keeps a global's storage alive.
enum Owner {
    /// `ptr` is a leaked `Box`, freed on drop.
    Own,
    /// `ptr` points into this `VMContext` block, kept alive by it.
    Instance(#[allow(dead_code, reason = "held for its ownership")] Arc<Block>),
}

// SAFETY: the storage is owned plain data (or a place in a block of the
// same store, which is `Send` as a whole).
unsafe impl Send for GlobalStorage {}
// SAFETY: `&self` methods only read.
unsafe impl Sync for GlobalStorage {}

impl GlobalStorage {
    /// Creates a global holding `value`, in an allocation of its own.
    pub fn new(value: ValRaw) -> GlobalStorage {
        GlobalStorage {
            ptr: NonNull::from(Box::leak(Box::new(VMGlobalDefinition { value }))),
            owner: Owner::Own,
        }
    }

    /// The pointer compiled code reads and writes.
    pub fn as_ptr(&self) -> *mut VMGlobalDefinition {
        self.ptr.as_ptr()
    }

    /// The current value.
    pub fn get(&self) -> ValRaw {
        // SAFETY: `ptr` is live (its own Box, or a place in a block this
        // value keeps alive); compiled code writes it only while the store
        // is exclusively borrowed by a call, never during `&self`.
        unsafe { self.ptr.as_ptr().read().value }
    }

    /// Sets the value.
    pub fn set(&mut self, value: ValRaw) {
        // SAFETY: as in `get`, with exclusive access from `&mut self`; the
        // pointer was made for writing (a Box, or the block's allocation).
        unsafe { self.ptr.as_ptr().write(VMGlobalDefinition { value }) }
    }
}

impl Drop for GlobalStorage {
    fn drop(&mut self) {
        if let Owner::Own = self.owner {
            // SAFETY: leaked from a Box in `new`, freed once.
            drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globals_in_a_vmctx_share_its_block_and_keep_it_alive() {
        let mut a = VMContextAlloc::new(64);
        a.write_usize(8, 7);
        let mut g = a.global(32, ValRaw::from_u32(5));
        assert_eq!(g.get().get_u32(), 5);
        assert_eq!(g.as_ptr() as usize, a.address_of(32));
        g.set(ValRaw::from_u64(9));
        assert_eq!(a.read_usize(32), 9, "the VMContext sees the global's value");
        assert_eq!(a.read_usize(8), 7, "and its own bytes are untouched");
        drop(a);
        g.set(ValRaw::from_u64(11));
        assert_eq!(g.get().get_u64(), 11, "the global outlives the instance");
    }

    #[test]
    fn vmctx_alloc_reads_back_writes() {
        let mut a = VMContextAlloc::new(64);
        a.write_usize(8, 0x1234);
        a.write_u32(60, 7);
        assert_eq!(a.read_usize(8), 0x1234);
        assert!(a.contains(a.address_of(63)));
        assert!(!a.contains(a.address_of(64)));
        let f = a.write_func_ref(
            16,
            VMFuncRef {
                native_call: 1,
                array_call: 2,
                vmctx: std::ptr::null_mut(),
                type_id: 3,
            },
        );
        // SAFETY: `f` points into `a`, which is alive.
        assert_eq!(unsafe { (*f).type_id }, 3);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn vmctx_alloc_rejects_out_of_range() {
        let mut a = VMContextAlloc::new(16);
        a.write_usize(16, 1);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn vmctx_alloc_rejects_offsets_that_overflow() {
        let a = VMContextAlloc::new(16);
        a.read_usize(u32::MAX);
    }

    #[test]
    #[should_panic(expected = "misaligned")]
    fn vmctx_alloc_rejects_misaligned_pointer_writes() {
        let mut a = VMContextAlloc::new(64);
        a.write_usize(4, 1);
    }

    #[test]
    #[should_panic(expected = "misaligned")]
    fn vmctx_alloc_rejects_misaligned_func_refs() {
        let mut a = VMContextAlloc::new(64);
        let f = VMFuncRef {
            native_call: 0,
            array_call: 0,
            vmctx: std::ptr::null_mut(),
            type_id: 0,
        };
        a.write_func_ref(4, f);
    }

    #[test]
    fn store_context_and_globals() {
        let epoch = AtomicU64::new(0);
        let mut c = VMStoreContextBox::new(&epoch);
        c.set_fuel(10);
        c.set_epoch_deadline(3);
        assert_eq!((c.fuel(), c.epoch_deadline(), c.stack_limit()), (10, 3, 0));
        let mut g = GlobalStorage::new(ValRaw::from_u32(5));
        g.set(ValRaw::from_u64(9));
        assert_eq!(g.get().get_u64(), 9);
    }
}
