//! Typed function references (`Config::wasm_function_references`) and
//! exception-handling tags (`Config::wasm_exceptions`) through the public
//! API: typed globals and tables exported and imported with subtyping,
//! `call_ref` and its null trap, host values checked against typed
//! types, tags exported, imported and mismatched, and the exception
//! instructions refused at compile time.

use petrel::*;

fn engine() -> Engine {
    let mut c = Config::new();
    c.wasm_function_references(true).wasm_exceptions(true);
    // Under Miri, compile on this thread: the parallel compiler's thread
    // pool would outlive the test, which Miri reports as an error.
    c.parallel_compilation(!cfg!(miri));
    Engine::new(&c).unwrap()
}

const EXPORTER: &str = r#"
(module
  (type $ii (func (param i32) (result i32)))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (global (export "g") (ref $ii) (ref.func $inc))
  (global (export "gm") (mut (ref null $ii)) (ref.null $ii))
  (table (export "t") 2 (ref $ii) (ref.func $inc))
  (func (export "inc") (type $ii) (call $inc (local.get 0)))
)
"#;

#[test]
fn typed_references_are_off_by_default() {
    let engine = Engine::default();
    assert!(Module::new(&engine, EXPORTER).is_err());
    let tags = "(module (tag (export \"t\")))";
    assert!(Module::new(&engine, tags).is_err());
}

