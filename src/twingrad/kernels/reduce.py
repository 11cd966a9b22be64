"""numpy kernels of the reductions and the softmax family, as PyTorch computes them.

``dim`` is a sorted tuple of non-negative axes, or None for every axis; the softmax family
and `arg_extreme` take one int. `count` and `deviation` also run on Tensors (vjps with
create_graph call them).

>>> float(logsumexp(np.array([0.0, np.log(3.0)]), None, False))
1.386...
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from twingrad.core import numeric as g


def count(x: Any, dim: tuple[int, ...] | None) -> int:
    """How many elements each output of a reduction over ``dim`` gathers.

    >>> count(np.ones((2, 3, 4)), (0, 2))
    8
    """
    # math.prod: np.prod takes ~5 µs on a tuple, and this runs in every mean's backward
    if dim is None:
        return math.prod(x.shape)
    return math.prod([x.shape[d] for d in dim])


def axes(x: Any, dim: int) -> tuple[int, ...] | None:
    """A single softmax-style ``dim`` as reduction axes (a 0-d input has none to name).

    >>> axes(np.ones((2, 3)), 1), axes(np.ones(()), 0)
    ((1,), None)
    """
    return None if x.ndim == 0 else (dim,)


def mean(x: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    """The mean over ``dim``: exact for Fractions, nan (quietly) over no elements.

    >>> mean(np.array([1.0, 2.0]), None, False)
    np.float64(1.5)
    """
    if x.dtype == object:  # np.mean would divide Fractions by a float count
        return np.sum(x, axis=dim, keepdims=keepdim) / count(x, dim)
    if count(x, dim) == 0:  # nan, quietly, as PyTorch (np.mean warns "Mean of empty slice")
        with np.errstate(invalid="ignore"):
            return np.sum(x, axis=dim, keepdims=keepdim) / x.dtype.type(0)
    return np.mean(x, axis=dim, keepdims=keepdim)


def deviation(x: Any, dim: tuple[int, ...] | None) -> tuple[Any, int]:
    """x minus its mean over ``dim`` (all axes when None), and the count n.

    >>> deviation(np.array([1.0, 3.0]), None)
    (array([-1.,  1.]), 2)
    """
    n = count(x, dim)
    return x - g.sum_axes(x, dim, keepdims=True) / n, n


def var(x: np.ndarray, dim: tuple[int, ...] | None, correction: int, keepdim: bool) -> np.ndarray:
    """The variance over ``dim`` with ``correction`` degrees of freedom taken off.

    >>> float(var(np.array([1.0, 3.0]), None, 1, False))
    2.0
    """
    dev, n = deviation(x, dim)
    squares = dev * dev
    total = np.sum(squares, axis=dim, keepdims=keepdim)
    # PyTorch (and numpy) clamp the degrees of freedom at 0: 0/0 is nan, x/0 is inf
    return total / max(n - correction, 0)


def logsumexp(x: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    """log(sum(exp(x))) over ``dim``, shifted by the max so that exp cannot overflow.

    >>> logsumexp(np.array([[0.0, 1000.0]]), (1,), False)
    array([1000.])
    """
    # an infinite max shifts by 0 instead, so that a slice of -inf gives -inf (not nan)
    # and one holding +inf gives +inf
    m = np.max(x, axis=dim, keepdims=True, initial=-np.inf)
    m = np.where(np.isinf(m), 0, m).astype(x.dtype, copy=False)
    out = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    if keepdim:
        return out
    return out.reshape(()) if dim is None else out.squeeze(dim)


def softmax(x: np.ndarray, dim: int) -> np.ndarray:
    """exp(x) / sum(exp(x)) along ``dim``, shifted by the max.

    >>> softmax(np.array([0.0, np.log(3.0)]), 0)
    array([0.25, 0.75])
    """
    if x.size == 0:
        return x.copy()
    over = axes(x, dim)
    e = np.exp(x - np.max(x, axis=over, keepdims=True))
    return e / np.sum(e, axis=over, keepdims=True)


def log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    """x - logsumexp(x) along ``dim``, shifted by the max.

    >>> np.exp(log_softmax(np.array([0.0, np.log(3.0)]), 0))
    array([0.25, 0.75])
    """
    if x.size == 0:
        return x.copy()
    over = axes(x, dim)
    shifted = x - np.max(x, axis=over, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=over, keepdims=True))


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


def pick(x: np.ndarray, dim: int, keepdim: bool, largest: bool) -> np.ndarray:
    """The first maximum (or minimum) along ``dim``: max(dim)'s and min(dim)'s values.

    >>> pick(np.array([[1.0, 3.0], [2.0, 0.0]]), 1, False, largest=False)
    array([1., 0.])
    """
    if x.ndim == 0:
        return x.copy()
    picked = np.take_along_axis(x, arg_extreme(x, dim, largest), axis=dim)
    return picked if keepdim else picked.squeeze(dim)
