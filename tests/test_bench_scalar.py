"""The scalar benchmark compares like with like: every engine takes the same training step."""

from __future__ import annotations

import random

import pytest
from benchmarks.bench_scalar import SEED, micrograd_loss, moons, sgd_step, twingrad_loss
from benchmarks.minimal_engine import MinimalMLP, MinimalValue
from micrograd.nn import MLP as MicroMLP

from twingrad.scalar import MLP


def models():
    random.seed(SEED)
    ours = MLP(2, [16, 16, 1])
    random.seed(SEED)
    minimal = MinimalMLP(2, [16, 16, 1])
    random.seed(SEED)
    theirs = MicroMLP(2, [16, 16, 1])
    return ours, minimal, theirs


def test_the_minimal_engine_takes_twingrads_step_bit_for_bit():
    X, y = moons()
    ours, minimal, _ = models()
    for _ in range(3):
        our_loss = twingrad_loss(ours, X, y)
        minimal_loss = twingrad_loss(minimal, X, y, MinimalValue)
        assert minimal_loss.data == our_loss.data
        sgd_step(ours, our_loss)
        sgd_step(minimal, minimal_loss)
        assert [p.grad for p in minimal.parameters()] == [p.grad for p in ours.parameters()]
        assert [p.data for p in minimal.parameters()] == [p.data for p in ours.parameters()]


def test_twingrad_and_micrograd_take_the_same_step():
    X, y = moons()
    ours, _, theirs = models()
    for _ in range(3):
        our_loss, their_loss = twingrad_loss(ours, X, y), micrograd_loss(theirs, X, y)
        # micrograd adds w·x + b in another order, so the last bits may differ
        assert our_loss.data == pytest.approx(their_loss.data, rel=1e-12)
        sgd_step(ours, our_loss)
        sgd_step(theirs, their_loss)
        for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
            assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15)


def test_the_minimal_engine_backpropagates_through_every_op_it_has():
    a, b = MinimalValue(2.0), MinimalValue(-3.0)
    out = (MinimalValue.sum([a * b, a, 4.0 * a]) + b).relu() * 0.5
    out.backward()
    # out = 0.5 * relu(a*b + a + 4a + b) = 0.5 * relu(-6 + 2 + 8 - 3) = 0.5
    assert out.data == 0.5
    assert (a.grad, b.grad) == (0.5 * (b.data + 1 + 4), 0.5 * (a.data + 1))
