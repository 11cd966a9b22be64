"""Math functions that work on floats, Fractions, numpy arrays and engine objects alike.

The rule table is written once with these functions and Python's operators, so the same
formula runs on a Python float (the scalar engine), a numpy array (the tensor engine), a
`fractions.Fraction` (exact mode) and an engine object (a Value or Tensor, which is how
`create_graph=True` builds a graph of the backward pass).

Python's `math` raises where IEEE 754 and PyTorch return a value (`math.exp(1000)`,
`math.log(0)`, `1.0 / 0.0`); the float paths below return the IEEE result instead.

>>> exp(1000.0), log(0.0), div(1.0, 0.0)
(inf, -inf, inf)
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

# the rule table calls the shape and index helpers as `numeric.X` too: one vocabulary
from twingrad.core.arrays import (  # noqa: F401
    Engine,
    broadcast_to,
    flip,
    index,
    index_put,
    index_scatter,
    is_engine,
    permute,
    run_rule,
    sum_axes,
    swap_last,
    values,
    zeros,
)

if TYPE_CHECKING:
    # what the functions below take and give: a float (the scalar engine), a Fraction
    # (exact mode), a numpy array (the tensor engine) or an engine object (create_graph)
    Operand = float | Fraction | np.ndarray | np.generic | Engine

INF = math.inf
NAN = math.nan


class ExactArithmeticError(TypeError):
    """An op whose result is not rational was asked of an exact (Fraction) number."""


def _not_rational(name: str):
    raise ExactArithmeticError(
        f"{name} is not a rational function: exact (Fraction) values support only "
        "+, -, *, /, integer powers, relu, abs and the ops built from them; "
        "convert to float first"
    )


def _is_float(x) -> bool:
    # bool and int are promoted to float by the engines before they get here
    return isinstance(x, float)


def exp(x: Operand) -> Operand:
    """e^x; inf where ``math.exp`` would overflow.

    >>> exp(0.0), exp(1000.0)
    (1.0, inf)
    """
    if _is_float(x):
        try:
            return math.exp(x)
        except OverflowError:
            return INF
    if isinstance(x, np.ndarray | np.generic):
        return np.exp(x)
    if isinstance(x, Fraction):
        _not_rational("exp")
    return x.exp()


def log(x: Operand) -> Operand:
    """The natural log; -inf at 0 and nan below it, as in IEEE 754.

    >>> log(1.0), log(0.0), log(-1.0)
    (0.0, -inf, nan)
    """
    if _is_float(x):
        if x > 0.0:
            return math.log(x)
        if x == 0.0:
            return -INF
        return NAN  # negative or nan
    if isinstance(x, np.ndarray | np.generic):
        return np.log(x)
    if isinstance(x, Fraction):
        _not_rational("log")
    return x.log()


def sqrt(x: Operand) -> Operand:
    """The square root; nan for a negative number.

    >>> sqrt(4.0), sqrt(-1.0)
    (2.0, nan)
    """
    if _is_float(x):
        return math.sqrt(x) if x >= 0.0 else NAN
    if isinstance(x, np.ndarray | np.generic):
        return np.sqrt(x)
    if isinstance(x, Fraction):
        _not_rational("sqrt")
    return x.sqrt()


def sin(x: Operand) -> Operand:
    """The sine; nan for an infinity.

    >>> sin(0.0), sin(math.inf)
    (0.0, nan)
    """
    if _is_float(x):
        return math.sin(x) if math.isfinite(x) else NAN
    if isinstance(x, np.ndarray | np.generic):
        return np.sin(x)
    if isinstance(x, Fraction):
        _not_rational("sin")
    return x.sin()


def cos(x: Operand) -> Operand:
    """The cosine; nan for an infinity.

    >>> cos(0.0), cos(math.inf)
    (1.0, nan)
    """
    if _is_float(x):
        return math.cos(x) if math.isfinite(x) else NAN
    if isinstance(x, np.ndarray | np.generic):
        return np.cos(x)
    if isinstance(x, Fraction):
        _not_rational("cos")
    return x.cos()


def tanh(x: Operand) -> Operand:
    """The hyperbolic tangent.

    >>> tanh(0.0), tanh(1000.0)
    (0.0, 1.0)
    """
    if _is_float(x):
        return math.tanh(x)
    if isinstance(x, np.ndarray | np.generic):
        return np.tanh(x)
    if isinstance(x, Fraction):
        _not_rational("tanh")
    return x.tanh()


def sigmoid(x: Operand) -> Operand:
    """1 / (1 + e^-x), computed so that neither tail overflows.

    >>> sigmoid(0.0), sigmoid(-1000.0)
    (0.5, 0.0)
    """
    if _is_float(x):
        if x >= 0.0:
            return 1.0 / (1.0 + exp(-x))
        e = exp(x)
        return e / (1.0 + e)
    if isinstance(x, np.ndarray | np.generic):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)
    if isinstance(x, Fraction):
        _not_rational("sigmoid")
    return x.sigmoid()


def relu(x: Operand) -> Operand:
    """max(x, 0); nan stays nan, a Fraction stays a Fraction.

    >>> relu(-2.0), relu(3.0), relu(Fraction(-1, 2))
    (0.0, 3.0, Fraction(0, 1))
    """
    if isinstance(x, float):  # _is_float, inline: relu is on the scalar engine's hot path
        return 0.0 if x <= 0.0 else x  # nan stays nan, as in PyTorch
    if isinstance(x, Fraction):
        return x if x > 0 else Fraction(0)
    if isinstance(x, np.ndarray | np.generic):
        if x.dtype == object:
            return np.where(x > 0, x, Fraction(0))
        if x.dtype.kind in "fi":
            return np.maximum(x, 0)  # the same values in one pass; nan stays nan
        return np.where(x <= 0, np.zeros((), x.dtype), x)
    return x.relu()


def sign(x: Operand) -> Operand:
    """-1, 0 or 1 with the type of x (0 at 0, as PyTorch's abs backward uses).

    >>> sign(-2.5), sign(Fraction(3)), sign(np.array([-1.0, 0.0, np.nan]))
    (-1.0, Fraction(1, 1), array([-1.,  0.,  0.]))
    """
    if _is_float(x):
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)  # 0 at nan too, as PyTorch
    if isinstance(x, Fraction):
        return Fraction((x > 0) - (x < 0))
    if isinstance(x, np.ndarray | np.generic):
        if x.dtype == object:
            return np.array([Fraction((v > 0) - (v < 0)) for v in x.flat], dtype=object).reshape(
                x.shape
            )
        if x.dtype.kind == "b":
            return x.copy()  # PyTorch's sign of a bool tensor is the tensor itself
        return np.nan_to_num(np.sign(x), nan=0.0)
    return x.sign()


def div(a: Operand, b: Operand) -> Operand:
    """a / b with IEEE 754 results for a zero divisor on floats.

    >>> div(1.0, 2.0), div(-1.0, 0.0), div(0.0, 0.0)
    (0.5, -inf, nan)
    """
    try:
        return a / b
    except ZeroDivisionError:
        if isinstance(a, Fraction) and isinstance(b, Fraction | int):
            raise ZeroDivisionError("division by zero in exact (Fraction) arithmetic") from None
        a = float(a)
        if a == 0.0 or a != a:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, float(b))


def power(a: Operand, b: Operand) -> Operand:
    """a ** b with IEEE 754 / PyTorch results where Python raises or goes complex.

    >>> power(-8.0, 1 / 3), power(0.0, -1.0), power(Fraction(2), 3)
    (nan, inf, Fraction(8, 1))
    """
    # only two plain numbers take the float path; an array or engine object with a float
    # exponent (x ** 2.0) is left to its own ** below
    if (_is_float(a) or _is_float(b)) and isinstance(a, int | float) and isinstance(b, int | float):
        a, b = float(a), float(b)
        integral = math.isfinite(b) and b == math.floor(b)
        if -INF < a < 0.0 and math.isfinite(b) and not integral:
            return NAN  # undefined for a finite negative base; C's pow(-inf, b) is not
        odd = integral and int(b) % 2 == 1
        try:
            return a**b
        except ZeroDivisionError:  # 0.0 ** negative
            return math.copysign(INF, a) if odd else INF
        except OverflowError:
            return -INF if a < 0.0 and odd else INF
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        if isinstance(b, Fraction) and b.denominator != 1:
            _not_rational("a non-integer power")
        try:
            return Fraction(a) ** int(b)
        except ZeroDivisionError:
            raise ZeroDivisionError(
                "zero to a negative power in exact (Fraction) arithmetic"
            ) from None
    return a**b


def power_const(x: Operand, c: float) -> Operand:
    """x ** c for a constant exponent, as PyTorch computes it.

    PyTorch evaluates ``x ** 0.5`` as sqrt(x) and ``x ** -0.5`` as 1/sqrt(x), which differ
    from C's pow at -0.0 (sqrt(-0.0) is -0.0) and at -inf (nan, not inf or 0).

    >>> power_const(-0.0, -0.5), power(-0.0, -0.5)
    (-inf, inf)
    """
    if c == 0.5:
        return sqrt(x)
    if c == -0.5:
        return div(1, sqrt(x))
    return power(x, c)


def where(condition: bool | np.ndarray | np.generic | Engine, x: Operand, y: Operand) -> Operand:
    """x where condition holds, else y (a conditional for floats, np.where for arrays).

    With an engine object (a Tensor) among x and y the result is one too, built with
    PyTorch's ``Tensor.where(condition, other)`` so that the gradient flows to it.

    >>> where(np.array([True, False]), 1.0, np.array([5.0, 6.0]))
    array([1., 6.])
    """
    if isinstance(condition, bool):  # np.bool_ (a 0-d comparison) goes to np.where
        return x if condition else y
    if is_engine(x):
        return x.where(condition, y)
    if is_engine(y):
        return y.where(~condition, x)
    return np.where(np.asarray(condition), x, y)


def maximum(a: Operand, b: Operand) -> Operand:
    """The larger of a and b, elementwise; nan if either is nan (as in PyTorch).

    >>> maximum(1.0, math.nan), maximum(np.array([1.0, 5.0]), 3.0)
    (nan, array([3., 5.]))
    """
    if isinstance(a, np.ndarray | np.generic) or isinstance(b, np.ndarray | np.generic):
        return np.maximum(a, b)
    return a if a > b or a != a else b


def minimum(a: Operand, b: Operand) -> Operand:
    """The smaller of a and b, elementwise; nan if either is nan (as in PyTorch).

    >>> minimum(1.0, 2.0), minimum(np.array([1.0, 5.0]), 3.0)
    (1.0, array([1., 3.]))
    """
    if isinstance(a, np.ndarray | np.generic) or isinstance(b, np.ndarray | np.generic):
        return np.minimum(a, b)
    return a if a < b or a != a else b


def clamp(x: Operand, min: Operand | None = None, max: Operand | None = None) -> Operand:  # noqa: A002  (PyTorch's argument names)
    """x limited to [min, max] (either bound may be None); nan stays nan.

    With min > max every element becomes max, as in PyTorch.

    >>> clamp(5.0, 0.0, 1.0), clamp(np.array([-1.0, 0.5]), min=0.0)
    (1.0, array([0. , 0.5]))
    """
    if min is not None:
        x = maximum(x, min)
    return x if max is None else minimum(x, max)


def indicator(condition: bool | np.ndarray | np.generic | Engine, like: Operand) -> Operand:
    """1 where ``condition`` holds and 0 elsewhere, in the number type of ``like``.

    Multiplying by a float64 or Python-float mask would upcast float32 data and turn
    exact Fractions into floats; this keeps the type of the data it will multiply.

    >>> indicator(np.array([True, False]), np.zeros(2, np.float32))
    array([1., 0.], dtype=float32)
    >>> indicator(True, Fraction(3))
    Fraction(1, 1)
    """
    if isinstance(like, np.ndarray | np.generic):
        if like.dtype == object:
            return np.where(condition, Fraction(1), Fraction(0))
        return np.asarray(condition).astype(like.dtype)
    if isinstance(like, Fraction):
        return Fraction(int(bool(condition)))
    if isinstance(like, int | float):
        return 1.0 if condition else 0.0
    return condition.to(like.dtype)


_erf_array = np.frompyfunc(math.erf, 1, 1)


def erf(x: Operand) -> Operand:
    """The error function; on arrays, C's ``erf`` (through `math.erf`) element by element.

    numpy has no erf and scipy is not a dependency; ``math.erf`` is exact to the last bit
    but costs about 0.1 microsecond per element.

    >>> round(erf(0.5), 12), erf(np.array([0.0, 1.0], dtype=np.float32)).dtype
    (0.520499877813, dtype('float32'))
    """
    if _is_float(x):
        return math.erf(x)
    if isinstance(x, np.ndarray | np.generic):
        if x.dtype == object:
            _not_rational("erf")
        return _erf_array(x.astype(np.float64)).astype(x.dtype)
    if isinstance(x, Fraction):
        _not_rational("erf")
    return x.erf()
