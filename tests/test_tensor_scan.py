"""cumsum and cumprod against PyTorch, finite differences, exact arithmetic and the bridge;
cumprod's gradient where the input holds zeros above all."""

from fractions import Fraction

import numpy as np
import pytest

import twingrad
from torch_compare import (
    check,
    check_central_differences,
    check_hessian_vector_product,
    check_raises,
    numeric_grad,
)
from twingrad.bridge import check as bridge_check
from twingrad.rules import RULES

rng = np.random.default_rng(29)
A = rng.standard_normal((3, 4))
ROW = rng.standard_normal(4)
COL = rng.standard_normal((3, 1))
SCALAR = np.array(1.5)
EMPTY = np.zeros((0, 4))
INTS = np.array([[3, -1, 4], [1, 5, -9]])
BOOLS = np.array([[True, False, True], [True, True, False]])
# lines with no zero, one zero (first, middle, last), two zeros, and only zeros
ZEROS = np.array(
    [
        [1.5, -2.0, 0.5, 3.0, -1.0],
        [0.0, 2.0, -1.5, 0.5, 2.0],
        [1.5, -2.0, 0.0, 3.0, -0.5],
        [2.0, 0.5, -1.0, 1.5, 0.0],
        [1.5, 0.0, 2.0, 0.0, -3.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
    ]
)

SCANS = ["cumsum", "cumprod"]


@pytest.mark.parametrize("op", SCANS)
@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_scans_match_torch(op, dim):
    check(lambda t, x: getattr(t, op)(x, dim), A)
    check(lambda t, x: getattr(x, op)(dim), A, noncontiguous=True)
    check(lambda t, x: getattr(x.T, op)(dim=dim), A)  # a transposed view
    check(lambda t, x, y: getattr(t, op)(x * y, dim), COL, ROW)  # a broadcast input
    check(lambda t, x: getattr(x, op)(dim), EMPTY)
    check(lambda t, x: getattr(x, op)(dim), A[:1])  # a dim of size 1
    check(lambda t, x: getattr(t, op)(x, dim=dim), INTS)  # int64 stays int64
    check(lambda t, x: getattr(x, op)(dim), BOOLS)  # bool becomes int64


@pytest.mark.parametrize("op", SCANS)
def test_scans_of_a_0d_tensor_match_torch(op):
    check(lambda t, x: getattr(t, op)(x, 0), SCALAR)
    check(lambda t, x: getattr(x, op)(-1), SCALAR)
    check_raises(lambda t, x: getattr(x, op)(1), SCALAR, match=r"range of \[-1, 0\]")


@pytest.mark.parametrize("op", SCANS)
def test_scans_with_a_dtype_match_torch(op):
    check(lambda t, x: getattr(t, op)(x, 1, dtype=t.float64), A)  # float32 in, float64 out
    # float64 in, float32 out: PyTorch's backward runs in float64, ours in float32 and
    # then converts, so the gradients agree to float32 precision only
    check(lambda t, x: getattr(x, op)(0, dtype=t.float32), A, rtol=1e-6, atol=1e-7)
    check(lambda t, x: getattr(x, op)(1, dtype=t.float32), INTS)
    check(lambda t, x: getattr(t, op)(x, 0, dtype=t.int64), BOOLS)


@pytest.mark.parametrize("op", SCANS)
def test_scans_refuse_a_bad_dim_like_torch(op):
    check_raises(lambda t, x: getattr(x, op)(2), A, match=r"range of \[-2, 1\], but got 2")
    check_raises(lambda t, x: getattr(t, op)(x, -3), A, match="Dimension out of range")
    check_raises(lambda t, x: getattr(x, op)(1.0), A, match="'dim' must be int, not float")
    check_raises(lambda t, x: getattr(t, op)(x), A, match="dim")


@pytest.mark.parametrize("dim", [0, 1])
def test_cumprod_gradient_with_zeros_matches_torch(dim):
    check(lambda t, x: x.cumprod(dim), ZEROS)
    check(lambda t, x: t.cumprod(x, dim) * x, ZEROS, noncontiguous=True)
    check(lambda t, x: x.cumprod(dim).cumprod(dim), ZEROS)
    check(lambda t, x: x.cumprod(dim), np.array([0.0, np.inf, 2.0, np.nan]) if dim == 0 else A)


def test_cumprod_gradient_with_zeros_by_hand():
    x = twingrad.tensor([2.0, 0.0, 3.0, 0.0, 4.0], requires_grad=True)
    x.cumprod(0).sum().backward()
    # d/dx0 = 1 (the zero kills the rest); d/dx1 = 2 * (1 + 3); after the first zero: 0
    assert x.grad.tolist() == [1.0, 8.0, 0.0, 0.0, 0.0]


def test_cumprod_gradient_with_zeros_matches_central_differences():
    w = rng.standard_normal(ZEROS.shape)
    for dim in (0, 1):
        x = twingrad.tensor(ZEROS, requires_grad=True)
        (x.cumprod(dim) * twingrad.tensor(w)).sum().backward()

        def weighted(a, dim=dim):
            return float((twingrad.tensor(a).cumprod(dim) * twingrad.tensor(w)).sum())

        expected = numeric_grad(weighted, ZEROS)  # a polynomial: smooth at zeros too
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.cumsum(1) * x,
        lambda x: x.cumsum(0).exp(),
        lambda x: x.cumprod(1),
        lambda x: (x * 0.5 + 1).cumprod(0) * x.cumsum(-1),
    ],
)
def test_gradients_match_central_differences(fn):
    check_central_differences(fn, rng)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: (x.cumsum(1) * x * x).sum(),
        lambda t, x: (x.cumprod(1) * x).sum(),
        lambda t, x: (x.cumprod(0) * x.sin()).sum(),
        lambda t, x: ((x * t.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])).cumprod(1) * x).sum(),
    ],
)
@pytest.mark.parametrize("zeros", [False, True], ids=["no zeros", "zeros"])
def test_hessian_vector_products_match_torch(fn, zeros):
    x0 = np.array([[0.3, -1.2, 0.7], [2.1, -0.4, 1.3]])
    if zeros:
        x0[0, 1] = x0[1, 0] = 0.0
    v0 = rng.standard_normal(x0.shape)
    check_hessian_vector_product(fn, x0, v0)


