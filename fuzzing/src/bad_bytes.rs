//! Fuzz target `bad_bytes`: truncated, bit-flipped and random bytes
//! through every entry point that takes bytes. Errors are fine; a crash,
//! a panic, or an entry point that disagrees with another about the same
//! bytes is a failure.
//!
//! The first input byte picks the entry point:
//!
//! - **binary modules**: mutations of seed modules (one using every
//!   section and most instruction classes) and raw bytes, to
//!   `Module::validate`, `Module::new`, and for some inputs the C API's
//!   `petrel_module_validate` and `petrel_module_new`, which must agree
//!   with the core (and a compiled module must be one `wasmparser`
//!   validates);
//! - **text**: mutations of the seeds' text (invalid UTF-8 included) to
//!   `Module::new` (which parses text) and `petrel_wat2wasm`, which must
//!   agree on whether the text parses;
//! - **sealed artifacts**: the `deserialize` target's candidates (random
//!   bytes, mutated, spliced and foreign-key artifacts) through the C
//!   API's `petrel_module_deserialize`: only the genuine artifacts load;
//! - **small inputs** of the C API: error messages, module keys, value
//!   kinds of function types, linker names (each accepted exactly when
//!   the header says);
//! - **WASI**: the program's arguments, environment and standard input
//!   from the input bytes (invalid UTF-8, empty names and `=` included)
//!   through the C API's WASI configuration, then a module that forwards
//!   every `wasi_snapshot_preview1` function is called with pointers,
//!   lengths, descriptors and flags from the input, over a memory whose
//!   contents (iovecs, paths, raw bytes) come from the input too, with a
//!   scratch directory preopened. Every call must return an errno (or end
//!   the program by `proc_exit`), never trap or fail otherwise.
//!
//! Not reached: `poll_oneoff` (a clock subscription from the input would
//! sleep for as long as it asks), inherited standard streams, and files
//! outside the scratch directory (by design: the preopen is the sandbox).

use crate::capi::{Outcome, Shared, outcome};
use crate::{Input, Rng};
use petrel::{Config, Engine, Module};
use petrel_capi::*;
use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Seed modules, in text: one with every section kind, one with control
/// flow, SIMD and indirect calls.
const SEEDS: [&str; 2] = [
    r#"(module $seed
        (type $t (func (param i32) (result i32)))
        (import "env" "f" (func $imp (type $t)))
        (import "env" "g" (global $ig i32))
        (import "env" "m" (memory 1 2))
        (import "env" "t" (table 1 funcref))
        (func $a (export "a") (type $t)
            local.get 0 global.get $ig i32.add call $imp)
        (func $b (param i64 f32 f64 v128) (result i64 i32)
            local.get 0 i32.const 1)
        (table $t2 2 10 externref)
        (global $g (mut i64) (i64.const 7))
        (export "g" (global $g))
        (export "t2" (table $t2))
        (start $s)
        (func $s)
        (elem (i32.const 0) func $a)
        (elem $p funcref (ref.func $b))
        (data (i32.const 0) "abc")
        (data $d "passive")
        (func (export "bulk")
            (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
            (data.drop $d)
            (table.init 0 $p (i32.const 0) (i32.const 0) (i32.const 0))
            (elem.drop $p)
            (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))
            (memory.copy (i32.const 0) (i32.const 1) (i32.const 2))
            (drop (table.grow $t2 (ref.null extern) (i32.const 1)))))"#,
    r#"(module
        (type $r (func (result i32)))
        (memory (export "memory") 1)
        (table 2 funcref)
        (elem (i32.const 0) $one $two)
        (func $one (type $r) i32.const 1)
        (func $two (type $r) i32.const 2)
        (func (export "loop") (param $n i32) (result i32) (local $acc i32)
            (block $out
                (loop $top
                    (br_if $out (i32.eqz (local.get $n)))
                    (local.set $acc (i32.add (local.get $acc)
                        (call_indirect (type $r) (i32.and (local.get $n) (i32.const 1)))))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br $top)))
            (br_table 0 0 (local.get $acc) (i32.const 0)))
        (func (export "simd") (param v128 v128) (result v128 i32)
            (i32x4.add (local.get 0) (local.get 1))
            (i8x16.all_true (local.get 0)))
        (func (export "mem") (param i32) (result i64)
            (i64.store offset=8 (local.get 0) (i64.const -1))
            (i64.load offset=8 (local.get 0))))"#,
];

