"""``Store``: owns every instance, function, memory, table and global made
in it, plus the embedder's data; and the table of Python objects the C side
refers to by key (store data, host functions, extern references).

Every operation on a store item takes the store explicitly
(``func(store, *args)``) and the C API checks the pair, so a handle used
with another store, a closed store, or a caller outside its callback raises
instead of crashing. A store is used by one thread at a time: a second
thread gets a ``PetrelError``. The GIL is released while wasm runs.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

from . import _lowlevel as ll
from ._engine import Engine
from ._errors import ArgumentTypeError, ClosedError, expect
from ._lowlevel import ffi, lib
from ._managed import Managed
from ._module import owned_bytes

if TYPE_CHECKING:
    from ._func import Caller
    from ._wasi import WasiConfig

# Python objects the C side refers to (store data, host functions, extern
# references): each is handed over as a cffi handle (``ffi.new_handle``),
# kept alive here until the C side calls ``finalize`` with it.
_handles: Dict[int, Any] = {}
_handles_lock = threading.Lock()


def keep(obj: Any) -> Any:
    """Registers ``obj`` and returns the ``void *`` that stands for it on the
    C side (which calls ``finalize`` with it when done)."""
    handle = ffi.new_handle(obj)
    with _handles_lock:
        _handles[int(ffi.cast("uintptr_t", handle))] = handle
    return handle


def _finalize_impl(data: Any) -> None:
    with _handles_lock:
        _handles.pop(int(ffi.cast("uintptr_t", data)), None)


finalize: Any = ffi.callback("petrel_finalizer_t", _finalize_impl)
"""The C finalizer of every Python object handed to the C side."""


def lookup(data: Any) -> Any:
    """The object registered as ``data`` (a pointer ``keep`` returned and
    the C side has not finalized)."""
    return ffi.from_handle(data)


def _delete_store(ptr: Any) -> None:
    err = lib.petrel_store_delete(ptr)
    if err:
        lib.petrel_error_delete(err)


store_objects: "weakref.WeakValueDictionary[int, Store]" = weakref.WeakValueDictionary()
"""Every live ``Store`` by id (a ``Caller`` finds its store's memory views here)."""


class Store(Managed):
    """Owns every instance, function, memory, table and global made in it.

    ``Store()`` makes an engine of its own (``store.engine``); ``data`` is
    any Python object, returned by ``data()``.
    """

    _what = "store"
    _is_store = True

    def __init__(self, engine: Optional[Engine] = None, data: Any = None) -> None:
        if engine is None:
            engine = Engine()
        else:
            expect(engine, Engine, "an Engine")
        self._data_ref = [data]
        self._set_ptr(ll.store_new(engine._p(), keep(self._data_ref), finalize), _delete_store)
        # The address, for the C fast path of calls (which reads it only
        # while _ptr is set: see native/fastfunc.c).
        self._addr: int = int(ffi.cast("uintptr_t", self._ptr))
        self._id: int = ll.store_id(self._ptr)
        self._views: List[memoryview] = []
        self.engine = engine
        """The engine the store was made with."""
        store_objects[self._id] = self

    def data(self) -> Any:
        """The data given when the store was made (None by default)."""
        return self._data_ref[0]

    def set_data(self, value: Any) -> None:
        """Replaces the store's data. Petrel extension."""
        self._data_ref[0] = value

    def set_fuel(self, fuel: int) -> None:
        """Sets the fuel available to wasm (``PetrelError`` unless the engine
        has ``Config.consume_fuel``)."""
        ll.store_set_fuel(self._p(), fuel)

    def get_fuel(self) -> int:
        """The fuel left (``PetrelError`` unless the engine has ``Config.consume_fuel``)."""
        return ll.store_get_fuel(self._p())

    def set_epoch_deadline(self, ticks_after_current: int) -> None:
        """Interrupts wasm once the engine's epoch advances this many ticks."""
        ll.store_set_epoch_deadline(self._p(), ticks_after_current)

    def set_limits(
        self,
        memory_size: int = -1,
        table_elements: int = -1,
        instances: int = -1,
        tables: int = -1,
        memories: int = -1,
    ) -> None:
        """Caps the store's resources: the bytes of any one linear memory,
        the elements of any one table, and how many instances, tables and
        memories the store may hold. A negative value leaves that one
        unlimited. Growth past a cap fails (``memory.grow`` returns -1);
        creation past it raises ``PetrelError``."""
        ll.store_limits(self._p(), memory_size, table_elements, instances, tables, memories)

    def set_wasi(self, wasi: "WasiConfig") -> None:
        """Makes ``wasi`` the store's WASI configuration, replacing an earlier one.

        The configuration is taken (even when this raises): it cannot be used
        again. Functions defined by ``Linker.define_wasi`` use it; a store
        without one gives programs the defaults of ``WasiConfig()``.
        """
        config = wasi._consume()
        p = self._ptr
        if p is None:
            lib.petrel_wasi_config_delete(config)
            raise closed(self)
        ll.store_set_wasi(p, config)

    def wasi_stdout(self) -> bytes:
        """Everything the WASI program wrote to standard output so far, when
        captured (``WasiConfig.stdout_capture``). Petrel extension."""
        return owned_bytes(ll.store_wasi_stdout(self._p()))

    def wasi_stderr(self) -> bytes:
        """Like ``wasi_stdout``, for standard error (``WasiConfig.stderr_capture``)."""
        return owned_bytes(ll.store_wasi_stderr(self._p()))

    def gc(self) -> None:
        """Frees the extern references no global or table of the store holds
        any more (dropping Petrel's reference to their Python objects).
        Called from a host function (wasm running), it frees nothing."""
        ll.store_gc(self._p())

    def close(self) -> None:
        """Frees everything in the store; later uses raise ``ClosedError``.

        Memory views made by ``Memory.buffer`` are released first (raises
        ``BufferError``, leaving the store open, if one is still exported).
        Refused with a ``PetrelError`` while the store is in use by a host
        function or another thread.
        """
        p = self._ptr
        if p is None:
            return
        for v in self._views:
            v.release()
        self._views.clear()
        ll.store_close(p)
        self._ptr = None

    def __del__(self) -> None:
        p = self._ptr
        if p is None:
            return
        self._ptr = None
        for v in self._views:
            try:
                v.release()
            except BufferError:
                # A view is still exported elsewhere: keep the memory mapped
                # (the store is leaked rather than freed under it).
                ffi.gc(p, None)
                return


StoreLike = Union[Store, "Caller"]


def store_pointer(store: Any) -> Any:
    """The C store pointer of a ``Store`` or ``Caller``.

    Raises ``ArgumentTypeError`` for anything else and ``ClosedError`` for a
    closed store or a caller whose host function has returned.
    """
    if not getattr(store, "_is_store", False):
        raise ArgumentTypeError(f"expected a Store or Caller, got {type(store).__name__}")
    p = store._ptr
    if p is None:
        raise closed(store)
    return p


def closed(store: Any) -> ClosedError:
    """The error for a closed store or an expired caller."""
    if isinstance(store, Store):
        return ClosedError("this store is closed")
    return ClosedError("this caller is no longer valid (used after its host function returned)")
