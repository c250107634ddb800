"""Tests of the wasmtime-py-shaped API (issue 15): defaults, exception types,
the linker's modules and pre-instantiation, externref collection, trap
text, WASI custom output and permissions, configuration checks. The
wasmtime-py suite itself runs in bindings-python/compat/run.py."""

from __future__ import annotations

import gc
import pathlib
import platform
from typing import Any, Dict, List

import pytest

from petrel import (
    ArgumentTypeError,
    ClosedError,
    Config,
    DirPerms,
    Engine,
    ExitTrap,
    FilePerms,
    Func,
    FuncType,
    Global,
    GlobalType,
    Instance,
    Limits,
    Linker,
    Memory,
    MemoryType,
    Module,
    PetrelError,
    Store,
    Table,
    TableType,
    Trap,
    TrapCode,
    Val,
    ValType,
    WasiConfig,
)


def test_store_makes_its_own_engine_and_checks_its_arguments() -> None:
    store = Store()
    assert isinstance(store.engine, Engine) and store.data() is None
    assert Store(data={"k": 1}).data() == {"k": 1}
    with pytest.raises(TypeError):
        Store(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Engine(3)  # type: ignore[arg-type]
    config = Config()
    Engine(config)
    with pytest.raises(ClosedError):
        Engine(config)  # an engine takes its configuration
    with pytest.raises(AttributeError, match="no setting"):
        config.not_a_setting = True


def test_closed_objects_raise_value_errors() -> None:
    store = Store()
    store.close()
    store.close()
    with pytest.raises(ValueError):
        store.set_epoch_deadline(1)
    with Module(Engine(), "(module)") as m:
        assert m.exports == []
    with pytest.raises(ValueError, match="module is closed"):
        m.serialize()
    linker = Linker(Engine())
    linker.close()
    with pytest.raises(ClosedError):
        linker.define_wasi()


def test_arguments_of_the_wrong_kind_are_type_and_attribute_errors() -> None:
    store = Store()
    for make in (
        lambda: Memory(1, MemoryType(Limits(1, None))),  # type: ignore[arg-type]
        lambda: Memory(store, 1),  # type: ignore[arg-type]
        lambda: Global(1, GlobalType(ValType.i32(), True), 1),  # type: ignore[arg-type]
        lambda: Instance(store, 1, []),  # type: ignore[arg-type]
        lambda: Linker(2),  # type: ignore[arg-type]
        lambda: Module.validate(1, b""),  # type: ignore[arg-type]
    ):
        with pytest.raises(ArgumentTypeError):
            make()
    with pytest.raises(TypeError):
        Func(store, 1, lambda: None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        Linker(store.engine).define(store, 2, "", Func(store, FuncType([], []), lambda: None))  # type: ignore[arg-type]


def test_val_constructors_check_and_wrap() -> None:
    assert Val.i32(0xFFFFFFFF).as_i32() == -1 and Val.i32(0x800000000).value == 0
    assert Val.i64(0xFFFFFFFFFFFFFFFF).as_i64() == -1
    assert Val.f32(1.1).value == pytest.approx(1.1, rel=1e-7) and Val.f32(1.1).value != 1.1
    with pytest.raises(TypeError):
        Val.f64(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Val.i32("1")  # type: ignore[arg-type]
    v = Val.i64(5)
    assert v == 5 and v == Val.i64(5) and v != Val.i32(5)
    assert v.as_i32() is None and v.as_f64() is None and v.as_externref() is None
    assert Val.ref_null(ValType.externref()).as_externref() is None
    with pytest.raises(PetrelError):
        Val.ref_null(ValType.i32())


def test_wrong_argument_count_and_host_results() -> None:
    store = Store()
    f = Func(store, FuncType([ValType.i32()], []), lambda x: x)
    with pytest.raises(PetrelError, match="too many parameters provided: given 2, expected 1"):
        f(store, 1, 2)
    with pytest.raises(PetrelError, match="produced results when it shouldn't"):
        f(store, 1)
    two = Func(store, FuncType([], [ValType.i32(), ValType.i32()]), lambda: [1, 2, 3])
    with pytest.raises(PetrelError, match="wrong number of results"):
        two(store)


def test_define_module_reactor_and_command() -> None:
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    reactor = Module(
        engine,
        """(module (global $g (mut i32) (i32.const 0))
            (func (export "_initialize") (global.set $g (i32.const 10)))
            (func (export "get") (result i32) (global.get $g)))""",
    )
    linker.define_module(store, "r", reactor)
    get = linker.get(store, "r", "get")
    assert isinstance(get, Func) and get(store) == 10
    command = Module(
        engine,
        """(module (global $c (mut i32) (i32.const 0))
            (func (export "_start") (global.set $c (i32.add (global.get $c) (i32.const 1))))
            (func (export "read") (result i32) (global.get $c)))""",
    )
    linker.define_module(store, "c", command)
    start = linker.get_default(store, "c")
    start(store)
    start(store)
    read = linker.get(store, "c", "read")
    assert isinstance(read, Func) and read(store) == 0  # every call gets a fresh instance
    linker.get_default(store, "nothing")(store)  # a function that does nothing
    with pytest.raises(TypeError):
        linker.define_module(store, "x", "not a module")  # type: ignore[arg-type]


def test_instantiate_pre_and_unknown_imports() -> None:
    engine = Engine()
    linker = Linker(engine)
    hits: List[int] = []
    linker.define_func("host", "hit", FuncType([], []), lambda: hits.append(1))
    module = Module(
        engine,
        """(module (import "host" "hit" (func $h)) (start $h)
            (func (export "f") (result i32) i32.const 42))""",
    )
    pre = linker.instantiate_pre(module)
    for _ in range(2):
        store = Store(engine)
        f = pre.instantiate(store).exports(store)["f"]
        assert isinstance(f, Func) and f(store) == 42
    assert hits == [1, 1] and pre.module.exports[0].name == "f"
    with pytest.raises(PetrelError, match="unknown import"):
        linker.instantiate_pre(Module(engine, '(module (import "x" "y" (func)))'))

    missing = Module(
        engine,
        """(module (import "env" "f" (func $f (result i32))) (import "env" "g" (global i64))
            (func (export "call") (result i32) call $f))""",
    )
    store = Store(engine)
    defaults = Linker(engine)
    defaults.define_unknown_imports_as_default_values(store, missing)
    call = defaults.instantiate(store, missing).exports(store)["call"]
    assert isinstance(call, Func) and call(store) == 0
    traps = Linker(engine)
    only_funcs = Module(engine, '(module (import "env" "f" (func $f)) (func (export "call") call $f))')
    traps.define_unknown_imports_as_traps(only_funcs)
    call = traps.instantiate(store, only_funcs).exports(store)["call"]
    with pytest.raises(PetrelError, match="unknown import: `env::f`"):
        call(store)


def test_gc_releases_extern_references_nothing_holds() -> None:
    released: Dict[str, bool] = {}

    class Tracked:
        def __init__(self, name: str) -> None:
            self.name = name
            released[name] = False

        def __del__(self) -> None:
            released[self.name] = True

    store = Store()
    g = Global(store, GlobalType(ValType.externref(), True), Val.externref(Tracked("global")))
    t = Table(store, TableType(ValType.externref(), Limits(1, None)), Tracked("table"))
    f = Instance(store, Module(store.engine, '(module (func (export "f") (param externref)))'), []).exports(store)["f"]
    assert isinstance(f, Func)
    f(store, Tracked("passed"))
    store.gc()
    gc.collect()
    assert released == {"global": False, "table": False, "passed": True}
    assert g.value(store).name == "global" and t.get(store, 0).name == "table"
    g.set_value(store, None)
    t.set(store, 0, None)
    store.gc()
    gc.collect()
    assert all(released.values())


def test_trap_text_and_frames_as_wasmtime_prints_them() -> None:
    store = Store()
    module = Module(
        store.engine,
        """(module $module (func (export "init") call $foo) (func $foo call $bar) (func $bar unreachable))""",
    )
    init = Instance(store, module, []).exports(store)["init"]
    with pytest.raises(Trap) as info:
        init(store)  # type: ignore[operator]
    trap = info.value
    assert trap.trap_code == TrapCode.UNREACHABLE
    assert [(f.module_offset, f.func_offset) for f in trap.frames] == [(0x2D, 1), (0x28, 1), (0x23, 1)]
    assert str(trap) == (
        "error while executing at wasm backtrace:\n"
        "    0:     0x2d - module!bar\n"
        "    1:     0x28 - module!foo\n"
        "    2:     0x23 - module!<wasm function 0>\n"
        "\n"
        "Caused by:\n"
        "    wasm trap: wasm `unreachable` instruction executed\n"
    )
    assert Trap("x").message == "x" and str(Trap("x")) == "x"


def test_wasi_custom_output_exit_and_permissions(tmp_path: pathlib.Path) -> None:
    engine = Engine()
    linker = Linker(engine)
    linker.define_wasi()
    module = Module(
        engine,
        """(module
            (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "path_open"
                (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 100) "hello") (data (i32.const 200) "new.txt")
            (func (export "print") (result i32)
                (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 5))
                (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (func (export "create") (result i32)
                (call $open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 7) (i32.const 1)
                    (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 16)))
            (func (export "exit") (param i32) (call $exit (local.get 0))))""",
    )
    out: List[bytes] = []
    wasi = WasiConfig()
    wasi.stdout_custom = lambda data: out.append(data)
    wasi.preopen_dir(str(tmp_path), "/", DirPerms.READ_ONLY, FilePerms.READ_ONLY)
    store = Store(engine)
    store.set_wasi(wasi)
    ex = linker.instantiate(store, module).exports(store)
    assert ex["print"](store) == 0 and out == [b"hello"]  # type: ignore[operator]
    assert ex["create"](store) == 76  # type: ignore[operator]  # ENOTCAPABLE: the directory is read-only
    assert not (tmp_path / "new.txt").exists()
    with pytest.raises(ExitTrap, match="Exited with i32 exit status 3") as info:
        ex["exit"](store, 3)  # type: ignore[operator]
    assert info.value.code == 3

    writable = WasiConfig()
    writable.preopen_dir(str(tmp_path), "/")
    store = Store(engine)
    store.set_wasi(writable)
    ex = linker.instantiate(store, module).exports(store)
    assert ex["create"](store) == 0 and (tmp_path / "new.txt").exists()  # type: ignore[operator]


def test_config_checks() -> None:
    config = Config()
    host = {"x86_64": "x86_64-unknown-linux-gnu", "aarch64": "aarch64-unknown-linux-gnu"}.get(platform.machine())
    if host is not None and platform.system() == "Linux":
        config.target = host
    with pytest.raises(PetrelError, match="invalid target"):
        config.target = "not-a-real-target"
    with pytest.raises(PetrelError, match="host only"):
        config.target = "riscv64gc-unknown-linux-gnu"
    config.wasm_threads = False  # off, which it is
    with pytest.raises(PetrelError, match="threads"):
        config.wasm_threads = True
    config.strategy = "cranelift"
    with pytest.raises(PetrelError, match="unknown strategy"):
        config.strategy = "winch"
    config.cranelift_nan_canonicalization = True
    config.memory_init_cow = False
    engine = Engine(config)
    store = Store(engine)
    nan = Instance(
        store,
        Module(
            engine,
            '(module (func (export "f") (result i32) (i32.reinterpret_f32 (f32.div (f32.const 0) (f32.const 0)))))',
        ),
        [],
    ).exports(store)["f"]
    assert nan(store) & 0x7FFFFFFF == 0x7FC00000  # type: ignore[operator]  # the canonical NaN


def test_store_count_limits_and_shared_memory_types() -> None:
    store = Store()
    store.set_limits(memories=1, tables=1)
    Memory(store, MemoryType(Limits(1, None)))
    with pytest.raises(PetrelError, match="memory count"):
        Memory(store, MemoryType(Limits(1, None)))
    shared = MemoryType(Limits(1, 2), shared=True)
    assert shared.is_shared and shared.page_size == 65536
    with pytest.raises(PetrelError, match="threads"):
        Memory(Store(), shared)
    with pytest.raises(PetrelError, match="maximum size"):
        MemoryType(Limits(1, None), shared=True)
    with pytest.raises(PetrelError, match="too large"):
        MemoryType(Limits(0x10001, None))


def test_caller_of_a_start_function_sees_the_instance() -> None:
    store = Store()
    seen: List[Any] = []

    def start(caller: Any) -> None:
        mem = caller.get("foo")
        seen.append(mem.read(caller, 0, 3))

    module = Module(
        store.engine,
        '(module (import "" "" (func)) (memory (export "foo") 1) (start 0) (data (i32.const 0) "foo"))',
    )
    Instance(store, module, [Func(store, FuncType([], []), start, access_caller=True)])
    assert seen == [b"foo"]
