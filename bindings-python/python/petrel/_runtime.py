"""The idiomatic layer: ``Config``, ``Engine``, ``Module``, ``Store``,
``Instance``, ``Func``, ``Caller``, ``Memory``, ``Table``, ``Global`` and
``Linker``, shaped like wasmtime-py and built only on the generated low-level
layer (``_lowlevel``), never on anything below the C API.

Handles (``Func``, ``Memory``, ...) are ``{store id, index}`` values; every
operation takes the store explicitly (``func(store, *args)``) and the C API
checks the pair, so a handle used with another store, a closed store, or a
caller outside its callback raises instead of crashing. A store is used by one
thread at a time: a second thread gets a ``PetrelError``. The GIL is released
while wasm runs.
"""

from __future__ import annotations

import itertools
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _lowlevel as ll
from ._errors import PetrelError, Trap, stash_exception
from ._floats import f32_from_bits, f32_to_bits, signed32
from ._lowlevel import ExternKind, OptLevel, TrapCode, ValKind, check, ffi, lib
from ._types import (
    AnyType,
    ExportType,
    FuncType,
    GlobalType,
    ImportType,
    MemoryType,
    TableType,
    Val,
    ValType,
    externtype_from_c,
)
from ._wasi import captured_bytes

if TYPE_CHECKING:
    from ._wasi import WasiConfig

I32 = int(ValKind.I32)
I64 = int(ValKind.I64)
F32 = int(ValKind.F32)
F64 = int(ValKind.F64)
V128 = int(ValKind.V128)
FUNCREF = int(ValKind.FUNCREF)
EXTERNREF = int(ValKind.EXTERNREF)

_OPT_LEVELS = {level.name.lower(): int(level) for level in OptLevel}


def wat2wasm(wat: Union[str, bytes]) -> bytes:
    """Translates WebAssembly text to the binary format."""
    out = ll.wat2wasm(wat)
    try:
        return bytes(ffi.buffer(out.data, out.len))
    finally:
        p = ffi.new("petrel_bytes_t *", out)
        lib.petrel_bytes_delete(p)


class Config:
    """Engine settings, set as properties (``config.consume_fuel = True``)."""

    def __init__(self) -> None:
        self._ptr = ffi.gc(ll.config_new(), lib.petrel_config_delete)

    def _flag(name: str, doc: str) -> property:  # type: ignore[misc]  # noqa: N805
        setter = getattr(ll, "config_" + name)

        def fset(self: "Config", value: bool) -> None:
            setter(self._ptr, bool(value))

        return property(None, fset, doc=doc)

    wasm_simd = _flag("wasm_simd", "Enables 128-bit SIMD.")
    wasm_reference_types = _flag("wasm_reference_types", "Enables reference types.")
    wasm_bulk_memory = _flag("wasm_bulk_memory", "Enables bulk memory operations.")
    wasm_multi_value = _flag("wasm_multi_value", "Enables multi-value.")
    wasm_sign_extension = _flag("wasm_sign_extension", "Enables sign-extension operators.")
    wasm_saturating_float_to_int = _flag("wasm_saturating_float_to_int", "Enables saturating conversions.")
    wasm_extended_const = _flag("wasm_extended_const", "Enables add, sub and mul in constant expressions.")
    wasm_multi_memory = _flag("wasm_multi_memory", "Enables several memories per module.")
    wasm_tail_call = _flag("wasm_tail_call", "Enables return_call and return_call_indirect.")
    wasm_relaxed_simd = _flag("wasm_relaxed_simd", "Enables relaxed SIMD (deterministic results).")
    wasm_wide_arithmetic = _flag("wasm_wide_arithmetic", "Enables i64.add128, i64.sub128 and i64.mul_wide_*.")
    wasm_memory64 = _flag("wasm_memory64", "Enables 64-bit memories and tables (on by default).")
    wasm_custom_page_sizes = _flag("wasm_custom_page_sizes", "Enables memories with 1-byte pages (off by default).")
    consume_fuel = _flag("consume_fuel", "Makes wasm count fuel (see Store.set_fuel).")
    epoch_interruption = _flag("epoch_interruption", "Makes wasm check the epoch deadline.")
    parallel_compilation = _flag("parallel_compilation", "Compiles functions on several threads.")
    static_memory_guard = _flag("static_memory_guard", "Reserves 4 GiB + guard per memory.")
    del _flag

    @property
    def max_wasm_stack(self) -> None:
        raise AttributeError("max_wasm_stack is write-only")

    @max_wasm_stack.setter
    def max_wasm_stack(self, size: int) -> None:
        ll.config_max_wasm_stack(self._ptr, size)

    @property
    def module_key(self) -> None:
        """The 32-byte secret key that seals serialized modules
        (``Module.serialize``) and authenticates them when they are loaded
        (``Module.deserialize``); write-only. Engines configured with the same
        key load each other's serialized modules; anyone who knows the key can
        make modules they will load and run, so keep it where only your
        program can read it. Without a key each engine uses a random one of
        its own.
        """
        raise AttributeError("module_key is write-only")

    @module_key.setter
    def module_key(self, key: Union[bytes, bytearray, memoryview]) -> None:
        if not isinstance(key, (bytes, bytearray, memoryview)):
            raise TypeError(f"a module key is 32 bytes, not {type(key).__name__}")
        ll.config_module_key(self._ptr, bytes(key))

    def generate_module_key(self) -> bytes:
        """Draws a fresh random module key, sets it (as ``module_key = ...``
        does) and returns it, so it can be stored for other processes."""
        out = ll.config_generate_module_key(self._ptr)
        try:
            return bytes(ffi.buffer(out.data, out.len))
        finally:
            lib.petrel_bytes_delete(ffi.new("petrel_bytes_t *", out))

    @property
    def cache(self) -> None:
        """The compilation cache; write-only. ``True`` stores compiled modules
        in the user's cache directory (``$XDG_CACHE_HOME/petrel/modules``)
        and loads them from there in later processes instead of compiling,
        with entries authenticated by the key in
        ``$XDG_CONFIG_HOME/petrel/cache-key`` (created when missing). Use
        ``cache_in`` to choose the places. ``False`` is the default."""
        raise AttributeError("cache is write-only")

    @cache.setter
    def cache(self, enabled: bool) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f"cache is True or False, not {type(enabled).__name__}; use cache_in() for a directory")
        if enabled:
            check(lib.petrel_config_cache(self._ptr, ffi.NULL, 0, ffi.NULL, 0))
            self._cache_on = True
        elif getattr(self, "_cache_on", False):
            raise PetrelError("the compilation cache cannot be turned off once set; use a new Config")

    def cache_in(self, directory: Union[str, "os.PathLike[str]"], key_file: Union[str, "os.PathLike[str]"]) -> None:
        """Turns the compilation cache on with entries in ``directory`` and
        their key in ``key_file`` (outside ``directory``). Both are created
        when missing; the engine refuses a directory other users can write
        and a key file other users can read."""
        ll.config_cache(self._ptr, os.fspath(directory), os.fspath(key_file))
        self._cache_on = True

    @property
    def cranelift_opt_level(self) -> None:
        raise AttributeError("cranelift_opt_level is write-only")

    @cranelift_opt_level.setter
    def cranelift_opt_level(self, level: str) -> None:
        if level not in _OPT_LEVELS:
            raise ValueError(f"unknown optimisation level {level!r}: use one of {sorted(_OPT_LEVELS)}")
        ll.config_opt_level(self._ptr, _OPT_LEVELS[level])


