"""Reductions: rules that collapse the dims they are given.

Each rule's ``dim`` parameter is a sorted tuple of non-negative axes, or None for "every
axis" (a 0-d input is always reduced with None); ``keepdim`` keeps the reduced axes with
size 1. ``max_dim``/``min_dim`` take one int ``dim`` instead.

Tie conventions are decided here, once, as PyTorch decides them:

- ``amax``/``amin`` (also the full ``max()``/``min()``) share the gradient evenly among all
  elements equal to the result; when the result is nan, among the nan elements.
- ``max_dim``/``min_dim`` (``max(dim)``/``min(dim)``) send all of it to the returned index:
  the first maximum (or first nan) along ``dim``, the index ``argmax`` returns.

The vjps use only operators and `twingrad.core.numeric` helpers (plus numpy for constants such
as an index mask), so they run on numpy arrays and, for ``create_graph=True``, on Tensors.
The forwards' numpy kernels are in `twingrad.kernels.reduce`.

>>> from twingrad.rules import RULES
>>> print(RULES["mean"].formula(0))
d(mean(x, dim))/dx = grad_x = grad_out / n broadcast back over dim
"""

from __future__ import annotations

import numpy as np

from twingrad.core import numeric as g
from twingrad.kernels import reduce as k
from twingrad.rules.rule import normal, sample, structural

_X = normal(2, 3, 4)
_OVER = [sample(_X), sample(_X, dim=(1,)), sample(_X, dim=(0, 2), keepdim=True)]
_ALONG = [sample(_X, dim=1), sample(_X, dim=2, keepdim=True)]
_REDUCTION = ("dim", "keepdim")


def unreduce(grad, x, dim, keepdim):
    """The gradient of a reduction spread back over the reduced axes.

    >>> unreduce(np.array([1.0, 2.0]), np.ones((2, 3)), (1,), False).tolist()
    [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    """
    if dim is None:
        return g.broadcast_to(grad.reshape((1,) * x.ndim), x.shape)
    if not keepdim:
        kept = list(x.shape)
        for d in dim:
            kept[d] = 1
        grad = grad.reshape(tuple(kept))
    return g.broadcast_to(grad, x.shape)


SUM = structural(
    "sum",
    expr="sum(x, dim)",
    latex=r"\sum_{dim} x",
    # the method: np.sum's Python wrapper costs more than summing a small array
    forward=lambda x, dim=None, keepdim=False: x.sum(axis=dim, keepdims=keepdim),
    grad={"x": lambda grad, out, x, dim=None, keepdim=False: unreduce(grad, x, dim, keepdim)},
    text={"x": "grad_x = grad_out broadcast back over dim"},
    tex={"x": r"\bar{x} = \bar{y}\ \text{broadcast}"},
    saves=(),  # only x's shape
    params=_REDUCTION,
    samples=_OVER,
)

MEAN = structural(
    "mean",
    expr="mean(x, dim)",
    latex=r"\frac{1}{n}\sum_{dim} x",
    forward=lambda x, dim=None, keepdim=False: k.mean(x, dim, keepdim),
    grad={
        "x": lambda grad, out, x, dim=None, keepdim=False: (
            unreduce(grad, x, dim, keepdim) / k.count(x, dim)
        )
    },
    text={"x": "grad_x = grad_out / n broadcast back over dim"},
    tex={"x": r"\bar{x} = \bar{y} / n"},
    saves=(),  # only x's shape
    params=_REDUCTION,
    samples=_OVER,
)


def _reduced_last(x, dim):
    """x as (..., n) with the reduced elements on the last axis, and how to undo it."""
    if dim is None:
        return x.reshape((1, k.count(x, None))), lambda y: y.reshape(x.shape)
    (d,) = dim
    order = tuple(i for i in range(x.ndim) if i != d) + (d,)
    back = tuple(np.argsort(order).tolist())
    return g.permute(x, order), lambda y: g.permute(y, back)


