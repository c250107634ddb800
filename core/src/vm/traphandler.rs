//! Turning hardware faults in JIT code into recoverable traps.
//!
//! Every wasm trap is a fault inside JIT code: `ud2` for explicit traps
//! (SIGILL), a guard-page access for out-of-bounds memory (SIGSEGV/SIGBUS) and
//! `idiv` for division faults (SIGFPE). [`catch_traps`] runs a closure with a
//! thread-local *activation* pushed on a linked list; the activation owns a
//! `sigjmp_buf` set up by the C helper `petrel_setjmp_call` (Rust cannot call
//! `setjmp` itself).
//!
//! The process-wide signal handler ([`init_traps`]) only claims a fault when
//! the program counter is registered JIT code ([`is_jit_pc`]) *and* the thread
//! is inside [`catch_traps`]; anything else is chained to the handler that was
//! installed before ours (or to the default action), because the processes we
//! live in (CPython, Go, Mono, V8) rely on their own handlers. When it claims a
//! fault it does not jump out of the handler: it records the pc, frame pointer,
//! fault address and signal in the innermost activation, then edits the
//! interrupted context so that the thread resumes in [`trap_landing`] and
//! returns normally (the kernel restores the signal mask and alternate stack
//! state). `trap_landing` runs in ordinary context, walks the JIT frame-pointer
//! chain into a backtrace (allocation is fine there) and `siglongjmp`s back to
//! the activation, skipping only JIT frames and the plain frames of the
//! closure.
//!
//! The landing stack pointer is just below the faulting stack pointer (minus a
//! margin past the red zone), so the JIT frames above it stay intact for the
//! walk. If that would leave too little room on the thread's stack (a stack
//! overflow), the landing runs at the top of the alternate signal stack
//! instead, which the handler has just finished with. Every thread that enters
//! [`catch_traps`] gets an alternate signal stack unless it already has one.

use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::ptr;
use std::sync::Once;

use crate::vm::code_memory::is_jit_pc;
use crate::vm::mmap::{Mmap, page_size};

unsafe extern "C" {
    /// Sets up a `sigjmp_buf` on its own frame, stores its address in
    /// `*jmp_buf_out`, calls `body(payload)`; returns 1 on normal return and 0
    /// when `petrel_longjmp` jumped back to it. (Not called under Miri.)
    #[cfg(not(miri))]
    fn petrel_setjmp_call(
        body: unsafe extern "C" fn(*mut c_void),
        payload: *mut c_void,
        jmp_buf_out: *mut *mut c_void,
    ) -> libc::c_int;
    /// `siglongjmp(*buf, 1)`.
    fn petrel_longjmp(buf: *mut c_void) -> !;
}

/// Maximum number of pcs recorded in [`TrapRecord::backtrace`].
const MAX_FRAMES: usize = 10_000;
/// Bytes skipped below the faulting stack pointer before the landing frame
/// (more than the 128-byte x86_64 red zone).
const LANDING_MARGIN: usize = 256;
/// Stack the landing needs below its stack pointer to run on the thread stack.
const LANDING_HEADROOM: usize = 32 * 1024;
/// Size of the alternate signal stack installed on threads that have none.
const ALT_STACK_SIZE: usize = 64 * 1024;

/// The signals we handle, in the order of [`PREV_ACTIONS`].
const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// What the handler recorded about a trap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapRecord {
    /// Faulting program counter (inside JIT code).
    pub pc: usize,
    /// Frame pointer at the fault.
    pub fp: usize,
    /// `si_addr` for SIGSEGV/SIGBUS; `None` for other signals.
    pub fault_address: Option<usize>,
    /// The signal number (`libc::SIGSEGV`, ...).
    pub signal: i32,
    /// Program counters, innermost first: the fault pc, then the return
    /// address of each JIT frame found by walking the frame-pointer chain
    /// (only pcs inside JIT code), at most 10 000 entries.
    pub backtrace: Vec<usize>,
}

/// One [`catch_traps`] call on this thread. Lives on `catch_traps`'s stack
/// frame and is reached by the handler through the raw [`ACTIVATION`] pointer.
struct Activation {
    /// Address of the `sigjmp_buf` in `petrel_setjmp_call`'s frame; null until set.
    jmp_buf: *mut c_void,
    /// The enclosing activation on this thread (null for the outermost).
    prev: *mut Activation,
    /// Lowest usable address of this thread's stack (0 when unknown).
    stack_low: usize,
    /// Set by the handler once it owns a fault for this activation.
    trapped: bool,
    /// Fault pc (written by the handler).
    pc: usize,
    /// Frame pointer at the fault (written by the handler).
    fp: usize,
    /// `si_addr` for SIGSEGV/SIGBUS (written by the handler).
    fault_address: Option<usize>,
    /// Signal number (written by the handler).
    signal: i32,
    /// Filled by `trap_landing`.
    backtrace: Vec<usize>,
}

