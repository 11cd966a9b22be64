"""Rounding and integer division: floor, ceil, trunc, round, frac, sign, remainder, fmod
and floor_divide.

Piecewise constant: PyTorch declares their derivative 0 everywhere (and frac's 1), the jumps
included, so the result still requires grad and backward gives zeros. floor_divide has no
derivative in PyTorch, and none here: asking for one is an error that says what to do.

>>> from twingrad.rules import RULES
>>> RULES["remainder"].formula(1)
'd(remainder(a, b))/db = -floor(a / b)'
"""

from __future__ import annotations

from twingrad.core import numeric as g
from twingrad.core import rounding as r
from twingrad.rules.rule import elementwise, sample

_OFF_JUMPS = [-1.75, -0.25, 0.4, 2.3]  # no integer (nor half-integer) within 0.05
_PAIRS = [sample([5.3, -5.3, 5.3, 7.9], [2.1, 2.1, -2.1, 0.7])]

FLOOR = elementwise(
    "floor",
    expr="floor(x)",
    latex=r"\lfloor x \rfloor",
    forward=r.floor,
    d={"x": 0},
    samples=[sample(_OFF_JUMPS)],
)

CEIL = elementwise(
    "ceil",
    expr="ceil(x)",
    latex=r"\lceil x \rceil",
    forward=r.ceil,
    d={"x": 0},
    samples=[sample(_OFF_JUMPS)],
)

TRUNC = elementwise(
    "trunc",
    expr="trunc(x)",
    latex=r"\operatorname{trunc}(x)",
    forward=r.trunc,
    d={"x": 0},
    samples=[sample(_OFF_JUMPS)],
)

ROUND = elementwise(
    "round",
    expr="round(x, decimals)",
    latex=r"\operatorname{round}(x)",
    forward=r.round_half_even,
    d={"x": 0},
    params=("decimals",),
    samples=[sample(_OFF_JUMPS), sample([-1.234, 0.456, 2.718], decimals=1)],
)

FRAC = elementwise(
    "frac",
    expr="frac(x)",
    latex=r"x - \operatorname{trunc}(x)",
    forward=lambda x: x - r.trunc(x),
    d={"x": 1},
    samples=[sample(_OFF_JUMPS)],
)

SIGN = elementwise(
    "sign",
    expr="sign(x)",
    latex=r"\operatorname{sign}(x)",
    forward=g.sign,
    d={"x": 0},
    samples=[sample(_OFF_JUMPS)],
)

REMAINDER = elementwise(
    "remainder",
    expr="remainder(a, b)",
    latex=r"a \bmod b",
    forward=r.remainder,
    # the quotient is PyTorch's div(a, b, rounding_mode="floor"), the one remainder used
    d={"a": 1, "b": lambda out, a, b: -r.floor_divide(a, b)},
    text={"b": "-floor(a / b)"},
    tex={"b": r"-\lfloor a / b \rfloor"},
    saves=("a", "b"),
    samples=_PAIRS,
)

FMOD = elementwise(
    "fmod",
    expr="fmod(a, b)",
    latex=r"\operatorname{fmod}(a, b)",
    forward=r.fmod,
    d={"a": 1, "b": lambda out, a, b: -r.trunc(g.div(a, b))},
    text={"b": "-trunc(a / b)"},
    tex={"b": r"-\operatorname{trunc}(a / b)"},
    saves=("a", "b"),
    samples=_PAIRS,
)


def _not_implemented(out, *args, **params):
    raise RuntimeError(
        "derivative for floor_divide is not implemented (nor is it in PyTorch): a // b is "
        "piecewise constant. For a zero gradient use (a / b).floor(), or detach() the inputs"
    )


_NONE = "not implemented (as in PyTorch)"

FLOOR_DIVIDE = elementwise(
    "floor_divide",
    expr="a // b",
    latex=r"\lfloor a / b \rfloor",
    forward=r.floor_divide,
    d={"a": _not_implemented, "b": _not_implemented},
    text={"a": _NONE, "b": _NONE},
    tex={"a": r"\text{not implemented}", "b": r"\text{not implemented}"},
    saves=(),
    samples=_PAIRS,
)
