"""Tensor-only rules that move elements: shape changes, casts, indexing, joining, padding.

A structural rule gives each argument's vector-Jacobian product directly: the gradient of
the input, given the gradient of the output. They are written with `twingrad.core.numeric`
helpers so they run on numpy arrays and, for ``create_graph=True``, on Tensors. None of
these backwards reads a value of its inputs, only their shapes: they save nothing.

An index is stored on the node in numpy's form: a tuple of ints, slices, None, Ellipsis and
integer or bool arrays, always ending in one Ellipsis (so an int index of a vector gives a
0-d array, a view, rather than a numpy scalar).

>>> from twingrad.rules import RULES
>>> RULES["permute"].formula(0), RULES["permute"].saves
('d(permute(x, dims))/dx = grad_x = grad_out permuted back', ())
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from twingrad.core import numeric as g
from twingrad.kernels.windows import pad_constant, pad_regions
from twingrad.rules.rule import normal, sample, structural

RESHAPE = structural(
    "reshape",
    expr="reshape(x, shape)",
    latex=r"\operatorname{reshape}(x)",
    forward=lambda x, shape: x.reshape(shape),
    grad={"x": lambda grad, out, x, shape: grad.reshape(x.shape)},
    text={"x": "grad_x = grad_out.reshape(x.shape)"},
    tex={"x": r"\bar{x} = \operatorname{reshape}(\bar{y})"},
    saves=(),
    params=("shape",),
    samples=[sample(normal(2, 3), shape=(3, 2)), sample(normal(2, 3), shape=(6,))],
)

EXPAND = structural(
    "expand",
    expr="expand(x, shape)",
    latex=r"\operatorname{expand}(x)",
    forward=lambda x, shape: np.broadcast_to(x, shape),
    # the engines sum the gradient back to x's shape after every vjp
    grad={"x": lambda grad, out, x, shape: grad},
    text={"x": "grad_x = grad_out summed over the expanded axes"},
    tex={"x": r"\bar{x} = \sum \bar{y}"},
    saves=(),
    params=("shape",),
    samples=[sample(normal(3, 1), shape=(2, 3, 4))],
)

PERMUTE = structural(
    "permute",
    expr="permute(x, dims)",
    latex=r"x^{\pi}",
    forward=lambda x, dims: x.transpose(dims),
    grad={"x": lambda grad, out, x, dims: g.permute(grad, tuple(np.argsort(dims).tolist()))},
    text={"x": "grad_x = grad_out permuted back"},
    tex={"x": r"\bar{x} = \bar{y}^{\pi^{-1}}"},
    saves=(),
    params=("dims",),
    samples=[sample(normal(2, 3, 4), dims=(2, 0, 1))],
)

CLONE = structural(
    "clone",
    expr="clone(x)",
    latex="x",
    forward=lambda x: x.copy(),
    grad={"x": lambda grad, out, x: grad},
    text={"x": "grad_x = grad_out"},
    tex={"x": r"\bar{x} = \bar{y}"},
    saves=(),
    samples=[sample(normal(2, 3))],
)


def _cast(x, dtype):
    if dtype == np.dtype(object):
        return np.vectorize(Fraction, otypes=[object])(x) if x.size else x.astype(object)
    return x.astype(dtype)


TO_DTYPE = structural(
    "to_dtype",
    expr="x.to(dtype)",
    latex=r"\operatorname{cast}(x)",
    forward=_cast,
    # the engines cast each gradient back to its input's dtype
    grad={"x": lambda grad, out, x, dtype: grad},
    text={"x": "grad_x = grad_out cast back"},
    tex={"x": r"\bar{x} = \bar{y}"},
    saves=(),
    params=("dtype",),
    samples=[sample(normal(2, 3), dtype=np.dtype(np.float64))],
)

INDEX = structural(
    "index",
    expr="x[index]",
    latex=r"x_{[\mathrm{index}]}",
    forward=lambda x, index: x[index],
    grad={"x": lambda grad, out, x, index: g.index_scatter(grad, x.shape, index)},
    text={"x": "grad_x = zeros like x, with grad_out added at [index] (repeats add up)"},
    tex={"x": r"\bar{x}_{[\mathrm{index}]} \mathrel{+}= \bar{y}"},
    saves=(),
    params=("index",),
    samples=[
        sample(normal(3, 4), index=(slice(0, 2), Ellipsis)),
        sample(normal(3, 4), index=(np.array([0, 2, 0]), Ellipsis)),
    ],
)

INDEX_SCATTER = structural(
    "index_scatter",
    expr="zeros(shape)[index] += y",
    latex=r"0_{[\mathrm{index}]} \mathrel{+}= y",
    forward=lambda y, shape, index: g.index_scatter(y, shape, index),
    # the adjoint of indexing is indexing: this is what makes create_graph work through x[i]
    grad={"y": lambda grad, out, y, shape, index: g.index(grad, index)},
    text={"y": "grad_y = grad_out[index]"},
    tex={"y": r"\bar{y} = \bar{z}_{[\mathrm{index}]}"},
    saves=(),
    params=("shape", "index"),
    samples=[sample(normal(3, 4), shape=(3, 4), index=(np.array([0, 2, 0]), Ellipsis))],
)


def _index_put(x, value, index):
    out = x.copy()
    out[index] = value
    return out


INDEX_PUT = structural(
    "index_put",
    expr="x[index] = value",
    latex=r"x_{[\mathrm{index}]} \leftarrow v",
    forward=_index_put,
    grad={
        "x": lambda grad, out, x, value, index: g.index_put(grad, index, 0),
        "value": lambda grad, out, x, value, index: g.index(grad, index),
    },
    text={
        "x": "grad_x = grad_out with zeros at [index] (those entries were overwritten)",
        "value": "grad_value = grad_out[index], summed over broadcast axes",
    },
    tex={
        "x": r"\bar{x} = \bar{y},\ \bar{x}_{[\mathrm{index}]} = 0",
        "value": r"\bar{v} = \bar{y}_{[\mathrm{index}]}",
    },
    saves=(),
    params=("index",),
    samples=[sample(normal(3, 4), normal(4), index=(1, Ellipsis))],
)


def _cat_vjp(grad, out, *xs, which, dim):
    start = sum(x.shape[dim] for x in xs[:which])
    stop = start + xs[which].shape[dim]
    return g.index(grad, (slice(None),) * dim + (slice(start, stop), Ellipsis))


CAT = structural(
    "cat",
    expr="cat([x_1, ..., x_n], dim)",
    latex=r"[x_1 \mid \cdots \mid x_n]",
    forward=lambda *xs, dim: np.concatenate(xs, axis=dim),
    grad={"x_i": _cat_vjp},
    text={"x_i": "grad_x_i = the slice of grad_out where x_i was placed along dim"},
    tex={"x_i": r"\bar{x}_i = \bar{y}_{[\mathrm{offset}_i : \mathrm{offset}_i + n_i]}"},
    saves=(),  # only the inputs' shapes
    params=("dim",),
    variadic=True,
    samples=[sample(normal(2, 3), normal(1, 3), dim=0), sample(normal(2, 3), normal(2, 1), dim=1)],
)

FLIP = structural(
    "flip",
    expr="flip(x, dims)",
    latex=r"\operatorname{flip}(x)",
    forward=lambda x, dims: g.flip(x, dims).copy(),
    grad={"x": lambda grad, out, x, dims: g.flip(grad, dims)},
    text={"x": "grad_x = grad_out flipped back"},
    tex={"x": r"\bar{x} = \operatorname{flip}(\bar{y})"},
    saves=(),
    params=("dims",),
    samples=[sample(normal(2, 3), dims=(1,)), sample(normal(2, 3), dims=(0, 1))],
)


def _repeat_vjp(grad, out, x, repeats):
    # out viewed as (r_0, s_0, r_1, s_1, ...): each copy of x is one index of the r axes
    shape = (1,) * (len(repeats) - x.ndim) + tuple(x.shape)
    split = tuple(n for pair in zip(repeats, shape) for n in pair)
    summed = g.sum_axes(grad.reshape(split), tuple(range(0, len(split), 2)))
    return summed.reshape(tuple(x.shape))


REPEAT = structural(
    "repeat",
    expr="x.repeat(repeats)",
    latex=r"\operatorname{tile}(x)",
    forward=lambda x, repeats: np.tile(x, repeats),
    grad={"x": _repeat_vjp},
    text={"x": "grad_x = sum of grad_out over the copies of x"},
    tex={"x": r"\bar{x} = \sum_{\mathrm{copies}} \bar{y}"},
    saves=(),  # only x's shape
    params=("repeats",),
    samples=[sample(normal(2, 3), repeats=(2, 1, 2))],
)


def _pad_vjp(grad, out, x, pad, value):
    _, out_key, in_key = pad_regions(tuple(x.shape), pad)
    return g.index_scatter(g.index(grad, out_key), tuple(x.shape), in_key)


PAD = structural(
    "pad",
    expr="pad(x, pad, value)",
    latex=r"\operatorname{pad}(x)",
    forward=pad_constant,
    grad={"x": _pad_vjp},
    text={"x": "grad_x = grad_out without the padding (zeros where x was cropped)"},
    tex={"x": r"\bar{x} = \operatorname{crop}(\bar{y})"},
    saves=(),  # only x's shape
    params=("pad", "value"),
    samples=[
        sample(normal(2, 3), pad=(1, -1), value=0.5),
        sample(normal(2, 3), pad=(0, 1, 2, 0), value=0.0),
    ],
)
