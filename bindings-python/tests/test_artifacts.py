"""Authenticated serialized modules from Python: a shared key across engines,
and refusal of modified, truncated, foreign, other-configuration and
re-labelled blobs."""

from __future__ import annotations

import hashlib
import pathlib

import pytest

from petrel import Config, Engine, Instance, Module, PetrelError, Store, wat2wasm

KEY = bytes(range(32))
ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'
SUB = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub))'

# Offsets of the sealed artifact layout (core/src/artifact.rs).
FORMAT_VERSION_AT = 16
SUBJECT_AT = 32
MAC_LEN = 32


def keyed_engine(key: bytes = KEY, **options: bool) -> Engine:
    config = Config()
    config.module_key = key
    for name, value in options.items():
        setattr(config, name, value)
    return Engine(config)


def add(engine: Engine, module: Module, a: int, b: int) -> int:
    store = Store(engine)
    result = Instance(store, module, []).exports(store)["add"](store, a, b)
    assert isinstance(result, int)
    return result


def test_shared_key_round_trip(tmp_path: pathlib.Path) -> None:
    a, b = keyed_engine(), keyed_engine()
    blob = Module(a, ADD).serialize()
    assert add(b, Module.deserialize(b, blob), 40, 2) == 42
    assert add(b, Module.deserialize(b, bytearray(blob)), 1, 2) == 3
    path = tmp_path / "add.cwasm"
    path.write_bytes(blob)
    assert add(b, Module.deserialize_file(b, path), 2, 2) == 4


def test_generated_key() -> None:
    config = Config()
    key = config.generate_module_key()
    assert isinstance(key, bytes) and len(key) == 32
    assert Config().generate_module_key() != key
    blob = Module(Engine(config), ADD).serialize()
    loader = keyed_engine(key)
    assert add(loader, Module.deserialize(loader, blob), 3, 4) == 7
    with pytest.raises(PetrelError, match="authentication failed"):
        Module.deserialize(keyed_engine(), blob)


def test_key_validation() -> None:
    config = Config()
    with pytest.raises(PetrelError, match="32 bytes"):
        config.module_key = b"short"
    with pytest.raises(TypeError):
        config.module_key = "0" * 32  # type: ignore[assignment]
    with pytest.raises(AttributeError):
        config.module_key  # noqa: B018


def test_engines_without_a_key_load_only_their_own() -> None:
    a = Engine()
    blob = Module(a, ADD).serialize()
    assert add(a, Module.deserialize(a, blob), 1, 1) == 2
    with pytest.raises(PetrelError, match="authentication failed.*module key"):
        Module.deserialize(Engine(), blob)


def test_every_flipped_byte_is_refused() -> None:
    engine = keyed_engine()
    blob = Module(engine, ADD).serialize()
    for i in range(len(blob)):
        bad = bytearray(blob)
        bad[i] ^= 1 << (i % 8)
        with pytest.raises(PetrelError):
            Module.deserialize(engine, bytes(bad))


def test_truncated_and_foreign_blobs_are_refused() -> None:
    engine = keyed_engine()
    blob = Module(engine, ADD).serialize()
    for n in range(len(blob)):
        with pytest.raises(PetrelError):
            Module.deserialize(engine, blob[:n])
    with pytest.raises(PetrelError, match="truncated"):
        Module.deserialize(engine, blob[:-1])
    with pytest.raises(PetrelError, match="trailing"):
        Module.deserialize(engine, blob + b"\0")
    with pytest.raises(PetrelError, match="not a compiled Petrel module"):
        Module.deserialize(engine, b"\0asm\x01\0\0\0")
    with pytest.raises(PetrelError, match="authentication failed"):
        Module.deserialize(keyed_engine(bytes(32)), blob)


def test_other_configuration_or_format_is_refused() -> None:
    blob = Module(keyed_engine(), ADD).serialize()
    for option in ["consume_fuel", "epoch_interruption"]:
        with pytest.raises(PetrelError, match="different Petrel version or engine configuration"):
            Module.deserialize(keyed_engine(**{option: True}), blob)
    newer = bytearray(blob)
    newer[FORMAT_VERSION_AT] = 3
    with pytest.raises(PetrelError, match="format version 3"):
        Module.deserialize(keyed_engine(), bytes(newer))


def test_relabelled_blob_is_refused() -> None:
    engine = keyed_engine()
    blob = Module(engine, ADD).serialize()
    other = Module(engine, SUB).serialize()
    # The subject is the SHA-256 of the module's wasm binary.
    assert blob[SUBJECT_AT : SUBJECT_AT + 32] == hashlib.sha256(wat2wasm(ADD)).digest()
    relabelled = blob[:SUBJECT_AT] + other[SUBJECT_AT : SUBJECT_AT + 32] + blob[SUBJECT_AT + 32 :]
    with pytest.raises(PetrelError, match="authentication failed"):
        Module.deserialize(engine, relabelled)
    with pytest.raises(PetrelError, match="authentication failed"):
        Module.deserialize(engine, blob[:-MAC_LEN] + other[-MAC_LEN:])
    assert add(engine, Module.deserialize(engine, other), 40, 2) == 38


def cached_engine(tmp_path: pathlib.Path) -> Engine:
    config = Config()
    config.cache_in(tmp_path / "cache", tmp_path / "key")
    return Engine(config)


def add_of(engine: Engine, module: Module) -> int:
    store = Store(engine)
    result = Instance(store, module, []).exports(store)["add"](store, 2, 3)
    assert isinstance(result, int)
    return result


def test_compilation_cache_hits_and_refuses_tampered_entries(tmp_path: pathlib.Path) -> None:
    first = cached_engine(tmp_path)
    assert add_of(first, Module(first, ADD)) == 5
    assert first.cache_statistics() == {"hits": 0, "misses": 1, "rejected": 0}
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    second = cached_engine(tmp_path)
    assert add_of(second, Module(second, ADD)) == 5
    assert second.cache_statistics() == {"hits": 1, "misses": 0, "rejected": 0}
    (entry,) = (tmp_path / "cache").iterdir()
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 1
    entry.write_bytes(bytes(data))
    third = cached_engine(tmp_path)
    assert add_of(third, Module(third, ADD)) == 5
    assert third.cache_statistics() == {"hits": 0, "misses": 0, "rejected": 1}
    assert Engine().cache_statistics() is None


def test_compilation_cache_refuses_unsafe_places(tmp_path: pathlib.Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    cache.chmod(0o777)
    with pytest.raises(PetrelError, match="writable by other users"):
        cached_engine(tmp_path)
    config = Config()
    with pytest.raises(PetrelError, match="inside the cache directory"):
        cache.chmod(0o700)
        config.cache_in(cache, cache / "key")
        Engine(config)
    with pytest.raises(PetrelError, match="no cache configuration files"):
        config.cache = "somewhere"
    with pytest.raises(TypeError):
        config.cache = 1  # type: ignore[assignment]
    config.cache = True
    with pytest.raises(PetrelError, match="cannot be explicitly disabled"):
        config.cache = False
