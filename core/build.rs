//! Build script for `petrel`: compiles the tiny C helper that provides
//! `sigsetjmp`/`siglongjmp` entry points for trap handling (see
//! `src/vm/traphandler.rs`). Rust cannot call `setjmp` soundly itself, since it
//! returns twice, so the call lives in C.
//!
//! It also sets `PETREL_BUILD_ID`, a hash of the crate's sources, which goes
//! into the engine fingerprint of serialized modules: two builds that share a
//! version number but not their code (and so perhaps not the layouts that
//! compiled code depends on) refuse each other's modules.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src");
    cc::Build::new()
        .file("src/vm/trap_entry.c")
        .compile("petrel_trap_entry");
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.sort();
    // FNV-1a over every path and its contents: an identity, not a secret.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for path in &files {
        let contents = std::fs::read(path).expect("readable source file");
        for b in path.to_string_lossy().bytes().chain([0]).chain(contents) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=PETREL_BUILD_ID={h:016x}");
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
