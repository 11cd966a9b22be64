"""elu, hardtanh, relu6, logsigmoid, softmin, smooth_l1_loss, huber_loss and kl_div, and their
layers, against PyTorch in float64 and float32 (values, shapes, dtypes, gradients, refusals,
reprs), with finite differences and the bridge (normalize, cosine_similarity and attention
are in test_nn_attention_parity.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
from torch_compare import check, check_central_differences, check_raises
from twingrad.bridge import check as bridge_check

LIBS = (torch, twingrad)
rng = np.random.default_rng(17)
A = rng.standard_normal((3, 4)) * 2
B = rng.standard_normal((3, 4)) * 2
ROW = rng.standard_normal(4)
SCALAR = np.array(-0.75)
EMPTY = np.zeros((0, 4))
EDGES = np.array([-7.0, -6.0, -1.0, -1e-9, 0.0, 1e-9, 1.0, 6.0, 7.0, -40.0, 40.0, np.nan])
INTS = np.array([-3, 0, 2, 9])
REDUCTIONS = ["mean", "sum", "none"]


def F(lib):
    return lib.nn.functional


# -- activations -----------------------------------------------------------------------------

ACTIVATIONS = [
    lambda lib, x: F(lib).elu(x),
    lambda lib, x: F(lib).elu(x, alpha=0.5),
    lambda lib, x: F(lib).elu(x, -1.5),
    lambda lib, x: F(lib).hardtanh(x),
    lambda lib, x: F(lib).hardtanh(x, -0.5, 2.0),
    lambda lib, x: F(lib).relu6(x),
    lambda lib, x: F(lib).logsigmoid(x),
    lambda lib, x: F(lib).softmin(x, dim=-1),
    lambda lib, x: F(lib).softmin(x, 0),
    lambda lib, x: lib.nn.ELU(0.7)(x),
    lambda lib, x: lib.nn.Hardtanh(-2, 3)(x),
    lambda lib, x: lib.nn.ReLU6()(x),
    lambda lib, x: lib.nn.LogSigmoid()(x),
    lambda lib, x: lib.nn.Softmin(dim=-1)(x),
]


@pytest.mark.parametrize("fn", ACTIVATIONS)
def test_activations_match_torch(fn):
    check(fn, A)
    check(fn, A * 5, noncontiguous=True)
    check(fn, SCALAR)
    check(fn, EMPTY)
    check(fn, EDGES)  # at the kinks, the bounds, 0, far out, nan


@pytest.mark.parametrize("alpha", [1.0, 0.5, -1.5])
@pytest.mark.parametrize(("dtype", "rtol"), [("float64", 1e-14), ("float32", 1e-6)])
def test_elu_gradient_far_below_zero_is_exp_to_full_precision_as_torch(alpha, dtype, rtol):
    # alpha * exp(x), where tanh(x / 2) would round to -1 and take every digit with it
    far = np.array([-1.0, -16.0, -20.0, -40.0, -100.0, -1.0 - 1e-7, -0.5, -3.0])
    check(lambda lib, x: F(lib).elu(x, alpha), far, dtypes=(dtype,), rtol=rtol, atol=0.0)
    check(lambda lib, x: lib.nn.ELU(alpha)(x), far, dtypes=(dtype,), rtol=rtol, atol=0.0)


def test_activations_broadcast_inside_a_graph_as_torch():
    check(lambda lib, x, r: F(lib).elu(x - r) + F(lib).relu6(x * r + 3), A, ROW)
    check(
        lambda lib, x, r: F(lib).logsigmoid(x * r).sum(1) + F(lib).softmin(x + r, 1)[:, 0], A, ROW
    )


def test_activations_on_integers_and_dtypes_as_torch():
    check(lambda lib, x: F(lib).relu6(x), INTS)
    check(lambda lib, x: F(lib).hardtanh(x), INTS)
    check(lambda lib, x: F(lib).softmin(x, 0, dtype=lib.float64), ROW, dtypes=("float32",))
    for fn in (F(torch).elu, F(torch).logsigmoid):
        name = fn.__name__
        check_raises(lambda lib, x, name=name: getattr(F(lib), name)(x), INTS)


def test_activation_refusals_match_torch():
    check_raises(lambda lib, x: F(lib).hardtanh(x, 2.0, 1.0), A, match="min_val cannot be greater")
    check_raises(lambda lib, x: F(lib).softmin(x, 2), A, match="Dimension out of range")
    for lib in LIBS:
        with pytest.raises((ValueError, AssertionError)):
            lib.nn.Hardtanh(1.0, 1.0)


def test_softmin_without_dim_warns_and_picks_torch_dim():
    for lib in LIBS:
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
            out = F(lib).softmin(lib.tensor(A))
        assert np.allclose(out.numpy(), F(torch).softmin(torch.tensor(A), 1).numpy())


def test_in_place_activations_match_torch():
    for name, args in (("elu", (1.0,)), ("hardtanh", (-1.0, 1.0)), ("relu6", ())):
        results = []
        for lib in LIBS:
            x = lib.tensor(A, requires_grad=True)
            y = x * 2
            out = getattr(F(lib), name)(y, *args, inplace=True)
            assert out is y
            (y * lib.tensor(B)).sum().backward()
            results.append((y.detach().numpy().copy(), x.grad.numpy().copy()))
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)


def test_activation_layers_print_as_torch():
    makers = [
        lambda nn: nn.ELU(),
        lambda nn: nn.ELU(0.5, inplace=True),
        lambda nn: nn.Hardtanh(),
        lambda nn: nn.Hardtanh(-2, 3, True),
        lambda nn: nn.ReLU6(),
        lambda nn: nn.ReLU6(inplace=True),
        lambda nn: nn.LogSigmoid(),
        lambda nn: nn.Softmin(),
        lambda nn: nn.Softmin(dim=1),
        lambda nn: nn.SmoothL1Loss(beta=0.5),
        lambda nn: nn.HuberLoss(delta=2.0),
        lambda nn: nn.KLDivLoss(reduction="batchmean", log_target=True),
        lambda nn: nn.CosineSimilarity(dim=0, eps=1e-6),
    ]
    for make in makers:
        assert repr(make(twingrad.nn)) == repr(make(torch.nn))
    with pytest.warns(FutureWarning, match="min_value"):
        assert twingrad.nn.Hardtanh(min_value=-2.0).min_val == -2.0


def test_activation_gradients_by_central_differences_and_bridge():
    check_central_differences(lambda x: twingrad.nn.functional.elu(x * 3, 0.5), rng)
    check_central_differences(lambda x: twingrad.nn.functional.hardtanh(x * 2 + 0.3), rng)
    check_central_differences(lambda x: twingrad.nn.functional.logsigmoid(x * 5), rng)
    check_central_differences(lambda x: twingrad.nn.functional.softmin(x, 1), rng)
    f = twingrad.nn.functional
    assert bridge_check(lambda x: (f.elu(x) + f.relu6(x * 3) + f.softmin(x, 1)).sum(), A).agree
    assert bridge_check(lambda x: f.logsigmoid(x).sum() + f.hardtanh(x).sum(), A).agree


# -- losses ----------------------------------------------------------------------------------


def regression_losses(reduction: str) -> list:
    return [
        lambda lib, x, y: F(lib).smooth_l1_loss(x, y, reduction=reduction),
        lambda lib, x, y: F(lib).smooth_l1_loss(x, y, reduction=reduction, beta=0.5),
        lambda lib, x, y: F(lib).smooth_l1_loss(x, y, reduction=reduction, beta=0.0),
        lambda lib, x, y: F(lib).huber_loss(x, y, reduction=reduction),
        lambda lib, x, y: F(lib).huber_loss(x, y, reduction, 2.5),
        lambda lib, x, y: lib.nn.SmoothL1Loss(reduction=reduction, beta=2.0)(x, y),
        lambda lib, x, y: lib.nn.HuberLoss(reduction=reduction, delta=0.5)(x, y),
    ]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_torch(reduction):
    near = A.copy()
    near[0, :3] = B[0, :3] + np.array([0.0, 1.0, -0.5])  # |d| at 0, at beta/delta, inside
    for fn in regression_losses(reduction):
        check(fn, near, B)
        check(fn, A, B, noncontiguous=True)
        check(fn, SCALAR, np.array(1.5))
        check(fn, EMPTY, EMPTY)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_of_infinite_errors_match_torch(reduction):
    # an infinite error takes the linear branch's slope (the square it skips is not 0 * inf)
    x = np.array([np.inf, -np.inf, 0.5, 3.0, np.inf, -2.0, np.nan, np.inf])
    y = np.array([0.0, 0.0, 0.0, -np.inf, 1.0, np.inf, 0.0, np.inf])
    for fn in regression_losses(reduction):
        check(fn, x, y)
        check(fn, x[:2], y[:2], noncontiguous=True)  # only infinite errors: finite gradients
    for lib in LIBS:
        for loss in (F(lib).huber_loss, F(lib).smooth_l1_loss):
            input = lib.tensor([np.inf], requires_grad=True)
            target = lib.zeros(1, requires_grad=True)
            loss(input, target).backward()
            assert (input.grad.tolist(), target.grad.tolist()) == ([1.0], [-1.0])


def test_huber_weight_and_broadcast_warnings_match_torch():
    w = rng.random((3, 4)) + 0.5
    infinite = A.copy()
    infinite[1, 1:3] = [np.inf, -np.inf]
    for reduction in REDUCTIONS:
        check(
            lambda lib, x, y, reduction=reduction: F(lib).huber_loss(
                x, y, reduction=reduction, weight=lib.tensor(w.astype(str(x.dtype)[-7:])), delta=2
            ),
            infinite,
            B,
        )
        check(
            lambda lib, x, y, reduction=reduction: F(lib).huber_loss(
                x, y, reduction=reduction, weight=lib.tensor(w.astype(str(x.dtype)[-7:]))
            ),
            A,
            B,
        )
    for name in ("smooth_l1_loss", "huber_loss"):
        for lib in LIBS:
            with pytest.warns(UserWarning, match="different to the input size"):
                getattr(F(lib), name)(lib.tensor(A), lib.tensor(ROW))


def test_regression_loss_refusals_match_torch():
    check_raises(lambda lib, x, y: F(lib).smooth_l1_loss(x, y, beta=-1.0), A, B, match="beta")
    check_raises(lambda lib, x, y: F(lib).huber_loss(x, y, delta=0.0), A, B, match="delta")
    check_raises(lambda lib, x, y: F(lib).huber_loss(x, y, delta=-1.0), A, B, match="delta")
    check_raises(lambda lib, x, y: F(lib).huber_loss(x, y, "avg"), A, B, match="avg")
    with pytest.warns(UserWarning, match="different to the input size"):
        check_raises(lambda lib, x, y: F(lib).smooth_l1_loss(x, y), A, np.ones(3), match="size")


LOGP = np.log(rng.dirichlet(np.ones(4), size=3))
PROBS = rng.dirichlet(np.ones(4), size=3)
PROBS_WITH_ZEROS = PROBS.copy()
PROBS_WITH_ZEROS[0, 1] = PROBS_WITH_ZEROS[2, 3] = 0.0


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
def test_kl_div_matches_torch(reduction):
    def kl(lib, x, t, log_target=False):
        return F(lib).kl_div(x, t, reduction=reduction, log_target=log_target)

    with pytest.warns() if reduction == "mean" else _no_warning():
        check(kl, LOGP, PROBS)
        check(kl, LOGP, PROBS_WITH_ZEROS)  # 0 log 0 = 0; its target gradient is nan there
        check(lambda lib, x, t: kl(lib, x, t, True), LOGP, np.log(PROBS), noncontiguous=True)
        check(kl, LOGP, PROBS[0])  # broadcast target
        check(kl, SCALAR, np.array(0.3))
        check(lambda lib, x, t: kl(lib, x, t, True), SCALAR, np.array(-0.3))
        check(kl, EMPTY, EMPTY)
        check(kl, LOGP, np.array([0.5, -0.5, 0.0, 1.0]))  # a negative target: nan, as torch
        layer = lambda lib, x, t: lib.nn.KLDivLoss(reduction=reduction, log_target=True)(x, t)
        check(layer, LOGP, np.log(PROBS))


class _no_warning:
    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


def test_kl_div_legacy_flags_and_refusals_match_torch():
    for flags in ({"size_average": False}, {"reduce": False}):
        with pytest.warns(UserWarning, match="size_average and reduce"):
            check(lambda lib, x, t, flags=flags: F(lib).kl_div(x, t, **flags), LOGP, PROBS)
    check_raises(lambda lib, x, t: F(lib).kl_div(x, t, reduction="avg"), LOGP, PROBS, match="avg")
    check_raises(
        lambda lib, x, t: F(lib).kl_div(x, t, reduction="sum"), LOGP, np.ones(3), match="size"
    )


def test_loss_gradients_by_central_differences_and_bridge():
    target = twingrad.tensor(rng.standard_normal((3, 4)))
    f = twingrad.nn.functional
    check_central_differences(lambda x: f.smooth_l1_loss(x, target, reduction="none"), rng)
    check_central_differences(lambda x: f.huber_loss(x, target, reduction="none", delta=0.3), rng)
    probs = twingrad.tensor(PROBS)
    check_central_differences(lambda x: f.kl_div(x, probs, reduction="none"), rng)
    check_central_differences(
        lambda x: f.kl_div(probs.log(), x, reduction="none", log_target=True), rng
    )
    assert bridge_check(
        lambda x, y: f.huber_loss(x, y) + f.smooth_l1_loss(x, y, beta=0.5), A, B
    ).agree
    assert bridge_check(lambda x, t: f.kl_div(x, t, reduction="batchmean"), LOGP, PROBS).agree
