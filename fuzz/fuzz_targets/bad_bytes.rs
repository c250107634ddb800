//! Truncated, corrupted and random bytes through every entry point that
//! takes bytes: errors, never crashes (see `petrel_fuzzing::bad_bytes`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| petrel_fuzzing::bad_bytes::run(data));
