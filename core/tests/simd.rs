//! 128-bit SIMD through the embedding API: `Config::wasm_simd(false)`
//! rejects it, and `v128` parameters, results, globals and host functions
//! carry all 16 bytes, and the operators Cranelift lowers by pattern work
//! at every optimisation level and with explicit bounds checks.

use petrel::*;

fn engine(simd: bool) -> Engine {
    let mut c = Config::new();
    c.wasm_simd(simd);
    Engine::new(&c).unwrap()
}

/// Builds a `v128` from four `i32` lanes (lane 0 first).
fn i32x4(lanes: [i32; 4]) -> u128 {
    lanes
        .iter()
        .rev()
        .fold(0u128, |acc, l| (acc << 32) | u128::from(*l as u32))
}

const ADD: &str = r#"(module
  (func (export "add") (param v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 1))))"#;

#[test]
fn simd_disabled_rejects_simd_code_with_a_clear_error() {
    let off = engine(false);
    for wat in [
        ADD,
        // A v128 in a signature alone, with no SIMD operator.
        r#"(module (func (param v128)))"#,
        r#"(module (global v128 (v128.const i64x2 0 0)))"#,
        r#"(module (memory 1) (func (result i32)
             (i32x4.extract_lane 0 (v128.load (i32.const 0)))))"#,
    ] {
        let err = Module::new(&off, wat).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.to_lowercase().contains("simd"), "{msg}");
        let err = Module::validate(&off, &wat::parse_str(wat).unwrap()).unwrap_err();
        assert!(format!("{err:#}").to_lowercase().contains("simd"));
    }
    // Scalar code still compiles with SIMD off, and SIMD compiles with it on.
    Module::new(&off, r#"(module (func (result i32) i32.const 1))"#).unwrap();
    Module::new(&engine(true), ADD).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn v128_params_and_results() -> Result<()> {
    let engine = engine(true);
    let module = Module::new(&engine, ADD)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let add = instance.get_func(&mut store, "add").unwrap();
    assert_eq!(
        add.ty(&store)?.params(),
        &[ValType::V128, ValType::V128][..]
    );
    let a = i32x4([1, -2, i32::MAX, 40]);
    let b = i32x4([10, 2, 1, 2]);
    let mut out = [Val::V128(0)];
    add.call(&mut store, &[Val::V128(a), Val::V128(b)], &mut out)?;
    assert_eq!(out[0].v128(), Some(i32x4([11, 0, i32::MIN, 42])));

    // The same function, typed.
    let typed = instance.get_typed_func::<(u128, u128), u128>(&mut store, "add")?;
    assert_eq!(
        typed.call(&mut store, (a, b))?,
        i32x4([11, 0, i32::MIN, 42])
    );

    // A v128 argument where an i32 is expected is an error, not a crash.
    assert!(
        add.call(&mut store, &[Val::I32(1), Val::V128(b)], &mut out)
            .is_err()
    );
    Ok(())
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn v128_globals_and_memory() -> Result<()> {
    let engine = engine(true);
    let module = Module::new(
        &engine,
        r#"(module
          (memory (export "mem") 1)
          (global $g (export "g") (mut v128) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
          (global (export "c") v128 (v128.const f32x4 1.5 -0 inf -nan))
          ;; Shuffles the global's bytes in reverse order and stores it back.
          (func (export "reverse")
            (global.set $g
              (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
                (global.get $g) (global.get $g))))
          ;; Byte-wise sum of memory[0..16) as u8 lanes widened twice.
          (func (export "sum16") (result i32)
            (local $v v128)
            (local.set $v (i32x4.extadd_pairwise_i16x8_u
              (i16x8.extadd_pairwise_i8x16_u (v128.load (i32.const 0)))))
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
              (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))
          ;; An access that ends one byte past the memory traps.
          (func (export "oob") (result v128) (v128.load (i32.const 65521))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;

    let g = instance.get_global(&mut store, "g").unwrap();
    assert_eq!(g.ty(&store)?.content(), ValType::V128);
    let bytes: [u8; 16] = std::array::from_fn(|i| i as u8 + 1);
    assert_eq!(g.get(&mut store)?, Val::V128(u128::from_le_bytes(bytes)));
    instance
        .get_typed_func::<(), ()>(&mut store, "reverse")?
        .call(&mut store, ())?;
    let mut reversed = bytes;
    reversed.reverse();
    assert_eq!(g.get(&mut store)?, Val::V128(u128::from_le_bytes(reversed)));
    g.set(&mut store, Val::V128(u128::MAX))?;
    assert_eq!(g.get(&mut store)?.v128(), Some(u128::MAX));

    let c = instance.get_global(&mut store, "c").unwrap();
    let lanes = [1.5f32.to_bits(), 0x8000_0000, 0x7f80_0000, 0xffc0_0000];
    let want = lanes
        .iter()
        .rev()
        .fold(0u128, |acc, l| (acc << 32) | u128::from(*l));
    assert_eq!(c.get(&mut store)?.v128(), Some(want));

    let mem = instance.get_memory(&mut store, "mem").unwrap();
    mem.write(&mut store, 0, &[255; 16])?;
    let sum = instance.get_typed_func::<(), i32>(&mut store, "sum16")?;
    assert_eq!(sum.call(&mut store, ())?, 16 * 255);

    let oob = instance.get_typed_func::<(), u128>(&mut store, "oob")?;
    let err = oob.call(&mut store, ()).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Trap>().expect("a trap").code(),
        TrapCode::MemoryOutOfBounds
    );
    Ok(())
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn v128_through_host_functions() -> Result<()> {
    let engine = engine(true);
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "swap_halves" (func $swap (param v128) (result v128)))
          (func (export "f") (param v128) (result v128)
            (f64x2.add (call $swap (local.get 0)) (local.get 0))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let swap = Func::wrap(&mut store, |v: u128| v.rotate_left(64));
    let instance = Instance::new(&mut store, &module, &[swap.into()])?;
    let f = instance.get_typed_func::<u128, u128>(&mut store, "f")?;
    let v = (u128::from(2.5f64.to_bits()) << 64) | u128::from(1.0f64.to_bits());
    let want = (u128::from(3.5f64.to_bits()) << 64) | u128::from(3.5f64.to_bits());
    assert_eq!(f.call(&mut store, v)?, want);
    Ok(())
}

/// The conversions Cranelift lowers by recognising a shape of several
/// instructions, and a 16-byte access next to the end of memory, under
/// every optimisation level and with explicit bounds checks.
#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn pattern_lowered_operators_under_every_config() -> Result<()> {
    let wat = r#"(module
      (memory 1)
      (func (export "trunc_s") (param v128) (result v128) (i32x4.trunc_sat_f64x2_s_zero (local.get 0)))
      (func (export "trunc_u") (param v128) (result v128) (i32x4.trunc_sat_f64x2_u_zero (local.get 0)))
      (func (export "convert_u") (param v128) (result v128) (f64x2.convert_low_i32x4_u (local.get 0)))
      (func (export "dot") (param v128 v128) (result v128) (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
      (func (export "last") (result v128) (v128.load (i32.const 65520)))
      (func (export "past") (result v128) (v128.load offset=1 (i32.const 65520))))"#;
    let f64x2 = |a: f64, b: f64| (u128::from(b.to_bits()) << 64) | u128::from(a.to_bits());
    for (opt, guard) in [
        (OptLevel::Speed, true),
        (OptLevel::None, true),
        (OptLevel::Speed, false),
        (OptLevel::None, false),
    ] {
        let mut config = Config::new();
        config.cranelift_opt_level(opt).static_memory_guard(guard);
        let engine = Engine::new(&config)?;
        let module = Module::new(&engine, wat)?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let mut unary = |name: &str, v: u128| -> Result<u128> {
            let f = instance.get_typed_func::<u128, u128>(&mut store, name)?;
            f.call(&mut store, v)
        };
        let ctx = format!("{opt:?}, guard {guard}");
        assert_eq!(
            unary("trunc_s", f64x2(-3e10, f64::NAN))?,
            i32x4([i32::MIN, 0, 0, 0]),
            "{ctx}"
        );
        assert_eq!(
            unary("trunc_u", f64x2(5e9, 7.9))?,
            i32x4([-1, 7, 0, 0]),
            "{ctx}"
        );
        assert_eq!(
            unary("convert_u", i32x4([-1, 3, 9, 9]))?,
            f64x2(4294967295.0, 3.0),
            "{ctx}"
        );
        let dot = instance.get_typed_func::<(u128, u128), u128>(&mut store, "dot")?;
        // Lanes of i16: (-32768, -32768) . (-32768, -32768) wraps to i32::MIN.
        let a = u128::from_le_bytes([0, 0x80, 0, 0x80, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = u128::from_le_bytes([0, 0x80, 0, 0x80, 5, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            dot.call(&mut store, (a, b))?,
            i32x4([i32::MIN, 7, 0, 0]),
            "{ctx}"
        );
        let last = instance.get_typed_func::<(), u128>(&mut store, "last")?;
        assert_eq!(last.call(&mut store, ())?, 0, "{ctx}");
        let past = instance.get_typed_func::<(), u128>(&mut store, "past")?;
        let err = past.call(&mut store, ()).unwrap_err();
        assert_eq!(
            err.downcast_ref::<Trap>().expect("a trap").code(),
            TrapCode::MemoryOutOfBounds,
            "{ctx}"
        );
    }
    Ok(())
}
