"""Indexing, index assignment, gather, index_select and masked_fill against PyTorch."""

from fractions import Fraction

import numpy as np
import pytest
import torch

import twingrad
from torch_compare import check, check_hessian_vector_product, check_raises

rng = np.random.default_rng(1)
A = rng.standard_normal((3, 4, 5))
M = rng.standard_normal((3, 4))
S = np.array(1.5)  # a 0-d input
E = np.zeros((0, 3))  # a size-0 input
ROW = rng.standard_normal((1, 4))
MASK = M > 0
IDX = np.array([2, 0, 2, -1])  # repeated and negative: gradients of repeats add up


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a: a[1],
        lambda t, a: a[-1],
        lambda t, a: a[1, -2],
        lambda t, a: a[0, 1, 2],  # 0-d
        lambda t, a: a[1:3],
        lambda t, a: a[::2],
        lambda t, a: a[:, 1::2, ::3],
        lambda t, a: a[-100:100, 2:-1],
        lambda t, a: a[..., 1],
        lambda t, a: a[0, ..., 1],
        lambda t, a: a[None],
        lambda t, a: a[:, None, 1],
        lambda t, a: a[..., None],
        lambda t, a: a[5:],  # size 0
        lambda t, a: a[:, 2:2],
        lambda t, a: a[True],
        lambda t, a: a[False],
        lambda t, a: a[()],
        lambda t, a: a[[0, 2, 0]],
        lambda t, a: a[[-1, 0]],
        lambda t, a: a[[]],
        lambda t, a: a[:, [1, 1, 3]],
        lambda t, a: a[[0, 1], [2, 2]],
        lambda t, a: a[[0, 1], :, [2, 2]],  # separated advanced indices go first
        lambda t, a: a[:, [[0, 1], [1, 0]]],
        lambda t, a: a[0, [1, 1]],
        lambda t, a: a[1:, [0, 0], 2:4],
        lambda t, a: a[None, [0], None, [1]],
        lambda t, a: a[0, ..., [1, 2, 1]],
        # PyTorch applies ints first: no gap between the index arrays, so their dims stay
        lambda t, a: a[0, :, [1, 1]],
        lambda t, a: a[:, 0, None, [1, 3]],
        lambda t, a: a[[1, 2], 0, :],
        lambda t, a: a[:, [0], ..., [1]],  # an empty ... is no gap either
        lambda t, a: a[t.tensor(1), :, [4, 0]],  # a 0-d integer tensor acts as an int
        lambda t, a: a[(0, 1)],
        lambda t, a: a.transpose(0, 2)[1, :, [0, 0]],  # non-contiguous input
        lambda t, a: a[:, ::2][..., 1][1:],
        lambda t, a: a.permute(2, 0, 1)[[4, 4], 0],
        lambda t, a: a[1][2][3],
        lambda t, a: a[0, 1, 2:3][0],
    ],
)
def test_index_matches_torch(fn):
    check(fn, A)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, i: a[i],
        lambda t, a, i: a[:, i],
        lambda t, a, i: a[i, 1:3],
        lambda t, a, i: a[i, i],
        lambda t, a, i: a.t()[i],
        lambda t, a, i: a[i.reshape(2, 2)],
    ],
)
def test_index_with_integer_tensor_matches_torch(fn):
    check(fn, M, IDX)


def test_index_with_zero_dim_integer_tensor_matches_torch():
    check(lambda t, a, i: a[i], M, np.array(2))
    check(lambda t, a, i: a[1, i], M, np.array(-1))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, m: a[m],
        lambda t, a, m: a[m[:, 0]],
        lambda t, a, m: a[:, m[0]],
        lambda t, a, m: a[m[:, 0], 1:],
        lambda t, a, m: a[m & False],  # selects nothing
        lambda t, a, m: a.t()[m.t()],
        lambda t, a, m: a[None, m],
    ],
)
def test_index_with_mask_matches_torch(fn):
    check(fn, M, MASK)


def test_index_at_the_edges_matches_torch():
    check(lambda t, s: s[None], S)
    check(lambda t, s: s[...], S)
    check(lambda t, s: s[True], S)
    check(lambda t, s: s[None, ..., None] * 2, S)
    check(lambda t, e: e[:, 1], E)
    check(lambda t, e: e[[]], E)
    check(lambda t, e, m: e[m], E, np.zeros((0, 3), bool))
    check(lambda t, r: r[0], ROW)
    check(lambda t, r: r[:, [0, 0, 3]], ROW)
    check(lambda t, r: r[[0, 0]], ROW)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a: a[3],
        lambda t, a: a[:, -5],
        lambda t, a: a[0, 0, 0],
        lambda t, a: a[::-1],
        lambda t, a: a[:, ::0],
        lambda t, a: a[[0, 3]],
        lambda t, a: a[:, [-5]],
        lambda t, a: a[1.0],
        lambda t, a: a[a],  # a float tensor is not an index
        lambda t, a: a[a > 0][0:1, 0],
        lambda t, a: a[(a > 0)[:2]],
        lambda t, a: a[0][0][0],
    ],
)
def test_bad_index_raises_like_torch(fn):
    check_raises(fn, M)


