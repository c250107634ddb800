"""Tests of the Python binding: every class, traps, host exceptions, fuel,
epochs, limits, memory views, and misuse (which must raise, never crash)."""

from __future__ import annotations

import gc
import json
import pathlib
import re
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Dict, List

import pytest

import petrel
from petrel import (
    Caller,
    ClosedError,
    Config,
    Engine,
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
    WasmtimeError,
    wat2wasm,
)

WAT = """
(module $m
  (import "host" "double" (func $double (param i32) (result i32)))
  (memory (export "mem") 1 4)
  (table (export "tab") 2 10 funcref)
  (global (export "g") (mut i32) (i32.const 7))
  (global (export "c") i64 (i64.const 9))
  (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "call_double") (param i32) (result i32) local.get 0 call $double)
  (func $inner (unreachable))
  (func $outer (export "trap") call $inner)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "spin") (loop br 0))
  (func (export "id") (param funcref) (result funcref) local.get 0)
  (func (export "ext") (param externref) (result externref) local.get 0)
  (func (export "mix") (param i64 f32 f64) (result f64 i64)
    local.get 2 local.get 1 f64.promote_f32 f64.add local.get 0)
  (elem (i32.const 0) $add))
"""

ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'


@pytest.fixture
def engine() -> Engine:
    return Engine()


def instantiate(engine: Engine, store: Store, double=lambda x: 2 * x) -> Instance:
    linker = Linker(engine)
    linker.define_func("host", "double", FuncType([ValType.i32()], [ValType.i32()]), double)
    return linker.instantiate(store, Module(engine, WAT))


def test_call_add(engine: Engine) -> None:
    store = Store(engine)
    add = Instance(store, Module(engine, ADD), []).exports(store)["add"]
    assert add(store, 2, 3) == 5
    assert add(store, -1, 1) == 0
    assert add(store, 0x7FFFFFFF, 1) == -(2**31)
    assert add(store, 0xFFFFFFFF, 0) == -1
    assert add(store, Val.i32(4), 5) == 9


def test_types_and_values(engine: Engine) -> None:
    store = Store(engine)
    ex = instantiate(engine, store).exports(store)
    assert ex["mix"](store, 7, 1.5, 2.25) == [3.75, 7]
    assert ex["add"].type(store) == FuncType([ValType.i32(), ValType.i32()], [ValType.i32()])
    assert str(ValType.f64()) == "f64" and ValType.i32() != ValType.i64()
    with pytest.raises(TypeError):
        ex["add"](store, "one", 2)
    with pytest.raises(TypeError):
        ex["add"](store, Val.i64(1), 2)


def test_wat2wasm_module_introspection(engine: Engine) -> None:
    wasm = wat2wasm(WAT)
    assert wasm[:4] == b"\0asm"
    Module.validate(engine, wasm)
    with pytest.raises(PetrelError):
        Module.validate(engine, b"\0asm\2\0\0\0")
    with pytest.raises(PetrelError, match="parse"):
        Module(engine, "(module")
    m = Module(engine, wasm)
    assert m.name == "m"
    (imp,) = m.imports
    assert (imp.module, imp.name) == ("host", "double")
    assert imp.type == FuncType([ValType.i32()], [ValType.i32()])
    exports = {e.name: e.type for e in m.exports}
    assert isinstance(exports["mem"], MemoryType) and exports["mem"].limits == Limits(1, 4)
    assert isinstance(exports["tab"], TableType) and exports["tab"].element == ValType.funcref()
    assert isinstance(exports["c"], GlobalType) and not exports["c"].mutable
    assert exports["g"].mutable


def test_serialize(engine: Engine, tmp_path: pathlib.Path) -> None:
    m = Module(engine, ADD)
    blob = m.serialize()
    m2 = Module.deserialize(engine, blob)
    store = Store(engine)
    assert Instance(store, m2, []).exports(store)["add"](store, 1, 2) == 3
    with pytest.raises(PetrelError, match="authentication failed"):
        Module.deserialize(engine, blob[:-1] + bytes([blob[-1] ^ 0xFF]))
    fuel_engine = Engine(_config(consume_fuel=True))
    with pytest.raises(PetrelError, match="different"):
        Module.deserialize(fuel_engine, blob)
    path = tmp_path / "add.wat"
    path.write_text(ADD)
    assert Module.from_file(engine, path).exports[0].name == "add"


