"""The scalar engine against micrograd: one training step of micrograd's two-moons demo.

Both sides train a 2-16-16-1 MLP (same initial weights, same 100 points) with micrograd's
max-margin loss ``(1 + -yi * scorei).relu()`` averaged, plus L2 ``alpha * sum(p * p)``, then
backward and an SGD update. Each side's step is written the way its users write it:
micrograd's exactly as in its demo notebook, twingrad's as in `twingrad.demos.scalar`.

No torch here: a bigger heap makes Python's cyclic garbage collector slower for both sides.

    python -m benchmarks.run scalar
"""

from __future__ import annotations

import random

from micrograd.engine import Value as MicroValue
from micrograd.nn import MLP as MicroMLP

from benchmarks.harness import Benchmark, Contender, main
from benchmarks.minimal_engine import MinimalMLP, MinimalValue
from twingrad.data import make_moons
from twingrad.scalar import MLP, Value

SEED = 1337
ALPHA = 1e-4  # L2 strength, as in micrograd's demo
LEARNING_RATE = 0.1


def moons() -> tuple[list[list[float]], list[float]]:
    """100 two-moons points as Python floats, labels -1 or 1."""
    X, y = make_moons(100, noise=0.1, seed=SEED)
    return X.tolist(), [1.0 if label else -1.0 for label in y.tolist()]


def micrograd_loss(model, X, y):
    """micrograd's demo loss, as its notebook writes it."""
    inputs = [list(map(MicroValue, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def twingrad_loss(model, X, y, value=Value):
    """The same loss, as `twingrad.demos.scalar` writes it (``value``: the engine's class)."""
    scores = [model([value(x0), value(x1)]) for x0, x1 in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = value.sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * value.sum([p * p for p in model.parameters()])
    return data_loss + reg_loss


def sgd_step(model, loss) -> None:
    """Backward, then an SGD update: the same code on both sides."""
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= LEARNING_RATE * p.grad


def count_nodes(root) -> int:
    """Nodes in the graph under ``root``, for either library: both give parents as ``_prev``."""
    seen = {id(root)}
    stack = [root]
    while stack:
        for parent in stack.pop()._prev:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def benchmarks() -> list[Benchmark]:
    """The step, and its forward and backward halves, on each library."""
    X, y = moons()
    random.seed(SEED)
    ours = MLP(2, [16, 16, 1])
    random.seed(SEED)  # the same draws, so all models start from the same weights
    theirs = MicroMLP(2, [16, 16, 1])
    random.seed(SEED)
    minimal = MinimalMLP(2, [16, 16, 1])

    def stats(result) -> dict[str, object]:
        our_loss, their_loss = twingrad_loss(ours, X, y), micrograd_loss(theirs, X, y)
        our_nodes, their_nodes = count_nodes(our_loss), count_nodes(their_loss)
        per_node = result.our_median / our_nodes, result.reference_median / their_nodes
        return {
            "graph nodes": f"twingrad {our_nodes:,}, micrograd {their_nodes:,} "
            "(twingrad's Neuron sums w·x + b in one n-ary `Value.sum` node where micrograd "
            "chains n binary adds, and so does the demo's loss)",
            "time per node": f"twingrad {per_node[0] * 1e9:.0f} ns, "
            f"micrograd {per_node[1] * 1e9:.0f} ns",
            "loss after the timed steps": f"twingrad {our_loss.data:.10g}, "
            f"micrograd {their_loss.data:.10g}",
        }

    return [
        Benchmark(
            "moons-step",
            Contender("twingrad", lambda _: sgd_step(ours, twingrad_loss(ours, X, y))),
            Contender("micrograd", lambda _: sgd_step(theirs, micrograd_loss(theirs, X, y))),
            target=20.0,
            stats=stats,
            loop=3,
            cpu_time=True,
        ),
        Benchmark(
            "moons-step-floor",
            Contender(
                "minimal engine",
                lambda _: sgd_step(minimal, twingrad_loss(minimal, X, y, MinimalValue)),
            ),
            Contender("micrograd", lambda _: sgd_step(theirs, micrograd_loss(theirs, X, y))),
            loop=3,
            cpu_time=True,
        ),
        Benchmark(
            "moons-forward",
            Contender("twingrad", lambda _: twingrad_loss(ours, X, y)),
            Contender("micrograd", lambda _: micrograd_loss(theirs, X, y)),
            loop=3,
            cpu_time=True,
        ),
        Benchmark(
            "moons-backward",
            Contender("twingrad", lambda loss: loss.backward(), lambda: twingrad_loss(ours, X, y)),
            Contender(
                "micrograd", lambda loss: loss.backward(), lambda: micrograd_loss(theirs, X, y)
            ),
            cpu_time=True,
        ),
    ]


ABOUT = """
One training step of micrograd's two-moons demo on each library: a 2-16-16-1 MLP with the
same initial weights, the same 100 points, micrograd's max-margin loss plus L2 (alpha 1e-4),
backward, and an SGD update. `moons-step` and `moons-forward` are timed as steps of a
training loop: a run is the mean of 3 consecutive steps after an untimed one, so that each
step inherits the garbage of the step before, as in real training (micrograd's graphs are
reference cycles that only the cyclic collector frees; twingrad's are freed as soon as
they are dropped). `moons-step-floor` runs the same step on `benchmarks/minimal_engine.py`,
the least an engine with one node per op can do in pure Python (no rule table, derivatives
written inline, no labels, Fractions or edge cases): a floor to read `moons-step` against.
`moons-backward` times `backward()` on a graph built beforehand. Both
libraries are pure Python on one thread, so the clock is that thread's CPU time: on a shared
machine the wall clock also counts the time other processes hold the CPU. No torch in the
process; the cyclic collector stays on throughout.
"""

if __name__ == "__main__":
    raise SystemExit(
        main("Scalar engine: twingrad against micrograd", "scalar", benchmarks, about=ABOUT)
    )
