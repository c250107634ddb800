//! The list of builtin functions (libcalls) JIT code can call, defined
//! once. The translator reads each one's index and signature from here; the
//! runtime builds its table of function pointers from the same list, so the
//! two can never disagree.
//!
//! `memory.fill` and `memory.copy` are not builtins: compiled code checks
//! their bounds itself and calls `memset`/`memmove` directly.
//!
//! Every builtin takes the caller's `vmctx` first. Builtins that can fail
//! return an `i32` that is 1 on success and 0 when a trap is pending; the
//! JIT code then raises the pending trap. Indices and sizes of memories and
//! tables travel as `i64` whatever the index type (32-bit ones are
//! zero-extended), so one builtin serves both.

/// Invokes `$mac` with the full builtin list:
/// `name(param types) -> result type;` where types are `vmctx`, `i32`, `i64`.
macro_rules! foreach_builtin_function {
    ($mac:ident) => {
        $mac! {
            /// `memory.grow`: (memory, delta) -> old size in pages or -1
            /// (64-bit; 32-bit memories extend and wrap).
            memory_grow(vmctx, i32, i64) -> i64;
            /// `memory.init`: (memory, data segment, dst, src, len).
            memory_init(vmctx, i32, i32, i64, i32, i32) -> i32;
            /// `data.drop`: (data segment).
            data_drop(vmctx, i32) -> i32;
            /// `table.grow`: (table, delta, init) -> old size or -1
            /// (64-bit; 32-bit tables extend and wrap).
            table_grow(vmctx, i32, i64, i64) -> i64;
            /// `table.fill`: (table, dst, value, len); indices 64-bit.
            table_fill(vmctx, i32, i64, i64, i64) -> i32;
            /// `table.copy`: (dst table, src table, dst, src, len); indices
            /// 64-bit.
            table_copy(vmctx, i32, i32, i64, i64, i64) -> i32;
            /// `table.init`: (table, element segment, dst, src, len).
            table_init(vmctx, i32, i32, i64, i32, i32) -> i32;
            /// `elem.drop`: (element segment).
            elem_drop(vmctx, i32) -> i32;
            /// The epoch deadline was reached: ask the store what to do.
            epoch_interrupt(vmctx) -> i32;
        }
    };
}

/// A parameter or result type of a builtin.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BuiltinType {
    /// The caller's `VMContext` pointer.
    VMContext,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
}

macro_rules! builtin_type {
    (vmctx) => {
        BuiltinType::VMContext
    };
    (i32) => {
        BuiltinType::I32
    };
    (i64) => {
        BuiltinType::I64
    };
}

macro_rules! declare_builtin_index {
    ($( $(#[$attr:meta])* $name:ident( $($param:ident),* ) -> $result:ident; )*) => {
        /// Identifies one builtin: its slot in the runtime's table.
        #[allow(non_camel_case_types, reason = "variants are named after the builtin functions")]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum BuiltinFunction {
            $( $(#[$attr])* $name, )*
        }

        impl BuiltinFunction {
            /// Every builtin, in table order.
            #[cfg(test)]
            pub const ALL: &'static [BuiltinFunction] = &[$(BuiltinFunction::$name,)*];

            /// The slot of this builtin in the table.
            pub fn index(self) -> u32 {
                self as u32
            }

            /// The builtin's name.
            #[cfg(test)]
            pub fn name(self) -> &'static str {
                match self {
                    $(BuiltinFunction::$name => stringify!($name),)*
                }
            }

            /// Parameter types, `vmctx` first.
            pub fn params(self) -> &'static [BuiltinType] {
                match self {
                    $(BuiltinFunction::$name => &[$(builtin_type!($param)),*],)*
                }
            }

            /// Result type.
            pub fn result(self) -> BuiltinType {
                match self {
                    $(BuiltinFunction::$name => builtin_type!($result),)*
                }
            }
        }
    };
}

pub(crate) use foreach_builtin_function;

foreach_builtin_function!(declare_builtin_index);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_take_vmctx_first_and_are_numbered_in_order() {
        for (i, b) in BuiltinFunction::ALL.iter().enumerate() {
            assert_eq!(b.index() as usize, i);
            assert_eq!(b.params()[0], BuiltinType::VMContext, "{}", b.name());
        }
    }
}