/// What every [`catch_traps`] reads and writes: one thread-local, so a call
/// pays for one thread-local lookup (a `__tls_get_addr` call when Petrel is
/// a shared library).
struct ThreadLocals {
    /// Innermost activation on this thread (null outside wasm).
    activation: Cell<*mut Activation>,
    /// This thread's stack low bound, once [`thread_setup`] has run.
    stack_low: Cell<Option<usize>>,
}

thread_local! {
    /// `const`-initialised, no lazy init and no destructor, so the signal
    /// handler can read it safely.
    static ACTIVATION: ThreadLocals = const {
        ThreadLocals { activation: Cell::new(ptr::null_mut()), stack_low: Cell::new(None) }
    };
    /// Per-thread setup (our alternate signal stack if any), dropped at
    /// thread exit.
    static THREAD_STATE: RefCell<Option<ThreadState>> = const { RefCell::new(None) };
}

/// Per-thread state created on the first [`catch_traps`] of a thread.
struct ThreadState {
    /// The alternate signal stack we installed, if the thread had none.
    _alt_stack: Option<AltStack>,
}

/// An alternate signal stack we installed: a guard page then the stack.
struct AltStack {
    /// Guard page at the bottom, `ALT_STACK_SIZE` accessible bytes above it.
    mmap: Mmap,
}

impl AltStack {
    /// Installs an alternate signal stack if the thread has none.
    fn install_if_missing() -> Option<AltStack> {
        let mut old = MaybeUninit::<libc::stack_t>::uninit();
        // SAFETY: querying only (null new stack); `old` is a valid out-pointer.
        if unsafe { libc::sigaltstack(ptr::null(), old.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: sigaltstack succeeded and initialised `old`.
        let old = unsafe { old.assume_init() };
        if old.ss_flags & libc::SS_DISABLE == 0 {
            return None; // Never replace an existing alternate stack.
        }
        let guard = page_size();
        let mut mmap = Mmap::reserve(guard + ALT_STACK_SIZE).ok()?;
        mmap.make_accessible(guard, ALT_STACK_SIZE).ok()?;
        let new = libc::stack_t {
            // SAFETY: `guard` is within the mapping of `guard + ALT_STACK_SIZE` bytes.
            ss_sp: unsafe { mmap.as_mut_ptr().add(guard) }.cast(),
            ss_flags: 0,
            ss_size: ALT_STACK_SIZE,
        };
        // SAFETY: `new` describes read+write memory owned by `mmap`, which is
        // kept alive (in thread-local storage) until Drop disables the stack.
        if unsafe { libc::sigaltstack(&new, ptr::null_mut()) } != 0 {
            return None;
        }
        Some(AltStack { mmap })
    }
}

impl Drop for AltStack {
    fn drop(&mut self) {
        let mut cur = MaybeUninit::<libc::stack_t>::uninit();
        // SAFETY: query only; `cur` is a valid out-pointer.
        if unsafe { libc::sigaltstack(ptr::null(), cur.as_mut_ptr()) } != 0 {
            return;
        }
        // SAFETY: sigaltstack succeeded and initialised `cur`.
        let cur = unsafe { cur.assume_init() };
        let ours = cur.ss_sp as usize == self.mmap.as_ptr() as usize + page_size();
        if ours && cur.ss_flags & libc::SS_DISABLE == 0 {
            let off = libc::stack_t {
                ss_sp: ptr::null_mut(),
                ss_flags: libc::SS_DISABLE,
                ss_size: 0,
            };
            // SAFETY: disabling the alternate stack has no memory effects; we
            // are not running on it (this is ordinary thread-exit code).
            unsafe { libc::sigaltstack(&off, ptr::null_mut()) };
        }
        // `self.mmap` is unmapped after this.
    }
}

/// Lowest usable address of the current thread's stack, or 0 if unknown.
fn current_stack_low() -> usize {
    let mut attr = MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `attr` is a valid out-pointer; pthread_self is the live thread.
    if unsafe { libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) } != 0 {
        return 0;
    }
    let mut addr: *mut c_void = ptr::null_mut();
    let mut size: libc::size_t = 0;
    // SAFETY: `attr` was initialised by pthread_getattr_np; out-pointers valid.
    let rc = unsafe { libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) };
    // SAFETY: `attr` is initialised and destroyed exactly once.
    unsafe { libc::pthread_attr_destroy(attr.as_mut_ptr()) };
    if rc != 0 { 0 } else { addr as usize }
}

/// Sets up this thread on first use (its alternate signal stack); returns
/// its stack's low bound.
#[cold]
fn thread_setup(locals: &ThreadLocals) -> usize {
    let installed = THREAD_STATE.try_with(|state| {
        state.borrow_mut().get_or_insert_with(|| ThreadState {
            _alt_stack: AltStack::install_if_missing(),
        });
    });
    let low = current_stack_low();
    // During thread teardown the state is gone: do not cache, so a later
    // call (if any) tries again.
    if installed.is_ok() {
        locals.stack_low.set(Some(low));
    }
    low
}

