//! Tests of the embedding API: handles, traps, host functions, fuel,
//! epochs, limits, serialization and bad input.

use petrel::*;

fn engine_with(f: impl FnOnce(&mut Config)) -> Engine {
    let mut c = Config::new();
    f(&mut c);
    Engine::new(&c).unwrap()
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

fn trap_of(err: &Error) -> &Trap {
    err.downcast_ref::<Trap>()
        .unwrap_or_else(|| panic!("expected a trap, got: {err:#}"))
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn handle_from_another_store_is_an_error() {
    let engine = Engine::default();
    let wat = r#"(module (func (export "f") (result i32) i32.const 1)
        (memory (export "m") 1) (global (export "g") (mut i32) (i32.const 0))
        (table (export "t") 1 funcref))"#;
    let (mut a, ia) = instantiate(&engine, wat);
    let (mut b, _ib) = instantiate(&engine, wat);
    let f = ia.get_func(&mut a, "f").unwrap();
    let err = f.call(&mut b, &[], &mut [Val::I32(0)]).unwrap_err();
    assert!(err.to_string().contains("wrong store"), "{err}");
    assert!(f.ty(&b).is_err());
    let m = ia.get_memory(&mut a, "m").unwrap();
    assert!(m.grow(&mut b, 1).is_err());
    assert!(m.write(&mut b, 0, &[1]).is_err());
    assert!(m.data(&b).is_empty());
    let g = ia.get_global(&mut a, "g").unwrap();
    assert!(g.get(&mut b).is_err());
    assert!(g.set(&mut b, Val::I32(1)).is_err());
    let t = ia.get_table(&mut a, "t").unwrap();
    assert!(t.get(&mut b, 0).is_none());
    assert!(t.set(&mut b, 0, Ref::Func(None)).is_err());
    // Passing another store's function as an argument or import.
    let ext = ExternRef::new(&mut a, 5u32);
    assert!(ext.data(&b).is_err());
    assert!(
        Instance::new(
            &mut b,
            &Module::new(&engine, r#"(module (import "" "" (func)))"#).unwrap(),
            &[f.into()]
        )
        .is_err()
    );
    // The right store still works afterwards.
    let mut r = [Val::I32(0)];
    f.call(&mut a, &[], &mut r).unwrap();
    assert_eq!(r[0].i32(), Some(1));
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn traps_carry_codes_and_backtraces() {
    let engine = Engine::default();
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module $m
        (memory 1)
        (table 2 funcref)
        (type $t (func))
        (func $inner (export "unreachable") unreachable)
        (func $middle (export "nested") call $inner)
        (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
        (func (export "rem") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_u)
        (func (export "oob") (result i32) i32.const 65536 i32.load)
        (func (export "conv") (param f32) (result i32) local.get 0 i32.trunc_f32_s)
        (func (export "null") i32.const 0 call_indirect (type $t))
        (func (export "undefined") i32.const 7 call_indirect (type $t))
        (func (export "tableget") (result funcref) i32.const 9 table.get 0))"#,
    );
    let call = |store: &mut Store<()>, name: &str, args: &[Val], nres: usize| -> Error {
        let f = instance.get_func(&mut *store, name).unwrap();
        let mut res = vec![Val::I32(0); nres];
        f.call(store, args, &mut res).unwrap_err()
    };
    let err = call(&mut store, "nested", &[], 0);
    let trap = trap_of(&err);
    assert_eq!(trap.code(), TrapCode::UnreachableCodeReached);
    let names: Vec<_> = trap
        .trace()
        .iter()
        .map(|f| f.func_name().unwrap_or("?"))
        .collect();
    assert_eq!(names, ["inner", "middle"], "{}", trap.backtrace_string());
    assert_eq!(trap.trace()[0].module_name(), Some("m"));
    let cases = [
        (
            "div",
            vec![Val::I32(1), Val::I32(0)],
            TrapCode::IntegerDivisionByZero,
        ),
        (
            "div",
            vec![Val::I32(i32::MIN), Val::I32(-1)],
            TrapCode::IntegerOverflow,
        ),
        (
            "rem",
            vec![Val::I32(1), Val::I32(0)],
            TrapCode::IntegerDivisionByZero,
        ),
        (
            "conv",
            vec![Val::F32(f32::NAN.to_bits())],
            TrapCode::BadConversionToInteger,
        ),
        (
            "conv",
            vec![Val::F32(3e10f32.to_bits())],
            TrapCode::IntegerOverflow,
        ),
    ];
    for (name, args, code) in cases {
        let err = call(&mut store, name, &args, 1);
        assert_eq!(trap_of(&err).code(), code, "{name}");
    }
    assert_eq!(
        trap_of(&call(&mut store, "oob", &[], 1)).code(),
        TrapCode::MemoryOutOfBounds
    );
    assert_eq!(
        trap_of(&call(&mut store, "null", &[], 0)).code(),
        TrapCode::IndirectCallToNull
    );
    assert_eq!(
        trap_of(&call(&mut store, "undefined", &[], 0)).code(),
        TrapCode::TableOutOfBounds
    );
    assert_eq!(
        trap_of(&call(&mut store, "tableget", &[], 1)).code(),
        TrapCode::TableOutOfBounds
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn ten_thousand_traps_leave_the_host_healthy() {
    let engine = Engine::default();
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module (func (export "t") (param i32) (result i32)
            local.get 0 i32.eqz if unreachable end local.get 0))"#,
    );
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "t")
        .unwrap();
    for i in 0..10_000 {
        assert!(f.call(&mut store, 0).is_err(), "call {i}");
    }
    assert_eq!(f.call(&mut store, 7).unwrap(), 7);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn host_errors_and_panics_come_back_out() {
    #[derive(Debug)]
    struct MyError(u32);
    impl std::fmt::Display for MyError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "my error {}", self.0)
        }
    }
    impl std::error::Error for MyError {}

    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "h" "fail" (func $fail)) (import "h" "panic" (func $panic))
            (func (export "fail") call $fail) (func (export "panic") call $panic))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("h", "fail", || -> Result<()> { Err(MyError(7).into()) })
        .unwrap();
    linker
        .func_wrap("h", "panic", || -> () { panic!("host went wrong") })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let fail = instance
        .get_typed_func::<(), ()>(&mut store, "fail")
        .unwrap();
    let err = fail.call(&mut store, ()).unwrap_err();
    assert_eq!(
        err.downcast_ref::<MyError>().map(|e| e.0),
        Some(7),
        "{err:#}"
    );
    let panic = instance
        .get_typed_func::<(), ()>(&mut store, "panic")
        .unwrap();
    let err = panic.call(&mut store, ()).unwrap_err();
    assert!(err.to_string().contains("host went wrong"), "{err}");
    // Still usable.
    assert!(fail.call(&mut store, ()).is_err());
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn deep_recursion_is_a_stack_overflow_trap() {
    let engine = Engine::default();
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module (func $f (export "f") (param i64) (result i64)
            local.get 0 i64.const 1 i64.add call $f))"#,
    );
    let f = instance
        .get_typed_func::<i64, i64>(&mut store, "f")
        .unwrap();
    for _ in 0..3 {
        let err = f.call(&mut store, 0).unwrap_err();
        assert_eq!(trap_of(&err).code(), TrapCode::StackOverflow);
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn fuel_runs_out() {
    let engine = engine_with(|c| {
        c.consume_fuel(true);
    });
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module (func (export "spin") (loop br 0))
           (func (export "count") (param i32) (result i32) (local i32)
             (loop local.get 1 i32.const 1 i32.add local.tee 1 local.get 0 i32.lt_u br_if 0)
             local.get 1))"#,
    );
    store.set_fuel(10_000).unwrap();
    let spin = instance
        .get_typed_func::<(), ()>(&mut store, "spin")
        .unwrap();
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(trap_of(&err).code(), TrapCode::OutOfFuel);
    assert_eq!(store.get_fuel().unwrap(), 0);
    store.set_fuel(1_000_000).unwrap();
    let count = instance
        .get_typed_func::<i32, i32>(&mut store, "count")
        .unwrap();
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
    let left = store.get_fuel().unwrap();
    assert!(left < 1_000_000 && left > 1_000_000 - 2_000, "{left}");
    // Without fuel enabled, asking for it is an error.
    let plain = Store::new(&Engine::default(), ());
    assert!(plain.get_fuel().is_err());
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn epoch_interrupts_an_infinite_loop() {
    let engine = engine_with(|c| {
        c.epoch_interruption(true);
    });
    let (mut store, instance) =
        instantiate(&engine, r#"(module (func (export "spin") (loop br 0)))"#);
    store.set_epoch_deadline(1);
    let spin = instance
        .get_typed_func::<(), ()>(&mut store, "spin")
        .unwrap();
    let e = engine.clone();
    let ticker = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        e.increment_epoch();
    });
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(trap_of(&err).code(), TrapCode::Interrupt);
    ticker.join().unwrap();

    // A callback may extend the deadline a few times, then stop.
    let (mut store, instance) =
        instantiate(&engine, r#"(module (func (export "spin") (loop br 0)))"#);
    let mut extensions = 0;
    store.epoch_deadline_callback(move |_| {
        extensions += 1;
        if extensions < 3 {
            Ok(1)
        } else {
            Err(Error::msg("enough"))
        }
    });
    store.set_epoch_deadline(1);
    let spin = instance
        .get_typed_func::<(), ()>(&mut store, "spin")
        .unwrap();
    let e = engine.clone();
    let ticker = std::thread::spawn(move || {
        for _ in 0..200 {
            std::thread::sleep(std::time::Duration::from_millis(5));
            e.increment_epoch();
        }
    });
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(err.to_string(), "enough");
    ticker.join().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn limiter_refuses_growth() {
    struct Data {
        limits: StoreLimits,
    }
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "m") 1) (table (export "t") 1 funcref)
            (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
            (func (export "tgrow") (param i32) (result i32) ref.null func local.get 0 table.grow 0))"#,
    )
    .unwrap();
    let mut store = Store::new(
        &engine,
        Data {
            limits: StoreLimitsBuilder::new()
                .memory_size(3 * 65536)
                .table_elements(4)
                .build(),
        },
    );
    store.limiter(|d| &mut d.limits);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    let m = instance.get_memory(&mut store, "m").unwrap();
    assert_eq!(m.size(&store), 3);
    assert!(m.grow(&mut store, 1).is_err());
    let tgrow = instance
        .get_typed_func::<i32, i32>(&mut store, "tgrow")
        .unwrap();
    assert_eq!(tgrow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(tgrow.call(&mut store, 1).unwrap(), -1);
    // A memory larger than the limit cannot even be created.
    let big = Module::new(&engine, "(module (memory 4))").unwrap();
    assert!(Instance::new(&mut store, &big, &[]).is_err());
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn serialize_round_trip_and_corruption() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "sq") (param i32) (result i32) local.get 0 local.get 0 i32.mul))"#,
    )
    .unwrap();
    let bytes = module.serialize().unwrap();
    let loaded = Module::deserialize(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let i = Instance::new(&mut store, &loaded, &[]).unwrap();
    let sq = i.get_typed_func::<i32, i32>(&mut store, "sq").unwrap();
    assert_eq!(sq.call(&mut store, 12).unwrap(), 144);

    for at in [bytes.len() / 2, bytes.len() - 1, 20] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x40;
        assert!(Module::deserialize(&engine, &bad).is_err(), "flip at {at}");
    }
    assert!(Module::deserialize(&engine, &bytes[..bytes.len() - 3]).is_err());
    assert!(Module::deserialize(&engine, b"\0asm\x01\0\0\0").is_err());
    let other = engine_with(|c| {
        c.consume_fuel(true);
    });
    let err = Module::deserialize(&other, &bytes).unwrap_err();
    assert!(err.to_string().contains("different"), "{err}");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn bad_input_is_a_clean_error() {
    let engine = Engine::default();
    let good =
        wat::parse_str(r#"(module (func (export "f") (param i32) (result i32) local.get 0))"#)
            .unwrap();
    // Truncated at a section boundary a module can still be valid (a lone
    // header is the empty module), so the validator is the oracle; the
    // compiler must agree with it and never crash.
    let mut failures = 0;
    for n in 0..good.len() {
        let oracle = wasmparser::Validator::new()
            .validate_all(&good[..n])
            .is_ok();
        let ours = Module::new(&engine, &good[..n]);
        assert_eq!(ours.is_ok(), oracle, "truncated to {n}");
        failures += usize::from(ours.is_err());
    }
    assert!(failures > good.len() / 2);
    let mut corrupt = good.clone();
    for i in 8..corrupt.len() {
        corrupt[i] = 0xff;
        let oracle = wasmparser::Validator::new().validate_all(&corrupt).is_ok();
        assert_eq!(
            Module::new(&engine, &corrupt).is_ok(),
            oracle,
            "byte {i} corrupted"
        );
        corrupt[i] = good[i];
    }
    let err = Module::new(&engine, "(module (func $bad (result i32) i64.const 1))").unwrap_err();
    let msg = format!("{err:#}");
    assert!(
        msg.contains("function 0") && msg.contains("bad") && msg.contains("offset"),
        "{msg}"
    );
    assert!(Module::new(&engine, "(module (func (export \"f\") (unknown)))").is_err());
    assert!(Module::validate(&engine, &good).is_ok());
    assert!(Module::validate(&engine, &good[..10]).is_err());

    let (mut store, instance) = instantiate(
        &engine,
        r#"(module (func (export "f") (param i32) (result i32) local.get 0))"#,
    );
    let f = instance.get_func(&mut store, "f").unwrap();
    let mut r = [Val::I32(0)];
    assert!(f.call(&mut store, &[], &mut r).is_err());
    assert!(f.call(&mut store, &[Val::I64(1)], &mut r).is_err());
    assert!(
        f.call(&mut store, &[Val::I32(1), Val::I32(2)], &mut r)
            .is_err()
    );
    assert!(f.call(&mut store, &[Val::I32(1)], &mut []).is_err());
    assert!(f.typed::<i64, i32>(&store).is_err());
    assert!(f.typed::<i32, ()>(&store).is_err());
    f.call(&mut store, &[Val::I32(9)], &mut r).unwrap();
    assert_eq!(r[0].i32(), Some(9));
}

#[test]
fn linking_errors_are_not_traps() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(err.downcast_ref::<Trap>().is_none());
    assert!(err.to_string().contains("env::f"), "{err}");
    let wrong = Func::wrap(&mut store, |_: i64| {});
    let err = Instance::new(&mut store, &module, &[wrong.into()]).unwrap_err();
    assert!(err.to_string().contains("incompatible import"), "{err}");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn memories_tables_globals_and_externrefs() {
    let engine = Engine::default();
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module (memory (export "m") 1 2) (data (i32.const 8) "hi")
            (global (export "c") i32 (i32.const 5)) (global (export "v") (mut i64) (i64.const 1))
            (table (export "t") 2 externref)
            (func (export "id") (param externref) (result externref) local.get 0)
            (func (export "get") (param i32) (result externref) local.get 0 table.get 0))"#,
    );
    let m = instance.get_memory(&mut store, "m").unwrap();
    assert_eq!(&m.data(&store)[8..10], b"hi");
    m.write(&mut store, 100, b"xyz").unwrap();
    let mut buf = [0u8; 3];
    m.read(&store, 100, &mut buf).unwrap();
    assert_eq!(&buf, b"xyz");
    assert!(m.read(&store, 65535, &mut buf).is_err());
    assert_eq!(m.grow(&mut store, 1).unwrap(), 1);
    assert!(m.grow(&mut store, 1).is_err());
    let c = instance.get_global(&mut store, "c").unwrap();
    assert_eq!(c.get(&mut store).unwrap().i32(), Some(5));
    assert!(c.set(&mut store, Val::I32(1)).is_err());
    let v = instance.get_global(&mut store, "v").unwrap();
    assert!(v.set(&mut store, Val::I32(1)).is_err());
    v.set(&mut store, Val::I64(77)).unwrap();
    assert_eq!(v.get(&mut store).unwrap().i64(), Some(77));
    let t = instance.get_table(&mut store, "t").unwrap();
    let e = ExternRef::new(&mut store, String::from("payload"));
    t.set(&mut store, 1, e.into()).unwrap();
    let get = instance.get_func(&mut store, "get").unwrap();
    let mut r = [Val::ExternRef(None)];
    get.call(&mut store, &[Val::I32(1)], &mut r).unwrap();
    let back = r[0].externref().unwrap().copied().unwrap();
    assert_eq!(
        back.data(&store).unwrap().downcast_ref::<String>().unwrap(),
        "payload"
    );
    assert!(t.set(&mut store, 5, Ref::Extern(None)).is_err());
    assert!(t.set(&mut store, 0, Ref::Func(None)).is_err());
    assert_eq!(t.grow(&mut store, 2, Ref::Extern(None)).unwrap(), 2);
    assert_eq!(t.size(&store), 4);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn host_functions_can_reenter_wasm_and_traps_unwind_only_the_inner_call() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "h" "reenter" (func $reenter (param i32) (result i32)))
            (func (export "double") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
            (func (export "boom") (param i32) (result i32) unreachable)
            (func (export "outer") (param i32) (result i32) local.get 0 call $reenter i32.const 1 i32.add))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let reenter = Func::wrap(
        &mut store,
        |mut caller: Caller<'_, ()>, x: i32| -> Result<i32> {
            let name = if x < 0 { "boom" } else { "double" };
            let f = caller.get_export(name).unwrap().into_func().unwrap();
            let f = f.typed::<i32, i32>(&caller)?;
            f.call(&mut caller, x)
        },
    );
    let instance = Instance::new(&mut store, &module, &[reenter.into()]).unwrap();
    let outer = instance
        .get_typed_func::<i32, i32>(&mut store, "outer")
        .unwrap();
    assert_eq!(outer.call(&mut store, 20).unwrap(), 41);
    let err = outer.call(&mut store, -1).unwrap_err();
    assert_eq!(trap_of(&err).code(), TrapCode::UnreachableCodeReached);
    assert_eq!(outer.call(&mut store, 1).unwrap(), 3);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn stores_and_engines_cross_threads() {
    fn assert_send<T: Send>() {}
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send::<Store<()>>();
    assert_send_sync::<Engine>();
    assert_send_sync::<Module>();
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "f") (result i32) i32.const 3))"#,
    )
    .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (engine, module) = (engine.clone(), module.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let i = Instance::new(&mut store, &module, &[]).unwrap();
                let f = i.get_typed_func::<(), i32>(&mut store, "f").unwrap();
                (0..1000)
                    .map(|_| f.call(&mut store, ()).unwrap())
                    .sum::<i32>()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 3000);
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn call_raw_checks_store_length_and_references() {
    let engine = Engine::default();
    let wat = r#"(module
        (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
        (func (export "id") (param funcref) (result funcref) local.get 0)
        (func (export "ext") (param externref) (result externref) local.get 0))"#;
    let (mut store, inst) = instantiate(&engine, wat);
    let add = inst.get_func(&mut store, "add").unwrap();
    let mut vals = [ValRaw::from_u32(40), ValRaw::from_u32(2)];
    add.call_raw(&mut store, &mut vals).unwrap();
    assert_eq!(vals[0].get_u32(), 42);
    let err = add.call_raw(&mut store, &mut vals[..1]).unwrap_err();
    assert!(err.to_string().contains("expected room for 2"), "{err}");
    let (mut other, _) = instantiate(&engine, wat);
    assert!(add.call_raw(&mut other, &mut vals).is_err());

    // References use the public encoding: index + 1, 0 for null.
    let id = inst.get_func(&mut store, "id").unwrap();
    let public = add.stored().index as u64 + 1;
    let mut v = [ValRaw::from_u64(public)];
    id.call_raw(&mut store, &mut v).unwrap();
    assert_eq!(v[0].get_u64(), public);
    let mut v = [ValRaw::from_u64(0)];
    id.call_raw(&mut store, &mut v).unwrap();
    assert_eq!(v[0].get_u64(), 0);
    let mut v = [ValRaw::from_u64(1_000_000)];
    assert!(id.call_raw(&mut store, &mut v).is_err());
    let ext = inst.get_func(&mut store, "ext").unwrap();
    let mut v = [ValRaw::from_u64(77)];
    assert!(ext.call_raw(&mut store, &mut v).is_err());
    let r = ExternRef::new(&mut store, 5u32);
    let mut v = [ValRaw::from_u64(r.stored().index as u64 + 1)];
    ext.call_raw(&mut store, &mut v).unwrap();
    assert_eq!(v[0].get_u64(), r.stored().index as u64 + 1);
}

