"""Elementwise ops: one line of calculus per argument.

Each entry reads like a page of a calculus book: the op, then for each argument its local
derivative as code, as text and as LaTeX. The code uses only operators and the functions in
`twingrad.core.numeric`, so it runs unchanged on floats, Fractions, numpy arrays, Values and
Tensors. Constants are the ints 0 and 1 so that exact (Fraction) results stay exact.

Subgradient conventions follow PyTorch: relu'(0) = 0, abs'(0) = 0, a ** 0 has derivative 0,
and d(a ** b)/db is 0 where a == 0 and b >= 0. At nan, relu' is 1 and abs' is 0.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

from twingrad.core import numeric as g
from twingrad.core import rounding as r
from twingrad.rules.core import Rule, register


def elementwise(
    name: str,
    expr: str,
    latex: str,
    args: tuple[str, ...],
    forward: Callable,
    *grads: tuple[Callable | float | str, str, str],
    rational: bool = True,
    params: tuple[str, ...] = (),
    variadic: bool = False,
) -> Rule:
    """Register an elementwise rule; ``grads`` holds (derivative, text, LaTeX) per argument.

    A derivative is a function ``f(out, *args, **params)``, a number when it is constant
    (``1`` for both arguments of ``a + b``), or the name of the argument whose value it is
    (``"b"`` for d(a * b)/da).

    >>> from twingrad.rules import RULES
    >>> cube = elementwise("cube_example", "x ** 3", "x^3", ("x",), lambda x: x**3,
    ...                    (lambda out, x: 3 * x**2, "3 x^2", "3x^2"))
    >>> cube.vjp(0, 1.0, 8.0, (2.0,)), RULES.pop("cube_example").formula(0)
    (12.0, 'd(x ** 3)/dx = 3 x^2')
    """
    constants = tuple(d if isinstance(d, int | float) else None for d, _, _ in grads)
    picks = tuple(args.index(d) if isinstance(d, str) else None for d, _, _ in grads)
    functions = []
    for (d, _, _), c, k in zip(grads, constants, picks):
        functions.append(_constant(c) if c is not None else _argument(k) if k is not None else d)
    return register(
        Rule(
            name=name,
            expr=expr,
            latex=latex,
            args=args,
            forward=forward,
            derivatives=tuple(functions),
            derivative_text=tuple(t for _, t, _ in grads),
            derivative_latex=tuple(tex for _, _, tex in grads),
            rational=rational,
            params=params,
            variadic=variadic,
            # the engines' shortcuts apply when every argument's derivative is of that kind
            constant_derivatives=constants if None not in constants else (),
            argument_derivatives=picks if None not in picks else (),
        )
    )


def _argument(index: int):
    """A local derivative that is one of the arguments, as a function of (out, *args)."""
    return lambda out, *args, **params: args[index]


def _constant(value):
    """A constant local derivative as a function, for code that calls every derivative."""
    return lambda *_, **__: value


ADD = elementwise(
    "add", "a + b", "a + b", ("a", "b"),
    operator.add,
    (1, "1", "1"),
    (1, "1", "1"),
)  # fmt: skip

ADD_N = elementwise(
    "add_n", "x_1 + ... + x_n", r"\sum_i x_i", ("x_i",),
    lambda first, *rest: sum(rest, first),  # from the first term, so -0.0 stays -0.0
    (1, "1", "1"),
    variadic=True,
)  # fmt: skip

SUB = elementwise(
    "sub", "a - b", "a - b", ("a", "b"),
    operator.sub,
    (1, "1", "1"),
    (-1, "-1", "-1"),
)  # fmt: skip

MUL = elementwise(
    "mul", "a * b", r"a \cdot b", ("a", "b"),
    operator.mul,
    ("b", "b", "b"),
    ("a", "a", "a"),
)  # fmt: skip

DIV = elementwise(
    "div", "a / b", r"\frac{a}{b}", ("a", "b"),
    g.div,
    (lambda out, a, b: g.div(1, b), "1/b", r"\frac{1}{b}"),
    (lambda out, a, b: -g.div(a, b * b), "-a/b^2", r"-\frac{a}{b^2}"),
)  # fmt: skip

NEG = elementwise(
    "neg", "-x", "-x", ("x",),
    operator.neg,
    (-1, "-1", "-1"),
)  # fmt: skip

POW = elementwise(
    "pow", "x ** c", "x^{c}", ("x",),
    g.power_const,
    (lambda out, x, c: 0 if c == 0 else c * g.power_const(x, c - 1), "c * x^(c-1)",
     r"c\,x^{c-1}"),
    params=("c",),
)  # fmt: skip

POW_VAR = elementwise(
    "pow_var", "a ** b", "a^{b}", ("a", "b"),
    g.power,
    (lambda out, a, b: g.where(b == 0, 0, b * g.power(a, b - 1)), "b * a^(b-1)", r"b\,a^{b-1}"),
    (lambda out, a, b: g.where((a == 0) & (b >= 0), 0, out * g.log(a)),
     "a^b * log(a)", r"a^{b} \ln a"),
    rational=False,
)  # fmt: skip

ABS = elementwise(
    "abs", "|x|", r"\lvert x \rvert", ("x",),
    abs,
    (lambda out, x: g.sign(x), "sign(x)", r"\operatorname{sign}(x)"),
)  # fmt: skip

RELU = elementwise(
    "relu", "relu(x)", r"\max(x, 0)", ("x",),
    g.relu,
    # out != out: PyTorch lets the gradient through at nan
    (lambda out, x: (out > 0) | (out != out), "1 if x > 0 else 0", r"[x > 0]"),
)  # fmt: skip

EXP = elementwise(
    "exp", "exp(x)", "e^{x}", ("x",),
    g.exp,
    (lambda out, x: out, "exp(x)", "e^{x}"),
    rational=False,
)  # fmt: skip

LOG = elementwise(
    "log", "log(x)", r"\ln x", ("x",),
    g.log,
    (lambda out, x: g.div(1, x), "1/x", r"\frac{1}{x}"),
    rational=False,
)  # fmt: skip

SQRT = elementwise(
    "sqrt", "sqrt(x)", r"\sqrt{x}", ("x",),
    g.sqrt,
    (lambda out, x: g.div(1, 2 * out), "1/(2*sqrt(x))", r"\frac{1}{2\sqrt{x}}"),
    rational=False,
)  # fmt: skip

SIN = elementwise(
    "sin", "sin(x)", r"\sin x", ("x",),
    g.sin,
    (lambda out, x: g.cos(x), "cos(x)", r"\cos x"),
    rational=False,
)  # fmt: skip

COS = elementwise(
    "cos", "cos(x)", r"\cos x", ("x",),
    g.cos,
    (lambda out, x: -g.sin(x), "-sin(x)", r"-\sin x"),
    rational=False,
)  # fmt: skip

TANH = elementwise(
    "tanh", "tanh(x)", r"\tanh x", ("x",),
    g.tanh,
    (lambda out, x: 1 - out * out, "1 - tanh(x)^2", r"1 - \tanh^2 x"),
    rational=False,
)  # fmt: skip

SIGMOID = elementwise(
    "sigmoid", "sigmoid(x)", r"\sigma(x)", ("x",),
    g.sigmoid,
    (lambda out, x: out * (1 - out), "sigmoid(x) * (1 - sigmoid(x))",
     r"\sigma(x)\,(1 - \sigma(x))"),
    rational=False,
)  # fmt: skip


# -- selections: clamp, maximum, minimum, where -------------------------------------------
# Their derivatives are indicators (`g.indicator`) in the type of the data, so that float32
# stays float32 and Fractions stay exact; a tie's 1/2 is an int division of that indicator.


def _within(x, min, max):  # noqa: A002
    """Where min <= x <= max: where PyTorch lets clamp's gradient through (false at nan)."""
    if min is None:
        return x <= max
    if max is None:
        return x >= min
    return (x >= min) & (x <= max)


