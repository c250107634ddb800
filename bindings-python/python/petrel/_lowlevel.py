# Generated from petrel.h by header-gen, do not edit.
"""The low-level layer of the Python binding: one function per C function.

Each wrapper takes the C function's inputs (a buffer pair ``X``/``X_len`` is
one argument: ``str``/``bytes`` for text and bytes, a list or cdata array
otherwise), returns its out-parameters (a tuple when there are several), and
raises the exception built by the error hook when the C function returns a
``petrel_error_t *``. ``lib`` and ``ffi`` give direct access for hot paths.
"""

from __future__ import annotations

import enum
from typing import Any, Callable, Union

# The cffi API-mode extension module, compiled from these declarations
# (_cdef.py) into the native library by bindings-python/native.
from ._petrel_cffi import ffi as _ffi
from ._petrel_cffi import lib as _lib

ffi: Any = _ffi
lib: Any = _lib


class LowLevelError(Exception):
    """An error from the C API, when no error hook is installed."""


def _default_hook(err: Any) -> BaseException:
    return LowLevelError(ffi.string(lib.petrel_error_message(err)).decode("utf-8", "replace"))


_error_hook: Callable[[Any], BaseException] = _default_hook


def set_error_hook(hook: Callable[[Any], BaseException]) -> None:
    """Sets the function that turns a ``petrel_error_t *`` into the exception to raise.

    The hook must copy what it needs: the error is freed after it returns.
    """
    global _error_hook
    _error_hook = hook


def check(err: Any) -> None:
    """Raises the exception for ``err`` (freeing it) unless it is NULL."""
    if err:
        try:
            exc = _error_hook(err)
        finally:
            lib.petrel_error_delete(err)
        raise exc


def _text(value: Union[str, bytes]) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _bytes(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8")
    return ffi.from_buffer(value)


def _array(ctype: str, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ffi.new(ctype + "[]", value)
    return value


class OptLevel(enum.IntEnum):
    """Cranelift's optimisation level (see `PETREL_OPT_LEVEL_*`)."""

    #: No optimisation: the fastest compile.
    NONE = 0
    #: Optimise for speed (the default).
    SPEED = 1
    #: Optimise for speed and code size.
    SPEED_AND_SIZE = 2


class TrapCode(enum.IntEnum):
    """Why wasm trapped (see `PETREL_TRAP_*`)."""

    #: Wasm used more stack than the configured maximum.
    STACK_OVERFLOW = 0
    #: A load or store outside linear memory.
    MEMORY_OUT_OF_BOUNDS = 1
    #: An access outside a table.
    TABLE_OUT_OF_BOUNDS = 2
    #: `call_indirect` of a null table entry.
    INDIRECT_CALL_TO_NULL = 3
    #: `call_indirect` of a function of the wrong type.
    BAD_SIGNATURE = 4
    #: Integer overflow.
    INTEGER_OVERFLOW = 5
    #: Integer division by zero.
    INTEGER_DIVISION_BY_ZERO = 6
    #: NaN converted to an integer.
    BAD_CONVERSION_TO_INTEGER = 7
    #: The `unreachable` instruction.
    UNREACHABLE = 8
    #: The epoch deadline was reached.
    INTERRUPT = 9
    #: The store's fuel ran out.
    OUT_OF_FUEL = 10
    #: A null reference was dereferenced.
    NULL_REFERENCE = 11
    #: A trap code this version of the C API does not know.
    UNKNOWN = 255


class ExternKind(enum.IntEnum):
    """The kind of an importable or exportable item (see `PETREL_EXTERN_*`)."""

    #: A function.
    FUNC = 0
    #: A global.
    GLOBAL = 1
    #: A table.
    TABLE = 2
    #: A linear memory.
    MEMORY = 3


class ValKind(enum.IntEnum):
    """The kind of a wasm value (see `PETREL_I32` ...)."""

    #: 32-bit integer.
    I32 = 0
    #: 64-bit integer.
    I64 = 1
    #: 32-bit float.
    F32 = 2
    #: 64-bit float.
    F64 = 3
    #: 128-bit vector.
    V128 = 4
    #: Nullable function reference.
    FUNCREF = 5
    #: Nullable reference to a host value.
    EXTERNREF = 6


class Mutability(enum.IntEnum):
    """Whether a global can be written (see `PETREL_CONST` and `PETREL_VAR`)."""

    #: Immutable.
    CONST = 0
    #: Mutable.
    VAR = 1


class DirPerms(enum.IntEnum):
    """What a program may do with a preopened directory and those below it
    (`PETREL_DIR_PERMS_*`, combined with `|`).
    """

    #: List entries, open files and directories, read links and metadata.
    READ = 1
    #: Create, remove, rename and link entries; change sizes and times.
    WRITE = 2


class FilePerms(enum.IntEnum):
    """What a program may do with the files it opens below a preopened
    directory (`PETREL_FILE_PERMS_*`, combined with `|`).
    """

    #: Read.
    READ = 1
    #: Write (and allocate, truncate, set times).
    WRITE = 2


def config_new() -> Any:
    """Creates the default configuration (WebAssembly 2.0, optimised for
    speed, no fuel, no epochs) in `config_out`.

    # Safety
    `config_out` is writable.
    """
    config_out = ffi.new("petrel_config_t * *")
    check(lib.petrel_config_new(config_out))
    return config_out[0]


def config_delete(config: Any) -> None:
    """Frees a configuration. NULL is ignored.

    # Safety
    `config` is NULL or a live configuration not used afterwards.
    """
    lib.petrel_config_delete(config)


def config_wasm_simd(config: Any, enable: bool) -> None:
    """Enables or disables 128-bit SIMD (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_simd(config, enable))


def config_wasm_reference_types(config: Any, enable: bool) -> None:
    """Enables or disables reference types (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_reference_types(config, enable))


def config_wasm_bulk_memory(config: Any, enable: bool) -> None:
    """Enables or disables bulk memory operations (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_bulk_memory(config, enable))


def config_wasm_multi_value(config: Any, enable: bool) -> None:
    """Enables or disables multi-value (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_multi_value(config, enable))


def config_wasm_sign_extension(config: Any, enable: bool) -> None:
    """Enables or disables the sign-extension operators (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_sign_extension(config, enable))


def config_wasm_extended_const(config: Any, enable: bool) -> None:
    """Enables or disables extended constant expressions: `i32.add`, `i32.sub`,
    `i32.mul` and their `i64` forms in global initialisers and segment
    offsets (on by default, as in WebAssembly 3.0).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_extended_const(config, enable))


def config_wasm_wide_arithmetic(config: Any, enable: bool) -> None:
    """Enables or disables the wide-arithmetic operators: `i64.add128`,
    `i64.sub128`, `i64.mul_wide_s` and `i64.mul_wide_u` (off by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_wide_arithmetic(config, enable))


def config_wasm_relaxed_simd(config: Any, enable: bool) -> None:
    """Enables or disables the relaxed SIMD operators (on by default; they need
    SIMD). Each has one fixed result on every machine (see
    `Config::wasm_relaxed_simd` of the Rust API).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_relaxed_simd(config, enable))


def config_wasm_tail_call(config: Any, enable: bool) -> None:
    """Enables or disables tail calls: `return_call` and `return_call_indirect`
    (on by default). A tail call replaces the caller's frame, so tail
    recursion of any depth runs in constant stack.

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_tail_call(config, enable))


def config_wasm_multi_memory(config: Any, enable: bool) -> None:
    """Enables or disables multi-memory: several memories per module, each
    access naming its memory (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_multi_memory(config, enable))


def config_wasm_memory64(config: Any, enable: bool) -> None:
    """Enables or disables memory64: memories and tables indexed with i64 (on
    by default, as in Wasmtime). Accesses to a 64-bit memory are checked
    against its current size; 32-bit memories keep their guard region.

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_memory64(config, enable))


def config_wasm_custom_page_sizes(config: Any, enable: bool) -> None:
    """Enables or disables custom page sizes: memories declared with
    `(pagesize 1)`, sized and grown in bytes (off by default, as in
    Wasmtime).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_custom_page_sizes(config, enable))


def config_wasm_saturating_float_to_int(config: Any, enable: bool) -> None:
    """Enables or disables non-trapping float-to-int conversions (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_wasm_saturating_float_to_int(config, enable))


def config_consume_fuel(config: Any, enable: bool) -> None:
    """Makes compiled code count fuel: stores then need
    `petrel_store_set_fuel`, and running out traps with
    `PETREL_TRAP_OUT_OF_FUEL` (off by default, free when off).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_consume_fuel(config, enable))


