"""The bridge between the engines, and the checks that they are right.

`scalarize` rebuilds a tensor graph as scalar Values, `compare` and `check` prove that both
engines give the same gradients, and `gradcheck` compares either with finite differences.
"""

from twingrad.bridge.comparison import Report, check, compare
from twingrad.bridge.finite_differences import gradcheck
from twingrad.bridge.scalar_graph import Scalarized, UnsupportedOpError, scalarize

__all__ = [
    "Report",
    "Scalarized",
    "UnsupportedOpError",
    "check",
    "compare",
    "gradcheck",
    "scalarize",
]
