"""Replays of the neural-network rules (`twingrad.rules.nn`): batch_norm, layer_norm,
embedding, embedding_backward, nll_loss and binary_cross_entropy.

binary_cross_entropy is elementwise, so both engines run the same rule with the same
derivative on each element (with the default bound of 8 ulps, no entry here). An embedding
looks up references to the weight's rows (scaled in the gradient only, where
``scale_grad_by_freq`` asks), and embedding_backward sums the gradient rows sent to each
weight row.

batch_norm, layer_norm and nll_loss are fused tensor-only rules: the scalar engine has no op
for them, so the replay writes out their definitions (a mean, centred values, the variance
and a reciprocal square root for a normalization; a weighted sum of the chosen
log-probabilities, divided by the total weight, for nll_loss). The tensor engine's one-node
derivatives are checked against the chain rule through those definitions.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> w = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> s = scalarize(twingrad.nn.functional.embedding(twingrad.tensor([1]), w))
>>> s.outputs[0, 1] is s.leaf_values(w)[1, 1]
True
"""

from __future__ import annotations

import math

import numpy as np

from twingrad.bridge.replay.rule import (
    as_array,
    constant,
    first_value,
    replay,
    vsum,
)
from twingrad.kernels import nn as nn_kernels


def _ints(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: int(v.data), otypes=[np.int64])(values)


def _normalize_ulps(node):
    x = node._prev[0]
    return 4 * math.prod(x.shape[d] for d in node._params["dims"]) + 16


@replay("batch_norm", "layer_norm", ulps=_normalize_ulps, fused=True)
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


def _scaled(v, factor):
    """``v`` with its gradient multiplied by ``factor`` and its value unchanged."""
    if factor == 1:
        return v
    return v * factor + constant(v.data, v) * (1 - factor)


def _row_factors(ids, num_weights, padding_idx, scale_grad_by_freq, like):
    factor = nn_kernels.row_factor(
        ids, num_weights, padding_idx, scale_grad_by_freq, np.zeros(ids.shape, dtype=like)
    )
    return np.ones(ids.shape, dtype=object) if factor is None else factor.reshape(ids.shape)


@replay("embedding", ulps=2)
def _embedding(node, w, indices, padding_idx=None, scale_grad_by_freq=False):
    ids = _ints(indices) if indices.size else np.zeros(indices.shape, np.int64)
    rows = w[ids]  # (*ids, dim): references to the rows looked up
    factors = _row_factors(
        ids, w.shape[0], padding_idx, scale_grad_by_freq, node._prev[0]._data.dtype
    )
    out = np.empty(rows.shape, dtype=object)
    for index in np.ndindex(*rows.shape):
        out[index] = _scaled(rows[index], factors[index[: ids.ndim]])
    return out


@replay("embedding_backward", ulps=lambda node: node._prev[0].numel() + 2)
def _embedding_backward(
    node, grad, indices, num_weights, padding_idx=None, scale_grad_by_freq=False
):
    ids = _ints(indices)
    factors = _row_factors(
        ids, num_weights, padding_idx, scale_grad_by_freq, node._prev[0]._data.dtype
    )
    dim = grad.shape[ids.ndim :]
    sums: dict[int, list] = {}
    for index in np.ndindex(*ids.shape):
        sums.setdefault(int(ids[index]), []).append((grad[index], factors[index]))
    zero = constant(0, first_value(grad))
    out = np.empty((num_weights, *dim), dtype=object)
    for row in range(num_weights):
        for j in np.ndindex(*dim):
            terms = [g[j] * f if f != 1 else g[j] for g, f in sums.get(row, []) if f != 0]
            out[(row, *j)] = vsum(terms) if terms else zero
    return out


@replay("nll_loss", ulps=lambda node: 2 * max(node._prev[0].numel(), 1) + 4, fused=True)
def _nll_loss(
    node, x, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0
):
    data = node._prev[0]._data
    t = node._prev[1]._data
    w = None if weight is None else node._prev[2]._data
    w_t, coef = nn_kernels.nll_terms(data, t, w, ignore_index, label_smoothing)
    # the loss of each target element: sum over classes of coef * x (coef are constants)
    per = np.empty(t.shape, dtype=object)
    zero = constant(0, first_value(x))
    for index in np.ndindex(*t.shape):
        at = (index[0], slice(None), *index[1:])
        terms = [v * c for v, c in zip(x[at], coef[at]) if c != 0]
        per[index] = vsum(terms) if terms else zero
    if reduction == "none":
        return per
    total = vsum(per.reshape(-1)) if per.size else zero
    return as_array(total if reduction == "sum" else total / np.sum(w_t))
