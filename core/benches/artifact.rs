//! Loading an authenticated serialized module against compiling it, on the
//! largest program in `../shared/bench-wasm/` (found by size). Also shows
//! what the authentication costs: the same load without the MAC check
//! (`Module::deserialize_unchecked`). Prints figures; asserts nothing about
//! time.
//!
//! Run: `cargo bench -p petrel --bench artifact`.

use petrel::{Config, Engine, Module};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<R>(runs: usize, mut f: impl FnMut() -> R) -> (Duration, R) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

/// Every `.wasm` file under `dir`.
fn wasm_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            wasm_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wasm") {
            out.push(path);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() -> anyhow::Result<()> {
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/bench-wasm"
    ));
    let mut files = Vec::new();
    wasm_files(root, &mut files);
    let largest = files
        .iter()
        .max_by_key(|p| p.metadata().map(|m| m.len()).unwrap_or(0))
        .ok_or_else(|| anyhow::anyhow!("no .wasm under {}", root.display()))?;
    let wasm = std::fs::read(largest)?;
    let name = largest.strip_prefix(root).unwrap_or(largest).display();

    let mut config = Config::new();
    config.module_key([0x42; 32]);
    let engine = Engine::new(&config)?;

    let (compile, module) = time(3, || Module::new(&engine, &wasm).expect("compiles"));
    let sealed = module.serialize()?;
    let (serialize, _) = time(11, || module.serialize().expect("serializes"));
    let (load, loaded) = time(21, || Module::deserialize(&engine, &sealed).expect("loads"));
    drop(loaded);
    let (unchecked, _) = time(21, || {
        // SAFETY: `sealed` is exactly what `serialize` returned above, for
        // this engine.
        unsafe { Module::deserialize_unchecked(&engine, &sealed) }.expect("loads")
    });

    println!("== authenticated load vs compile: {name} ==");
    println!(
        "wasm size              {:>10.1} KiB",
        wasm.len() as f64 / 1024.0
    );
    println!(
        "sealed artifact size   {:>10.1} KiB",
        sealed.len() as f64 / 1024.0
    );
    println!("compile (median of 3)  {:>10.2} ms", ms(compile));
    println!("serialize (median 11)  {:>10.2} ms", ms(serialize));
    println!(
        "load, authenticated    {:>10.2} ms  (Module::deserialize, median of 21)",
        ms(load)
    );
    println!(
        "load, unchecked        {:>10.2} ms  (no MAC check, median of 21)",
        ms(unchecked)
    );
    println!(
        "MAC check              {:>10.2} ms  ({:.0} MiB/s)",
        ms(load.saturating_sub(unchecked)),
        sealed.len() as f64 / 1048576.0 / load.saturating_sub(unchecked).as_secs_f64().max(1e-9)
    );
    let ratio = compile.as_secs_f64() / load.as_secs_f64();
    println!("compile / authenticated load: {ratio:.1}x (goal: at least 20x)");
    Ok(())
}
