//! Owned anonymous memory mappings.
//!
//! [`Mmap`] owns one private anonymous mapping and unmaps it on drop. It is the
//! single place where Petrel asks the kernel for virtual memory: linear
//! memories reserve their whole index space plus guard pages as `PROT_NONE`
//! and make pages accessible as the memory grows, and code memory is written
//! then flipped to read+execute. Protection changes work on page-aligned
//! ranges inside the mapping and are checked before the system call, so a bad
//! range is an error and never touches memory the mapping does not own.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Result, bail};

/// The system page size in bytes (queried once, then cached).
pub fn page_size() -> usize {
    static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);
    let cached = PAGE_SIZE.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    // SAFETY: sysconf has no preconditions; _SC_PAGESIZE is a valid name.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let size = if size > 0 { size as usize } else { 4096 };
    PAGE_SIZE.store(size, Ordering::Relaxed);
    size
}

/// Rounds `len` up to a multiple of the page size, failing on overflow.
fn round_up_to_page(len: usize) -> Result<usize> {
    let page = page_size();
    match len.checked_add(page - 1) {
        Some(n) => Ok(n & !(page - 1)),
        None => bail!("mapping length {len:#x} overflows when rounded to a page"),
    }
}

/// An owned, private, anonymous memory mapping (`munmap`ed on drop).
///
/// The length is always a multiple of the page size. An empty `Mmap` owns no
/// mapping at all.
#[derive(Debug)]
pub struct Mmap {
    /// Start of the mapping; dangling (but non-null and aligned) when `len == 0`.
    ptr: NonNull<u8>,
    /// Length in bytes, a multiple of the page size.
    len: usize,
}

// SAFETY: `Mmap` exclusively owns its mapping (no aliasing handle exists
// elsewhere), so moving it to another thread is like moving a `Vec<u8>`.
unsafe impl Send for Mmap {}
// SAFETY: all `&self` methods only read the pointer and length; mutation of
// the mapping's memory or protection requires `&mut self` (or an unsafe
// caller contract), as for `Vec<u8>`.
unsafe impl Sync for Mmap {}

impl Mmap {
    /// An empty mapping: length 0, no system resources.
    pub fn new_empty() -> Mmap {
        Mmap {
            ptr: NonNull::dangling(),
            len: 0,
        }
    }

    /// Maps `len` bytes (rounded up to the page size) with protection `prot`.
    fn map(len: usize, prot: libc::c_int) -> Result<Mmap> {
        let len = round_up_to_page(len)?;
        if len == 0 {
            return Ok(Mmap::new_empty());
        }
        Ok(Mmap {
            ptr: sys_map(len, prot)?,
            len,
        })
    }

    /// Reserves `len` bytes (rounded up to the page size) of address space with
    /// no access (`PROT_NONE`, `MAP_NORESERVE`): touching it faults until a
    /// range is made accessible.
    pub fn reserve(len: usize) -> Result<Mmap> {
        Mmap::map(len, libc::PROT_NONE)
    }

    /// Maps `len` bytes (rounded up to the page size) of zeroed read+write memory.
    pub fn accessible(len: usize) -> Result<Mmap> {
        Mmap::map(len, libc::PROT_READ | libc::PROT_WRITE)
    }

    /// Checks that `start` is page-aligned and `[start, start + len)`, with
    /// `len` rounded up to the page size, lies inside the mapping. Returns the
    /// rounded length.
    fn check_range(&self, start: usize, len: usize) -> Result<usize> {
        let page = page_size();
        if !start.is_multiple_of(page) {
            bail!("range start {start:#x} is not page-aligned");
        }
        let rounded = round_up_to_page(len)?;
        match start.checked_add(rounded) {
            Some(end) if end <= self.len => Ok(rounded),
            _ => bail!(
                "range [{start:#x}, +{len:#x}) is outside the mapping of {:#x} bytes",
                self.len
            ),
        }
    }

