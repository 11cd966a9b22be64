"""Exact arithmetic: Values holding fractions.Fraction give exact values and gradients.

Every expected number below is derived by hand from the calculus, written out in the
comments, and compared with ``==``.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from twingrad import Value
from twingrad.core.numeric import ExactArithmeticError
from twingrad.rules import RULES


def _exact(*numbers):
    return [Value(F(n)) for n in numbers]


def _assert_all_fractions(*values):
    for v in values:
        assert type(v.data) is F and type(v.grad) is F


def test_harmonic_product():
    # f = ab / (a + b), a = 1/3, b = 2/5: a + b = 11/15, ab = 2/15, f = 2/11.
    # df/da = (b(a + b) - ab) / (a + b)^2 = b^2 / (a + b)^2 = (4/25) / (121/225) = 36/121
    # df/db = a^2 / (a + b)^2 = (1/9) / (121/225) = 25/121
    a, b = Value(F(1, 3)), Value(F(2, 5))
    f = a * b / (a + b)
    f.backward()
    assert (f.data, a.grad, b.grad) == (F(2, 11), F(36, 121), F(25, 121))
    _assert_all_fractions(a, b, f)


def test_subtraction_and_negation():
    # g = -(a - 3b) * b = -ab + 3b^2 at a = 1/2, b = -2/7: g = 1/7 + 12/49 = 19/49
    # dg/da = -b = 2/7; dg/db = -a + 6b = -1/2 - 12/7 = -31/14
    a, b = Value(F(1, 2)), Value(F(-2, 7))
    g = -(a - 3 * b) * b
    g.backward()
    assert (g.data, a.grad, b.grad) == (F(19, 49), F(2, 7), F(-31, 14))


def test_integer_powers_positive_negative_and_zero():
    # h = x^3 - 2x^-2 + x^0 at x = 2/3: 8/27 - 2 * 9/4 + 1 = 16/54 - 243/54 + 54/54 = -173/54
    # dh/dx = 3x^2 + 4x^-3 + 0 = 3 * 4/9 + 4 * 27/8 = 4/3 + 27/2 = 89/6
    (x,) = _exact(F(2, 3))
    h = x**3 - 2 * x**-2 + x**0
    h.backward()
    assert (h.data, x.grad) == (F(-173, 54), F(89, 6))
    _assert_all_fractions(x, h)


def test_integral_float_and_fraction_exponents_stay_exact():
    # x^2.0 and x^(4/2) are x^2: at x = 3/5 the value is 9/25 and the derivative 2x = 6/5
    for c in (2.0, F(4, 2), 2):
        (x,) = _exact(F(3, 5))
        y = x**c
        y.backward()
        assert (y.data, x.grad) == (F(9, 25), F(6, 5))
        _assert_all_fractions(x, y)


def test_relu_and_abs_on_both_sides_of_zero():
    # a = 1/3, b = 2/5: a - b = -1/15, b - a = 1/15.
    # r = relu(a - b) + relu(b - a) * 4 + |a - b| = 0 + 4/15 + 1/15 = 1/3
    # dr/da = 0 + 4 * (-1) + sign(a - b) = -4 - 1 = -5; dr/db = 0 + 4 - sign(a - b) = 5
    a, b = _exact(F(1, 3), F(2, 5))
    r = (a - b).relu() + (b - a).relu() * 4 + abs(a - b)
    r.backward()
    assert (r.data, a.grad, b.grad) == (F(1, 3), F(-5), F(5))
    _assert_all_fractions(a, b, r)


def test_relu_and_abs_at_zero_take_the_subgradient_zero():
    (x,) = _exact(0)
    y = x.relu() + abs(x)
    y.backward()
    assert (y.data, x.grad) == (0, 0)
    _assert_all_fractions(x, y)


def test_value_sum():
    # s = a + b + ab + 1/2 at a = 1/3, b = 2/5: 5/15 + 6/15 + 2/15 + 1/2 = 13/15 + 1/2 = 41/30
    # ds/da = 1 + b = 7/5; ds/db = 1 + a = 4/3
    a, b = _exact(F(1, 3), F(2, 5))
    s = Value.sum([a, b, a * b, F(1, 2)])
    s.backward()
    assert (s.data, a.grad, b.grad) == (F(41, 30), F(7, 5), F(4, 3))
    _assert_all_fractions(a, b, s)


def test_a_python_float_constant_joins_exactly():
    # 0.1 is not 1/10 in binary: it joins as the exact value of the double nearest 1/10.
    (x,) = _exact(F(1, 3))
    y = x * 0.1 + 0.5
    y.backward()
    assert (y.data, x.grad) == (F(1, 3) * F(0.1) + F(1, 2), F(0.1))
    assert F(0.1) != F(1, 10)
    _assert_all_fractions(x, y)


def test_gradients_accumulate_exactly():
    (x,) = _exact(F(1, 7))
    y = x * x  # dy/dx = 2x = 2/7
    y.backward()
    y.backward()
    assert x.grad == F(4, 7)
    _assert_all_fractions(x)


def test_many_tiny_steps_stay_exact_where_floats_drift():
    # sum of 1/10 ten times is exactly 1; in floats it is 0.9999999999999999
    tenth = Value(F(1, 10))
    total = tenth
    for _ in range(9):
        total = total + tenth
    total.backward()
    assert (total.data, tenth.grad) == (1, 10)
    assert sum([0.1] * 10) != 1.0


def test_exact_division_by_zero_is_an_error_not_an_infinity():
    with pytest.raises(ZeroDivisionError, match="exact"):
        Value(F(1)) / 0
    with pytest.raises(ZeroDivisionError, match="exact"):
        Value(F(0)) ** -1


TRANSCENDENTAL = {
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "sqrt": lambda x: x.sqrt(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
}


@pytest.mark.parametrize("name", TRANSCENDENTAL)
def test_a_transcendental_op_on_an_exact_value_says_it_is_not_rational(name):
    assert RULES[name].rational is False
    with pytest.raises(ExactArithmeticError, match=f"^{name} is not a rational function"):
        TRANSCENDENTAL[name](Value(F(1, 2)))


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda x: x**0.5, r"a non-integer power \(\*\* 0.5\)"),
        (lambda x: x ** F(1, 2), r"a non-integer power \(\*\* 1/2\)"),
        (lambda x: x ** Value(2.0), "a \\*\\* b with a Value exponent"),
        (lambda x: 2**x, "a \\*\\* b with a Value exponent"),
        (lambda x: Value(2.0) ** x, "a \\*\\* b with a Value exponent"),
    ],
    ids=["float exponent", "fraction exponent", "value exponent", "number base", "value base"],
)
def test_a_non_integer_or_variable_power_of_an_exact_value_says_it_is_not_rational(make, words):
    with pytest.raises(ExactArithmeticError, match=f"^{words} is not a rational function"):
        make(Value(F(4)))


def test_exact_arithmetic_error_is_a_type_error_that_says_what_to_do():
    assert issubclass(ExactArithmeticError, TypeError)
    with pytest.raises(TypeError, match="convert to float first"):
        Value(F(1)).exp()


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "neg", "pow", "abs", "relu", "add_n"])
def test_the_ops_exact_values_support_are_marked_rational_in_the_rule_table(name):
    assert RULES[name].rational is True
