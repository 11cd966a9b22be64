"""Command line: ``python -m twingrad demo``, ``draw`` and ``bench``."""

from __future__ import annotations

import argparse
import os
import sys
from fractions import Fraction
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


def draw(args: argparse.Namespace) -> int:
    """Draw a formula's graph after backward, and print its value and gradients.

    ``python -m twingrad draw "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg``
    """
    from twingrad.core.graph import reachable
    from twingrad.scalar import formula
    from twingrad.visualize import draw, walkthrough

    values = {}
    for assignment in args.values:
        name, sep, number = assignment.partition("=")
        if not sep or not name.isidentifier():
            raise ValueError(f"give each value as NAME=NUMBER (x=2.5, w=1/3), not {assignment!r}")
        if name in values:
            raise ValueError(f"{name} is given two values ({name}={values[name]}, {assignment})")
        values[name] = _number(name, number, args.exact)
    out = formula(args.formula, **values)
    out.backward()
    print(f"{args.formula} = {out.data}")
    named = {n.label: n for n in reachable(out) if n.is_leaf and n.label}
    for name in values:
        print(f"  d/d{name} = {named[name].grad}")
    if args.walkthrough:
        print()
        print(walkthrough(out))
    drawing = draw(out, view=args.view, rankdir=args.rankdir)
    if args.out == "-":
        print(drawing.source)
    else:
        try:
            print(f"drawing: {drawing.save(args.out)}")
        except OSError as error:
            raise OSError(f"cannot write {args.out}: {error.strerror or error}") from None
    return 0


def _number(name: str, text: str, exact: bool) -> float | Fraction:
    """``text`` as a Fraction when ``exact``, else as a float (``1/3`` allowed in both)."""
    try:
        if exact:
            return Fraction(text)
        try:
            return float(text)  # inf, nan and -0.0 as floats read them
        except ValueError:
            return float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        kind = "a rational number" if exact else "a number"
        raise ValueError(f"{name}={text}: not {kind}") from None


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
    d = sub.add_parser(
        "draw",
        help="draw a formula's graph with its gradients",
        description="Build a formula with Values, run backward, print the value and each "
        "gradient, and draw the graph. Formulas use + - * / **, parentheses and exp, log, "
        "sqrt, tanh, sigmoid, relu, sin, cos, abs. A formula that starts with - goes after "
        '--, options before it: draw -o g.svg -- "-x*y" x=1 y=2',
    )
    d.add_argument("formula", help='the formula, e.g. "tanh(x*w + b)"')
    d.add_argument("values", nargs="*", help="a value for each name: x=2 w=-3 b=1/2")
    d.add_argument(
        "-o", "--out", default="graph.svg", help="file to write (.svg, .png, .dot); - prints DOT"
    )
    d.add_argument("--exact", action="store_true", help="compute with exact fractions")
    d.add_argument("--view", choices=("forward", "backward"), default="forward")
    d.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR")
    d.add_argument(
        "--walkthrough", action="store_true", help="also print the chain rule, step by step"
    )
    d.set_defaults(func=draw)
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
    elif rest and args.command == "draw":
        parser.error(
            f"unrecognized arguments: {' '.join(rest)} (a formula that starts with - goes "
            'after --, options before it: draw -o g.svg -- "-x*y" x=1 y=2)'
        )
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command != "draw":
        return args.func(args)
    from twingrad.visualize import RendererNotFound, RenderError

    try:
        return args.func(args)
    except BrokenPipeError:
        raise
    # what a mistyped formula or value, or a path that cannot be written, ends in
    except (ValueError, TypeError, ArithmeticError, OSError, RenderError, RendererNotFound) as e:
        parser.exit(2, f"twingrad draw: {e}\n")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... -o - | head`: the reader stopped reading, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as Python's docs advise
        sys.exit(1)
