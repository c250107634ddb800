// Generated from petrel.h by header-gen, do not edit.
//! The low level of the Node binding: the C API declared from petrel.h
//! (`sys`) and one napi function per C function that maps mechanically
//! (see header-gen's `node.rs` for the mapping). Hand-written functions
//! (`host.rs`) cover the names in [`HAND_WRITTEN`].

#![allow(non_camel_case_types, reason = "C names, as in petrel.h")]
#![allow(clippy::too_many_arguments, reason = "one argument per C parameter")]
#![allow(unused_mut, reason = "generated bindings for buffers the C side fills")]
#![allow(clippy::let_and_return, reason = "one conversion shape for every field")]
#![allow(clippy::useless_conversion, reason = "one conversion shape for every integer width")]
#![allow(clippy::needless_question_mark, reason = "one conversion shape for fallible and infallible elements")]

use crate::support::*;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::ffi::c_char;

/// The C API, as declared in petrel.h.
pub mod sys {
    #![allow(missing_docs, reason = "documented in petrel.h")]
    use std::ffi::{c_char, c_void};

    /// What a host callback sees of its caller: the store (through
    /// `petrel_caller_store`), the store's data, and the calling instance's
    /// exports. Valid only during the callback it was passed to.
    #[repr(C)]
    pub struct petrel_caller_t {
        _private: [u8; 0],
    }
    /// Engine settings. Create with `petrel_config_new`, free with
    /// `petrel_config_delete`. Safe to use from several threads.
    #[repr(C)]
    pub struct petrel_config_t {
        _private: [u8; 0],
    }
    /// An engine: compiles modules and holds what they share. Safe to use
    /// from several threads. Stores and modules keep what they need of it, so
    /// it may be deleted before them.
    #[repr(C)]
    pub struct petrel_engine_t {
        _private: [u8; 0],
    }
    /// An error: why a call failed. Owned by the caller; free it with
    /// `petrel_error_delete`.
    #[repr(C)]
    pub struct petrel_error_t {
        _private: [u8; 0],
    }
    /// The type of an import or export. Owned: free with
    /// `petrel_externtype_delete`.
    #[repr(C)]
    pub struct petrel_externtype_t {
        _private: [u8; 0],
    }
    /// A function signature. Owned: free with `petrel_functype_delete`.
    #[repr(C)]
    pub struct petrel_functype_t {
        _private: [u8; 0],
    }
    /// A module whose imports a linker has resolved: instantiates it in any
    /// store of the engine without looking names up again (later definitions
    /// in the linker do not change it). Owned: free with
    /// `petrel_instance_pre_delete`. Safe to share between threads.
    #[repr(C)]
    pub struct petrel_instance_pre_t {
        _private: [u8; 0],
    }
    /// A linker: resolves a module's imports by `(module, name)`. Owned: free
    /// with `petrel_linker_delete`. Safe to share between threads (one
    /// operation at a time; a re-entrant use, e.g. from a host function run
    /// by `petrel_linker_instantiate`, is refused with an error).
    #[repr(C)]
    pub struct petrel_linker_t {
        _private: [u8; 0],
    }
    /// A compiled module. Owned: free with `petrel_module_delete`. Safe to use
    /// from several threads; instances keep what they need of it.
    #[repr(C)]
    pub struct petrel_module_t {
        _private: [u8; 0],
    }
    /// A store: owns every instance, function, memory, table and global
    /// created in it, plus the embedder's data pointer. Used by one thread at
    /// a time (another thread gets an error while it is in use). Free with
    /// `petrel_store_delete`.
    #[repr(C)]
    pub struct petrel_store_t {
        _private: [u8; 0],
    }
    /// A trap: the code and the wasm backtrace of an error that is a trap.
    /// Borrowed from its error (see `petrel_error_as_trap`).
    #[repr(C)]
    pub struct petrel_trap_t {
        _private: [u8; 0],
    }
    /// The configuration of a WASI program: arguments, environment, standard
    /// streams and preopened directories. Owned: free with
    /// `petrel_wasi_config_delete`, unless it was given to
    /// `petrel_store_set_wasi` (which takes it). The defaults: no arguments,
    /// no environment, empty standard input, standard output and error
    /// discarded, no preopened directory. Each setter replaces what an
    /// earlier call set for the same thing, except
    /// `petrel_wasi_config_preopen_dir`, which adds a directory.
    #[repr(C)]
    pub struct petrel_wasi_config_t {
        _private: [u8; 0],
    }
    pub type petrel_opt_level_t = u8;
    pub const PETREL_OPT_LEVEL_NONE: petrel_opt_level_t = 0;
    pub const PETREL_OPT_LEVEL_SPEED: petrel_opt_level_t = 1;
    pub const PETREL_OPT_LEVEL_SPEED_AND_SIZE: petrel_opt_level_t = 2;
    pub type petrel_trap_code_t = u8;
    pub const PETREL_TRAP_STACK_OVERFLOW: petrel_trap_code_t = 0;
    pub const PETREL_TRAP_MEMORY_OUT_OF_BOUNDS: petrel_trap_code_t = 1;
    pub const PETREL_TRAP_TABLE_OUT_OF_BOUNDS: petrel_trap_code_t = 2;
    pub const PETREL_TRAP_INDIRECT_CALL_TO_NULL: petrel_trap_code_t = 3;
    pub const PETREL_TRAP_BAD_SIGNATURE: petrel_trap_code_t = 4;
    pub const PETREL_TRAP_INTEGER_OVERFLOW: petrel_trap_code_t = 5;
    pub const PETREL_TRAP_INTEGER_DIVISION_BY_ZERO: petrel_trap_code_t = 6;
    pub const PETREL_TRAP_BAD_CONVERSION_TO_INTEGER: petrel_trap_code_t = 7;
    pub const PETREL_TRAP_UNREACHABLE: petrel_trap_code_t = 8;
    pub const PETREL_TRAP_INTERRUPT: petrel_trap_code_t = 9;
    pub const PETREL_TRAP_OUT_OF_FUEL: petrel_trap_code_t = 10;
    pub const PETREL_TRAP_NULL_REFERENCE: petrel_trap_code_t = 11;
    pub const PETREL_TRAP_UNKNOWN: petrel_trap_code_t = 255;
    pub type petrel_extern_kind_t = u8;
    pub const PETREL_EXTERN_FUNC: petrel_extern_kind_t = 0;
    pub const PETREL_EXTERN_GLOBAL: petrel_extern_kind_t = 1;
    pub const PETREL_EXTERN_TABLE: petrel_extern_kind_t = 2;
    pub const PETREL_EXTERN_MEMORY: petrel_extern_kind_t = 3;
    pub type petrel_valkind_t = u8;
    pub const PETREL_I32: petrel_valkind_t = 0;
    pub const PETREL_I64: petrel_valkind_t = 1;
    pub const PETREL_F32: petrel_valkind_t = 2;
    pub const PETREL_F64: petrel_valkind_t = 3;
    pub const PETREL_V128: petrel_valkind_t = 4;
    pub const PETREL_FUNCREF: petrel_valkind_t = 5;
    pub const PETREL_EXTERNREF: petrel_valkind_t = 6;
    pub type petrel_mutability_t = u8;
    pub const PETREL_CONST: petrel_mutability_t = 0;
    pub const PETREL_VAR: petrel_mutability_t = 1;
    pub type petrel_dir_perms_t = u8;
    pub const PETREL_DIR_PERMS_READ: petrel_dir_perms_t = 1;
    pub const PETREL_DIR_PERMS_WRITE: petrel_dir_perms_t = 2;
    pub type petrel_file_perms_t = u8;
    pub const PETREL_FILE_PERMS_READ: petrel_file_perms_t = 1;
    pub const PETREL_FILE_PERMS_WRITE: petrel_file_perms_t = 2;
    /// Limits of the pooling instance allocator
    /// (`petrel_config_pooling_allocator`). A zero field keeps its default,
    /// which are Wasmtime's: 1000 memories, tables and instances alive at once
    /// across an engine's stores, one memory and one table per module,
    /// memories up to 4 GiB, tables up to 20,000 elements.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_pooling_config_t {
        pub total_memories: u32,
        pub total_tables: u32,
        pub total_core_instances: u32,
        pub max_memories_per_module: u32,
        pub max_tables_per_module: u32,
        pub table_elements: u32,
        pub max_memory_size: u64,
    }
    const _: () = assert!(size_of::<petrel_pooling_config_t>() == 32 && align_of::<petrel_pooling_config_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_pooling_config_t, total_memories) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_pooling_config_t, total_tables) == 4);
    const _: () = assert!(std::mem::offset_of!(petrel_pooling_config_t, total_core_instances) == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_pooling_config_t, max_memories_per_module) == 12);
    const _: () = assert!(std::mem::offset_of!(petrel_pooling_config_t, max_tables_per_module) == 16);
    const _: () = assert!(std::mem::offset_of!(petrel_pooling_config_t, table_elements) == 20);
    const _: () = assert!(std::mem::offset_of!(petrel_pooling_config_t, max_memory_size) == 24);
    /// Bytes owned by Petrel (a serialized module, a wasm binary): `len`
    /// bytes at `data`. Free with `petrel_bytes_delete`.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_bytes_t {
        pub data: *mut u8,
        pub len: usize,
    }
    const _: () = assert!(size_of::<petrel_bytes_t>() == 16 && align_of::<petrel_bytes_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_bytes_t, data) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_bytes_t, len) == 8);
    /// A borrowed UTF-8 string: `len` bytes at `data` (not NUL-terminated).
    /// `data` is NULL when there is no string. Valid as long as the object it
    /// was borrowed from (stated by each function).
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_str_t {
        pub data: *const c_char,
        pub len: usize,
    }
    const _: () = assert!(size_of::<petrel_str_t>() == 16 && align_of::<petrel_str_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_str_t, data) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_str_t, len) == 8);
    /// One frame of a wasm backtrace.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_frame_t {
        pub func_index: u32,
        pub func_name: petrel_str_t,
        pub module_name: petrel_str_t,
        pub func_offset: usize,
        pub has_func_offset: bool,
        pub module_offset: usize,
        pub has_module_offset: bool,
    }
    const _: () = assert!(size_of::<petrel_frame_t>() == 72 && align_of::<petrel_frame_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_frame_t, func_index) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_frame_t, func_name) == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_frame_t, module_name) == 24);
    const _: () = assert!(std::mem::offset_of!(petrel_frame_t, func_offset) == 40);
    const _: () = assert!(std::mem::offset_of!(petrel_frame_t, has_func_offset) == 48);
    const _: () = assert!(std::mem::offset_of!(petrel_frame_t, module_offset) == 56);
    const _: () = assert!(std::mem::offset_of!(petrel_frame_t, has_module_offset) == 64);
    /// Any importable or exportable item: its kind and its `{store_id, index}`
    /// (which, with the kind, is a `petrel_func_t`, `petrel_global_t`,
    /// `petrel_table_t` or `petrel_memory_t`).
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_extern_t {
        pub kind: petrel_extern_kind_t,
        pub store_id: u64,
        pub index: usize,
    }
    const _: () = assert!(size_of::<petrel_extern_t>() == 24 && align_of::<petrel_extern_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_extern_t, kind) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_extern_t, store_id) == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_extern_t, index) == 16);
    /// An instance of a store.
    ///
    /// A plain `{store_id, index}` value: copy it freely, it needs no
    /// freeing, and every use checks it against the store.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_instance_t {
        pub store_id: u64,
        pub index: usize,
    }
    const _: () = assert!(size_of::<petrel_instance_t>() == 16 && align_of::<petrel_instance_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_instance_t, store_id) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_instance_t, index) == 8);
    /// Size limits: of a memory in pages (of its page size), of a table in
    /// elements.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_limits_t {
        pub minimum: u64,
        pub maximum: u64,
        pub has_maximum: bool,
    }
    const _: () = assert!(size_of::<petrel_limits_t>() == 24 && align_of::<petrel_limits_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_limits_t, minimum) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_limits_t, maximum) == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_limits_t, has_maximum) == 16);
    /// The type of a linear memory. A zero-initialised record (but for its
    /// limits) is a 32-bit memory with 64 KiB pages.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_memorytype_t {
        pub limits: petrel_limits_t,
        pub is_64: bool,
        pub page_size: u64,
    }
    const _: () = assert!(size_of::<petrel_memorytype_t>() == 40 && align_of::<petrel_memorytype_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_memorytype_t, limits) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_memorytype_t, is_64) == 24);
    const _: () = assert!(std::mem::offset_of!(petrel_memorytype_t, page_size) == 32);
    /// A linear memory of a store.
    ///
    /// A plain `{store_id, index}` value: copy it freely, it needs no
    /// freeing, and every use checks it against the store.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_memory_t {
        pub store_id: u64,
        pub index: usize,
    }
    const _: () = assert!(size_of::<petrel_memory_t>() == 16 && align_of::<petrel_memory_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_memory_t, store_id) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_memory_t, index) == 8);
    /// The type of a table.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_tabletype_t {
        pub element: petrel_valkind_t,
        pub limits: petrel_limits_t,
        pub is_64: bool,
    }
    const _: () = assert!(size_of::<petrel_tabletype_t>() == 40 && align_of::<petrel_tabletype_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_tabletype_t, element) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_tabletype_t, limits) == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_tabletype_t, is_64) == 32);
    /// A function of a store.
    ///
    /// A plain `{store_id, index}` value: copy it freely, it needs no
    /// freeing, and every use checks it against the store.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_func_t {
        pub store_id: u64,
        pub index: usize,
    }
    const _: () = assert!(size_of::<petrel_func_t>() == 16 && align_of::<petrel_func_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_func_t, store_id) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_func_t, index) == 8);
    /// A reference to a host value, owned by a store.
    ///
    /// A plain `{store_id, index}` value: copy it freely, it needs no
    /// freeing, and every use checks it against the store.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_externref_t {
        pub store_id: u64,
        pub index: usize,
    }
    const _: () = assert!(size_of::<petrel_externref_t>() == 16 && align_of::<petrel_externref_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_externref_t, store_id) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_externref_t, index) == 8);
    /// The payload of a `petrel_val_t`, selected by its kind.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub union petrel_valunion_t {
        pub i32: i32,
        pub i64: i64,
        pub f32: f32,
        pub f64: f64,
        pub v128: [u8; 16],
        pub funcref: petrel_func_t,
        pub externref: petrel_externref_t,
    }
    const _: () = assert!(size_of::<petrel_valunion_t>() == 16 && align_of::<petrel_valunion_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_valunion_t, i32) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valunion_t, i64) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valunion_t, f32) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valunion_t, f64) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valunion_t, v128) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valunion_t, funcref) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valunion_t, externref) == 0);
    /// A typed wasm value: a kind and its payload.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_val_t {
        pub kind: petrel_valkind_t,
        pub of: petrel_valunion_t,
    }
    const _: () = assert!(size_of::<petrel_val_t>() == 24 && align_of::<petrel_val_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_val_t, kind) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_val_t, of) == 8);
    /// A table of a store.
    ///
    /// A plain `{store_id, index}` value: copy it freely, it needs no
    /// freeing, and every use checks it against the store.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_table_t {
        pub store_id: u64,
        pub index: usize,
    }
    const _: () = assert!(size_of::<petrel_table_t>() == 16 && align_of::<petrel_table_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_table_t, store_id) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_table_t, index) == 8);
    /// The type of a global.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_globaltype_t {
        pub content: petrel_valkind_t,
        pub mutability: petrel_mutability_t,
    }
    const _: () = assert!(size_of::<petrel_globaltype_t>() == 2 && align_of::<petrel_globaltype_t>() == 1);
    const _: () = assert!(std::mem::offset_of!(petrel_globaltype_t, content) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_globaltype_t, mutability) == 1);
    /// A global of a store.
    ///
    /// A plain `{store_id, index}` value: copy it freely, it needs no
    /// freeing, and every use checks it against the store.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct petrel_global_t {
        pub store_id: u64,
        pub index: usize,
    }
    const _: () = assert!(size_of::<petrel_global_t>() == 16 && align_of::<petrel_global_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_global_t, store_id) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_global_t, index) == 8);
    /// One untyped wasm value in 16 bytes, as `petrel_func_call_raw` and host
    /// callbacks exchange them. Which field is meaningful is given by the
    /// function's type. A reference is 0 for null, otherwise the index of the
    /// `petrel_func_t` / `petrel_externref_t` in its store plus one.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub union petrel_valraw_t {
        pub i32: i32,
        pub i64: i64,
        pub f32: f32,
        pub f64: f64,
        pub v128: [u8; 16],
        pub funcref: u64,
        pub externref: u64,
    }
    const _: () = assert!(size_of::<petrel_valraw_t>() == 16 && align_of::<petrel_valraw_t>() == 8);
    const _: () = assert!(std::mem::offset_of!(petrel_valraw_t, i32) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valraw_t, i64) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valraw_t, f32) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valraw_t, f64) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valraw_t, v128) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valraw_t, funcref) == 0);
    const _: () = assert!(std::mem::offset_of!(petrel_valraw_t, externref) == 0);
    pub type petrel_finalizer_t = Option<unsafe extern "C" fn(data: *mut c_void)>;
    pub type petrel_callback_t = Option<unsafe extern "C" fn(env: *mut c_void, caller: *mut petrel_caller_t, args_and_results: *mut petrel_valraw_t, nargs: usize, nresults: usize) -> *mut petrel_error_t>;
    pub type petrel_output_callback_t = Option<unsafe extern "C" fn(env: *mut c_void, data: *const u8, len: usize) -> i64>;

    unsafe extern "C" {
        pub fn petrel_config_new(config_out: *mut *mut petrel_config_t) -> *mut petrel_error_t;
        pub fn petrel_config_delete(config: *mut petrel_config_t);
        pub fn petrel_config_wasm_simd(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_reference_types(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_bulk_memory(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_multi_value(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_sign_extension(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_extended_const(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_wide_arithmetic(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_relaxed_simd(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_tail_call(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_multi_memory(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_memory64(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_custom_page_sizes(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_wasm_saturating_float_to_int(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_consume_fuel(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_epoch_interruption(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_parallel_compilation(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_static_memory_guard(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_pooling_allocator(config: *mut petrel_config_t, pooling: *const petrel_pooling_config_t) -> *mut petrel_error_t;
        pub fn petrel_config_memory_init_cow(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_cranelift_nan_canonicalization(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_cranelift_debug_verifier(config: *mut petrel_config_t, enable: bool) -> *mut petrel_error_t;
        pub fn petrel_config_target(config: *mut petrel_config_t, triple: *const c_char, triple_len: usize) -> *mut petrel_error_t;
        pub fn petrel_config_opt_level(config: *mut petrel_config_t, level: petrel_opt_level_t) -> *mut petrel_error_t;
        pub fn petrel_config_max_wasm_stack(config: *mut petrel_config_t, bytes: usize) -> *mut petrel_error_t;
        pub fn petrel_config_module_key(config: *mut petrel_config_t, key: *const u8, key_len: usize) -> *mut petrel_error_t;
        pub fn petrel_config_generate_module_key(config: *mut petrel_config_t, key_out: *mut petrel_bytes_t) -> *mut petrel_error_t;
        pub fn petrel_config_cache(config: *mut petrel_config_t, directory: *const c_char, directory_len: usize, key_file: *const c_char, key_file_len: usize) -> *mut petrel_error_t;
        pub fn petrel_engine_cache_statistics(engine: *const petrel_engine_t, hits_out: *mut u64, misses_out: *mut u64, rejected_out: *mut u64, enabled_out: *mut bool) -> *mut petrel_error_t;
        pub fn petrel_engine_new(config: *const petrel_config_t, engine_out: *mut *mut petrel_engine_t) -> *mut petrel_error_t;
        pub fn petrel_engine_increment_epoch(engine: *const petrel_engine_t) -> *mut petrel_error_t;
        pub fn petrel_engine_max_wasm_stack(engine: *const petrel_engine_t, bytes_out: *mut usize) -> *mut petrel_error_t;
        pub fn petrel_engine_delete(engine: *mut petrel_engine_t);
        pub fn petrel_error_new(message: *const c_char, message_len: usize) -> *mut petrel_error_t;
        pub fn petrel_error_new_host(message: *const c_char, message_len: usize, tag: u64) -> *mut petrel_error_t;
        pub fn petrel_error_new_trap(code: petrel_trap_code_t) -> *mut petrel_error_t;
        pub fn petrel_error_message(error: *const petrel_error_t) -> *const c_char;
        pub fn petrel_error_as_trap(error: *const petrel_error_t) -> *const petrel_trap_t;
        pub fn petrel_error_host_tag(error: *const petrel_error_t, tag_out: *mut u64) -> bool;
        pub fn petrel_error_exit_status(error: *const petrel_error_t, status_out: *mut i32) -> bool;
        pub fn petrel_error_delete(error: *mut petrel_error_t);
        pub fn petrel_trap_code(trap: *const petrel_trap_t) -> petrel_trap_code_t;
        pub fn petrel_trap_frame_count(trap: *const petrel_trap_t) -> usize;
        pub fn petrel_trap_frame(trap: *const petrel_trap_t, index: usize, frame_out: *mut petrel_frame_t) -> bool;
        pub fn petrel_instance_new(store: *mut petrel_store_t, module: *const petrel_module_t, imports: *const petrel_extern_t, imports_len: usize, instance_out: *mut petrel_instance_t) -> *mut petrel_error_t;
        pub fn petrel_instance_export_get(store: *mut petrel_store_t, instance: petrel_instance_t, name: *const c_char, name_len: usize, item_out: *mut petrel_extern_t, found_out: *mut bool) -> *mut petrel_error_t;
        pub fn petrel_instance_export_count(store: *mut petrel_store_t, instance: petrel_instance_t, count_out: *mut usize) -> *mut petrel_error_t;
        pub fn petrel_instance_export_nth(store: *mut petrel_store_t, instance: petrel_instance_t, index: usize, name_out: *mut petrel_str_t, item_out: *mut petrel_extern_t) -> *mut petrel_error_t;
        pub fn petrel_extern_type(store: *mut petrel_store_t, item: petrel_extern_t, type_out: *mut *mut petrel_externtype_t) -> *mut petrel_error_t;
        pub fn petrel_memory_new(store: *mut petrel_store_t, memorytype: petrel_memorytype_t, memory_out: *mut petrel_memory_t) -> *mut petrel_error_t;
        pub fn petrel_memory_type(store: *mut petrel_store_t, memory: petrel_memory_t, memorytype_out: *mut petrel_memorytype_t) -> *mut petrel_error_t;
        pub fn petrel_memory_size(store: *mut petrel_store_t, memory: petrel_memory_t, pages_out: *mut u64) -> *mut petrel_error_t;
        pub fn petrel_memory_data(store: *mut petrel_store_t, memory: petrel_memory_t, data_out: *mut *mut u8, len_out: *mut usize) -> *mut petrel_error_t;
        pub fn petrel_memory_grow(store: *mut petrel_store_t, memory: petrel_memory_t, delta: u64, old_pages_out: *mut u64) -> *mut petrel_error_t;
        pub fn petrel_memory_read(store: *mut petrel_store_t, memory: petrel_memory_t, offset: usize, buf: *mut u8, buf_len: usize) -> *mut petrel_error_t;
        pub fn petrel_memory_write(store: *mut petrel_store_t, memory: petrel_memory_t, offset: usize, buf: *const u8, buf_len: usize) -> *mut petrel_error_t;
        pub fn petrel_table_new(store: *mut petrel_store_t, tabletype: petrel_tabletype_t, init: *const petrel_val_t, table_out: *mut petrel_table_t) -> *mut petrel_error_t;
        pub fn petrel_table_type(store: *mut petrel_store_t, table: petrel_table_t, tabletype_out: *mut petrel_tabletype_t) -> *mut petrel_error_t;
        pub fn petrel_table_size(store: *mut petrel_store_t, table: petrel_table_t, size_out: *mut u32) -> *mut petrel_error_t;
        pub fn petrel_table_get(store: *mut petrel_store_t, table: petrel_table_t, index: u32, value_out: *mut petrel_val_t) -> *mut petrel_error_t;
        pub fn petrel_table_set(store: *mut petrel_store_t, table: petrel_table_t, index: u32, value: *const petrel_val_t) -> *mut petrel_error_t;
        pub fn petrel_table_grow(store: *mut petrel_store_t, table: petrel_table_t, delta: u32, init: *const petrel_val_t, old_size_out: *mut u32) -> *mut petrel_error_t;
        pub fn petrel_global_new(store: *mut petrel_store_t, globaltype: petrel_globaltype_t, value: *const petrel_val_t, global_out: *mut petrel_global_t) -> *mut petrel_error_t;
        pub fn petrel_global_type(store: *mut petrel_store_t, global: petrel_global_t, globaltype_out: *mut petrel_globaltype_t) -> *mut petrel_error_t;
        pub fn petrel_global_get(store: *mut petrel_store_t, global: petrel_global_t, value_out: *mut petrel_val_t) -> *mut petrel_error_t;
        pub fn petrel_global_set(store: *mut petrel_store_t, global: petrel_global_t, value: *const petrel_val_t) -> *mut petrel_error_t;
        pub fn petrel_externref_new(store: *mut petrel_store_t, data: *mut c_void, finalizer: petrel_finalizer_t, externref_out: *mut petrel_externref_t) -> *mut petrel_error_t;
        pub fn petrel_externref_data(store: *mut petrel_store_t, externref: petrel_externref_t, data_out: *mut *mut c_void) -> *mut petrel_error_t;
        pub fn petrel_functype_new(params: *const petrel_valkind_t, params_len: usize, results: *const petrel_valkind_t, results_len: usize, functype_out: *mut *mut petrel_functype_t) -> *mut petrel_error_t;
        pub fn petrel_functype_params(functype: *const petrel_functype_t, params_out: *mut *const petrel_valkind_t, params_len_out: *mut usize) -> *mut petrel_error_t;
        pub fn petrel_functype_results(functype: *const petrel_functype_t, results_out: *mut *const petrel_valkind_t, results_len_out: *mut usize) -> *mut petrel_error_t;
        pub fn petrel_functype_delete(functype: *mut petrel_functype_t);
        pub fn petrel_func_new(store: *mut petrel_store_t, functype: *const petrel_functype_t, callback: petrel_callback_t, env: *mut c_void, finalizer: petrel_finalizer_t, func_out: *mut petrel_func_t) -> *mut petrel_error_t;
        pub fn petrel_func_type(store: *mut petrel_store_t, func: petrel_func_t, functype_out: *mut *mut petrel_functype_t) -> *mut petrel_error_t;
        pub fn petrel_func_call(store: *mut petrel_store_t, func: petrel_func_t, args: *const petrel_val_t, args_len: usize, results: *mut petrel_val_t, results_len: usize) -> *mut petrel_error_t;
        pub fn petrel_func_call_raw(store: *mut petrel_store_t, func: *const petrel_func_t, args_and_results: *mut petrel_valraw_t, len: usize) -> *mut petrel_error_t;
        pub fn petrel_linker_new(engine: *const petrel_engine_t, linker_out: *mut *mut petrel_linker_t) -> *mut petrel_error_t;
        pub fn petrel_linker_delete(linker: *mut petrel_linker_t);
        pub fn petrel_linker_allow_shadowing(linker: *mut petrel_linker_t, allow: bool) -> *mut petrel_error_t;
        pub fn petrel_linker_define(linker: *mut petrel_linker_t, store: *mut petrel_store_t, module: *const c_char, module_len: usize, name: *const c_char, name_len: usize, item: petrel_extern_t) -> *mut petrel_error_t;
        pub fn petrel_linker_define_func(linker: *mut petrel_linker_t, module: *const c_char, module_len: usize, name: *const c_char, name_len: usize, functype: *const petrel_functype_t, callback: petrel_callback_t, env: *mut c_void, finalizer: petrel_finalizer_t) -> *mut petrel_error_t;
        pub fn petrel_linker_define_instance(linker: *mut petrel_linker_t, store: *mut petrel_store_t, module: *const c_char, module_len: usize, instance: petrel_instance_t) -> *mut petrel_error_t;
        pub fn petrel_linker_instantiate(linker: *const petrel_linker_t, store: *mut petrel_store_t, module: *const petrel_module_t, instance_out: *mut petrel_instance_t) -> *mut petrel_error_t;
        pub fn petrel_linker_get(linker: *const petrel_linker_t, store: *mut petrel_store_t, module: *const c_char, module_len: usize, name: *const c_char, name_len: usize, item_out: *mut petrel_extern_t, found_out: *mut bool) -> *mut petrel_error_t;
        pub fn petrel_linker_module(linker: *mut petrel_linker_t, store: *mut petrel_store_t, name: *const c_char, name_len: usize, module: *const petrel_module_t) -> *mut petrel_error_t;
        pub fn petrel_linker_get_default(linker: *const petrel_linker_t, store: *mut petrel_store_t, name: *const c_char, name_len: usize, func_out: *mut petrel_func_t) -> *mut petrel_error_t;
        pub fn petrel_linker_define_unknown_imports_as_traps(linker: *mut petrel_linker_t, module: *const petrel_module_t) -> *mut petrel_error_t;
        pub fn petrel_linker_define_unknown_imports_as_default_values(linker: *mut petrel_linker_t, store: *mut petrel_store_t, module: *const petrel_module_t) -> *mut petrel_error_t;
        pub fn petrel_linker_instantiate_pre(linker: *const petrel_linker_t, module: *const petrel_module_t, pre_out: *mut *mut petrel_instance_pre_t) -> *mut petrel_error_t;
        pub fn petrel_instance_pre_instantiate(pre: *const petrel_instance_pre_t, store: *mut petrel_store_t, instance_out: *mut petrel_instance_t) -> *mut petrel_error_t;
        pub fn petrel_instance_pre_module(pre: *const petrel_instance_pre_t, module_out: *mut *mut petrel_module_t) -> *mut petrel_error_t;
        pub fn petrel_instance_pre_delete(pre: *mut petrel_instance_pre_t);
        pub fn petrel_bytes_delete(bytes: *mut petrel_bytes_t);
        pub fn petrel_wat2wasm(wat: *const c_char, wat_len: usize, wasm_out: *mut petrel_bytes_t) -> *mut petrel_error_t;
        pub fn petrel_module_new(engine: *const petrel_engine_t, bytes: *const u8, bytes_len: usize, module_out: *mut *mut petrel_module_t) -> *mut petrel_error_t;
        pub fn petrel_module_validate(engine: *const petrel_engine_t, bytes: *const u8, bytes_len: usize) -> *mut petrel_error_t;
        pub fn petrel_module_serialize(module: *const petrel_module_t, bytes_out: *mut petrel_bytes_t) -> *mut petrel_error_t;
        pub fn petrel_module_deserialize(engine: *const petrel_engine_t, bytes: *const u8, bytes_len: usize, module_out: *mut *mut petrel_module_t) -> *mut petrel_error_t;
        pub fn petrel_module_name(module: *const petrel_module_t, name_out: *mut petrel_str_t) -> *mut petrel_error_t;
        pub fn petrel_module_import_count(module: *const petrel_module_t, count_out: *mut usize) -> *mut petrel_error_t;
        pub fn petrel_module_import(module: *const petrel_module_t, index: usize, module_name_out: *mut petrel_str_t, name_out: *mut petrel_str_t, type_out: *mut *mut petrel_externtype_t) -> *mut petrel_error_t;
        pub fn petrel_module_export_count(module: *const petrel_module_t, count_out: *mut usize) -> *mut petrel_error_t;
        pub fn petrel_module_export(module: *const petrel_module_t, index: usize, name_out: *mut petrel_str_t, type_out: *mut *mut petrel_externtype_t) -> *mut petrel_error_t;
        pub fn petrel_module_delete(module: *mut petrel_module_t);
        pub fn petrel_externtype_kind(externtype: *const petrel_externtype_t, kind_out: *mut petrel_extern_kind_t) -> *mut petrel_error_t;
        pub fn petrel_externtype_functype(externtype: *const petrel_externtype_t, functype_out: *mut *mut petrel_functype_t) -> *mut petrel_error_t;
        pub fn petrel_externtype_globaltype(externtype: *const petrel_externtype_t, globaltype_out: *mut petrel_globaltype_t) -> *mut petrel_error_t;
        pub fn petrel_externtype_tabletype(externtype: *const petrel_externtype_t, tabletype_out: *mut petrel_tabletype_t) -> *mut petrel_error_t;
        pub fn petrel_externtype_memorytype(externtype: *const petrel_externtype_t, memorytype_out: *mut petrel_memorytype_t) -> *mut petrel_error_t;
        pub fn petrel_externtype_delete(externtype: *mut petrel_externtype_t);
        pub fn petrel_store_new(engine: *const petrel_engine_t, data: *mut c_void, finalizer: petrel_finalizer_t, store_out: *mut *mut petrel_store_t) -> *mut petrel_error_t;
        pub fn petrel_store_close(store: *mut petrel_store_t) -> *mut petrel_error_t;
        pub fn petrel_store_delete(store: *mut petrel_store_t) -> *mut petrel_error_t;
        pub fn petrel_store_id(store: *const petrel_store_t, id_out: *mut u64) -> *mut petrel_error_t;
        pub fn petrel_store_data(store: *mut petrel_store_t, data_out: *mut *mut c_void) -> *mut petrel_error_t;
        pub fn petrel_store_set_fuel(store: *mut petrel_store_t, fuel: u64) -> *mut petrel_error_t;
        pub fn petrel_store_get_fuel(store: *mut petrel_store_t, fuel_out: *mut u64) -> *mut petrel_error_t;
        pub fn petrel_store_set_epoch_deadline(store: *mut petrel_store_t, ticks: u64) -> *mut petrel_error_t;
        pub fn petrel_store_limiter(store: *mut petrel_store_t, memory_size: i64, table_elements: i64, instances: i64) -> *mut petrel_error_t;
        pub fn petrel_store_limits(store: *mut petrel_store_t, memory_size: i64, table_elements: i64, instances: i64, tables: i64, memories: i64) -> *mut petrel_error_t;
        pub fn petrel_store_gc(store: *mut petrel_store_t) -> *mut petrel_error_t;
        pub fn petrel_caller_data(caller: *mut petrel_caller_t, data_out: *mut *mut c_void) -> *mut petrel_error_t;
        pub fn petrel_caller_export_get(caller: *mut petrel_caller_t, name: *const c_char, name_len: usize, item_out: *mut petrel_extern_t, found_out: *mut bool) -> *mut petrel_error_t;
        pub fn petrel_caller_store(caller: *mut petrel_caller_t, store_out: *mut *mut petrel_store_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_new(config_out: *mut *mut petrel_wasi_config_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_delete(config: *mut petrel_wasi_config_t);
        pub fn petrel_wasi_config_set_argv(config: *mut petrel_wasi_config_t, argv: *const *const c_char, argc: usize) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_inherit_argv(config: *mut petrel_wasi_config_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_env(config: *mut petrel_wasi_config_t, names: *const *const c_char, values: *const *const c_char, envc: usize) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_inherit_env(config: *mut petrel_wasi_config_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stdin_bytes(config: *mut petrel_wasi_config_t, bytes: *const u8, bytes_len: usize) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stdin_file(config: *mut petrel_wasi_config_t, path: *const c_char) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_inherit_stdin(config: *mut petrel_wasi_config_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stdout_file(config: *mut petrel_wasi_config_t, path: *const c_char) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_inherit_stdout(config: *mut petrel_wasi_config_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stdout_capture(config: *mut petrel_wasi_config_t, capacity: usize) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stderr_file(config: *mut petrel_wasi_config_t, path: *const c_char) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_inherit_stderr(config: *mut petrel_wasi_config_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stderr_capture(config: *mut petrel_wasi_config_t, capacity: usize) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_preopen_dir(config: *mut petrel_wasi_config_t, host_path: *const c_char, guest_path: *const c_char) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stdout_custom(config: *mut petrel_wasi_config_t, callback: petrel_output_callback_t, env: *mut c_void, finalizer: petrel_finalizer_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_set_stderr_custom(config: *mut petrel_wasi_config_t, callback: petrel_output_callback_t, env: *mut c_void, finalizer: petrel_finalizer_t) -> *mut petrel_error_t;
        pub fn petrel_wasi_config_preopen_dir_with_perms(config: *mut petrel_wasi_config_t, host_path: *const c_char, guest_path: *const c_char, dir_perms: petrel_dir_perms_t, file_perms: petrel_file_perms_t) -> *mut petrel_error_t;
        pub fn petrel_store_set_wasi(store: *mut petrel_store_t, config: *mut petrel_wasi_config_t) -> *mut petrel_error_t;
        pub fn petrel_linker_define_wasi(linker: *mut petrel_linker_t) -> *mut petrel_error_t;
        pub fn petrel_store_wasi_stdout(store: *mut petrel_store_t, contents_out: *mut petrel_bytes_t) -> *mut petrel_error_t;
        pub fn petrel_store_wasi_stderr(store: *mut petrel_store_t, contents_out: *mut petrel_bytes_t) -> *mut petrel_error_t;
    }
}

use self::sys::*;

/// Engine settings. Create with `petrel_config_new`, free with
/// `petrel_config_delete`. Safe to use from several threads.
#[napi]
pub struct Config {
    pub(crate) ptr: *mut sys::petrel_config_t,
}

impl Config {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_config_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the config was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl Config {
    /// Frees it now (`petrel_config_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_config_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_config_delete(self.ptr) };
        }
    }
}

/// An engine: compiles modules and holds what they share. Safe to use
/// from several threads. Stores and modules keep what they need of it, so
/// it may be deleted before them.
#[napi]
pub struct Engine {
    pub(crate) ptr: *mut sys::petrel_engine_t,
}

impl Engine {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_engine_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the engine was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl Engine {
    /// Frees it now (`petrel_engine_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_engine_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_engine_delete(self.ptr) };
        }
    }
}

/// The type of an import or export. Owned: free with
/// `petrel_externtype_delete`.
#[napi]
pub struct Externtype {
    pub(crate) ptr: *mut sys::petrel_externtype_t,
}

impl Externtype {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_externtype_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the externtype was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl Externtype {
    /// Frees it now (`petrel_externtype_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_externtype_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for Externtype {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_externtype_delete(self.ptr) };
        }
    }
}

/// A function signature. Owned: free with `petrel_functype_delete`.
#[napi]
pub struct Functype {
    pub(crate) ptr: *mut sys::petrel_functype_t,
}

impl Functype {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_functype_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the functype was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl Functype {
    /// Frees it now (`petrel_functype_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_functype_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for Functype {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_functype_delete(self.ptr) };
        }
    }
}

/// A module whose imports a linker has resolved: instantiates it in any
/// store of the engine without looking names up again (later definitions
/// in the linker do not change it). Owned: free with
/// `petrel_instance_pre_delete`. Safe to share between threads.
#[napi]
pub struct InstancePre {
    pub(crate) ptr: *mut sys::petrel_instance_pre_t,
}

impl InstancePre {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_instance_pre_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the instance pre was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl InstancePre {
    /// Frees it now (`petrel_instance_pre_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_instance_pre_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for InstancePre {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_instance_pre_delete(self.ptr) };
        }
    }
}

/// A linker: resolves a module's imports by `(module, name)`. Owned: free
/// with `petrel_linker_delete`. Safe to share between threads (one
/// operation at a time; a re-entrant use, e.g. from a host function run
/// by `petrel_linker_instantiate`, is refused with an error).
#[napi]
pub struct Linker {
    pub(crate) ptr: *mut sys::petrel_linker_t,
}

impl Linker {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_linker_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the linker was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl Linker {
    /// Frees it now (`petrel_linker_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_linker_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for Linker {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_linker_delete(self.ptr) };
        }
    }
}

/// A compiled module. Owned: free with `petrel_module_delete`. Safe to use
/// from several threads; instances keep what they need of it.
#[napi]
pub struct Module {
    pub(crate) ptr: *mut sys::petrel_module_t,
}

impl Module {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_module_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the module was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl Module {
    /// Frees it now (`petrel_module_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_module_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_module_delete(self.ptr) };
        }
    }
}

/// A store: owns every instance, function, memory, table and global
/// created in it, plus the embedder's data pointer. Used by one thread at
/// a time (another thread gets an error while it is in use). Free with
/// `petrel_store_delete`.
#[napi]
pub struct Store {
    pub(crate) ptr: *mut sys::petrel_store_t,
}

impl Store {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_store_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the store was deleted or given away"));
        }
        Ok(self.ptr)
    }
}

#[napi]
impl Store {
    /// Frees it now (`petrel_store_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            check(unsafe { sys::petrel_store_delete(self.ptr) })?;
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { free_error(sys::petrel_store_delete(self.ptr)) };
        }
    }
}

/// The configuration of a WASI program: arguments, environment, standard
/// streams and preopened directories. Owned: free with
/// `petrel_wasi_config_delete`, unless it was given to
/// `petrel_store_set_wasi` (which takes it). The defaults: no arguments,
/// no environment, empty standard input, standard output and error
/// discarded, no preopened directory. Each setter replaces what an
/// earlier call set for the same thing, except
/// `petrel_wasi_config_preopen_dir`, which adds a directory.
#[napi]
pub struct WasiConfig {
    pub(crate) ptr: *mut sys::petrel_wasi_config_t,
}

impl WasiConfig {
    /// The live pointer, or an error once deleted or consumed.
    pub(crate) fn raw(&self) -> Result<*mut sys::petrel_wasi_config_t> {
        if self.ptr.is_null() {
            return Err(Error::from_reason("the wasi config was deleted or given away"));
        }
        Ok(self.ptr)
    }

    /// Hands the pointer over (to a consuming function).
    pub(crate) fn take(&mut self) -> Result<*mut sys::petrel_wasi_config_t> {
        let p = self.raw()?;
        self.ptr = std::ptr::null_mut();
        Ok(p)
    }
}

#[napi]
impl WasiConfig {
    /// Frees it now (`petrel_wasi_config_delete`); later uses are errors.
    #[napi]
    pub fn delete(&mut self) -> Result<()> {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_wasi_config_delete(self.ptr) };
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for WasiConfig {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the pointer is live and owned by this object.
            unsafe { sys::petrel_wasi_config_delete(self.ptr) };
        }
    }
}

/// Limits of the pooling instance allocator
/// (`petrel_config_pooling_allocator`). A zero field keeps its default,
/// which are Wasmtime's: 1000 memories, tables and instances alive at once
/// across an engine's stores, one memory and one table per module,
/// memories up to 4 GiB, tables up to 20,000 elements.
#[napi(object)]
#[derive(Clone)]
pub struct PoolingConfig {
    /// The most linear memories alive at once (each pooled one reserves
    /// 6 GiB of address space when the engine is made).
    pub total_memories: u32,
    /// The most tables alive at once.
    pub total_tables: u32,
    /// The most instances alive at once.
    pub total_core_instances: u32,
    /// The most memories one module may define.
    pub max_memories_per_module: u32,
    /// The most tables one module may define.
    pub max_tables_per_module: u32,
    /// The most elements a table may grow to.
    pub table_elements: u32,
    /// The most bytes a pooled memory may grow to (at most 4 GiB).
    pub max_memory_size: BigInt,
}

impl From<PoolingConfig> for sys::petrel_pooling_config_t {
    fn from(r: PoolingConfig) -> Self {
        Self {
            total_memories: { let v = r.total_memories; v.try_into().map_err(range).unwrap_or_default() },
            total_tables: { let v = r.total_tables; v.try_into().map_err(range).unwrap_or_default() },
            total_core_instances: { let v = r.total_core_instances; v.try_into().map_err(range).unwrap_or_default() },
            max_memories_per_module: { let v = r.max_memories_per_module; v.try_into().map_err(range).unwrap_or_default() },
            max_tables_per_module: { let v = r.max_tables_per_module; v.try_into().map_err(range).unwrap_or_default() },
            table_elements: { let v = r.table_elements; v.try_into().map_err(range).unwrap_or_default() },
            max_memory_size: { let v = r.max_memory_size; u64_of(&v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_pooling_config_t> for PoolingConfig {
    fn from(r: sys::petrel_pooling_config_t) -> Self {
        Self {
            total_memories: { let v = r.total_memories; v.into() },
            total_tables: { let v = r.total_tables; v.into() },
            total_core_instances: { let v = r.total_core_instances; v.into() },
            max_memories_per_module: { let v = r.max_memories_per_module; v.into() },
            max_tables_per_module: { let v = r.max_tables_per_module; v.into() },
            table_elements: { let v = r.table_elements; v.into() },
            max_memory_size: { let v = r.max_memory_size; BigInt::from(v) },
        }
    }
}

/// Any importable or exportable item: its kind and its `{store_id, index}`
/// (which, with the kind, is a `petrel_func_t`, `petrel_global_t`,
/// `petrel_table_t` or `petrel_memory_t`).
#[napi(object)]
#[derive(Clone)]
pub struct Extern {
    /// `PETREL_EXTERN_*`.
    pub kind: u32,
    /// The owning store's id.
    pub store_id: BigInt,
    /// Index among the store's items of this kind.
    pub index: f64,
}

impl From<Extern> for sys::petrel_extern_t {
    fn from(r: Extern) -> Self {
        Self {
            kind: { let v = r.kind; v.try_into().map_err(range).unwrap_or_default() },
            store_id: { let v = r.store_id; u64_of(&v).unwrap_or_default() },
            index: { let v = r.index; usize_of(v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_extern_t> for Extern {
    fn from(r: sys::petrel_extern_t) -> Self {
        Self {
            kind: { let v = r.kind; v.into() },
            store_id: { let v = r.store_id; BigInt::from(v) },
            index: { let v = r.index; v as f64 },
        }
    }
}

/// An instance of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[napi(object)]
#[derive(Clone)]
pub struct Instance {
    /// The owning store's id (never 0 for a real item).
    pub store_id: BigInt,
    /// Index among the store's items of this kind.
    pub index: f64,
}

impl From<Instance> for sys::petrel_instance_t {
    fn from(r: Instance) -> Self {
        Self {
            store_id: { let v = r.store_id; u64_of(&v).unwrap_or_default() },
            index: { let v = r.index; usize_of(v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_instance_t> for Instance {
    fn from(r: sys::petrel_instance_t) -> Self {
        Self {
            store_id: { let v = r.store_id; BigInt::from(v) },
            index: { let v = r.index; v as f64 },
        }
    }
}

/// Size limits: of a memory in pages (of its page size), of a table in
/// elements.
#[napi(object)]
#[derive(Clone)]
pub struct Limits {
    /// The minimum (initial) size.
    pub minimum: BigInt,
    /// The maximum size; meaningful only when `has_maximum`.
    pub maximum: BigInt,
    /// Whether there is a maximum.
    pub has_maximum: bool,
}

impl From<Limits> for sys::petrel_limits_t {
    fn from(r: Limits) -> Self {
        Self {
            minimum: { let v = r.minimum; u64_of(&v).unwrap_or_default() },
            maximum: { let v = r.maximum; u64_of(&v).unwrap_or_default() },
            has_maximum: { let v = r.has_maximum; v },
        }
    }
}

impl From<sys::petrel_limits_t> for Limits {
    fn from(r: sys::petrel_limits_t) -> Self {
        Self {
            minimum: { let v = r.minimum; BigInt::from(v) },
            maximum: { let v = r.maximum; BigInt::from(v) },
            has_maximum: { let v = r.has_maximum; v },
        }
    }
}

/// The type of a linear memory. A zero-initialised record (but for its
/// limits) is a 32-bit memory with 64 KiB pages.
#[napi(object)]
#[derive(Clone)]
pub struct Memorytype {
    /// Limits in pages of `page_size` (32-bit memories: at most 2^32
    /// bytes' worth; 64-bit memories: 2^64 bytes' worth).
    pub limits: Limits,
    /// Whether the memory is indexed with i64 (memory64; false, the zero
    /// value, is a 32-bit memory).
    pub is_64: bool,
    /// The page size in bytes: 65536 (0 is read as 65536, so a zeroed
    /// field means the default) or 1 (custom-page-sizes; modules need
    /// `petrel_config_wasm_custom_page_sizes` to declare such memories).
    /// Written as 65536 or 1.
    pub page_size: BigInt,
}

impl From<Memorytype> for sys::petrel_memorytype_t {
    fn from(r: Memorytype) -> Self {
        Self {
            limits: { let v = r.limits; sys::petrel_limits_t::from(v) },
            is_64: { let v = r.is_64; v },
            page_size: { let v = r.page_size; u64_of(&v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_memorytype_t> for Memorytype {
    fn from(r: sys::petrel_memorytype_t) -> Self {
        Self {
            limits: { let v = r.limits; Limits::from(v) },
            is_64: { let v = r.is_64; v },
            page_size: { let v = r.page_size; BigInt::from(v) },
        }
    }
}

/// A linear memory of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[napi(object)]
#[derive(Clone)]
pub struct Memory {
    /// The owning store's id (never 0 for a real item).
    pub store_id: BigInt,
    /// Index among the store's items of this kind.
    pub index: f64,
}

impl From<Memory> for sys::petrel_memory_t {
    fn from(r: Memory) -> Self {
        Self {
            store_id: { let v = r.store_id; u64_of(&v).unwrap_or_default() },
            index: { let v = r.index; usize_of(v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_memory_t> for Memory {
    fn from(r: sys::petrel_memory_t) -> Self {
        Self {
            store_id: { let v = r.store_id; BigInt::from(v) },
            index: { let v = r.index; v as f64 },
        }
    }
}

/// The type of a table.
#[napi(object)]
#[derive(Clone)]
pub struct Tabletype {
    /// `PETREL_FUNCREF` or `PETREL_EXTERNREF`.
    pub element: u32,
    /// Limits in elements (at most 2^32-1 unless `is_64`).
    pub limits: Limits,
    /// Whether the table is indexed with i64 (memory64's 64-bit tables;
    /// false, the zero value, is a 32-bit table).
    pub is_64: bool,
}

impl From<Tabletype> for sys::petrel_tabletype_t {
    fn from(r: Tabletype) -> Self {
        Self {
            element: { let v = r.element; v.try_into().map_err(range).unwrap_or_default() },
            limits: { let v = r.limits; sys::petrel_limits_t::from(v) },
            is_64: { let v = r.is_64; v },
        }
    }
}

impl From<sys::petrel_tabletype_t> for Tabletype {
    fn from(r: sys::petrel_tabletype_t) -> Self {
        Self {
            element: { let v = r.element; v.into() },
            limits: { let v = r.limits; Limits::from(v) },
            is_64: { let v = r.is_64; v },
        }
    }
}

/// A function of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[napi(object)]
#[derive(Clone)]
pub struct Func {
    /// The owning store's id (never 0 for a real item).
    pub store_id: BigInt,
    /// Index among the store's items of this kind.
    pub index: f64,
}

impl From<Func> for sys::petrel_func_t {
    fn from(r: Func) -> Self {
        Self {
            store_id: { let v = r.store_id; u64_of(&v).unwrap_or_default() },
            index: { let v = r.index; usize_of(v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_func_t> for Func {
    fn from(r: sys::petrel_func_t) -> Self {
        Self {
            store_id: { let v = r.store_id; BigInt::from(v) },
            index: { let v = r.index; v as f64 },
        }
    }
}

/// A reference to a host value, owned by a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[napi(object)]
#[derive(Clone)]
pub struct Externref {
    /// The owning store's id (never 0 for a real item).
    pub store_id: BigInt,
    /// Index among the store's items of this kind.
    pub index: f64,
}

impl From<Externref> for sys::petrel_externref_t {
    fn from(r: Externref) -> Self {
        Self {
            store_id: { let v = r.store_id; u64_of(&v).unwrap_or_default() },
            index: { let v = r.index; usize_of(v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_externref_t> for Externref {
    fn from(r: sys::petrel_externref_t) -> Self {
        Self {
            store_id: { let v = r.store_id; BigInt::from(v) },
            index: { let v = r.index; v as f64 },
        }
    }
}

/// A table of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[napi(object)]
#[derive(Clone)]
pub struct Table {
    /// The owning store's id (never 0 for a real item).
    pub store_id: BigInt,
    /// Index among the store's items of this kind.
    pub index: f64,
}

impl From<Table> for sys::petrel_table_t {
    fn from(r: Table) -> Self {
        Self {
            store_id: { let v = r.store_id; u64_of(&v).unwrap_or_default() },
            index: { let v = r.index; usize_of(v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_table_t> for Table {
    fn from(r: sys::petrel_table_t) -> Self {
        Self {
            store_id: { let v = r.store_id; BigInt::from(v) },
            index: { let v = r.index; v as f64 },
        }
    }
}

/// The type of a global.
#[napi(object)]
#[derive(Clone)]
pub struct Globaltype {
    /// Type of the value held (`PETREL_I32` ...).
    pub content: u32,
    /// `PETREL_CONST` or `PETREL_VAR`.
    pub mutability: u32,
}

impl From<Globaltype> for sys::petrel_globaltype_t {
    fn from(r: Globaltype) -> Self {
        Self {
            content: { let v = r.content; v.try_into().map_err(range).unwrap_or_default() },
            mutability: { let v = r.mutability; v.try_into().map_err(range).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_globaltype_t> for Globaltype {
    fn from(r: sys::petrel_globaltype_t) -> Self {
        Self {
            content: { let v = r.content; v.into() },
            mutability: { let v = r.mutability; v.into() },
        }
    }
}

/// A global of a store.
///
/// A plain `{store_id, index}` value: copy it freely, it needs no
/// freeing, and every use checks it against the store.
#[napi(object)]
#[derive(Clone)]
pub struct Global {
    /// The owning store's id (never 0 for a real item).
    pub store_id: BigInt,
    /// Index among the store's items of this kind.
    pub index: f64,
}

impl From<Global> for sys::petrel_global_t {
    fn from(r: Global) -> Self {
        Self {
            store_id: { let v = r.store_id; u64_of(&v).unwrap_or_default() },
            index: { let v = r.index; usize_of(v).unwrap_or_default() },
        }
    }
}

impl From<sys::petrel_global_t> for Global {
    fn from(r: sys::petrel_global_t) -> Self {
        Self {
            store_id: { let v = r.store_id; BigInt::from(v) },
            index: { let v = r.index; v as f64 },
        }
    }
}

/// Creates the default configuration (WebAssembly 2.0, optimised for
/// speed, no fuel, no epochs) in `config_out`.
///
/// # Safety
/// `config_out` is writable.
#[napi(js_name = "config_new")]
pub fn config_new() -> Result<Config> {
    let mut config_out: *mut petrel_config_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_new(
            &mut config_out
        )
    })?;
    Ok(Config { ptr: config_out })
}

/// Enables or disables 128-bit SIMD (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_simd")]
pub fn config_wasm_simd(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_simd(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables reference types (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_reference_types")]
pub fn config_wasm_reference_types(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_reference_types(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables bulk memory operations (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_bulk_memory")]
pub fn config_wasm_bulk_memory(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_bulk_memory(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables multi-value (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_multi_value")]
pub fn config_wasm_multi_value(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_multi_value(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables the sign-extension operators (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_sign_extension")]
pub fn config_wasm_sign_extension(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_sign_extension(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables extended constant expressions: `i32.add`, `i32.sub`,
/// `i32.mul` and their `i64` forms in global initialisers and segment
/// offsets (on by default, as in WebAssembly 3.0).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_extended_const")]
pub fn config_wasm_extended_const(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_extended_const(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables the wide-arithmetic operators: `i64.add128`,
/// `i64.sub128`, `i64.mul_wide_s` and `i64.mul_wide_u` (off by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_wide_arithmetic")]
pub fn config_wasm_wide_arithmetic(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_wide_arithmetic(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables the relaxed SIMD operators (on by default; they need
/// SIMD). Each has one fixed result on every machine (see
/// `Config::wasm_relaxed_simd` of the Rust API).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_relaxed_simd")]
pub fn config_wasm_relaxed_simd(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_relaxed_simd(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables tail calls: `return_call` and `return_call_indirect`
/// (on by default). A tail call replaces the caller's frame, so tail
/// recursion of any depth runs in constant stack.
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_tail_call")]
pub fn config_wasm_tail_call(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_tail_call(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables multi-memory: several memories per module, each
/// access naming its memory (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_multi_memory")]
pub fn config_wasm_multi_memory(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_multi_memory(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables memory64: memories and tables indexed with i64 (on
/// by default, as in Wasmtime). Accesses to a 64-bit memory are checked
/// against its current size; 32-bit memories keep their guard region.
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_memory64")]
pub fn config_wasm_memory64(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_memory64(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables custom page sizes: memories declared with
/// `(pagesize 1)`, sized and grown in bytes (off by default, as in
/// Wasmtime).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_custom_page_sizes")]
pub fn config_wasm_custom_page_sizes(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_custom_page_sizes(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Enables or disables non-trapping float-to-int conversions (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_wasm_saturating_float_to_int")]
pub fn config_wasm_saturating_float_to_int(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_wasm_saturating_float_to_int(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Makes compiled code count fuel: stores then need
/// `petrel_store_set_fuel`, and running out traps with
/// `PETREL_TRAP_OUT_OF_FUEL` (off by default, free when off).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_consume_fuel")]
pub fn config_consume_fuel(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_consume_fuel(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Makes compiled code check the engine's epoch against the store's
/// deadline (see `petrel_engine_increment_epoch`; off by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_epoch_interruption")]
pub fn config_epoch_interruption(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_epoch_interruption(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Compiles a module's functions on several threads (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_parallel_compilation")]
pub fn config_parallel_compilation(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_parallel_compilation(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Reserves each memory's whole 4 GiB index space plus a guard region so
/// accesses need no bounds checks (on by default); off, memories are
/// allocated to their size and every access is checked.
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_static_memory_guard")]
pub fn config_static_memory_guard(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_static_memory_guard(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Whether a module's data segments become a copy-on-write memory image
/// that instances map rather than copy (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_memory_init_cow")]
pub fn config_memory_init_cow(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_memory_init_cow(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Makes every floating-point operation that can produce a NaN produce the
/// canonical one, so results are the same bits on every host (off by
/// default).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_cranelift_nan_canonicalization")]
pub fn config_cranelift_nan_canonicalization(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_cranelift_nan_canonicalization(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Runs Cranelift's IR verifier on every function before compiling it
/// (slower compilation, for finding compiler bugs; off in release builds).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_cranelift_debug_verifier")]
pub fn config_cranelift_debug_verifier(config: &Config, enable: bool) -> Result<()> {
    let enable = { let v = enable; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_cranelift_debug_verifier(
            config.raw()?,
            enable
        )
    })?;
    Ok(())
}

/// Checks that the target triple `triple` (`triple_len` bytes of UTF-8,
/// such as `x86_64-unknown-linux-gnu`) is the host: Petrel compiles for the
/// machine it runs on only.
///
/// # Errors
/// When `triple` is not a target triple or names another architecture or
/// operating system than the host's.
///
/// # Safety
/// `config` is a live configuration; `triple` points to `triple_len` bytes.
#[napi(js_name = "config_target")]
pub fn config_target(config: &Config, triple: String) -> Result<()> {
    let triple_len = triple.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_target(
            config.raw()?,
            triple.as_ptr().cast(),
            triple_len
        )
    })?;
    Ok(())
}

/// Sets Cranelift's optimisation level (`PETREL_OPT_LEVEL_*`).
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_opt_level")]
pub fn config_opt_level(config: &Config, level: u32) -> Result<()> {
    let level = { let v = level; v.try_into().map_err(range)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_opt_level(
            config.raw()?,
            level
        )
    })?;
    Ok(())
}

/// The most stack, in bytes, wasm may use in one call from the host;
/// deeper recursion traps with `PETREL_TRAP_STACK_OVERFLOW`.
///
/// # Safety
/// `config` is a live configuration.
#[napi(js_name = "config_max_wasm_stack")]
pub fn config_max_wasm_stack(config: &Config, bytes: f64) -> Result<()> {
    let bytes = { let v = bytes; usize_of(v)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_max_wasm_stack(
            config.raw()?,
            bytes
        )
    })?;
    Ok(())
}

/// Sets the 32-byte secret key that seals serialized modules
/// (`petrel_module_serialize`) and authenticates them when they are loaded
/// (`petrel_module_deserialize`). Engines configured with the same key load
/// each other's serialized modules; anyone who knows the key can make
/// modules they will load and run, so keep it where only the embedder can
/// read it. Without a key, each engine draws a random one: its serialized
/// modules load only into that engine. `key_len` must be 32.
///
/// # Safety
/// `config` is a live configuration; `key` points to `key_len` bytes.
#[napi(js_name = "config_module_key")]
pub fn config_module_key(config: &Config, key: Uint8Array) -> Result<()> {
    let key_len = key.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_module_key(
            config.raw()?,
            key.as_ptr(),
            key_len
        )
    })?;
    Ok(())
}

/// Draws a fresh random module key from the operating system, sets it on
/// `config` (as `petrel_config_module_key` does) and writes a copy to
/// `key_out` (32 bytes; free with `petrel_bytes_delete`) so that it can be
/// stored for the engines of other processes.
///
/// # Safety
/// `config` is a live configuration; `key_out` is writable.
#[napi(js_name = "config_generate_module_key")]
pub fn config_generate_module_key(config: &Config) -> Result<Buffer> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut key_out: petrel_bytes_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_generate_module_key(
            config.raw()?,
            &mut key_out
        )
    })?;
    Ok(bytes_of(&mut key_out, sys::petrel_bytes_delete))
}

/// Turns the compilation cache on: modules compiled by engines made with
/// this configuration are stored in `directory` and loaded from there by
/// later engines (of any process of this user with the same Petrel build
/// and settings) instead of being compiled again. Entries are authenticated
/// with the key in `key_file`, which must lie outside `directory`; both are
/// created when missing (modes 0700 and 0600) and their ownership and
/// permissions are checked by `petrel_engine_new`. A tampered, truncated or
/// foreign entry is ignored and replaced. `directory` NULL (and `key_file`
/// NULL) chooses the user's default: `$XDG_CACHE_HOME/petrel/modules` and
/// `$XDG_CONFIG_HOME/petrel/cache-key` (else under `~/.cache` and
/// `~/.config`).
///
/// # Safety
/// `config` is a live configuration; `directory` and `key_file` point to
/// `directory_len` and `key_file_len` bytes of UTF-8 (or are NULL).
#[napi(js_name = "config_cache")]
pub fn config_cache(config: &Config, directory: String, key_file: String) -> Result<()> {
    let directory_len = directory.len();
    let key_file_len = key_file.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_config_cache(
            config.raw()?,
            directory.as_ptr().cast(),
            directory_len,
            key_file.as_ptr().cast(),
            key_file_len
        )
    })?;
    Ok(())
}

/// What the engine's compilation cache has done: modules loaded from it
/// (`hits_out`), compiled because no entry existed (`misses_out`), and
/// entries refused and replaced (`rejected_out`). `enabled_out` is false,
/// and the counts zero, when the engine has no cache.
///
/// # Safety
/// `engine` is a live engine; the out-pointers are writable.
#[napi(object, object_from_js = false)]
pub struct EngineCacheStatisticsResult {
    /// The `hits` out-parameter.
    pub hits: BigInt,
    /// The `misses` out-parameter.
    pub misses: BigInt,
    /// The `rejected` out-parameter.
    pub rejected: BigInt,
    /// The `enabled` out-parameter.
    pub enabled: bool,
}

/// What the engine's compilation cache has done: modules loaded from it
/// (`hits_out`), compiled because no entry existed (`misses_out`), and
/// entries refused and replaced (`rejected_out`). `enabled_out` is false,
/// and the counts zero, when the engine has no cache.
///
/// # Safety
/// `engine` is a live engine; the out-pointers are writable.
#[napi(js_name = "engine_cache_statistics")]
pub fn engine_cache_statistics(engine: &Engine) -> Result<EngineCacheStatisticsResult> {
    let mut hits_out: u64 = 0 as _;
    let mut misses_out: u64 = 0 as _;
    let mut rejected_out: u64 = 0 as _;
    let mut enabled_out: bool = false;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_engine_cache_statistics(
            engine.raw()?,
            &mut hits_out,
            &mut misses_out,
            &mut rejected_out,
            &mut enabled_out
        )
    })?;
    Ok(EngineCacheStatisticsResult { hits: { let v = hits_out; BigInt::from(v) }, misses: { let v = misses_out; BigInt::from(v) }, rejected: { let v = rejected_out; BigInt::from(v) }, enabled: { let v = enabled_out; v } })
}

/// Creates an engine for the host CPU with `config` (NULL: the defaults).
/// The configuration is copied: the caller still owns and frees it.
///
/// # Safety
/// `config` is NULL or a live configuration; `engine_out` is writable.
#[napi(js_name = "engine_new")]
pub fn engine_new(config: &Config) -> Result<Engine> {
    let mut engine_out: *mut petrel_engine_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_engine_new(
            config.raw()?,
            &mut engine_out
        )
    })?;
    Ok(Engine { ptr: engine_out })
}

/// Advances the engine's epoch by one: stores whose deadline this reaches
/// are interrupted with `PETREL_TRAP_INTERRUPT`. Safe from any thread,
/// also while wasm runs.
///
/// # Safety
/// `engine` is a live engine.
#[napi(js_name = "engine_increment_epoch")]
pub fn engine_increment_epoch(engine: &Engine) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_engine_increment_epoch(
            engine.raw()?
        )
    })?;
    Ok(())
}

/// The most stack, in bytes, wasm may use in one call from the host
/// (`petrel_config_max_wasm_stack`; 512 KiB by default). An embedder that
/// calls wasm on a stack of its own makes it at least this large, plus room
/// for the host's own frames.
///
/// # Safety
/// `engine` is a live engine; `bytes_out` is writable.
#[napi(js_name = "engine_max_wasm_stack")]
pub fn engine_max_wasm_stack(engine: &Engine) -> Result<f64> {
    let mut bytes_out: usize = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_engine_max_wasm_stack(
            engine.raw()?,
            &mut bytes_out
        )
    })?;
    Ok({ let v = bytes_out; v as f64 })
}

/// Instantiates `module` in `store` with `imports` given in the module's
/// import order.
///
/// # Errors
/// A wrong number or type of imports, an item of another store, resource
/// limits, or a trap from the start function or segment initialisation.
///
/// # Safety
/// `store` is a live store, `module` a live module; `imports` points to
/// `imports_len` items; `instance_out` is writable.
#[napi(js_name = "instance_new")]
pub fn instance_new(store: &Store, module: &Module, imports: Vec<Extern>) -> Result<Instance> {
    let imports = imports.into_iter().map(|v| Ok(sys::petrel_extern_t::from(v))).collect::<Result<Vec<_>>>()?;
    let imports_len = imports.len();
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut instance_out: petrel_instance_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_instance_new(
            store.raw()?,
            module.raw()?,
            imports.as_ptr(),
            imports_len,
            &mut instance_out
        )
    })?;
    Ok(Instance::from(instance_out))
}

/// The export `name` of `instance`; `found_out` is false when there is none.
///
/// # Safety
/// `store` is a live store; `name` points to `name_len` bytes; the
/// out-parameters are writable.
#[napi(object, object_from_js = false)]
pub struct InstanceExportGetResult {
    /// The `item` out-parameter.
    pub item: Extern,
    /// The `found` out-parameter.
    pub found: bool,
}

/// The export `name` of `instance`; `found_out` is false when there is none.
///
/// # Safety
/// `store` is a live store; `name` points to `name_len` bytes; the
/// out-parameters are writable.
#[napi(js_name = "instance_export_get")]
pub fn instance_export_get(store: &Store, instance: Instance, name: String) -> Result<InstanceExportGetResult> {
    let name_len = name.len();
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut item_out: petrel_extern_t = unsafe { std::mem::zeroed() };
    let mut found_out: bool = false;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_instance_export_get(
            store.raw()?,
            sys::petrel_instance_t::from(instance),
            name.as_ptr().cast(),
            name_len,
            &mut item_out,
            &mut found_out
        )
    })?;
    Ok(InstanceExportGetResult { item: Extern::from(item_out), found: { let v = found_out; v } })
}

/// Number of exports of `instance`.
///
/// # Safety
/// `store` is a live store; `count_out` is writable.
#[napi(js_name = "instance_export_count")]
pub fn instance_export_count(store: &Store, instance: Instance) -> Result<f64> {
    let mut count_out: usize = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_instance_export_count(
            store.raw()?,
            sys::petrel_instance_t::from(instance),
            &mut count_out
        )
    })?;
    Ok({ let v = count_out; v as f64 })
}

/// Export `index` of `instance`: its name (borrowed: valid while the store
/// lives) and the item.
///
/// # Safety
/// `store` is a live store; the out-parameters are writable.
#[napi(object, object_from_js = false)]
pub struct InstanceExportNthResult {
    /// The `name` out-parameter.
    pub name: Option<String>,
    /// The `item` out-parameter.
    pub item: Extern,
}

/// Export `index` of `instance`: its name (borrowed: valid while the store
/// lives) and the item.
///
/// # Safety
/// `store` is a live store; the out-parameters are writable.
#[napi(js_name = "instance_export_nth")]
pub fn instance_export_nth(store: &Store, instance: Instance, index: f64) -> Result<InstanceExportNthResult> {
    let index = { let v = index; usize_of(v)? };
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut name_out: petrel_str_t = unsafe { std::mem::zeroed() };
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut item_out: petrel_extern_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_instance_export_nth(
            store.raw()?,
            sys::petrel_instance_t::from(instance),
            index,
            &mut name_out,
            &mut item_out
        )
    })?;
    Ok(InstanceExportNthResult { name: str_of(name_out), item: Extern::from(item_out) })
}

/// The type of any item of `store`, in `type_out` (owned by the caller).
///
/// # Safety
/// `store` is a live store; `type_out` is writable.
#[napi(js_name = "extern_type")]
pub fn extern_type(store: &Store, item: Extern) -> Result<Externtype> {
    let mut type_out: *mut petrel_externtype_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_extern_type(
            store.raw()?,
            sys::petrel_extern_t::from(item),
            &mut type_out
        )
    })?;
    Ok(Externtype { ptr: type_out })
}

/// Creates a memory of type `memorytype` in `store`.
///
/// # Safety
/// `store` is a live store; `memory_out` is writable.
#[napi(js_name = "memory_new")]
pub fn memory_new(store: &Store, memorytype: Memorytype) -> Result<Memory> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut memory_out: petrel_memory_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_memory_new(
            store.raw()?,
            sys::petrel_memorytype_t::from(memorytype),
            &mut memory_out
        )
    })?;
    Ok(Memory::from(memory_out))
}

/// The memory's type, with its current size as the minimum.
///
/// # Safety
/// `store` is a live store; `memorytype_out` is writable.
#[napi(js_name = "memory_type")]
pub fn memory_type(store: &Store, memory: Memory) -> Result<Memorytype> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut memorytype_out: petrel_memorytype_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_memory_type(
            store.raw()?,
            sys::petrel_memory_t::from(memory),
            &mut memorytype_out
        )
    })?;
    Ok(Memorytype::from(memorytype_out))
}

/// The memory's size in pages of its page size (64 KiB, or one byte for a
/// memory of `page_size` 1).
///
/// # Safety
/// `store` is a live store; `pages_out` is writable.
#[napi(js_name = "memory_size")]
pub fn memory_size(store: &Store, memory: Memory) -> Result<BigInt> {
    let mut pages_out: u64 = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_memory_size(
            store.raw()?,
            sys::petrel_memory_t::from(memory),
            &mut pages_out
        )
    })?;
    Ok({ let v = pages_out; BigInt::from(v) })
}

/// Grows the memory by `delta` pages (of its page size); the old size in
/// pages goes to `old_pages_out`.
///
/// # Errors
/// Beyond the maximum, refused by the store's limiter, or out of memory.
///
/// # Safety
/// `store` is a live store; `old_pages_out` is writable.
#[napi(js_name = "memory_grow")]
pub fn memory_grow(store: &Store, memory: Memory, delta: BigInt) -> Result<BigInt> {
    let delta = { let v = delta; u64_of(&v)? };
    let mut old_pages_out: u64 = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_memory_grow(
            store.raw()?,
            sys::petrel_memory_t::from(memory),
            delta,
            &mut old_pages_out
        )
    })?;
    Ok({ let v = old_pages_out; BigInt::from(v) })
}

/// Copies `buf_len` bytes from the memory at `offset` into `buf`.
///
/// # Errors
/// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
///
/// # Safety
/// `store` is a live store; `buf` points to `buf_len` writable bytes.
#[napi(js_name = "memory_read")]
pub fn memory_read(store: &Store, memory: Memory, offset: f64, mut buf: Uint8Array) -> Result<()> {
    let offset = { let v = offset; usize_of(v)? };
    let buf_len = buf.len();
    // SAFETY: the caller's buffer, written only during the call.
    let buf_ptr = unsafe { buf.as_mut() }.as_mut_ptr();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_memory_read(
            store.raw()?,
            sys::petrel_memory_t::from(memory),
            offset,
            buf_ptr,
            buf_len
        )
    })?;
    Ok(())
}

/// Copies `buf_len` bytes from `buf` into the memory at `offset`.
///
/// # Errors
/// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
///
/// # Safety
/// `store` is a live store; `buf` points to `buf_len` bytes.
#[napi(js_name = "memory_write")]
pub fn memory_write(store: &Store, memory: Memory, offset: f64, buf: Uint8Array) -> Result<()> {
    let offset = { let v = offset; usize_of(v)? };
    let buf_len = buf.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_memory_write(
            store.raw()?,
            sys::petrel_memory_t::from(memory),
            offset,
            buf.as_ptr(),
            buf_len
        )
    })?;
    Ok(())
}

/// The table's type, with its current size as the minimum.
///
/// # Safety
/// `store` is a live store; `tabletype_out` is writable.
#[napi(js_name = "table_type")]
pub fn table_type(store: &Store, table: Table) -> Result<Tabletype> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut tabletype_out: petrel_tabletype_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_table_type(
            store.raw()?,
            sys::petrel_table_t::from(table),
            &mut tabletype_out
        )
    })?;
    Ok(Tabletype::from(tabletype_out))
}

/// The table's size in elements.
///
/// # Safety
/// `store` is a live store; `size_out` is writable.
#[napi(js_name = "table_size")]
pub fn table_size(store: &Store, table: Table) -> Result<u32> {
    let mut size_out: u32 = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_table_size(
            store.raw()?,
            sys::petrel_table_t::from(table),
            &mut size_out
        )
    })?;
    Ok({ let v = size_out; v.into() })
}

/// The global's type.
///
/// # Safety
/// `store` is a live store; `globaltype_out` is writable.
#[napi(js_name = "global_type")]
pub fn global_type(store: &Store, global: Global) -> Result<Globaltype> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut globaltype_out: petrel_globaltype_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_global_type(
            store.raw()?,
            sys::petrel_global_t::from(global),
            &mut globaltype_out
        )
    })?;
    Ok(Globaltype::from(globaltype_out))
}

/// Creates a function type from its parameter and result kinds.
///
/// # Safety
/// `params` and `results` point to `params_len` and `results_len` kinds;
/// `functype_out` is writable.
#[napi(js_name = "functype_new")]
pub fn functype_new(params: Vec<u32>, results: Vec<u32>) -> Result<Functype> {
    let params = params.into_iter().map(|v| Ok(v.try_into().map_err(range)?)).collect::<Result<Vec<_>>>()?;
    let params_len = params.len();
    let results = results.into_iter().map(|v| Ok(v.try_into().map_err(range)?)).collect::<Result<Vec<_>>>()?;
    let results_len = results.len();
    let mut functype_out: *mut petrel_functype_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_functype_new(
            params.as_ptr(),
            params_len,
            results.as_ptr(),
            results_len,
            &mut functype_out
        )
    })?;
    Ok(Functype { ptr: functype_out })
}

/// The function's type, in `functype_out` (owned by the caller).
///
/// # Safety
/// `store` is a live store; `functype_out` is writable.
#[napi(js_name = "func_type")]
pub fn func_type(store: &Store, func: Func) -> Result<Functype> {
    let mut functype_out: *mut petrel_functype_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_func_type(
            store.raw()?,
            sys::petrel_func_t::from(func),
            &mut functype_out
        )
    })?;
    Ok(Functype { ptr: functype_out })
}

/// Creates an empty linker for `engine`.
///
/// # Safety
/// `engine` is a live engine; `linker_out` is writable.
#[napi(js_name = "linker_new")]
pub fn linker_new(engine: &Engine) -> Result<Linker> {
    let mut linker_out: *mut petrel_linker_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_new(
            engine.raw()?,
            &mut linker_out
        )
    })?;
    Ok(Linker { ptr: linker_out })
}

/// Whether a later definition may replace an earlier one of the same name
/// (off by default: redefining is an error).
///
/// # Safety
/// `linker` is a live linker.
#[napi(js_name = "linker_allow_shadowing")]
pub fn linker_allow_shadowing(linker: &Linker, allow: bool) -> Result<()> {
    let allow = { let v = allow; v };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_allow_shadowing(
            linker.raw()?,
            allow
        )
    })?;
    Ok(())
}

/// Defines `module::name` as `item`, an item of `store`.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `module` and `name`
/// point to `module_len` and `name_len` bytes.
#[napi(js_name = "linker_define")]
pub fn linker_define(linker: &Linker, store: &Store, module: String, name: String, item: Extern) -> Result<()> {
    let module_len = module.len();
    let name_len = name.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_define(
            linker.raw()?,
            store.raw()?,
            module.as_ptr().cast(),
            module_len,
            name.as_ptr().cast(),
            name_len,
            sys::petrel_extern_t::from(item)
        )
    })?;
    Ok(())
}

/// Defines every export of `instance` (an instance of `store`) as
/// `module::<export name>`.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `module` points to
/// `module_len` bytes.
#[napi(js_name = "linker_define_instance")]
pub fn linker_define_instance(linker: &Linker, store: &Store, module: String, instance: Instance) -> Result<()> {
    let module_len = module.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_define_instance(
            linker.raw()?,
            store.raw()?,
            module.as_ptr().cast(),
            module_len,
            sys::petrel_instance_t::from(instance)
        )
    })?;
    Ok(())
}

/// Instantiates `module` in `store`, resolving every import by name.
///
/// # Errors
/// An undefined import, a type mismatch, or instantiation's own errors.
///
/// # Safety
/// `linker` is a live linker, `store` a live store, `module` a live
/// module; `instance_out` is writable.
#[napi(js_name = "linker_instantiate")]
pub fn linker_instantiate(linker: &Linker, store: &Store, module: &Module) -> Result<Instance> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut instance_out: petrel_instance_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_instantiate(
            linker.raw()?,
            store.raw()?,
            module.raw()?,
            &mut instance_out
        )
    })?;
    Ok(Instance::from(instance_out))
}

/// The item defined as `module::name`, placed in `store`; `found_out` is
/// false when nothing is defined under that name.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `module` and `name`
/// point to `module_len` and `name_len` bytes; the out-parameters are
/// writable.
#[napi(object, object_from_js = false)]
pub struct LinkerGetResult {
    /// The `item` out-parameter.
    pub item: Extern,
    /// The `found` out-parameter.
    pub found: bool,
}

/// The item defined as `module::name`, placed in `store`; `found_out` is
/// false when nothing is defined under that name.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `module` and `name`
/// point to `module_len` and `name_len` bytes; the out-parameters are
/// writable.
#[napi(js_name = "linker_get")]
pub fn linker_get(linker: &Linker, store: &Store, module: String, name: String) -> Result<LinkerGetResult> {
    let module_len = module.len();
    let name_len = name.len();
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut item_out: petrel_extern_t = unsafe { std::mem::zeroed() };
    let mut found_out: bool = false;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_get(
            linker.raw()?,
            store.raw()?,
            module.as_ptr().cast(),
            module_len,
            name.as_ptr().cast(),
            name_len,
            &mut item_out,
            &mut found_out
        )
    })?;
    Ok(LinkerGetResult { item: Extern::from(item_out), found: { let v = found_out; v } })
}

/// Defines the exports of `module` under the module name `name`, as
/// Wasmtime's `Linker::module` does for WASI commands and reactors: a
/// reactor (a module without `_start`) is instantiated in `store` now, its
/// `_initialize` called, and its exports defined; each exported function
/// of a command (a module exporting `_start`) is defined as a function of
/// `store` that instantiates the module afresh for every call.
///
/// # Errors
/// An unresolved import, instantiation's errors, a trap of
/// `_initialize`, a command exporting something other than functions (and
/// `memory`-like toolchain exports), or a name already defined.
///
/// # Safety
/// `linker` is a live linker, `store` a live store, `module` a live
/// module; `name` points to `name_len` bytes.
#[napi(js_name = "linker_module")]
pub fn linker_module(linker: &Linker, store: &Store, name: String, module: &Module) -> Result<()> {
    let name_len = name.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_module(
            linker.raw()?,
            store.raw()?,
            name.as_ptr().cast(),
            name_len,
            module.raw()?
        )
    })?;
    Ok(())
}

/// The default export of module `name`: its function `""`, else its
/// function `_start`, else a new function of `store` that does nothing.
///
/// # Errors
/// When `""` or `_start` is defined as something other than a function.
///
/// # Safety
/// `linker` is a live linker, `store` a live store; `name` points to
/// `name_len` bytes; `func_out` is writable.
#[napi(js_name = "linker_get_default")]
pub fn linker_get_default(linker: &Linker, store: &Store, name: String) -> Result<Func> {
    let name_len = name.len();
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut func_out: petrel_func_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_get_default(
            linker.raw()?,
            store.raw()?,
            name.as_ptr().cast(),
            name_len,
            &mut func_out
        )
    })?;
    Ok(Func::from(func_out))
}

/// Defines every function import of `module` that `linker` does not define
/// yet as a function that fails with an "unknown import" error when
/// called (other kinds of imports stay undefined).
///
/// # Safety
/// `linker` is a live linker, `module` a live module.
#[napi(js_name = "linker_define_unknown_imports_as_traps")]
pub fn linker_define_unknown_imports_as_traps(linker: &Linker, module: &Module) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_define_unknown_imports_as_traps(
            linker.raw()?,
            module.raw()?
        )
    })?;
    Ok(())
}

/// Defines every import of `module` that `linker` does not define yet as a
/// default item of `store`: a function returning zeros and null
/// references, a global holding zero or null, a table of null references,
/// a memory of the import's minimum size.
///
/// # Errors
/// When a table or memory cannot be made (the store's limits).
///
/// # Safety
/// `linker` is a live linker, `store` a live store, `module` a live module.
#[napi(js_name = "linker_define_unknown_imports_as_default_values")]
pub fn linker_define_unknown_imports_as_default_values(linker: &Linker, store: &Store, module: &Module) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_define_unknown_imports_as_default_values(
            linker.raw()?,
            store.raw()?,
            module.raw()?
        )
    })?;
    Ok(())
}

/// Resolves every import of `module` from `linker`'s definitions now.
///
/// # Errors
/// An import the linker does not define, or a module of another engine.
///
/// # Safety
/// `linker` is a live linker, `module` a live module; `pre_out` is
/// writable.
#[napi(js_name = "linker_instantiate_pre")]
pub fn linker_instantiate_pre(linker: &Linker, module: &Module) -> Result<InstancePre> {
    let mut pre_out: *mut petrel_instance_pre_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_instantiate_pre(
            linker.raw()?,
            module.raw()?,
            &mut pre_out
        )
    })?;
    Ok(InstancePre { ptr: pre_out })
}

/// Instantiates the module of `pre` in `store`.
///
/// # Errors
/// An import defined as an item of another store, or instantiation's own
/// errors (a trap of the start function included).
///
/// # Safety
/// `pre` is a live pre-instantiated module, `store` a live store;
/// `instance_out` is writable.
#[napi(js_name = "instance_pre_instantiate")]
pub fn instance_pre_instantiate(pre: &InstancePre, store: &Store) -> Result<Instance> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut instance_out: petrel_instance_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_instance_pre_instantiate(
            pre.raw()?,
            store.raw()?,
            &mut instance_out
        )
    })?;
    Ok(Instance::from(instance_out))
}

/// The module `pre` instantiates, as a new module object (free it with
/// `petrel_module_delete`; it shares the compiled code).
///
/// # Safety
/// `pre` is a live pre-instantiated module; `module_out` is writable.
#[napi(js_name = "instance_pre_module")]
pub fn instance_pre_module(pre: &InstancePre) -> Result<Module> {
    let mut module_out: *mut petrel_module_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_instance_pre_module(
            pre.raw()?,
            &mut module_out
        )
    })?;
    Ok(Module { ptr: module_out })
}

/// Translates WebAssembly text to the binary format.
///
/// # Safety
/// `wat` points to `wat_len` bytes; `wasm_out` is writable.
#[napi(js_name = "wat2wasm")]
pub fn wat2wasm(wat: String) -> Result<Buffer> {
    let wat_len = wat.len();
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut wasm_out: petrel_bytes_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wat2wasm(
            wat.as_ptr().cast(),
            wat_len,
            &mut wasm_out
        )
    })?;
    Ok(bytes_of(&mut wasm_out, sys::petrel_bytes_delete))
}

/// Compiles a module from the binary or the text format.
///
/// # Safety
/// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
/// `module_out` is writable.
#[napi(js_name = "module_new")]
pub fn module_new(engine: &Engine, bytes: Uint8Array) -> Result<Module> {
    let bytes_len = bytes.len();
    let mut module_out: *mut petrel_module_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_new(
            engine.raw()?,
            bytes.as_ptr(),
            bytes_len,
            &mut module_out
        )
    })?;
    Ok(Module { ptr: module_out })
}

/// Validates a module in the binary format without compiling it.
///
/// # Safety
/// `engine` is a live engine; `bytes` points to `bytes_len` bytes.
#[napi(js_name = "module_validate")]
pub fn module_validate(engine: &Engine, bytes: Uint8Array) -> Result<()> {
    let bytes_len = bytes.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_validate(
            engine.raw()?,
            bytes.as_ptr(),
            bytes_len
        )
    })?;
    Ok(())
}

/// Serializes the compiled module into `bytes_out` (free it with
/// `petrel_bytes_delete`), sealed with the engine's module key (see
/// `petrel_config_module_key`).
///
/// # Safety
/// `module` is a live module; `bytes_out` is writable.
#[napi(js_name = "module_serialize")]
pub fn module_serialize(module: &Module) -> Result<Buffer> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut bytes_out: petrel_bytes_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_serialize(
            module.raw()?,
            &mut bytes_out
        )
    })?;
    Ok(bytes_of(&mut bytes_out, sys::petrel_bytes_delete))
}

/// Loads a module written by `petrel_module_serialize`. Safe for any
/// bytes: before anything is decoded or mapped, their MAC is verified with
/// the engine's module key (see `petrel_config_module_key`), so only bytes
/// sealed by this engine, or by one configured with the same key, load; the
/// Petrel build and engine settings must match too. The error of a refused
/// module names the reason: not a compiled Petrel module, truncated,
/// another artifact format version, "authentication failed" (modified, or
/// sealed with another key), or a different Petrel version or engine
/// configuration.
///
/// # Safety
/// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
/// `module_out` is writable.
#[napi(js_name = "module_deserialize")]
pub fn module_deserialize(engine: &Engine, bytes: Uint8Array) -> Result<Module> {
    let bytes_len = bytes.len();
    let mut module_out: *mut petrel_module_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_deserialize(
            engine.raw()?,
            bytes.as_ptr(),
            bytes_len,
            &mut module_out
        )
    })?;
    Ok(Module { ptr: module_out })
}

/// The module's name from its name section (data NULL when it has none),
/// borrowed from the module.
///
/// # Safety
/// `module` is a live module; `name_out` is writable.
#[napi(js_name = "module_name")]
pub fn module_name(module: &Module) -> Result<Option<String>> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut name_out: petrel_str_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_name(
            module.raw()?,
            &mut name_out
        )
    })?;
    Ok(str_of(name_out))
}

