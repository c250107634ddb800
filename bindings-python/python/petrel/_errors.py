"""Exceptions: ``PetrelError`` (alias ``WasmtimeError``), ``Trap`` with its
code and wasm backtrace, ``ExitTrap`` for a WASI ``proc_exit``, the two
compatibility errors, and the error hook that turns a C ``petrel_error_t *``
into the right exception (a Python exception raised by a host function
comes back as the very same object)."""

from __future__ import annotations

import itertools
import threading
from typing import Any, Dict, List, Optional

from . import _lowlevel as ll
from ._lowlevel import TrapCode, ffi


class PetrelError(Exception):
    """An error from the runtime: invalid module, link error, misuse..."""

    @property
    def message(self) -> str:
        """The error's text (as ``str(error)``)."""
        return str(self)


WasmtimeError = PetrelError
"""Alias for code ported from wasmtime-py."""


class ClosedError(PetrelError, ValueError):
    """An object used after ``close()`` (a store, engine, module, linker,
    configuration...) or a ``Caller`` used after its host function returned.

    A ``PetrelError``, and also a ``ValueError``, which is what wasmtime-py
    raises in these cases.
    """


class ArgumentTypeError(TypeError, AttributeError):
    """An argument of the wrong kind, such as an ``int`` where a ``Store`` or
    a ``Module`` goes.

    A ``TypeError``, and also an ``AttributeError``, which is what
    wasmtime-py raises for some of these (it reads an attribute of the
    argument before checking its type).
    """


def expect(value: Any, cls: Any, what: str) -> None:
    """Raises ``ArgumentTypeError`` unless ``value`` is an instance of ``cls``."""
    if not isinstance(value, cls):
        raise ArgumentTypeError(f"expected {what}, got {type(value).__name__}")


# What each trap code says, in Wasmtime's words (so that messages read as
# they do under wasmtime-py).
_DESCRIPTIONS = {
    TrapCode.STACK_OVERFLOW: "call stack exhausted",
    TrapCode.MEMORY_OUT_OF_BOUNDS: "out of bounds memory access",
    TrapCode.TABLE_OUT_OF_BOUNDS: "undefined element: out of bounds table access",
    TrapCode.INDIRECT_CALL_TO_NULL: "uninitialized element",
    TrapCode.BAD_SIGNATURE: "indirect call type mismatch",
    TrapCode.INTEGER_OVERFLOW: "integer overflow",
    TrapCode.INTEGER_DIVISION_BY_ZERO: "integer divide by zero",
    TrapCode.BAD_CONVERSION_TO_INTEGER: "invalid conversion to integer",
    TrapCode.UNREACHABLE: "wasm `unreachable` instruction executed",
    TrapCode.INTERRUPT: "interrupt",
    TrapCode.OUT_OF_FUEL: "all fuel consumed by WebAssembly",
    TrapCode.NULL_REFERENCE: "null reference",
}


class Frame:
    """One wasm frame of a trap's backtrace, innermost first."""

    def __init__(
        self,
        func_index: int,
        func_name: Optional[str],
        module_name: Optional[str],
        func_offset: Optional[int],
        module_offset: Optional[int] = None,
    ) -> None:
        self.func_index = func_index
        """The function's index in its module."""
        self.func_name = func_name
        """The function's name from the name section, or None."""
        self.module_name = module_name
        """The module's name from the name section, or None."""
        self.func_offset = func_offset
        """Offset of the instruction in the function's wasm code, when known."""
        self.module_offset = module_offset
        """Offset of the instruction in the module's bytes, when known."""

    def __repr__(self) -> str:
        name = self.func_name if self.func_name is not None else f"func[{self.func_index}]"
        module = f"{self.module_name}!" if self.module_name else ""
        return f"<Frame {module}{name}>"


def backtrace_text(frames: List[Frame], cause: str) -> str:
    """``cause`` after the frames, laid out as Wasmtime prints a trap."""
    if not frames:
        return cause
    lines = ["error while executing at wasm backtrace:"]
    for i, f in enumerate(frames):
        where = f"{f.module_offset:#8x} - " if f.module_offset is not None else ""
        name = f.func_name if f.func_name is not None else f"<wasm function {f.func_index}>"
        lines.append(f"  {i:>3}: {where}{f.module_name or '<unknown>'}!{name}")
    return "\n".join(lines) + f"\n\nCaused by:\n    {cause}\n"


class Trap(PetrelError):
    """A wasm trap: ``trap_code`` says why, ``frames`` where (innermost first).

    ``Trap(message)`` makes one to raise from a host function. ``str(trap)``
    and ``message`` give the backtrace and the cause as Wasmtime words them.
    """

    def __init__(
        self, message: str, trap_code: Optional[TrapCode] = None, frames: Optional[List[Frame]] = None
    ) -> None:
        super().__init__(message)
        self._message = message
        self.trap_code = trap_code
        self.frames: List[Frame] = frames or []

    @property
    def message(self) -> str:
        """The trap's text: for a trap of wasm, its backtrace then its cause."""
        return self._message

    def __str__(self) -> str:
        return self._message


class ExitTrap(PetrelError):
    """A WASI program ended with ``proc_exit(code)``; ``code`` is its exit status.

    As in wasmtime-py, a ``PetrelError`` (``WasmtimeError``) but not a ``Trap``.
    """

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
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


def _frames(trap: Any) -> List[Frame]:
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
                    f.module_offset if f.has_module_offset else None,
                )
            )
    return frames


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
        return ExitTrap(f"Exited with i32 exit status {int(status[0])}", int(status[0]))
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
        frames = _frames(trap)
        cause = f"wasm trap: {_DESCRIPTIONS[code]}" if code is not None else message
        return Trap(backtrace_text(frames, cause), code, frames)
    return PetrelError(message)


ll.set_error_hook(error_from_c)
