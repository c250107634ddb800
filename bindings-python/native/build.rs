//! Generates the cffi API-mode extension module from the header-gen
//! declarations (`../python/petrel/_cdef.py`) plus the binding's scalar
//! call helpers (`fastcall.py`) with cffi's own generator, and compiles it
//! against `petrel.h` and the interpreter's headers.
//! The interpreter is `PYO3_PYTHON` (set by maturin), else `python3`.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let package = manifest.join("../python/petrel");
    let include = manifest.join("../../capi/include");
    let python = std::env::var("PYO3_PYTHON")
        .or_else(|_| std::env::var("PYTHON_SYS_EXECUTABLE"))
        .unwrap_or_else(|_| "python3".to_string());
    let c_file = out.join("_petrel_cffi.c");
    let script = format!(
        r#"
import sys, sysconfig
sys.path.insert(0, {package:?})
import cffi, subprocess
from _cdef import CDEF
fast = subprocess.run([sys.executable, {fastcall:?}], check=True, capture_output=True, text=True).stdout
fast_cdef, fast_c = fast.split("----\n")
ffi = cffi.FFI()
ffi.cdef(CDEF)
ffi.cdef(fast_cdef)
ffi.set_source("_petrel_cffi", '#define PyInit__petrel_cffi petrel_cffi_pyinit\n#include "petrel.h"\n' + fast_c)
ffi.emit_c_code({c_file:?})
print(sysconfig.get_paths()["include"])
"#,
        package = package.display().to_string(),
        c_file = c_file.display().to_string(),
        fastcall = manifest.join("fastcall.py").display().to_string(),
    );
    let output = Command::new(&python)
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap_or_else(|e| {
            panic!("running {python}: {e} (the Python binding needs Python with cffi)")
        });
    if !output.status.success() {
        panic!(
            "generating the cffi module with {python} failed (is cffi installed?):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // cffi prints progress first; the include directory is the last line.
    let stdout = String::from_utf8(output.stdout).expect("utf-8 output");
    let py_include = stdout.lines().last().unwrap_or_default().to_string();
    cc::Build::new()
        .file(&c_file)
        // The limited API of CPython 3.9 (the stable ABI): one library
        // for every CPython from 3.9 on, the cp39-abi3 wheel. cffi's own
        // code is limited-API code (its default); fastfunc.c is written
        // for it too. pyo3-ffi's `abi3-py39` feature (Cargo.toml) makes
        // maturin tag the wheel accordingly.
        .define("Py_LIMITED_API", "0x03090000")
        // A function outside that API is undeclared: fail, not guess.
        .flag_if_supported("-Werror=implicit-function-declaration")
        .include(py_include.trim())
        .include(&include)
        .warnings(false)
        .compile("petrel_cffi");
    println!(
        "cargo:rerun-if-changed={}",
        package.join("_cdef.py").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        include.join("petrel.h").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("fastcall.py").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("fastfunc.c").display()
    );
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
}