/// Number of imports of the module.
///
/// # Safety
/// `module` is a live module; `count_out` is writable.
#[napi(js_name = "module_import_count")]
pub fn module_import_count(module: &Module) -> Result<f64> {
    let mut count_out: usize = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_import_count(
            module.raw()?,
            &mut count_out
        )
    })?;
    Ok({ let v = count_out; v as f64 })
}

/// Import `index`: its module and field names (borrowed from the module)
/// and its type (owned by the caller).
///
/// # Safety
/// `module` is a live module; the out-parameters are writable.
#[napi(object, object_from_js = false)]
pub struct ModuleImportResult {
    /// The `module_name` out-parameter.
    pub module_name: Option<String>,
    /// The `name` out-parameter.
    pub name: Option<String>,
    /// The `ty` out-parameter.
    pub ty: Externtype,
}

/// Import `index`: its module and field names (borrowed from the module)
/// and its type (owned by the caller).
///
/// # Safety
/// `module` is a live module; the out-parameters are writable.
#[napi(js_name = "module_import")]
pub fn module_import(module: &Module, index: f64) -> Result<ModuleImportResult> {
    let index = { let v = index; usize_of(v)? };
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut module_name_out: petrel_str_t = unsafe { std::mem::zeroed() };
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut name_out: petrel_str_t = unsafe { std::mem::zeroed() };
    let mut type_out: *mut petrel_externtype_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_import(
            module.raw()?,
            index,
            &mut module_name_out,
            &mut name_out,
            &mut type_out
        )
    })?;
    Ok(ModuleImportResult { module_name: str_of(module_name_out), name: str_of(name_out), ty: Externtype { ptr: type_out } })
}