class Engine:
    """Compiles modules; shared by the stores and modules made with it."""

    def __init__(self, config: Optional[Config] = None) -> None:
        self._ptr: Any = None  # so that __del__ of a failed __init__ finds it
        cfg = config._ptr if config is not None else ffi.NULL
        self._ptr = ll.engine_new(cfg)

    def _p(self) -> Any:
        if self._ptr is None:
            raise PetrelError("the engine is closed")
        return self._ptr

    def cache_statistics(self) -> Optional[Dict[str, int]]:
        """What the compilation cache has done (``hits``, ``misses``,
        ``rejected``), or ``None`` when the engine has no cache."""
        hits, misses, rejected, enabled = ll.engine_cache_statistics(self._p())
        if not enabled:
            return None
        return {"hits": hits, "misses": misses, "rejected": rejected}

    def increment_epoch(self) -> None:
        """Advances the epoch (interrupts stores whose deadline it reaches). Thread-safe."""
        ll.engine_increment_epoch(self._p())

    def close(self) -> None:
        """Frees the engine. Modules and stores made with it keep working."""
        if self._ptr is not None:
            lib.petrel_engine_delete(self._ptr)
            self._ptr = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


class Module:
    """A compiled module, from the binary or text format."""

    def __init__(self, engine: Engine, wasm: Union[str, bytes, bytearray, memoryview]) -> None:
        if isinstance(wasm, str):
            wasm = wasm.encode("utf-8")
        self._ptr = ffi.gc(ll.module_new(engine._p(), wasm), lib.petrel_module_delete)
        self.engine = engine

    @classmethod
    def from_file(cls, engine: Engine, path: Union[str, "os.PathLike[str]"]) -> "Module":
        with open(path, "rb") as f:
            return cls(engine, f.read())

    @classmethod
    def deserialize_file(cls, engine: Engine, path: Union[str, "os.PathLike[str]"]) -> "Module":
        """Loads a serialized module from a file (see ``Module.deserialize``)."""
        with open(path, "rb") as f:
            return cls.deserialize(engine, f.read())

    @staticmethod
    def validate(engine: Engine, wasm: Union[bytes, bytearray, memoryview]) -> None:
        """Raises ``PetrelError`` unless ``wasm`` is a valid binary module."""
        ll.module_validate(engine._p(), wasm)

    def serialize(self) -> bytes:
        """The compiled module as bytes, sealed with the engine's module key
        (see ``Config.module_key`` and ``Module.deserialize``)."""
        out = ll.module_serialize(self._ptr)
        try:
            return bytes(ffi.buffer(out.data, out.len))
        finally:
            lib.petrel_bytes_delete(ffi.new("petrel_bytes_t *", out))

    @classmethod
    def deserialize(cls, engine: Engine, encoded: Union[bytes, bytearray, memoryview]) -> "Module":
        """Loads a module written by ``Module.serialize``.

        Safe for any bytes: their MAC is verified with the engine's module key
        before anything is decoded, so only modules sealed by this engine, or
        by one configured with the same ``Config.module_key``, load (and only
        from the same Petrel build and engine settings). Anything else raises
        ``PetrelError`` naming the reason ("authentication failed",
        "truncated", "not a compiled Petrel module", "different Petrel version
        or engine configuration", ...).
        """
        m = cls.__new__(cls)
        m._ptr = ffi.gc(ll.module_deserialize(engine._p(), encoded), lib.petrel_module_delete)
        m.engine = engine
        return m

    @property
    def name(self) -> Optional[str]:
        s = ll.module_name(self._ptr)
        return None if s.data == ffi.NULL else _str(s)

    @property
    def imports(self) -> List[ImportType]:
        out = []
        for i in range(ll.module_import_count(self._ptr)):
            mod, name, ty = ll.module_import(self._ptr, i)
            out.append(ImportType(_str(mod), _str(name), externtype_from_c(ty)))
        return out

    @property
    def exports(self) -> List[ExportType]:
        out = []
        for i in range(ll.module_export_count(self._ptr)):
            name, ty = ll.module_export(self._ptr, i)
            out.append(ExportType(_str(name), externtype_from_c(ty)))
        return out


