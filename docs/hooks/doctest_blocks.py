"""Griffe extension: the doctest examples of a docstring become Python code blocks.

twingrad's docstrings are prose with ``>>>`` examples that the tests run as doctests. In
Markdown those lines would run together into one paragraph, so each run of example lines
(a ``>>>`` line, its ``...`` continuations and the output after it, up to a blank line) is
fenced as ``pycon`` code, which the site highlights as an interactive session.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_examples(text: str) -> str:
    """``text`` with each run of doctest lines inside a fenced ``pycon`` block.

    >>> fence_examples("Adds.\\n>>> 1 + 1\\n2").splitlines()
    ['Adds.', '', '```pycon', '>>> 1 + 1', '2', '```']
    """
    out: list[str] = []
    in_example = False
    fenced = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        starts = not fenced and stripped.startswith(">>>")
        if starts and not in_example:
            if out and out[-1].strip():
                out.append("")
            out.append("```pycon")
            in_example = True
        elif in_example and not stripped:
            out.append("```")
            in_example = False
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Fence the doctest examples of every docstring griffe reads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite ``obj``'s docstring as it is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = fence_examples(obj.docstring.value)
