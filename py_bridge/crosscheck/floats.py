"""Coq's floats (FlowARProofs/Float/Format.v) at p = 53 and the computable exp/sqrt of
FlowARProofs/Float/Computable.v, re-implemented with the same integer arithmetic.

A Coq float is ``(m, e)`` with value ``m * 2**e``; a valid one has ``m = 0`` or
``2**(p-1) <= |m| < 2**p``.  At ``p = 53`` with values far from binary64's overflow and
subnormal ranges, Coq's rounding (nearest, ties to even) is binary64's, so a Coq float
and a Python float denote the same number exactly (``to_flt`` / ``from_flt``).

``fsqrt_c`` and ``fexp_c`` follow Computable.v line by line: Coq's ``Z.div`` is floor
division, like Python's ``//``; ``Z.log2`` of a positive integer is ``bit_length - 1``;
Coq's ``round p num den E`` (the nearest float to ``num/den * 2**E``) is ``round_q``,
a correctly rounded ``int / int`` division (CPython's true division of integers rounds
correctly, ties to even).
"""

from __future__ import annotations

import math
import struct

P = 53
#: Fixed-point fractional bits of ``fexp_c`` (``F = 2p + 10`` in Computable.v).
F_BITS = 2 * P + 10
#: Taylor terms of ``fexp_c`` (``exp_terms 40`` in Computable.v).
EXP_TERMS = 40


def to_flt(x: float) -> tuple[int, int]:
    """The valid Coq float ``(m, e)`` (``2**52 <= |m| < 2**53``) equal to the finite ``x``."""
    if not math.isfinite(x):
        raise ValueError(f"value: {x!r} is not finite")
    if x == 0.0:
        return (0, 0)
    frac, exp2 = math.frexp(x)           # x = frac * 2**exp2, 1/2 <= |frac| < 1
    return (int(frac * 2**P), exp2 - P)  # frac * 2**53 is an integer (53-bit significand)


def from_flt(m: int, e: int) -> float:
    """The number ``m * 2**e`` as a float (exact for ``|m| < 2**53`` in binary64's range)."""
    return math.ldexp(float(m), e) if m else 0.0


def round_q(num: int, den: int, e: int) -> float:
    """``num / den * 2**e`` correctly rounded (Coq's ``round 53 num den e`` in range)."""
    if num == 0:
        return 0.0
    if e >= 0:
        return (num << e) / den
    return num / (den << -e)


def fsqrt_c(x: float) -> float:
    """Computable.v's ``fsqrt_c 53``: correctly rounded sqrt via an integer square root."""
    m, e = to_flt(x)
    if m <= 0:
        return 0.0
    m2, e2 = (m, e) if e % 2 == 0 else (2 * m, e - 1)
    k = P + 2
    n = m2 * 2**(2 * k)
    s = math.isqrt(n)
    sticky = 0 if s * s == n else 1
    return round_q(2 * s + sticky, 2, e2 // 2 - k)


def _ln2_fx(f: int) -> int:
    acc = 0
    for i in range(1, f + 21):
        acc += 2**(f + 10) // (i * 2**i)
    return acc // 2**10


LN2_FX = _ln2_fx(F_BITS)


def fexp_c(x: float) -> float:
    """Computable.v's ``fexp_c 53``: exp in fixed point with ``F_BITS`` fractional bits."""
    m, e = to_flt(x)
    if m == 0:
        return 1.0
    if e + (abs(m).bit_length() - 1) >= 10:
        return math.inf if m > 0 else 0.0     # Coq: the largest float / fzero
    f = F_BITS
    if e + f >= 0:
        v = m * 2**(e + f)
    elif e + f + (abs(m).bit_length() - 1) < 0:     # |m * 2**(e+f)| < 1: the floor is 0 or -1
        v = -1 if m < 0 else 0
    else:
        v = m // 2**(-(e + f))
    k = (2 * v + LN2_FX) // (2 * LN2_FX)
    r = v - k * LN2_FX
    term, acc = 2**f, 0
    for i in range(1, EXP_TERMS + 1):
        term, acc = term * r // (i * 2**f), acc + term
    return round_q(acc, 1, k - f)


def _ordered(z: float) -> int:
    u = int(struct.unpack("<q", struct.pack("<d", z))[0])
    return u if u >= 0 else -(u & 0x7FFFFFFFFFFFFFFF)


def ulp_distance(x: float, y: float) -> int:
    """Number of binary64 steps between ``x`` and ``y`` (0 iff equal; +0 and -0 are equal)."""
    return abs(_ordered(x) - _ordered(y))
