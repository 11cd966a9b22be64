"""How each tensor op is rebuilt from scalar Values: one replay per rule of the table, in a
file of the same name as the rule's own file in `twingrad.rules`.

A matmul becomes sums of products, a broadcast reuses one Value in several places, a
reduction becomes an n-ary sum, a softmax becomes exps, a sum and divisions, an index
becomes references to the chosen Values. The scalar engine's backward then applies the
plain chain rule to that graph. Each replay states how far, in float64 ulps, the tensor
engine may differ from it.

Elementwise rules are shared: the scalar engine runs the very rule, with the same
derivative, on each element (`rule.elementwise`; a new elementwise rule is replayed so with
no entry of its own), and the n-ary sum is its own ``Value.sum``. Every other rule has a
hand-written replay; some of those are fused tensor-only rules (a softmax, a convolution, a
normalization), one node of the tensor engine for what the scalar engine builds from
several ops. `coverage` counts each kind.

>>> REPLAYS["matmul"].ulps is not None and "sum" in REPLAYS
True
"""

from __future__ import annotations

from twingrad.bridge.replay import arithmetic as _arithmetic  # noqa: F401  (registers)
from twingrad.bridge.replay import conv as _conv  # noqa: F401
from twingrad.bridge.replay import functions as _functions  # noqa: F401
from twingrad.bridge.replay import linalg as _linalg  # noqa: F401
from twingrad.bridge.replay import nn as _nn  # noqa: F401
from twingrad.bridge.replay import reduce as _reduce  # noqa: F401
from twingrad.bridge.replay import rounding as _rounding  # noqa: F401
from twingrad.bridge.replay import scan as _scan  # noqa: F401
from twingrad.bridge.replay import selection as _selection  # noqa: F401
from twingrad.bridge.replay import shape as _shape  # noqa: F401
from twingrad.bridge.replay import softmax as _softmax  # noqa: F401
from twingrad.bridge.replay.rule import (
    REPLAYS,
    Replay,
    along,
    as_array,
    constant,
    elementwise,
    first_value,
    reduce_dims,
    reduce_last,
    replay,
    replay_elementwise_rules,
    scatter_add,
    values,
    vsum,
)
from twingrad.rules import RULES

# an elementwise rule that no family file lists (a new op) is replayed all the same
replay_elementwise_rules(RULES)


def coverage() -> dict[str, int]:
    """How the rules of the table reach the scalar engine, counted.

    ``rules``: the rules of the table; ``shared``: those whose replay builds nodes of the
    rule itself (the elementwise rules, and the n-ary sum), so both engines use the same
    derivative; ``hand_written``: those whose replay writes the op out in other scalar
    ops; ``fused``: the hand-written ones that are fused tensor-only ops; ``missing``: rules
    with no replay (a test keeps it at 0).

    >>> counts = coverage()
    >>> counts["shared"] + counts["hand_written"] + counts["missing"] == counts["rules"]
    True
    """
    found = [REPLAYS[name] for name in RULES if name in REPLAYS]
    shared = sum(r.shared for r in found)
    return {
        "rules": len(RULES),
        "shared": shared,
        "hand_written": len(found) - shared,
        "fused": sum(r.fused for r in found),
        "missing": len(RULES) - len(found),
    }


__all__ = [
    "REPLAYS",
    "Replay",
    "along",
    "as_array",
    "constant",
    "coverage",
    "elementwise",
    "first_value",
    "reduce_dims",
    "reduce_last",
    "replay",
    "replay_elementwise_rules",
    "scatter_add",
    "values",
    "vsum",
]
