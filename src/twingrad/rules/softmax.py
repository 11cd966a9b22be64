"""softmax and log_softmax along one ``dim``: each backward reads only the saved output.

>>> from twingrad.rules import RULES
>>> print(RULES["softmax"].formula(0))
d(softmax(x, dim))/dx = grad_x = y * (grad_y - sum(grad_y * y, dim))
"""

from __future__ import annotations

from twingrad.core import numeric as g
from twingrad.kernels import reduce as k
from twingrad.rules.rule import normal, sample, structural

_SAMPLES = [sample(normal(2, 3, 4), dim=1), sample(normal(2, 3, 4), dim=2)]

SOFTMAX = structural(
    "softmax",
    expr="softmax(x, dim)",
    latex=r"\operatorname{softmax}_{dim}(x)",
    forward=k.softmax,
    grad={
        "x": lambda grad, out, x, dim: (
            out * (grad - g.sum_axes(grad * out, k.axes(x, dim), keepdims=True))
        )
    },
    text={"x": "grad_x = y * (grad_y - sum(grad_y * y, dim))"},
    tex={"x": r"\bar{x} = y \odot \left(\bar{y} - \sum_{dim} \bar{y} \odot y\right)"},
    saves=("out",),  # and x's rank
    rational=False,
    params=("dim",),
    samples=_SAMPLES,
)

LOG_SOFTMAX = structural(
    "log_softmax",
    expr="log_softmax(x, dim)",
    latex=r"\log \operatorname{softmax}_{dim}(x)",
    forward=k.log_softmax,
    grad={
        "x": lambda grad, out, x, dim: (
            grad - g.exp(out) * g.sum_axes(grad, k.axes(x, dim), keepdims=True)
        )
    },
    text={"x": "grad_x = grad_y - exp(y) * sum(grad_y, dim)"},
    tex={"x": r"\bar{x} = \bar{y} - e^{y} \sum_{dim} \bar{y}"},
    saves=("out",),  # and x's rank
    rational=False,
    params=("dim",),
    samples=_SAMPLES,
)