def _str(s: Any) -> str:
    return bytes(ffi.buffer(s.data, s.len)).decode("utf-8")


# Python objects the C side refers to by key: store data, host functions,
# extern references. Each key is removed by its finalizer.
_objects: Dict[int, Any] = {}
_keys = itertools.count(1)
_objects_lock = threading.Lock()


def _keep(obj: Any) -> Any:
    key = next(_keys)
    with _objects_lock:
        _objects[key] = obj
    return ffi.cast("void *", key)


def _finalize_impl(data: Any) -> None:
    with _objects_lock:
        _objects.pop(int(ffi.cast("uintptr_t", data)), None)


# The C finalizer of every Python object handed to the C side.
_finalize: Any = ffi.callback("petrel_finalizer_t", _finalize_impl)


def _lookup(data: Any) -> Any:
    return _objects.get(int(ffi.cast("uintptr_t", data)))


class Store:
    """Owns every instance, function, memory, table and global made in it."""

    def __init__(self, engine: Engine, data: Any = None) -> None:
        self._data_ref = [data]
        self._ptr: Any = ll.store_new(engine._p(), _keep(self._data_ref), _finalize)
        self._id: int = ll.store_id(self._ptr)
        self._views: List[memoryview] = []
        self._closed = False
        self.engine = engine
        _store_objects[self._id] = self

    @property
    def data(self) -> Any:
        """The data given at creation (settable)."""
        return self._data_ref[0]

    @data.setter
    def data(self, value: Any) -> None:
        self._data_ref[0] = value

    def set_fuel(self, fuel: int) -> None:
        """Sets the fuel available to wasm (needs ``Config.consume_fuel``)."""
        ll.store_set_fuel(self._ptr, fuel)

    def get_fuel(self) -> int:
        """The fuel left."""
        return ll.store_get_fuel(self._ptr)

    def set_epoch_deadline(self, ticks_beyond_current: int) -> None:
        """Interrupt wasm once the engine's epoch advances this many ticks."""
        ll.store_set_epoch_deadline(self._ptr, ticks_beyond_current)

    def set_limits(self, memory_size: int = -1, table_elements: int = -1, instances: int = -1) -> None:
        """Caps memory bytes, table elements and instances (-1: no limit)."""
        ll.store_limiter(self._ptr, memory_size, table_elements, instances)

    def set_wasi(self, wasi: "WasiConfig") -> None:
        """Makes ``wasi`` the store's WASI configuration, replacing an earlier one.

        The configuration is taken (even when this raises): it cannot be used
        again. Functions defined by ``Linker.define_wasi`` use it; a store
        without one gives programs the defaults of ``WasiConfig()``.
        """
        ll.store_set_wasi(self._ptr, wasi._consume())

    def wasi_stdout(self) -> bytes:
        """Everything the WASI program wrote to standard output so far, when
        captured (``WasiConfig.stdout_capture``). Petrel extension."""
        return captured_bytes(ll.store_wasi_stdout(self._ptr))

    def wasi_stderr(self) -> bytes:
        """Like ``wasi_stdout``, for standard error (``WasiConfig.stderr_capture``)."""
        return captured_bytes(ll.store_wasi_stderr(self._ptr))

    def gc(self) -> None:
        """Nothing to collect: references live until the store is closed."""

    def close(self) -> None:
        """Frees everything in the store; later uses raise ``PetrelError``.

        Memory views made by ``Memory.buffer`` are released first (raises
        ``BufferError``, leaving the store open, if one is still exported).
        """
        if self._closed:
            return
        for v in self._views:
            v.release()
        self._views.clear()
        ll.store_close(self._ptr)
        self._closed = True

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        ptr = getattr(self, "_ptr", None)
        if ptr is not None:
            for v in self._views:
                try:
                    v.release()
                except BufferError:
                    # Still exported elsewhere: keep the memory mapped.
                    return
            self._ptr = None
            err = lib.petrel_store_delete(ptr)
            if err:
                lib.petrel_error_delete(err)


StoreLike = Union[Store, "Caller"]


def _sp(store: Any) -> Any:
    try:
        p = store._ptr
    except AttributeError:
        raise TypeError(f"expected a Store or Caller, got {type(store).__name__}") from None
    if p is None:
        raise PetrelError("this caller is no longer valid (used after its host function returned)")
    return p


