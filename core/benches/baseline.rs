//! Baseline figures for the core: compile time of the largest programs in
//! `../shared/bench-wasm/` and execution time of small kernels (recursive
//! fib, a sieve over linear memory, a loop calling an imported host
//! function). Prints a table; asserts nothing about time.
//!
//! Run: `cargo bench -p petrel --bench baseline`.

use petrel::{Engine, Instance, Linker, Module, Store};
use std::time::{Duration, Instant};

const KERNELS: &str = r#"(module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (memory 16)
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib
         local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  ;; Sieve of Eratosthenes over bytes [0, n): returns the number of primes.
  (func (export "sieve") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done (loop $outer
      (br_if $done (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
      (if (i32.load8_u (local.get $i)) (then
        (local.set $j (i32.mul (local.get $i) (local.get $i)))
        (block $d2 (loop $inner
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $n)))
          (i32.store8 (local.get $j) (i32.const 0))
          (local.set $j (i32.add (local.get $j) (local.get $i)))
          (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    (local.set $i (i32.const 2))
    (block $d3 (loop $count
      (br_if $d3 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $count (i32.add (local.get $count) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $count)))
    local.get $count)
  (func (export "host_loop") (param $n i32) (result i32) (local $acc i32)
    (block $d (loop $l
      (br_if $d (i32.eqz (local.get $n)))
      (local.set $acc (call $add (local.get $acc) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    local.get $acc))"#;

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

fn main() -> anyhow::Result<()> {
    let engine = Engine::default();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/bench-wasm");

    println!("== compile time (median of 5) ==");
    println!("{:<16} {:>10} {:>12}", "program", "size KiB", "compile ms");
    let mut programs: Vec<(String, Vec<u8>)> = std::fs::read_dir(root)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let wasm = std::fs::read(e.path().join("benchmark.wasm")).ok()?;
            Some((e.file_name().to_string_lossy().into_owned(), wasm))
        })
        .collect();
    programs.sort_by_key(|(_, w)| std::cmp::Reverse(w.len()));
    for (name, wasm) in programs.iter().take(4) {
        let (t, m) = time(5, || Module::new(&engine, wasm));
        m?;
        println!(
            "{name:<16} {:>10} {:>12.1}",
            wasm.len() / 1024,
            t.as_secs_f64() * 1e3
        );
    }

    let module = Module::new(&engine, KERNELS)?;
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "add", |a: i32, b: i32| a.wrapping_add(b))?;
    let instance: Instance = linker.instantiate(&mut store, &module)?;
    let fib = instance.get_typed_func::<i32, i32>(&mut store, "fib")?;
    let sieve = instance.get_typed_func::<i32, i32>(&mut store, "sieve")?;
    let host_loop = instance.get_typed_func::<i32, i32>(&mut store, "host_loop")?;

    println!("\n== kernels (median of 5) ==");
    println!("{:<28} {:>12} {:>14}", "kernel", "ms", "result");
    let (t, r) = time(5, || fib.call(&mut store, 30));
    println!(
        "{:<28} {:>12.2} {:>14}",
        "fib(30) recursive",
        t.as_secs_f64() * 1e3,
        r?
    );
    let n = 1_000_000;
    let (t, r) = time(5, || sieve.call(&mut store, n));
    println!(
        "{:<28} {:>12.2} {:>14}",
        "sieve(1e6) linear memory",
        t.as_secs_f64() * 1e3,
        r?
    );
    let calls = 1_000_000;
    let (t, r) = time(5, || host_loop.call(&mut store, calls));
    println!(
        "{:<28} {:>12.2} {:>14}",
        "1e6 host calls",
        t.as_secs_f64() * 1e3,
        r?
    );
    println!(
        "{:<28} {:>12.1}",
        "ns per host call",
        t.as_secs_f64() * 1e9 / f64::from(calls)
    );
    Ok(())
}
