"""Neural-network rules: normalization, embedding and losses.

The numpy kernels they call (statistics, embedding rows, the terms of the negative
log-likelihood) are in `twingrad.kernels.nn`. Where a backward needs a fact about its input
rather than a formula (which classes a target names, how often an id occurs) it reads the
numbers with `numeric.values`, and the gradient is a constant times the upstream gradient,
which is differentiable again.

>>> from twingrad.rules import RULES
>>> print(RULES["embedding"].formula(1))
d(w[indices])/dindices = no gradient (indices)
"""

from __future__ import annotations

import math

import numpy as np

from twingrad.core import numeric as g
from twingrad.kernels import nn as k
from twingrad.kernels.reduce import log_softmax
from twingrad.rules.rule import elementwise, normal, sample, structural


def _normalize_vjp_x(grad, out, x, w=None, b=None, *, dims, eps):
    n = math.prod(x.shape[d] for d in dims)
    xhat, rstd = k.standardized(x, dims, eps)
    gx = grad if w is None else grad * w
    mean_g = g.sum_axes(gx, dims, True) / n
    mean_gx = g.sum_axes(gx * xhat, dims, True) / n
    return rstd * (gx - mean_g - xhat * mean_gx)


def _normalize_vjp_w(grad, out, x, w=None, b=None, *, dims, eps):
    return grad * k.standardized(x, dims, eps)[0]  # summed to w's shape by the engines


def _normalization(name: str, samples: list):
    """batch_norm and layer_norm are one rule under two names: they differ only in the
    ``dims`` they take the mean and variance over, which the layers pass in."""
    return structural(
        name,
        expr="(x - mean) / sqrt(var + eps) * w + b",
        latex=r"\hat{x}\, w + b",
        forward=k.normalize,
        grad={
            "x": _normalize_vjp_x,
            "w": _normalize_vjp_w,
            "b": lambda grad, out, x, w=None, b=None, **p: grad,
        },
        text={
            "x": "grad_x = (g - mean(g) - xhat * mean(g * xhat)) / sqrt(var + eps), "
            "g = grad_out * w",
            "w": "grad_w = grad_out * xhat, summed",
            "b": "grad_b = grad_out, summed",
        },
        tex={
            "x": r"\bar{x} = \frac{g - \overline{g} - \hat{x}\,\overline{g \hat{x}}}"
            r"{\sqrt{\sigma^2 + \epsilon}},\ g = \bar{y} w",
            "w": r"\bar{w} = \textstyle\sum \bar{y}\,\hat{x}",
            "b": r"\bar{b} = \textstyle\sum \bar{y}",
        },
        saves=("x", "w"),
        rational=False,
        params=("dims", "eps"),
        samples=samples,
    )


BATCH_NORM = _normalization(
    "batch_norm",
    [
        sample(normal(4, 3), normal(3), normal(3), dims=(0,), eps=1e-5),
        sample(normal(2, 3, 2, 2), normal(3, 1, 1), normal(3, 1, 1), dims=(0, 2, 3), eps=1e-5),
    ],
)
LAYER_NORM = _normalization(
    "layer_norm",
    [
        sample(normal(2, 3, 4), normal(4), normal(4), dims=(2,), eps=1e-5),
        sample(normal(2, 3, 4), dims=(1, 2), eps=1e-5),
    ],
)


def _embedding_vjp(grad, out, w, indices, padding_idx=None, scale_grad_by_freq=False):
    return g.run_rule(
        EMBEDDING_BACKWARD,
        grad,
        indices,
        num_weights=w.shape[0],
        padding_idx=padding_idx,
        scale_grad_by_freq=scale_grad_by_freq,
    )


_IDS = np.array([[0, 2], [4, 2]])

EMBEDDING = structural(
    "embedding",
    expr="w[indices]",
    latex=r"W_{\text{indices}}",
    forward=lambda w, indices, padding_idx=None, scale_grad_by_freq=False: w[indices],
    grad={"w": _embedding_vjp, "indices": None},
    text={
        "w": "grad_w[i] = sum of grad_out where indices == i (0 for padding_idx)",
        "indices": "no gradient (indices)",
    },
    tex={
        "w": r"\bar{W}_i = \textstyle\sum_{j:\ \text{idx}_j = i} \bar{y}_j",
        "indices": r"\text{none}",
    },
    saves=("indices",),  # and w's shape
    params=("padding_idx", "scale_grad_by_freq"),
    samples=[
        sample(normal(5, 3), _IDS),
        sample(normal(5, 3), _IDS, padding_idx=2, scale_grad_by_freq=True),
    ],
)


