"""Command line: ``python -m twingrad demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def demo(args: argparse.Namespace) -> int:
    """Run every part of the demo in turn; each says whether it reached its goal.

    Writes into the folder ``args.out``; returns 0 when every part reached its goal, else 1.
    It trains for a minute, so ``make demo`` runs it, not the tests; each part's own
    examples and tests run in the suite.
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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
