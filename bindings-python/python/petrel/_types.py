"""WebAssembly types: ``ValType``, ``FuncType``, ``Limits``, ``MemoryType``,
``TableType``, ``GlobalType``, the types of imports and exports, and ``Val``."""

from __future__ import annotations

from typing import Any, Iterable, List, Optional

from . import _lowlevel as ll
from ._lowlevel import ExternKind, Mutability, ValKind, ffi, lib

_NAMES = {kind.value: kind.name.lower() for kind in ValKind}


class ValType:
    """The type of a wasm value."""

    __slots__ = ("_kind",)

    def __init__(self, kind: int) -> None:
        if kind not in _NAMES:
            raise ValueError(f"unknown value kind {kind}")
        self._kind = kind

    @staticmethod
    def i32() -> "ValType":
        return ValType(ValKind.I32)

    @staticmethod
    def i64() -> "ValType":
        return ValType(ValKind.I64)

    @staticmethod
    def f32() -> "ValType":
        return ValType(ValKind.F32)

    @staticmethod
    def f64() -> "ValType":
        return ValType(ValKind.F64)

    @staticmethod
    def v128() -> "ValType":
        return ValType(ValKind.V128)

    @staticmethod
    def funcref() -> "ValType":
        return ValType(ValKind.FUNCREF)

    @staticmethod
    def externref() -> "ValType":
        return ValType(ValKind.EXTERNREF)

    @property
    def kind(self) -> int:
        """The C value kind (``PETREL_I32`` ...)."""
        return self._kind

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ValType) and other._kind == self._kind

    def __hash__(self) -> int:
        return hash(self._kind)

    def __str__(self) -> str:
        return _NAMES[self._kind]

    def __repr__(self) -> str:
        return f"ValType.{_NAMES[self._kind]}()"


class FuncType:
    """A function signature."""

    def __init__(self, params: Iterable[ValType], results: Iterable[ValType]) -> None:
        self._params = list(params)
        self._results = list(results)
        for t in self._params + self._results:
            if not isinstance(t, ValType):
                raise TypeError(f"expected a ValType, got {type(t).__name__}")

    @property
    def params(self) -> List[ValType]:
        return list(self._params)

    @property
    def results(self) -> List[ValType]:
        return list(self._results)

    def _to_c(self) -> Any:
        ptr = ll.functype_new([t.kind for t in self._params], [t.kind for t in self._results])
        return ffi.gc(ptr, lib.petrel_functype_delete)

    @staticmethod
    def _from_c(ptr: Any) -> "FuncType":
        try:
            p, np = ll.functype_params(ptr)
            r, nr = ll.functype_results(ptr)
            return FuncType([ValType(p[i]) for i in range(np)], [ValType(r[i]) for i in range(nr)])
        finally:
            lib.petrel_functype_delete(ptr)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FuncType) and (other._params, other._results) == (self._params, self._results)

    def __repr__(self) -> str:
        return f"FuncType({self._params!r}, {self._results!r})"


class Limits:
    """Size limits: of a memory in 64 KiB pages, of a table in elements."""

    def __init__(self, min: int, max: Optional[int] = None) -> None:  # noqa: A002 (wasmtime-py names)
        self.min = min
        self.max = max

    def _to_c(self) -> Any:
        c = ffi.new("petrel_limits_t *")
        c.minimum = self.min
        c.maximum = self.max if self.max is not None else 0
        c.has_maximum = self.max is not None
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "Limits":
        return Limits(c.minimum, c.maximum if c.has_maximum else None)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Limits) and (self.min, self.max) == (other.min, other.max)

    def __repr__(self) -> str:
        return f"Limits({self.min}, {self.max})"


class MemoryType:
    """The type of a linear memory."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def _to_c(self) -> Any:
        c = ffi.new("petrel_memorytype_t *")
        c.limits = self.limits._to_c()
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "MemoryType":
        return MemoryType(Limits._from_c(c.limits))

    def __repr__(self) -> str:
        return f"MemoryType({self.limits!r})"


class TableType:
    """The type of a table: element type and limits."""

    def __init__(self, valtype: ValType, limits: Limits) -> None:
        self.element = valtype
        self.limits = limits

    def _to_c(self) -> Any:
        c = ffi.new("petrel_tabletype_t *")
        c.element = self.element.kind
        c.limits = self.limits._to_c()
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "TableType":
        return TableType(ValType(c.element), Limits._from_c(c.limits))

    def __repr__(self) -> str:
        return f"TableType({self.element!r}, {self.limits!r})"


class GlobalType:
    """The type of a global: content type and mutability."""

    def __init__(self, valtype: ValType, mutable: bool) -> None:
        self.content = valtype
        self.mutable = mutable

    def _to_c(self) -> Any:
        c = ffi.new("petrel_globaltype_t *")
        c.content = self.content.kind
        c.mutability = Mutability.VAR if self.mutable else Mutability.CONST
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "GlobalType":
        return GlobalType(ValType(c.content), c.mutability == Mutability.VAR)

    def __repr__(self) -> str:
        return f"GlobalType({self.content!r}, {self.mutable})"


AnyType = Any  # FuncType | GlobalType | TableType | MemoryType


def externtype_from_c(ptr: Any) -> AnyType:
    """The Python type of a ``petrel_externtype_t *`` (freed here)."""
    try:
        kind = ll.externtype_kind(ptr)
        if kind == ExternKind.FUNC:
            return FuncType._from_c(ll.externtype_functype(ptr))
        if kind == ExternKind.GLOBAL:
            return GlobalType._from_c(ll.externtype_globaltype(ptr))
        if kind == ExternKind.TABLE:
            return TableType._from_c(ll.externtype_tabletype(ptr))
        return MemoryType._from_c(ll.externtype_memorytype(ptr))
    finally:
        lib.petrel_externtype_delete(ptr)


class ImportType:
    """An import of a module: where it comes from and its type."""

    def __init__(self, module: str, name: str, type: AnyType) -> None:  # noqa: A002
        self.module = module
        self.name = name
        self.type = type

    def __repr__(self) -> str:
        return f"ImportType({self.module!r}, {self.name!r}, {self.type!r})"


class ExportType:
    """An export of a module: its name and type."""

    def __init__(self, name: str, type: AnyType) -> None:  # noqa: A002
        self.name = name
        self.type = type

    def __repr__(self) -> str:
        return f"ExportType({self.name!r}, {self.type!r})"


class Val:
    """A wasm value with an explicit type (plain Python values convert too)."""

    __slots__ = ("type", "value")

    def __init__(self, type: ValType, value: Any) -> None:  # noqa: A002
        self.type = type
        self.value = value

    @staticmethod
    def i32(v: int) -> "Val":
        return Val(ValType.i32(), v)

    @staticmethod
    def i64(v: int) -> "Val":
        return Val(ValType.i64(), v)

    @staticmethod
    def f32(v: float) -> "Val":
        return Val(ValType.f32(), v)

    @staticmethod
    def f64(v: float) -> "Val":
        return Val(ValType.f64(), v)

    @staticmethod
    def funcref(f: Any) -> "Val":
        return Val(ValType.funcref(), f)

    @staticmethod
    def externref(v: Any) -> "Val":
        return Val(ValType.externref(), v)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Val) and (self.type, self.value) == (other.type, other.value)

    def __repr__(self) -> str:
        return f"Val({self.type}, {self.value!r})"
