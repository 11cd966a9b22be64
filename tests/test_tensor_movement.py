"""cat, stack, split, chunk, flip, repeat and pad against PyTorch."""

from fractions import Fraction

import numpy as np
import pytest
import torch

import twingrad
from torch_compare import check, check_hessian_vector_product, check_raises
from twingrad._tensor.padding import pad

rng = np.random.default_rng(2)
A = rng.standard_normal((2, 3))
B = rng.standard_normal((4, 3))
C = rng.standard_normal((2, 3, 4))
S = np.array(0.75)
E = np.zeros((0, 3))


def padder(lib):
    return lib.nn.functional.pad if lib is torch else pad


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, b: t.cat([a, b]),
        lambda t, a, b: t.cat([a, b, a], dim=0),
        lambda t, a, b: t.cat([a.t(), b.t()], dim=1),  # non-contiguous inputs
        lambda t, a, b: t.cat([a, a * 2, a], dim=-1),
        lambda t, a, b: t.cat((a,)),
        lambda t, a, b: t.cat([a, b[:0]]),  # a size-0 part
        lambda t, a, b: t.cat([a, t.zeros(0)]),  # 1-D empty tensors are skipped
        lambda t, a, b: t.cat([a[:, :0], b[:, :0]]),
        lambda t, a, b: t.concat([a, b[1:3]], dim=0),
        lambda t, a, b: t.concatenate([a, b[::2]], 0),
        lambda t, a, b: t.cat([a[:, None], b[:2, None]], 1),
    ],
)
def test_cat_matches_torch(fn):
    check(fn, A, B)


def test_cat_promotes_dtypes_like_torch():
    check(lambda t, a, i: t.cat([a, i]), A, np.arange(3).reshape(1, 3))
    check(lambda t, i, m: t.cat([i, m]), np.arange(3), np.array([True, False]), grad=False)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, b: t.cat([a, b], dim=1),
        lambda t, a, b: t.cat([a, b[0]]),
        lambda t, a, b: t.cat([]),
        lambda t, a, b: t.cat([a[0, 0], a[0, 1]]),
        lambda t, a, b: t.cat([a, b], dim=2),
        lambda t, a, b: t.stack([a, b]),
        lambda t, a, b: t.stack([]),
        lambda t, a, b: t.stack([a, a], dim=3),
    ],
)
def test_cat_and_stack_errors_like_torch(fn):
    check_raises(fn, A, B)


def test_cat_error_names_the_shapes():
    with pytest.raises(
        RuntimeError, match=r"Expected size 2 but got size 4 .* \[\[2, 3\], \[4, 3\]\]"
    ):
        twingrad.cat([twingrad.zeros(2, 3), twingrad.zeros(4, 3)], dim=1)
    with pytest.raises(RuntimeError, match=r"got \[2, 3\] at entry 0 and \[4, 3\] at entry 1"):
        twingrad.stack([twingrad.zeros(2, 3), twingrad.zeros(4, 3)])


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, b: t.stack([a, b[:2]]),
        lambda t, a, b: t.stack([a, b[2:], a], dim=1),
        lambda t, a, b: t.stack([a, a.flip(0)], dim=-1),
        lambda t, a, b: t.stack([a.t(), b[:2].t()], dim=2),
        lambda t, a, b: t.stack([a[0, 0], a[1, 1]]),  # 0-d parts
        lambda t, a, b: t.stack([a[:0], b[:0]], dim=1),
        lambda t, a, b: t.stack((a,), dim=-3),
    ],
)
def test_stack_matches_torch(fn):
    check(fn, A, B)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, c: t.split(c, 1),
        lambda t, c: c.split(2, dim=-1),
        lambda t, c: c.split(3, dim=2),  # the last piece is shorter
        lambda t, c: c.split([1, 0, 2], dim=1),
        lambda t, c: c.split(5, dim=2),
        lambda t, c: c.transpose(0, 2).split([3, 1]),
        lambda t, c: c[:, :0].split(2, dim=1),
        lambda t, c: c[:, :0].split(0, dim=1),
        lambda t, c: t.chunk(c, 2, dim=2),
        lambda t, c: c.chunk(3, dim=2),  # 4 in chunks of 2: only two chunks
        lambda t, c: c.chunk(5, dim=-1),
        lambda t, c: c.chunk(1),
        lambda t, c: c[:, :0].chunk(3, dim=1),
        lambda t, c: c.permute(2, 0, 1).chunk(3),
    ],
)
def test_split_and_chunk_match_torch(fn):
    check(fn, C)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, c: c.split([2, 2]),
        lambda t, c: c.split([3, -1], dim=1),
        lambda t, c: c.split(0, dim=1),
        lambda t, c: c.split(-1),
        lambda t, c: c[0, 0, 0].split(1),
        lambda t, c: c.chunk(0),
        lambda t, c: c[0, 0, 0].chunk(1),
        lambda t, c: c.split(1, dim=3),
    ],
)
def test_split_and_chunk_errors_like_torch(fn):
    check_raises(fn, C)


