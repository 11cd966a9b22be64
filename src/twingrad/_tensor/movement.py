"""Shape changes: reshape, expand, permute, transpose, unsqueeze, squeeze, flatten, flip.

All but flip are views: they share memory and the version counter with their input, so an
in-place change through one is caught by a backward that needed the old values. Joining
and cutting (cat, stack, split, chunk, repeat) are in `joining`, padding in `padding`.

>>> import twingrad
>>> x = twingrad.arange(6).reshape(2, 3)
>>> x.T.shape, x.unsqueeze(0).shape, x.flatten().shape
(twingrad.Size([3, 2]), twingrad.Size([1, 2, 3]), twingrad.Size([6]))
>>> x.flip(1)
tensor([[2, 1, 0],
        [5, 4, 3]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor.engine import apply
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

__all__ = [
    "expand",
    "flatten",
    "flip",
    "permute",
    "reshape",
    "squeeze",
    "transpose",
    "unsqueeze",
]


def int_args(args: tuple) -> tuple[int, ...]:
    """Sizes given one by one (``reshape(2, 3)``) or as one sequence (``reshape((2, 3))``).

    >>> int_args((2, 3)), int_args(([2, 3],))
    ((2, 3), (2, 3))
    """
    if len(args) == 1 and isinstance(args[0], list | tuple):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


def infer_shape(x: Tensor, shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` with a -1 filled in, or PyTorch's error naming both shapes.

    >>> import twingrad
    >>> infer_shape(twingrad.zeros(2, 6), (3, -1))
    (3, 4)
    """
    n = x.numel()
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred (-1) in a reshape")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 or n % known:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {n} (shape {list(x.shape)})"
            )
        shape = tuple(n // known if s == -1 else s for s in shape)
    elif known != n:
        raise RuntimeError(
            f"shape '{list(shape)}' is invalid for input of size {n} (shape {list(x.shape)})"
        )
    return shape


def reshape(input: Tensor, *shape: int | Sequence[int]) -> Tensor:
    """The same elements in a new shape; one size may be -1 (inferred).

    >>> import twingrad
    >>> twingrad.reshape(twingrad.arange(6), (3, -1))
    tensor([[0, 1],
            [2, 3],
            [4, 5]])
    """
    shape = infer_shape(input, int_args(shape))
    if shape == tuple(input.shape):
        return input if input._op is None and not input.requires_grad else _view(input, shape)
    return _view(input, shape)


def _view(input, shape):
    out = apply(RULES["reshape"], input, shape=shape)
    if np.shares_memory(out._data, input._data):
        out._version = input._version
    return out


def expand(input: Tensor, *sizes: int | Sequence[int]) -> Tensor:
    """Repeat size-1 dimensions (and add leading ones) without copying; -1 keeps a size.

    >>> import twingrad
    >>> twingrad.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    sizes = int_args(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal "
            f"to the number of dimensions in the tensor ({input.ndim})"
        )
    lead = len(sizes) - input.ndim
    shape = []
    for i, s in enumerate(sizes):
        current = input.shape[i - lead] if i >= lead else 1
        if s == -1:
            if i < lead:
                raise RuntimeError("expand: -1 is not allowed for a new leading dimension")
            s = current
        if current != 1 and current != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size "
                f"({current}) at non-singleton dimension {i}. Target sizes: {list(sizes)}. "
                f"Tensor sizes: {list(input.shape)}"
            )
        shape.append(s)
    shape = tuple(shape)
    if shape == tuple(input.shape):
        return input
    return apply(RULES["expand"], input, shape=shape)


def permute(input: Tensor, *dims: int | Sequence[int]) -> Tensor:
    """Reorder the dimensions: dimension ``i`` of the result is ``dims[i]`` of the input.

    >>> import twingrad
    >>> twingrad.permute(twingrad.zeros(2, 3, 4), (2, 0, 1)).shape
    twingrad.Size([4, 2, 3])
    """
    dims = tuple(input._dim(d) for d in int_args(dims))
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(
            f"permute: dims {list(dims)} are not a permutation of the {input.ndim} "
            "dimensions of the input"
        )
    out = apply(RULES["permute"], input, dims=dims)
    out._version = input._version
    return out


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dimensions ``dim0`` and ``dim1``.

    >>> import twingrad
    >>> twingrad.transpose(twingrad.tensor([[1, 2, 3]]), 0, 1)
    tensor([[1],
            [2],
            [3]])
    """
    if input.ndim < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return input
    dims = list(range(input.ndim))
    a, b = input._dim(dim0), input._dim(dim1)
    dims[a], dims[b] = dims[b], dims[a]
    return permute(input, *dims)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``.

    >>> import twingrad
    >>> twingrad.unsqueeze(twingrad.zeros(2, 3), -1).shape
    twingrad.Size([2, 3, 1])
    """
    n = input.ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim %= n
    shape = list(input.shape)
    shape.insert(dim, 1)
    return reshape(input, tuple(shape))


def squeeze(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or only those in ``dim``).

    >>> import twingrad
    >>> x = twingrad.zeros(1, 2, 1)
    >>> twingrad.squeeze(x).shape, twingrad.squeeze(x, 0).shape
    (twingrad.Size([2]), twingrad.Size([2, 1]))
    """
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        dims = {input._dim(d) for d in ((dim,) if isinstance(dim, int) else dim)}
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in dims and s == 1))
    return reshape(input, shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim`` to ``end_dim`` (both included) into one.

    >>> import twingrad
    >>> twingrad.flatten(twingrad.zeros(2, 3, 4), 1).shape
    twingrad.Size([2, 12])
    """
    if input.ndim == 0:
        return reshape(input, (1,))
    a, b = input._dim(start_dim), input._dim(end_dim)
    shape = input.shape
    n = 1
    for s in shape[a : b + 1]:
        n *= s
    return reshape(input, tuple(shape[:a]) + (n,) + tuple(shape[b + 1 :]))


def flip(input: Tensor, dims: int | Sequence[int]) -> Tensor:
    """A copy of ``input`` reversed along each dimension in ``dims``.

    >>> import twingrad
    >>> twingrad.flip(twingrad.tensor([[1, 2], [3, 4]]), [1])
    tensor([[2, 1],
            [4, 3]])
    """
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    seen = set()
    for d in dims:
        d = input._dim(d)
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    # a 0-d tensor accepts dim 0 or -1 and has nothing to reverse
    return apply(RULES["flip"], input, dims=tuple(sorted(seen)) if input.ndim else ())
