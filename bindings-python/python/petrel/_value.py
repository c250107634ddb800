"""Conversions of wasm values between Python and the C API's two forms: the
16-byte raw slots of calls (``petrel_valraw_t``) and the tagged values of
globals and tables (``petrel_val_t``).

Numbers are plain ``int``/``float`` (an ``f32`` crosses by its bits, see
``_floats``), a ``funcref`` is a ``Func`` or None, an ``externref`` any
Python object or None; a ``Val`` is accepted wherever a value goes and must
then have the expected type.
"""

from __future__ import annotations

from typing import Any

from . import _lowlevel as ll
from ._errors import PetrelError
from ._floats import f32_from_bits, f32_to_bits, signed32
from ._lowlevel import ValKind, ffi
from ._store import finalize, keep, lookup, store_pointer
from ._types import Val, ValType

I32 = int(ValKind.I32)
I64 = int(ValKind.I64)
F32 = int(ValKind.F32)
F64 = int(ValKind.F64)
V128 = int(ValKind.V128)
FUNCREF = int(ValKind.FUNCREF)
EXTERNREF = int(ValKind.EXTERNREF)


def _func_class() -> Any:
    from ._func import Func

    return Func


def _unwrap(kind: int, v: Any) -> Any:
    if isinstance(v, Val):
        if v.type.kind != kind:
            raise TypeError(f"expected a {ValType(kind)} value, got a Val of type {v.type}")
        return v.value
    return v


def _check_funcref(v: Any) -> None:
    if not isinstance(v, _func_class()):
        raise TypeError(f"expected a Func or None for a funcref, got {type(v).__name__}")


def to_raw(store: Any, slot: Any, kind: int, v: Any) -> None:
    """Writes Python value ``v`` of wasm kind ``kind`` into a raw slot."""
    v = _unwrap(kind, v)
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
        if v is None:
            slot.funcref = 0
            return
        _check_funcref(v)
        if v._store_id != store._id:
            raise PetrelError("object used with the wrong store")
        slot.funcref = v._index + 1
    elif v is None:
        slot.externref = 0
    else:
        r = ll.externref_new(store_pointer(store), keep([v]), finalize)
        slot.externref = int(r.index) + 1


def from_raw(store: Any, slot: Any, kind: int) -> Any:
    """The Python value of a raw slot holding a value of wasm kind ``kind``."""
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
        return None if n == 0 else _func_class()._make(store._id, n - 1)
    n = slot.externref
    return None if n == 0 else externref_value(store, store._id, n - 1)


def externref_value(store: Any, store_id: int, index: int) -> Any:
    """The Python object of extern reference ``index``."""
    h = ffi.new("petrel_externref_t *")
    h.store_id = store_id
    h.index = index
    return lookup(ll.externref_data(store_pointer(store), h[0]))[0]


def val_to_c(store: Any, kind: int, v: Any) -> Any:
    """A ``petrel_val_t *`` holding ``v`` as a value of ``kind``."""
    c = ffi.new("petrel_val_t *")
    c.kind = kind
    v = _unwrap(kind, v)
    if kind == FUNCREF:
        if v is not None:
            _check_funcref(v)
            c.of.funcref.store_id = v._store_id
            c.of.funcref.index = v._index
    elif kind == EXTERNREF:
        if v is not None:
            c.of.externref = ll.externref_new(store_pointer(store), keep([v]), finalize)
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


def val_from_c(store: Any, c: Any) -> Any:
    """The Python value of a ``petrel_val_t``."""
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
        return None if f.store_id == 0 else _func_class()._make(f.store_id, f.index)
    e = c.of.externref
    return None if e.store_id == 0 else externref_value(store, e.store_id, e.index)
