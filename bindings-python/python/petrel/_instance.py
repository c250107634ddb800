"""``Instance`` (an instantiated module) and ``InstanceExports``."""

from __future__ import annotations

from typing import Iterator, List, Mapping, Optional, Sequence, Tuple

from . import _lowlevel as ll
from ._errors import expect
from ._extern import Extern, extern_from_c, extern_to_c
from ._lowlevel import ffi
from ._managed import Handle
from ._module import Module, _str
from ._store import StoreLike, store_pointer


class InstanceExports(Mapping[str, Extern]):
    """An instance's exports: a mapping from name to item (``exports["add"]``,
    ``"add" in exports``, ``exports.get(name, default)``...), plus
    ``by_index``, the items in the module's export order."""

    def __init__(self, store: StoreLike, instance: "Instance") -> None:
        items: List[Tuple[str, Extern]] = []
        sp = store_pointer(store)
        for i in range(ll.instance_export_count(sp, instance._c[0])):
            name, item = ll.instance_export_nth(sp, instance._c[0], i)
            items.append((_str(name), extern_from_c(item)))
        self._by_index: Tuple[Extern, ...] = tuple(item for _, item in items)
        self._by_name = dict(items)

    @property
    def by_index(self) -> Sequence[Extern]:
        """The exported items in export order (``IndexError`` past the end)."""
        return self._by_index

    def __getitem__(self, name: str) -> Extern:
        return self._by_name[name]

    def __len__(self) -> int:
        return len(self._by_index)

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)


class Instance(Handle):
    """An instantiated module: ``Instance(store, module, imports)``, with the
    imports in the module's import order."""

    __slots__ = ("_store_id", "_index", "_c", "_exports")
    _ctype = "petrel_instance_t *"

    def __init__(self, store: StoreLike, module: Module, imports: Sequence[Extern]) -> None:
        sp = store_pointer(store)
        expect(module, Module, "a Module")
        arr = ffi.new("petrel_extern_t[]", len(imports))
        for i, item in enumerate(imports):
            extern_to_c(item, arr[i])
        h = ll.instance_new(sp, module._p(), arr)
        self._init(h.store_id, h.index)

    def _init(self, store_id: int, index: int) -> None:
        super()._init(store_id, index)
        self._exports: Optional[InstanceExports] = None

    def exports(self, store: StoreLike) -> InstanceExports:
        """The exports (checked against ``store``: another store, a closed
        store or a caller used after its host function returned raise, as
        they would without the cache)."""
        store_pointer(store)
        if self._exports is None or store._id != self._store_id:
            self._exports = InstanceExports(store, self)
        return self._exports
