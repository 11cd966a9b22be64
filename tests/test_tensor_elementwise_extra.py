"""clamp, maximum, minimum and where against PyTorch, finite differences and exact math."""

from fractions import Fraction

import numpy as np
import pytest

import twingrad
from torch_compare import (
    check,
    check_central_differences,
    check_hessian_vector_product,
    check_raises,
)
from twingrad.rules import RULES

rng = np.random.default_rng(11)
A = rng.standard_normal((3, 4))
ROW = rng.standard_normal(4)
COL = rng.standard_normal((3, 1))
SCALAR = np.array(0.75)
EMPTY = np.zeros((0, 4))
# elements exactly on the clamp bounds -0.5 and 0.5, and equal pairs for maximum/minimum
ON_BOUNDS = np.array([[-0.5, 0.5, 0.0, -1.0], [2.0, -0.5, 0.5, 0.25]])
PAIRS_A = np.array([[1.0, 2.0, -3.0, 0.0], [5.0, 5.0, -1.0, 2.5]])
PAIRS_B = np.array([[1.0, 0.0, -3.0, 1.0], [5.0, 6.0, -2.0, 2.5]])
INTS = np.array([[3, -1, 4], [0, 7, -7]])


# -- clamp / clip ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bounds", [dict(min=-0.5), dict(max=0.5), dict(min=-0.5, max=0.5), dict(min=0.4, max=-0.4)]
)
def test_clamp_matches_torch(bounds):
    check(lambda t, x: t.clamp(x, **bounds), A)
    check(lambda t, x: x.clamp(**bounds), ON_BOUNDS)  # the gradient passes at the bounds
    check(lambda t, x: x.T.clip(**bounds), A)
    check(lambda t, x: t.clip(x, **bounds), SCALAR)
    check(lambda t, x: x.clamp(**bounds), EMPTY)


def test_clamp_positional_bounds_nan_and_ints_match_torch():
    check(lambda t, x: x.clamp(-0.5, 0.5), A)
    check(lambda t, x: t.clamp(x, 0), ON_BOUNDS)
    check(lambda t, x: x.clamp(min=0.0), np.array([np.nan, -1.0, 1.0]))
    check(lambda t, x: x.clamp(-2, 2), INTS)  # stays int64
    check(lambda t, x: x.clamp(min=0.5), INTS)  # a float bound makes it float
    check_raises(lambda t, x: x.clamp(), A)


def test_clamp_with_tensor_bounds_matches_torch():
    check(lambda t, x, lo: x.clamp(min=lo), A, ROW)
    check(lambda t, x, hi: t.clamp(x, max=hi), A, COL)
    check(lambda t, x, lo, hi: t.clamp(x, lo - 1, hi + 1), A, ROW, COL)


def test_clamp_in_place():
    x = twingrad.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    y = x * 1
    y.clamp_(min=0.0, max=1.0)
    assert y.tolist() == [0.0, 0.5, 1.0]
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    w = twingrad.tensor([-2.0, 3.0])
    assert w.clip_(max=1.0) is w and w.tolist() == [-2.0, 1.0]


# -- maximum / minimum -------------------------------------------------------------------


@pytest.mark.parametrize("op", ["maximum", "minimum"])
def test_maximum_minimum_match_torch(op):
    check(lambda t, a, b: getattr(t, op)(a, b), A, ROW)
    check(lambda t, a, b: getattr(a, op)(b), COL, ROW)
    check(lambda t, a, b: getattr(t, op)(a.T, b), A.T.copy(), ROW)  # a transposed view
    check(lambda t, a, b: getattr(t, op)(a, b), SCALAR, ROW)
    check(lambda t, a, b: getattr(t, op)(a, b), EMPTY, ROW)
    check(lambda t, a, b: getattr(t, op)(a, b), INTS, INTS.T[:1].T)
    check_raises(lambda t, a, b: getattr(t, op)(a, b), A, COL.T)


@pytest.mark.parametrize("op", ["maximum", "minimum"])
def test_maximum_minimum_split_ties_like_torch(op):
    check(lambda t, a, b: getattr(t, op)(a, b), PAIRS_A, PAIRS_B)
    check(lambda t, a: getattr(t, op)(a, a), PAIRS_A)  # every element tied with itself
    nan = np.array([np.nan, 1.0, np.nan])
    check(lambda t, a, b: getattr(t, op)(a, b), nan, np.array([0.0, np.nan, np.nan]))


def test_maximum_ties_by_hand():
    a = twingrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = twingrad.tensor([1.0, 5.0, 0.0], requires_grad=True)
    twingrad.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0] and b.grad.tolist() == [0.5, 1.0, 0.0]


