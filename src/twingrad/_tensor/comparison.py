"""Questions about whole tensors: all, any, and how close two tensors are (isclose,
allclose, equal). The answers are bool tensors (or Python bools), outside the graph.

>>> import twingrad
>>> x = twingrad.tensor([1.0, 2.0])
>>> (x > 0).all(), twingrad.isclose(x, x + 1e-7), twingrad.equal(x, x.clone())
(tensor(True), tensor([True, True]), True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.promotion import broadcast_shapes
from twingrad._tensor.reduce import normalize_dims

if TYPE_CHECKING:
    from twingrad._tensor.reduce import Dims
    from twingrad._tensor.tensor import Tensor

__all__ = ["all", "allclose", "any", "equal", "isclose"]


def _truth(input, dim, keepdim: bool, test, op: str):
    """all/any: whether every (some) element is nonzero, as a bool tensor; no gradient."""
    dims = normalize_dims(input, dim, op)
    nonzero = input._data.astype(bool)  # nan counts as nonzero, as in PyTorch
    out = test(nonzero, axis=dims, keepdims=keepdim and dims is not None)
    return type(input)._make(np.asarray(out, dtype=bool))


def all(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether every element (along ``dim``) is nonzero; a bool tensor.

    >>> import twingrad
    >>> x = twingrad.tensor([[1.0, 0.0], [2.0, 3.0]])
    >>> x.all(), twingrad.all(x > 0, dim=1)
    (tensor(False), tensor([False,  True]))
    """
    return _truth(input, dim, keepdim, np.all, "all")


def any(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether some element (along ``dim``) is nonzero; a bool tensor.

    >>> import twingrad
    >>> twingrad.tensor([0, 0, 5]).any()
    tensor(True)
    """
    return _truth(input, dim, keepdim, np.any, "any")


def isclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (equal infinities are close).

    Both tensors must have the same dtype, as in PyTorch.

    >>> import twingrad
    >>> twingrad.isclose(twingrad.tensor([1.0, 2.0]), twingrad.tensor([1.0 + 1e-7, 2.1]))
    tensor([ True, False])
    """
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"isclose: the dtypes differ ({input.dtype.name} and {other.dtype.name}); "
            "convert one with .to(other.dtype) first"
        )
    broadcast_shapes(tuple(input.shape), tuple(other.shape))
    a, b = np.broadcast_arrays(input._data, other._data)
    close = a == b  # exact matches, infinities of the same sign included
    if input.dtype is not dtypes.bool_:
        with np.errstate(invalid="ignore", over="ignore"):
            error = np.abs(a - b)
            within = error <= atol + rtol * np.abs(b)
            if input.dtype.numpy.kind == "f":  # inf - (-inf) is no small error
                within &= np.isfinite(error)
            close = close | within
    if equal_nan and input.dtype.numpy.kind == "f":
        close = close | (np.isnan(a) & np.isnan(b))
    return type(input)._make(np.asarray(close, dtype=bool))


def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """Whether every element of ``input`` is close to ``other`` (see `isclose`).

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0])
    >>> twingrad.allclose(x, x + 1e-7), twingrad.allclose(x, x + 1e-3)
    (True, False)
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether both tensors have the same shape and the same values.

    >>> import twingrad
    >>> twingrad.equal(twingrad.tensor([1, 2]), twingrad.tensor([1.0, 2.0]))
    True
    """
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))
