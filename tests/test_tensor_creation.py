"""Making tensors, their dtypes, and reading them back, against PyTorch."""

from fractions import Fraction

import numpy as np
import pytest
import torch

import twingrad
from twingrad.core.numeric import ExactArithmeticError


def assert_same(ours, theirs, atol: float = 0.0) -> None:
    """Same shape, dtype name, requires_grad and values (exactly, or within ``atol``)."""
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert ours.requires_grad == theirs.requires_grad
    a, b = ours.detach().numpy(), theirs.detach().numpy()
    if atol:
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)
    else:
        np.testing.assert_array_equal(a, b)


def both(fn, atol: float = 0.0) -> None:
    assert_same(fn(twingrad), fn(torch), atol)


def rounding(*ends) -> float:
    """One float64 rounding at the scale of the largest of ``ends``."""
    return np.finfo(np.float64).eps * max(1.0, *(abs(e) for e in ends))


@pytest.mark.parametrize(
    "data",
    [
        3,
        2.5,
        True,
        [1, 2, 3],
        [1.0, 2, 3],
        [True, False],
        [True, 2],
        [[1, 2], [3, 4]],
        [[1.5], [2.5]],
        [],
        [[]],
        np.array([1.0, 2.0]),
        np.array([1.0, 2.0], dtype=np.float32),
        np.array([[1, 2]], dtype=np.int64),
        np.array([True]),
        np.float64(1.5),
    ],
    ids=repr,
)
def test_tensor_infers_dtype_and_shape_as_torch(data):
    both(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("name", ["float32", "float64", "int64", "bool"])
def test_tensor_with_dtype_matches_torch(name):
    both(lambda lib: lib.tensor([0, 1.5, -2], dtype=getattr(lib, name)))
    both(lambda lib: lib.tensor(np.array([0.0, 1.0]), dtype=getattr(lib, name)))


def test_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = twingrad.tensor(a)
    a[0] = 100.0
    assert t.tolist() == [1.0, 2.0]
    u = twingrad.tensor(t)
    t.add_(1)
    assert u.tolist() == [1.0, 2.0]


def test_tensor_of_zero_dimensional_tensors_matches_torch():
    both(lambda lib: lib.tensor([lib.tensor(1.5), lib.tensor(2.0)]))


def test_tensor_constructor_matches_torch():
    both(lambda lib: lib.Tensor([1, 2]))
    both(lambda lib: lib.Tensor(2, 3).zero_())  # PyTorch's memory is uninitialized; zero it
    both(lambda lib: lib.Tensor())
    both(lambda lib: lib.Tensor([[1.5]]).double())


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([4],), ((),), (0, 2)], ids=repr)
def test_filled_tensors_match_torch(fn, args):
    # PyTorch's empty leaves its memory uninitialized (twingrad's holds zeros): fill both
    fill = (lambda t: t.fill_(5)) if fn == "empty" else (lambda t: t)
    both(lambda lib: fill(getattr(lib, fn)(*args)))
    both(lambda lib: fill(getattr(lib, fn)(*args, dtype=lib.int64)))
    both(lambda lib: fill(getattr(lib, fn)(*args, dtype=lib.float64)).requires_grad_())


def test_zeros_and_ones_hold_their_values():
    assert twingrad.zeros(2, 2).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert twingrad.ones(3, dtype=twingrad.bool).tolist() == [True, True, True]
    assert twingrad.empty(2).tolist() == [0.0, 0.0]  # twingrad's choice: never garbage
    ours = twingrad.ones(3, requires_grad=True)
    assert ours.requires_grad and ours.is_leaf


def test_full_infers_dtype_from_the_fill_value_as_torch():
    both(lambda lib: lib.full((2, 2), 3))
    both(lambda lib: lib.full((2,), 3.5))
    both(lambda lib: lib.full((2,), True))
    both(lambda lib: lib.full((2,), 3, dtype=lib.float64))
    both(lambda lib: lib.full_like(lib.tensor([1, 2]), 7))
    both(lambda lib: lib.full_like(lib.tensor([1.0, 2.0]), 0.5))


