"""Exceptions: ``PetrelError`` (alias ``WasmtimeError``), ``Trap`` with its
code and wasm backtrace, ``ExitTrap`` for a WASI ``proc_exit``, and the error hook that turns a C ``petrel_error_t *``
into the right exception (a Python exception raised by a host function comes
back as the very same object)."""

from __future__ import annotations

import itertools
import threading
from typing import Any, Dict, List, Optional

from . import _lowlevel as ll
from ._lowlevel import TrapCode, ffi


class PetrelError(Exception):
    """An error from the runtime: invalid module, link error, misuse..."""


WasmtimeError = PetrelError
"""Alias for code ported from wasmtime-py."""


class Frame:
    """One wasm frame of a trap's backtrace, innermost first."""

    def __init__(
        self, func_index: int, func_name: Optional[str], module_name: Optional[str], func_offset: Optional[int]
    ) -> None:
        self.func_index = func_index
        self.func_name = func_name
        self.module_name = module_name
        self.func_offset = func_offset

    def __repr__(self) -> str:
        name = self.func_name if self.func_name is not None else f"func[{self.func_index}]"
        module = f"{self.module_name}!" if self.module_name else ""
        return f"<Frame {module}{name}>"


class Trap(PetrelError):
    """A wasm trap: ``trap_code`` says why, ``frames`` where (innermost first)."""

    def __init__(
        self, message: str, trap_code: Optional[TrapCode] = None, frames: Optional[List[Frame]] = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.trap_code = trap_code
        self.frames: List[Frame] = frames or []

    def __str__(self) -> str:
        lines = [self.message]
        for i, f in enumerate(self.frames):
            lines.append(f"  {i}: {f!r}")
        return "\n".join(lines)


class ExitTrap(PetrelError):
    """A WASI program ended with ``proc_exit(code)``; ``code`` is its exit status.

    As in wasmtime-py, a ``PetrelError`` (``WasmtimeError``) but not a ``Trap``.
    """

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _string(s: Any) -> Optional[str]:
    if s.data == ffi.NULL:
        return None
    return bytes(ffi.buffer(s.data, s.len)).decode("utf-8", "replace")


# Exceptions raised by host functions, waiting to come out of a wasm call.
_pending: Dict[int, BaseException] = {}
_pending_lock = threading.Lock()
_tags = itertools.count(1)


def stash_exception(exc: BaseException) -> int:
    """Keeps ``exc`` until the error carrying the returned tag is raised."""
    tag = next(_tags)
    with _pending_lock:
        _pending[tag] = exc
    return tag


def error_from_c(err: Any) -> BaseException:
    """The exception for a ``petrel_error_t *`` (which the caller frees)."""
    tag = ffi.new("uint64_t *")
    if ll.lib.petrel_error_host_tag(err, tag):
        with _pending_lock:
            exc = _pending.pop(tag[0], None)
        if exc is not None:
            return exc
    message = ffi.string(ll.lib.petrel_error_message(err)).decode("utf-8", "replace")
    status = ffi.new("int *")
    if ll.lib.petrel_error_exit_status(err, status):
        return ExitTrap(message, int(status[0]))
    trap = ll.lib.petrel_error_as_trap(err)
    if trap != ffi.NULL:
        raw = ll.lib.petrel_trap_code(trap)
        # A code this binding does not know (or the C API's UNKNOWN) is None.
        try:
            code: Optional[TrapCode] = TrapCode(raw)
        except ValueError:
            code = None
        if code == TrapCode.UNKNOWN:
            code = None
        frames = []
        for i in range(ll.lib.petrel_trap_frame_count(trap)):
            ok, f = ll.trap_frame(trap, i)
            if ok:
                frames.append(
                    Frame(
                        f.func_index,
                        _string(f.func_name),
                        _string(f.module_name),
                        f.func_offset if f.has_func_offset else None,
                    )
                )
        return Trap(message, code, frames)
    return PetrelError(message)


ll.set_error_hook(error_from_c)