/// Number of exports of the module.
///
/// # Safety
/// `module` is a live module; `count_out` is writable.
#[napi(js_name = "module_export_count")]
pub fn module_export_count(module: &Module) -> Result<f64> {
    let mut count_out: usize = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_export_count(
            module.raw()?,
            &mut count_out
        )
    })?;
    Ok({ let v = count_out; v as f64 })
}

/// Export `index`: its name (borrowed from the module) and its type
/// (owned by the caller).
///
/// # Safety
/// `module` is a live module; the out-parameters are writable.
#[napi(object, object_from_js = false)]
pub struct ModuleExportResult {
    /// The `name` out-parameter.
    pub name: Option<String>,
    /// The `ty` out-parameter.
    pub ty: Externtype,
}

/// Export `index`: its name (borrowed from the module) and its type
/// (owned by the caller).
///
/// # Safety
/// `module` is a live module; the out-parameters are writable.
#[napi(js_name = "module_export")]
pub fn module_export(module: &Module, index: f64) -> Result<ModuleExportResult> {
    let index = { let v = index; usize_of(v)? };
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut name_out: petrel_str_t = unsafe { std::mem::zeroed() };
    let mut type_out: *mut petrel_externtype_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_module_export(
            module.raw()?,
            index,
            &mut name_out,
            &mut type_out
        )
    })?;
    Ok(ModuleExportResult { name: str_of(name_out), ty: Externtype { ptr: type_out } })
}

