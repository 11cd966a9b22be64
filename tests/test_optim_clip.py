"""Gradient clipping against PyTorch: every norm type, the returned norm, the errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import twingrad
from twingrad import Value
from twingrad.nn.utils import clip_grad_norm_, clip_grad_value_, get_total_norm


def _grads(seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 4)) * 3, rng.normal(size=5), np.array(-2.5)]


def _with_grads(lib, grads, dtype):
    params = []
    for g in grads:
        p = lib.zeros(g.shape, dtype=dtype, requires_grad=True)
        p.grad = lib.tensor(g, dtype=dtype)
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1, math.inf, -math.inf, 3.5, 0])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    grads = _grads()
    ours = _with_grads(twingrad, grads, twingrad.float64)
    theirs = _with_grads(torch, grads, torch.float64)
    our_total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    their_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert our_total.dtype is twingrad.float64
    assert our_total.item() == pytest.approx(their_total.item(), rel=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=0)


def test_clipping_scales_to_the_largest_allowed_norm():
    (p,) = _with_grads(twingrad, [np.array([3.0, 4.0])], twingrad.float64)
    total = clip_grad_norm_([p], max_norm=2.0)
    assert total.item() == 5.0
    np.testing.assert_allclose(p.grad.numpy(), [1.2, 1.6], rtol=1e-6)
    assert np.linalg.norm(p.grad.numpy()) == pytest.approx(2.0, rel=1e-6)


def test_float32_gradients_give_a_float32_norm_like_torch():
    grads = _grads(1)
    ours = _with_grads(twingrad, grads, twingrad.float32)
    theirs = _with_grads(torch, grads, torch.float32)
    total = clip_grad_norm_(iter(ours), 1.0)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert total.dtype is twingrad.float32
    assert total.item() == pytest.approx(expected.item(), rel=1e-6)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6)


def test_parameters_without_gradients_are_skipped_and_none_at_all_gives_zero():
    p = twingrad.zeros(2, requires_grad=True)
    total = clip_grad_norm_([p], 1.0)
    assert total.item() == 0.0 and p.grad is None
    (q,) = _with_grads(twingrad, [np.array([6.0, 8.0])], twingrad.float64)
    assert clip_grad_norm_([p, q], 100.0).item() == 10.0


def test_non_finite_norm_raises_only_when_asked():
    grads = [np.array([1.0, np.inf])]
    (p,) = _with_grads(twingrad, grads, twingrad.float64)
    with pytest.raises(RuntimeError, match=r"total norm of order 2.0 .* non-finite \(inf\)"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(p.grad.numpy(), [1.0, np.inf])  # untouched
    (t,) = _with_grads(torch, grads, torch.float64)
    total = clip_grad_norm_([p], 1.0)
    expected = torch.nn.utils.clip_grad_norm_([t], 1.0)
    assert math.isinf(total.item()) and math.isinf(expected.item())
    np.testing.assert_array_equal(p.grad.numpy(), t.grad.numpy())


def test_clip_grad_norm_on_values():
    a, b = Value(1.0), Value(2.0)
    (a * 3.0 + b * 4.0).backward()  # grads 3 and 4
    total = clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == 5.0
    assert a.grad == pytest.approx(0.6, rel=1e-6) and b.grad == pytest.approx(0.8, rel=1e-6)


def test_clip_grad_value_matches_torch_and_handles_values():
    grads = _grads(2)
    ours = _with_grads(twingrad, grads, twingrad.float64)
    theirs = _with_grads(torch, grads, torch.float64)
    assert clip_grad_value_(ours, 1.5) is None
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    assert max(np.abs(a.grad.numpy()).max() for a in ours) == 1.5
    v = Value(0.0)
    v.grad = -7.0
    clip_grad_value_(v, 2)
    assert v.grad == -2.0


def test_get_total_norm_of_plain_tensors():
    tensors = [twingrad.tensor([3.0, 0.0]), twingrad.tensor([[0.0], [4.0]])]
    assert get_total_norm(tensors).item() == 5.0
    assert get_total_norm(tensors, norm_type=1).item() == 7.0


def test_clipping_something_other_than_parameters_names_it():
    with pytest.raises(TypeError, match="got ndarray"):
        clip_grad_norm_([np.zeros(3)], 1.0)
