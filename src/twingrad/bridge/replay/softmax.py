"""Replays of softmax and log_softmax (`twingrad.rules.softmax`), fused tensor-only rules:
the scalar engine has no softmax op, so along each line the replay writes out the
definition, exps of the values shifted by their max, a sum and divisions (for log_softmax,
the shifted values minus the log of the sum). The tensor engine's one-node derivative is
then checked against the chain rule through that definition.

>>> import twingrad
>>> from twingrad.bridge import scalarize
>>> x = twingrad.tensor([0.0, 0.0], requires_grad=True)
>>> s = scalarize(x.softmax(0))
>>> [v.data for v in s.outputs], s.outputs[0].op
([0.5, 0.5], 'div')
"""

from __future__ import annotations

from twingrad.bridge.replay.rule import along, exp_shift, line_length, replay, vsum


def _softmax_of(vs):
    m = exp_shift(vs)
    exps = [(v - m).exp() for v in vs]
    total = vsum(exps)
    return [e / total for e in exps]


def _log_softmax_of(vs):
    m = exp_shift(vs)
    shifted = [v - m for v in vs]
    log_total = vsum(s.exp() for s in shifted).log()
    return [s - log_total for s in shifted]


replay("softmax", ulps=lambda node: line_length(node) + 8, fused=True)(
    lambda node, x, dim: along(x, dim, _softmax_of)
)
replay("log_softmax", ulps=lambda node: line_length(node) + 8, fused=True)(
    lambda node, x, dim: along(x, dim, _log_softmax_of)
)
