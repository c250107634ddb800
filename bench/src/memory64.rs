//! The cost of 64-bit memories (issue 13): one memory-heavy kernel
//! written three ways, run under Petrel and under Wasmtime.
//!
//! - `memory32`: a 32-bit memory; Petrel checks no access (guard region).
//! - `memory64, max 64 pages`: a 64-bit memory with a maximum within
//!   4 GiB; Petrel reserves it like a 32-bit one (base fixed) and checks
//!   each access with one compare of the index.
//! - `memory64, no max`: a 64-bit memory without a maximum; Petrel makes
//!   it dynamic (base reloaded after calls, index + offset + size checked
//!   against the length).
//!
//! The kernel keeps its pointers in the memory's index type, as a
//! compiler for wasm32 or wasm64 would: it fills 4 MiB of `i32` words,
//! then makes rounds over them, each word loaded, used to gather another
//! word at a data-dependent address, and stored back. Every form returns
//! the same checksum, which is compared across forms and runtimes. The
//! modules are compiled from the text below at run time.

use anyhow::{Result, anyhow, ensure};
use std::time::{Duration, Instant};

/// Words of the kernel's array (4 MiB of `i32`).
const WORDS: u64 = 1 << 20;
/// Rounds over the array per call.
const ROUNDS: u32 = 8;

/// One form of the kernel: its name and memory declaration.
struct Form {
    name: &'static str,
    memory: &'static str,
    is_64: bool,
}

const FORMS: &[Form] = &[
    Form {
        name: "memory32",
        memory: "64",
        is_64: false,
    },
    Form {
        name: "memory64, max 64 pages",
        memory: "i64 64 64",
        is_64: true,
    },
    Form {
        name: "memory64, no max",
        memory: "i64 64",
        is_64: true,
    },
];

/// The kernel's text for one form.
fn wat(form: &Form) -> String {
    // `P` is the pointer type; `ext` turns an i32 into a pointer, `wrap` a
    // pointer into an i32.
    let (p, ext, wrap) = if form.is_64 {
        ("i64", "i64.extend_i32_u", "i32.wrap_i64")
    } else {
        ("i32", "", "")
    };
    let mask = WORDS - 1;
    let apply = |op: &str, expr: &str| {
        if op.is_empty() {
            expr.to_string()
        } else {
            format!("({op} {expr})")
        }
    };
    let seed = apply(wrap, "(local.get $ptr)");
    let gather = apply(
        ext,
        &format!("(i32.and (i32.shr_u (local.get $v) (i32.const 7)) (i32.const {mask}))"),
    );
    format!(
        r#"(module
  (memory (export "memory") {mem})
  (func (export "run") (param $words {p}) (param $rounds i32) (result i64)
    (local $ptr {p}) (local $end {p}) (local $v i32) (local $g i32) (local $acc i32) (local $r i32)
    (local.set $end ({p}.shl (local.get $words) ({p}.const 2)))
    (local.set $ptr ({p}.const 0))
    (loop $init
      (i32.store (local.get $ptr) (i32.mul {seed} (i32.const 0x9e3779b1)))
      (local.set $ptr ({p}.add (local.get $ptr) ({p}.const 4)))
      (br_if $init ({p}.lt_u (local.get $ptr) (local.get $end))))
    (loop $round
      (local.set $ptr ({p}.const 0))
      (loop $inner
        (local.set $v (i32.load (local.get $ptr)))
        (local.set $g (i32.load ({p}.shl {gather} ({p}.const 2))))
        (i32.store (local.get $ptr) (i32.xor (i32.add (local.get $v) (local.get $g)) (local.get $r)))
        (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 1)) (local.get $g)))
        (local.set $ptr ({p}.add (local.get $ptr) ({p}.const 4)))
        (br_if $inner ({p}.lt_u (local.get $ptr) (local.get $end))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (local.get $rounds))))
    (i64.extend_i32_u (local.get $acc))))"#,
        mem = form.memory,
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One form compiled by both runtimes.
struct Compiled {
    petrel: petrel::Module,
    wasmtime: wasmtime::Module,
}

fn wt(e: wasmtime::Error) -> anyhow::Error {
    anyhow!("{e:?}")
}

