//! Deterministic smoke runs of every fuzz target, so that the normal test
//! suite exercises them without libFuzzer (`fuzz/README.md` has the real
//! fuzzing commands).

#[test]
fn deserialize() {
    let cases = 4000;
    let loaded = petrel_fuzzing::deserialize::smoke(0x5eed_0016, cases);
    // Some cases leave a genuine artifact unmutated; those must load, the
    // rest must be refused (`smoke` panics otherwise).
    assert!(
        loaded > 0 && loaded < cases / 4,
        "{loaded} of {cases} loaded"
    );
}

#[test]
fn differential() {
    // Deterministic wasm-smith modules in Petrel and wasmi; `run` panics on
    // any divergence. The counts show the inputs did real work.
    let counts = petrel_fuzzing::differential::smoke(0x5eed_0012, 300);
    println!("differential: {counts:?}");
    assert!(counts.generated >= 250, "{counts:?}");
    assert!(counts.instantiated >= counts.generated / 2, "{counts:?}");
    assert!(counts.calls >= counts.generated / 2, "{counts:?}");
}
