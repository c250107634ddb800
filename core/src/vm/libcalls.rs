//! The builtin functions compiled code calls, as `extern "C"` entries.
//! The table and its field types are generated from the single list in
//! `environ::builtins`, so a signature mismatch does not compile. Each
//! entry recovers the store and the calling instance from `vmctx`, runs
//! the safe implementation in `crate::libcalls` with panics caught, and
//! returns 0 with the trap pending in the store on failure.

use super::VMStore;
use super::vmcontext::VMStoreContext;
use crate::environ::VMOffsets;
use crate::trap::Pending;
use std::panic::{AssertUnwindSafe, catch_unwind};

macro_rules! native_ty {
    (vmctx) => { *mut u8 };
    (i32) => { u32 };
    (i64) => { u64 };
}

macro_rules! declare_table {
    ($( $(#[$attr:meta])* $name:ident( $($param:ident),* ) -> $result:ident; )*) => {
        /// The table of builtin entries, in `BuiltinFunction` order.
        #[repr(C)]
        pub struct VMBuiltinFunctions {
            $( $(#[$attr])* $name: unsafe extern "C" fn($(native_ty!($param)),*) -> native_ty!($result), )*
        }

        /// The one table every `vmctx` points to.
        pub static BUILTINS: VMBuiltinFunctions = VMBuiltinFunctions {
            $( $name: raw::$name, )*
        };
    };
}

crate::foreach_builtin_function!(declare_table);

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
    // SAFETY: per the contract, the vmctx header holds the store context
    // and the instance index; the store pointer is the exclusive access
    // handed down by the entering call.
    let (mut store, instance) = unsafe {
        let ctx = *vmctx.cast::<*mut VMStoreContext>();
        let instance = *vmctx
            .add(VMOffsets::INSTANCE_INDEX as usize)
            .cast::<usize>();
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

mod raw {
    use super::with_store;
    use crate::libcalls as imp;

    macro_rules! entry {
        ($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {
            /// Builtin entry called by compiled code.
            ///
            /// # Safety
            /// Called only by compiled code with its own live `vmctx`.
            pub unsafe extern "C" fn $name(vmctx: *mut u8, $($arg: $ty),*) -> $ret {
                // SAFETY: compiled code passes its own live vmctx.
                unsafe { with_store(vmctx, |store, instance| imp::$name(store, instance, $($arg),*)) }
            }
        };
    }

    entry!(memory_grow(mem: u32, delta: u64) -> u64);
    entry!(memory_init(mem: u32, data: u32, dst: u64, src: u32, len: u32) -> u32);
    entry!(data_drop(data: u32) -> u32);
    entry!(table_grow(table: u32, delta: u64, init: u64) -> u64);
    entry!(table_fill(table: u32, dst: u64, val: u64, len: u64) -> u32);
    entry!(table_copy(dst_table: u32, src_table: u32, dst: u64, src: u64, len: u64) -> u32);
    entry!(table_init(table: u32, elem: u32, dst: u64, src: u32, len: u32) -> u32);
    entry!(elem_drop(elem: u32) -> u32);
    entry!(epoch_interrupt() -> u32);
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

    #[test]
    fn table_has_one_pointer_per_builtin() {
        assert_eq!(
            size_of::<VMBuiltinFunctions>(),
            BuiltinFunction::ALL.len() * size_of::<usize>()
        );
    }
}
