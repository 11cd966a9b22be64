"""Smooth functions of one variable: exp, log, sqrt, the trigonometric and hyperbolic
functions, and the activations built from them (gelu, softplus, silu).

A derivative that reuses the output says so: ``d={"x": "out"}`` for exp, and tanh's
``1 - out * out`` reads the saved output rather than computing tanh(x) again.

>>> from twingrad.rules import RULES
>>> print(RULES["tanh"].formula(0))
d(tanh(x))/dx = 1 - tanh(x)^2
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from twingrad.core import numeric as g
from twingrad.rules.rule import elementwise, sample

_POINTS = [-1.5, -0.25, 0.5, 2.0]  # away from 0, where several of these have special values
_POSITIVE = [0.25, 0.5, 1.5, 3.0]

EXP = elementwise(
    "exp",
    expr="exp(x)",
    latex="e^{x}",
    forward=g.exp,
    d={"x": "out"},
    rational=False,
    samples=[sample(_POINTS)],
)

LOG = elementwise(
    "log",
    expr="log(x)",
    latex=r"\ln x",
    forward=g.log,
    d={"x": lambda out, x: g.div(1, x)},
    text={"x": "1/x"},
    tex={"x": r"\frac{1}{x}"},
    saves=("x",),
    rational=False,
    samples=[sample(_POSITIVE)],
)

SQRT = elementwise(
    "sqrt",
    expr="sqrt(x)",
    latex=r"\sqrt{x}",
    forward=g.sqrt,
    d={"x": lambda out, x: g.div(1, 2 * out)},
    text={"x": "1/(2*sqrt(x))"},
    tex={"x": r"\frac{1}{2\sqrt{x}}"},
    saves=("out",),
    rational=False,
    samples=[sample(_POSITIVE)],
)

SIN = elementwise(
    "sin",
    expr="sin(x)",
    latex=r"\sin x",
    forward=g.sin,
    d={"x": lambda out, x: g.cos(x)},
    text={"x": "cos(x)"},
    tex={"x": r"\cos x"},
    saves=("x",),
    rational=False,
    samples=[sample(_POINTS)],
)

COS = elementwise(
    "cos",
    expr="cos(x)",
    latex=r"\cos x",
    forward=g.cos,
    d={"x": lambda out, x: -g.sin(x)},
    text={"x": "-sin(x)"},
    tex={"x": r"-\sin x"},
    saves=("x",),
    rational=False,
    samples=[sample(_POINTS)],
)

TANH = elementwise(
    "tanh",
    expr="tanh(x)",
    latex=r"\tanh x",
    forward=g.tanh,
    d={"x": lambda out, x: 1 - out * out},
    text={"x": "1 - tanh(x)^2"},
    tex={"x": r"1 - \tanh^2 x"},
    saves=("out",),
    rational=False,
    samples=[sample(_POINTS)],
)

SIGMOID = elementwise(
    "sigmoid",
    expr="sigmoid(x)",
    latex=r"\sigma(x)",
    forward=g.sigmoid,
    d={"x": lambda out, x: out * (1 - out)},
    text={"x": "sigmoid(x) * (1 - sigmoid(x))"},
    tex={"x": r"\sigma(x)\,(1 - \sigma(x))"},
    saves=("out",),
    rational=False,
    samples=[sample(_POINTS)],
)

ERF = elementwise(
    "erf",
    expr="erf(x)",
    latex=r"\operatorname{erf}(x)",
    forward=g.erf,
    d={"x": lambda out, x: (2 / math.sqrt(math.pi)) * g.exp(-(x * x))},
    text={"x": "2/sqrt(pi) * exp(-x^2)"},
    tex={"x": r"\frac{2}{\sqrt{\pi}} e^{-x^2}"},
    saves=("x",),
    rational=False,
    samples=[sample(_POINTS)],
)


def _erf(x):
    """erf of a number or array, or of a tensor as a recorded op (the derivative of gelu
    is itself differentiated with ``create_graph=True``)."""
    if isinstance(x, float | Fraction | np.ndarray | np.generic):
        return g.erf(x)
    return g.run_rule(ERF, x)


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
    "gelu",
    expr="gelu(x)",
    latex=r"x\,\Phi(x)",
    forward=_gelu,
    d={"x": _gelu_derivative},
    text={"x": "Phi(x) + x * phi(x)  (normal cdf and pdf)"},
    tex={"x": r"\Phi(x) + x\,\varphi(x)"},
    saves=("x",),
    rational=False,
    samples=[sample(_POINTS)],
)


def _gelu_tanh(x):
    return 0.5 * x * (1 + g.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)))


def _gelu_tanh_derivative(out, x):
    t = g.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x))
    inner = _SQRT_2_OVER_PI * (1 + 3 * _KAPPA * x * x)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner


GELU_TANH = elementwise(
    "gelu_tanh",
    expr="gelu(x, approximate='tanh')",
    latex=r"\tfrac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)",
    forward=_gelu_tanh,
    d={"x": _gelu_tanh_derivative},
    text={
        "x": "(1 + t)/2 + x/2 * (1 - t^2) * sqrt(2/pi) * (1 + 3*0.044715*x^2), "
        "t = tanh(sqrt(2/pi) * (x + 0.044715*x^3))"
    },
    tex={"x": r"\tfrac{1 + t}{2} + \tfrac{x}{2}(1 - t^2)\sqrt{2/\pi}\,(1 + 0.134145 x^2)"},
    saves=("x",),
    rational=False,
    samples=[sample(_POINTS)],
)


def _softplus(x, beta=1.0, threshold=20.0):
    # log(1 + e^bx) = max(bx, 0) + log(1 + e^-|bx|): neither term overflows
    bx = x * beta
    smooth = (np.log1p(np.exp(-np.abs(bx))) + np.maximum(bx, 0)) / beta
    return np.where(bx > threshold, x, smooth)


def _softplus_derivative(out, x, beta=1.0, threshold=20.0):
    linear = g.indicator(x * beta > threshold, x)
    return linear + (1 - linear) * g.sigmoid(x * beta)


SOFTPLUS = elementwise(
    "softplus",
    expr="softplus(x)",
    latex=r"\tfrac{1}{\beta}\log(1 + e^{\beta x})",
    forward=_softplus,
    d={"x": _softplus_derivative},
    text={"x": "sigmoid(beta * x) if beta * x <= threshold else 1"},
    tex={"x": r"\sigma(\beta x)"},
    saves=("x",),
    rational=False,
    params=("beta", "threshold"),
    samples=[sample(_POINTS), sample([-1.5, 0.5, 2.0, 9.0], beta=2.0, threshold=5.0)],
)


def _silu_derivative(out, x):
    s = g.sigmoid(x)
    return s * (1 + x * (1 - s))


SILU = elementwise(
    "silu",
    expr="silu(x)",
    latex=r"x\,\sigma(x)",
    forward=lambda x: x * g.sigmoid(x),
    d={"x": _silu_derivative},
    text={"x": "sigmoid(x) * (1 + x * (1 - sigmoid(x)))"},
    tex={"x": r"\sigma(x)\,(1 + x(1 - \sigma(x)))"},
    saves=("x",),
    rational=False,
    samples=[sample(_POINTS)],
)
