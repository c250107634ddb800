"""Petrel: a WebAssembly runtime, with an API shaped like wasmtime-py.

>>> from petrel import Engine, Store, Module, Instance
>>> engine = Engine()
>>> store = Store(engine)
>>> module = Module(engine, '(module (func (export "add") (param i32 i32) (result i32)'
...                         ' local.get 0 local.get 1 i32.add))')
>>> instance = Instance(store, module, [])
>>> instance.exports(store)["add"](store, 2, 3)
5
"""

from ._config import Config
from ._engine import Engine
from ._errors import ArgumentTypeError, ClosedError, ExitTrap, Frame, PetrelError, Trap, WasmtimeError
from ._extern import Extern, extern_type
from ._func import Caller, Func
from ._global import Global
from ._instance import Instance, InstanceExports
from ._linker import InstancePre, Linker
from ._lowlevel import ExternKind, Mutability, OptLevel, TrapCode, ValKind
from ._managed import Managed
from ._memory import Memory
from ._module import Module, wat2wasm
from ._store import Store
from ._table import Table
from ._types import (
    ExportType,
    FuncType,
    GlobalType,
    ImportType,
    Limits,
    MemoryType,
    TableType,
    Val,
    ValType,
)
from ._wasi import DirPerms, FilePerms, WasiConfig

__all__ = [
    "ArgumentTypeError",
    "Caller",
    "ClosedError",
    "DirPerms",
    "Config",
    "Engine",
    "ExitTrap",
    "ExportType",
    "Extern",
    "ExternKind",
    "FilePerms",
    "Frame",
    "Func",
    "FuncType",
    "Global",
    "GlobalType",
    "ImportType",
    "Instance",
    "InstanceExports",
    "InstancePre",
    "Limits",
    "Linker",
    "Managed",
    "Memory",
    "MemoryType",
    "Module",
    "Mutability",
    "OptLevel",
    "PetrelError",
    "Store",
    "Table",
    "TableType",
    "Trap",
    "TrapCode",
    "Val",
    "ValKind",
    "ValType",
    "WasiConfig",
    "WasmtimeError",
    "extern_type",
    "wat2wasm",
]
