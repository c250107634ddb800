"""``Func`` (calls into wasm, and Python functions wasm calls) and
``Caller`` (what a host function sees of the store it runs in).

Calls go through ``petrel_func_call_raw``. A ``Func`` switches on its first
call to a class specialised to its signature whose ``__call__`` is
straight-line code for that signature (see ``_signature_class``).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _lowlevel as ll
from ._errors import PetrelError, expect, stash_exception
from ._floats import f32_from_bits, f32_to_bits
from ._lowlevel import check, ffi, lib
from ._managed import Handle
from ._petrel_cffi import FuncBase, _set_raise
from ._store import StoreLike, closed, finalize, keep, lookup, store_pointer
from ._types import FuncType, Val, ValType
from ._value import EXTERNREF, F32, F64, FUNCREF, I32, I64, from_raw, to_raw


class Func(FuncBase, Handle):  # type: ignore[misc]
    """A function of a store: call it as ``func(store, *args)``; one result
    is returned as is, several as a list, none as None. Arguments are plain
    Python values or ``Val``s; a wrong number of them raises
    ``PetrelError``, a value of the wrong type ``TypeError``.

    ``Func(store, ty, func)`` makes a host function: ``func`` is called with
    the arguments as plain Python values (preceded by a ``Caller`` when
    ``access_caller`` is true) and returns None, one value, or a sequence of
    values for several results.

    Calls of numeric signatures with plain ``int``/``float`` arguments run
    in C (the base class, ``native/fastfunc.c``); the first call, and any
    call it cannot take, go through ``_call``.
    """

    __slots__ = ()
    _ctype = "petrel_func_t *"

    def __init__(self, store: StoreLike, ty: FuncType, func: Callable[..., Any], access_caller: bool = False) -> None:
        sp = store_pointer(store)
        expect(ty, FuncType, "a FuncType")
        host = _HostFunc(func, ty, access_caller)
        h = ll.func_new(sp, ty._to_c(), host.callback, keep(host), finalize)
        self._init(h.store_id, h.index)

    def type(self, store: StoreLike) -> FuncType:
        """The function's type."""
        return FuncType._from_c(ll.func_type(store_pointer(store), self._c[0]))

    def _call(self, store: StoreLike, *args: Any) -> Any:
        """The general call: learns the signature on the first call (and
        hands it to the C base class), then runs the signature's Python code."""
        fn = self._sigcall
        if fn is None:
            ty = self.type(store)
            params = [t.kind for t in ty.params]
            results = [t.kind for t in ty.results]
            fn = _signature_call(params, results)
            self._set_signature(bytes(params), bytes(results), fn)
        return fn(self, store, *args)


class Caller:
    """What a host function made with ``access_caller=True`` gets first: the
    calling instance's exports and the store's data. Usable wherever a
    store is, until the host function returns."""

    _is_store = True

    def __init__(self, caller: Any) -> None:
        self._caller = caller
        self._ptr: Any = ll.caller_store(caller)
        self._addr: int = int(ffi.cast("uintptr_t", self._ptr))
        self._id: int = ll.store_id(self._ptr)

    def _invalidate(self) -> None:
        self._ptr = None
        self._caller = None

    def data(self) -> Any:
        """The store's data (``ClosedError`` after the host function returned)."""
        if self._caller is None:
            raise closed(self)
        return lookup(ll.caller_data(self._caller))[0]

    def get(self, name: str) -> Optional[Any]:
        """The calling instance's export ``name``; None when there is none or
        when the host function has returned."""
        encoded = name.encode("utf-8")
        if self._caller is None:
            return None
        item, found = ll.caller_export_get(self._caller, encoded)
        if not found:
            return None
        from ._extern import extern_from_c

        return extern_from_c(item)

    def __getitem__(self, name: str) -> Any:
        """The calling instance's export ``name`` (``KeyError`` when there is none)."""
        e = self.get(name)
        if e is None:
            raise KeyError(f"failed to find export {name}")
        return e


# Typed views of a raw buffer: C type and number of view elements per
# 16-byte slot, by value kind. f32 values go through their bits (_floats),
# so a NaN keeps its payload and signalling bit.
_VIEWS = {I32: ("int32_t", 4), I64: ("int64_t", 2), F32: ("uint32_t", 4), F64: ("double", 2)}
_VIEW_NAMES = {I32: "v_i32", I64: "v_i64", F32: "v_f32", F64: "v_f64"}


def _convert_args(store: Any, raw: Any, params: List[int], args: Sequence[Any]) -> None:
    """The general argument conversion (``Val``s, unsigned integers, references)."""
    for i, k in enumerate(params):
        to_raw(store, raw[i], k, args[i])


