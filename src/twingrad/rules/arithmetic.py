"""Arithmetic: + - * / and powers, one line of calculus per argument.

The derivatives use only operators and the functions in `twingrad.core.numeric`, so they
run unchanged on floats, Fractions, numpy arrays, Values and Tensors. Constants are the ints
0 and 1 so that exact (Fraction) results stay exact.

PyTorch's conventions: a ** 0 has derivative 0, and d(a ** b)/db is 0 where a == 0 and
b >= 0.

>>> from twingrad.rules import RULES
>>> RULES["sub"].formula(1), RULES["add"].saves
('d(a - b)/db = -1', ())
"""

from __future__ import annotations

import operator

from twingrad.core import numeric as g
from twingrad.rules.rule import elementwise, sample

ADD = elementwise(
    "add",
    expr="a + b",
    latex="a + b",
    forward=operator.add,
    d={"a": 1, "b": 1},
    samples=[sample([0.5, -1.25, 3.0], [2.0, 0.75, -4.5])],
)

ADD_N = elementwise(
    "add_n",
    expr="x_1 + ... + x_n",
    latex=r"\sum_i x_i",
    forward=lambda first, *rest: sum(rest, first),  # from the first term: -0.0 stays -0.0
    d={"x_i": 1},
    variadic=True,
    samples=[sample([0.5, -1.25], [2.0, 0.75], [-3.0, 1.5])],
)

SUB = elementwise(
    "sub",
    expr="a - b",
    latex="a - b",
    forward=operator.sub,
    d={"a": 1, "b": -1},
    samples=[sample([0.5, -1.25, 3.0], [2.0, 0.75, -4.5])],
)

MUL = elementwise(
    "mul",
    expr="a * b",
    latex=r"a \cdot b",
    forward=operator.mul,
    d={"a": "b", "b": "a"},
    samples=[sample([0.5, -1.25, 3.0], [2.0, 0.75, -4.5])],
)

DIV = elementwise(
    "div",
    expr="a / b",
    latex=r"\frac{a}{b}",
    forward=g.div,
    d={"a": lambda out, a, b: g.div(1, b), "b": lambda out, a, b: -g.div(a, b * b)},
    text={"a": "1/b", "b": "-a/b^2"},
    tex={"a": r"\frac{1}{b}", "b": r"-\frac{a}{b^2}"},
    saves=("a", "b"),
    samples=[sample([0.5, -1.25, 3.0], [2.0, 0.75, -4.5])],
)

NEG = elementwise(
    "neg",
    expr="-x",
    latex="-x",
    forward=operator.neg,
    d={"x": -1},
    samples=[sample([0.5, -1.25, 3.0])],
)

POW = elementwise(
    "pow",
    expr="x ** c",
    latex="x^{c}",
    forward=g.power_const,
    d={"x": lambda out, x, c: 0 if c == 0 else c * g.power_const(x, c - 1)},
    text={"x": "c * x^(c-1)"},
    tex={"x": r"c\,x^{c-1}"},
    saves=("x",),
    params=("c",),
    samples=[sample([0.5, -1.25, 3.0], c=3), sample([0.5, 1.25, 3.0], c=-1.5)],
)

POW_VAR = elementwise(
    "pow_var",
    expr="a ** b",
    latex="a^{b}",
    forward=g.power,
    d={
        "a": lambda out, a, b: g.where(b == 0, 0, b * g.power(a, b - 1)),
        "b": lambda out, a, b: g.where((a == 0) & (b >= 0), 0, out * g.log(a)),
    },
    text={"a": "b * a^(b-1)", "b": "a^b * log(a)"},
    tex={"a": r"b\,a^{b-1}", "b": r"a^{b} \ln a"},
    saves=("a", "b", "out"),
    rational=False,
    samples=[sample([0.5, 1.25, 3.0], [2.0, -0.75, 1.5])],
)
