//! Authenticated serialized modules: round trips between engines that share
//! a module key, and refusal of everything else (flipped bits, truncation,
//! another key, another configuration or format, re-labelled artifacts).

use petrel::{ArtifactError, Config, Engine, Instance, Module, Store};

const KEY: [u8; 32] = [7; 32];
const SQUARE: &str =
    r#"(module (func (export "sq") (param i32) (result i32) local.get 0 local.get 0 i32.mul))"#;
const DOUBLE: &str =
    r#"(module (func (export "sq") (param i32) (result i32) local.get 0 local.get 0 i32.add))"#;

/// Offsets of the documented layout (core/src/artifact.rs).
const FORMAT_VERSION_AT: usize = 16;
const SUBJECT_AT: usize = 32;

fn engine_with_key(key: [u8; 32], f: impl FnOnce(&mut Config)) -> Engine {
    let mut config = Config::new();
    config.module_key(key);
    f(&mut config);
    Engine::new(&config).unwrap()
}

fn sealed(engine: &Engine, wat: &str) -> Vec<u8> {
    Module::new(engine, wat).unwrap().serialize().unwrap()
}

fn call_sq(engine: &Engine, module: &Module, x: i32) -> i32 {
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).unwrap();
    let sq = instance
        .get_typed_func::<i32, i32>(&mut store, "sq")
        .unwrap();
    sq.call(&mut store, x).unwrap()
}

