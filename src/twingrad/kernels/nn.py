"""numpy kernels of the nn rules: normalization statistics, embedding rows, the terms of
the negative log-likelihood, binary cross-entropy.

`standardized` also runs on Tensors (the normalization vjps call it with create_graph).

>>> standardized(np.array([[1.0, 3.0]]), (1,), 0.0)[0]
array([[-1.,  1.]])
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from twingrad.core import numeric as g


def standardized(x: Any, dims: tuple[int, ...], eps: float) -> tuple[Any, Any]:
    """(x - mean) / sqrt(var + eps) over ``dims`` (biased variance), and 1 / sqrt(var + eps);
    on arrays or, for create_graph, on tensors.

    >>> standardized(np.array([[1.0, 3.0]]), (1,), 0.0)[1]
    array([[1.]])
    """
    n = math.prod(x.shape[d] for d in dims)
    centered = x - g.sum_axes(x, dims, True) / n
    rstd = 1 / g.sqrt(g.sum_axes(centered * centered, dims, True) / n + eps)
    return centered * rstd, rstd


def normalize(
    x: np.ndarray,
    w: np.ndarray | None = None,
    b: np.ndarray | None = None,
    *,
    dims: tuple[int, ...],
    eps: float,
) -> np.ndarray:
    """batch_norm's and layer_norm's forward: x standardized over ``dims``, scaled, shifted.

    >>> normalize(np.array([[1.0, 3.0]]), np.array([2.0, 2.0]), np.array([1.0, 1.0]), dims=(1,),
    ...           eps=0.0)
    array([[-1.,  3.]])
    """
    xhat, _ = standardized(x, dims, eps)
    if w is not None:
        xhat *= w  # xhat is a fresh array: scale and shift it in place
    if b is not None:
        xhat += b
    return xhat


def row_factor(
    ids: np.ndarray,
    num_weights: int,
    padding_idx: int | None,
    scale_grad_by_freq: bool,
    like: np.ndarray,
) -> np.ndarray | None:
    """What each looked-up row's gradient is multiplied by: 0 at padding_idx, and 1 / (how
    often its id occurs) with ``scale_grad_by_freq``; None when it is 1 everywhere.

    >>> row_factor(np.array([0, 1, 0]), 3, 1, True, np.ones((3, 2)))
    array([[0.5],
           [0. ],
           [0.5]])
    """
    if padding_idx is None and not scale_grad_by_freq:
        return None
    factor = np.ones(ids.shape)
    if scale_grad_by_freq:
        factor = factor / np.bincount(ids.reshape(-1), minlength=num_weights)[ids]
    if padding_idx is not None:
        factor = factor * (ids != padding_idx)
    factor = factor.reshape(ids.shape + (1,) * (like.ndim - ids.ndim))
    if like.dtype == object:
        return np.vectorize(Fraction, otypes=[object])(factor)
    return factor.astype(like.dtype)


def embedding_backward(
    grad: np.ndarray,
    indices: np.ndarray,
    num_weights: int,
    padding_idx: int | None = None,
    scale_grad_by_freq: bool = False,
) -> np.ndarray:
    """The rows of ``grad`` added into a (num_weights, ...) array at ``indices``.

    >>> embedding_backward(np.ones((3, 1)), np.array([0, 2, 0]), 3)
    array([[2.],
           [0.],
           [1.]])
    """
    factor = row_factor(indices, num_weights, padding_idx, scale_grad_by_freq, grad)
    gw = g.zeros((num_weights, *grad.shape[indices.ndim :]), grad.dtype)
    np.add.at(gw, indices, grad if factor is None else grad * factor)
    return gw


def nll_terms(
    x: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None,
    ignore_index: int,
    label_smoothing: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per element of the target: its weight (0 where ignored), and the coefficients M with
    loss = sum over classes of M * x (before the reduction).

    >>> weights, coef = nll_terms(np.zeros((2, 3)), np.array([2, -100]), None, -100, 0.0)
    >>> weights, coef[0]
    (array([1., 0.]), array([ 0.,  0., -1.]))
    """
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    w_t = g.indicator(valid, x)
    if weight is not None:
        w_t = w_t * weight[safe]
    coef = g.zeros(x.shape, x.dtype)
    np.put_along_axis(coef, safe[:, None], -w_t[:, None], axis=1)
    if label_smoothing:
        c = x.shape[1]
        spread = g.indicator(valid, x)[:, None] * (
            1 if weight is None else weight.reshape((1, c) + (1,) * (x.ndim - 2))
        )
        coef = (1 - label_smoothing) * coef - (label_smoothing / c) * spread
    return w_t, coef


def nll_loss(
    x: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> np.ndarray:
    """PyTorch's nll_loss of log-probabilities ``x`` (N, C, ...) at class indices ``target``.

    >>> float(nll_loss(np.log(np.array([[0.5, 0.5], [0.25, 0.75]])), np.array([0, 1])))
    0.490...
    """
    w_t, coef = nll_terms(x, target, weight, ignore_index, label_smoothing)
    if label_smoothing:
        per = (coef * x).sum(axis=1)
    else:
        safe = np.where(target != ignore_index, target, 0)
        per = -w_t * np.take_along_axis(x, safe[:, None], axis=1)[:, 0]
    if reduction == "none":
        return per
    total = per.sum()
    return total if reduction == "sum" else total / w_t.sum()


def binary_cross_entropy(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """-(y log p + (1 - y) log(1 - p)), each log clamped at -100 as in PyTorch.

    >>> float(binary_cross_entropy(np.array(0.0), np.array(1.0)))
    100.0
    """
    # PyTorch clamps each log at -100 so that p = 0 or 1 gives a finite loss
    return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))