/// What the target has done since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Binary inputs given to `Module::new`.
    pub binary: u64,
    /// Of those, inputs that compiled.
    pub binary_compiled: u64,
    /// Text inputs given to `Module::new` and `petrel_wat2wasm`.
    pub text: u64,
    /// Of those, texts that parsed.
    pub text_parsed: u64,
    /// Candidates given to `petrel_module_deserialize`.
    pub artifacts: u64,
    /// WASI programs run.
    pub wasi_programs: u64,
    /// WASI functions called.
    pub wasi_calls: u64,
    /// WASI calls that returned errno 0.
    pub wasi_successes: u64,
}

static COUNTS: [AtomicU64; 8] = [const { AtomicU64::new(0) }; 8];

fn bump(i: usize) {
    COUNTS[i].fetch_add(1, Ordering::Relaxed);
}

/// The counts so far.
pub fn counts() -> Counts {
    let c = |i: usize| COUNTS[i].load(Ordering::Relaxed);
    Counts {
        binary: c(0),
        binary_compiled: c(1),
        text: c(2),
        text_parsed: c(3),
        artifacts: c(4),
        wasi_programs: c(5),
        wasi_calls: c(6),
        wasi_successes: c(7),
    }
}

/// The core engine and the seeds in binary form.
struct Core {
    engine: Engine,
    binaries: Vec<Vec<u8>>,
}

fn core() -> &'static Core {
    static CORE: OnceLock<Core> = OnceLock::new();
    CORE.get_or_init(|| {
        let mut config = Config::new();
        config.parallel_compilation(false);
        Core {
            engine: Engine::new(&config).expect("an engine for the host"),
            binaries: SEEDS
                .iter()
                .map(|s| wat::parse_str(s).expect("the seeds parse"))
                .collect(),
        }
    })
}

/// Runs one fuzz input; panics on a failure.
pub fn run(data: &[u8]) {
    let mut input = Input::new(data);
    match input.byte() % 9 {
        0..=2 => binary(&mut input),
        3 => text(&mut input),
        4 => artifact(&mut input),
        5 => small_inputs(&mut input),
        _ => wasi(&mut input),
    }
}

fn binary(input: &mut Input<'_>) {
    let core = core();
    let wasm = match input.byte() % 4 {
        0 => input.rest().to_vec(),
        1 => {
            let mut wasm = b"\0asm\x01\0\0\0".to_vec();
            wasm.extend_from_slice(input.rest());
            wasm
        }
        _ => {
            let mut wasm = core.binaries[input.below(core.binaries.len())].clone();
            crate::deserialize::mutate(&mut wasm, input);
            wasm
        }
    };
    bump(0);
    let compiled = Module::new(&core.engine, &wasm);
    let validated = Module::validate(&core.engine, &wasm);
    if let Ok(m) = &compiled {
        bump(1);
        assert!(
            validated.is_ok(),
            "compiled but Module::validate refused: {:#}",
            validated.unwrap_err()
        );
        // Every query on a module that compiled must work.
        let _ = (m.name(), m.imports().count(), m.exports().count());
    }
    if input.byte().is_multiple_of(4) {
        let engine = capi_engine();
        let mut module = std::ptr::null_mut();
        // SAFETY: a live engine, a buffer of its length, a writable out.
        let new =
            outcome(unsafe { petrel_module_new(engine.0, wasm.as_ptr(), wasm.len(), &mut module) });
        // SAFETY: as above.
        let valid = outcome(unsafe { petrel_module_validate(engine.0, wasm.as_ptr(), wasm.len()) });
        assert_eq!(
            new.is_ok(),
            compiled.is_ok(),
            "petrel_module_new ({new:?}) and Module::new disagree"
        );
        // `petrel_module_validate` takes the binary format only.
        if wasm.starts_with(b"\0asm") {
            assert_eq!(
                valid.is_ok(),
                validated.is_ok(),
                "petrel_module_validate ({valid:?}) and Module::validate disagree"
            );
        }
        // SAFETY: NULL or the module just made, freed once.
        unsafe { petrel_module_delete(module) };
    }
}

