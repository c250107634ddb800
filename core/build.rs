//! Build script for `petrel`: compiles the tiny C helper that provides
//! `sigsetjmp`/`siglongjmp` entry points for trap handling (see
//! `src/vm/traphandler.rs`). Rust cannot call `setjmp` soundly itself, since it
//! returns twice, so the call lives in C.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/vm/trap_entry.c");
    cc::Build::new()
        .file("src/vm/trap_entry.c")
        .compile("petrel_trap_entry");
}