#[test]
fn handles_from_plain_identities_are_checked() {
    let engine = Engine::default();
    let (mut store, inst) = instantiate(
        &engine,
        r#"(module (func (export "f")) (memory (export "m") 1))"#,
    );
    let f = inst.get_func(&mut store, "f").unwrap();
    assert_eq!(Func::from_stored(&store, f.stored()).unwrap(), f);
    let bogus = Stored {
        store_id: f.stored().store_id,
        index: 999,
    };
    assert!(Func::from_stored(&store, bogus).is_err());
    assert!(Memory::from_stored(&store, bogus).is_err());
    let (other, _) = instantiate(&engine, "(module)");
    assert!(Func::from_stored(&other, f.stored()).is_err());
    assert_eq!(store.as_context().id(), f.stored().store_id);
}

#[test]
fn fuel_and_deadline_through_a_store_context() {
    let engine = engine_with(|c| {
        c.consume_fuel(true);
    });
    let mut store = Store::new(&engine, ());
    let mut cx = store.as_context_mut();
    cx.set_fuel(123).unwrap();
    assert_eq!(cx.get_fuel().unwrap(), 123);
    cx.set_epoch_deadline(5);
    assert_eq!(store.get_fuel().unwrap(), 123);
}

/// Twenty results of the four number types, in a repeating pattern.
const MANY: [ValType; 20] = {
    let pattern = [ValType::I32, ValType::I64, ValType::F32, ValType::F64];
    let mut out = [ValType::I32; 20];
    let mut i = 0;
    while i < 20 {
        out[i] = pattern[i % 4];
        i += 1;
    }
    out
};

