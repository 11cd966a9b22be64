"""Reductions and the softmax family: rules that collapse or normalize along dims.

Each rule's ``dim`` parameter is a sorted tuple of non-negative axes, or None for "every
axis" (a 0-d input is always reduced with None); ``keepdim`` keeps the reduced axes with
size 1. The softmax family and ``max_dim``/``min_dim`` take one int ``dim`` instead.

Tie conventions are decided here, once, as PyTorch decides them:

- ``amax``/``amin`` (also the full ``max()``/``min()``) share the gradient evenly among all
  elements equal to the result; when the result is nan, among the nan elements.
- ``max_dim``/``min_dim`` (``max(dim)``/``min(dim)``) send all of it to the returned index:
  the first maximum (or first nan) along ``dim``, the index ``argmax`` returns.

The vjps use only operators and `twingrad.core.numeric` helpers (plus numpy for constants such
as an index mask), so they run on numpy arrays and, for ``create_graph=True``, on Tensors.

>>> from twingrad.rules import RULES
>>> print(RULES["softmax"].formula(0))
d(softmax(x, dim))/dx = grad_x = y * (grad_y - sum(grad_y * y, dim))
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from twingrad.core import numeric as g
from twingrad.rules.core import Rule, register


def reduction(
    name: str,
    expr: str,
    latex: str,
    forward: Callable,
    vjp: Callable,
    text: str,
    tex: str,
    rational: bool = True,
    params: tuple[str, ...] = ("dim", "keepdim"),
) -> Rule:
    """Register a one-argument rule whose backward is a vjp: gradient of x from the output's.

    >>> from twingrad.rules import RULES
    >>> total = reduction("total_example", "total(x)", "T(x)", np.sum,
    ...                   lambda grad, out, x: np.full(x.shape, grad), "grad_x = grad_out", "1")
    >>> total.vjp(0, 2.0, 6.0, (np.ones(3),)).tolist(), RULES.pop("total_example").name
    ([2.0, 2.0, 2.0], 'total_example')
    """
    return register(
        Rule(
            name=name,
            expr=expr,
            latex=latex,
            args=("x",),
            forward=forward,
            vjps=(vjp,),
            derivative_text=(text,),
            derivative_latex=(tex,),
            rational=rational,
            params=params,
        )
    )


def _unreduce(grad, x, dim, keepdim):
    """The gradient of a reduction spread back over the reduced axes."""
    if dim is None:
        return g.broadcast_to(grad.reshape((1,) * x.ndim), x.shape)
    if not keepdim:
        kept = list(x.shape)
        for d in dim:
            kept[d] = 1
        grad = grad.reshape(tuple(kept))
    return g.broadcast_to(grad, x.shape)


def _count(x, dim) -> int:
    """How many elements each output of a reduction over ``dim`` gathers."""
    # math.prod: np.prod takes ~5 µs on a tuple, and this runs in every mean's backward
    if dim is None:
        return math.prod(x.shape)
    return math.prod([x.shape[d] for d in dim])


def _axes(x, dim):
    """A single softmax-style ``dim`` as reduction axes (a 0-d input has none to name)."""
    return None if x.ndim == 0 else (dim,)


SUM = reduction(
    "sum", "sum(x, dim)", r"\sum_{dim} x",
    # the method: np.sum's Python wrapper costs more than summing a small array
    lambda x, dim=None, keepdim=False: x.sum(axis=dim, keepdims=keepdim),
    lambda grad, out, x, dim=None, keepdim=False: _unreduce(grad, x, dim, keepdim),
    "grad_x = grad_out broadcast back over dim", r"\bar{x} = \bar{y}\ \text{broadcast}",
)  # fmt: skip


def _mean(x, dim, keepdim):
    if x.dtype == object:  # np.mean would divide Fractions by a float count
        return np.sum(x, axis=dim, keepdims=keepdim) / _count(x, dim)
    if _count(x, dim) == 0:  # nan, quietly, as PyTorch (np.mean warns "Mean of empty slice")
        with np.errstate(invalid="ignore"):
            return np.sum(x, axis=dim, keepdims=keepdim) / x.dtype.type(0)
    return np.mean(x, axis=dim, keepdims=keepdim)


MEAN = reduction(
    "mean", "mean(x, dim)", r"\frac{1}{n}\sum_{dim} x",
    lambda x, dim=None, keepdim=False: _mean(x, dim, keepdim),
    lambda grad, out, x, dim=None, keepdim=False: _unreduce(grad, x, dim, keepdim)
    / _count(x, dim),
    "grad_x = grad_out / n broadcast back over dim", r"\bar{x} = \bar{y} / n",
)  # fmt: skip


def _reduced_last(x, dim):
    """x as (..., n) with the reduced elements on the last axis, and how to undo it."""
    if dim is None:
        return x.reshape((1, _count(x, None))), lambda y: y.reshape(x.shape)
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


PROD = reduction(
    "prod", "prod(x, dim)", r"\prod_{dim} x",
    lambda x, dim=None, keepdim=False: np.prod(x, axis=dim, keepdims=keepdim),
    lambda grad, out, x, dim=None, keepdim=False: _unreduce(grad, x, dim, keepdim)
    * _product_of_others(x, dim),
    "grad_x_i = grad_out * (product of the other x_j)",
    r"\bar{x}_i = \bar{y} \prod_{j \ne i} x_j",
)  # fmt: skip


def _share_among_ties(grad, out, x, dim, keepdim):
    """amax/amin's vjp: the gradient split evenly among the elements equal to the result."""
    hit = _unreduce(out, x, dim, keepdim)
    ties = (x == hit) | ((x != x) & (hit != hit))  # a nan result came from the nan elements
    share = g.indicator(ties, x)
    return _unreduce(grad, x, dim, keepdim) * share / g.sum_axes(share, dim, keepdims=True)


