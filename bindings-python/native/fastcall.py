"""Build-time generator of the binding's scalar call helpers and host
function shims (run by build.rs).

For every signature of at most three numeric parameters and at most one
numeric result, one C function calls ``petrel_func_call_raw`` with the
arguments as C scalars and returns the result as a C scalar, so that a call
from Python is one compiled cffi call with no cdata element access. An error
is kept in a thread-local slot and signalled by a sentinel result
(``PETREL_PY_SENTINEL_*``, NaN for floats, 1 for no result); the caller then
takes it with ``petrel_py_take_error`` (NULL when the sentinel was a real
result).

The other direction, wasm calling Python: for the same signatures, a C
callback ``petrel_py_host_<sig>`` (a ``petrel_callback_t``) reads the
arguments out of the raw slots and calls the cffi ``extern "Python"``
function ``petrel_py_host_py_<sig>`` with them as C scalars, then writes
its result back; so a host call is one compiled Python entry with no cdata
access. The Python side reports a failure with ``petrel_py_host_fail``
(the error waits in a thread-local slot the shim returns). An ``i32``
result crosses as an ``int64_t`` so that the shim accepts unsigned values
(wrapped, as elsewhere) and refuses others. Every other signature goes
through the general ``extern "Python"`` trampoline ``petrel_py_host_any``.

Prints the cffi declarations, a line ``----``, then the C source.
"""

import itertools
import os

# f32 crosses as a double, widened and narrowed by bits (petrel_py_widen /
# petrel_py_narrow) so that a NaN keeps its payload and signalling bit: the
# C cast between float and double would set that bit.
KINDS = {"i": ("int32_t", "i32"), "I": ("int64_t", "i64"), "f": ("double", "f32"), "F": ("double", "f64")}
SENTINEL = {"i": "PETREL_PY_SENTINEL_I32", "I": "PETREL_PY_SENTINEL_I64", "f": "NAN", "F": "NAN", "v": "1"}
RET = {"i": "int32_t", "I": "int64_t", "f": "double", "F": "double", "v": "int"}

decls = [
    "#define PETREL_PY_SENTINEL_I32 -2147471303",
    "#define PETREL_PY_SENTINEL_I64 -9223372036854763463",
    "petrel_error_t *petrel_py_take_error(void);",
]
src = [
    "#include <math.h>",
    "#include <stdint.h>",
    "#include <string.h>",
    "#define PETREL_PY_SENTINEL_I32 (-2147471303)",
    "#define PETREL_PY_SENTINEL_I64 (-9223372036854763463LL)",
    "static _Thread_local petrel_error_t *petrel_py_last_error;",
    "petrel_error_t *petrel_py_take_error(void) {",
    "    petrel_error_t *e = petrel_py_last_error;",
    "    petrel_py_last_error = NULL;",
    "    return e;",
    "}",
    "static double petrel_py_widen(float f) {",
    "    uint32_t b;",
    "    memcpy(&b, &f, 4);",
    "    if ((b & 0x7f800000u) != 0x7f800000u || (b & 0x007fffffu) == 0) return (double)f;",
    "    uint64_t w = ((uint64_t)(b >> 31) << 63) | ((uint64_t)0x7ff << 52) | ((uint64_t)(b & 0x007fffffu) << 29);",
    "    double d;",
    "    memcpy(&d, &w, 8);",
    "    return d;",
    "}",
    "static float petrel_py_narrow(double d) {",
    "    uint64_t w;",
    "    memcpy(&w, &d, 8);",
    "    if ((w & 0x7ff0000000000000ull) != 0x7ff0000000000000ull || (w & 0x000fffffffffffffull) == 0)",
    "        return (float)d;",
    "    uint32_t f = (uint32_t)(w >> 63) << 31 | 0x7f800000u | (uint32_t)((w >> 29) & 0x007fffffu);",
    "    if ((f & 0x007fffffu) == 0) f |= 0x00400000u;",
    "    float r;",
    "    memcpy(&r, &f, 4);",
    "    return r;",
    "}",
]
for n in range(4):
    for params in itertools.product("iIfF", repeat=n):
        for res in "iIfFv":
            name = "petrel_py_call_" + ("".join(params) or "0") + "_" + res
            args = "".join(f", {KINDS[k][0]} a{i}" for i, k in enumerate(params))
            sig = f"{RET[res]} {name}(petrel_store_t *store, const petrel_func_t *func{args})"
            decls.append(sig + ";")
            slots = max(n, 0 if res == "v" else 1, 1)
            body = [
                sig + " {",
                f"    _Alignas(16) petrel_valraw_t v[{slots}];",
                "    memset(v, 0, sizeof v);",
            ]
            body += [
                f"    v[{i}].f32 = petrel_py_narrow(a{i});" if k == "f" else f"    v[{i}].{KINDS[k][1]} = a{i};"
                for i, k in enumerate(params)
            ]
            body += [
                f"    petrel_error_t *e = petrel_func_call_raw(store, func, v, {slots});",
                "    if (e != NULL) {",
                "        petrel_error_delete(petrel_py_last_error);",
                "        petrel_py_last_error = e;",
                f"        return {SENTINEL[res]};",
                "    }",
                "    return 0;"
                if res == "v"
                else ("    return petrel_py_widen(v[0].f32);" if res == "f" else f"    return v[0].{KINDS[res][1]};"),
                "}",
            ]
            src += body

