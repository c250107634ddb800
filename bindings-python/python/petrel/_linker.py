"""``Linker``: defines imports by name, then instantiates modules."""

from __future__ import annotations

from typing import Any, Callable

from . import _lowlevel as ll
from ._engine import Engine
from ._errors import ArgumentTypeError, PetrelError, expect
from ._extern import Extern, extern_from_c, extern_to_c
from ._func import Func, _HostFunc
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
        host = _HostFunc(func, ty, access_caller)
        ll.linker_define_func(self._p(), module_b, name_b, ty._to_c(), host.callback, keep(host), finalize)

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
        sp = store_pointer(store)
        return Func._from_c(ll.linker_get_default(self._p(), sp, _name(name)))

    def define_module(self, store: StoreLike, name: str, module: Module) -> None:
        """Defines the exports of ``module`` under the module name ``name``,
        as Wasmtime does for WASI commands and reactors: a reactor (no
        ``_start`` export) is instantiated now and its ``_initialize`` run;
        each exported function of a command (a module exporting ``_start``)
        instantiates the module afresh every time it is called."""
        sp = store_pointer(store)
        name_b = _name(name)
        expect(module, Module, "a Module")
        ll.linker_module(self._p(), sp, name_b, module._p())

    def define_unknown_imports_as_traps(self, module: Module) -> None:
        """Defines every function import of ``module`` not defined yet as a
        function that fails with an "unknown import" error when called."""
        expect(module, Module, "a Module")
        ll.linker_define_unknown_imports_as_traps(self._p(), module._p())

    def define_unknown_imports_as_default_values(self, store: StoreLike, module: Module) -> None:
        """Defines every import of ``module`` not defined yet as a default
        item of ``store``: a function returning zeros and nulls, a global
        holding zero, a table of nulls, a memory of the minimum size."""
        sp = store_pointer(store)
        expect(module, Module, "a Module")
        ll.linker_define_unknown_imports_as_default_values(self._p(), sp, module._p())

    def instantiate_pre(self, module: Module) -> "InstancePre":
        """Resolves every import of ``module`` now (``PetrelError`` for one
        not defined) and returns what instantiates it in any store of the
        engine without looking names up again."""
        expect(module, Module, "a Module")
        pre = InstancePre.__new__(InstancePre)
        pre._set_ptr(ll.linker_instantiate_pre(self._p(), module._p()), lib.petrel_instance_pre_delete)
        pre._engine = self.engine
        return pre


class InstancePre(Managed):
    """A module with its imports resolved (``Linker.instantiate_pre``):
    ``instantiate(store)`` makes an instance without resolving names again.
    Later definitions in the linker do not change it."""

    _what = "InstancePre"
    _engine: Engine

    def instantiate(self, store: StoreLike) -> Instance:
        """Instantiates the module in ``store`` (``Trap`` from its start function)."""
        return Instance._from_c(ll.instance_pre_instantiate(self._p(), store_pointer(store)))

    @property
    def module(self) -> Module:
        """The module it instantiates."""
        return Module._from_ptr(self._engine, ll.instance_pre_module(self._p()))
