//! An engine without a pool keeps the reservations of dropped static
//! memories and gives them to later memories: each new memory still
//! starts with exactly its module's initial contents and size, whatever
//! the previous user of the reservation wrote or grew to.

use petrel::*;

fn trap_code(err: &Error) -> TrapCode {
    err.downcast_ref::<Trap>()
        .unwrap_or_else(|| panic!("expected a trap, got: {err:#}"))
        .code()
}

/// A module of `pages` pages starting with `data`, with functions to read
/// and write a byte and to grow.
fn module(engine: &Engine, pages: u32, data: &str) -> Module {
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

fn load(store: &mut Store<()>, inst: &Instance, at: i32) -> Result<i32> {
    inst.get_typed_func::<i32, i32>(&mut *store, "load")?
        .call(&mut *store, at)
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
    let m = module(&engine, 1, "abc");
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
    let a = module(&engine, 2, "AAAA");
    let b = module(&engine, 1, "BBBB");
    // The same bytes compiled again: the same image, shared.
    let a_again = module(&engine, 2, "AAAA");
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
    let m = module(&engine, 1, "xyz");
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