class Caller:
    """What a host function (``access_caller=True``) sees: the calling
    instance's exports and the store's data; usable wherever a store is."""

    def __init__(self, caller: Any) -> None:
        self._caller = caller
        self._ptr: Any = ll.caller_store(caller)
        self._id: int = ll.store_id(self._ptr)

    def _invalidate(self) -> None:
        self._ptr = None
        self._caller = None

    @property
    def data(self) -> Any:
        """The store's data."""
        if self._caller is None:
            raise PetrelError("this caller is no longer valid (used after its host function returned)")
        return _lookup(ll.caller_data(self._caller))[0]

    def get(self, name: str) -> Optional["Extern"]:
        """The caller's export ``name``, or None."""
        if self._caller is None:
            raise PetrelError("this caller is no longer valid (used after its host function returned)")
        item, found = ll.caller_export_get(self._caller, name)
        return _extern_from_c(item) if found else None

    def __getitem__(self, name: str) -> "Extern":
        e = self.get(name)
        if e is None:
            raise KeyError(name)
        return e


# ---------------------------------------------------------------- values


def _to_raw(store: Any, slot: Any, kind: int, v: Any) -> None:
    """Writes Python value ``v`` of wasm kind ``kind`` into a raw slot."""
    if isinstance(v, Val):
        if v.type.kind != kind:
            raise TypeError(f"expected a {ValType(kind)} value, got {v.type}")
        v = v.value
    if kind == I32:
        slot.i32 = v - (1 << 32) if isinstance(v, int) and v >= (1 << 31) else v
    elif kind == I64:
        slot.i64 = v - (1 << 64) if isinstance(v, int) and v >= (1 << 63) else v
    elif kind == F32:
        slot.i32 = signed32(f32_to_bits(v))
    elif kind == F64:
        slot.f64 = v
    elif kind == V128:
        slot.v128 = list(int(v).to_bytes(16, "little"))
    elif kind == FUNCREF:
        slot.funcref = _funcref_index(store, v)
    else:
        slot.externref = _externref_index(store, v)


def _funcref_index(store: Any, v: Any) -> int:
    if v is None:
        return 0
    if not isinstance(v, Func):
        raise TypeError(f"expected a Func or None for a funcref, got {type(v).__name__}")
    if v._store_id != store._id:
        raise PetrelError("object used with the wrong store")
    return v._index + 1


def _externref_index(store: Any, v: Any) -> int:
    if v is None:
        return 0
    r = ll.externref_new(_sp(store), _keep([v]), _finalize)
    return int(r.index) + 1


def _from_raw(store: Any, slot: Any, kind: int) -> Any:
    if kind == I32:
        return slot.i32
    if kind == I64:
        return slot.i64
    if kind == F32:
        return f32_from_bits(slot.i32 & 0xFFFFFFFF)
    if kind == F64:
        return slot.f64
    if kind == V128:
        return int.from_bytes(bytes(slot.v128), "little")
    if kind == FUNCREF:
        n = slot.funcref
        return None if n == 0 else Func._make(store._id, n - 1)
    n = slot.externref
    return None if n == 0 else _externref_value(store, store._id, n - 1)


def _externref_value(store: Any, store_id: int, index: int) -> Any:
    h = ffi.new("petrel_externref_t *")
    h.store_id = store_id
    h.index = index
    return _lookup(ll.externref_data(_sp(store), h[0]))[0]


def _val_to_c(store: Any, kind: int, v: Any) -> Any:
    """A ``petrel_val_t *`` holding ``v`` as a value of ``kind``."""
    c = ffi.new("petrel_val_t *")
    c.kind = kind
    if isinstance(v, Val):
        if v.type.kind != kind:
            raise TypeError(f"expected a {ValType(kind)} value, got {v.type}")
        v = v.value
    if kind == FUNCREF:
        if v is not None:
            if not isinstance(v, Func):
                raise TypeError(f"expected a Func or None for a funcref, got {type(v).__name__}")
            c.of.funcref.store_id = v._store_id
            c.of.funcref.index = v._index
    elif kind == EXTERNREF:
        if v is not None:
            r = ll.externref_new(_sp(store), _keep([v]), _finalize)
            c.of.externref = r
    elif kind == I32:
        c.of.i32 = v - (1 << 32) if isinstance(v, int) and v >= (1 << 31) else v
    elif kind == I64:
        c.of.i64 = v - (1 << 64) if isinstance(v, int) and v >= (1 << 63) else v
    elif kind == F32:
        c.of.i32 = signed32(f32_to_bits(v))
    elif kind == F64:
        c.of.f64 = v
    else:
        c.of.v128 = list(int(v).to_bytes(16, "little"))
    return c


def _val_from_c(store: Any, c: Any) -> Any:
    k = c.kind
    if k == I32:
        return c.of.i32
    if k == I64:
        return c.of.i64
    if k == F32:
        return f32_from_bits(c.of.i32 & 0xFFFFFFFF)
    if k == F64:
        return c.of.f64
    if k == V128:
        return int.from_bytes(bytes(c.of.v128), "little")
    if k == FUNCREF:
        f = c.of.funcref
        return None if f.store_id == 0 else Func._make(f.store_id, f.index)
    e = c.of.externref
    return None if e.store_id == 0 else _externref_value(store, e.store_id, e.index)


# ---------------------------------------------------------------- items