fn text(input: &mut Input<'_>) {
    let mut wat = SEEDS[input.below(SEEDS.len())].as_bytes().to_vec();
    crate::deserialize::mutate(&mut wat, input);
    if wat.starts_with(b"\0asm") {
        return;
    }
    bump(2);
    let core = wat::parse_bytes(&wat).is_ok();
    let _ = Module::new(&core_engine(), &wat);
    let mut out = petrel_bytes_t {
        data: std::ptr::null_mut(),
        len: 0,
    };
    // SAFETY: a buffer of its length; a writable out.
    let c = outcome(unsafe { petrel_wat2wasm(wat.as_ptr().cast::<c_char>(), wat.len(), &mut out) });
    assert_eq!(
        c.is_ok(),
        core,
        "petrel_wat2wasm ({c:?}) and the wat crate disagree"
    );
    if c.is_ok() {
        bump(3);
        assert!(!out.data.is_null() || out.len == 0);
    }
    // SAFETY: bytes filled in by Petrel (or still empty), freed once.
    unsafe { petrel_bytes_delete(&mut out) };
}

fn core_engine() -> Engine {
    core().engine.clone()
}

/// A C API engine configured like the `deserialize` fixture's engine, so
/// that its artifacts are genuine here too.
fn capi_engine() -> &'static Shared<petrel_engine_t> {
    static ENGINE: OnceLock<Shared<petrel_engine_t>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        // SAFETY: out-parameters are writable; each object is used as the
        // header says and the config freed once.
        unsafe {
            let mut config = std::ptr::null_mut();
            assert!(outcome(petrel_config_new(&mut config)).is_ok());
            assert!(outcome(petrel_config_parallel_compilation(config, false)).is_ok());
            let key = [0x11u8; 32];
            assert!(outcome(petrel_config_module_key(config, key.as_ptr(), key.len())).is_ok());
            let mut engine = std::ptr::null_mut();
            assert!(outcome(petrel_engine_new(config, &mut engine)).is_ok());
            petrel_config_delete(config);
            Shared(engine)
        }
    })
}

fn artifact(input: &mut Input<'_>) {
    let fixture = crate::deserialize::fixture();
    let candidate = crate::deserialize::candidate(fixture, input);
    bump(4);
    let genuine = fixture.genuine.contains(&candidate);
    let mut module = std::ptr::null_mut();
    // SAFETY: a live engine, a buffer of its length, a writable out.
    let o = outcome(unsafe {
        petrel_module_deserialize(
            capi_engine().0,
            candidate.as_ptr(),
            candidate.len(),
            &mut module,
        )
    });
    match o {
        Outcome::Ok if !genuine => panic!("petrel_module_deserialize accepted a forgery"),
        Outcome::Ok => {}
        other if genuine => panic!("a genuine artifact was refused: {other:?}"),
        _ => assert!(module.is_null()),
    }
    // SAFETY: NULL or the module just loaded, freed once.
    unsafe { petrel_module_delete(module) };
}