def config_epoch_interruption(config: Any, enable: bool) -> None:
    """Makes compiled code check the engine's epoch against the store's
    deadline (see `petrel_engine_increment_epoch`; off by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_epoch_interruption(config, enable))


def config_parallel_compilation(config: Any, enable: bool) -> None:
    """Compiles a module's functions on several threads (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_parallel_compilation(config, enable))


def config_static_memory_guard(config: Any, enable: bool) -> None:
    """Reserves each memory's whole 4 GiB index space plus a guard region so
    accesses need no bounds checks (on by default); off, memories are
    allocated to their size and every access is checked.

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_static_memory_guard(config, enable))


def config_pooling_allocator(config: Any, pooling: Any) -> None:
    """Makes engines made with `config` allocate instances, memories and
    tables from a pool reserved when the engine is made and reused after a
    store is deleted (`pooling`), or on demand (NULL, the default). Going
    past a limit is an error of the call that tried.

    # Safety
    `config` is a live configuration; `pooling` is NULL or readable.
    """
    check(lib.petrel_config_pooling_allocator(config, pooling))


def config_memory_init_cow(config: Any, enable: bool) -> None:
    """Whether a module's data segments become a copy-on-write memory image
    that instances map rather than copy (on by default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_memory_init_cow(config, enable))


def config_cranelift_nan_canonicalization(config: Any, enable: bool) -> None:
    """Makes every floating-point operation that can produce a NaN produce the
    canonical one, so results are the same bits on every host (off by
    default).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_cranelift_nan_canonicalization(config, enable))


def config_cranelift_debug_verifier(config: Any, enable: bool) -> None:
    """Runs Cranelift's IR verifier on every function before compiling it
    (slower compilation, for finding compiler bugs; off in release builds).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_cranelift_debug_verifier(config, enable))


def config_target(config: Any, triple: Union[str, bytes]) -> None:
    """Checks that the target triple `triple` (`triple_len` bytes of UTF-8,
    such as `x86_64-unknown-linux-gnu`) is the host: Petrel compiles for the
    machine it runs on only.

    # Errors
    When `triple` is not a target triple or names another architecture or
    operating system than the host's.

    # Safety
    `config` is a live configuration; `triple` points to `triple_len` bytes.
    """
    triple_c = _text(triple)
    check(lib.petrel_config_target(config, triple_c, len(triple_c)))


