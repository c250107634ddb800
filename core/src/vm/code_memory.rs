//! Executable memory for compiled modules, and the registry of JIT code ranges.
//!
//! A [`CodeMemory`] copies a module's machine code into a fresh read+write
//! mapping, lets the caller patch absolute relocations now that the final
//! address is known, then flips the pages to read+execute: the memory is never
//! writable and executable at once. Its range is then recorded in a
//! process-wide registry so the trap handler can ask [`is_jit_pc`] whether a
//! faulting program counter is ours.
//!
//! The registry is read from signal handlers, so reads never allocate and
//! never block on a lock that could be held forever. It is a sorted `Vec` of
//! ranges guarded by a hand-rolled reader/writer spin lock in one atomic word:
//! writers (code creation and drop, ordinary context) take it exclusively and
//! may allocate; readers (signal handlers) spin while a writer on another
//! thread holds it, which lasts only a few instructions. A reader on the very
//! thread that holds the write lock could never make progress, so each writer
//! sets a thread-local flag first and a reader seeing it answers `false`: that
//! thread is running registry code, not JIT code.

use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

use crate::vm::mmap::Mmap;

unsafe extern "C" {
    /// Defined in `trap_entry.c`: makes new code visible to instruction fetch.
    #[cfg(not(miri))]
    fn petrel_flush_icache(start: *mut libc::c_void, len: libc::size_t);
}

/// Lock-word bit meaning "a writer holds the registry".
const WRITER: usize = 1 << (usize::BITS - 1);

/// Sorted, non-overlapping `[start, end)` ranges of registered JIT code.
struct Registry {
    /// `WRITER` bit plus the number of active readers.
    state: AtomicUsize,
    /// Guarded by `state`.
    ranges: UnsafeCell<Vec<(usize, usize)>>,
}

// SAFETY: `ranges` is only touched while `state` grants access: mutation under
// the exclusive WRITER bit, reads under a reader count with no WRITER bit.
unsafe impl Sync for Registry {}

static REGISTRY: Registry = Registry {
    state: AtomicUsize::new(0),
    ranges: UnsafeCell::new(Vec::new()),
};

thread_local! {
    /// True while this thread holds (or is acquiring) the registry write lock.
    /// `const`-initialised `Cell<bool>`: no lazy initialisation and no
    /// destructor, so reading it from a signal handler does not allocate.
    static IS_WRITER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with exclusive access to the range list (ordinary context only).
fn with_registry_write<R>(f: impl FnOnce(&mut Vec<(usize, usize)>) -> R) -> R {
    /// Releases the lock even if `f` panics.
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            REGISTRY.state.fetch_and(!WRITER, Ordering::Release);
            IS_WRITER.with(|w| w.set(false));
        }
    }
    IS_WRITER.with(|w| w.set(true));
    while REGISTRY
        .state
        .compare_exchange_weak(0, WRITER, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        std::hint::spin_loop();
    }
    let _release = Release;
    // SAFETY: the WRITER bit is set and there are no readers, so this is the
    // only access to `ranges` until `_release` clears the bit.
    f(unsafe { &mut *REGISTRY.ranges.get() })
}

/// True when `pc` lies inside any registered [`CodeMemory`].
///
/// Async-signal-safe: no allocation and no blocking lock. It spins while a
/// writer on another thread updates the registry (a handful of instructions),
/// and returns `false` if the current thread is itself the writer.
pub fn is_jit_pc(pc: usize) -> bool {
    let state = &REGISTRY.state;
    loop {
        let s = state.load(Ordering::Relaxed);
        if s & WRITER != 0 {
            // `try_with` fails only during thread teardown; no JIT code runs then.
            if IS_WRITER.try_with(Cell::get).unwrap_or(true) {
                return false;
            }
            std::hint::spin_loop();
            continue;
        }
        if state
            .compare_exchange_weak(s, s + 1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            break;
        }
    }
    // SAFETY: we hold a reader count with no writer, so nobody mutates
    // `ranges` until we release it below.
    let ranges = unsafe { &*REGISTRY.ranges.get() };
    let idx = ranges.partition_point(|&(start, _)| start <= pc);
    let found = idx > 0 && pc < ranges[idx - 1].1;
    state.fetch_sub(1, Ordering::Release);
    found
}

/// Executable code for one compiled module: copied into a fresh mapping,
/// patched, then flipped to R+X (never W and X at once), and registered in a
/// process-wide registry of JIT code ranges. Drop unregisters then unmaps.
#[derive(Debug)]
pub struct CodeMemory {
    /// The mapping holding the code (read+execute once constructed).
    mmap: Mmap,
    /// Length of the code in bytes (the mapping is rounded up to pages).
    len: usize,
}