class _Missing:
    """The default of every parameter of a specialised ``__call__``: a
    missing argument is seen without Python's own ``TypeError``."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _arity_error(expected: int, args: Tuple[Any, ...]) -> PetrelError:
    given = sum(1 for a in args if a is not _MISSING)
    which = "many" if given > expected else "few"
    return PetrelError(f"too {which} parameters provided: given {given}, expected {expected}")


_SIGNATURE_CALLS: Dict[Tuple[Tuple[int, ...], Tuple[int, ...]], Callable[..., Any]] = {}
_SIGNATURE_LOCK = threading.Lock()


def _signature_call(params: List[int], results: List[int]) -> Callable[..., Any]:
    """The Python call function ``call(func, store, *args)`` of a signature.

    Straight-line code for the signature: the arguments go into typed views
    of a buffer taken from a pool (thread-safe: ``list.pop`` and
    ``list.append`` are atomic, and a buffer is never shared while a call
    with the GIL released uses it), one C call, the results come out of the
    same views. Anything unusual (a ``Val``, an unsigned integer, a wrong
    type) takes the general conversion, which raises the right exception;
    a wrong argument count is a ``PetrelError``.
    """
    key = (tuple(params), tuple(results))
    with _SIGNATURE_LOCK:
        fn = _SIGNATURE_CALLS.get(key)
        if fn is None:
            fn = _build_signature_call(params, results)
            _SIGNATURE_CALLS[key] = fn
    return fn


def _build_signature_call(params: List[int], results: List[int]) -> Callable[..., Any]:
    n = max(len(params), len(results), 1)
    nparams = len(params)
    pool: List[Any] = []
    numeric = all(k in _VIEWS for k in params + results)
    used = sorted({k for k in params + results if k in _VIEWS})

    def new() -> Any:
        raw = ffi.new("petrel_valraw_t[]", n)
        return (raw,) + tuple(ffi.cast(_VIEWS[k][0] + " *", raw) for k in used)

    env = {
        "pop": pop_or_new(pool, new),
        "push": pool.append,
        "call_raw": lib.petrel_func_call_raw,
        "check": check,
        "closed": closed,
        "convert_args": _convert_args,
        "from_raw": from_raw,
        "params": params,
        "f32_to_bits": f32_to_bits,
        "f32_from_bits": f32_from_bits,
        "MISSING": _MISSING,
        "arity": _arity_error,
        "store_pointer": store_pointer,
        "nparams": nparams,
    }
    names = ", ".join(["raw"] + [_VIEW_NAMES[k] for k in used])
    argnames = [f"a{i}" for i in range(nparams)]
    # Every parameter defaults to MISSING and extra arguments land in
    # `rest`, so a wrong count is a PetrelError (as in wasmtime-py) rather
    # than Python's TypeError; checking the last parameter and `rest` is
    # enough.
    signature = "".join(f", {a}=MISSING" for a in argnames) + ", *rest"
    count_check = "rest" + (f" or {argnames[-1]} is MISSING" if argnames else "")
    arglist = "".join(", " + a for a in argnames)
    lines = [
        f"def __call__(self, store{signature}):",
        f"    if {count_check}:",
        f"        raise arity(nparams, ({''.join(a + ', ' for a in argnames)}) + rest)",
        "    try:",
        "        s = store._ptr",
        "    except AttributeError:",
        "        store_pointer(store)",
        "    if s is None:",
        "        raise closed(store)",
        "    b = pop()",
        f"    {names}, = b" if names == "raw" else f"    {names} = b",
    ]
    if numeric and nparams:
        lines.append("    try:")
        for i, k in enumerate(params):
            value = f"f32_to_bits(a{i})" if k == F32 else f"a{i}"
            lines.append(f"        {_VIEW_NAMES[k]}[{i * _VIEWS[k][1]}] = {value}")
        lines.append("    except (TypeError, OverflowError):")
        lines.append(f"        convert_args(store, raw, params, ({''.join(a + ', ' for a in argnames)}))")
    elif nparams:
        lines.append(f"    convert_args(store, raw, params, ({''.join(a + ', ' for a in argnames)}))")
    lines += [
        f"    err = call_raw(s, self._c, raw, {n})",
        "    if err:",
        "        push(b)",
        "        check(err)",
    ]
    outs = []
    for i, k in enumerate(results):
        if numeric:
            view = f"{_VIEW_NAMES[k]}[{i * _VIEWS[k][1]}]"
            outs.append(f"f32_from_bits({view})" if k == F32 else view)
        else:
            outs.append(f"from_raw(store, raw[{i}], {k})")
    if not outs:
        lines += ["    push(b)", "    return None"]
    elif len(outs) == 1:
        lines += [f"    r = {outs[0]}", "    push(b)", "    return r"]
    else:
        lines += [f"    r = [{', '.join(outs)}]", "    push(b)", "    return r"]
    helper = _scalar_helper(params, results)
    if helper is not None:
        # The fastest path: one compiled call with the arguments as C
        # scalars (see bindings-python/native/fastcall.py); anything the C
        # types refuse falls back to the buffer path above.
        lines[0] = f"def call_buf(self, store{arglist}):"
        del lines[1:3]
        res = results[0] if results else None
        failed = "r" if res is None else ("r != r" if res in (F32, F64) else "r == SENTINEL")
        sentinel = lib.PETREL_PY_SENTINEL_I32 if res == I32 else lib.PETREL_PY_SENTINEL_I64
        env.update(helper=helper, take_error=lib.petrel_py_take_error, SENTINEL=sentinel, fail=_scalar_failure)
        lines += [
            f"def __call__(self, store{signature}):",
            f"    if {count_check}:",
            f"        raise arity(nparams, ({''.join(a + ', ' for a in argnames)}) + rest)",
            "    try:",
            f"        r = helper(store._ptr, self._c{arglist})",
            "    except (TypeError, OverflowError, AttributeError):",
            f"        return call_buf(self, store{arglist})",
            f"    if {failed}:",
            "        fail(store, take_error())",
            "    return None" if res is None else "    return r",
        ]
    exec("\n".join(lines), env)  # noqa: S102 (code generated from the signature only)
    return env["__call__"]  # type: ignore[no-any-return]


def pop_or_new(pool: List[Any], new: Callable[[], Any]) -> Callable[[], Any]:
    """A function that takes a buffer from ``pool``, or makes one when empty."""
    pop = pool.pop

    def take() -> Any:
        try:
            return pop()
        except IndexError:
            return new()

    return take


_HELPER_LETTERS = {I32: "i", I64: "I", F32: "f", F64: "F"}


def _scalar_helper(params: List[int], results: List[int]) -> Any:
    """The compiled scalar call helper for this signature, if there is one."""
    if len(params) > 3 or len(results) > 1 or any(k not in _HELPER_LETTERS for k in params + results):
        return None
    name = "petrel_py_call_" + ("".join(_HELPER_LETTERS[k] for k in params) or "0")
    name += "_" + (_HELPER_LETTERS[results[0]] if results else "v")
    return getattr(lib, name, None)


def _scalar_failure(store: Any, err: Any) -> None:
    """Raises for a scalar helper's error (NULL: the sentinel was a real result)."""
    if not err:
        return
    if getattr(store, "_ptr", True) is None:
        lib.petrel_error_delete(err)
        raise closed(store)
    check(err)