def test_index_errors_name_index_dim_and_size():
    x = twingrad.zeros(3, 4)
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 1 with size 4"):
        x[:, 7]
    with pytest.raises(IndexError, match="index -4 is out of bounds for dimension 0 with size 3"):
        x[twingrad.tensor([0, -4])]
    with pytest.raises(IndexError, match=r"mask \[2\] at index 0 .* tensor \[3, 4\] at index 0"):
        x[twingrad.tensor([True, False])]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor"):
        twingrad.tensor(1.0)[0]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(IndexError, match="long, int or bool tensors, got float32"):
        x[twingrad.tensor([0.0])]
    with pytest.raises(IndexError, match="use a tuple"):
        x[[0, slice(None)]]
    # PyTorch lets every ... cover the same number of dims; numpy and twingrad refuse
    with pytest.raises(IndexError, match="only have a single ellipsis"):
        x[..., 0, ...]


def test_basic_index_is_a_view_and_advanced_index_a_copy():
    def edit(t, a):
        x = a.clone()
        x[1:][0, 2] = 7.0  # through a view of a view: x changes
        x[[0]][0, 0] = 9.0  # through a copy: x does not change
        x[0].mul_(2)
        return x

    check(edit, M, grad=False)
    x = twingrad.arange(6.0).reshape(2, 3)
    assert np.shares_memory(x[0]._data, x._data) and x[0]._version is x._version
    assert not np.shares_memory(x[[0]]._data, x._data)


def test_in_place_edit_through_a_view_is_caught_at_backward():
    def fn(t, a):
        b = a * 1
        c = b * b  # needs b as it was
        b[0].mul_(2)
        c.sum().backward()

    check_raises(fn, M)
    a = twingrad.tensor(M, requires_grad=True)
    b = a * 1
    c = b * b
    b[1:, 2].zero_()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        c.sum().backward()


def _set(key):
    def fn(t, a, v):
        x = a * 1
        x[key] = v
        return x

    return fn


@pytest.mark.parametrize(
    "key, value",
    [
        (0, rng.standard_normal(5)),  # broadcast over dim 1
        ((slice(None), 1), rng.standard_normal((3, 5))),
        ((1, slice(1, 3)), rng.standard_normal((1, 1, 5))),  # leading 1s are dropped
        ((Ellipsis, 2), np.array(0.5)),
        (([0, 2], slice(None), [4, 0]), rng.standard_normal(4)),
        ((slice(None), [3, 1]), rng.standard_normal((3, 2, 5))),
        ((slice(3, None),), rng.standard_normal(5)),  # writes nothing
        ((None, 1), rng.standard_normal((4, 5))),
        ((0, slice(None), [1, 2]), rng.standard_normal((4, 2))),  # PyTorch's layout
        ((slice(None), 1, None, [0, 4]), rng.standard_normal((3, 1, 2))),
    ],
)
def test_setitem_matches_torch(key, value):
    check(_set(key), A, value)


def test_setitem_with_mask_and_number_matches_torch():
    def fn(t, a, m):
        x = a * 1
        x[m] = -1.0
        x[:, 0] = 2
        return x

    check(fn, M, MASK)

    def with_value(t, a, m, v):
        x = a * 1
        x[m] = v
        return x

    check(with_value, M, MASK, np.array(3.0))
    check(with_value, M, MASK, rng.standard_normal(int(MASK.sum())))


def test_setitem_repeated_indices_give_each_write_the_gradient_like_torch():
    def fn(t, a, v):
        x = a * 1
        x[[0, 0, 2]] = v  # every copy of v is written; its gradient counts each
        return x

    check(fn, M, np.full(4, 0.25))


def test_setitem_on_integer_and_fraction_tensors():
    def fn(t, i):
        x = i.clone()
        x[0] = 2.7  # truncated to the integer dtype, as PyTorch does
        x[1:] = t.tensor(5.5)
        return x

    check(fn, np.array([1, 2, 3]), grad=False)
    f = twingrad.tensor([Fraction(1, 3), Fraction(1, 2)], dtype=twingrad.fraction)
    f[1] = Fraction(2, 7)
    assert f.tolist() == [Fraction(1, 3), Fraction(2, 7)]