/// The sigactions in place before ours, indexed like [`SIGNALS`].
struct PrevActions(UnsafeCell<[MaybeUninit<libc::sigaction>; 4]>);
// SAFETY: written only inside `INIT.call_once` before our handler for that
// signal is installed; afterwards only read.
unsafe impl Sync for PrevActions {}
static PREV_ACTIONS: PrevActions = PrevActions(UnsafeCell::new([MaybeUninit::uninit(); 4]));
static INIT: Once = Once::new();

/// Installs the process-wide handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE
/// once (idempotent, thread-safe), saving the previous action of each so that
/// faults that are not ours are passed on.
pub fn init_traps() {
    if cfg!(miri) {
        // Miri runs no compiled code (see `call::invoke_wasm`), so there is
        // no fault to catch, and it cannot install signal handlers.
        return;
    }
    INIT.call_once(|| {
        for (i, &sig) in SIGNALS.iter().enumerate() {
            // SAFETY: inside call_once nobody else accesses PREV_ACTIONS, and
            // our handler for `sig` is not installed yet, so it cannot read
            // this slot concurrently.
            let slot = unsafe { &mut (*PREV_ACTIONS.0.get())[i] };
            // SAFETY: query only; `slot` is a valid out-pointer.
            let rc = unsafe { libc::sigaction(sig, ptr::null(), slot.as_mut_ptr()) };
            assert_eq!(rc, 0, "sigaction query failed for signal {sig}");
            // SAFETY: a zeroed sigaction is a valid value; every field we rely
            // on is set below.
            let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
            action.sa_sigaction = trap_handler as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            // SAFETY: `sa_mask` is a valid sigset_t to initialise.
            unsafe { libc::sigemptyset(&mut action.sa_mask) };
            // SAFETY: `action` is fully initialised and `trap_handler` has the
            // SA_SIGINFO signature.
            let rc = unsafe { libc::sigaction(sig, &action, ptr::null_mut()) };
            assert_eq!(rc, 0, "sigaction install failed for signal {sig}");
        }
    });
}

/// Whether the current thread is inside [`catch_traps`].
#[cfg(test)]
fn in_wasm_call() -> bool {
    ACTIVATION
        .try_with(|t| !t.activation.get().is_null())
        .unwrap_or(false)
}

/// Program counter, stack pointer and frame pointer of an interrupted context.
///
/// # Safety
/// `ctx` must be the `ucontext_t` the kernel passed to a signal handler.
#[cfg(target_arch = "x86_64")]
unsafe fn context_regs(ctx: *mut c_void) -> (usize, usize, usize) {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: the caller passes the kernel's ucontext_t, valid to read.
    let gregs = unsafe { &(*uc).uc_mcontext.gregs };
    (
        gregs[libc::REG_RIP as usize] as usize,
        gregs[libc::REG_RSP as usize] as usize,
        gregs[libc::REG_RBP as usize] as usize,
    )
}

/// Makes the interrupted context resume in `trap_landing` with stack `sp`.
///
/// # Safety
/// `ctx` must be the `ucontext_t` the kernel passed to a signal handler.
#[cfg(target_arch = "x86_64")]
unsafe fn redirect_to_landing(ctx: *mut c_void, sp: usize) {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: the caller passes the kernel's ucontext_t, valid to write; the
    // kernel restores these registers when the handler returns.
    let gregs = unsafe { &mut (*uc).uc_mcontext.gregs };
    gregs[libc::REG_RIP as usize] = trap_landing as *const () as usize as i64;
    gregs[libc::REG_RSP as usize] = sp as i64;
    gregs[libc::REG_RBP as usize] = 0;
}

/// Program counter, stack pointer and frame pointer of an interrupted context.
///
/// # Safety
/// `ctx` must be the `ucontext_t` the kernel passed to a signal handler.
#[cfg(target_arch = "aarch64")]
unsafe fn context_regs(ctx: *mut c_void) -> (usize, usize, usize) {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: the caller passes the kernel's ucontext_t, valid to read.
    let mc = unsafe { &(*uc).uc_mcontext };
    (mc.pc as usize, mc.sp as usize, mc.regs[29] as usize)
}

/// Makes the interrupted context resume in `trap_landing` with stack `sp`.
///
/// # Safety
/// `ctx` must be the `ucontext_t` the kernel passed to a signal handler.
#[cfg(target_arch = "aarch64")]
unsafe fn redirect_to_landing(ctx: *mut c_void, sp: usize) {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: the caller passes the kernel's ucontext_t, valid to write.
    let mc = unsafe { &mut (*uc).uc_mcontext };
    mc.pc = trap_landing as *const () as usize as u64;
    mc.sp = sp as u64;
    mc.regs[29] = 0;
    mc.regs[30] = 0;
}

/// Aligns a stack pointer for entry to `trap_landing` "as if called".
fn landing_sp(top: usize) -> usize {
    let aligned = top & !15;
    if cfg!(target_arch = "x86_64") {
        aligned - 8 // a `call` would have pushed a return address
    } else {
        aligned
    }
}

