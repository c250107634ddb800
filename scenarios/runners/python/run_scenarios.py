#!/usr/bin/env python3
"""Runs the cross-language scenario suite (``scenarios/*.json``, format in
``scenarios/README.md``) against the public ``petrel`` package only.

Usage: ``python run_scenarios.py [SCENARIO_DIR] [--filter SUBSTRING] [-v]``

Prints one line per failure and a closing ``scenarios: N passed, N failed``;
exits non-zero on any mismatch, including a scenario listed in
``expected_failures.txt`` (next to this file) that passes.
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

import petrel
from petrel import (
    Config,
    Engine,
    ExitTrap,
    Func,
    FuncType,
    Instance,
    Linker,
    Module,
    PetrelError,
    Store,
    Trap,
    TrapCode,
    Val,
    ValType,
    WasiConfig,
)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(HERE, "..", ".."))

VALTYPES: Dict[str, Callable[[], ValType]] = {
    "i32": ValType.i32,
    "i64": ValType.i64,
    "f32": ValType.f32,
    "f64": ValType.f64,
    "v128": ValType.v128,
    "funcref": ValType.funcref,
    "externref": ValType.externref,
}

TRAP_NAMES = {code: code.name.lower() for code in TrapCode}


class Mismatch(Exception):
    """The scenario's expectation was not met."""


class HostError(Exception):
    """What the vocabulary's ``throw_host_error`` raises."""


# ---------------------------------------------------------------- values


# The binding gives an f32 as the Python float whose double bits are the
# f32's widened by bits (a NaN keeps its payload and signalling bit), so the
# runner converts the same way; struct's "f" format would quiet a
# signalling NaN.


def f32_from_bits(bits: int) -> float:
    if bits & 0x7F800000 == 0x7F800000 and bits & 0x007FFFFF:
        return f64_from_bits(((bits >> 31) << 63) | (0x7FF << 52) | ((bits & 0x007FFFFF) << 29))
    return float(struct.unpack("<f", struct.pack("<I", bits))[0])


def f32_bits(x: float) -> int:
    wide = f64_bits(x)
    if wide & 0x7FF0000000000000 == 0x7FF0000000000000 and wide & 0x000FFFFFFFFFFFFF:
        return ((wide >> 63) << 31) | 0x7F800000 | ((wide >> 29) & 0x007FFFFF)
    return int(struct.unpack("<I", struct.pack("<f", x))[0])


def f64_from_bits(bits: int) -> float:
    return float(struct.unpack("<d", struct.pack("<Q", bits))[0])


def f64_bits(x: float) -> int:
    return int(struct.unpack("<Q", struct.pack("<d", x))[0])


def kind_of(v: Dict[str, Any]) -> str:
    if not isinstance(v, dict) or len(v) != 1:
        raise ValueError(f"bad typed value {v!r}")
    (k,) = v.keys()
    if k not in VALTYPES:
        raise ValueError(f"bad value type {k!r}")
    return k


def describe(kind: str, x: Any) -> str:
    """A typed value in the suite's notation, for messages and the log."""
    if kind == "i32":
        return json.dumps({"i32": str(to_signed(int(x), 32))})
    if kind == "i64":
        return json.dumps({"i64": str(to_signed(int(x), 64))})
    if kind == "f32":
        return json.dumps({"f32": "0x%08x" % f32_bits(x)})
    if kind == "f64":
        return json.dumps({"f64": "0x%016x" % f64_bits(x)})
    if kind == "v128":
        return json.dumps({"v128": "0x%032x" % x})
    if kind == "funcref":
        return json.dumps({"funcref": None if x is None else "non-null"})
    return json.dumps({"externref": None if x is None else str(x)})


