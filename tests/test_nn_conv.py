"""Convolution and pooling against PyTorch over strides, paddings, dilations and groups:
outputs, input gradients and weight/bias gradients in float64 and float32; second
derivatives through the col2im/im2col pair; exact results on fractions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
import twingrad.nn.functional as F
from nn_compare import check_module
from torch_compare import check, check_raises
from twingrad import nn

rng = np.random.default_rng(0)

CONV2D = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(stride=(2, 1), padding=(1, 2), dilation=(2, 1)),
    dict(padding="same", dilation=2),
    dict(padding="valid", bias=False),
    dict(groups=2, stride=2, padding=1),
    dict(padding=1, padding_mode="reflect"),
    dict(padding=(1, 2), padding_mode="circular"),
]


@pytest.mark.parametrize("kw", CONV2D, ids=[str(k) for k in CONV2D])
def test_conv2d_matches_torch(kw):
    x = rng.standard_normal((2, 4, 7, 6))
    check_module(lambda lib: lib.nn.Conv2d(4, 6, (3, 2), **kw), x)


CONV1D = [
    dict(),
    dict(stride=3, padding=2),
    dict(dilation=3, bias=False),
    dict(padding="same"),
    dict(groups=4, padding=1),
    dict(padding=2, padding_mode="replicate"),
]


@pytest.mark.parametrize("kw", CONV1D, ids=[str(k) for k in CONV1D])
def test_conv1d_matches_torch(kw):
    check_module(lambda lib: lib.nn.Conv1d(4, 8, 3, **kw), rng.standard_normal((3, 4, 11)))


def test_unbatched_and_even_same_padding():
    check_module(lambda lib: lib.nn.Conv2d(2, 3, 2, padding="same"), rng.standard_normal((2, 5, 4)))
    check_module(lambda lib: lib.nn.Conv1d(2, 3, 4, padding="same"), rng.standard_normal((2, 6)))


def test_conv_functional_matches_torch():
    x, w, b = (
        rng.standard_normal((2, 3, 5, 5)),
        rng.standard_normal((4, 3, 3, 3)),
        rng.standard_normal(4),
    )
    check(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, stride=2, padding=1), x, w, b)
    check(
        lambda lib, x, w: lib.nn.functional.conv1d(x, w, None, 1, 1, 2),
        rng.standard_normal((2, 3, 9)),
        rng.standard_normal((5, 3, 2)),
    )


def test_conv_second_derivatives_match_torch():
    """The conv's vjps are ops themselves, so a gradient penalty differentiates again."""

    def penalty(lib, x, w, b):
        out = lib.nn.functional.conv2d(x, w, b, stride=2, padding=1)
        gx, gw = lib.autograd.grad((out * out).sum(), (x, w), create_graph=True)
        return (gx * gx).sum() + (gw * gw).sum() + (gx * x).sum()

    x, w, b = (
        rng.standard_normal((2, 2, 5, 4)),
        rng.standard_normal((3, 2, 3, 2)),
        rng.standard_normal(3),
    )
    check(penalty, x, w, b, dtypes=("float64",))

    def grouped(lib, x, w):
        out = lib.nn.functional.conv1d(x, w, groups=2, dilation=2)
        (gx,) = lib.autograd.grad(out.tanh().sum(), x, create_graph=True)
        return gx

    check(
        grouped, rng.standard_normal((2, 4, 7)), rng.standard_normal((4, 2, 2)), dtypes=("float64",)
    )


def test_conv_is_exact_on_fractions():
    x = twingrad.tensor([[[1.0, 2.0, 3.0, 4.0]]]).to(twingrad.fraction).requires_grad_()
    w = twingrad.tensor([[[0.5, -0.25]]]).to(twingrad.fraction).requires_grad_()
    out = F.conv1d(x, w, padding=1)
    assert out.dtype is twingrad.fraction
    out.sum().backward()
    from fractions import Fraction as Fr

    assert out.tolist() == [[[Fr(-1, 4), 0, Fr(1, 4), Fr(1, 2), 2]]]
    assert x.grad.tolist() == [[[Fr(1, 4)] * 4]]
    assert w.grad.tolist() == [[[10, 10]]]