def config_opt_level(config: Any, level: int) -> None:
    """Sets Cranelift's optimisation level (`PETREL_OPT_LEVEL_*`).

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_opt_level(config, level))


def config_max_wasm_stack(config: Any, bytes: int) -> None:
    """The most stack, in bytes, wasm may use in one call from the host;
    deeper recursion traps with `PETREL_TRAP_STACK_OVERFLOW`.

    # Safety
    `config` is a live configuration.
    """
    check(lib.petrel_config_max_wasm_stack(config, bytes))


def config_module_key(config: Any, key: Any) -> None:
    """Sets the 32-byte secret key that seals serialized modules
    (`petrel_module_serialize`) and authenticates them when they are loaded
    (`petrel_module_deserialize`). Engines configured with the same key load
    each other's serialized modules; anyone who knows the key can make
    modules they will load and run, so keep it where only the embedder can
    read it. Without a key, each engine draws a random one: its serialized
    modules load only into that engine. `key_len` must be 32.

    # Safety
    `config` is a live configuration; `key` points to `key_len` bytes.
    """
    key_c = _bytes(key)
    check(lib.petrel_config_module_key(config, key_c, len(key_c)))


def config_generate_module_key(config: Any) -> Any:
    """Draws a fresh random module key from the operating system, sets it on
    `config` (as `petrel_config_module_key` does) and writes a copy to
    `key_out` (32 bytes; free with `petrel_bytes_delete`) so that it can be
    stored for the engines of other processes.

    # Safety
    `config` is a live configuration; `key_out` is writable.
    """
    key_out = ffi.new("petrel_bytes_t *")
    check(lib.petrel_config_generate_module_key(config, key_out))
    return key_out[0]


def config_cache(config: Any, directory: Union[str, bytes], key_file: Union[str, bytes]) -> None:
    """Turns the compilation cache on: modules compiled by engines made with
    this configuration are stored in `directory` and loaded from there by
    later engines (of any process of this user with the same Petrel build
    and settings) instead of being compiled again. Entries are authenticated
    with the key in `key_file`, which must lie outside `directory`; both are
    created when missing (modes 0700 and 0600) and their ownership and
    permissions are checked by `petrel_engine_new`. A tampered, truncated or
    foreign entry is ignored and replaced. `directory` NULL (and `key_file`
    NULL) chooses the user's default: `$XDG_CACHE_HOME/petrel/modules` and
    `$XDG_CONFIG_HOME/petrel/cache-key` (else under `~/.cache` and
    `~/.config`).

    # Safety
    `config` is a live configuration; `directory` and `key_file` point to
    `directory_len` and `key_file_len` bytes of UTF-8 (or are NULL).
    """
    directory_c = _text(directory)
    key_file_c = _text(key_file)
    check(lib.petrel_config_cache(config, directory_c, len(directory_c), key_file_c, len(key_file_c)))


def engine_cache_statistics(engine: Any) -> tuple[int, int, int, bool]:
    """What the engine's compilation cache has done: modules loaded from it
    (`hits_out`), compiled because no entry existed (`misses_out`), and
    entries refused and replaced (`rejected_out`). `enabled_out` is false,
    and the counts zero, when the engine has no cache.

    # Safety
    `engine` is a live engine; the out-pointers are writable.
    """
    hits_out = ffi.new("uint64_t *")
    misses_out = ffi.new("uint64_t *")
    rejected_out = ffi.new("uint64_t *")
    enabled_out = ffi.new("bool *")
    check(lib.petrel_engine_cache_statistics(engine, hits_out, misses_out, rejected_out, enabled_out))
    return (int(hits_out[0]), int(misses_out[0]), int(rejected_out[0]), bool(enabled_out[0]))


def engine_new(config: Any) -> Any:
    """Creates an engine for the host CPU with `config` (NULL: the defaults).
    The configuration is copied: the caller still owns and frees it.

    # Safety
    `config` is NULL or a live configuration; `engine_out` is writable.
    """
    engine_out = ffi.new("petrel_engine_t * *")
    check(lib.petrel_engine_new(config, engine_out))
    return engine_out[0]


def engine_increment_epoch(engine: Any) -> None:
    """Advances the engine's epoch by one: stores whose deadline this reaches
    are interrupted with `PETREL_TRAP_INTERRUPT`. Safe from any thread,
    also while wasm runs.

    # Safety
    `engine` is a live engine.
    """
    check(lib.petrel_engine_increment_epoch(engine))


def engine_max_wasm_stack(engine: Any) -> int:
    """The most stack, in bytes, wasm may use in one call from the host
    (`petrel_config_max_wasm_stack`; 512 KiB by default). An embedder that
    calls wasm on a stack of its own makes it at least this large, plus room
    for the host's own frames.

    # Safety
    `engine` is a live engine; `bytes_out` is writable.
    """
    bytes_out = ffi.new("size_t *")
    check(lib.petrel_engine_max_wasm_stack(engine, bytes_out))
    return int(bytes_out[0])


def engine_delete(engine: Any) -> None:
    """Frees an engine. Modules and stores made with it keep working. NULL
    is ignored.

    # Safety
    `engine` is NULL or a live engine not used afterwards.
    """
    lib.petrel_engine_delete(engine)


def error_new(message: Union[str, bytes]) -> Any:
    """Creates an error with `message` (UTF-8, `message_len` bytes; invalid
    UTF-8 is replaced). A host callback returns it to make the wasm call
    that reached it fail with this error. Never NULL.

    # Safety
    `message` points to `message_len` readable bytes (or is NULL with
    `message_len` 0).
    """
    message_c = _text(message)
    return lib.petrel_error_new(message_c, len(message_c))


def error_new_host(message: Union[str, bytes], tag: int) -> Any:
    """Creates an error with `message` and a `tag` the embedder chooses (for
    example the key of an exception object it keeps). The error comes back
    unchanged out of the wasm call, where `petrel_error_host_tag` reads the
    tag. Never NULL.

    # Safety
    As for `petrel_error_new`.
    """
    message_c = _text(message)
    return lib.petrel_error_new_host(message_c, len(message_c), tag)


def error_new_trap(code: int) -> Any:
    """Creates an error that is a trap with `code` (no backtrace), so a host
    callback can trap. An unknown code gives `PETREL_TRAP_UNREACHABLE`.
    Never NULL.
    """
    return lib.petrel_error_new_trap(code)


def error_message(error: Any) -> Any:
    """The error's message (with its chain of causes), NUL-terminated. Valid
    until the error is deleted. A NULL `error` gives an empty string.

    # Safety
    `error` is NULL or a live error.
    """
    return lib.petrel_error_message(error)


def error_as_trap(error: Any) -> Any:
    """The trap inside `error`, or NULL when the error is not a trap (or
    `error` is NULL). Borrowed: valid until the error is deleted.

    # Safety
    `error` is NULL or a live error.
    """
    return lib.petrel_error_as_trap(error)


def error_host_tag(error: Any) -> tuple[bool, int]:
    """Whether `error` was raised by a host function with
    `petrel_error_new_host`; if so its tag is written to `tag_out`.

    # Safety
    `error` is NULL or a live error; `tag_out` is NULL or writable.
    """
    tag_out = ffi.new("uint64_t *")
    result = bool(lib.petrel_error_host_tag(error, tag_out))
    return (result, int(tag_out[0]))


def error_exit_status(error: Any) -> tuple[bool, int]:
    """Whether `error` is the end of a WASI program by `proc_exit` (not a
    trap: `petrel_error_as_trap` is NULL for it); if so the program's exit
    status is written to `status_out`.

    # Safety
    `error` is NULL or a live error; `status_out` is NULL or writable.
    """
    status_out = ffi.new("int *")
    result = bool(lib.petrel_error_exit_status(error, status_out))
    return (result, int(status_out[0]))


def error_delete(error: Any) -> None:
    """Frees an error. NULL is ignored.

    # Safety
    `error` is NULL or a live error not used afterwards.
    """
    lib.petrel_error_delete(error)


def trap_code(trap: Any) -> int:
    """The trap's code (`PETREL_TRAP_*`); `PETREL_TRAP_UNKNOWN` for NULL.

    # Safety
    `trap` is NULL or a live trap.
    """
    return int(lib.petrel_trap_code(trap))


def trap_frame_count(trap: Any) -> int:
    """Number of wasm frames in the trap's backtrace (0 for NULL).

    # Safety
    `trap` is NULL or a live trap.
    """
    return int(lib.petrel_trap_frame_count(trap))


def trap_frame(trap: Any, index: int) -> tuple[bool, Any]:
    """Writes frame `index` (0 is the innermost) of the trap's backtrace to
    `frame_out`; false when `index` is out of range or `trap` is NULL. The
    frame's strings are borrowed from the trap.

    # Safety
    `trap` is NULL or a live trap; `frame_out` is NULL or writable.
    """
    frame_out = ffi.new("petrel_frame_t *")
    result = bool(lib.petrel_trap_frame(trap, index, frame_out))
    return (result, frame_out[0])


def instance_new(store: Any, module: Any, imports: Any) -> Any:
    """Instantiates `module` in `store` with `imports` given in the module's
    import order.

    # Errors
    A wrong number or type of imports, an item of another store, resource
    limits, or a trap from the start function or segment initialisation.

    # Safety
    `store` is a live store, `module` a live module; `imports` points to
    `imports_len` items; `instance_out` is writable.
    """
    imports_c = _array("petrel_extern_t", imports)
    instance_out = ffi.new("petrel_instance_t *")
    check(lib.petrel_instance_new(store, module, imports_c, len(imports_c), instance_out))
    return instance_out[0]


def instance_export_get(store: Any, instance: Any, name: Union[str, bytes]) -> tuple[Any, bool]:
    """The export `name` of `instance`; `found_out` is false when there is none.

    # Safety
    `store` is a live store; `name` points to `name_len` bytes; the
    out-parameters are writable.
    """
    name_c = _text(name)
    item_out = ffi.new("petrel_extern_t *")
    found_out = ffi.new("bool *")
    check(lib.petrel_instance_export_get(store, instance, name_c, len(name_c), item_out, found_out))
    return (item_out[0], bool(found_out[0]))


def instance_export_count(store: Any, instance: Any) -> int:
    """Number of exports of `instance`.

    # Safety
    `store` is a live store; `count_out` is writable.
    """
    count_out = ffi.new("size_t *")
    check(lib.petrel_instance_export_count(store, instance, count_out))
    return int(count_out[0])


def instance_export_nth(store: Any, instance: Any, index: int) -> tuple[Any, Any]:
    """Export `index` of `instance`: its name (borrowed: valid while the store
    lives) and the item.

    # Safety
    `store` is a live store; the out-parameters are writable.
    """
    name_out = ffi.new("petrel_str_t *")
    item_out = ffi.new("petrel_extern_t *")
    check(lib.petrel_instance_export_nth(store, instance, index, name_out, item_out))
    return (name_out[0], item_out[0])


def extern_type(store: Any, item: Any) -> Any:
    """The type of any item of `store`, in `type_out` (owned by the caller).

    # Safety
    `store` is a live store; `type_out` is writable.
    """
    type_out = ffi.new("petrel_externtype_t * *")
    check(lib.petrel_extern_type(store, item, type_out))
    return type_out[0]


def memory_new(store: Any, memorytype: Any) -> Any:
    """Creates a memory of type `memorytype` in `store`.

    # Safety
    `store` is a live store; `memory_out` is writable.
    """
    memory_out = ffi.new("petrel_memory_t *")
    check(lib.petrel_memory_new(store, memorytype, memory_out))
    return memory_out[0]


def memory_type(store: Any, memory: Any) -> Any:
    """The memory's type, with its current size as the minimum.

    # Safety
    `store` is a live store; `memorytype_out` is writable.
    """
    memorytype_out = ffi.new("petrel_memorytype_t *")
    check(lib.petrel_memory_type(store, memory, memorytype_out))
    return memorytype_out[0]


def memory_size(store: Any, memory: Any) -> int:
    """The memory's size in pages of its page size (64 KiB, or one byte for a
    memory of `page_size` 1).

    # Safety
    `store` is a live store; `pages_out` is writable.
    """
    pages_out = ffi.new("uint64_t *")
    check(lib.petrel_memory_size(store, memory, pages_out))
    return int(pages_out[0])


def memory_data(store: Any, memory: Any) -> tuple[Any, int]:
    """The memory's bytes: `len_out` bytes at `data_out`, readable and
    writable without copies. Valid until the memory grows (a memory with a
    guard region, the default, never moves, but its length changes; a
    64-bit memory without a maximum of at most 4 GiB may move) or the store
    is deleted; fetch them again after any call that may grow memory.

    # Safety
    `store` is a live store; the out-parameters are writable.
    """
    data_out = ffi.new("uint8_t * *")
    len_out = ffi.new("size_t *")
    check(lib.petrel_memory_data(store, memory, data_out, len_out))
    return (data_out[0], int(len_out[0]))


def memory_grow(store: Any, memory: Any, delta: int) -> int:
    """Grows the memory by `delta` pages (of its page size); the old size in
    pages goes to `old_pages_out`.

    # Errors
    Beyond the maximum, refused by the store's limiter, or out of memory.

    # Safety
    `store` is a live store; `old_pages_out` is writable.
    """
    old_pages_out = ffi.new("uint64_t *")
    check(lib.petrel_memory_grow(store, memory, delta, old_pages_out))
    return int(old_pages_out[0])


def memory_read(store: Any, memory: Any, offset: int, buf: Any) -> None:
    """Copies `buf_len` bytes from the memory at `offset` into `buf`.

    # Errors
    Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).

    # Safety
    `store` is a live store; `buf` points to `buf_len` writable bytes.
    """
    buf_c = _bytes(buf)
    check(lib.petrel_memory_read(store, memory, offset, buf_c, len(buf_c)))


def memory_write(store: Any, memory: Any, offset: int, buf: Any) -> None:
    """Copies `buf_len` bytes from `buf` into the memory at `offset`.

    # Errors
    Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).

    # Safety
    `store` is a live store; `buf` points to `buf_len` bytes.
    """
    buf_c = _bytes(buf)
    check(lib.petrel_memory_write(store, memory, offset, buf_c, len(buf_c)))


def table_new(store: Any, tabletype: Any, init: Any) -> Any:
    """Creates a table of type `tabletype` with every element set to `*init`
    (a reference of the table's element kind).

    # Safety
    `store` is a live store; `init` points to a value; `table_out` is
    writable.
    """
    table_out = ffi.new("petrel_table_t *")
    check(lib.petrel_table_new(store, tabletype, init, table_out))
    return table_out[0]


def table_type(store: Any, table: Any) -> Any:
    """The table's type, with its current size as the minimum.

    # Safety
    `store` is a live store; `tabletype_out` is writable.
    """
    tabletype_out = ffi.new("petrel_tabletype_t *")
    check(lib.petrel_table_type(store, table, tabletype_out))
    return tabletype_out[0]


def table_size(store: Any, table: Any) -> int:
    """The table's size in elements.

    # Safety
    `store` is a live store; `size_out` is writable.
    """
    size_out = ffi.new("uint32_t *")
    check(lib.petrel_table_size(store, table, size_out))
    return int(size_out[0])


def table_get(store: Any, table: Any, index: int) -> Any:
    """Element `index` of the table.

    # Errors
    Out of bounds (a `PETREL_TRAP_TABLE_OUT_OF_BOUNDS` trap).

    # Safety
    `store` is a live store; `value_out` is writable.
    """
    value_out = ffi.new("petrel_val_t *")
    check(lib.petrel_table_get(store, table, index, value_out))
    return value_out[0]


def table_set(store: Any, table: Any, index: int, value: Any) -> None:
    """Sets element `index` of the table to `*value`.

    # Errors
    Out of bounds, a value of the wrong kind, or of another store.

    # Safety
    `store` is a live store; `value` points to a value.
    """
    check(lib.petrel_table_set(store, table, index, value))


def table_grow(store: Any, table: Any, delta: int, init: Any) -> int:
    """Grows the table by `delta` elements set to `*init`; the old size goes
    to `old_size_out`.

    # Safety
    `store` is a live store; `init` points to a value; `old_size_out` is
    writable.
    """
    old_size_out = ffi.new("uint32_t *")
    check(lib.petrel_table_grow(store, table, delta, init, old_size_out))
    return int(old_size_out[0])


def global_new(store: Any, globaltype: Any, value: Any) -> Any:
    """Creates a global of type `globaltype` holding `*value`.

    # Safety
    `store` is a live store; `value` points to a value; `global_out` is
    writable.
    """
    global_out = ffi.new("petrel_global_t *")
    check(lib.petrel_global_new(store, globaltype, value, global_out))
    return global_out[0]


def global_type(store: Any, global_: Any) -> Any:
    """The global's type.

    # Safety
    `store` is a live store; `globaltype_out` is writable.
    """
    globaltype_out = ffi.new("petrel_globaltype_t *")
    check(lib.petrel_global_type(store, global_, globaltype_out))
    return globaltype_out[0]


def global_get(store: Any, global_: Any) -> Any:
    """The global's value.

    # Safety
    `store` is a live store; `value_out` is writable.
    """
    value_out = ffi.new("petrel_val_t *")
    check(lib.petrel_global_get(store, global_, value_out))
    return value_out[0]


def global_set(store: Any, global_: Any, value: Any) -> None:
    """Sets the global's value.

    # Errors
    An immutable global, a value of the wrong kind, or of another store.

    # Safety
    `store` is a live store; `value` points to a value.
    """
    check(lib.petrel_global_set(store, global_, value))


def externref_new(store: Any, data: Any, finalizer: Any) -> Any:
    """Creates a reference to host `data` in `store`; `finalizer` (may be
    NULL) is called with `data` when the store is deleted, or earlier when
    `petrel_store_gc` finds no global or table holding the reference (the
    handle is invalid then).

    # Safety
    `store` is a live store; `externref_out` is writable.
    """
    externref_out = ffi.new("petrel_externref_t *")
    check(lib.petrel_externref_new(store, data, finalizer, externref_out))
    return externref_out[0]


def externref_data(store: Any, externref: Any) -> Any:
    """The data pointer of an extern reference made by `petrel_externref_new`.

    # Safety
    `store` is a live store; `data_out` is writable.
    """
    data_out = ffi.new("void * *")
    check(lib.petrel_externref_data(store, externref, data_out))
    return data_out[0]


def functype_new(params: Any, results: Any) -> Any:
    """Creates a function type from its parameter and result kinds.

    # Safety
    `params` and `results` point to `params_len` and `results_len` kinds;
    `functype_out` is writable.
    """
    params_c = _array("petrel_valkind_t", params)
    results_c = _array("petrel_valkind_t", results)
    functype_out = ffi.new("petrel_functype_t * *")
    check(lib.petrel_functype_new(params_c, len(params_c), results_c, len(results_c), functype_out))
    return functype_out[0]


def functype_params(functype: Any) -> tuple[Any, int]:
    """The parameter kinds: `params_len_out` values at `params_out`, borrowed
    from the function type.

    # Safety
    `functype` is a live function type; the out-parameters are writable.
    """
    params_out = ffi.new("petrel_valkind_t * *")
    params_len_out = ffi.new("size_t *")
    check(lib.petrel_functype_params(functype, params_out, params_len_out))
    return (params_out[0], int(params_len_out[0]))


def functype_results(functype: Any) -> tuple[Any, int]:
    """The result kinds: `results_len_out` values at `results_out`, borrowed
    from the function type.

    # Safety
    `functype` is a live function type; the out-parameters are writable.
    """
    results_out = ffi.new("petrel_valkind_t * *")
    results_len_out = ffi.new("size_t *")
    check(lib.petrel_functype_results(functype, results_out, results_len_out))
    return (results_out[0], int(results_len_out[0]))


def functype_delete(functype: Any) -> None:
    """Frees a function type. NULL is ignored.

    # Safety
    `functype` is NULL or a live function type not used afterwards.
    """
    lib.petrel_functype_delete(functype)


def func_new(store: Any, functype: Any, callback: Any, env: Any, finalizer: Any) -> Any:
    """Creates a host function of type `functype` in `store`. `callback` is
    called with `env` on every call; `finalizer` (may be NULL) is called
    with `env` when the store is deleted.

    # Safety
    `store` is a live store; `functype` a live function type; `func_out`
    is writable; `callback` follows `petrel_callback_t`'s contract.
    """
    func_out = ffi.new("petrel_func_t *")
    check(lib.petrel_func_new(store, functype, callback, env, finalizer, func_out))
    return func_out[0]


def func_type(store: Any, func: Any) -> Any:
    """The function's type, in `functype_out` (owned by the caller).

    # Safety
    `store` is a live store; `functype_out` is writable.
    """
    functype_out = ffi.new("petrel_functype_t * *")
    check(lib.petrel_func_type(store, func, functype_out))
    return functype_out[0]


def func_call(store: Any, func: Any, args: Any, results: Any) -> None:
    """Calls `func` with typed arguments and results, checking their count,
    kinds and stores. A trap is an error for which `petrel_error_as_trap`
    is non-NULL; an error a host function raised comes back unchanged.

    # Safety
    `store` is a live store; `args` points to `args_len` values and
    `results` to `results_len` writable values.
    """
    args_c = _array("petrel_val_t", args)
    results_c = _array("petrel_val_t", results)
    check(lib.petrel_func_call(store, func, args_c, len(args_c), results_c, len(results_c)))


def func_call_raw(store: Any, func: Any, args_and_results: Any) -> None:
    """The fast path: calls `*func` with arguments and results in one flat
    array of `len` raw values (arguments on entry, results on return). One
    store check, one length check (`len` must be at least the larger of
    the parameter and result counts), no allocation. The values' kinds are
    not checked (any bits are a valid number); references are validated.
    The function is passed by pointer so that bindings can keep one
    prepared handle.

    # Safety
    `store` is a live store; `func` points to a function handle;
    `args_and_results` points to `len` values whose 16 bytes are all
    initialised (for example zeroed), writable.
    """
    args_and_results_c = _array("petrel_valraw_t", args_and_results)
    check(lib.petrel_func_call_raw(store, func, args_and_results_c, len(args_and_results_c)))


def linker_new(engine: Any) -> Any:
    """Creates an empty linker for `engine`.

    # Safety
    `engine` is a live engine; `linker_out` is writable.
    """
    linker_out = ffi.new("petrel_linker_t * *")
    check(lib.petrel_linker_new(engine, linker_out))
    return linker_out[0]


def linker_delete(linker: Any) -> None:
    """Frees a linker (and, once no store uses them, its host functions'
    environments). NULL is ignored.

    # Safety
    `linker` is NULL or a live linker not used afterwards.
    """
    lib.petrel_linker_delete(linker)


def linker_allow_shadowing(linker: Any, allow: bool) -> None:
    """Whether a later definition may replace an earlier one of the same name
    (off by default: redefining is an error).

    # Safety
    `linker` is a live linker.
    """
    check(lib.petrel_linker_allow_shadowing(linker, allow))


def linker_define(linker: Any, store: Any, module: Union[str, bytes], name: Union[str, bytes], item: Any) -> None:
    """Defines `module::name` as `item`, an item of `store`.

    # Safety
    `linker` is a live linker, `store` a live store; `module` and `name`
    point to `module_len` and `name_len` bytes.
    """
    module_c = _text(module)
    name_c = _text(name)
    check(lib.petrel_linker_define(linker, store, module_c, len(module_c), name_c, len(name_c), item))


def linker_define_func(linker: Any, module: Union[str, bytes], name: Union[str, bytes], functype: Any, callback: Any, env: Any, finalizer: Any) -> None:
    """Defines `module::name` as a host function of type `functype`, placed in
    each store that instantiates a module importing it. `callback` is
    called with `env`; `finalizer` (may be NULL) is called with `env` once
    the linker and every store using the function are freed.

    # Safety
    `linker` is a live linker, `functype` a live function type; `module`
    and `name` point to `module_len` and `name_len` bytes; `callback`
    follows `petrel_callback_t`'s contract.
    """
    module_c = _text(module)
    name_c = _text(name)
    check(lib.petrel_linker_define_func(linker, module_c, len(module_c), name_c, len(name_c), functype, callback, env, finalizer))


def linker_define_instance(linker: Any, store: Any, module: Union[str, bytes], instance: Any) -> None:
    """Defines every export of `instance` (an instance of `store`) as
    `module::<export name>`.

    # Safety
    `linker` is a live linker, `store` a live store; `module` points to
    `module_len` bytes.
    """
    module_c = _text(module)
    check(lib.petrel_linker_define_instance(linker, store, module_c, len(module_c), instance))


def linker_instantiate(linker: Any, store: Any, module: Any) -> Any:
    """Instantiates `module` in `store`, resolving every import by name.

    # Errors
    An undefined import, a type mismatch, or instantiation's own errors.

    # Safety
    `linker` is a live linker, `store` a live store, `module` a live
    module; `instance_out` is writable.
    """
    instance_out = ffi.new("petrel_instance_t *")
    check(lib.petrel_linker_instantiate(linker, store, module, instance_out))
    return instance_out[0]


def linker_get(linker: Any, store: Any, module: Union[str, bytes], name: Union[str, bytes]) -> tuple[Any, bool]:
    """The item defined as `module::name`, placed in `store`; `found_out` is
    false when nothing is defined under that name.

    # Safety
    `linker` is a live linker, `store` a live store; `module` and `name`
    point to `module_len` and `name_len` bytes; the out-parameters are
    writable.
    """
    module_c = _text(module)
    name_c = _text(name)
    item_out = ffi.new("petrel_extern_t *")
    found_out = ffi.new("bool *")
    check(lib.petrel_linker_get(linker, store, module_c, len(module_c), name_c, len(name_c), item_out, found_out))
    return (item_out[0], bool(found_out[0]))


def linker_module(linker: Any, store: Any, name: Union[str, bytes], module: Any) -> None:
    """Defines the exports of `module` under the module name `name`, as
    Wasmtime's `Linker::module` does for WASI commands and reactors: a
    reactor (a module without `_start`) is instantiated in `store` now, its
    `_initialize` called, and its exports defined; each exported function
    of a command (a module exporting `_start`) is defined as a function of
    `store` that instantiates the module afresh for every call.

    # Errors
    An unresolved import, instantiation's errors, a trap of
    `_initialize`, a command exporting something other than functions (and
    `memory`-like toolchain exports), or a name already defined.

    # Safety
    `linker` is a live linker, `store` a live store, `module` a live
    module; `name` points to `name_len` bytes.
    """
    name_c = _text(name)
    check(lib.petrel_linker_module(linker, store, name_c, len(name_c), module))


def linker_get_default(linker: Any, store: Any, name: Union[str, bytes]) -> Any:
    """The default export of module `name`: its function `""`, else its
    function `_start`, else a new function of `store` that does nothing.

    # Errors
    When `""` or `_start` is defined as something other than a function.

    # Safety
    `linker` is a live linker, `store` a live store; `name` points to
    `name_len` bytes; `func_out` is writable.
    """
    name_c = _text(name)
    func_out = ffi.new("petrel_func_t *")
    check(lib.petrel_linker_get_default(linker, store, name_c, len(name_c), func_out))
    return func_out[0]


def linker_define_unknown_imports_as_traps(linker: Any, module: Any) -> None:
    """Defines every function import of `module` that `linker` does not define
    yet as a function that fails with an "unknown import" error when
    called (other kinds of imports stay undefined).

    # Safety
    `linker` is a live linker, `module` a live module.
    """
    check(lib.petrel_linker_define_unknown_imports_as_traps(linker, module))


def linker_define_unknown_imports_as_default_values(linker: Any, store: Any, module: Any) -> None:
    """Defines every import of `module` that `linker` does not define yet as a
    default item of `store`: a function returning zeros and null
    references, a global holding zero or null, a table of null references,
    a memory of the import's minimum size.

    # Errors
    When a table or memory cannot be made (the store's limits).

    # Safety
    `linker` is a live linker, `store` a live store, `module` a live module.
    """
    check(lib.petrel_linker_define_unknown_imports_as_default_values(linker, store, module))


def linker_instantiate_pre(linker: Any, module: Any) -> Any:
    """Resolves every import of `module` from `linker`'s definitions now.

    # Errors
    An import the linker does not define, or a module of another engine.

    # Safety
    `linker` is a live linker, `module` a live module; `pre_out` is
    writable.
    """
    pre_out = ffi.new("petrel_instance_pre_t * *")
    check(lib.petrel_linker_instantiate_pre(linker, module, pre_out))
    return pre_out[0]


def instance_pre_instantiate(pre: Any, store: Any) -> Any:
    """Instantiates the module of `pre` in `store`.

    # Errors
    An import defined as an item of another store, or instantiation's own
    errors (a trap of the start function included).

    # Safety
    `pre` is a live pre-instantiated module, `store` a live store;
    `instance_out` is writable.
    """
    instance_out = ffi.new("petrel_instance_t *")
    check(lib.petrel_instance_pre_instantiate(pre, store, instance_out))
    return instance_out[0]


def instance_pre_module(pre: Any) -> Any:
    """The module `pre` instantiates, as a new module object (free it with
    `petrel_module_delete`; it shares the compiled code).

    # Safety
    `pre` is a live pre-instantiated module; `module_out` is writable.
    """
    module_out = ffi.new("petrel_module_t * *")
    check(lib.petrel_instance_pre_module(pre, module_out))
    return module_out[0]


def instance_pre_delete(pre: Any) -> None:
    """Frees a pre-instantiated module. NULL is ignored.

    # Safety
    `pre` is NULL or a live pre-instantiated module not used afterwards.
    """
    lib.petrel_instance_pre_delete(pre)


def bytes_delete(bytes: Any) -> None:
    """Frees the bytes of `bytes` and sets it to empty. NULL, or already
    empty bytes, are ignored.

    # Safety
    `bytes` is NULL or bytes filled in by Petrel and not freed yet.
    """
    lib.petrel_bytes_delete(bytes)


def wat2wasm(wat: Union[str, bytes]) -> Any:
    """Translates WebAssembly text to the binary format.

    # Safety
    `wat` points to `wat_len` bytes; `wasm_out` is writable.
    """
    wat_c = _text(wat)
    wasm_out = ffi.new("petrel_bytes_t *")
    check(lib.petrel_wat2wasm(wat_c, len(wat_c), wasm_out))
    return wasm_out[0]


def module_new(engine: Any, bytes: Any) -> Any:
    """Compiles a module from the binary or the text format.

    # Safety
    `engine` is a live engine; `bytes` points to `bytes_len` bytes;
    `module_out` is writable.
    """
    bytes_c = _bytes(bytes)
    module_out = ffi.new("petrel_module_t * *")
    check(lib.petrel_module_new(engine, bytes_c, len(bytes_c), module_out))
    return module_out[0]


def module_validate(engine: Any, bytes: Any) -> None:
    """Validates a module in the binary format without compiling it.

    # Safety
    `engine` is a live engine; `bytes` points to `bytes_len` bytes.
    """
    bytes_c = _bytes(bytes)
    check(lib.petrel_module_validate(engine, bytes_c, len(bytes_c)))


def module_serialize(module: Any) -> Any:
    """Serializes the compiled module into `bytes_out` (free it with
    `petrel_bytes_delete`), sealed with the engine's module key (see
    `petrel_config_module_key`).

    # Safety
    `module` is a live module; `bytes_out` is writable.
    """
    bytes_out = ffi.new("petrel_bytes_t *")
    check(lib.petrel_module_serialize(module, bytes_out))
    return bytes_out[0]


def module_deserialize(engine: Any, bytes: Any) -> Any:
    """Loads a module written by `petrel_module_serialize`. Safe for any
    bytes: before anything is decoded or mapped, their MAC is verified with
    the engine's module key (see `petrel_config_module_key`), so only bytes
    sealed by this engine, or by one configured with the same key, load; the
    Petrel build and engine settings must match too. The error of a refused
    module names the reason: not a compiled Petrel module, truncated,
    another artifact format version, "authentication failed" (modified, or
    sealed with another key), or a different Petrel version or engine
    configuration.

    # Safety
    `engine` is a live engine; `bytes` points to `bytes_len` bytes;
    `module_out` is writable.
    """
    bytes_c = _bytes(bytes)
    module_out = ffi.new("petrel_module_t * *")
    check(lib.petrel_module_deserialize(engine, bytes_c, len(bytes_c), module_out))
    return module_out[0]


def module_name(module: Any) -> Any:
    """The module's name from its name section (data NULL when it has none),
    borrowed from the module.

    # Safety
    `module` is a live module; `name_out` is writable.
    """
    name_out = ffi.new("petrel_str_t *")
    check(lib.petrel_module_name(module, name_out))
    return name_out[0]


def module_import_count(module: Any) -> int:
    """Number of imports of the module.

    # Safety
    `module` is a live module; `count_out` is writable.
    """
    count_out = ffi.new("size_t *")
    check(lib.petrel_module_import_count(module, count_out))
    return int(count_out[0])


def module_import(module: Any, index: int) -> tuple[Any, Any, Any]:
    """Import `index`: its module and field names (borrowed from the module)
    and its type (owned by the caller).

    # Safety
    `module` is a live module; the out-parameters are writable.
    """
    module_name_out = ffi.new("petrel_str_t *")
    name_out = ffi.new("petrel_str_t *")
    type_out = ffi.new("petrel_externtype_t * *")
    check(lib.petrel_module_import(module, index, module_name_out, name_out, type_out))
    return (module_name_out[0], name_out[0], type_out[0])


def module_export_count(module: Any) -> int:
    """Number of exports of the module.

    # Safety
    `module` is a live module; `count_out` is writable.
    """
    count_out = ffi.new("size_t *")
    check(lib.petrel_module_export_count(module, count_out))
    return int(count_out[0])


def module_export(module: Any, index: int) -> tuple[Any, Any]:
    """Export `index`: its name (borrowed from the module) and its type
    (owned by the caller).

    # Safety
    `module` is a live module; the out-parameters are writable.
    """
    name_out = ffi.new("petrel_str_t *")
    type_out = ffi.new("petrel_externtype_t * *")
    check(lib.petrel_module_export(module, index, name_out, type_out))
    return (name_out[0], type_out[0])


def module_delete(module: Any) -> None:
    """Frees a module. Instances made from it keep working. NULL is ignored.

    # Safety
    `module` is NULL or a live module not used afterwards.
    """
    lib.petrel_module_delete(module)


def externtype_kind(externtype: Any) -> int:
    """The kind of the item (`PETREL_EXTERN_*`).

    # Safety
    `externtype` is a live extern type; `kind_out` is writable.
    """
    kind_out = ffi.new("petrel_extern_kind_t *")
    check(lib.petrel_externtype_kind(externtype, kind_out))
    return int(kind_out[0])


def externtype_functype(externtype: Any) -> Any:
    """The function type of a function item (owned by the caller); an error
    for another kind.

    # Safety
    `externtype` is a live extern type; `functype_out` is writable.
    """
    functype_out = ffi.new("petrel_functype_t * *")
    check(lib.petrel_externtype_functype(externtype, functype_out))
    return functype_out[0]


def externtype_globaltype(externtype: Any) -> Any:
    """The global type of a global item; an error for another kind.

    # Safety
    `externtype` is a live extern type; `globaltype_out` is writable.
    """
    globaltype_out = ffi.new("petrel_globaltype_t *")
    check(lib.petrel_externtype_globaltype(externtype, globaltype_out))
    return globaltype_out[0]


def externtype_tabletype(externtype: Any) -> Any:
    """The table type of a table item; an error for another kind.

    # Safety
    `externtype` is a live extern type; `tabletype_out` is writable.
    """
    tabletype_out = ffi.new("petrel_tabletype_t *")
    check(lib.petrel_externtype_tabletype(externtype, tabletype_out))
    return tabletype_out[0]


def externtype_memorytype(externtype: Any) -> Any:
    """The memory type of a memory item; an error for another kind.

    # Safety
    `externtype` is a live extern type; `memorytype_out` is writable.
    """
    memorytype_out = ffi.new("petrel_memorytype_t *")
    check(lib.petrel_externtype_memorytype(externtype, memorytype_out))
    return memorytype_out[0]


def externtype_delete(externtype: Any) -> None:
    """Frees an extern type. NULL is ignored.

    # Safety
    `externtype` is NULL or a live extern type not used afterwards.
    """
    lib.petrel_externtype_delete(externtype)


def store_new(engine: Any, data: Any, finalizer: Any) -> Any:
    """Creates a store for `engine` holding `data`; `finalizer` (may be NULL)
    is called with `data` when the store is deleted.

    # Safety
    `engine` is a live engine; `store_out` is writable.
    """
    store_out = ffi.new("petrel_store_t * *")
    check(lib.petrel_store_new(engine, data, finalizer, store_out))
    return store_out[0]


def store_close(store: Any) -> None:
    """Closes a store: frees everything in it (calling the finalizers of its
    data, host functions and extern references) but keeps the
    `petrel_store_t` itself, so that any later use is a clean "the store
    is closed" error instead of a dangling pointer. Free it with
    `petrel_store_delete`. Refused (with an error, the store left intact)
    while the store is in use: from a host callback or another thread.
    Closing a closed store does nothing.

    # Safety
    `store` is a live (possibly closed) store.
    """
    check(lib.petrel_store_close(store))


def store_delete(store: Any) -> None:
    """Frees a store (closing it first, see `petrel_store_close`). Refused
    (with an error, the store left intact) while the store is in use.
    NULL is ignored.

    # Safety
    `store` is NULL or a live (possibly closed) store; not used afterwards
    unless an error is returned.
    """
    check(lib.petrel_store_delete(store))


def store_id(store: Any) -> int:
    """The id of the store: the `store_id` of every item it owns.

    # Safety
    `store` is a live store; `id_out` is writable.
    """
    id_out = ffi.new("uint64_t *")
    check(lib.petrel_store_id(store, id_out))
    return int(id_out[0])


def store_data(store: Any) -> Any:
    """The data pointer given to `petrel_store_new`.

    # Safety
    `store` is a live store; `data_out` is writable.
    """
    data_out = ffi.new("void * *")
    check(lib.petrel_store_data(store, data_out))
    return data_out[0]


def store_set_fuel(store: Any, fuel: int) -> None:
    """Sets the fuel available to wasm in this store.

    # Errors
    When the engine was not configured with `petrel_config_consume_fuel`.

    # Safety
    `store` is a live store.
    """
    check(lib.petrel_store_set_fuel(store, fuel))


def store_get_fuel(store: Any) -> int:
    """The fuel left in this store.

    # Errors
    When the engine was not configured with `petrel_config_consume_fuel`.

    # Safety
    `store` is a live store; `fuel_out` is writable.
    """
    fuel_out = ffi.new("uint64_t *")
    check(lib.petrel_store_get_fuel(store, fuel_out))
    return int(fuel_out[0])


def store_set_epoch_deadline(store: Any, ticks: int) -> None:
    """Sets the epoch deadline `ticks` beyond the engine's current epoch:
    wasm in this store traps with `PETREL_TRAP_INTERRUPT` once the engine's
    epoch reaches it (with `petrel_config_epoch_interruption` on).

    # Safety
    `store` is a live store.
    """
    check(lib.petrel_store_set_epoch_deadline(store, ticks))


def store_limiter(store: Any, memory_size: int, table_elements: int, instances: int) -> None:
    """Caps the store's resources: the bytes of any one memory, the elements
    of any one table, and the number of instances. A negative value means
    no limit. Growth beyond a cap fails (`memory.grow` returns -1), and
    creation beyond it is an error.

    # Safety
    `store` is a live store.
    """
    check(lib.petrel_store_limiter(store, memory_size, table_elements, instances))


def store_limits(store: Any, memory_size: int, table_elements: int, instances: int, tables: int, memories: int) -> None:
    """Caps the store's resources like `petrel_store_limiter`, plus the number
    of tables and of memories the store may hold (Wasmtime's
    `wasmtime_store_limiter`). A negative value means no limit.

    # Safety
    `store` is a live store.
    """
    check(lib.petrel_store_limits(store, memory_size, table_elements, instances, tables, memories))


def store_gc(store: Any) -> None:
    """Frees the extern references that no global or table of the store holds
    any more, calling their finalizers. A `petrel_externref_t` of a
    collected reference is invalid afterwards (using it is an error). From
    inside a host callback (wasm on the stack, whose references this cannot
    see) it collects nothing.

    # Safety
    `store` is a live store.
    """
    check(lib.petrel_store_gc(store))


def caller_data(caller: Any) -> Any:
    """The store's data pointer (as given to `petrel_store_new`).

    # Safety
    `caller` is the caller passed to the running callback; `data_out` is
    writable.
    """
    data_out = ffi.new("void * *")
    check(lib.petrel_caller_data(caller, data_out))
    return data_out[0]


def caller_export_get(caller: Any, name: Union[str, bytes]) -> tuple[Any, bool]:
    """The export `name` of the instance that called the host function;
    `found_out` is false when there is no such export (or the function was
    called from the host rather than from wasm).

    # Safety
    `caller` is the caller passed to the running callback; `name` points
    to `name_len` bytes; the out-parameters are writable.
    """
    name_c = _text(name)
    item_out = ffi.new("petrel_extern_t *")
    found_out = ffi.new("bool *")
    check(lib.petrel_caller_export_get(caller, name_c, len(name_c), item_out, found_out))
    return (item_out[0], bool(found_out[0]))


def caller_store(caller: Any) -> Any:
    """The store the running callback belongs to: pass it to any store
    function while the callback runs (those calls reach the store through
    the caller).

    # Safety
    `caller` is the caller passed to the running callback; `store_out` is
    writable.
    """
    store_out = ffi.new("petrel_store_t * *")
    check(lib.petrel_caller_store(caller, store_out))
    return store_out[0]


def wasi_config_new() -> Any:
    """Creates a WASI configuration with the defaults (see
    `petrel_wasi_config_t`) in `config_out`.

    # Safety
    `config_out` is writable.
    """
    config_out = ffi.new("petrel_wasi_config_t * *")
    check(lib.petrel_wasi_config_new(config_out))
    return config_out[0]


def wasi_config_delete(config: Any) -> None:
    """Frees a WASI configuration (closing the files it opened). NULL is
    ignored.

    # Safety
    `config` is NULL or a live WASI configuration, not used afterwards
    (and not given to `petrel_store_set_wasi`, which frees it itself).
    """
    lib.petrel_wasi_config_delete(config)


def wasi_config_set_argv(config: Any, argv: Any) -> None:
    """Sets the program's arguments (`argv[0]` is conventionally its name):
    the `argc` NUL-terminated UTF-8 strings of `argv`, copied.

    # Safety
    `config` is a live WASI configuration; `argv` points to `argc`
    pointers to NUL-terminated strings (`argv` may be NULL when `argc` is
    0).
    """
    argv_c = _array("char *", argv)
    check(lib.petrel_wasi_config_set_argv(config, argv_c, len(argv_c)))


def wasi_config_inherit_argv(config: Any) -> None:
    """Gives the program the host process's own arguments.

    # Safety
    `config` is a live WASI configuration.
    """
    check(lib.petrel_wasi_config_inherit_argv(config))


def wasi_config_set_env(config: Any, names: Any, values: Any) -> None:
    """Sets the program's environment: variable `names[i]` has the value
    `values[i]`, for the `envc` NUL-terminated UTF-8 strings of each array
    (copied; a later duplicate name replaces an earlier one).

    # Errors
    A name that is empty or contains `=`, or a string that is not UTF-8.

    # Safety
    `config` is a live WASI configuration; `names` and `values` each point
    to `envc` pointers to NUL-terminated strings (either may be NULL when
    `envc` is 0).
    """
    names_c = _array("char *", names)
    values_c = _array("char *", values)
    check(lib.petrel_wasi_config_set_env(config, names_c, values_c, len(names_c)))


def wasi_config_inherit_env(config: Any) -> None:
    """Gives the program the host process's environment (variables whose
    name or value is not UTF-8 are left out).

    # Safety
    `config` is a live WASI configuration.
    """
    check(lib.petrel_wasi_config_inherit_env(config))


def wasi_config_set_stdin_bytes(config: Any, bytes: Any) -> None:
    """Standard input yields the `bytes_len` bytes at `bytes` (copied), then
    end of file.

    # Safety
    `config` is a live WASI configuration; `bytes` points to `bytes_len`
    readable bytes (or is NULL with `bytes_len` 0).
    """
    bytes_c = _bytes(bytes)
    check(lib.petrel_wasi_config_set_stdin_bytes(config, bytes_c, len(bytes_c)))


def wasi_config_set_stdin_file(config: Any, path: Any) -> None:
    """Standard input reads the host file `path` (NUL-terminated), opened
    now.

    # Errors
    When the file cannot be opened for reading.

    # Safety
    `config` is a live WASI configuration; `path` is a NUL-terminated
    string.
    """
    check(lib.petrel_wasi_config_set_stdin_file(config, path))


def wasi_config_inherit_stdin(config: Any) -> None:
    """Standard input reads the host process's standard input.

    # Safety
    `config` is a live WASI configuration.
    """
    check(lib.petrel_wasi_config_inherit_stdin(config))


def wasi_config_set_stdout_file(config: Any, path: Any) -> None:
    """Standard output goes to the host file `path` (NUL-terminated), created
    or truncated now.

    # Errors
    When the file cannot be opened for writing.

    # Safety
    `config` is a live WASI configuration; `path` is a NUL-terminated
    string.
    """
    check(lib.petrel_wasi_config_set_stdout_file(config, path))


def wasi_config_inherit_stdout(config: Any) -> None:
    """Standard output goes to the host process's standard output.

    # Safety
    `config` is a live WASI configuration.
    """
    check(lib.petrel_wasi_config_inherit_stdout(config))


def wasi_config_set_stdout_capture(config: Any, capacity: int) -> None:
    """Standard output is captured in memory, at most `capacity` bytes (a
    write beyond is short, then fails with `ENOSPC`); read it with
    `petrel_store_wasi_stdout`.

    # Safety
    `config` is a live WASI configuration.
    """
    check(lib.petrel_wasi_config_set_stdout_capture(config, capacity))


def wasi_config_set_stderr_file(config: Any, path: Any) -> None:
    """Standard error goes to the host file `path` (NUL-terminated), created
    or truncated now.

    # Errors
    When the file cannot be opened for writing.

    # Safety
    `config` is a live WASI configuration; `path` is a NUL-terminated
    string.
    """
    check(lib.petrel_wasi_config_set_stderr_file(config, path))


def wasi_config_inherit_stderr(config: Any) -> None:
    """Standard error goes to the host process's standard error.

    # Safety
    `config` is a live WASI configuration.
    """
    check(lib.petrel_wasi_config_inherit_stderr(config))


def wasi_config_set_stderr_capture(config: Any, capacity: int) -> None:
    """Standard error is captured in memory, at most `capacity` bytes; read
    it with `petrel_store_wasi_stderr`.

    # Safety
    `config` is a live WASI configuration.
    """
    check(lib.petrel_wasi_config_set_stderr_capture(config, capacity))


def wasi_config_preopen_dir(config: Any, host_path: Any, guest_path: Any) -> None:
    """Gives the program the host directory `host_path` under the name
    `guest_path` (both NUL-terminated; the guest path UTF-8). Descriptors
    3, 4, ... go to the directories in the order of these calls. Paths
    the program opens through one cannot leave it (`..` or a symbolic link
    out of it fails with an errno).

    # Errors
    When `host_path` is not a directory the host can resolve.

    # Safety
    `config` is a live WASI configuration; `host_path` and `guest_path`
    are NUL-terminated strings.
    """
    check(lib.petrel_wasi_config_preopen_dir(config, host_path, guest_path))


def wasi_config_set_stdout_custom(config: Any, callback: Any, env: Any, finalizer: Any) -> None:
    """Standard output goes to `callback` (see `petrel_output_callback_t`),
    called with `env`; `finalizer` (may be NULL) is called with `env` when
    the configuration, or the store it was given to, no longer needs it
    (also when this call fails).

    # Safety
    `config` is a live WASI configuration; `callback` follows
    `petrel_output_callback_t`'s contract.
    """
    check(lib.petrel_wasi_config_set_stdout_custom(config, callback, env, finalizer))


def wasi_config_set_stderr_custom(config: Any, callback: Any, env: Any, finalizer: Any) -> None:
    """Standard error goes to `callback`, as `petrel_wasi_config_set_stdout_custom`.

    # Safety
    As for `petrel_wasi_config_set_stdout_custom`.
    """
    check(lib.petrel_wasi_config_set_stderr_custom(config, callback, env, finalizer))


def wasi_config_preopen_dir_with_perms(config: Any, host_path: Any, guest_path: Any, dir_perms: int, file_perms: int) -> None:
    """`petrel_wasi_config_preopen_dir` with permissions: what the program may
    do with the directory and those below it (`dir_perms`) and with the
    files it opens there (`file_perms`); an operation they do not allow
    fails with `ENOTCAPABLE` in the program.

    # Errors
    When `host_path` is not a directory the host can open, or a permission
    value has bits other than read and write.

    # Safety
    `config` is a live WASI configuration; `host_path` and `guest_path`
    are NUL-terminated strings.
    """
    check(lib.petrel_wasi_config_preopen_dir_with_perms(config, host_path, guest_path, dir_perms, file_perms))


def store_set_wasi(store: Any, config: Any) -> None:
    """Makes `config` the WASI configuration of `store`, replacing an earlier
    one (and its captured output). The store's WASI functions (see
    `petrel_linker_define_wasi`) use it from now on.

    Ownership: `config` is taken in every case, success or error; do not
    use or delete it afterwards.

    # Safety
    `store` is a live store; `config` is NULL or a live WASI configuration
    not in use by another thread.
    """
    check(lib.petrel_store_set_wasi(store, config))


def linker_define_wasi(linker: Any) -> None:
    """Defines every function of `wasi_snapshot_preview1` in `linker`. Each
    works on the WASI context of the store it runs in (see
    `petrel_store_set_wasi`; a store without one gets the defaults of
    `petrel_wasi_config_t`). A program's `proc_exit(code)` ends the wasm
    call with an error for which `petrel_error_exit_status` gives `code`;
    other WASI failures are errno values returned to the program.

    # Errors
    When one of the names is already defined and shadowing is off (the
    functions before it stay defined).

    # Safety
    `linker` is a live linker.
    """
    check(lib.petrel_linker_define_wasi(linker))


def store_wasi_stdout(store: Any) -> Any:
    """A copy of everything the program wrote so far to its standard output,
    when the store's WASI configuration captures it
    (`petrel_wasi_config_set_stdout_capture`).

    Ownership: the bytes written to `contents_out` belong to the caller,
    who frees them with `petrel_bytes_delete`; the captured output itself
    stays in the store (a later call copies it again, with what was
    written since).

    # Errors
    When standard output is not captured.

    # Safety
    `store` is a live store; `contents_out` is writable.
    """
    contents_out = ffi.new("petrel_bytes_t *")
    check(lib.petrel_store_wasi_stdout(store, contents_out))
    return contents_out[0]


def store_wasi_stderr(store: Any) -> Any:
    """Like `petrel_store_wasi_stdout`, for standard error
    (`petrel_wasi_config_set_stderr_capture`).

    # Errors
    When standard error is not captured.

    # Safety
    `store` is a live store; `contents_out` is writable.
    """
    contents_out = ffi.new("petrel_bytes_t *")
    check(lib.petrel_store_wasi_stderr(store, contents_out))
    return contents_out[0]


__all__ = ["ffi", "lib", "check", "set_error_hook", "LowLevelError", "OptLevel", "TrapCode", "ExternKind", "ValKind", "Mutability", "DirPerms", "FilePerms", "config_new", "config_delete", "config_wasm_simd", "config_wasm_reference_types", "config_wasm_bulk_memory", "config_wasm_multi_value", "config_wasm_sign_extension", "config_wasm_extended_const", "config_wasm_wide_arithmetic", "config_wasm_relaxed_simd", "config_wasm_tail_call", "config_wasm_multi_memory", "config_wasm_memory64", "config_wasm_custom_page_sizes", "config_wasm_saturating_float_to_int", "config_consume_fuel", "config_epoch_interruption", "config_parallel_compilation", "config_static_memory_guard", "config_pooling_allocator", "config_memory_init_cow", "config_cranelift_nan_canonicalization", "config_cranelift_debug_verifier", "config_target", "config_opt_level", "config_max_wasm_stack", "config_module_key", "config_generate_module_key", "config_cache", "engine_cache_statistics", "engine_new", "engine_increment_epoch", "engine_max_wasm_stack", "engine_delete", "error_new", "error_new_host", "error_new_trap", "error_message", "error_as_trap", "error_host_tag", "error_exit_status", "error_delete", "trap_code", "trap_frame_count", "trap_frame", "instance_new", "instance_export_get", "instance_export_count", "instance_export_nth", "extern_type", "memory_new", "memory_type", "memory_size", "memory_data", "memory_grow", "memory_read", "memory_write", "table_new", "table_type", "table_size", "table_get", "table_set", "table_grow", "global_new", "global_type", "global_get", "global_set", "externref_new", "externref_data", "functype_new", "functype_params", "functype_results", "functype_delete", "func_new", "func_type", "func_call", "func_call_raw", "linker_new", "linker_delete", "linker_allow_shadowing", "linker_define", "linker_define_func", "linker_define_instance", "linker_instantiate", "linker_get", "linker_module", "linker_get_default", "linker_define_unknown_imports_as_traps", "linker_define_unknown_imports_as_default_values", "linker_instantiate_pre", "instance_pre_instantiate", "instance_pre_module", "instance_pre_delete", "bytes_delete", "wat2wasm", "module_new", "module_validate", "module_serialize", "module_deserialize", "module_name", "module_import_count", "module_import", "module_export_count", "module_export", "module_delete", "externtype_kind", "externtype_functype", "externtype_globaltype", "externtype_tabletype", "externtype_memorytype", "externtype_delete", "store_new", "store_close", "store_delete", "store_id", "store_data", "store_set_fuel", "store_get_fuel", "store_set_epoch_deadline", "store_limiter", "store_limits", "store_gc", "caller_data", "caller_export_get", "caller_store", "wasi_config_new", "wasi_config_delete", "wasi_config_set_argv", "wasi_config_inherit_argv", "wasi_config_set_env", "wasi_config_inherit_env", "wasi_config_set_stdin_bytes", "wasi_config_set_stdin_file", "wasi_config_inherit_stdin", "wasi_config_set_stdout_file", "wasi_config_inherit_stdout", "wasi_config_set_stdout_capture", "wasi_config_set_stderr_file", "wasi_config_inherit_stderr", "wasi_config_set_stderr_capture", "wasi_config_preopen_dir", "wasi_config_set_stdout_custom", "wasi_config_set_stderr_custom", "wasi_config_preopen_dir_with_perms", "store_set_wasi", "linker_define_wasi", "store_wasi_stdout", "store_wasi_stderr"]