def _raise_call_error(store: Any, address: int) -> None:
    """Raises the exception of a failed call of the C fast path (the error
    at ``address``, which this frees)."""
    _scalar_failure(store, ffi.cast("petrel_error_t *", address))


_set_raise(_raise_call_error)


class _HostFunc:
    """A Python host function as the C side sees it (through ``keep``): the
    function, its signature, and the C callback that calls it."""

    __slots__ = ("func", "params", "results", "access_caller", "needs_caller", "callback", "__weakref__")

    def __init__(self, func: Callable[..., Any], ty: FuncType, access_caller: bool) -> None:
        if not callable(func):
            raise TypeError("a host function must be callable")
        self.func = func
        self.params = [t.kind for t in ty.params]
        self.results = [t.kind for t in ty.results]
        self.access_caller = access_caller
        # The store is needed for reference values and by the caller itself.
        refs = any(k in (FUNCREF, EXTERNREF) for k in self.params + self.results)
        self.needs_caller = access_caller or refs
        self.callback = _host_callback(self)


def _host_error(e: BaseException) -> Any:
    """The C error that carries ``e`` back out of the wasm call."""
    tag = stash_exception(e)
    msg = f"{type(e).__name__}: {e}".encode("utf-8", "replace")
    return lib.petrel_error_new_host(msg, len(msg), tag)


def _host_any(env: Any, caller_ptr: Any, vals: Any, nargs: int, nresults: int) -> Any:
    """The general host trampoline: any signature, a ``Caller`` when asked for."""
    caller: Optional[Caller] = None
    try:
        host: _HostFunc = lookup(env)
        if host.needs_caller:
            caller = Caller(caller_ptr)
        args = [from_raw(caller, vals[i], k) for i, k in enumerate(host.params)]
        if host.access_caller:
            r = host.func(caller, *args)
        else:
            r = host.func(*args)
        results = host.results
        if not results:
            if r is not None:
                raise PetrelError("callback produced results when it shouldn't")
        elif len(results) == 1:
            to_raw(caller, vals[0], results[0], r)
        else:
            if len(r) != len(results):
                raise PetrelError("callback produced wrong number of results")
            for i, k in enumerate(results):
                to_raw(caller, vals[i], k, r[i])
        return ffi.NULL
    except BaseException as e:  # noqa: BLE001 (every exception goes back through wasm)
        return _host_error(e)
    finally:
        if caller is not None:
            caller._invalidate()


