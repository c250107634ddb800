"""``Linker``: defines imports by name, then instantiates modules."""

from __future__ import annotations

from typing import Any, Callable

from . import _lowlevel as ll
from ._engine import Engine
from ._errors import ArgumentTypeError, PetrelError, expect
from ._extern import Extern, extern_from_c, extern_to_c
from ._func import Func, _host_trampoline, _HostFunc
from ._instance import Instance
from ._lowlevel import ffi, lib
from ._managed import Managed
from ._module import Module
from ._store import StoreLike, finalize, keep, store_pointer
from ._types import FuncType


def _name(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"expected a str name, got {type(value).__name__}")
    return value.encode("utf-8")


class Linker(Managed):
    """Resolves a module's imports by ``(module, name)`` from the items and
    host functions defined in it, then instantiates."""

    _what = "linker"

    def __init__(self, engine: Engine) -> None:
        expect(engine, Engine, "an Engine")
        self._set_ptr(ll.linker_new(engine._p()), lib.petrel_linker_delete)
        self.engine = engine
        """The engine of the modules the linker instantiates."""

    def _set_allow_shadowing(self, allow: bool) -> None:
        ll.linker_allow_shadowing(self._p(), bool(allow))

    def _get_allow_shadowing(self) -> None:
        raise AttributeError("allow_shadowing is write-only")

    allow_shadowing = property(
        _get_allow_shadowing,
        _set_allow_shadowing,
        doc="Whether a definition may replace an earlier one of the same name (off by default). Write-only.",
    )

    def define(self, store: StoreLike, module: str, name: str, item: Extern) -> None:
        """Defines ``module::name`` as ``item`` (an item of ``store``)."""
        sp = store_pointer(store)
        module_b, name_b = _name(module), _name(name)
        c = ffi.new("petrel_extern_t *")
        extern_to_c(item, c)
        ll.linker_define(self._p(), sp, module_b, name_b, c[0])

    def define_func(
        self, module: str, name: str, ty: FuncType, func: Callable[..., Any], access_caller: bool = False
    ) -> None:
        """Defines ``module::name`` as a host function of type ``ty``, made
        in each store that instantiates a module importing it (see ``Func``)."""
        module_b, name_b = _name(module), _name(name)
        expect(ty, FuncType, "a FuncType")
        key = keep(_HostFunc(func, ty, access_caller))
        ll.linker_define_func(self._p(), module_b, name_b, ty._to_c(), _host_trampoline, key, finalize)

    def define_instance(self, store: StoreLike, name: str, instance: Instance) -> None:
        """Defines every export of ``instance`` under the module name ``name``."""
        expect(instance, Instance, "an Instance")
        ll.linker_define_instance(self._p(), store_pointer(store), _name(name), instance._c[0])

    def define_wasi(self) -> None:
        """Defines every function of ``wasi_snapshot_preview1``, working on the
        WASI configuration of the store each runs in (``Store.set_wasi``)."""
        ll.linker_define_wasi(self._p())

    def instantiate(self, store: StoreLike, module: Module) -> Instance:
        """Instantiates ``module`` with its imports resolved by name
        (``PetrelError`` for an undefined import, ``Trap`` from its start
        function)."""
        sp = store_pointer(store)
        expect(module, Module, "a Module")
        return Instance._from_c(ll.linker_instantiate(self._p(), sp, module._p()))

    def get(self, store: StoreLike, module: str, name: str) -> Extern:
        """The item defined as ``module::name`` (``PetrelError`` when there is none)."""
        item, found = ll.linker_get(self._p(), store_pointer(store), _name(module), _name(name))
        if not found:
            raise PetrelError(f"`{module}::{name}` is not defined in the linker")
        return extern_from_c(item)

    def get_default(self, store: StoreLike, name: str) -> Func:
        """The default export of module ``name``: its function ``""``, else
        its ``_start``, else a function that does nothing (as Wasmtime)."""
        for export in ("", "_start"):
            item, found = ll.linker_get(self._p(), store_pointer(store), _name(name), _name(export))
            if found:
                f = extern_from_c(item)
                if not isinstance(f, Func):
                    raise PetrelError(f"default export `{export}` of `{name}` is not a function")
                return f
        return Func(store, FuncType([], []), lambda: None)
