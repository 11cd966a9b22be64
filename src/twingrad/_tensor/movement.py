"""Movement ops: reshape, view, expand, permute, transpose and friends; joining and
cutting (cat, stack, split, chunk), flip, repeat and pad.

Views (reshape, permute, split and chunk pieces) share memory and the version counter
with their input; cat, stack, flip, repeat and pad make new tensors.

>>> import twingrad
>>> x = twingrad.arange(6).reshape(2, 3)
>>> x.T.shape, x.unsqueeze(0).shape, x.flatten().shape
(twingrad.Size([3, 2]), twingrad.Size([1, 2, 3]), twingrad.Size([6]))
>>> twingrad.cat(x.split([1, 2], dim=1)[::-1], dim=1)
tensor([[1, 2, 0],
        [4, 5, 3]])
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor.engine import apply
from twingrad._tensor.indexing import take
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor


def _sizes(args) -> tuple:
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
    shape = infer_shape(input, _sizes(shape))
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


def permute(input: Tensor, *dims: int | Sequence[int]) -> Tensor:
    """Reorder the dimensions: dimension ``i`` of the result is ``dims[i]`` of the input.

    >>> import twingrad
    >>> twingrad.permute(twingrad.zeros(2, 3, 4), (2, 0, 1)).shape
    twingrad.Size([4, 2, 3])
    """
    dims = tuple(input._dim(d) for d in _sizes(dims))
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


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The tensors joined along ``dim``; their shapes must match in every other dim.

    >>> import twingrad
    >>> twingrad.cat([twingrad.zeros(1, 2), twingrad.ones(2, 2)]).shape
    twingrad.Size([3, 2])
    """
    from twingrad._tensor.dtypes import promote

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
    repeats = _sizes(sizes)
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


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(
    input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
) -> Tensor:
    """``input`` padded by ``pad = (left, right, top, bottom, ...)``: the last dimension
    first, as in ``torch.nn.functional.pad``. Negative pads crop. ``mode`` is
    "constant" (filled with ``value``, default 0), "reflect", "replicate" or "circular".

    >>> import twingrad
    >>> pad(twingrad.tensor([[1, 2]]), (1, 0, 0, 1))
    tensor([[0, 1, 2],
            [0, 0, 0]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2, got pad={list(pad)}")
    k = len(pad) // 2
    if k > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode not in _PAD_MODES:
        raise ValueError(f"Unrecognised padding mode {mode!r}; expected one of {_PAD_MODES}")
    shape = tuple(input.shape)
    for j in range(k):
        d = input.ndim - 1 - j
        if shape[d] + pad[2 * j] + pad[2 * j + 1] < 0:
            raise RuntimeError(
                f"pad {pad[2 * j : 2 * j + 2]} crops more than the {shape[d]} entries of "
                f"dimension {d} of the input of shape {list(shape)}"
            )
    if mode == "constant":
        fill = input._data.dtype.type(0 if value is None else value)
        if input._data.dtype == object:
            fill = Fraction(0 if value is None else value)
        return apply(RULES["pad"], input, pad=pad, value=fill)
    if value is not None:
        raise ValueError(f"padding mode {mode!r} doesn't take in value argument")
    return _pad_by_index(input, pad, mode)


def _pad_by_index(input, pad: tuple, mode: str):
    """reflect / replicate / circular padding: each padded dim is an integer index that
    names, for every output position, the input entry it copies (so gradients add up
    where an entry is copied several times)."""
    k = len(pad) // 2
    if k == 0 or k > 3 or input.ndim not in (k + 1, k + 2):
        raise RuntimeError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor: "
            f"{mode} padding of the last 1, 2 or 3 dims needs a (batch and) channel dim "
            "in front"
        )
    shape = tuple(input.shape)
    first = 1 if input.ndim == k + 2 else 0  # the batch dim may be empty, no other
    if any(n == 0 for n in shape[first:]):
        raise RuntimeError(
            f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size "
            f"and other non-zero dimensions for input, but got: {list(shape)}"
        )
    out = input
    for j in range(k):
        d = input.ndim - 1 - j
        before, after, n = pad[2 * j], pad[2 * j + 1], shape[d]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(
                f"Padding size should be less than the corresponding input dimension, but "
                f"got: padding ({before}, {after}) at dimension {d} of input {list(shape)}"
            )
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError(
                f"Padding value causes wrapping around more than once: padding "
                f"({before}, {after}) at dimension {d} of input {list(shape)}"
            )
        source = np.arange(-before, n + after)
        if mode == "reflect":
            source = np.abs(source)
            source = np.where(source >= n, 2 * (n - 1) - source, source)
        elif mode == "replicate":
            source = np.clip(source, 0, n - 1)
        else:  # PyTorch crops first, then wraps around what is left
            core = np.arange(max(-before, 0), n - max(-after, 0))
            if max(before, after) > core.size:
                raise RuntimeError(
                    f"Padding value causes wrapping around more than once: padding "
                    f"({before}, {after}) of the {core.size} entries left at dimension {d}"
                )
            source = core[
                (np.arange(core.size + max(before, 0) + max(after, 0)) - max(before, 0)) % core.size
            ]
        out = take(out, (slice(None),) * d + (source, Ellipsis), basic=False)
    return out


class MovementOps:
    """Tensor methods for shape changes (mixed into `Tensor`)."""

    __slots__ = ()

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        """`twingrad.reshape` as a method: the same elements in a new shape.

        >>> import twingrad
        >>> twingrad.arange(6).reshape(2, 3).shape
        twingrad.Size([2, 3])
        """
        return reshape(self, *shape)

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        """``reshape`` under PyTorch's other name (twingrad copies when it must).

        >>> import twingrad
        >>> twingrad.arange(6).view(-1, 2).shape
        twingrad.Size([3, 2])
        """
        return reshape(self, *shape)

    def view_as(self, other: Tensor) -> Tensor:
        """This tensor reshaped to ``other``'s shape.

        >>> import twingrad
        >>> twingrad.arange(6).view_as(twingrad.zeros(3, 2)).shape
        twingrad.Size([3, 2])
        """
        return reshape(self, tuple(other.shape))

    def reshape_as(self, other: Tensor) -> Tensor:
        """This tensor reshaped to ``other``'s shape.

        >>> import twingrad
        >>> twingrad.arange(6).reshape_as(twingrad.zeros(2, 3)).shape
        twingrad.Size([2, 3])
        """
        return reshape(self, tuple(other.shape))

    def expand(self, *sizes: int | Sequence[int]) -> Tensor:
        """`twingrad.expand` as a method: size-1 dimensions repeated without a copy.

        >>> import twingrad
        >>> twingrad.tensor([[1], [2]]).expand(-1, 2)
        tensor([[1, 1],
                [2, 2]])
        """
        return expand(self, *sizes)

    def expand_as(self, other: Tensor) -> Tensor:
        """This tensor expanded to ``other``'s shape.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).expand_as(twingrad.zeros(2, 2))
        tensor([[1, 2],
                [1, 2]])
        """
        return expand(self, tuple(other.shape))

    def permute(self, *dims: int | Sequence[int]) -> Tensor:
        """`twingrad.permute` as a method: the dimensions reordered.

        >>> import twingrad
        >>> twingrad.zeros(2, 3, 4).permute(1, 2, 0).shape
        twingrad.Size([3, 4, 2])
        """
        return permute(self, *dims)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """`twingrad.transpose` as a method: dimensions ``dim0`` and ``dim1`` swapped.

        >>> import twingrad
        >>> twingrad.zeros(2, 3, 4).transpose(0, 2).shape
        twingrad.Size([4, 3, 2])
        """
        return transpose(self, dim0, dim1)

    swapaxes = transpose

    @property
    def T(self) -> Tensor:  # noqa: N802  (PyTorch's name)
        """All dimensions reversed (a matrix transposed).

        >>> import twingrad
        >>> twingrad.tensor([[1, 2]]).T
        tensor([[1],
                [2]])
        """
        return permute(self, *reversed(range(self.ndim))) if self.ndim >= 2 else self

    @property
    def mT(self) -> Tensor:  # noqa: N802  (PyTorch's name)
        """The last two dimensions swapped (each matrix of a batch transposed).

        >>> import twingrad
        >>> twingrad.zeros(5, 2, 3).mT.shape
        twingrad.Size([5, 3, 2])
        """
        if self.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices")
        return transpose(self, -2, -1)

    def t(self) -> Tensor:
        """The transpose of a matrix (a vector or a number is returned as it is).

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).t()
        tensor([[1, 3],
                [2, 4]])
        """
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return self.T

    def unsqueeze(self, dim: int) -> Tensor:
        """`twingrad.unsqueeze` as a method: a size-1 dimension inserted at ``dim``.

        >>> import twingrad
        >>> twingrad.zeros(3).unsqueeze(0).shape
        twingrad.Size([1, 3])
        """
        return unsqueeze(self, dim)

    def squeeze(self, dim: int | Sequence[int] | None = None) -> Tensor:
        """`twingrad.squeeze` as a method: size-1 dimensions removed.

        >>> import twingrad
        >>> twingrad.zeros(1, 3, 1).squeeze().shape
        twingrad.Size([3])
        """
        return squeeze(self, dim)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """`twingrad.flatten` as a method: dimensions ``start_dim..end_dim`` merged.

        >>> import twingrad
        >>> twingrad.zeros(2, 3, 4).flatten().shape
        twingrad.Size([24])
        """
        return flatten(self, start_dim, end_dim)

    def split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """`twingrad.split` as a method: pieces of ``split_size`` (or of the listed sizes).

        >>> import twingrad
        >>> [p.tolist() for p in twingrad.arange(5).split(2)]
        [[0, 1], [2, 3], [4]]
        """
        return split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """`twingrad.chunk` as a method: ``chunks`` pieces as equal as possible.

        >>> import twingrad
        >>> [p.tolist() for p in twingrad.arange(5).chunk(2)]
        [[0, 1, 2], [3, 4]]
        """
        return chunk(self, chunks, dim)

    def flip(self, *dims: int | Sequence[int]) -> Tensor:
        """`twingrad.flip` as a method: the order reversed along ``dims``.

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).flip(1)
        tensor([[2, 1],
                [4, 3]])
        """
        return flip(self, _sizes(dims))

    def repeat(self, *sizes: int | Sequence[int]) -> Tensor:
        """The tensor tiled ``sizes`` times along each dimension.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).repeat(2)
        tensor([1, 2, 1, 2])
        """
        return repeat(self, *sizes)
