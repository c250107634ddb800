"""``Table``: a table of references of a store."""

from __future__ import annotations

from typing import Any

from . import _lowlevel as ll
from ._errors import expect
from ._managed import Handle
from ._store import StoreLike, store_pointer
from ._types import TableType
from ._value import val_from_c, val_to_c


class Table(Handle):
    """A table of ``funcref`` (a ``Func`` or None) or ``externref`` (any
    Python object or None) elements."""

    __slots__ = ("_store_id", "_index", "_c")
    _ctype = "petrel_table_t *"

    def __init__(self, store: StoreLike, ty: TableType, init: Any) -> None:
        sp = store_pointer(store)
        expect(ty, TableType, "a TableType")
        h = ll.table_new(sp, ty._to_c(), val_to_c(store, ty.element.kind, init))
        self._init(h.store_id, h.index)

    def type(self, store: StoreLike) -> TableType:
        """The table's type (with its current limits)."""
        return TableType._from_c(ll.table_type(store_pointer(store), self._c[0]))

    def size(self, store: StoreLike) -> int:
        """The number of elements."""
        return ll.table_size(store_pointer(store), self._c[0])

    def _kind(self, store: StoreLike) -> int:
        return int(ll.table_type(store_pointer(store), self._c[0]).element)

    def get(self, store: StoreLike, idx: int) -> Any:
        """Element ``idx`` (a ``Func``, a host object, or None for null);
        None as well when ``idx`` is out of bounds."""
        sp = store_pointer(store)
        if idx < 0 or idx >= ll.table_size(sp, self._c[0]):
            return None
        return val_from_c(store, ll.table_get(sp, self._c[0], idx))

    def set(self, store: StoreLike, idx: int, val: Any) -> None:
        """Sets element ``idx`` (``PetrelError`` when out of bounds)."""
        ll.table_set(store_pointer(store), self._c[0], idx, val_to_c(store, self._kind(store), val))

    def grow(self, store: StoreLike, amt: int, init: Any) -> int:
        """Grows by ``amt`` elements set to ``init``; returns the old size
        (``PetrelError`` when the table cannot grow)."""
        if not isinstance(amt, int):
            raise TypeError(f"expected an int, got {type(amt).__name__}")
        init_c = val_to_c(store, self._kind(store), init)
        return ll.table_grow(store_pointer(store), self._c[0], amt, init_c)
