"""floor, ceil, round, trunc, frac, sign, remainder (%), fmod and floor_divide (//) against
PyTorch, central differences, exact arithmetic and the bridge."""

from fractions import Fraction

import numpy as np
import pytest
import torch

import twingrad
from torch_compare import (
    check,
    check_central_differences,
    check_hessian_vector_product,
    check_raises,
)
from twingrad.bridge import check as bridge_check
from twingrad.bridge import compare
from twingrad.rules import RULES

rng = np.random.default_rng(23)
# halves (where round goes to even), negatives, values just off the integers
A = np.array([[-2.5, -1.5, -0.5, 0.5], [1.5, 2.5, -1.25, 3.75], [0.2, -0.7, 4.0, -3.0]])
WIDE = rng.standard_normal((3, 4)) * 300  # for round with decimals, negative ones too
ROW = np.array([1.5, -2.0, 0.75, 3.0])
COL = np.array([[2.0], [-1.25], [0.5]])
SCALAR = np.array(-1.75)
EMPTY = np.zeros((0, 4))
SPECIAL = np.array([np.inf, -np.inf, np.nan, -0.0, 0.0, 1e30, -1e-30, 0.49999999999999994])
INTS = np.array([[7, -7, 0, 5], [-3, 3, 9, -9]])
INT_DIVISORS = np.array([2, -3, 4, -5])
BOOLS = np.array([True, False, True])

ROUNDING = ["floor", "ceil", "round", "trunc", "frac", "sign"]


# -- floor, ceil, round, trunc, frac, sign -------------------------------------------------


@pytest.mark.parametrize("op", ROUNDING)
def test_rounding_ops_match_torch(op):
    check(lambda t, x: getattr(t, op)(x), A)
    check(lambda t, x: getattr(x, op)(), A, noncontiguous=True)
    check(lambda t, x: getattr(x.T, op)() * x.T, A)  # a transposed view, times itself
    check(lambda t, x, y: getattr(t, op)(x * y), COL, ROW)  # broadcast input
    check(lambda t, x: getattr(t, op)(x), SCALAR)
    check(lambda t, x: getattr(x, op)(), EMPTY)
    check(lambda t, x: getattr(t, op)(x), SPECIAL)


@pytest.mark.parametrize("op", ROUNDING)
def test_rounding_gives_zeros_or_ones_even_where_the_upstream_gradient_is_inf(op):
    # sqrt'(0) is inf: PyTorch's floor backward is zeros_like(grad), not grad * 0 = nan
    check(lambda t, x: (getattr(x, op)() + 1).abs().sqrt(), np.array([[-1.0, -0.6], [0.4, 2.5]]))


@pytest.mark.parametrize("op", ["floor", "ceil", "round", "trunc", "sign"])
def test_rounding_integer_tensors_keeps_them_integer(op):
    check(lambda t, x: getattr(t, op)(x), INTS)
    check(lambda t, x: getattr(x, op)(), np.zeros((0, 2), dtype=np.int64))


def test_sign_of_bool_stays_bool_and_the_others_refuse_bool():
    check(lambda t, x: t.sign(x), BOOLS)
    for op in ["floor", "ceil", "round", "trunc", "frac"]:
        check_raises(lambda t, x, op=op: getattr(t, op)(x), BOOLS, match=f"{op} is not .* bool")
    check_raises(lambda t, x: t.frac(x), INTS, match="frac is not implemented for int64")


@pytest.mark.parametrize("decimals", [0, 1, 2, 3, -1, -2])
def test_round_with_decimals_matches_torch(decimals):
    check(lambda t, x: t.round(x, decimals=decimals), WIDE)
    check(lambda t, x: x.round(decimals=decimals) * x, WIDE / 100, noncontiguous=True)
    check(lambda t, x: x.round(decimals=decimals), SCALAR)
    check(lambda t, x: x.round(decimals=decimals), EMPTY)
    check(lambda t, x: t.round(x, decimals=decimals), SPECIAL)


def test_round_with_decimals_refuses_integers_even_with_zero_decimals():
    check_raises(lambda t, x: t.round(x, decimals=1), INTS, match="round with decimals")
    check_raises(lambda t, x: x.round(decimals=0), INTS, match="not implemented for int64")
    check_raises(lambda t, x: x.round(decimals=0.5), A, match="'decimals' must be int")


def test_round_names_its_backward_as_torch():
    x = twingrad.tensor([1.25], requires_grad=True)
    assert x.round().grad_fn.name() == "RoundBackward0"
    assert x.round(decimals=1).grad_fn.name() == "RoundBackward1"
    assert x.frac().grad_fn.name() == "FracBackward0" and x.sign().grad_fn.name() == "SignBackward0"


