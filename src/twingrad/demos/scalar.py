"""Demo of the scalar engine: an expression's gradients, then an MLP on two moons."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from twingrad.core.graph import topological_order
from twingrad.data import make_moons
from twingrad.scalar import MLP, Value

if TYPE_CHECKING:
    import os
    from collections.abc import Callable


def expression(out: Callable[[str], object] = print) -> Value:
    """Build a small expression, backprop, and print every node's value and gradient.

    >>> lines = []; e = expression(out=lines.append)
    >>> round(e.data, 4), lines[2]
    (15.9334, '  a       leaf           -4.0000      2.0796')
    """
    a = Value(-4.0, label="a")
    b = Value(3.0, label="b")
    c = a + b
    c.label = "c"
    d = a * b + b**3
    d.label = "d"
    e = (d - c).relu() + (c / d).tanh()
    e.label = "e"
    e.backward()
    out("A small expression, e = relu(d - c) + tanh(c / d), c = a + b, d = a*b + b**3:")
    out(f"  {'node':<8}{'op':<10}{'data':>12}{'grad':>12}")
    for i, node in enumerate(topological_order(e)):
        name = node.label or f"n{i}"
        out(f"  {name:<8}{node.op or 'leaf':<10}{node.data:>12.4f}{node.grad:>12.4f}")
    return e


def train_moons(steps: int = 100, seed: int = 1337, out: Callable[[str], object] = print) -> float:
    """Train a 2-16-16-1 MLP on two moons with micrograd's max-margin loss and L2.

    Returns the training accuracy of the last step.

    >>> lines = []; train_moons(steps=3, out=lines.append)
    0.84
    >>> lines[-1]
    '  step   2  loss 0.5319  accuracy 84%'
    """
    random.seed(seed)
    X, y = make_moons(100, noise=0.1, seed=seed)
    X, y = X.tolist(), [1.0 if label else -1.0 for label in y.tolist()]
    model = MLP(2, [16, 16, 1])
    out(f"Training {model.__class__.__name__} 2-16-16-1 on two moons (100 points):")
    accuracy = 0.0
    for k in range(steps):
        scores = [model([Value(x0), Value(x1)]) for x0, x1 in X]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = Value.sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * Value.sum([p * p for p in model.parameters()])
        loss = data_loss + reg_loss
        accuracy = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y)
        model.zero_grad()
        loss.backward()
        learning_rate = 1.0 - 0.9 * k / steps
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        if k % 10 == 0 or accuracy == 1.0 or k == steps - 1:
            out(f"  step {k:3d}  loss {loss.data:.4f}  accuracy {accuracy:.0%}")
        if accuracy == 1.0:
            break
    return accuracy


def run(out_dir: str | os.PathLike) -> bool:
    """The scalar engine part of ``make demo``: True when the MLP classifies every point.

    It prints and writes nothing to ``out_dir``; it trains for a few seconds, so
    ``make demo`` runs it rather than the tests (`train_moons` shows a short run).
    """
    expression()
    print()
    accuracy = train_moons()
    print(f"\nTraining accuracy: {accuracy:.0%}")
    return accuracy == 1.0