    /// Applies `prot` to the page-aligned range `[start, start + len)`.
    fn protect(&mut self, start: usize, len: usize, prot: libc::c_int) -> Result<()> {
        let len = self.check_range(start, len)?;
        if len == 0 {
            return Ok(());
        }
        if cfg!(miri) {
            // Heap-backed and always read-write under Miri, which runs no
            // compiled code: no fault is ever expected from a protection.
            let _ = prot;
            return Ok(());
        }
        // SAFETY: `check_range` proved the range is page-aligned and inside
        // this mapping, which we own exclusively (`&mut self`).
        let rc = unsafe {
            libc::mprotect(
                self.ptr.as_ptr().add(start).cast::<libc::c_void>(),
                len,
                prot,
            )
        };
        if rc != 0 {
            bail!(
                "mprotect of [{start:#x}, +{len:#x}) failed: {}",
                std::io::Error::last_os_error()
            );
        }
        Ok(())
    }

    /// Makes `[start, start + len)` readable and writable. `start` must be
    /// page-aligned; `len` is rounded up to the page size; the range must lie
    /// within the mapping.
    pub fn make_accessible(&mut self, start: usize, len: usize) -> Result<()> {
        self.protect(start, len, libc::PROT_READ | libc::PROT_WRITE)
    }

    /// Makes `[start, start + len)` inaccessible again. Same range rules as
    /// [`Mmap::make_accessible`].
    pub fn make_inaccessible(&mut self, start: usize, len: usize) -> Result<()> {
        self.protect(start, len, libc::PROT_NONE)
    }

    /// Discards the contents of `[start, start + len)` without changing its
    /// protection: anonymous pages read as zero again and pages of a mapped
    /// image as the image (`madvise(MADV_DONTNEED)`). Same range rules as
    /// [`Mmap::make_accessible`].
    pub fn discard(&mut self, start: usize, len: usize) -> Result<()> {
        let rounded = self.check_range(start, len)?;
        if rounded == 0 {
            return Ok(());
        }
        if cfg!(miri) {
            // SAFETY: heap-backed under Miri (no images there); the range is
            // inside it and `&mut self` makes this the only access.
            unsafe { self.ptr.as_ptr().add(start).write_bytes(0, rounded) };
            return Ok(());
        }
        // SAFETY: the range is page-aligned and inside this mapping, which we
        // own exclusively (`&mut self`); MADV_DONTNEED on a private mapping
        // only drops its pages' contents.
        let rc = unsafe {
            libc::madvise(
                self.ptr.as_ptr().add(start).cast::<libc::c_void>(),
                rounded,
                libc::MADV_DONTNEED,
            )
        };
        if rc != 0 {
            bail!(
                "madvise of [{start:#x}, +{rounded:#x}) failed: {}",
                std::io::Error::last_os_error()
            );
        }
        Ok(())
    }

    /// A value describing `len` bytes at `ptr`, part of a larger mapping
    /// another `Mmap` owns, so that the methods above work on that part.
    /// It must never be dropped (its owner unmaps the whole): keep it in a
    /// `ManuallyDrop`.
    ///
    /// # Safety
    /// `[ptr, ptr + len)` is page-aligned and lies inside a live mapping
    /// that outlives the returned value, and nothing else uses that range
    /// while the value exists.
    pub unsafe fn part_of(ptr: NonNull<u8>, len: usize) -> std::mem::ManuallyDrop<Mmap> {
        std::mem::ManuallyDrop::new(Mmap { ptr, len })
    }

    /// Makes `[start, start + len)` readable and executable (not writable).
    /// Same range rules as [`Mmap::make_accessible`].
    pub fn make_executable(&mut self, start: usize, len: usize) -> Result<()> {
        self.protect(start, len, libc::PROT_READ | libc::PROT_EXEC)
    }

