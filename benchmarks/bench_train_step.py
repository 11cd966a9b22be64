"""One training step of an MNIST-sized MLP, twingrad against PyTorch (CPU).

    python -m benchmarks.run train_step

- mlp-784-256-256-10: ``nn.Sequential(Linear(784, 256), ReLU, Linear(256, 256), ReLU,
  Linear(256, 10))`` in float32, a batch of 128, cross-entropy loss, ``backward``, and an
  Adam step (``zero_grad(set_to_none=True)`` first), the same code on both libraries from
  the same initial weights; target: at most 1.2x PyTorch's time.
- adam-step: the Adam update alone on the same 269,322 parameters (gradients already in
  place), to see what the optimizer costs by itself.

Both libraries run on one thread (``OPENBLAS_NUM_THREADS=1`` for numpy,
``torch.set_num_threads(1)``): on a small shared machine, BLAS threads that spin while
other work holds the cores make either library several times slower and the timings
noise.
"""

from __future__ import annotations

import os

# before numpy loads its BLAS: one thread, like PyTorch below
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import twingrad  # noqa: E402
from benchmarks.harness import Benchmark, Contender, main  # noqa: E402

SEED = 0
BATCH = 128
SIZES = (784, 256, 256, 10)
STEPS_PER_RUN = 20
BATCHES = 8  # distinct batches, cycled, so no step reuses the previous one's cache lines


def make_model(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Linear(SIZES[0], SIZES[1]),
        nn.ReLU(),
        nn.Linear(SIZES[1], SIZES[2]),
        nn.ReLU(),
        nn.Linear(SIZES[2], SIZES[3]),
    )


def initial_weights() -> dict[str, np.ndarray]:
    twingrad.manual_seed(SEED)
    return {k: v.numpy().copy() for k, v in make_model(twingrad).state_dict().items()}


def batches() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(SEED)
    return [
        (
            rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32),
            rng.integers(0, SIZES[-1], size=BATCH),
        )
        for _ in range(BATCHES)
    ]


def setup_training(lib):
    """A model with the shared initial weights, its Adam, its loss, and the batches."""
    model = make_model(lib)
    model.load_state_dict({k: lib.tensor(v) for k, v in initial_weights().items()})
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    data = [(lib.tensor(x), lib.tensor(y)) for x, y in batches()]
    return model, opt, lib.nn.CrossEntropyLoss(), data


def step(model, opt, loss_fn, x, y):
    """The training step, written once for both libraries."""
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


def train_contender(lib, losses: dict) -> Contender:
    model, opt, loss_fn, data = setup_training(lib)
    counter = [0]

    def run(_):
        x, y = data[counter[0] % BATCHES]
        counter[0] += 1
        losses[lib.__name__] = step(model, opt, loss_fn, x, y)

    return Contender(lib.__name__, run)


def adam_contender(lib) -> Contender:
    model, opt, loss_fn, data = setup_training(lib)
    step(model, opt, loss_fn, *data[0])  # gradients and Adam's state exist from here on

    def run(_):
        opt.step()

    return Contender(lib.__name__, run)


def same_trajectory() -> str:
    """Both libraries trained 10 steps from the same weights: how far apart they end."""
    ours, theirs = setup_training(twingrad), setup_training(torch)
    for i in range(10):
        a = step(*ours[:3], *ours[3][i % BATCHES])
        b = step(*theirs[:3], *theirs[3][i % BATCHES])
    diff = max(
        float(np.abs(p.detach().numpy() - q.detach().numpy()).max())
        for p, q in zip(ours[0].parameters(), theirs[0].parameters())
    )
    return f"loss {a.item():.6f} vs {b.item():.6f}; largest weight difference {diff:.1e}"


def benchmarks() -> list[Benchmark]:
    torch.set_num_threads(1)
    losses: dict = {}

    def train_stats(result) -> dict[str, object]:
        return {
            "per step": f"twingrad {result.our_median * 1e3:.2f} ms, "
            f"PyTorch {result.reference_median * 1e3:.2f} ms",
            "time ratio (ours / PyTorch's)": f"{1 / result.ratio:.2f}",
            "after 10 steps from the same weights": same_trajectory(),
        }

    def adam_stats(result) -> dict[str, object]:
        return {
            "per step": f"twingrad {result.our_median * 1e3:.2f} ms, "
            f"PyTorch {result.reference_median * 1e3:.2f} ms",
        }

    return [
        Benchmark(
            "mlp-784-256-256-10",
            train_contender(twingrad, losses),
            train_contender(torch, losses),
            target=1 / 1.2,
            stats=train_stats,
            loop=STEPS_PER_RUN,
            cpu_time=True,
        ),
        Benchmark(
            "adam-step",
            adam_contender(twingrad),
            adam_contender(torch),
            stats=adam_stats,
            loop=STEPS_PER_RUN,
            cpu_time=True,
        ),
    ]


ABOUT = f"""
One training step of a 784-256-256-10 MLP (float32, batch {BATCH}, cross-entropy, Adam)
in twingrad and in PyTorch {torch.__version__} (CPU), the same code and initial weights,
timed as the mean of {STEPS_PER_RUN} consecutive steps per run; `adam-step` times the Adam
update alone. Both libraries run on one thread (numpy's OpenBLAS and PyTorch's intra-op
pool), so the times are the CPU time of that thread: on this 2-core machine shared with
other work, threads and the wall clock only add noise.
"""

if __name__ == "__main__":
    raise SystemExit(
        main("Training step: twingrad against PyTorch", "train_step", benchmarks, about=ABOUT)
    )
