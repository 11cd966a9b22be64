"""Command line: ``python -m twingrad demo``."""

from __future__ import annotations

import argparse
import sys


def demo(args) -> int:
    from twingrad.demos import scalar

    print("== twingrad demo ==\n")
    scalar.expression()
    print()
    accuracy = scalar.train_moons()
    print(f"\nTraining accuracy: {accuracy:.0%}")
    return 0 if accuracy == 1.0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="twingrad", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="run the main demo").set_defaults(func=demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