def test_setitem_errors_like_torch():
    def leaf(t, a):
        a.requires_grad_()
        a[0] = 1.0

    check_raises(leaf, M)
    check_raises(_set(0), M, np.ones(3))  # value [3] into a row of 4
    check_raises(_set(5), M, np.ones(4))

    def a_list(t, a):
        a[0] = [1.0, 2.0, 3.0, 4.0]

    check_raises(a_list, M)
    x = twingrad.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"value tensor of shape \[3\] .* shape \[4\]"):
        x[0] = twingrad.ones(3)
    with twingrad.no_grad():
        w = twingrad.zeros(3, requires_grad=True)
        w[1] = 4.0
    assert w.tolist() == [0.0, 4.0, 0.0] and w.is_leaf


def test_write_through_a_view_is_refused_where_the_gradient_would_be_wrong():
    def leaf_view(t, a):
        a.requires_grad_()
        a[0][1] = 2.0

    check_raises(leaf_view, M)
    a = twingrad.tensor(M, requires_grad=True)
    b = a * 2
    with pytest.raises(RuntimeError, match=r"x\[0, 1\] = v"):
        b[0][1] = 5.0
    with pytest.raises(RuntimeError, match="would not reach the gradient"):
        b[1:].masked_fill_(b[1:] > 0, 0.0)
    # without a gradient to keep right, a write through a view is a plain write
    buffer = twingrad.zeros(2, 3)
    buffer[1][2] = 4.0
    buffer.t()[0].masked_fill_(twingrad.tensor([True, False]), 1.0)
    assert buffer.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 4.0]]
    with twingrad.no_grad():
        b[0][1] = 5.0
    assert b[0, 1].item() == 5.0


def test_setitem_bumps_the_version_and_keeps_the_graph():
    a = twingrad.tensor(M, requires_grad=True)
    v = twingrad.tensor(2.0, requires_grad=True)
    x = a * 3
    before = x._version[0]
    x[0, 1] = v * v
    assert x._version[0] == before + 1
    x.sum().backward()
    expected = np.full(M.shape, 3.0)
    expected[0, 1] = 0.0
    np.testing.assert_array_equal(a.grad.numpy(), expected)
    assert v.grad.item() == 4.0


@pytest.mark.parametrize(
    "dim, index",
    [
        (0, np.array([[0, 1, 2, 2], [2, 2, 0, 1]])),
        (1, np.array([[3, 3], [0, 1], [2, 0]])),  # smaller than the input in dim 0 and 1
        (-1, np.array([[1], [0]])),
        (1, np.zeros((3, 0), np.int64)),
    ],
)
def test_gather_matches_torch(dim, index):
    check(lambda t, a, i: t.gather(a, dim, i), M, index)


def test_gather_at_the_edges_matches_torch():
    check(lambda t, s, i: t.gather(s, 0, i), S, np.array(0))
    check(lambda t, s, i: t.gather(s, 0, i), S, np.array([0, 0, -1 + 1]))
    check(lambda t, a, i: t.gather(a, 0, i), M[0], np.array(3))
    check(lambda t, a, i: a.t().gather(0, i), M, np.array([[3, 3, 0], [1, 0, 2]]))


@pytest.mark.parametrize(
    "dim, index",
    [
        (1, np.array([[0], [4], [0]])),  # out of range
        (1, np.array([[0], [-1], [0]])),  # PyTorch's gather takes no negative index
        (0, np.array([0, 1])),  # one dim short
        (0, np.array([[0, 1, 1, 1, 1]])),  # larger than the input in dim 1
        (0, np.array([[0.0]])),  # not an integer tensor
    ],
)
def test_gather_errors_like_torch(dim, index):
    check_raises(lambda t, a, i: t.gather(a, dim, i), M, index)


def test_index_select_matches_torch():
    check(lambda t, a, i: t.index_select(a, 1, i), M, np.array([3, 0, 3]))
    check(lambda t, a, i: a.index_select(-1, i), A, np.array([4, 4]))
    check(lambda t, a, i: a.t().index_select(0, i), M, np.array(2))
    check(lambda t, a, i: a.index_select(0, i), M, np.zeros(0, np.int64))
    check(lambda t, s, i: s.index_select(0, i), S, np.array([0]))
    check_raises(lambda t, a, i: a.index_select(1, i), M, np.array([4]))
    check_raises(lambda t, a, i: a.index_select(1, i), M, np.array([-1]))
    check_raises(lambda t, a, i: a.index_select(1, i), M, np.array([[0]]))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, m: a.masked_fill(m, 0.5),
        lambda t, a, m: a.masked_fill(m[0], -2.0),  # mask broadcast over rows
        lambda t, a, m: a[0].masked_fill(m, 1.0),  # input broadcast to the mask's shape
        lambda t, a, m: t.masked_fill(a.t(), m.t(), 3),
        lambda t, a, m: a.masked_fill(m & False, 9.0),
        lambda t, a, m: (a * 1).masked_fill_(m[:, :1], 7.0),
        lambda t, a, m: a[:0].masked_fill(m[:0], 1.0),
    ],
)
def test_masked_fill_matches_torch(fn):
    check(fn, M, MASK)


