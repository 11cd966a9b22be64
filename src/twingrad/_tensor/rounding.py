"""Rounding (floor, ceil, round, trunc, frac, sign) and the divisions with an integer
quotient (remainder ``%``, fmod, floor_divide ``//``), as in PyTorch.

Each is a rule of the table (`twingrad.rules.rounding`). Their gradients are PyTorch's:
zero for the rounding ops (the result still requires grad, so backward gives zeros), one
for frac, and for ``remainder(a, b)`` and ``fmod(a, b)`` one for ``a`` and minus the
quotient for ``b``. ``floor_divide`` has no derivative in PyTorch: its result requires
grad, and a backward that reaches it raises.

Integer tensors keep their dtype (and a zero divisor raises, as integers have no inf or
nan); bool tensors are refused except by sign; a float divided by zero gives nan (``%``,
fmod) or inf (``//``).

>>> import twingrad
>>> x = twingrad.tensor([-1.5, 0.5, 2.5], requires_grad=True)
>>> x.floor()
tensor([-2.,  0.,  2.], grad_fn=<FloorBackward0>)
>>> x % 2
tensor([0.5000, 0.5000, 0.5000], grad_fn=<RemainderBackward0>)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.base import TensorBase
from twingrad._tensor.engine import apply
from twingrad._tensor.promotion import binary, promote, unary
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.promotion import Operand
    from twingrad._tensor.tensor import Tensor

__all__ = [
    "ceil",
    "fix",
    "floor",
    "floor_divide",
    "fmod",
    "frac",
    "remainder",
    "round",
    "sign",
    "trunc",
]

FLOOR, CEIL, ROUND, TRUNC = RULES["floor"], RULES["ceil"], RULES["round"], RULES["trunc"]
FRAC, SIGN = RULES["frac"], RULES["sign"]
REMAINDER, FMOD, FLOOR_DIVIDE = RULES["remainder"], RULES["fmod"], RULES["floor_divide"]


def _refuse(op: str, x: Tensor, kinds: str) -> None:
    """PyTorch's refusal of a dtype for ``op`` (bool, or bool and integers), in our words."""
    if x._data.dtype.kind in kinds:
        raise RuntimeError(
            f"{op} is not implemented for {x.dtype.name} tensors; convert with "
            f"{'.float()' if 'i' in kinds else '.long() or .float()'} first"
        )


def _rounding(rule, input: Tensor, **params) -> Tensor:
    _refuse(rule.name, input, "b")
    return apply(rule, input, **params)


def floor(input: Tensor) -> Tensor:
    """The largest integer not above each element; integer tensors come back unchanged.

    >>> import twingrad
    >>> twingrad.floor(twingrad.tensor([-1.5, 1.5])), twingrad.floor(twingrad.tensor([3]))
    (tensor([-2.,  1.]), tensor([3]))
    """
    return _rounding(FLOOR, input)


def ceil(input: Tensor) -> Tensor:
    """The smallest integer not below each element.

    >>> import twingrad
    >>> twingrad.ceil(twingrad.tensor([-1.5, 1.5]))
    tensor([-1.,  2.])
    """
    return _rounding(CEIL, input)


def trunc(input: Tensor) -> Tensor:
    """Each element rounded toward zero.

    >>> import twingrad
    >>> twingrad.trunc(twingrad.tensor([-1.5, 1.5]))
    tensor([-1.,  1.])
    """
    return _rounding(TRUNC, input)


fix = trunc


def round(input: Tensor, *, decimals: int | None = None) -> Tensor:  # noqa: A001  (PyTorch's name)
    """Each element rounded to ``decimals`` places (an integer by default), halves to even.

    A negative ``decimals`` rounds to tens, hundreds...; integer tensors take no decimals.

    >>> import twingrad
    >>> twingrad.round(twingrad.tensor([0.5, 1.5, 2.5])), twingrad.round(
    ...     twingrad.tensor([1.2345, 1250.0], dtype=twingrad.float64), decimals=-2)
    (tensor([0., 2., 2.]), tensor([   0., 1200.], dtype=twingrad.float64))
    """
    if decimals is None:
        return _rounding(ROUND, input)
    if isinstance(decimals, bool) or not isinstance(decimals, int | np.integer):
        raise TypeError(f"round(): argument 'decimals' must be int, not {type(decimals).__name__}")
    _refuse("round with decimals", input, "bi")
    return apply(ROUND, input, decimals=int(decimals))


def frac(input: Tensor) -> Tensor:
    """The fractional part, ``input - trunc(input)`` (with the sign of the input).

    >>> import twingrad
    >>> twingrad.frac(twingrad.tensor([-1.25, 2.5]))
    tensor([-0.2500,  0.5000])
    """
    _refuse("frac", input, "bi")
    return apply(FRAC, input)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 per element (0 at nan); integer and bool tensors keep their dtype.

    >>> import twingrad
    >>> twingrad.sign(twingrad.tensor([-2.0, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
    """
    return unary(SIGN, input, float_result=False)


def _divide(rule, a: Operand, b: Operand, op: str) -> Tensor:
    """A division with an integer quotient: PyTorch's promotion, refusals and broadcasting."""
    d = promote(a, b)
    if d is dtypes.bool_:
        raise RuntimeError(f"{op} is not implemented for bool tensors; convert with .long() first")
    if d is dtypes.int64:
        divisor = b._data if isinstance(b, TensorBase) else np.asarray(b)
        if (divisor == 0).any():
            raise RuntimeError(
                f"ZeroDivisionError: {op} of an integer tensor by zero (integers have no inf "
                "or nan to give); convert to float with .float() first"
            )
    return binary(rule, a, b)


def remainder(input: Operand, other: Operand) -> Tensor:
    """``input - other * floor(input / other)``: the sign of the divisor, as Python's ``%``.

    >>> import twingrad
    >>> twingrad.remainder(twingrad.tensor([-3, 3]), 2), twingrad.tensor([5.5]) % -2
    (tensor([1, 1]), tensor([-0.5000]))
    """
    return _divide(REMAINDER, input, other, "remainder")


def fmod(input: Tensor, other: Operand) -> Tensor:
    """``input - other * trunc(input / other)``: the sign of the dividend, as C's fmod.

    >>> import twingrad
    >>> twingrad.fmod(twingrad.tensor([-3, 3]), 2)
    tensor([-1,  1])
    """
    if not isinstance(input, TensorBase):
        raise TypeError(f"fmod(): argument 'input' must be a Tensor, not {type(input).__name__}")
    return _divide(FMOD, input, other, "fmod")


def floor_divide(input: Operand, other: Operand) -> Tensor:
    """``floor(input / other)``, as Python's ``//``; floats give floats, integers integers.

    It has no gradient: as in PyTorch the result requires grad when an input does, and a
    backward pass that reaches it raises. Use ``(a / b).floor()`` for a zero gradient.

    >>> import twingrad
    >>> twingrad.floor_divide(twingrad.tensor([7, -7]), 2), twingrad.tensor([7.5]) // 2
    (tensor([ 3, -4]), tensor([3.]))
    """
    return _divide(FLOOR_DIVIDE, input, other, "floor_divide")
