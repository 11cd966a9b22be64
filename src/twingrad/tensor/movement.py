"""Movement ops: reshape, view, expand, permute, transpose and friends.

>>> import twingrad
>>> x = twingrad.arange(6).reshape(2, 3)
>>> x.T.shape, x.unsqueeze(0).shape, x.flatten().shape
(twingrad.Size([3, 2]), twingrad.Size([1, 2, 3]), twingrad.Size([6]))
"""

from __future__ import annotations

import numpy as np

from twingrad.rules import RULES
from twingrad.tensor.autograd import apply


def _sizes(args) -> tuple:
    if len(args) == 1 and isinstance(args[0], list | tuple):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


def infer_shape(x, shape: tuple) -> tuple:
    """``shape`` with a -1 filled in, or PyTorch's error naming both shapes."""
    n = x.numel()
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred (-1) in a reshape")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 or n % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
        shape = tuple(n // known if s == -1 else s for s in shape)
    elif known != n:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
    return shape


def reshape(input, *shape):
    shape = infer_shape(input, _sizes(shape))
    if shape == tuple(input.shape):
        return input if input._op is None and not input.requires_grad else _view(input, shape)
    return _view(input, shape)


def _view(input, shape):
    out = apply(RULES["reshape"], input, shape=shape)
    if np.shares_memory(out._data, input._data):
        out._version = input._version
    return out


def expand(input, *sizes):
    sizes = _sizes(sizes)
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


def permute(input, *dims):
    dims = tuple(input._dim(d) for d in _sizes(dims))
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(
            f"permute: dims {list(dims)} are not a permutation of the {input.ndim} "
            "dimensions of the input"
        )
    out = apply(RULES["permute"], input, dims=dims)
    out._version = input._version
    return out


def transpose(input, dim0: int, dim1: int):
    if input.ndim < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return input
    dims = list(range(input.ndim))
    a, b = input._dim(dim0), input._dim(dim1)
    dims[a], dims[b] = dims[b], dims[a]
    return permute(input, *dims)


def unsqueeze(input, dim: int):
    n = input.ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim %= n
    shape = list(input.shape)
    shape.insert(dim, 1)
    return reshape(input, tuple(shape))


def squeeze(input, dim=None):
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        dims = {input._dim(d) for d in ((dim,) if isinstance(dim, int) else dim)}
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in dims and s == 1))
    return reshape(input, shape)


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    if input.ndim == 0:
        return reshape(input, (1,))
    a, b = input._dim(start_dim), input._dim(end_dim)
    shape = input.shape
    n = 1
    for s in shape[a : b + 1]:
        n *= s
    return reshape(input, tuple(shape[:a]) + (n,) + tuple(shape[b + 1 :]))


class MovementOps:
    """Tensor methods for shape changes (mixed into `Tensor`)."""

    __slots__ = ()

    def reshape(self, *shape):
        return reshape(self, *shape)

    def view(self, *shape):
        return reshape(self, *shape)

    def view_as(self, other):
        return reshape(self, tuple(other.shape))

    def reshape_as(self, other):
        return reshape(self, tuple(other.shape))

    def expand(self, *sizes):
        return expand(self, *sizes)

    def expand_as(self, other):
        return expand(self, tuple(other.shape))

    def permute(self, *dims):
        return permute(self, *dims)

    def transpose(self, dim0: int, dim1: int):
        return transpose(self, dim0, dim1)

    swapaxes = transpose

    @property
    def T(self):  # noqa: N802  (PyTorch's name)
        return permute(self, *reversed(range(self.ndim))) if self.ndim >= 2 else self

    @property
    def mT(self):  # noqa: N802  (PyTorch's name)
        if self.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices")
        return transpose(self, -2, -1)

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return self.T

    def unsqueeze(self, dim: int):
        return unsqueeze(self, dim)

    def squeeze(self, dim=None):
        return squeeze(self, dim)

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        return flatten(self, start_dim, end_dim)
