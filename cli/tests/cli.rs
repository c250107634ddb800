//! Tests of the `petrel` binary: running modules, traps and their exit
//! status, argument errors, ahead-of-time compilation, and `petrel wast`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn petrel(args: &[&str]) -> Output {
    petrel_env(args, &[])
}

/// Runs petrel with `env` set and `PETREL_MODULE_KEY_FILE` otherwise unset.
fn petrel_env(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_petrel"));
    cmd.args(args)
        .current_dir(repo_root())
        .env_remove("PETREL_MODULE_KEY_FILE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the petrel binary runs")
}

/// A new key file made by `petrel keygen` in `dir`.
fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    let out = petrel(&["keygen", key.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    key
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a clean error: exit status 1, an `error:` message mentioning
/// `needle`, and no panic.
fn assert_error(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("panicked"), "petrel panicked: {err}");
    assert!(err.contains("error:"), "no error message: {err}");
    assert!(
        err.to_lowercase().contains(&needle.to_lowercase()),
        "stderr should mention {needle:?}: {err}"
    );
}

/// The binary encoding of a text module.
fn wat_to_wasm(text: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let mut wat = wast::parser::parse::<wast::Wat>(&buf).unwrap();
    wat.encode().unwrap()
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn runs_fib() {
    let out = petrel(&["run", "examples/fib.wat", "--invoke", "fib", "20"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "6765\n");

    let out = petrel(&["run", "--invoke=fib", "examples/fib.wat", "30"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "832040\n");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn runs_binary_module() {
    let dir = scratch("binary");
    let wasm = dir.join("fib.wasm");
    let text = std::fs::read_to_string(repo_root().join("examples/fib.wat")).unwrap();
    std::fs::write(&wasm, wat_to_wasm(&text)).unwrap();
    let out = petrel(&["run", wasm.to_str().unwrap(), "--invoke", "fib", "0xa"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "55\n");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn prints_each_result_on_its_own_line() {
    let dir = scratch("results");
    let file = dir.join("multi.wat");
    std::fs::write(
        &file,
        r#"(module
             (func (export "swap") (param i64 f64) (result f64 i64 f32)
               local.get 1 local.get 0 f32.const -inf))"#,
    )
    .unwrap();
    let out = petrel(&[
        "run",
        file.to_str().unwrap(),
        "--invoke",
        "swap",
        "-3",
        "2.5",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "2.5\n-3\n-inf\n");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn trap_exits_134_with_backtrace() {
    let out = petrel(&["run", "examples/trap.wat", "--invoke", "run"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(134), "stderr: {err}");
    assert!(
        err.contains("error: wasm trap: unreachable"),
        "stderr: {err}"
    );
    assert!(err.contains("  0: func[0]"), "no innermost frame: {err}");
    assert!(err.contains("fail"), "frame names missing: {err}");
    assert!(
        err.contains("middle") && err.contains("run"),
        "frames: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let out = petrel(&["run", "examples/trap.wat", "--invoke", "div", "1", "0"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(134), "stderr: {err}");
    assert!(err.contains("integer divide by zero"), "stderr: {err}");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn missing_file() {
    let out = petrel(&["run", "does/not/exist.wasm"]);
    assert_error(&out, "exist.wasm");
    let out = petrel(&["run"]);
    assert_error(&out, "FILE");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn malformed_module() {
    let dir = scratch("malformed");
    let file = dir.join("garbage.wasm");
    std::fs::write(&file, b"this is not wasm at all").unwrap();
    assert_error(&petrel(&["run", file.to_str().unwrap()]), "garbage.wasm");

    let invalid = dir.join("invalid.wat");
    std::fs::write(&invalid, "(module (func (result i32) i64.const 1))").unwrap();
    assert_error(&petrel(&["run", invalid.to_str().unwrap()]), "invalid.wat");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn truncated_binary() {
    let dir = scratch("truncated");
    let text = std::fs::read_to_string(repo_root().join("examples/fib.wat")).unwrap();
    let wasm = wat_to_wasm(&text);
    let file = dir.join("truncated.wasm");
    std::fs::write(&file, &wasm[..wasm.len() / 2]).unwrap();
    let out = petrel(&["run", file.to_str().unwrap(), "--invoke", "fib", "5"]);
    assert_error(&out, "truncated.wasm");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn wrong_arguments() {
    let out = petrel(&["run", "examples/fib.wat", "--invoke", "fib"]);
    assert_error(&out, "expects 1 argument");
    let out = petrel(&["run", "examples/fib.wat", "--invoke", "fib", "1", "2"]);
    assert_error(&out, "expects 1 argument");
    let out = petrel(&["run", "examples/fib.wat", "--invoke", "fib", "ten"]);
    assert_error(&out, "ten");
    let out = petrel(&["run", "examples/fib.wat", "--invoke", "fib", "99999999999"]);
    assert_error(&out, "out of range");
    let out = petrel(&["run", "examples/fib.wat", "--invoke", "nope"]);
    assert_error(&out, "exported functions: fib");
    // No `_start` and no --invoke: the error lists what can be called.
    let out = petrel(&["run", "examples/fib.wat"]);
    assert_error(&out, "exported functions: fib");
    let out = petrel(&["run", "examples/fib.wat", "--invoke"]);
    assert_error(&out, "--invoke");
    let out = petrel(&["run", "--frobnicate", "examples/fib.wat"]);
    assert_error(&out, "--frobnicate");
    let out = petrel(&["launch"]);
    assert_error(&out, "launch");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn compile_then_run_cwasm() {
    let dir = scratch("cwasm");
    let key = keygen(&dir, "key");
    let key = key.to_str().unwrap();
    let cwasm = dir.join("fib.cwasm");
    let out = petrel(&[
        "compile",
        "--key-file",
        key,
        "examples/fib.wat",
        "-o",
        cwasm.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert!(cwasm.metadata().unwrap().len() > 0);

    let out = petrel(&[
        "run",
        "--key-file",
        key,
        cwasm.to_str().unwrap(),
        "--invoke",
        "fib",
        "20",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "6765\n");

    // Traps keep their exit status and frames through serialization.
    let trap = dir.join("trap.cwasm");
    let out = petrel(&[
        "compile",
        &format!("--key-file={key}"),
        "examples/trap.wat",
        "-o",
        trap.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let out = petrel(&[
        "run",
        &format!("--key-file={key}"),
        trap.to_str().unwrap(),
        "--invoke",
        "run",
    ]);
    assert_eq!(out.status.code(), Some(134), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("func[0]"), "{}", stderr(&out));
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn corrupted_cwasm_is_rejected() {
    let dir = scratch("corrupt");
    let key = keygen(&dir, "key");
    let env = [("PETREL_MODULE_KEY_FILE", key.as_path())];
    let cwasm = dir.join("fib.cwasm");
    let out = petrel_env(
        &["compile", "examples/fib.wat", "-o", cwasm.to_str().unwrap()],
        &env,
    );
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let good = std::fs::read(&cwasm).unwrap();
    let run = |file: &Path| {
        petrel_env(
            &["run", file.to_str().unwrap(), "--invoke", "fib", "3"],
            &env,
        )
    };
    assert!(run(&cwasm).status.success());

    let truncated = dir.join("truncated.cwasm");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let out = run(&truncated);
    assert_error(&out, "truncated.cwasm");
    assert_error(&out, "is truncated");

    let mut flipped = good.clone();
    flipped[good.len() / 3] ^= 0x04;
    let flipped_file = dir.join("flipped.cwasm");
    std::fs::write(&flipped_file, &flipped).unwrap();
    let out = run(&flipped_file);
    assert_error(&out, "flipped.cwasm");
    assert_error(&out, "authentication failed");

    // A plain wasm binary is not a serialized module.
    let text = std::fs::read_to_string(repo_root().join("examples/fib.wat")).unwrap();
    let plain = dir.join("plain.cwasm");
    std::fs::write(&plain, wat_to_wasm(&text)).unwrap();
    assert_error(&run(&plain), "not a compiled Petrel module");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn cwasm_needs_the_key_it_was_sealed_with() {
    let dir = scratch("keys");
    let key = keygen(&dir, "key");
    let cwasm = dir.join("fib.cwasm");
    let cwasm_s = cwasm.to_str().unwrap();

    // Without a key, compile refuses and says how to get one.
    let out = petrel(&["compile", "examples/fib.wat", "-o", cwasm_s]);
    assert_error(&out, "needs a module key");
    assert_error(&out, "--key-file");
    assert_error(&out, "petrel keygen");
    assert!(!cwasm.exists());

    // The environment variable names the key file for both commands.
    let env = [("PETREL_MODULE_KEY_FILE", key.as_path())];
    let out = petrel_env(&["compile", "examples/fib.wat", "-o", cwasm_s], &env);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let out = petrel_env(&["run", cwasm_s, "--invoke", "fib", "10"], &env);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "55\n");
    // `--key-file` wins over the environment.
    let other = keygen(&dir, "other");
    let out = petrel_env(
        &[
            "run",
            "--key-file",
            other.to_str().unwrap(),
            cwasm_s,
            "--invoke",
            "fib",
            "10",
        ],
        &env,
    );
    assert_error(&out, "authentication failed");

    // Running a .cwasm without a key is refused before loading it.
    assert_error(
        &petrel(&["run", cwasm_s, "--invoke", "fib", "10"]),
        "needs a module key",
    );
    // A .wasm runs without a key.
    assert!(
        petrel(&["run", "examples/fib.wat", "--invoke", "fib", "10"])
            .status
            .success()
    );
    // Another configuration (fuel) is refused by name.
    let out = petrel_env(
        &["run", "--fuel", "1000", cwasm_s, "--invoke", "fib", "10"],
        &env,
    );
    assert_error(&out, "different Petrel version or engine configuration");
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn key_files() {
    let dir = scratch("keyfiles");
    let key = keygen(&dir, "key");
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.len(), 65, "{text:?}");
    assert!(text.trim_end().bytes().all(|b| b.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = key.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Never overwritten.
    assert_error(
        &petrel(&["keygen", key.to_str().unwrap()]),
        "never overwritten",
    );
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);
    assert_ne!(
        std::fs::read_to_string(keygen(&dir, "second")).unwrap(),
        text
    );
    assert_error(&petrel(&["keygen"]), "one KEYFILE");

    // 32 raw bytes are a key too.
    let raw = dir.join("raw");
    std::fs::write(&raw, [0x5a; 32]).unwrap();
    let cwasm = dir.join("fib.cwasm");
    let compile = |k: &Path| {
        petrel(&[
            "compile",
            "--key-file",
            k.to_str().unwrap(),
            "examples/fib.wat",
            "-o",
            cwasm.to_str().unwrap(),
        ])
    };
    let out = compile(&raw);
    assert!(out.status.success(), "stderr: {}", stderr(&out));

    // Not a key; missing.
    let bad = dir.join("bad");
    std::fs::write(&bad, "not a key\n").unwrap();
    assert_error(&compile(&bad), "holds no key");
    assert_error(
        &compile(&dir.join("missing")),
        "cannot read module key file",
    );

    // Readable by others: used, with a warning.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&raw, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = compile(&raw);
        assert!(out.status.success(), "stderr: {}", stderr(&out));
        assert!(stderr(&out).contains("warning"), "{}", stderr(&out));
        assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn wast_reports_counts_and_exit_status() {
    let dir = scratch("wast");
    let good = dir.join("good.wast");
    std::fs::write(
        &good,
        r#"(module
             (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
             (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u))
           (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
           (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
           (assert_invalid (module (func (result i32) i64.const 0)) "type mismatch")
           (assert_malformed (module quote "(func") "unexpected end")
           (assert_exception (invoke "add" (i32.const 1) (i32.const 2)))"#,
    )
    .unwrap();
    let out = petrel(&["wast", good.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "stdout: {text}\nstderr: {}",
        stderr(&out)
    );
    assert!(
        text.contains("good.wast: 5 passed, 0 failed, 1 skipped"),
        "{text}"
    );
    assert!(text.contains("SKIP"), "{text}");
    assert!(
        text.ends_with("total: 5 passed, 0 failed, 1 skipped\n"),
        "{text}"
    );

    let bad = dir.join("bad.wast");
    std::fs::write(
        &bad,
        "(module (func (export \"one\") (result i32) i32.const 1))\n\
         (assert_return (invoke \"one\") (i32.const 2))\n",
    )
    .unwrap();
    let out = petrel(&[
        "wast",
        "--quiet",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "stdout: {text}");
    assert!(text.contains("bad.wast:2:2: assert_return"), "{text}");
    assert!(
        !text.contains("good.wast:"),
        "--quiet prints only failures: {text}"
    );
    assert!(
        text.ends_with("total: 6 passed, 1 failed, 1 skipped\n"),
        "{text}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn help_and_version() {
    let out = petrel(&["--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("petrel run"));
    let out = petrel(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        format!("petrel {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = petrel(&[]);
    assert_error(&out, "no command");
}

/// A WASI command in text form: writes its argv buffer, then its environ
/// buffer (NUL-separated), then the contents of `in.txt` from the first
/// preopened directory, then exits with the status in `status.txt` there
/// (or returns normally when that file is missing).
const WASI_ECHO: &str = r#"
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "in.txt")
  (data (i32.const 210) "status.txt")
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  ;; Reads up to 1000 bytes of file ($name, $len) in descriptor 3 to 4096;
  ;; the number read, or -1 when it cannot be opened.
  (func $slurp (param $name i32) (param $len i32) (result i32)
    (if (call $path_open (i32.const 3) (i32.const 1) (local.get $name) (local.get $len)
                         (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 12))
      (then (return (i32.const -1))))
    (i32.store (i32.const 16) (i32.const 4096))
    (i32.store (i32.const 20) (i32.const 1000))
    (drop (call $fd_read (i32.load (i32.const 12)) (i32.const 16) (i32.const 1) (i32.const 24)))
    (i32.load (i32.const 24)))
  (func (export "_start") (local $n i32)
    (drop (call $args_sizes_get (i32.const 32) (i32.const 36)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (call $write (i32.const 2048) (i32.load (i32.const 36)))
    (drop (call $environ_sizes_get (i32.const 32) (i32.const 36)))
    (drop (call $environ_get (i32.const 1024) (i32.const 2048)))
    (call $write (i32.const 2048) (i32.load (i32.const 36)))
    (local.set $n (call $slurp (i32.const 200) (i32.const 6)))
    (if (i32.ge_s (local.get $n) (i32.const 0))
      (then (call $write (i32.const 4096) (local.get $n))))
    (local.set $n (call $slurp (i32.const 210) (i32.const 10)))
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (call $proc_exit (i32.sub (i32.load8_u (i32.const 4096)) (i32.const 48)))))))
"#;

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn runs_a_wasi_command() {
    let dir = scratch("wasi-command");
    let wat = dir.join("echo.wat");
    std::fs::write(&wat, WASI_ECHO).unwrap();
    let data = dir.join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("in.txt"), "file contents").unwrap();
    let dir_arg = format!("{}::/sandbox", data.display());
    let out = petrel(&[
        "run",
        "--env",
        "GREETING=hi there",
        "--env=EMPTY=",
        "--dir",
        &dir_arg,
        wat.to_str().unwrap(),
        "a",
        "--flag",
        "-x",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let expected = format!(
        "{}\0a\0--flag\0-x\0GREETING=hi there\0EMPTY=\0file contents",
        wat.display()
    );
    assert_eq!(stdout(&out), expected);

    // The exit status is the program's.
    std::fs::write(data.join("status.txt"), "7").unwrap();
    let dir_arg = format!("--dir={}", data.display());
    let out = petrel(&["run", &dir_arg, wat.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(7), "stderr: {}", stderr(&out));
    assert!(stderr(&out).is_empty(), "stderr: {}", stderr(&out));
    std::fs::write(data.join("status.txt"), "0").unwrap();
    let out = petrel(&["run", &dir_arg, wat.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));

    // Without --dir the program has no preopen: it prints no file.
    let out = petrel(&["run", wat.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\0", wat.display()));

    // Bad option values are clean errors.
    assert_error(
        &petrel(&["run", "--dir", "/does/not/exist", wat.to_str().unwrap()]),
        "/does/not/exist",
    );
    assert_error(
        &petrel(&["run", "--fuel", "lots", wat.to_str().unwrap()]),
        "--fuel",
    );
    assert_error(
        &petrel(&["run", "--preload", "nofile", wat.to_str().unwrap()]),
        "NAME=FILE",
    );
    assert_error(
        &petrel(&["run", "--env", "=x", wat.to_str().unwrap()]),
        "--env",
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs the petrel binary as a child process")]
fn preload_and_fuel() {
    let dir = scratch("preload");
    let lib = dir.join("lib.wat");
    std::fs::write(
        &lib,
        r#"(module (func (export "answer") (result i32) i32.const 42))"#,
    )
    .unwrap();
    let main = dir.join("main.wat");
    std::fs::write(
        &main,
        r#"(module
             (import "lib" "answer" (func $answer (result i32)))
             (func (export "twice") (result i32) (i32.add (call $answer) (call $answer)))
             (func (export "spin") (loop $l (br $l))))"#,
    )
    .unwrap();
    let preload = format!("lib={}", lib.display());
    let out = petrel(&[
        "run",
        "--preload",
        &preload,
        main.to_str().unwrap(),
        "--invoke",
        "twice",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "84\n");
    // Without the preload the import is unknown.
    assert_error(
        &petrel(&["run", "--invoke=twice", main.to_str().unwrap()]),
        "lib::answer",
    );

    // Fuel ends an endless loop with a trap.
    let out = petrel(&[
        "run",
        "--fuel",
        "10000",
        "--preload",
        &preload,
        "--invoke",
        "spin",
        main.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(134), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("fuel"), "stderr: {}", stderr(&out));
}
