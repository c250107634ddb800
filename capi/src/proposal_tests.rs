//! Modules using typed function references or exception-handling tags
//! through the C API. The C API has no switch for those proposals (they
//! are off by default), so such a module can only come from a Rust engine
//! with them on; whatever the C API cannot represent yet (a tag, a typed
//! reference type) must then be a clean error, never a crash or a wrong
//! answer.

use crate::*;
use std::ffi::CStr;
use std::ptr;

fn message(e: *mut petrel_error_t) -> String {
    assert!(!e.is_null(), "expected an error");
    // SAFETY: `e` is a live error; its message is NUL-terminated and valid
    // until the error is freed, after the copy.
    unsafe {
        let text = CStr::from_ptr(petrel_error_message(e))
            .to_string_lossy()
            .into_owned();
        petrel_error_delete(e);
        text
    }
}

fn ok(e: *mut petrel_error_t) {
    if !e.is_null() {
        panic!("unexpected error: {}", message(e));
    }
}

const WAT: &str = r#"
(module
  (type $v (func))
  (func $f (type $v))
  (tag (export "tag") (param i32))
  (global (export "typed") (ref $v) (ref.func $f))
  (global (export "plain") i32 (i32.const 7))
  (func (export "takes_typed") (param (ref null $v)))
)
"#;

fn module() -> (petrel::Engine, *mut petrel_module_t) {
    let mut config = petrel::Config::new();
    config.wasm_function_references(true).wasm_exceptions(true);
    // Under Miri, compile on this thread: the parallel compiler's thread
    // pool would outlive the tests, which Miri reports as an error.
    config.parallel_compilation(!cfg!(miri));
    let engine = petrel::Engine::new(&config).unwrap();
    let module = petrel::Module::new(&engine, WAT).unwrap();
    (engine, Box::into_raw(Box::new(petrel_module_t(module))))
}

#[test]
fn module_exports_the_c_api_cannot_represent_are_errors() {
    let (_engine, module) = module();
    let export = |i: usize| {
        let mut name = petrel_str_t {
            data: ptr::null(),
            len: 0,
        };
        let mut ty = ptr::null_mut();
        // SAFETY: live module; writable out-parameters.
        ok(unsafe { petrel_module_export(module, i, &mut name, &mut ty) });
        ty
    };
    // The tag: its kind is refused.
    let tag = export(0);
    let mut kind = 0;
    // SAFETY: live extern type; writable out-parameter.
    let e = unsafe { petrel_externtype_kind(tag, &mut kind) };
    assert!(message(e).contains("cannot represent an exception-handling tag"));
    // The typed global: its type is refused.
    let typed = export(1);
    // SAFETY: as above.
    ok(unsafe { petrel_externtype_kind(typed, &mut kind) });
    assert_eq!(kind, PETREL_EXTERN_GLOBAL);
    let mut gt = petrel_globaltype_t {
        content: 0,
        mutability: 0,
    };
    // SAFETY: live extern type; writable out-parameter.
    let e = unsafe { petrel_externtype_globaltype(typed, &mut gt) };
    assert!(message(e).contains("cannot represent the typed reference type"));
    // The plain global still reads.
    let plain = export(2);
    // SAFETY: as above.
    ok(unsafe { petrel_externtype_globaltype(plain, &mut gt) });
    assert_eq!(gt.content, PETREL_I32);
    // A function with a typed parameter: its function type is refused.
    let func = export(3);
    let mut ft = ptr::null_mut();
    // SAFETY: live extern type; writable out-parameter.
    let e = unsafe { petrel_externtype_functype(func, &mut ft) };
    assert!(message(e).contains("cannot represent the typed reference type"));
    assert!(ft.is_null());
    for t in [tag, typed, plain, func] {
        // SAFETY: owned extern types, freed once.
        unsafe { petrel_externtype_delete(t) };
    }
    // SAFETY: owned module, freed once.
    unsafe { petrel_module_delete(module) };
}

#[test]
fn instance_exports_the_c_api_cannot_represent_are_errors() {
    let (engine, module) = module();
    let engine = Box::into_raw(Box::new(petrel_engine_t(engine)));
    let mut store = ptr::null_mut();
    // SAFETY: live engine; no user data; writable out-parameter.
    ok(unsafe { petrel_store_new(engine, ptr::null_mut(), None, &mut store) });
    let mut instance = petrel_instance_t {
        store_id: 0,
        index: 0,
    };
    // SAFETY: live store and module; no imports; writable out-parameter.
    ok(unsafe { petrel_instance_new(store, module, ptr::null(), 0, &mut instance) });
    let unset = petrel_extern_t {
        kind: 0xff,
        store_id: 0,
        index: 0,
    };
    let mut item = unset;
    let mut found = false;
    let get = |name: &str, item: &mut petrel_extern_t, found: &mut bool| {
        // SAFETY: live store; the name buffer is valid; writable outs.
        unsafe {
            petrel_instance_export_get(
                store,
                instance,
                name.as_ptr().cast(),
                name.len(),
                item,
                found,
            )
        }
    };
    let e = get("tag", &mut item, &mut found);
    assert!(message(e).contains("cannot represent an exception-handling tag"));
    assert_eq!(item, unset, "nothing written on error");
    ok(get("typed", &mut item, &mut found));
    assert!(found);
    assert_eq!(item.kind, PETREL_EXTERN_GLOBAL);
    let mut name = petrel_str_t {
        data: ptr::null(),
        len: 0,
    };
    let mut nth = unset;
    // SAFETY: live store; writable out-parameters.
    let e = unsafe { petrel_instance_export_nth(store, instance, 0, &mut name, &mut nth) };
    assert!(message(e).contains("cannot represent an exception-handling tag"));
    assert!(
        name.data.is_null() && nth == unset,
        "nothing written on error"
    );
    // SAFETY: live store, module and engine, each freed once.
    unsafe {
        ok(petrel_store_delete(store));
        petrel_module_delete(module);
        petrel_engine_delete(engine);
    }
}
