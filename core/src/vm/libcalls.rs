//! The builtin functions compiled code calls, as `extern "C"` entries.
//! The table, its field types and the entries themselves are generated
//! from the single list in `environ::builtins`: an entry's signature is
//! the list's, and one that disagrees with its safe implementation does
//! not compile. Each entry recovers the store and the calling instance
//! from `vmctx`, runs the safe implementation in `crate::libcalls` with
//! panics caught, and returns 0 with the trap pending in the store on
//! failure.

use super::VMStore;
use super::vmcontext::vmctx_store_context_and_instance;
use crate::trap::Pending;
use std::panic::{AssertUnwindSafe, catch_unwind};

macro_rules! native_ty {
    (i32) => {
        u32
    };
    (i64) => {
        u64
    };
}

/// Generates, from the builtin list, the table type, the one table every
/// `vmctx` points to, and the raw entries in [`raw`].
macro_rules! declare_builtins {
    ($( $(#[$attr:meta])* $name:ident( $($param:ident: $ty:ident),* ) -> $result:ident; )*) => {
        /// The table of builtin entries, in `BuiltinFunction` order.
        #[repr(C)]
        pub struct VMBuiltinFunctions {
            $(
                $(#[$attr])*
                $name: unsafe extern "C" fn(*mut u8, $(native_ty!($ty)),*) -> native_ty!($result),
            )*
        }

        /// The one table every `vmctx` points to.
        pub static BUILTINS: VMBuiltinFunctions = VMBuiltinFunctions {
            $( $name: raw::$name, )*
        };

        /// The raw entries compiled code calls: each passes its named
        /// parameters to the safe implementation of the same name in
        /// `crate::libcalls`, with the store and calling instance.
        mod raw {
            use super::with_store;
            use crate::libcalls as imp;

            $(
                $(#[$attr])*
                ///
                /// # Safety
                /// Called only by compiled code, with its own live `vmctx`.
                pub unsafe extern "C" fn $name(
                    vmctx: *mut u8,
                    $($param: native_ty!($ty)),*
                ) -> native_ty!($result) {
                    // SAFETY: compiled code passes its own live vmctx, whose
                    // store pointer the entering call set.
                    unsafe {
                        with_store(vmctx, |store, instance| imp::$name(store, instance, $($param),*))
                    }
                }
            )*
        }
    };
}

crate::environ::builtins::foreach_builtin_function!(declare_builtins);

/// Runs `f` with the store and calling instance behind `vmctx`; 0 when it
/// fails (the reason is left pending in the store).
///
/// # Safety
/// `vmctx` is a live instance `VMContext` whose store pointer was set by
/// the call that entered wasm.
unsafe fn with_store<R: Default>(
    vmctx: *mut u8,
    f: impl FnOnce(&mut dyn VMStore, usize) -> Result<R, Pending>,
) -> R {
    // SAFETY: per the contract `vmctx` is a live instance `VMContext`, whose
    // store context outlives it; the store pointer there is the exclusive
    // access handed down by the entering call.
    let (mut store, instance) = unsafe {
        let (ctx, instance) = vmctx_store_context_and_instance(vmctx);
        match (*ctx).store {
            Some(s) => (s, instance),
            None => return R::default(),
        }
    };
    // SAFETY: see above.
    let result = catch_unwind(AssertUnwindSafe(|| f(unsafe { store.as_mut() }, instance)));
    let pending = match result {
        Ok(Ok(v)) => return v,
        Ok(Err(p)) => p,
        Err(payload) => Pending::Error(crate::trap::panic_error(payload)),
    };
    // SAFETY: see above; the closure's borrow has ended.
    unsafe { store.as_mut().opaque_mut().set_pending(pending) };
    R::default()
}

/// Float helpers Cranelift calls by address on CPUs without SSE4.1.
pub mod float {
    /// `ceilf`.
    pub extern "C" fn ceil_f32(x: f32) -> f32 {
        x.ceil()
    }
    /// `ceil`.
    pub extern "C" fn ceil_f64(x: f64) -> f64 {
        x.ceil()
    }
    /// `floorf`.
    pub extern "C" fn floor_f32(x: f32) -> f32 {
        x.floor()
    }
    /// `floor`.
    pub extern "C" fn floor_f64(x: f64) -> f64 {
        x.floor()
    }
    /// `truncf`.
    pub extern "C" fn trunc_f32(x: f32) -> f32 {
        x.trunc()
    }
    /// `trunc`.
    pub extern "C" fn trunc_f64(x: f64) -> f64 {
        x.trunc()
    }
    /// Round to nearest, ties to even.
    pub extern "C" fn nearest_f32(x: f32) -> f32 {
        x.round_ties_even()
    }
    /// Round to nearest, ties to even.
    pub extern "C" fn nearest_f64(x: f64) -> f64 {
        x.round_ties_even()
    }
    /// Fused multiply-add.
    pub extern "C" fn fma_f32(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    /// Fused multiply-add.
    pub extern "C" fn fma_f64(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
}

/// The address of a native libcall.
pub fn native_libcall_address(lc: crate::compiler::NativeLibCall) -> usize {
    use crate::compiler::NativeLibCall as L;
    match lc {
        L::CeilF32 => float::ceil_f32 as *const () as usize,
        L::CeilF64 => float::ceil_f64 as *const () as usize,
        L::FloorF32 => float::floor_f32 as *const () as usize,
        L::FloorF64 => float::floor_f64 as *const () as usize,
        L::TruncF32 => float::trunc_f32 as *const () as usize,
        L::TruncF64 => float::trunc_f64 as *const () as usize,
        L::NearestF32 => float::nearest_f32 as *const () as usize,
        L::NearestF64 => float::nearest_f64 as *const () as usize,
        L::FmaF32 => float::fma_f32 as *const () as usize,
        L::FmaF64 => float::fma_f64 as *const () as usize,
        L::Memset => libc::memset as *const () as usize,
        L::Memmove => libc::memmove as *const () as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environ::builtins::BuiltinFunction;

    /// Instantiates `wat`, enters its store the way a call from the host
    /// does (the store's pointer in the store context, where the builtins
    /// find it), calls `f` with the instance's `vmctx`, and leaves again.
    /// Compiled code is never run, so this also runs under Miri. Returns
    /// the store.
    fn with_entered_instance(
        wat: &str,
        f: impl FnOnce(*mut u8, &dyn Fn() -> Option<Pending>),
    ) -> crate::Store<()> {
        use crate::{Config, Engine, Instance, Module, Store};
        // One thread compiles: rayon's work stealing (crossbeam-epoch) is
        // not clean under Miri's Stacked Borrows, which this test runs in.
        let engine = Engine::new(Config::new().parallel_compilation(false)).unwrap();
        let mut store = Store::new(&engine, ());
        let module = Module::new(&engine, wat).unwrap();
        Instance::new(&mut store, &module, &[]).unwrap();
        let vmctx = store.inner.opaque.instances[0].vmctx.as_ptr();
        let ctx = store.inner.opaque.vm_context_mut().as_ptr();
        let vmstore: &mut dyn VMStore = &mut *store.inner;
        let vmstore = std::ptr::NonNull::from(vmstore);
        // SAFETY: only the trait object's lifetime bound changes; the
        // pointer is removed from the context before `store` is used again.
        let vmstore = unsafe {
            std::mem::transmute::<
                std::ptr::NonNull<dyn VMStore + '_>,
                std::ptr::NonNull<dyn VMStore + 'static>,
            >(vmstore)
        };
        // SAFETY: `ctx` is the store's context, a separate live allocation
        // made for writing; nothing else accesses it during this test.
        unsafe { (*ctx).store = Some(vmstore) };
        // The store is reached only through `vmstore` until it is removed.
        // SAFETY: as above; `vmstore` is live and nobody else borrows it.
        let take_pending = || unsafe { (*vmstore.as_ptr()).opaque_mut().take_pending() };
        f(vmctx, &take_pending);
        // SAFETY: as above.
        unsafe { (*ctx).store = None };
        store
    }

    #[test]
    fn builtins_called_directly_act_on_the_calling_instance() {
        let wat = r#"(module
            (memory 1 3)
            (table 2 10 funcref)
            (table 4 funcref)
            (func $f)
            (data "\01\02\03\04")
            (elem func $f $f))"#;
        let mut store = with_entered_instance(wat, |vmctx, take_pending| {
            let b = &BUILTINS;
            let trap = |code| matches!(take_pending(), Some(Pending::Trap(c)) if c == code);
            use crate::TrapCode::{MemoryOutOfBounds, TableOutOfBounds};
            // SAFETY: `vmctx` is the live instance the store was entered
            // for, and every index names one of its items.
            unsafe {
                // memory.grow returns the old size, or -1 past the maximum.
                assert_eq!((b.memory_grow)(vmctx, 0, 1), 1);
                assert_eq!((b.memory_grow)(vmctx, 0, 5), u64::MAX);
                assert!(take_pending().is_none());
                // memory.init copies from the segment; out of bounds traps.
                assert_eq!((b.memory_init)(vmctx, 0, 0, 10, 1, 3), 1);
                assert_eq!((b.memory_init)(vmctx, 0, 0, 2 * 65536 - 2, 0, 3), 0);
                assert!(trap(MemoryOutOfBounds));
                assert_eq!((b.memory_init)(vmctx, 0, 0, 0, 2, 3), 0);
                assert!(trap(MemoryOutOfBounds));
                // After data.drop only empty copies succeed.
                assert_eq!((b.data_drop)(vmctx, 0), 1);
                assert_eq!((b.memory_init)(vmctx, 0, 0, 0, 0, 0), 1);
                assert_eq!((b.memory_init)(vmctx, 0, 0, 0, 0, 1), 0);
                assert!(trap(MemoryOutOfBounds));
                // Tables: init from the segment, copy, fill, grow.
                assert_eq!((b.table_init)(vmctx, 0, 0, 0, 0, 2), 1);
                assert_eq!((b.table_init)(vmctx, 0, 0, 1, 0, 2), 0);
                assert!(trap(TableOutOfBounds));
                assert_eq!((b.table_copy)(vmctx, 1, 0, 2, 0, 2), 1);
                assert_eq!((b.table_copy)(vmctx, 1, 1, 0, 2, 2), 1);
                assert_eq!((b.table_copy)(vmctx, 1, 0, 3, 0, 2), 0);
                assert!(trap(TableOutOfBounds));
                assert_eq!((b.table_grow)(vmctx, 0, 3, 0), 2);
                assert_eq!((b.table_grow)(vmctx, 0, 6, 0), u64::MAX);
                assert_eq!((b.table_fill)(vmctx, 0, 4, 0, 1), 1);
                assert_eq!((b.table_fill)(vmctx, 0, 4, 0, 2), 0);
                assert!(trap(TableOutOfBounds));
                assert_eq!((b.elem_drop)(vmctx, 0), 1);
                assert_eq!((b.table_init)(vmctx, 0, 0, 0, 0, 1), 0);
                assert!(trap(TableOutOfBounds));
                assert!(take_pending().is_none());
            }
        });
        let o = &mut store.inner.opaque;
        assert_eq!(o.memories[0].byte_size(), 2 * 65536);
        assert_eq!(o.memories[0].as_slice()[9..14], [0, 2, 3, 4, 0]);
        let (t0, t1) = (o.tables[0].elements(), o.tables[1].elements());
        assert_eq!(t0.len(), 5);
        let f = t0[0];
        assert_ne!(f, 0);
        assert_eq!(t0, [f, f, 0, 0, 0]);
        assert_eq!(t1, [f, f, f, f]);
    }

    #[test]
    fn table_has_one_pointer_per_builtin() {
        assert_eq!(
            size_of::<VMBuiltinFunctions>(),
            BuiltinFunction::ALL.len() * size_of::<usize>()
        );
    }
}