/// The C API's other byte inputs: error messages (invalid UTF-8 is
/// replaced), module keys (exactly 32 bytes), value kinds of function
/// types (0 to 6), and names (UTF-8) for the linker and export lookups.
fn small_inputs(input: &mut Input<'_>) {
    let n = input.below(48);
    let bytes = input.take(n).to_vec();
    // SAFETY: buffers of their lengths; writable outs; every object made
    // is freed once.
    unsafe {
        let e = petrel_error_new(bytes.as_ptr().cast(), bytes.len());
        let msg = std::ffi::CStr::from_ptr(petrel_error_message(e));
        let expected = String::from_utf8_lossy(&bytes);
        // An inner NUL is written as `\0` (the message stays one C string).
        let expected = expected.replace('\0', "\\0");
        assert_eq!(
            msg.to_str().ok(),
            Some(expected.as_str()),
            "petrel_error_new of {bytes:?}"
        );
        petrel_error_delete(e);

        let mut config = std::ptr::null_mut();
        assert!(outcome(petrel_config_new(&mut config)).is_ok());
        let o = outcome(petrel_config_module_key(
            config,
            bytes.as_ptr(),
            bytes.len(),
        ));
        assert_eq!(
            o.is_ok(),
            bytes.len() == 32,
            "module key of {} bytes: {o:?}",
            bytes.len()
        );
        petrel_config_delete(config);

        let split = input.below(bytes.len() + 1);
        let (params, results) = bytes.split_at(split);
        let mut ft = std::ptr::null_mut();
        let o = outcome(petrel_functype_new(
            params.as_ptr(),
            params.len(),
            results.as_ptr(),
            results.len(),
            &mut ft,
        ));
        assert_eq!(
            o.is_ok(),
            bytes.iter().all(|k| *k <= PETREL_EXTERNREF),
            "kinds {bytes:?}: {o:?}"
        );
        if o.is_ok() {
            let mut ptr = std::ptr::null();
            let mut len = 0;
            assert!(outcome(petrel_functype_results(ft, &mut ptr, &mut len)).is_ok());
            assert_eq!(len, results.len());
        }
        petrel_functype_delete(ft);

        let engine = capi_engine();
        let mut linker = std::ptr::null_mut();
        assert!(outcome(petrel_linker_new(engine.0, &mut linker)).is_ok());
        let mut store = std::ptr::null_mut();
        assert!(
            outcome(petrel_store_new(
                engine.0,
                std::ptr::null_mut(),
                None,
                &mut store
            ))
            .is_ok()
        );
        let mut g = petrel_global_t {
            store_id: 0,
            index: 0,
        };
        let v = petrel_val_t {
            kind: PETREL_I32,
            of: petrel_valunion_t { i64: 0 },
        };
        let gt = petrel_globaltype_t {
            content: PETREL_I32,
            mutability: PETREL_CONST,
        };
        assert!(outcome(petrel_global_new(store, gt, &v, &mut g)).is_ok());
        let item = petrel_extern_t {
            kind: PETREL_EXTERN_GLOBAL,
            store_id: g.store_id,
            index: g.index,
        };
        let utf8 = std::str::from_utf8(params).is_ok() && std::str::from_utf8(results).is_ok();
        let o = outcome(petrel_linker_define(
            linker,
            store,
            params.as_ptr().cast(),
            params.len(),
            results.as_ptr().cast(),
            results.len(),
            item,
        ));
        assert_eq!(
            o.is_ok(),
            utf8,
            "linker names {params:?} {results:?}: {o:?}"
        );
        let mut found = false;
        let mut got = item;
        let o = outcome(petrel_linker_get(
            linker,
            store,
            params.as_ptr().cast(),
            params.len(),
            results.as_ptr().cast(),
            results.len(),
            &mut got,
            &mut found,
        ));
        assert_eq!(o.is_ok(), utf8, "linker_get {params:?} {results:?}: {o:?}");
        assert_eq!(found, utf8, "a name just defined is found");
        assert!(outcome(petrel_store_delete(store)).is_ok());
        petrel_linker_delete(linker);
    }
}

// ---------------------------------------------------------------- WASI

/// The WASI functions the forwarding module exports, with their
/// parameter types (`true` for i64) and whether they return an errno.
struct WasiFunc {
    name: String,
    params: Vec<bool>,
    has_result: bool,
}

