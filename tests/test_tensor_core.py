"""Elementwise arithmetic, broadcasting, comparisons and matmul against PyTorch.

Each case runs in float64 and float32 through `torch_compare.check`: values, shapes,
dtypes, which outputs require grad, and the gradient of every input.
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import twingrad
from torch_compare import check, check_raises

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4))
B = rng.standard_normal((4, 5))
ROW = rng.standard_normal((4,))
COL = rng.standard_normal((3, 1))
SCALAR = np.array(1.75)
POSITIVE = rng.uniform(0.5, 2.0, (3, 4))

BINARY = {
    "+": lambda t, a, b: a + b,
    "-": lambda t, a, b: a - b,
    "*": lambda t, a, b: a * b,
    "/": lambda t, a, b: a / (b * b + 1),  # a divisor away from zero
    "**": lambda t, a, b: (a * a + 0.5) ** b,  # a positive base
    "add(alpha)": lambda t, a, b: t.add(a, b, alpha=2.5),
    "sub(alpha)": lambda t, a, b: a.sub(b, alpha=-0.5),
}


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize(
    "a, b",
    [(A, A), (A, ROW), (ROW, A), (A, COL), (COL, ROW), (A, SCALAR), (SCALAR, A), (SCALAR, SCALAR)],
    ids=["same", "row", "row-first", "col", "outer", "0-d", "0-d-first", "both-0-d"],
)
def test_binary_ops_broadcast_as_torch(op, a, b):
    check(BINARY[op], a, b)


@pytest.mark.parametrize("number", [2, 0.5, -3, 1.0])
@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x, c: x + c,
        lambda t, x, c: c + x,
        lambda t, x, c: x - c,
        lambda t, x, c: c - x,
        lambda t, x, c: x * c,
        lambda t, x, c: c * x,
        lambda t, x, c: x / c,
        lambda t, x, c: c / (x * x + 1),
        lambda t, x, c: x**c,
        lambda t, x, c: abs(c) ** x,
        lambda t, x, c: (x * x + 1) ** (c / 2),
    ],
)
def test_python_numbers_on_either_side_match_torch(fn, number):
    check(lambda t, x: fn(t, x, number), A)


def test_bool_numbers_follow_torch():
    check(lambda t, x: x + True, A)
    check(lambda t, x: False * x, A)
    check(lambda t, x: x / True, A)
    check_raises(lambda t, x: x - True, A, match="bool")
    check_raises(lambda t, x: True - x, A, match="bool")


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: -x,
        lambda t, x: abs(x),
        lambda t, x: x.abs(),
        lambda t, x: x.neg(),
        lambda t, x: x.relu(),
        lambda t, x: x.exp(),
        lambda t, x: (x * x + 0.1).log(),
        lambda t, x: (x * x + 0.1).sqrt(),
        lambda t, x: x.sin(),
        lambda t, x: x.cos(),
        lambda t, x: x.tanh(),
        lambda t, x: x.sigmoid(),
        lambda t, x: t.exp(x) * t.tanh(x),
        lambda t, x: x**2,
        lambda t, x: x**3.0,
        lambda t, x: (x * x + 0.1) ** 0.5,
        lambda t, x: (x * x + 0.1) ** -0.5,
        lambda t, x: x**0,
        lambda t, x: x.pow(2).mul(3).div(4).add(1).sub(2),
    ],
)
def test_unary_ops_match_torch(fn):
    check(fn, A)
    check(fn, SCALAR)
    check(fn, A, noncontiguous=True)


@pytest.mark.parametrize(
    "shape_a, shape_b",
    [((0,), (0,)), ((2, 0), (0,)), ((2, 0), (1, 0)), ((0, 3), (3,)), ((1, 1), (5,)), ((1,), ())],
)
def test_size_zero_and_size_one_dims_match_torch(shape_a, shape_b):
    a, b = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    for fn in BINARY.values():
        check(fn, a, b)
    check(lambda t, x, y: (x * y).sum(), a, b)


def test_non_contiguous_inputs_match_torch():
    for fn in BINARY.values():
        check(fn, A, ROW, noncontiguous=True)
    check(lambda t, a, b: a.t() @ b, A, COL)
    check(lambda t, a, b: (a.t() * 2) @ b.t(), A, rng.standard_normal((5, 3)))
    x = twingrad.tensor(A).t()
    assert not x.is_contiguous() and x.contiguous().is_contiguous()
    assert x.contiguous().tolist() == A.T.tolist()


@st.composite
def broadcastable(draw):
    """Two shapes that broadcast together: dims dropped, or set to 1 on either side."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))
    a, b = list(shape), list(shape)
    for dims in (a, b):
        for i in range(len(dims)):
            if draw(st.booleans()):
                dims[i] = 1
    a = a[draw(st.integers(0, len(a))) :]
    b = b[draw(st.integers(0, len(b))) :]
    return tuple(a), tuple(b)


@settings(max_examples=60, deadline=None)
@given(broadcastable(), st.sampled_from(list(BINARY)), st.integers(0, 2**32 - 1))
def test_random_broadcastable_shapes_match_torch(shapes, op, seed):
    r = np.random.default_rng(seed)
    a, b = (r.standard_normal(s) for s in shapes)
    check(BINARY[op], a, b, dtypes=("float64",))


