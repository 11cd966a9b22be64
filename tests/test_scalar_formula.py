"""`formula`: a Value graph from text, the same graph the operators build by hand."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest

from twingrad.generic import ExactArithmeticError
from twingrad.graph import topological_order
from twingrad.scalar import Value, formula


def test_a_formula_builds_the_graph_the_operators_build():
    out = formula("tanh(x*w + b) ** 2 - x / 4", x=2.0, w=-3.0, b=6.88)
    x, w, b = Value(2.0), Value(-3.0), Value(6.88)
    by_hand = (x * w + b).tanh() ** 2 - x / 4
    out.backward()
    by_hand.backward()
    assert out.data == by_hand.data
    leaves = {n.label: n for n in _leaves(out)}
    assert (leaves["x"].grad, leaves["w"].grad, leaves["b"].grad) == (x.grad, w.grad, b.grad)
    assert [p.op for p in out.parents] == ["pow", "div"]  # ** 2 is x ** c, not a Value power


def test_a_name_used_twice_is_one_leaf_whose_gradient_sums_both_uses():
    out = formula("x * x + x", x=3.0)
    out.backward()
    (x,) = _leaves(out, named=True)
    assert x.grad == 2 * 3.0 + 1


def test_every_function_and_operator():
    x = 0.7
    out = formula(
        "exp(x) + log(x) + sqrt(x) + tanh(x) + sigmoid(x) + relu(-x) + sin(x) + cos(x)"
        " + abs(-x) + x ** y + 2 ** x - +x",
        x=x,
        y=1.5,
    )
    expected = (
        math.exp(x) + math.log(x) + math.sqrt(x) + math.tanh(x) + 1 / (1 + math.exp(-x))
        + 0.0 + math.sin(x) + math.cos(x) + x + x**1.5 + 2**x - x
    )  # fmt: skip
    assert out.data == pytest.approx(expected, rel=1e-15)


def test_values_may_be_values():
    w = Value(-3.0, label="weight")
    out = formula("x * w", x=2.0, w=w)
    out.backward()
    assert w.grad == 2.0


def test_a_fraction_makes_the_formula_exact_and_reads_its_numbers_exactly():
    out = formula("a * b / 3 + 0.1 - a ** -2", a=Fraction(1, 2), b=4)
    assert out.data == Fraction(2, 3) + Fraction(1, 10) - 4
    out.backward()
    a, b = _leaves(out, named=True)
    assert a.grad == Fraction(4, 3) + 2 * 8 and b.grad == Fraction(1, 6)


def test_ieee_edges_follow_the_engine():
    assert formula("1 / x", x=0.0).data == math.inf
    assert formula("log(x)", x=0.0).data == -math.inf


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("x + y", {"x": 1.0}, "y is used in the formula but has no value"),
        ("x", {"x": 1.0, "z": 2.0}, "z is given a value but not used"),
        ("x +", {"x": 1.0}, "cannot read the formula 'x +'"),
        ("x.real", {"x": 1.0}, "it cannot have 'x.real'"),
        ("x < 2", {"x": 1.0}, "it cannot have 'x < 2'"),
        ("__import__('os')", {}, "__import__() is not a function formulas know"),
        ("max(x)", {"x": 1.0}, "max() is not a function formulas know"),
        ("exp(x, x)", {"x": 1.0}, "exp() takes one argument"),
        ("x + True", {"x": 1.0}, "True is not a number"),
        ("x + 'a'", {"x": 1.0}, "it cannot have \"'a'\""),
    ],
)
def test_what_a_formula_cannot_have_is_named(text, values, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        formula(text, **values)


def test_a_value_must_be_a_number():
    with pytest.raises(TypeError, match="x must be a number or a Value, got 'two'"):
        formula("x", x="two")


def test_exact_formulas_refuse_transcendental_functions():
    with pytest.raises(ExactArithmeticError, match="exp is not a rational function"):
        formula("exp(x)", x=Fraction(1))


def _leaves(out: Value, named: bool = False) -> list[Value]:
    return [n for n in topological_order(out) if n.is_leaf and (n.label or not named)]