def _embedding_backward_vjp(
    grad, out, upstream, indices, num_weights, padding_idx=None, scale_grad_by_freq=False
):
    rows = g.run_rule(EMBEDDING, grad, indices)
    factor = k.row_factor(
        g.values(indices), num_weights, padding_idx, scale_grad_by_freq, g.values(upstream)
    )
    return rows if factor is None else rows * factor


EMBEDDING_BACKWARD = structural(
    "embedding_backward",
    expr="scatter_add(grad, indices)",
    latex=r"\operatorname{scatter}(\bar{y})",
    forward=k.embedding_backward,
    grad={"grad": _embedding_backward_vjp, "indices": None},
    text={
        "grad": "d/dgrad = the rows of the upstream gradient at indices",
        "indices": "no gradient (indices)",
    },
    tex={"grad": r"\bar{g}_j = \bar{W}_{\text{idx}_j}", "indices": r"\text{none}"},
    saves=("indices",),  # and grad's shape and dtype
    params=("num_weights", "padding_idx", "scale_grad_by_freq"),
    samples=[
        sample(normal(2, 2, 3), _IDS, num_weights=5),
        sample(normal(2, 2, 3), _IDS, num_weights=5, padding_idx=0, scale_grad_by_freq=True),
    ],
)


def _nll_vjp(
    grad, out, x, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0
):
    xs = g.values(x)
    w = None if weight is None else g.values(weight)
    w_t, coef = k.nll_terms(xs, g.values(target), w, ignore_index, label_smoothing)
    if reduction == "mean":
        coef = coef / w_t.sum()
    if reduction == "none":
        grad = grad.reshape((grad.shape[0], 1, *grad.shape[1:]))
    return grad * coef


_TARGET = np.array([0, 2, 1, 2])
_LOG_P = log_softmax(normal(4, 3), 1)  # log-probabilities, what nll_loss takes

NLL_LOSS = structural(
    "nll_loss",
    expr="nll_loss(x, target)",
    latex=r"-\textstyle\sum_n w_{t_n} x_{n,t_n}",
    forward=k.nll_loss,
    grad={"x": _nll_vjp, "target": None, "weight": None},
    text={
        "x": "grad_x = -w[target] at each target class, 0 elsewhere (/ sum of w[target] "
        "for the mean)",
        "target": "no gradient (class indices)",
        "weight": "no gradient (class weights)",
    },
    tex={
        "x": r"\bar{x}_{n,c} = -w_c [c = t_n] \,/\, \textstyle\sum_n w_{t_n}",
        "target": r"\text{none}",
        "weight": r"\text{none}",
    },
    saves=("x", "target", "weight"),
    params=("ignore_index", "reduction", "label_smoothing"),
    samples=[
        sample(_LOG_P, _TARGET),
        sample(_LOG_P, _TARGET, np.array([0.5, 1.0, 2.0]), ignore_index=1, reduction="sum"),
        sample(_LOG_P, _TARGET, reduction="none", label_smoothing=0.1),
    ],
)


def _bce_dp(out, p, y):
    spread = (1 - p) * p
    return (p - y) / g.where(spread > 1e-12, spread, 1e-12)


BINARY_CROSS_ENTROPY = elementwise(
    "binary_cross_entropy",
    expr="-(y * log(p) + (1 - y) * log(1 - p))",
    latex=r"-\left(y \log p + (1 - y)\log(1 - p)\right)",
    forward=k.binary_cross_entropy,
    d={"p": _bce_dp, "y": lambda out, p, y: g.log(1 - p) - g.log(p)},
    text={"p": "(p - y) / (p * (1 - p))", "y": "log(1 - p) - log(p)"},
    tex={"p": r"\frac{p - y}{p\,(1 - p)}", "y": r"\log(1 - p) - \log p"},
    saves=("p", "y"),
    rational=False,
    samples=[sample([0.2, 0.5, 0.9], [0.0, 1.0, 0.3])],
)