#[test]
fn typed_exports_describe_their_concrete_types() {
    let engine = engine();
    let module = Module::new(&engine, EXPORTER).unwrap();
    let ii = FuncType::new([ValType::I32], [ValType::I32]);
    let id = engine.func_type_id(&ii);
    assert_eq!(engine.func_type(id), Some(ii));
    let g = module.get_export("g").unwrap();
    let g = g.global().unwrap();
    let expected = RefType::new(false, HeapType::ConcreteFunc(id));
    assert_eq!(g.content(), ValType::from(expected));
    assert_eq!(g.mutability(), Mutability::Const);
    let gm = module.get_export("gm").unwrap();
    assert_eq!(
        gm.global().unwrap().content(),
        ValType::from(RefType::new(true, HeapType::ConcreteFunc(id)))
    );
    let t = module.get_export("t").unwrap();
    assert_eq!(t.table().unwrap().element(), expected);
    // Subtyping: (ref $ii) <: (ref func) <: funcref; not the other way.
    assert!(expected.matches(RefType::new(false, HeapType::Func)));
    assert!(expected.matches(RefType::FuncRef));
    assert!(!RefType::FuncRef.matches(expected));
    assert!(!RefType::new(true, HeapType::ConcreteFunc(id)).matches(expected));
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn typed_globals_and_tables_link_by_subtyping() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let exporter = Module::new(&engine, EXPORTER).unwrap();
    let exporter = Instance::new(&mut store, &exporter, &[]).unwrap();
    let g = exporter.get_export(&mut store, "g").unwrap();
    let gm = exporter.get_export(&mut store, "gm").unwrap();
    let t = exporter.get_export(&mut store, "t").unwrap();

    // An immutable global of (ref $ii) may be imported as a supertype, with
    // the function type declared again in another module (type
    // equivalence across modules).
    let importer = r#"
      (module
        (type $f (func (param i32) (result i32)))
        (import "m" "g" (global $g (ref $f)))
        (import "m" "g" (global $h (ref null func)))
        (import "m" "t" (table $t 2 (ref $f)))
        (func (export "call_g") (param i32) (result i32)
          (call_ref $f (local.get 0) (global.get $g)))
        (func (export "call_t") (param i32) (result i32)
          (call_ref $f (local.get 0) (table.get $t (i32.const 1))))
      )"#;
    let importer = Module::new(&engine, importer).unwrap();
    let instance = Instance::new(&mut store, &importer, &[g, g, t]).unwrap();
    let call_g = instance
        .get_typed_func::<i32, i32>(&mut store, "call_g")
        .unwrap();
    assert_eq!(call_g.call(&mut store, 41).unwrap(), 42);
    let call_t = instance
        .get_typed_func::<i32, i32>(&mut store, "call_t")
        .unwrap();
    assert_eq!(call_t.call(&mut store, 1).unwrap(), 2);

    // A mutable global must match exactly; a table's element type too.
    let wrong = [
        r#"(module (import "m" "gm" (global (mut (ref null func)))))"#,
        r#"(module (import "m" "t" (table 2 funcref)))"#,
        r#"(module (type $v (func)) (import "m" "g" (global (ref $v))))"#,
        r#"(module (type $f (func (param i32) (result i32)))
             (import "m" "gm" (global (ref null $f))))"#,
    ];
    for (wat, item) in wrong.iter().zip([gm, t, g, gm]) {
        let module = Module::new(&engine, wat).unwrap();
        let err = Instance::new(&mut store, &module, &[item]).unwrap_err();
        assert!(
            format!("{err:#}").contains("incompatible import type"),
            "{wat}: {err:#}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn host_values_are_checked_against_typed_types() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let module = Module::new(&engine, EXPORTER).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let inc = instance.get_func(&mut store, "inc").unwrap();
    let gm = instance.get_global(&mut store, "gm").unwrap();
    let t = instance.get_table(&mut store, "t").unwrap();

    // A function of the right type goes in; null goes only where allowed.
    gm.set(&mut store, Val::FuncRef(Some(inc))).unwrap();
    gm.set(&mut store, Val::FuncRef(None)).unwrap();
    assert!(t.set(&mut store, 0, Ref::Func(None)).is_err());
    t.set(&mut store, 0, Ref::Func(Some(inc))).unwrap();

    // A function of another type does not.
    let other = Func::wrap(&mut store, || {});
    assert!(gm.set(&mut store, Val::FuncRef(Some(other))).is_err());
    assert!(t.set(&mut store, 1, Ref::Func(Some(other))).is_err());
    assert!(t.grow(&mut store, 1, Ref::Func(Some(other))).is_err());

    // A host global of a typed type, made from the API, imports fine.
    let id = engine.func_type_id(&FuncType::new([ValType::I32], [ValType::I32]));
    let non_null = RefType::new(false, HeapType::ConcreteFunc(id));
    let ty = GlobalType::new(non_null.into(), Mutability::Const);
    assert!(Global::new(&mut store, ty, Val::FuncRef(None)).is_err());
    let host = Global::new(&mut store, ty, Val::FuncRef(Some(inc))).unwrap();
    let importer = Module::new(
        &engine,
        r#"(module
             (type $f (func (param i32) (result i32)))
             (import "m" "g" (global $g (ref null $f)))
             (func (export "f") (param i32) (result i32)
               (call_ref $f (local.get 0) (global.get $g))))"#,
    )
    .unwrap();
    let i = Instance::new(&mut store, &importer, &[host.into()]).unwrap();
    let f = i.get_typed_func::<i32, i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, 9).unwrap(), 10);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn null_function_references_trap() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module
             (type $v (func))
             (func (export "call") (call_ref $v (ref.null $v)))
             (func (export "tail") (return_call_ref $v (ref.null $v)))
             (func (export "as_non_null") (drop (ref.as_non_null (ref.null $v))))
             (func (export "br_on_null") (result i32)
               (block $null
                 (br_on_null $null (ref.null $v))
                 (drop)
                 (return (i32.const 1)))
               (i32.const 0)))"#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    for name in ["call", "tail", "as_non_null"] {
        let f = instance.get_typed_func::<(), ()>(&mut store, name).unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        let trap = err.downcast_ref::<Trap>().expect("a trap");
        assert_eq!(trap.code(), TrapCode::NullReference, "{name}");
    }
    let f = instance
        .get_typed_func::<(), i32>(&mut store, "br_on_null")
        .unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 0);
}

