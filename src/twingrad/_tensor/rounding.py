"""Rounding (floor, ceil, round, trunc, frac, sign) and the divisions with an integer
quotient (remainder ``%``, fmod, floor_divide ``//``), as in PyTorch.

Each is a rule of the table (`twingrad.rules.elementwise`). Their gradients are PyTorch's:
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

from twingrad._tensor import dtypes, engine
from twingrad._tensor.elementwise import binary, unary
from twingrad._tensor.engine import apply
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.elementwise import Operand
    from twingrad._tensor.tensor import Tensor

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
    d = dtypes.promote(a, b)
    if d is dtypes.bool_:
        raise RuntimeError(f"{op} is not implemented for bool tensors; convert with .long() first")
    if d is dtypes.int64:
        divisor = b._data if isinstance(b, engine.Tensor) else np.asarray(b)
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
    if not isinstance(input, engine.Tensor):
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


class RoundingOps:
    """Tensor methods for rounding and integer division (mixed into `Tensor`)."""

    __slots__ = ()

    def floor(self) -> Tensor:
        """`twingrad.floor` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.5]).floor()
        tensor([1.])
        """
        return floor(self)

    def ceil(self) -> Tensor:
        """`twingrad.ceil` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.5]).ceil()
        tensor([2.])
        """
        return ceil(self)

    def trunc(self) -> Tensor:
        """`twingrad.trunc` as a method.

        >>> import twingrad
        >>> twingrad.tensor([-1.5]).trunc()
        tensor([-1.])
        """
        return trunc(self)

    fix = trunc

    def round(self, *, decimals: int | None = None) -> Tensor:
        """`twingrad.round` as a method.

        >>> import twingrad
        >>> twingrad.tensor([2.5, 0.125]).round(decimals=2)
        tensor([2.5000, 0.1200])
        """
        return round(self, decimals=decimals)

    def frac(self) -> Tensor:
        """`twingrad.frac` as a method.

        >>> import twingrad
        >>> twingrad.tensor([-1.25]).frac()
        tensor([-0.2500])
        """
        return frac(self)

    def sign(self) -> Tensor:
        """`twingrad.sign` as a method (its gradient is zero).

        >>> import twingrad
        >>> twingrad.tensor([-2.0, 0.0, 3.0]).sign()
        tensor([-1.,  0.,  1.])
        """
        return sign(self)

    def remainder(self, other: Operand) -> Tensor:
        """`twingrad.remainder` as a method.

        >>> import twingrad
        >>> twingrad.tensor([-3.0]).remainder(2)
        tensor([1.])
        """
        return remainder(self, other)

    def fmod(self, other: Operand) -> Tensor:
        """`twingrad.fmod` as a method.

        >>> import twingrad
        >>> twingrad.tensor([-3.0]).fmod(2)
        tensor([-1.])
        """
        return fmod(self, other)

    def floor_divide(self, other: Operand) -> Tensor:
        """`twingrad.floor_divide` as a method.

        >>> import twingrad
        >>> twingrad.tensor([-3.0]).floor_divide(2)
        tensor([-2.])
        """
        return floor_divide(self, other)

    def __mod__(self, other: Operand) -> Tensor:
        return remainder(self, other)

    def __rmod__(self, other: Operand) -> Tensor:
        return remainder(other, self)

    def __floordiv__(self, other: Operand) -> Tensor:
        return floor_divide(self, other)

    def __rfloordiv__(self, other: Operand) -> Tensor:
        return floor_divide(other, self)

    # -- in place: ``self`` takes the result, through `Tensor._inplace` ---------------

    def floor_(self) -> Tensor:
        """`floor` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([1.5, -1.5]).floor_()
        tensor([ 1., -2.])
        """
        return self._inplace(floor(self))

    def ceil_(self) -> Tensor:
        """`ceil` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([1.5, -1.5]).ceil_()
        tensor([ 2., -1.])
        """
        return self._inplace(ceil(self))

    def round_(self, *, decimals: int | None = None) -> Tensor:
        """`round` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([2.5, 0.125]).round_(decimals=2)
        tensor([2.5000, 0.1200])
        """
        return self._inplace(self.round(decimals=decimals))

    def trunc_(self) -> Tensor:
        """`trunc` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([1.5, -1.5]).trunc_()
        tensor([ 1., -1.])
        """
        return self._inplace(trunc(self))

    def frac_(self) -> Tensor:
        """`frac` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([1.5, -1.25]).frac_()
        tensor([ 0.5000, -0.2500])
        """
        return self._inplace(frac(self))

    def sign_(self) -> Tensor:
        """`sign` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([-2.0, 0.0, 3.0]).sign_()
        tensor([-1.,  0.,  1.])
        """
        return self._inplace(sign(self))

    def remainder_(self, other: Operand) -> Tensor:
        """`remainder` in place (``self %= other``); returns ``self``.

        >>> import twingrad
        >>> x = twingrad.tensor([5.0, -7.0]); x %= 3; x
        tensor([2., 2.])
        """
        return self._inplace(remainder(self, other))

    def fmod_(self, other: Operand) -> Tensor:
        """`fmod` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([5.0, -7.0]).fmod_(3)
        tensor([ 2., -1.])
        """
        return self._inplace(fmod(self, other))

    def floor_divide_(self, other: Operand) -> Tensor:
        """`floor_divide` in place (``self //= other``); returns ``self``.

        >>> import twingrad
        >>> x = twingrad.tensor([5, -7]); x //= 3; x
        tensor([ 1, -3])
        """
        return self._inplace(floor_divide(self, other))

    __imod__ = remainder_
    __ifloordiv__ = floor_divide_