CLAMP = elementwise(
    "clamp", "clamp(x, min, max)", r"\operatorname{clamp}(x, \min, \max)", ("x",),
    g.clamp,
    (lambda out, x, min=None, max=None: g.indicator(_within(x, min, max), x),
     "1 if min <= x <= max else 0", r"[\min \le x \le \max]"),
    params=("min", "max"),
)  # fmt: skip


# Written as "1 unless the other side wins" so that at nan (no side wins) both get the
# whole gradient, as PyTorch's maximum/minimum backward gives it.
MAXIMUM = elementwise(
    "maximum", "maximum(a, b)", r"\max(a, b)", ("a", "b"),
    g.maximum,
    (lambda out, a, b: 1 - g.indicator(a < b, a) - g.indicator(a == b, a) / 2,
     "1 if a > b, 1/2 if a == b, 0 if a < b", r"[a > b] + \tfrac{1}{2}[a = b]"),
    (lambda out, a, b: 1 - g.indicator(a > b, b) - g.indicator(a == b, b) / 2,
     "1 if b > a, 1/2 if a == b, 0 if b < a", r"[b > a] + \tfrac{1}{2}[a = b]"),
)  # fmt: skip

MINIMUM = elementwise(
    "minimum", "minimum(a, b)", r"\min(a, b)", ("a", "b"),
    g.minimum,
    (lambda out, a, b: 1 - g.indicator(a > b, a) - g.indicator(a == b, a) / 2,
     "1 if a < b, 1/2 if a == b, 0 if a > b", r"[a < b] + \tfrac{1}{2}[a = b]"),
    (lambda out, a, b: 1 - g.indicator(a < b, b) - g.indicator(a == b, b) / 2,
     "1 if b < a, 1/2 if a == b, 0 if b > a", r"[b < a] + \tfrac{1}{2}[a = b]"),
)  # fmt: skip

