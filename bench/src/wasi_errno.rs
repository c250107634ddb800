//! `petrel-bench --wasi-errno [--bless]`: the errno table of
//! `core/tests/wasi_errno/` checked against Wasmtime side by side.
//!
//! Builds `core/tests/wasi_errno/cases.c` for `wasm32-wasi` with clang and
//! wasi-libc (as the core test does), runs it under Wasmtime's preview 1
//! and under Petrel, each with a fresh `root/` preopened as `.` and a
//! file `outside` next to it, and compares the errno of every case: the
//! two runtimes must agree with each other and with `expected.txt`. With
//! `--bless`, the table is rewritten from Wasmtime's answers instead (the
//! reference), and Petrel's differences are still reported.

use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Capacity of the captured output.
const CAPACITY: usize = 1 << 20;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/wasi_errno")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("wasi-errno")
}

/// Compiles `cases.c`; the path of the module.
fn build() -> Result<PathBuf> {
    let src = tests_dir().join("cases.c");
    let out = target_dir();
    std::fs::create_dir_all(&out)?;
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
        .with_context(|| format!("cannot run `{cc}` (install clang, lld, wasi-libc)"))?;
    if !status.success() {
        bail!("`{cc}` failed to build {}", src.display());
    }
    Ok(wasm)
}

/// A fresh directory: `root/` (to preopen) and `outside` next to it.
fn fresh(name: &str) -> Result<PathBuf> {
    let dir = target_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("root"))?;
    std::fs::write(dir.join("outside"), b"outside")?;
    Ok(dir.join("root"))
}

/// `(case, errno)` pairs of the program's output.
fn parse(out: &[u8]) -> Result<Vec<(String, u16)>> {
    std::str::from_utf8(out)?
        .lines()
        .map(|l| {
            let (case, n) = l.split_once(' ').context("`CASE ERRNO`")?;
            Ok((case.to_string(), n.parse()?))
        })
        .collect()
}

fn under_petrel(bytes: &[u8]) -> Result<Vec<(String, u16)>> {
    use petrel::wasi::{self, I32Exit, MemoryOutputPipe, WasiCtx, WasiCtxBuilder};
    let engine = petrel::Engine::default();
    let module = petrel::Module::new(&engine, bytes)?;
    let mut linker = petrel::Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    let stdout = MemoryOutputPipe::new(CAPACITY);
    let stderr = MemoryOutputPipe::new(CAPACITY);
    let ctx = WasiCtxBuilder::new()
        .arg("cases")
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .preopened_dir(fresh("petrel")?, ".")?
        .build();
    let mut store = petrel::Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    match start.call(&mut store, ()) {
        Ok(()) => {}
        Err(e) if e.downcast_ref::<I32Exit>() == Some(&I32Exit(0)) => {}
        Err(e) => bail!(
            "under Petrel: {e:#}; stderr: {}",
            String::from_utf8_lossy(&stderr.contents())
        ),
    }
    parse(&stdout.contents())
}

fn under_wasmtime(bytes: &[u8]) -> Result<Vec<(String, u16)>> {
    use wasmtime::{Engine, Linker, Module, Store};
    use wasmtime_wasi::p1::{self, WasiP1Ctx};
    use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
    use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};
    let e = |e: wasmtime::Error| anyhow!("{e:?}");
    let engine = Engine::default();
    let module = Module::new(&engine, bytes).map_err(e)?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |cx| cx).map_err(e)?;
    let stdout = MemoryOutputPipe::new(CAPACITY);
    let stderr = MemoryOutputPipe::new(CAPACITY);
    let ctx = WasiCtxBuilder::new()
        .arg("cases")
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .preopened_dir(fresh("wasmtime")?, ".", FsPerms::ReadWrite)
        .map_err(e)?
        .build_p1();
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module).map_err(e)?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(e)?;
    match start.call(&mut store, ()) {
        Ok(()) => {}
        Err(err) if err.downcast_ref::<I32Exit>().map(|x| x.0) == Some(0) => {}
        Err(err) => bail!(
            "under Wasmtime: {err:?} / root cause {:?} (exit {:?}); stderr: {}; stdout: {}",
            err.root_cause(),
            err.downcast_ref::<I32Exit>().map(|x| x.0),
            String::from_utf8_lossy(&stderr.contents()),
            String::from_utf8_lossy(&stdout.contents())
        ),
    }
    parse(&stdout.contents())
}

fn name(n: u16) -> &'static str {
    petrel::wasi::Errno(n).name()
}

/// Runs the comparison; `bless` rewrites the table from Wasmtime.
pub fn run(bless: bool) -> Result<()> {
    let wasm = build()?;
    let bytes = std::fs::read(&wasm)?;
    let wasmtime = under_wasmtime(&bytes)?;
    let petrel = under_petrel(&bytes)?;
    let table_path = tests_dir().join("expected.txt");
    if bless {
        let mut text = String::from(
            "# WASI preview 1 error paths: case (see cases.c) and the errno Wasmtime 48's\n\
             # preview 1 returns. Written by `petrel-bench --wasi-errno --bless`.\n",
        );
        for (case, n) in &wasmtime {
            text += &format!("{case} {}\n", name(*n));
        }
        std::fs::write(&table_path, text)?;
        println!("wrote {} cases to {}", wasmtime.len(), table_path.display());
    }
    let table: Vec<(String, String)> = std::fs::read_to_string(&table_path)?
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (c, e) = l.split_once(' ').unwrap_or((l, ""));
            (c.to_string(), e.trim().to_string())
        })
        .collect();

    let mut problems = Vec::new();
    if wasmtime.len() != petrel.len() {
        problems.push(format!(
            "Wasmtime ran {} cases, Petrel {}",
            wasmtime.len(),
            petrel.len()
        ));
    }
    for ((wc, we), (pc, pe)) in wasmtime.iter().zip(&petrel) {
        if wc != pc {
            problems.push(format!("case order differs: {wc} / {pc}"));
            continue;
        }
        let t = table.iter().find(|(c, _)| c == wc).map(|(_, e)| e.as_str());
        if we != pe || t != Some(name(*we)) {
            problems.push(format!(
                "{wc}: Wasmtime {}, Petrel {}, table {}",
                name(*we),
                name(*pe),
                t.unwrap_or("(missing)")
            ));
        }
    }
    if table.len() != wasmtime.len() {
        problems.push(format!(
            "the table has {} cases, the program {}",
            table.len(),
            wasmtime.len()
        ));
    }
    if problems.is_empty() {
        println!(
            "{} errno cases: Wasmtime 48 and Petrel agree, and both match {}",
            wasmtime.len(),
            table_path.display()
        );
        Ok(())
    } else {
        for p in &problems {
            println!("{p}");
        }
        bail!("{} differences", problems.len())
    }
}
