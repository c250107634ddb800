//! Bulk memory and table operations with operands chosen to hit, run in
//! Petrel and wasmi (see `petrel_fuzzing::operands`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| petrel_fuzzing::operands::run(data));
