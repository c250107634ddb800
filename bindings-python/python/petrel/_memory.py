"""``Memory``: a linear memory of a store."""

from __future__ import annotations

import ctypes
from typing import Any, Optional, Union

from . import _lowlevel as ll
from ._errors import PetrelError, expect
from ._lowlevel import check, ffi, lib
from ._managed import Handle
from ._store import Store, StoreLike, store_objects, store_pointer
from ._types import MemoryType


class Memory(Handle):
    """A linear memory. ``buffer(store)`` is a zero-copy ``memoryview``.

    View rule: a view covers the memory as it was when made. Growth never
    moves a memory with the default guard region (``static_memory_guard``),
    so old views stay valid but do not see the new pages: make a new view
    after growth. With ``static_memory_guard = False``, and for a 64-bit
    memory without a maximum of at most 4 GiB, growth may move the memory;
    do not use views made before growth then. Closing the store
    releases every view (using one then raises ``ValueError``). The same
    holds for ``data_ptr`` and ``get_buffer_ptr``.
    """

    __slots__ = ("_store_id", "_index", "_c")
    _ctype = "petrel_memory_t *"

    def __init__(self, store: StoreLike, ty: MemoryType) -> None:
        sp = store_pointer(store)
        expect(ty, MemoryType, "a MemoryType")
        if ty.is_shared:
            raise PetrelError("Petrel does not implement shared memories (the threads proposal)")
        h = ll.memory_new(sp, ty._to_c())
        self._init(h.store_id, h.index)

    def type(self, store: StoreLike) -> MemoryType:
        """The memory's type (with its current limits)."""
        return MemoryType._from_c(ll.memory_type(store_pointer(store), self._c[0]))

    def page_size(self, store: StoreLike) -> int:
        """The memory's page size in bytes: 65536, or 1."""
        return self.type(store).page_size

    def page_size_log2(self, store: StoreLike) -> int:
        """The log2 of the memory's page size: 16, or 0."""
        return self.type(store).page_size_log2

    def size(self, store: StoreLike) -> int:
        """Size in pages of the memory's page size (64 KiB, or 1 byte)."""
        return ll.memory_size(store_pointer(store), self._c[0])

    def grow(self, store: StoreLike, delta: int) -> int:
        """Grows by ``delta`` pages; returns the old size in pages
        (``PetrelError`` when the memory cannot grow by that much)."""
        if not isinstance(delta, int):
            raise TypeError(f"expected an int, got {type(delta).__name__}")
        if delta < 0:
            raise PetrelError("cannot grow by negative amount")
        return ll.memory_grow(store_pointer(store), self._c[0], delta)

    def data_ptr(self, store: StoreLike) -> "ctypes._Pointer[ctypes.c_ubyte]":
        """A ``ctypes`` pointer to byte 0 (as in wasmtime-py: indexable, and
        usable with ``ctypes`` functions); not bounds checked: stay below
        ``data_len``. See the view rule."""
        ptr = ll.memory_data(store_pointer(store), self._c[0])[0]
        return ctypes.cast(int(ffi.cast("uintptr_t", ptr)), ctypes.POINTER(ctypes.c_ubyte))

    def data_len(self, store: StoreLike) -> int:
        """Size in bytes."""
        return ll.memory_data(store_pointer(store), self._c[0])[1]

    def get_buffer_ptr(self, store: StoreLike, size: Optional[int] = None, offset: int = 0) -> Any:
        """A ``ctypes`` array of ``size`` bytes (default: to the end) at
        ``offset``, over the memory itself: usable with the buffer protocol
        (``numpy.frombuffer``) without a copy. Bounds-checked. See the view
        rule."""
        ptr, n = ll.memory_data(store_pointer(store), self._c[0])
        if size is None:
            size = n - offset
        if offset < 0 or size < 0 or offset + size > n:
            raise IndexError(f"range {offset}:{offset + size} is outside the memory's {n} bytes")
        address = int(ffi.cast("uintptr_t", ptr)) + offset
        return (ctypes.c_ubyte * size).from_address(address)

    def buffer(self, store: StoreLike) -> memoryview:
        """A writable zero-copy view of the whole memory; see the view rule.
        Petrel extension."""
        ptr, n = ll.memory_data(store_pointer(store), self._c[0])
        view = memoryview(ffi.buffer(ptr, n))
        owner = store if isinstance(store, Store) else store_objects.get(store._id)
        if owner is not None:
            owner._views.append(view)
        return view

    def read(self, store: StoreLike, start: Optional[int] = 0, stop: Optional[int] = None) -> bytearray:
        """A copy of bytes ``start:stop``, with the meaning of a slice
        (negative indices count from the end, and a range beyond the end is
        cut short, as for ``list[start:stop]``)."""
        ptr, n = ll.memory_data(store_pointer(store), self._c[0])
        start, stop, _ = slice(start, stop).indices(n)
        if stop <= start:
            return bytearray()
        return bytearray(ffi.buffer(ptr + start, stop - start))

    def write(self, store: StoreLike, value: Union[bytes, bytearray, memoryview], start: Optional[int] = None) -> int:
        """Copies ``value`` in at ``start`` (default 0; negative counts from
        the end); returns its length. ``IndexError`` when it does not fit."""
        sp = store_pointer(store)
        n = ll.memory_data(sp, self._c[0])[1]
        offset = slice(start, None).indices(n)[0]
        if offset >= n:
            raise IndexError("index out of range")
        data = ffi.from_buffer(value)
        size = len(data)
        if size == 0:
            return 0
        if offset + size > n:
            raise IndexError("index out of range")
        check(lib.petrel_memory_write(sp, self._c[0], offset, data, size))
        return size
