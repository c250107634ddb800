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

from ._errors import ExitTrap, Frame, PetrelError, Trap, WasmtimeError
from ._lowlevel import ExternKind, Mutability, OptLevel, TrapCode, ValKind
from ._runtime import (
    Caller,
    Config,
    Engine,
    Extern,
    Func,
    Global,
    Instance,
    InstanceExports,
    Linker,
    Memory,
    Module,
    Store,
    Table,
    extern_type,
    wat2wasm,
)
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
from ._wasi import WasiConfig

__all__ = [
    "Caller",
    "Config",
    "Engine",
    "ExitTrap",
    "ExportType",
    "Extern",
    "ExternKind",
    "Frame",
    "Func",
    "FuncType",
    "Global",
    "GlobalType",
    "ImportType",
    "Instance",
    "InstanceExports",
    "Limits",
    "Linker",
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