impl CodeMemory {
    /// Copies `code` into new memory, calls `patch` with the writable copy and
    /// its final base address (to apply absolute relocations), then makes it
    /// read+execute and registers it with [`is_jit_pc`].
    ///
    /// Empty `code` is allowed: it maps nothing and registers nothing.
    pub fn new(
        code: &[u8],
        patch: impl FnOnce(&mut [u8], usize) -> Result<()>,
    ) -> Result<CodeMemory> {
        let len = code.len();
        let mut mmap = Mmap::accessible(len)?;
        let base = mmap.as_ptr() as usize;
        if len == 0 {
            patch(&mut [], base)?;
            return Ok(CodeMemory { mmap, len });
        }
        {
            // SAFETY: the mapping was just created read+write and nothing
            // else can reach it yet.
            let text = unsafe { &mut mmap.as_mut_slice()[..len] };
            text.copy_from_slice(code);
            patch(text, base)?;
        }
        mmap.make_executable(0, len)?;
        // SAFETY: `[base, base + len)` is inside our mapping, which is mapped
        // read+execute; flushing the instruction cache has no other effect.
        // (Miri cannot call the C helper and runs no compiled code.)
        #[cfg(not(miri))]
        unsafe {
            petrel_flush_icache(mmap.as_mut_ptr().cast(), len)
        };
        with_registry_write(|ranges| {
            let idx = ranges.partition_point(|&(start, _)| start < base);
            ranges.insert(idx, (base, base + len));
        });
        Ok(CodeMemory { mmap, len })
    }

    /// The code bytes (read-only view of the executable mapping).
    #[cfg(test)]
    pub fn text(&self) -> &[u8] {
        // SAFETY: the first `len` bytes are mapped readable (read+execute, or
        // an empty slice) and are never written after construction.
        unsafe { &self.mmap.as_slice()[..self.len] }
    }

    /// Address of `text()[0]`.
    pub fn base(&self) -> usize {
        self.mmap.as_ptr() as usize
    }

    /// Whether `pc` lies inside this code (`[base, base + len)`).
    pub fn contains(&self, pc: usize) -> bool {
        pc >= self.base() && pc - self.base() < self.len
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        if self.len == 0 {
            return;
        }
        let base = self.base();
        with_registry_write(|ranges| {
            if let Ok(idx) = ranges.binary_search_by_key(&base, |&(start, _)| start) {
                ranges.remove(idx);
            }
        });
        // `self.mmap` unmaps after this, once no handler can see the range.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_registers_and_unregisters() {
        let code = [0xc3u8; 100];
        let cm = CodeMemory::new(&code, |_, _| Ok(())).unwrap();
        assert_eq!(cm.text(), &code[..]);
        let base = cm.base();
        assert!(cm.contains(base));
        assert!(cm.contains(base + 99));
        assert!(!cm.contains(base + 100));
        assert!(!cm.contains(base.wrapping_sub(1)));
        assert!(is_jit_pc(base));
        assert!(is_jit_pc(base + 99));
        assert!(!is_jit_pc(base + 100));
        assert!(!is_jit_pc(base.wrapping_sub(1)));
        drop(cm);
        assert!(!is_jit_pc(base));
    }

    #[test]
    fn patch_sees_final_base_and_errors_propagate() {
        let mut seen = 0;
        let cm = CodeMemory::new(&[0u8; 16], |text, base| {
            text[0..8].copy_from_slice(&(base as u64).to_le_bytes());
            seen = base;
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, cm.base());
        assert_eq!(cm.text()[0..8], (cm.base() as u64).to_le_bytes());
        assert!(CodeMemory::new(&[1, 2, 3], |_, _| anyhow::bail!("nope")).is_err());
    }

    #[test]
    fn empty_code_works() {
        let cm = CodeMemory::new(&[], |text, _| {
            assert!(text.is_empty());
            Ok(())
        })
        .unwrap();
        assert!(cm.text().is_empty());
        assert!(!cm.contains(cm.base()));
        assert!(!is_jit_pc(cm.base()));
    }

    #[test]
    fn many_modules_and_threads() {
        // Fewer rounds under Miri, which still checks the threads' races.
        let rounds = if cfg!(miri) { 20 } else { 200 };
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    for _ in 0..rounds {
                        let a = CodeMemory::new(&[0xcc; 10], |_, _| Ok(())).unwrap();
                        let b = CodeMemory::new(&[0xcc; 5000], |_, _| Ok(())).unwrap();
                        assert!(is_jit_pc(a.base() + 9));
                        assert!(is_jit_pc(b.base() + 4999));
                        assert!(!is_jit_pc(a.base() + 10));
                        drop(a);
                        assert!(is_jit_pc(b.base()));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }

    #[test]
    fn reader_on_writer_thread_returns_false() {
        let cm = CodeMemory::new(&[0xc3], |_, _| Ok(())).unwrap();
        let inside = with_registry_write(|_| is_jit_pc(cm.base()));
        assert!(!inside);
        assert!(is_jit_pc(cm.base()));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    #[cfg_attr(miri, ignore = "runs machine code")]
    fn runs_code() {
        // mov eax, 42 ; ret
        let cm = CodeMemory::new(&[0xb8, 0x2a, 0, 0, 0, 0xc3], |_, _| Ok(())).unwrap();
        // SAFETY: the code is a complete `extern "C" fn() -> u32` body.
        let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(cm.base()) };
        assert_eq!(f(), 42);
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<CodeMemory>();
    }
}
