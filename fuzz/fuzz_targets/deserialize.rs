//! Random and mutated serialized modules: none may crash
//! `Module::deserialize`, none but the genuine ones may load (see
//! `petrel_fuzzing::deserialize`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| petrel_fuzzing::deserialize::run(data));