/// The value `i` of the pattern, with a distinct payload per position.
fn many_value(i: usize, base: i64) -> Val {
    let n = base + i as i64;
    match MANY[i] {
        ValType::I32 => Val::I32(n as i32),
        ValType::I64 => Val::I64(n << 40),
        ValType::F32 => Val::F32((n as f32 + 0.5).to_bits()),
        _ => Val::F64((n as f64 + 0.25).to_bits()),
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn functions_with_twenty_results_compile_and_call_both_ways() {
    // A wasm export with 20 results, a host import with 20 results, and
    // wasm passing the host's results through: every value crosses in and
    // out of registers and the implicit return area.
    let names: Vec<&str> = MANY
        .iter()
        .map(|t| match t {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            _ => "f64",
        })
        .collect();
    let results = names.join(" ");
    let consts: String = (0..20)
        .map(|i| match many_value(i, 1) {
            Val::I32(v) => format!("(i32.const {v}) "),
            Val::I64(v) => format!("(i64.const {v}) "),
            Val::F32(b) => format!("(f32.const {}) ", f32::from_bits(b)),
            Val::F64(b) => format!("(f64.const {}) ", f64::from_bits(b)),
            _ => unreachable!(),
        })
        .collect();
    let wat = format!(
        r#"(module
            (import "host" "many" (func $many (param i32) (result {results})))
            (func (export "own") (result {results}) {consts})
            (func (export "through") (param i32) (result {results}) (call $many (local.get 0))))"#
    );
    let engine = Engine::default();
    let module = Module::new(&engine, &wat).unwrap();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new(vec![ValType::I32], MANY.to_vec());
    let host = Func::new(&mut store, ty, |_, args, out| {
        let base = args[0].i32().expect("an i32 argument") as i64;
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = many_value(i, base);
        }
        Ok(())
    });
    let instance = Instance::new(&mut store, &module, &[host.into()]).unwrap();
    let mut out = vec![Val::I32(0); 20];
    let own = instance.get_func(&mut store, "own").unwrap();
    own.call(&mut store, &[], &mut out).unwrap();
    for (i, v) in out.iter().enumerate() {
        assert_eq!(
            format!("{v:?}"),
            format!("{:?}", many_value(i, 1)),
            "result {i}"
        );
    }
    let through = instance.get_func(&mut store, "through").unwrap();
    through
        .call(&mut store, &[Val::I32(100)], &mut out)
        .unwrap();
    for (i, v) in out.iter().enumerate() {
        assert_eq!(
            format!("{v:?}"),
            format!("{:?}", many_value(i, 100)),
            "result {i}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn huge_tables_fail_cleanly_instead_of_aborting() {
    // Found by the differential fuzzer: growing a table without a maximum
    // by 4 billion elements asked the allocator for 32 GiB and aborted.
    let engine = Engine::default();
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module (table $t 1 funcref)
            (func (export "grow") (param i32) (result i32)
                (table.grow $t (ref.null func) (local.get 0)))
            (func (export "size") (result i32) (table.size $t)))"#,
    );
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    let size = instance
        .get_typed_func::<(), i32>(&mut store, "size")
        .unwrap();
    assert_eq!(grow.call(&mut store, -1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 0x7fff_ffff).unwrap(), -1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 100).unwrap(), 1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 101);
    // A module whose table cannot be allocated fails to instantiate.
    let module = Module::new(&engine, "(module (table 4000000000 funcref))").unwrap();
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(
        format!("{err:#}").contains("cannot be allocated"),
        "{err:#}"
    );
    let err = Table::new(
        &mut store,
        TableType::new(RefType::FuncRef, 4_000_000_000, None),
        Ref::null(RefType::FuncRef),
    )
    .unwrap_err();
    assert!(
        format!("{err:#}").contains("cannot be allocated"),
        "{err:#}"
    );
}

