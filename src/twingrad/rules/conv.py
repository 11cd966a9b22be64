"""Rules on windows: im2col and col2im, convolution, max and average pooling.

The convolution and pooling vjps are written with im2col and col2im (each other's vjp),
matmuls and reshapes, so the backward of a convolution is itself differentiable
(``create_graph=True``). Where a backward needs a fact about its input rather than a formula
(where a max pool found its maximum) it reads the numbers with `numeric.values`, and the
gradient is a constant mask times the upstream gradient, which is differentiable again.
The numpy kernels (windows, geometry, the forwards) are in `twingrad.kernels`.

>>> from twingrad.rules import RULES
>>> print(RULES["convolution"].formula(1))
d(conv(x, w) + b)/dw = grad_w = sum over windows of grad_out * window of x
"""

from __future__ import annotations

import math

import numpy as np

from twingrad.core import numeric as g
from twingrad.kernels import pooling, windows
from twingrad.rules.rule import normal, sample, structural

_WINDOW_PARAMS = ("kernel_size", "stride", "padding", "dilation")
_WINDOW = {"kernel_size": (2, 2), "stride": (1, 2), "padding": ((0, 0), (1, 0)), "dilation": (1, 1)}


def _im2col(x, **p):
    """`windows` of an array (a view, no copy), or the recorded im2col op of a tensor."""
    return windows.windows(x, **p) if isinstance(x, np.ndarray) else g.run_rule(IM2COL, x, **p)


IM2COL = structural(
    "im2col",
    expr="windows(x)",
    latex=r"\operatorname{im2col}(x)",
    forward=lambda x, **p: np.ascontiguousarray(windows.windows(x, **p)),
    grad={"x": lambda grad, out, x, **p: g.run_rule(COL2IM, grad, size=tuple(x.shape[2:]), **p)},
    text={"x": "grad_x = col2im(grad_out): each window's gradient added back where it came from"},
    tex={"x": r"\bar{x} = \operatorname{col2im}(\bar{y})"},
    saves=(),  # only x's shape
    params=_WINDOW_PARAMS,
    samples=[sample(normal(1, 2, 4, 5), **_WINDOW)],
)

COL2IM = structural(
    "col2im",
    expr="col2im(cols)",
    latex=r"\operatorname{col2im}(c)",
    forward=windows.col2im,
    grad={"cols": lambda grad, out, cols, size, **p: g.run_rule(IM2COL, grad, **p)},
    text={"cols": "grad_cols = im2col(grad_out)"},
    tex={"cols": r"\bar{c} = \operatorname{im2col}(\bar{y})"},
    saves=(),
    params=("size", *_WINDOW_PARAMS),
    samples=[sample(normal(1, 2, 3, 3, 2, 2), size=(4, 5), **_WINDOW)],
)


