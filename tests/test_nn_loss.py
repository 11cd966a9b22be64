"""Every loss against PyTorch in float64 and float32, for each reduction: values, input
gradients and (where PyTorch has one) target gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
import twingrad.nn.functional as F
from torch_compare import check, check_raises
from twingrad import nn

rng = np.random.default_rng(0)
REDUCTIONS = ["mean", "sum", "none"]


def const(lib, array: np.ndarray, like):
    """A constant (no gradient: PyTorch refuses one for loss weights) of ``like``'s dtype."""
    return lib.tensor(array.astype(str(like.dtype).split(".")[-1]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(reduction):
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    b[0, 0] = a[0, 0]  # |x - y| at its kink
    for loss in ("MSELoss", "L1Loss"):
        check(lambda lib, a, b, loss=loss: getattr(lib.nn, loss)(reduction=reduction)(a, b), a, b)
    check(lambda lib, a, b: lib.nn.functional.mse_loss(a, b, reduction=reduction), a, b)


def test_mse_broadcasting_warns_as_torch_does():
    with pytest.warns(UserWarning, match="different to the input size"):
        out = F.mse_loss(twingrad.ones(3), twingrad.zeros(3, 1))
    assert out.item() == 1.0
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        nn.MSELoss(reduction="avg")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_indices(reduction):
    logits = rng.standard_normal((5, 4)) * 3
    target = np.array([0, 3, 1, 1, 2])
    weight = rng.random(4) + 0.5
    check(
        lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, reduction=reduction), logits, target
    )
    check(
        lambda lib, x, t: lib.nn.CrossEntropyLoss(const(lib, weight, x), reduction=reduction)(x, t),
        logits,
        target,
    )
    ignored = np.array([0, -100, 1, 3, -100])
    check(
        lambda lib, x, t: lib.nn.functional.cross_entropy(
            x, t, const(lib, weight, x), reduction=reduction
        ),
        logits,
        ignored,
    )
    check(
        lambda lib, x, t: lib.nn.functional.cross_entropy(
            x, t, ignore_index=1, reduction=reduction, label_smoothing=0.2
        ),
        logits,
        target,
    )
    check(
        lambda lib, x, t: lib.nn.functional.cross_entropy(
            x, t, const(lib, weight, x), ignore_index=3, reduction=reduction, label_smoothing=0.1
        ),
        logits,
        target,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_k_dimensional_and_unbatched(reduction):
    logits = rng.standard_normal((2, 3, 4, 5))
    target = rng.integers(0, 3, (2, 4, 5))
    target[0, 0, 0] = -100
    weight = rng.random(3) + 0.5
    check(
        lambda lib, x, t: lib.nn.functional.cross_entropy(
            x, t, const(lib, weight, x), reduction=reduction, label_smoothing=0.3
        ),
        logits,
        target,
    )
    check(
        lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, reduction=reduction),
        rng.standard_normal(4),
        np.array(2),
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_probabilities(reduction):
    logits = rng.standard_normal((3, 4))
    probs = rng.random((3, 4))
    probs /= probs.sum(1, keepdims=True)
    weight = rng.random(4) + 0.5

    def fn(lib, x, p):
        w = const(lib, weight, x)
        return lib.nn.functional.cross_entropy(x, p, w, reduction=reduction, label_smoothing=0.25)

    check(fn, logits, probs)  # the target gets its gradient too
    k_dim = rng.random((2, 3, 5))
    check(
        lambda lib, x, p: lib.nn.functional.cross_entropy(x, p, reduction=reduction),
        rng.standard_normal((2, 3, 5)),
        k_dim / k_dim.sum(1, keepdims=True),
    )


def test_cross_entropy_is_stable_and_two_nodes():
    x = twingrad.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, twingrad.tensor([1]))
    assert loss.item() == 2000.0
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"
    loss.backward()
    assert x.grad.tolist() == [[1.0, -1.0, 0.0]]


def test_cross_entropy_errors_match_torch():
    logits, target = np.zeros((3, 4)), np.array([0, 4, 1])
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        F.nll_loss(
            twingrad.zeros(3, 4), twingrad.tensor([0, 1, 2]), twingrad.ones(4, requires_grad=True)
        )
    check_raises(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), logits, target)
    with pytest.raises(IndexError, match="Target 4 is out of bounds"):
        F.cross_entropy(twingrad.zeros(3, 4), twingrad.tensor([0, 4, 1]))
    check_raises(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), logits, np.array([0, 1]))
    check_raises(
        lambda lib, x, t, w: lib.nn.functional.cross_entropy(x, t, w),
        logits,
        np.array([0, 1, 2]),
        np.ones(3),
    )
    with pytest.raises(
        ValueError, match=r"input batch_size \(3\) to match target batch_size \(2\)"
    ):
        F.cross_entropy(twingrad.zeros(3, 4), twingrad.tensor([0, 1]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    logp = np.log(rng.random((4, 3)) + 0.1)
    target = np.array([2, 0, -100, 1])
    weight = rng.random(3) + 0.5
    check(
        lambda lib, x, t: lib.nn.NLLLoss(const(lib, weight, x), reduction=reduction)(x, t),
        logp,
        target,
    )
    check(
        lambda lib, x, t: lib.nn.functional.nll_loss(x, t, ignore_index=0, reduction=reduction),
        logp,
        np.array([2, 0, 0, 1]),
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    p = rng.random((3, 4)) * 0.98 + 0.01
    y = rng.random((3, 4))
    w = rng.random((3, 4))
    check(lambda lib, p, y: lib.nn.BCELoss(reduction=reduction)(p, y), p, y)
    check(
        lambda lib, p, y: lib.nn.functional.binary_cross_entropy(
            p, y, const(lib, w, p), reduction=reduction
        ),
        p,
        y,
    )


def test_binary_cross_entropy_clamps_the_log_at_minus_100():
    p, y = np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0])
    check(
        lambda lib, p, y: lib.nn.functional.binary_cross_entropy(p, y, reduction="none"),
        p,
        y,
        grad=False,
    )
    check_raises(
        lambda lib, p, y: lib.nn.functional.binary_cross_entropy(p, y),
        np.array([1.5]),
        np.array([1.0]),
    )
    check_raises(
        lambda lib, p, y: lib.nn.functional.binary_cross_entropy(p, y),
        np.array([0.5]),
        np.array([[1.0]]),
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction):
    x = np.concatenate([rng.standard_normal((3, 4)) * 4, [[0.0, 50.0, -50.0, 1e3]]])
    y = rng.random((4, 4))
    w, pos = rng.random((4, 4)), rng.random(4) * 3
    check(lambda lib, x, y: lib.nn.BCEWithLogitsLoss(reduction=reduction)(x, y), x, y)
    check(
        lambda lib, x, y: lib.nn.BCEWithLogitsLoss(
            const(lib, w, x), reduction=reduction, pos_weight=const(lib, pos, x)
        )(x, y),
        x,
        y,
    )


def test_bce_with_logits_does_not_overflow():
    x = twingrad.tensor([-1e4, 1e4, 0.0], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, twingrad.tensor([1.0, 0.0, 1.0]), reduction="sum")
    assert np.isclose(loss.item(), 2e4 + np.log(2))
    loss.backward()
    assert x.grad.tolist() == [-1.0, 1.0, -0.5]
    with pytest.raises(
        ValueError, match=r"Target size \(\[3, 1\]\) must be the same as input size \(\[3\]\)"
    ):
        F.binary_cross_entropy_with_logits(twingrad.zeros(3), twingrad.zeros(3, 1))


def test_loss_modules_repr_and_state():
    w = twingrad.tensor([1.0, 2.0])
    loss = nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)
    assert repr(loss) == repr(torch.nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0])))
    assert list(loss.state_dict()) == list(torch.nn.CrossEntropyLoss(torch.ones(2)).state_dict())
    assert list(nn.BCEWithLogitsLoss(pos_weight=w).state_dict()) == ["pos_weight"]
    with pytest.warns(UserWarning, match="size_average and reduce"):
        assert nn.MSELoss(size_average=False).reduction == "sum"


def test_loss_second_derivatives_match_torch():
    """Hessian-vector products through the losses: their backward is made of ops too."""

    def hvp(loss):
        def fn(lib, x, v):
            (g,) = lib.autograd.grad(loss(lib, x), x, create_graph=True)
            return (g * v).sum()

        return fn

    logits, v = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    target = np.array([2, 0, 1, 1])
    weight = rng.random(3) + 0.5

    def ce(lib, x):
        t = lib.tensor(target)
        return lib.nn.functional.cross_entropy(x, t, const(lib, weight, x), label_smoothing=0.1)

    def bce(lib, x):
        p = x.sigmoid()
        return lib.nn.functional.binary_cross_entropy(p, const(lib, np.full((4, 3), 0.3), x))

    def bce_logits(lib, x):
        y = const(lib, np.full((4, 3), 0.7), x)
        return lib.nn.functional.binary_cross_entropy_with_logits(
            x, y, pos_weight=const(lib, weight, x)
        )

    for loss in (ce, bce, bce_logits):
        check(hvp(loss), logits, v, dtypes=("float64",))
