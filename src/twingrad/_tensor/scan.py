"""Cumulative sums and products along a dim: ``cumsum`` and ``cumprod``, as in PyTorch.

Bool and integer tensors give int64 (``dtype=`` converts the input first); the gradient of
cumprod is right where the input holds zeros. The rules are in `twingrad.rules.scan`.

>>> import twingrad
>>> x = twingrad.tensor([2.0, 0.0, 5.0], requires_grad=True)
>>> x.cumprod(dim=0)
tensor([2., 0., 0.], grad_fn=<CumprodBackward0>)
>>> x.cumprod(dim=0).sum().backward()
>>> x.grad
tensor([ 1., 12.,  0.])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.engine import apply
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

CUMSUM, CUMPROD = RULES["cumsum"], RULES["cumprod"]


def _scan(rule, input: Tensor, dim: int, dtype: dtypes.dtype | None) -> Tensor:
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"{rule.name}(): argument 'dim' must be int, not {type(dim).__name__}")
    if dtype is not None:
        input = input.to(dtype=dtype)
    elif input.dtype is dtypes.bool_:
        input = input.to(dtypes.int64)
    return apply(rule, input, dim=input._dim(int(dim)))


def cumsum(input: Tensor, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
    """The running sum along ``dim``: element j is the sum of the elements up to j.

    >>> import twingrad
    >>> twingrad.cumsum(twingrad.tensor([[1, 2, 3], [4, 5, 6]]), dim=1)
    tensor([[ 1,  3,  6],
            [ 4,  9, 15]])
    """
    return _scan(CUMSUM, input, dim, dtype)


def cumprod(input: Tensor, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
    """The running product along ``dim``: element j is the product of the elements up to j.

    >>> import twingrad
    >>> twingrad.cumprod(twingrad.tensor([1, 2, 3, 4]), dim=0, dtype=twingrad.float64)
    tensor([ 1.,  2.,  6., 24.], dtype=twingrad.float64)
    """
    return _scan(CUMPROD, input, dim, dtype)


class ScanOps:
    """Tensor methods for cumulative ops (mixed into `Tensor`)."""

    __slots__ = ()

    def cumsum(self, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
        """`twingrad.cumsum` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0, 3.0]).cumsum(0)
        tensor([1., 3., 6.])
        """
        return cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
        """`twingrad.cumprod` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0, 3.0]).cumprod(0)
        tensor([1., 2., 6.])
        """
        return cumprod(self, dim, dtype=dtype)

    def cumsum_(self, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
        """`cumsum` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0, 3.0]).cumsum_(0)
        tensor([1., 3., 6.])
        """
        return self._inplace(cumsum(self, dim, dtype=dtype))

    def cumprod_(self, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
        """`cumprod` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0, 3.0]).cumprod_(0)
        tensor([1., 2., 6.])
        """
        return self._inplace(cumprod(self, dim, dtype=dtype))
