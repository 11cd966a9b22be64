"""Small elementwise ops built from the table's rules: square, rsqrt, reciprocal, and the
float tests isnan, isinf, isfinite.

square is ``x ** 2``, rsqrt ``1 / sqrt(x)`` and reciprocal ``1 / x``, so their gradients
are the pow, sqrt and div rules' and the bridge replays them with no entry of their own.
(rsqrt is not ``x ** -0.5``: at -0.0 that power's derivative has the opposite sign of
PyTorch's ``-rsqrt(x)**3 / 2``; the quotient's agrees.) The
tests give bool tensors outside the graph, as comparisons do.

>>> import twingrad
>>> x = twingrad.tensor([1.0, 4.0], requires_grad=True)
>>> x.rsqrt().sum().backward()
>>> x.grad
tensor([-0.5000, -0.0625])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.elementwise import pow
from twingrad._tensor.promotion import DIV, binary, unary
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

__all__ = ["isfinite", "isinf", "isnan", "reciprocal", "rsqrt", "square"]


def square(input: Tensor) -> Tensor:
    """``input * input``, elementwise; integer and bool tensors give int64, as in PyTorch.

    >>> import twingrad
    >>> twingrad.square(twingrad.tensor([-2, 3])), twingrad.square(twingrad.tensor([0.5]))
    (tensor([4, 9]), tensor([0.2500]))
    """
    if input.dtype is dtypes.bool_:
        input = input.long()
    return pow(input, 2)


def rsqrt(input: Tensor) -> Tensor:
    """``1 / sqrt(input)``, elementwise (inf at 0, nan below); integers give floats.

    >>> import twingrad
    >>> twingrad.rsqrt(twingrad.tensor([4, 0]))
    tensor([0.5000,    inf])
    """
    return reciprocal(unary(RULES["sqrt"], input))


def reciprocal(input: Tensor) -> Tensor:
    """``1 / input``, elementwise; integers give the default float dtype.

    >>> import twingrad
    >>> twingrad.reciprocal(twingrad.tensor([2, 0]))
    tensor([0.5000,    inf])
    """
    return binary(DIV, 1, input, float_result=True)


def _test(input: Tensor, test, exact_answer: bool) -> Tensor:
    data = input._data
    if data.dtype == object:  # Fractions are finite numbers
        array = np.full(data.shape, exact_answer)
    else:
        array = test(data)
    return input._make(np.asarray(array, dtype=np.bool_))


def isnan(input: Tensor) -> Tensor:
    """True where an element is NaN, as a bool tensor (integers never are).

    >>> import twingrad
    >>> twingrad.isnan(twingrad.tensor([1.0, float("nan")]))
    tensor([False,  True])
    """
    return _test(input, np.isnan, False)


def isinf(input: Tensor) -> Tensor:
    """True where an element is +inf or -inf, as a bool tensor.

    >>> import twingrad
    >>> twingrad.isinf(twingrad.tensor([1.0, float("-inf"), float("nan")]))
    tensor([False,  True, False])
    """
    return _test(input, np.isinf, False)


def isfinite(input: Tensor) -> Tensor:
    """True where an element is neither inf nor NaN, as a bool tensor.

    >>> import twingrad
    >>> twingrad.isfinite(twingrad.tensor([1.0, float("inf"), float("nan")]))
    tensor([ True, False, False])
    """
    return _test(input, np.isfinite, True)