    /// Maps `image` over its range of this mapping, private and writable:
    /// the range reads as the image, and a write copies the page it lands
    /// on. The range must lie inside the mapping.
    pub fn map_image(&mut self, image: &super::cow::MemoryImage) -> Result<()> {
        let (start, len) = (image.offset(), image.len());
        let rounded = self.check_range(start, len)?;
        if rounded != len {
            bail!("image length {len:#x} is not a multiple of the page size");
        }
        if cfg!(miri) {
            bail!("file mappings are not available under Miri");
        }
        // SAFETY: the range is page-aligned and inside this mapping, which we
        // own exclusively (`&mut self`), so MAP_FIXED replaces only our own
        // pages; the file is `len` bytes long and stays open for the call.
        let p = unsafe {
            libc::mmap(
                self.ptr.as_ptr().add(start).cast::<libc::c_void>(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_FIXED,
                image.fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            bail!(
                "mapping a memory image at [{start:#x}, +{len:#x}) failed: {}",
                std::io::Error::last_os_error()
            );
        }
        Ok(())
    }

    /// Replaces `[start, start + len)` with fresh zeroed read-write pages
    /// (undoing [`Mmap::map_image`] there). Same range rules as
    /// [`Mmap::make_accessible`].
    pub fn zero_range(&mut self, start: usize, len: usize) -> Result<()> {
        let rounded = self.check_range(start, len)?;
        if rounded == 0 {
            return Ok(());
        }
        if cfg!(miri) {
            // SAFETY: heap-backed under Miri; the range is inside it and
            // `&mut self` makes this the only access.
            unsafe { self.ptr.as_ptr().add(start).write_bytes(0, rounded) };
            return Ok(());
        }
        // SAFETY: the range is page-aligned and inside this mapping, which we
        // own exclusively (`&mut self`), so MAP_FIXED replaces only our pages.
        let p = unsafe {
            libc::mmap(
                self.ptr.as_ptr().add(start).cast::<libc::c_void>(),
                rounded,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            bail!(
                "remapping [{start:#x}, +{rounded:#x}) failed: {}",
                std::io::Error::last_os_error()
            );
        }
        Ok(())
    }

    /// Start address of the mapping (dangling, never dereferenceable, when empty).
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// Mutable start address of the mapping (dangling when empty).
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Length of the mapping in bytes (a multiple of the page size).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty (owns no memory).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The whole mapping as a byte slice.
    ///
    /// # Safety
    /// Every page of the mapping must currently be readable, and nothing may
    /// write to it (e.g. JIT code) while the slice is alive.
    #[cfg(test)]
    pub unsafe fn as_slice(&self) -> &[u8] {
        // SAFETY: the pointer is non-null and valid for `len` bytes of this
        // mapping (or dangling with len 0); the caller guarantees the pages are
        // readable and not concurrently written.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The whole mapping as a mutable byte slice.
    ///
    /// # Safety
    /// Every page of the mapping must currently be readable and writable, and
    /// nothing else may access it while the slice is alive.
    pub unsafe fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as for `as_slice`, plus `&mut self` and the caller's
        // guarantee give exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        if self.len == 0 {
            return;
        }
        // SAFETY: `ptr`/`len` describe exactly the mapping this value created
        // and owns; no references into it can outlive `self`.
        unsafe { sys_unmap(self.ptr, self.len) }
    }
}

/// Maps `len` (page-rounded, non-zero) bytes with protection `prot`.
#[cfg(not(miri))]
fn sys_map(len: usize, prot: libc::c_int) -> Result<NonNull<u8>> {
    // SAFETY: an anonymous private mapping at a kernel-chosen address does
    // not alias any existing memory; all arguments are valid.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            prot,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        bail!(
            "mmap of {len:#x} bytes failed: {}",
            std::io::Error::last_os_error()
        );
    }
    match NonNull::new(ptr.cast::<u8>()) {
        Some(ptr) => Ok(ptr),
        None => bail!("mmap returned a null mapping"),
    }
}

