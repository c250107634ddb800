"""``Extern``: any item a module imports or exports (a ``Func``, ``Memory``,
``Table`` or ``Global``), and its conversions to and from the C API's
``petrel_extern_t``."""

from __future__ import annotations

from typing import Any, Union

from . import _lowlevel as ll
from ._errors import ArgumentTypeError
from ._func import Func
from ._global import Global
from ._lowlevel import ExternKind, ffi
from ._memory import Memory
from ._store import StoreLike, store_pointer
from ._table import Table
from ._types import AnyType, externtype_from_c

Extern = Union[Func, Memory, Table, Global]

_CLASSES: Any = {
    ExternKind.FUNC: Func,
    ExternKind.MEMORY: Memory,
    ExternKind.TABLE: Table,
    ExternKind.GLOBAL: Global,
}
_KINDS = {cls: kind for kind, cls in _CLASSES.items()}


def extern_from_c(item: Any) -> Extern:
    """The Python object of a ``petrel_extern_t``."""
    return _CLASSES[item.kind]._make(item.store_id, item.index)  # type: ignore[no-any-return]


def extern_to_c(item: Any, out: Any) -> None:
    """Fills the ``petrel_extern_t`` ``out`` with ``item``."""
    kind = next((k for cls, k in _KINDS.items() if isinstance(item, cls)), None)
    if kind is None:
        raise ArgumentTypeError(f"expected a Func, Memory, Table or Global, got {type(item).__name__}")
    out.kind = kind
    out.store_id = item._store_id
    out.index = item._index


def extern_type(store: StoreLike, item: Extern) -> AnyType:
    """The type of any item. Petrel extension (each item also has ``type(store)``)."""
    c = ffi.new("petrel_extern_t *")
    extern_to_c(item, c)
    return externtype_from_c(ll.extern_type(store_pointer(store), c[0]))
