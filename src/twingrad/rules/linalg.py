"""Matrix products: matmul (with numpy's rules for 1-d operands) and linear, x @ w.T + b.

>>> from twingrad.rules import RULES
>>> print(RULES["matmul"].formula(0))
d(a @ b)/da = grad_a = grad_out @ b^T
"""

from __future__ import annotations

import numpy as np

from twingrad.core import numeric as g
from twingrad.rules.rule import normal, sample, structural


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
    "matmul",
    expr="a @ b",
    latex="A B",
    forward=np.matmul,
    grad={"a": _matmul_vjp_a, "b": _matmul_vjp_b},
    text={"a": "grad_a = grad_out @ b^T", "b": "grad_b = a^T @ grad_out"},
    tex={"a": r"\bar{A} = \bar{Y} B^{\top}", "b": r"\bar{B} = A^{\top} \bar{Y}"},
    saves=("a", "b"),
    samples=[
        sample(normal(2, 3), normal(3, 4)),
        sample(normal(3), normal(3)),
        sample(normal(2, 3), normal(3)),
        sample(normal(3), normal(2, 3, 4)),
        sample(normal(2, 1, 2, 3), normal(4, 3, 2)),
    ],
)


def _linear(x, w, b=None):
    y = x @ w.T
    if b is not None:
        y += b  # y is fresh: adding in place saves an allocation per call
    return y


def _linear_vjp_w(grad, out, x, w, b=None):
    return g.swap_last(grad.reshape(-1, w.shape[0])) @ x.reshape(-1, w.shape[1])


LINEAR = structural(
    "linear",
    expr="x @ w.T + b",
    latex=r"x W^{\top} + b",
    forward=_linear,
    grad={
        "x": lambda grad, out, x, w, b=None: grad @ w,
        "w": _linear_vjp_w,
        # the engines sum the gradient back to b's shape, i.e. over the batch
        "b": lambda grad, out, x, w, b=None: grad,
    },
    text={
        "x": "grad_x = grad_out @ w",
        "w": "grad_w = grad_out^T @ x (summed over the batch)",
        "b": "grad_b = grad_out summed over the batch",
    },
    tex={
        "x": r"\bar{x} = \bar{y} W",
        "w": r"\bar{W} = \bar{y}^{\top} x",
        "b": r"\bar{b} = \textstyle\sum_n \bar{y}_n",
    },
    saves=("x", "w"),
    samples=[sample(normal(4, 3), normal(2, 3), normal(2)), sample(normal(2, 4, 3), normal(5, 3))],
)
