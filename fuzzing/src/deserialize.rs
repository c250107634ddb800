//! Fuzz target `deserialize`: feeds random bytes, and mutations of genuine
//! sealed artifacts, to [`Module::deserialize`].
//!
//! The properties: nothing crashes, and nothing loads unless it is
//! byte-for-byte one of the artifacts the engine really sealed. A load of
//! anything else would be an accepted forgery, and panics. The inputs are
//! built from the fuzz data as one of:
//!
//! - raw bytes;
//! - a genuine artifact (of one of two modules) after a few mutations
//!   (bit flips, byte writes, truncation, insertion, deletion, overwriting
//!   or duplicating a range, patching a 32-bit header field);
//! - a splice of the two genuine artifacts, then mutations;
//! - an artifact of the same engine configuration sealed with another key,
//!   as is or mutated.

use crate::{Input, Rng};
use petrel::{Config, Engine, Module};
use std::sync::OnceLock;

const MODULES: [&str; 2] = [
    r#"(module
        (memory (export "mem") 1)
        (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
        (func (export "load") (param i32) (result i32) local.get 0 i32.load)
        (data (i32.const 8) "sealed"))"#,
    r#"(module
        (func $f (export "sub") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub)
        (table 1 funcref) (elem (i32.const 0) $f))"#,
];

/// The engine, its genuine artifacts, and one sealed with another key.
pub(crate) struct Fixture {
    pub(crate) engine: Engine,
    pub(crate) genuine: Vec<Vec<u8>>,
    foreign: Vec<u8>,
}

pub(crate) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let engine_with = |key: [u8; 32]| {
            let mut config = Config::new();
            config.module_key(key).parallel_compilation(false);
            Engine::new(&config).expect("an engine for the host")
        };
        let engine = engine_with([0x11; 32]);
        let other = engine_with([0x22; 32]);
        let seal = |engine: &Engine, wat: &str| {
            Module::new(engine, wat)
                .and_then(|m| m.serialize())
                .expect("the fixture modules compile")
        };
        Fixture {
            genuine: MODULES.iter().map(|w| seal(&engine, w)).collect(),
            foreign: seal(&other, MODULES[0]),
            engine,
        }
    })
}

/// Runs one fuzz case.
///
/// # Panics
/// When `Module::deserialize` accepts bytes that are not a genuine
/// artifact (a forgery) or refuses a genuine one; or on any crash inside it.
pub fn run(data: &[u8]) {
    let fixture = fixture();
    let candidate = candidate(fixture, &mut Input::new(data));
    check(fixture, &candidate);
}

/// The bytes to load, built from the fuzz input.
pub(crate) fn candidate(f: &Fixture, input: &mut Input<'_>) -> Vec<u8> {
    match input.byte() % 8 {
        0 => input.rest().to_vec(),
        1 => {
            let mut blob = f.foreign.clone();
            mutate(&mut blob, input);
            blob
        }
        2 => {
            let (a, b) = (&f.genuine[0], &f.genuine[1]);
            let mut blob = a[..input.below(a.len() + 1)].to_vec();
            let from = input.below(b.len() + 1);
            blob.extend_from_slice(&b[from..]);
            mutate(&mut blob, input);
            blob
        }
        _ => {
            let which = usize::from(input.byte()) % f.genuine.len();
            let mut blob = f.genuine[which].clone();
            mutate(&mut blob, input);
            blob
        }
    }
}

/// Applies 0 to 7 mutations chosen by the input.
pub(crate) fn mutate(blob: &mut Vec<u8>, input: &mut Input<'_>) {
    let rounds = input.byte() % 8;
    for _ in 0..rounds {
        let len = blob.len();
        match input.byte() % 9 {
            0 | 1 => {
                if len > 0 {
                    let at = input.below(len);
                    blob[at] ^= 1 << (input.byte() % 8);
                }
            }
            2 => {
                if len > 0 {
                    let at = input.below(len);
                    blob[at] = input.byte();
                }
            }
            3 => blob.truncate(input.below(len + 1)),
            4 => {
                let at = input.below(len + 1);
                let n = usize::from(input.byte() % 16) + 1;
                let bytes = input.take(n).to_vec();
                blob.splice(at..at, bytes);
            }
            5 => {
                let at = input.below(len + 1);
                let end = (at + input.below(64) + 1).min(len);
                blob.drain(at..end);
            }
            6 => {
                let at = input.below(len + 1);
                for (i, b) in input.take(16).iter().enumerate() {
                    if let Some(slot) = blob.get_mut(at + i) {
                        *slot = *b;
                    }
                }
            }
            7 => {
                let at = input.below(len + 1);
                let end = (at + input.below(64) + 1).min(len);
                let copy = blob[at..end].to_vec();
                let to = input.below(len + 1);
                blob.splice(to..to, copy);
            }
            _ => {
                // A 32-bit field of the header: format version, kind,
                // length, fingerprint length (offsets 16..72).
                let at = 16 + 4 * input.below(14);
                let value = input.u32().to_le_bytes();
                if at + 4 <= len {
                    blob[at..at + 4].copy_from_slice(&value);
                }
            }
        }
    }
}

/// Loads `candidate` and checks the outcome.
fn check(f: &Fixture, candidate: &[u8]) {
    let genuine = f.genuine.iter().any(|g| g == candidate);
    match Module::deserialize(&f.engine, candidate) {
        Ok(_) if !genuine => panic!(
            "accepted forgery: {} bytes that this engine did not seal were loaded",
            candidate.len()
        ),
        Err(e) if genuine => panic!("a genuine artifact was refused: {e:#}"),
        _ => {}
    }
}

/// Runs `cases` deterministic pseudo-random cases from `seed`: a third of
/// them raw random bytes, the rest random instruction streams (which mostly
/// select mutations of genuine artifacts). Returns how many candidates
/// loaded (genuine ones, unmutated), for the caller to report.
///
/// # Panics
/// As [`run`].
pub fn smoke(seed: u64, cases: usize) -> usize {
    let f = fixture();
    let mut rng = Rng::new(seed);
    let mut loaded = 0;
    for _ in 0..cases {
        let len = rng.below(96);
        let mut data = rng.bytes(len);
        if rng.below(3) == 0 {
            // Raw bytes, sometimes starting like an artifact.
            let mut raw = vec![0u8];
            if rng.below(2) == 0 {
                raw.extend_from_slice(&f.genuine[0][..rng.below(80)]);
            }
            raw.append(&mut data);
            data = raw;
        }
        let candidate = candidate(f, &mut Input::new(&data));
        if f.genuine.contains(&candidate) {
            loaded += 1;
        }
        check(f, &candidate);
    }
    loaded
}