def _product_of_others(x, dim):
    """For each element, the product of the other elements it is reduced with.

    Dividing the product by the element fails at zeros, so this never divides: numpy
    arrays multiply an exclusive running product from the left by one from the right;
    Tensors (``create_graph=True``) take, for each element, the product of a row in which
    that element is replaced by 1, which costs n^2 but stays differentiable everywhere.
    """
    if 0 in x.shape:
        return x
    xs, back = _reduced_last(x, dim)
    if isinstance(xs, np.ndarray):
        one = np.ones(xs.shape[:-1] + (1,), dtype=xs.dtype)  # int 1 in an object array
        left = np.cumprod(np.concatenate([one, xs[..., :-1]], axis=-1), axis=-1)
        right = np.cumprod(np.concatenate([one, xs[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        return back(left * right)
    n = xs.shape[-1]
    rows = g.broadcast_to(xs.reshape(tuple(xs.shape[:-1]) + (1, n)), tuple(xs.shape) + (n,))
    return back(g.where(np.eye(n, dtype=bool), 1, rows).prod(dim=-1))


PROD = structural(
    "prod",
    expr="prod(x, dim)",
    latex=r"\prod_{dim} x",
    forward=lambda x, dim=None, keepdim=False: np.prod(x, axis=dim, keepdims=keepdim),
    grad={
        "x": lambda grad, out, x, dim=None, keepdim=False: (
            unreduce(grad, x, dim, keepdim) * _product_of_others(x, dim)
        )
    },
    text={"x": "grad_x_i = grad_out * (product of the other x_j)"},
    tex={"x": r"\bar{x}_i = \bar{y} \prod_{j \ne i} x_j"},
    saves=("x",),
    params=_REDUCTION,
    samples=[sample(_X), sample(_X, dim=(1,)), sample([[2.0, 0.0, 3.0], [0.0, 0.0, 1.5]])],
)


def _share_among_ties(grad, out, x, dim=None, keepdim=False):
    """amax/amin's vjp: the gradient split evenly among the elements equal to the result."""
    hit = unreduce(out, x, dim, keepdim)
    ties = (x == hit) | ((x != x) & (hit != hit))  # a nan result came from the nan elements
    share = g.indicator(ties, x)
    return unreduce(grad, x, dim, keepdim) * share / g.sum_axes(share, dim, keepdims=True)


_TIES = [sample(_X), sample(_X, dim=(1,)), sample([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]], dim=(1,))]

AMAX = structural(
    "amax",
    expr="amax(x, dim)",
    latex=r"\max_{dim} x",
    forward=lambda x, dim=None, keepdim=False: np.max(x, axis=dim, keepdims=keepdim),
    grad={"x": _share_among_ties},
    text={"x": "grad_x = grad_out / (number of maxima) where x == max, else 0"},
    tex={"x": r"\bar{x}_i = \frac{\bar{y}\,[x_i = y]}{\sum_j [x_j = y]}"},
    saves=("x", "out"),
    params=_REDUCTION,
    samples=_TIES,
)

AMIN = structural(
    "amin",
    expr="amin(x, dim)",
    latex=r"\min_{dim} x",
    forward=lambda x, dim=None, keepdim=False: np.min(x, axis=dim, keepdims=keepdim),
    grad={"x": _share_among_ties},
    text={"x": "grad_x = grad_out / (number of minima) where x == min, else 0"},
    tex={"x": r"\bar{x}_i = \frac{\bar{y}\,[x_i = y]}{\sum_j [x_j = y]}"},
    saves=("x", "out"),
    params=_REDUCTION,
    samples=_TIES,
)


def _to_index(largest):
    def vjp(grad, out, x, dim, keepdim=False):
        data = np.asarray(x)  # the index is a constant of the backward, even for Tensors
        if data.ndim == 0:
            return grad
        chosen = np.zeros(data.shape, dtype=bool)
        np.put_along_axis(chosen, k.arg_extreme(data, dim, largest), True, axis=dim)
        return g.where(chosen, unreduce(grad, x, (dim,), keepdim), 0)

    return vjp


MAX_DIM = structural(
    "max_dim",
    expr="max(x, dim)",
    latex=r"\max_{dim} x",
    forward=lambda x, dim, keepdim=False: k.pick(x, dim, keepdim, largest=True),
    grad={"x": _to_index(largest=True)},
    text={"x": "grad_x = grad_out at the returned index (the first maximum), else 0"},
    tex={"x": r"\bar{x}_i = \bar{y}\,[i = \operatorname{argmax} x]"},
    saves=("x",),
    params=_REDUCTION,
    samples=_ALONG,
)

MIN_DIM = structural(
    "min_dim",
    expr="min(x, dim)",
    latex=r"\min_{dim} x",
    forward=lambda x, dim, keepdim=False: k.pick(x, dim, keepdim, largest=False),
    grad={"x": _to_index(largest=False)},
    text={"x": "grad_x = grad_out at the returned index (the first minimum), else 0"},
    tex={"x": r"\bar{x}_i = \bar{y}\,[i = \operatorname{argmin} x]"},
    saves=("x",),
    params=_REDUCTION,
    samples=_ALONG,
)


def _var_vjp(grad, out, x, dim=None, correction=1, keepdim=False):
    dev, n = k.deviation(x, dim)
    grad = unreduce(grad, x, dim, keepdim)
    if dim is None and n - correction <= 0:
        # PyTorch's answer with no degrees of freedom left in a full reduction: 2/0 times
        # the deviation, as inf whatever its sign, and nan where it is 0
        return grad * g.where(dev == 0, np.nan, np.inf)
    return grad * dev * g.div(2, n - correction)


_SPREAD = ("dim", "correction", "keepdim")
_SPREAD_SAMPLES = [
    sample(_X, dim=None, correction=1),
    sample(_X, dim=(1,), correction=0),
    sample(_X, dim=(0, 2), correction=1),
]

VAR = structural(
    "var",
    expr="var(x, dim)",
    latex=r"\operatorname{Var}_{dim}(x)",
    forward=lambda x, dim=None, correction=1, keepdim=False: k.var(x, dim, correction, keepdim),
    grad={"x": _var_vjp},
    text={"x": "grad_x = grad_out * 2 * (x - mean(x)) / (n - correction)"},
    tex={"x": r"\bar{x} = \bar{y}\,\frac{2 (x - \bar{\mu})}{n - c}"},
    saves=("x",),
    params=_SPREAD,
    samples=_SPREAD_SAMPLES,
)


def _std_vjp(grad, out, x, dim=None, correction=1, keepdim=False):
    # var's vjp of grad / (2 std); where std == 0 PyTorch passes 0 rather than 0/0
    return _var_vjp(g.where(out == 0, 0, grad / (2 * out)), out, x, dim, correction, keepdim)


STD = structural(
    "std",
    expr="std(x, dim)",
    latex=r"\sigma_{dim}(x)",
    forward=lambda x, dim=None, correction=1, keepdim=False: np.sqrt(
        k.var(x, dim, correction, keepdim)
    ),
    grad={"x": _std_vjp},
    text={"x": "grad_x = grad_out * (x - mean(x)) / ((n - correction) * std(x)), 0 where std is 0"},
    tex={"x": r"\bar{x} = \bar{y}\,\frac{x - \bar{\mu}}{(n - c)\,\sigma}"},
    saves=("x", "out"),
    rational=False,
    params=_SPREAD,
    samples=_SPREAD_SAMPLES,
)

LOGSUMEXP = structural(
    "logsumexp",
    expr="logsumexp(x, dim)",
    latex=r"\log \sum_{dim} e^{x}",
    forward=lambda x, dim=None, keepdim=False: k.logsumexp(x, dim, keepdim),
    grad={
        "x": lambda grad, out, x, dim=None, keepdim=False: (
            unreduce(grad, x, dim, keepdim) * g.exp(x - unreduce(out, x, dim, keepdim))
        )
    },
    text={"x": "grad_x = grad_out * exp(x - logsumexp(x))"},
    tex={"x": r"\bar{x} = \bar{y}\, e^{x - \operatorname{LSE}(x)}"},
    saves=("x", "out"),
    rational=False,
    params=_REDUCTION,
    samples=_OVER,
)