/// Data segments are mapped copy-on-write (by default) or copied; either
/// way instances see their own initial data, writes stay private to the
/// instance, and an instantiation that traps before its data segments run
/// leaves its memory as the trap found it (visible through a function it
/// put in an imported table).
#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn memory_images_match_copied_segments() {
    let data = r#"(module (memory (export "m") 2)
        (data (i32.const 70000) "abc") (data (i32.const 70001) "XY") (data (i32.const 5) "")
        (func (export "get") (param i32) (result i32) local.get 0 i32.load8_u)
        (func (export "set") (param i32 i32) local.get 0 local.get 1 i32.store8))"#;
    for cow in [true, false] {
        let engine = engine_with(|c| {
            c.memory_init_cow(cow);
        });
        let module = Module::new(&engine, data).unwrap();
        let mut store = Store::new(&engine, ());
        let a = Instance::new(&mut store, &module, &[]).unwrap();
        let b = Instance::new(&mut store, &module, &[]).unwrap();
        let get_a = a.get_typed_func::<i32, i32>(&mut store, "get").unwrap();
        let set_a = a
            .get_typed_func::<(i32, i32), ()>(&mut store, "set")
            .unwrap();
        let get_b = b.get_typed_func::<i32, i32>(&mut store, "get").unwrap();
        let bytes: Vec<i32> = (69999..70004)
            .map(|i| get_a.call(&mut store, i).unwrap())
            .collect();
        assert_eq!(
            bytes,
            [0, i32::from(b'a'), i32::from(b'X'), i32::from(b'Y'), 0]
        );
        set_a.call(&mut store, (70000, 7)).unwrap();
        set_a.call(&mut store, (3, 9)).unwrap();
        assert_eq!(get_a.call(&mut store, 70000).unwrap(), 7);
        assert_eq!(get_b.call(&mut store, 70000).unwrap(), i32::from(b'a'));
        assert_eq!(get_b.call(&mut store, 3).unwrap(), 0);
        let m = a.get_memory(&mut store, "m").unwrap();
        assert_eq!(&m.data(&store)[70000..70003], &[7, b'X', b'Y']);
        m.grow(&mut store, 1).unwrap();
        assert_eq!(m.data(&store)[2 * 65536 + 10], 0);

        // An element segment traps before the data segments would run: the
        // function it already placed in the imported table reads zero.
        let table = Table::new(
            &mut store,
            TableType::new(RefType::FuncRef, 2, None),
            Ref::null(RefType::FuncRef),
        )
        .unwrap();
        let failing = Module::new(
            &engine,
            r#"(module (import "" "t" (table 2 funcref)) (memory 1)
                (data (i32.const 0) "abc")
                (func $read (result i32) i32.const 1 i32.load8_u)
                (elem (i32.const 0) $read) (elem (i32.const 2) $read))"#,
        )
        .unwrap();
        let err = Instance::new(&mut store, &failing, &[table.into()]).unwrap_err();
        assert_eq!(trap_of(&err).code(), TrapCode::TableOutOfBounds);
        let Some(Ref::Func(Some(read))) = table.get(&mut store, 0) else {
            panic!("the first element segment ran");
        };
        let mut out = [Val::I32(-1)];
        read.call(&mut store, &[], &mut out).unwrap();
        assert_eq!(out[0], Val::I32(0), "cow = {cow}");
    }
}

