//! The pooling instance allocator: slots reused across stores with fresh
//! contents each time, images swapped between modules, protection trimmed
//! to each memory's size, limits as clean errors, and concurrent use.
//!
//! Then an engine without a pool, which keeps the reservations of dropped
//! static memories and gives them to later memories: each new memory
//! still starts with exactly its module's initial contents and size,
//! whatever the previous user of the reservation wrote or grew to.

use petrel::*;
use std::sync::Arc;

fn pooled(f: impl FnOnce(&mut PoolingAllocationConfig)) -> Engine {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_memories(2)
        .total_tables(2)
        .total_core_instances(2);
    f(&mut pool);
    let mut c = Config::new();
    c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&c).unwrap()
}

fn trap_code(err: &Error) -> TrapCode {
    err.downcast_ref::<Trap>()
        .unwrap_or_else(|| panic!("expected a trap, got: {err:#}"))
        .code()
}

/// A module whose memory starts with `data`, with functions to read and
/// write a byte, grow, and read the table.
fn module(engine: &Engine, pages: u32, data: &str) -> Module {
    let wat = format!(
        r#"(module
            (memory (export "mem") {pages})
            (data (i32.const 0) "{data}")
            (table 4 funcref) (elem (i32.const 1) $load)
            (func $load (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
            (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
            (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
            (func (export "table_grow") (param i32) (result i32) ref.null func local.get 0 table.grow 0)
            (func (export "via_table") (param i32) (result i32) local.get 0 i32.const 1 call_indirect (param i32) (result i32)))"#
    );
    Module::new(engine, wat).unwrap()
}

fn load(store: &mut Store<()>, inst: &Instance, at: i32) -> Result<i32> {
    inst.get_typed_func::<i32, i32>(&mut *store, "load")?
        .call(&mut *store, at)
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn slots_are_reused_with_fresh_contents() {
    let engine = pooled(|_| {});
    let m = module(&engine, 1, "abc");
    for round in 0..20 {
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &m, &[]).unwrap();
        // Whatever the previous store wrote is gone; the image is back.
        assert_eq!(load(&mut store, &inst, 0).unwrap(), i32::from(b'a'));
        assert_eq!(load(&mut store, &inst, 100).unwrap(), 0, "round {round}");
        let store_fn = inst
            .get_typed_func::<(i32, i32), ()>(&mut store, "store")
            .unwrap();
        store_fn.call(&mut store, (0, 9)).unwrap();
        store_fn.call(&mut store, (100, 7)).unwrap();
        assert_eq!(load(&mut store, &inst, 0).unwrap(), 9);
        assert_eq!(
            inst.get_typed_func::<i32, i32>(&mut store, "via_table")
                .unwrap()
                .call(&mut store, 100)
                .unwrap(),
            7
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn one_slot_serves_modules_of_other_images_and_sizes() {
    let engine = pooled(|p| {
        p.total_memories(1);
    });
    let a = module(&engine, 3, "AAAA");
    let b = module(&engine, 1, "BBBB");
    let none = Module::new(
        &engine,
        r#"(module (memory 1) (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))"#,
    )
    .unwrap();
    for _ in 0..3 {
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &a, &[]).unwrap();
        assert_eq!(load(&mut store, &inst, 0).unwrap(), i32::from(b'A'));
        // Touch the third page, so that the slot is left accessible there.
        inst.get_typed_func::<(i32, i32), ()>(&mut store, "store")
            .unwrap()
            .call(&mut store, (2 * 65536 + 5, 1))
            .unwrap();
        drop(store);

        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &b, &[]).unwrap();
        assert_eq!(load(&mut store, &inst, 0).unwrap(), i32::from(b'B'));
        // One page now: the second and third fault again.
        let err = load(&mut store, &inst, 2 * 65536 + 5).unwrap_err();
        assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
        let err = load(&mut store, &inst, 65536).unwrap_err();
        assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
        drop(store);

        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &none, &[]).unwrap();
        assert_eq!(load(&mut store, &inst, 0).unwrap(), 0, "no image: zero");
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn totals_are_clean_errors_and_come_back() {
    let engine = pooled(|_| {});
    let m = module(&engine, 1, "x");
    let mut stores: Vec<Store<()>> = Vec::new();
    for _ in 0..2 {
        let mut store = Store::new(&engine, ());
        Instance::new(&mut store, &m, &[]).unwrap();
        stores.push(store);
    }
    let mut store = Store::new(&engine, ());
    let err = Instance::new(&mut store, &m, &[]).unwrap_err();
    assert!(
        err.to_string().contains("2 instances are all in use"),
        "{err:#}"
    );
    // A memory made by the host counts too.
    let err = Memory::new(&mut store, MemoryType::new(1, None)).unwrap_err();
    assert!(
        err.to_string().contains("2 memories are all in use"),
        "{err:#}"
    );
    let err = Table::new(
        &mut store,
        TableType::new(RefType::FuncRef, 1, None),
        Ref::Func(None),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("2 tables are all in use"),
        "{err:#}"
    );
    stores.pop();
    Instance::new(&mut store, &m, &[]).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn per_module_and_size_limits() {
    let engine = pooled(|p| {
        p.max_memory_size(2 * 65536).table_elements(6);
    });
    let mut store = Store::new(&engine, ());
    let too_big = module(&engine, 3, "");
    let err = Instance::new(&mut store, &too_big, &[]).unwrap_err();
    assert!(
        err.to_string().contains("pooling allocator's limit"),
        "{err:#}"
    );

    let m = module(&engine, 1, "");
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let grow = inst.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    assert_eq!(
        grow.call(&mut store, 1).unwrap(),
        -1,
        "past max_memory_size"
    );
    let table_grow = inst
        .get_typed_func::<i32, i32>(&mut store, "table_grow")
        .unwrap();
    assert_eq!(table_grow.call(&mut store, 2).unwrap(), 4);
    assert_eq!(
        table_grow.call(&mut store, 1).unwrap(),
        -1,
        "past table_elements"
    );

    let two = Module::new(&engine, "(module (memory 1) (memory 1))").unwrap();
    let err = Instance::new(&mut store, &two, &[]).unwrap_err();
    assert!(err.to_string().contains("allows 1 per module"), "{err:#}");
    let two = Module::new(&engine, "(module (table 1 funcref) (table 1 funcref))").unwrap();
    let err = Instance::new(&mut store, &two, &[]).unwrap_err();
    assert!(err.to_string().contains("allows 1 per module"), "{err:#}");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn memories_that_need_checks_count_but_are_mapped_on_demand() {
    let engine = pooled(|_| {});
    let mut store = Store::new(&engine, ());
    // A 64-bit memory without a maximum is dynamic: not in a slot.
    let m = Module::new(
        &engine,
        r#"(module (memory i64 1) (func (export "load") (param i64) (result i32) local.get 0 i32.load8_u))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let f = inst.get_typed_func::<i64, i32>(&mut store, "load").unwrap();
    assert_eq!(f.call(&mut store, 3).unwrap(), 0);
    let err = f.call(&mut store, 65536).unwrap_err();
    assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
    Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let err = Memory::new(&mut store, MemoryType::new(1, None)).unwrap_err();
    assert!(
        err.to_string().contains("2 memories are all in use"),
        "{err:#}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn threads_share_one_pool() {
    let engine = pooled(|p| {
        p.total_memories(8).total_tables(8).total_core_instances(8);
    });
    let m = Arc::new(module(&engine, 1, "t"));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let engine = engine.clone();
            let m = m.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    let mut store = Store::new(&engine, ());
                    let inst = Instance::new(&mut store, &m, &[]).unwrap();
                    assert_eq!(load(&mut store, &inst, 0).unwrap(), i32::from(b't'));
                    assert_eq!(load(&mut store, &inst, 10).unwrap(), 0);
                    inst.get_typed_func::<(i32, i32), ()>(&mut store, "store")
                        .unwrap()
                        .call(&mut store, (10, (t * 1000 + i) % 250 + 1))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

// ---- without a pool: recycled reservations ----

/// A module of `pages` pages starting with `data`, with functions to read
/// and write a byte and to grow.
fn plain_module(engine: &Engine, pages: u32, data: &str) -> Module {
    let wat = format!(
        r#"(module
            (memory (export "mem") {pages})
            (data (i32.const 16) "{data}")
            (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
            (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
            (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#
    );
    Module::new(engine, wat).unwrap()
}

fn store_byte(store: &mut Store<()>, inst: &Instance, at: i32, value: i32) {
    inst.get_typed_func::<(i32, i32), ()>(&mut *store, "store")
        .unwrap()
        .call(&mut *store, (at, value))
        .unwrap();
}

/// Writes over the image and past it, grows by two pages and writes
/// there, then checks the next store sees none of it.
fn dirty(store: &mut Store<()>, inst: &Instance) {
    store_byte(store, inst, 16, 9);
    store_byte(store, inst, 5000, 7);
    let grow = inst
        .get_typed_func::<i32, i32>(&mut *store, "grow")
        .unwrap();
    assert!(grow.call(&mut *store, 2).unwrap() >= 1);
    store_byte(store, inst, 2 * 65536 + 3, 5);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn reused_memories_start_fresh() {
    let engine = Engine::default();
    let m = plain_module(&engine, 1, "abc");
    for round in 0..20 {
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &m, &[]).unwrap();
        let mem = inst.get_memory(&mut store, "mem").unwrap();
        assert_eq!(mem.size(&store), 1, "round {round}: the initial size");
        assert_eq!(load(&mut store, &inst, 16).unwrap(), i32::from(b'a'));
        assert_eq!(load(&mut store, &inst, 5000).unwrap(), 0, "round {round}");
        // The pages the previous store grew into fault again.
        let err = load(&mut store, &inst, 2 * 65536 + 3).unwrap_err();
        assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
        dirty(&mut store, &inst);
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn modules_of_other_images_sizes_and_none_interleave() {
    let engine = Engine::default();
    let a = plain_module(&engine, 2, "AAAA");
    let b = plain_module(&engine, 1, "BBBB");
    // The same bytes compiled again: the same image, shared.
    let a_again = plain_module(&engine, 2, "AAAA");
    let none = Module::new(
        &engine,
        r#"(module (memory 1)
            (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
            (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
            (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#,
    )
    .unwrap();
    for _ in 0..4 {
        for (m, first, pages) in [
            (&a, b'A', 2),
            (&b, b'B', 1),
            (&a_again, b'A', 2),
            (&none, 0, 1),
        ] {
            let mut store = Store::new(&engine, ());
            let inst = Instance::new(&mut store, m, &[]).unwrap();
            assert_eq!(load(&mut store, &inst, 16).unwrap(), i32::from(first));
            assert_eq!(load(&mut store, &inst, 20).unwrap(), 0);
            assert_eq!(load(&mut store, &inst, 5000).unwrap(), 0);
            let err = load(&mut store, &inst, pages * 65536).unwrap_err();
            assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
            dirty(&mut store, &inst);
        }
    }
    // Many memories alive at once, more than the recycler keeps, then
    // all dropped together: each had its own reservation.
    let mut stores = Vec::new();
    for i in 0..40 {
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, if i % 2 == 0 { &a } else { &b }, &[]).unwrap();
        store_byte(&mut store, &inst, 100, i);
        stores.push((store, inst));
    }
    for (i, (store, inst)) in stores.iter_mut().enumerate() {
        assert_eq!(load(store, inst, 100).unwrap(), i as i32);
    }
    drop(stores);
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &a, &[]).unwrap();
    assert_eq!(load(&mut store, &inst, 100).unwrap(), 0);
    assert_eq!(load(&mut store, &inst, 16).unwrap(), i32::from(b'A'));
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn threads_share_one_recycler() {
    let engine = Engine::default();
    let m = plain_module(&engine, 1, "xyz");
    std::thread::scope(|s| {
        for t in 0..4 {
            let (engine, m) = (&engine, &m);
            s.spawn(move || {
                for _ in 0..50 {
                    let mut store = Store::new(engine, ());
                    let inst = Instance::new(&mut store, m, &[]).unwrap();
                    assert_eq!(load(&mut store, &inst, 16).unwrap(), i32::from(b'x'));
                    assert_eq!(load(&mut store, &inst, 5000).unwrap(), 0);
                    store_byte(&mut store, &inst, 5000, t);
                    dirty(&mut store, &inst);
                }
            });
        }
    });
}
