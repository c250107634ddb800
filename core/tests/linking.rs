//! Tests of what wasmtime-py's users rely on beyond the basic API: the
//! linker's `module` (commands and reactors), `instantiate_pre`,
//! `get_default` and unknown-import definitions; the store's externref
//! collection; wasm offsets in backtraces; the start function's caller;
//! count limits; the host-only target check.

use petrel::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn reactor_is_instantiated_once_and_initialized() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module (global $g (mut i32) (i32.const 0))
            (func (export "_initialize") (global.set $g (i32.const 10)))
            (func (export "bump") (result i32)
                (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.module(&mut store, "r", &module).unwrap();
    let bump = linker
        .get(&mut store, "r", "bump")
        .unwrap()
        .into_func()
        .unwrap();
    let mut out = [Val::I32(0)];
    bump.call(&mut store, &[], &mut out).unwrap();
    bump.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0].i32(), Some(12));
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn command_gets_a_fresh_instance_per_call() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module (global $c (mut i32) (i32.const 0)) (memory (export "memory") 1)
            (func (export "_start") (global.set $c (i32.add (global.get $c) (i32.const 1))))
            (func (export "read") (result i32) (global.get $c)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.module(&mut store, "cmd", &module).unwrap();
    let start = linker.get_default(&mut store, "cmd").unwrap();
    start.call(&mut store, &[], &mut []).unwrap();
    start.call(&mut store, &[], &mut []).unwrap();
    let read = linker
        .get(&mut store, "cmd", "read")
        .unwrap()
        .into_func()
        .unwrap();
    let mut out = [Val::I32(-1)];
    read.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0].i32(), Some(0), "each call sees a new instance");
    assert!(linker.get(&mut store, "cmd", "memory").is_none());

    let bad = Module::new(
        &engine,
        r#"(module (func (export "_start")) (global (export "g") i32 (i32.const 0)))"#,
    )
    .unwrap();
    let err = linker.module(&mut store, "bad", &bad).err().unwrap();
    assert!(err.to_string().contains("is not a function"), "{err}");
    let both = Module::new(
        &engine,
        r#"(module (func (export "_start")) (func (export "_initialize")))"#,
    )
    .unwrap();
    assert!(linker.module(&mut store, "both", &both).is_err());
}