AMAX = reduction(
    "amax", "amax(x, dim)", r"\max_{dim} x",
    lambda x, dim=None, keepdim=False: np.max(x, axis=dim, keepdims=keepdim),
    _share_among_ties,
    "grad_x = grad_out / (number of maxima) where x == max, else 0",
    r"\bar{x}_i = \frac{\bar{y}\,[x_i = y]}{\sum_j [x_j = y]}",
)  # fmt: skip

AMIN = reduction(
    "amin", "amin(x, dim)", r"\min_{dim} x",
    lambda x, dim=None, keepdim=False: np.min(x, axis=dim, keepdims=keepdim),
    _share_among_ties,
    "grad_x = grad_out / (number of minima) where x == min, else 0",
    r"\bar{x}_i = \frac{\bar{y}\,[x_i = y]}{\sum_j [x_j = y]}",
)  # fmt: skip


def arg_extreme(x: np.ndarray, dim: int, largest: bool) -> np.ndarray:
    """The index of the first maximum (or minimum) along ``dim``, kept as a size-1 axis.

    A nan counts as larger and smaller than any number, as in PyTorch; numpy's argmax
    and argmin already return the first nan.

    >>> arg_extreme(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]), 1, largest=True).tolist()
    [[1], [0]]
    """
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    find = np.argmax if largest else np.argmin
    return find(x, axis=dim, keepdims=True).astype(np.int64, copy=False)


def _pick(x, dim, keepdim, largest):
    if x.ndim == 0:
        return x.copy()
    picked = np.take_along_axis(x, arg_extreme(x, dim, largest), axis=dim)
    return picked if keepdim else picked.squeeze(dim)


def _to_index(largest):
    def vjp(grad, out, x, dim, keepdim=False):
        data = np.asarray(x)  # the index is a constant of the backward, even for Tensors
        if data.ndim == 0:
            return grad
        chosen = np.zeros(data.shape, dtype=bool)
        np.put_along_axis(chosen, arg_extreme(data, dim, largest), True, axis=dim)
        return g.where(chosen, _unreduce(grad, x, (dim,), keepdim), 0)

    return vjp


MAX_DIM = reduction(
    "max_dim", "max(x, dim)", r"\max_{dim} x",
    lambda x, dim, keepdim=False: _pick(x, dim, keepdim, largest=True),
    _to_index(largest=True),
    "grad_x = grad_out at the returned index (the first maximum), else 0",
    r"\bar{x}_i = \bar{y}\,[i = \operatorname{argmax} x]",
)  # fmt: skip

MIN_DIM = reduction(
    "min_dim", "min(x, dim)", r"\min_{dim} x",
    lambda x, dim, keepdim=False: _pick(x, dim, keepdim, largest=False),
    _to_index(largest=False),
    "grad_x = grad_out at the returned index (the first minimum), else 0",
    r"\bar{x}_i = \bar{y}\,[i = \operatorname{argmin} x]",
)  # fmt: skip


def _deviation(x, dim):
    """x minus its mean over ``dim`` (all axes when None), and the count n."""
    n = _count(x, dim)
    return x - g.sum_axes(x, dim, keepdims=True) / n, n


def _var(x, dim, correction, keepdim):
    dev, n = _deviation(x, dim)
    squares = dev * dev
    total = np.sum(squares, axis=dim, keepdims=keepdim)
    # PyTorch (and numpy) clamp the degrees of freedom at 0: 0/0 is nan, x/0 is inf
    return total / max(n - correction, 0)