def test_split_gives_views_of_the_input():
    def edit(t, c):
        x = c.clone()
        first, rest = x.split([1, 2], dim=1)
        rest.mul_(0)  # writes into x
        return x, first

    check(edit, C, grad=False)
    x = twingrad.arange(6.0)
    pieces = x.chunk(2)
    assert all(p._version is x._version for p in pieces)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, c: t.flip(c, [0]),
        lambda t, c: c.flip(0, 2),
        lambda t, c: c.flip([-1, 1]),
        lambda t, c: c.flip(()),
        lambda t, c: c.transpose(0, 2).flip(1),
        lambda t, c: c[:, ::2].flip(-1),
        lambda t, c: c[:, :0].flip(1),
        lambda t, c: c[0, 0, 0].flip(0),
    ],
)
def test_flip_matches_torch(fn):
    check(fn, C)


def test_flip_is_a_copy_and_refuses_a_repeated_dim():
    def edit(t, a):
        x = a.clone()
        x.flip(0).mul_(0)  # a copy: x is unchanged
        return x

    check(edit, A, grad=False)
    check_raises(lambda t, a: a.flip(0, -2), A)
    check_raises(lambda t, a: a.flip(2), A)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a: a.repeat(2, 3),
        lambda t, a: a.repeat(3, 1, 2),  # a new leading dim
        lambda t, a: a.repeat([1, 1]),
        lambda t, a: a.repeat((2, 1, 1, 1)),
        lambda t, a: a.t().repeat(2, 2),
        lambda t, a: a.repeat(0, 2),
        lambda t, a: a[:0].repeat(3, 1),
        lambda t, a: a[0, 0].repeat(3, 2),
        lambda t, a: a[0, 0].repeat(()),
    ],
)
def test_repeat_matches_torch(fn):
    check(fn, A)


def test_repeat_errors_like_torch():
    check_raises(lambda t, a: a.repeat(2), A)
    check_raises(lambda t, a: a.repeat(-1, 2), A)
    check_raises(lambda t, a: a.repeat(), A)


@pytest.mark.parametrize(
    "args",
    [
        ((1, 2),),
        ((0, 0, 2, 1),),
        ((1, 1, 1, 1, 1, 1),),
        ((-1, 1),),  # negative pads crop
        ((-1, -2, 1, -1),),
        ((0, -3),),  # down to size 0
        ((2, 1), "constant", 2.5),
        ((1, 1, 0, 0), "constant", -1),
        ((),),
    ],
)
def test_constant_pad_matches_torch(args):
    check(lambda t, c: padder(t)(c, *args), C)
    check(lambda t, c: padder(t)(c.transpose(0, 1), *args), C)