class Func:
    """A function of a store: call it as ``func(store, *args)``."""

    __slots__ = ("_store_id", "_index", "_c", "__weakref__")

    def __init__(self, store: StoreLike, ty: FuncType, func: Callable[..., Any], access_caller: bool = False) -> None:
        key = _keep(_HostFunc(func, ty, access_caller))
        h = ll.func_new(_sp(store), ty._to_c(), _host_trampoline, key, _finalize)
        self._init(h.store_id, h.index)

    def _init(self, store_id: int, index: int) -> None:
        self._store_id = store_id
        self._index = index
        self._c = ffi.new("petrel_func_t *")
        self._c.store_id = store_id
        self._c.index = index

    @classmethod
    def _make(cls, store_id: int, index: int) -> "Func":
        f = cls.__new__(cls)
        f._init(store_id, index)
        return f

    def type(self, store: StoreLike) -> FuncType:
        """The function's type."""
        return FuncType._from_c(ll.func_type(_sp(store), self._c[0]))

    def __call__(self, store: StoreLike, *args: Any) -> Any:
        """Calls the function: ``func(store, *args)``; one result is returned
        as is, several as a list, none as None.

        The first call looks up the type and switches this object to the
        class specialised to its signature, whose ``__call__`` takes the
        arguments positionally (a wrong count raises ``TypeError``).
        """
        ty = self.type(store)
        self.__class__ = _signature_class([t.kind for t in ty.params], [t.kind for t in ty.results])
        return self(store, *args)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Func) and (self._store_id, self._index) == (other._store_id, other._index)

    def __hash__(self) -> int:
        return hash((self._store_id, self._index))

    def __repr__(self) -> str:
        return f"<Func store={self._store_id} index={self._index}>"


# Typed views of a raw buffer: C type and number of view elements per
# 16-byte slot, by value kind. f32 values go through their bits (_floats),
# so a NaN keeps its payload and signalling bit.
_VIEWS = {I32: ("int32_t", 4), I64: ("int64_t", 2), F32: ("uint32_t", 4), F64: ("double", 2)}
_VIEW_NAMES = {I32: "v_i32", I64: "v_i64", F32: "v_f32", F64: "v_f64"}


def _convert_args(store: Any, raw: Any, params: List[int], args: Sequence[Any]) -> None:
    """The general argument conversion (``Val``s, unsigned integers, references)."""
    for i, k in enumerate(params):
        _to_raw(store, raw[i], k, args[i])


_SIGNATURE_CLASSES: Dict[Tuple[Tuple[int, ...], Tuple[int, ...]], type] = {}
_SIGNATURE_LOCK = threading.Lock()


def _signature_class(params: List[int], results: List[int]) -> type:
    """The ``Func`` subclass whose ``__call__`` is specialised to a signature.

    A ``Func`` switches to it on its first call (same slots, so only the
    class changes). Numeric signatures get straight-line code: the
    arguments go into typed views of a buffer taken from a pool (thread-safe:
    ``list.pop`` and ``list.append`` are atomic, and a buffer is never shared
    while a call with the GIL released uses it), one C call, the results come
    out of the same views. Anything unusual (a ``Val``, an unsigned integer,
    a wrong type) takes the general path, which raises the right exception.
    """
    key = (tuple(params), tuple(results))
    with _SIGNATURE_LOCK:
        cls = _SIGNATURE_CLASSES.get(key)
        if cls is None:
            cls = _build_signature_class(params, results)
            _SIGNATURE_CLASSES[key] = cls
    return cls