def _config(**kw: object) -> Config:
    c = Config()
    for k, v in kw.items():
        setattr(c, k, v)
    return c


def test_config_options() -> None:
    c = Config()
    c.cranelift_opt_level = "none"
    c.wasm_simd = False
    c.max_wasm_stack = 1 << 20
    c.static_memory_guard = False
    c.parallel_compilation = False
    with pytest.raises(PetrelError, match="unknown opt level"):
        c.cranelift_opt_level = "fast"
    e = Engine(c)
    store = Store(e)
    assert Instance(store, Module(e, ADD), []).exports(store)["add"](store, 1, 1) == 2


def test_extended_const_is_on_by_default_and_can_be_turned_off() -> None:
    wat = '(module (global (export "g") i32 (i32.mul (i32.const 6) (i32.const 7))))'
    engine = Engine()
    store = Store(engine)
    g = Instance(store, Module(engine, wat), []).exports(store)["g"]
    assert isinstance(g, Global) and g.value(store) == 42
    c = Config()
    c.wasm_extended_const = False
    with pytest.raises(PetrelError, match="constant expression"):
        Module(Engine(c), wat)


def test_relaxed_simd_is_on_by_default_and_deterministic() -> None:
    wat = """(module (func (export "f") (result i32)
        (i8x16.extract_lane_u 0 (i8x16.relaxed_swizzle (v128.const i8x16 7 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                                                     (v128.const i8x16 200 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))))"""
    engine = Engine()
    store = Store(engine)
    assert Instance(store, Module(engine, wat), []).exports(store)["f"](store) == 0
    c = Config()
    c.wasm_relaxed_simd = False
    with pytest.raises(PetrelError, match="relaxed SIMD"):
        Module(Engine(c), wat)


def test_tail_calls_run_in_constant_stack() -> None:
    wat = """(module (func $f (export "count") (param i64 i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
            (else (return_call $f (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1)))))))"""
    engine = Engine()
    store = Store(engine)
    count = Instance(store, Module(engine, wat), []).exports(store)["count"]
    assert count(store, 10_000_000, 0) == 10_000_000
    c = Config()
    c.wasm_tail_call = False
    with pytest.raises(PetrelError, match="tail call"):
        Module(Engine(c), wat)


def test_wide_arithmetic_is_off_by_default() -> None:
    wat = """(module (func (export "mul") (param i64 i64) (result i64 i64)
        local.get 0 local.get 1 i64.mul_wide_u))"""
    with pytest.raises(PetrelError):
        Module(Engine(), wat)
    c = Config()
    c.wasm_wide_arithmetic = True
    engine = Engine(c)
    store = Store(engine)
    mul = Instance(store, Module(engine, wat), []).exports(store)["mul"]
    lo, hi = mul(store, -1, -1)
    assert ((hi & (2**64 - 1)) << 64 | (lo & (2**64 - 1))) == (2**64 - 1) ** 2


MEMORY64 = """(module
  (memory (export "mem") i64 1 4)
  (table (export "tab") i64 2 funcref)
  (func (export "size") (result i64) memory.size)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load_far") (param i64) (result i32) (i32.load offset=0xfffffffffffffffc (local.get 0))))"""


def test_memory64_is_on_by_default_with_i64_sizes_and_traps() -> None:
    engine = Engine()
    store = Store(engine)
    ex = Instance(store, Module(engine, MEMORY64), []).exports(store)
    assert ex["size"](store) == 1
    assert ex["grow"](store, 2) == 1
    assert ex["grow"](store, 2) == -1  # beyond the maximum of 4: -1 as an i64
    assert ex["size"](store) == 3
    mem = ex["mem"]
    assert isinstance(mem, Memory)
    ty = mem.type(store)
    assert ty.is_64 and ty.limits == Limits(3, 4) and ty.page_size == 65536 and not ty.is_shared
    assert mem.size(store) == 3 and mem.data_len(store) == 3 * 65536
    mem.write(store, b"\x2a", 3 * 65536 - 1)
    assert ex["load"](store, 3 * 65536 - 1) == 42
    # Indices with high bits set, and index + offset wrapping past 2**64.
    for index in (3 * 65536, 1 << 32, 2**63, 2**64 - 1, -1):
        with pytest.raises(Trap) as info:
            ex["load"](store, index)
        assert info.value.trap_code == TrapCode.MEMORY_OUT_OF_BOUNDS
    for index in (0, 4, 8):
        with pytest.raises(Trap) as info:
            ex["load_far"](store, index)
        assert info.value.trap_code == TrapCode.MEMORY_OUT_OF_BOUNDS
    tab = ex["tab"]
    assert isinstance(tab, Table) and tab.type(store).is_64 and tab.size(store) == 2
    exported = Module(engine, MEMORY64).exports
    assert exported[0].type.is_64 and exported[1].type.is_64
    c = Config()
    c.wasm_memory64 = False
    with pytest.raises(PetrelError, match="memory64"):
        Module(Engine(c), MEMORY64)


