"""Demo of the bridge: a small MLP's gradients from both engines, compared."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import twingrad
from twingrad.bridge import compare
from twingrad.data import make_moons

if TYPE_CHECKING:
    import os

    from twingrad._tensor.dtypes import dtype as DType
    from twingrad._tensor.tensor import Tensor


def small_mlp_loss(dtype: DType) -> tuple[Tensor, dict[str, Tensor]]:
    """A 2-8-1 MLP's max-margin loss on 20 two-moons points, with named parameters.

    >>> loss, params = small_mlp_loss(twingrad.float64)
    >>> round(loss.item(), 4), sorted(params)
    (1.1397, ['hidden.bias', 'hidden.weight', 'out.bias', 'out.weight'])
    """
    X, y = make_moons(20, noise=0.1, seed=0)
    rng = np.random.default_rng(0)
    params = {
        "hidden.weight": rng.uniform(-1, 1, (2, 8)),
        "hidden.bias": np.zeros(8),
        "out.weight": rng.uniform(-1, 1, (8, 1)),
        "out.bias": np.zeros(1),
    }
    if dtype is twingrad.fraction:  # round to small fractions so exact arithmetic stays quick
        params = {k: np.round(v * 8) / 8 for k, v in params.items()}
        X = np.round(X * 8) / 8
    p = {k: twingrad.tensor(v, dtype=dtype, requires_grad=True) for k, v in params.items()}
    x = twingrad.tensor(X, dtype=dtype)
    target = twingrad.tensor(np.where(y == 1, 1, -1), dtype=dtype)
    h = (x @ p["hidden.weight"] + p["hidden.bias"]).relu()
    scores = (h @ p["out.weight"] + p["out.bias"]).reshape(-1)
    return (1 - target * scores).relu().mean(), p


def run(out_dir: str | os.PathLike) -> bool:
    """The bridge part of ``make demo``: True when the engines agree, in float64 and exactly.

    It prints the two reports and writes nothing to ``out_dir``.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()) as printed:
    ...     agree = run("out")
    >>> agree, "engines AGREE: exact (Fraction)" in printed.getvalue()
    (True, True)
    """
    agree = True
    for dtype, what in ((twingrad.float64, "float64"), (twingrad.fraction, "exact Fractions")):
        loss, params = small_mlp_loss(dtype)
        report = compare(loss, names=params)
        print(f"A 2-8-1 MLP on 20 two-moons points, {what}:")
        print(report)
        print()
        agree = agree and report.agree
    return agree
