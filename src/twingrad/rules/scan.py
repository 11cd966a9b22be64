"""Cumulative sums and products: element j of the output gathers the elements up to j
along ``dim`` (a non-negative int; a 0-d input is one element, returned as it is).

As PyTorch on the CPU, float32 accumulates in float64 and rounds each result once.
The vjps run on numpy arrays and, for ``create_graph=True``, on Tensors.

cumprod's vjp must not divide by the input where it holds zeros. It follows PyTorch:
without zeros it is ``reversed_cumsum(grad * out) / x``; with zeros, the elements before
the first zero of their line use that formula, the first zero gets the product of the
elements before it times the gradient of what it multiplies (up to the second zero), and
every element after the first zero gets 0, since each product it is in holds that zero.

>>> from twingrad.rules import RULES
>>> print(RULES["cumsum"].formula(0))
d(cumsum(x, dim))/dx = grad_x_k = sum of grad_out_j for j >= k
>>> RULES["cumprod"].vjp(0, np.ones(3), np.array([2.0, 0.0, 0.0]), (np.array([2.0, 0.0, 5.0]),),
...                      {"dim": 0}).tolist()
[1.0, 12.0, 0.0]
"""

from __future__ import annotations

import numpy as np

from twingrad.core import numeric as g
from twingrad.rules.rule import normal, sample, structural


def _accumulate(ufunc: np.ufunc, x: np.ndarray, dim: int) -> np.ndarray:
    if x.ndim == 0:
        return x.copy()
    if x.dtype == np.float32:
        return ufunc.accumulate(x, axis=dim, dtype=np.float64).astype(np.float32)
    return ufunc.accumulate(x, axis=dim)


def cumsum(x, dim: int):
    """The running sum of ``x`` along ``dim``, for arrays and engine objects alike.

    >>> cumsum(np.array([[1, 2], [3, 4]]), 1).tolist()
    [[1, 3], [3, 7]]
    """
    if isinstance(x, np.ndarray | np.generic):
        return _accumulate(np.add, np.asarray(x), dim)
    return x.cumsum(dim)


def cumprod(x, dim: int):
    """The running product of ``x`` along ``dim``, for arrays and engine objects alike.

    >>> cumprod(np.array([2.0, 3.0, 0.5]), 0).tolist()
    [2.0, 6.0, 3.0]
    """
    if isinstance(x, np.ndarray | np.generic):
        return _accumulate(np.multiply, np.asarray(x), dim)
    return x.cumprod(dim)


def reversed_cumsum(x, dim: int):
    """The sum of the elements from each one to the end of its line along ``dim``.

    >>> reversed_cumsum(np.array([1.0, 2.0, 3.0]), 0).tolist()
    [6.0, 5.0, 3.0]
    """
    if x.ndim == 0:
        return x
    return g.flip(cumsum(g.flip(x, (dim,)), dim), (dim,))


def _cumprod_vjp(grad, out, x, dim):
    if x.ndim == 0 or x.shape[dim] <= 1:
        return grad
    if not isinstance(x, np.ndarray):
        return _cumprod_vjp_graph(grad, x, dim)
    zero = x == 0
    if not zero.any():
        return reversed_cumsum(grad * out, dim) / x
    nothing = g.zeros((), x.dtype)  # Fraction(0) for exact arrays
    zeros_so_far = np.cumsum(zero, axis=dim)
    before = zeros_so_far == 0  # before the first zero of the line
    first = zero & (zeros_so_far == 1)
    between = (zeros_so_far == 1) & ~first  # after the first zero, before the second
    kept = reversed_cumsum(np.where(before, grad * out, nothing), dim) / np.where(before, x, 1)
    result = np.where(before, kept, nothing)
    prefix = cumprod(np.where(before, x, 1), dim)  # at the first zero: the product before it
    after = cumprod(np.where(between, x, 1), dim)  # from the first zero on: the product since
    share = np.sum(after * np.where(zeros_so_far == 1, grad, nothing), axis=dim, keepdims=True)
    return np.where(first, prefix * share, result)


def _cumprod_vjp_graph(grad, x, dim):
    """The vjp as differentiable ops (create_graph): for each k, the running product of
    the line with x_k replaced by 1, which costs n^2 but is right at zeros to any order."""
    n = x.shape[dim]
    order = tuple(i for i in range(x.ndim) if i != dim) + (dim,)
    back = tuple(np.argsort(order).tolist())
    lines = g.permute(x, order)  # (..., n)
    rest = tuple(lines.shape[:-1])
    rows = g.broadcast_to(lines.reshape(rest + (1, n)), rest + (n, n))  # (..., k, i)
    others = cumprod(g.where(np.eye(n, dtype=bool), 1, rows), -1)  # prod_{i <= j, i != k}
    upstream = g.permute(grad, order).reshape(rest + (1, n))
    later = np.triu(np.ones((n, n), dtype=bool))  # j >= k
    return g.permute(g.sum_axes(g.where(later, upstream * others, 0), (len(rest) + 1,)), back)


_SAMPLES = [sample(normal(2, 3, 4), dim=1), sample(normal(2, 3, 4), dim=2)]

CUMSUM = structural(
    "cumsum",
    expr="cumsum(x, dim)",
    latex=r"\textstyle\sum_{i \le j} x_i",
    forward=cumsum,
    grad={"x": lambda grad, out, x, dim: reversed_cumsum(grad, dim)},
    text={"x": "grad_x_k = sum of grad_out_j for j >= k"},
    tex={"x": r"\bar{x}_k = \sum_{j \ge k} \bar{y}_j"},
    saves=(),
    params=("dim",),
    samples=_SAMPLES,
)

CUMPROD = structural(
    "cumprod",
    expr="cumprod(x, dim)",
    latex=r"\textstyle\prod_{i \le j} x_i",
    forward=cumprod,
    grad={"x": _cumprod_vjp},
    text={"x": "grad_x_k = sum over j >= k of grad_out_j * (product of x_i for i <= j, i != k)"},
    tex={"x": r"\bar{x}_k = \sum_{j \ge k} \bar{y}_j \prod_{i \le j, i \ne k} x_i"},
    saves=("x", "out"),
    params=("dim",),
    samples=[*_SAMPLES, sample([[2.0, 0.0, 3.0, 0.0], [1.5, -2.0, 0.0, 4.0]], dim=1)],
)
