"""Replays of the elementary functions (`twingrad.rules.functions`): exp, log, sqrt, sin,
cos, tanh, sigmoid, erf, gelu, gelu_tanh, softplus and silu are all elementwise, so both
engines run the same rule with the same derivative on each element. The bound is a few ulps
(numpy's vectorized transcendental functions may round differently from its scalar ones):
4 for the functions listed here, the default of 8 (`rule.replay_elementwise_rules`) for
those composed of several of them (erf, gelu, gelu_tanh, softplus, silu).

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> x = twingrad.tensor([0.5], requires_grad=True)
>>> scalarize(x.tanh()).outputs[0].op
'tanh'
"""

from __future__ import annotations

from twingrad.bridge.replay.rule import elementwise, replay

for _name in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid"):
    replay(_name)(elementwise)
