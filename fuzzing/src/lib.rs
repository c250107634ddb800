//! The logic of Petrel's fuzz targets.
//!
//! Each target is a module with a `run(data: &[u8])` function that panics
//! on a bug (a crash, or a property that must hold and did not), and a
//! `smoke(seed, cases)` function that feeds `run` deterministic
//! pseudo-random inputs. The cargo-fuzz project in `fuzz/` (outside the
//! workspace: libFuzzer needs a nightly toolchain and its own build flags)
//! has one thin binary per target that calls `run`; the smoke tests in
//! `tests/` call `smoke`, so the normal test suite runs every target
//! without libFuzzer.
//!
//! Targets:
//! - [`deserialize`]: random and mutated serialized modules must never
//!   crash `Module::deserialize`, and none but the genuine ones may load.
//! - [`differential`]: wasm-smith modules run in Petrel and in the wasmi
//!   interpreter; results, traps, memories and globals must agree.
//! - [`compile_valid`]: every module `wasmparser` validates compiles,
//!   instantiates with dummy imports and runs without a crash; every
//!   module it refuses, Petrel refuses.
//! - [`operands`]: bulk memory and table operations with operands chosen
//!   to succeed (or to miss by one), run differentially like
//!   [`differential`].
//! - [`api_sequence`]: sequences of C API calls over two engines, two
//!   stores and two threads: no crash, an error wherever the header
//!   promises one, every finalizer run once at the end.
//! - [`bad_bytes`]: truncated, corrupted and random bytes through every
//!   entry point that takes bytes (modules, text, sealed artifacts, the C
//!   API, WASI inputs and guest pointers): errors, never crashes.

pub mod api_sequence;
pub mod bad_bytes;
mod capi;
pub mod compile_valid;
pub mod deserialize;
pub mod differential;
pub mod operands;

/// A module in text form, for a failure report.
pub(crate) fn describe(wasm: &[u8]) -> String {
    wasmprinter::print_bytes(wasm).unwrap_or_else(|e| format!("(unprintable module: {e})"))
}

/// A small deterministic pseudo-random generator (SplitMix64) for the
/// smoke tests: the same seed gives the same inputs on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// Reads a fuzz input as a stream of numbers; past its end every read is
/// zero, so any input is a complete instruction.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Wraps a fuzz input.
    pub fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    /// The next byte (0 when exhausted).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// The next little-endian u32 (missing bytes are zero).
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.u32() as usize % n }
    }

    /// Up to `max` of the remaining bytes.
    pub fn take(&mut self, max: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(max.min(self.data.len()));
        self.data = rest;
        head
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(usize::MAX)
    }
}
