"""The parts of PyTorch's surface that its tutorials use and twingrad gained for them:
from_numpy, devices, torch.cuda / torch.accelerator on a CPU, torch.utils.data, tril/triu,
all/any/isclose/allclose/equal, indexing with a range, adaptive average pooling,
ModuleList's repr and multinomial; each against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
from nn_compare import check_module
from torch_compare import check, check_raises
from twingrad.bridge import check as bridge_check

LIBS = (torch, twingrad)
rng = np.random.default_rng(11)
A = rng.standard_normal((2, 4, 5))


# -- from_numpy ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
def test_from_numpy_shares_memory_both_ways_and_keeps_the_dtype(dtype):
    for lib in LIBS:
        n = np.array([[1, 0, 1], [0, 1, 1]], dtype=dtype)
        t = lib.from_numpy(n)
        assert str(t.dtype).split(".")[-1] == np.dtype(dtype).name.replace("bool", "bool")
        n[0, 1] = 1  # the array changes the tensor
        assert t[0, 1].item() == 1
        t[1, 0] = 1  # and the tensor the array
        assert n[1, 0] == 1


def test_from_numpy_of_a_strided_view_shares_it():
    for lib in LIBS:
        n = np.arange(12.0).reshape(3, 4)[:, 1::2]
        t = lib.from_numpy(n)
        n[2, 1] = -1.0
        assert t.tolist() == [[1.0, 3.0], [5.0, 7.0], [9.0, -1.0]]


def test_from_numpy_refuses_what_it_cannot_share():
    with pytest.raises(TypeError, match="dtype int32: .* convert it first"):
        twingrad.from_numpy(np.arange(3, dtype=np.int32))
    for lib in LIBS:
        with pytest.raises(TypeError, match="expected np.ndarray"):
            lib.from_numpy([1.0, 2.0])
        with pytest.raises(TypeError):
            lib.from_numpy(np.array([1.5], dtype=object))


# -- devices ---------------------------------------------------------------------------


def test_device_objects_print_and_compare_as_pytorch():
    for spec in [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 0), ("mps",)]:
        ours, theirs = twingrad.device(*spec), torch.device(*spec)
        assert (repr(ours), str(ours), ours.type, ours.index) == (
            repr(theirs),
            str(theirs),
            theirs.type,
            theirs.index,
        )
    for lib in LIBS:
        assert lib.device("cuda:0") == lib.device("cuda", 0)
        assert lib.device("cpu") != "cpu"  # a device is not a string, in either library
        assert len({lib.device("cpu"), lib.device("cpu")}) == 1
        assert str(lib.zeros(2).device) == "cpu"
        assert lib.zeros(2).device == lib.device("cpu")
        with pytest.raises(RuntimeError, match="device type at start of device string: gpu"):
            lib.device("gpu")


def test_tensors_and_models_move_to_the_cpu_and_nowhere_else():
    x = twingrad.ones(2)
    assert x.to("cpu") is x and x.to(twingrad.device("cpu")) is x
    assert x.to("cpu", twingrad.float64).dtype is twingrad.float64
    assert x.to(device=twingrad.device("cpu")) is x
    model = twingrad.nn.Linear(2, 2)
    assert model.to("cpu") is model and model.to(twingrad.device("cpu")) is model
    assert model.to(twingrad.device("cpu"), twingrad.float64).weight.dtype is twingrad.float64
    for move in [
        lambda: x.to("cuda"),
        lambda: x.to(twingrad.device("cuda", 0)),
        lambda: model.to("cuda"),
        lambda: model.to(device="mps"),
    ]:
        with pytest.raises(RuntimeError, match="twingrad runs on the CPU only; can't move"):
            move()


def test_cuda_and_accelerator_answer_as_pytorch_without_a_gpu():
    # the PyTorch of the tests is a CPU build: its answers are the ones to mirror
    for lib in LIBS:
        assert lib.cuda.is_available() is False
        assert lib.cuda.device_count() == 0
        assert lib.accelerator.is_available() is False
        assert lib.accelerator.current_accelerator() is None
        lib.cuda.manual_seed_all(0)  # seeds nothing, refuses nothing
    with pytest.raises(AttributeError, match="twingrad.cuda has no 'memory_allocated'"):
        twingrad.cuda.memory_allocated()


def test_torch_utils_data_is_twingrad_data():
    from twingrad.utils.data import DataLoader, TensorDataset

    assert DataLoader is twingrad.data.DataLoader
    assert twingrad.utils.data.TensorDataset is TensorDataset
    batches = DataLoader(TensorDataset(twingrad.arange(5)), batch_size=2)
    assert [b.tolist() for (b,) in batches] == [[0, 1], [2, 3], [4]]


# -- tril / triu -----------------------------------------------------------------------


@pytest.mark.parametrize("diagonal", [-1, 0, 2, -9, 9])
@pytest.mark.parametrize("op", ["tril", "triu"])
def test_tril_triu_match_torch(op, diagonal):
    check(lambda t, a: getattr(t, op)(a, diagonal), A)
    check(lambda t, a: getattr(a, op)(diagonal=diagonal), A[0].T)


def test_tril_of_a_causal_mask_keeps_no_nan_and_int_and_bool_dtypes():
    scores = np.full((3, 3), -np.inf)
    np.fill_diagonal(scores, 1.0)
    check(lambda t, a: t.tril(a), scores, grad=False)
    check(lambda t, a: t.triu(a, 1), np.arange(12).reshape(3, 4), grad=False)
    check(lambda t, a: t.tril(a), np.ones((2, 2), dtype=bool), grad=False)


def test_tril_needs_a_matrix_and_the_bridge_replays_it():
    check_raises(lambda t, a: t.tril(a), np.ones(3), match="at least 2 dimensions")
    assert bridge_check(lambda a: twingrad.tril(a * a, -1).sum(), A[0], exact=True).agree


# -- all / any / isclose / allclose / equal ---------------------------------------------

B = np.array([[1.0, 0.0, np.nan], [2.0, 3.0, -1.0]])


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, b: b.all(),
        lambda t, b: b.any(),
        lambda t, b: t.all(b, dim=1),
        lambda t, b: t.any(b == 0, dim=0, keepdim=True),
        lambda t, b: (b > 0).all(-1),
        lambda t, b: b[:, :0].all(),  # empty: True
        lambda t, b: b[:, :0].any(),  # empty: False
        lambda t, b: b.long().any(1),
        lambda t, b: t.isclose(b, b + 1e-9),
        lambda t, b: t.isclose(b, b, equal_nan=True),
        lambda t, b: b.isclose(b[1], rtol=0.5),
        lambda t, b: t.isclose(b.long(), (b + 0.4).long()),
    ],
)
def test_truth_reductions_match_torch(fn):
    check(fn, B, grad=False)


def test_allclose_and_equal_match_torch():
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0, float("inf")])
        assert lib.allclose(x, x + 1e-7) is True
        assert lib.allclose(x, x + 1e-3) is False
        assert x.allclose(x * lib.tensor([1.0, 1.0, -1.0])) is False  # inf != -inf
        assert lib.allclose(lib.tensor([float("nan")]), lib.tensor([float("nan")])) is False
        assert lib.allclose(x[:2], lib.tensor([[1.0, 2.0]])) is True  # broadcast
        assert lib.equal(x, x.clone()) is True
        assert lib.equal(lib.tensor([1, 2]), lib.tensor([1.0, 2.0])) is True
        assert lib.equal(x[:2], x[:2].unsqueeze(0)) is False  # shapes differ
        with pytest.raises(RuntimeError):
            lib.allclose(x, x.double())
        with pytest.raises(RuntimeError, match="must match the size"):
            lib.allclose(x, lib.ones(2))


# -- indexing with a range -------------------------------------------------------------


def test_indexing_with_a_range_as_pytorch():
    target = np.array([3, 0, 4, 4])
    check(lambda t, a, y: a[0][range(4), y], A, target)  # "What is torch.nn really?"'s nll
    check(lambda t, a: a[:, range(1, 4, 2)], A)
    check(lambda t, a: a[range(0)], A)


# -- adaptive average pooling ----------------------------------------------------------

IMG = rng.standard_normal((2, 3, 5, 7))


@pytest.mark.parametrize("size", [1, (3, 4), (None, 3), (5, 7), (2, 7), (7, 9)])
def test_adaptive_avg_pool2d_matches_torch(size):
    check(lambda t, x: t.nn.functional.adaptive_avg_pool2d(x, size), IMG)
    check(lambda t, x: t.nn.functional.adaptive_avg_pool2d(x, size), IMG[0])  # unbatched


def test_adaptive_avg_pool2d_to_nothing():
    # PyTorch's backward refuses an empty output, so only the forward is compared
    check(lambda t, x: t.nn.functional.adaptive_avg_pool2d(x, (0, 2)), IMG, grad=False)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 10])
def test_adaptive_avg_pool1d_matches_torch(size):
    check(lambda t, x: t.nn.functional.adaptive_avg_pool1d(x, size), IMG[0])


def test_adaptive_avg_pool_modules_match_torch():
    for make in [
        lambda lib: lib.nn.AdaptiveAvgPool2d(1),
        lambda lib: lib.nn.AdaptiveAvgPool2d((None, 3)),
    ]:
        check_module(make, IMG)
        assert repr(make(twingrad)) == repr(make(torch))
    check_module(lambda lib: lib.nn.AdaptiveAvgPool1d(3), IMG[0])
    assert repr(twingrad.nn.AdaptiveAvgPool1d(3)) == repr(torch.nn.AdaptiveAvgPool1d(3))


def test_adaptive_avg_pool_refusals_and_bridge():
    pool = lambda t, x, size: t.nn.functional.adaptive_avg_pool2d(x, size)  # noqa: E731
    check_raises(lambda t, x: pool(t, x, 2), np.ones(4), match="Expected 3D or 4D")
    check_raises(lambda t, x: pool(t, x, (2, 2, 2)), IMG, match="output_size must be 2")
    check_raises(lambda t, x: pool(t, x, -1), IMG, match="greater than or equal to 0")
    check_raises(lambda t, x: pool(t, x, 1), np.arange(8).reshape(2, 2, 2))
    assert bridge_check(lambda x: pool(twingrad, x, (3, 4)).sum(), IMG[0], exact=True).agree


# -- ModuleList's repr -----------------------------------------------------------------


def test_module_list_prints_runs_of_alike_modules_once_as_pytorch():
    def make(lib):
        nn = lib.nn
        return nn.ModuleList(
            [nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Sequential(nn.Tanh()), nn.ReLU()]
            + [nn.Sequential(nn.Linear(3, 1), nn.ReLU()) for _ in range(3)]
        )

    assert repr(make(twingrad)) == repr(make(torch))
    assert repr(twingrad.nn.ModuleList()) == repr(torch.nn.ModuleList())


# -- multinomial -----------------------------------------------------------------------


def test_multinomial_where_the_draw_is_certain_matches_torch():
    one_hot = np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 0.0]])
    for lib in LIBS:
        lib.manual_seed(0)
    check(lambda t, p: t.multinomial(p, 4, replacement=True), one_hot, grad=False)
    check(lambda t, p: t.multinomial(p[0], 1), one_hot, grad=False)
    # without replacement, weight-0 categories come once the others are used up
    ours = twingrad.multinomial(twingrad.tensor([[0.0, 0.0, 5.0]]), 3)
    assert ours[0, 0].item() == 2 and sorted(ours[0].tolist()) == [0, 1, 2]


def test_multinomial_samples_by_weight():
    twingrad.manual_seed(0)
    picks = twingrad.multinomial(twingrad.tensor([1.0, 3.0]), 4000, replacement=True)
    assert picks.dtype is twingrad.int64 and picks.shape == (4000,)
    assert abs(picks.float().mean().item() - 0.75) < 0.03
    firsts = [twingrad.multinomial(twingrad.tensor([1.0, 3.0]), 2)[0].item() for _ in range(400)]
    assert abs(np.mean(firsts) - 0.75) < 0.06  # category 1 comes first 3 times in 4
    rows = twingrad.multinomial(twingrad.rand(5, 10), 10)
    assert all(sorted(row) == list(range(10)) for row in rows.tolist())


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.array([0.0, 1.0]), 3), "without replacement"),
        ((np.array([-1.0, 1.0]), 1), "element < 0"),
        ((np.array([np.nan, 1.0]), 1), "`nan`"),
        ((np.array([0.0, 0.0]), 1), "sum of probabilities <= 0"),
        ((np.ones((2, 2, 2)), 1), "1 or 2 dim"),
        ((np.array([1, 2]), 1), "floating-point"),
        ((np.array([1.0, 1.0]), 0), "n_sample <= 0"),
    ],
)
def test_multinomial_refuses_what_torch_refuses(args, match):
    array, n = args
    check_raises(lambda t, p: t.multinomial(p, n), array, match=match)