/// Picks the stack pointer `trap_landing` starts with (see the module docs).
///
/// Async-signal-safe: arithmetic and one `sigaltstack` query.
fn choose_landing_sp(fault_sp: usize, stack_low: usize) -> usize {
    let candidate = landing_sp(fault_sp.saturating_sub(LANDING_MARGIN));
    let room_ok = stack_low == 0 || candidate > stack_low.saturating_add(LANDING_HEADROOM);
    if room_ok {
        return candidate;
    }
    let mut ss = MaybeUninit::<libc::stack_t>::uninit();
    // SAFETY: query only (sigaltstack is async-signal-safe); valid out-pointer.
    if unsafe { libc::sigaltstack(ptr::null(), ss.as_mut_ptr()) } == 0 {
        // SAFETY: the call succeeded and initialised `ss`.
        let ss = unsafe { ss.assume_init() };
        if ss.ss_flags & libc::SS_ONSTACK != 0 {
            // We are on the alternate stack: once this handler returns it is
            // free again, so the landing may use it from the top.
            return landing_sp(ss.ss_sp as usize + ss.ss_size);
        }
    }
    candidate
}

/// The signal handler for SIGSEGV, SIGBUS, SIGILL and SIGFPE.
///
/// Async-signal-safe: reads only const-initialised thread locals, the JIT
/// registry and the kernel context; never allocates or panics.
unsafe extern "C" fn trap_handler(
    signum: libc::c_int,
    info: *mut libc::siginfo_t,
    ctx: *mut c_void,
) {
    // SAFETY: `ctx` is the ucontext_t the kernel passed to this handler.
    let (pc, sp, fp) = unsafe { context_regs(ctx) };
    // Check the pc first: it touches no thread-local storage in the common
    // case, so faults on threads that never ran wasm stay cheap and safe.
    if is_jit_pc(pc) {
        let act = ACTIVATION
            .try_with(|t| t.activation.get())
            .unwrap_or(ptr::null_mut());
        // SAFETY: a non-null ACTIVATION points to the live `Activation` of the
        // innermost `catch_traps` frame on this thread (it is reset before
        // that frame returns), created from a raw `*mut`, so writing through
        // it is allowed; the interrupted code does not hold a reference to it.
        if !act.is_null() && unsafe { !(*act).jmp_buf.is_null() && !(*act).trapped } {
            let fault_address = if signum == libc::SIGSEGV || signum == libc::SIGBUS {
                // SAFETY: `info` is the kernel's siginfo for a fault signal,
                // for which si_addr is defined.
                Some(unsafe { (*info).si_addr() } as usize)
            } else {
                None
            };
            // SAFETY: see above; plain field writes through the raw pointer.
            let stack_low = unsafe {
                (*act).trapped = true;
                (*act).pc = pc;
                (*act).fp = fp;
                (*act).fault_address = fault_address;
                (*act).signal = signum;
                (*act).stack_low
            };
            let new_sp = choose_landing_sp(sp, stack_low);
            // SAFETY: `ctx` is the kernel's ucontext_t for this handler.
            unsafe { redirect_to_landing(ctx, new_sp) };
            return;
        }
    }
    // SAFETY: called from the signal handler with its own arguments.
    unsafe { chain(signum, info, ctx) };
}

/// Passes a fault we do not own to the action that was installed before ours.
///
/// # Safety
/// Must be called from `trap_handler` with the kernel's arguments.
unsafe fn chain(signum: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    let Some(idx) = SIGNALS.iter().position(|&s| s == signum) else {
        return;
    };
    // SAFETY: our handler is installed only after this slot was written in
    // `init_traps`, and it is never written again.
    let prev = unsafe { (*PREV_ACTIONS.0.get())[idx].assume_init_ref() };
    let handler = prev.sa_sigaction;
    if handler == libc::SIG_DFL {
        // Restore the default action. Returning re-executes the faulting
        // instruction, which now kills the process with the right signal; a
        // signal sent by a process (si_code <= 0) is raised again instead.
        // SAFETY: zeroed sigaction is valid; SIG_DFL handler is 0.
        let mut dfl: libc::sigaction = unsafe { std::mem::zeroed() };
        dfl.sa_sigaction = libc::SIG_DFL;
        // SAFETY: sigaction, sigemptyset and raise are async-signal-safe and
        // receive valid pointers; `info` is the kernel's siginfo.
        unsafe {
            libc::sigemptyset(&mut dfl.sa_mask);
            libc::sigaction(signum, &dfl, ptr::null_mut());
            if (*info).si_code <= 0 {
                libc::raise(signum);
            }
        }
    } else if handler == libc::SIG_IGN {
        // Ignored: nothing to do.
    } else if prev.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: with SA_SIGINFO the previous owner installed a handler with
        // this three-argument signature; we pass the kernel's own arguments.
        unsafe {
            let f: unsafe extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut c_void) =
                std::mem::transmute(handler);
            f(signum, info, ctx);
        }
    } else {
        // SAFETY: without SA_SIGINFO the previous handler takes the signal
        // number only.
        unsafe {
            let f: unsafe extern "C" fn(libc::c_int) = std::mem::transmute(handler);
            f(signum);
        }
    }
}

