"""Elementwise functions: arithmetic, math functions, clamp, maximum, minimum and where.

Every differentiable op here is a rule of the table (`twingrad.rules.arithmetic`,
`twingrad.rules.functions`, `twingrad.rules.selection`), the same rule the scalar engine
runs; `promotion` adds what tensors need around it (PyTorch's type promotion and
broadcasting errors). Each function is also a Tensor method
(``x.exp()``, see `methods`), and the Python operators are in `operators`.

>>> import twingrad
>>> a = twingrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> b = (a * 2 + 1).exp().log()
>>> b.sum().backward()
>>> a.grad
tensor([2., 2., 2.])
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.base import TensorBase
from twingrad._tensor.engine import apply
from twingrad._tensor.promotion import binary, operand, promote, unary, wrap
from twingrad.core import numeric as generic
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.promotion import Operand
    from twingrad._tensor.tensor import Tensor

__all__ = [
    "abs",
    "add",
    "clamp",
    "clip",
    "cos",
    "div",
    "exp",
    "log",
    "maximum",
    "minimum",
    "mul",
    "neg",
    "pow",
    "relu",
    "sigmoid",
    "sin",
    "sqrt",
    "sub",
    "tanh",
    "where",
]


ADD, SUB, MUL, DIV, NEG = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"], RULES["neg"]
POW, POW_VAR, ABS, RELU = RULES["pow"], RULES["pow_var"], RULES["abs"], RULES["relu"]
EXP, LOG, SQRT, SIN, COS = RULES["exp"], RULES["log"], RULES["sqrt"], RULES["sin"], RULES["cos"]
TANH, SIGMOID = RULES["tanh"], RULES["sigmoid"]


def add(input: Operand, other: Operand, alpha: float = 1) -> Tensor:
    """``input + alpha * other``, with PyTorch's type promotion and broadcasting.

    >>> import twingrad
    >>> twingrad.add(twingrad.tensor([1, 2]), twingrad.tensor([10, 20]), alpha=2)
    tensor([21, 42])
    """
    return binary(ADD, input, other if alpha == 1 else other * alpha)


def sub(input: Operand, other: Operand, alpha: float = 1) -> Tensor:
    """``input - alpha * other``, with PyTorch's type promotion and broadcasting.

    >>> import twingrad
    >>> twingrad.sub(twingrad.tensor([5.0, 6.0]), 1.5)
    tensor([3.5000, 4.5000])
    """
    return binary(SUB, input, other if alpha == 1 else other * alpha)


def mul(input: Operand, other: Operand) -> Tensor:
    """``input * other``, elementwise (broadcast).

    >>> import twingrad
    >>> twingrad.mul(twingrad.tensor([[1], [2]]), twingrad.tensor([3, 4]))
    tensor([[3, 4],
            [6, 8]])
    """
    return binary(MUL, input, other)


def div(input: Operand, other: Operand) -> Tensor:
    """``input / other``: true division, so integer tensors give the default float dtype.

    >>> import twingrad
    >>> twingrad.div(twingrad.tensor([1, 3]), 2)
    tensor([0.5000, 1.5000])
    """
    return binary(DIV, input, other, float_result=True)


def pow(input: Operand, exponent: Operand) -> Tensor:  # noqa: A001  (PyTorch's name)
    """``input ** exponent``; a Python number exponent is a constant of the rule.

    >>> import twingrad
    >>> twingrad.pow(twingrad.tensor([2.0, 3.0]), 2), twingrad.pow(2, twingrad.tensor([3]))
    (tensor([4., 9.]), tensor([8]))
    """
    if isinstance(exponent, TensorBase):
        return binary(POW_VAR, input, exponent)
    if not isinstance(input, TensorBase):
        return binary(POW_VAR, input, exponent)
    kind = input._data.dtype.kind
    if kind == "O":
        if not float(exponent).is_integer():
            generic._not_rational(f"a non-integer power (** {exponent})")
        exponent = int(exponent)
    elif kind in "bi":
        if isinstance(exponent, float):
            input = input.to(dtypes.get_default_dtype())
        elif isinstance(exponent, bool) and kind == "b":
            return (input.long() ** int(exponent)).bool()  # PyTorch keeps bool ** bool bool
        elif exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    return apply(POW, input, c=exponent)


def neg(input: Tensor) -> Tensor:
    """``-input``; integer tensors stay integer.

    >>> import twingrad
    >>> twingrad.neg(twingrad.tensor([1, -2]))
    tensor([-1,  2])
    """
    return unary(NEG, input, float_result=False)


def abs(input: Tensor) -> Tensor:  # noqa: A001  (PyTorch's name)
    """``|input|``, elementwise; the gradient at 0 is 0, as in PyTorch.

    >>> import twingrad
    >>> twingrad.abs(twingrad.tensor([-1.5, 2.0]))
    tensor([1.5000, 2.0000])
    """
    return unary(ABS, input, float_result=False)


def relu(input: Tensor) -> Tensor:
    """``max(input, 0)``, elementwise; integer tensors stay integer.

    >>> import twingrad
    >>> twingrad.relu(twingrad.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return unary(RELU, input, float_result=False)


def exp(input: Tensor) -> Tensor:
    """e to the power of each element.

    >>> import twingrad
    >>> twingrad.exp(twingrad.tensor([0.0, 1.0]))
    tensor([1.0000, 2.7183])
    """
    return unary(EXP, input)


def log(input: Tensor) -> Tensor:
    """The natural logarithm of each element (-inf at 0, nan below).

    >>> import twingrad
    >>> twingrad.log(twingrad.tensor([1.0, 0.0]))
    tensor([0., -inf])
    """
    return unary(LOG, input)


def sqrt(input: Tensor) -> Tensor:
    """The square root of each element.

    >>> import twingrad
    >>> twingrad.sqrt(twingrad.tensor([4, 9]))
    tensor([2., 3.])
    """
    return unary(SQRT, input)


def sin(input: Tensor) -> Tensor:
    """The sine of each element (radians).

    >>> import twingrad
    >>> twingrad.sin(twingrad.tensor([0.0]))
    tensor([0.])
    """
    return unary(SIN, input)


def cos(input: Tensor) -> Tensor:
    """The cosine of each element (radians).

    >>> import twingrad
    >>> twingrad.cos(twingrad.tensor([0.0]))
    tensor([1.])
    """
    return unary(COS, input)


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent of each element.

    >>> import twingrad
    >>> twingrad.tanh(twingrad.tensor([0.0]))
    tensor([0.])
    """
    return unary(TANH, input)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-input))``, elementwise, without overflow in either tail.

    >>> import twingrad
    >>> twingrad.sigmoid(twingrad.tensor([0.0, -1000.0]))
    tensor([0.5000, 0.0000])
    """
    return unary(SIGMOID, input)


CLAMP, MAXIMUM, MINIMUM, WHERE = RULES["clamp"], RULES["maximum"], RULES["minimum"], RULES["where"]


def clamp(input: Tensor, min: Operand | None = None, max: Operand | None = None) -> Tensor:  # noqa: A002  (PyTorch's argument names)
    """``input`` limited to [min, max]; either bound may be None, a number or a tensor.

    The gradient passes where min <= input <= max, as in PyTorch; with number bounds the
    result takes the promoted dtype (an int tensor clamped by 0.5 becomes float).

    >>> import twingrad
    >>> twingrad.tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    if isinstance(min, TensorBase) or isinstance(max, TensorBase):
        # PyTorch's gradients for tensor bounds: input where it is kept, min where
        # input < min, max where the result so far > max; where() gives exactly these
        out = input if min is None else where(input < min, min, input)
        return out if max is None else where(out > max, max, out)
    d = promote(input, *(b for b in (min, max) if b is not None))
    x = input if input.dtype is d else input.to(d)
    if d is dtypes.fraction:
        min, max = (None if b is None else Fraction(b) for b in (min, max))
    return apply(CLAMP, x, min=min, max=max)


clip = clamp


def maximum(input: Operand, other: Operand) -> Tensor:
    """The larger of two tensors, elementwise (broadcast); a tie splits the gradient 1/2-1/2.

    >>> import twingrad
    >>> twingrad.maximum(twingrad.tensor([1.0, 5.0]), twingrad.tensor([3.0, 2.0]))
    tensor([3., 5.])
    """
    return binary(MAXIMUM, input, other)


def minimum(input: Operand, other: Operand) -> Tensor:
    """The smaller of two tensors, elementwise (broadcast); a tie splits the gradient 1/2-1/2.

    >>> import twingrad
    >>> twingrad.minimum(twingrad.tensor([1.0, 5.0]), twingrad.tensor([3.0, 2.0]))
    tensor([1., 2.])
    """
    return binary(MINIMUM, input, other)


def where(condition: Tensor | np.ndarray, input: Operand, other: Operand) -> Tensor:
    """``input`` where ``condition`` holds, else ``other``; all three broadcast together.

    The gradient flows to ``input`` where the condition holds and to ``other`` elsewhere.

    >>> import twingrad
    >>> x = twingrad.tensor([-1.0, 2.0])
    >>> twingrad.where(x > 0, x, 0.0)
    tensor([0., 2.])
    """
    if not isinstance(condition, TensorBase):
        # an array condition comes from the rule table's backward formulas
        condition = wrap(np.asarray(condition), input, other)
    if condition.dtype is not dtypes.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype.name}"
        )
    d = promote(input, other)
    a, b = operand(input, d, other, condition), operand(other, d, input, condition)
    shapes = (condition._data.shape, a._data.shape, b._data.shape)
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(
            f"where: the shapes of condition {shapes[0]}, input {shapes[1]} and other "
            f"{shapes[2]} cannot be broadcast together"
        ) from None
    return apply(WHERE, condition, a, b)