/// The kind of the item (`PETREL_EXTERN_*`).
///
/// # Safety
/// `externtype` is a live extern type; `kind_out` is writable.
#[napi(js_name = "externtype_kind")]
pub fn externtype_kind(externtype: &Externtype) -> Result<u32> {
    let mut kind_out: petrel_extern_kind_t = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_externtype_kind(
            externtype.raw()?,
            &mut kind_out
        )
    })?;
    Ok({ let v = kind_out; v.into() })
}

/// The function type of a function item (owned by the caller); an error
/// for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `functype_out` is writable.
#[napi(js_name = "externtype_functype")]
pub fn externtype_functype(externtype: &Externtype) -> Result<Functype> {
    let mut functype_out: *mut petrel_functype_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_externtype_functype(
            externtype.raw()?,
            &mut functype_out
        )
    })?;
    Ok(Functype { ptr: functype_out })
}

/// The global type of a global item; an error for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `globaltype_out` is writable.
#[napi(js_name = "externtype_globaltype")]
pub fn externtype_globaltype(externtype: &Externtype) -> Result<Globaltype> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut globaltype_out: petrel_globaltype_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_externtype_globaltype(
            externtype.raw()?,
            &mut globaltype_out
        )
    })?;
    Ok(Globaltype::from(globaltype_out))
}

