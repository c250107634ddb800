//! wasm-smith modules run in Petrel and in the wasmi interpreter: results,
//! traps, memories and globals must agree (see
//! `petrel_fuzzing::differential`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| petrel_fuzzing::differential::run(data));
