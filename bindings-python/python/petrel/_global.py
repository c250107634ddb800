"""``Global``: a global variable of a store."""

from __future__ import annotations

from typing import Any

from . import _lowlevel as ll
from ._errors import expect
from ._managed import Handle
from ._store import StoreLike, store_pointer
from ._types import GlobalType
from ._value import val_from_c, val_to_c


class Global(Handle):
    """A global variable: ``Global(store, GlobalType(ValType.i32(), True), 0)``."""

    __slots__ = ("_store_id", "_index", "_c")
    _ctype = "petrel_global_t *"

    def __init__(self, store: StoreLike, ty: GlobalType, val: Any) -> None:
        sp = store_pointer(store)
        expect(ty, GlobalType, "a GlobalType")
        h = ll.global_new(sp, ty._to_c(), val_to_c(store, ty.content.kind, val))
        self._init(h.store_id, h.index)

    def type(self, store: StoreLike) -> GlobalType:
        """The global's type."""
        return GlobalType._from_c(ll.global_type(store_pointer(store), self._c[0]))

    def value(self, store: StoreLike) -> Any:
        """The current value, as a plain Python value."""
        return val_from_c(store, ll.global_get(store_pointer(store), self._c[0]))

    def set_value(self, store: StoreLike, val: Any) -> None:
        """Sets the value (``PetrelError`` for an immutable global)."""
        sp = store_pointer(store)
        kind = ll.global_type(sp, self._c[0]).content
        ll.global_set(sp, self._c[0], val_to_c(store, kind, val))