def test_rounding_gradients_by_hand():
    x = twingrad.tensor([-1.5, 0.25, 2.75], requires_grad=True)
    (x.floor() + x.ceil() + x.round() + x.trunc() + x.sign()).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    x.grad = None
    (x.frac() * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


# -- remainder, fmod, floor_divide ---------------------------------------------------------

DIVISIONS = {
    "remainder": lambda t, a, b: t.remainder(a, b),
    "%": lambda t, a, b: a % b,
    "fmod": lambda t, a, b: t.fmod(a, b),
    "fmod method": lambda t, a, b: a.fmod(b),
}
# zero divisors, signed zeros, infinities and nan, each against a few dividends
SPECIAL_A = np.array([5.5, -5.5, 5.5, -5.5, 3.0, 0.0, -0.0, 1.0, np.inf, 2.0, np.nan, -1.0])
SPECIAL_B = np.array([2.0, 2.0, -2.0, -2.0, 0.0, 3.0, 3.0, np.inf, 2.0, -0.0, 1.0, np.inf])


@pytest.mark.parametrize("op", DIVISIONS)
def test_remainder_and_fmod_match_torch(op):
    fn = DIVISIONS[op]
    check(fn, A, ROW)
    check(fn, COL, ROW)
    check(lambda t, a, b: fn(t, a.T, b), A.T.copy(), COL)  # a transposed view
    check(fn, A, ROW, noncontiguous=True)
    check(fn, SCALAR, ROW)
    check(fn, EMPTY, ROW)
    check(fn, SPECIAL_A, SPECIAL_B)  # nan for a zero divisor, d/db = -inf there
    check(lambda t, a: fn(t, a, 1.7), A)
    check(lambda t, a: fn(t, a, -0.6), SCALAR)
    check(lambda t, a: fn(t, a * 10, 0.1), A)  # quotients computed as PyTorch: 1 % 0.1
    check_raises(fn, A, COL.T, match=r"shapes \(3, 4\) and \(1, 3\)")


@pytest.mark.parametrize("op", DIVISIONS)
def test_remainder_and_fmod_on_integers_match_torch(op):
    fn = DIVISIONS[op]
    check(fn, INTS, INT_DIVISORS)
    check(lambda t, a: fn(t, a, 4), INTS)
    check(lambda t, a: fn(t, a, -4), INTS)
    check(lambda t, a: fn(t, a, 2.5), INTS)  # a float divisor: the default float dtype
    check(lambda t, a: fn(t, a, 2), BOOLS)  # bool and int: int64
    check(lambda t, a, b: fn(t, a.double(), b.float()), A, ROW)  # float64 wins
    check_raises(fn, INTS, np.array([1, 0, 2, 3]), match="ZeroDivisionError: .* by zero")
    check_raises(lambda t, a: fn(t, a, 0), INTS, match="ZeroDivisionError")
    check_raises(fn, BOOLS, BOOLS, match="not implemented for bool")


def test_remainder_with_a_number_first_matches_torch_forward():
    check(lambda t, b: 7.25 % b, ROW, grad=False)
    check(lambda t, b: t.remainder(-7, b), INT_DIVISORS)
    check(lambda t, b: 7 % b, SPECIAL_B, grad=False)
    check_raises(lambda t, b: t.fmod(5, b), ROW, match="'input' must be a Tensor")


def test_remainder_with_a_number_first_has_a_gradient_where_torch_has_none():
    # PyTorch 2.13 defines no derivative for remainder(Scalar, Tensor); ours is -floor(a/b)
    x = twingrad.tensor([2.0, -3.0, 0.5], requires_grad=True)
    (7.0 % x).sum().backward()
    assert x.grad.tolist() == [-3.0, 3.0, -14.0]
    with pytest.raises(RuntimeError, match="derivative for aten::remainder is not implemented"):
        (7.0 % torch.tensor([2.0], requires_grad=True)).sum().backward()


FLOOR_DIVISIONS = {
    "floor_divide": lambda t, a, b: t.floor_divide(a, b),
    "//": lambda t, a, b: a // b,
    "method": lambda t, a, b: a.floor_divide(b),
}


@pytest.mark.parametrize("op", FLOOR_DIVISIONS)
def test_floor_divide_matches_torch(op):
    fn = FLOOR_DIVISIONS[op]
    # grad=False: PyTorch has no derivative (the next test); requires_grad is compared
    for a, b in [(A, ROW), (COL, ROW), (SCALAR, ROW), (EMPTY, ROW), (SPECIAL_A, SPECIAL_B)]:
        check(fn, a, b, grad=False)
    check(fn, A, ROW, grad=False, noncontiguous=True)
    check(lambda t, a: fn(t, a * 10, 0.1), A, grad=False)  # 1 // 0.1 is 9, as 1 % 0.1 says
    check(lambda t, a: fn(t, a, -1.5), A, grad=False)
    check(fn, INTS, INT_DIVISORS)
    check(lambda t, a: fn(t, a, 2.5), INTS)
    check(lambda t, a: fn(t, a, 3), BOOLS)
    check(lambda t, b: 7 // b, INT_DIVISORS)
    check(lambda t, b: 7.5 // b, ROW, grad=False)
    check_raises(fn, INTS, np.array([1, 0, 2, 3]), match="ZeroDivisionError")
    check_raises(fn, BOOLS, BOOLS, match="not implemented for bool")
    check_raises(fn, A, COL.T)


def test_floor_divide_requires_grad_but_refuses_backward_like_torch():
    for lib in (twingrad, torch):
        x = lib.tensor([7.5, -2.0], requires_grad=True)
        quotient = x // 2
        assert quotient.requires_grad and quotient.tolist() == [3.0, -1.0]
        with pytest.raises(RuntimeError, match="derivative for .*floor_divide is not implemented"):
            (quotient * x).sum().backward()
        with lib.no_grad():
            assert not (x // 2).requires_grad
    x = twingrad.tensor([7.5, -2.0], requires_grad=True)
    ((x / 2).floor() * x).sum().backward()  # the way out the message suggests
    assert x.grad.tolist() == [3.0, -1.0]


def test_division_quotients_by_hand():
    a = twingrad.tensor([5.5, -5.5, 5.5, -5.5], requires_grad=True)
    b = twingrad.tensor([2.0, 2.0, -2.0, -2.0], requires_grad=True)
    (a % b).sum().backward()
    assert (a % b).tolist() == [1.5, 0.5, -0.5, -1.5]
    assert a.grad.tolist() == [1.0] * 4 and b.grad.tolist() == [-2.0, 3.0, 3.0, -2.0]
    a.grad = b.grad = None
    a.fmod(b).sum().backward()
    assert a.fmod(b).tolist() == [1.5, -1.5, 1.5, -1.5]
    assert b.grad.tolist() == [-2.0, 2.0, 2.0, -2.0]


# -- central differences, higher order, exact ------------------------------------------------

C = rng.standard_normal((3, 4)) * 4


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.floor() * x + x.ceil() * x * x,
        lambda x: x.round(decimals=1) * x.exp() + x.trunc() * x.sign(),
        lambda x: x.frac() * x,
        lambda x: twingrad.remainder(x * 3, 1.7) * x,
        lambda x: twingrad.remainder(twingrad.tensor(C), x + 3),  # d/db = -floor(a / b)
        lambda x: twingrad.fmod(twingrad.tensor(C), x - 3) * x,  # d/db = -trunc(a / b)
        lambda x: (x * 5).fmod(-1.3),
        lambda x: 7.3 % (x + 3),
    ],
)
def test_gradients_match_central_differences(fn):
    check_central_differences(fn, rng)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: (t.remainder(x * x, 1.3) * x).sum(),
        lambda t, x: (t.fmod(t.tensor(C[:2, :3]), x) * x).sum(),
        lambda t, x: (t.remainder(t.tensor(C[:2, :3]), x) * x * x).sum(),
        lambda t, x: (x.floor() * x * x + x.frac() * x.sin() + x.round(decimals=1) * x).sum(),
    ],
)
def test_hessian_vector_products_match_torch(fn):
    x0 = np.array([[0.3, -1.2, 0.7], [2.1, -0.4, 1.3]])
    v0 = rng.standard_normal(x0.shape)
    check_hessian_vector_product(fn, x0, v0)