def test_host_memory_types_64_bit_and_byte_pages() -> None:
    c = Config()
    c.wasm_custom_page_sizes = True
    engine = Engine(c)
    store = Store(engine)
    m64 = Memory(store, MemoryType(Limits(1, 2**40), is_64=True))
    assert m64.type(store) == MemoryType(Limits(1, 2**40), is_64=True)
    with pytest.raises(PetrelError, match="too large for this memory type.s index type"):
        Memory(store, MemoryType(Limits(1, 2**40)))
    small = Memory(store, MemoryType(Limits(3, 10), page_size_log2=0))
    assert small.size(store) == 3 and small.data_len(store) == 3
    assert small.grow(store, 4) == 3 and small.data_len(store) == 7
    assert small.type(store).page_size == 1
    with pytest.raises(PetrelError):
        MemoryType(Limits(1), page_size_log2=12)
    with pytest.raises(PetrelError):
        MemoryType(Limits(1), shared=True)
    # Linking checks index type and page size.
    importer = Module(engine, '(module (import "" "m" (memory i64 1)))')
    Instance(store, importer, [m64])
    with pytest.raises(PetrelError, match="incompatible import type"):
        Instance(store, importer, [small])
    bytes_importer = Module(engine, '(module (import "" "m" (memory 1 (pagesize 1))))')
    Instance(store, bytes_importer, [small])
    t64 = Table(store, TableType(ValType.funcref(), Limits(1, 2**40), is_64=True), None)
    assert t64.type(store).is_64 and t64.type(store).limits == Limits(1, 2**40)
    wat = """(module (memory (export "mem") 0 (pagesize 1))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"""
    with pytest.raises(PetrelError):
        Module(Engine(), wat)
    ex = Instance(store, Module(engine, wat), []).exports(store)
    assert ex["grow"](store, 6) == 0
    assert ex["load"](store, 2) == 0
    with pytest.raises(Trap) as info:
        ex["load"](store, 3)
    assert info.value.trap_code == TrapCode.MEMORY_OUT_OF_BOUNDS


def test_exports_by_name_and_index(engine: Engine) -> None:
    store = Store(engine)
    ex = instantiate(engine, store).exports(store)
    assert list(ex)[:3] == ["mem", "tab", "g"]
    assert isinstance(ex.by_index[0], Memory) and isinstance(ex["tab"], Table) and isinstance(ex["g"], Global)
    assert ex.get("nope") is None and ex.get("nope", 7) == 7 and len(ex) == 14
    assert "tab" in ex and "nope" not in ex and set(ex.values()) == set(ex.by_index)
    with pytest.raises(KeyError):
        ex["nope"]
    with pytest.raises(IndexError):
        ex.by_index[14]


def test_host_function_and_caller(engine: Engine) -> None:
    store = Store(engine, data={"calls": 0})
    seen = []

    def double(caller: Caller, x: int) -> int:
        caller.data()["calls"] += 1
        mem = caller["mem"]
        assert isinstance(mem, Memory)
        seen.append(mem.size(caller))
        seen.append(caller.get("nope"))
        mem.write(caller, b"hi", 10)  # re-entrant use of the store
        return 2 * x

    linker = Linker(engine)
    linker.define_func("host", "double", FuncType([ValType.i32()], [ValType.i32()]), double, access_caller=True)
    ex = linker.instantiate(store, Module(engine, WAT)).exports(store)
    assert ex["call_double"](store, 21) == 42
    assert store.data()["calls"] == 1 and seen == [1, None]
    assert ex["mem"].read(store, 10, 12) == b"hi"


