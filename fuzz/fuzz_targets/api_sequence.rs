//! Sequences of C API calls over two engines, two stores and two threads: no
//! crash, no sanitizer report, an error wherever the header promises one
//! (see `petrel_fuzzing::api_sequence`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| petrel_fuzzing::api_sequence::run(data));
