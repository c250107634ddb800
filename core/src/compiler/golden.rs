//! Golden-output tests of the translator: each `core/tests/golden/*.wat`
//! holds a module and, after a marker line, the Cranelift IR of each of its
//! functions after Cranelift's optimisations, as comments. The test fails
//! when the translator's output changes, so a change in the code Petrel
//! generates shows in review as a diff of these files.
//! `PETREL_BLESS=1 cargo test -p petrel --lib golden` rewrites them.
//!
//! The IR is taken before instruction selection, so it does not depend on
//! which extensions the host CPU has; it uses the host's pointer size.

use crate::{Config, Engine};
use std::fmt::Write;
use std::path::Path;

/// The line that separates a file's module from its expected output.
const MARKER: &str =
    ";; ---- optimised Cranelift IR of each function (PETREL_BLESS=1 rewrites below) ----";

/// The expected-output part of a file for `functions`.
fn render(functions: &[String]) -> String {
    let mut out = String::new();
    for (i, f) in functions.iter().enumerate() {
        if i > 0 {
            out.push_str(";;\n");
        }
        for line in f.lines() {
            if line.is_empty() {
                out.push_str(";;\n");
            } else {
                writeln!(out, ";; {line}").unwrap();
            }
        }
    }
    out
}

#[test]
#[cfg_attr(
    miri,
    ignore = "compiles with Cranelift, which takes minutes under Miri"
)]
fn translator_output_matches_the_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("PETREL_BLESS").is_some();
    let mut config = Config::new();
    config.parallel_compilation(false);
    let engine = Engine::new(&config).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden files in {}", dir.display());
    let mut mismatched = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let (module, expected) = match text.split_once(&format!("{MARKER}\n")) {
            Some((m, e)) => (m.to_string(), e.to_string()),
            None => (text.clone(), String::new()),
        };
        let wasm = wat::parse_str(&module).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let functions = super::optimized_ir(&engine, &wasm)
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        let actual = render(&functions);
        if actual != expected {
            if bless {
                let module = module.trim_end_matches('\n');
                std::fs::write(path, format!("{module}\n\n{MARKER}\n{actual}")).unwrap();
            } else {
                mismatched.push(path.display().to_string());
            }
        }
    }
    assert!(
        mismatched.is_empty(),
        "the translator's output changed for {mismatched:?}; review the difference and rerun with PETREL_BLESS=1 to accept it"
    );
}