/// Tail calls replace the caller's frame: ten million mutually recursive
/// `return_call`s (and `return_call_indirect`s) run in the default 512 KiB
/// of wasm stack, and a tail call may leave for a host function.
#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn ten_million_tail_calls_run_in_constant_stack() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let host = Func::wrap(&mut store, |x: i64| x * 2);
    let module = Module::new(
        &engine,
        r#"(module
            (import "" "double" (func $double (param i64) (result i64)))
            (type $t (func (param i64 i64) (result i64)))
            (table 2 funcref) (elem (i32.const 0) $even_i $odd_i)
            (func $even (export "even") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                    (then (local.get 1))
                    (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))
                                            (i64.add (local.get 1) (i64.const 1))))))
            (func $odd (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                    (then (local.get 1))
                    (else (return_call $even (i64.sub (local.get 0) (i64.const 1))
                                             (i64.add (local.get 1) (i64.const 1))))))
            (func $even_i (export "even_indirect") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                    (then (local.get 1))
                    (else (return_call_indirect (type $t)
                        (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))
                        (i32.const 1)))))
            (func $odd_i (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                    (then (local.get 1))
                    (else (return_call_indirect (type $t)
                        (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))
                        (i32.const 0)))))
            (func (export "to_host") (param i64) (result i64)
                (return_call $double (local.get 0)))
            (func $deep (export "deep") (param i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                    (then (i64.const 0))
                    (else (i64.add (i64.const 1) (call $deep (i64.sub (local.get 0) (i64.const 1))))))))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[host.into()]).unwrap();
    for name in ["even", "even_indirect"] {
        let f = instance
            .get_typed_func::<(i64, i64), i64>(&mut store, name)
            .unwrap();
        assert_eq!(
            f.call(&mut store, (10_000_000, 0)).unwrap(),
            10_000_000,
            "{name}"
        );
    }
    let to_host = instance
        .get_typed_func::<i64, i64>(&mut store, "to_host")
        .unwrap();
    assert_eq!(to_host.call(&mut store, 21).unwrap(), 42);
    // The same depth through ordinary calls exhausts the stack.
    let deep = instance
        .get_typed_func::<i64, i64>(&mut store, "deep")
        .unwrap();
    let err = deep.call(&mut store, 10_000_000).unwrap_err();
    assert_eq!(trap_of(&err).code(), TrapCode::StackOverflow);
}
