//! The errno table of WASI preview 1's error paths.
//!
//! `wasi_errno/cases.c` is a C program that drives the `path_*` and `fd_*`
//! functions into their error paths (missing paths, non-empty
//! directories, symbolic link loops and dangling links, trailing slashes,
//! `..` at the root, links and paths leading outside the preopen, access
//! modes, descriptors of the wrong kind) and prints one `NAME ERRNO` line
//! a case. This test builds it from source for `wasm32-wasi` with clang
//! and wasi-libc (Debian: `apt-get install clang lld wasi-libc
//! libclang-rt-dev-wasm32`) into the target directory, runs it under
//! Petrel, and compares every line with `wasi_errno/expected.txt`.
//!
//! The table holds what Wasmtime's preview 1 implementation returns:
//! `cargo run --release -p petrel-bench -- --wasi-errno` runs the same
//! program under Wasmtime and Petrel side by side and fails on any
//! difference between the two or with the table (`--bless` rewrites the
//! table from Wasmtime's answers). This test needs no Wasmtime.
//!
//! `PETREL_WASI_CC` names another clang, `PETREL_WASI_SYSROOT` another
//! wasi-libc sysroot (default `/usr`, Debian's layout).

use petrel::wasi::{self, Errno, I32Exit, MemoryOutputPipe, WasiCtx, WasiCtxBuilder};
use petrel::{Engine, Linker, Module, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Compiles `wasi_errno/cases.c`; the path of the module.
fn build_cases() -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi_errno/cases.c");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-errno");
    std::fs::create_dir_all(&out).unwrap();
    let wasm = out.join("cases.wasm");
    let cc = std::env::var("PETREL_WASI_CC").unwrap_or_else(|_| "clang".into());
    let sysroot = std::env::var("PETREL_WASI_SYSROOT").unwrap_or_else(|_| "/usr".into());
    let status = Command::new(&cc)
        .arg("--target=wasm32-wasi")
        .arg(format!("--sysroot={sysroot}"))
        .args(["-O1", "-Wall", "-Wextra", "-Werror"])
        .arg(&src)
        .arg("-o")
        .arg(&wasm)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{cc}` ({e}): the errno table test compiles C to wasm32-wasi; \
                 install clang, lld, wasi-libc and libclang-rt-dev-wasm32 (see .ci/run)"
            )
        });
    assert!(status.success(), "`{cc}` failed to build {}", src.display());
    wasm
}

/// The table: `(case, errno name)` in file order.
fn table() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi_errno/expected.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (case, errno) = l.split_once(' ').expect("`CASE ERRNO`");
            (case.to_string(), errno.trim().to_string())
        })
        .collect()
}

/// Runs the program under Petrel with a fresh `root/` preopened as `.`
/// and a file `outside` next to it; its output as `(case, errno name)`.
fn run_under_petrel(wasm: &Path) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-errno/run");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("root")).unwrap();
    std::fs::write(dir.join("outside"), b"outside").unwrap();

    let engine = Engine::default();
    let module = Module::from_file(&engine, wasm).unwrap();
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
    let stdout = MemoryOutputPipe::new(1 << 20);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let ctx = WasiCtxBuilder::new()
        .arg("cases")
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .preopened_dir(dir.join("root"), ".")
        .unwrap()
        .build();
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .unwrap();
    match start.call(&mut store, ()) {
        Ok(()) => {}
        Err(e) if e.downcast_ref::<I32Exit>() == Some(&I32Exit(0)) => {}
        Err(e) => panic!(
            "cases failed: {e:#}\n{}",
            String::from_utf8_lossy(&stderr.contents())
        ),
    }
    String::from_utf8(stdout.contents())
        .unwrap()
        .lines()
        .map(|l| {
            let (case, n) = l.split_once(' ').unwrap();
            (
                case.to_string(),
                Errno(n.parse().unwrap()).name().to_string(),
            )
        })
        .collect()
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs compiled wasm code (a WASI program built by clang)"
)]
fn errnos_match_the_table() {
    let wasm = build_cases();
    let got = run_under_petrel(&wasm);
    let want = table();
    let mut problems = Vec::new();
    for (case, errno) in &want {
        match got.iter().find(|(c, _)| c == case) {
            Some((_, e)) if e == errno => {}
            Some((_, e)) => problems.push(format!("{case}: Petrel {e}, table {errno}")),
            None => problems.push(format!("{case}: not run by cases.c")),
        }
    }
    for (case, _) in &got {
        if !want.iter().any(|(c, _)| c == case) {
            problems.push(format!("{case}: not in the table"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} cases differ:\n{}",
        problems.len(),
        want.len(),
        problems.join("\n")
    );
    eprintln!("{} errno cases match the table", want.len());
}
