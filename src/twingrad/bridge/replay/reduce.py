"""Replays of the reductions (`twingrad.rules.reduce`): a sum becomes one n-ary sum, a mean
a sum divided by the count, a product a chain of products; amax and amin share the
gradient equally among tied extremes, max_dim and min_dim pick the first extreme (a nan
counting as the extreme, as numpy and PyTorch do).

var, std and logsumexp are fused tensor-only rules: the scalar engine has no op for them,
so the replay writes out their definitions (a mean, deviations, squares and a sum; exps of
shifted values, a sum and a log). The tensor engine's one-node derivative is then checked
against the chain rule through those definitions.

A reduction over ``n`` terms may round differently in each of its ``n`` additions (numpy
sums pairwise, the replay in order): the bounds grow with ``n``.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> [v.data for v in scalarize(x.sum(0)).outputs]
[4.0, 6.0]
"""

from __future__ import annotations

import numpy as np

from twingrad.bridge.replay.rule import exp_shift, reduce_dims, replay, vsum


def _reduction_length(node) -> int:
    x = node._prev[0]
    dim = node._params.get("dim")
    if dim is None:
        return max(x.numel(), 1)
    return int(np.prod([x.shape[d] for d in dim])) or 1


@replay("sum", ulps=lambda node: _reduction_length(node) + 1)
def _sum(node, x, dim=None, keepdim=False):
    return reduce_dims(x, dim, keepdim, vsum)


@replay("mean", ulps=lambda node: _reduction_length(node) + 2)
def _mean(node, x, dim=None, keepdim=False):
    n = _reduction_length(node)
    return reduce_dims(x, dim, keepdim, lambda vs: vsum(vs) / n)


def _product(vs):
    out = vs[0]
    for v in vs[1:]:
        out = out * v
    return out


replay("prod", ulps=lambda node: 2 * _reduction_length(node) + 1)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(x, dim, keepdim, _product)
)


def _is_nan(v) -> bool:
    return v.data != v.data


def _tied_extremes(vs, largest: bool):
    """The Values equal to the max (min) of ``vs``; the nan ones if there are any."""
    nans = [v for v in vs if _is_nan(v)]
    if nans:
        return nans
    best = max(v.data for v in vs) if largest else min(v.data for v in vs)
    return [v for v in vs if v.data == best]


def _share(ties):
    # each tied element gets an equal share of the gradient, as PyTorch's amax/amin
    return ties[0] if len(ties) == 1 else vsum(ties) / len(ties)


replay("amax", ulps=lambda node: _reduction_length(node) + 2)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _share(_tied_extremes(vs, True))
    )
)
replay("amin", ulps=lambda node: _reduction_length(node) + 2)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _share(_tied_extremes(vs, False))
    )
)


def _first_extreme(vs, largest: bool):
    """The first maximum (minimum) of ``vs``, a nan counting as the extreme (numpy, PyTorch)."""
    return _tied_extremes(vs, largest)[0]


def _pick_along(x, dim, keepdim, largest):
    if x.ndim == 0:
        return x
    return reduce_dims(x, (dim,), keepdim, lambda vs: _first_extreme(vs, largest))


replay("max_dim", ulps=0)(
    lambda node, x, dim, keepdim=False: _pick_along(x, dim, keepdim, largest=True)
)
replay("min_dim", ulps=0)(
    lambda node, x, dim, keepdim=False: _pick_along(x, dim, keepdim, largest=False)
)


def _variance(vs, correction):
    n = len(vs)
    mean = vsum(vs) / n
    deviations = [v - mean for v in vs]
    return vsum(d * d for d in deviations) / max(n - correction, 0)


replay("var", ulps=lambda node: 3 * _reduction_length(node) + 4, fused=True)(
    lambda node, x, dim=None, correction=1, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _variance(vs, correction)
    )
)
replay("std", ulps=lambda node: 3 * _reduction_length(node) + 6, fused=True)(
    lambda node, x, dim=None, correction=1, keepdim=False: reduce_dims(
        x, dim, keepdim, lambda vs: _variance(vs, correction).sqrt()
    )
)


def _logsumexp_of(vs):
    m = exp_shift(vs)
    return vsum((v - m).exp() for v in vs).log() + m


replay("logsumexp", ulps=lambda node: _reduction_length(node) + 8, fused=True)(
    lambda node, x, dim=None, keepdim=False: reduce_dims(x, dim, keepdim, _logsumexp_of)
)
