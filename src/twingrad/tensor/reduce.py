"""Reductions: sum and mean over dims, with ``dim`` (int or tuple) and ``keepdim``.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> x.sum(dim=0)
tensor([4., 6.], grad_fn=<SumBackward0>)
"""

from __future__ import annotations

from twingrad.rules import RULES
from twingrad.tensor import dtypes
from twingrad.tensor.autograd import apply


def normalize_dims(x, dim) -> tuple | None:
    """``dim`` (None, an int or a sequence) as a sorted tuple of non-negative axes."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = sorted({x._dim(d) for d in dims})
    if x.ndim == 0:
        return None
    return tuple(out)


def sum(input, dim=None, keepdim: bool = False, dtype=None):  # noqa: A001
    """The sum over ``dim`` (all elements when None); bool and int sum to int64."""
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype is dtypes.bool_:
        input = input.to(dtypes.int64)
    return apply(RULES["sum"], input, dim=normalize_dims(input, dim), keepdim=keepdim)


def mean(input, dim=None, keepdim: bool = False, dtype=None):
    """The mean over ``dim`` (all elements when None); needs a floating dtype."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be a floating point "
            f"dtype, got {input.dtype}; convert with .float() first"
        )
    return apply(RULES["mean"], input, dim=normalize_dims(input, dim), keepdim=keepdim)


class ReductionOps:
    """Tensor methods for reductions (mixed into `Tensor`)."""

    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False, dtype=None, axis=None):
        return sum(self, dim if axis is None else axis, keepdim, dtype)

    def mean(self, dim=None, keepdim: bool = False, dtype=None, axis=None):
        return mean(self, dim if axis is None else axis, keepdim, dtype)
