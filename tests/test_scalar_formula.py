"""`formula`: a Value graph from text, the same graph the operators build by hand."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest

from twingrad.core.graph import topological_order
from twingrad.core.numeric import ExactArithmeticError
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


def test_every_function_and_operator_forward_and_gradient():
    text = (
        "exp(x) + log(x) + sqrt(x) + tanh(x) + sigmoid(x) + relu(x) + sin(x) + cos(x)"
        " + abs(-x) + x ** y + 2 ** x - +x / 3 * x"
    )
    out = formula(text, x=0.7, y=1.5)
    x, y = Value(0.7), Value(1.5)
    by_hand = (
        x.exp() + x.log() + x.sqrt() + x.tanh() + x.sigmoid() + x.relu() + x.sin() + x.cos()
        + abs(-x) + x**y + 2**x - x / 3 * x
    )  # fmt: skip
    out.backward()
    by_hand.backward()
    assert out.data == by_hand.data
    assert [n.grad for n in _leaves(out, named=True)] == [x.grad, y.grad]
    # and the values themselves, from the definitions
    assert out.data == pytest.approx(
        math.exp(0.7) + math.log(0.7) + math.sqrt(0.7) + math.tanh(0.7) + 1 / (1 + math.exp(-0.7))
        + 0.7 + math.sin(0.7) + math.cos(0.7) + 0.7 + 0.7**1.5 + 2**0.7 - 0.7 / 3 * 0.7,
        rel=1e-15,
    )  # fmt: skip


def test_a_negative_number_is_one_leaf_as_in_python():
    out = formula("-3 * x - -x", x=2.0)
    product = out.parents[0]
    assert [p.data for p in product.parents] == [-3.0, 2.0]
    assert out.parents[1].op == "neg"  # -x negates a name: an op


def test_a_name_may_be_text():
    assert formula("text * 2", text=3.0).data == 6.0


def test_a_formula_too_deep_for_the_parser_says_so():
    with pytest.raises(ValueError, match="nests too deeply"):
        formula("x" + " + x" * 5000, x=1.0)


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


def test_exact_numbers_are_read_as_written_not_as_the_nearest_float():
    out = formula("x + 0.30000000000000001 + 1_000.5 + 0x10", x=Fraction(0))
    assert out.data == Fraction(30000000000000001, 10**17) + Fraction(2001, 2) + 16


def test_exact_formulas_need_finite_numbers():
    with pytest.raises(ValueError, match="1e400 is too large for an exact formula"):
        formula("x + 1e400", x=Fraction(1))
    with pytest.raises(ValueError, match="y=inf: an exact formula needs finite numbers"):
        formula("x + y", x=Fraction(1), y=math.inf)


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