/// The table type of a table item; an error for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `tabletype_out` is writable.
#[napi(js_name = "externtype_tabletype")]
pub fn externtype_tabletype(externtype: &Externtype) -> Result<Tabletype> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut tabletype_out: petrel_tabletype_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_externtype_tabletype(
            externtype.raw()?,
            &mut tabletype_out
        )
    })?;
    Ok(Tabletype::from(tabletype_out))
}

/// The memory type of a memory item; an error for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `memorytype_out` is writable.
#[napi(js_name = "externtype_memorytype")]
pub fn externtype_memorytype(externtype: &Externtype) -> Result<Memorytype> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut memorytype_out: petrel_memorytype_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_externtype_memorytype(
            externtype.raw()?,
            &mut memorytype_out
        )
    })?;
    Ok(Memorytype::from(memorytype_out))
}

/// Closes a store: frees everything in it (calling the finalizers of its
/// data, host functions and extern references) but keeps the
/// `petrel_store_t` itself, so that any later use is a clean "the store
/// is closed" error instead of a dangling pointer. Free it with
/// `petrel_store_delete`. Refused (with an error, the store left intact)
/// while the store is in use: from a host callback or another thread.
/// Closing a closed store does nothing.
///
/// # Safety
/// `store` is a live (possibly closed) store.
#[napi(js_name = "store_close")]
pub fn store_close(store: &Store) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_close(
            store.raw()?
        )
    })?;
    Ok(())
}

