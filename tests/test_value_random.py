"""Random expressions: the scalar engine's gradients against PyTorch float64.

hypothesis draws expression trees over every op of `Value` and values for their variables;
the same tree is built from Values and from float64 tensors, and the value and the gradient
of every variable must agree.

The difference is measured as |ours - torch| / max(1, |torch|): relative for numbers above
1, absolute below, so that a gradient that is 0 in one engine and 1e-17 in the other (a
cancellation that rounds differently) is not an infinite relative error.

Inputs are shifted away from domain edges and singularities (``log(x*x + 0.5)``,
``a / (b*b + 0.5)``) so that every value stays finite, and growth is kept in check (``exp``
of ``-x*x``) so that rounding differences are not amplified past what the ops themselves
cause. relu and abs keep their kinks: both engines take the same subgradient there.
"""

from __future__ import annotations

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from twingrad import Value

N_VARIABLES = 3
MAX_DEPTH = 4
TOLERANCE = 1e-13

# Each op written once: Values and torch tensors share these operators and method names.
UNARY = {
    "neg": lambda x: -x,
    "abs": lambda x: abs(x),
    "exp": lambda x: (-x * x).exp(),
    "log": lambda x: (x * x + 0.5).log(),
    "sqrt": lambda x: (x * x + 0.5).sqrt(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
    "square": lambda x: x**2,
    "cube": lambda x: x**3,
    "pow -1.5": lambda x: (x * x + 0.5) ** -1.5,
    "pow 0.5": lambda x: (x * x + 0.5) ** 0.5,
    "2 ** sin": lambda x: 2 ** x.sin(),
    "0.5 ** square": lambda x: 0.5 ** (x * x),
    "x + c": lambda x: x + 1.5,
    "c - x": lambda x: 0.5 - x,
    "c * x": lambda x: -1.25 * x,
    "x / c": lambda x: x / 3.0,
    "c / x": lambda x: 1.0 / (x * x + 0.5),
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 0.5),
    "pow": lambda a, b: (a * a + 0.5) ** b.sin(),
}


def _expressions(depth: int) -> st.SearchStrategy:
    """Trees as nested tuples: ("var", i), (unary, e), (binary, e, e) or ("sum", e, e, e)."""
    variable = st.tuples(st.just("var"), st.integers(0, N_VARIABLES - 1))
    if depth == 0:
        return variable
    sub = _expressions(depth - 1)
    return st.one_of(
        variable,
        st.tuples(st.sampled_from(sorted(UNARY)), sub),
        st.tuples(st.sampled_from(sorted(BINARY)), sub, sub),
        st.tuples(st.just("sum"), sub, sub, sub),
    )


EXPRESSIONS = _expressions(MAX_DEPTH)
POINTS = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=N_VARIABLES, max_size=N_VARIABLES)


def _build(expr, variables, total):
    op, *args = expr
    if op == "var":
        return variables[args[0]]
    args = [_build(a, variables, total) for a in args]
    if op == "sum":
        return total(args)
    return (UNARY.get(op) or BINARY[op])(*args)


def _value_sum(values):
    return Value.sum(values)


def _tensor_sum(tensors):
    return torch.stack(tensors).sum()


def _difference(ours: float, theirs: float) -> float:
    return abs(ours - theirs) / max(1.0, abs(theirs))


def _worst_difference(expr, point) -> float:
    values = [Value(x) for x in point]
    out = _build(expr, values, _value_sum)
    out.backward()

    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out_t = _build(expr, tensors, _tensor_sum)
    grads = torch.autograd.grad(out_t, tensors, allow_unused=True)

    pairs = [(out.data, out_t.item())]
    pairs += [(v.grad, 0.0 if g is None else g.item()) for v, g in zip(values, grads)]
    assert all(math.isfinite(theirs) for _, theirs in pairs), f"not finite: {expr} at {point}"
    return max(_difference(ours, theirs) for ours, theirs in pairs)


def test_random_expressions_match_torch():
    worst = {"difference": 0.0, "example": None, "count": 0}

    @settings(max_examples=500, deadline=None)
    @given(EXPRESSIONS, POINTS)
    def check(expr, point):
        difference = _worst_difference(expr, point)
        worst["count"] += 1
        if difference > worst["difference"]:
            worst.update(difference=difference, example=(expr, point))
        assert difference < TOLERANCE, f"{difference:.3g} at {expr} with variables {point}"

    check()
    print(
        f"\nrandom expressions: {worst['count']} compared with torch float64, worst "
        f"|ours - torch| / max(1, |torch|) = {worst['difference']:.3g} at {worst['example']}"
    )
    assert worst["count"] >= 500
    assert worst["difference"] < TOLERANCE
