//! Target-independent description of a module: what the translator and
//! the runtime both read. `module` holds the parsed metadata, `parse` fills
//! it from wasm bytes while validating, `vmoffsets` computes the one layout
//! of an instance's `VMContext` (and the fixed layout of the structures in
//! it), `memory` decides how each linear memory is laid out and
//! bounds-checked, `builtins` lists the libcalls, and `types` has the value
//! and function types modules declare, separate from the public ones.

pub mod builtins;
pub mod memory;
pub mod module;
pub mod parse;
pub mod types;
pub mod vmoffsets;

pub use memory::{BoundsCheck, MemoryPlan};
pub use module::*;
pub use types::{WasmFuncType, WasmValType};
pub use vmoffsets::VMOffsets;