@pytest.mark.parametrize("fn", ["zeros_like", "ones_like"])
def test_like_functions_keep_shape_and_dtype(fn):
    both(lambda lib: getattr(lib, fn)(lib.tensor([[1, 2, 3]])))
    both(lambda lib: getattr(lib, fn)(lib.tensor([1.0], dtype=lib.float64)))
    both(lambda lib: getattr(lib, fn)(lib.tensor([1, 2]), dtype=lib.float32))
    both(lambda lib: lib.empty_like(lib.tensor([1.0, 2.0])).fill_(3))


ARANGES = [(5,), (2, 7), (1, 10, 3), (10, 0, -3), (0, 1, 0.25), (1.5,), (0, 1, 0.1),
           (-1, 1, 0.3), (3, 3), (0.5, 3)]  # fmt: skip


@pytest.mark.parametrize("args", ARANGES, ids=repr)
def test_arange_matches_torch(args):
    both(lambda lib: lib.arange(*args))
    both(lambda lib: lib.arange(*args, dtype=lib.float32))
    # PyTorch computes start + i * step with a fused multiply-add (one rounding, not two)
    both(lambda lib: lib.arange(*args, dtype=lib.float64), atol=rounding(*args))


LINSPACES = [(0, 1, 5), (-2, 3, 7), (0, 1, 11), (1, 1, 1), (0, 1, 0), (3, -1, 4),
             (-5.5, 7.25, 13), (0, 10, 101), (1e-3, 1e3, 33)]  # fmt: skip


@pytest.mark.parametrize("args", LINSPACES, ids=repr)
def test_linspace_matches_torch(args):
    both(lambda lib: lib.linspace(*args))  # float32: exactly PyTorch's values
    both(lambda lib: lib.linspace(*args, dtype=lib.float64), atol=rounding(*args[:2]))


def test_arange_refuses_what_torch_refuses():
    for lib in (twingrad, torch):
        with pytest.raises(RuntimeError, match="step"):
            lib.arange(0, 10, 0)
        with pytest.raises(RuntimeError, match="inconsistent with step sign"):
            lib.arange(10, 0, 3)


def test_eye_matches_torch():
    both(lambda lib: lib.eye(3))
    both(lambda lib: lib.eye(2, 4, dtype=lib.int64))
    both(lambda lib: lib.eye(3, 1, dtype=lib.float64))


def test_random_tensors_have_the_asked_shape_dtype_and_range():
    twingrad.manual_seed(0)
    u = twingrad.rand(1000, dtype=twingrad.float64)
    assert u.shape == (1000,) and u.dtype is twingrad.float64
    assert 0.0 <= u.min().item() and u.max().item() < 1.0
    n = twingrad.randn(200, 50)
    assert n.dtype is twingrad.float32 and n.shape == (200, 50)
    assert abs(n.mean().item()) < 0.05 and abs(n.std().item() - 1.0) < 0.05
    k = twingrad.randint(3, 7, (500,))
    assert k.dtype is twingrad.int64 and set(k.tolist()) == {3, 4, 5, 6}
    assert sorted(twingrad.randperm(6).tolist()) == [0, 1, 2, 3, 4, 5]
    like = twingrad.randn_like(twingrad.zeros(2, 3, dtype=twingrad.float64))
    assert like.shape == (2, 3) and like.dtype is twingrad.float64
    assert twingrad.rand(2, requires_grad=True).requires_grad


def test_manual_seed_makes_draws_repeat():
    twingrad.manual_seed(42)
    first = twingrad.randn(5).tolist(), twingrad.randint(0, 100, (3,)).tolist()
    twingrad.manual_seed(42)
    again = twingrad.randn(5).tolist(), twingrad.randint(0, 100, (3,)).tolist()
    twingrad.manual_seed(43)
    other = twingrad.randn(5).tolist()
    assert first == again and first[0] != other


def test_set_default_dtype_changes_float_tensors_only():
    try:
        for lib in (twingrad, torch):
            lib.set_default_dtype(lib.float64)
        assert twingrad.get_default_dtype() is twingrad.float64
        for fn in (
            lambda lib: lib.tensor([1.5]),
            lambda lib: lib.tensor([1, 2]),
            lambda lib: lib.zeros(2),
            lambda lib: lib.arange(0.0, 1.0, 0.5),
            lambda lib: lib.tensor([1, 2]) / 2,
            lambda lib: lib.tensor([1, 2]) + 0.5,
            lambda lib: lib.tensor([1.0], dtype=lib.float32) * 2.5,
        ):
            both(fn)
    finally:
        for lib in (twingrad, torch):
            lib.set_default_dtype(lib.float32)
    assert twingrad.tensor([1.5]).dtype is twingrad.float32