/// The id of the store: the `store_id` of every item it owns.
///
/// # Safety
/// `store` is a live store; `id_out` is writable.
#[napi(js_name = "store_id")]
pub fn store_id(store: &Store) -> Result<BigInt> {
    let mut id_out: u64 = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_id(
            store.raw()?,
            &mut id_out
        )
    })?;
    Ok({ let v = id_out; BigInt::from(v) })
}

/// Sets the fuel available to wasm in this store.
///
/// # Errors
/// When the engine was not configured with `petrel_config_consume_fuel`.
///
/// # Safety
/// `store` is a live store.
#[napi(js_name = "store_set_fuel")]
pub fn store_set_fuel(store: &Store, fuel: BigInt) -> Result<()> {
    let fuel = { let v = fuel; u64_of(&v)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_set_fuel(
            store.raw()?,
            fuel
        )
    })?;
    Ok(())
}

/// The fuel left in this store.
///
/// # Errors
/// When the engine was not configured with `petrel_config_consume_fuel`.
///
/// # Safety
/// `store` is a live store; `fuel_out` is writable.
#[napi(js_name = "store_get_fuel")]
pub fn store_get_fuel(store: &Store) -> Result<BigInt> {
    let mut fuel_out: u64 = 0 as _;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_get_fuel(
            store.raw()?,
            &mut fuel_out
        )
    })?;
    Ok({ let v = fuel_out; BigInt::from(v) })
}