# Host function shims (wasm calling Python).
HOST_RET = {"i": "int64_t", "I": "int64_t", "f": "double", "F": "double", "v": "void"}
decls += [
    "void petrel_py_host_fail(petrel_error_t *error);",
    'extern "Python" petrel_error_t *petrel_py_host_any(void *, petrel_caller_t *, petrel_valraw_t *, size_t, size_t);',
]
src += [
    "static _Thread_local petrel_error_t *petrel_py_host_pending;",
    "void petrel_py_host_fail(petrel_error_t *error) {",
    "    petrel_error_delete(petrel_py_host_pending);",
    "    petrel_py_host_pending = error;",
    "}",
    "static petrel_error_t *petrel_py_host_take(void) {",
    "    petrel_error_t *e = petrel_py_host_pending;",
    "    petrel_py_host_pending = NULL;",
    "    return e;",
    "}",
    'static petrel_error_t *petrel_py_out_of_range(void) {',
    '    static const char msg[] = "OverflowError: the host function returned an integer out of range for i32";',
    "    return petrel_error_new(msg, sizeof msg - 1);",
    "}",
]
for n in range(4):
    for params in itertools.product("iIfF", repeat=n):
        for res in "iIfFv":
            sig = ("".join(params) or "0") + "_" + res
            args = "".join(f", {KINDS[k][0]} a{i}" for i, k in enumerate(params))
            py = f"petrel_py_host_py_{sig}"
            decls.append(f'extern "Python" {HOST_RET[res]} {py}(void *{args});')
            cb = f"petrel_py_host_{sig}"
            decls.append(
                f"petrel_error_t *{cb}(void *, petrel_caller_t *, petrel_valraw_t *, size_t, size_t);"
            )
            call_args = "".join(
                f", petrel_py_widen(v[{i}].f32)" if k == "f" else f", v[{i}].{KINDS[k][1]}"
                for i, k in enumerate(params)
            )
            body = [
                f"static {HOST_RET[res]} {py}(void *{args});",
                f"petrel_error_t *{cb}(void *env, petrel_caller_t *caller, petrel_valraw_t *v,"
                " size_t nargs, size_t nresults) {",
                "    (void)caller; (void)nargs; (void)nresults;",
            ]
            if res == "v":
                body.append(f"    {py}(env{call_args});")
            else:
                body.append(f"    {HOST_RET[res]} r = {py}(env{call_args});")
            body += [
                "    petrel_error_t *e = petrel_py_host_take();",
                "    if (e != NULL) return e;",
            ]
            if res == "i":
                body += [
                    "    if (r < INT32_MIN || r > (int64_t)UINT32_MAX) return petrel_py_out_of_range();",
                    "    v[0].i32 = (int32_t)(uint32_t)r;",
                ]
            elif res == "I":
                body.append("    v[0].i64 = r;")
            elif res == "f":
                body.append("    v[0].f32 = petrel_py_narrow(r);")
            elif res == "F":
                body.append("    v[0].f64 = r;")
            body += ["    return NULL;", "}"]
            src += body

# The C base class of petrel.Func (see fastfunc.c).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fastfunc.c")) as f:
    src.append(f.read())

print("\n".join(decls))
print("----")
print("\n".join(src))