def test_caller_invalid_after_return(engine: Engine) -> None:
    store = Store(engine)
    kept = []
    linker = Linker(engine)
    linker.define_func(
        "host",
        "double",
        FuncType([ValType.i32()], [ValType.i32()]),
        lambda c, x: kept.append(c) or x,
        access_caller=True,
    )
    ex = linker.instantiate(store, Module(engine, WAT)).exports(store)
    ex["call_double"](store, 1)
    # As in wasmtime-py, an expired caller finds no exports; using it as a
    # store raises ClosedError (a PetrelError and a ValueError).
    assert kept[0].get("mem") is None
    with pytest.raises(ClosedError, match="no longer valid"):
        ex["mem"].size(kept[0])
    with pytest.raises(ValueError, match="no longer valid"):
        kept[0].data()


def test_host_exception_comes_back(engine: Engine) -> None:
    store = Store(engine)

    class Boom(Exception):
        pass

    err = Boom("inside")

    def double(x: int) -> int:
        raise err

    ex = instantiate(engine, store, double).exports(store)
    with pytest.raises(Boom) as info:
        ex["call_double"](store, 1)
    assert info.value is err


def test_host_wrong_result_type(engine: Engine) -> None:
    store = Store(engine)
    ex = instantiate(engine, store, lambda x: "no").exports(store)
    with pytest.raises(TypeError):
        ex["call_double"](store, 1)


def test_func_new_called_from_python(engine: Engine) -> None:
    store = Store(engine)
    f = Func(store, FuncType([ValType.i64(), ValType.f64()], [ValType.f64()]), lambda a, b: a + b)
    assert f(store, 2, 0.5) == 2.5
    assert f.type(store).results == [ValType.f64()]
    none = Func(store, FuncType([], []), lambda: None)
    assert none(store) is None


def test_traps_code_and_frames(engine: Engine) -> None:
    store = Store(engine)
    ex = instantiate(engine, store).exports(store)
    with pytest.raises(Trap) as info:
        ex["trap"](store)
    t = info.value
    assert isinstance(t, PetrelError) and isinstance(t, WasmtimeError)
    assert t.trap_code == TrapCode.UNREACHABLE
    assert [f.func_name for f in t.frames] == ["inner", "outer"]
    assert t.frames[0].module_name == "m" and t.frames[1].func_index == 4
    assert "unreachable" in str(t)
    with pytest.raises(Trap) as info:
        ex["div"](store, 1, 0)
    assert info.value.trap_code == TrapCode.INTEGER_DIVISION_BY_ZERO
    with pytest.raises(Trap) as info:
        ex["load"](store, 65535)
    assert info.value.trap_code == TrapCode.MEMORY_OUT_OF_BOUNDS


def test_stack_overflow(engine: Engine) -> None:
    store = Store(engine)
    m = Module(engine, '(module (func $r (export "r") call $r))')
    with pytest.raises(Trap) as info:
        Instance(store, m, []).exports(store)["r"](store)
    assert info.value.trap_code == TrapCode.STACK_OVERFLOW


def test_fuel() -> None:
    engine = Engine(_config(consume_fuel=True))
    store = Store(engine)
    store.set_fuel(10_000)
    assert store.get_fuel() == 10_000
    spin = instantiate(engine, store).exports(store)["spin"]
    with pytest.raises(Trap) as info:
        spin(store)
    assert info.value.trap_code == TrapCode.OUT_OF_FUEL
    assert store.get_fuel() == 0
    with pytest.raises(PetrelError, match="fuel is not enabled"):
        Store(Engine()).set_fuel(1)


def test_epoch_interruption_from_another_thread() -> None:
    engine = Engine(_config(epoch_interruption=True))
    store = Store(engine)
    store.set_epoch_deadline(1)
    spin = instantiate(engine, store).exports(store)["spin"]
    ticker = threading.Timer(0.2, engine.increment_epoch)
    ticker.start()
    with pytest.raises(Trap) as info:
        spin(store)
    assert info.value.trap_code == TrapCode.INTERRUPT


def test_gil_released_while_wasm_runs() -> None:
    engine = Engine(_config(epoch_interruption=True))
    store = Store(engine)
    store.set_epoch_deadline(1)
    spin = instantiate(engine, store).exports(store)["spin"]
    counter = [0]

    def count() -> None:
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            counter[0] += 1
        engine.increment_epoch()

    t = threading.Thread(target=count)
    t.start()
    with pytest.raises(Trap):
        spin(store)
    t.join()
    assert counter[0] > 1000


