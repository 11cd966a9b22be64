"""`Drawing`: DOT text that shows itself as a picture in Jupyter and saves as SVG, PNG or DOT.

>>> d = Drawing("digraph { a -> b }")
>>> d.source
'digraph { a -> b }'
>>> d.svg()[:5]
'<?xml'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from twingrad.visualize.render import RendererNotFound, RenderError, render

if TYPE_CHECKING:
    import os

_FORMATS_BY_SUFFIX = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


class Drawing:
    """A drawn graph: ``.source`` holds its DOT text, the picture is rendered on demand.

    In Jupyter it shows inline as SVG. Without any Graphviz renderer it shows a message
    saying how to get one, followed by the DOT text: never a traceback.
    """

    def __init__(self, source: str, note: str = "", nodes: int = 0) -> None:
        self.source = source
        self.note = note  # what was collapsed, if anything, in words
        self.nodes = nodes  # how many graph nodes the picture stands for
        self._svg: str | None = None

    def svg(self) -> str:
        """The picture as SVG text (rendered once, then kept).

        >>> d = Drawing("digraph { a -> b }")
        >>> "<svg" in d.svg(), d.svg() is d.svg()
        (True, True)
        """
        if self._svg is None:
            self._svg = render(self.source, "svg").decode()
        return self._svg

    def png(self) -> bytes:
        """The picture as PNG bytes.

        >>> Drawing("digraph { a -> b }").png()[1:4]
        b'PNG'
        """
        return render(self.source, "png")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the drawing to ``path``; its suffix picks the format: .svg, .png or .dot/.gv.

        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> Drawing("digraph { a -> b }").save(folder / "g.dot").read_text()
        'digraph { a -> b }'
        """
        path = Path(path)
        fmt = _FORMATS_BY_SUFFIX.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(
                f"cannot tell the format of {str(path)!r} from its suffix: use .svg, .png or "
                ".dot (or .gv)"
            )
        if fmt == "dot":
            path.write_text(self.source)
        elif fmt == "svg":
            path.write_text(self.svg())
        else:
            path.write_bytes(self.png())
        return path

    def _fallback_text(self, problem: Exception) -> str:
        return f"{problem}\n\n{self.source}"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        try:
            return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except (RendererNotFound, RenderError) as problem:
            return {"text/plain": self._fallback_text(problem)}

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except (RendererNotFound, RenderError):
            return None  # Jupyter then shows the text form, which carries the message

    def __repr__(self) -> str:
        note = f"; {self.note}" if self.note else ""
        return f"<Drawing of {self.nodes} nodes{note}: .source has the DOT text>"
