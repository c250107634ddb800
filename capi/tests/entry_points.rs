//! The C API's entry points that run no wasm, called from Rust the way a C
//! program calls them: objects are created, used, misused (a closed store,
//! an item of another store, a forged handle, out of bounds, the wrong
//! kind or count) and freed, and every finalizer runs exactly once.
//! Nothing here runs compiled code, so this file is also in the Miri lane
//! (`test.sh`); the C test (`tests/c/test_api.c`) covers calls into wasm.

use petrel_capi::*;
use std::ffi::{CStr, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Panics with the message of `e` unless it is NULL.
fn ok(e: *mut petrel_error_t) {
    if !e.is_null() {
        panic!("unexpected error: {}", message(e));
    }
}

/// The message of the error `e` (which must not be NULL), freeing it.
fn message(e: *mut petrel_error_t) -> String {
    assert!(!e.is_null(), "expected an error");
    // SAFETY: `e` is a live error; its message is NUL-terminated and valid
    // until the error is freed, which happens after the copy.
    unsafe {
        let text = CStr::from_ptr(petrel_error_message(e))
            .to_string_lossy()
            .into_owned();
        petrel_error_delete(e);
        text
    }
}

/// Asserts that `e` is an error whose message contains `part`.
fn fails(e: *mut petrel_error_t, part: &str) {
    let text = message(e);
    assert!(text.contains(part), "{text:?} should mention {part:?}");
}

fn engine() -> *mut petrel_engine_t {
    let mut engine = ptr::null_mut();
    // SAFETY: NULL asks for the default configuration; the out-pointer is valid.
    ok(unsafe { petrel_engine_new(ptr::null(), &mut engine) });
    engine
}

/// A finalizer that counts its calls in the `AtomicUsize` it is given.
unsafe extern "C" fn count(data: *mut c_void) {
    // SAFETY: every `count` finalizer gets a pointer to a live counter.
    unsafe { (*data.cast::<AtomicUsize>()).fetch_add(1, Ordering::SeqCst) };
}

fn store(engine: *mut petrel_engine_t, finalized: &AtomicUsize) -> *mut petrel_store_t {
    let mut store = ptr::null_mut();
    let data = ptr::from_ref(finalized).cast_mut().cast::<c_void>();
    // SAFETY: live engine; the counter outlives the store.
    ok(unsafe { petrel_store_new(engine, data, Some(count), &mut store) });
    store
}

fn i32_val(v: i32) -> petrel_val_t {
    petrel_val_t {
        kind: PETREL_I32,
        of: petrel_valunion_t { i32: v },
    }
}

fn limits(minimum: u64, maximum: Option<u64>) -> petrel_limits_t {
    petrel_limits_t {
        minimum,
        maximum: maximum.unwrap_or(0),
        has_maximum: maximum.is_some(),
    }
}

/// Host function `(i32, i32) -> i32` adding its arguments, or failing
/// with a host error when the first is negative.
unsafe extern "C" fn add(
    env: *mut c_void,
    _caller: *mut petrel_caller_t,
    values: *mut petrel_valraw_t,
    nargs: usize,
    nresults: usize,
) -> *mut petrel_error_t {
    assert_eq!((nargs, nresults), (2, 1));
    // SAFETY: the runtime passes max(nargs, nresults) initialised values,
    // and `env` is the counter given at creation.
    unsafe {
        (*env.cast::<AtomicUsize>()).fetch_add(1, Ordering::SeqCst);
        let (a, b) = ((*values).i32, (*values.add(1)).i32);
        if a < 0 {
            let msg = b"negative";
            return petrel_error_new_host(msg.as_ptr().cast(), msg.len(), 7);
        }
        *values = petrel_valraw_t { v128: [0; 16] };
        (*values).i32 = a.wrapping_add(b);
    }
    ptr::null_mut()
}

#[test]
fn memories_tables_globals_and_references() {
    let engine = engine();
    let data_finalized = AtomicUsize::new(0);
    let ref_finalized = AtomicUsize::new(0);
    let store = store(engine, &data_finalized);
    let other = store_for_other(engine);
    // SAFETY: live stores and engine; every out-pointer is a local; the
    // buffers passed with lengths are locals of those lengths.
    unsafe {
        // Memories.
        let mut memory = petrel_memory_t {
            store_id: 0,
            index: 0,
        };
        let ty = petrel_memorytype_t {
            limits: limits(1, Some(2)),
            is_64: false,
            page_size: 65536,
        };
        ok(petrel_memory_new(store, ty, &mut memory));
        let mut pages = 0;
        ok(petrel_memory_size(store, memory, &mut pages));
        assert_eq!(pages, 1);
        let mut old = 0;
        ok(petrel_memory_grow(store, memory, 1, &mut old));
        assert_eq!(old, 1);
        fails(petrel_memory_grow(store, memory, 1, &mut old), "");
        let bytes = *b"petrel";
        ok(petrel_memory_write(
            store,
            memory,
            65536 * 2 - 6,
            bytes.as_ptr(),
            6,
        ));
        let mut back = [0u8; 6];
        ok(petrel_memory_read(
            store,
            memory,
            65536 * 2 - 6,
            back.as_mut_ptr(),
            6,
        ));
        assert_eq!(back, bytes);
        fails(
            petrel_memory_read(store, memory, 65536 * 2 - 5, back.as_mut_ptr(), 6),
            "out of bounds",
        );
        fails(
            petrel_memory_write(store, memory, usize::MAX, bytes.as_ptr(), 6),
            "out of bounds",
        );
        let (mut data, mut len) = (ptr::null_mut(), 0);
        ok(petrel_memory_data(store, memory, &mut data, &mut len));
        assert_eq!(len, 2 * 65536);
        assert_eq!(*data.add(len - 1), b'l');
        // The type reports the current size as its minimum.
        let mut ty_back = ty;
        ok(petrel_memory_type(store, memory, &mut ty_back));
        assert_eq!(ty_back.limits, limits(2, Some(2)));
        // The same handle in another store, and a forged index.
        fails(petrel_memory_size(other, memory, &mut pages), "store");
        let forged = petrel_memory_t {
            store_id: memory.store_id,
            index: 99,
        };
        fails(petrel_memory_size(store, forged, &mut pages), "");

        // Tables of funcref and externref.
        let null = petrel_val_t {
            kind: PETREL_FUNCREF,
            of: petrel_valunion_t {
                funcref: petrel_func_t {
                    store_id: 0,
                    index: 0,
                },
            },
        };
        let ty = petrel_tabletype_t {
            element: PETREL_FUNCREF,
            limits: limits(2, Some(4)),
            is_64: false,
        };
        let mut table = petrel_table_t {
            store_id: 0,
            index: 0,
        };
        ok(petrel_table_new(store, ty, &null, &mut table));
        let mut size = 0;
        let mut old_size = 0;
        ok(petrel_table_grow(store, table, 2, &null, &mut old_size));
        assert_eq!(old_size, 2);
        ok(petrel_table_size(store, table, &mut size));
        assert_eq!(size, 4);
        fails(petrel_table_grow(store, table, 1, &null, &mut old_size), "");
        let mut got = i32_val(0);
        ok(petrel_table_get(store, table, 3, &mut got));
        assert_eq!(got.kind, PETREL_FUNCREF);
        fails(petrel_table_get(store, table, 4, &mut got), "out of bounds");
        fails(petrel_table_set(store, table, 0, &i32_val(1)), "");

        // An externref: its data comes back, its finalizer runs once.
        let mut externref = petrel_externref_t {
            store_id: 0,
            index: 0,
        };
        let payload = ptr::from_ref(&ref_finalized).cast_mut().cast::<c_void>();
        ok(petrel_externref_new(
            store,
            payload,
            Some(count),
            &mut externref,
        ));
        let mut back = ptr::null_mut();
        ok(petrel_externref_data(store, externref, &mut back));
        assert_eq!(back, payload);
        let ty = petrel_tabletype_t {
            element: PETREL_EXTERNREF,
            limits: limits(1, None),
            is_64: false,
        };
        let init = petrel_val_t {
            kind: PETREL_EXTERNREF,
            of: petrel_valunion_t { externref },
        };
        let mut refs = petrel_table_t {
            store_id: 0,
            index: 0,
        };
        ok(petrel_table_new(store, ty, &init, &mut refs));
        ok(petrel_table_get(store, refs, 0, &mut got));
        assert_eq!(got.kind, PETREL_EXTERNREF);
        assert_eq!(got.of.externref.index, externref.index);
        fails(petrel_table_new(other, ty, &init, &mut refs), "store");

        // Globals: mutable, constant, and values of the wrong kind.
        let var = petrel_globaltype_t {
            content: PETREL_I32,
            mutability: PETREL_VAR,
        };
        let mut global = petrel_global_t {
            store_id: 0,
            index: 0,
        };
        ok(petrel_global_new(store, var, &i32_val(5), &mut global));
        ok(petrel_global_set(store, global, &i32_val(7)));
        ok(petrel_global_get(store, global, &mut got));
        assert_eq!((got.kind, got.of.i32), (PETREL_I32, 7));
        let wrong = petrel_val_t {
            kind: PETREL_I64,
            of: petrel_valunion_t { i64: 1 },
        };
        fails(petrel_global_set(store, global, &wrong), "");
        let constant = petrel_globaltype_t {
            content: PETREL_I32,
            mutability: PETREL_CONST,
        };
        ok(petrel_global_new(store, constant, &i32_val(1), &mut global));
        fails(petrel_global_set(store, global, &i32_val(2)), "");
        fails(petrel_global_new(store, constant, &wrong, &mut global), "");

        // A closed store refuses everything; closing twice is fine.
        ok(petrel_store_close(store));
        assert_eq!(data_finalized.load(Ordering::SeqCst), 1);
        assert_eq!(ref_finalized.load(Ordering::SeqCst), 1);
        fails(petrel_memory_size(store, memory, &mut pages), "closed");
        fails(petrel_global_get(store, global, &mut got), "closed");
        ok(petrel_store_close(store));
        ok(petrel_store_delete(store));
        ok(petrel_store_delete(other));
        petrel_engine_delete(engine);
    }
    assert_eq!(data_finalized.load(Ordering::SeqCst), 1);
    assert_eq!(ref_finalized.load(Ordering::SeqCst), 1);
}

/// A store whose data is not finalized.
fn store_for_other(engine: *mut petrel_engine_t) -> *mut petrel_store_t {
    let mut store = ptr::null_mut();
    // SAFETY: live engine; NULL data and finalizer are allowed.
    ok(unsafe { petrel_store_new(engine, ptr::null_mut(), None, &mut store) });
    store
}

#[test]
fn host_functions_are_called_without_wasm() {
    let engine = engine();
    let calls = AtomicUsize::new(0);
    let env_finalized = AtomicUsize::new(0);
    let store = store_for_other(engine);
    // SAFETY: live store and engine; out-pointers and arrays are locals of
    // the lengths passed; `calls` and `env_finalized` outlive the store.
    unsafe {
        let kinds = [PETREL_I32, PETREL_I32];
        let mut functype = ptr::null_mut();
        ok(petrel_functype_new(
            kinds.as_ptr(),
            2,
            kinds.as_ptr(),
            1,
            &mut functype,
        ));
        let (mut params, mut nparams) = (ptr::null(), 0);
        ok(petrel_functype_params(functype, &mut params, &mut nparams));
        assert_eq!(std::slice::from_raw_parts(params, nparams), &kinds);
        fails(
            petrel_functype_new([200u8].as_ptr(), 1, ptr::null(), 0, &mut ptr::null_mut()),
            "",
        );
        let mut func = petrel_func_t {
            store_id: 0,
            index: 0,
        };
        let env = ptr::from_ref(&calls).cast_mut().cast::<c_void>();
        ok(petrel_func_new(
            store,
            functype,
            Some(add),
            env,
            None,
            &mut func,
        ));
        let env = ptr::from_ref(&env_finalized).cast_mut().cast::<c_void>();
        let mut with_finalizer = func;
        ok(petrel_func_new(
            store,
            functype,
            Some(add),
            env,
            Some(count),
            &mut with_finalizer,
        ));
        petrel_functype_delete(functype);

        let args = [i32_val(40), i32_val(2)];
        let mut results = [i32_val(0)];
        ok(petrel_func_call(
            store,
            func,
            args.as_ptr(),
            2,
            results.as_mut_ptr(),
            1,
        ));
        assert_eq!((results[0].kind, results[0].of.i32), (PETREL_I32, 42));
        fails(
            petrel_func_call(store, func, args.as_ptr(), 1, results.as_mut_ptr(), 1),
            "",
        );
        let wrong = [
            i32_val(1),
            petrel_val_t {
                kind: PETREL_F64,
                of: petrel_valunion_t { f64: 1.0 },
            },
        ];
        fails(
            petrel_func_call(store, func, wrong.as_ptr(), 2, results.as_mut_ptr(), 1),
            "",
        );
        // A host error comes back unchanged, with its tag.
        let negative = [i32_val(-1), i32_val(0)];
        let e = petrel_func_call(store, func, negative.as_ptr(), 2, results.as_mut_ptr(), 1);
        let mut tag = 0;
        assert!(petrel_error_host_tag(e, &mut tag));
        assert_eq!(tag, 7);
        fails(e, "negative");
        // The raw path: one flat array, its length checked.
        let mut raw = [petrel_valraw_t { v128: [0; 16] }; 2];
        raw[0].i32 = 5;
        raw[1].i32 = 6;
        ok(petrel_func_call_raw(store, &func, raw.as_mut_ptr(), 2));
        assert_eq!(raw[0].i32, 11);
        fails(petrel_func_call_raw(store, &func, raw.as_mut_ptr(), 1), "");
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        ok(petrel_store_delete(store));
        petrel_engine_delete(engine);
    }
    assert_eq!(env_finalized.load(Ordering::SeqCst), 1);
}

#[test]
fn modules_instances_and_linkers_without_functions() {
    let engine = engine();
    let store = store_for_other(engine);
    let text = r#"(module
        (import "env" "g" (global i32))
        (memory (export "m") 1)
        (global (export "g2") i32 (global.get 0))
        (table (export "t") 1 funcref)
        (data (i32.const 8) "hi"))"#;
    // SAFETY: live store and engine; every pointer passed with a length
    // points to that many bytes; out-pointers are locals.
    unsafe {
        let mut wasm = petrel_bytes_t {
            data: ptr::null_mut(),
            len: 0,
        };
        ok(petrel_wat2wasm(text.as_ptr().cast(), text.len(), &mut wasm));
        ok(petrel_module_validate(engine, wasm.data, wasm.len));
        let mut module = ptr::null_mut();
        ok(petrel_module_new(engine, wasm.data, wasm.len, &mut module));
        petrel_bytes_delete(&mut wasm);
        fails(petrel_module_validate(engine, b"\0asm".as_ptr(), 4), "");
        fails(
            petrel_module_new(engine, b"\0asm\x01".as_ptr(), 5, &mut ptr::null_mut()),
            "",
        );
        let mut n = 0;
        ok(petrel_module_export_count(module, &mut n));
        assert_eq!(n, 3);
        ok(petrel_module_import_count(module, &mut n));
        assert_eq!(n, 1);

        // Instantiating needs the import; a linker supplies it.
        let mut instance = petrel_instance_t {
            store_id: 0,
            index: 0,
        };
        fails(
            petrel_instance_new(store, module, ptr::null(), 0, &mut instance),
            "",
        );
        let ty = petrel_globaltype_t {
            content: PETREL_I32,
            mutability: PETREL_CONST,
        };
        let mut global = petrel_global_t {
            store_id: 0,
            index: 0,
        };
        ok(petrel_global_new(store, ty, &i32_val(33), &mut global));
        let mut linker = ptr::null_mut();
        ok(petrel_linker_new(engine, &mut linker));
        let item = petrel_extern_t {
            kind: PETREL_EXTERN_GLOBAL,
            store_id: global.store_id,
            index: global.index,
        };
        ok(petrel_linker_define(
            linker,
            store,
            c"env".as_ptr(),
            3,
            c"g".as_ptr(),
            1,
            item,
        ));
        fails(
            petrel_linker_define(linker, store, c"env".as_ptr(), 3, c"g".as_ptr(), 1, item),
            "",
        );
        ok(petrel_linker_instantiate(
            linker,
            store,
            module,
            &mut instance,
        ));
        let mut found = false;
        let mut export = item;
        ok(petrel_instance_export_get(
            store,
            instance,
            c"g2".as_ptr(),
            2,
            &mut export,
            &mut found,
        ));
        assert!(found);
        assert_eq!(export.kind, PETREL_EXTERN_GLOBAL);
        let g2 = petrel_global_t {
            store_id: export.store_id,
            index: export.index,
        };
        let mut got = i32_val(0);
        ok(petrel_global_get(store, g2, &mut got));
        assert_eq!(got.of.i32, 33);
        ok(petrel_instance_export_get(
            store,
            instance,
            c"m".as_ptr(),
            1,
            &mut export,
            &mut found,
        ));
        let memory = petrel_memory_t {
            store_id: export.store_id,
            index: export.index,
        };
        let mut hi = [0u8; 2];
        ok(petrel_memory_read(store, memory, 8, hi.as_mut_ptr(), 2));
        assert_eq!(&hi, b"hi");
        ok(petrel_instance_export_get(
            store,
            instance,
            c"nope".as_ptr(),
            4,
            &mut export,
            &mut found,
        ));
        assert!(!found);
        let mut count = 0;
        ok(petrel_instance_export_count(store, instance, &mut count));
        assert_eq!(count, 3);
        // Serialized and loaded again, the module instantiates the same.
        let mut blob = petrel_bytes_t {
            data: ptr::null_mut(),
            len: 0,
        };
        ok(petrel_module_serialize(module, &mut blob));
        let mut again = ptr::null_mut();
        ok(petrel_module_deserialize(
            engine, blob.data, blob.len, &mut again,
        ));
        *blob.data.add(blob.len / 2) ^= 1;
        fails(
            petrel_module_deserialize(engine, blob.data, blob.len, &mut ptr::null_mut()),
            "",
        );
        petrel_bytes_delete(&mut blob);
        ok(petrel_linker_instantiate(
            linker,
            store,
            again,
            &mut instance,
        ));

        petrel_module_delete(again);
        petrel_module_delete(module);
        petrel_linker_delete(linker);
        ok(petrel_store_delete(store));
        petrel_engine_delete(engine);
    }
}

#[test]
fn errors_and_traps_made_by_the_host() {
    // SAFETY: the messages point to their stated lengths; each error is
    // freed once.
    unsafe {
        let e = petrel_error_new(b"boom".as_ptr().cast(), 4);
        assert!(petrel_error_as_trap(e).is_null());
        fails(e, "boom");
        let e = petrel_error_new_trap(PETREL_TRAP_INTEGER_OVERFLOW);
        let trap = petrel_error_as_trap(e);
        assert!(!trap.is_null());
        assert_eq!(petrel_trap_code(trap), PETREL_TRAP_INTEGER_OVERFLOW);
        assert_eq!(petrel_trap_frame_count(trap), 0);
        let mut status = 0;
        assert!(!petrel_error_exit_status(e, &mut status));
        petrel_error_delete(e);
        let e = petrel_error_new_trap(200);
        assert_eq!(
            petrel_trap_code(petrel_error_as_trap(e)),
            PETREL_TRAP_UNREACHABLE
        );
        petrel_error_delete(e);
    }
}
