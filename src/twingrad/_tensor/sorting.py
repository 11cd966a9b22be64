"""Sorting along a dim: sort, argsort, topk.

The order is found on the data (numpy's stable sort) and the values are taken with
`gather`, so their gradient is gather's: each value's gradient goes back to the element
it came from, and the bridge replays it with no entry of its own.

Ties keep their original order (a stable sort; descending too), and NaN sorts above every
number, as in PyTorch. PyTorch's ``topk`` may order tied values differently (its order among
ties is unspecified); twingrad's is the stable sort's.

>>> import twingrad
>>> x = twingrad.tensor([3.0, 1.0, 2.0], requires_grad=True)
>>> values, indices = x.sort(descending=True)
>>> values, indices
(tensor([3., 2., 1.], grad_fn=<IndexBackward0>), tensor([0, 2, 1]))
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor.selection import gather

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

__all__ = ["argsort", "sort", "topk"]

# like torch.return_types.sort / topk: unpack as (values, indices), or read by name
sort_result = namedtuple("sort", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])


def _order(data: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """The stable sorting permutation of ``data`` along ``axis``.

    Descending: sorting the reversed data ascending and reversing the result puts the
    largest first and keeps tied elements in their original order.
    """
    if data.dtype == np.bool_:
        data = data.astype(np.int64)
    if not descending:
        return np.argsort(data, axis=axis, kind="stable")
    n = data.shape[axis]
    flipped = np.argsort(np.flip(data, axis), axis=axis, kind="stable")
    return np.flip(n - 1 - flipped, axis)


def _argsort(input: Tensor, dim: int, descending: bool) -> Tensor:
    if input.ndim == 0:
        input._dim(dim)  # only 0 and -1 name the dim of a 0-d tensor
        return input._make(np.zeros((), dtype=np.int64))
    d = input._dim(dim)
    return input._make(_order(input._data, d, descending).astype(np.int64))


def sort(
    input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False
) -> tuple[Tensor, Tensor]:
    """The elements sorted along ``dim``, and where each came from: ``(values, indices)``.

    The sort is always stable (``stable`` is accepted for PyTorch's signature); NaN sorts
    last ascending and first descending.

    >>> import twingrad
    >>> twingrad.sort(twingrad.tensor([[2, 1, 2, 0]]))
    sort(values=tensor([[0, 1, 2, 2]]), indices=tensor([[3, 1, 0, 2]]))
    """
    indices = _argsort(input, dim, descending)
    return sort_result(gather(input, dim, indices), indices)


def argsort(
    input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False
) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stable: ties keep their order).

    >>> import twingrad
    >>> twingrad.argsort(twingrad.tensor([3.0, 1.0, 3.0, 2.0]), descending=True)
    tensor([0, 2, 3, 1])
    """
    return _argsort(input, dim, descending)


def topk(
    input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> tuple[Tensor, Tensor]:
    """The ``k`` largest (or, with ``largest=False``, smallest) elements along ``dim``
    and their indices: ``(values, indices)``.

    The result is always in sorted order, which ``sorted=False`` allows; ties come in
    their original order.

    >>> import twingrad
    >>> twingrad.topk(twingrad.tensor([1.0, 5.0, 3.0, 4.0]), 2)
    topk(values=tensor([5., 4.]), indices=tensor([1, 3]))
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"topk(): argument 'k' must be int, not {type(k).__name__}")
    size = input.shape[input._dim(dim)] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(
            f"topk(): selected index k out of range: k={k} but dimension {dim} has size {size}"
        )
    indices = _argsort(input, dim, descending=largest)
    if input.ndim:
        d = input._dim(dim)
        indices = input._make(np.take(indices._data, np.arange(k), axis=d).astype(np.int64))
    return topk_result(gather(input, dim, indices), indices)
