//! Every program of `../shared/bench-wasm` runs to completion under
//! `petrel run`, as `wasmtime run` would run it (from the program's
//! directory, preopened as `.`, with `bench.start`/`bench.end` from
//! `examples/bench-stub.wat`), and prints exactly its expected standard
//! output and error where those files exist.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench-wasm")
}

/// Runs `dir/NAME.wasm` and compares with `dir/EXPECT.std{out,err}.expected`.
fn run_program(dir: &Path, wasm: &str, expect: &str) -> Result<(), String> {
    let stub = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/bench-stub.wat");
    let preload = format!("bench={}", stub.display());
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_petrel"))
        .args(["run", "--preload", &preload, "--dir", ".::.", wasm])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{wasm}: cannot run petrel: {e}"))?;
    let name = format!("{}/{wasm}", dir.file_name().unwrap().to_string_lossy());
    eprintln!("{name}: {:.2} s", start.elapsed().as_secs_f64());
    if !out.status.success() {
        return Err(format!(
            "{name}: exit status {:?}; stderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    for (what, got) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Ok(expected) = std::fs::read(dir.join(format!("{expect}.{what}.expected")))
            && &expected != got
        {
            return Err(format!(
                "{name}: {what} differs from {expect}.{what}.expected ({} bytes expected, {} got)",
                expected.len(),
                got.len()
            ));
        }
    }
    Ok(())
}

/// Runs every program found under `bench-wasm/*/` for which `select`
/// holds; fails listing every program that failed.
fn run_all(select: impl Fn(&str) -> bool) -> usize {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(bench_dir())
        .expect("../shared/bench-wasm is readable")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in dirs {
        let dir_name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !select(&dir_name) {
            continue;
        }
        if dir.join("benchmark.wasm").is_file() {
            count += 1;
            if let Err(e) = run_program(&dir, "benchmark.wasm", "benchmark") {
                failures.push(e);
            }
            continue;
        }
        let mut wasms: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".wasm"))
            .collect();
        wasms.sort();
        for wasm in wasms {
            count += 1;
            let stem = wasm.trim_end_matches(".wasm").to_string();
            if let Err(e) = run_program(&dir, &wasm, &stem) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn sightglass_programs() {
    let n = run_all(|d| d != "shootout");
    assert_eq!(n, 9, "programs outside shootout/");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn shootout_programs() {
    let n = run_all(|d| d == "shootout");
    assert_eq!(n, 19, "programs in shootout/");
}