def test_tie_factor_keeps_float32_and_fractions():
    half = RULES["maximum"].vjp(0, np.ones(2, np.float32), None, (np.ones(2, np.float32),) * 2)
    assert half.dtype == np.float32 and half.tolist() == [0.5, 0.5]
    f = Fraction
    a = twingrad.tensor([f(1, 3), f(2)], dtype=twingrad.fraction, requires_grad=True)
    b = twingrad.tensor([f(1, 3), f(1)], dtype=twingrad.fraction, requires_grad=True)
    out = twingrad.minimum(a, b)
    assert out.tolist() == [f(1, 3), f(1)]
    out.sum().backward()
    assert a.grad.tolist() == [f(1, 2), 0] and b.grad.tolist() == [f(1, 2), 1]
    assert all(type(v) is Fraction for v in a.grad.tolist() + b.grad.tolist())


# -- where -------------------------------------------------------------------------------


def test_where_matches_torch():
    check(lambda t, x, y: t.where(x > 0, x, y), A, ROW)
    check(lambda t, x, y: t.where(y > 0, x, y), A, COL)  # the condition broadcasts too
    check(lambda t, x, y: x.where(x.T.T < y, y * 2), A, ROW)
    check(lambda t, x: t.where(x > 0, x, 0.0), A)
    check(lambda t, x: t.where(x > 0, 1.0, x), SCALAR)
    check(lambda t, x, y: t.where(x > 0, x, y), EMPTY, ROW)
    check(lambda t, x: t.where(x > 0, x, 0.5), INTS)  # int and Python float: float32
    check(lambda t, x: t.where(x > 0, x, -x), INTS)


def test_where_errors_match_torch():
    check_raises(lambda t, x, y: t.where(x, x, y), A, ROW)  # condition must be bool
    check_raises(lambda t, x, y: t.where(x > 0, x, y), A, COL.T)


def test_where_passes_gradient_to_the_chosen_side_only():
    x = twingrad.tensor([-1.0, 2.0, 3.0], requires_grad=True)
    y = twingrad.tensor([10.0, 20.0, 30.0], requires_grad=True)
    twingrad.where(x > 1, x * x, y).sum().backward()
    assert x.grad.tolist() == [0.0, 4.0, 6.0] and y.grad.tolist() == [1.0, 0.0, 0.0]


def test_where_on_fractions_stays_exact():
    f = Fraction
    x = twingrad.tensor([f(1, 3), f(-2, 7)], dtype=twingrad.fraction, requires_grad=True)
    out = twingrad.where(x > 0, x, x * f(1, 2))
    assert out.tolist() == [f(1, 3), f(-1, 7)]
    out.sum().backward()
    assert x.grad.tolist() == [1, f(1, 2)]
    clamped = x.clamp(min=0.0)
    assert clamped.tolist() == [f(1, 3), 0] and type(clamped.tolist()[1]) is Fraction


# -- finite differences and higher order -------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.clamp(-0.5, 0.5),
        lambda x: twingrad.maximum(x, x.mean(dim=1, keepdim=True)),
        lambda x: twingrad.minimum(x * 2, x.exp()),
        lambda x: twingrad.where(x > 0, x * x, x.sin()),
    ],
)
def test_gradients_match_central_differences(fn):
    check_central_differences(fn, rng)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: (t.clamp(x, -0.5, 0.5) * x * x).sum(),
        lambda t, x: (t.maximum(x * x, x.exp()) ** 2).sum(),
        lambda t, x: (t.minimum(x, x.abs()) * x).sum(),  # ties where x >= 0
        lambda t, x: (t.where(x > 0, x**3, x * x.sin()) * x).sum(),
        lambda t, x: (x.abs() ** x).sum(),  # pow's derivative uses where on tensors
    ],
)
def test_hessian_vector_products_match_torch(fn):
    x0 = np.array([[0.3, -1.2, 0.7], [2.0, -0.4, 0.3]])
    v0 = rng.standard_normal(x0.shape)
    check_hessian_vector_product(fn, x0, v0)


def test_rules_carry_formulas_for_walkthroughs():
    assert RULES["clamp"].formula(0) == "d(clamp(x, min, max))/dx = 1 if min <= x <= max else 0"
    assert (
        RULES["maximum"].formula(1) == "d(maximum(a, b))/db = 1 if b > a, 1/2 if a == b, 0 if b < a"
    )
    assert RULES["where"].formula(2) == "d(where(condition, x, y))/dy = 0 where condition else 1"
    assert RULES["where"].derivatives[0] is None
    assert RULES["clamp"].params == ("min", "max") and RULES["minimum"].rational