def test_default_dtype_must_be_a_float_dtype():
    with pytest.raises(TypeError, match="float32 or float64, got twingrad.int64"):
        twingrad.set_default_dtype(twingrad.int64)
    assert twingrad.get_default_dtype() is twingrad.float32


def test_exact_mode_computes_with_fractions():
    x = twingrad.tensor([Fraction(1, 3), Fraction(1, 2)], requires_grad=True)
    assert x.dtype is twingrad.fraction
    y = (x * x * 3 - x / 2).sum()
    assert y.item() == Fraction(1, 3) + Fraction(3, 4) - Fraction(5, 12)
    y.backward()
    assert x.grad.tolist() == [Fraction(6, 3) - Fraction(1, 2), 3 - Fraction(1, 2)]
    ints = twingrad.tensor([1, 2], dtype=twingrad.fraction)
    assert (ints / 3).tolist() == [Fraction(1, 3), Fraction(2, 3)]
    assert (ints**-1).tolist() == [Fraction(1), Fraction(1, 2)]


def test_exact_mode_refuses_what_is_not_rational():
    x = twingrad.tensor([Fraction(1, 3)])
    with pytest.raises(ExactArithmeticError, match="exp is not a rational function"):
        x.exp()
    with pytest.raises(ExactArithmeticError, match="non-integer power"):
        x**0.5
    with pytest.raises(TypeError, match="cannot combine exact \\(fraction\\) and float32"):
        x + twingrad.tensor([1.0])


def test_reading_a_tensor_back_matches_torch():
    data = [[1.5, 2.0, -3.0], [4.0, 5.0, 6.25]]
    ours, theirs = twingrad.tensor(data), torch.tensor(data)
    assert ours.tolist() == theirs.tolist()
    assert ours.shape == theirs.shape == (2, 3)
    assert ours.size() == (2, 3) and ours.size(1) == theirs.size(1) == 3
    assert ours.size(-1) == 3
    assert repr(ours.size()) == repr(theirs.size()).replace("torch.", "twingrad.")
    assert ours.ndim == ours.dim() == 2
    assert ours.numel() == theirs.numel() == 6
    assert len(ours) == len(theirs) == 2
    assert [row.tolist() for row in ours] == [row.tolist() for row in theirs]
    assert ours[1, 2].item() == theirs[1, 2].item() == 6.25
    assert type(ours[1, 2].item()) is float
    assert twingrad.tensor(7).item() == 7 and type(twingrad.tensor(7).item()) is int
    assert twingrad.tensor([True]).item() is True
    assert ours.is_floating_point() and not twingrad.tensor([1]).is_floating_point()
    assert str(ours.device) == "cpu"
    assert float(twingrad.tensor([2.5])) == 2.5 and int(twingrad.tensor(3.7)) == 3
    assert [10, 20, 30][twingrad.tensor(1)] == 20


def test_numpy_shares_memory_as_in_torch():
    t = twingrad.tensor([1.0, 2.0])
    a = t.numpy()
    a[0] = 9.0
    assert t.tolist() == [9.0, 2.0]
    t.mul_(2)
    assert a.tolist() == [18.0, 4.0]
    assert isinstance(a, np.ndarray) and a.dtype == np.float32


def test_zero_dimensional_tensors_have_no_length_or_iteration():
    for lib in (twingrad, torch):
        x = lib.tensor(1.0)
        with pytest.raises(TypeError, match="0-d tensor"):
            len(x)
        with pytest.raises(TypeError, match="0-d tensor"):
            iter(x)
        assert x.shape == () and x.numel() == 1 and x.ndim == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda device: twingrad.zeros(2, device=device),
        lambda device: twingrad.tensor([1.0], device=device),
        lambda device: twingrad.arange(3, device=device),
        lambda device: twingrad.randn(2, device=device),
        lambda device: twingrad.full((2,), 1.0, device=device),
    ],
)
def test_a_device_other_than_the_cpu_is_refused_not_ignored(make):
    assert make("cpu").device == twingrad.device("cpu")
    with pytest.raises(RuntimeError, match="CPU only.*cuda"):
        make("cuda")