def test_exact_scans_give_exact_values_and_gradients():
    f = Fraction
    x = twingrad.tensor(
        [f(1, 2), f(0), f(2, 3), f(-3)], dtype=twingrad.fraction, requires_grad=True
    )
    assert x.cumsum(0).tolist() == [f(1, 2), f(1, 2), f(7, 6), f(-11, 6)]
    assert x.cumprod(0).tolist() == [f(1, 2), 0, 0, 0]
    (x.cumprod(0) + x.cumsum(0)).sum().backward()
    # cumsum: 4, 3, 2, 1; cumprod: 1 at x0, (1/2)(1 + 2/3 + (2/3)(-3)) at the zero
    assert x.grad.tolist() == [5, 3 + f(1, 2) * (1 + f(2, 3) - 2), 2, 1]
    assert all(type(v) is Fraction for v in x.grad.tolist())


def test_rules_carry_formulas_for_walkthroughs():
    assert RULES["cumsum"].formula(0) == (
        "d(cumsum(x, dim))/dx = grad_x_k = sum of grad_out_j for j >= k"
    )
    assert RULES["cumprod"].params == ("dim",) and RULES["cumprod"].rational
    assert RULES["cumprod"].formula_latex(0).startswith(r"\frac{\partial")


@pytest.mark.parametrize("exact", [False, True], ids=["float64", "exact"])
def test_bridge_agrees_on_scans_with_zeros(exact):
    def fn(x, y):
        return (x.cumprod(1) * y).cumsum(0) + x.cumsum(1).cumprod(0) + (x * y).cumprod(0)

    report = bridge_check(fn, ZEROS, rng.standard_normal(5), exact=exact)
    assert report.agree and report.exact == exact
    assert report.max_ulps <= report.ulps_bound
