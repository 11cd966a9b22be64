"""Replays of the scans (`twingrad.rules.scan`): along each line, cumsum is a chain of
``n - 1`` additions and cumprod of ``n - 1`` products, in order, as numpy accumulates, so
each output element is a Value built on the one before it.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> x = twingrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> [v.data for v in scalarize(x.cumsum(0)).outputs]
[1.0, 3.0, 6.0]
"""

from __future__ import annotations

from twingrad.bridge.replay.rule import along, line_length, replay


def _running(vs, combine):
    out = [vs[0]] if vs else []
    for v in vs[1:]:
        out.append(combine(out[-1], v))
    return out


replay("cumsum", ulps=lambda node: line_length(node) + 1)(
    lambda node, x, dim: along(x, dim, lambda vs: _running(vs, lambda a, b: a + b))
)
replay("cumprod", ulps=lambda node: 2 * line_length(node) + 1)(
    lambda node, x, dim: along(x, dim, lambda vs: _running(vs, lambda a, b: a * b))
)
