"""Selecting along a dim: gather, index_select; and the triangles tril and triu.

Each is an index (`indexing`) built from its arguments, so its gradient is the index
rule's: each picked element's gradient goes back to where it came from.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> twingrad.gather(x, 1, twingrad.tensor([[1], [1]])).sum().backward()
>>> x.grad
tensor([[0., 1.],
        [0., 1.]])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.indexing import masked_fill, take

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

__all__ = ["gather", "index_select", "tril", "triu"]


def _check_index_dtype(op: str, index) -> None:
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"{op}(): Expected dtype int64 for index, got {index.dtype.name}")


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Values along ``dim`` at the positions in ``index``: ``out[i][j] = input[i][index[i][j]]``
    for ``dim=1``. The result has ``index``'s shape.

    >>> import twingrad
    >>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> twingrad.gather(x, 1, twingrad.tensor([[0, 0], [1, 0]]))
    tensor([[1., 1.],
            [4., 3.]])
    """
    _check_index_dtype("gather", index)
    ndim = max(input.ndim, 1)
    if max(index.ndim, 1) != ndim:
        raise RuntimeError(
            f"Index tensor must have the same number of dimensions as input tensor: index "
            f"{list(index.shape)}, input {list(input.shape)}"
        )
    dim = input._dim(dim)
    in_shape, ix_shape = tuple(input.shape) or (1,), tuple(index.shape) or (1,)
    for d in range(ndim):
        if d != dim and ix_shape[d] > in_shape[d]:
            raise RuntimeError(
                f"Size does not match at dimension {d} expected index {list(index.shape)} to "
                f"be no larger than self {list(input.shape)} apart from dimension {dim}"
            )
    positions = index._data.reshape(ix_shape)
    bad = positions[(positions < 0) | (positions >= in_shape[dim])]
    if bad.size:
        raise RuntimeError(
            f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size "
            f"{in_shape[dim]}"
        )
    # out[i, j] = x[i, index[i, j]]: an integer index for every axis, broadcast together
    key = tuple(
        positions
        if d == dim
        else np.arange(ix_shape[d]).reshape([-1 if e == d else 1 for e in range(ndim)])
        for d in range(ndim)
    )
    x = input if input.ndim else input.reshape(1)
    out = take(x, key + (Ellipsis,), basic=False)
    return out if index.ndim else out.reshape(())


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of ``input`` along ``dim`` at the positions in the vector ``index``.

    >>> import twingrad
    >>> twingrad.index_select(twingrad.tensor([[1, 2, 3]]), 1, twingrad.tensor([2, 0]))
    tensor([[3, 1]])
    """
    _check_index_dtype("index_select", index)
    if index.ndim > 1:
        raise IndexError(
            f"index_select(): Index is supposed to be a vector, got shape {list(index.shape)}"
        )
    dim = input._dim(dim)
    x = input if input.ndim else input.reshape(1)
    positions = index._data.reshape(-1)
    n = x.shape[dim]
    bad = positions[(positions < 0) | (positions >= n)]
    if bad.size:
        raise IndexError(f"index {int(bad[0])} is out of bounds for dimension {dim} with size {n}")
    out = take(x, (slice(None),) * dim + (positions, Ellipsis), basic=False)
    return out if input.ndim else out.reshape(())


def _triangle(input, diagonal: int, lower: bool):
    """``input`` with the elements off one side of ``diagonal`` zeroed (tril/triu)."""
    op = "tril" if lower else "triu"
    if input.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")
    rows, cols = input.shape[-2:]
    keep = np.tri(rows, cols, diagonal, dtype=bool)
    if not lower:
        keep = ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    # masked_fill rather than a product with the mask: -inf above the diagonal (a causal
    # attention mask) must become 0, and -inf * 0 is nan
    return masked_fill(input, input._make(~keep), 0)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims: elements above ``diagonal`` set to 0.

    ``diagonal`` 0 is the main diagonal, 1 the one above it, -1 the one below.

    >>> import twingrad
    >>> twingrad.tril(twingrad.ones(3, 3))
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
    """
    return _triangle(input, diagonal, lower=True)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims: elements below ``diagonal`` set to 0.

    >>> import twingrad
    >>> twingrad.triu(twingrad.arange(1, 7).reshape(2, 3), diagonal=1)
    tensor([[0, 2, 3],
            [0, 0, 6]])
    """
    return _triangle(input, diagonal, lower=False)