/// Sets the epoch deadline `ticks` beyond the engine's current epoch:
/// wasm in this store traps with `PETREL_TRAP_INTERRUPT` once the engine's
/// epoch reaches it (with `petrel_config_epoch_interruption` on).
///
/// # Safety
/// `store` is a live store.
#[napi(js_name = "store_set_epoch_deadline")]
pub fn store_set_epoch_deadline(store: &Store, ticks: BigInt) -> Result<()> {
    let ticks = { let v = ticks; u64_of(&v)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_set_epoch_deadline(
            store.raw()?,
            ticks
        )
    })?;
    Ok(())
}

/// Caps the store's resources: the bytes of any one memory, the elements
/// of any one table, and the number of instances. A negative value means
/// no limit. Growth beyond a cap fails (`memory.grow` returns -1), and
/// creation beyond it is an error.
///
/// # Safety
/// `store` is a live store.
#[napi(js_name = "store_limiter")]
pub fn store_limiter(store: &Store, memory_size: BigInt, table_elements: BigInt, instances: BigInt) -> Result<()> {
    let memory_size = { let v = memory_size; i64_of(&v)? };
    let table_elements = { let v = table_elements; i64_of(&v)? };
    let instances = { let v = instances; i64_of(&v)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_limiter(
            store.raw()?,
            memory_size,
            table_elements,
            instances
        )
    })?;
    Ok(())
}

/// Caps the store's resources like `petrel_store_limiter`, plus the number
/// of tables and of memories the store may hold (Wasmtime's
/// `wasmtime_store_limiter`). A negative value means no limit.
///
/// # Safety
/// `store` is a live store.
#[napi(js_name = "store_limits")]
pub fn store_limits(store: &Store, memory_size: BigInt, table_elements: BigInt, instances: BigInt, tables: BigInt, memories: BigInt) -> Result<()> {
    let memory_size = { let v = memory_size; i64_of(&v)? };
    let table_elements = { let v = table_elements; i64_of(&v)? };
    let instances = { let v = instances; i64_of(&v)? };
    let tables = { let v = tables; i64_of(&v)? };
    let memories = { let v = memories; i64_of(&v)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_limits(
            store.raw()?,
            memory_size,
            table_elements,
            instances,
            tables,
            memories
        )
    })?;
    Ok(())
}

/// Frees the extern references that no global or table of the store holds
/// any more, calling their finalizers. A `petrel_externref_t` of a
/// collected reference is invalid afterwards (using it is an error). From
/// inside a host callback (wasm on the stack, whose references this cannot
/// see) it collects nothing.
///
/// # Safety
/// `store` is a live store.
#[napi(js_name = "store_gc")]
pub fn store_gc(store: &Store) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_gc(
            store.raw()?
        )
    })?;
    Ok(())
}

