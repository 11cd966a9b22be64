"""Run the benchmarks: ``python -m benchmarks.run [NAME ...]``.

A NAME is a module (``scalar`` for ``benchmarks/bench_scalar.py``) or one benchmark in it
(``scalar:moons-step``); ``--list`` prints them all. Each module runs in a fresh
interpreter of its own, so that what one imports (PyTorch and its big heap) does not slow
another down, and writes its table to ``benchmarks/results/<module>.md``.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def modules() -> list[str]:
    """The benchmark modules, by short name: ``bench_scalar.py`` is ``scalar``."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def _run_module(module: str, names: list[str], options: list[str], command: str) -> int:
    args = [sys.executable, "-m", f"benchmarks.bench_{module}", *names, *options]
    return subprocess.call([*args, "--command", command], cwd=HERE.parent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names",
        nargs="*",
        help="modules, or MODULE:BENCHMARK for one benchmark (scalar:moons-step)",
    )
    parser.add_argument("--repeats", type=int, help="timed runs per side")
    parser.add_argument("--warmup", type=int, help="untimed runs per side first")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    known = modules()
    selected: dict[str, list[str]] = {}
    for name in args.names or known:
        module, _, bench = name.partition(":")
        if module not in known:
            parser.error(f"no benchmark module {module!r} (known: {', '.join(known)})")
        selected.setdefault(module, [])
        if bench:
            selected[module].append(bench)
    options = []
    if args.list:
        options.append("--list")
    for flag in ("repeats", "warmup"):
        if getattr(args, flag) is not None:
            options += [f"--{flag}", str(getattr(args, flag))]
    command = shlex.join(
        ["python", "-m", "benchmarks.run", *(sys.argv[1:] if argv is None else argv)]
    )
    failed = [m for m, names in selected.items() if _run_module(m, names, options, command) != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
