"""Piecewise-linear ops that pick a value: abs, relu, leaky_relu, clamp, maximum, minimum
and where.

Their derivatives are indicators (`g.indicator`) in the type of the data, so that float32
stays float32 and Fractions stay exact; a tie's 1/2 is an int division of that indicator.
Subgradient conventions follow PyTorch: relu'(0) = 0 and abs'(0) = 0; at nan relu' is 1 and
abs' is 0; maximum and minimum split a tie evenly.

>>> from twingrad.rules import RULES
>>> RULES["relu"].formula(0)
'd(relu(x))/dx = 1 if x > 0 else 0'
"""

from __future__ import annotations

import numpy as np

from twingrad.core import numeric as g
from twingrad.rules.rule import elementwise, sample

_OFF_KINKS = [-1.5, -0.25, 0.5, 2.0]

ABS = elementwise(
    "abs",
    expr="|x|",
    latex=r"\lvert x \rvert",
    forward=abs,
    d={"x": lambda out, x: g.sign(x)},
    text={"x": "sign(x)"},
    tex={"x": r"\operatorname{sign}(x)"},
    saves=("x",),
    samples=[sample(_OFF_KINKS)],
)

RELU = elementwise(
    "relu",
    expr="relu(x)",
    latex=r"\max(x, 0)",
    forward=g.relu,
    # out != out: PyTorch lets the gradient through at nan
    d={"x": lambda out, x: (out > 0) | (out != out)},
    text={"x": "1 if x > 0 else 0"},
    tex={"x": "[x > 0]"},
    saves=("out",),
    samples=[sample(_OFF_KINKS)],
)


def _leaky_relu_derivative(out, x, negative_slope):
    positive = g.indicator(x > 0, x)  # in x's number type: float32 stays float32
    return positive + (1 - positive) * negative_slope


LEAKY_RELU = elementwise(
    "leaky_relu",
    expr="leaky_relu(x)",
    latex=r"\max(x, s\,x)",
    forward=lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope),
    d={"x": _leaky_relu_derivative},
    text={"x": "1 if x > 0 else negative_slope"},
    tex={"x": r"[x > 0] + s\,[x \le 0]"},
    saves=("x",),
    params=("negative_slope",),
    samples=[sample(_OFF_KINKS, negative_slope=0.01), sample(_OFF_KINKS, negative_slope=0.25)],
)


def _within(x, min, max):  # noqa: A002
    """Where min <= x <= max: where PyTorch lets clamp's gradient through (false at nan)."""
    if min is None:
        return x <= max
    if max is None:
        return x >= min
    return (x >= min) & (x <= max)


CLAMP = elementwise(
    "clamp",
    expr="clamp(x, min, max)",
    latex=r"\operatorname{clamp}(x, \min, \max)",
    forward=g.clamp,
    d={"x": lambda out, x, min=None, max=None: g.indicator(_within(x, min, max), x)},
    text={"x": "1 if min <= x <= max else 0"},
    tex={"x": r"[\min \le x \le \max]"},
    saves=("x",),
    params=("min", "max"),
    samples=[
        sample(_OFF_KINKS, min=-1.0, max=1.0),
        sample(_OFF_KINKS, min=0.0, max=None),
        sample(_OFF_KINKS, min=None, max=0.75),
    ],
)


# Written as "1 unless the other side wins" so that at nan (no side wins) both get the
# whole gradient, as PyTorch's maximum/minimum backward gives it.
MAXIMUM = elementwise(
    "maximum",
    expr="maximum(a, b)",
    latex=r"\max(a, b)",
    forward=g.maximum,
    d={
        "a": lambda out, a, b: 1 - g.indicator(a < b, a) - g.indicator(a == b, a) / 2,
        "b": lambda out, a, b: 1 - g.indicator(a > b, b) - g.indicator(a == b, b) / 2,
    },
    text={
        "a": "1 if a > b, 1/2 if a == b, 0 if a < b",
        "b": "1 if b > a, 1/2 if a == b, 0 if b < a",
    },
    tex={"a": r"[a > b] + \tfrac{1}{2}[a = b]", "b": r"[b > a] + \tfrac{1}{2}[a = b]"},
    saves=("a", "b"),
    samples=[sample([0.5, -1.25, 3.0], [2.0, -1.75, -4.5])],
)

MINIMUM = elementwise(
    "minimum",
    expr="minimum(a, b)",
    latex=r"\min(a, b)",
    forward=g.minimum,
    d={
        "a": lambda out, a, b: 1 - g.indicator(a > b, a) - g.indicator(a == b, a) / 2,
        "b": lambda out, a, b: 1 - g.indicator(a < b, b) - g.indicator(a == b, b) / 2,
    },
    text={
        "a": "1 if a < b, 1/2 if a == b, 0 if a > b",
        "b": "1 if b < a, 1/2 if a == b, 0 if b > a",
    },
    tex={"a": r"[a < b] + \tfrac{1}{2}[a = b]", "b": r"[b < a] + \tfrac{1}{2}[a = b]"},
    saves=("a", "b"),
    samples=[sample([0.5, -1.25, 3.0], [2.0, -1.75, -4.5])],
)

WHERE = elementwise(
    "where",
    expr="where(condition, x, y)",
    latex=r"\begin{cases} x & c \\ y & \neg c \end{cases}",
    forward=g.where,
    d={
        "condition": None,
        "x": lambda out, c, x, y: g.indicator(c, x),
        "y": lambda out, c, x, y: 1 - g.indicator(c, y),
    },
    text={
        "condition": "no gradient (a condition)",
        "x": "1 where condition else 0",
        "y": "0 where condition else 1",
    },
    tex={"condition": r"\text{none}", "x": "[c]", "y": r"[\neg c]"},
    saves=("condition",),  # x and y give only the number type of the indicator
    samples=[sample([True, False, True], [0.5, -1.25, 3.0], [2.0, 0.75, -4.5])],
)