/// One call of the kernel under Petrel in a fresh instance (zeroed
/// memory): its time and checksum.
fn petrel_call(
    engine: &petrel::Engine,
    form: &Form,
    module: &petrel::Module,
) -> Result<(Duration, u64)> {
    use petrel::{Instance, Store};
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[])?;
    let t = Instant::now();
    let sum = if form.is_64 {
        let run = instance.get_typed_func::<(u64, u32), u64>(&mut store, "run")?;
        run.call(&mut store, (WORDS, ROUNDS))?
    } else {
        let run = instance.get_typed_func::<(u32, u32), u64>(&mut store, "run")?;
        run.call(&mut store, (WORDS as u32, ROUNDS))?
    };
    Ok((t.elapsed(), sum))
}

/// The same under Wasmtime.
fn wasmtime_call(
    engine: &wasmtime::Engine,
    form: &Form,
    module: &wasmtime::Module,
) -> Result<(Duration, u64)> {
    use wasmtime::{Instance, Store};
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).map_err(wt)?;
    let t = Instant::now();
    let sum = if form.is_64 {
        let run = instance
            .get_typed_func::<(u64, u32), u64>(&mut store, "run")
            .map_err(wt)?;
        run.call(&mut store, (WORDS, ROUNDS)).map_err(wt)?
    } else {
        let run = instance
            .get_typed_func::<(u32, u32), u64>(&mut store, "run")
            .map_err(wt)?;
        run.call(&mut store, (WORDS as u32, ROUNDS)).map_err(wt)?
    };
    Ok((t.elapsed(), sum))
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_nanos().max(1) as f64 / b.as_nanos().max(1) as f64
}

/// Runs every form under both runtimes and prints a Markdown table: the
/// median of `runs` calls each (at least 5), after one warm-up call each,
/// interleaving forms and runtimes call by call so that drift in the
/// machine's speed affects all alike.
pub fn run(runs: usize) -> Result<()> {
    let runs = runs.max(5);
    let mut config = petrel::Config::new();
    config.wasm_simd(true);
    let p_engine = petrel::Engine::new(&config)?;
    let w_engine = wasmtime::Engine::new(&wasmtime::Config::new()).map_err(wt)?;
    let compiled = FORMS
        .iter()
        .map(|form| {
            Ok(Compiled {
                petrel: petrel::Module::new(&p_engine, wat(form))?,
                wasmtime: wasmtime::Module::new(&w_engine, wat(form)).map_err(wt)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut times = vec![(Vec::new(), Vec::new()); FORMS.len()];
    let mut checksum = None;
    eprint!("memory64 kernel ");
    for round in 0..=runs {
        for (i, (form, c)) in FORMS.iter().zip(&compiled).enumerate() {
            let p = petrel_call(&p_engine, form, &c.petrel)?;
            let w = wasmtime_call(&w_engine, form, &c.wasmtime)?;
            for sum in [p.1, w.1] {
                let expected = *checksum.get_or_insert(sum);
                ensure!(
                    sum == expected,
                    "{}: checksum {sum:#x} differs from {expected:#x}",
                    form.name
                );
            }
            if round > 0 {
                times[i].0.push(p.0);
                times[i].1.push(w.0);
            }
        }
        eprint!(".");
    }
    eprintln!();
    let rows: Vec<(&str, Duration, Duration)> = FORMS
        .iter()
        .zip(times)
        .map(|(f, (p, w))| (f.name, median(p), median(w)))
        .collect();
    let (p32, w32) = (rows[0].1, rows[0].2);
    println!();
    println!(
        "Memory-heavy kernel (4 MiB of i32 words, {ROUNDS} gather-and-store rounds; median of {runs} calls):"
    );
    println!();
    println!(
        "| form | Petrel (ms) | Petrel / memory32 | Wasmtime (ms) | Wasmtime / memory32 | Petrel / Wasmtime |"
    );
    println!("|---|--:|--:|--:|--:|--:|");
    for (name, p, w) in &rows {
        println!(
            "| {name} | {} | {:.2} | {} | {:.2} | {:.2} |",
            ms(*p),
            ratio(*p, p32),
            ms(*w),
            ratio(*w, w32),
            ratio(*p, *w)
        );
    }
    Ok(())
}