def test_constant_pad_at_the_edges_matches_torch():
    check(lambda t, s: padder(t)(s, ()), S)
    check(lambda t, e: padder(t)(e, (1, 1, 2, 0)), E)
    check(lambda t, i: padder(t)(i, (1, 1), value=2.5), np.arange(6).reshape(2, 3), grad=False)
    check(lambda t, c: padder(t)(c, [1, 2], mode="constant"), C)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize(
    "shape, p",
    [
        ((2, 5), (2, 3)),
        ((2, 3, 5), (1, 0)),
        ((2, 4, 4), (2, 1, 3, 0)),
        ((1, 3, 4), (1, 2, 2, 1)),
        ((2, 2, 2, 3), (1, 1, 1, 0)),
        ((1, 2, 3, 2, 3), (2, 1, 1, 1, 0, 1)),
        ((2, 5), (-1, 2)),
        ((2, 5), (2, -1)),
        ((1, 3, 4), (-1, 1, 1, -1)),
        ((0, 2, 3), (1, 1)),
    ],
)
def test_non_constant_pad_matches_torch(mode, shape, p):
    x = rng.standard_normal(shape)
    check(lambda t, a: padder(t)(a, p, mode=mode), x)


@pytest.mark.parametrize(
    "shape, p, mode",
    [
        ((2, 3), (1,), "constant"),  # odd length
        ((2, 3), (1, 1, 1, 1, 1, 1), "constant"),  # more dims than the input
        ((2, 3), (-2, -2), "constant"),  # crops more than there is
        ((2, 3), (1, 1), "bogus"),
        ((2, 3), (3, 3), "reflect"),  # reflect needs pad < size
        ((2, 3), (4, 0), "circular"),  # wraps around more than once
        ((3,), (1, 1), "replicate"),  # needs a channel dim
        ((2, 3), (1, 1, 1, 1), "reflect"),
        ((1, 1, 1, 3), (1, 1), "replicate"),
        ((2, 0), (1, 1), "replicate"),
    ],
)
def test_bad_pad_raises_like_torch(shape, p, mode):
    check_raises(lambda t, a: padder(t)(a, p, mode=mode), np.ones(shape))


def test_pad_error_names_the_problem():
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        pad(twingrad.zeros(2, 3), (1,))
    with pytest.raises(RuntimeError, match=r"crops more than the 3 entries of dimension 1"):
        pad(twingrad.zeros(2, 3), (-2, -2))
    with pytest.raises(ValueError, match="doesn't take in value"):
        pad(twingrad.zeros(2, 3), (1, 1), mode="replicate", value=1.0)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a: t.cat([a, a * a, a], dim=1) ** 3,
        lambda t, a: t.stack([a, a.flip(1)], dim=0) ** 3,
        lambda t, a: a.repeat(2, 3) ** 3,
        lambda t, a: padder(t)(a, (1, -1, 2, 0), value=1.5) ** 3,
        lambda t, a: padder(t)(a[None], (2, 2), mode="reflect") ** 3,
        lambda t, a: t.cat(a.split([2, 1], dim=1)[::-1], dim=1) ** 3,
    ],
)
def test_second_derivatives_through_movement_match_torch(fn):
    v = rng.standard_normal(A.shape)
    check_hessian_vector_product(lambda t, a: fn(t, a).sum(), A, v, rtol=1e-12)


def test_exact_fraction_gradients_through_cat_pad_repeat_and_flip():
    f = [Fraction(1, 3), Fraction(-5, 4)]
    x = twingrad.tensor(f, dtype=twingrad.fraction, requires_grad=True)
    w = twingrad.tensor([Fraction(k, 7) for k in range(1, 11)], dtype=twingrad.fraction)
    # y = [x0, x1, x1, x0, 1/2, x0, x1, x0, x1, 1/2]
    y = twingrad.cat([x, x.flip(0), pad(x.repeat(2), (1, 1), value=Fraction(1, 2))])
    loss = (y * w * y).sum()
    loss.backward()
    x0, x1 = f
    ws = [Fraction(k, 7) for k in range(1, 11)]
    # d/dx0 of sum w_k y_k^2 = 2 x0 (w0 + w3 + w5 + w7), d/dx1 = 2 x1 (w1 + w2 + w6 + w8)
    expected = [2 * x0 * (ws[0] + ws[3] + ws[5] + ws[7]), 2 * x1 * (ws[1] + ws[2] + ws[6] + ws[8])]
    assert y.tolist() == [x0, x1, x1, x0, Fraction(1, 2), x0, x1, x0, x1, Fraction(1, 2)]
    assert x.grad.tolist() == expected
    assert all(type(v) is Fraction for v in x.grad.tolist())
