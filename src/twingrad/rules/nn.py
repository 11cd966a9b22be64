"""Neural-network rules: activations, linear, convolution, pooling, normalization,
embedding and losses.

Convolution and pooling work on *windows*: ``im2col`` turns an input (N, C, *size) into
every kernel-sized patch (N, C, *out, *kernel) with one numpy stride trick, and ``col2im``
adds such patches back into an input-sized array. The two are each other's vjp, and the
convolution and pooling vjps are written with them, with matmuls and reshapes, so the
backward of a convolution is itself differentiable (``create_graph=True``). The only Python
loops run over kernel positions (a 3x3 kernel: 9 strided numpy operations), never over
pixels; a convolution is one matmul each way.

Where a rule's backward needs a fact about its input rather than a formula (where a max
pool found its maximum, which classes a target names), it reads the numbers with
`generic.values` and the gradient is a constant mask times the upstream gradient, which
is differentiable again.

>>> import numpy as np
>>> from twingrad.rules import RULES
>>> x = np.arange(16.0).reshape(1, 1, 4, 4); w = np.ones((1, 1, 2, 2))
>>> conv = RULES["convolution"].forward
>>> conv(x, w, stride=(2, 2), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1)[0, 0]
array([[10., 18.],
       [42., 50.]])
>>> print(RULES["convolution"].formula(1))
d(conv(x, w) + b)/dw = grad_w = sum over windows of grad_out * window of x
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from twingrad.core import numeric as g
from twingrad.rules.elementwise import elementwise
from twingrad.rules.shape import structural

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

# -- activations (elementwise) -------------------------------------------------------------

ERF = elementwise(
    "erf", "erf(x)", r"\operatorname{erf}(x)", ("x",),
    g.erf,
    (lambda out, x: (2 / math.sqrt(math.pi)) * g.exp(-(x * x)), "2/sqrt(pi) * exp(-x^2)",
     r"\frac{2}{\sqrt{\pi}} e^{-x^2}"),
    rational=False,
)  # fmt: skip


def _erf(x):
    """erf of a number or array, or of a tensor as a recorded op (the derivative of gelu
    is itself differentiated with ``create_graph=True``)."""
    if isinstance(x, float | Fraction | np.ndarray | np.generic):
        return g.erf(x)
    return g.run_rule(ERF, x)


def _leaky_relu_derivative(out, x, negative_slope):
    positive = g.indicator(x > 0, x)  # in x's number type: float32 stays float32
    return positive + (1 - positive) * negative_slope


LEAKY_RELU = elementwise(
    "leaky_relu", "leaky_relu(x)", r"\max(x, s\,x)", ("x",),
    lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope),
    (_leaky_relu_derivative, "1 if x > 0 else negative_slope", r"[x > 0] + s\,[x \le 0]"),
    params=("negative_slope",),
)  # fmt: skip

_SQRT1_2 = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_KAPPA = 0.044715


def _gelu(x):
    return x * 0.5 * (1 + _erf(x * _SQRT1_2))


def _gelu_derivative(out, x):
    cdf = 0.5 * (1 + _erf(x * _SQRT1_2))
    return cdf + x * (_INV_SQRT_2PI * g.exp(x * x * -0.5))


GELU = elementwise(
    "gelu", "gelu(x)", r"x\,\Phi(x)", ("x",),
    _gelu,
    (_gelu_derivative, "Phi(x) + x * phi(x)  (normal cdf and pdf)", r"\Phi(x) + x\,\varphi(x)"),
    rational=False,
)  # fmt: skip


def _gelu_tanh(x):
    return 0.5 * x * (1 + g.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)))


def _gelu_tanh_derivative(out, x):
    t = g.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x))
    inner = _SQRT_2_OVER_PI * (1 + 3 * _KAPPA * x * x)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner


GELU_TANH = elementwise(
    "gelu_tanh", "gelu(x, approximate='tanh')",
    r"\tfrac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)", ("x",),
    _gelu_tanh,
    (_gelu_tanh_derivative, "(1 + t)/2 + x/2 (1 - t^2) sqrt(2/pi) (1 + 3*0.044715 x^2)",
     r"\tfrac{1 + t}{2} + \tfrac{x}{2}(1 - t^2)\sqrt{2/\pi}\,(1 + 0.134145 x^2)"),
    rational=False,
)  # fmt: skip


def _softplus(x, beta=1.0, threshold=20.0):
    # log(1 + e^bx) = max(bx, 0) + log(1 + e^-|bx|): neither term overflows
    bx = x * beta
    smooth = (np.log1p(np.exp(-np.abs(bx))) + np.maximum(bx, 0)) / beta
    return np.where(bx > threshold, x, smooth)


def _softplus_derivative(out, x, beta=1.0, threshold=20.0):
    linear = g.indicator(x * beta > threshold, x)
    return linear + (1 - linear) * g.sigmoid(x * beta)


SOFTPLUS = elementwise(
    "softplus", "softplus(x)", r"\tfrac{1}{\beta}\log(1 + e^{\beta x})", ("x",),
    _softplus,
    (_softplus_derivative, "sigmoid(beta * x) (1 above the threshold)", r"\sigma(\beta x)"),
    rational=False,
    params=("beta", "threshold"),
)  # fmt: skip


def _silu_derivative(out, x):
    s = g.sigmoid(x)
    return s * (1 + x * (1 - s))


SILU = elementwise(
    "silu", "silu(x)", r"x\,\sigma(x)", ("x",),
    lambda x: x * g.sigmoid(x),
    (_silu_derivative, "sigmoid(x) (1 + x (1 - sigmoid(x)))", r"\sigma(x)\,(1 + x(1 - \sigma(x)))"),
    rational=False,
)  # fmt: skip

# -- linear ----------------------------------------------------------------------------------


def _linear(x, w, b=None):
    y = x @ w.T
    if b is not None:
        y += b  # y is fresh: adding in place saves an allocation per call
    return y


LINEAR = structural(
    "linear", "x @ w.T + b", r"x W^{\top} + b", ("x", "w", "b"),
    _linear,
    (lambda grad, out, x, w, b=None: grad @ w, "grad_x = grad_out @ w", r"\bar{x} = \bar{y} W"),
    (lambda grad, out, x, w, b=None: g.swap_last(grad.reshape(-1, w.shape[0]))
     @ x.reshape(-1, w.shape[1]),
     "grad_w = grad_out^T @ x (summed over the batch)", r"\bar{W} = \bar{y}^{\top} x"),
    # the engines sum the gradient back to b's shape, i.e. over the batch
    (lambda grad, out, x, w, b=None: grad, "grad_b = grad_out summed over the batch",
     r"\bar{b} = \textstyle\sum_n \bar{y}_n"),
)  # fmt: skip

# -- windows: im2col and col2im ----------------------------------------------------------------


def windows(
    x: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    value: float = 0,
) -> np.ndarray:
    """Every window of ``x`` (N, C, *size) as a read-only view (N, C, *out, *kernel_size).

    ``padding`` holds (before, after) per spatial axis, filled with ``value``.

    >>> windows(np.arange(5.0).reshape(1, 1, 5), (2,), (2,), ((0, 1),), (1,))[0, 0]
    array([[0., 1.],
           [2., 3.],
           [4., 0.]])
    """
    nd = len(kernel_size)
    if any(p for pair in padding for p in pair):
        x = np.pad(x, ((0, 0), (0, 0), *padding), constant_values=value)
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel_size, dilation))
    view = sliding_window_view(x, extent, axis=tuple(range(2, 2 + nd)))
    steps = tuple(slice(None, None, s) for s in stride) + tuple(
        slice(None, None, d) for d in dilation
    )
    return view[(slice(None), slice(None), *steps)]


def _window_slices(kernel_size, stride, dilation, out):
    """For each kernel position: its flat index, and the strided slice of the padded input
    that it sees across all windows. Loops over these are loops over kernel positions (9
    for a 3x3 kernel), never over pixels."""
    for i, k in enumerate(np.ndindex(*kernel_size)):
        at = tuple(
            slice(j * d, j * d + s * (o - 1) + 1, s) for j, d, s, o in zip(k, dilation, stride, out)
        )
        yield i, k, (slice(None), slice(None), *at)


def scatter_windows(
    part: Callable[[int, tuple[int, ...]], np.ndarray],
    shape: tuple[int, ...],
    dtype: DTypeLike,
    size: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
) -> np.ndarray:
    """Zeros of the input's shape with, for each kernel position i, ``part(i, k)`` (shaped
    (N, C, *out)) added where that position of every window lies: col2im.

    ``shape`` is the windows' (N, C, *out, *kernel_size); ``size`` the input's spatial size.
    Adding ones counts how many windows cover each input element:

    >>> ones = lambda i, k: np.ones((1, 1, 3))
    >>> scatter_windows(ones, (1, 1, 3, 2), np.float64, (4,), (2,), (1,), ((0, 0),), (1,))[0, 0]
    array([1., 2., 2., 1.])
    """
    nd = len(kernel_size)
    out = shape[2 : 2 + nd]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, padding))
    x = g.zeros((*shape[:2], *padded), dtype)
    for i, k, at in _window_slices(kernel_size, stride, dilation, out):
        x[at] += part(i, k)
    return x[(slice(None), slice(None), *(slice(lo, lo + s) for s, (lo, _) in zip(size, padding)))]


def _col2im(cols, size, kernel_size, stride, padding, dilation):
    """The adjoint of `windows`: every window of ``cols`` added back where it came from."""
    return scatter_windows(
        lambda i, k: cols[(Ellipsis, *k)], cols.shape, cols.dtype, size, kernel_size, stride,
        padding, dilation,
    )  # fmt: skip


def _im2col(x, **p):
    """`windows` of an array (a view, no copy), or the recorded im2col op of a tensor."""
    return windows(x, **p) if isinstance(x, np.ndarray) else g.run_rule(IM2COL, x, **p)


_WINDOW_PARAMS = ("kernel_size", "stride", "padding", "dilation")

IM2COL = structural(
    "im2col", "windows(x)", r"\operatorname{im2col}(x)", ("x",),
    lambda x, **p: np.ascontiguousarray(windows(x, **p)),
    (lambda grad, out, x, **p: g.run_rule(COL2IM, grad, size=tuple(x.shape[2:]), **p),
     "grad_x = col2im(grad_out): each window's gradient added back where it came from",
     r"\bar{x} = \operatorname{col2im}(\bar{y})"),
    params=_WINDOW_PARAMS,
)  # fmt: skip

COL2IM = structural(
    "col2im", "col2im(cols)", r"\operatorname{col2im}(c)", ("cols",),
    _col2im,
    (lambda grad, out, cols, size, **p: g.run_rule(IM2COL, grad, **p),
     "grad_cols = im2col(grad_out)", r"\bar{c} = \operatorname{im2col}(\bar{y})"),
    params=("size", *_WINDOW_PARAMS),
)  # fmt: skip

# -- convolution -------------------------------------------------------------------------------


# Patches are laid out one column per output position, (C * K, N * L): numpy gathers the
# windows into this order several times faster than into rows of (N * L, C * K).


def _patches(win, nd):
    """Windows (N, C, *out, *k) -> (C * K, N * L): one column per output position."""
    order = (1, *range(2 + nd, 2 + 2 * nd), 0, *range(2, 2 + nd))
    return g.permute(win, order).reshape(
        math.prod(win.shape[1:2]) * math.prod(win.shape[2 + nd :]), -1
    )


def _unpatch(cols, n, c, kernel, out):
    """(C * K, N * L) -> windows (N, C, *out, *k), undoing `_patches`."""
    nd = len(kernel)
    cols = cols.reshape((c, *kernel, n, *out))
    return g.permute(cols, (nd + 1, 0, *range(nd + 2, 2 * nd + 2), *range(1, nd + 1)))


def _grad_rows(grad):
    """(N, O, *out) -> (O, N * L): one row per output channel."""
    return g.permute(grad, (1, 0, *range(2, grad.ndim))).reshape(grad.shape[1], -1)


def _conv_forward(x, w, b=None, *, stride, padding, dilation, groups):
    nd = w.ndim - 2
    n, o = x.shape[0], w.shape[0]
    win = windows(x, w.shape[2:], stride, padding, dilation)
    out = win.shape[2 : 2 + nd]
    cols = _patches(win, nd)  # the one copy of the input's windows
    if groups == 1:
        y = w.reshape(o, -1) @ cols  # (O, N * L): one matmul
    else:
        y = w.reshape(groups, o // groups, -1) @ cols.reshape(groups, -1, cols.shape[1])
        y = y.reshape(o, -1)
    if b is not None:
        y += b.reshape(o, 1)
    return np.ascontiguousarray(np.moveaxis(y.reshape(o, n, *out), 0, 1))


def _conv_vjp_x(grad, out, x, w, b=None, *, stride, padding, dilation, groups):
    o, k = w.shape[0], tuple(w.shape[2:])
    rows = _grad_rows(grad)  # (O, N * L)
    if groups == 1:
        cols = g.swap_last(w.reshape(o, -1)) @ rows  # (C * K, N * L)
    else:
        wg = g.swap_last(w.reshape(groups, o // groups, -1))
        cols = (wg @ rows.reshape(groups, o // groups, -1)).reshape(-1, rows.shape[1])
    win = _unpatch(cols, x.shape[0], x.shape[1], k, tuple(grad.shape[2:]))
    return g.run_rule(
        COL2IM, win, size=tuple(x.shape[2:]), kernel_size=k, stride=stride, padding=padding,
        dilation=dilation,
    )  # fmt: skip


def _conv_vjp_w(grad, out, x, w, b=None, *, stride, padding, dilation, groups):
    nd, o = w.ndim - 2, w.shape[0]
    k = tuple(w.shape[2:])
    win = _im2col(x, kernel_size=k, stride=stride, padding=padding, dilation=dilation)
    cols = _patches(win, nd)  # (C * K, N * L)
    rows = _grad_rows(grad)  # (O, N * L)
    if groups == 1:
        return (rows @ g.swap_last(cols)).reshape(tuple(w.shape))
    rows = rows.reshape(groups, o // groups, -1)
    gw = rows @ g.swap_last(cols.reshape(groups, -1, cols.shape[1]))  # (G, O/G, C/G * K)
    return gw.reshape(tuple(w.shape))


CONVOLUTION = structural(
    "convolution", "conv(x, w) + b", r"x \star W + b", ("x", "w", "b"),
    _conv_forward,
    (_conv_vjp_x, "grad_x = col2im(grad_out @ w): a transposed convolution",
     r"\bar{x} = \bar{y} \star^{\top} W"),
    (_conv_vjp_w, "grad_w = sum over windows of grad_out * window of x",
     r"\bar{W} = \textstyle\sum_{n,p} \bar{y}_{n,p}\, x_{n,\text{window}(p)}"),
    (lambda grad, out, x, w, b=None, **p: g.sum_axes(grad, (0, *range(2, grad.ndim))),
     "grad_b = grad_out summed over batch and positions",
     r"\bar{b} = \textstyle\sum_{n,p} \bar{y}_{n,p}"),
    params=("stride", "padding", "dilation", "groups"),
)  # fmt: skip

# -- pooling -----------------------------------------------------------------------------------


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


def _lowest(dtype):
    return np.iinfo(dtype).min if np.dtype(dtype).kind in "iu" else -np.inf


def _pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, value=0):
    _, pads = pool_geometry(x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    return windows(x, kernel_size, stride, pads, dilation, value=value), pads


def _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode):
    win, _ = _pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, _lowest(x.dtype))
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
    win, pads = _pool_windows(
        x, kernel_size, stride, padding, dilation, ceil_mode, _lowest(x.dtype)
    )
    nd = len(kernel_size)
    out = win.shape[: 2 + nd]
    best = np.full(out, _lowest(x.dtype), dtype=x.dtype)
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


def _max_pool_vjp(grad, out, x, kernel_size, stride, padding, dilation, ceil_mode):
    nd = len(kernel_size)
    xs = g.values(x)
    size = tuple(x.shape[2:])
    at = max_pool_argmax(xs, kernel_size, stride, padding, dilation, ceil_mode)
    _, pads = pool_geometry(size, kernel_size, stride, padding, dilation, ceil_mode)
    if isinstance(grad, np.ndarray):
        # each kernel position sends the gradient of the windows whose maximum it holds
        return scatter_windows(
            lambda i, k: grad * (at == i), (*grad.shape, *kernel_size), grad.dtype, size,
            kernel_size, stride, pads, dilation,
        )  # fmt: skip
    # on tensors (create_graph): the same as a one-hot mask times grad, through col2im
    hit = at[..., None] == np.arange(math.prod(kernel_size))
    mask = g.indicator(hit.reshape(*at.shape, *kernel_size), xs)
    win = mask * grad.reshape(tuple(grad.shape) + (1,) * nd)
    return g.run_rule(
        COL2IM, win, size=size, kernel_size=kernel_size, stride=stride, padding=pads,
        dilation=dilation,
    )  # fmt: skip


MAX_POOL = structural(
    "max_pool", "max_pool(x)", r"\max_{\text{window}} x", ("x",),
    _max_pool,
    (_max_pool_vjp, "grad_x = grad_out at the position of each window's maximum, 0 elsewhere",
     r"\bar{x}_i = \textstyle\sum_{p:\ i = \arg\max \text{window}(p)} \bar{y}_p"),
    params=("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
)  # fmt: skip


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


def _avg_pool_divisor(
    x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    if divisor_override:
        return divisor_override
    d = _avg_divisor(tuple(x.shape[2:]), kernel_size, stride, padding, ceil_mode, count_include_pad)
    return d.astype(np.int64).astype(object) if x.dtype == object else d.astype(x.dtype)


def _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    nd = len(kernel_size)
    win, _ = _pool_windows(x, kernel_size, stride, padding, (1,) * nd, ceil_mode)
    total = None
    for k in np.ndindex(*kernel_size):  # summed in PyTorch's order, one kernel position a pass
        v = win[(Ellipsis, *k)]
        total = v.copy() if total is None else np.add(total, v, out=total)
    return total / _avg_pool_divisor(
        x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def _avg_pool_vjp(
    grad, out, x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    nd = len(kernel_size)
    size = tuple(x.shape[2:])
    share = grad / _avg_pool_divisor(
        g.values(x), kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    _, pads = pool_geometry(size, kernel_size, stride, padding, (1,) * nd, ceil_mode)
    geometry = {"size": size, "kernel_size": kernel_size, "stride": stride, "padding": pads,
                "dilation": (1,) * nd}  # fmt: skip
    if isinstance(share, np.ndarray):
        return scatter_windows(lambda i, k: share, (*share.shape, *kernel_size), share.dtype,
                               **geometry)  # fmt: skip
    win = g.broadcast_to(
        share.reshape(tuple(share.shape) + (1,) * nd), tuple(share.shape) + tuple(kernel_size)
    )
    return g.run_rule(COL2IM, win, **geometry)


AVG_POOL = structural(
    "avg_pool", "avg_pool(x)", r"\operatorname{mean}_{\text{window}} x", ("x",),
    _avg_pool,
    (_avg_pool_vjp, "grad_x = grad_out / window size, spread over each window",
     r"\bar{x}_i = \textstyle\sum_{p \ni i} \bar{y}_p / |\text{window}(p)|"),
    params=("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
            "divisor_override"),
)  # fmt: skip

# -- normalization -----------------------------------------------------------------------------


def _standardized(x, dims, eps):
    """(x - mean) / sqrt(var + eps) over ``dims`` (biased variance), and 1 / sqrt(var + eps);
    on arrays or, for create_graph, on tensors."""
    n = math.prod(x.shape[d] for d in dims)
    centered = x - g.sum_axes(x, dims, True) / n
    rstd = 1 / g.sqrt(g.sum_axes(centered * centered, dims, True) / n + eps)
    return centered * rstd, rstd


def _normalize(x, w=None, b=None, *, dims, eps):
    xhat, _ = _standardized(x, dims, eps)
    if w is not None:
        xhat *= w  # xhat is a fresh array: scale and shift it in place
    if b is not None:
        xhat += b
    return xhat


def _normalize_vjp_x(grad, out, x, w=None, b=None, *, dims, eps):
    n = math.prod(x.shape[d] for d in dims)
    xhat, rstd = _standardized(x, dims, eps)
    gx = grad if w is None else grad * w
    mean_g = g.sum_axes(gx, dims, True) / n
    mean_gx = g.sum_axes(gx * xhat, dims, True) / n
    return rstd * (gx - mean_g - xhat * mean_gx)


def _normalize_vjp_w(grad, out, x, w=None, b=None, *, dims, eps):
    return grad * _standardized(x, dims, eps)[0]  # summed to w's shape by the engines


_NORMALIZE_VJPS = (
    (
        _normalize_vjp_x,
        "grad_x = (g - mean(g) - xhat * mean(g * xhat)) / sqrt(var + eps), g = grad_out * w",
        r"\bar{x} = \frac{g - \overline{g} - \hat{x}\,\overline{g \hat{x}}}"
        r"{\sqrt{\sigma^2 + \epsilon}},\ g = \bar{y} w",
    ),
    (
        _normalize_vjp_w,
        "grad_w = grad_out * xhat, summed",
        r"\bar{w} = \textstyle\sum \bar{y}\,\hat{x}",
    ),
    (
        lambda grad, out, x, w=None, b=None, **p: grad,
        "grad_b = grad_out, summed",
        r"\bar{b} = \textstyle\sum \bar{y}",
    ),
)


def _normalization(name: str):
    """batch_norm and layer_norm are one rule under two names: they differ only in the
    ``dims`` they take the mean and variance over, which the layers pass in."""
    return structural(
        name, "(x - mean) / sqrt(var + eps) * w + b", r"\hat{x}\, w + b", ("x", "w", "b"),
        _normalize,
        *_NORMALIZE_VJPS,
        rational=False,
        params=("dims", "eps"),
    )  # fmt: skip


BATCH_NORM = _normalization("batch_norm")
LAYER_NORM = _normalization("layer_norm")

# -- embedding ---------------------------------------------------------------------------------


def _row_factor(ids, num_weights, padding_idx, scale_grad_by_freq, like):
    """What each looked-up row's gradient is multiplied by: 0 at padding_idx, and 1 / (how
    often its id occurs) with ``scale_grad_by_freq``; None when it is 1 everywhere."""
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


def _embedding_backward(grad, indices, num_weights, padding_idx=None, scale_grad_by_freq=False):
    factor = _row_factor(indices, num_weights, padding_idx, scale_grad_by_freq, grad)
    gw = g.zeros((num_weights, *grad.shape[indices.ndim :]), grad.dtype)
    np.add.at(gw, indices, grad if factor is None else grad * factor)
    return gw


def _embedding_vjp(grad, out, w, indices, padding_idx=None, scale_grad_by_freq=False):
    return g.run_rule(
        EMBEDDING_BACKWARD,
        grad,
        indices,
        num_weights=w.shape[0],
        padding_idx=padding_idx,
        scale_grad_by_freq=scale_grad_by_freq,
    )


EMBEDDING = structural(
    "embedding", "w[indices]", r"W_{\text{indices}}", ("w", "indices"),
    lambda w, indices, padding_idx=None, scale_grad_by_freq=False: w[indices],
    (_embedding_vjp, "grad_w[i] = sum of grad_out where indices == i (0 for padding_idx)",
     r"\bar{W}_i = \textstyle\sum_{j:\ \text{idx}_j = i} \bar{y}_j"),
    (None, "no gradient (indices)", r"\text{none}"),
    params=("padding_idx", "scale_grad_by_freq"),
)  # fmt: skip


def _embedding_backward_vjp(
    grad, out, upstream, indices, num_weights, padding_idx=None, scale_grad_by_freq=False
):
    rows = g.run_rule(EMBEDDING, grad, indices)
    factor = _row_factor(
        g.values(indices), num_weights, padding_idx, scale_grad_by_freq, g.values(upstream)
    )
    return rows if factor is None else rows * factor


EMBEDDING_BACKWARD = structural(
    "embedding_backward", "scatter_add(grad, indices)", r"\operatorname{scatter}(\bar{y})",
    ("grad", "indices"),
    _embedding_backward,
    (_embedding_backward_vjp, "d/dgrad = the rows of the upstream gradient at indices",
     r"\bar{g}_j = \bar{W}_{\text{idx}_j}"),
    (None, "no gradient (indices)", r"\text{none}"),
    params=("num_weights", "padding_idx", "scale_grad_by_freq"),
)  # fmt: skip

# -- losses ------------------------------------------------------------------------------------


def _nll_terms(x, target, weight, ignore_index, label_smoothing):
    """Per element of the target: its weight (0 where ignored), and the coefficients M with
    loss = sum over classes of M * x (before the reduction)."""
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


def _nll_loss(x, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    w_t, coef = _nll_terms(x, target, weight, ignore_index, label_smoothing)
    if label_smoothing:
        per = (coef * x).sum(axis=1)
    else:
        safe = np.where(target != ignore_index, target, 0)
        per = -w_t * np.take_along_axis(x, safe[:, None], axis=1)[:, 0]
    if reduction == "none":
        return per
    total = per.sum()
    return total if reduction == "sum" else total / w_t.sum()


def _nll_vjp(
    grad, out, x, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0
):
    xs = g.values(x)
    w = None if weight is None else g.values(weight)
    w_t, coef = _nll_terms(xs, g.values(target), w, ignore_index, label_smoothing)
    if reduction == "mean":
        coef = coef / w_t.sum()
    if reduction == "none":
        grad = grad.reshape((grad.shape[0], 1, *grad.shape[1:]))
    return grad * coef


NLL_LOSS = structural(
    "nll_loss", "nll_loss(x, target)", r"-\textstyle\sum_n w_{t_n} x_{n,t_n}",
    ("x", "target", "weight"),
    _nll_loss,
    (_nll_vjp, "grad_x = -w[target] at each target class, 0 elsewhere (/ sum of w[target] "
     "for the mean)", r"\bar{x}_{n,c} = -w_c [c = t_n] \,/\, \textstyle\sum_n w_{t_n}"),
    (None, "no gradient (class indices)", r"\text{none}"),
    (None, "no gradient (class weights)", r"\text{none}"),
    params=("ignore_index", "reduction", "label_smoothing"),
)  # fmt: skip


def _bce(p, y):
    # PyTorch clamps each log at -100 so that p = 0 or 1 gives a finite loss
    return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))


def _bce_dp(out, p, y):
    spread = (1 - p) * p
    return (p - y) / g.where(spread > 1e-12, spread, 1e-12)


BINARY_CROSS_ENTROPY = elementwise(
    "binary_cross_entropy", "-(y log p + (1 - y) log(1 - p))",
    r"-\left(y \log p + (1 - y)\log(1 - p)\right)", ("p", "y"),
    _bce,
    (_bce_dp, "(p - y) / (p (1 - p))", r"\frac{p - y}{p\,(1 - p)}"),
    (lambda out, p, y: g.log(1 - p) - g.log(p), "log(1 - p) - log(p)",
     r"\log(1 - p) - \log p"),
    rational=False,
)  # fmt: skip
