//! Smoke test of the embedding API: compile, host call, traps.
use petrel::*;

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn smoke() -> Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
        (import "host" "double" (func $double (param i32) (result i32)))
        (memory (export "mem") 1)
        (func $fib (export "fib") (param i32) (result i32)
          local.get 0 i32.const 2 i32.lt_s
          if (result i32) local.get 0
          else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
        (func (export "dbl") (param i32) (result i32) local.get 0 call $double)
        (func (export "boom") unreachable)
        (func (export "oob") (result i32) i32.const 70000 i32.load))"#,
    )?;
    let mut store = Store::new(&engine, 0u32);
    let double = Func::wrap(&mut store, |mut c: Caller<'_, u32>, x: i32| {
        *c.data_mut() += 1;
        x * 2
    });
    let instance = Instance::new(&mut store, &module, &[double.into()])?;
    let fib = instance.get_typed_func::<i32, i32>(&mut store, "fib")?;
    assert_eq!(fib.call(&mut store, 20)?, 6765);
    let dbl = instance.get_typed_func::<i32, i32>(&mut store, "dbl")?;
    assert_eq!(dbl.call(&mut store, 21)?, 42);
    assert_eq!(*store.data(), 1);
    let boom = instance.get_func(&mut store, "boom").unwrap();
    let err = boom.call(&mut store, &[], &mut []).unwrap_err();
    let trap = err.downcast_ref::<Trap>().expect("trap");
    assert_eq!(trap.code(), TrapCode::UnreachableCodeReached);
    let oob = instance.get_func(&mut store, "oob").unwrap();
    let err = oob.call(&mut store, &[], &mut [Val::I32(0)]).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Trap>().unwrap().code(),
        TrapCode::MemoryOutOfBounds
    );
    assert_eq!(fib.call(&mut store, 10)?, 55);
    Ok(())
}
