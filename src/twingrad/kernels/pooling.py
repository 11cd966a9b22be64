"""Pooling kernels: PyTorch's window geometry, max pooling (and where each maximum is),
average pooling (and what each window divides by). numpy only; the rules call them.

>>> max_pool(np.array([[[1.0, 3.0, 2.0, 5.0]]]), (2,), (2,), (0,), (1,), False)
array([[[3., 5.]]])
"""

from __future__ import annotations

import functools

import numpy as np

from twingrad.kernels.windows import windows


@functools.lru_cache(maxsize=256)
def pool_geometry(
    size: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """Output size and (before, after) padding per axis, as PyTorch's pooling computes them.

    The padding after the input is what the last window needs: less than ``padding`` when
    no window reaches that far, more with ``ceil_mode``, whose last window may hang over
    the padded input (that overhang is padding that no average counts).

    >>> pool_geometry((5,), (2,), (2,), (0,), (1,), True)
    ((3,), ((0, 1),))
    """
    out, pads = [], []
    for n, k, s, p, d in zip(size, kernel_size, stride, padding, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1  # the last window would start in the right padding
        out.append(o)
        pads.append((p, max(0, (o - 1) * s + d * (k - 1) + 1 - n - p)))
    return tuple(out), tuple(pads)


def lowest(dtype: np.dtype) -> float | int:
    """What pads a max pool's input: the lowest value of the dtype (-inf for floats).

    >>> lowest(np.dtype(np.int8)), lowest(np.dtype(np.float32))
    (-128, -inf)
    """
    return np.iinfo(dtype).min if np.dtype(dtype).kind in "iu" else -np.inf


def pool_windows(
    x: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
    value: float = 0,
) -> tuple[np.ndarray, tuple[tuple[int, int], ...]]:
    """The windows a pool reduces, padded with ``value``, and the (before, after) padding.

    >>> win, pads = pool_windows(np.arange(5.0).reshape(1, 1, 5), (2,), (2,), (0,), (1,), True)
    >>> win[0, 0].tolist(), pads
    ([[0.0, 1.0], [2.0, 3.0], [4.0, 0.0]], ((0, 1),))
    """
    _, pads = pool_geometry(x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    return windows(x, kernel_size, stride, pads, dilation, value=value), pads


def max_pool(
    x: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> np.ndarray:
    """The maximum of each window (nan wins, as in PyTorch).

    >>> max_pool(np.array([[[1.0, np.nan, 2.0, 5.0]]]), (2,), (2,), (0,), (1,), False)
    array([[[nan,  5.]]])
    """
    win, _ = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, lowest(x.dtype))
    # one elementwise maximum per kernel position: faster than a reduction over the strided
    # window axes, and nan wins as in PyTorch
    out = None
    for k in np.ndindex(*kernel_size):
        v = win[(Ellipsis, *k)]
        out = v.copy() if out is None else np.maximum(out, v, out=out)
    return out


def _first_inside(kernel_size, stride, pads, dilation, out):
    """For each window, the flat index of its first element inside the input (not padding):
    PyTorch's answer for a window whose elements are all -inf."""
    first = np.zeros((), np.int64)
    for k, s, (lo, _), d, o in zip(kernel_size, stride, pads, dilation, out):
        start = np.arange(o) * s - lo  # where each window starts, in input coordinates
        k_first = np.clip(-(-np.maximum(-start, 0) // d), 0, k - 1)
        first = np.add.outer(first * k, k_first)
    return first


def max_pool_argmax(
    x: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> np.ndarray:
    """For each window, where its maximum is: an index into the flattened window. Ties go
    to the first maximum and a nan counts as the maximum (the last nan), as in PyTorch.

    >>> max_pool_argmax(np.array([[[1.0, 3.0, 2.0, 2.0]]]), (2,), (2,), (0,), (1,), False)
    array([[[1, 0]]])
    """
    win, pads = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, lowest(x.dtype))
    nd = len(kernel_size)
    out = win.shape[: 2 + nd]
    best = np.full(out, lowest(x.dtype), dtype=x.dtype)
    first = _first_inside(kernel_size, stride, pads, dilation, out[2:])
    at = np.broadcast_to(first, out).copy()  # C order: the updates below run contiguous
    nan = x.dtype.kind == "f" and bool(np.isnan(x).any())
    # arithmetic, not masked writes: numpy's masked assignment is several times slower
    for i, k in enumerate(np.ndindex(*kernel_size)):
        v = win[(Ellipsis, *k)]
        take = v > best
        if nan:
            take |= v != v
        at += take * (i - at)
        best = np.maximum(best, v, out=best if best.dtype != object else None)
    return at


@functools.lru_cache(maxsize=256)
def _avg_divisor(size, kernel_size, stride, padding, ceil_mode, count_include_pad):
    """How many elements each window's average divides by: the window inside the padded
    input (``count_include_pad``) or inside the input itself."""
    _, pads = pool_geometry(size, kernel_size, stride, padding, (1,) * len(size), ceil_mode)
    counts = np.ones(())  # cached and shared: callers convert it (a copy) before use
    for n, k, s, p, (lo, hi) in zip(size, kernel_size, stride, padding, pads):
        counted = np.zeros(n + lo + hi)
        counted[: n + 2 * p] = 1  # the input and its symmetric padding, not the overhang
        if not count_include_pad:
            counted[:p] = counted[p + n :] = 0
        per_axis = windows(counted.reshape(1, 1, -1), (k,), (s,), ((0, 0),), (1,)).sum(-1)[0, 0]
        counts = np.multiply.outer(counts, per_axis)
    return counts


def avg_pool_divisor(
    x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    """What each window's sum is divided by, in x's number type (exact for Fractions).

    >>> avg_pool_divisor(np.ones((1, 1, 3)), (2,), (2,), (1,), False, False, None)
    array([1., 2.])
    """
    if divisor_override:
        return divisor_override
    d = _avg_divisor(tuple(x.shape[2:]), kernel_size, stride, padding, ceil_mode, count_include_pad)
    return d.astype(np.int64).astype(object) if x.dtype == object else d.astype(x.dtype)


def avg_pool(
    x: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> np.ndarray:
    """The average of each window, divided as PyTorch divides it.

    >>> avg_pool(np.array([[[1.0, 3.0, 2.0]]]), (2,), (2,), (0,), True, False, None)
    array([[[2., 2.]]])
    """
    nd = len(kernel_size)
    win, _ = pool_windows(x, kernel_size, stride, padding, (1,) * nd, ceil_mode)
    total = None
    for k in np.ndindex(*kernel_size):  # summed in PyTorch's order, one kernel position a pass
        v = win[(Ellipsis, *k)]
        total = v.copy() if total is None else np.add(total, v, out=total)
    return total / avg_pool_divisor(
        x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
