"""Tensor-only rules: shape changes, indexing and matmul (reductions: `rules.reduce`).

A structural rule gives each argument's vector-Jacobian product directly: the gradient of
the input, given the gradient of the output. They are written with `twingrad.core.numeric`
helpers so they run on numpy arrays and, for ``create_graph=True``, on Tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from twingrad.core import numeric as g
from twingrad.rules.core import Rule, register

if TYPE_CHECKING:
    from types import EllipsisType


def structural(
    name: str,
    expr: str,
    latex: str,
    args: tuple[str, ...],
    forward: Callable,
    *vjps: tuple[Callable | None, str, str],
    rational: bool = True,
    params: tuple[str, ...] = (),
    variadic: bool = False,
) -> Rule:
    """Register a rule whose backward is a vjp per argument: (vjp, text, LaTeX).

    >>> from twingrad.rules import RULES
    >>> flip = structural("flip_example", "flip(x)", "x^R", ("x",), lambda x: x[::-1],
    ...                   (lambda grad, out, x: grad[::-1], "grad_x = flip(grad_out)", "R"))
    >>> flip.vjp(0, np.arange(3), None, (None,)).tolist(), RULES.pop("flip_example").name
    ([2, 1, 0], 'flip_example')
    """
    return register(
        Rule(
            name=name,
            expr=expr,
            latex=latex,
            args=args,
            forward=forward,
            vjps=tuple(v for v, _, _ in vjps),
            derivative_text=tuple(t for _, t, _ in vjps),
            derivative_latex=tuple(tex for _, _, tex in vjps),
            rational=rational,
            params=params,
            variadic=variadic,
        )
    )


RESHAPE = structural(
    "reshape", "reshape(x, shape)", r"\operatorname{reshape}(x)", ("x",),
    lambda x, shape: x.reshape(shape),
    (lambda grad, out, x, shape: grad.reshape(x.shape),
     "grad_x = grad_out.reshape(x.shape)", r"\bar{x} = \operatorname{reshape}(\bar{y})"),
    params=("shape",),
)  # fmt: skip

EXPAND = structural(
    "expand", "expand(x, shape)", r"\operatorname{expand}(x)", ("x",),
    lambda x, shape: np.broadcast_to(x, shape),
    # the engines sum the gradient back to x's shape after every vjp
    (lambda grad, out, x, shape: grad,
     "grad_x = grad_out summed over the expanded axes", r"\bar{x} = \sum \bar{y}"),
    params=("shape",),
)  # fmt: skip

PERMUTE = structural(
    "permute", "permute(x, dims)", r"x^{\pi}", ("x",),
    lambda x, dims: x.transpose(dims),
    (lambda grad, out, x, dims: g.permute(grad, tuple(np.argsort(dims).tolist())),
     "grad_x = grad_out permuted back", r"\bar{x} = \bar{y}^{\pi^{-1}}"),
    params=("dims",),
)  # fmt: skip

CLONE = structural(
    "clone", "clone(x)", "x", ("x",),
    lambda x: x.copy(),
    (lambda grad, out, x: grad, "grad_x = grad_out", r"\bar{x} = \bar{y}"),
)  # fmt: skip

TO_DTYPE = structural(
    "to_dtype", "x.to(dtype)", r"\operatorname{cast}(x)", ("x",),
    lambda x, dtype: _cast(x, dtype),
    # the engines cast each gradient back to its input's dtype
    (lambda grad, out, x, dtype: grad, "grad_x = grad_out cast back", r"\bar{x} = \bar{y}"),
    params=("dtype",),
)  # fmt: skip


def _cast(x, dtype):
    from fractions import Fraction

    if dtype == np.dtype(object):
        return np.vectorize(Fraction, otypes=[object])(x) if x.size else x.astype(object)
    return x.astype(dtype)


def _matmul_vjp_a(grad, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return grad * b
    if b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        return grad.reshape(grad.shape + (1,)) * b
    if a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        ga = b @ grad.reshape(grad.shape + (1,))
        return ga.reshape(ga.shape[:-1])
    return grad @ g.swap_last(b)


def _matmul_vjp_b(grad, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return grad * a
    if a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        return a.reshape((a.shape[0], 1)) * grad.reshape(grad.shape[:-1] + (1, grad.shape[-1]))
    if b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        gb = g.swap_last(a) @ grad.reshape(grad.shape + (1,))
        return gb.reshape(gb.shape[:-1])
    return g.swap_last(a) @ grad


MATMUL = structural(
    "matmul", "a @ b", "A B", ("a", "b"),
    lambda a, b: np.matmul(a, b),
    (_matmul_vjp_a, "grad_a = grad_out @ b^T", r"\bar{A} = \bar{Y} B^{\top}"),
    (_matmul_vjp_b, "grad_b = a^T @ grad_out", r"\bar{B} = A^{\top} \bar{Y}"),
)  # fmt: skip


# -- indexing and joining -------------------------------------------------------------
# An index is stored on the node in numpy's form: a tuple of ints, slices, None, Ellipsis
# and integer or bool arrays, always ending in one Ellipsis (so an int index of a vector
# gives a 0-d array, a view, rather than a numpy scalar).

INDEX = structural(
    "index", "x[index]", r"x_{[\mathrm{index}]}", ("x",),
    lambda x, index: x[index],
    (lambda grad, out, x, index: g.index_scatter(grad, x.shape, index),
     "grad_x = zeros like x, with grad_out added at [index] (repeats add up)",
     r"\bar{x}_{[\mathrm{index}]} \mathrel{+}= \bar{y}"),
    params=("index",),
)  # fmt: skip

INDEX_SCATTER = structural(
    "index_scatter", "zeros(shape)[index] += y", r"0_{[\mathrm{index}]} \mathrel{+}= y", ("y",),
    lambda y, shape, index: g.index_scatter(y, shape, index),
    # the adjoint of indexing is indexing: this is what makes create_graph work through x[i]
    (lambda grad, out, y, shape, index: g.index(grad, index),
     "grad_y = grad_out[index]", r"\bar{y} = \bar{z}_{[\mathrm{index}]}"),
    params=("shape", "index"),
)  # fmt: skip


def _index_put(x, value, index):
    out = x.copy()
    out[index] = value
    return out


INDEX_PUT = structural(
    "index_put", "x[index] = value", r"x_{[\mathrm{index}]} \leftarrow v", ("x", "value"),
    _index_put,
    (lambda grad, out, x, value, index: g.index_put(grad, index, 0),
     "grad_x = grad_out with zeros at [index] (those entries were overwritten)",
     r"\bar{x} = \bar{y},\ \bar{x}_{[\mathrm{index}]} = 0"),
    (lambda grad, out, x, value, index: g.index(grad, index),
     "grad_value = grad_out[index], summed over broadcast axes",
     r"\bar{v} = \bar{y}_{[\mathrm{index}]}"),
    params=("index",),
)  # fmt: skip


def _cat_vjp(grad, out, *xs, which, dim):
    start = sum(x.shape[dim] for x in xs[:which])
    stop = start + xs[which].shape[dim]
    return g.index(grad, (slice(None),) * dim + (slice(start, stop), Ellipsis))


CAT = structural(
    "cat", "cat([x_1, ..., x_n], dim)", r"[x_1 \mid \cdots \mid x_n]", ("x_i",),
    lambda *xs, dim: np.concatenate(xs, axis=dim),
    (_cat_vjp, "grad_x_i = the slice of grad_out where x_i was placed along dim",
     r"\bar{x}_i = \bar{y}_{[\mathrm{offset}_i : \mathrm{offset}_i + n_i]}"),
    params=("dim",),
    variadic=True,
)  # fmt: skip

FLIP = structural(
    "flip", "flip(x, dims)", r"\operatorname{flip}(x)", ("x",),
    lambda x, dims: g.flip(x, dims).copy(),
    (lambda grad, out, x, dims: g.flip(grad, dims),
     "grad_x = grad_out flipped back", r"\bar{x} = \operatorname{flip}(\bar{y})"),
    params=("dims",),
)  # fmt: skip


def _repeat_vjp(grad, out, x, repeats):
    # out viewed as (r_0, s_0, r_1, s_1, ...): each copy of x is one index of the r axes
    shape = (1,) * (len(repeats) - x.ndim) + tuple(x.shape)
    split = tuple(n for pair in zip(repeats, shape) for n in pair)
    summed = g.sum_axes(grad.reshape(split), tuple(range(0, len(split), 2)))
    return summed.reshape(tuple(x.shape))


REPEAT = structural(
    "repeat", "x.repeat(repeats)", r"\operatorname{tile}(x)", ("x",),
    lambda x, repeats: np.tile(x, repeats),
    (_repeat_vjp, "grad_x = sum of grad_out over the copies of x",
     r"\bar{x} = \sum_{\mathrm{copies}} \bar{y}"),
    params=("repeats",),
)  # fmt: skip


def pad_regions(
    shape: tuple[int, ...], pad: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[slice | EllipsisType, ...], tuple[slice | EllipsisType, ...]]:
    """For a constant pad: the output shape, the output region that holds the input,
    and the input region that is kept (negative pads crop), as numpy keys.

    >>> shape, out_key, in_key = pad_regions((2, 3), (1, -1))  # last dim: 1 before, crop 1
    >>> shape, out_key[1], in_key[1]
    ((2, 3), slice(1, 3, None), slice(0, 2, None))
    """
    out_shape, out_key, in_key = list(shape), [], []
    k = len(pad) // 2
    for d in range(len(shape)):
        j = len(shape) - 1 - d  # PyTorch's pad tuple starts at the last dim
        if j >= k:
            out_key.append(slice(None))
            in_key.append(slice(None))
            continue
        before, after, n = pad[2 * j], pad[2 * j + 1], shape[d]
        out_shape[d] = n + before + after
        out_key.append(slice(max(before, 0), out_shape[d] - max(after, 0)))
        in_key.append(slice(max(-before, 0), n - max(-after, 0)))
    return tuple(out_shape), tuple(out_key) + (Ellipsis,), tuple(in_key) + (Ellipsis,)


def _pad_constant(x, pad, value):
    shape, out_key, in_key = pad_regions(x.shape, pad)
    out = np.full(shape, value, dtype=x.dtype)
    out[out_key] = x[in_key]
    return out


def _pad_vjp(grad, out, x, pad, value):
    _, out_key, in_key = pad_regions(tuple(x.shape), pad)
    return g.index_scatter(g.index(grad, out_key), tuple(x.shape), in_key)


PAD = structural(
    "pad", "pad(x, pad, value)", r"\operatorname{pad}(x)", ("x",),
    _pad_constant,
    (_pad_vjp, "grad_x = grad_out without the padding (zeros where x was cropped)",
     r"\bar{x} = \operatorname{crop}(\bar{y})"),
    params=("pad", "value"),
)  # fmt: skip