def _conv_vjp_x(grad, out, x, w, b=None, *, stride, padding, dilation, groups):
    o, k = w.shape[0], tuple(w.shape[2:])
    rows = windows.grad_rows(grad)  # (O, N * L)
    if groups == 1:
        cols = g.swap_last(w.reshape(o, -1)) @ rows  # (C * K, N * L)
    else:
        wg = g.swap_last(w.reshape(groups, o // groups, -1))
        cols = (wg @ rows.reshape(groups, o // groups, -1)).reshape(-1, rows.shape[1])
    win = windows.unpatch(cols, x.shape[0], x.shape[1], k, tuple(grad.shape[2:]))
    geometry = {"kernel_size": k, "stride": stride, "padding": padding, "dilation": dilation}
    return g.run_rule(COL2IM, win, size=tuple(x.shape[2:]), **geometry)


def _conv_vjp_w(grad, out, x, w, b=None, *, stride, padding, dilation, groups):
    nd, o = w.ndim - 2, w.shape[0]
    k = tuple(w.shape[2:])
    win = _im2col(x, kernel_size=k, stride=stride, padding=padding, dilation=dilation)
    cols = windows.patches(win, nd)  # (C * K, N * L)
    rows = windows.grad_rows(grad)  # (O, N * L)
    if groups == 1:
        return (rows @ g.swap_last(cols)).reshape(tuple(w.shape))
    rows = rows.reshape(groups, o // groups, -1)
    gw = rows @ g.swap_last(cols.reshape(groups, -1, cols.shape[1]))  # (G, O/G, C/G * K)
    return gw.reshape(tuple(w.shape))


CONVOLUTION = structural(
    "convolution",
    expr="conv(x, w) + b",
    latex=r"x \star W + b",
    forward=windows.convolution,
    grad={
        "x": _conv_vjp_x,
        "w": _conv_vjp_w,
        "b": lambda grad, out, x, w, b=None, **p: g.sum_axes(grad, (0, *range(2, grad.ndim))),
    },
    text={
        "x": "grad_x = col2im(grad_out @ w): a transposed convolution",
        "w": "grad_w = sum over windows of grad_out * window of x",
        "b": "grad_b = grad_out summed over batch and positions",
    },
    tex={
        "x": r"\bar{x} = \bar{y} \star^{\top} W",
        "w": r"\bar{W} = \textstyle\sum_{n,p} \bar{y}_{n,p}\, x_{n,\text{window}(p)}",
        "b": r"\bar{b} = \textstyle\sum_{n,p} \bar{y}_{n,p}",
    },
    saves=("x", "w"),
    params=("stride", "padding", "dilation", "groups"),
    samples=[
        sample(
            normal(2, 2, 5, 5),
            normal(3, 2, 3, 3),
            normal(3),
            stride=(1, 1),
            padding=((1, 1), (1, 1)),
            dilation=(1, 1),
            groups=1,
        ),
        sample(
            normal(1, 4, 9),
            normal(4, 2, 3),
            stride=(2,),
            padding=((1, 1),),
            dilation=(2,),
            groups=2,
        ),
    ],
)


def _max_pool_vjp(grad, out, x, kernel_size, stride, padding, dilation, ceil_mode):
    nd = len(kernel_size)
    xs = g.values(x)
    size = tuple(x.shape[2:])
    at = pooling.max_pool_argmax(xs, kernel_size, stride, padding, dilation, ceil_mode)
    _, pads = pooling.pool_geometry(size, kernel_size, stride, padding, dilation, ceil_mode)
    geometry = {"kernel_size": kernel_size, "stride": stride, "padding": pads, "dilation": dilation}
    if isinstance(grad, np.ndarray):
        # each kernel position sends the gradient of the windows whose maximum it holds
        def part(i, k):
            return grad * (at == i)

        return windows.scatter_windows(
            part, (*grad.shape, *kernel_size), grad.dtype, size, **geometry
        )
    # on tensors (create_graph): the same as a one-hot mask times grad, through col2im
    hit = at[..., None] == np.arange(math.prod(kernel_size))
    mask = g.indicator(hit.reshape(*at.shape, *kernel_size), xs)
    win = mask * grad.reshape(tuple(grad.shape) + (1,) * nd)
    return g.run_rule(COL2IM, win, size=size, **geometry)


MAX_POOL = structural(
    "max_pool",
    expr="max_pool(x)",
    latex=r"\max_{\text{window}} x",
    forward=pooling.max_pool,
    grad={"x": _max_pool_vjp},
    text={"x": "grad_x = grad_out at the position of each window's maximum, 0 elsewhere"},
    tex={"x": r"\bar{x}_i = \textstyle\sum_{p:\ i = \arg\max \text{window}(p)} \bar{y}_p"},
    saves=("x",),
    params=("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    samples=[
        sample(
            normal(1, 2, 5, 5),
            kernel_size=(2, 2),
            stride=(2, 2),
            padding=(0, 0),
            dilation=(1, 1),
            ceil_mode=True,
        ),
        sample(
            normal(2, 1, 7),
            kernel_size=(3,),
            stride=(2,),
            padding=(1,),
            dilation=(2,),
            ceil_mode=False,
        ),
    ],
)


def _avg_pool_vjp(
    grad, out, x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    nd = len(kernel_size)
    size = tuple(x.shape[2:])
    share = grad / pooling.avg_pool_divisor(
        g.values(x), kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    _, pads = pooling.pool_geometry(size, kernel_size, stride, padding, (1,) * nd, ceil_mode)
    geometry = {
        "size": size,
        "kernel_size": kernel_size,
        "stride": stride,
        "padding": pads,
        "dilation": (1,) * nd,
    }
    if isinstance(share, np.ndarray):
        return windows.scatter_windows(
            lambda i, k: share, (*share.shape, *kernel_size), share.dtype, **geometry
        )
    win = g.broadcast_to(
        share.reshape(tuple(share.shape) + (1,) * nd), tuple(share.shape) + tuple(kernel_size)
    )
    return g.run_rule(COL2IM, win, **geometry)


AVG_POOL = structural(
    "avg_pool",
    expr="avg_pool(x)",
    latex=r"\operatorname{mean}_{\text{window}} x",
    forward=pooling.avg_pool,
    grad={"x": _avg_pool_vjp},
    text={"x": "grad_x = grad_out / window size, spread over each window"},
    tex={"x": r"\bar{x}_i = \textstyle\sum_{p \ni i} \bar{y}_p / |\text{window}(p)|"},
    saves=("x",),  # its shape and dtype only, but PyTorch saves it too
    params=(
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override",
    ),
    samples=[
        sample(
            normal(1, 2, 5, 5),
            kernel_size=(3, 3),
            stride=(2, 2),
            padding=(1, 1),
            ceil_mode=False,
            count_include_pad=False,
            divisor_override=None,
        ),
        sample(
            normal(2, 1, 6),
            kernel_size=(2,),
            stride=(2,),
            padding=(1,),
            ceil_mode=True,
            count_include_pad=True,
            divisor_override=None,
        ),
    ],
)
