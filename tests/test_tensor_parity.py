"""square/rsqrt/reciprocal, isnan/isinf/isfinite, new_* and as_tensor, sort/argsort/topk,
dot/mv/outer/diagonal/diag/trace and norm against PyTorch in float64 and float32 (values,
shapes, dtypes, gradients, refusals), with finite differences and the bridge."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import twingrad
from torch_compare import check, check_central_differences, check_raises
from twingrad.bridge import check as bridge_check

LIBS = (torch, twingrad)
rng = np.random.default_rng(5)
A = rng.standard_normal((3, 4))
ROW = rng.standard_normal(4)
COL = rng.standard_normal((3, 1))
SCALAR = np.array(0.75)
EMPTY = np.zeros((0, 4))
POSITIVE = rng.random((3, 4)) + 0.1
INTS = np.array([[3, -1, 4], [0, 7, -7]])
SPECIAL = np.array([1.0, -0.0, 0.0, np.inf, -np.inf, np.nan, -2.5])


def name(dtype) -> str:
    return str(dtype).split(".")[-1]


def lib_of(x):
    return torch if isinstance(x, torch.Tensor) else twingrad


# -- square, rsqrt, reciprocal ---------------------------------------------------------------


@pytest.mark.parametrize("op", ["square", "rsqrt", "reciprocal"])
def test_power_ops_match_torch(op):
    x = A if op == "square" else POSITIVE
    check(lambda t, a: getattr(t, op)(a), x)
    check(lambda t, a: getattr(a, op)(), x, noncontiguous=True)
    check(lambda t, a: getattr(t, op)(a), SCALAR)
    check(lambda t, a: getattr(t, op)(a), EMPTY)
    check(lambda t, a, b: getattr(t, op)(a * b), COL, ROW if op == "square" else ROW**2)
    check(lambda t, a: getattr(t, op)(a), SPECIAL, grad=False)
    check(lambda t, a: getattr(t, op)(a), INTS if op == "square" else np.abs(INTS) + 1)


def test_power_ops_at_zero_and_on_bools_match_torch():
    zeros = np.array([0.0, -0.0, 1.0])
    for op in ("rsqrt", "reciprocal", "square"):
        check(lambda t, a, op=op: getattr(t, op)(a), zeros)
        check(lambda t, a, op=op: getattr(t, op)(a), np.array([True, False]))


def test_power_ops_gradients_by_central_differences():
    check_central_differences(lambda x: x.square(), rng)
    check_central_differences(lambda x: (x * x + 0.5).rsqrt(), rng)
    check_central_differences(lambda x: (x.abs() + 0.5).reciprocal(), rng)


def test_power_ops_replay_through_the_bridge():
    assert bridge_check(lambda x: x.square().reciprocal().sum(), A, exact=True).agree
    assert bridge_check(lambda x: x.rsqrt().sum(), POSITIVE).agree


# -- isnan, isinf, isfinite ----------------------------------------------------------------


@pytest.mark.parametrize("op", ["isnan", "isinf", "isfinite"])
def test_float_tests_match_torch(op):
    for x in (SPECIAL, A, SCALAR, EMPTY, INTS, np.array([True, False])):
        check(lambda t, a: getattr(t, op)(a), x)
        check(lambda t, a: getattr(a, op)(), x)
    x = twingrad.tensor(SPECIAL, requires_grad=True)
    out = getattr(x, op)()
    assert out.dtype is twingrad.bool and not out.requires_grad and out.grad_fn is None


def test_float_tests_of_exact_tensors():
    x = twingrad.tensor([0.5, 2.0], dtype=twingrad.fraction)
    assert x.isnan().tolist() == [False, False]
    assert x.isinf().tolist() == [False, False]
    assert x.isfinite().tolist() == [True, True]


# -- new_*, is_tensor, numel, as_tensor -----------------------------------------------------


@pytest.mark.parametrize("source", [A.astype(np.float32), A, INTS, np.array([True])])
def test_new_tensors_match_torch(source):
    calls = [
        lambda x: x.new_zeros(2, 3),
        lambda x: x.new_zeros((2, 3)),
        lambda x: x.new_ones([0, 2]),
        lambda x: x.new_ones(()),
        lambda x: x.new_full((2,), 3),
        lambda x: x.new_full([1, 2], 1.5, dtype=lib_of(x).float64),
        lambda x: x.new_tensor([[1, 2], [3, 4]]),
        lambda x: x.new_tensor(2.5),
        lambda x: x.new_zeros(2, dtype=lib_of(x).int64),
    ]  # fmt: skip
    for call in calls:
        ours = call(twingrad.tensor(source))
        theirs = call(torch.tensor(source))
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert name(ours.dtype) == name(theirs.dtype)
        assert ours.tolist() == theirs.tolist()
        assert ours.is_leaf and not ours.requires_grad
    empty = twingrad.tensor(source).new_empty(4, 1)  # PyTorch's values are undefined
    assert empty.shape == (4, 1) and name(empty.dtype) == name(torch.tensor(source).dtype)


def test_new_tensors_requires_grad_and_are_outside_the_graph():
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0], requires_grad=True) * 2
        for new in (x.new_zeros(2), x.new_ones(2), x.new_full((2,), 1.0), x.new_empty(2)):
            assert new.is_leaf and not new.requires_grad
        assert x.new_ones(2, requires_grad=True).requires_grad
        assert x.new_tensor([3.0], requires_grad=True).tolist() == [3.0]
        with pytest.warns(UserWarning, match="To copy construct from a tensor"):
            copy = x.new_tensor(x)
        assert copy.is_leaf and not copy.requires_grad and copy.tolist() == [2.0, 4.0]


def test_new_tensors_refuse_bad_sizes_as_torch_does():
    for lib in LIBS:
        x = lib.zeros(1)
        with pytest.raises((TypeError, ValueError, RuntimeError)):
            x.new_zeros(-1)
        with pytest.raises(TypeError):
            x.new_full(3, 1.0)
    with pytest.raises(RuntimeError, match="CPU only"):
        twingrad.zeros(1).new_zeros(2, device="cuda")


def test_is_tensor_and_numel_match_torch():
    for lib in LIBS:
        assert lib.is_tensor(lib.zeros(2)) and lib.is_tensor(lib.nn.Parameter(lib.zeros(1)))
        assert not lib.is_tensor([1.0]) and not lib.is_tensor(np.zeros(2))
        assert lib.numel(lib.zeros(2, 3, 4)) == 24 and lib.numel(lib.tensor(1.0)) == 1
        assert lib.numel(lib.zeros(0, 3)) == 0
        with pytest.raises(TypeError):
            lib.numel([1, 2])


def test_as_tensor_matches_torch():
    arrays = (np.arange(3.0), np.arange(3), A.astype(np.float32))
    for data in ([1, 2], [[1.0, 2.0]], 3.5, True, *arrays):
        ours, theirs = twingrad.as_tensor(data), torch.as_tensor(data)
        assert name(ours.dtype) == name(theirs.dtype) and ours.tolist() == theirs.tolist()
        ours = twingrad.as_tensor(data, dtype=twingrad.float64)
        assert name(ours.dtype) == name(torch.as_tensor(data, dtype=torch.float64).dtype)
    for lib in LIBS:
        array = np.zeros(3)
        shared = lib.as_tensor(array)
        array[0] = 5.0  # an array of a held dtype shares its memory
        assert shared.tolist() == [5.0, 0.0, 0.0]
        copied = lib.as_tensor(array, dtype=lib.float32)
        array[1] = 5.0
        assert copied.tolist() == [5.0, 0.0, 0.0]
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        assert lib.as_tensor(x) is x
        y = lib.as_tensor(x, dtype=lib.float64)
        y.sum().backward()  # a dtype change stays in the graph
        assert x.grad.tolist() == [1.0, 1.0]


# -- sort, argsort, topk ---------------------------------------------------------------------

TIES = np.array(
    [[3.0, 1.0, 3.0, 2.0, 1.0, 3.0, np.nan, 1.0], [0.0, -1.0, 0.0, 0.0, 5.0, 5.0, -1.0, 2.0]]
)
DISTINCT = rng.permutation(24).reshape(2, 3, 4) * 0.5 - 3.0
SORTABLE = (A, TIES, DISTINCT, SCALAR, EMPTY, np.array([2, 0, 2, 1, 0]), np.array([True, False]))


@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_torch_with_stable_ties_and_nan(descending):
    for x in SORTABLE:
        for d in range(-max(x.ndim, 1), max(x.ndim, 1)):
            check(lambda t, a, d=d: t.sort(a, d, descending), x)
            check(lambda t, a, d=d: a.sort(dim=d, descending=descending, stable=True), x)
            check(lambda t, a, d=d: t.argsort(a, d, descending=descending), x)
            check(lambda t, a, d=d: a.argsort(d, descending), x)
    check(lambda t, a: a.sort(descending=descending)[0] * 2, A, noncontiguous=True)


def test_sort_result_is_a_named_pair():
    values, indices = twingrad.tensor([3.0, 1.0]).sort()
    result = twingrad.sort(twingrad.tensor([3.0, 1.0]))
    assert result.values.tolist() == values.tolist() == result[0].tolist() == [1.0, 3.0]
    assert result.indices.tolist() == indices.tolist() == result[1].tolist() == [1, 0]
    assert repr(result).startswith("sort(values=tensor([1., 3.]), indices=tensor([1, 0])")
    top = twingrad.tensor([3.0, 1.0]).topk(1)
    assert top.values.tolist() == [3.0] and top.indices.tolist() == [0]
    assert type(top).__name__ == "topk" and type(result).__name__ == "sort"


@pytest.mark.parametrize("largest", [True, False])
def test_topk_matches_torch(largest):
    for k in (0, 1, 3, 4):
        check(lambda t, a, k=k: t.topk(a, k, largest=largest), A)
        check(lambda t, a, k=k: a.topk(k, dim=-1, largest=largest, sorted=True), DISTINCT)
    check(lambda t, a: a.topk(2, dim=0, largest=largest), A)
    check(lambda t, a: a.topk(2, dim=1, largest=largest), DISTINCT)
    check(lambda t, a: a.topk(1, largest=largest), SCALAR)
    check(lambda t, a: a.topk(0, largest=largest), SCALAR)
    check(lambda t, a: a.topk(0, dim=0, largest=largest), EMPTY)
    check(lambda t, a: a.topk(2, largest=largest), np.array([[4, 1, 9], [2, 8, 3]]))
    check(lambda t, a: a.topk(2, largest=largest)[0] * 3, A, noncontiguous=True)


def test_topk_unsorted_selects_what_torch_selects():
    # PyTorch leaves the order of sorted=False unspecified; the selection is the same
    for lib_k in (1, 2, 4):
        ours = twingrad.tensor(A).topk(lib_k, sorted=False)
        theirs = torch.tensor(A).topk(lib_k, sorted=False)
        assert np.array_equal(np.sort(ours.values.numpy()), np.sort(theirs.values.numpy()))
        assert np.array_equal(np.sort(ours.indices.numpy()), np.sort(theirs.indices.numpy()))


def test_topk_with_ties_picks_tied_values_in_index_order():
    x = twingrad.tensor([1.0, 2.0, 2.0, 2.0, 0.0, 2.0], requires_grad=True)
    values, indices = x.topk(2)
    assert values.tolist() == [2.0, 2.0] and indices.tolist() == [1, 2]
    theirs = torch.tensor([1.0, 2.0, 2.0, 2.0, 0.0, 2.0]).topk(2)
    assert values.tolist() == theirs.values.tolist()  # PyTorch's tied indices may differ
    values.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 0.0, 0.0, 0.0]


def test_sort_and_topk_refuse_bad_input_as_torch_does():
    check_raises(lambda t, a: a.sort(dim=2), A, match="Dimension out of range")
    check_raises(lambda t, a: a.argsort(dim=-3), A, match="Dimension out of range")
    check_raises(lambda t, a: a.topk(5), A, match="k out of range")
    check_raises(lambda t, a: a.topk(-1), A, match="k out of range")
    check_raises(lambda t, a: a.topk(2), SCALAR, match="k out of range")
    check_raises(lambda t, a: a.topk(1, dim=3), A, match="Dimension out of range")
    check_raises(lambda t, a: a.sort(dim=1), SCALAR, match="Dimension out of range")


def test_sort_gradients_by_central_differences_and_bridge():
    check_central_differences(lambda x: x.sort(dim=0)[0], rng)
    check_central_differences(lambda x: x.topk(2, largest=False)[0], rng)
    assert bridge_check(lambda x: x.sort(descending=True)[0][:, :2].sum(), A, exact=True).agree


# -- dot, mv, outer, diagonal, diag, trace -------------------------------------------------


def test_products_match_torch():
    b = rng.standard_normal(4)
    check(lambda t, x, y: t.dot(x, y), ROW, b)
    check(lambda t, x, y: x.dot(y), ROW, b, noncontiguous=True)
    check(lambda t, x, y: t.dot(x, y), np.zeros(0), np.zeros(0))
    check(lambda t, x, y: t.dot(x, y), np.array([1, 2]), np.array([3, 4]))
    check(lambda t, m, v: t.mv(m, v), A, b)
    check(lambda t, m, v: m.mv(v), A, b, noncontiguous=True)
    check(lambda t, m, v: t.mv(m, v), np.zeros((2, 0)), np.zeros(0))
    check(lambda t, m, v: t.mv(m, v), INTS, np.array([1, 0, 2]))
    check(lambda t, x, y: t.outer(x, y), ROW, COL[:, 0])
    check(lambda t, x, y: x.outer(y), ROW, b, noncontiguous=True)
    check(lambda t, x, y: t.outer(x, y), np.zeros(0), b)
    check(lambda t, x, y: t.outer(x, y), np.array([1, 2]), b)  # promotes like a product


def test_products_refuse_bad_input_as_torch_does():
    check_raises(lambda t, x, y: t.dot(x, y), ROW, A, match="1D tensors expected")
    check_raises(lambda t, x, y: t.dot(x, y), ROW, np.ones(3), match="4 and 3")
    check_raises(
        lambda t, x, y: t.dot(x, y.double()), ROW, ROW, dtype="float32", match="same dtype"
    )
    check_raises(lambda t, x, y: t.dot(x, y), np.array([True]), np.array([True]), match="Bool")
    check_raises(lambda t, m, v: t.mv(m, v), A, np.ones(3), match=r"mat \(3x4\), vec \(3\)")
    check_raises(lambda t, m, v: t.mv(m, v), ROW, ROW, match="matrix and a vector")
    check_raises(lambda t, m, v: t.mv(m, v.double()), A, ROW, dtype="float32", match="same dtype")
    check_raises(lambda t, x, y: t.outer(x, y), A, ROW, match="1-D argument self")
    check_raises(lambda t, x, y: t.outer(x, y), ROW, SCALAR, match="1-D argument vec2")


@pytest.mark.parametrize("offset", [-4, -1, 0, 1, 2, 5])
def test_diagonal_diag_and_trace_match_torch(offset):
    square = rng.standard_normal((4, 4))
    check(lambda t, x: t.diagonal(x, offset), A)
    check(lambda t, x: x.diagonal(offset), square, noncontiguous=True)
    check(lambda t, x: x.diagonal(offset, 2, 0), DISTINCT)
    check(lambda t, x: x.diagonal(offset=offset, dim1=-1, dim2=1), DISTINCT)
    check(lambda t, x: t.diag(x, offset), A)
    check(lambda t, x: t.diag(x, offset), ROW)
    check(lambda t, x: x.diag(offset), ROW, noncontiguous=True)
    check(lambda t, x: t.diag(x, offset), np.zeros(0))
    check(lambda t, x: t.diag(x, offset), np.array([3, -1]))
    check(lambda t, x: t.diag(x, offset), np.array([True, False]))
    check(lambda t, x: t.diag(x, offset), np.array([np.inf, np.nan]), grad=False)


def test_trace_matches_torch():
    check(lambda t, x: t.trace(x), A)
    check(lambda t, x: x.trace(), rng.standard_normal((4, 4)), noncontiguous=True)
    check(lambda t, x: t.trace(x), EMPTY)
    check(lambda t, x: t.trace(x), INTS)


def test_diagonals_refuse_bad_input_as_torch_does():
    check_raises(lambda t, x: t.diag(x), DISTINCT, match="1D or 2D")
    check_raises(lambda t, x: t.diag(x), SCALAR, match="1D or 2D")
    check_raises(lambda t, x: t.diagonal(x), ROW)
    check_raises(lambda t, x: t.diagonal(x, 0, 1, -2), DISTINCT, match="cannot be identical")
    check_raises(lambda t, x: t.diagonal(x, 0, 0, 3), A, match="Dimension out of range")
    check_raises(lambda t, x: t.trace(x), DISTINCT, match="expected a matrix")
    check_raises(lambda t, x: t.trace(x), np.array([[True]]), match="Bool")


def test_matrix_gradients_by_central_differences_and_bridge():
    check_central_differences(lambda x: x.diagonal(1), rng)
    check_central_differences(lambda x: x[0].diag(-1), rng)
    check_central_differences(lambda x: x.mv(x[0]), rng)
    check_central_differences(lambda x: x[0].outer(x[1]) + x[1].dot(x[2]), rng)
    assert bridge_check(lambda x: x.diag(1).sum() + x.diagonal().sum(), A, exact=True).agree
    assert bridge_check(lambda x, v: x.mv(v).dot(x[:, 0]) + x.trace(), A, ROW, exact=True).agree


# -- norm ----------------------------------------------------------------------------------

ORDERS = [None, "fro", 2, 1, float("inf"), float("-inf"), 0, 3, 0.5, -1, -2, -0.5]
NEGATIVE_ORDERS = [-1, -2, -0.5, float("-inf")]
# zeros in every row and in three of the four columns; -0.0 is a zero too
ZEROS = np.array([[0.0, 0.0, 0.0, 2.0], [1.0, -2.0, 0.0, -1.0], [0.5, -0.0, -1.5, 4.0]])


@pytest.mark.parametrize("p", ORDERS)
def test_norm_matches_torch(p):
    kwargs = {} if p is None else {"p": p}
    check(lambda t, x: x.norm(**kwargs), A)
    check(lambda t, x: t.norm(x, **kwargs), SCALAR)
    check(lambda t, x: x.norm(dim=1, **kwargs), A, noncontiguous=True)
    check(lambda t, x: t.norm(x, dim=0, keepdim=True, **kwargs), A)
    check(lambda t, x: x.norm(dim=(0, 2), **kwargs), DISTINCT)
    check(lambda t, x: x.norm(dim=-1, keepdim=True, **kwargs), DISTINCT)
    check(lambda t, x: x.norm(keepdim=True, dim=None, **kwargs), A)
    if p in (None, "fro") or 0 <= p < float("inf"):  # the others have no identity
        check(lambda t, x: x.norm(**kwargs), EMPTY)
        check(lambda t, x: x.norm(dim=0, **kwargs), EMPTY)
    check(lambda t, x: x.norm(dim=1, **kwargs), EMPTY)


@pytest.mark.parametrize("p", ORDERS)
def test_norm_gradient_at_zero_is_zero_as_in_torch(p):
    kwargs = {} if p is None else {"p": p}
    zeros = np.array([[0.0, 0.0, 0.0], [1.5, 0.0, -2.0]])
    check(lambda t, x: x.norm(**kwargs), np.zeros(3))
    check(lambda t, x: x.norm(dim=1, **kwargs), zeros)
    x = twingrad.zeros(4, requires_grad=True)
    x.norm(**kwargs).backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("p", NEGATIVE_ORDERS)
def test_norm_of_negative_order_is_zero_at_a_zero_as_in_torch(p):
    # |0|^p is inf for p < 0, so a zero element makes the norm 0, with a zero gradient
    check(lambda t, x: x.norm(p), np.array([0.0, 1.0]))
    check(lambda t, x: t.norm(x, p), ZEROS)
    check(lambda t, x: x.norm(p, dim=1), ZEROS)
    check(lambda t, x: x.norm(p, dim=0, keepdim=True), ZEROS, noncontiguous=True)
    check(lambda t, x: x.norm(p, dim=(0, 1)), ZEROS)
    check(lambda t, x: x.norm(p, dim=1), np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]]))
    check(lambda t, x: x.norm(p), np.array(0.0))
    # an inf element counts as 0, a row of them makes the norm inf; a NaN makes it NaN
    infs = np.array([[0.0, np.inf, 1.0], [np.inf, -np.inf, np.inf], [2.0, np.inf, -3.0]])
    check(lambda t, x: x.norm(p, dim=1), infs)
    check(lambda t, x: x.norm(p, dim=1), np.array([[0.0, np.nan, 1.0], [np.nan, 2.0, 1.0]]))
    x = twingrad.tensor([0.0, 1.0], dtype=twingrad.float64, requires_grad=True)
    x.norm(p).backward()
    assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("p", NEGATIVE_ORDERS)
def test_norm_of_negative_order_refuses_empty_dims_as_torch(p):
    order = re.escape(f"the {p:g} norm")
    check_raises(lambda t, x: x.norm(p), EMPTY, match=order + " on an empty tensor")
    check_raises(lambda t, x: x.norm(p, dim=0), EMPTY, match=order + " on the dimension 0 ")
    empty3 = np.zeros((0, 4, 0))
    check_raises(lambda t, x: x.norm(p, dim=(2, 0)), empty3, match="on the dimension 2 ")
    check_raises(lambda t, x: x.norm(p, dim=-1, keepdim=True), empty3, match="dimension -1 ")
    check(lambda t, x: x.norm(p, dim=1), EMPTY)  # an empty result over a nonempty dim


def test_norm_ties_and_dtype_match_torch():
    ties = np.array([1.0, -3.0, 3.0, 2.0])
    check(lambda t, x: x.norm(float("inf")), ties)  # tied maxima share the gradient
    check(lambda t, x: x.norm(float("-inf")), np.array([1.0, -1.0, 3.0]))
    check(lambda t, x: x.norm(dtype=t.float64), A, dtypes=("float32",))
    check(lambda t, x: t.norm(x, 2, 1, False, dtype=t.float64), A, dtypes=("float32",))


def test_norm_refuses_what_torch_refuses():
    check_raises(lambda t, x: x.norm(), INTS, match="floating point")
    check_raises(lambda t, x: x.norm(float("inf")), EMPTY, match="empty tensor")
    check_raises(lambda t, x: x.norm(float("inf"), dim=0), EMPTY, match="dimension 0 .*empty")
    check_raises(lambda t, x: x.norm("nuc"), ROW, match="not supported")
    check_raises(lambda t, x: x.norm("abc"), A, match="not supported")
    check_raises(lambda t, x: x.norm("fro", dim=(0, 1, 2)), DISTINCT, match="at most 2 dims")
    check_raises(lambda t, x: x.norm(dim=2), A, match="Dimension out of range")
    check_raises(lambda t, x: x.norm(dim=(1, 1)), A, match="multiple times")


def test_norm_gradients_by_central_differences_and_bridge():
    for p in (2, 1, 3, 0.5, float("inf"), -1, -0.5, -2):
        check_central_differences(lambda x, p=p: x.norm(p, dim=1), rng)
    assert bridge_check(lambda x: x.norm(dim=0).sum() + x.norm(1), A).agree
    assert bridge_check(lambda x: x.norm(3) + x.norm(float("inf")), A).agree
    assert bridge_check(lambda x: x.norm(-1, dim=1).sum() + x.norm(-0.5), ZEROS).agree
    assert bridge_check(lambda x: x.norm(-2, dim=0).sum() + x.norm(-1), A).agree