/// Miri has no `mmap`: every mapping, reservations included, comes from the
/// heap, zeroed and always accessible, so the data structures built on it
/// can be checked. Protections are not emulated (see [`Mmap::protect`]).
#[cfg(miri)]
fn sys_map(len: usize, _prot: libc::c_int) -> Result<NonNull<u8>> {
    let layout = std::alloc::Layout::from_size_align(len, page_size())?;
    // SAFETY: `layout` has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    NonNull::new(ptr).ok_or_else(|| anyhow::anyhow!("allocation of {len:#x} bytes failed"))
}

/// Unmaps what `sys_map` mapped.
///
/// # Safety
/// `ptr`/`len` come from one `sys_map` call and nothing refers into it.
#[cfg(not(miri))]
unsafe fn sys_unmap(ptr: NonNull<u8>, len: usize) {
    // SAFETY: per the contract, this is exactly one live mapping we own.
    let rc = unsafe { libc::munmap(ptr.as_ptr().cast::<libc::c_void>(), len) };
    debug_assert_eq!(rc, 0, "munmap failed");
}

/// Frees what `sys_map` allocated under Miri.
///
/// # Safety
/// `ptr`/`len` come from one `sys_map` call and nothing refers into it.
#[cfg(miri)]
unsafe fn sys_unmap(ptr: NonNull<u8>, len: usize) {
    let layout = std::alloc::Layout::from_size_align(len, page_size()).expect("layout of sys_map");
    // SAFETY: per the contract, allocated by `sys_map` with this layout.
    unsafe { std::alloc::dealloc(ptr.as_ptr(), layout) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_power_of_two_and_cached() {
        let p = page_size();
        assert!(p.is_power_of_two());
        assert!(p >= 4096);
        assert_eq!(page_size(), p);
    }

    #[test]
    fn empty_mapping() {
        let m = Mmap::new_empty();
        assert!(m.is_empty());
        assert_eq!(m.len(), 0);
        // SAFETY: empty slice; no bytes are read.
        assert!(unsafe { m.as_slice() }.is_empty());
        assert!(Mmap::reserve(0).unwrap().is_empty());
        assert!(Mmap::accessible(0).unwrap().is_empty());
    }

    #[test]
    fn lengths_round_up_to_pages() {
        let p = page_size();
        assert_eq!(Mmap::reserve(1).unwrap().len(), p);
        assert_eq!(Mmap::accessible(p + 1).unwrap().len(), 2 * p);
        assert!(Mmap::reserve(usize::MAX).is_err());
    }

    #[test]
    fn accessible_is_zeroed_and_writable() {
        let mut m = Mmap::accessible(3 * page_size()).unwrap();
        // SAFETY: the whole mapping is read+write.
        let s = unsafe { m.as_mut_slice() };
        assert!(s.iter().all(|&b| b == 0));
        s[0] = 1;
        let last = s.len() - 1;
        s[last] = 2;
        // SAFETY: still read+write.
        let s = unsafe { m.as_slice() };
        assert_eq!((s[0], s[s.len() - 1]), (1, 2));
    }

    #[test]
    fn reserve_then_make_accessible() {
        let p = page_size();
        let mut m = Mmap::reserve(4 * p).unwrap();
        m.make_accessible(p, 2 * p).unwrap();
        let ptr = m.as_mut_ptr();
        // SAFETY: pages 1 and 2 were just made read+write.
        unsafe {
            ptr.add(p).write(7);
            ptr.add(3 * p - 1).write(9);
            assert_eq!(ptr.add(p).read(), 7);
        }
    }

    #[test]
    fn bad_ranges_are_errors() {
        let p = page_size();
        let mut m = Mmap::reserve(2 * p).unwrap();
        assert!(m.make_accessible(1, p).is_err(), "misaligned start");
        assert!(m.make_accessible(p, 2 * p).is_err(), "past the end");
        assert!(m.make_executable(2 * p, 1).is_err(), "starts at the end");
        assert!(
            m.make_executable(usize::MAX & !(p - 1), p).is_err(),
            "overflow"
        );
        // Zero-length ranges inside the mapping are no-ops.
        m.make_accessible(2 * p, 0).unwrap();
        m.make_accessible(0, 2 * p).unwrap();
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Mmap>();
    }
}