def to_signed(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


def value_matches(expected: Dict[str, Any], kind: Optional[str], actual: Any) -> bool:
    """Compares a Python value of wasm type ``kind`` (None: unknown) with a typed expected value."""
    k = kind_of(expected)
    e = expected[k]
    if kind is not None and kind != k:
        return False
    if k == "i32":
        return isinstance(actual, int) and to_signed(actual, 32) == to_signed(int(e), 32)
    if k == "i64":
        return isinstance(actual, int) and to_signed(actual, 64) == to_signed(int(e), 64)
    if k == "f32":
        return isinstance(actual, float) and f32_bits(actual) == int(e, 16)
    if k == "f64":
        return isinstance(actual, float) and f64_bits(actual) == int(e, 16)
    if k == "v128":
        return isinstance(actual, int) and actual == int(e, 16)
    if k == "funcref":
        if e is None:
            return actual is None
        return isinstance(actual, Func)
    if e is None:
        return actual is None
    return isinstance(actual, int) and actual == int(e)


# ---------------------------------------------------------------- errors

# Until the C API exposes a machine-readable error kind, errors that are not
# traps, host errors or Python type errors are classified by the C API's
# message text: plain substrings, first match wins (scenarios/README.md,
# "Classifying errors").
MESSAGE_KINDS: List[Tuple[str, str]] = [
    ("wrong store", "wrong_store"),
    ("is not in this store", "wrong_store"),
    ("store is closed", "closed_store"),
    ("in use by another thread", "thread"),
    ("while it is in use", "in_use"),
    ("failed to parse WebAssembly text", "compile"),
    ("invalid WebAssembly module", "compile"),
    ("serialized module", "deserialize"),
    ("serialized Petrel module", "deserialize"),
    ("compiled Petrel module", "deserialize"),
    ("the compiled module", "deserialize"),
    ("authentication failed", "deserialize"),
    ("unknown import", "link"),
    ("incompatible import type", "link"),
    ("imports, found", "link"),
    ("already defined", "link"),
    ("different engine", "link"),
    ("resource limit exceeded", "limit"),
    ("failed to grow", "limit"),
    ("immutable global", "immutable"),
    ("is not enabled", "not_enabled"),
    (" arguments, got ", "arity"),
    ("parameters provided: given", "arity"),
    ("cannot hold a", "type_mismatch"),
    ("is not a value of type", "type_mismatch"),
    (", expected ", "type_mismatch"),
]


def classify(e: BaseException, host_access: bool = False) -> str:
    if isinstance(e, HostError):
        return "host_error"
    if isinstance(e, NotFound):
        return "not_found"
    if isinstance(e, (OutOfBounds, IndexError)):
        return "out_of_bounds"
    if isinstance(e, Trap):
        if host_access and e.trap_code in (TrapCode.MEMORY_OUT_OF_BOUNDS, TrapCode.TABLE_OUT_OF_BOUNDS):
            return "out_of_bounds"
        return "trap"
    if isinstance(e, TypeError):
        return "arity" if "positional argument" in str(e) else "type_mismatch"
    if isinstance(e, PetrelError):
        msg = str(e)
        for needle, kind in MESSAGE_KINDS:
            if needle in msg:
                return kind
        return "unclassified"
    return "unclassified(%s)" % type(e).__name__


class NotFound(Exception):
    """An export the scenario names does not exist (or is of another kind)."""


class OutOfBounds(Exception):
    """A memory read or table get past the end: the Python API (like
    wasmtime-py's) answers those with fewer bytes or None, which the
    scenarios expect reported as an out-of-bounds error."""


def check_error(
    expect: Any, e: BaseException, host_access: bool = False, raised: Optional[BaseException] = None
) -> None:
    kind = classify(e, host_access)
    if not isinstance(expect, dict) or "error" not in expect:
        raise Mismatch(f"unexpected error ({kind}): {type(e).__name__}: {e}")
    if kind != expect["error"]:
        raise Mismatch(f"expected error {expect['error']}, got {kind}: {type(e).__name__}: {e}")
    if kind == "trap":
        assert isinstance(e, Trap)
        code = TRAP_NAMES.get(e.trap_code) if e.trap_code is not None else None
        if code != expect["trap"]:
            raise Mismatch(f"expected trap {expect['trap']}, got {code}: {e}")
        if "frames" in expect:
            names = [f.func_name for f in e.frames]
            if names != expect["frames"]:
                raise Mismatch(f"expected frames {expect['frames']}, got {names}")
    if kind == "host_error":
        if str(e) != expect["message"]:
            raise Mismatch(f"expected host error {expect['message']!r}, got {str(e)!r}")
        if e is not raised:
            raise Mismatch("the host error is not the very exception the host function raised")


# ---------------------------------------------------------------- the runner


class Scenario:
    def __init__(self, sc: Dict[str, Any]) -> None:
        self.sc = sc
        cfg = sc.get("config", {})
        config = Config()
        if cfg.get("consume_fuel"):
            config.consume_fuel = True
        if cfg.get("epoch_interruption"):
            config.epoch_interruption = True
        if "max_wasm_stack" in cfg:
            config.max_wasm_stack = int(cfg["max_wasm_stack"])
        if "static_memory_guard" in cfg:
            config.static_memory_guard = bool(cfg["static_memory_guard"])
        if "wasm_wide_arithmetic" in cfg:
            config.wasm_wide_arithmetic = bool(cfg["wasm_wide_arithmetic"])
        if "wasm_custom_page_sizes" in cfg:
            config.wasm_custom_page_sizes = bool(cfg["wasm_custom_page_sizes"])
        self.engine: Optional[Engine] = Engine(config)
        self.stores: Dict[str, Store] = {}
        self.instances: Dict[str, Tuple[Instance, str]] = {}
        self.modules: Dict[str, Module] = {}
        self.log: List[Tuple[str, Any]] = []
        self.raised: Optional[BaseException] = None
        self.hosts = list(sc.get("host", []))
        self.linker = Linker(self.engine)
        if sc.get("wasi"):
            self.linker.define_wasi()
        for h in self.hosts:
            self.define_host(h)
        self.new_store("main")

    # -- setup

    def new_store(self, name: str) -> None:
        assert self.engine is not None, "store_new after drop_engine is not a valid scenario"
        # The store's data is its name: a host function finds its store by
        # ``caller.data()``.
        self.stores[name] = Store(self.engine, data=name)

    def functype(self, h: Dict[str, Any]) -> FuncType:
        return FuncType([VALTYPES[t]() for t in h["params"]], [VALTYPES[t]() for t in h["results"]])

    def define_host(self, h: Dict[str, Any]) -> None:
        self.linker.define_func(h["module"], h["name"], self.functype(h), self.host_impl(h), access_caller=True)

    def host_impl(self, h: Dict[str, Any]) -> Callable[..., Any]:
        """The vocabulary function ``h["func"]`` (scenarios/README.md, "Host functions")."""
        params: List[str] = h["params"]
        results: List[str] = h["results"]
        name = h["func"]

        def ret(vals: List[Any]) -> Any:
            if len(results) == 0:
                return None
            if len(results) == 1:
                return vals[0]
            return vals

        def fn(caller: Any, *args: Any) -> Any:
            if name == "add":
                bits = 32 if params[0] == "i32" else 64
                return to_signed(args[0] + args[1], bits)
            if name == "echo":
                return ret(list(args))
            if name == "nop":
                zeros = {"i32": 0, "i64": 0, "f32": 0.0, "f64": 0.0, "v128": 0, "funcref": None, "externref": None}
                return ret([zeros[t] for t in results])
            if name == "throw_host_error":
                self.raised = HostError(h["message"])
                raise self.raised
            if name == "trap":
                raise Trap("host trap", TrapCode[h["trap"].upper()])
            if name == "call_back_into_wasm":
                f = caller.get(h["export"])
                if not isinstance(f, Func):
                    raise HostError(f"no exported function {h['export']}")
                r = f(caller, *[Val(VALTYPES[t](), a) for t, a in zip(params, args)])
                return r
            if name == "record":
                for t, a in zip(params, args):
                    self.log.append((t, a))
                return None
            if name == "record_memory_byte":
                mem = caller.get("memory")
                addr = args[0] & 0xFFFFFFFF
                self.log.append(("i32", mem.read(caller, addr, addr + 1)[0]))
                return None
            if name == "grow_memory":
                mem = caller.get("memory")
                try:
                    return mem.grow(caller, args[0] & 0xFFFFFFFF)
                except PetrelError:
                    return -1
            if name == "increment_epoch":
                assert self.engine is not None
                self.engine.increment_epoch()
                return None
            if name == "call_on_other_thread":
                store = self.stores[caller.data()]
                f = caller.get(h["export"])
                targs = [self.arg(store, a) for a in h.get("args", [])]
                out: List[Tuple[str, Any]] = []

                def other() -> None:
                    try:
                        f(store, *targs)
                        out.append(("outcome", "ok"))
                    except BaseException as e:  # noqa: BLE001
                        out.append(("outcome", classify(e)))

                thread = threading.Thread(target=other)
                thread.start()
                thread.join()
                self.log.extend(out)
                return None
            if name == "close_store":
                store = self.stores[caller.data()]
                try:
                    store.close()
                    self.log.append(("outcome", "ok"))
                except BaseException as e:  # noqa: BLE001
                    self.log.append(("outcome", classify(e)))
                return None
            raise HostError(f"unknown vocabulary function {name}")

        return fn

    # -- helpers

    def module(self, name: str) -> Module:
        if name not in self.modules:
            src = self.sc["modules"][name]
            assert self.engine is not None, f"module {name} first compiled after drop_engine"
            wasm: Any = bytes.fromhex(src["hex"]) if isinstance(src, dict) else src
            self.modules[name] = Module(self.engine, wasm)
        return self.modules[name]

    def store_for(self, step: Dict[str, Any]) -> Store:
        if "store" in step:
            return self.stores[step["store"]]
        if "instance" in step and step["instance"] in self.instances:
            return self.stores[self.instances[step["instance"]][1]]
        return self.stores["main"]

    def export(self, instance: str, name: str, store: Optional[Store] = None) -> Any:
        inst, sname = self.instances[instance]
        ex = inst.exports(store if store is not None else self.stores[sname])
        item = ex.get(name)
        if item is None:
            raise NotFound(f"no export {name!r}")
        return item

    def arg(self, store: Store, v: Dict[str, Any]) -> Val:
        k = kind_of(v)
        e = v[k]
        if k == "i32":
            return Val.i32(to_signed(int(e), 32))
        if k == "i64":
            return Val.i64(to_signed(int(e), 64))
        if k == "f32":
            return Val.f32(f32_from_bits(int(e, 16)))
        if k == "f64":
            return Val.f64(f64_from_bits(int(e, 16)))
        if k == "v128":
            return Val(ValType.v128(), int(e, 16))
        if k == "funcref":
            if e is None:
                return Val.funcref(None)
            return Val.funcref(self.export(e["instance"], e["export"]))
        return Val.externref(None if e is None else int(e))

    # -- steps

    def run(self) -> None:
        for i, step in enumerate(self.sc["steps"]):
            for n in range(int(step.get("repeat", 1))):
                try:
                    self.step(step)
                except Mismatch as m:
                    rep = f" (repeat {n + 1})" if "repeat" in step else ""
                    raise Mismatch(f"step {i + 1} ({step['op']}){rep}: {m}") from None

    def step(self, step: Dict[str, Any]) -> None:
        op = step["op"]
        expect = step.get("expect", "ok")
        handler = getattr(self, "op_" + op, None)
        if handler is None:
            raise Mismatch(f"unknown op {op}")
        host_access = op.startswith("memory_") or op.startswith("table_")
        try:
            got = handler(step)
        except Mismatch:
            raise
        except AssertionError:
            raise
        except BaseException as e:  # noqa: BLE001
            check_error(expect, e, host_access, self.raised)
            return
        if isinstance(expect, dict) and "error" in expect:
            raise Mismatch(f"expected error {expect['error']}, got success {got!r}")
        if expect == "ok":
            return
        self.check_value(op, expect, got)

    def check_value(self, op: str, expect: Dict[str, Any], got: Any) -> None:
        if op == "wasi_run":
            want = (expect["exit_code"], expect["stdout"].encode("utf-8"), expect["stderr"].encode("utf-8"))
            have = (got["exit_code"], got["stdout"], got["stderr"])
            if want != have:
                raise Mismatch(f"expected exit_code/stdout/stderr {want!r}, got {have!r}")
        elif "results" in expect:
            want = expect["results"]
            nresults, value = got
            vals = [] if nresults == 0 else [value] if nresults == 1 else list(value)
            if len(vals) != len(want) or not all(value_matches(w, None, a) for w, a in zip(want, vals)):
                raise Mismatch(f"expected results {json.dumps(want)}, got {vals!r}")
        elif "value" in expect:
            kind, v = got
            if not value_matches(expect["value"], kind, v):
                raise Mismatch(f"expected value {json.dumps(expect['value'])}, got {describe(kind, v)}")
        elif "log" in expect:
            self.check_log(expect["log"], got)
        else:
            (key,) = [k for k in expect]
            if key == "bytes":
                if got.hex() != expect["bytes"].lower():
                    raise Mismatch(f"expected bytes {expect['bytes']}, got {got.hex()}")
            elif key in ("size", "old_size", "fuel"):
                if got != int(expect[key]):
                    raise Mismatch(f"expected {key} {expect[key]}, got {got}")
            else:
                raise Mismatch(f"unknown expectation {expect!r}")

    def check_log(self, want: List[Dict[str, Any]], got: List[Tuple[str, Any]]) -> None:
        ok = len(want) == len(got)
        for w, (kind, v) in zip(want, got):
            if "error" in w or "ok" in w:
                ok = ok and kind == "outcome" and v == w.get("error", "ok")
            else:
                ok = ok and kind != "outcome" and value_matches(w, kind, v)
        if not ok:
            shown = [
                (json.dumps({"ok": True}) if v == "ok" else json.dumps({"error": v}))
                if k == "outcome"
                else describe(k, v)
                for k, v in got
            ]
            raise Mismatch(f"expected log {json.dumps(want)}, got [{', '.join(shown)}]")

    def op_store_new(self, step: Dict[str, Any]) -> None:
        self.new_store(step["store"])

    def op_compile(self, step: Dict[str, Any]) -> None:
        self.module(step["module"])

    def op_instantiate(self, step: Dict[str, Any]) -> None:
        store = self.store_for(step)
        module = self.module(step["module"])
        if "imports" in step:
            items = []
            for imp in step["imports"]:
                if "host" in imp:
                    h = next(h for h in self.hosts if h["name"] == imp["host"])
                    s = self.stores[imp.get("store", "main")]
                    items.append(Func(s, self.functype(h), self.host_impl(h), access_caller=True))
                else:
                    items.append(self.export(imp["instance"], imp["export"]))
            inst = Instance(store, module, items)
        else:
            inst = self.linker.instantiate(store, module)
        sname = next(n for n, s in self.stores.items() if s is store)
        self.instances[step["as"]] = (inst, sname)

    def op_exports(self, step: Dict[str, Any]) -> None:
        inst, _ = self.instances[step["instance"]]
        inst.exports(self.store_for(step))

    def call_func(self, step: Dict[str, Any]) -> Any:
        store = self.store_for(step)
        f = self.export(step["instance"], step["export"])
        if not isinstance(f, Func):
            raise NotFound(f"export {step['export']!r} is not a function")
        args = [self.arg(store, a) for a in step["args"]]
        return len(f.type(store).results), f(store, *args)

    def op_call(self, step: Dict[str, Any]) -> Any:
        if not step.get("on_thread"):
            return self.call_func(step)
        out: List[Any] = []

        def other() -> None:
            try:
                out.append((True, self.call_func(step)))
            except BaseException as e:  # noqa: BLE001
                out.append((False, e))

        t = threading.Thread(target=other)
        t.start()
        t.join()
        ok, v = out[0]
        if not ok:
            raise v
        return v

    def op_host_call(self, step: Dict[str, Any]) -> Any:
        store = self.store_for(step)
        h = next(h for h in self.hosts if h["name"] == step["host"])
        f = Func(store, self.functype(h), self.host_impl(h), access_caller=True)
        return len(h["results"]), f(store, *[self.arg(store, a) for a in step["args"]])

    def item(self, step: Dict[str, Any]) -> Any:
        return self.export(step["instance"], step["export"])

    def op_memory_size(self, step: Dict[str, Any]) -> int:
        return int(self.item(step).size(self.store_for(step)))

    def op_memory_grow(self, step: Dict[str, Any]) -> int:
        return int(self.item(step).grow(self.store_for(step), int(step["delta"])))

    def op_memory_read(self, step: Dict[str, Any]) -> bytes:
        off, n = int(step["offset"]), int(step["length"])
        data = bytes(self.item(step).read(self.store_for(step), off, off + n))
        if len(data) != n:
            raise OutOfBounds(f"read of {n} bytes at {off} returned {len(data)}")
        return data

    def op_memory_write(self, step: Dict[str, Any]) -> None:
        self.item(step).write(self.store_for(step), bytes.fromhex(step["bytes"]), int(step["offset"]))

    def op_table_size(self, step: Dict[str, Any]) -> int:
        return int(self.item(step).size(self.store_for(step)))

    def op_table_get(self, step: Dict[str, Any]) -> Tuple[str, Any]:
        store = self.store_for(step)
        t = self.item(step)
        index = int(step["index"])
        if index >= t.size(store):
            raise OutOfBounds(f"table index {index} is past the end")
        v = t.get(store, index)
        return str(t.type(store).element), v

    def op_table_set(self, step: Dict[str, Any]) -> None:
        store = self.store_for(step)
        self.item(step).set(store, int(step["index"]), self.arg(store, step["value"]))

    def op_table_grow(self, step: Dict[str, Any]) -> int:
        store = self.store_for(step)
        return int(self.item(step).grow(store, int(step["delta"]), self.arg(store, step["init"])))

    def op_global_get(self, step: Dict[str, Any]) -> Tuple[str, Any]:
        store = self.store_for(step)
        g = self.item(step)
        return str(g.type(store).content), g.value(store)

    def op_global_set(self, step: Dict[str, Any]) -> None:
        store = self.store_for(step)
        self.item(step).set_value(store, self.arg(store, step["value"]))

    def op_set_fuel(self, step: Dict[str, Any]) -> None:
        self.store_for(step).set_fuel(int(step["fuel"]))

    def op_get_fuel(self, step: Dict[str, Any]) -> int:
        return int(self.store_for(step).get_fuel())

    def op_set_epoch_deadline(self, step: Dict[str, Any]) -> None:
        self.store_for(step).set_epoch_deadline(int(step["ticks"]))

    def op_increment_epoch(self, step: Dict[str, Any]) -> None:
        assert self.engine is not None
        self.engine.increment_epoch()

    def op_set_limits(self, step: Dict[str, Any]) -> None:
        self.store_for(step).set_limits(int(step["memory_size"]), int(step["table_elements"]), int(step["instances"]))

    def op_close_store(self, step: Dict[str, Any]) -> None:
        self.stores[step["store"]].close()

    def op_drop_engine(self, step: Dict[str, Any]) -> None:
        assert self.engine is not None
        self.engine.close()
        self.engine = None

    def op_drop_module(self, step: Dict[str, Any]) -> None:
        self.module(step["module"])
        del self.modules[step["module"]]

    def op_serialize(self, step: Dict[str, Any]) -> None:
        blob = self.module(step["module"]).serialize()
        c = step.get("corrupt")
        if c == "truncate_half":
            blob = blob[: len(blob) // 2]
        elif c == "flip_middle_byte":
            i = len(blob) // 2
            blob = blob[:i] + bytes([blob[i] ^ 0xFF]) + blob[i + 1 :]
        elif c == "flip_first_byte":
            blob = bytes([blob[0] ^ 0xFF]) + blob[1:]
        elif c == "flip_last_byte":
            blob = blob[:-1] + bytes([blob[-1] ^ 0xFF])
        elif c == "empty":
            blob = b""
        elif c == "append_byte":
            blob = blob + b"\0"
        elif c is not None:
            raise Mismatch(f"unknown corruption {c}")
        assert self.engine is not None
        self.modules[step["as"]] = Module.deserialize(self.engine, blob)

    def op_linker_define(self, step: Dict[str, Any]) -> None:
        store = self.store_for(step)
        self.linker.define(store, step["module"], step["name"], self.item(step))

    def op_linker_define_instance(self, step: Dict[str, Any]) -> None:
        inst, _ = self.instances[step["instance"]]
        self.linker.define_instance(self.store_for(step), step["module"], inst)

    def op_linker_define_host(self, step: Dict[str, Any]) -> None:
        self.hosts.append(step["host"])
        self.define_host(step["host"])

    def op_linker_allow_shadowing(self, step: Dict[str, Any]) -> None:
        self.linker.allow_shadowing = bool(step["allow"])

    def op_log(self, step: Dict[str, Any]) -> List[Tuple[str, Any]]:
        got, self.log = self.log, []
        return got

    def op_wasi_run(self, step: Dict[str, Any]) -> Dict[str, Any]:
        store = self.store_for(step)
        cfg = WasiConfig()
        cfg.argv = list(step["args"])
        cfg.env = [(k, v) for k, v in step["env"]]
        cfg.stdin_bytes = step["stdin"].encode("utf-8")
        cfg.stdout_capture()
        cfg.stderr_capture()
        store.set_wasi(cfg)
        inst = self.linker.instantiate(store, self.module(step["module"]))
        start = inst.exports(store).get("_start")
        if not isinstance(start, Func):
            raise NotFound("no exported function _start")
        code = 0
        try:
            start(store)
        except ExitTrap as e:
            code = e.code
        return {"exit_code": code, "stdout": store.wasi_stdout(), "stderr": store.wasi_stderr()}


# ---------------------------------------------------------------- the format
# A strict check of every scenario against scenarios/README.md, so that a
# misspelt field (an `expcet` that would default to "ok") fails the run
# instead of making a scenario pass vacuously.

VOCABULARY = {
    "add": [],
    "echo": [],
    "nop": [],
    "throw_host_error": ["message"],
    "trap": ["trap"],
    "call_back_into_wasm": ["export"],
    "record": [],
    "record_memory_byte": [],
    "grow_memory": [],
    "increment_epoch": [],
    "call_on_other_thread": ["export"],
    "close_store": [],
}
ERROR_KINDS = {
    "trap", "host_error", "wrong_store", "closed_store", "thread", "in_use", "arity", "type_mismatch",
    "link", "compile", "deserialize", "not_found", "out_of_bounds", "limit", "immutable", "not_enabled",
}  # fmt: skip
ITEM = ["instance", "export"]
# op: (required fields, optional fields, the success expectation's key or None)
OPS: Dict[str, Tuple[List[str], List[str], Optional[str]]] = {
    "store_new": (["store"], [], None),
    "compile": (["module"], [], None),
    "instantiate": (["module", "as"], ["store", "imports"], None),
    "exports": (["instance"], ["store"], None),
    "call": (ITEM + ["args"], ["store", "on_thread"], "results"),
    "host_call": (["host", "args"], ["store"], "results"),
    "memory_size": (ITEM, ["store"], "size"),
    "memory_grow": (ITEM + ["delta"], ["store"], "old_size"),
    "memory_read": (ITEM + ["offset", "length"], ["store"], "bytes"),
    "memory_write": (ITEM + ["offset", "bytes"], ["store"], None),
    "table_size": (ITEM, ["store"], "size"),
    "table_get": (ITEM + ["index"], ["store"], "value"),
    "table_set": (ITEM + ["index", "value"], ["store"], None),
    "table_grow": (ITEM + ["delta", "init"], ["store"], "old_size"),
    "global_get": (ITEM, ["store"], "value"),
    "global_set": (ITEM + ["value"], ["store"], None),
    "set_fuel": (["fuel"], ["store"], None),
    "get_fuel": ([], ["store"], "fuel"),
    "set_epoch_deadline": (["ticks"], ["store"], None),
    "increment_epoch": ([], [], None),
    "set_limits": (["memory_size", "table_elements", "instances"], ["store"], None),
    "close_store": (["store"], [], None),
    "drop_engine": ([], [], None),
    "drop_module": (["module"], [], None),
    "serialize": (["module", "as"], ["corrupt"], None),
    "linker_define": (["module", "name"] + ITEM, ["store"], None),
    "linker_define_instance": (["module", "instance"], ["store"], None),
    "linker_define_host": (["host"], [], None),
    "linker_allow_shadowing": (["allow"], [], None),
    "wasi_run": (["module", "args", "env", "stdin"], ["store"], "exit_code"),
    "log": ([], [], "log"),
}
DECIMAL_FIELDS = {"delta", "offset", "length", "index", "fuel", "ticks", "memory_size", "table_elements", "instances"}
CORRUPTIONS = {"truncate_half", "flip_first_byte", "flip_middle_byte", "flip_last_byte", "empty", "append_byte"}


def is_decimal(x: Any, lo: int, hi: int) -> bool:
    return isinstance(x, str) and re.fullmatch(r"-?[0-9]+", x) is not None and lo <= int(x) <= hi


def value_problem(v: Any, as_arg: bool) -> Optional[str]:
    """Why ``v`` is not a typed value (argument or expected form), or None."""
    if not isinstance(v, dict) or len(v) != 1 or next(iter(v)) not in VALTYPES:
        return f"not a typed value: {json.dumps(v)}"
    ((k, x),) = v.items()
    if k == "i32":
        ok = is_decimal(x, -(1 << 31), (1 << 32) - 1)
    elif k == "i64":
        ok = is_decimal(x, -(1 << 63), (1 << 64) - 1)
    elif k in ("f32", "f64", "v128"):
        digits = {"f32": "{1,8}", "f64": "{1,16}", "v128": "{32}"}[k]
        ok = isinstance(x, str) and re.fullmatch("0x[0-9a-fA-F]" + digits, x) is not None
    elif k == "funcref":
        ok = x is None or (isinstance(x, dict) and sorted(x) == sorted(ITEM) if as_arg else x == "non-null")
    else:
        ok = x is None or is_decimal(x, 0, (1 << 64) - 1)
    return None if ok else f"bad {k} value: {json.dumps(v)}"


def host_problems(h: Any) -> List[str]:
    if not isinstance(h, dict):
        return ["a host definition is not an object"]
    extra = VOCABULARY.get(h.get("func", ""), None)
    if extra is None:
        return [f"unknown vocabulary function {h.get('func')!r}"]
    out = [f"host definition lacks {k}" for k in ["module", "name", "func", "params", "results"] + extra if k not in h]
    allowed = {"module", "name", "func", "params", "results", "message", "trap", "export", "args"}
    out += [f"host definition has unknown field {k!r}" for k in h if k not in allowed]
    for t in h.get("params", []) + h.get("results", []):
        if t not in VALTYPES:
            out.append(f"host definition has unknown type {t!r}")
    if "trap" in h and h["trap"] not in TRAP_NAMES.values():
        out.append(f"unknown trap code {h['trap']!r}")
    out += [p for p in (value_problem(a, True) for a in h.get("args", [])) if p]
    return out


def expect_problems(op: str, e: Any, success_key: Optional[str]) -> List[str]:
    if e == "ok":
        return [] if success_key in (None, "results") or op == "host_call" else [f"{op} needs a value expectation"]
    if not isinstance(e, dict):
        return [f"bad expectation {json.dumps(e)}"]
    if "error" in e:
        out = [] if e["error"] in ERROR_KINDS else [f"unknown error kind {e['error']!r}"]
        allowed = {"error"} | ({"trap", "frames"} if e["error"] == "trap" else set())
        allowed |= {"message"} if e["error"] == "host_error" else set()
        out += [f"error expectation has unknown field {k!r}" for k in e if k not in allowed]
        if e["error"] == "trap" and e.get("trap") not in TRAP_NAMES.values():
            out.append(f"unknown trap code {e.get('trap')!r}")
        if e["error"] == "trap" and "frames" in e:
            fr = e["frames"]
            if not isinstance(fr, list) or not all(f is None or isinstance(f, str) for f in fr):
                out.append("frames must be a list of names or nulls")
        if e["error"] == "host_error" and not isinstance(e.get("message"), str):
            out.append("a host_error expectation needs its message")
        return out
    keys = sorted(e)
    if success_key == "exit_code":
        if keys != ["exit_code", "stderr", "stdout"] or not isinstance(e["exit_code"], int):
            return [f"bad wasi_run expectation {json.dumps(e)}"]
        return []
    if keys != [success_key]:
        return [f"{op} expects {{{success_key!r}: ...}}, not {json.dumps(e)}"]
    x = e[success_key]
    if success_key == "results":
        return [p for p in (value_problem(v, False) for v in x) if p] if isinstance(x, list) else ["results is a list"]
    if success_key == "value":
        p = value_problem(x, False)
        return [p] if p else []
    if success_key == "bytes":
        return [] if isinstance(x, str) and re.fullmatch(r"([0-9a-fA-F]{2})*", x) else ["bytes are hex digit pairs"]
    if success_key == "log":
        if not isinstance(x, list):
            return ["log is a list"]
        out = []
        for entry in x:
            if entry == {"ok": True} or (isinstance(entry, dict) and sorted(entry) == ["error"]):
                continue
            p = value_problem(entry, False)
            if p:
                out.append(p)
        return out
    return [] if is_decimal(x, 0, (1 << 64) - 1) else [f"{success_key} is a decimal string"]


def format_problems(sc: Any) -> List[str]:
    """Every way scenario ``sc`` departs from the format, or []."""
    if not isinstance(sc, dict):
        return ["a scenario is not an object"]
    allowed = {"name", "description", "config", "wasi", "modules", "host", "steps"}
    out = [f"unknown scenario field {k!r}" for k in sc if k not in allowed]
    if not isinstance(sc.get("name"), str) or "/" not in sc.get("name", ""):
        out.append("name must be a string 'area/name'")
    cfg = sc.get("config", {})
    for k, v in cfg.items():
        if k in (
            "consume_fuel",
            "epoch_interruption",
            "static_memory_guard",
            "wasm_wide_arithmetic",
            "wasm_custom_page_sizes",
        ):
            if not isinstance(v, bool):
                out.append(f"config {k} is a boolean")
        elif k == "max_wasm_stack":
            if not is_decimal(v, 1, (1 << 64) - 1):
                out.append("config max_wasm_stack is a decimal string")
        else:
            out.append(f"unknown config {k!r}")
    modules = sc.get("modules", {})
    for n, m in modules.items():
        if not isinstance(m, str) and not (isinstance(m, dict) and list(m) == ["hex"]):
            out.append(f"module {n} is text or {{'hex': ...}}")
    hosts = sc.get("host", [])
    for h in hosts:
        out += host_problems(h)
    names = {h.get("name") for h in hosts if isinstance(h, dict)}
    made_modules = set(modules)
    steps = sc.get("steps")
    if not isinstance(steps, list) or not steps:
        return out + ["steps is a non-empty list"]
    for i, st in enumerate(steps):
        where = f"step {i + 1}"
        op = st.get("op") if isinstance(st, dict) else None
        if op not in OPS:
            out.append(f"{where}: unknown op {op!r}")
            continue
        req, opt, success_key = OPS[op]
        out += [f"{where} ({op}): lacks {k!r}" for k in req if k not in st]
        known = set(req) | set(opt) | {"op", "expect", "repeat"}
        out += [f"{where} ({op}): unknown field {k!r}" for k in st if k not in known]
        if "repeat" in st and not (isinstance(st["repeat"], int) and st["repeat"] >= 1):
            out.append(f"{where}: repeat is a positive integer")
        for k in DECIMAL_FIELDS & set(st):
            if not is_decimal(st[k], -1 if op == "set_limits" else 0, (1 << 64) - 1):
                out.append(f"{where} ({op}): {k} is a decimal string")
        for k in ("args",) if op in ("call", "host_call") else ():
            out += [f"{where}: {p}" for p in (value_problem(a, True) for a in st.get(k, [])) if p]
        for k in ("value", "init"):
            if k in st:
                p = value_problem(st[k], True)
                if p:
                    out.append(f"{where}: {p}")
        if op == "log" and "expect" not in st:
            out.append(f"{where}: log needs an expectation")
        out += [f"{where} ({op}): {p}" for p in expect_problems(op, st.get("expect", "ok"), success_key)]
        if (
            op in ("compile", "instantiate", "drop_module", "serialize", "wasi_run")
            and st.get("module") not in made_modules
        ):
            out.append(f"{where} ({op}): no module {st.get('module')!r}")
        if op == "serialize":
            made_modules.add(st.get("as"))
            if "corrupt" in st and st["corrupt"] not in CORRUPTIONS:
                out.append(f"{where}: unknown corruption {st['corrupt']!r}")
        if op == "host_call" and st.get("host") not in names:
            out.append(f"{where}: no host definition {st.get('host')!r}")
        if op == "linker_define_host":
            out += [f"{where}: {p}" for p in host_problems(st["host"])]
            names.add(st["host"].get("name"))
        for imp in st.get("imports", []) if op == "instantiate" else []:
            ok = (isinstance(imp, dict) and sorted(imp) == sorted(ITEM)) or (
                isinstance(imp, dict) and "host" in imp and set(imp) <= {"host", "store"} and imp["host"] in names
            )
            if not ok:
                out.append(f"{where}: bad import {json.dumps(imp)}")
    return out


def load(directory: str) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                out.extend(json.load(f)["scenarios"])
    return out


def load_expected_failures(path: str) -> Dict[str, str]:
    out: Dict[str, str] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    name, _, reason = line.partition(" ")
                    out[name] = reason.strip()
    return out


def main(argv: List[str]) -> int:
    directory = DEFAULT_DIR
    filt = None
    verbose = False
    rest = list(argv)
    while rest:
        a = rest.pop(0)
        if a == "--filter":
            filt = rest.pop(0)
        elif a == "-v":
            verbose = True
        else:
            directory = a
    expected = load_expected_failures(os.path.join(HERE, "expected_failures.txt"))
    scenarios = load(directory)
    names = [s["name"] for s in scenarios]
    dupes = {n for n in names if names.count(n) > 1}
    passed = failed = bad = 0
    for n in sorted(dupes):
        print(f"FAIL {n}: scenario name used more than once")
        bad += 1
    for n in sorted(set(expected) - set(names)):
        print(f"FAIL {n}: listed in expected_failures.txt but no such scenario")
        bad += 1
    for sc in scenarios:
        name = sc["name"]
        if filt is not None and filt not in name:
            continue
        problems = format_problems(sc)
        if problems:
            print(f"FAIL {name}: not in the format of scenarios/README.md: {'; '.join(problems)}")
            failed += 1
            bad += 1
            continue
        try:
            Scenario(sc).run()
            problem = None
        except Mismatch as m:
            problem = str(m)
        except Exception as e:  # noqa: BLE001 (a runner error is a failure, not a crash)
            problem = f"runner error: {type(e).__name__}: {e}"
        if problem is None:
            passed += 1
            if name in expected:
                print(
                    f"FAIL {name}: listed as an expected failure ({expected[name]}) but passes: remove it from the list"
                )
                bad += 1
            elif verbose:
                print(f"ok {name}")
        else:
            failed += 1
            if name in expected:
                print(f"expected failure {name}: {problem}")
            else:
                print(f"FAIL {name}: {problem}")
                bad += 1
    if expected:
        print(f"expected failures listed: {len(expected)} ({os.path.join(HERE, 'expected_failures.txt')})")
    print(f"scenarios: {passed} passed, {failed} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    _ = petrel  # the public package only
    sys.exit(main(sys.argv[1:]))
