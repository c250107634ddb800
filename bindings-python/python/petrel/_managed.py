"""The two shapes every object of the binding takes.

``Managed`` owns one C object (a configuration, engine, module, store,
linker...): ``close()``, ``with`` and garbage collection free it, once. The
pointer is held as a cffi object with the C destructor attached, and
``close()`` only drops the binding's reference to it: a call into C running
on another thread (the GIL is released during C calls) holds its own
reference, so the C object is freed when that call returns, never under it.
Using a closed object raises ``ClosedError`` (a ``ValueError``, as in
wasmtime-py).

``Handle`` is an item of a store (function, memory, table, global,
instance): the ``{store id, index}`` pair the C API takes by value, kept in a
ready-made C struct. It owns nothing; the store does.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, TypeVar

from ._errors import ClosedError
from ._lowlevel import ffi

H = TypeVar("H", bound="Handle")


class Managed:
    """Base of the objects that own a C object (see the module's docs)."""

    _what: ClassVar[str] = "object"
    """What the object is called in errors ("store", "engine", ...)."""

    _closed_hint: ClassVar[str] = ""
    """Appended to the ``ClosedError`` message (how an object gets closed)."""

    _ptr: Any = None
    """The owned C object (a cffi object with its destructor), None once closed."""

    def _set_ptr(self, ptr: Any, delete: Callable[[Any], Any]) -> None:
        """Takes ownership of ``ptr``, to be freed with ``delete``."""
        self._ptr = ffi.gc(ptr, delete)

    def _p(self) -> Any:
        """The C object; raises ``ClosedError`` when closed (or never made)."""
        p = self._ptr
        if p is None:
            raise ClosedError(f"this {self._what} is closed{self._closed_hint}")
        return p

    def _consume(self) -> Any:
        """Hands the C object over to a C function that takes ownership of it.

        The object counts as closed afterwards.
        """
        p = self._p()
        self._ptr = None
        ffi.gc(p, None)  # detaches the destructor (cffi returns None here)
        return p

    def close(self) -> None:
        """Frees the object now (idempotent). Later uses raise ``ClosedError``."""
        self._ptr = None

    def __enter__(self: Any) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # The destructor attached to the pointer runs when the last reference
        # to it goes; dropping ours here makes that prompt.
        self._ptr = None


class Settings(Managed):
    """A ``Managed`` whose public attributes are settings (properties):
    assigning any other public name raises ``AttributeError`` instead of
    silently making an attribute nobody reads (a misspelt
    ``config.wasm_memory_64 = True``)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_") and not isinstance(getattr(type(self), name, None), property):
            raise AttributeError(f"{type(self).__name__} has no setting {name!r}")
        object.__setattr__(self, name, value)


class Handle:
    """Base of the store items: a ``{store id, index}`` pair and its C struct.

    Adds no storage: each subclass declares the three slots (``Func`` has
    them from its C base class).
    """

    __slots__ = ()

    _ctype: ClassVar[str]
    """The C struct's pointer type (``"petrel_func_t *"``...)."""

    _store_id: int
    _index: int
    _c: Any

    def _init(self, store_id: int, index: int) -> None:
        # The slots are the subclass's (or its C base's): mypy sees only
        # this class's empty __slots__.
        self._store_id = store_id  # type: ignore[misc]
        self._index = index  # type: ignore[misc]
        c = ffi.new(self._ctype)
        c.store_id = store_id
        c.index = index
        self._c = c

    @classmethod
    def _from_c(cls: type[H], handle: Any) -> H:
        """The Python object of a C handle (a ``petrel_X_t`` value)."""
        obj = cls.__new__(cls)
        obj._init(handle.store_id, handle.index)
        return obj

    @classmethod
    def _make(cls: type[H], store_id: int, index: int) -> H:
        obj = cls.__new__(cls)
        obj._init(store_id, index)
        return obj

    def __eq__(self, other: object) -> bool:
        # The C type names the kind (a Func keeps it when it switches to its
        # signature's subclass).
        return (
            isinstance(other, Handle)
            and other._ctype == self._ctype
            and (other._store_id, other._index) == (self._store_id, self._index)
        )

    def __hash__(self) -> int:
        return hash((self._ctype, self._store_id, self._index))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} store={self._store_id} index={self._index}>"
