"""Reductions and the softmax family against PyTorch, finite differences and exact math."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import torch

import twingrad
from torch_compare import check, check_central_differences, check_raises, numeric_grad

rng = np.random.default_rng(7)
X3 = rng.standard_normal((2, 3, 4))
X2 = rng.standard_normal((3, 4))
SCALAR = np.array(1.25)
EMPTY_ROWS = np.zeros((0, 3))
EMPTY_COLS = np.zeros((2, 0))
# repeated maxima and minima in rows, columns and over the whole tensor
TIES = np.array([[1.0, 3.0, 3.0, -2.0], [3.0, 0.5, -2.0, -2.0], [0.0, 3.0, 1.0, 0.0]])
INTS = np.array([[3, -1, 3], [2, 7, 7]])


def dims_cases(ndim):
    return [None, 0, -1, (0, ndim - 1), (-1, 0)] if ndim > 1 else [None, 0, -1]


# -- sum, mean, prod ----------------------------------------------------------------------


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("dim", [None, 1, -1, (0, 2), (2, 0, 1), ()])
@pytest.mark.parametrize("keepdim", [False, True])
def test_sum_mean_match_torch(op, dim, keepdim):
    check(lambda t, x: getattr(x, op)(dim=dim, keepdim=keepdim), X3)
    # non-contiguous: a permuted view
    check(lambda t, x: getattr(t, op)(x.permute(2, 0, 1), dim=dim, keepdim=keepdim), X3)


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "amax", "amin", "logsumexp"])
def test_reductions_of_0d_and_size_0(op):
    if op != "logsumexp":
        check(lambda t, x: getattr(t, op)(x), SCALAR)
    check(lambda t, x: getattr(t, op)(x, 0), SCALAR)
    check(lambda t, x: getattr(t, op)(x, -1, keepdim=True), SCALAR)
    check(lambda t, x: getattr(t, op)(x, 1), EMPTY_ROWS)  # reduces non-empty rows: empty
    if op in ("amax", "amin"):
        check_raises(lambda t, x: getattr(t, op)(x, 0), EMPTY_ROWS)
        check_raises(lambda t, x: getattr(t, op)(x), EMPTY_ROWS)
    else:  # sums and products of nothing have an identity (mean's is nan)
        check(lambda t, x: getattr(t, op)(x, 0), EMPTY_ROWS)
        check(lambda t, x: getattr(t, op)(x, 1, keepdim=True), EMPTY_COLS)


def test_reduction_errors_match_torch():
    check_raises(lambda t, x: x.sum(dim=(0, 0)), X2)
    check_raises(lambda t, x: x.sum(dim=(1, -1)), X2)
    check_raises(lambda t, x: x.mean(dim=2), X2)
    check_raises(lambda t, x: x.prod(dim=(0, 1)), X2)
    check_raises(lambda t, x: x.max(dim=(0, 1)), X2)
    check_raises(lambda t, x: x.amax(dim=5), X2)
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times"):
        twingrad.ones(2, 3).sum(dim=(1, -1))


@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_prod_matches_torch(dim, keepdim):
    if dim is None and keepdim:
        return  # PyTorch's prod has no keepdim without a dim
    f = (lambda t, x: x.prod()) if dim is None else (lambda t, x: x.prod(dim, keepdim=keepdim))
    check(f, X2)
    check(lambda t, x: f(t, x.transpose(0, 1)), X2)


@pytest.mark.parametrize(
    "x",
    [
        [[2.0, 0.0, 3.0], [1.5, -2.0, 0.5]],  # one zero in a row
        [[0.0, 4.0, 0.0], [0.0, 0.0, 0.0]],  # several zeros, and a row of zeros
        [[0.0, 4.0, 5.0], [0.0, -1.0, 3.0]],  # a column of zeros
    ],
)
def test_prod_gradient_with_zeros(x):
    x = np.array(x)
    check(lambda t, a: a.prod(), x)
    check(lambda t, a: a.prod(1), x)
    check(lambda t, a: a.prod(0, keepdim=True), x)


def test_prod_gradient_with_zeros_by_hand():
    x = twingrad.tensor([2.0, 0.0, 3.0, 5.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 30.0, 0.0, 0.0]
    y = twingrad.tensor([0.0, 2.0, 0.0], requires_grad=True)
    y.prod().backward()
    assert y.grad.tolist() == [0.0, 0.0, 0.0]


def test_prod_of_ints_and_bools_gives_int64():
    check(lambda t, x: x.prod(), INTS)
    check(lambda t, x: x.prod(1), INTS)
    check(lambda t, x: (x > 0).prod(0), INTS)
    check(lambda t, x: x.sum(dim=0), INTS)


# -- max, min, amax, amin, argmax, argmin -------------------------------------------------


@pytest.mark.parametrize("op", ["amax", "amin"])
@pytest.mark.parametrize("dim", [(), 0, -1, (0, 1), (1, 0)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_amax_amin_share_ties_like_torch(op, dim, keepdim):
    check(lambda t, x: getattr(t, op)(x, dim=dim, keepdim=keepdim), TIES)
    check(lambda t, x: getattr(x.T, op)(dim, keepdim), TIES)
    check(lambda t, x: getattr(t, op)(x, dim=dim, keepdim=keepdim), X2)


@pytest.mark.parametrize("op", ["max", "min"])
def test_full_max_min_share_ties_like_torch(op):
    check(lambda t, x: getattr(x, op)(), TIES)
    check(lambda t, x: getattr(t, op)(x), X3)
    check(lambda t, x: getattr(t, op)(x), SCALAR)
    check_raises(lambda t, x: getattr(x, op)(), EMPTY_ROWS)
    check(lambda t, x: getattr(x, op)(), INTS)


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_dim_send_grad_to_the_index_like_torch(op, dim, keepdim):
    check(lambda t, x: getattr(x, op)(dim, keepdim), TIES)
    check(lambda t, x: getattr(t, op)(x.T, dim=dim, keepdim=keepdim), TIES)
    check(lambda t, x: getattr(t, op)(x, dim, keepdim=keepdim), INTS)


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_dim_edges_match_torch(op):
    check(lambda t, x: getattr(x, op)(0), SCALAR)
    check(lambda t, x: getattr(x, op)(-1, keepdim=True), SCALAR)
    check(lambda t, x: getattr(x, op)(1), EMPTY_ROWS)
    check_raises(lambda t, x: getattr(x, op)(0), EMPTY_ROWS)
    check(lambda t, x: getattr(x, op)(2, keepdim=True), X3)


def test_max_dim_returns_values_and_indices():
    x = twingrad.tensor([[1.0, 3.0, 3.0], [4.0, 4.0, 0.0]], requires_grad=True)
    out = x.max(dim=1)
    values, indices = out
    assert out.values is values and out.indices is indices
    assert values.tolist() == [3.0, 4.0] and indices.tolist() == [1, 0]
    assert indices.dtype is twingrad.int64 and not indices.requires_grad
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    low = twingrad.min(x, 0, keepdim=True)
    assert low.indices.tolist() == [[0, 0, 1]] and low.values.shape == (1, 3)


def test_max_and_min_of_two_tensors_are_maximum_and_minimum():
    a, b = X2, rng.standard_normal(4)
    check(lambda t, x, y: t.max(x, y), a, b)
    check(lambda t, x, y: x.min(y), a, b)


def test_nan_wins_max_and_min_like_torch():
    x = np.array([[1.0, np.nan, 3.0, np.nan], [1.0, 2.0, 2.0, 0.0]])
    check(lambda t, a: a.max(), x)
    check(lambda t, a: a.min(), x)
    check(lambda t, a: a.max(dim=1), x)
    check(lambda t, a: a.min(dim=1), x)
    check(lambda t, a: a.argmax(dim=1), x, grad=False)
    check(lambda t, a: a.argmin(), x, grad=False)


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_argmax_argmin_match_torch(op, dim, keepdim):
    check(lambda t, x: getattr(t, op)(x, dim=dim, keepdim=keepdim), TIES, grad=False)
    check(lambda t, x: getattr(x.T, op)(dim, keepdim), TIES, grad=False)


@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_argmax_argmin_edges_match_torch(op):
    check(lambda t, x: getattr(x, op)(), INTS, grad=False)
    check(lambda t, x: getattr(x, op)(0), SCALAR, grad=False)
    check(lambda t, x: getattr(x, op)(1), EMPTY_ROWS, grad=False)
    check_raises(lambda t, x: getattr(x, op)(), EMPTY_ROWS)
    check_raises(lambda t, x: getattr(x, op)(0), EMPTY_ROWS)


# -- var, std -----------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("dim", [None, 0, -1, (0, 2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_var_std_match_torch(op, dim, keepdim):
    check(lambda t, x: getattr(x, op)(dim, keepdim=keepdim), X3)
    check(lambda t, x: getattr(t, op)(x.transpose(0, 2), dim=dim, correction=0), X3)
    check(lambda t, x: getattr(x, op)(dim, unbiased=False, keepdim=keepdim), X3)
    check(lambda t, x: getattr(x, op)(dim, correction=2, keepdim=keepdim), X3)


@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std_spellings_and_edges_match_torch(op):
    check(lambda t, x: getattr(t, op)(x, False), X2)  # the old positional unbiased
    check(lambda t, x: getattr(x, op)(1, True, True), X2)
    check(lambda t, x: getattr(x, op)(), SCALAR)  # one element: 0/0, nan
    check(lambda t, x: getattr(x, op)(correction=0), SCALAR)
    check(lambda t, x: getattr(x, op)(0), EMPTY_ROWS)
    check(lambda t, x: getattr(x, op)(1), np.ones((2, 3)))  # zero spread: std passes 0
    check_raises(lambda t, x: getattr(x, op)(), INTS)
    check_raises(lambda t, x: getattr(x, op)(unbiased=True, correction=1), X2)


# -- logsumexp, softmax, log_softmax -----------------------------------------------------


@pytest.mark.parametrize("dim", [0, -1, (0, 2), (2, 1, 0)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_logsumexp_matches_torch(dim, keepdim):
    check(lambda t, x: t.logsumexp(x, dim, keepdim=keepdim), X3)
    check(lambda t, x: x.permute(1, 2, 0).logsumexp(dim, keepdim), X3)
    check(lambda t, x: t.logsumexp(x, dim, keepdim=keepdim), 1000 + 50 * X3)
    check(lambda t, x: t.logsumexp(x, dim, keepdim=keepdim), -1000 + 50 * X3)


def test_logsumexp_infinities_and_ints_match_torch():
    inf = np.inf
    x = np.array([[-inf, -inf], [inf, 1.0], [-inf, 2.0]])
    check(lambda t, a: t.logsumexp(a, 1), x, grad=False)
    check(lambda t, a: t.logsumexp(a, 1), INTS, dtypes=("float32",))
    check_raises(lambda t, a: t.logsumexp(a), X2)  # dim is required


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1, 2])
def test_softmax_family_matches_torch(op, dim):
    check(lambda t, x: getattr(t, op)(x, dim), X3)
    check(lambda t, x: getattr(x.transpose(0, 2), op)(dim), X3)
    check(lambda t, x: getattr(t, op)(x, dim), 1000 + 100 * X3)  # exp(x) would overflow
    check(lambda t, x: getattr(t, op)(x, dim), -1000 + 100 * X3)
    check(lambda t, x: getattr(x, op)(dim, dtype=t.float64), X3)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_family_edges_match_torch(op):
    check(lambda t, x: getattr(t, op)(x, 0), SCALAR)
    check(lambda t, x: getattr(t, op)(x, -1), EMPTY_COLS)
    check(lambda t, x: getattr(t, op)(x, 0), EMPTY_ROWS)
    check(lambda t, x: getattr(t, op)(x, 1), np.array([[1.0, -np.inf, 0.0]]))
    check(lambda t, x: getattr(x, op)(1, dtype=t.float32), INTS, dtypes=("float32",))
    check_raises(lambda t, x: getattr(t, op)(x, 1), INTS)
    check_raises(lambda t, x: getattr(t, op)(x, 3), X2)


def test_softmax_of_large_values_is_finite_and_sums_to_one():
    x = twingrad.tensor([[1000.0, 1001.0, 1002.0], [-1e4, -1e4, -1e4]], requires_grad=True)
    y = twingrad.softmax(x, dim=1)
    np.testing.assert_allclose(y.sum(dim=1).tolist(), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(y.tolist()[1], [1 / 3] * 3, rtol=1e-6)
    (y * twingrad.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    np.testing.assert_allclose(x.grad.sum(dim=1).tolist(), [0.0, 0.0], atol=1e-6)


# -- central finite differences (float64) ------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.prod(1),
        lambda x: x.amax(0),
        lambda x: x.max(dim=1).values,
        lambda x: x.var(1),
        lambda x: x.std(0, correction=0),
        lambda x: x.logsumexp((0, 1)),
        lambda x: x.softmax(1),
        lambda x: x.log_softmax(0),
    ],
)
def test_gradients_match_central_differences(fn):
    check_central_differences(fn, rng)


def test_prod_with_zeros_matches_central_differences():
    x0 = np.array([[0.0, 1.5, -2.0], [0.7, 0.0, 0.0]])
    x = twingrad.tensor(x0, requires_grad=True)
    x.prod(1).sum().backward()
    expected = numeric_grad(lambda a: float(twingrad.tensor(a).prod(1).sum()), x0)
    np.testing.assert_allclose(x.grad.numpy(), expected, atol=1e-8)


# -- higher order (create_graph) ----------------------------------------------------------


@pytest.mark.parametrize(
    "fn, x0",
    [
        (lambda x: (x.softmax(1) * x).sum(), X2),
        (lambda x: x.log_softmax(0).pow(2).sum(), X2),
        (lambda x: x.logsumexp(1).pow(3).sum(), X2),
        (lambda x: x.prod(1).sum(), X2),
        (lambda x: x.prod(), np.array([[0.0, 1.5], [-2.0, 0.5]])),  # one zero
        (lambda x: x.prod(0).sum(), np.array([[0.0, 1.5], [0.0, 0.5], [3.0, 0.0]])),
        (lambda x: x.var(0).pow(2).sum(), X2),
        (lambda x: (x.std(1) * x.mean(1)).sum(), X2),
        (lambda x: (x.max(dim=1).values ** 3).sum(), TIES),
        (lambda x: (x.amin(0) ** 3).sum(), TIES),
        (lambda x: (x.mean(0, keepdim=True) * x).sum() ** 2, X2),
    ],
)
def test_hessian_vector_products_match_torch(fn, x0):
    v0 = rng.standard_normal(x0.shape)
    out = []
    for lib in (twingrad, torch):
        x = lib.tensor(x0, requires_grad=True)
        (g,) = lib.autograd.grad(fn(x), x, create_graph=True)
        (hv,) = lib.autograd.grad((g * lib.tensor(v0)).sum(), x)
        out.append(np.asarray(hv.detach().numpy()))
    np.testing.assert_allclose(out[0], out[1], rtol=1e-10, atol=1e-12)


# -- exact (Fraction) results ------------------------------------------------------------


def F(*args):
    return Fraction(*args)


def exact(rows, requires_grad=True):
    return twingrad.tensor(
        [[Fraction(v) for v in r] for r in rows],
        dtype=twingrad.fraction,
        requires_grad=requires_grad,
    )


def test_exact_prod_mean_var_and_their_gradients():
    x = exact([[F(1, 2), F(3)], [F(0), F(2, 3)]])
    p = x.prod()
    assert p.item() == 0
    p.backward()
    assert x.grad.tolist() == [[0, 0], [1, 0]]  # d/dx_10 = 1/2 * 3 * 2/3
    x.grad = None
    rows = x.prod(1)
    assert rows.tolist() == [F(3, 2), 0]
    rows.sum().backward()
    assert x.grad.tolist() == [[3, F(1, 2)], [F(2, 3), 0]]
    assert all(type(v) is Fraction for v in np.ravel(x.grad.numpy()))

    y = exact([[F(1, 2), F(3), F(0), F(3)]])
    m = y.mean()
    assert m.item() == F(13, 8)
    v = y.var()  # deviations -9/8, 11/8, -13/8, 11/8: squares sum to 123/16, over 3
    assert v.item() == F(41, 16)
    v.backward()
    assert y.grad.tolist() == [[F(-3, 4), F(11, 12), F(-13, 12), F(11, 12)]]
    assert y.var(correction=0).item() == F(123, 64)


def test_exact_ties_split_into_fraction_halves_and_quarters():
    x = exact([[F(1), F(5, 2), F(5, 2)], [F(5, 2), F(0), F(5, 2)]])
    x.max().backward()
    q = F(1, 4)
    assert x.grad.tolist() == [[0, q, q], [q, 0, q]]
    assert all(type(v) is Fraction for v in np.ravel(x.grad.numpy()))
    x.grad = None
    values, indices = x.max(dim=1)
    assert values.tolist() == [F(5, 2), F(5, 2)] and indices.tolist() == [1, 0]
    values.sum().backward()
    assert x.grad.tolist() == [[0, 1, 0], [1, 0, 0]]
    x.grad = None
    x.amax(dim=0).sum().backward()
    assert x.grad.tolist() == [[0, 1, F(1, 2)], [1, 0, F(1, 2)]]


def test_exact_refuses_what_is_not_rational():
    x = exact([[F(1), F(2)]], requires_grad=False)
    for f in (lambda a: a.std(), lambda a: a.softmax(1), lambda a: a.logsumexp(1)):
        with pytest.raises(TypeError, match="not a rational function"):
            f(x)
    with pytest.raises(ZeroDivisionError, match="degrees of freedom"):
        exact([[F(1)]]).var()


def test_rules_carry_formulas_for_walkthroughs():
    from twingrad.rules import RULES

    names = "sum mean prod amax amin max_dim min_dim var std logsumexp softmax log_softmax"
    for name in names.split():
        rule = RULES[name]
        assert rule.formula(0).startswith(f"d({rule.expr})/dx = grad_x")
        assert rule.formula_latex(0).startswith(r"\frac{\partial")
    assert RULES["softmax"].derivative_text == ("grad_x = y * (grad_y - sum(grad_y * y, dim))",)


def test_the_mean_of_nothing_is_nan_without_a_warning_as_in_pytorch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dtype in (twingrad.float32, twingrad.float64):
            x = twingrad.zeros(0, 3, dtype=dtype, requires_grad=True)
            mean = x.mean()
            mean.backward()
            assert math.isnan(mean.item()) and mean.dtype is dtype
            assert x.grad.shape == (0, 3)
            assert all(math.isnan(v) for v in x.mean(0).tolist())
