"""nn.init.orthogonal_, eye_ and dirac_ against PyTorch (orthogonal_ from the same normal
draws: the same matrix)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
from twingrad import nn
from twingrad.nn.init_structured import orthogonalize


def _torch_orthogonal(flat: np.ndarray) -> np.ndarray:
    """PyTorch's orthogonal_ applied to given draws: its QR and sign fix."""
    rows, cols = flat.shape
    m = torch.tensor(flat.T if rows < cols else flat)
    q, r = torch.linalg.qr(m)
    q = q * torch.diag(r).sign()
    return (q.T if rows < cols else q).numpy()


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (1, 4), (4, 1)])
def test_orthogonalize_matches_torch_from_the_same_draws(shape):
    flat = np.random.default_rng(0).standard_normal(shape)
    np.testing.assert_allclose(orthogonalize(flat), _torch_orthogonal(flat), atol=1e-13)


@pytest.mark.parametrize("shape", [(4, 6), (6, 4), (3, 2, 2, 2)])
@pytest.mark.parametrize("dtype", [twingrad.float32, twingrad.float64])
def test_orthogonal_fills_semi_orthogonal_rows_or_columns(shape, dtype):
    twingrad.manual_seed(0)
    w = twingrad.empty(*shape, dtype=dtype)
    assert nn.init.orthogonal_(w, gain=1.5) is w
    assert w.dtype is dtype and tuple(w.shape) == shape
    flat = w.reshape(shape[0], -1).detach().numpy().astype(np.float64)
    small = min(flat.shape)
    gram = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
    np.testing.assert_allclose(gram, 2.25 * np.eye(small), atol=1e-5)
    twingrad.manual_seed(0)
    again = nn.init.orthogonal_(twingrad.empty(*shape, dtype=dtype), gain=1.5)
    assert np.array_equal(again.detach().numpy(), w.detach().numpy())


def test_orthogonal_refuses_vectors_and_leaves_empty_tensors_alone():
    for lib in (torch, twingrad):
        with pytest.raises(ValueError, match="2 or more dimensions"):
            lib.nn.init.orthogonal_(lib.empty(3))
    empty = twingrad.empty(0, 3)
    assert nn.init.orthogonal_(empty) is empty


def test_orthogonal_initialises_a_parameter_without_recording_a_graph():
    layer = nn.Linear(4, 4)
    nn.init.orthogonal_(layer.weight)
    assert layer.weight.requires_grad and layer.weight.grad_fn is None
    w = layer.weight.detach().numpy()
    np.testing.assert_allclose(w @ w.T, np.eye(4), atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2)])
def test_eye_matches_torch(shape):
    ours = nn.init.eye_(twingrad.empty(*shape, dtype=twingrad.float64))
    assert np.array_equal(ours.numpy(), torch.nn.init.eye_(torch.empty(*shape)).numpy())


@pytest.mark.parametrize(
    ("shape", "groups"), [((4, 2, 3), 2), ((3, 5, 3, 3), 1), ((4, 4, 1, 2, 3), 2)]
)
def test_dirac_matches_torch(shape, groups):
    ours = nn.init.dirac_(twingrad.empty(*shape), groups=groups)
    theirs = torch.nn.init.dirac_(torch.empty(*shape), groups=groups)
    assert np.array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize(
    ("fn", "shape", "kwargs"),
    [("eye_", (2, 3, 1), {}), ("dirac_", (4, 2), {}), ("dirac_", (5, 2, 3), {"groups": 2})],
)
def test_structured_inits_refuse_the_shapes_torch_refuses(fn, shape, kwargs):
    for lib in (torch, twingrad):
        with pytest.raises(ValueError):
            getattr(lib.nn.init, fn)(lib.empty(*shape), **kwargs)