def test_exact_tensors_round_and_divide_exactly():
    f = Fraction
    x = twingrad.tensor([f(-7, 2), f(5, 4), f(1, 3)], dtype=twingrad.fraction, requires_grad=True)
    assert x.floor().tolist() == [-4, 1, 0] and x.ceil().tolist() == [-3, 2, 1]
    assert x.round().tolist() == [-4, 1, 0] and x.trunc().tolist() == [-3, 1, 0]
    assert x.round(decimals=1).tolist() == [f(-7, 2), f(6, 5), f(3, 10)]
    assert x.frac().tolist() == [f(-1, 2), f(1, 4), f(1, 3)]
    assert (x % f(1, 2)).tolist() == [0, f(1, 4), f(1, 3)]
    assert x.fmod(-1).tolist() == [f(-1, 2), f(1, 4), f(1, 3)]
    assert (x // f(1, 3)).tolist() == [-11, 3, 1]
    y = twingrad.tensor([f(2, 3)] * 3, dtype=twingrad.fraction, requires_grad=True)
    (x % y).sum().backward()
    assert y.grad.tolist() == [6, -1, 0] and all(type(v) is Fraction for v in y.grad.tolist())


def test_rules_carry_formulas_for_walkthroughs():
    assert RULES["floor"].formula(0) == "d(floor(x))/dx = 0"
    assert RULES["frac"].formula(0) == "d(frac(x))/dx = 1"
    assert RULES["remainder"].formula(1) == "d(remainder(a, b))/db = -floor(a / b)"
    assert RULES["fmod"].formula(1) == "d(fmod(a, b))/db = -trunc(a / b)"
    assert RULES["round"].params == ("decimals",) and RULES["floor"].constant_derivatives == (0,)


# -- the bridge ----------------------------------------------------------------------------


def _rounding_graph(x, y):
    return (
        x.floor() * y
        + x.ceil() * x
        + x.round(decimals=1) * x.sign()
        + x.trunc() * x.frac()
        + (x % y) * x
        + x.fmod(y) * y
        + (x * 3).round()
    )


@pytest.mark.parametrize("exact", [False, True], ids=["float64", "exact"])
def test_bridge_agrees_on_rounding_and_division(exact):
    report = bridge_check(_rounding_graph, rng.standard_normal((3, 4)) * 3, ROW, exact=exact)
    assert report.agree and report.exact == exact
    assert report.max_ulps <= report.ulps_bound


def test_both_engines_give_zero_through_floor_even_for_an_inf_upstream_gradient():
    x = twingrad.tensor([1.5, -2.5], dtype=twingrad.float64, requires_grad=True)
    w = twingrad.tensor([float("inf"), 2.0], dtype=twingrad.float64)
    y = (x.floor() * w + x).sum()
    report = compare(y)  # the scalar engine's backward reads floor's constant 0 too
    assert report.agree and report.max_ulps == 0
    y.backward()
    expected = torch.tensor([1.5, -2.5], dtype=torch.float64, requires_grad=True)
    (
        expected.floor() * torch.tensor([float("inf"), 2.0], dtype=torch.float64) + expected
    ).sum().backward()
    assert x.grad.tolist() == expected.grad.tolist() == [1.0, 1.0]


# -- in place --------------------------------------------------------------------------


def _inplace(method, *args, **kwargs):
    """fn for `check`: x * 1 (a non-leaf) changed in place by ``method``, then used."""

    def fn(t, x):
        y = x * 1
        alias = y
        out = getattr(y, method)(*args, **kwargs)
        assert out is y and alias is y
        return y * x

    return fn


@pytest.mark.parametrize("op", ROUNDING)
def test_rounding_ops_in_place_match_torch(op):
    check(_inplace(op + "_"), A)


@pytest.mark.parametrize(
    ("method", "args"),
    [("remainder_", (3.0,)), ("fmod_", (-2.5,)), ("cumsum_", (1,)), ("cumprod_", (0,))],
)
def test_division_and_scans_in_place_match_torch(method, args):
    check(_inplace(method, *args), A)


def test_round_in_place_with_decimals_matches_torch():
    check(_inplace("round_", decimals=1), WIDE / 100)
    check_raises(lambda t: t.tensor([1.26]).round_(1))  # decimals is keyword-only
    check_raises(lambda t: t.tensor([1.26]).round(1))


def test_percent_and_floor_divide_assign_change_the_tensor_itself():
    for lib in (twingrad, torch):
        x = lib.tensor([5.0, -7.0, 7.5])
        alias = x
        x %= 3
        assert x is alias and x.tolist() == [2.0, 2.0, 1.5]
        n = lib.tensor([5, -7])
        alias = n
        n //= 3
        assert n is alias and n.tolist() == [1, -3] and n.dtype == lib.int64


def test_in_place_refusals_match_torch():
    check_raises(lambda t: t.tensor([5, 7]).remainder_(2.5))  # float result into int64
    check_raises(lambda t: t.ones(2, requires_grad=True).floor_())  # a leaf that needs grad
    check_raises(lambda t: t.ones(2, 3).cumsum_(2))  # no such dim