def test_store_used_from_two_threads_is_refused() -> None:
    engine = Engine(_config(epoch_interruption=True))
    store = Store(engine)
    store.set_epoch_deadline(1)
    ex = instantiate(engine, store).exports(store)
    errors: list = []

    def other() -> None:
        time.sleep(0.1)
        try:
            ex["add"](store, 1, 2)
        except PetrelError as e:
            errors.append(str(e))
        engine.increment_epoch()

    t = threading.Thread(target=other)
    t.start()
    with pytest.raises(Trap):
        ex["spin"](store)
    t.join()
    assert errors and "another thread" in errors[0]
    store.set_epoch_deadline(1000)
    assert ex["add"](store, 1, 2) == 3


def test_limits(engine: Engine) -> None:
    store = Store(engine)
    store.set_limits(memory_size=2 * 65536, instances=1)
    ex = instantiate(engine, store).exports(store)
    assert ex["grow"](store, 1) == 1
    assert ex["grow"](store, 1) == -1
    with pytest.raises(PetrelError):
        ex["mem"].grow(store, 1)
    with pytest.raises(PetrelError, match="instance"):
        instantiate(engine, store)


def test_memory_read_write_grow_and_views(engine: Engine) -> None:
    store = Store(engine)
    ex = instantiate(engine, store).exports(store)
    mem = ex["mem"]
    assert isinstance(mem, Memory)
    assert mem.size(store) == 1 and mem.data_len(store) == 65536
    assert mem.type(store).limits == Limits(1, 4)
    view = mem.buffer(store)
    view[100] = 42
    assert ex["load"](store, 100) == 42
    assert mem.data_ptr(store)[100] == 42
    assert mem.write(store, b"abc", 200) == 3
    assert mem.read(store, 200, 203) == b"abc" and bytes(view[200:203]) == b"abc"
    # read and write index like slices (as in wasmtime-py): a read past the
    # end is cut short, a write that does not fit raises IndexError.
    assert mem.read(store, 65534, 65538) == bytearray(2)
    assert mem.read(store, -2) == bytearray(2) and mem.read(store, 70000) == bytearray()
    with pytest.raises(IndexError):
        mem.write(store, b"xyz", 65535)
    assert mem.write(store, b"yz", -2) == 2 and mem.read(store, -2) == b"yz"
    arr = mem.get_buffer_ptr(store, 3, 200)
    assert bytes(arr) == b"abc"
    with pytest.raises(IndexError):
        mem.get_buffer_ptr(store, 2, 65535)
    # Growth: the old view keeps its length (and stays valid: a guarded
    # memory never moves); a new view sees the new pages.
    assert mem.grow(store, 1) == 1
    assert len(view) == 65536 and len(mem.buffer(store)) == 2 * 65536
    view[0] = 7
    assert mem.read(store, 0, 1) == b"\x07"
    with pytest.raises(PetrelError):
        mem.grow(store, 10)
    standalone = Memory(store, MemoryType(Limits(1, 2)))
    assert standalone.size(store) == 1
    # Closing the store releases the views.
    store.close()
    with pytest.raises(ValueError):
        view[0]


def test_tables(engine: Engine) -> None:
    store = Store(engine)
    ex = instantiate(engine, store).exports(store)
    tab, add = ex["tab"], ex["add"]
    assert isinstance(tab, Table)
    assert tab.size(store) == 2
    assert tab.get(store, 0) == add and tab.get(store, 1) is None
    tab.set(store, 1, add)
    assert tab.grow(store, 2, None) == 2 and tab.size(store) == 4
    assert tab.get(store, 10) is None and tab.get(store, -1) is None
    with pytest.raises(PetrelError, match="out of bounds"):
        tab.set(store, 10, None)
    with pytest.raises(TypeError):
        tab.set(store, 0, 5)
    assert ex["id"](store, add) == add and ex["id"](store, None) is None
    obj = {"host": "object"}
    ext = Table(store, TableType(ValType.externref(), Limits(1)), None)
    ext.set(store, 0, obj)
    assert ext.get(store, 0) is obj
    assert ex["ext"](store, obj) is obj
    assert tab.type(store).limits == Limits(4, 10)


