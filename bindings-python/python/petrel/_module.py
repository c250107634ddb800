"""``Module`` (a compiled module) and ``wat2wasm``."""

from __future__ import annotations

import os
from typing import Any, List, Optional, Union

from . import _lowlevel as ll
from ._engine import Engine
from ._errors import expect
from ._lowlevel import ffi, lib
from ._managed import Managed
from ._types import ExportType, ImportType, externtype_from_c

Wasm = Union[str, bytes, bytearray, memoryview]


def owned_bytes(out: Any) -> bytes:
    """Copies and frees a ``petrel_bytes_t`` returned by the C API."""
    try:
        return bytes(ffi.buffer(out.data, out.len))
    finally:
        lib.petrel_bytes_delete(ffi.new("petrel_bytes_t *", out))


def wat2wasm(wat: Union[str, bytes]) -> bytes:
    """Translates WebAssembly text to the binary format (``PetrelError`` when
    it does not parse)."""
    return owned_bytes(ll.wat2wasm(wat))


def _str(s: Any) -> str:
    return bytes(ffi.buffer(s.data, s.len)).decode("utf-8")


def _check_wasm(wasm: Any) -> Any:
    if isinstance(wasm, str):
        return wasm.encode("utf-8")
    if not isinstance(wasm, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected wasm bytes or text, got {type(wasm).__name__}")
    return wasm


class Module(Managed):
    """A compiled module, from the binary or the text format."""

    _what = "module"

    def __init__(self, engine: Engine, wasm: Wasm) -> None:
        expect(engine, Engine, "an Engine")
        self._set_ptr(ll.module_new(engine._p(), _check_wasm(wasm)), lib.petrel_module_delete)
        self.engine = engine
        """The engine the module was compiled with."""

    @classmethod
    def _from_ptr(cls, engine: Engine, ptr: Any) -> "Module":
        m = cls.__new__(cls)
        m._set_ptr(ptr, lib.petrel_module_delete)
        m.engine = engine
        return m

    @classmethod
    def from_file(cls, engine: Engine, path: Union[str, bytes, "os.PathLike[str]"]) -> "Module":
        """Compiles the module in the file at ``path`` (binary or text)."""
        with open(path, "rb") as f:
            return cls(engine, f.read())

    @staticmethod
    def validate(engine: Engine, wasm: Union[bytes, bytearray, memoryview]) -> None:
        """Raises ``PetrelError`` unless ``wasm`` is a valid binary module
        with the engine's features."""
        if not isinstance(wasm, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected wasm bytes, got {type(wasm).__name__}")
        expect(engine, Engine, "an Engine")
        ll.module_validate(engine._p(), wasm)

    def serialize(self) -> bytes:
        """The compiled module as bytes, sealed with the engine's module key
        (see ``Config.module_key`` and ``Module.deserialize``)."""
        return owned_bytes(ll.module_serialize(self._p()))

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
        if not isinstance(encoded, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected bytes, got {type(encoded).__name__}")
        expect(engine, Engine, "an Engine")
        return cls._from_ptr(engine, ll.module_deserialize(engine._p(), encoded))

    @classmethod
    def deserialize_file(cls, engine: Engine, path: Union[str, bytes, "os.PathLike[str]"]) -> "Module":
        """Loads a serialized module from a file (see ``Module.deserialize``)."""
        with open(path, "rb") as f:
            return cls.deserialize(engine, f.read())

    @property
    def name(self) -> Optional[str]:
        """The module's name from its name section, or None. Petrel extension."""
        s = ll.module_name(self._p())
        return None if s.data == ffi.NULL else _str(s)

    @property
    def imports(self) -> List[ImportType]:
        """The module's imports, in order."""
        p = self._p()
        out = []
        for i in range(ll.module_import_count(p)):
            mod, name, ty = ll.module_import(p, i)
            out.append(ImportType(_str(mod), _str(name), externtype_from_c(ty)))
        return out

    @property
    def exports(self) -> List[ExportType]:
        """The module's exports, in order."""
        p = self._p()
        out = []
        for i in range(ll.module_export_count(p)):
            name, ty = ll.module_export(p, i)
            out.append(ExportType(_str(name), externtype_from_c(ty)))
        return out