@settings(max_examples=30, deadline=None)
@given(
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4),
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4),
)
def test_shapes_that_do_not_broadcast_are_refused_naming_both(shape_a, shape_b):
    try:
        np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        pass
    else:
        return  # these broadcast: the test above covers them
    a, b = np.ones(shape_a), np.ones(shape_b)
    names = re.escape(f"{tuple(shape_a)} and {tuple(shape_b)}")
    check_raises(lambda t, x, y: x + y, a, b, match=names)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, b: a == b,
        lambda t, a, b: a != b,
        lambda t, a, b: a < b,
        lambda t, a, b: a <= b,
        lambda t, a, b: a > b,
        lambda t, a, b: a >= b,
        lambda t, a, b: a > 0.25,
        lambda t, a, b: 0.25 < a,
        lambda t, a, b: a.eq(b),
        lambda t, a, b: a.lt(b),
        lambda t, a, b: (a > 0) & (b > 0),
        lambda t, a, b: (a > 0) | (b > 0),
        lambda t, a, b: (a > 0) ^ (b > 0),
        lambda t, a, b: ~(a > b),
        lambda t, a, b: (a > b).logical_not(),
    ],
)
def test_comparisons_give_bool_without_grad(fn):
    same = A.copy()
    same[0, 0] = ROW[0]
    check(fn, same, ROW)  # requires_grad of the result is compared too: False in both
    out = fn(twingrad, twingrad.tensor(A, requires_grad=True), twingrad.tensor(ROW))
    assert out.dtype is twingrad.bool and out.grad_fn is None and not out.requires_grad


def test_integer_bitwise_ops_match_torch():
    a, b = np.array([5, -3, 12]), np.array([3, 6, -1])
    for fn in (
        lambda t, x, y: x & y,
        lambda t, x, y: x | y,
        lambda t, x, y: x ^ y,
        lambda t, x, y: ~x,
        lambda t, x, y: x & 6,
    ):
        check(fn, a, b)
    check_raises(lambda t, x, y: x & y, A, A, match="bool or integer tensors, got float")


MATMULS = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
    ((2, 3, 4), (4,)),
    ((4,), (2, 4, 5)),
    ((0, 4), (4, 3)),
    ((3, 0), (0, 2)),
]


@pytest.mark.parametrize("shapes", MATMULS, ids=repr)
def test_matmul_shapes_match_torch(shapes):
    a, b = (rng.standard_normal(s) for s in shapes)
    check(lambda t, x, y: x @ y, a, b)
    check(lambda t, x, y: t.matmul(x, y), a, b, noncontiguous=True)


def test_mm_bmm_and_mixed_dtypes_match_torch():
    check(lambda t, a, b: t.mm(a, b), A, B)
    check(lambda t, a, b: a.mm(b), A, B)
    check(
        lambda t, a, b: t.bmm(a, b), rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4, 1))
    )
    # PyTorch refuses float32 @ float64; twingrad promotes, as for elementwise ops
    ours = twingrad.tensor(A, dtype=twingrad.float32) @ twingrad.tensor(B)
    assert ours.dtype is twingrad.float64
    np.testing.assert_allclose(ours.numpy(), A.astype(np.float32).astype(np.float64) @ B)


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"\(3x4 and 5x2\)"):
        twingrad.ones(3, 4) @ twingrad.ones(5, 2)
    check_raises(lambda t, a, b: a @ b, A, A, match=r"\(3x4 and 3x4\)")
    check_raises(lambda t, a, b: a @ b, ROW, np.ones(3), match="4 and 3")
    check_raises(lambda t, a, b: a @ b, SCALAR, A, match="at least 1D")
    check_raises(lambda t, a, b: t.mm(a, b), ROW, B, match="2-D")
    check_raises(lambda t, a, b: t.bmm(a, b), np.ones((2, 3, 4)), np.ones((3, 4, 5)), match="batch")
    check_raises(
        lambda t, a, b: a @ b, np.ones((2, 3, 4)), np.ones((3, 4, 5)), match=r"\(2,\) and \(3,\)"
    )


def test_hessian_vector_product_matches_torch():
    import torch

    x0 = rng.standard_normal(5)
    v0 = rng.standard_normal(5)
    out = []
    for lib in (twingrad, torch):
        x = lib.tensor(x0, requires_grad=True)
        v = lib.tensor(v0)
        y = (x.tanh() * x * x).sum() + (x.sigmoid() @ x) ** 2
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (hv,) = lib.autograd.grad((g * v).sum(), x)
        out.append(np.asarray(hv.detach().numpy()))
    np.testing.assert_allclose(out[0], out[1], rtol=1e-12, atol=1e-12)


def test_ops_on_a_parameter_give_plain_tensors_as_in_torch():
    # every op makes its result through Tensor._make, which builds a Tensor whatever the
    # operand's class: PyTorch's Parameter, too, gives torch.Tensor results
    p = twingrad.nn.Parameter(twingrad.tensor([1.0, 3.0, 2.0]))
    for result in (p.argmax(), p.isnan(), p.any(), p.detach(), p * 2, p[0], p.sum(), p == 1):
        assert type(result) is twingrad.Tensor
    assert repr(p.argmax()) == "tensor(1)"
