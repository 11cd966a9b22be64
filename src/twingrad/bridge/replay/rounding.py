"""Replays of the rounding and integer-division rules (`twingrad.rules.rounding`): floor,
ceil, trunc, round, frac, sign, remainder, fmod and floor_divide are elementwise, with the
same numpy forward and the same (constant or quotient) derivative in both engines, so the
engines agree to the last bit (a bound of 0 ulps).

>>> from twingrad.bridge.replay import REPLAYS
>>> REPLAYS["floor"].ulps(None), REPLAYS["fmod"].ulps(None)
(0, 0)
"""

from __future__ import annotations

from twingrad.bridge.replay.rule import elementwise, replay

for _name in (
    "floor",
    "ceil",
    "trunc",
    "round",
    "frac",
    "sign",
    "remainder",
    "fmod",
    "floor_divide",
):
    replay(_name, ulps=0)(elementwise)
