"""``Config``: the settings an ``Engine`` is made with, as write-only
properties shaped like wasmtime-py's."""

from __future__ import annotations

import os
from typing import Any, Callable, Union

from . import _lowlevel as ll
from ._errors import PetrelError
from ._lowlevel import OptLevel, check, ffi, lib
from ._managed import Settings

_OPT_LEVELS = {level.name.lower(): int(level) for level in OptLevel}

# Proposals Petrel does not implement: the settings exist so that turning
# them off works (they are off), and turning one on says why it cannot be.
_MISSING = {
    "wasm_threads": "the threads proposal",
    "wasm_exceptions": "the exception-handling proposal",
    "wasm_function_references": "the typed function references proposal",
    "wasm_gc": "the GC proposal",
    "wasm_stack_switching": "the stack-switching proposal",
    "wasm_component_model": "the component model",
    "wasm_component_model_map": "the component model",
    "shared_memory": "shared memories (the threads proposal)",
}


def _write_only(name: str, fset: Callable[[Any, Any], None], doc: str) -> property:
    def fget(self: Any) -> None:
        raise AttributeError(f"{name} is write-only")

    return property(fget, fset, doc=doc + "\n\nWrite-only.")


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a bool, got {type(value).__name__}")
    return value


def _flag(name: str, doc: str) -> property:
    setter = getattr(ll, "config_" + name)

    def fset(self: Config, value: bool) -> None:
        setter(self._p(), _bool(value))

    return _write_only(name, fset, doc)


def _missing(name: str, what: str) -> property:
    def fset(self: Config, value: bool) -> None:
        self._p()
        if _bool(value):
            raise PetrelError(f"Petrel does not implement {what}")

    return _write_only(name, fset, f"Always off: Petrel does not implement {what} (turning it on raises).")


