"""Pictures and step-by-step tables of the graphs behind Values and Tensors.

`draw` returns a `Drawing` that shows itself in Jupyter (SVG) and saves as SVG, PNG or DOT;
`walkthrough` returns the backward pass as a table, one row per chain-rule step.
"""

from twingrad.visualize.drawing import Drawing
from twingrad.visualize.graph_drawing import draw
from twingrad.visualize.render import RendererNotFound, RenderError, find_renderers
from twingrad.visualize.walkthroughs import Step, Walkthrough, walkthrough

__all__ = [
    "Drawing",
    "RenderError",
    "RendererNotFound",
    "Step",
    "Walkthrough",
    "draw",
    "find_renderers",
    "walkthrough",
]