#[test]
fn tags_are_exported_imported_and_matched_exactly() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let exporter = Module::new(
        &engine,
        r#"(module
             (tag (export "e"))
             (tag (export "e-i32") (param i32)))"#,
    )
    .unwrap();
    let e_ty = exporter.get_export("e-i32").unwrap();
    assert_eq!(e_ty.tag().unwrap().params(), &[ValType::I32]);
    assert_eq!(e_ty.kind_name(), "tag");
    let exporter = Instance::new(&mut store, &exporter, &[]).unwrap();
    let e = exporter.get_export(&mut store, "e").unwrap();
    let e_i32 = exporter.get_export(&mut store, "e-i32").unwrap();
    let tag = e_i32.into_tag().unwrap();
    assert_eq!(tag.ty(&store).unwrap(), TagType::new([ValType::I32]));

    let importer = Module::new(
        &engine,
        r#"(module (import "m" "e-i32" (tag (param i32))) (export "again" (tag 0)))"#,
    )
    .unwrap();
    let i = Instance::new(&mut store, &importer, &[e_i32]).unwrap();
    // Re-exported, it is the same tag.
    assert_eq!(i.get_export(&mut store, "again"), Some(e_i32));

    // Wrong payload, or not a tag at all.
    let err = Instance::new(&mut store, &importer, &[e]).unwrap_err();
    assert!(
        format!("{err:#}").contains("incompatible import type"),
        "{err:#}"
    );
    let f = Func::wrap(&mut store, |_: i32| {});
    let err = Instance::new(&mut store, &importer, &[f.into()]).unwrap_err();
    assert!(
        format!("{err:#}").contains("incompatible import type"),
        "{err:#}"
    );

    // Through a linker, and a host-made tag.
    let mut linker = Linker::new(&engine);
    let host = Tag::new(&mut store, &TagType::new([ValType::I32]));
    linker.define(&store, "m", "e-i32", host).unwrap();
    let i = linker.instantiate(&mut store, &importer).unwrap();
    assert_eq!(i.get_export(&mut store, "again"), Some(Extern::Tag(host)));
}

#[test]
fn exception_instructions_are_refused_at_compile_time() {
    let engine = engine();
    let bodies = [
        ("throw", "(throw $e)"),
        ("try_table", "(try_table (catch_all 0)) "),
        ("throw_ref", "(throw_ref (ref.null exn))"),
        ("try", "try catch_all end"),
        ("throw", "(unreachable) (throw $e)"),
        ("try_table", "(unreachable) (try_table)"),
    ];
    for (name, body) in bodies {
        let wat = format!("(module (tag $e) (func (block {body})))");
        let err = match Module::new(&engine, &wat) {
            Ok(_) => panic!("{wat} compiled"),
            Err(e) => format!("{e:#}"),
        };
        assert!(
            err.contains("exception handling instructions are not supported yet")
                && err.contains(&format!("`{name}`")),
            "{wat}: {err}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn serialized_modules_keep_their_types_in_module_terms() {
    // The importer's types are registered in another order in a fresh
    // engine: the ids differ, the types (and linking) do not.
    let importer = r#"
      (module
        (type $x (func (result i64)))
        (type $f (func (param i32) (result i32)))
        (import "m" "g" (global $g (ref $f)))
        (table $t 1 (ref $f) (global.get $g))
        (func (export "f") (param i32) (result i32)
          (call_ref $f (local.get 0) (table.get $t (i32.const 0)))))"#;
    let mut config = Config::new();
    config
        .wasm_function_references(true)
        .module_key([7; MODULE_KEY_LEN]);
    let first = Engine::new(&config).unwrap();
    let bytes = Module::new(&first, importer).unwrap().serialize().unwrap();

    let engine = Engine::new(&config).unwrap();
    // Registers other types first, so the ids are not the first engine's.
    engine.func_type_id(&FuncType::new([ValType::F64], []));
    let module = Module::deserialize(&engine, &bytes).unwrap();
    let ii = FuncType::new([ValType::I32], [ValType::I32]);
    let id = engine.func_type_id(&ii);
    let g = module.get_export("f").unwrap();
    assert_eq!(g.func().unwrap(), &ii);
    let import = module.imports().next().unwrap().ty();
    assert_eq!(
        import.global().unwrap().content(),
        ValType::from(RefType::new(false, HeapType::ConcreteFunc(id)))
    );

    let mut store = Store::new(&engine, ());
    let exporter = Module::new(&engine, EXPORTER).unwrap();
    let exporter = Instance::new(&mut store, &exporter, &[]).unwrap();
    let g = exporter.get_export(&mut store, "g").unwrap();
    let instance = Instance::new(&mut store, &module, &[g]).unwrap();
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "f")
        .unwrap();
    assert_eq!(f.call(&mut store, 1).unwrap(), 2);
}
