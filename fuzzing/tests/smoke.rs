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
