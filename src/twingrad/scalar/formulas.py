"""Values from a formula written as text: ``formula("tanh(x*w + b)", x=2, w=-3, b=6.88)``.

The formula is read with Python's own parser (`ast`) and evaluated with Values: each name
becomes one labelled leaf (a name used twice is the same Value, so its gradient sums both
uses), each number written out (``2``, ``-0.5``) a leaf of its own, and each operator or
function the op of the same name. Nothing in the text is executed as Python: anything
outside the arithmetic below is refused by name. ``python -m twingrad draw`` is built on it.
"""

from __future__ import annotations

import ast
import math
import numbers
import operator
from fractions import Fraction

from twingrad.scalar.value import Value

FUNCTIONS = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs")
_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_SYMBOLS = "+ - * / **"


def formula(text: str, /, **values: float | Fraction | Value) -> Value:
    """Build the Value graph of ``text`` with the names bound to ``values``.

    A name's value may be a number (it becomes a Value labelled with the name) or a Value,
    used as it is. With any Fraction among the values the formula is exact: the numbers
    among the values become Fractions, and the numbers in the text are read exactly as
    written (``0.1`` is 1/10).

    >>> out = formula("x*w + b", x=2.0, w=-3.0, b=1.0)
    >>> out.backward(); out.data, [(v.label, v.grad) for v in out.parents[0].parents]
    (-5.0, [('x', -3.0), ('w', 2.0)])
    >>> formula("a / 3 + 0.1", a=Fraction(1)).data
    Fraction(13, 30)
    """
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"cannot read the formula {text!r}: {error.msg}") from None
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    reader = _Reader(source, values)
    try:
        out = reader.evaluate(tree.body)
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    unused = sorted(set(values) - reader.used)
    if unused:
        raise ValueError(
            f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} given a value but "
            f"not used in the formula {text!r}"
        )
    return out


_TOO_DEEP = "the formula nests too deeply to read; build a graph this big with Values in Python"


class _Reader:
    """Evaluates a parsed formula node by node, with Values."""

    def __init__(self, text: str, values: dict[str, object]) -> None:
        self.text = text
        self.exact = any(
            isinstance(v, Fraction) or (isinstance(v, Value) and v.exact) for v in values.values()
        )
        self.leaves = {name: self._leaf(name, value) for name, value in values.items()}
        self.used: set[str] = set()

    def _leaf(self, name: str, value: object) -> Value:
        if isinstance(value, Value):
            return value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number or a Value, got {value!r}")
        if self.exact and not math.isfinite(value):
            raise ValueError(f"{name}={value}: an exact formula needs finite numbers")
        return Value(Fraction(value) if self.exact else value, label=name)

    def number(self, node: ast.expr) -> int | float | Fraction | None:
        """The number ``node`` is when it is one written out (``2``, ``-0.5``), else None."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            number = self.number(node.operand)
            if number is None or isinstance(node.op, ast.UAdd):
                return number
            return -number
        if not isinstance(node, ast.Constant) or not isinstance(node.value, int | float):
            return None
        if isinstance(node.value, bool):
            raise ValueError(f"{node.value} is not a number a formula can use")
        if not self.exact or isinstance(node.value, int):
            return Fraction(node.value) if self.exact else node.value
        written = ast.get_source_segment(self.text, node)
        if not math.isfinite(node.value):
            raise ValueError(f"{written} is too large for an exact formula's finite numbers")
        return Fraction(written.replace("_", ""))  # 1_000.5: the underscores only group digits

    def evaluate(self, node: ast.expr) -> Value:
        number = self.number(node)
        if number is not None:
            return Value(number)
        if isinstance(node, ast.Name):
            if node.id not in self.leaves:
                raise ValueError(
                    f"{node.id} is used in the formula but has no value: give it one "
                    f"({node.id}=2.0, say)"
                )
            self.used.add(node.id)
            return self.leaves[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left = self.evaluate(node.left)
            power = self.number(node.right) if isinstance(node.op, ast.Pow) else None
            if power is not None:  # x ** 2 is the op "x ** c", not a power with a Value exponent
                return left**power
            return _OPERATORS[type(node.op)](left, self.evaluate(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.evaluate(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name not in FUNCTIONS:
                known = ", ".join(FUNCTIONS)
                raise ValueError(f"{name}() is not a function formulas know ({known})")
            if len(node.args) != 1 or node.keywords:
                raise ValueError(f"{name}() takes one argument")
            x = self.evaluate(node.args[0])
            return abs(x) if name == "abs" else getattr(x, name)()
        raise ValueError(
            f"a formula has numbers, names, {_SYMBOLS}, parentheses and the functions "
            f"{', '.join(FUNCTIONS)}; it cannot have {ast.get_source_segment(self.text, node)!r}"
        )
