"""``Engine``: compiles modules; shared by the stores and modules made with it."""

from __future__ import annotations

from typing import Dict, Optional

from . import _lowlevel as ll
from ._config import Config
from ._errors import expect
from ._lowlevel import ffi, lib
from ._managed import Managed


class Engine(Managed):
    """Compiles modules; shared by the stores and modules made with it.

    ``Engine(config)`` takes ``config`` (it cannot be used again, as in
    wasmtime-py); ``Engine()`` uses the defaults. Closing an engine leaves
    the modules and stores made with it working.
    """

    _what = "engine"

    def __init__(self, config: Optional[Config] = None) -> None:
        if config is None:
            self._set_ptr(ll.engine_new(ffi.NULL), lib.petrel_engine_delete)
            return
        expect(config, Config, "a Config")
        self._set_ptr(ll.engine_new(config._p()), lib.petrel_engine_delete)
        config.close()

    def cache_statistics(self) -> Optional[Dict[str, int]]:
        """What the compilation cache has done (``hits``, ``misses``,
        ``rejected``), or ``None`` when the engine has no cache. Petrel
        extension."""
        hits, misses, rejected, enabled = ll.engine_cache_statistics(self._p())
        if not enabled:
            return None
        return {"hits": hits, "misses": misses, "rejected": rejected}

    def increment_epoch(self) -> None:
        """Advances the epoch (interrupts stores whose deadline it reaches). Thread-safe."""
        ll.engine_increment_epoch(self._p())

    def is_pulley(self) -> bool:
        """Whether the engine runs wasm on an interpreter (Wasmtime's Pulley):
        never, Petrel compiles to native code."""
        self._p()
        return False
