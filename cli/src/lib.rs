//! Library half of the `petrel` command line.
//!
//! - [`wast`]: a `.wast` script runner over the public `petrel` API, used by
//!   `petrel wast` and by the spec-test integration test (`tests/spec.rs`).
//! - [`key`]: module keys for `petrel compile`/`petrel run` (`--key-file`,
//!   `PETREL_MODULE_KEY_FILE`) and `petrel keygen`.
//! - [`values`]: parsing of command-line arguments into wasm values and
//!   printing of wasm results, used by `petrel run`.

pub mod key;
pub mod values;
pub mod wast;
