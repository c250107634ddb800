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

import enum
import errno
import os
import sys
import traceback
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple, Union

from . import _lowlevel as ll
from ._lowlevel import ffi, lib
from ._managed import Settings
from ._store import finalize, keep, lookup

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


def _write_only(self: Any) -> None:
    raise AttributeError("this setting is write-only")


def _c_array(strings: List[Any]) -> Any:
    """A ``char *[]`` of the given ``char[]`` (which the caller keeps alive)."""
    return ffi.new("char *[]", strings)


class DirPerms(enum.Enum):
    """What a program may do with a preopened directory and those below it
    (``WasiConfig.preopen_dir``)."""

    READ_ONLY = int(ll.DirPerms.READ)
    """List entries, open files and directories, read links and metadata."""
    WRITE_ONLY = int(ll.DirPerms.WRITE)
    """Create, remove, rename and link entries; change sizes and times."""
    READ_WRITE = int(ll.DirPerms.READ) | int(ll.DirPerms.WRITE)
    """Both."""


class FilePerms(enum.Enum):
    """What a program may do with the files it opens below a preopened
    directory (``WasiConfig.preopen_dir``)."""

    READ_ONLY = int(ll.FilePerms.READ)
    """Read."""
    WRITE_ONLY = int(ll.FilePerms.WRITE)
    """Write (and allocate, truncate, set times)."""
    READ_WRITE = int(ll.FilePerms.READ) | int(ll.FilePerms.WRITE)
    """Both."""


CustomOutput = Callable[[bytes], Optional[int]]
"""A standard output callback: gets each buffer the program writes and
returns how many bytes it took (None: all of them)."""


def _custom_output_impl(env: Any, data: Any, size: int) -> int:
    try:
        taken = lookup(env)(bytes(ffi.buffer(data, size)))
        return size if taken is None else int(taken)
    except Exception:  # noqa: BLE001 (the program gets EIO; the error is shown)
        print("WASI output callback failed:", file=sys.stderr)
        traceback.print_exc()
        return -errno.EIO


_custom_output: Any = ffi.callback("petrel_output_callback_t", _custom_output_impl)
"""The C callback of every custom WASI output stream."""


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

    def _set_stdout_custom(self, callback: CustomOutput) -> None:
        if not callable(callback):
            raise TypeError("expected a callable")
        ll.wasi_config_set_stdout_custom(self._p(), _custom_output, keep(callback), finalize)

    stdout_custom = property(
        _write_only,
        _set_stdout_custom,
        doc="""Standard output goes to this callable: it gets each buffer the
        program writes (``bytes``) and returns the number of bytes it took,
        or None for all of them. An exception it raises is printed and the
        program's write fails with ``EIO``. Write-only.""",
    )

    def _set_stderr_custom(self, callback: CustomOutput) -> None:
        if not callable(callback):
            raise TypeError("expected a callable")
        ll.wasi_config_set_stderr_custom(self._p(), _custom_output, keep(callback), finalize)

    stderr_custom = property(
        _write_only,
        _set_stderr_custom,
        doc="Standard error goes to this callable, as ``stdout_custom``. Write-only.",
    )

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

    def preopen_dir(
        self,
        path: PathLike,
        guest_path: str,
        dir_perms: DirPerms = DirPerms.READ_WRITE,
        file_perms: FilePerms = FilePerms.READ_WRITE,
    ) -> None:
        """Gives the program the host directory ``path`` as ``guest_path``.

        Descriptors 3, 4, ... follow the order of these calls. Paths opened
        through it cannot leave it (the program gets an errno). ``dir_perms``
        says what the program may do with the directory and those below it,
        ``file_perms`` with the files it opens there; what they do not allow
        fails with ``ENOTCAPABLE``.
        """
        if not isinstance(dir_perms, DirPerms) or not isinstance(file_perms, FilePerms):
            raise TypeError("expected DirPerms and FilePerms")
        ll.wasi_config_preopen_dir_with_perms(
            self._p(), _c_path(path), _c_text(guest_path, "guest path"), dir_perms.value, file_perms.value
        )
