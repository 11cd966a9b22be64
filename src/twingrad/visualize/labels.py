"""How numbers, arrays, shapes and ops read in drawings and walkthroughs.

>>> number(2.0), number(1e-7), number(float("nan"))
('2.0000', '1.000e-07', 'nan')
>>> preview([[1.0, 2.0], [3.0, 4.0]])
'[1, 2, 3, ...]'
>>> shape_text((4, 3)), shape_text(())
('(4, 3)', '()')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.tensor import Tensor
    from twingrad.rules.rule import Rule

PREVIEW = 3  # values shown in a tensor node: enough to recognise, short enough to read


def number(x: float | Fraction | np.generic) -> str:
    """A scalar as micrograd prints it (4 decimals), in scientific notation when tiny or
    huge, and exactly when it is a Fraction.

    >>> number(0.5), number(123456.0), number(Fraction(1, 3))
    ('0.5000', '1.235e+05', '1/3')
    """
    if isinstance(x, Fraction):
        return str(x)
    if isinstance(x, bool | np.bool_):
        return str(int(x))
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0 or 1e-3 <= abs(x) < 1e5:
        return f"{x:.4f}"
    return f"{x:.3e}"


def short(x: float | Fraction | np.generic) -> str:
    """A scalar in at most 4 significant digits (for previews).

    >>> short(2 / 3), short(Fraction(1, 3))
    ('0.6667', '1/3')
    """
    if isinstance(x, Fraction):
        return str(x)
    return f"{float(x):.4g}"


def preview(data: ArrayLike, k: int = PREVIEW) -> str:
    """The first ``k`` values of an array, flattened: ``[0.1, -2, 3.5, ...]``.

    >>> preview(np.arange(2.0)), preview(np.arange(5.0), k=2), preview(0.25)
    ('[0, 1]', '[0, 1, ...]', '0.25')
    """
    array = np.asarray(data)
    if array.ndim == 0:
        return short(array.item())
    flat = array.reshape(-1)
    head = ", ".join(short(v) for v in flat[:k].tolist())
    return f"[{head}, ...]" if flat.size > k else f"[{head}]"


def norm_text(array: Tensor | ArrayLike) -> str:
    """The L2 norm of a gradient (a Tensor or an array); squared, and exact, for Fractions.

    >>> norm_text(np.array([3.0, 4.0]))
    '5.0000'
    """
    array = np.asarray(getattr(array, "_data", array))
    if array.dtype == object:
        return f"{sum(v * v for v in array.reshape(-1).tolist())} (squared)"
    return number(float(np.sqrt(np.sum(np.square(array.astype(np.float64))))))


def shape_text(shape: Iterable[int]) -> str:
    """A shape as a tuple: ``(4, 3)``, ``(3,)``, ``()``.

    >>> shape_text(np.zeros((3,)).shape), shape_text([np.int64(2), 1])
    ('(3,)', '(2, 1)')
    """
    return str(tuple(int(s) for s in shape))


def param_text(value: object) -> str:
    """How an op's parameter reads in a label: a type or dtype by name, anything else by repr.

    >>> param_text(np.dtype("float32")), param_text(float), param_text((0, 1))
    ('float32', 'float', '(0, 1)')
    """
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, np.dtype):
        return str(value)
    return repr(value)


def op_text(rule: Rule, params: Mapping[str, object] | None) -> str:
    """The op with its parameters filled in, and left out where they are None or False.

    >>> from twingrad.rules import RULES
    >>> op_text(RULES["pow"], {"c": 2}), op_text(RULES["sum"], {"dim": None, "keepdim": False})
    ('x ** 2', 'sum(x)')
    >>> op_text(RULES["sum"], {"dim": (1,), "keepdim": True})
    'sum(x, (1,)) [keepdim=True]'
    """
    text = rule.expr
    rest = []
    for name, value in (params or {}).items():
        if value is None or value is False:  # the default: leave it out
            text = re.sub(rf", {re.escape(name)}\b", "", text)
            continue
        pattern = rf"\b{re.escape(name)}\b"
        if re.search(pattern, text):
            text = re.sub(pattern, lambda _m, v=value: param_text(v), text)
        else:
            rest.append(f"{name}={param_text(value)}")
    if rest:
        text += " [" + ", ".join(rest) + "]"
    return text