/// Creates a WASI configuration with the defaults (see
/// `petrel_wasi_config_t`) in `config_out`.
///
/// # Safety
/// `config_out` is writable.
#[napi(js_name = "wasi_config_new")]
pub fn wasi_config_new() -> Result<WasiConfig> {
    let mut config_out: *mut petrel_wasi_config_t = std::ptr::null_mut();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_new(
            &mut config_out
        )
    })?;
    Ok(WasiConfig { ptr: config_out })
}

/// Sets the program's arguments (`argv[0]` is conventionally its name):
/// the `argc` NUL-terminated UTF-8 strings of `argv`, copied.
///
/// # Safety
/// `config` is a live WASI configuration; `argv` points to `argc`
/// pointers to NUL-terminated strings (`argv` may be NULL when `argc` is
/// 0).
#[napi(js_name = "wasi_config_set_argv")]
pub fn wasi_config_set_argv(config: &WasiConfig, argv: Vec<String>) -> Result<()> {
    let argv = argv.into_iter().map(|v| Ok(cstring(v)?)).collect::<Result<Vec<_>>>()?;
    let argv_ptrs: Vec<*const c_char> = argv.iter().map(|s| s.as_ptr()).collect();
    let argv_len = argv.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_argv(
            config.raw()?,
            argv_ptrs.as_ptr(),
            argv_len
        )
    })?;
    Ok(())
}

/// Gives the program the host process's own arguments.
///
/// # Safety
/// `config` is a live WASI configuration.
#[napi(js_name = "wasi_config_inherit_argv")]
pub fn wasi_config_inherit_argv(config: &WasiConfig) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_inherit_argv(
            config.raw()?
        )
    })?;
    Ok(())
}

/// Sets the program's environment: variable `names[i]` has the value
/// `values[i]`, for the `envc` NUL-terminated UTF-8 strings of each array
/// (copied; a later duplicate name replaces an earlier one).
///
/// # Errors
/// A name that is empty or contains `=`, or a string that is not UTF-8.
///
/// # Safety
/// `config` is a live WASI configuration; `names` and `values` each point
/// to `envc` pointers to NUL-terminated strings (either may be NULL when
/// `envc` is 0).
#[napi(js_name = "wasi_config_set_env")]
pub fn wasi_config_set_env(config: &WasiConfig, names: Vec<String>, values: Vec<String>) -> Result<()> {
    let names = names.into_iter().map(|v| Ok(cstring(v)?)).collect::<Result<Vec<_>>>()?;
    let names_ptrs: Vec<*const c_char> = names.iter().map(|s| s.as_ptr()).collect();
    let names_len = names.len();
    let values = values.into_iter().map(|v| Ok(cstring(v)?)).collect::<Result<Vec<_>>>()?;
    let values_ptrs: Vec<*const c_char> = values.iter().map(|s| s.as_ptr()).collect();
    let values_len = values.len();
    if values_len != names_len { return Err(Error::from_reason("`values` and `names` differ in length")); }
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_env(
            config.raw()?,
            names_ptrs.as_ptr(),
            values_ptrs.as_ptr(),
            names_len
        )
    })?;
    Ok(())
}

/// Gives the program the host process's environment (variables whose
/// name or value is not UTF-8 are left out).
///
/// # Safety
/// `config` is a live WASI configuration.
#[napi(js_name = "wasi_config_inherit_env")]
pub fn wasi_config_inherit_env(config: &WasiConfig) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_inherit_env(
            config.raw()?
        )
    })?;
    Ok(())
}

/// Standard input yields the `bytes_len` bytes at `bytes` (copied), then
/// end of file.
///
/// # Safety
/// `config` is a live WASI configuration; `bytes` points to `bytes_len`
/// readable bytes (or is NULL with `bytes_len` 0).
#[napi(js_name = "wasi_config_set_stdin_bytes")]
pub fn wasi_config_set_stdin_bytes(config: &WasiConfig, bytes: Uint8Array) -> Result<()> {
    let bytes_len = bytes.len();
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_stdin_bytes(
            config.raw()?,
            bytes.as_ptr(),
            bytes_len
        )
    })?;
    Ok(())
}

/// Standard input reads the host file `path` (NUL-terminated), opened
/// now.
///
/// # Errors
/// When the file cannot be opened for reading.
///
/// # Safety
/// `config` is a live WASI configuration; `path` is a NUL-terminated
/// string.
#[napi(js_name = "wasi_config_set_stdin_file")]
pub fn wasi_config_set_stdin_file(config: &WasiConfig, path: String) -> Result<()> {
    let path = cstring(path)?;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_stdin_file(
            config.raw()?,
            path.as_ptr()
        )
    })?;
    Ok(())
}

/// Standard input reads the host process's standard input.
///
/// # Safety
/// `config` is a live WASI configuration.
#[napi(js_name = "wasi_config_inherit_stdin")]
pub fn wasi_config_inherit_stdin(config: &WasiConfig) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_inherit_stdin(
            config.raw()?
        )
    })?;
    Ok(())
}

/// Standard output goes to the host file `path` (NUL-terminated), created
/// or truncated now.
///
/// # Errors
/// When the file cannot be opened for writing.
///
/// # Safety
/// `config` is a live WASI configuration; `path` is a NUL-terminated
/// string.
#[napi(js_name = "wasi_config_set_stdout_file")]
pub fn wasi_config_set_stdout_file(config: &WasiConfig, path: String) -> Result<()> {
    let path = cstring(path)?;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_stdout_file(
            config.raw()?,
            path.as_ptr()
        )
    })?;
    Ok(())
}

/// Standard output goes to the host process's standard output.
///
/// # Safety
/// `config` is a live WASI configuration.
#[napi(js_name = "wasi_config_inherit_stdout")]
pub fn wasi_config_inherit_stdout(config: &WasiConfig) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_inherit_stdout(
            config.raw()?
        )
    })?;
    Ok(())
}

/// Standard output is captured in memory, at most `capacity` bytes (a
/// write beyond is short, then fails with `ENOSPC`); read it with
/// `petrel_store_wasi_stdout`.
///
/// # Safety
/// `config` is a live WASI configuration.
#[napi(js_name = "wasi_config_set_stdout_capture")]
pub fn wasi_config_set_stdout_capture(config: &WasiConfig, capacity: f64) -> Result<()> {
    let capacity = { let v = capacity; usize_of(v)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_stdout_capture(
            config.raw()?,
            capacity
        )
    })?;
    Ok(())
}

/// Standard error goes to the host file `path` (NUL-terminated), created
/// or truncated now.
///
/// # Errors
/// When the file cannot be opened for writing.
///
/// # Safety
/// `config` is a live WASI configuration; `path` is a NUL-terminated
/// string.
#[napi(js_name = "wasi_config_set_stderr_file")]
pub fn wasi_config_set_stderr_file(config: &WasiConfig, path: String) -> Result<()> {
    let path = cstring(path)?;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_stderr_file(
            config.raw()?,
            path.as_ptr()
        )
    })?;
    Ok(())
}

/// Standard error goes to the host process's standard error.
///
/// # Safety
/// `config` is a live WASI configuration.
#[napi(js_name = "wasi_config_inherit_stderr")]
pub fn wasi_config_inherit_stderr(config: &WasiConfig) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_inherit_stderr(
            config.raw()?
        )
    })?;
    Ok(())
}

/// Standard error is captured in memory, at most `capacity` bytes; read
/// it with `petrel_store_wasi_stderr`.
///
/// # Safety
/// `config` is a live WASI configuration.
#[napi(js_name = "wasi_config_set_stderr_capture")]
pub fn wasi_config_set_stderr_capture(config: &WasiConfig, capacity: f64) -> Result<()> {
    let capacity = { let v = capacity; usize_of(v)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_set_stderr_capture(
            config.raw()?,
            capacity
        )
    })?;
    Ok(())
}

/// Gives the program the host directory `host_path` under the name
/// `guest_path` (both NUL-terminated; the guest path UTF-8). Descriptors
/// 3, 4, ... go to the directories in the order of these calls. Paths
/// the program opens through one cannot leave it (`..` or a symbolic link
/// out of it fails with an errno).
///
/// # Errors
/// When `host_path` is not a directory the host can resolve.
///
/// # Safety
/// `config` is a live WASI configuration; `host_path` and `guest_path`
/// are NUL-terminated strings.
#[napi(js_name = "wasi_config_preopen_dir")]
pub fn wasi_config_preopen_dir(config: &WasiConfig, host_path: String, guest_path: String) -> Result<()> {
    let host_path = cstring(host_path)?;
    let guest_path = cstring(guest_path)?;
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_preopen_dir(
            config.raw()?,
            host_path.as_ptr(),
            guest_path.as_ptr()
        )
    })?;
    Ok(())
}

/// `petrel_wasi_config_preopen_dir` with permissions: what the program may
/// do with the directory and those below it (`dir_perms`) and with the
/// files it opens there (`file_perms`); an operation they do not allow
/// fails with `ENOTCAPABLE` in the program.
///
/// # Errors
/// When `host_path` is not a directory the host can open, or a permission
/// value has bits other than read and write.
///
/// # Safety
/// `config` is a live WASI configuration; `host_path` and `guest_path`
/// are NUL-terminated strings.
#[napi(js_name = "wasi_config_preopen_dir_with_perms")]
pub fn wasi_config_preopen_dir_with_perms(config: &WasiConfig, host_path: String, guest_path: String, dir_perms: u32, file_perms: u32) -> Result<()> {
    let host_path = cstring(host_path)?;
    let guest_path = cstring(guest_path)?;
    let dir_perms = { let v = dir_perms; v.try_into().map_err(range)? };
    let file_perms = { let v = file_perms; v.try_into().map_err(range)? };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_wasi_config_preopen_dir_with_perms(
            config.raw()?,
            host_path.as_ptr(),
            guest_path.as_ptr(),
            dir_perms,
            file_perms
        )
    })?;
    Ok(())
}

/// Makes `config` the WASI configuration of `store`, replacing an earlier
/// one (and its captured output). The store's WASI functions (see
/// `petrel_linker_define_wasi`) use it from now on.
///
/// Ownership: `config` is taken in every case, success or error; do not
/// use or delete it afterwards.
///
/// # Safety
/// `store` is a live store; `config` is NULL or a live WASI configuration
/// not in use by another thread.
#[napi(js_name = "store_set_wasi")]
pub fn store_set_wasi(store: &Store, config: &mut WasiConfig) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_set_wasi(
            store.raw()?,
            config.take()?
        )
    })?;
    Ok(())
}

/// Defines every function of `wasi_snapshot_preview1` in `linker`. Each
/// works on the WASI context of the store it runs in (see
/// `petrel_store_set_wasi`; a store without one gets the defaults of
/// `petrel_wasi_config_t`). A program's `proc_exit(code)` ends the wasm
/// call with an error for which `petrel_error_exit_status` gives `code`;
/// other WASI failures are errno values returned to the program.
///
/// # Errors
/// When one of the names is already defined and shadowing is off (the
/// functions before it stay defined).
///
/// # Safety
/// `linker` is a live linker.
#[napi(js_name = "linker_define_wasi")]
pub fn linker_define_wasi(linker: &Linker) -> Result<()> {
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_linker_define_wasi(
            linker.raw()?
        )
    })?;
    Ok(())
}

/// A copy of everything the program wrote so far to its standard output,
/// when the store's WASI configuration captures it
/// (`petrel_wasi_config_set_stdout_capture`).
///
/// Ownership: the bytes written to `contents_out` belong to the caller,
/// who frees them with `petrel_bytes_delete`; the captured output itself
/// stays in the store (a later call copies it again, with what was
/// written since).
///
/// # Errors
/// When standard output is not captured.
///
/// # Safety
/// `store` is a live store; `contents_out` is writable.
#[napi(js_name = "store_wasi_stdout")]
pub fn store_wasi_stdout(store: &Store) -> Result<Buffer> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut contents_out: petrel_bytes_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_wasi_stdout(
            store.raw()?,
            &mut contents_out
        )
    })?;
    Ok(bytes_of(&mut contents_out, sys::petrel_bytes_delete))
}

/// Like `petrel_store_wasi_stdout`, for standard error
/// (`petrel_wasi_config_set_stderr_capture`).
///
/// # Errors
/// When standard error is not captured.
///
/// # Safety
/// `store` is a live store; `contents_out` is writable.
#[napi(js_name = "store_wasi_stderr")]
pub fn store_wasi_stderr(store: &Store) -> Result<Buffer> {
    // SAFETY: a plain C record; all zeroes is a valid value.
    let mut contents_out: petrel_bytes_t = unsafe { std::mem::zeroed() };
    // SAFETY: every pointer is live for the call and points to as many
    // values as its length says; out-parameters are writable locals.
    check(unsafe {
        sys::petrel_store_wasi_stderr(
            store.raw()?,
            &mut contents_out
        )
    })?;
    Ok(bytes_of(&mut contents_out, sys::petrel_bytes_delete))
}

/// The C functions this file does not wrap (unions, callbacks, embedder
/// pointers, borrowed objects, errors, destructors): `host.rs` and the
/// classes above cover them.
pub const HAND_WRITTEN: &[&str] = &[
    "petrel_config_pooling_allocator",
    "petrel_error_new",
    "petrel_error_new_host",
    "petrel_error_new_trap",
    "petrel_error_message",
    "petrel_error_as_trap",
    "petrel_error_host_tag",
    "petrel_error_exit_status",
    "petrel_trap_code",
    "petrel_trap_frame_count",
    "petrel_trap_frame",
    "petrel_memory_data",
    "petrel_table_new",
    "petrel_table_get",
    "petrel_table_set",
    "petrel_table_grow",
    "petrel_global_new",
    "petrel_global_get",
    "petrel_global_set",
    "petrel_externref_new",
    "petrel_externref_data",
    "petrel_functype_params",
    "petrel_functype_results",
    "petrel_func_new",
    "petrel_func_call",
    "petrel_func_call_raw",
    "petrel_linker_define_func",
    "petrel_store_new",
    "petrel_store_data",
    "petrel_caller_data",
    "petrel_caller_export_get",
    "petrel_caller_store",
    "petrel_wasi_config_set_stdout_custom",
    "petrel_wasi_config_set_stderr_custom",
];
