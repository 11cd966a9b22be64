"""Rounding and integer division on floats, Fractions, numpy arrays and engine objects alike.

What `twingrad.core.numeric` is for the smooth functions, this is for the piecewise constant
ones: floor, ceil, trunc, round, and the three divisions with an integer quotient. They
follow PyTorch, which is not always C or numpy:

- ``remainder(a, b)`` has the sign of the divisor (Python's ``%``), ``fmod(a, b)`` the
  sign of the dividend (C's ``fmod``); both are nan for a zero float divisor.
- ``floor_divide(a, b)`` is PyTorch's ``div(a, b, rounding_mode="floor")``: computed from
  ``fmod`` so that it agrees with ``remainder`` (1 // 0.1 is 9, not floor(1 / 0.1) = 10).
- ``round_half_even`` rounds halves to the even neighbour (2.5 -> 2), as ``torch.round``.

Integer arrays keep their dtype; Fractions stay exact (the results are integers, so these
ops are rational). An integer divided by zero is left to the caller (the tensor engine
refuses it, as PyTorch does).

>>> floor_divide(1.0, 0.1), remainder(-5.5, 2.0), fmod(-5.5, 2.0), round_half_even(2.5)
(9.0, 0.5, -1.5, 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from twingrad.core.numeric import Operand


def _is_array(x) -> bool:
    return isinstance(x, np.ndarray | np.generic)


def _float_through_numpy(fn: Callable, *xs: float) -> float:
    # numpy's IEEE results (inf, nan, signed zeros) where math.floor & co. raise or drop them
    with np.errstate(all="ignore"):
        return float(fn(*(np.float64(x) for x in xs)))


def _unary(x: Operand, ufunc: np.ufunc, exact: Callable, method: str) -> Operand:
    """``ufunc`` on floats and arrays, ``exact`` on Fractions, ``method`` on engine objects."""
    if _is_array(x):  # first: numpy's float64 scalars are Python floats too
        if x.dtype == object:
            return np.frompyfunc(lambda v: Fraction(exact(v)), 1, 1)(x)
        if x.dtype.kind in "biu":
            return x.copy()  # integers are their own floor, ceil, trunc and round
        return ufunc(x)
    if isinstance(x, float):
        return _float_through_numpy(ufunc, x)
    if isinstance(x, Fraction):
        return Fraction(exact(x))
    return getattr(x, method)()


def floor(x: Operand) -> Operand:
    """The largest integer not above x (an integer-valued float for floats).

    >>> floor(-1.5), floor(Fraction(7, 2)), floor(np.array([0.5, -0.5]))
    (-2.0, Fraction(3, 1), array([ 0., -1.]))
    """
    return _unary(x, np.floor, math.floor, "floor")


def ceil(x: Operand) -> Operand:
    """The smallest integer not below x; -0.5 gives -0.0, as in IEEE 754 and PyTorch.

    >>> ceil(-0.5), ceil(Fraction(7, 2))
    (-0.0, Fraction(4, 1))
    """
    return _unary(x, np.ceil, math.ceil, "ceil")


def trunc(x: Operand) -> Operand:
    """x rounded toward zero.

    >>> trunc(-1.5), trunc(np.array([2.7], dtype=np.float32))
    (-1.0, array([2.], dtype=float32))
    """
    return _unary(x, np.trunc, math.trunc, "trunc")


def round_half_even(x: Operand, decimals: int = 0) -> Operand:
    """x rounded to ``decimals`` decimal places, halves to the even neighbour.

    With decimals, floats are scaled by 10 ** |decimals| in their own precision, rounded
    and scaled back, which is how PyTorch computes it (so 0.125 -> 0.12 with 2 decimals).

    >>> round_half_even(2.5), round_half_even(1234.5, decimals=-2), round_half_even(0.125, 2)
    (2.0, 1200.0, 0.12)
    """
    if decimals == 0:
        return _unary(x, np.rint, round, "round")
    if _is_array(x):
        if x.dtype == object:
            return np.frompyfunc(lambda v: round_half_even(v, decimals), 1, 1)(x)
        scale = x.dtype.type(10.0 ** abs(decimals))
        return np.rint(x / scale) * scale if decimals < 0 else np.rint(x * scale) / scale
    if isinstance(x, float):
        return _float_through_numpy(lambda v: round_half_even(v, decimals), x)
    if isinstance(x, Fraction):
        scale = Fraction(10) ** decimals
        return Fraction(round(x * scale)) / scale
    return x.round(decimals=decimals)


def _exact_binary(fn: Callable, a, b) -> np.ndarray:
    return np.frompyfunc(fn, 2, 1)(a, b)


def _fraction_fmod(a: Fraction, b: Fraction) -> Fraction:
    return a - b * math.trunc(a / b)


def remainder(a: Operand, b: Operand) -> Operand:
    """a - b * floor(a / b): the remainder with the sign of the divisor (Python's ``%``).

    Computed as PyTorch does: C's fmod, plus b where the two signs differ.

    >>> remainder(5.5, -2.0), remainder(np.array([-1, 7]), 3), remainder(1.0, 0.0)
    (-0.5, array([2, 1]), nan)
    """
    if _is_array(a) or _is_array(b):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype == object or b.dtype == object:
            return _exact_binary(lambda u, v: Fraction(u) % Fraction(v), a, b)
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            return np.remainder(a, b)
        mod = np.fmod(a, b)
        return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return Fraction(a) % Fraction(b)
    if isinstance(a, float | int) and isinstance(b, float | int):
        return _float_through_numpy(remainder, a, b)
    return a.remainder(b)


def fmod(a: Operand, b: Operand) -> Operand:
    """a - b * trunc(a / b): the remainder with the sign of the dividend (C's ``fmod``).

    >>> fmod(5.5, -2.0), fmod(np.array([-7, 7]), 3), fmod(Fraction(-7, 2), Fraction(1))
    (1.5, array([-1,  1]), Fraction(-1, 2))
    """
    if _is_array(a) or _is_array(b):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype == object or b.dtype == object:
            return _exact_binary(lambda u, v: _fraction_fmod(Fraction(u), Fraction(v)), a, b)
        return np.fmod(a, b)
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return _fraction_fmod(Fraction(a), Fraction(b))
    if isinstance(a, float | int) and isinstance(b, float | int):
        return _float_through_numpy(np.fmod, a, b)
    return a.fmod(b)


def floor_divide(a: Operand, b: Operand) -> Operand:
    """The quotient that goes with `remainder`: a == b * floor_divide(a, b) + remainder(a, b).

    On engine objects the result is a constant of the graph, not an op of it: the quotient
    is piecewise constant, so its derivative is zero wherever it exists (PyTorch's
    ``div(rounding_mode="floor")`` declares zero too). Rules use it in derivatives.

    >>> floor_divide(7.0, -2.0), floor_divide(np.array([7, -7]), 2), floor_divide(-1.0, 0.0)
    (-4.0, array([ 3, -4]), -inf)
    """
    if _is_array(a) or _is_array(b):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype == object or b.dtype == object:
            return _exact_binary(lambda u, v: Fraction(Fraction(u) // Fraction(v)), a, b)
        return np.floor_divide(a, b)
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return Fraction(Fraction(a) // Fraction(b))
    if isinstance(a, float | int) and isinstance(b, float | int):
        return _float_through_numpy(np.floor_divide, a, b)
    return a.detach() // b.detach()
