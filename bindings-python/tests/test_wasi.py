"""WASI through the Python binding: WasiConfig, Store.set_wasi, Linker.define_wasi,
captured output, files, inherited streams, ExitTrap, and the preopen sandbox."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from petrel import (
    Caller,
    Engine,
    ExitTrap,
    FuncType,
    Instance,
    Linker,
    Module,
    PetrelError,
    Store,
    Trap,
    WasiConfig,
    WasmtimeError,
)

# Writes "hello\n" to stdout and "warn" to stderr, prints argv[1], environ[0],
# the file data.txt of its preopened directory (fd 3) and its standard input,
# then exits with proc_exit(3). `escape` opens "../x" through the preopen and
# returns the errno.
WASI_WAT = r"""
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\n")
  (data (i32.const 120) "\n")
  (data (i32.const 130) "data.txt")
  (data (i32.const 140) "../x")
  (data (i32.const 150) "warn")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $n))
  (func $line (param $p i32)
    (call $write (i32.const 1) (local.get $p) (call $strlen (local.get $p)))
    (call $write (i32.const 1) (i32.const 120) (i32.const 1)))
  (func $copy (param $fd i32) (param $buf i32)
    (i32.store (i32.const 40) (local.get $buf))
    (i32.store (i32.const 44) (i32.const 256))
    (if (i32.eqz (call $fd_read (local.get $fd) (i32.const 40) (i32.const 1) (i32.const 48)))
      (then (call $write (i32.const 1) (local.get $buf) (i32.load (i32.const 48))))))
  (func (export "_start")
    (call $write (i32.const 1) (i32.const 100) (i32.const 6))
    (call $write (i32.const 2) (i32.const 150) (i32.const 4))
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (call $line (i32.load (i32.const 1028)))
    (drop (call $environ_sizes_get (i32.const 24) (i32.const 28)))
    (drop (call $environ_get (i32.const 3072) (i32.const 4096)))
    (call $line (i32.load (i32.const 3072)))
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 130) (i32.const 8)
                  (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))
      (then (call $copy (i32.load (i32.const 32)) (i32.const 5120))))
    (call $copy (i32.const 0) (i32.const 6144))
    (call $proc_exit (i32.const 3)))
  (func (export "escape") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 140) (i32.const 4)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32))))
