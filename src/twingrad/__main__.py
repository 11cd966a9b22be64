"""Command line: ``python -m twingrad demo`` and ``python -m twingrad bench``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def demo(args: argparse.Namespace) -> int:
    """Run every part of the demo in turn; each says whether it reached its goal.

    Writes into the folder ``args.out``; returns 0 when every part reached its goal, else 1.
    ``tests/test_demo.py`` runs it whole.
    """
    from twingrad.demos import bridge, mnist1d, scalar, visualize

    parts = [
        ("The scalar engine", scalar.run),
        ("Drawing graphs and walking through backward", visualize.run),
        ("The bridge: both engines, one answer", bridge.run),
        ("Training on MNIST-1D with the tensor engine", mnist1d.run),
    ]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for title, run in parts:
        print(f"\n== {title} ==\n", flush=True)
        if not run(out):
            failed.append(title)
    print(f"\nDemo outputs are in {out}/")
    if failed:
        print(f"These parts missed their goal: {', '.join(failed)}")
    return 1 if failed else 0


def bench(args: argparse.Namespace) -> int:
    """Run the benchmarks of a twingrad checkout (``benchmarks/``), as ``make bench`` does.

    The benchmarks compare against micrograd and PyTorch, which only a development set-up
    installs, so they live beside the package rather than inside it.
    """
    try:
        from benchmarks import run
    except ImportError:
        print(
            "the benchmarks live in the benchmarks/ folder of a twingrad checkout: run this "
            "from its root after `make test` (which installs micrograd and PyTorch)",
            file=sys.stderr,
        )
        return 2
    return run.main(args.args)


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``python -m twingrad <command>``; returns the exit status.

    >>> main(["demo", "--help"])  # prints the demo's options, then exits
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    parser = argparse.ArgumentParser(prog="twingrad", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="run the main demo")
    p.add_argument("--out", default="out", help="folder for the demo's drawings and plots")
    p.set_defaults(func=demo)
    b = sub.add_parser("bench", help="run the benchmarks (from a twingrad checkout)")
    b.add_argument(
        "args",
        nargs=argparse.REMAINDER,
        help="what `python -m benchmarks.run` takes: scalar:moons-step, --repeats 3, --list",
    )
    b.set_defaults(func=bench)
    # bench hands its options (--list, --repeats) on to benchmarks.run
    args, rest = parser.parse_known_args(argv)
    if args.command == "bench":
        args.args = [*args.args, *rest]
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