def _var_vjp(grad, out, x, dim=None, correction=1, keepdim=False):
    dev, n = _deviation(x, dim)
    grad = _unreduce(grad, x, dim, keepdim)
    if dim is None and n - correction <= 0:
        # PyTorch's answer with no degrees of freedom left in a full reduction: 2/0 times
        # the deviation, as inf whatever its sign, and nan where it is 0
        return grad * g.where(dev == 0, np.nan, np.inf)
    return grad * dev * g.div(2, n - correction)


VAR = reduction(
    "var", "var(x, dim)", r"\operatorname{Var}_{dim}(x)",
    lambda x, dim=None, correction=1, keepdim=False: _var(x, dim, correction, keepdim),
    _var_vjp,
    "grad_x = grad_out * 2 * (x - mean(x)) / (n - correction)",
    r"\bar{x} = \bar{y}\,\frac{2 (x - \bar{\mu})}{n - c}",
    params=("dim", "correction", "keepdim"),
)  # fmt: skip

STD = reduction(
    "std", "std(x, dim)", r"\sigma_{dim}(x)",
    lambda x, dim=None, correction=1, keepdim=False: np.sqrt(_var(x, dim, correction, keepdim)),
    # var's vjp of grad / (2 std); where std == 0 PyTorch passes 0 rather than 0/0
    lambda grad, out, x, dim=None, correction=1, keepdim=False: _var_vjp(
        g.where(out == 0, 0, grad / (2 * out)), out, x, dim, correction, keepdim),
    "grad_x = grad_out * (x - mean(x)) / ((n - correction) * std(x)), 0 where std is 0",
    r"\bar{x} = \bar{y}\,\frac{x - \bar{\mu}}{(n - c)\,\sigma}",
    rational=False,
    params=("dim", "correction", "keepdim"),
)  # fmt: skip


def _logsumexp(x, dim, keepdim):
    # shift by the max so exp cannot overflow; an infinite max shifts by 0 instead, so
    # that a slice of -inf gives -inf (not nan) and one holding +inf gives +inf
    m = np.max(x, axis=dim, keepdims=True, initial=-np.inf)
    m = np.where(np.isinf(m), 0, m).astype(x.dtype, copy=False)
    out = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    if keepdim:
        return out
    return out.reshape(()) if dim is None else out.squeeze(dim)


LOGSUMEXP = reduction(
    "logsumexp", "logsumexp(x, dim)", r"\log \sum_{dim} e^{x}",
    lambda x, dim=None, keepdim=False: _logsumexp(x, dim, keepdim),
    lambda grad, out, x, dim=None, keepdim=False: _unreduce(grad, x, dim, keepdim)
    * g.exp(x - _unreduce(out, x, dim, keepdim)),
    "grad_x = grad_out * exp(x - logsumexp(x))",
    r"\bar{x} = \bar{y}\, e^{x - \operatorname{LSE}(x)}",
    rational=False,
)  # fmt: skip


def _softmax(x, dim):
    if x.size == 0:
        return x.copy()
    axes = _axes(x, dim)
    e = np.exp(x - np.max(x, axis=axes, keepdims=True))
    return e / np.sum(e, axis=axes, keepdims=True)


def _log_softmax(x, dim):
    if x.size == 0:
        return x.copy()
    axes = _axes(x, dim)
    shifted = x - np.max(x, axis=axes, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axes, keepdims=True))


SOFTMAX = reduction(
    "softmax", "softmax(x, dim)", r"\operatorname{softmax}_{dim}(x)",
    lambda x, dim: _softmax(x, dim),
    lambda grad, out, x, dim: out * (grad - g.sum_axes(grad * out, _axes(x, dim), keepdims=True)),
    "grad_x = y * (grad_y - sum(grad_y * y, dim))",
    r"\bar{x} = y \odot \left(\bar{y} - \sum_{dim} \bar{y} \odot y\right)",
    rational=False,
    params=("dim",),
)  # fmt: skip

LOG_SOFTMAX = reduction(
    "log_softmax", "log_softmax(x, dim)", r"\log \operatorname{softmax}_{dim}(x)",
    lambda x, dim: _log_softmax(x, dim),
    lambda grad, out, x, dim: grad - g.exp(out) * g.sum_axes(grad, _axes(x, dim), keepdims=True),
    "grad_x = grad_y - exp(y) * sum(grad_y, dim)",
    r"\bar{x} = \bar{y} - e^{y} \sum_{dim} \bar{y}",
    rational=False,
    params=("dim",),
)  # fmt: skip
