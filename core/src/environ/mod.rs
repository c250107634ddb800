//! Target-independent description of a module: what the translator and
//! the runtime both read. `module` holds the parsed metadata, `parse` fills
//! it from wasm bytes while validating, `vmoffsets` computes the one layout
//! of an instance's `VMContext`, `memory` decides how each linear memory is
//! laid out and bounds-checked, and `builtins` lists the libcalls.

pub mod builtins;
pub mod memory;
pub mod module;
pub mod parse;
pub mod vmoffsets;

pub use memory::{BoundsCheck, MemoryPlan};
pub use module::*;
pub use vmoffsets::VMOffsets;