WHERE = elementwise(
    "where", "where(condition, x, y)", r"\begin{cases} x & c \\ y & \neg c \end{cases}",
    ("condition", "x", "y"),
    g.where,
    (None, "no gradient (a condition)", r"\text{none}"),
    (lambda out, c, x, y: g.indicator(c, x), "1 where condition else 0", "[c]"),
    (lambda out, c, x, y: 1 - g.indicator(c, y), "0 where condition else 1", r"[\neg c]"),
)  # fmt: skip


# -- rounding and integer division ---------------------------------------------------------
# Piecewise constant: PyTorch declares their derivative 0 everywhere (and frac's 1), the
# jumps included, so the result still requires grad and backward gives zeros.

FLOOR = elementwise(
    "floor", "floor(x)", r"\lfloor x \rfloor", ("x",),
    r.floor,
    (0, "0", "0"),
)  # fmt: skip

CEIL = elementwise(
    "ceil", "ceil(x)", r"\lceil x \rceil", ("x",),
    r.ceil,
    (0, "0", "0"),
)  # fmt: skip

TRUNC = elementwise(
    "trunc", "trunc(x)", r"\operatorname{trunc}(x)", ("x",),
    r.trunc,
    (0, "0", "0"),
)  # fmt: skip

ROUND = elementwise(
    "round", "round(x, decimals)", r"\operatorname{round}(x)", ("x",),
    r.round_half_even,
    (0, "0", "0"),
    params=("decimals",),
)  # fmt: skip

FRAC = elementwise(
    "frac", "frac(x)", r"x - \operatorname{trunc}(x)", ("x",),
    lambda x: x - r.trunc(x),
    (1, "1", "1"),
)  # fmt: skip

SIGN = elementwise(
    "sign", "sign(x)", r"\operatorname{sign}(x)", ("x",),
    g.sign,
    (0, "0", "0"),
)  # fmt: skip

REMAINDER = elementwise(
    "remainder", "remainder(a, b)", r"a \bmod b", ("a", "b"),
    r.remainder,
    (1, "1", "1"),
    # the quotient is PyTorch's div(a, b, rounding_mode="floor"), the one remainder used
    (lambda out, a, b: -r.floor_divide(a, b), "-floor(a / b)", r"-\lfloor a / b \rfloor"),
)  # fmt: skip

FMOD = elementwise(
    "fmod", "fmod(a, b)", r"\operatorname{fmod}(a, b)", ("a", "b"),
    r.fmod,
    (1, "1", "1"),
    (lambda out, a, b: -r.trunc(g.div(a, b)), "-trunc(a / b)",
     r"-\operatorname{trunc}(a / b)"),
)  # fmt: skip


def _not_implemented(out, *args, **params):
    raise RuntimeError(
        "derivative for floor_divide is not implemented (nor is it in PyTorch): a // b is "
        "piecewise constant. For a zero gradient use (a / b).floor(), or detach() the inputs"
    )


FLOOR_DIVIDE = elementwise(
    "floor_divide", "a // b", r"\lfloor a / b \rfloor", ("a", "b"),
    r.floor_divide,
    (_not_implemented, "not implemented (as in PyTorch)", r"\text{not implemented}"),
    (_not_implemented, "not implemented (as in PyTorch)", r"\text{not implemented}"),
)  # fmt: skip