def test_globals(engine: Engine) -> None:
    store = Store(engine)
    ex = instantiate(engine, store).exports(store)
    g, c = ex["g"], ex["c"]
    assert isinstance(g, Global) and isinstance(c, Global)
    assert g.value(store) == 7
    g.set_value(store, 8)
    assert g.value(store) == 8
    with pytest.raises(PetrelError, match="immutable"):
        c.set_value(store, 1)
    with pytest.raises(TypeError):
        g.set_value(store, "x")
    f = Global(store, GlobalType(ValType.f64(), True), 2.5)
    assert f.value(store) == 2.5 and f.type(store).content == ValType.f64()


def test_linker(engine: Engine) -> None:
    store = Store(engine)
    linker = Linker(engine)
    linker.define_func("host", "double", FuncType([ValType.i32()], [ValType.i32()]), lambda x: x)
    with pytest.raises(PetrelError, match="already defined"):
        linker.define_func("host", "double", FuncType([ValType.i32()], [ValType.i32()]), lambda x: x)
    linker.allow_shadowing = True
    linker.define_func("host", "double", FuncType([ValType.i32()], [ValType.i32()]), lambda x: 3 * x)
    inst = linker.instantiate(store, Module(engine, WAT))
    assert inst.exports(store)["call_double"](store, 2) == 6
    linker.define_instance(store, "m", inst)
    assert linker.get(store, "m", "add")(store, 1, 2) == 3
    linker.define(store, "x", "g", inst.exports(store)["g"])
    assert isinstance(linker.get(store, "x", "g"), Global)
    with pytest.raises(PetrelError, match="not defined"):
        linker.get(store, "x", "nope")
    with pytest.raises(PetrelError, match="unknown import"):
        Linker(engine).instantiate(store, Module(engine, WAT))


def test_instance_imports_checked(engine: Engine) -> None:
    store, other = Store(engine), Store(engine)
    m = Module(engine, WAT)
    f_other = Func(other, FuncType([ValType.i32()], [ValType.i32()]), lambda x: x)
    with pytest.raises(PetrelError, match="wrong store"):
        Instance(store, m, [f_other])
    with pytest.raises(PetrelError):
        Instance(store, m, [])
    with pytest.raises(TypeError):
        Instance(store, m, ["not an extern"])  # type: ignore[list-item]
    f = Func(store, FuncType([ValType.i32()], [ValType.i32()]), lambda x: x + 1)
    assert Instance(store, m, [f]).exports(store)["call_double"](store, 1) == 2


def test_exports_checked_after_close(engine: Engine) -> None:
    # The exports are cached on the instance; the cache must not let a
    # closed store (or a stale caller) through.
    store = Store(engine)
    kept = []
    linker = Linker(engine)
    linker.define_func(
        "host",
        "double",
        FuncType([ValType.i32()], [ValType.i32()]),
        lambda c, x: kept.append(c) or x,
        access_caller=True,
    )
    inst = linker.instantiate(store, Module(engine, WAT))
    assert "add" in inst.exports(store).keys()
    inst.exports(store)["call_double"](store, 1)
    with pytest.raises(PetrelError, match="no longer valid"):
        inst.exports(kept[0])
    store.close()
    with pytest.raises(PetrelError, match="closed"):
        inst.exports(store)


def test_misuse_raises(engine: Engine) -> None:
    store, other = Store(engine), Store(engine)
    ex = instantiate(engine, store).exports(store)
    add, mem = ex["add"], ex["mem"]
    with pytest.raises(PetrelError, match="wrong store"):
        add(other, 1, 2)
    with pytest.raises(PetrelError, match="wrong store"):
        mem.size(other)
    with pytest.raises(PetrelError, match="too few parameters provided: given 1, expected 2"):
        add(store, 1)
    with pytest.raises(PetrelError, match="too many parameters provided: given 3, expected 2"):
        add(store, 1, 2, 3)
    with pytest.raises(TypeError):
        add("not a store", 1, 2)
    with pytest.raises(PetrelError, match="wrong store"):
        ex["id"](store, Func(other, FuncType([], []), lambda: None))
    store.close()
    with pytest.raises(ClosedError, match="closed"):
        add(store, 1, 2)
    with pytest.raises(ValueError, match="closed"):
        mem.read(store, 0, 1)
    store.close()  # idempotent


def test_store_garbage_collected(engine: Engine) -> None:
    store = Store(engine)
    add = Instance(store, Module(engine, ADD), []).exports(store)["add"]
    del store
    gc.collect()
    fresh = Store(engine)
    with pytest.raises(PetrelError, match="wrong store"):
        add(fresh, 1, 2)


