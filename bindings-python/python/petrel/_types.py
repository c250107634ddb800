"""WebAssembly types: ``ValType``, ``FuncType``, ``Limits``, ``MemoryType``,
``TableType``, ``GlobalType``, the types of imports and exports, and ``Val``."""

from __future__ import annotations

from typing import Any, Iterable, List, Optional

from . import _lowlevel as ll
from ._errors import ArgumentTypeError, PetrelError
from ._floats import f32_from_bits, f32_to_bits
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
    """The type of a linear memory, as wasmtime-py's ``MemoryType(limits,
    is_64=False, shared=False, page_size_log2=16)``.

    ``is_64`` makes a 64-bit memory (memory64: indexed with i64, limits up
    to 2**48 pages of 64 KiB). ``page_size_log2`` is 16 (64 KiB pages, the
    default) or 0 (byte-sized pages: custom page sizes, which modules
    declaring such memories need ``Config.wasm_custom_page_sizes`` for).
    A shared memory type can be described (it must have a maximum), but
    Petrel does not implement the threads proposal, so making a ``Memory``
    of one raises ``PetrelError``.
    """

    def __init__(self, limits: Limits, is_64: bool = False, shared: bool = False, page_size_log2: int = 16) -> None:
        if not isinstance(limits, Limits):
            raise ArgumentTypeError(f"expected Limits, got {type(limits).__name__}")
        if page_size_log2 not in (0, 16):
            raise PetrelError(f"invalid page size log2 {page_size_log2}: must be 0 or 16")
        most = 1 << ((64 if is_64 else 32) - page_size_log2)
        if limits.min > most:
            raise PetrelError("minimum size is too large for this memory type's index type")
        if limits.max is not None and limits.max > most:
            raise PetrelError("maximum size is too large for this memory type's index type")
        if limits.max is not None and limits.max < limits.min:
            raise PetrelError("memory size minimum must not be greater than maximum")
        if shared and limits.max is None:
            raise PetrelError("shared memories must have a maximum size")
        self.limits = limits
        self._is_64 = bool(is_64)
        self._shared = bool(shared)
        self._page_size = 1 << page_size_log2

    @property
    def is_64(self) -> bool:
        """Whether the memory is indexed with i64."""
        return self._is_64

    @property
    def is_shared(self) -> bool:
        """Whether this is the type of a memory shared between threads."""
        return self._shared

    @property
    def page_size(self) -> int:
        """The page size in bytes: 65536, or 1."""
        return self._page_size

    @property
    def page_size_log2(self) -> int:
        """The page size's log2: 16, or 0."""
        return self._page_size.bit_length() - 1

    def _to_c(self) -> Any:
        c = ffi.new("petrel_memorytype_t *")
        c.limits = self.limits._to_c()
        c.is_64 = self._is_64
        c.page_size = self._page_size
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "MemoryType":
        ty = MemoryType.__new__(MemoryType)
        ty.limits = Limits._from_c(c.limits)
        ty._is_64 = bool(c.is_64)
        ty._shared = False
        ty._page_size = c.page_size or 65536
        return ty

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MemoryType) and (
            self.limits,
            self._is_64,
            self._shared,
            self._page_size,
        ) == (other.limits, other._is_64, other._shared, other._page_size)

    def __repr__(self) -> str:
        extra = ", is_64=True" if self._is_64 else ""
        if self._shared:
            extra += ", shared=True"
        if self._page_size != 65536:
            extra += f", page_size_log2={self.page_size_log2}"
        return f"MemoryType({self.limits!r}{extra})"


class TableType:
    """The type of a table: element type and limits; ``is_64`` makes a
    64-bit table (memory64: indexed with i64)."""

    def __init__(self, valtype: ValType, limits: Limits, is_64: bool = False) -> None:
        if not isinstance(valtype, ValType):
            raise ArgumentTypeError(f"expected a ValType, got {type(valtype).__name__}")
        if not isinstance(limits, Limits):
            raise ArgumentTypeError(f"expected Limits, got {type(limits).__name__}")
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

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableType) and (other.element, other.limits) == (self.element, self.limits)

    def __repr__(self) -> str:
        extra = ", is_64=True" if self._is_64 else ""
        return f"TableType({self.element!r}, {self.limits!r}{extra})"


