"""The tensor engine against PyTorch (CPU) and raw numpy, side by side in one run.

    python -m benchmarks.run tensor          (or tensor:moons-step, tensor:add-10, ...)

- moons-step: the two-moons MLP 2-16-16-1 on 100 points, float64, one training step
  written with tensor ops (forward, max-margin loss plus L2, backward, SGD update), the
  same code on both libraries; target: no slower than PyTorch.
- add-10: ``c = a + b`` on 10-element tensors that require grad, then ``c.backward(g)``:
  the fixed cost of one recorded op and its backward; target: at most 1.5x PyTorch's time.
- matmul-1024: ``Y = X @ W`` (float32, X and W 1024x1024, both requiring grad) and
  ``Y.backward(G)``, against the same three matmuls in numpy (Y = X @ W, dX = G @ W.T,
  dW = X.T @ G); target: at least 70% of numpy's throughput. PyTorch's time is noted.
"""

from __future__ import annotations

import time

import numpy as np
import torch

import twingrad
from benchmarks.harness import Benchmark, Contender, main
from twingrad.data import make_moons

SEED = 1337
ALPHA = 1e-4  # L2 strength, as in micrograd's demo
LEARNING_RATE = 0.1
ADDS = 2000  # a+b and backward, per timed run
# Small ops get nothing from intra-op threads, and spinning threads on a busy machine cost
# PyTorch dearly, so it runs them on one thread: its fastest setting for them here.
SMALL_OP_THREADS = 1
DEFAULT_THREADS = torch.get_num_threads()


def moons_problem():
    """The 100 points (float64), labels -1/1, and the initial weights, as numpy arrays."""
    X, y = make_moons(100, noise=0.1, seed=SEED)
    labels = np.where(y == 1, 1.0, -1.0).reshape(-1, 1)
    rng = np.random.default_rng(SEED)
    sizes = [2, 16, 16, 1]
    params = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        params += [rng.uniform(-1, 1, (n_in, n_out)), np.zeros(n_out)]
    return X, labels, params


def moons_step(lib, params, X, y) -> float:
    """One SGD step, written once for ``lib`` (twingrad or torch); returns the loss."""
    h = X
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = h.relu()
    loss = (1 - y * h).relu().mean() + ALPHA * sum((p * p).sum() for p in params)
    for p in params:
        p.grad = None
    loss.backward()
    with lib.no_grad():
        for p in params:
            p -= LEARNING_RATE * p.grad
    return loss


def moons_contender(lib, state: dict) -> Contender:
    X, y, params = moons_problem()
    model = [lib.tensor(p, requires_grad=True) for p in params]
    data = lib.tensor(X), lib.tensor(y)

    def run(_):
        state[lib.__name__] = moons_step(lib, model, *data).item()

    return Contender(lib.__name__, run, lambda: _threads(SMALL_OP_THREADS))


def add_contender(lib) -> Contender:
    rng = np.random.default_rng(SEED)
    a = lib.tensor(rng.standard_normal(10), requires_grad=True)
    b = lib.tensor(rng.standard_normal(10), requires_grad=True)
    g = lib.ones(10, dtype=lib.float64)

    def run(_):
        for _ in range(ADDS):
            c = a + b
            c.backward(g)

    return Contender(lib.__name__, run, lambda: _threads(SMALL_OP_THREADS))


def matmul_inputs():
    rng = np.random.default_rng(SEED)
    return [rng.standard_normal((1024, 1024), dtype=np.float32) for _ in range(3)]


def matmul_contender(lib) -> Contender:
    X, W, G = matmul_inputs()
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(W, requires_grad=True)
    g = lib.tensor(G)

    def setup():
        _threads(DEFAULT_THREADS)
        x.grad = w.grad = None

    def run(_):
        (x @ w).backward(g)

    return Contender(lib.__name__, run, setup)


def numpy_matmuls() -> Contender:
    X, W, G = matmul_inputs()

    def run(_):
        X @ W
        G @ W.T
        X.T @ G

    return Contender("numpy", run)


def _threads(n: int) -> None:
    torch.set_num_threads(n)


def benchmarks() -> list[Benchmark]:
    losses: dict[str, float] = {}
    torch_matmul = matmul_contender(torch)

    def moons_stats(result) -> dict[str, object]:
        return {
            "per step": f"twingrad {result.our_median * 1e6:.0f} µs, "
            f"PyTorch {result.reference_median * 1e6:.0f} µs",
            "loss after the last step (same weights, same steps)": f"twingrad "
            f"{losses['twingrad']:.12g}, PyTorch {losses['torch']:.12g}",
        }

    def add_stats(result) -> dict[str, object]:
        return {
            "per a + b and backward": f"twingrad {result.our_median / ADDS * 1e6:.1f} µs, "
            f"PyTorch {result.reference_median / ADDS * 1e6:.1f} µs",
            "time ratio (ours / PyTorch's)": f"{1 / result.ratio:.2f}",
        }

    def matmul_stats(result) -> dict[str, object]:
        torch_time = min(_timed(torch_matmul) for _ in range(3))
        flops = 3 * 2 * 1024**3
        return {
            "throughput": f"twingrad {flops / result.our_median / 1e9:.1f} GFLOP/s, numpy "
            f"{flops / result.reference_median / 1e9:.1f} GFLOP/s "
            f"({result.ratio:.0%} of numpy's)",
            "PyTorch": f"{torch_time * 1e3:.1f} ms (best of 3, {DEFAULT_THREADS} threads)",
        }

    return [
        Benchmark(
            "moons-step",
            moons_contender(twingrad, losses),
            moons_contender(torch, losses),
            target=1.0,
            stats=moons_stats,
            loop=50,
            cpu_time=True,
        ),
        Benchmark(
            "add-10",
            add_contender(twingrad),
            add_contender(torch),
            target=1 / 1.5,
            stats=add_stats,
            cpu_time=True,
        ),
        Benchmark(
            "matmul-1024",
            matmul_contender(twingrad),
            numpy_matmuls(),
            target=0.7,
            stats=matmul_stats,
        ),
    ]


def _timed(contender: Contender) -> float:
    state = contender.setup()
    start = time.perf_counter()
    contender.run(state)
    return time.perf_counter() - start


ABOUT = f"""
The tensor engine against PyTorch {torch.__version__} (CPU) and numpy {np.__version__}.
`moons-step`: one SGD step of a 2-16-16-1 MLP on 100 two-moons points in float64 (forward,
max-margin loss plus L2, backward, update), the same code and initial weights on both
libraries, timed as the mean of 50 consecutive steps per run. `add-10`: {ADDS} times
`c = a + b; c.backward(g)` on 10-element tensors. PyTorch runs these two on
{SMALL_OP_THREADS} thread (intra-op threads do not help ops this small, and on a busy
machine their spinning costs it several times over), so both sides do all their work on
the benchmark's thread, and they are timed with that thread's CPU clock (what other
processes take of the machine stays out). `matmul-1024`: `Y = X @ W` and `Y.backward(G)`
in float32 with 1024x1024 matrices against numpy doing the same three matmuls, on the
wall clock; numpy's BLAS and PyTorch ({DEFAULT_THREADS} threads) use their default threads.
"""

if __name__ == "__main__":
    raise SystemExit(
        main("Tensor engine: twingrad against PyTorch and numpy", "tensor", benchmarks, about=ABOUT)
    )
