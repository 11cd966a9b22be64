"""The bridge at scale: scalarizing a 100,000-node graph, and 20,000 random programs.

``python -m benchmarks.run bridge`` (or ``bridge:scalarize-mlp`` / ``bridge:fuzz``).

- scalarize-mlp: the 2-16-16-1 MLP on 100 two-moons points, written with tensor ops, is
  replayed as Values and back-propagated (`twingrad.bridge.comparison`), beside the tensor
  engine's own forward and backward of the same graph; target: a few seconds at most.
- fuzz: random tensor programs (`twingrad.bridge.fuzz`), each checked in float64 and, for
  the rational ones, in exact arithmetic; reports the worst disagreement in ulps.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

import numpy as np

import twingrad
from benchmarks.harness import RESULTS_DIR, environment
from twingrad.bridge import check, compare
from twingrad.bridge.fuzz import random_program
from twingrad.data import make_moons


def mlp_loss(points: int = 100):
    """The two-moons MLP 2-16-16-1 with tensor ops, float64, max-margin loss."""
    twingrad.manual_seed(1337)
    X, y = make_moons(points, noise=0.1, seed=1337)
    x = twingrad.tensor(X, dtype=twingrad.float64)
    target = twingrad.tensor(np.where(y == 1, 1.0, -1.0))
    params = []
    sizes = [2, 16, 16, 1]
    for i in range(3):
        w = twingrad.rand(sizes[i], sizes[i + 1], dtype=twingrad.float64) * 2 - 1
        w = w.detach().requires_grad_()
        w.name = f"W{i + 1}"
        b = twingrad.zeros(sizes[i + 1], dtype=twingrad.float64, requires_grad=True)
        b.name = f"b{i + 1}"
        params += [w, b]
    h = x
    for i in range(3):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < 2:
            h = h.relu()
    return (1 - target * h.reshape(-1)).relu().mean()


def scalarize_mlp(repeats: int) -> list[str]:
    lines = [
        "## scalarize-mlp",
        "",
        "| graph (float64) | scalar nodes | scalarize + both backwards (median) | "
        "tensor backward | worst ulps | agree |",
        "|---|---|---|---|---|---|",
    ]
    slowest = 0.0
    for points in (100, 250):
        times, tensor_times = [], []
        report = None
        for _ in range(repeats):
            loss = mlp_loss(points)
            start = time.perf_counter()
            report = compare(loss)
            times.append(time.perf_counter() - start)
            loss = mlp_loss(points)
            start = time.perf_counter()
            loss.backward()
            tensor_times.append(time.perf_counter() - start)
        slowest = max(slowest, float(np.median(times)))
        lines.append(
            f"| MLP 2-16-16-1, {points} points | {report.node_count:,} | "
            f"{np.median(times):.2f} s | {np.median(tensor_times) * 1e3:.2f} ms | "
            f"{report.max_ulps:.3g} | {report.agree} |"
        )
    lines += [
        "",
        "Target: a few seconds at most for about 100,000 scalar nodes: "
        f"{'met' if slowest < 5 else 'NOT met'} (slowest {slowest:.2f} s).",
        "",
    ]
    return lines


def fuzz(count: int) -> list[str]:
    start = time.perf_counter()
    worst, worst_seed, exact_graphs = 0.0, None, 0
    for seed in range(count):
        fn, inputs = random_program(seed)
        report = check(fn, *inputs)
        if report.max_ulps > worst:
            worst, worst_seed = report.max_ulps, seed
        if seed % 4 == 0:
            fn, inputs = random_program(seed, exact=True)
            check(fn, *inputs, exact=True)
            exact_graphs += 1
    elapsed = time.perf_counter() - start
    return [
        "## fuzz",
        "",
        "| random programs (float64) | of which also exact | disagreements | worst ulps "
        "(seed) | time |",
        "|---|---|---|---|---|",
        f"| {count:,} | {exact_graphs:,} (all `==`) | 0 | {worst:.3g} ({worst_seed}) | "
        f"{elapsed:.0f} s |",
        "",
        "Ulps are counted at each element's error scale (`twingrad.bridge.comparison."
        "error_scales`); `check` raises on any disagreement, so reaching this table means "
        "every program agreed.",
        "",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scalarize-mlp, fuzz (default: both)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of scalarize-mlp")
    parser.add_argument("--warmup", type=int, default=0, help="(unused; for benchmarks.run)")
    parser.add_argument("--programs", type=int, default=20_000, help="random programs to fuzz")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--output", default=str(RESULTS_DIR / "bridge.md"))
    parser.add_argument("--command", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    known = ["scalarize-mlp", "fuzz"]
    if args.list:
        print("\n".join(f"bridge:{n}" for n in known))
        return 0
    names = args.names or known
    lines = ["# The bridge at scale", ""]
    command = args.command or shlex.join(["python", "-m", "benchmarks.bench_bridge", *sys.argv[1:]])
    lines += [f"Command: `{command}`", "", environment(), ""]
    if "scalarize-mlp" in names:
        lines += scalarize_mlp(args.repeats)
    if "fuzz" in names:
        lines += fuzz(args.programs)
    text = "\n".join(lines)
    print(text)
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
