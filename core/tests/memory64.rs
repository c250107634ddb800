//! 64-bit memories and tables (memory64) and byte-sized pages
//! (custom-page-sizes): sizes in i64, out-of-bounds indices with high bits
//! set, index + offset overflow, bulk operations, segments, linking, and
//! each layout a memory can get (static with a guard region, static with
//! explicit checks, dynamic). Growing past 4 GiB is not tried here (the
//! machines that run the tests cannot back it); growth is refused by
//! limits instead.

use petrel::*;

fn engine_with(f: impl FnOnce(&mut Config)) -> Engine {
    let mut c = Config::new();
    f(&mut c);
    Engine::new(&c).unwrap()
}

/// The default engine and one without guard regions (every memory
/// dynamic, every access checked): each test runs under both.
fn engines() -> [Engine; 2] {
    [
        engine_with(|c| {
            c.wasm_custom_page_sizes(true);
        }),
        engine_with(|c| {
            c.wasm_custom_page_sizes(true).static_memory_guard(false);
        }),
    ]
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

fn trap_code(err: &Error) -> TrapCode {
    err.downcast_ref::<Trap>()
        .unwrap_or_else(|| panic!("expected a trap, got: {err:#}"))
        .code()
}

/// A module with one 64-bit memory of type `memory` (e.g. `i64 1 4`) and
/// accessors with the static offsets the tests need.
fn memory64_module(memory: &str) -> String {
    format!(
        r#"(module
        (memory (export "mem") {memory})
        (func (export "size") (result i64) memory.size)
        (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
        (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
        (func (export "load32") (param i64) (result i32) (i32.load (local.get 0)))
        (func (export "load32_off") (param i64) (result i32)
            (i32.load offset=0x10000 (local.get 0)))
        (func (export "load32_huge_off") (param i64) (result i32)
            (i32.load offset=0xfffffffffffffffc (local.get 0)))
        (func (export "load64_past_guard") (param i64) (result i64)
            (i64.load offset=0x100000000 (local.get 0)))
        (func (export "store32") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
        (func (export "fill") (param i64 i32 i64)
            (memory.fill (local.get 0) (local.get 1) (local.get 2)))
        (func (export "copy") (param i64 i64 i64)
            (memory.copy (local.get 0) (local.get 1) (local.get 2))))"#
    )
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn sizes_and_growth_are_i64() {
    for engine in engines() {
        for memory in ["i64 1 4", "i64 1"] {
            let (mut store, i) = instantiate(&engine, &memory64_module(memory));
            let size = i.get_typed_func::<(), i64>(&mut store, "size").unwrap();
            let grow = i.get_typed_func::<i64, i64>(&mut store, "grow").unwrap();
            assert_eq!(size.call(&mut store, ()).unwrap(), 1);
            assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
            assert_eq!(size.call(&mut store, ()).unwrap(), 3);
            // Failure is -1 as an i64, whatever the reason.
            assert_eq!(grow.call(&mut store, 1 << 40).unwrap(), -1);
            assert_eq!(grow.call(&mut store, -1).unwrap(), -1);
            assert_eq!(size.call(&mut store, ()).unwrap(), 3);
            let mem = i.get_memory(&mut store, "mem").unwrap();
            let ty = mem.ty(&store).unwrap();
            assert!(ty.is_64());
            assert_eq!(ty.minimum(), 3);
            assert_eq!(ty.page_size(), 65536);
            assert_eq!(mem.size(&store), 3);
            assert_eq!(mem.data_size(&store), 3 * 65536);
            if memory == "i64 1 4" {
                assert_eq!(ty.maximum(), Some(4));
                assert_eq!(grow.call(&mut store, 2).unwrap(), -1);
                assert_eq!(grow.call(&mut store, 1).unwrap(), 3);
            }
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn indices_with_high_bits_set_trap() {
    for engine in engines() {
        // Static (maximum within 4 GiB) and dynamic (no maximum) layouts.
        for memory in ["i64 1 4", "i64 1"] {
            let (mut store, i) = instantiate(&engine, &memory64_module(memory));
            let load8 = i.get_typed_func::<u64, i32>(&mut store, "load8").unwrap();
            let load32 = i.get_typed_func::<u64, i32>(&mut store, "load32").unwrap();
            let store32 = i
                .get_typed_func::<(u64, i32), ()>(&mut store, "store32")
                .unwrap();
            store32.call(&mut store, (65532, 7)).unwrap();
            assert_eq!(load32.call(&mut store, 65532).unwrap(), 7);
            assert_eq!(load8.call(&mut store, 65535).unwrap(), 0);
            for index in [
                65536,
                65533,
                1 << 32,
                (1 << 32) | 65532,
                0x8000_0000_0000_0000,
                u64::MAX,
                u64::MAX - 3,
            ] {
                let err = load32.call(&mut store, index).unwrap_err();
                assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds, "{index:#x}");
                let err = store32.call(&mut store, (index, 1)).unwrap_err();
                assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds, "{index:#x}");
            }
            // A trapping store wrote nothing.
            assert_eq!(load32.call(&mut store, 65532).unwrap(), 7);
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn index_plus_offset_overflow_traps() {
    for engine in engines() {
        for memory in ["i64 1 4", "i64 1"] {
            let (mut store, i) = instantiate(&engine, &memory64_module(memory));
            let off = i
                .get_typed_func::<u64, i32>(&mut store, "load32_off")
                .unwrap();
            let huge = i
                .get_typed_func::<u64, i32>(&mut store, "load32_huge_off")
                .unwrap();
            let past_guard = i
                .get_typed_func::<u64, i64>(&mut store, "load64_past_guard")
                .unwrap();
            // offset 0x10000 into one page: out of bounds for every index.
            for index in [0, 1, u64::MAX - 0xffff, u64::MAX] {
                let err = off.call(&mut store, index).unwrap_err();
                assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
            }
            // index + 0xffff_ffff_ffff_fffc wraps to a small address: 4 -> 0,
            // 8 -> 4. It must trap, not read byte 0.
            for index in [0, 3, 4, 8, 0x1_0000] {
                let err = huge.call(&mut store, index).unwrap_err();
                assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds, "{index}");
            }
            // An offset beyond the guard region is checked explicitly.
            for index in [0, 1 << 32, u64::MAX - (1 << 32) + 1] {
                let err = past_guard.call(&mut store, index).unwrap_err();
                assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
            }
            // After growing, offset 0x10000 from index 0 is in bounds.
            let grow = i.get_typed_func::<i64, i64>(&mut store, "grow").unwrap();
            assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
            assert_eq!(off.call(&mut store, 0).unwrap(), 0);
            assert_eq!(off.call(&mut store, 65532).unwrap(), 0);
            let err = off.call(&mut store, 65533).unwrap_err();
            assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn bulk_operations_take_64_bit_operands() {
    for engine in engines() {
        let (mut store, i) = instantiate(&engine, &memory64_module("i64 1"));
        let fill = i
            .get_typed_func::<(u64, i32, u64), ()>(&mut store, "fill")
            .unwrap();
        let copy = i
            .get_typed_func::<(u64, u64, u64), ()>(&mut store, "copy")
            .unwrap();
        fill.call(&mut store, (10, 0xab, 6)).unwrap();
        copy.call(&mut store, (65530, 10, 6)).unwrap();
        let mem = i.get_memory(&mut store, "mem").unwrap();
        assert_eq!(&mem.data(&store)[65530..], &[0xab; 6]);
        // Zero bytes at the end are fine; one past, or a sum that wraps, is
        // not.
        fill.call(&mut store, (65536, 0, 0)).unwrap();
        for (dst, len) in [(65537, 0), (65535, 2), (1 << 32, 1), (1, u64::MAX)] {
            let err = fill.call(&mut store, (dst, 1, len)).unwrap_err();
            assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
            let err = copy.call(&mut store, (dst, 0, len)).unwrap_err();
            assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
            let err = copy.call(&mut store, (0, dst, len)).unwrap_err();
            assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
        }
        assert_eq!(mem.data(&store)[65535], 0xab);
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn copy_between_32_and_64_bit_memories() {
    for engine in engines() {
        let (mut store, i) = instantiate(
            &engine,
            r#"(module
            (memory $m32 1)
            (memory $m64 i64 1)
            (data (memory $m32) (i32.const 0) "\01\02\03\04")
            (data (memory $m64) (i64.const 65532) "\05\06\07\08")
            ;; The length is an i32 when either memory is 32-bit.
            (func (export "to64") (param i64 i32 i32)
                (memory.copy $m64 $m32 (local.get 0) (local.get 1) (local.get 2)))
            (func (export "to32") (param i32 i64 i32)
                (memory.copy $m32 $m64 (local.get 0) (local.get 1) (local.get 2)))
            (func (export "get32") (param i32) (result i32) (i32.load $m32 (local.get 0)))
            (func (export "get64") (param i64) (result i32) (i32.load $m64 (local.get 0))))"#,
        );
        let to64 = i
            .get_typed_func::<(u64, u32, u32), ()>(&mut store, "to64")
            .unwrap();
        let to32 = i
            .get_typed_func::<(u32, u64, u32), ()>(&mut store, "to32")
            .unwrap();
        let get32 = i.get_typed_func::<u32, u32>(&mut store, "get32").unwrap();
        let get64 = i.get_typed_func::<u64, u32>(&mut store, "get64").unwrap();
        to64.call(&mut store, (100, 0, 4)).unwrap();
        assert_eq!(get64.call(&mut store, 100).unwrap(), 0x0403_0201);
        to32.call(&mut store, (200, 65532, 4)).unwrap();
        assert_eq!(get32.call(&mut store, 200).unwrap(), 0x0807_0605);
        for (dst, src) in [(1 << 32, 0), (u64::MAX, 0)] {
            let err = to64.call(&mut store, (dst, src, 1)).unwrap_err();
            assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
        }
        let err = to32.call(&mut store, (0, u64::MAX, 2)).unwrap_err();
        assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
    }
}

#[test]
fn data_segments_take_i64_offsets() {
    let engine = Engine::default();
    let (mut store, i) = instantiate(
        &engine,
        r#"(module (memory (export "mem") i64 1)
            (data (i64.const 65534) "hi"))"#,
    );
    let mem = i.get_memory(&mut store, "mem").unwrap();
    assert_eq!(&mem.data(&store)[65534..], b"hi");
    for offset in ["65535", "0x100000000", "-1"] {
        let wat = format!(r#"(module (memory i64 1) (data (i64.const {offset}) "hi"))"#);
        let module = Module::new(&engine, &wat).unwrap();
        let mut store = Store::new(&engine, ());
        let err = Instance::new(&mut store, &module, &[]).unwrap_err();
        assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds, "{offset}");
    }
}

#[test]
fn memory64_is_on_by_default_and_can_be_turned_off() {
    let wat = "(module (memory i64 1))";
    assert!(Module::new(&Engine::default(), wat).is_ok());
    let off = engine_with(|c| {
        c.wasm_memory64(false);
    });
    assert!(Module::new(&off, wat).is_err());
    assert!(Module::new(&off, "(module (table i64 1 funcref))").is_err());
    assert!(Module::new(&off, "(module (memory 1))").is_ok());
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn host_memories_and_linking_check_index_type_and_page_size() {
    let engine = engine_with(|c| {
        c.wasm_custom_page_sizes(true);
    });
    let mut store = Store::new(&engine, ());
    let m64 = Memory::new(&mut store, MemoryType::new64(2, Some(4))).unwrap();
    let m32 = Memory::new(&mut store, MemoryType::new(2, Some(4))).unwrap();
    let bytes = MemoryType::builder()
        .min(2)
        .max(Some(4))
        .page_size_log2(0)
        .build()
        .unwrap();
    let m1 = Memory::new(&mut store, bytes).unwrap();
    assert_eq!(m1.page_size(&store), 1);
    assert_eq!(m1.data_size(&store), 2);
    let import = |decl: &str| {
        Module::new(
            &engine,
            format!(r#"(module (import "" "m" (memory {decl})))"#),
        )
        .unwrap()
    };
    let ok = |store: &mut Store<()>, decl: &str, m: Memory| {
        Instance::new(&mut *store, &import(decl), &[m.into()]).is_ok()
    };
    assert!(ok(&mut store, "i64 1 4", m64));
    assert!(ok(&mut store, "i64 2", m64));
    assert!(!ok(&mut store, "i64 3", m64));
    assert!(!ok(&mut store, "1 4", m64));
    assert!(!ok(&mut store, "i64 1 4", m32));
    assert!(ok(&mut store, "1 4 (pagesize 1)", m1));
    assert!(!ok(&mut store, "1 4", m1));
    assert!(!ok(&mut store, "1 4 (pagesize 1)", m32));

    // A 64-bit memory made by the host and used by compiled code: the
    // code was compiled for the declared type (static), the memory made
    // from its own (static too, its maximum being within 4 GiB).
    let module = Module::new(
        &engine,
        r#"(module (import "" "m" (memory i64 1 4))
            (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0))))"#,
    )
    .unwrap();
    m64.write(&mut store, 2 * 65536 - 1, &[9]).unwrap();
    let inst = Instance::new(&mut store, &module, &[m64.into()]).unwrap();
    let load = inst.get_typed_func::<u64, u32>(&mut store, "load").unwrap();
    assert_eq!(load.call(&mut store, 2 * 65536 - 1).unwrap(), 9);
    let err = load.call(&mut store, 2 * 65536).unwrap_err();
    assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
    assert_eq!(m64.grow(&mut store, 1).unwrap(), 2);
    assert_eq!(load.call(&mut store, 2 * 65536).unwrap(), 0);

    // Invalid types are refused when built or when a memory is made.
    assert!(MemoryType::builder().page_size_log2(2).build().is_err());
    assert!(MemoryType::builder().min(65537).build().is_err());
    assert!(
        MemoryType::builder()
            .min(65537)
            .memory64(true)
            .build()
            .is_ok()
    );
    assert!(Memory::new(&mut store, MemoryType::new64(1 << 48, None)).is_err());
    assert!(Memory::new(&mut store, MemoryType::new64(3, Some(2))).is_err());
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn growth_past_the_limiter_returns_minus_one() {
    let engine = Engine::default();
    let module = Module::new(&engine, memory64_module("i64 1 0x100000")).unwrap();
    let mut store = Store::new(
        &engine,
        StoreLimitsBuilder::new().memory_size(4 << 16).build(),
    );
    store.limiter(|l| l);
    let i = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = i.get_typed_func::<i64, i64>(&mut store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    // Beyond the maximum of 2^20 pages (64 GiB): refused before asking.
    assert_eq!(grow.call(&mut store, 1 << 20).unwrap(), -1);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn static_64_bit_memories_stay_put_and_dynamic_ones_keep_contents() {
    let engine = Engine::default();
    for (memory, fixed) in [("i64 1 16", true), ("i64 1", false)] {
        let (mut store, i) = instantiate(&engine, &memory64_module(memory));
        let mem = i.get_memory(&mut store, "mem").unwrap();
        mem.write(&mut store, 65535, &[42]).unwrap();
        let before = mem.data_ptr(&store);
        let grow = i.get_typed_func::<i64, i64>(&mut store, "grow").unwrap();
        for _ in 0..5 {
            assert_ne!(grow.call(&mut store, 2).unwrap(), -1);
        }
        if fixed {
            assert_eq!(mem.data_ptr(&store), before);
        }
        let load8 = i.get_typed_func::<u64, i32>(&mut store, "load8").unwrap();
        assert_eq!(load8.call(&mut store, 65535).unwrap(), 42);
        assert_eq!(load8.call(&mut store, 11 * 65536 - 1).unwrap(), 0);
        let err = load8.call(&mut store, 11 * 65536).unwrap_err();
        assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn byte_sized_pages_are_checked_to_the_byte() {
    let wat = r#"(module
        (memory (export "mem") 0 (pagesize 1))
        (func (export "size") (result i32) memory.size)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
        (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
        (func (export "fill") (param i32 i32 i32)
            (memory.fill (local.get 0) (local.get 1) (local.get 2))))"#;
    assert!(
        Module::new(&Engine::default(), wat).is_err(),
        "needs the switch"
    );
    for engine in engines() {
        let (mut store, i) = instantiate(&engine, wat);
        let size = i.get_typed_func::<(), u32>(&mut store, "size").unwrap();
        let grow = i.get_typed_func::<u32, i32>(&mut store, "grow").unwrap();
        let load8 = i.get_typed_func::<u32, u32>(&mut store, "load8").unwrap();
        let load32 = i.get_typed_func::<u32, u32>(&mut store, "load32").unwrap();
        let store8 = i
            .get_typed_func::<(u32, u32), ()>(&mut store, "store8")
            .unwrap();
        let fill = i
            .get_typed_func::<(u32, u32, u32), ()>(&mut store, "fill")
            .unwrap();
        let oob = |e: Error| assert_eq!(trap_code(&e), TrapCode::MemoryOutOfBounds);
        oob(load8.call(&mut store, 0).unwrap_err());
        assert_eq!(grow.call(&mut store, 5).unwrap(), 0);
        assert_eq!(size.call(&mut store, ()).unwrap(), 5);
        store8.call(&mut store, (4, 7)).unwrap();
        assert_eq!(load8.call(&mut store, 4).unwrap(), 7);
        // The host page behind byte 5 is mapped; the check stops wasm
        // there anyway.
        oob(load8.call(&mut store, 5).unwrap_err());
        oob(store8.call(&mut store, (5, 1)).unwrap_err());
        assert_eq!(load32.call(&mut store, 1).unwrap(), 0x0700_0000);
        oob(load32.call(&mut store, 2).unwrap_err());
        oob(fill.call(&mut store, (3, 1, 3)).unwrap_err());
        fill.call(&mut store, (3, 1, 2)).unwrap();
        let mem = i.get_memory(&mut store, "mem").unwrap();
        assert_eq!(mem.data(&store), &[0, 0, 0, 1, 1]);
        assert_eq!(mem.page_size(&store), 1);
        assert_eq!(mem.size(&store), 5);
        let ty = mem.ty(&store).unwrap();
        assert_eq!((ty.page_size(), ty.minimum(), ty.is_64()), (1, 5, false));
        // Growing by a byte at a time crosses host pages.
        for n in 5..5000u32 {
            assert_eq!(grow.call(&mut store, 1).unwrap(), n as i32);
        }
        assert_eq!(load8.call(&mut store, 4999).unwrap(), 0);
        oob(load8.call(&mut store, 5000).unwrap_err());
        // A 32-bit memory of byte pages holds at most 2^32 - 1 bytes.
        assert_eq!(grow.call(&mut store, u32::MAX).unwrap(), -1);
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn byte_sized_pages_of_a_64_bit_memory() {
    for engine in engines() {
        let (mut store, i) = instantiate(
            &engine,
            r#"(module
            (memory (export "mem") i64 3 (pagesize 1))
            (data (i64.const 1) "\aa\bb")
            (func (export "size") (result i64) memory.size)
            (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
            (func (export "load16") (param i64) (result i32) (i32.load16_u (local.get 0))))"#,
        );
        let size = i.get_typed_func::<(), u64>(&mut store, "size").unwrap();
        let grow = i.get_typed_func::<u64, i64>(&mut store, "grow").unwrap();
        let load16 = i.get_typed_func::<u64, u32>(&mut store, "load16").unwrap();
        assert_eq!(size.call(&mut store, ()).unwrap(), 3);
        assert_eq!(load16.call(&mut store, 1).unwrap(), 0xbbaa);
        for index in [2, 3, 1 << 32, u64::MAX] {
            let err = load16.call(&mut store, index).unwrap_err();
            assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
        }
        assert_eq!(grow.call(&mut store, 1).unwrap(), 3);
        assert_eq!(load16.call(&mut store, 2).unwrap(), 0xbb);
        assert_eq!(grow.call(&mut store, u64::MAX).unwrap(), -1);
    }
}

const TABLE64: &str = r#"(module
    (type $t (func (result i32)))
    (table $tab (export "tab") i64 3 8 funcref)
    (elem (table $tab) (i64.const 1) func $a $b)
    (func $a (result i32) (i32.const 10))
    (func $b (result i32) (i32.const 20))
    (func (export "call") (param i64) (result i32)
        (call_indirect $tab (type $t) (local.get 0)))
    (func (export "size") (result i64) (table.size $tab))
    (func (export "grow") (param i64) (result i64)
        (table.grow $tab (ref.null func) (local.get 0)))
    (func (export "is_null") (param i64) (result i32)
        (ref.is_null (table.get $tab (local.get 0))))
    (func (export "clear") (param i64)
        (table.set $tab (local.get 0) (ref.null func)))
    (func (export "fill") (param i64 i64)
        (table.fill $tab (local.get 0) (ref.func $a) (local.get 1)))
    (func (export "copy") (param i64 i64 i64)
        (table.copy $tab $tab (local.get 0) (local.get 1) (local.get 2))))"#;

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn tables_indexed_with_i64() {
    let engine = Engine::default();
    let (mut store, i) = instantiate(&engine, TABLE64);
    let call = i.get_typed_func::<u64, i32>(&mut store, "call").unwrap();
    let size = i.get_typed_func::<(), u64>(&mut store, "size").unwrap();
    let grow = i.get_typed_func::<u64, i64>(&mut store, "grow").unwrap();
    let is_null = i.get_typed_func::<u64, i32>(&mut store, "is_null").unwrap();
    let clear = i.get_typed_func::<u64, ()>(&mut store, "clear").unwrap();
    let fill = i
        .get_typed_func::<(u64, u64), ()>(&mut store, "fill")
        .unwrap();
    let copy = i
        .get_typed_func::<(u64, u64, u64), ()>(&mut store, "copy")
        .unwrap();
    let code = |e: Error| trap_code(&e);

    assert_eq!(call.call(&mut store, 1).unwrap(), 10);
    assert_eq!(call.call(&mut store, 2).unwrap(), 20);
    assert_eq!(
        code(call.call(&mut store, 0).unwrap_err()),
        TrapCode::IndirectCallToNull
    );
    for index in [3, 1 << 32, (1 << 32) | 1, u64::MAX] {
        assert_eq!(
            code(call.call(&mut store, index).unwrap_err()),
            TrapCode::TableOutOfBounds
        );
        assert_eq!(
            code(is_null.call(&mut store, index).unwrap_err()),
            TrapCode::TableOutOfBounds
        );
        assert_eq!(
            code(clear.call(&mut store, index).unwrap_err()),
            TrapCode::TableOutOfBounds
        );
    }
    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    assert_eq!(grow.call(&mut store, 2).unwrap(), 3);
    assert_eq!(grow.call(&mut store, 4).unwrap(), -1);
    assert_eq!(grow.call(&mut store, u64::MAX).unwrap(), -1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 5);

    fill.call(&mut store, (3, 2)).unwrap();
    assert_eq!(call.call(&mut store, 4).unwrap(), 10);
    copy.call(&mut store, (0, 2, 1)).unwrap();
    assert_eq!(call.call(&mut store, 0).unwrap(), 20);
    for (dst, len) in [(5, 1), (1 << 32, 1), (1, u64::MAX)] {
        assert_eq!(
            code(fill.call(&mut store, (dst, len)).unwrap_err()),
            TrapCode::TableOutOfBounds
        );
        assert_eq!(
            code(copy.call(&mut store, (dst, 0, len)).unwrap_err()),
            TrapCode::TableOutOfBounds
        );
        assert_eq!(
            code(copy.call(&mut store, (0, dst, len)).unwrap_err()),
            TrapCode::TableOutOfBounds
        );
    }

    let tab = i.get_table(&mut store, "tab").unwrap();
    let ty = tab.ty(&store).unwrap();
    assert!(ty.is_64());
    assert_eq!((ty.minimum(), ty.maximum()), (5, Some(8)));
    assert_eq!(tab.size(&store), 5);
    assert!(tab.get(&mut store, 1 << 32).is_none());
    assert!(tab.set(&mut store, 1 << 32, Ref::Func(None)).is_err());
    assert_eq!(tab.grow(&mut store, 3, Ref::Func(None)).unwrap(), 5);
    assert!(tab.grow(&mut store, 1, Ref::Func(None)).is_err());
}

#[test]
fn table64_linking_and_segments() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let t64 = Table::new(
        &mut store,
        TableType::new64(RefType::FuncRef, 10, Some(20)),
        Ref::Func(None),
    )
    .unwrap();
    let t32 = Table::new(
        &mut store,
        TableType::new(RefType::FuncRef, 10, Some(20)),
        Ref::Func(None),
    )
    .unwrap();
    let import = |decl: &str| {
        Module::new(
            &engine,
            format!(r#"(module (import "" "t" (table {decl} funcref)))"#),
        )
        .unwrap()
    };
    let ok = |store: &mut Store<()>, decl: &str, t: Table| {
        Instance::new(&mut *store, &import(decl), &[t.into()]).is_ok()
    };
    assert!(ok(&mut store, "i64 10 20", t64));
    assert!(ok(&mut store, "i64 5", t64));
    assert!(!ok(&mut store, "i64 11", t64));
    assert!(!ok(&mut store, "10 20", t64));
    assert!(!ok(&mut store, "i64 10 20", t32));
    // 32-bit tables keep 32-bit limits.
    assert!(
        Table::new(
            &mut store,
            TableType::new64(RefType::FuncRef, 1, Some(u64::MAX)),
            Ref::Func(None)
        )
        .is_ok()
    );

    // An element segment past the end of a 64-bit table traps at
    // instantiation, its offset an i64.
    for offset in ["9", "0x100000000", "-1"] {
        let module = Module::new(
            &engine,
            format!("(module (table i64 10 funcref) (elem (i64.const {offset}) func 0 0) (func))"),
        )
        .unwrap();
        let err = Instance::new(&mut store, &module, &[]).unwrap_err();
        assert_eq!(trap_code(&err), TrapCode::TableOutOfBounds, "{offset}");
    }
}

/// A limiter that fails (an error, not a refusal) whenever asked to grow.
struct Failing;

impl ResourceLimiter for Failing {
    fn memory_growing(&mut self, current: usize, _: usize, _: Option<usize>) -> Result<bool> {
        if current == 0 {
            return Ok(true);
        }
        anyhow::bail!("no more memory for you")
    }
    fn table_growing(&mut self, current: usize, _: usize, _: Option<usize>) -> Result<bool> {
        if current == 0 {
            return Ok(true);
        }
        anyhow::bail!("no more elements for you")
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn a_limiter_error_refuses_growth_with_minus_one() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory i64 1) (memory $m32 1) (table i64 1 funcref)
            (func (export "grow64") (result i64) (memory.grow (i64.const 1)))
            (func (export "grow32") (result i32) (memory.grow $m32 (i32.const 1)))
            (func (export "grow_table") (result i64) (table.grow (ref.null func) (i64.const 1)))
            (func (export "trap") (result i32) (i32.load $m32 (i32.const 0x10000))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Failing);
    store.limiter(|l| l);
    let i = Instance::new(&mut store, &module, &[]).unwrap();
    let grow64 = i.get_typed_func::<(), i64>(&mut store, "grow64").unwrap();
    let grow32 = i.get_typed_func::<(), i32>(&mut store, "grow32").unwrap();
    let grow_table = i
        .get_typed_func::<(), i64>(&mut store, "grow_table")
        .unwrap();
    assert_eq!(grow64.call(&mut store, ()).unwrap(), -1);
    assert_eq!(grow32.call(&mut store, ()).unwrap(), -1);
    assert_eq!(grow_table.call(&mut store, ()).unwrap(), -1);
    // No error was left behind for a later trap to report.
    let trap = i.get_typed_func::<(), i32>(&mut store, "trap").unwrap();
    let err = trap.call(&mut store, ()).unwrap_err();
    assert_eq!(trap_code(&err), TrapCode::MemoryOutOfBounds);
}