class Config(Settings):
    """Engine settings, set as properties (``config.consume_fuel = True``).

    ``Engine(config)`` takes the configuration: it cannot be used again
    (as in wasmtime-py). Setting a name that is not a setting raises
    ``AttributeError`` rather than being silently ignored.
    """

    _what = "configuration"

    def __init__(self) -> None:
        self._set_ptr(ll.config_new(), lib.petrel_config_delete)

    wasm_simd = _flag("wasm_simd", "Enables 128-bit SIMD.")
    wasm_reference_types = _flag("wasm_reference_types", "Enables reference types.")
    wasm_bulk_memory = _flag("wasm_bulk_memory", "Enables bulk memory operations.")
    wasm_multi_value = _flag("wasm_multi_value", "Enables multi-value.")
    wasm_sign_extension = _flag("wasm_sign_extension", "Enables sign-extension operators.")
    wasm_saturating_float_to_int = _flag("wasm_saturating_float_to_int", "Enables saturating conversions.")
    wasm_extended_const = _flag("wasm_extended_const", "Enables add, sub and mul in constant expressions.")
    wasm_multi_memory = _flag("wasm_multi_memory", "Enables several memories per module.")
    wasm_tail_call = _flag("wasm_tail_call", "Enables return_call and return_call_indirect.")
    wasm_relaxed_simd = _flag("wasm_relaxed_simd", "Enables relaxed SIMD (deterministic results).")
    wasm_wide_arithmetic = _flag("wasm_wide_arithmetic", "Enables i64.add128, i64.sub128 and i64.mul_wide_*.")
    wasm_memory64 = _flag("wasm_memory64", "Enables 64-bit memories and tables (on by default).")
    wasm_custom_page_sizes = _flag("wasm_custom_page_sizes", "Enables memories with 1-byte pages (off by default).")
    consume_fuel = _flag("consume_fuel", "Makes wasm count fuel (see Store.set_fuel).")
    epoch_interruption = _flag("epoch_interruption", "Makes wasm check the epoch deadline.")
    parallel_compilation = _flag("parallel_compilation", "Compiles functions on several threads.")
    static_memory_guard = _flag("static_memory_guard", "Reserves 4 GiB + guard per memory.")
    memory_init_cow = _flag(
        "memory_init_cow", "Maps data segments copy-on-write from an image made at compile time (on by default)."
    )
    cranelift_nan_canonicalization = _flag(
        "cranelift_nan_canonicalization",
        "Makes every NaN a float operation produces the canonical one (deterministic bits; off by default).",
    )
    cranelift_debug_verifier = _flag(
        "cranelift_debug_verifier", "Runs Cranelift's IR verifier on every function (slower compiles; off by default)."
    )

    wasm_threads = _missing("wasm_threads", _MISSING["wasm_threads"])
    wasm_exceptions = _missing("wasm_exceptions", _MISSING["wasm_exceptions"])
    wasm_function_references = _missing("wasm_function_references", _MISSING["wasm_function_references"])
    wasm_gc = _missing("wasm_gc", _MISSING["wasm_gc"])
    wasm_stack_switching = _missing("wasm_stack_switching", _MISSING["wasm_stack_switching"])
    wasm_component_model = _missing("wasm_component_model", _MISSING["wasm_component_model"])
    wasm_component_model_map = _missing("wasm_component_model_map", _MISSING["wasm_component_model_map"])
    shared_memory = _missing("shared_memory", _MISSING["shared_memory"])

    def _set_relaxed_simd_deterministic(self, enable: bool) -> None:
        _bool(enable)
        self._p()

    wasm_relaxed_simd_deterministic = _write_only(
        "wasm_relaxed_simd_deterministic",
        _set_relaxed_simd_deterministic,
        "Accepted for wasmtime-py compatibility: Petrel's relaxed SIMD operators always give one "
        "deterministic result (notes/WASM3.md), whatever this is set to.",
    )

    def _set_debug_info(self, enable: bool) -> None:
        self._p()
        if _bool(enable):
            raise PetrelError("Petrel does not emit DWARF debug information")

    debug_info = _write_only("debug_info", _set_debug_info, "Always off: Petrel emits no DWARF (turning it on raises).")

    def _set_strategy(self, strategy: str) -> None:
        self._p()
        if strategy not in ("auto", "cranelift"):
            raise PetrelError(f"unknown strategy: {strategy} (Petrel compiles with Cranelift: 'auto' or 'cranelift')")

    strategy = _write_only("strategy", _set_strategy, "The compiler: ``'auto'`` or ``'cranelift'`` (the same one).")

    def _set_profiler(self, profiler: str) -> None:
        self._p()
        if profiler in ("jitdump", "vtune", "perfmap"):
            raise PetrelError(f"Petrel has no {profiler} profiler support")
        if profiler != "none":
            raise PetrelError(f"unknown profiler: {profiler}")

    profiler = _write_only("profiler", _set_profiler, "The JIT profiler: only ``'none'`` (others raise).")

    def _set_target(self, triple: str) -> None:
        if not isinstance(triple, str):
            raise TypeError(f"expected a str, got {type(triple).__name__}")
        ll.config_target(self._p(), triple)

    target = _write_only(
        "target",
        _set_target,
        """The target triple to compile for (``"x86_64-unknown-linux-gnu"``...).
        Petrel compiles for the host only: the host's triple is accepted
        (it is the default), anything else raises ``PetrelError``.""",
    )

    def _set_max_wasm_stack(self, size: int) -> None:
        if not isinstance(size, int):
            raise TypeError(f"expected an int, got {type(size).__name__}")
        ll.config_max_wasm_stack(self._p(), size)

    max_wasm_stack = _write_only("max_wasm_stack", _set_max_wasm_stack, "The most stack, in bytes, wasm may use.")

    def _set_module_key(self, key: Union[bytes, bytearray, memoryview]) -> None:
        if not isinstance(key, (bytes, bytearray, memoryview)):
            raise TypeError(f"a module key is 32 bytes, not {type(key).__name__}")
        ll.config_module_key(self._p(), bytes(key))

    module_key = _write_only(
        "module_key",
        _set_module_key,
        """The 32-byte secret key that seals serialized modules
        (``Module.serialize``) and authenticates them when they are loaded
        (``Module.deserialize``). Engines configured with the same key load
        each other's serialized modules; anyone who knows the key can make
        modules they will load and run, so keep it where only your program
        can read it. Without a key each engine uses a random one of its own.""",
    )

    def pooling_allocator(
        self,
        enable: bool = True,
        *,
        total_memories: int = 0,
        total_tables: int = 0,
        total_core_instances: int = 0,
        max_memories_per_module: int = 0,
        max_tables_per_module: int = 0,
        table_elements: int = 0,
        max_memory_size: int = 0,
    ) -> None:
        """Makes the engine allocate instances, memories and tables from a
        pool reserved when it is made, reused after a store is dropped
        (``enable=False`` goes back to allocating on demand, the default).
        A limit left at 0 keeps its default, Wasmtime's: 1000 memories,
        tables and instances alive at once, one memory and one table per
        module, memories up to 4 GiB, tables up to 20,000 elements. Each
        pooled memory reserves 6 GiB of address space when the engine is
        made. Going past a limit raises ``PetrelError`` from the call that
        tried (instantiation, ``Memory(...)``, ``Table(...)``), and growth
        past one fails as wasm's ``memory.grow`` does."""
        p = self._p()
        _bool(enable)
        if not enable:
            ll.config_pooling_allocator(p, ffi.NULL)
            return
        limits = {
            "total_memories": total_memories,
            "total_tables": total_tables,
            "total_core_instances": total_core_instances,
            "max_memories_per_module": max_memories_per_module,
            "max_tables_per_module": max_tables_per_module,
            "table_elements": table_elements,
            "max_memory_size": max_memory_size,
        }
        record = ffi.new("petrel_pooling_config_t *")
        for name, value in limits.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
            bits = 64 if name == "max_memory_size" else 32
            if not 0 <= value < 1 << bits:
                raise ValueError(f"{name}: {value} is not an unsigned {bits}-bit integer")
            setattr(record, name, value)
        ll.config_pooling_allocator(p, record)

    def generate_module_key(self) -> bytes:
        """Draws a fresh random module key, sets it (as ``module_key = ...``
        does) and returns it, so it can be stored for other processes."""
        out = ll.config_generate_module_key(self._p())
        try:
            return bytes(ffi.buffer(out.data, out.len))
        finally:
            lib.petrel_bytes_delete(ffi.new("petrel_bytes_t *", out))

    def _set_cache(self, enabled: Union[bool, str]) -> None:
        p = self._p()
        if isinstance(enabled, bool):
            if not enabled:
                raise PetrelError("caching cannot be explicitly disabled")
            check(lib.petrel_config_cache(p, ffi.NULL, 0, ffi.NULL, 0))
        elif isinstance(enabled, str):
            raise PetrelError(
                f"cannot load cache configuration {enabled!r}: Petrel reads no cache configuration files; "
                "use Config.cache_in(directory, key_file)"
            )
        else:
            raise TypeError(f"expected a bool or str, got {type(enabled).__name__}")

    cache = _write_only(
        "cache",
        _set_cache,
        """The compilation cache. ``True`` stores compiled modules in the
        user's cache directory (``$XDG_CACHE_HOME/petrel/modules``) and loads
        them from there in later processes instead of compiling, with entries
        authenticated by the key in ``$XDG_CONFIG_HOME/petrel/cache-key``
        (created when missing). ``False`` raises (caching cannot be turned
        off once on, as in wasmtime-py); a ``str`` (a wasmtime cache
        configuration file) raises: use ``cache_in`` to choose the places.""",
    )

    def cache_in(self, directory: Union[str, "os.PathLike[str]"], key_file: Union[str, "os.PathLike[str]"]) -> None:
        """Turns the compilation cache on with entries in ``directory`` and
        their key in ``key_file`` (outside ``directory``). Both are created
        when missing; the engine refuses a directory other users can write
        and a key file other users can read. Petrel extension."""
        ll.config_cache(self._p(), os.fspath(directory), os.fspath(key_file))

    def _set_opt_level(self, level: str) -> None:
        p = self._p()
        if level not in _OPT_LEVELS:
            raise PetrelError(f"unknown opt level: {level} (use one of {sorted(_OPT_LEVELS)})")
        ll.config_opt_level(p, _OPT_LEVELS[level])

    cranelift_opt_level = _write_only(
        "cranelift_opt_level",
        _set_opt_level,
        "Cranelift's optimisation: ``'none'``, ``'speed'`` or ``'speed_and_size'``.",
    )
