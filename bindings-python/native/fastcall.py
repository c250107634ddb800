"""Build-time generator of the binding's scalar call helpers (run by build.rs).

For every signature of at most three numeric parameters and at most one
numeric result, one C function calls ``petrel_func_call_raw`` with the
arguments as C scalars and returns the result as a C scalar, so that a call
from Python is one compiled cffi call with no cdata element access. An error
is kept in a thread-local slot and signalled by a sentinel result
(``PETREL_PY_SENTINEL_*``, NaN for floats, 1 for no result); the caller then
takes it with ``petrel_py_take_error`` (NULL when the sentinel was a real
result). Prints the cffi declarations, a line ``----``, then the C source.
"""

import itertools

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
print("\n".join(decls))
print("----")
print("\n".join(src))
