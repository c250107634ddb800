"""Exact ``f32`` conversions.

A Python float is a C double, which can hold every ``f32`` bit pattern. The C
cast between float and double keeps every value except the signalling bit of
a NaN, which it sets. Wasm values cross the boundary by bits, so ``f32``
values are converted here by their bits: widening puts the 23 fraction bits
at the top of the double's 52, narrowing takes them back, and a NaN keeps its
payload and whether it is signalling.
"""

from __future__ import annotations

import struct

_F32 = struct.Struct("<f")
_U32 = struct.Struct("<I")
_F64 = struct.Struct("<d")
_U64 = struct.Struct("<Q")


def f32_from_bits(bits: int) -> float:
    """The Python float of the ``f32`` with these 32 bits (a NaN keeps its payload)."""
    if bits & 0x7F800000 == 0x7F800000 and bits & 0x007FFFFF:
        wide = ((bits >> 31) << 63) | (0x7FF << 52) | ((bits & 0x007FFFFF) << 29)
        return float(_F64.unpack(_U64.pack(wide))[0])
    return float(_F32.unpack(_U32.pack(bits))[0])


def f32_to_bits(value: float) -> int:
    """The 32 bits of ``value`` as an ``f32`` (a NaN keeps the top of its payload).

    A finite value too large for an ``f32`` rounds to infinity, as the C
    conversion does. Raises ``TypeError`` for a value that is not a number.
    """
    if not isinstance(value, (float, int)) or isinstance(value, bool):
        raise TypeError(f"expected a float, got {type(value).__name__}")
    wide = int(_U64.unpack(_F64.pack(value))[0])
    if wide & 0x7FF0000000000000 == 0x7FF0000000000000 and wide & 0x000FFFFFFFFFFFFF:
        fraction = (wide >> 29) & 0x007FFFFF
        # A payload only in the low bits would read as infinity: quiet it, as
        # the hardware does.
        return ((wide >> 63) << 31) | 0x7F800000 | (fraction or 0x00400000)
    try:
        return int(_U32.unpack(_F32.pack(value))[0])
    except OverflowError:
        return 0xFF800000 if value < 0 else 0x7F800000


def signed32(bits: int) -> int:
    """``bits`` (0 to 2**32 - 1) as a signed 32-bit integer."""
    return bits - (1 << 32) if bits >= (1 << 31) else bits