def test_masked_fill_value_tensor_gets_the_gradient_like_torch():
    check(lambda t, a, m, v: a.masked_fill(m, v), M, MASK, np.array(0.5))
    check(lambda t, a, m, v: (a * 2).masked_fill_(m, v * v), M, MASK, np.array(3.0))
    check(lambda t, i, m: i.masked_fill(m, 9.7), (M * 10).astype(np.int64), MASK, grad=False)


def test_masked_fill_errors_like_torch():
    check_raises(lambda t, a, m: a.masked_fill(m, 1.0), M, MASK.astype(np.int64))
    check_raises(lambda t, a, m: a.masked_fill(m[:2], 1.0), M, MASK)
    check_raises(lambda t, a, m: a.masked_fill(m, a[0]), M, MASK)
    check_raises(lambda t, a, m: (a * 1).masked_fill_(m[None], 1.0), M, MASK)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a: a[[0, 2, 0], 1:] ** 3,
        lambda t, a: t.gather(a, 1, t.tensor([[0, 0], [3, 1], [2, 2]])) ** 3,
        lambda t, a: a.masked_fill(a > 0, 1.0) ** 3,
        lambda t, a: a.index_select(1, t.tensor([1, 1])) ** 3,
    ],
)
def test_second_derivatives_through_indexing_match_torch(fn):
    """create_graph=True runs the vjps on tensors: index and index_scatter are each other's
    vjp, index_put's vjp is index_put again."""
    v0 = rng.standard_normal(M.shape)
    check_hessian_vector_product(lambda t, a: fn(t, a).sum(), M, v0, rtol=1e-12)


def test_second_derivative_through_setitem_matches_torch():
    v0 = rng.standard_normal(4)
    out = []
    for lib in (twingrad, torch):
        a = lib.tensor(M, requires_grad=True)
        w = lib.tensor(v0, requires_grad=True)
        x = a * a
        x[1] = w**3
        (ga, gw) = lib.autograd.grad((x * x).sum(), (a, w), create_graph=True)
        (h,) = lib.autograd.grad(ga.sum() + gw.sum(), a)
        out.append(np.asarray(h.detach().numpy()))
    np.testing.assert_allclose(out[0], out[1], rtol=1e-12, atol=1e-12)


def test_exact_fraction_gradients_through_index_gather_and_masked_fill():
    f = [Fraction(1, 3), Fraction(-2, 5), Fraction(7, 2)]
    w = [Fraction(1, 7), Fraction(3), Fraction(-1, 2), Fraction(5, 9)]
    x = twingrad.tensor(f, dtype=twingrad.fraction, requires_grad=True)
    wt = twingrad.tensor(w, dtype=twingrad.fraction)
    picked = x[[2, 0, 2, -1]]  # x2, x0, x2, x2
    gathered = twingrad.gather(x, 0, twingrad.tensor([1, 1, 0, 2]))  # x1, x1, x0, x2
    filled = x.masked_fill(twingrad.tensor([False, True, False]), Fraction(1, 11))
    loss = (picked * wt * gathered).sum() + (filled * filled).sum()
    loss.backward()
    # d/dx of sum_k w_k * x[p_k] * x[q_k] + x0^2 + x2^2 (x1 was filled with a constant)
    x0, x1, x2 = f
    expected = [
        w[1] * x1 + w[2] * x2 + 2 * x0,
        w[0] * x2 + w[1] * x0,
        w[0] * x1 + w[2] * x0 + 2 * w[3] * x2 + 2 * x2,
    ]
    expected_loss = (w[0] * x2 * x1 + w[1] * x0 * x1 + w[2] * x2 * x0 + w[3] * x2 * x2) + (
        x0 * x0 + Fraction(1, 121) + x2 * x2
    )
    assert loss.item() == expected_loss
    assert x.grad.dtype is twingrad.fraction
    assert x.grad.tolist() == expected
    assert all(type(v) is Fraction for v in x.grad.tolist())