def _build_signature_class(params: List[int], results: List[int]) -> type:
    n = max(len(params), len(results), 1)
    nparams = len(params)
    pool: List[Any] = []
    numeric = all(k in _VIEWS for k in params + results)
    used = sorted({k for k in params + results if k in _VIEWS})

    def new() -> Any:
        raw = ffi.new("petrel_valraw_t[]", n)
        return (raw,) + tuple(ffi.cast(_VIEWS[k][0] + " *", raw) for k in used)

    env = {
        "pop": pool.pop,
        "push": pool.append,
        "new": new,
        "call_raw": lib.petrel_func_call_raw,
        "check": check,
        "PetrelError": PetrelError,
        "convert_args": _convert_args,
        "from_raw": _from_raw,
        "params": params,
        "f32_to_bits": f32_to_bits,
        "f32_from_bits": f32_from_bits,
    }
    names = ", ".join(["raw"] + [_VIEW_NAMES[k] for k in used])
    argnames = [f"a{i}" for i in range(nparams)]
    lines = [
        f"def __call__(self, store{''.join(', ' + a for a in argnames)}):",
        "    try:",
        "        s = store._ptr",
        "        b = pop()",
        "    except AttributeError:",
        "        raise TypeError('expected a Store or Caller, got %s' % type(store).__name__) from None",
        "    except IndexError:",
        "        b = new()",
        "    if s is None:",
        "        raise PetrelError('this caller is no longer valid (used after its host function returned)')",
        f"    {names}, = b" if names == "raw" else f"    {names} = b",
    ]
    if numeric and nparams:
        lines.append("    try:")
        for i, k in enumerate(params):
            value = f"f32_to_bits(a{i})" if k == F32 else f"a{i}"
            lines.append(f"        {_VIEW_NAMES[k]}[{i * _VIEWS[k][1]}] = {value}")
        lines.append("    except (TypeError, OverflowError):")
        lines.append(f"        convert_args(store, raw, params, ({''.join(a + ', ' for a in argnames)}))")
    elif nparams:
        lines.append(f"    convert_args(store, raw, params, ({''.join(a + ', ' for a in argnames)}))")
    lines += [
        f"    err = call_raw(s, self._c, raw, {n})",
        "    if err:",
        "        push(b)",
        "        check(err)",
    ]
    outs = []
    for i, k in enumerate(results):
        if numeric:
            view = f"{_VIEW_NAMES[k]}[{i * _VIEWS[k][1]}]"
            outs.append(f"f32_from_bits({view})" if k == F32 else view)
        else:
            outs.append(f"from_raw(store, raw[{i}], {k})")
    if not outs:
        lines += ["    push(b)", "    return None"]
    elif len(outs) == 1:
        lines += [f"    r = {outs[0]}", "    push(b)", "    return r"]
    else:
        lines += [f"    r = [{', '.join(outs)}]", "    push(b)", "    return r"]
    helper = _scalar_helper(params, results)
    if helper is not None:
        # The fastest path: one compiled call with the arguments as C
        # scalars (see bindings-python/native/fastcall.py); anything the C
        # types refuse falls back to the buffer path above.
        lines[0] = lines[0].replace("def __call__(", "def call_buf(")
        arglist = "".join(", " + a for a in argnames)
        res = results[0] if results else None
        failed = "r" if res is None else ("r != r" if res in (F32, F64) else "r == SENTINEL")
        sentinel = lib.PETREL_PY_SENTINEL_I32 if res == I32 else lib.PETREL_PY_SENTINEL_I64
        env.update(helper=helper, take_error=lib.petrel_py_take_error, SENTINEL=sentinel, fail=_scalar_failure)
        lines += [
            f"def __call__(self, store{arglist}):",
            "    try:",
            f"        r = helper(store._ptr, self._c{arglist})",
            "    except (TypeError, OverflowError, AttributeError):",
            f"        return call_buf(self, store{arglist})",
            f"    if {failed}:",
            "        fail(store, take_error())",
            "    return None" if res is None else "    return r",
        ]
    exec("\n".join(lines), env)  # noqa: S102 (code generated from the signature only)
    sig = ", ".join(str(ValType(k)) for k in params) + " -> " + ", ".join(str(ValType(k)) for k in results)
    return type(f"Func[{sig}]", (Func,), {"__slots__": (), "__call__": env["__call__"]})


_HELPER_LETTERS = {I32: "i", I64: "I", F32: "f", F64: "F"}


def _scalar_helper(params: List[int], results: List[int]) -> Any:
    """The compiled scalar call helper for this signature, if there is one."""
    if len(params) > 3 or len(results) > 1 or any(k not in _HELPER_LETTERS for k in params + results):
        return None
    name = "petrel_py_call_" + ("".join(_HELPER_LETTERS[k] for k in params) or "0")
    name += "_" + (_HELPER_LETTERS[results[0]] if results else "v")
    return getattr(lib, name, None)


def _scalar_failure(store: Any, err: Any) -> None:
    """Raises for a scalar helper's error (NULL: the sentinel was a real result)."""
    if not err:
        return
    if getattr(store, "_ptr", True) is None:
        lib.petrel_error_delete(err)
        raise PetrelError("this caller is no longer valid (used after its host function returned)")
    check(err)


class _HostFunc:
    __slots__ = ("func", "params", "results", "access_caller", "needs_caller")

    def __init__(self, func: Callable[..., Any], ty: FuncType, access_caller: bool) -> None:
        if not callable(func):
            raise TypeError("a host function must be callable")
        self.func = func
        self.params = [t.kind for t in ty.params]
        self.results = [t.kind for t in ty.results]
        self.access_caller = access_caller
        # The store is needed for reference values and by the caller itself.
        refs = any(k in (FUNCREF, EXTERNREF) for k in self.params + self.results)
        self.needs_caller = access_caller or refs


def _host_trampoline_impl(env: Any, caller_ptr: Any, vals: Any, nargs: int, nresults: int) -> Any:
    caller: Optional[Caller] = None
    try:
        host: _HostFunc = _lookup(env)
        if host.needs_caller:
            caller = Caller(caller_ptr)
        args = [_from_raw(caller, vals[i], k) for i, k in enumerate(host.params)]
        if host.access_caller:
            r = host.func(caller, *args)
        else:
            r = host.func(*args)
        results = host.results
        if len(results) == 1:
            _to_raw(caller, vals[0], results[0], r)
        elif len(results) > 1:
            if r is None or len(r) != len(results):
                raise PetrelError(f"host function must return {len(results)} values")
            for i, k in enumerate(results):
                _to_raw(caller, vals[i], k, r[i])
        return ffi.NULL
    except BaseException as e:  # noqa: BLE001 (every exception goes back through wasm)
        tag = stash_exception(e)
        msg = f"{type(e).__name__}: {e}".encode("utf-8", "replace")
        return lib.petrel_error_new_host(msg, len(msg), tag)
    finally:
        if caller is not None:
            caller._invalidate()


# The C callback of every Python host function.
_host_trampoline: Any = ffi.callback("petrel_callback_t", _host_trampoline_impl)


