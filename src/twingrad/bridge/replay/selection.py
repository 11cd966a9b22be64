"""Replays of the rules that choose between values (`twingrad.rules.selection`): abs, relu,
leaky_relu, clamp, maximum and minimum are elementwise, so both engines run the same rule
with the same derivative on each element (leaky_relu with the default bound of 8 ulps,
`rule.replay_elementwise_rules`); where picks, for each element, the Value of one of its
two inputs.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> x = twingrad.tensor([-1.0, 2.0], requires_grad=True)
>>> s = scalarize(twingrad.where(x > 0, x, 0.0 * x))
>>> s.outputs[1] is s.leaf_values(x)[1]
True
"""

from __future__ import annotations

import numpy as np

from twingrad.bridge.replay.rule import elementwise, replay

for _name in ("abs", "relu", "clamp", "maximum", "minimum"):
    replay(_name)(elementwise)


@replay("where", ulps=0)
def _where(node, condition, x, y):
    condition, x, y = np.broadcast_arrays(condition, x, y)
    out = np.empty(x.shape, dtype=object)
    for index in np.ndindex(*x.shape):
        out[index] = x[index] if condition[index].data else y[index]
    return out
