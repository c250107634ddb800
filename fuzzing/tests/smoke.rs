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

#[test]
fn compile_valid() {
    // wasm-smith modules (valid, with arbitrary bodies, mutated) and raw
    // bytes under four engine configurations; `run` panics when Petrel
    // and wasmparser disagree or a valid module fails to compile, to
    // instantiate with dummies, or to run.
    let counts = petrel_fuzzing::compile_valid::smoke(0x5eed_0021, 3000);
    println!("compile_valid: {counts:?}");
    assert!(counts.modules >= 2500, "{counts:?}");
    assert!(counts.compiled >= counts.modules / 3, "{counts:?}");
    assert!(counts.instantiated >= counts.compiled / 2, "{counts:?}");
    assert!(counts.calls >= counts.compiled, "{counts:?}");
    assert!(
        counts.reloaded > 0 && counts.cross_checked > 0,
        "{counts:?}"
    );
}

#[test]
fn bad_bytes() {
    let counts = petrel_fuzzing::bad_bytes::smoke(0x5eed_0022, 20_000);
    println!("bad_bytes: {counts:?}");
    assert!(
        counts.binary >= 6000 && counts.binary_compiled > 0,
        "{counts:?}"
    );
    assert!(counts.text >= 1500 && counts.text_parsed > 0, "{counts:?}");
    assert!(counts.artifacts >= 1500, "{counts:?}");
    assert!(counts.wasi_programs >= 6000, "{counts:?}");
    assert!(counts.wasi_successes > 0, "{counts:?}");
}

#[test]
fn api_sequence() {
    let counts = petrel_fuzzing::api_sequence::smoke(0x5eed_0023, 1000);
    println!("api_sequence: {counts:?}");
    assert!(counts.calls >= 20 * counts.sequences, "{counts:?}");
    assert!(
        counts.promised_errors > 0 && counts.successful_calls > 0,
        "{counts:?}"
    );
    assert!(counts.busy_windows > 0, "{counts:?}");
}

#[test]
fn operands() {
    let counts = petrel_fuzzing::operands::smoke(0x5eed_0024, 400);
    println!("operands: {counts:?}");
    assert_eq!(counts.generated, 400, "{counts:?}");
    assert!(counts.instantiated >= 350, "{counts:?}");
    assert!(counts.calls >= 2 * counts.instantiated, "{counts:?}");
    // Operands that hit: most calls succeed.
    assert!(counts.traps * 5 < counts.calls, "{counts:?}");
}

/// A target's `run`.
type Run = fn(&[u8]);

/// Every input in `fuzzing/regressions/TARGET/` (minimised cases that
/// once failed) runs through its target again.
#[test]
fn regressions() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let targets: [(&str, Run); 6] = [
        ("api_sequence", petrel_fuzzing::api_sequence::run),
        ("bad_bytes", petrel_fuzzing::bad_bytes::run),
        ("compile_valid", petrel_fuzzing::compile_valid::run),
        ("deserialize", petrel_fuzzing::deserialize::run),
        ("differential", petrel_fuzzing::differential::run),
        ("operands", petrel_fuzzing::operands::run),
    ];
    let mut replayed = 0;
    for (name, run) in targets {
        let Ok(dir) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        let mut files: Vec<_> = dir.map(|e| e.expect("a directory entry").path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).expect("a regression input");
            println!("replaying {}", file.display());
            run(&data);
            replayed += 1;
        }
    }
    println!("{replayed} regression inputs replayed");
    petrel_fuzzing::bad_bytes::cleanup();
}
