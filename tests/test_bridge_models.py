"""Whole models: the gradient of every parameter agrees between the two engines."""

import math

import numpy as np
import pytest

import twingrad
import twingrad.nn as nn
import twingrad.nn.functional as F
from twingrad.bridge import compare


def _report(model, loss):
    report = compare(loss, model=model)
    names = [row.name for row in report.rows[1:]]
    assert names == [name for name, _ in model.named_parameters()]
    return report


@pytest.fixture(autouse=True)
def seeded():
    twingrad.manual_seed(0)


def test_mlp_with_cross_entropy_agrees():
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    model.double()
    x = twingrad.randn(7, 4, dtype=twingrad.float64)
    y = twingrad.tensor([0, 2, 1, 1, 0, 2, 2])
    report = _report(model, F.cross_entropy(model(x), y))
    assert report.agree and report.max_ulps <= 4


def test_small_conv_net_agrees():
    model = nn.Sequential(
        nn.Conv2d(2, 3, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(3, 4, kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(4, 2),
    )
    model.double()
    x = twingrad.randn(2, 2, 4, 4, dtype=twingrad.float64)
    report = _report(model, F.cross_entropy(model(x), twingrad.tensor([1, 0])))
    assert report.agree and report.max_ulps <= 4


def test_conv1d_avgpool_batchnorm_agree():
    model = nn.Sequential(
        nn.Conv1d(1, 3, kernel_size=3, stride=1, padding=1),
        nn.BatchNorm1d(3),
        nn.GELU(),
        nn.AvgPool1d(2),
        nn.Flatten(),
        nn.Linear(9, 2),
    )
    model.double()
    x = twingrad.randn(4, 1, 6, dtype=twingrad.float64)
    report = _report(model, (model(x) ** 2).mean())
    assert report.agree


class Attention(nn.Module):
    """One head of self-attention with a residual and LayerNorm, as in a transformer block."""

    def __init__(self, vocab: int, dim: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.q, self.k, self.v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)
        self.out = nn.Linear(dim, vocab)

    def forward(self, tokens):
        x = self.embed(tokens)
        q, k, v = self.q(x), self.k(x), self.v(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(x.shape[-1])
        mask = (
            twingrad.ones(x.shape[1], x.shape[1]).tril()
            if hasattr(twingrad.Tensor, "tril")
            else None
        )
        if mask is not None:
            scores = scores.masked_fill(mask == 0, float("-inf"))
        x = self.norm(x + scores.softmax(dim=-1) @ v)
        return self.out(x)


def test_attention_block_agrees():
    model = Attention(vocab=5, dim=4)
    model.double()
    tokens = twingrad.tensor([[0, 3, 1], [2, 2, 4]])
    logits = model(tokens)
    loss = F.cross_entropy(logits.reshape(-1, 5), twingrad.tensor([3, 1, 0, 2, 4, 1]))
    report = _report(model, loss)
    assert report.agree and report.max_ulps <= 8


def test_exact_mlp_agrees_with_double_equals():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    for p in model.parameters():  # small exact fractions keep the arithmetic quick
        p.data = twingrad.tensor(np.round(p.detach().numpy() * 8) / 8, dtype=twingrad.fraction)
    x = twingrad.tensor(np.round(np.random.default_rng(0).standard_normal((5, 3)) * 4) / 4,
                        dtype=twingrad.fraction)  # fmt: skip
    report = compare(((model(x) - 1) ** 2).mean(), model=model)
    assert report.exact and report.all_equal