/// Where a thread resumes after the handler claimed a fault: ordinary
/// context, on the stack chosen by `choose_landing_sp`. Walks the backtrace
/// then jumps back to the innermost activation. Holds nothing with a
/// destructor at the jump.
extern "C" fn trap_landing() -> ! {
    let act = ACTIVATION.with(|t| t.activation.get());
    // SAFETY: the handler only redirects here after finding a non-null
    // activation with a jmp_buf; it is still live because its `catch_traps`
    // frame is an ancestor of the (skipped) frames we came from.
    unsafe {
        fill_backtrace(act);
        petrel_longjmp((*act).jmp_buf)
    }
}

/// Walks the frame-pointer chain recorded in `act` into `act.backtrace`.
///
/// # Safety
/// `act` must point to the live activation that owns the recorded trap; the
/// JIT frames between the fault and that activation must still be intact.
#[inline(never)]
unsafe fn fill_backtrace(act: *mut Activation) {
    // SAFETY: per the contract, `act` is live and nothing else accesses it now.
    let (pc, mut fp) = unsafe { ((*act).pc, (*act).fp) };
    // The activation lives in `catch_traps`'s frame, above every JIT frame.
    let limit = act as usize;
    let mut trace = Vec::with_capacity(16);
    trace.push(pc);
    let mut prev_fp = 0usize;
    while trace.len() < MAX_FRAMES {
        if fp == 0 || !fp.is_multiple_of(16) || fp <= prev_fp || fp >= limit {
            break;
        }
        // SAFETY: `fp` is the frame pointer of a JIT frame (its pc is JIT
        // code, compiled with frame pointers): it points at the saved
        // {caller fp, return address} pair, below `catch_traps`'s frame and
        // still intact above the landing stack pointer.
        let (next_fp, ret) = unsafe {
            let p = fp as *const usize;
            (p.read(), p.add(1).read())
        };
        if !is_jit_pc(ret) {
            break;
        }
        trace.push(ret);
        prev_fp = fp;
        fp = next_fp;
    }
    // SAFETY: `act` is live; no other reference to it exists right now.
    unsafe { (*act).backtrace = trace };
}

/// The closure and any panic it raised, shared with `call_body`.
struct Payload<'a, F> {
    /// The user closure.
    f: &'a mut F,
    /// A panic caught in `f`, re-raised by `catch_traps` after the C frame.
    panic: Option<Box<dyn Any + Send>>,
}

