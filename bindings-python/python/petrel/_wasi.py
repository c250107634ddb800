"""WASI preview 1: ``WasiConfig``, shaped like wasmtime-py's.

A configuration is given to a store with ``Store.set_wasi`` (which takes it:
it cannot be used again) and the functions of ``wasi_snapshot_preview1`` are
defined with ``Linker.define_wasi``. A program's ``proc_exit`` raises
``ExitTrap`` with its ``code``.

Petrel extensions: ``stdin_bytes`` and, to read a program's output without a
file, ``stdout_capture()`` / ``stderr_capture()`` with ``Store.wasi_stdout()``
/ ``Store.wasi_stderr()``.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, List, Sequence, Tuple, Union

from . import _lowlevel as ll
from ._lowlevel import ffi, lib
from ._managed import Settings

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

DEFAULT_CAPTURE_CAPACITY = 64 << 20
"""Default cap, in bytes, of captured standard output or error."""


def _c_path(path: PathLike) -> bytes:
    p = os.fsencode(path)
    if b"\0" in p:
        raise ValueError(f"path {path!r} contains a NUL character")
    return p


def _c_text(s: str, what: str) -> Any:
    if not isinstance(s, str):
        raise TypeError(f"{what} must be str, got {type(s).__name__}")
    if "\0" in s:
        raise ValueError(f"{what} {s!r} contains a NUL character")
    return ffi.new("char[]", s.encode("utf-8"))


def _c_array(strings: List[Any]) -> Any:
    """A ``char *[]`` of the given ``char[]`` (which the caller keeps alive)."""
    return ffi.new("char *[]", strings)


class WasiConfig(Settings):
    """The arguments, environment, standard streams and preopened directories
    of a WASI program.

    Defaults: no arguments, no environment, empty standard input, standard
    output and error discarded, no preopened directory. Each setting replaces
    the earlier one of the same stream or list; ``preopen_dir`` adds.
    ``Store.set_wasi`` takes the configuration: using it afterwards raises
    ``ClosedError``.
    """

    _what = "WasiConfig"
    _closed_hint = " (Store.set_wasi takes it: it cannot be used again)"

    def __init__(self) -> None:
        self._set_ptr(ll.wasi_config_new(), lib.petrel_wasi_config_delete)

    @property
    def argv(self) -> None:
        """The program's arguments (``argv[0]`` is conventionally its name)."""
        raise AttributeError("argv is write-only")

    @argv.setter
    def argv(self, argv: Sequence[str]) -> None:
        keep = [_c_text(a, "argument") for a in argv]
        ll.wasi_config_set_argv(self._p(), _c_array(keep))

    def inherit_argv(self) -> None:
        """Gives the program this process's own arguments."""
        ll.wasi_config_inherit_argv(self._p())

    @property
    def env(self) -> None:
        """The program's environment, as ``(name, value)`` pairs."""
        raise AttributeError("env is write-only")

    @env.setter
    def env(self, pairs: Iterable[Tuple[str, str]]) -> None:
        names = []
        values = []
        for name, value in pairs:
            names.append(_c_text(name, "environment variable name"))
            values.append(_c_text(value, "environment variable value"))
        ll.wasi_config_set_env(self._p(), _c_array(names), _c_array(values))

    def inherit_env(self) -> None:
        """Gives the program this process's environment."""
        ll.wasi_config_inherit_env(self._p())

    @property
    def stdin_file(self) -> None:
        """Standard input reads this file (opened now; ``PetrelError`` if it cannot be)."""
        raise AttributeError("stdin_file is write-only")

    @stdin_file.setter
    def stdin_file(self, path: PathLike) -> None:
        ll.wasi_config_set_stdin_file(self._p(), _c_path(path))

    @property
    def stdin_bytes(self) -> None:
        """Standard input yields these bytes, then end of file (Petrel extension)."""
        raise AttributeError("stdin_bytes is write-only")

    @stdin_bytes.setter
    def stdin_bytes(self, data: Union[bytes, bytearray, memoryview]) -> None:
        ll.wasi_config_set_stdin_bytes(self._p(), bytes(data))

    def inherit_stdin(self) -> None:
        """Standard input reads this process's standard input."""
        ll.wasi_config_inherit_stdin(self._p())

    @property
    def stdout_file(self) -> None:
        """Standard output goes to this file (created or truncated now)."""
        raise AttributeError("stdout_file is write-only")

    @stdout_file.setter
    def stdout_file(self, path: PathLike) -> None:
        ll.wasi_config_set_stdout_file(self._p(), _c_path(path))

    def inherit_stdout(self) -> None:
        """Standard output goes to this process's standard output."""
        ll.wasi_config_inherit_stdout(self._p())

    def stdout_capture(self, capacity: int = DEFAULT_CAPTURE_CAPACITY) -> None:
        """Standard output is kept in memory (at most ``capacity`` bytes; writes
        beyond fail with ``ENOSPC``); read it with ``Store.wasi_stdout()``.
        Petrel extension."""
        ll.wasi_config_set_stdout_capture(self._p(), capacity)

    @property
    def stderr_file(self) -> None:
        """Standard error goes to this file (created or truncated now)."""
        raise AttributeError("stderr_file is write-only")

    @stderr_file.setter
    def stderr_file(self, path: PathLike) -> None:
        ll.wasi_config_set_stderr_file(self._p(), _c_path(path))

    def inherit_stderr(self) -> None:
        """Standard error goes to this process's standard error."""
        ll.wasi_config_inherit_stderr(self._p())

    def stderr_capture(self, capacity: int = DEFAULT_CAPTURE_CAPACITY) -> None:
        """Standard error is kept in memory; read it with ``Store.wasi_stderr()``.
        Petrel extension."""
        ll.wasi_config_set_stderr_capture(self._p(), capacity)

    def preopen_dir(self, path: PathLike, guest_path: str) -> None:
        """Gives the program the host directory ``path`` as ``guest_path``.

        Descriptors 3, 4, ... follow the order of these calls. Paths opened
        through it cannot leave it (the program gets an errno).
        """
        ll.wasi_config_preopen_dir(self._p(), _c_path(path), _c_text(guest_path, "guest path"))


def captured_bytes(out: Any) -> bytes:
    """Copies and frees a ``petrel_bytes_t`` returned by the C API."""
    try:
        return bytes(ffi.buffer(out.data, out.len))
    finally:
        lib.petrel_bytes_delete(ffi.new("petrel_bytes_t *", out))
