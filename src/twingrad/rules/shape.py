"""Tensor-only rules: shape changes, indexing and matmul (reductions: `rules.reduce`).

A structural rule gives each argument's vector-Jacobian product directly: the gradient of
the input, given the gradient of the output. They are written with `twingrad.generic`
helpers so they run on numpy arrays and, for ``create_graph=True``, on Tensors.
"""

from __future__ import annotations

import numpy as np

from twingrad import generic as g
from twingrad.rules.core import Rule, register


def structural(name, expr, latex, args, forward, *vjps, rational=True, params=(), variadic=False):
    """Register a rule whose backward is a vjp per argument: (vjp, text, LaTeX)."""
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
