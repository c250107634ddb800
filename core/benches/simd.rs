//! SIMD against scalar code under Petrel: the same kernels over 1 MiB of
//! linear memory written twice, once with `v128` operators and once with
//! scalar ones, compiled by the same engine and run in the same process.
//! Prints the median time of each and the ratio; checks that both versions
//! compute the same result, and asserts nothing about time.
//!
//! Run: `cargo bench -p petrel --bench simd`.

use petrel::{Engine, Instance, Module, Store, TypedFunc};
use std::time::{Duration, Instant};

/// Bytes of input each kernel reads per call.
const INPUT: u32 = 1 << 20;

/// Timed calls per kernel; the median is reported.
const RUNS: usize = 21;

const KERNELS: &str = r#"(module
  (memory (export "mem") 17)

  ;; Sum of the bytes [0, n) as unsigned values, one byte per iteration.
  (func (export "byte_sum_scalar") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $sum))

  ;; The same sum, 16 bytes per iteration: widen u8 -> u16 -> u32 pairwise
  ;; and accumulate four i32 lanes; n must be a multiple of 16.
  (func (export "byte_sum_simd") (param $n i32) (result i32)
    (local $i i32) (local $acc v128)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i32x4.add (local.get $acc)
        (i32x4.extadd_pairwise_i16x8_u
          (i16x8.extadd_pairwise_i8x16_u (v128.load (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; Wrapping dot product of the i32 arrays at $a and $b, $n bytes each.
  (func (export "dot_scalar") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $sum (i32.add (local.get $sum)
        (i32.mul (i32.load (i32.add (local.get $a) (local.get $i)))
                 (i32.load (i32.add (local.get $b) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.get $sum))

  ;; The same product, four lanes per iteration; $n a multiple of 16.
  (func (export "dot_simd") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32) (local $acc v128)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i32x4.add (local.get $acc)
        (i32x4.mul (v128.load (i32.add (local.get $a) (local.get $i)))
                   (v128.load (i32.add (local.get $b) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))"#;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Calls `f` [`RUNS`] times; returns the median time and the last result.
fn time<P: petrel::WasmParams + Copy>(
    store: &mut Store<()>,
    f: &TypedFunc<P, i32>,
    params: P,
) -> anyhow::Result<(Duration, i32)> {
    let mut times = Vec::with_capacity(RUNS);
    let mut result = f.call(&mut *store, params)?; // warm-up
    for _ in 0..RUNS {
        let t = Instant::now();
        result = f.call(&mut *store, params)?;
        times.push(t.elapsed());
    }
    Ok((median(times), result))
}

/// Deterministic pseudo-random bytes (xorshift).
fn input(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(&engine, KERNELS)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let mem = instance
        .get_memory(&mut store, "mem")
        .expect("exported memory");
    mem.write(&mut store, 0, &input(INPUT as usize))?;

    let scalar = instance.get_typed_func::<i32, i32>(&mut store, "byte_sum_scalar")?;
    let simd = instance.get_typed_func::<i32, i32>(&mut store, "byte_sum_simd")?;
    let n = INPUT as i32;
    let (t_scalar, r_scalar) = time(&mut store, &scalar, n)?;
    let (t_simd, r_simd) = time(&mut store, &simd, n)?;
    assert_eq!(r_scalar, r_simd, "byte sum: the two versions disagree");
    let byte_sum = (t_scalar, t_simd);

    // Two arrays of 512 KiB each: 1 MiB read per call.
    let dot_scalar = instance.get_typed_func::<(i32, i32, i32), i32>(&mut store, "dot_scalar")?;
    let dot_simd = instance.get_typed_func::<(i32, i32, i32), i32>(&mut store, "dot_simd")?;
    let half = (INPUT / 2) as i32;
    let (t_scalar, r_scalar) = time(&mut store, &dot_scalar, (0, half, half))?;
    let (t_simd, r_simd) = time(&mut store, &dot_simd, (0, half, half))?;
    assert_eq!(r_scalar, r_simd, "dot product: the two versions disagree");
    let dot = (t_scalar, t_simd);

    println!("== SIMD vs scalar over 1 MiB of linear memory (median of {RUNS}) ==");
    println!(
        "{:<26} {:>12} {:>12} {:>8}",
        "kernel", "scalar us", "simd us", "speedup"
    );
    for (name, (scalar, simd)) in [
        ("byte sum (u8 -> i32)", byte_sum),
        ("dot product (i32)", dot),
    ] {
        println!(
            "{:<26} {:>12.1} {:>12.1} {:>7.1}x",
            name,
            scalar.as_secs_f64() * 1e6,
            simd.as_secs_f64() * 1e6,
            scalar.as_secs_f64() / simd.as_secs_f64()
        );
    }
    Ok(())
}