def test_engine_closed(engine: Engine) -> None:
    store = Store(engine)
    m = Module(engine, ADD)
    engine.close()
    with pytest.raises(PetrelError, match="engine is closed"):
        Module(engine, ADD)
    with pytest.raises(PetrelError, match="engine is closed"):
        Store(engine)
    # What was made with it keeps working.
    assert Instance(store, m, []).exports(store)["add"](store, 1, 2) == 3


def _skip_list(root: pathlib.Path) -> Dict[str, str]:
    """The binding's committed skip list: C function name -> reason."""
    skip = {}
    for line in (root / "bindings-python" / "api-skip.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            assert reason.strip(), f"{name} is skipped without a reason"
            skip[name] = reason.strip()
    return skip


def test_api_manifest_fully_wrapped() -> None:
    """Every C function in api.json is used by the idiomatic layer or on api-skip.txt with a reason.

    Checked per object of the manifest's grouping, so a report names the
    object (memory, store, ...) whose coverage is incomplete.
    """
    root = pathlib.Path(__file__).resolve().parents[2]
    manifest = json.loads((root / "header-gen" / "api.json").read_text())
    package = pathlib.Path(petrel.__file__).parent
    src = "".join(p.read_text() for p in package.glob("_*.py") if p.name != "_lowlevel.py")
    skip = _skip_list(root)
    missing: Dict[str, List[str]] = {}
    stale = []
    for f in manifest["functions"]:
        name, group = f["name"], f["group"]
        short = name[len("petrel_") :]
        used = re.search(rf"\b(ll\.{short}|lib\.{name})\b", src) or (
            # Config's boolean settings are properties made by one helper.
            group["object"] == "config" and re.search(rf'_flag\(\s*"{group["verb"]}"', src)
        )
        if used and name in skip:
            stale.append(name)
        elif not used and name not in skip:
            missing.setdefault(group["object"] or "(free functions)", []).append(name)
    unknown = sorted(set(skip) - {f["name"] for f in manifest["functions"]})
    assert missing == {}, f"C functions neither wrapped nor skipped, by object: {missing}"
    assert stale == [], f"skipped but used (remove from api-skip.txt): {stale}"
    assert unknown == [], f"api-skip.txt names functions the C API lacks: {unknown}"


def test_manifest_models_the_api() -> None:
    """api.json carries the semantic model the bindings are generated from."""
    root = pathlib.Path(__file__).resolve().parents[2]
    manifest = json.loads((root / "header-gen" / "api.json").read_text())
    enums = {e["name"]: e for e in manifest["enums"]}
    assert {m["name"]: m["value"] for m in enums["TrapCode"]["members"]}["OUT_OF_FUEL"] == int(TrapCode.OUT_OF_FUEL)
    objects = {o["name"]: o for o in manifest["objects"]}
    assert objects["store"]["deleted_by"] == "petrel_store_delete"
    assert "petrel_memory_grow" in objects["memory"]["functions"]
    assert objects["memory"]["kind"] == "handle"
    set_wasi = next(f for f in manifest["functions"] if f["name"] == "petrel_store_set_wasi")
    assert [p.get("ownership") for p in set_wasi["params"]] == [None, "consumed"]
    frame = next(r for r in manifest["records"] if r["name"] == "petrel_frame_t")
    assert [f["offset"] for f in frame["fields"]] == [0, 8, 24, 40, 48, 56, 64]


def test_module_of_another_engine(engine: Engine) -> None:
    other = Engine()
    store = Store(engine)
    with pytest.raises(PetrelError):
        Instance(store, Module(other, ADD), [])


def test_memory_without_guard_region_grows_and_reads() -> None:
    engine = Engine(_config(static_memory_guard=False))
    store = Store(engine)
    mem = Memory(store, MemoryType(Limits(1, 8)))
    mem.write(store, b"keep", 0)
    assert mem.grow(store, 3) == 1
    # Such a memory may move when it grows: fetch a new view (old ones are
    # not to be used); read and write always see the current memory.
    assert mem.read(store, 0, 4) == b"keep"
    view = mem.buffer(store)
    assert len(view) == 4 * 65536 and bytes(view[:4]) == b"keep"
    mem.write(store, b"end", 4 * 65536 - 3)
    assert mem.read(store, 4 * 65536 - 3) == b"end"


def test_hello_example() -> None:
    """The shared hello example (examples/hello.wat) runs and prints what every binding prints."""
    root = pathlib.Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, str(root / "bindings-python" / "examples" / "hello.py")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out == "Hello, world!\nrun() = 42\n"


def test_twenty_results_of_mixed_types(engine: Engine) -> None:
    """A wasm export and a host import with 20 results of the four number types."""
    kinds = ["i32", "i64", "f32", "f64"] * 5
    types = [getattr(ValType, k)() for k in kinds]

    def value(i: int, base: int) -> Any:
        n = base + i
        return {"i32": n, "i64": n << 40, "f32": n + 0.5, "f64": n + 0.25}[kinds[i]]

    consts = " ".join(f"({k}.const {value(i, 1)})" for i, k in enumerate(kinds))
    results = " ".join(kinds)
    wat = f"""(module
        (import "host" "many" (func $many (param i32) (result {results})))
        (func (export "own") (result {results}) {consts})
        (func (export "through") (param i32) (result {results}) (call $many (local.get 0))))"""
    store = Store(engine)
    host = Func(store, FuncType([ValType.i32()], types), lambda base: [value(i, base) for i in range(20)])
    exports = Instance(store, Module(engine, wat), [host]).exports(store)
    assert exports["own"](store) == [value(i, 1) for i in range(20)]
    assert exports["through"](store, 100) == [value(i, 100) for i in range(20)]


def test_f32_signalling_nan_keeps_its_bits(engine: Engine) -> None:
    """An f32 crosses the boundary by bits: a signalling NaN stays signalling, payload kept."""
    snan = struct.unpack("<d", struct.pack("<Q", 0x7FF0000020000000))[0]  # f32 0x7f800001, widened by bits

    def bits(x: float) -> int:
        return int(struct.unpack("<Q", struct.pack("<d", x))[0])

    wat = """(module
        (import "host" "id" (func $id (param f32) (result f32)))
        (global $g (export "g") (mut f32) (f32.const 0))
        (func (export "same") (param f32) (result f32) (local.get 0))
        (func (export "bits") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
        (func (export "via_host") (param f32) (result i32) (i32.reinterpret_f32 (call $id (local.get 0))))
        (func (export "snan") (result f32) (f32.reinterpret_i32 (i32.const 0x7f800001))))"""
    store = Store(engine)
    host = Func(store, FuncType([ValType.f32()], [ValType.f32()]), lambda x: x)
    exports = Instance(store, Module(engine, wat), [host]).exports(store)
    assert exports["bits"](store, snan) == 0x7F800001
    assert bits(exports["same"](store, snan)) == 0x7FF0000020000000
    assert bits(exports["snan"](store)) == 0x7FF0000020000000
    assert exports["via_host"](store, snan) == 0x7F800001
    exports["g"].set_value(store, snan)
    assert bits(exports["g"].value(store)) == 0x7FF0000020000000
    assert exports["bits"](store, 1e300) == 0x7F800000  # rounds to infinity, as C does


def test_pooling_allocator_reuses_slots_and_limits() -> None:
    config = Config()
    config.pooling_allocator(total_memories=1, total_core_instances=2, max_memory_size=2 * 65536)
    engine = Engine(config)
    module = Module(
        engine,
        """(module (memory (export "mem") 1) (data (i32.const 0) "hi")
             (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))""",
    )
    for _ in range(5):
        store = Store(engine)
        exports = Instance(store, module, []).exports(store)
        mem = exports["mem"]
        assert isinstance(mem, Memory)
        # Each store sees the image afresh, whatever the previous one wrote.
        assert mem.read(store, 0, 3) == b"hi\x00"
        mem.write(store, b"XY", 0)
        assert exports["grow"](store, 1) == 1
        assert exports["grow"](store, 1) == -1  # past max_memory_size
        del store, exports, mem
        gc.collect()  # the store's slot goes back to the pool
    held = Store(engine)
    Instance(held, module, [])
    with pytest.raises(PetrelError, match="1 memories are all in use"):
        Instance(Store(engine), module, [])
    del held
    gc.collect()
    Instance(Store(engine), module, [])
    with pytest.raises(ValueError, match="unsigned 32-bit"):
        config2 = Config()
        config2.pooling_allocator(total_memories=-1)
    with pytest.raises(TypeError, match="expected an int"):
        Config().pooling_allocator(table_elements="many")  # type: ignore[arg-type]
    off = Config()
    off.pooling_allocator(False)
    Engine(off)
