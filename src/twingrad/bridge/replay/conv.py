"""Replays of the window rules (`twingrad.rules.conv`): im2col, col2im, convolution,
max_pool and avg_pool.

Windows are found by running the rule table's own window geometry on an array of element
positions (padding marked -1), so a replay reads exactly the elements a window covers and
nothing else: im2col is a gather of references and col2im a sum of them, a max pool picks
the Value its rule's argmax chose.

convolution and avg_pool are fused tensor-only rules: the scalar engine has no op for them,
so the replay writes out one sum of products (plus the bias) per output element of a
convolution, and one sum divided by the window's divisor per output of an average pool.
The tensor engine's one-node derivatives are checked against the chain rule through those.

>>> window_positions((1, 1, 4), (2,), (2,), ((1, 1),), (1,))[0, 0].tolist()
[[-1, 0], [1, 2], [3, -1]]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from twingrad.bridge.replay.rule import constant, first_value, replay, scatter_add, vsum
from twingrad.kernels import pooling, windows

if TYPE_CHECKING:
    from twingrad.scalar import Value


def _floats(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: float(v.data), otypes=[np.float64])(values)


def gather(x: np.ndarray, positions: np.ndarray, fill: Value | None) -> np.ndarray:
    """Values of ``x`` at flat ``positions``; ``fill`` where a position is -1 (padding).

    >>> from twingrad.bridge.replay import values
    >>> from twingrad.scalar import Value
    >>> x = values((3,), lambda i: Value(float(i[0] + 1)))
    >>> [v.data for v in gather(x, np.array([2, -1, 0]), Value(0.0))]
    [3.0, 0.0, 1.0]
    """
    flat = x.reshape(-1)
    out = np.empty(positions.shape, dtype=object)
    for index in np.ndindex(*positions.shape):
        p = positions[index]
        out[index] = flat[p] if p >= 0 else fill
    return out


def window_positions(
    shape: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
) -> np.ndarray:
    """For each window element (N, C, *out, *k), the flat input position it reads, or -1.

    >>> window_positions((1, 1, 3), (2,), (1,), ((0, 0),), (1,))[0, 0].tolist()
    [[0, 1], [1, 2]]
    """
    positions = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
    return np.ascontiguousarray(
        windows.windows(positions, kernel_size, stride, padding, dilation, value=-1)
    )


def _conv_ulps(node):
    w = node._prev[1]
    return 2 * (w.numel() // w.shape[0]) + 4


@replay("convolution", ulps=_conv_ulps, fused=True)
def _convolution(node, x, w, b=None, *, stride, padding, dilation, groups):
    nd = w.ndim - 2
    kernel = tuple(w.shape[2:])
    win = gather(
        x, window_positions(x.shape, kernel, stride, padding, dilation), constant(0, first_value(x))
    )
    n, c, out_size = x.shape[0], x.shape[1], win.shape[2 : 2 + nd]
    o = w.shape[0]
    per_group = c // groups
    # (N, *out, C, *k) -> one row of C * K Values per output position
    rows = np.moveaxis(win, 1, 1 + nd).reshape(n, *out_size, c, -1)
    result = np.empty((n, o, *out_size), dtype=object)
    for oc in range(o):
        g = oc // (o // groups)
        weights = w[oc].reshape(-1)
        for index in np.ndindex(n, *out_size):
            window = rows[index][g * per_group : (g + 1) * per_group].reshape(-1)
            terms = [a * k for a, k in zip(window, weights)]
            if b is not None:
                terms.append(b[oc])
            result[(index[0], oc, *index[1:])] = vsum(terms)
    return result


replay("im2col", ulps=0)(
    lambda node, x, kernel_size, stride, padding, dilation: gather(
        x,
        window_positions(x.shape, kernel_size, stride, padding, dilation),
        constant(0, first_value(x)),
    )
)


@replay("col2im", ulps=lambda node: math.prod(node._params["kernel_size"]) + 2)
def _col2im(node, cols, size, kernel_size, stride, padding, dilation):
    shape = (*cols.shape[:2], *size)
    positions = window_positions(shape, kernel_size, stride, padding, dilation)
    flat = scatter_add(cols, positions, math.prod(shape), constant(0, first_value(cols)))
    return flat.reshape(shape)


@replay("max_pool", ulps=0)
def _max_pool(node, x, kernel_size, stride, padding, dilation, ceil_mode):
    data = _floats(x) if x.size else np.zeros(x.shape)
    at = pooling.max_pool_argmax(data, kernel_size, stride, padding, dilation, ceil_mode)
    _, pads = pooling.pool_geometry(x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    positions = window_positions(x.shape, kernel_size, stride, pads, dilation)
    positions = positions.reshape(*positions.shape[: 2 + len(kernel_size)], -1)
    chosen = np.take_along_axis(positions, at[..., None], axis=-1)[..., 0]
    return gather(x, chosen, None)


@replay("avg_pool", ulps=lambda node: math.prod(node._params["kernel_size"]) + 4, fused=True)
def _avg_pool(
    node, x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    nd = len(kernel_size)
    ones = (1,) * nd
    _, pads = pooling.pool_geometry(x.shape[2:], kernel_size, stride, padding, ones, ceil_mode)
    positions = window_positions(x.shape, kernel_size, stride, pads, ones)
    positions = positions.reshape(*positions.shape[: 2 + nd], -1)
    like = node._prev[0]._data
    divisor = pooling.avg_pool_divisor(
        like, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    divisor = np.broadcast_to(np.asarray(divisor), positions.shape[:-1])
    flat = x.reshape(-1)
    zero = constant(0, first_value(x))
    out = np.empty(positions.shape[:-1], dtype=object)
    for index in np.ndindex(*out.shape):
        terms = [flat[p] for p in positions[index] if p >= 0]
        out[index] = (vsum(terms) if terms else zero) / divisor[index]
    return out
