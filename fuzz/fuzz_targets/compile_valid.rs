//! Every module wasmparser validates compiles, instantiates with dummy
//! imports and runs without a crash (see `petrel_fuzzing::compile_valid`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| petrel_fuzzing::compile_valid::run(data));