"""

EPERM = 63
EBADF = 8


@pytest.fixture
def engine() -> Engine:
    return Engine()


@pytest.fixture
def preopen(tmp_path: pathlib.Path) -> pathlib.Path:
    d = tmp_path / "root"
    d.mkdir()
    (d / "data.txt").write_text("file says hi\n")
    (tmp_path / "x").write_text("outside")
    return d


def _instantiate(engine: Engine, store: Store) -> Instance:
    linker = Linker(engine)
    linker.define_wasi()
    return linker.instantiate(store, Module(engine, WASI_WAT))


def _run(store: Store, instance: Instance) -> int:
    with pytest.raises(ExitTrap) as info:
        instance.exports(store)["_start"](store)
    return info.value.code


def _config(preopen: pathlib.Path) -> WasiConfig:
    config = WasiConfig()
    config.argv = ["prog", "prog-arg"]
    config.env = [("GREETING", "hi"), ("OTHER", "x")]
    config.stdin_bytes = b"input bytes"
    config.preopen_dir(preopen, ".")
    return config


def test_command_with_captured_output(engine: Engine, preopen: pathlib.Path) -> None:
    config = _config(preopen)
    config.stdout_capture()
    config.stderr_capture()
    store = Store(engine)
    store.set_wasi(config)
    instance = _instantiate(engine, store)
    assert _run(store, instance) == 3
    assert store.wasi_stdout() == b"hello\nprog-arg\nGREETING=hi\nfile says hi\ninput bytes"
    assert store.wasi_stderr() == b"warn"


def test_exit_trap_is_an_error_not_a_trap(engine: Engine, preopen: pathlib.Path) -> None:
    store = Store(engine)
    store.set_wasi(_config(preopen))
    instance = _instantiate(engine, store)
    with pytest.raises(WasmtimeError) as info:
        instance.exports(store)["_start"](store)
    assert isinstance(info.value, ExitTrap) and isinstance(info.value, PetrelError)
    assert not isinstance(info.value, Trap)
    assert info.value.code == 3
    assert "exit status 3" in str(info.value)


def test_preopen_escape_is_an_errno(engine: Engine, preopen: pathlib.Path) -> None:
    store = Store(engine)
    store.set_wasi(_config(preopen))
    instance = _instantiate(engine, store)
    assert instance.exports(store)["escape"](store) == EPERM
    # The store is unharmed: the program still runs.
    assert _run(store, instance) == 3


def test_files_for_standard_streams(engine: Engine, preopen: pathlib.Path, tmp_path: pathlib.Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"from a file")
    config = _config(preopen)
    config.stdin_file = tmp_path / "in.txt"
    config.stdout_file = str(tmp_path / "out.txt")
    config.stderr_file = bytes(tmp_path / "err.txt")
    store = Store(engine)
    store.set_wasi(config)
    assert _run(store, _instantiate(engine, store)) == 3
    assert (tmp_path / "out.txt").read_bytes() == b"hello\nprog-arg\nGREETING=hi\nfile says hi\nfrom a file"
    assert (tmp_path / "err.txt").read_bytes() == b"warn"
    with pytest.raises(PetrelError, match="not captured"):
        store.wasi_stdout()


def test_inherited_streams(engine: Engine, preopen: pathlib.Path, capfd: pytest.CaptureFixture[str]) -> None:
    config = _config(preopen)
    config.inherit_stdout()
    config.inherit_stderr()
    config.inherit_env()
    config.env = [("GREETING", "hi")]  # a later setting replaces inherit_env
    config.inherit_argv()
    config.argv = ["prog", "explicit"]
    store = Store(engine)
    store.set_wasi(config)
    assert _run(store, _instantiate(engine, store)) == 3
    out, err = capfd.readouterr()
    assert out == "hello\nexplicit\nGREETING=hi\nfile says hi\ninput bytes"
    assert err == "warn"


INHERIT_STDIN = """
import sys
import petrel
from petrel import Engine, ExitTrap, Linker, Module, Store, WasiConfig
engine = Engine()
config = WasiConfig()
config.argv = ["prog", "arg"]
config.inherit_env()
config.inherit_stdin()
config.inherit_stdout()
store = Store(engine)
store.set_wasi(config)
linker = Linker(engine)
linker.define_wasi()
instance = linker.instantiate(store, Module(engine, sys.argv[1]))
try:
    instance.exports(store)["_start"](store)
except ExitTrap as e:
    sys.exit(e.code)