class Memory:
    """A linear memory. ``buffer(store)`` is a zero-copy ``memoryview``.

    View rule: a view covers the memory as it was when made. Growth never
    moves a memory with the default guard region (``static_memory_guard``),
    so old views stay valid but do not see the new pages: make a new view
    after growth. With ``static_memory_guard = False``, and for a 64-bit
    memory without a maximum of at most 4 GiB, growth may move the memory;
    do not use views made before growth then. Closing the store releases
    every view (using one then raises ``ValueError``).
    """

    __slots__ = ("_store_id", "_index", "_c")

    def __init__(self, store: StoreLike, ty: MemoryType) -> None:
        h = ll.memory_new(_sp(store), ty._to_c())
        self._init(h.store_id, h.index)

    def _init(self, store_id: int, index: int) -> None:
        self._store_id = store_id
        self._index = index
        self._c = ffi.new("petrel_memory_t *")
        self._c.store_id = store_id
        self._c.index = index

    def type(self, store: StoreLike) -> MemoryType:
        return MemoryType._from_c(ll.memory_type(_sp(store), self._c[0]))

    def size(self, store: StoreLike) -> int:
        """Size in pages of the memory's page size (64 KiB, or 1 byte)."""
        return ll.memory_size(_sp(store), self._c[0])

    def grow(self, store: StoreLike, delta: int) -> int:
        """Grows by ``delta`` pages (up to 2**64 - 1 for a 64-bit memory);
        returns the old size in pages."""
        return ll.memory_grow(_sp(store), self._c[0], delta)

    def data_ptr(self, store: StoreLike) -> Any:
        """Address of byte 0 (a cffi ``uint8_t *``); see the view rule."""
        return ll.memory_data(_sp(store), self._c[0])[0]

    def data_len(self, store: StoreLike) -> int:
        """Size in bytes."""
        return ll.memory_data(_sp(store), self._c[0])[1]

    def buffer(self, store: StoreLike) -> memoryview:
        """A writable zero-copy view of the whole memory; see the view rule."""
        ptr, n = ll.memory_data(_sp(store), self._c[0])
        view = memoryview(ffi.buffer(ptr, n))
        owner = store if isinstance(store, Store) else _store_objects.get(store._id)
        if owner is not None:
            owner._views.append(view)
        return view

    def read(self, store: StoreLike, start: int = 0, stop: Optional[int] = None) -> bytes:
        """Copies bytes ``start:stop`` out (bounds-checked; one copy)."""
        ptr, n = ll.memory_data(_sp(store), self._c[0])
        if stop is None:
            stop = n
        if start < 0 or stop < start:
            raise PetrelError(f"invalid range {start}:{stop}")
        if stop > n:
            raise Trap(f"out of bounds memory access: {start}:{stop} of {n} bytes", TrapCode.MEMORY_OUT_OF_BOUNDS)
        return ffi.buffer(ptr + start, stop - start)[:]  # type: ignore[no-any-return]

    def write(self, store: StoreLike, value: Union[bytes, bytearray, memoryview], start: int = 0) -> int:
        """Copies ``value`` in at ``start`` (bounds-checked); returns its length."""
        if start < 0:
            raise PetrelError(f"invalid offset {start}")
        ll.memory_write(_sp(store), self._c[0], start, value)
        return len(value)


_store_objects: "weakref.WeakValueDictionary[int, Store]" = weakref.WeakValueDictionary()


class Table:
    """A table of references."""

    __slots__ = ("_store_id", "_index", "_c")

    def __init__(self, store: StoreLike, ty: TableType, init: Any) -> None:
        v = _val_to_c(store, ty.element.kind, init)
        h = ll.table_new(_sp(store), ty._to_c(), v)
        self._init(h.store_id, h.index)

    def _init(self, store_id: int, index: int) -> None:
        self._store_id = store_id
        self._index = index
        self._c = ffi.new("petrel_table_t *")
        self._c.store_id = store_id
        self._c.index = index

    def type(self, store: StoreLike) -> TableType:
        return TableType._from_c(ll.table_type(_sp(store), self._c[0]))

    def size(self, store: StoreLike) -> int:
        return ll.table_size(_sp(store), self._c[0])

    def _kind(self, store: StoreLike) -> int:
        return int(ll.table_type(_sp(store), self._c[0]).element)

    def get(self, store: StoreLike, idx: int) -> Any:
        """Element ``idx`` (a ``Func``, a host object, or None)."""
        return _val_from_c(store, ll.table_get(_sp(store), self._c[0], idx))

    def set(self, store: StoreLike, idx: int, val: Any) -> None:
        ll.table_set(_sp(store), self._c[0], idx, _val_to_c(store, self._kind(store), val))

    def grow(self, store: StoreLike, amt: int, init: Any) -> int:
        """Grows by ``amt`` elements set to ``init``; returns the old size."""
        return ll.table_grow(_sp(store), self._c[0], amt, _val_to_c(store, self._kind(store), init))


class Global:
    """A global variable."""

    __slots__ = ("_store_id", "_index", "_c")

    def __init__(self, store: StoreLike, ty: GlobalType, val: Any) -> None:
        h = ll.global_new(_sp(store), ty._to_c(), _val_to_c(store, ty.content.kind, val))
        self._init(h.store_id, h.index)

    def _init(self, store_id: int, index: int) -> None:
        self._store_id = store_id
        self._index = index
        self._c = ffi.new("petrel_global_t *")
        self._c.store_id = store_id
        self._c.index = index

    def type(self, store: StoreLike) -> GlobalType:
        return GlobalType._from_c(ll.global_type(_sp(store), self._c[0]))

    def value(self, store: StoreLike) -> Any:
        return _val_from_c(store, ll.global_get(_sp(store), self._c[0]))

    def set_value(self, store: StoreLike, val: Any) -> None:
        kind = ll.global_type(_sp(store), self._c[0]).content
        ll.global_set(_sp(store), self._c[0], _val_to_c(store, kind, val))