def test_conv_errors_name_the_problem():
    conv = nn.Conv2d(3, 8, 3)
    with pytest.raises(
        RuntimeError, match=r"expected input\[2, 4, 10, 10\] to have 3 channels, but got 4"
    ):
        conv(twingrad.ones(2, 4, 10, 10))
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input"):
        conv(twingrad.ones(3, 10))
    with pytest.raises(
        RuntimeError, match=r"padded input size per channel: \(2 x 2\). Kernel size: \(3 x 3\)"
    ):
        conv(twingrad.ones(1, 3, 2, 2))
    with pytest.raises(ValueError, match="not supported for strided convolutions"):
        nn.Conv2d(3, 8, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv1d(3, 6, 3, groups=2)
    for bad in [np.ones((2, 4, 10, 10)), np.ones((1, 3, 2, 2))]:
        check_raises(
            lambda lib, x: lib.nn.functional.conv2d(x, lib.ones(8, 3, 3, 3, dtype=x.dtype)), bad
        )


def test_conv_repr_and_init_match_torch():
    for kw in [
        dict(),
        dict(stride=2, padding=1, bias=False),
        dict(dilation=2, groups=2),
        dict(padding="same", padding_mode="reflect"),
    ]:
        assert repr(nn.Conv2d(4, 6, 3, **kw)) == repr(torch.nn.Conv2d(4, 6, 3, **kw))
        assert repr(nn.Conv1d(4, 6, 3, **kw)) == repr(torch.nn.Conv1d(4, 6, 3, **kw))
    twingrad.manual_seed(0)
    conv = nn.Conv2d(16, 32, 3)
    bound = 1 / np.sqrt(16 * 9)
    for p in (conv.weight, conv.bias):
        assert p.abs().max().item() <= bound and p.abs().max().item() > 0.9 * bound


MAXPOOL2D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=(1, 2), dilation=(2, 1)),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=2, stride=1, padding=1, ceil_mode=True),
]


@pytest.mark.parametrize("kw", MAXPOOL2D, ids=[str(k) for k in MAXPOOL2D])
def test_max_pool2d_matches_torch(kw):
    check_module(lambda lib: lib.nn.MaxPool2d(**kw), rng.standard_normal((2, 3, 7, 6)))


def test_max_pool_ties_nan_and_indices_match_torch():
    x = np.array([[[1.0, 3.0, 3.0, 2.0, 2.0, 0.0, -1.0, np.nan, 4.0]]])
    check(lambda lib, x: lib.nn.functional.max_pool1d(x, 2, 1, padding=1), x)
    check(lambda lib, x: lib.nn.functional.max_pool1d(x, 3, 2, dilation=2, ceil_mode=True), x)
    two_nans = np.array([[[np.nan, 1.0, np.nan, 2.0, np.inf, -np.inf]]])  # the last nan wins
    check(lambda lib, x: lib.nn.functional.max_pool1d(x, 3, 3), two_nans)
    check(
        lambda lib, x: lib.nn.functional.max_pool1d(x, 3, 3, return_indices=True)[1],
        two_nans,
        grad=False,
    )
    # a window of -inf and padding: the first element inside the input is the maximum
    minus_inf = np.array([[[-np.inf, -np.inf, 1.0, -np.inf, -np.inf]]])
    for kw in [
        dict(kernel_size=2, stride=2, padding=1),
        dict(kernel_size=3, padding=1, dilation=2),
    ]:
        check(lambda lib, x, kw=kw: lib.nn.functional.max_pool1d(x, **kw), minus_inf)
        check(lambda lib, x, kw=kw: lib.nn.functional.max_pool1d(x, **kw, return_indices=True)[1],
              minus_inf, grad=False)  # fmt: skip
    x2 = rng.integers(0, 3, (2, 2, 5, 6)).astype(np.float64)  # many ties
    check(lambda lib, x: lib.nn.functional.max_pool2d(x, 3, 2, 1), x2)
    check(lambda lib, x: lib.nn.functional.max_pool2d(x, 2, return_indices=True)[1], x2, grad=False)
    check(
        lambda lib, x: lib.nn.functional.max_pool2d(x, (3, 2), (2, 1), 1, 2, True, True)[1],
        rng.standard_normal((1, 2, 7, 5)),
        grad=False,
    )
    check(
        lambda lib, x: lib.nn.functional.max_pool1d(x, 3, 2, 1, return_indices=True)[1],
        rng.standard_normal((2, 9)),
        grad=False,
    )