#[test]
fn get_default_falls_back_to_a_function_that_does_nothing() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let f = linker.get_default(&mut store, "nothing").unwrap();
    assert!(f.ty(&store).unwrap().params().is_empty());
    f.call(&mut store, &[], &mut []).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn instance_pre_instantiates_in_many_stores_and_ignores_later_definitions() {
    let engine = Engine::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let mut linker = Linker::new(&engine);
    let c = calls.clone();
    linker
        .func_wrap("host", "hit", move || {
            c.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "hit" (func $hit)) (start $hit)
            (func (export "f") (result i32) i32.const 42))"#,
    )
    .unwrap();
    let pre = linker.instantiate_pre(&module).unwrap();
    linker.allow_shadowing(true);
    linker
        .func_wrap("host", "hit", || -> () {
            panic!("not the resolved definition")
        })
        .unwrap();
    for _ in 0..2 {
        let mut store = Store::new(&engine, ());
        let i = pre.instantiate(&mut store).unwrap();
        let mut out = [Val::I32(0)];
        i.get_func(&mut store, "f")
            .unwrap()
            .call(&mut store, &[], &mut out)
            .unwrap();
        assert_eq!(out[0].i32(), Some(42));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let unknown = Module::new(&engine, r#"(module (import "x" "y" (func)))"#).unwrap();
    let err = linker.instantiate_pre(&unknown).err().unwrap();
    assert!(err.to_string().contains("unknown import"), "{err}");
    let other = Module::new(&Engine::default(), "(module)").unwrap();
    assert!(linker.instantiate_pre(&other).is_err());
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn unknown_imports_as_traps_and_as_default_values() {
    let engine = Engine::default();
    let wat = r#"(module (import "env" "f" (func $f (param i32) (result i32 i64)))
        (import "env" "g" (global (mut i32))) (import "env" "m" (memory 1))
        (import "env" "t" (table 2 externref))
        (func (export "call") (result i32 i64) (call $f (i32.const 5))))"#;
    let module = Module::new(&engine, wat).unwrap();

    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .define_unknown_imports_as_default_values(&mut store, &module)
        .unwrap();
    let i = linker.instantiate(&mut store, &module).unwrap();
    let mut out = [Val::I32(9), Val::I64(9)];
    i.get_func(&mut store, "call")
        .unwrap()
        .call(&mut store, &[], &mut out)
        .unwrap();
    assert_eq!((out[0].i32(), out[1].i64()), (Some(0), Some(0)));
    let m = linker
        .get(&mut store, "env", "m")
        .unwrap()
        .into_memory()
        .unwrap();
    assert_eq!(m.size(&store), 1);

    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.define_unknown_imports_as_traps(&module).unwrap();
    // Only functions are defined: the other imports stay unknown.
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(err.to_string().contains("env::g"), "{err}");
    let only_func = Module::new(
        &engine,
        r#"(module (import "env" "f" (func $f)) (func (export "call") call $f))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define_unknown_imports_as_traps(&only_func).unwrap();
    let i = linker.instantiate(&mut store, &only_func).unwrap();
    let err = i
        .get_func(&mut store, "call")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown import: `env::f`"),
        "{err}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn gc_frees_extern_references_nothing_holds() {
    struct Count(Arc<AtomicUsize>);
    impl Drop for Count {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let dropped = Arc::new(AtomicUsize::new(0));
    let module = Module::new(
        &engine,
        r#"(module (global (export "g") (mut externref) (ref.null extern))
            (table (export "t") 1 externref)
            (func (export "drop") (param externref)))"#,
    )
    .unwrap();
    let i = Instance::new(&mut store, &module, &[]).unwrap();
    let held_by_global = ExternRef::new(&mut store, Count(dropped.clone()));
    let held_by_table = ExternRef::new(&mut store, Count(dropped.clone()));
    let passed = ExternRef::new(&mut store, Count(dropped.clone()));
    let g = i.get_global(&mut store, "g").unwrap();
    g.set(&mut store, Val::ExternRef(Some(held_by_global)))
        .unwrap();
    let t = i.get_table(&mut store, "t").unwrap();
    t.set(&mut store, 0, Ref::Extern(Some(held_by_table)))
        .unwrap();
    let f = i.get_func(&mut store, "drop").unwrap();
    f.call(&mut store, &[Val::ExternRef(Some(passed))], &mut [])
        .unwrap();
    store.gc();
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    assert!(
        passed.data(&store).is_err(),
        "a collected reference is an error"
    );
    assert!(held_by_global.data(&store).is_ok() && held_by_table.data(&store).is_ok());
    assert!(g.set(&mut store, Val::ExternRef(Some(passed))).is_err());
    g.set(&mut store, Val::ExternRef(None)).unwrap();
    t.set(&mut store, 0, Ref::Extern(None)).unwrap();
    let taken = store.gc_take();
    assert_eq!((taken.len(), dropped.load(Ordering::SeqCst)), (2, 1));
    drop(taken);
    assert_eq!(dropped.load(Ordering::SeqCst), 3);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn backtraces_carry_wasm_offsets() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module $module
            (func (export "init") call $foo)
            (func $foo call $bar)
            (func $bar unreachable))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let i = Instance::new(&mut store, &module, &[]).unwrap();
    let err = i
        .get_func(&mut store, "init")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap_err();
    let trap = err.downcast_ref::<Trap>().unwrap();
    let offsets: Vec<_> = trap.trace().iter().map(|f| f.module_offset()).collect();
    // What Wasmtime reports for this module (wasmtime-py's test_frames).
    assert_eq!(offsets, [Some(0x2d), Some(0x28), Some(0x23)]);
    let func_offsets: Vec<_> = trap.trace().iter().map(|f| f.func_offset()).collect();
    assert_eq!(func_offsets, [Some(1), Some(1), Some(1)]);
}

#[test]
fn start_function_imported_from_the_host_sees_the_new_instance() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module (import "" "" (func)) (memory (export "foo") 1) (start 0)
            (data (i32.const 0) "foo"))"#,
    )
    .unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let s = seen.clone();
    let f = Func::wrap(&mut store, move |mut caller: Caller<'_, ()>| {
        let m = caller
            .get_export("foo")
            .and_then(Extern::into_memory)
            .unwrap();
        s.store(m.data(&caller)[0] as usize, Ordering::SeqCst);
    });
    Instance::new(&mut store, &module, &[f.into()]).unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), b'f' as usize);
}

#[test]
fn memory_and_table_counts_are_limited() {
    let engine = Engine::default();
    let mut store = Store::new(
        &engine,
        StoreLimitsBuilder::new().memories(1).tables(1).build(),
    );
    store.limiter(|l| l);
    Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let err = Memory::new(&mut store, MemoryType::new(1, None)).unwrap_err();
    assert!(err.to_string().contains("memory count"), "{err}");
    Table::new(
        &mut store,
        TableType::new(RefType::FuncRef, 1, None),
        Ref::Func(None),
    )
    .unwrap();
    let module = Module::new(&engine, "(module (table 1 funcref))").unwrap();
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(err.to_string().contains("table count"), "{err}");
}

#[test]
fn only_the_host_is_a_target() {
    let mut config = Config::new();
    let host = if cfg!(target_arch = "x86_64") {
        "x86_64-unknown-linux-gnu"
    } else {
        "aarch64-unknown-linux-gnu"
    };
    config.target(host).unwrap();
    assert!(config.target("not-a-real-target").is_err());
    assert!(config.target("riscv64gc-unknown-linux-gnu").is_err());
}