"""


def test_inherited_stdin_in_a_child_process() -> None:
    r = subprocess.run(
        [sys.executable, "-c", INHERIT_STDIN, WASI_WAT],
        input=b"piped in",
        capture_output=True,
        timeout=60,
        env={"K": "v"},
    )
    assert r.returncode == 3, r.stderr
    assert r.stdout == b"hello\narg\nK=v\npiped in"


def test_store_without_wasi_config_gets_defaults(engine: Engine) -> None:
    store = Store(engine)
    instance = _instantiate(engine, store)
    assert instance.exports(store)["escape"](store) == EBADF  # no preopened directory
    assert _run(store, instance) == 3
    with pytest.raises(PetrelError, match="not captured"):
        store.wasi_stderr()


def test_set_wasi_replaces_the_configuration(engine: Engine, preopen: pathlib.Path) -> None:
    store = Store(engine)
    first = _config(preopen)
    first.stdout_capture()
    store.set_wasi(first)
    second = WasiConfig()
    second.argv = ["p", "second"]
    second.stdout_capture(capacity=9)
    store.set_wasi(second)
    assert _run(store, _instantiate(engine, store)) == 3
    assert store.wasi_stdout() == b"hello\nsec"  # capped at 9 bytes


def test_config_misuse_raises(engine: Engine, preopen: pathlib.Path, tmp_path: pathlib.Path) -> None:
    config = WasiConfig()
    with pytest.raises(PetrelError, match="not a directory"):
        config.preopen_dir(preopen / "data.txt", "f")
    with pytest.raises(PetrelError, match="cannot preopen"):
        config.preopen_dir(tmp_path / "missing", "m")
    with pytest.raises(PetrelError, match="cannot open"):
        config.stdin_file = tmp_path / "missing.txt"
    with pytest.raises(PetrelError, match="cannot open"):
        config.stdout_file = tmp_path / "missing" / "out.txt"
    with pytest.raises(PetrelError, match="invalid environment variable name"):
        config.env = [("A=B", "c")]
    with pytest.raises(ValueError):
        config.argv = ["nul\0inside"]
    with pytest.raises(TypeError):
        config.argv = [b"bytes"]  # type: ignore[list-item]
    with pytest.raises(AttributeError, match="write-only"):
        print(config.argv)
    config.argv = []
    config.env = []
    store = Store(engine)
    store.set_wasi(config)
    with pytest.raises(PetrelError, match="cannot be used again"):
        config.inherit_env()
    with pytest.raises(PetrelError, match="cannot be used again"):
        store.set_wasi(config)
    linker = Linker(engine)
    linker.define_wasi()
    with pytest.raises(PetrelError, match="already defined"):
        linker.define_wasi()


def test_closed_store_takes_the_config(engine: Engine) -> None:
    store = Store(engine)
    store.close()
    config = WasiConfig()
    with pytest.raises(PetrelError, match="closed"):
        store.set_wasi(config)
    with pytest.raises(PetrelError, match="cannot be used again"):
        config.inherit_stdout()
    with pytest.raises(PetrelError, match="closed"):
        store.wasi_stdout()


def test_wasi_call_from_a_host_function_store(engine: Engine, preopen: pathlib.Path) -> None:
    """Captured output is readable from inside a host function (through the caller)."""
    seen = []
    linker = Linker(engine)
    linker.define_wasi()

    def peek(caller: Caller) -> None:
        seen.append(caller_store.wasi_stdout())

    linker.define_func("host", "peek", FuncType([], []), peek, access_caller=True)
    wat = WASI_WAT.replace(
        '(memory (export "memory") 1)',
        '(import "host" "peek" (func $peek)) (memory (export "memory") 1)',
    ).replace("(call $proc_exit (i32.const 3))", "(call $peek) (call $proc_exit (i32.const 3))")
    caller_store = Store(engine)
    config = _config(preopen)
    config.stdout_capture()
    caller_store.set_wasi(config)
    instance = linker.instantiate(caller_store, Module(engine, wat))
    with pytest.raises(ExitTrap):
        instance.exports(caller_store)["_start"](caller_store)
    assert seen == [b"hello\nprog-arg\nGREETING=hi\nfile says hi\ninput bytes"]


# Echoes standard input to standard output, 7 bytes a read, until end of file.
ECHO_WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (block $done (loop $next
      (i32.store (i32.const 0) (i32.const 64))
      (i32.store (i32.const 4) (i32.const 7))
      (br_if $done (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br_if $done (i32.eqz (i32.load (i32.const 8))))
      (i32.store (i32.const 16) (i32.const 64))
      (i32.store (i32.const 20) (i32.load (i32.const 8)))
      (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
      (br $next)))))
"""


def _echo(engine: Engine, config: WasiConfig) -> bytes:
    config.stdout_capture()
    store = Store(engine)
    store.set_wasi(config)
    linker = Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, Module(engine, ECHO_WAT))
    instance.exports(store)["_start"](store)
    return store.wasi_stdout()


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,  # binary, NUL included, many reads
        b"",
        b"x",
    ],
)
def test_stdin_bytes_are_read_back(engine: Engine, data: bytes) -> None:
    config = WasiConfig()
    config.stdin_bytes = data
    assert _echo(engine, config) == data


def test_stdin_bytes_from_buffers_are_copied(engine: Engine) -> None:
    buf = bytearray(b"from a bytearray")
    config = WasiConfig()
    config.stdin_bytes = buf
    buf[:4] = b"XXXX"  # the bytes were copied when set
    assert _echo(engine, config) == b"from a bytearray"

    config = WasiConfig()
    config.stdin_bytes = memoryview(b"0123456789")[2:5]
    assert _echo(engine, config) == b"234"


def test_stdin_bytes_replace_earlier_input(engine: Engine) -> None:
    config = WasiConfig()
    config.stdin_bytes = b"first"
    config.stdin_bytes = b"second"
    with pytest.raises(AttributeError):
        _ = config.stdin_bytes  # write-only
    with pytest.raises(TypeError):
        config.stdin_bytes = "text"  # type: ignore[assignment]
    assert _echo(engine, config) == b"second"


def test_no_stdin_reads_end_of_file(engine: Engine) -> None:
    assert _echo(engine, WasiConfig()) == b""
