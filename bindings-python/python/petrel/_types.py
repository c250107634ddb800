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
    """Size limits: of a memory in pages (of its page size), of a table in
    elements."""

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
    """The type of a linear memory, shaped like wasmtime-py's
    ``MemoryType(limits, is_64=False, shared=False)``.

    ``is_64`` makes a 64-bit memory (memory64: indexed with i64, limits up
    to 2**48 pages). ``page_size`` is 65536 (the default) or 1 for
    byte-sized pages (custom page sizes; modules need
    ``Config.wasm_custom_page_sizes`` to declare such memories). Shared
    memories are not supported.
    """

    def __init__(self, limits: Limits, is_64: bool = False, shared: bool = False, page_size: int = 65536) -> None:
        if shared:
            raise ValueError("shared memories are not supported")
        if page_size not in (1, 65536):
            raise ValueError(f"invalid page size {page_size}: only 65536 and 1 are valid")
        self.limits = limits
        self._is_64 = bool(is_64)
        self._page_size = page_size

    @property
    def is_64(self) -> bool:
        """Whether the memory is indexed with i64."""
        return self._is_64

    @property
    def is_shared(self) -> bool:
        """Always false (wasmtime-py's property; no shared memories here)."""
        return False

    @property
    def page_size(self) -> int:
        """The page size in bytes: 65536, or 1."""
        return self._page_size

    def _to_c(self) -> Any:
        c = ffi.new("petrel_memorytype_t *")
        c.limits = self.limits._to_c()
        c.is_64 = self._is_64
        c.page_size = self._page_size
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "MemoryType":
        return MemoryType(Limits._from_c(c.limits), is_64=bool(c.is_64), page_size=c.page_size or 65536)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MemoryType) and (self.limits, self._is_64, self._page_size) == (
            other.limits,
            other._is_64,
            other._page_size,
        )

    def __repr__(self) -> str:
        extra = ", is_64=True" if self._is_64 else ""
        if self._page_size != 65536:
            extra += f", page_size={self._page_size}"
        return f"MemoryType({self.limits!r}{extra})"


class TableType:
    """The type of a table: element type and limits; ``is_64`` makes a
    64-bit table (memory64: indexed with i64)."""

    def __init__(self, valtype: ValType, limits: Limits, is_64: bool = False) -> None:
        self.element = valtype
        self.limits = limits
        self._is_64 = bool(is_64)

    @property
    def is_64(self) -> bool:
        """Whether the table is indexed with i64."""
        return self._is_64

    def _to_c(self) -> Any:
        c = ffi.new("petrel_tabletype_t *")
        c.element = self.element.kind
        c.limits = self.limits._to_c()
        c.is_64 = self._is_64
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "TableType":
        return TableType(ValType(c.element), Limits._from_c(c.limits), is_64=bool(c.is_64))

    def __repr__(self) -> str:
        extra = ", is_64=True" if self._is_64 else ""
        return f"TableType({self.element!r}, {self.limits!r}{extra})"


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