ffi.def_extern(name="petrel_py_host_any")(_host_any)


def _host_onerror(exception: Any, exc_value: Any, traceback: Any) -> None:
    """cffi's handler of an exception in a host shim's Python side (or of a
    result it cannot convert): the error waits for the C shim to return it."""
    lib.petrel_py_host_fail(_host_error(exc_value))


_I32_RANGE = (-(1 << 31), (1 << 32) - 1)
_I64_RANGE = (-(1 << 63), (1 << 64) - 1)


def _result_int(r: Any, kind: int) -> int:
    """A host function's integer result that is not a plain in-range ``int``:
    a ``Val`` of the kind, or an unsigned value (wrapped); else raises."""
    if isinstance(r, Val):
        if r.type.kind != kind:
            raise TypeError(f"expected a {ValType(kind)} value, got a Val of type {r.type}")
        r = r.value
    if not isinstance(r, int):
        raise TypeError(f"don't know how to convert {r!r} to {ValType(kind)}")
    n = int(r)
    lo, hi = _I32_RANGE if kind == I32 else _I64_RANGE
    if not lo <= n <= hi:
        raise OverflowError(f"{n} is out of range for {ValType(kind)}")
    if kind == I64 and n >= 1 << 63:
        n -= 1 << 64
    return n


def _result_float(r: Any, kind: int) -> float:
    """A host function's float result that is not a plain ``float``."""
    if isinstance(r, Val):
        if r.type.kind != kind:
            raise TypeError(f"expected a {ValType(kind)} value, got a Val of type {r.type}")
        r = r.value
    if isinstance(r, bool) or not isinstance(r, (int, float)):
        raise TypeError(f"don't know how to convert {r!r} to {ValType(kind)}")
    return float(r)


_HOST_SHIMS: Dict[str, Any] = {}
_HOST_SHIMS_LOCK = threading.Lock()


def _host_callback(host: _HostFunc) -> Any:
    """The C callback for ``host``: the compiled shim of its signature
    (``native/fastcall.py``) when there is one, else the general trampoline."""
    params, results = host.params, host.results
    letters = [_HELPER_LETTERS.get(k) for k in params + results]
    if host.needs_caller or len(params) > 3 or len(results) > 1 or None in letters:
        return lib.petrel_py_host_any
    sig = ("".join(_HELPER_LETTERS[k] for k in params) or "0") + "_"
    sig += _HELPER_LETTERS[results[0]] if results else "v"
    with _HOST_SHIMS_LOCK:
        shim = _HOST_SHIMS.get(sig)
        if shim is None:
            ffi.def_extern(name=f"petrel_py_host_py_{sig}", onerror=_host_onerror)(_host_py(params, results))
            shim = _HOST_SHIMS[sig] = getattr(lib, f"petrel_py_host_{sig}")
    return shim


def _host_py(params: List[int], results: List[int]) -> Callable[..., Any]:
    """The Python side of a host shim: calls the host function with the
    arguments as given (C scalars made Python numbers by cffi) and returns
    its result as the shim's C type expects it."""
    args = ", ".join(f"a{i}" for i in range(len(params)))
    lines = [f"def host_py(h{''.join(', a' + str(i) for i in range(len(params)))}):"]
    lines.append(f"    r = from_handle(h).func({args})")
    if not results:
        lines += ["    if r is not None:", '        raise PetrelError("callback produced results when it shouldn\'t")']
    elif results[0] == I32:
        lines.append("    return r if r.__class__ is int and -2147483648 <= r <= 4294967295 else result_int(r, I32)")
    elif results[0] == I64:
        lines.append(
            "    return r if r.__class__ is int and -9223372036854775808 <= r <= 9223372036854775807"
            " else result_int(r, I64)"
        )
    else:
        lines.append(f"    return r if r.__class__ is float else result_float(r, {results[0]})")
    env = {
        "from_handle": ffi.from_handle,
        "PetrelError": PetrelError,
        "result_int": _result_int,
        "result_float": _result_float,
        "I32": I32,
        "I64": I64,
    }
    exec("\n".join(lines), env)  # noqa: S102 (code generated from the signature only)
    return env["host_py"]  # type: ignore[no-any-return]