class GlobalType:
    """The type of a global: content type and mutability."""

    def __init__(self, valtype: ValType, mutable: bool) -> None:
        if not isinstance(valtype, ValType):
            raise ArgumentTypeError(f"expected a ValType, got {type(valtype).__name__}")
        self.content = valtype
        self.mutable = bool(mutable)

    def _to_c(self) -> Any:
        c = ffi.new("petrel_globaltype_t *")
        c.content = self.content.kind
        c.mutability = Mutability.VAR if self.mutable else Mutability.CONST
        return c[0]

    @staticmethod
    def _from_c(c: Any) -> "GlobalType":
        return GlobalType(ValType(c.content), c.mutability == Mutability.VAR)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GlobalType) and (other.content, other.mutable) == (self.content, self.mutable)

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


def _wrap(v: Any, bits: int) -> int:
    if not isinstance(v, int):
        raise TypeError(f"expected an integer, got {type(v).__name__}")
    half = 1 << (bits - 1)
    return ((v + half) & ((1 << bits) - 1)) - half


class Val:
    """A wasm value with an explicit type (plain Python values convert too).

    Made with ``Val.i32(1)``, ``Val.f64(2.0)``, ``Val.externref(obj)``...:
    integers wrap to the type's width (``Val.i32(0xffffffff)`` is -1), an
    ``f32`` is rounded to single precision, and a value of the wrong Python
    type raises ``TypeError``. A ``Val`` compares equal to another of the
    same type and value, and to its plain value.
    """

    __slots__ = ("type", "value")

    def __init__(self, type: ValType, value: Any) -> None:  # noqa: A002
        self.type = type
        self.value = value

    @staticmethod
    def i32(v: int) -> "Val":
        """An ``i32`` (wrapped to 32 bits, signed)."""
        return Val(ValType.i32(), _wrap(v, 32))

    @staticmethod
    def i64(v: int) -> "Val":
        """An ``i64`` (wrapped to 64 bits, signed)."""
        return Val(ValType.i64(), _wrap(v, 64))

    @staticmethod
    def f32(v: float) -> "Val":
        """An ``f32``: ``v`` (a ``float``) rounded to single precision."""
        if not isinstance(v, float):
            raise TypeError(f"expected a float, got {type(v).__name__}")
        return Val(ValType.f32(), f32_from_bits(f32_to_bits(v)))

    @staticmethod
    def f64(v: float) -> "Val":
        """An ``f64`` (``v`` must be a ``float``)."""
        if not isinstance(v, float):
            raise TypeError(f"expected a float, got {type(v).__name__}")
        return Val(ValType.f64(), v)

    @staticmethod
    def funcref(f: Any) -> "Val":
        """A ``funcref``: a ``Func``, or None for null."""
        return Val(ValType.funcref(), f)

    @staticmethod
    def externref(v: Any) -> "Val":
        """An ``externref`` to any Python object (None is null)."""
        return Val(ValType.externref(), v)

    @staticmethod
    def ref_null(ty: ValType) -> "Val":
        """The null reference of a reference type (``PetrelError`` for others)."""
        if ty == ValType.externref():
            return Val.externref(None)
        if ty == ValType.funcref():
            return Val.funcref(None)
        raise PetrelError(f"Invalid reference type for `ref_null`: {ty}")

    def _as(self, kind: int) -> Any:
        return self.value if self.type.kind == kind else None

    def as_i32(self) -> Optional[int]:
        """The value if this is an ``i32``, else None."""
        return self._as(ValKind.I32)  # type: ignore[no-any-return]

    def as_i64(self) -> Optional[int]:
        """The value if this is an ``i64``, else None."""
        return self._as(ValKind.I64)  # type: ignore[no-any-return]

    def as_f32(self) -> Optional[float]:
        """The value if this is an ``f32``, else None."""
        return self._as(ValKind.F32)  # type: ignore[no-any-return]

    def as_f64(self) -> Optional[float]:
        """The value if this is an ``f64``, else None."""
        return self._as(ValKind.F64)  # type: ignore[no-any-return]

    def as_externref(self) -> Any:
        """The referenced object if this is an ``externref``, else None."""
        return self._as(ValKind.EXTERNREF)

    def as_funcref(self) -> Any:
        """The ``Func`` if this is a non-null ``funcref``, else None."""
        return self._as(ValKind.FUNCREF)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Val):
            return (self.type, self.value) == (other.type, other.value)
        return bool(self.value == other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Val({self.type}, {self.value!r})"
