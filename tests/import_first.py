"""Import each named module first, each in a process where no twingrad module is loaded yet.

    python tests/import_first.py twingrad.core.numeric twingrad.nn.module ...

prints one line per module that fails (its name, then its traceback) and exits 1 if any
does. Run by tests/test_layers.py in a fresh interpreter. This file imports nothing from
twingrad itself: every worker starts from a clean slate.

Python always runs a package's ``__init__`` before its modules, and ``twingrad/__init__.py``
imports most of the library in one fixed order, so ``import twingrad.x.y`` alone would
mostly retest that order. Here the root package object is made without running its
``__init__`` (``stub_root``), so each module must import with nothing but its own imports: a
module that only imports once the public face has loaded its neighbours hides a cycle. The
application modules (``twingrad.__main__``, ``twingrad.demos``), which are written against
the public face, import with the real root.
"""

from __future__ import annotations

import importlib
import importlib.util
import multiprocessing
import os
import sys
import traceback

# twingrad's only third-party import at import time, loaded once before the workers fork so
# that each worker pays only for twingrad's own modules
import numpy  # noqa: F401

# the modules written against the public face (the contract "public-face" in pyproject.toml)
APPLICATION = ("twingrad.__main__", "twingrad.demos")


def _stub_root() -> None:
    """Put the ``twingrad`` package in ``sys.modules`` without running its ``__init__``."""
    root = importlib.util.find_spec("twingrad")
    stub = importlib.util.spec_from_file_location(
        "twingrad", root.origin, submodule_search_locations=root.submodule_search_locations
    )
    sys.modules["twingrad"] = importlib.util.module_from_spec(stub)


def import_first(name: str) -> tuple[str, str | None]:
    """``name`` imported first in this process: (name, None), or (name, its traceback)."""
    if any(m == "twingrad" or m.startswith("twingrad.") for m in sys.modules):
        return name, "the worker already held twingrad modules"
    try:
        application = any(name == a or name.startswith(a + ".") for a in APPLICATION)
        if name != "twingrad" and not application:
            _stub_root()
        importlib.import_module(name)
    except BaseException:  # noqa: BLE001  (a failing import is the finding, whatever it raises)
        return name, traceback.format_exc()
    return name, None


def main(names: list[str]) -> int:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    workers = min(4, os.cpu_count() or 1)
    # one task per worker: each module is imported in a process of its own
    with multiprocessing.get_context(method).Pool(workers, maxtasksperchild=1) as pool:
        failures = [(n, tb) for n, tb in pool.imap_unordered(import_first, names) if tb]
    for name, tb in sorted(failures):
        print(f"{name}\n{tb}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
