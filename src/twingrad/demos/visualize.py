"""Demo of drawing and walkthroughs: pictures of two graphs, and one backward pass in steps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import twingrad
from twingrad import Value
from twingrad.data import make_moons
from twingrad.visualize import RendererNotFound, draw, walkthrough

if TYPE_CHECKING:
    import os

    from twingrad._tensor.tensor import Tensor


def small_expression() -> Value:
    """e = relu(d - c) + tanh(c / d), c = a + b, d = a*b + b**3, after backward.

    >>> e = small_expression()
    >>> e.label, round(e.data, 4), e.grad
    ('e', 15.9334, 1.0)
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
    return e


def small_mlp_loss() -> tuple[Tensor, dict[str, Tensor]]:
    """A 2-8-1 tensor MLP's max-margin loss on 20 two-moons points, after backward.

    >>> loss, params = small_mlp_loss()
    >>> round(loss.item(), 4), params["hidden.weight"].grad.shape
    (0.9962, twingrad.Size([2, 8]))
    """
    X, y = make_moons(20, noise=0.1, seed=0)
    twingrad.manual_seed(0)
    params = {
        "hidden.weight": twingrad.randn(2, 8, dtype=twingrad.float64, requires_grad=True),
        "hidden.bias": twingrad.zeros(8, dtype=twingrad.float64, requires_grad=True),
        "out.weight": twingrad.randn(8, 1, dtype=twingrad.float64, requires_grad=True),
        "out.bias": twingrad.zeros(1, dtype=twingrad.float64, requires_grad=True),
    }
    x = twingrad.tensor(X, dtype=twingrad.float64)
    x.name = "x"
    target = twingrad.tensor(np.where(y == 1, 1.0, -1.0))
    target.name = "target"
    h = (x @ params["hidden.weight"] + params["hidden.bias"]).relu()
    scores = (h @ params["out.weight"] + params["out.bias"]).reshape(-1)
    loss = (1 - target * scores).relu().mean()
    loss.name = "loss"
    loss.backward()
    return loss, params


def run(out_dir: str | os.PathLike) -> bool:
    """The drawing part of ``make demo``: True when the pictures were drawn and the
    walkthrough's gradients equal backward's.

    ``tests/test_visualize_demo.py`` runs it, with and without a Graphviz renderer.
    """
    out_dir = Path(out_dir)
    e = small_expression()
    loss, params = small_mlp_loss()
    drawings = {
        "expression.svg": draw(e),
        "expression_backward.svg": draw(e, view="backward", rankdir="TB"),
        "mlp_loss.svg": draw(loss, params=params),
        "mlp_loss_backward.svg": draw(loss, params=params, view="backward"),
    }
    drawn = True
    for name, drawing in drawings.items():
        try:
            path = drawing.save(out_dir / name)
        except RendererNotFound as problem:
            path = drawing.save((out_dir / name).with_suffix(".dot"))
            drawn = False
            print(problem)
        print(f"Drew {path}")
    steps = walkthrough(e)
    print("\nThe backward pass of the expression, one chain-rule step a row:\n")
    print(steps)
    leaves = steps.leaves()
    agree = all(steps.grad(v) == v.grad for v in leaves)
    print(f"\nThe walkthrough's gradients equal backward()'s: {agree}")
    return drawn and agree