Extern = Union[Func, Memory, Table, Global]


def _extern_from_c(item: Any) -> Extern:
    k = item.kind
    cls: Any = {
        ExternKind.FUNC: Func,
        ExternKind.MEMORY: Memory,
        ExternKind.TABLE: Table,
        ExternKind.GLOBAL: Global,
    }[k]
    obj = cls.__new__(cls)
    obj._init(item.store_id, item.index)
    return obj  # type: ignore[no-any-return]


def _extern_to_c(item: Any, out: Any) -> None:
    kinds = {
        Func: ExternKind.FUNC,
        Memory: ExternKind.MEMORY,
        Table: ExternKind.TABLE,
        Global: ExternKind.GLOBAL,
    }
    kind = next((k for cls, k in kinds.items() if isinstance(item, cls)), None)
    if kind is None:
        raise TypeError(f"expected a Func, Memory, Table or Global, got {type(item).__name__}")
    out.kind = kind
    out.store_id = item._store_id
    out.index = item._index


class InstanceExports:
    """An instance's exports: by name (``exports["add"]``) or by index."""

    def __init__(self, store: StoreLike, instance: "Instance") -> None:
        self._items: List[Extern] = []
        self._names: List[str] = []
        sp = _sp(store)
        for i in range(ll.instance_export_count(sp, instance._c[0])):
            name, item = ll.instance_export_nth(sp, instance._c[0], i)
            self._names.append(_str(name))
            self._items.append(_extern_from_c(item))
        self._by_name = dict(zip(self._names, self._items))

    def __getitem__(self, key: Union[str, int]) -> Extern:
        if isinstance(key, int):
            return self._items[key]
        return self._by_name[key]

    def get(self, name: str) -> Optional[Extern]:
        return self._by_name.get(name)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def keys(self) -> List[str]:
        return list(self._names)

    def items(self) -> List[tuple[str, Extern]]:
        return list(zip(self._names, self._items))


class Instance:
    """An instantiated module."""

    __slots__ = ("_store_id", "_index", "_c", "_exports")

    def __init__(self, store: StoreLike, module: Module, imports: Sequence[Extern]) -> None:
        arr = ffi.new("petrel_extern_t[]", len(imports))
        for i, item in enumerate(imports):
            _extern_to_c(item, arr[i])
        h = ll.instance_new(_sp(store), module._ptr, arr)
        self._init(h.store_id, h.index)

    def _init(self, store_id: int, index: int) -> None:
        self._store_id = store_id
        self._index = index
        self._c = ffi.new("petrel_instance_t *")
        self._c.store_id = store_id
        self._c.index = index
        self._exports: Optional[InstanceExports] = None

    def exports(self, store: StoreLike) -> InstanceExports:
        """The exports (checked against ``store``: another store, a closed
        store or a caller used after its host function returned raise, as
        they would without the cache)."""
        _sp(store)
        if self._exports is None or store._id != self._store_id or getattr(store, "_closed", False):
            self._exports = InstanceExports(store, self)
        return self._exports


class Linker:
    """Defines imports by name, then instantiates."""

    def __init__(self, engine: Engine) -> None:
        self._ptr = ffi.gc(ll.linker_new(engine._p()), lib.petrel_linker_delete)
        self.engine = engine

    @property
    def allow_shadowing(self) -> None:
        raise AttributeError("allow_shadowing is write-only")

    @allow_shadowing.setter
    def allow_shadowing(self, allow: bool) -> None:
        ll.linker_allow_shadowing(self._ptr, bool(allow))

    def define(self, store: StoreLike, module: str, name: str, item: Extern) -> None:
        c = ffi.new("petrel_extern_t *")
        _extern_to_c(item, c)
        ll.linker_define(self._ptr, _sp(store), module, name, c[0])

    def define_func(
        self, module: str, name: str, ty: FuncType, func: Callable[..., Any], access_caller: bool = False
    ) -> None:
        key = _keep(_HostFunc(func, ty, access_caller))
        ll.linker_define_func(self._ptr, module, name, ty._to_c(), _host_trampoline, key, _finalize)

    def define_instance(self, store: StoreLike, name: str, instance: Instance) -> None:
        ll.linker_define_instance(self._ptr, _sp(store), name, instance._c[0])

    def define_wasi(self) -> None:
        """Defines every function of ``wasi_snapshot_preview1``, working on the
        WASI configuration of the store each runs in (``Store.set_wasi``)."""
        ll.linker_define_wasi(self._ptr)

    def instantiate(self, store: StoreLike, module: Module) -> Instance:
        h = ll.linker_instantiate(self._ptr, _sp(store), module._ptr)
        inst = Instance.__new__(Instance)
        inst._init(h.store_id, h.index)
        return inst

    def get(self, store: StoreLike, module: str, name: str) -> Extern:
        item, found = ll.linker_get(self._ptr, _sp(store), module, name)
        if not found:
            raise PetrelError(f"`{module}::{name}` is not defined")
        return _extern_from_c(item)


def extern_type(store: StoreLike, item: Extern) -> AnyType:
    """The type of any item."""
    c = ffi.new("petrel_extern_t *")
    _extern_to_c(item, c)
    return externtype_from_c(ll.extern_type(_sp(store), c[0]))
