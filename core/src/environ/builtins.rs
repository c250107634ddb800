//! The list of builtin functions (libcalls) JIT code can call, defined
//! once with named parameters. The translator reads each one's index and
//! signature from here; the runtime builds its table of function pointers
//! and its raw `extern "C"` entries from the same list, so none of them can
//! disagree with it.
//!
//! `memory.fill` and `memory.copy` are not builtins: compiled code checks
//! their bounds itself and calls `memset`/`memmove` directly.
//!
//! Every builtin takes the caller's `vmctx` first. Builtins that can fail
//! return an `i32` that is 1 on success and 0 when a trap is pending; the
//! JIT code then raises the pending trap. Indices and sizes of memories and
//! tables travel as `i64` whatever the index type (32-bit ones are
//! zero-extended), so one builtin serves both.

/// Invokes `$mac` with the full builtin list, each entry
/// `name(param: type, ...) -> type;`, types `i32` or `i64`. Every builtin
/// also takes the caller's `vmctx` first, which the list leaves implicit.
/// From this one list come the translator's signatures
/// ([`BuiltinFunction::params`]), the runtime's table of function pointers
/// and the raw `extern "C"` entries (`vm::libcalls`), which pass the named
/// parameters on to the safe implementation of the same name in
/// `crate::libcalls`.
macro_rules! foreach_builtin_function {
    ($mac:ident) => {
        $mac! {
            /// `memory.grow`: the old size in pages, or -1 when refused
            /// (64-bit; a 32-bit memory's result is wrapped).
            memory_grow(memory: i32, delta: i64) -> i64;
            /// `memory.init`: copies `len` bytes of data segment `data` from
            /// `src` to `dst` in memory `memory`.
            memory_init(memory: i32, data: i32, dst: i64, src: i32, len: i32) -> i32;
            /// `data.drop`.
            data_drop(data: i32) -> i32;
            /// `table.grow`: the old size, or -1 when refused (64-bit; a
            /// 32-bit table's result is wrapped).
            table_grow(table: i32, delta: i64, init: i64) -> i64;
            /// `table.fill`: sets `len` elements from `dst` to `value`.
            table_fill(table: i32, dst: i64, value: i64, len: i64) -> i32;
            /// `table.copy`: `len` elements from `src` in `src_table` to
            /// `dst` in `dst_table`.
            table_copy(dst_table: i32, src_table: i32, dst: i64, src: i64, len: i64) -> i32;
            /// `table.init`: `len` elements of element segment `elem` from
            /// `src` to `dst` in `table`.
            table_init(table: i32, elem: i32, dst: i64, src: i32, len: i32) -> i32;
            /// `elem.drop`.
            elem_drop(elem: i32) -> i32;
            /// The epoch deadline was reached: ask the store what to do.
            epoch_interrupt() -> i32;
        }
    };
}

pub(crate) use foreach_builtin_function;

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
    (i32) => {
        BuiltinType::I32
    };
    (i64) => {
        BuiltinType::I64
    };
}

macro_rules! declare_builtin_index {
    ($( $(#[$attr:meta])* $name:ident( $($param:ident: $ty:ident),* ) -> $result:ident; )*) => {
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
            pub fn name(self) -> &'static str {
                match self {
                    $(BuiltinFunction::$name => stringify!($name),)*
                }
            }

            /// Parameter types, `vmctx` first.
            pub fn params(self) -> &'static [BuiltinType] {
                match self {
                    $(BuiltinFunction::$name => {
                        &[BuiltinType::VMContext, $(builtin_type!($ty)),*]
                    })*
                }
            }

            /// Parameter names, `vmctx` first (as in [`Self::params`]).
            pub fn param_names(self) -> &'static [&'static str] {
                match self {
                    $(BuiltinFunction::$name => &["vmctx", $(stringify!($param)),*],)*
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

foreach_builtin_function!(declare_builtin_index);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_take_vmctx_first_and_are_numbered_in_order() {
        for (i, b) in BuiltinFunction::ALL.iter().enumerate() {
            assert_eq!(b.index() as usize, i);
            assert_eq!(b.params()[0], BuiltinType::VMContext, "{}", b.name());
            assert_eq!(b.param_names()[0], "vmctx", "{}", b.name());
            assert_eq!(b.params().len(), b.param_names().len(), "{}", b.name());
        }
    }

    #[test]
    fn every_parameter_has_a_name_and_a_type() {
        let b = BuiltinFunction::table_copy;
        assert_eq!(
            b.param_names(),
            ["vmctx", "dst_table", "src_table", "dst", "src", "len"]
        );
        use BuiltinType::{I32, I64, VMContext};
        assert_eq!(b.params(), [VMContext, I32, I32, I64, I64, I64]);
        assert_eq!(b.result(), I32);
        assert_eq!(BuiltinFunction::epoch_interrupt.params(), [VMContext]);
    }
}
