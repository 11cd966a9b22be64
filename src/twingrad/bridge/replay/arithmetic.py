"""Replays of the arithmetic rules (`twingrad.rules.arithmetic`): add, sub, mul, div, neg,
pow and pow_var are elementwise, so both engines run the same rule with the same derivative
on each element; add_n, the n-ary sum, is the scalar engine's own ``Value.sum``.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
>>> [v.op for v in scalarize(x * 3 + x).outputs]
['add', 'add']
"""

from __future__ import annotations

import numpy as np

from twingrad.bridge.replay.rule import as_array, elementwise, replay
from twingrad.scalar import Value

for _name in ("add", "sub", "mul", "div", "neg", "pow", "pow_var"):
    replay(_name)(elementwise)


# Value.sum makes a node of the add_n rule itself, so its derivative is shared too
@replay("add_n", ulps=lambda node: len(node._prev) + 1, shared=True)
def _add_n(node, *xs):
    xs = np.broadcast_arrays(*xs)
    return as_array(np.frompyfunc(lambda *vs: Value.sum(vs), len(xs), 1)(*xs))
