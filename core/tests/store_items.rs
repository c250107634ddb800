//! Store items made and used from the host, with no wasm running: memories,
//! tables, globals, extern references and host functions, their handles
//! (another store's, forged), and the resource limiter. Nothing here runs
//! compiled code, so this file is in the Miri lane (`test.sh`).

use petrel::*;

struct Data {
    limits: StoreLimits,
}

fn limited_store(engine: &Engine) -> Store<Data> {
    let mut store = Store::new(
        engine,
        Data {
            limits: StoreLimitsBuilder::new()
                .memory_size(3 * 65536)
                .table_elements(4)
                .instances(2)
                .build(),
        },
    );
    store.limiter(|d| &mut d.limits);
    store
}

#[test]
fn the_limiter_refuses_growth_and_creation_from_the_host() {
    let engine = Engine::default();
    let mut store = limited_store(&engine);
    let memory = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    assert_eq!(memory.grow(&mut store, 2).unwrap(), 1);
    assert!(memory.grow(&mut store, 1).is_err());
    assert_eq!(memory.size(&store), 3);
    assert!(Memory::new(&mut store, MemoryType::new(4, None)).is_err());

    let null = Ref::null(RefType::FuncRef);
    let table = Table::new(&mut store, TableType::new(RefType::FuncRef, 1, None), null).unwrap();
    assert_eq!(table.grow(&mut store, 3, null).unwrap(), 1);
    assert!(table.grow(&mut store, 1, null).is_err());
    assert_eq!(table.size(&store), 4);
    assert!(Table::new(&mut store, TableType::new(RefType::FuncRef, 5, None), null).is_err());

    // Instances count too: a module with nothing to compile instantiates
    // twice, then the limit refuses a third.
    let module = Module::new(&engine, "(module (global i32 (i32.const 1)))").unwrap();
    Instance::new(&mut store, &module, &[]).unwrap();
    Instance::new(&mut store, &module, &[]).unwrap();
    assert!(Instance::new(&mut store, &module, &[]).is_err());
}

#[test]
fn memories_are_bounds_checked_and_keep_their_contents() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new(1, Some(3))).unwrap();
    memory.write(&mut store, 65530, b"petrel").unwrap();
    assert!(memory.write(&mut store, 65531, b"petrel").is_err());
    assert!(memory.write(&mut store, usize::MAX, b"p").is_err());
    memory.grow(&mut store, 2).unwrap();
    assert!(memory.grow(&mut store, 1).is_err());
    let mut buf = [0u8; 6];
    memory.read(&store, 65530, &mut buf).unwrap();
    assert_eq!(&buf, b"petrel");
    memory.data_mut(&mut store)[3 * 65536 - 1] = 9;
    assert_eq!(memory.data(&store).len(), 3 * 65536);
    assert_eq!(memory.data(&store)[3 * 65536 - 1], 9);
    assert_eq!(memory.ty(&store).unwrap().maximum(), Some(3));
}

#[test]
fn tables_and_globals_check_kinds_and_bounds() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let null = Ref::null(RefType::ExternRef);
    let table = Table::new(
        &mut store,
        TableType::new(RefType::ExternRef, 2, Some(3)),
        null,
    )
    .unwrap();
    let host = ExternRef::new(&mut store, String::from("host value"));
    table.set(&mut store, 1, Ref::Extern(Some(host))).unwrap();
    assert!(table.set(&mut store, 2, null).is_err());
    assert!(
        table
            .set(&mut store, 0, Ref::null(RefType::FuncRef))
            .is_err()
    );
    assert!(table.get(&mut store, 2).is_none());
    match table.get(&mut store, 1) {
        Some(Ref::Extern(Some(r))) => {
            let data = r.data(&store).unwrap().downcast_ref::<String>();
            assert_eq!(data.map(String::as_str), Some("host value"));
        }
        other => panic!("expected the extern reference, got {other:?}"),
    }
    assert!(table.get(&mut store, 0).unwrap().is_null());

    let var = Global::new(
        &mut store,
        GlobalType::new(ValType::I64, Mutability::Var),
        Val::I64(-1),
    )
    .unwrap();
    var.set(&mut store, Val::I64(i64::MIN)).unwrap();
    assert_eq!(var.get(&mut store).unwrap().i64(), Some(i64::MIN));
    assert!(var.set(&mut store, Val::I32(1)).is_err());
    let constant = Global::new(
        &mut store,
        GlobalType::new(ValType::F32, Mutability::Const),
        Val::F32(f32::NAN.to_bits() | 1),
    )
    .unwrap();
    assert!(constant.set(&mut store, Val::F32(0)).is_err());
    // A NaN's payload is kept, bit for bit.
    assert!(matches!(
        constant.get(&mut store).unwrap(),
        Val::F32(bits) if bits == f32::NAN.to_bits() | 1
    ));
    assert!(
        Global::new(
            &mut store,
            GlobalType::new(ValType::I32, Mutability::Const),
            Val::I64(0)
        )
        .is_err()
    );
}

#[test]
fn handles_of_another_store_or_forged_are_errors() {
    let engine = Engine::default();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let memory = Memory::new(&mut a, MemoryType::new(1, None)).unwrap();
    let global = Global::new(
        &mut a,
        GlobalType::new(ValType::I32, Mutability::Var),
        Val::I32(3),
    )
    .unwrap();
    let func = Func::wrap(&mut a, |x: i32| x * 2);
    assert!(memory.grow(&mut b, 1).is_err());
    assert!(memory.write(&mut b, 0, b"x").is_err());
    assert!(global.get(&mut b).is_err());
    assert!(global.set(&mut b, Val::I32(1)).is_err());
    assert!(
        func.call(&mut b, &[Val::I32(1)], &mut [Val::I32(0)])
            .is_err()
    );
    assert!(Memory::from_stored(&b, memory.stored()).is_err());
    let forged = Stored {
        store_id: memory.stored().store_id,
        index: 1000,
    };
    assert!(Memory::from_stored(&a, forged).is_err());
    assert!(Global::from_stored(&a, forged).is_err());
    // A reference of another store cannot go into this store's table.
    let foreign = ExternRef::new(&mut b, 5u8);
    let table = Table::new(
        &mut a,
        TableType::new(RefType::ExternRef, 1, None),
        Ref::null(RefType::ExternRef),
    )
    .unwrap();
    assert!(table.set(&mut a, 0, Ref::Extern(Some(foreign))).is_err());
    // Store a is unharmed.
    assert_eq!(global.get(&mut a).unwrap().i32(), Some(3));
}

#[test]
fn host_functions_called_from_the_host() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, 10i32);
    let add = Func::wrap(&mut store, |mut caller: Caller<'_, i32>, x: i32| {
        *caller.data_mut() += x;
        *caller.data()
    });
    let typed = add.typed::<i32, i32>(&store).unwrap();
    assert_eq!(typed.call(&mut store, 5).unwrap(), 15);
    assert!(add.typed::<i64, i32>(&store).is_err());
    let mut out = [Val::I32(0)];
    add.call(&mut store, &[Val::I32(1)], &mut out).unwrap();
    assert_eq!(out[0].i32(), Some(16));
    assert!(add.call(&mut store, &[Val::F64(0)], &mut out).is_err());
    assert!(add.call(&mut store, &[], &mut out).is_err());
    let failing = Func::wrap(&mut store, |x: i32| -> Result<i32> {
        if x < 0 {
            anyhow::bail!("negative: {x}")
        }
        Ok(x)
    });
    let err = failing
        .call(&mut store, &[Val::I32(-4)], &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("negative: -4"), "{err}");
    assert_eq!(*store.data(), 16);
}
