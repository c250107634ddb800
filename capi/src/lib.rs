//! The C API of Petrel: `extern "C"` functions over the core's safe
//! embedding API. `include/petrel.h` is generated from this crate by
//! cbindgen (`cargo run -p petrel-gen-header`) and committed; CI fails when
//! the two disagree.
//!
//! # Conventions
//!
//! - Names are `petrel_<object>_<verb>`; types are `petrel_<object>_t`.
//! - Owned objects (config, engine, module, store, linker, functype,
//!   externtype, error, bytes, wasi config) are created by a `_new` (or
//!   another function with an out-parameter) and freed with `_delete`.
//! - Store items (`petrel_func_t`, `petrel_memory_t`, ...) are plain
//!   `{store_id, index}` structs passed by value; they need no freeing and
//!   are checked against the store on every use.
//! - Every fallible function returns a `petrel_error_t *`: NULL on success,
//!   otherwise an error the caller frees with `petrel_error_delete`.
//!   Results are written through out-parameters, whose names end in `_out`;
//!   they are written only on success.
//! - An input buffer is a pointer followed by its length, named `X` and
//!   `X_len`; a NULL pointer is allowed when the length is 0.
//! - No Rust panic crosses the boundary: each entry catches it and returns
//!   it as an error. A NULL pointer where an object is required is an
//!   error, never a crash. What C itself makes undefined (a dangling or
//!   deleted object pointer, a buffer shorter than its stated length) is
//!   listed as a precondition in each function's documentation.
//!
//! The raw pointers of this edge are the only `unsafe` code outside the
//! core's `vm` module; each use carries a `SAFETY:` comment.

#![allow(
    non_camel_case_types,
    reason = "C type names follow the petrel_<object>_t convention"
)]

mod engine;
mod error;
mod extern_;
mod func;
mod linker;
mod module;
#[cfg(test)]
mod proposal_tests;
mod store;
mod util;
mod val;
mod wasi;

pub use engine::*;
pub use error::*;
pub use extern_::*;
pub use func::*;
pub use linker::*;
pub use module::*;
pub use store::*;
pub use val::*;
pub use wasi::*;