/// The reason `bytes` is refused by `engine`.
fn refusal(engine: &Engine, bytes: &[u8]) -> ArtifactError {
    let err = Module::deserialize(engine, bytes).expect_err("the artifact must be refused");
    err.downcast_ref::<ArtifactError>()
        .unwrap_or_else(|| panic!("not an ArtifactError: {err:#}"))
        .clone()
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn shared_key_round_trip_across_engines() {
    let a = engine_with_key(KEY, |_| {});
    let b = engine_with_key(KEY, |_| {});
    let bytes = sealed(&a, SQUARE);
    let loaded = Module::deserialize(&b, &bytes).unwrap();
    assert_eq!(call_sq(&b, &loaded, 12), 144);
    // Serializing the loaded module gives the same artifact.
    assert_eq!(loaded.serialize().unwrap(), bytes);
    // Through a file too.
    let path = std::env::temp_dir().join(format!("petrel-artifact-{}.cwasm", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let from_file = Module::deserialize_file(&b, &path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(call_sq(&b, &from_file.unwrap(), 3), 9);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn generated_key_is_set_and_returned() {
    let mut config = Config::new();
    let key = config.generate_module_key().unwrap();
    assert_ne!(key, [0; 32]);
    assert!(format!("{config:?}").contains("<secret>"));
    let a = Engine::new(&config).unwrap();
    let b = engine_with_key(key, |_| {});
    let bytes = sealed(&a, SQUARE);
    assert_eq!(
        call_sq(&b, &Module::deserialize(&b, &bytes).unwrap(), 5),
        25
    );
    let mut other = Config::new();
    assert_ne!(other.generate_module_key().unwrap(), key);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn engines_without_a_key_only_load_their_own() {
    let a = Engine::default();
    let bytes = sealed(&a, SQUARE);
    assert_eq!(
        call_sq(&a, &Module::deserialize(&a, &bytes).unwrap(), 4),
        16
    );
    let clone = a.clone();
    assert!(Module::deserialize(&clone, &bytes).is_ok());
    let b = Engine::default();
    assert_eq!(refusal(&b, &bytes), ArtifactError::AuthenticationFailed);
    let msg = Module::deserialize(&b, &bytes).unwrap_err().to_string();
    assert!(msg.contains("authentication failed"), "{msg}");
    assert!(msg.contains("module key"), "{msg}");
}

/// Byte positions `0..len` to try: all of them, or under Miri (where each
/// try costs a second or more) 16 spread over the blob, header included.
fn positions(len: usize) -> impl Iterator<Item = usize> {
    let step = if cfg!(miri) { len / 16 + 1 } else { 1 };
    (0..len).step_by(step)
}

#[test]
fn every_flipped_byte_is_refused() {
    let engine = engine_with_key(KEY, |_| {});
    let bytes = sealed(&engine, SQUARE);
    assert!(bytes.len() > 200, "{}", bytes.len());
    for at in positions(bytes.len()) {
        for mask in [1u8 << (at % 8), 0xff] {
            let mut bad = bytes.clone();
            bad[at] ^= mask;
            assert!(
                Module::deserialize(&engine, &bad).is_err(),
                "flip {mask:#x} at {at} of {}",
                bytes.len()
            );
        }
    }
}

#[test]
fn truncated_and_extended_blobs_are_refused() {
    let engine = engine_with_key(KEY, |_| {});
    let bytes = sealed(&engine, SQUARE);
    for n in positions(bytes.len()) {
        let reason = refusal(&engine, &bytes[..n]);
        assert!(
            matches!(
                reason,
                ArtifactError::Truncated { .. } | ArtifactError::NotAnArtifact
            ),
            "{n}: {reason}"
        );
    }
    assert!(matches!(
        refusal(&engine, &bytes[..bytes.len() - 1]),
        ArtifactError::Truncated { .. }
    ));
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"extra");
    assert!(matches!(
        refusal(&engine, &longer),
        ArtifactError::TrailingBytes { .. }
    ));
    let msg = Module::deserialize(&engine, &bytes[..100])
        .unwrap_err()
        .to_string();
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn foreign_bytes_are_not_an_artifact() {
    let engine = engine_with_key(KEY, |_| {});
    let wasm = wat::parse_str(SQUARE).unwrap();
    assert_eq!(refusal(&engine, &wasm), ArtifactError::NotAnArtifact);
    assert_eq!(refusal(&engine, b""), ArtifactError::NotAnArtifact);
    let msg = Module::deserialize(&engine, &wasm).unwrap_err().to_string();
    assert!(msg.contains("not a compiled Petrel module"), "{msg}");
}

#[test]
fn another_key_is_refused() {
    let a = engine_with_key(KEY, |_| {});
    let b = engine_with_key([8; 32], |_| {});
    let bytes = sealed(&a, SQUARE);
    assert_eq!(refusal(&b, &bytes), ArtifactError::AuthenticationFailed);
}

#[test]
fn another_configuration_or_format_is_refused() {
    let plain = engine_with_key(KEY, |_| {});
    let bytes = sealed(&plain, SQUARE);
    for other in [
        engine_with_key(KEY, |c| {
            c.consume_fuel(true);
        }),
        engine_with_key(KEY, |c| {
            c.epoch_interruption(true);
        }),
        engine_with_key(KEY, |c| {
            c.wasm_simd(false);
        }),
        engine_with_key(KEY, |c| {
            c.static_memory_guard(false);
        }),
    ] {
        let reason = refusal(&other, &bytes);
        assert!(
            matches!(reason, ArtifactError::EngineMismatch { .. }),
            "{reason}"
        );
        let msg = reason.to_string();
        assert!(
            msg.contains("different Petrel version or engine configuration"),
            "{msg}"
        );
    }
    // Another artifact format (a newer Petrel's, or a downgrade to the
    // unauthenticated format 1 of earlier versions).
    let mut newer = bytes.clone();
    newer[FORMAT_VERSION_AT] = 3;
    assert!(matches!(
        refusal(&plain, &newer),
        ArtifactError::FormatVersion { found: 3, .. }
    ));
    let mut legacy = b"\0petrel-cwasm\x01".to_vec();
    legacy.extend_from_slice(&bytes[16..]);
    let reason = refusal(&plain, &legacy);
    assert!(
        matches!(reason, ArtifactError::FormatVersion { found: 1, .. }),
        "{reason}"
    );
    assert!(reason.to_string().contains("not authenticated"));
}

#[test]
fn relabelled_blobs_are_refused() {
    let engine = engine_with_key(KEY, |_| {});
    let square = sealed(&engine, SQUARE);
    let double = sealed(&engine, DOUBLE);
    // The subject (the SHA-256 of the wasm) of one put on the other.
    let mut relabelled = square.clone();
    relabelled[SUBJECT_AT..SUBJECT_AT + 32].copy_from_slice(&double[SUBJECT_AT..SUBJECT_AT + 32]);
    assert_ne!(relabelled, square);
    assert_eq!(
        refusal(&engine, &relabelled),
        ArtifactError::AuthenticationFailed
    );
    // One's header and MAC around the other's code, and the reverse.
    let header = square
        .iter()
        .zip(&double)
        .skip(SUBJECT_AT + 32)
        .position(|(a, b)| a != b)
        .unwrap()
        + SUBJECT_AT
        + 32;
    for (outer, inner) in [(&square, &double), (&double, &square)] {
        let mut spliced = outer[..header].to_vec();
        spliced.extend_from_slice(&inner[header..inner.len() - 32]);
        spliced.extend_from_slice(&outer[outer.len() - 32..]);
        // With equal lengths the MAC decides; otherwise the length does.
        let reason = refusal(&engine, &spliced);
        assert!(
            reason == ArtifactError::AuthenticationFailed
                || (outer.len() != inner.len()
                    && matches!(
                        reason,
                        ArtifactError::Truncated { .. } | ArtifactError::TrailingBytes { .. }
                    )),
            "{reason}"
        );
        // Or with the other's MAC.
        let mut swapped_mac = outer[..outer.len() - 32].to_vec();
        swapped_mac.extend_from_slice(&inner[inner.len() - 32..]);
        assert_eq!(
            refusal(&engine, &swapped_mac),
            ArtifactError::AuthenticationFailed
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn unchecked_loading_skips_only_the_mac() {
    let a = engine_with_key(KEY, |_| {});
    let b = engine_with_key([9; 32], |_| {});
    let bytes = sealed(&a, SQUARE);
    // SAFETY: `bytes` is exactly what `serialize` returned in this build,
    // for an engine with the same configuration as `b`.
    let loaded = unsafe { Module::deserialize_unchecked(&b, &bytes) }.unwrap();
    assert_eq!(call_sq(&b, &loaded, 6), 36);
    let fuel = engine_with_key(KEY, |c| {
        c.consume_fuel(true);
    });
    // SAFETY: the header check refuses these bytes before anything is loaded.
    let err = unsafe { Module::deserialize_unchecked(&fuel, &bytes) }.unwrap_err();
    assert!(matches!(
        err.downcast_ref::<ArtifactError>(),
        Some(ArtifactError::EngineMismatch { .. })
    ));
}
