"""Side-by-side timing: our code and a reference, measured in one run, as a Markdown table.

A `Benchmark` pairs two `Contender`s doing the same work (twingrad and micrograd, twingrad
and PyTorch...). `measure` warms both up, then times them in alternating order so that
whatever else the machine is doing hits both alike, and reports medians and their ratio.
Each benchmark module (``benchmarks/bench_*.py``) lists its benchmarks and hands them to
`main`, which prints the table and writes it under ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"


@dataclass
class Contender:
    """One side of a benchmark: ``run(setup())`` is the work timed; ``setup`` is not timed."""

    name: str
    run: Callable[[object], object]
    setup: Callable[[], object] = lambda: None


@dataclass
class Benchmark:
    """The same work done by ``ours`` and by ``reference``.

    ``target`` is the speed-up over the reference that we aim for (``reference time / our
    time``; 20.0 means 20x faster, 0.5 means at most 2x slower), or None for no target.
    ``stats``, if given, is called once with the `Result` after timing and returns notes
    for the table (node counts, time per node...) as ``{"label": value}``.

    ``loop=n`` times each run as the mean of ``n`` consecutive iterations of a loop (training
    steps), after an untimed one: each iteration inherits the garbage of the one before and
    the collections it triggers, as every step of a real loop does. Without it a library
    whose garbage only the cyclic collector frees (micrograd) would have that work done
    between runs, off the clock.

    ``cpu_time=True`` times with the CPU clock of the thread running the benchmark instead
    of the wall clock: for work that runs on that one thread only (pure Python engines), it
    leaves out the time other processes hold the CPU, which on a busy machine is most of the
    noise. Work that uses other threads (BLAS, PyTorch's pool) needs the wall clock.
    """

    name: str
    ours: Contender
    reference: Contender
    target: float | None = None
    stats: Callable[[Result], dict[str, object]] | None = None
    loop: int = 0
    cpu_time: bool = False


@dataclass
class Result:
    """Timings of one benchmark: every run of each side, in seconds."""

    name: str
    ours: str
    reference: str
    our_times: list[float]
    reference_times: list[float]
    target: float | None = None
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def our_median(self) -> float:
        return statistics.median(self.our_times)

    @property
    def reference_median(self) -> float:
        return statistics.median(self.reference_times)

    @property
    def ratio(self) -> float:
        """How many times faster we are: reference median / our median."""
        return self.reference_median / self.our_median

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio >= self.target


def _time_once(contender: Contender, timer: Callable[[], float], loop: int = 0) -> float:
    # Each run starts from a collected heap, so that neither side pays for collecting the
    # other's garbage.
    if not loop:
        state = contender.setup()
        gc.collect()
        start = timer()
        contender.run(state)
        return timer() - start
    gc.collect()
    contender.run(contender.setup())
    total = 0.0
    for _ in range(loop):
        state = contender.setup()
        start = timer()
        contender.run(state)
        total += timer() - start
    return total / loop


def measure(
    bench: Benchmark,
    repeats: int = 7,
    warmup: int = 1,
    timer: Callable[[], float] | None = None,
) -> Result:
    """Warm both sides up, then time ``repeats`` runs of each, alternating which goes first.

    ``timer`` replaces the clock the benchmark asks for (tests use a fake one).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    if timer is None:
        timer = time.thread_time if bench.cpu_time else time.perf_counter
    for _ in range(warmup):
        _time_once(bench.ours, timer)
        _time_once(bench.reference, timer)
    ours, reference = [], []
    for i in range(repeats):
        if i % 2 == 0:
            ours.append(_time_once(bench.ours, timer, bench.loop))
            reference.append(_time_once(bench.reference, timer, bench.loop))
        else:
            reference.append(_time_once(bench.reference, timer, bench.loop))
            ours.append(_time_once(bench.ours, timer, bench.loop))
    result = Result(
        bench.name, bench.ours.name, bench.reference.name, ours, reference, bench.target
    )
    if bench.cpu_time:
        result.notes["clock"] = "CPU time of the benchmark's thread"
    if bench.stats is not None:
        result.notes.update(bench.stats(result))
    return result


def format_seconds(seconds: float) -> str:
    """A duration with a unit that keeps three significant digits: ``0.0123`` -> ``12.3 ms``."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def markdown_table(results: Sequence[Result]) -> str:
    """One row per benchmark: medians, ratio, target and whether it was met; notes below."""
    lines = [
        "| benchmark | ours | reference | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        target = "—" if r.target is None else f"≥ {r.target:g}x"
        met = {None: "—", True: "yes", False: "no"}[r.met]
        lines.append(
            f"| {r.name} | {r.ours} {format_seconds(r.our_median)} "
            f"| {r.reference} {format_seconds(r.reference_median)} "
            f"| {r.ratio:.1f}x | {target} | {met} |"
        )
    noted = [r for r in results if r.notes]
    if noted:
        lines.append("")
        for r in noted:
            notes = "; ".join(f"{key}: {value}" for key, value in r.notes.items())
            lines.append(f"- {r.name}: {notes}")
    return "\n".join(lines) + "\n"


def environment() -> str:
    """The machine and interpreter the numbers were taken on."""
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )


def report(
    title: str, results: Sequence[Result], command: str, repeats: int, about: str = ""
) -> str:
    """The Markdown document written to ``benchmarks/results/``."""
    about = f"{about.strip()}\n\n" if about else ""
    return (
        f"# {title}\n\n"
        f"{about}"
        f"Command: `{command}`\n\n"
        f"{environment()}; median of {repeats} runs per side, alternating which side goes "
        "first; ratio = reference / ours (above 1: twingrad is faster).\n\n"
        f"{markdown_table(results)}"
    )


def main(
    title: str,
    slug: str,
    benchmarks: Callable[[], list[Benchmark]],
    argv: list[str] | None = None,
    about: str = "",
) -> int:
    """Command line of a benchmark module: time its benchmarks, print and save the table.

    ``slug`` names the results file (``benchmarks/results/<slug>.md``) and is how
    ``python -m benchmarks.run`` selects the module; ``about`` (Markdown) says what is
    measured and how, above the table.
    """
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("names", nargs="*", help="run only these benchmarks (default: all)")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per side")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per side first")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / f"{slug}.md", help="where to write the table"
    )
    # benchmarks.run passes the command the user typed, to be recorded with the numbers
    parser.add_argument("--command", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    selected = benchmarks()
    if args.list:
        print("\n".join(f"{slug}:{b.name}" for b in selected))
        return 0
    if args.names:
        unknown = set(args.names) - {b.name for b in selected}
        if unknown:
            known = ", ".join(b.name for b in selected)
            parser.error(f"no benchmark named {', '.join(sorted(unknown))} (known: {known})")
        selected = [b for b in selected if b.name in args.names]
    results = []
    for bench in selected:
        results.append(measure(bench, repeats=args.repeats, warmup=args.warmup))
        print(f"  {bench.name}: done", file=sys.stderr, flush=True)
    command = args.command or shlex.join(
        ["python", "-m", f"benchmarks.bench_{slug}", *(argv if argv is not None else sys.argv[1:])]
    )
    text = report(title, results, command, args.repeats, about)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0
