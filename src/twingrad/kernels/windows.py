"""Windows of an input: the numpy kernels of convolution and pooling, and of padding.

``windows`` (im2col) turns an input (N, C, *size) into every kernel-sized patch
(N, C, *out, *kernel) with one numpy stride trick, and ``scatter_windows`` (col2im) adds such
patches back into an input-sized array. The only Python loops run over kernel positions (a
3x3 kernel: 9 strided numpy operations), never over pixels; a convolution is one matmul.
`patches` and `unpatch` lay windows out as matmul operands; they and `grad_rows` use
`twingrad.core.numeric` helpers so the convolution's vjps run on Tensors too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from twingrad.core import numeric as g

if TYPE_CHECKING:
    from types import EllipsisType

    from numpy.typing import DTypeLike


def windows(
    x: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    value: float = 0,
) -> np.ndarray:
    """Every window of ``x`` (N, C, *size) as a read-only view (N, C, *out, *kernel_size).

    ``padding`` holds (before, after) per spatial axis, filled with ``value``.

    >>> windows(np.arange(5.0).reshape(1, 1, 5), (2,), (2,), ((0, 1),), (1,))[0, 0]
    array([[0., 1.],
           [2., 3.],
           [4., 0.]])
    """
    nd = len(kernel_size)
    if any(p for pair in padding for p in pair):
        x = np.pad(x, ((0, 0), (0, 0), *padding), constant_values=value)
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel_size, dilation))
    view = sliding_window_view(x, extent, axis=tuple(range(2, 2 + nd)))
    steps = tuple(slice(None, None, s) for s in stride) + tuple(
        slice(None, None, d) for d in dilation
    )
    return view[(slice(None), slice(None), *steps)]


def window_slices(
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    out: tuple[int, ...],
) -> Iterator[tuple[int, tuple[int, ...], tuple[slice, ...]]]:
    """For each kernel position: its flat index, and the strided slice of the padded input
    that it sees across all windows. Loops over these are loops over kernel positions (9
    for a 3x3 kernel), never over pixels.

    >>> [(i, k, at[2]) for i, k, at in window_slices((2,), (2,), (1,), (3,))]
    [(0, (0,), slice(0, 5, 2)), (1, (1,), slice(1, 6, 2))]
    """
    for i, k in enumerate(np.ndindex(*kernel_size)):
        at = tuple(
            slice(j * d, j * d + s * (o - 1) + 1, s) for j, d, s, o in zip(k, dilation, stride, out)
        )
        yield i, k, (slice(None), slice(None), *at)


def scatter_windows(
    part: Callable[[int, tuple[int, ...]], np.ndarray],
    shape: tuple[int, ...],
    dtype: DTypeLike,
    size: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
) -> np.ndarray:
    """Zeros of the input's shape with, for each kernel position i, ``part(i, k)`` (shaped
    (N, C, *out)) added where that position of every window lies: col2im.

    ``shape`` is the windows' (N, C, *out, *kernel_size); ``size`` the input's spatial size.
    Adding ones counts how many windows cover each input element:

    >>> ones = lambda i, k: np.ones((1, 1, 3))
    >>> scatter_windows(ones, (1, 1, 3, 2), np.float64, (4,), (2,), (1,), ((0, 0),), (1,))[0, 0]
    array([1., 2., 2., 1.])
    """
    nd = len(kernel_size)
    out = shape[2 : 2 + nd]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, padding))
    x = g.zeros((*shape[:2], *padded), dtype)
    for i, k, at in window_slices(kernel_size, stride, dilation, out):
        x[at] += part(i, k)
    return x[(slice(None), slice(None), *(slice(lo, lo + s) for s, (lo, _) in zip(size, padding)))]


def col2im(
    cols: np.ndarray,
    size: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
) -> np.ndarray:
    """The adjoint of `windows`: every window of ``cols`` added back where it came from.

    >>> col2im(np.ones((1, 1, 3, 2)), (4,), (2,), (1,), ((0, 0),), (1,))[0, 0]
    array([1., 2., 2., 1.])
    """
    return scatter_windows(
        lambda i, k: cols[(Ellipsis, *k)],
        cols.shape,
        cols.dtype,
        size,
        kernel_size,
        stride,
        padding,
        dilation,
    )


# Patches are laid out one column per output position, (C * K, N * L): numpy gathers the
# windows into this order several times faster than into rows of (N * L, C * K).


def patches(win: Any, nd: int) -> Any:
    """Windows (N, C, *out, *k) -> (C * K, N * L): one column per output position.

    >>> patches(np.arange(8.0).reshape(1, 2, 2, 2), 1)
    array([[0., 2.],
           [1., 3.],
           [4., 6.],
           [5., 7.]])
    """
    order = (1, *range(2 + nd, 2 + 2 * nd), 0, *range(2, 2 + nd))
    return g.permute(win, order).reshape(
        math.prod(win.shape[1:2]) * math.prod(win.shape[2 + nd :]), -1
    )


def unpatch(cols: Any, n: int, c: int, kernel: tuple[int, ...], out: tuple[int, ...]) -> Any:
    """(C * K, N * L) -> windows (N, C, *out, *k), undoing `patches`.

    >>> win = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> bool((unpatch(patches(win, 1), 1, 2, (2,), (2,)) == win).all())
    True
    """
    nd = len(kernel)
    cols = cols.reshape((c, *kernel, n, *out))
    return g.permute(cols, (nd + 1, 0, *range(nd + 2, 2 * nd + 2), *range(1, nd + 1)))


def grad_rows(grad: Any) -> Any:
    """(N, O, *out) -> (O, N * L): one row per output channel.

    >>> grad_rows(np.arange(4.0).reshape(2, 1, 2))
    array([[0., 1., 2., 3.]])
    """
    return g.permute(grad, (1, 0, *range(2, grad.ndim))).reshape(grad.shape[1], -1)


def convolution(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    *,
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int,
) -> np.ndarray:
    """PyTorch's convolution (cross-correlation) of ``x`` (N, C, *size) with ``w``
    (O, C / groups, *kernel), plus ``b``: the windows of x times w, one matmul.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> convolution(x, np.ones((1, 1, 2, 2)), stride=(2, 2), padding=((0, 0), (0, 0)),
    ...             dilation=(1, 1), groups=1)[0, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    nd = w.ndim - 2
    n, o = x.shape[0], w.shape[0]
    win = windows(x, w.shape[2:], stride, padding, dilation)
    out = win.shape[2 : 2 + nd]
    cols = patches(win, nd)  # the one copy of the input's windows
    if groups == 1:
        y = w.reshape(o, -1) @ cols  # (O, N * L): one matmul
    else:
        y = w.reshape(groups, o // groups, -1) @ cols.reshape(groups, -1, cols.shape[1])
        y = y.reshape(o, -1)
    if b is not None:
        y += b.reshape(o, 1)
    return np.ascontiguousarray(np.moveaxis(y.reshape(o, n, *out), 0, 1))


def pad_regions(
    shape: tuple[int, ...], pad: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[slice | EllipsisType, ...], tuple[slice | EllipsisType, ...]]:
    """For a constant pad: the output shape, the output region that holds the input,
    and the input region that is kept (negative pads crop), as numpy keys.

    >>> shape, out_key, in_key = pad_regions((2, 3), (1, -1))  # last dim: 1 before, crop 1
    >>> shape, out_key[1], in_key[1]
    ((2, 3), slice(1, 3, None), slice(0, 2, None))
    """
    out_shape, out_key, in_key = list(shape), [], []
    k = len(pad) // 2
    for d in range(len(shape)):
        j = len(shape) - 1 - d  # PyTorch's pad tuple starts at the last dim
        if j >= k:
            out_key.append(slice(None))
            in_key.append(slice(None))
            continue
        before, after, n = pad[2 * j], pad[2 * j + 1], shape[d]
        out_shape[d] = n + before + after
        out_key.append(slice(max(before, 0), out_shape[d] - max(after, 0)))
        in_key.append(slice(max(-before, 0), n - max(-after, 0)))
    return tuple(out_shape), tuple(out_key) + (Ellipsis,), tuple(in_key) + (Ellipsis,)


def pad_constant(x: np.ndarray, pad: tuple[int, ...], value: float) -> np.ndarray:
    """``x`` padded with ``value`` (and cropped where a pad is negative), as PyTorch's pad.

    >>> pad_constant(np.array([1.0, 2.0]), (1, -1), 0.0)
    array([0., 1.])
    """
    shape, out_key, in_key = pad_regions(x.shape, pad)
    out = np.full(shape, value, dtype=x.dtype)
    out[out_key] = x[in_key]
    return out
