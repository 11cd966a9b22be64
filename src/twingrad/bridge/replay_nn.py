"""Scalar replays of the neural-network rules: linear, convolution, pooling, embedding, losses.

Windows are found by running the rule table's own window geometry on an array of element
positions (padding marked -1), so a replay reads exactly the elements a window covers and
nothing else: a convolution becomes one sum of products per output element, a pool one
max or mean of Values, im2col a gather of references and col2im a sum of them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from twingrad.bridge.replay import (
    as_array,
    constant,
    elementwise,
    reduce_last,
    replay,
    scatter_add,
    vsum,
)
from twingrad.kernels import nn as nn_kernels
from twingrad.kernels import pooling, windows

if TYPE_CHECKING:
    from twingrad.scalar import Value

for _name in ("erf", "leaky_relu", "gelu", "gelu_tanh", "softplus", "silu",
              "binary_cross_entropy"):  # fmt: skip
    replay(_name, ulps=8)(elementwise)


def _first(values: np.ndarray):
    return values.reshape(-1)[0] if values.size else None


def _floats(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: float(v.data), otypes=[np.float64])(values)


def _ints(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: int(v.data), otypes=[np.int64])(values)


def gather(x: np.ndarray, positions: np.ndarray, fill: Value) -> np.ndarray:
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


def _positions(shape) -> np.ndarray:
    return np.arange(math.prod(shape), dtype=np.int64).reshape(shape)


def window_positions(
    shape: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
) -> np.ndarray:
    """For each window element (N, C, *out, *k), the flat input position it reads, or -1.

    >>> window_positions((1, 1, 4), (2,), (2,), ((1, 1),), (1,))[0, 0].tolist()
    [[-1, 0], [1, 2], [3, -1]]
    """
    return np.ascontiguousarray(
        windows.windows(_positions(shape), kernel_size, stride, padding, dilation, value=-1)
    )


# -- linear and convolution: sums of products ----------------------------------------------


def _linear_ulps(node):
    return 2 * node._prev[1].shape[-1] + 4


@replay("linear", ulps=_linear_ulps)
def _linear(node, x, w, b=None):
    products = x[..., None, :] * w  # (..., out, in)
    if b is None:
        return as_array(reduce_last(products, vsum))
    out = np.empty(products.shape[:-1], dtype=object)
    for index in np.ndindex(*out.shape):
        out[index] = vsum([*products[index], b[index[-1]]])
    return out


def _conv_ulps(node):
    w = node._prev[1]
    return 2 * (w.numel() // w.shape[0]) + 4


@replay("convolution", ulps=_conv_ulps)
def _convolution(node, x, w, b=None, *, stride, padding, dilation, groups):
    nd = w.ndim - 2
    kernel = tuple(w.shape[2:])
    win = gather(x, window_positions(x.shape, kernel, stride, padding, dilation),
                 constant(0, _first(x)))  # fmt: skip
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
        x, window_positions(x.shape, kernel_size, stride, padding, dilation),
        constant(0, _first(x)),
    )
)  # fmt: skip


@replay("col2im", ulps=lambda node: math.prod(node._params["kernel_size"]) + 2)
def _col2im(node, cols, size, kernel_size, stride, padding, dilation):
    shape = (*cols.shape[:2], *size)
    positions = window_positions(shape, kernel_size, stride, padding, dilation)
    flat = scatter_add(cols, positions, math.prod(shape), constant(0, _first(cols)))
    return flat.reshape(shape)


# -- pooling ---------------------------------------------------------------------------------


@replay("max_pool", ulps=0)
def _max_pool(node, x, kernel_size, stride, padding, dilation, ceil_mode):
    data = _floats(x) if x.size else np.zeros(x.shape)
    at = pooling.max_pool_argmax(data, kernel_size, stride, padding, dilation, ceil_mode)
    _, pads = pooling.pool_geometry(x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    positions = window_positions(x.shape, kernel_size, stride, pads, dilation)
    positions = positions.reshape(*positions.shape[: 2 + len(kernel_size)], -1)
    chosen = np.take_along_axis(positions, at[..., None], axis=-1)[..., 0]
    return gather(x, chosen, None)


@replay("avg_pool", ulps=lambda node: math.prod(node._params["kernel_size"]) + 4)
def _avg_pool(node, x, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):  # fmt: skip
    nd = len(kernel_size)
    ones = (1,) * nd
    _, pads = pooling.pool_geometry(x.shape[2:], kernel_size, stride, padding, ones, ceil_mode)
    positions = window_positions(x.shape, kernel_size, stride, pads, ones)
    positions = positions.reshape(*positions.shape[: 2 + nd], -1)
    like = node._prev[0]._data
    divisor = pooling.avg_pool_divisor(like, kernel_size, stride, padding, ceil_mode,
                                      count_include_pad, divisor_override)  # fmt: skip
    divisor = np.broadcast_to(np.asarray(divisor), positions.shape[:-1])
    flat = x.reshape(-1)
    zero = constant(0, _first(x))
    out = np.empty(positions.shape[:-1], dtype=object)
    for index in np.ndindex(*out.shape):
        terms = [flat[p] for p in positions[index] if p >= 0]
        out[index] = (vsum(terms) if terms else zero) / divisor[index]
    return out


# -- normalization ---------------------------------------------------------------------------


def _normalize_ulps(node):
    x = node._prev[0]
    return 4 * math.prod(x.shape[d] for d in node._params["dims"]) + 16


@replay("batch_norm", "layer_norm", ulps=_normalize_ulps)
def _normalize(node, x, w=None, b=None, *, dims, eps):
    kept = [a for a in range(x.ndim) if a not in dims]
    order = (*kept, *dims)
    lines = x.transpose(order).reshape(-1, math.prod(x.shape[d] for d in dims))
    out = np.empty(lines.shape, dtype=object)
    for i, vs in enumerate(lines):
        mean = vsum(vs) / len(vs)
        centered = [v - mean for v in vs]
        rstd = 1 / (vsum(c * c for c in centered) / len(vs) + eps).sqrt()
        out[i] = [c * rstd for c in centered]
    out = out.reshape([x.shape[a] for a in order]).transpose(np.argsort(order))
    if w is not None:
        out = out * w
    return out if b is None else out + b


# -- embedding -------------------------------------------------------------------------------


def _scaled(v, factor):
    """``v`` with its gradient multiplied by ``factor`` and its value unchanged."""
    if factor == 1:
        return v
    return v * factor + constant(v.data, v) * (1 - factor)


def _row_factors(ids, num_weights, padding_idx, scale_grad_by_freq, like):
    factor = nn_kernels.row_factor(ids, num_weights, padding_idx, scale_grad_by_freq,
                               np.zeros(ids.shape, dtype=like))  # fmt: skip
    return np.ones(ids.shape, dtype=object) if factor is None else factor.reshape(ids.shape)


@replay("embedding", ulps=2)
def _embedding(node, w, indices, padding_idx=None, scale_grad_by_freq=False):
    ids = _ints(indices) if indices.size else np.zeros(indices.shape, np.int64)
    rows = w[ids]  # (*ids, dim): references to the rows looked up
    factors = _row_factors(ids, w.shape[0], padding_idx, scale_grad_by_freq,
                           node._prev[0]._data.dtype)  # fmt: skip
    out = np.empty(rows.shape, dtype=object)
    for index in np.ndindex(*rows.shape):
        out[index] = _scaled(rows[index], factors[index[: ids.ndim]])
    return out


@replay("embedding_backward", ulps=lambda node: node._prev[0].numel() + 2)
def _embedding_backward(node, grad, indices, num_weights, padding_idx=None,
                        scale_grad_by_freq=False):  # fmt: skip
    ids = _ints(indices)
    factors = _row_factors(ids, num_weights, padding_idx, scale_grad_by_freq,
                           node._prev[0]._data.dtype)  # fmt: skip
    dim = grad.shape[ids.ndim :]
    sums: dict[int, list] = {}
    for index in np.ndindex(*ids.shape):
        sums.setdefault(int(ids[index]), []).append((grad[index], factors[index]))
    zero = constant(0, _first(grad))
    out = np.empty((num_weights, *dim), dtype=object)
    for row in range(num_weights):
        for j in np.ndindex(*dim):
            terms = [g[j] * f if f != 1 else g[j] for g, f in sums.get(row, []) if f != 0]
            out[(row, *j)] = vsum(terms) if terms else zero
    return out


# -- losses ----------------------------------------------------------------------------------


@replay("nll_loss", ulps=lambda node: 2 * max(node._prev[0].numel(), 1) + 4)
def _nll_loss(node, x, target, weight=None, *, ignore_index=-100, reduction="mean",
              label_smoothing=0.0):  # fmt: skip
    data = node._prev[0]._data
    t = node._prev[1]._data
    w = None if weight is None else node._prev[2]._data
    w_t, coef = nn_kernels.nll_terms(data, t, w, ignore_index, label_smoothing)
    # the loss of each target element: sum over classes of coef * x (coef are constants)
    per = np.empty(t.shape, dtype=object)
    zero = constant(0, _first(x))
    for index in np.ndindex(*t.shape):
        at = (index[0], slice(None), *index[1:])
        terms = [v * c for v, c in zip(x[at], coef[at]) if c != 0]
        per[index] = vsum(terms) if terms else zero
    if reduction == "none":
        return per
    total = vsum(per.reshape(-1)) if per.size else zero
    return as_array(total if reduction == "sum" else total / np.sum(w_t))