/// The per-thread WASI fixture: C API engine, linker with WASI, the
/// forwarding module, and the scratch directory.
struct WasiFixture {
    engine: *mut petrel_engine_t,
    linker: *mut petrel_linker_t,
    module: *mut petrel_module_t,
    funcs: Vec<WasiFunc>,
    dir: PathBuf,
    runs: u64,
}

impl Drop for WasiFixture {
    fn drop(&mut self) {
        // SAFETY: made in `wasi_fixture`, freed once here.
        unsafe {
            petrel_module_delete(self.module);
            petrel_linker_delete(self.linker);
            petrel_engine_delete(self.engine);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Functions not called: `poll_oneoff` sleeps as long as a clock
/// subscription asks.
const WASI_SKIPPED: &[&str] = &["poll_oneoff"];

fn wasi_functions() -> Vec<WasiFunc> {
    use petrel::wasi::{self, WasiCtx};
    let engine = Engine::default();
    let mut linker = petrel::Linker::<WasiCtx>::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).expect("WASI defines");
    let mut store = petrel::Store::new(&engine, WasiCtx::builder().build());
    let names: Vec<(String, String)> = linker
        .names()
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .collect();
    let mut funcs = Vec::new();
    for (module, name) in names {
        if WASI_SKIPPED.contains(&name.as_str()) {
            continue;
        }
        let Some(petrel::Extern::Func(f)) = linker.get(&mut store, &module, &name) else {
            panic!("{module}::{name} is not a function");
        };
        let ty = f.ty(&store).expect("a function of its store");
        funcs.push(WasiFunc {
            name,
            params: ty
                .params()
                .iter()
                .map(|t| *t == petrel::ValType::I64)
                .collect(),
            has_result: !ty.results().is_empty(),
        });
    }
    funcs.sort_by(|a, b| a.name.cmp(&b.name));
    funcs
}

/// A module importing every WASI function and exporting a forwarder of
/// each under the same name, plus its memory.
fn forwarding_module(funcs: &[WasiFunc]) -> String {
    let ty = |f: &WasiFunc| {
        let params: Vec<&str> = f
            .params
            .iter()
            .map(|w| if *w { "i64" } else { "i32" })
            .collect();
        let result = if f.has_result { "(result i32)" } else { "" };
        format!("(param {}) {result}", params.join(" "))
    };
    let mut wat = String::from("(module\n");
    for f in funcs {
        wat += &format!(
            "(import \"wasi_snapshot_preview1\" \"{0}\" (func ${0} {1}))\n",
            f.name,
            ty(f)
        );
    }
    wat += "(memory (export \"memory\") 1 2)\n";
    for f in funcs {
        let gets: String = (0..f.params.len())
            .map(|i| format!("local.get {i} "))
            .collect();
        wat += &format!(
            "(func (export \"{0}\") {1} {gets} call ${0})\n",
            f.name,
            ty(f)
        );
    }
    wat + ")"
}

fn wasi_fixture() -> WasiFixture {
    let funcs = wasi_functions();
    let wat = forwarding_module(&funcs);
    let dir = std::env::temp_dir().join(format!(
        "petrel-fuzz-wasi-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    reset_dir(&dir);
    // SAFETY: out-parameters are writable; objects are used as the header
    // says and freed in `Drop`.
    unsafe {
        let mut engine = std::ptr::null_mut();
        assert!(outcome(petrel_engine_new(std::ptr::null(), &mut engine)).is_ok());
        let mut linker = std::ptr::null_mut();
        assert!(outcome(petrel_linker_new(engine, &mut linker)).is_ok());
        assert!(outcome(petrel_linker_define_wasi(linker)).is_ok());
        let mut module = std::ptr::null_mut();
        let o = outcome(petrel_module_new(
            engine,
            wat.as_ptr(),
            wat.len(),
            &mut module,
        ));
        assert!(o.is_ok(), "the forwarding module compiles: {o:?}");
        WasiFixture {
            engine,
            linker,
            module,
            funcs,
            dir,
            runs: 0,
        }
    }
}

/// (Re)creates the scratch directory: a file, a subdirectory, and
/// symbolic links that point out of it (which the guest must not follow
/// out).
fn reset_dir(dir: &std::path::Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("sub")).expect("scratch directory");
    std::fs::write(dir.join("a"), b"file a\n").expect("scratch file");
    std::fs::write(dir.join("sub/b"), b"file b\n").expect("scratch file");
    let _ = std::os::unix::fs::symlink("../..", dir.join("up"));
    let _ = std::os::unix::fs::symlink("/etc", dir.join("abs"));
    let _ = std::os::unix::fs::symlink("a", dir.join("to-a"));
}

thread_local! {
    static WASI: RefCell<Option<WasiFixture>> = const { RefCell::new(None) };
}

/// Removes this thread's scratch directory (the smoke test calls it at
/// the end).
pub fn cleanup() {
    WASI.with(|w| w.borrow_mut().take());
}

/// Paths worth trying, besides raw bytes.
const PATHS: &[&[u8]] = &[
    b".",
    b"..",
    b"a",
    b"sub",
    b"sub/b",
    b"sub/../a",
    b"../a",
    b"/etc/passwd",
    b"up",
    b"up/etc",
    b"abs/passwd",
    b"to-a",
    b"new",
    b"sub/new",
    b"a/",
    b"",
    b"\0",
    b"a\0b",
    b"\xff\xfe",
];

/// A NUL-terminated copy of (up to 24 of) the input's bytes, without
/// inner NULs.
fn c_string(input: &mut Input<'_>) -> CString {
    let n = input.below(24);
    let bytes: Vec<u8> = input.take(n).iter().map(|b| b.max(&1)).copied().collect();
    CString::new(bytes).expect("no NUL inside")
}

fn wasi(input: &mut Input<'_>) {
    WASI.with(|w| {
        let mut w = w.borrow_mut();
        let f = w.get_or_insert_with(wasi_fixture);
        f.runs += 1;
        if f.runs % 512 == 0 {
            // Bound what programs create in the scratch directory.
            reset_dir(&f.dir);
        }
        // SAFETY: the fixture's objects are live; everything made here is
        // freed before returning.
        unsafe { wasi_program(f, input) };
    });
}

/// # Safety
/// `f`'s objects are live.
unsafe fn wasi_program(f: &WasiFixture, input: &mut Input<'_>) {
    bump(5);
    let mut config = std::ptr::null_mut();
    // SAFETY: writable out; the config is consumed by `petrel_store_set_wasi`
    // or deleted below.
    unsafe {
        assert!(outcome(petrel_wasi_config_new(&mut config)).is_ok());
        // Arguments: must be refused exactly when one is not UTF-8.
        let argv: Vec<CString> = (0..input.below(4)).map(|_| c_string(input)).collect();
        let ptrs: Vec<*const c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        let o = outcome(petrel_wasi_config_set_argv(
            config,
            ptrs.as_ptr(),
            ptrs.len(),
        ));
        let utf8 = argv.iter().all(|a| a.to_str().is_ok());
        assert_eq!(o.is_ok(), utf8, "set_argv of {argv:?}: {o:?}");
        // Environment: refused when a name is empty or has `=`, or a
        // string is not UTF-8.
        let n = input.below(4);
        let names: Vec<CString> = (0..n).map(|_| c_string(input)).collect();
        let values: Vec<CString> = (0..n).map(|_| c_string(input)).collect();
        let np: Vec<*const c_char> = names.iter().map(|a| a.as_ptr()).collect();
        let vp: Vec<*const c_char> = values.iter().map(|a| a.as_ptr()).collect();
        let o = outcome(petrel_wasi_config_set_env(
            config,
            np.as_ptr(),
            vp.as_ptr(),
            n,
        ));
        let good = names.iter().chain(&values).all(|s| s.to_str().is_ok())
            && names
                .iter()
                .all(|s| !s.as_bytes().is_empty() && !s.as_bytes().contains(&b'='));
        assert_eq!(o.is_ok(), good, "set_env of {names:?}={values:?}: {o:?}");
        let stdin_len = input.below(64);
        let stdin = input.take(stdin_len);
        assert!(
            outcome(petrel_wasi_config_set_stdin_bytes(
                config,
                stdin.as_ptr(),
                stdin.len()
            ))
            .is_ok()
        );
        assert!(
            outcome(petrel_wasi_config_set_stdout_capture(
                config,
                input.below(256)
            ))
            .is_ok()
        );
        assert!(outcome(petrel_wasi_config_set_stderr_capture(config, 64)).is_ok());
        let host = CString::new(f.dir.as_os_str().as_encoded_bytes()).expect("a path");
        let guest = if input.byte().is_multiple_of(4) {
            c_string(input)
        } else {
            CString::new("/sandbox").expect("no NUL")
        };
        let o = outcome(petrel_wasi_config_preopen_dir(
            config,
            host.as_ptr(),
            guest.as_ptr(),
        ));
        assert_eq!(
            o.is_ok(),
            guest.to_str().is_ok(),
            "preopen as {guest:?}: {o:?}"
        );

        let mut store = std::ptr::null_mut();
        assert!(
            outcome(petrel_store_new(
                f.engine,
                std::ptr::null_mut(),
                None,
                &mut store
            ))
            .is_ok()
        );
        assert!(outcome(petrel_store_set_wasi(store, config)).is_ok());
        let mut instance = petrel_instance_t {
            store_id: 0,
            index: 0,
        };
        let o = outcome(petrel_linker_instantiate(
            f.linker,
            store,
            f.module,
            &mut instance,
        ));
        assert!(o.is_ok(), "the forwarding module instantiates: {o:?}");
        let mut mem = petrel_extern_t {
            kind: 0,
            store_id: 0,
            index: 0,
        };
        let mut found = false;
        assert!(
            outcome(petrel_instance_export_get(
                store,
                instance,
                c"memory".as_ptr(),
                6,
                &mut mem,
                &mut found
            ))
            .is_ok()
                && found
        );
        let memory = petrel_memory_t {
            store_id: mem.store_id,
            index: mem.index,
        };

        for _ in 0..input.below(8) + 1 {
            fill_memory(store, memory, input);
            call_wasi(f, store, instance, input);
        }
        let mut out = petrel_bytes_t {
            data: std::ptr::null_mut(),
            len: 0,
        };
        assert!(outcome(petrel_store_wasi_stdout(store, &mut out)).is_ok());
        petrel_bytes_delete(&mut out);
        assert!(outcome(petrel_store_delete(store)).is_ok());
    }
}

/// Writes input-chosen structures into guest memory: raw bytes, an iovec
/// array, or a path.
///
/// # Safety
/// `store` is live and `memory` is one of its memories.
unsafe fn fill_memory(store: *mut petrel_store_t, memory: petrel_memory_t, input: &mut Input<'_>) {
    for _ in 0..input.below(4) {
        let at = pointer(input) as usize;
        let bytes: Vec<u8> = match input.byte() % 3 {
            0 => {
                let n = input.below(32);
                input.take(n).to_vec()
            }
            1 => {
                // iovecs: (pointer, length) pairs into the first page.
                let n = input.below(4) + 1;
                (0..n)
                    .flat_map(|_| {
                        let ptr = input.below(65536) as u32;
                        let len = input.below(64) as u32;
                        ptr.to_le_bytes().into_iter().chain(len.to_le_bytes())
                    })
                    .collect()
            }
            _ => PATHS[input.below(PATHS.len())].to_vec(),
        };
        // SAFETY: forwarded precondition; a buffer of its length. Out of
        // bounds is an error, which is fine here.
        let o =
            outcome(unsafe { petrel_memory_write(store, memory, at, bytes.as_ptr(), bytes.len()) });
        let fits = at + bytes.len() <= 65536;
        assert_eq!(
            o.is_ok(),
            fits,
            "memory write at {at}+{}: {o:?}",
            bytes.len()
        );
    }
}

/// A guest pointer or length: small, in the first page, near its end, or
/// anything.
fn pointer(input: &mut Input<'_>) -> u32 {
    match input.byte() % 6 {
        0 => input.below(16) as u32,
        1 | 2 => input.below(65536) as u32,
        3 => 65536 - input.below(16) as u32,
        4 => u32::MAX - input.below(16) as u32,
        _ => input.u32(),
    }
}

/// Calls one WASI function with arguments from the input.
///
/// # Safety
/// `store` is live and `instance` is the forwarding module's instance.
unsafe fn call_wasi(
    f: &WasiFixture,
    store: *mut petrel_store_t,
    instance: petrel_instance_t,
    input: &mut Input<'_>,
) {
    let func = &f.funcs[input.below(f.funcs.len())];
    let mut item = petrel_extern_t {
        kind: 0,
        store_id: 0,
        index: 0,
    };
    let mut found = false;
    // SAFETY: forwarded precondition; buffers of their lengths.
    let o = outcome(unsafe {
        petrel_instance_export_get(
            store,
            instance,
            func.name.as_ptr().cast(),
            func.name.len(),
            &mut item,
            &mut found,
        )
    });
    assert!(o.is_ok() && found, "export {}: {o:?}", func.name);
    let handle = petrel_func_t {
        store_id: item.store_id,
        index: item.index,
    };
    let args: Vec<petrel_val_t> = func
        .params
        .iter()
        .map(|wide| {
            if *wide {
                let v = match input.byte() % 3 {
                    0 => input.below(4096) as i64,
                    1 => -1,
                    _ => ((u64::from(input.u32()) << 32) | u64::from(input.u32())) as i64,
                };
                petrel_val_t {
                    kind: PETREL_I64,
                    of: petrel_valunion_t { i64: v },
                }
            } else {
                let v = if input.byte().is_multiple_of(3) {
                    // Descriptors, flags, small counts.
                    input.below(12) as i32
                } else {
                    pointer(input) as i32
                };
                petrel_val_t {
                    kind: PETREL_I32,
                    of: petrel_valunion_t { i32: v },
                }
            }
        })
        .collect();
    let mut result = [petrel_val_t {
        kind: PETREL_I32,
        of: petrel_valunion_t { i64: 0 },
    }];
    let nresults = usize::from(func.has_result);
    bump(6);
    // SAFETY: forwarded precondition; buffers of their lengths.
    let o = outcome(unsafe {
        petrel_func_call(
            store,
            handle,
            args.as_ptr(),
            args.len(),
            result.as_mut_ptr(),
            nresults,
        )
    });
    match o {
        Outcome::Ok if func.has_result => {
            // SAFETY: an i32 result was written.
            let errno = unsafe { result[0].of.i32 };
            assert!(
                (0..=76).contains(&errno),
                "{} returned {errno}, not a WASI errno",
                func.name
            );
            if errno == 0 {
                bump(7);
            }
        }
        Outcome::Ok => {}
        Outcome::Exit(status) if func.name == "proc_exit" => {
            assert!((0..126).contains(&status), "exit status {status}");
        }
        Outcome::Error(m) if func.name == "proc_exit" && m.contains("invalid exit status") => {}
        other => panic!(
            "{} failed instead of returning an errno: {other:?}",
            func.name
        ),
    }
}

/// Runs `cases` deterministic inputs from `seed`; returns the counts of
/// this process.
pub fn smoke(seed: u64, cases: usize) -> Counts {
    let mut rng = Rng::new(seed);
    for _ in 0..cases {
        let len = 8 + rng.below(512);
        run(&rng.bytes(len));
    }
    cleanup();
    counts()
}