/// Called by `petrel_setjmp_call`; runs the closure, catching panics so that
/// they never unwind through the C frame.
///
/// # Safety
/// `payload` must point to a live `Payload<F>`.
unsafe extern "C" fn call_body<F: FnMut()>(payload: *mut c_void) {
    // SAFETY: `catch_traps` passes a pointer to its own live `Payload<F>`.
    let payload = unsafe { &mut *payload.cast::<Payload<'_, F>>() };
    let f = &mut *payload.f;
    if let Err(panic) = catch_unwind(AssertUnwindSafe(f)) {
        payload.panic = Some(panic);
    }
}

/// Calls `f` with trap catching: if `f` (which calls JIT code) faults inside
/// JIT code on this thread, control returns here and the result is
/// `Err(record)`. Nested calls (wasm -> host -> wasm) nest correctly: each call
/// pushes an activation on a thread-local linked list, the innermost catches.
/// A panic in `f` is propagated after the activation is popped.
///
/// On a trap, every frame between this call and the fault is discarded
/// without running destructors: `f` must not hold live values with
/// destructors (guards, `RefCell` borrows, owned allocations) across the JIT
/// call; set up results before the call and read them after it instead.
///
/// # Safety
/// `f` may only run JIT code whose frames are plain (no Rust destructors
/// pending), per the paragraph above.
pub unsafe fn catch_traps<F: FnMut()>(mut f: F) -> Result<(), Box<TrapRecord>> {
    init_traps();
    let locals: *const ThreadLocals = ACTIVATION.with(|t| t as *const ThreadLocals);
    // SAFETY: a thread-local lives until its thread exits, and this thread
    // is running this function; only `Cell`s are reached through it.
    let locals = unsafe { &*locals };
    let stack_low = match locals.stack_low.get() {
        Some(low) => low,
        None if cfg!(miri) => 0,
        None => thread_setup(locals),
    };
    let mut activation = Activation {
        jmp_buf: ptr::null_mut(),
        prev: locals.activation.get(),
        stack_low,
        trapped: false,
        pc: 0,
        fp: 0,
        fault_address: None,
        signal: 0,
        backtrace: Vec::new(),
    };
    let act: *mut Activation = &raw mut activation;
    let mut payload = Payload {
        f: &mut f,
        panic: None,
    };
    locals.activation.set(act);
    // SAFETY: `call_body::<F>` matches `payload`'s type; `act` is live for the
    // whole call and `jmp_buf` is a valid out-pointer into it. If the handler
    // claims a fault, `trap_landing` jumps back into petrel_setjmp_call's
    // frame, skipping only plain frames (JIT code, `call_body`'s closure
    // machinery, and `f`'s frames, which the caller guarantees are plain).
    #[cfg(not(miri))]
    let returned = unsafe {
        petrel_setjmp_call(
            call_body::<F>,
            (&raw mut payload).cast(),
            &raw mut (*act).jmp_buf,
        )
    };
    // Miri cannot call the C helper; nothing it runs can fault into the
    // handler, so `f` is called directly, its panic caught the same way.
    // SAFETY: as above, `payload` has the type `call_body::<F>` expects.
    #[cfg(miri)]
    let returned = unsafe {
        call_body::<F>((&raw mut payload).cast());
        1
    };
    // SAFETY: `act` is still live; the handler and landing are done with it.
    let act = unsafe { &mut *act };
    locals.activation.set(act.prev);
    if let Some(panic) = payload.panic.take() {
        resume_unwind(panic);
    }
    if returned != 0 {
        return Ok(());
    }
    Err(Box::new(TrapRecord {
        pc: act.pc,
        fp: act.fp,
        fault_address: act.fault_address,
        signal: act.signal,
        backtrace: std::mem::take(&mut act.backtrace),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::code_memory::CodeMemory;

    #[test]
    fn init_is_idempotent_and_in_wasm_call_tracks_activation() {
        init_traps();
        init_traps();
        assert!(!in_wasm_call());
        let body = || {
            assert!(in_wasm_call());
            // SAFETY: no JIT code runs.
            let inner = unsafe { catch_traps(|| assert!(in_wasm_call())) };
            assert!(inner.is_ok());
            assert!(in_wasm_call());
        };
        // SAFETY: no JIT code runs.
        let r = unsafe { catch_traps(body) };
        assert!(r.is_ok());
        assert!(!in_wasm_call());
    }

    #[test]
    fn panics_propagate_and_pop_the_activation() {
        let r = std::panic::catch_unwind(|| {
            // SAFETY: no JIT code runs.
            let _ = unsafe { catch_traps(|| panic!("boom")) };
        });
        assert!(r.is_err());
        assert!(!in_wasm_call());
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot install an alternate signal stack")]
    fn alt_stack_is_installed() {
        std::thread::spawn(|| {
            // SAFETY: no JIT code runs.
            unsafe { catch_traps(|| {}) }.unwrap();
            let mut ss = MaybeUninit::<libc::stack_t>::uninit();
            // SAFETY: query only.
            let rc = unsafe { libc::sigaltstack(ptr::null(), ss.as_mut_ptr()) };
            assert_eq!(rc, 0);
            // SAFETY: initialised by the successful call.
            let ss = unsafe { ss.assume_init() };
            assert_eq!(ss.ss_flags & libc::SS_DISABLE, 0);
        })
        .join()
        .unwrap();
    }

    #[cfg(target_arch = "x86_64")]
    mod x86 {
        use super::super::*;
        use crate::vm::code_memory::CodeMemory;
        use std::process::Command;

        /// Offsets into `module()`.
        const RET42: usize = 0; // mov eax, 42 ; ret
        const UD2: usize = 8; // ud2
        const LOAD_RDI: usize = 16; // mov rax, [rdi] ; ret
        const DIV: usize = 24; // mov eax, edi ; cdq ; idiv esi ; ret
        const OUTER: usize = 32; // push rbp ; mov rbp, rsp ; call INNER ; pop rbp ; ret
        const INNER: usize = 48; // push rbp ; mov rbp, rsp ; ud2
        const RECURSE: usize = 64; // push rbp ; mov rbp, rsp ; call RECURSE

        fn module() -> CodeMemory {
            let mut code = vec![0xccu8; 80];
            let mut put =
                |at: usize, bytes: &[u8]| code[at..at + bytes.len()].copy_from_slice(bytes);
            put(RET42, &[0xb8, 0x2a, 0, 0, 0, 0xc3]);
            put(UD2, &[0x0f, 0x0b]);
            put(LOAD_RDI, &[0x48, 0x8b, 0x07, 0xc3]);
            put(DIV, &[0x89, 0xf8, 0x99, 0xf7, 0xfe, 0xc3]);
            let rel = (INNER as i32 - (OUTER as i32 + 9)).to_le_bytes();
            put(
                OUTER,
                &[
                    0x55, 0x48, 0x89, 0xe5, 0xe8, rel[0], rel[1], rel[2], rel[3], 0x5d, 0xc3,
                ],
            );
            put(INNER, &[0x55, 0x48, 0x89, 0xe5, 0x0f, 0x0b]);
            let rel = (RECURSE as i32 - (RECURSE as i32 + 9)).to_le_bytes();
            put(
                RECURSE,
                &[0x55, 0x48, 0x89, 0xe5, 0xe8, rel[0], rel[1], rel[2], rel[3]],
            );
            CodeMemory::new(&code, |_, _| Ok(())).unwrap()
        }

        fn f0(cm: &CodeMemory, off: usize) -> extern "C" fn() -> u64 {
            // SAFETY: every offset used is a function entry taking no args.
            unsafe { std::mem::transmute(cm.base() + off) }
        }
        fn f1(cm: &CodeMemory, off: usize) -> extern "C" fn(usize) -> u64 {
            // SAFETY: LOAD_RDI takes one pointer-sized argument.
            unsafe { std::mem::transmute(cm.base() + off) }
        }
        fn f2(cm: &CodeMemory, off: usize) -> extern "C" fn(i32, i32) -> i32 {
            // SAFETY: DIV takes two i32 arguments.
            unsafe { std::mem::transmute(cm.base() + off) }
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn normal_return() {
            let cm = module();
            let mut out = 0;
            // SAFETY: the JIT code has no Rust frames; nothing is pending.
            let r = unsafe { catch_traps(|| out = f0(&cm, RET42)()) };
            assert!(r.is_ok());
            assert_eq!(out, 42);
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn ud2_is_sigill() {
            let cm = module();
            // SAFETY: as above.
            let t = unsafe { catch_traps(|| _ = f0(&cm, UD2)()) }.unwrap_err();
            assert_eq!(t.signal, libc::SIGILL);
            assert_eq!(t.pc, cm.base() + UD2);
            assert_eq!(t.fault_address, None);
            assert_eq!(t.backtrace[0], t.pc);
            assert!(!in_wasm_call());
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn null_load_is_sigsegv() {
            let cm = module();
            // SAFETY: as above.
            let t = unsafe { catch_traps(|| _ = f1(&cm, LOAD_RDI)(0)) }.unwrap_err();
            assert_eq!(t.signal, libc::SIGSEGV);
            assert_eq!(t.pc, cm.base() + LOAD_RDI);
            assert_eq!(t.fault_address, Some(0));
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn guard_page_load_is_sigsegv() {
            let cm = module();
            let guard = Mmap::reserve(1 << 20).unwrap();
            let addr = guard.as_ptr() as usize + 12345;
            // SAFETY: as above.
            let t = unsafe { catch_traps(|| _ = f1(&cm, LOAD_RDI)(addr)) }.unwrap_err();
            assert_eq!(t.signal, libc::SIGSEGV);
            assert!(cm.contains(t.pc));
            assert_eq!(t.fault_address, Some(addr));
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn divide_by_zero_is_sigfpe() {
            let cm = module();
            let mut q = 0;
            // SAFETY: as above.
            unsafe { catch_traps(|| q = f2(&cm, DIV)(7, 2)) }.unwrap();
            assert_eq!(q, 3);
            // SAFETY: as above.
            let t = unsafe { catch_traps(|| _ = f2(&cm, DIV)(1, 0)) }.unwrap_err();
            assert_eq!(t.signal, libc::SIGFPE);
            assert_eq!(t.pc, cm.base() + DIV + 3);
            // SAFETY: as above.
            let t = unsafe { catch_traps(|| _ = f2(&cm, DIV)(i32::MIN, -1)) }.unwrap_err();
            assert_eq!(t.signal, libc::SIGFPE);
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn backtrace_walks_jit_frames() {
            let cm = module();
            // SAFETY: as above.
            let t = unsafe { catch_traps(|| _ = f0(&cm, OUTER)()) }.unwrap_err();
            assert_eq!(t.signal, libc::SIGILL);
            assert_eq!(
                t.backtrace,
                vec![cm.base() + INNER + 4, cm.base() + OUTER + 9]
            );
            assert!(t.fp.is_multiple_of(16));
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn many_traps_in_a_row() {
            let cm = module();
            for i in 0..10_000 {
                let off = if i % 2 == 0 { UD2 } else { LOAD_RDI };
                // SAFETY: as above.
                let t = unsafe { catch_traps(|| _ = f1(&cm, off)(0)) }.unwrap_err();
                assert_eq!(t.pc, cm.base() + off);
            }
            let mut out = 0;
            // SAFETY: as above.
            unsafe { catch_traps(|| out = f0(&cm, RET42)()) }.unwrap();
            assert_eq!(out, 42);
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn nested_catch_traps() {
            let cm = module();
            let mut inner_result = None;
            let mut after = 0;
            let body = || {
                // SAFETY: as above.
                inner_result = Some(unsafe { catch_traps(|| _ = f0(&cm, UD2)()) });
                assert!(in_wasm_call());
                after = f0(&cm, RET42)();
            };
            // SAFETY: as above; `inner_result` is owned by this frame, not
            // the closure's, so nothing with a destructor is skipped.
            let outer = unsafe { catch_traps(body) };
            assert!(outer.is_ok());
            assert_eq!(after, 42);
            assert_eq!(inner_result.unwrap().unwrap_err().signal, libc::SIGILL);
            // An outer trap after a successful inner call is caught by the outer.
            let body = || {
                // SAFETY: as above.
                unsafe { catch_traps(|| _ = f0(&cm, RET42)()) }.unwrap();
                f1(&cm, LOAD_RDI)(0);
            };
            // SAFETY: as above.
            let outer = unsafe { catch_traps(body) };
            assert_eq!(outer.unwrap_err().signal, libc::SIGSEGV);
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn traps_on_many_threads() {
            let cm = std::sync::Arc::new(module());
            let hs: Vec<_> = (0..4)
                .map(|_| {
                    let cm = cm.clone();
                    std::thread::spawn(move || {
                        for _ in 0..500 {
                            // SAFETY: as above.
                            let t = unsafe { catch_traps(|| _ = f0(&cm, UD2)()) }.unwrap_err();
                            assert_eq!(t.signal, libc::SIGILL);
                            // Churn the registry while other threads trap.
                            drop(CodeMemory::new(&[0xc3], |_, _| Ok(())).unwrap());
                        }
                    })
                })
                .collect();
            for h in hs {
                h.join().unwrap();
            }
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code")]
        fn stack_overflow_in_jit_code_is_caught() {
            let cm = std::sync::Arc::new(module());
            let cm2 = cm.clone();
            let t = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    // SAFETY: as above.
                    let t = unsafe { catch_traps(|| _ = f0(&cm2, RECURSE)()) }.unwrap_err();
                    // The thread is still healthy afterwards.
                    let mut out = 0;
                    // SAFETY: as above.
                    unsafe { catch_traps(|| out = f0(&cm2, RET42)()) }.unwrap();
                    assert_eq!(out, 42);
                    t
                })
                .unwrap()
                .join()
                .unwrap();
            assert_eq!(t.signal, libc::SIGSEGV);
            assert!(cm.contains(t.pc));
            assert_eq!(t.backtrace.len(), MAX_FRAMES);
            assert!(t.backtrace.iter().all(|&pc| cm.contains(pc)));
        }

        /// Runs this test binary's test `name` in a child with `PETREL_TRAP_CHILD=mode`.
        fn run_child(name: &str, mode: &str) -> std::process::ExitStatus {
            Command::new(std::env::current_exe().unwrap())
                .args([name, "--exact", "--test-threads=1", "--nocapture"])
                .env("PETREL_TRAP_CHILD", mode)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap()
        }

        /// Reads from a PROT_NONE page from Rust code (not JIT code).
        fn fault_outside_jit() {
            let m = Mmap::reserve(page_size()).unwrap();
            // SAFETY: deliberately faults; the volatile read is not elided.
            unsafe { std::ptr::read_volatile(m.as_ptr()) };
        }

        #[test]
        #[cfg_attr(miri, ignore = "runs machine code in a child process")]
        fn foreign_faults_are_not_swallowed() {
            use std::os::unix::process::ExitStatusExt;
            match std::env::var("PETREL_TRAP_CHILD").as_deref() {
                Ok("outside") => {
                    init_traps();
                    fault_outside_jit();
                    std::process::exit(0);
                }
                Ok("inside") => {
                    // Inside catch_traps, but the pc is Rust code, not JIT code.
                    // SAFETY: no JIT code runs.
                    let _ = unsafe { catch_traps(fault_outside_jit) };
                    std::process::exit(0);
                }
                Ok("previous") => {
                    extern "C" fn prev(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut c_void) {
                        // SAFETY: _exit is async-signal-safe.
                        unsafe { libc::_exit(42) };
                    }
                    // SAFETY: zeroed sigaction is valid; fields set below.
                    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
                    sa.sa_sigaction = prev as *const () as usize;
                    sa.sa_flags = libc::SA_SIGINFO;
                    // SAFETY: valid action with a matching handler signature.
                    let rc = unsafe { libc::sigaction(libc::SIGSEGV, &sa, ptr::null_mut()) };
                    assert_eq!(rc, 0);
                    init_traps();
                    // A JIT trap is still ours...
                    let cm = module();
                    // SAFETY: as above.
                    let t = unsafe { catch_traps(|| _ = f1(&cm, LOAD_RDI)(0)) }.unwrap_err();
                    assert_eq!(t.signal, libc::SIGSEGV);
                    // ...but a foreign fault goes to the previous handler.
                    // SAFETY: no JIT code runs.
                    let _ = unsafe { catch_traps(fault_outside_jit) };
                    std::process::exit(0);
                }
                _ => {
                    if !std::env::current_exe().is_ok_and(|p| p.exists()) {
                        return;
                    }
                    // The test's name as the harness knows it (no crate prefix).
                    let path = module_path!().split_once("::").map_or("", |(_, rest)| rest);
                    let name = format!("{path}::foreign_faults_are_not_swallowed");
                    for mode in ["outside", "inside"] {
                        let st = run_child(&name, mode);
                        assert_eq!(st.signal(), Some(libc::SIGSEGV), "mode {mode}: {st:?}");
                    }
                    let st = run_child(&name, "previous");
                    assert_eq!(st.code(), Some(42), "{st:?}");
                }
            }
        }
    }

    #[test]
    fn empty_code_memory_with_traps() {
        let cm = CodeMemory::new(&[], |_, _| Ok(())).unwrap();
        // SAFETY: no JIT code runs.
        assert!(unsafe { catch_traps(|| ()) }.is_ok());
        drop(cm);
    }
}
