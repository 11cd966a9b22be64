"""THE derivative table: every primitive op of every engine, written once.

The scalar engine, the tensor engine, the bridge, the walkthroughs and the drawings all read
their ops from `RULES`, so they cannot disagree about what an op is or what its derivative is.
`rule` says what a row is; each other module is one family of rows.

>>> from twingrad.rules import RULES
>>> print(RULES["tanh"].formula(0))
d(tanh(x))/dx = 1 - tanh(x)^2
"""

from twingrad.rules import arithmetic as _arithmetic  # noqa: F401  (registers its rules)
from twingrad.rules import conv as _conv  # noqa: F401
from twingrad.rules import functions as _functions  # noqa: F401
from twingrad.rules import linalg as _linalg  # noqa: F401
from twingrad.rules import nn as _nn  # noqa: F401
from twingrad.rules import reduce as _reduce  # noqa: F401
from twingrad.rules import rounding as _rounding  # noqa: F401
from twingrad.rules import scan as _scan  # noqa: F401
from twingrad.rules import selection as _selection  # noqa: F401
from twingrad.rules import shape as _shape  # noqa: F401
from twingrad.rules import softmax as _softmax  # noqa: F401
from twingrad.rules.rule import RULES, Rule, lookup, register

__all__ = ["RULES", "Rule", "lookup", "register"]
