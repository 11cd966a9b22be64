"""Joining and cutting tensors: cat, stack, split, chunk, and repeat (tiling).

split and chunk give views of their input (sharing memory and the version counter);
cat, stack and repeat make new tensors, whose gradients go back piece by piece.

>>> import twingrad
>>> x = twingrad.arange(6).reshape(2, 3)
>>> twingrad.cat(x.split([1, 2], dim=1)[::-1], dim=1)
tensor([[1, 2, 0],
        [4, 5, 3]])
>>> twingrad.stack([x[0], x[1]], dim=1).shape
twingrad.Size([3, 2])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor.engine import apply
from twingrad._tensor.indexing import take
from twingrad._tensor.movement import int_args, unsqueeze
from twingrad._tensor.promotion import promote
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

__all__ = ["cat", "chunk", "concat", "concatenate", "split", "stack"]


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The tensors joined along ``dim``; their shapes must match in every other dim.

    >>> import twingrad
    >>> twingrad.cat([twingrad.zeros(1, 2), twingrad.ones(2, 2)]).shape
    twingrad.Size([3, 2])
    """
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch still skips 1-D empty tensors, whatever the other shapes (legacy behaviour)
    kept = [(i, t) for i, t in enumerate(tensors) if tuple(t.shape) != (0,)] or [(0, tensors[0])]
    ref = kept[0][1]
    dim = ref._dim(dim)
    for i, t in kept:
        if t.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
            )
        for d in range(ref.ndim):
            if d != dim and t.shape[d] != ref.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{ref.shape[d]} but got size {t.shape[d]} for tensor number {i} in the "
                    f"list (shapes {[list(x.shape) for x in tensors]})"
                )
    d = promote(*tensors)
    return apply(RULES["cat"], *(t.to(d) for _, t in kept), dim=dim)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The tensors, all of one shape, joined along a new dimension ``dim``.

    >>> import twingrad
    >>> twingrad.stack([twingrad.zeros(2), twingrad.ones(2)], dim=1)
    tensor([[0., 1.],
            [0., 1.]])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tuple(tensors[0].shape)
    for i, t in enumerate(tensors):
        if tuple(t.shape) != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(t.shape)} at entry {i}"
            )
    n = len(first) + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return cat([unsqueeze(t, dim % n) for t in tensors], dim % n)


def _narrow(input, dim: int, start: int, length: int):
    key = (slice(None),) * dim + (slice(start, start + length), Ellipsis)
    return take(input, key, basic=True)


def split(
    tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0
) -> tuple[Tensor, ...]:
    """Views of ``tensor`` cut along ``dim``: pieces of ``split_size`` (the last may be
    shorter), or pieces of the sizes listed.

    >>> import twingrad
    >>> [p.tolist() for p in twingrad.arange(5).split([2, 3])]
    [[0, 1], [2, 3, 4]]
    """
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = tensor._dim(dim)
    n = tensor.shape[dim]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size < 0:
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={size}"
            )
        if size == 0 and n != 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        if n == 0:
            sizes = [0]  # one empty piece, whatever the split size
        else:
            sizes = [size] * (n // size) + ([n % size] if n % size else [])
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes):
            raise RuntimeError(
                "split_with_sizes expects split_sizes have only non-negative entries, but got "
                f"split_sizes={sizes}"
            )
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {dim}), but got split_sizes={sizes}"
            )
    starts = np.cumsum([0, *sizes[:-1]]).tolist()
    return tuple(_narrow(tensor, dim, s, k) for s, k in zip(starts, sizes))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Up to ``chunks`` views of ``input`` of equal size along ``dim`` (the last may be
    smaller).

    >>> import twingrad
    >>> [p.shape[0] for p in twingrad.arange(5).chunk(3)]
    [2, 2, 1]
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = input.shape[input._dim(dim)]
    if n == 0:
        return split(input, [0] * chunks, dim)
    return split(input, -(-n // chunks), dim)


def repeat(input: Tensor, *sizes: int | Sequence[int]) -> Tensor:
    """``input`` tiled ``sizes[i]`` times along dim ``i`` (new leading dims when more sizes
    than dims are given); PyTorch has this as the method ``Tensor.repeat``.

    >>> import twingrad
    >>> twingrad.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = int_args(sizes)
    if len(repeats) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            f"of tensor (repeats {list(repeats)} for a tensor of shape {list(input.shape)})"
        )
    shape = (1,) * (len(repeats) - input.ndim) + tuple(input.shape)
    out = [r * s for r, s in zip(repeats, shape)]
    for r in repeats:
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {r}: {out}")
    return apply(RULES["repeat"], input, repeats=repeats)
