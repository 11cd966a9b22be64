"""The gradient checker is itself checked: it passes true derivatives and rejects a
derivative that is 0.1% off.

A wrong derivative is made without touching the rule table: ``y + k * (y - y.data)`` has
the value of ``y`` exactly (``y - y.data`` is 0.0) but the derivative ``(1 + k) * y'``,
because ``y.data`` is a constant. Nothing is patched, so nothing can leak into other tests.
"""

from __future__ import annotations

import math
import re

import pytest

from twingrad import Value
from twingrad.bridge import gradcheck


def _skewed(fn, k: float):
    """``fn`` with the same value and a derivative (1 + k) times the true one."""

    def skewed(*xs):
        y = fn(*xs)
        return y + k * (y - y.data)

    return skewed


FUNCTIONS = [
    ("exp", lambda x: x.exp(), (0.5,)),
    ("tanh", lambda x: x.tanh(), (0.3,)),
    ("log", lambda x: x.log(), (1.7,)),
    ("sin * cos", lambda a, b: a.sin() * b.cos(), (0.9, -0.4)),
    ("rational", lambda a, b: (a * a - b) / (b * b + 1), (1.3, -2.2)),
    ("a ** b", lambda a, b: a**b, (1.6, 2.3)),
    ("sum", lambda a, b, c: Value.sum([a.sigmoid(), b * c, c.sqrt()]), (0.2, -3.0, 2.5)),
]


@pytest.mark.parametrize("fn, xs", [f[1:] for f in FUNCTIONS], ids=[f[0] for f in FUNCTIONS])
def test_true_derivatives_pass(fn, xs):
    assert gradcheck(fn, *xs) is True


@pytest.mark.parametrize("fn, xs", [f[1:] for f in FUNCTIONS], ids=[f[0] for f in FUNCTIONS])
@pytest.mark.parametrize("k", [1e-3, -1e-3])
def test_a_derivative_off_by_a_tenth_of_a_percent_is_rejected(fn, xs, k):
    wrong = _skewed(fn, k)
    assert wrong(*map(Value, xs)).data == fn(*map(Value, xs)).data  # same function
    with pytest.raises(AssertionError, match="gradcheck: the gradient of input"):
        gradcheck(wrong, *xs)


def test_the_skew_changes_only_the_derivative():
    x = Value(0.5)
    y = _skewed(lambda v: v.exp(), 1e-3)(x)
    y.backward()
    assert y.data == math.exp(0.5)
    assert x.grad == pytest.approx(1.001 * math.exp(0.5), rel=1e-15)


def test_the_failure_names_the_wrong_input_and_both_of_its_values():
    # f(a, b) = a * b with d/db skewed only: a.data * b is a*b with a held constant.
    def f(a, b):
        return a * b + 1e-3 * (a.data * b - a.data * b.data)

    with pytest.raises(AssertionError) as info:
        gradcheck(f, 2.0, 3.0)
    message = str(info.value)
    assert "input 1" in message and "input 0" not in message
    analytic, numeric = map(
        float, re.search(r"gives (\S+) but .* gives (\S+) \(", message).groups()
    )
    assert analytic == pytest.approx(2.002, rel=1e-12)  # d/db = 1.001 a
    assert numeric == pytest.approx(2.0, rel=1e-8)  # the true d/db = a


def test_the_worst_of_several_wrong_inputs_is_reported():
    def f(a, b):  # d/da 0.2% off, d/db 1% off
        return a * b + 2e-3 * (b.data * a - a.data * b.data) + 1e-2 * (a.data * b - a.data * b.data)

    with pytest.raises(AssertionError, match="gradient of input 1 is wrong"):
        gradcheck(f, 2.0, 3.0)


def test_tolerances_are_honoured():
    wrong = _skewed(lambda x: x.exp(), 1e-3)
    assert gradcheck(wrong, 0.5, rtol=2e-3)  # 0.1% is inside a 0.2% tolerance
    assert gradcheck(wrong, 0.5, rtol=0.0, atol=2e-3)  # and inside 0.002 > 0.00165 absolute
    with pytest.raises(AssertionError):
        gradcheck(wrong, 0.5, rtol=0.0, atol=1e-3)


def test_a_tiny_wrong_derivative_hides_under_atol():
    # d/dx of 1e-3 * exp(x) is 0.00165 at 0.5; 0.1% of it is below atol = 1e-5.
    assert gradcheck(_skewed(lambda x: 1e-3 * x.exp(), 1e-3), 0.5)


def test_a_nan_gradient_fails():
    # sqrt'(0) is inf, but the central difference at 0 is nan (sqrt(-eps) is nan)
    with pytest.raises(AssertionError, match="input 0"):
        gradcheck(lambda x: x.sqrt(), 0.0)


def test_value_inputs_are_read_and_left_untouched():
    a, b = Value(0.7), Value(-1.1)
    assert gradcheck(lambda x, y: x * y.exp(), a, b)
    assert (a.data, a.grad, b.data, b.grad) == (0.7, 0.0, -1.1, 0.0)


def test_ints_and_values_mix_as_inputs():
    assert gradcheck(lambda a, b, c: a * b - c, 3, Value(0.5), 2.25)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: gradcheck(lambda x: x), ValueError, "at least one input"),
        (lambda: gradcheck(lambda x: x, 1.0, eps=0.0), ValueError, "positive step"),
        (lambda: gradcheck(lambda x: x, "1.0"), TypeError, "input 0 is a str"),
        (lambda: gradcheck(lambda x: 3.0, 1.0), TypeError, "must return one Value"),
        (lambda: gradcheck(lambda x: [x, x], 1.0), TypeError, "got list"),
    ],
    ids=["no inputs", "zero eps", "a string input", "a float output", "a list output"],
)
def test_misuse_is_reported_in_the_users_terms(call, error, words):
    with pytest.raises(error, match=words):
        call()
