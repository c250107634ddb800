//! Petrel: a WebAssembly runtime. `wasmparser` validates, Cranelift
//! compiles to native code, and this crate runs it in a sandbox (guard
//! regions, traps, fuel, epochs, limits).
//!
//! The API is shaped like Wasmtime's: an [`Engine`] compiles [`Module`]s;
//! a [`Store`] owns everything instantiated from them; handles such as
//! [`Func`] and [`Memory`] are `{store id, index}` values checked on every
//! use, so a handle from another store is an error, never a crash.
//!
//! ```
//! use petrel::{Engine, Module, Store, Instance};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
//! assert_eq!(add.call(&mut store, (2, 3))?, 5);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Layout: `environ` describes modules independent of the target,
//! `compiler` translates wasm to Cranelift IR and compiles it, `vm` holds
//! all unsafe code (mappings, trap handling, the structures compiled code
//! reads), `wasi` is WASI preview 1 built on the public API, and the
//! remaining modules are the safe embedding API. `environ`, `compiler` and
//! `vm` are private to the crate: everything other crates use goes through
//! the embedding API, so no safe public function can reach the runtime's
//! raw structures.

#![deny(missing_docs)]

mod artifact;
mod cache;
mod compiler;
mod config;
mod engine;
mod environ;
mod externals;
mod func;
mod instance;
mod libcalls;
mod limits;
mod linker;
mod module;
mod store;
mod trap;
mod types;
mod values;
mod vm;
pub mod wasi;

pub use anyhow::{Error, Result};
pub use artifact::{ArtifactError, MODULE_KEY_LEN};
pub use cache::{CacheConfig, CacheStatistics};
pub use cache::{key_to_hex as module_key_to_hex, parse_key as parse_module_key};
pub use config::{Config, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig};
pub use engine::Engine;
pub use externals::{Extern, Global, Memory, Table, Tag};
pub use func::{
    Caller, Func, HostResult, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmResultsStore,
    WasmTy,
};
pub use instance::Instance;
pub use limits::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
pub use linker::{InstancePre, Linker};
pub use module::Module;
pub use store::{
    AsContext, AsContextMut, Store, StoreContext, StoreContextMut, StoreOpaque, Stored,
};
pub use trap::{FrameInfo, Trap, TrapCode};
pub use types::*;
pub use values::{ExternRef, Ref, Val};
pub use vm::ValRaw;