MAXPOOL1D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1, padding=1, dilation=2),
    dict(kernel_size=4, stride=3, ceil_mode=True),
]


@pytest.mark.parametrize("kw", MAXPOOL1D, ids=[str(k) for k in MAXPOOL1D])
def test_max_pool1d_matches_torch(kw):
    check_module(lambda lib: lib.nn.MaxPool1d(**kw), rng.standard_normal((2, 3, 11)))
    check_module(lambda lib: lib.nn.MaxPool1d(**kw), rng.standard_normal((3, 11)))


AVGPOOL2D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=(3, 2), stride=2, padding=(1, 1), ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=2, divisor_override=3),
]


@pytest.mark.parametrize("kw", AVGPOOL2D, ids=[str(k) for k in AVGPOOL2D])
def test_avg_pool2d_matches_torch(kw):
    check_module(lambda lib: lib.nn.AvgPool2d(**kw), rng.standard_normal((2, 3, 7, 6)))


AVGPOOL1D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1, padding=1),
    dict(kernel_size=4, stride=3, padding=2, ceil_mode=True, count_include_pad=False),
]


@pytest.mark.parametrize("kw", AVGPOOL1D, ids=[str(k) for k in AVGPOOL1D])
def test_avg_pool1d_matches_torch(kw):
    check_module(lambda lib: lib.nn.AvgPool1d(**kw), rng.standard_normal((2, 3, 11)))


def test_pooling_second_derivatives_and_errors():
    def twice(lib, x):
        y = (
            lib.nn.functional.max_pool2d(x, 2, 1)
            + lib.nn.functional.avg_pool2d(x, 2, 2, 1)[..., :3, :3]
        )
        (g,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        return g

    check(twice, rng.standard_normal((1, 2, 4, 4)), dtypes=("float64",))
    check_raises(
        lambda lib, x: lib.nn.functional.max_pool2d(x, 2, padding=2), np.ones((1, 1, 4, 4))
    )
    check_raises(lambda lib, x: lib.nn.functional.avg_pool1d(x, 5), np.ones((1, 1, 4)))
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(twingrad.ones(1, 1, 2, 2), 3)


def test_pool_repr_matches_torch():
    for ours, theirs in [
        (nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
        (nn.MaxPool1d(3, 2, 1, ceil_mode=True), torch.nn.MaxPool1d(3, 2, 1, ceil_mode=True)),
        (nn.AvgPool2d(2, 1), torch.nn.AvgPool2d(2, 1)),
        (nn.AvgPool1d(3), torch.nn.AvgPool1d(3)),
    ]:
        assert repr(ours) == repr(theirs)


def test_small_cnn_matches_torch():
    def make(lib):
        nn_ = lib.nn
        return nn_.Sequential(
            nn_.Conv2d(1, 4, 3, padding=1),
            nn_.BatchNorm2d(4),
            nn_.ReLU(),
            nn_.MaxPool2d(2),
            nn_.Conv2d(4, 6, 3, stride=2),
            nn_.ReLU(),
            nn_.Flatten(),
            nn_.Linear(6, 3),
        )

    check_module(make, rng.standard_normal((3, 1, 8, 8)), steps=2)
