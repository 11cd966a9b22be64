"""Adaptive average pooling, AdaptiveAvgPool1d/2d and their functions: average down to a
given output size, whatever the input's size.

Window i of n over a length L covers [floor(i*L/n), ceil((i+1)*L/n)), as in PyTorch, so the
windows overlap where n does not divide L. There is no rule of its own: the pool is composed
of reshapes, slices, means and cat, so its gradient comes from those rules (and the bridge
replays it with no replay of its own).

>>> import twingrad
>>> from twingrad import nn
>>> nn.AdaptiveAvgPool1d(2)(twingrad.tensor([[[1.0, 2.0, 3.0]]]))
tensor([[[1.5000, 2.5000]]])
"""

from __future__ import annotations

from twingrad._tensor.joining import cat
from twingrad._tensor.tensor import Tensor
from twingrad.nn.module import Module


def _adaptive_mean(x: Tensor, axis: int, size: int) -> Tensor:
    """Means of ``size`` windows along ``axis``: window i covers [floor(i*L/size),
    ceil((i+1)*L/size)), as PyTorch's adaptive pooling, which overlaps them when ``size``
    does not divide L. Built from reshape, slicing, mean and cat, which the bridge replays."""
    length = x.shape[axis]
    if size == length:
        return x
    if size and length % size == 0:  # equal windows side by side: one reshape and one mean
        shape = tuple(x.shape)
        return x.reshape(shape[:axis] + (size, length // size) + shape[axis + 1 :]).mean(
            dim=axis + 1
        )
    before = (slice(None),) * axis
    if size == 0:
        return x[before + (slice(0, 0),)]
    pieces = [
        x[before + (slice(i * length // size, -(-(i + 1) * length // size)),)].mean(
            dim=axis, keepdim=True
        )
        for i in range(size)
    ]
    return cat(pieces, dim=axis)


def _adaptive_avg_pool(
    input: Tensor, nd: int, output_size: int | None | tuple[int | None, ...]
) -> Tensor:
    op = f"adaptive_avg_pool{nd}d"
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{op}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {list(input.shape)}"
        )
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input, got {input.dtype.name}")
    sizes = (output_size,) * nd if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != nd:
        raise RuntimeError(f"{op}: output_size must be {nd}")
    out = input
    for i, size in enumerate(sizes):
        axis = input.ndim - nd + i
        if size is not None and size < 0:
            raise RuntimeError(
                f"{op}: elements of output_size must be greater than or equal to 0 but "
                f"received {output_size}"
            )
        if input.shape[axis] == 0:
            raise RuntimeError(f"{op}: the input has an empty dim {axis}, nothing to average")
        out = _adaptive_mean(out, axis, input.shape[axis] if size is None else int(size))
    return out


def adaptive_avg_pool1d(input: Tensor, output_size: int | tuple[int, ...]) -> Tensor:
    """Average (N, C, L) input down to length ``output_size``, whatever L is.

    >>> import twingrad
    >>> adaptive_avg_pool1d(twingrad.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]]), 2)
    tensor([[[2., 4.]]])
    """
    return _adaptive_avg_pool(input, 1, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size: int | None | tuple[int | None, ...]) -> Tensor:
    """Average (N, C, H, W) input down to ``output_size`` (an int, or (h, w) where None
    keeps that dim), whatever H and W are; 1 gives a global average pool.

    >>> import twingrad
    >>> adaptive_avg_pool2d(twingrad.arange(16.0).reshape(1, 1, 4, 4), 1)
    tensor([[[[7.5000]]]])
    """
    return _adaptive_avg_pool(input, 2, output_size)


class _AdaptiveAvgPoolNd(Module):
    _function = None

    def __init__(self, output_size: int | None | tuple[int | None, ...]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._function(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average (N, C, L) input down to length ``output_size``.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.AdaptiveAvgPool1d(1)(twingrad.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    tensor([[[1.5000]]])
    """

    _function = staticmethod(adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average (N, C, H, W) input down to ``output_size``: ``AdaptiveAvgPool2d(1)`` is a
    global average pool.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.AdaptiveAvgPool2d((None, 1))(twingrad.ones(2, 3, 4, 5)).shape
    twingrad.Size([2, 3, 4, 1])
    """

    _function = staticmethod(adaptive_avg_pool2d)
