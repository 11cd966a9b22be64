"""Values from a formula written as text: ``formula("tanh(x*w + b)", x=2, w=-3, b=6.88)``.

The formula is read with Python's own parser (`ast`) and evaluated with Values: each name
becomes one labelled leaf (a name used twice is the same Value, so its gradient sums both
uses), each number a leaf of its own, and each operator or function the op of the same
name. Nothing in the text is executed as Python: anything outside the arithmetic below is
refused by name. ``python -m twingrad draw`` is built on it.
"""

from __future__ import annotations

import ast
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
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def formula(text: str, **values: float | Fraction | Value) -> Value:
    """Build the Value graph of ``text`` with the names bound to ``values``.

    A name's value may be a number (it becomes a Value labelled with the name) or a Value.
    With any Fraction among the values the whole formula is exact, and its numbers are read
    exactly from their text (``0.1`` is 1/10).

    >>> out = formula("x*w + b", x=2.0, w=-3.0, b=1.0)
    >>> out.backward(); out.data, [(v.label, v.grad) for v in out.parents[0].parents]
    (-5.0, [('x', -3.0), ('w', 2.0)])
    >>> formula("a / 3 + 0.1", a=Fraction(1)).data
    Fraction(13, 30)
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"cannot read the formula {text!r}: {error.msg}") from None
    exact = any(_is_exact(v) for v in values.values())
    leaves = {name: _leaf(name, value, exact) for name, value in values.items()}
    used: set[str] = set()
    out = _evaluate(tree.body, leaves, exact, used)
    unused = sorted(set(values) - used)
    if unused:
        raise ValueError(
            f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} given a value but "
            f"not used in the formula {text!r}"
        )
    return out


def _is_exact(value: object) -> bool:
    return isinstance(value, Fraction) or (isinstance(value, Value) and value.exact)


def _leaf(name: str, value: object, exact: bool) -> Value:
    if isinstance(value, Value):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number or a Value, got {value!r}")
    return Value(Fraction(value) if exact else value, label=name)


def _number(node: ast.expr) -> int | float | None:
    """The number ``node`` is, when it is one written out (``2``, ``-0.5``), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        number = _number(node.operand)
        return None if number is None else -number if isinstance(node.op, ast.USub) else number
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return None if isinstance(node.value, bool) else node.value
    return None


def _evaluate(node: ast.expr, leaves: dict[str, Value], exact: bool, used: set[str]) -> Value:
    if isinstance(node, ast.Name):
        if node.id not in leaves:
            raise ValueError(
                f"{node.id} is used in the formula but has no value: give it one "
                f"({node.id}=2.0, say)"
            )
        used.add(node.id)
        return leaves[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, bool):
            raise ValueError(f"{node.value} is not a number a formula can use")
        return Value(Fraction(str(node.value)) if exact else node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left = _evaluate(node.left, leaves, exact, used)
        power = _number(node.right) if isinstance(node.op, ast.Pow) else None
        if power is not None:  # x ** 2 is the op "x ** c", not a power with a Value exponent
            return left ** (Fraction(str(power)) if exact else power)
        right = _evaluate(node.right, leaves, exact, used)
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _evaluate(node.operand, leaves, exact, used)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name not in FUNCTIONS:
            raise ValueError(f"{name}() is not a function formulas know ({', '.join(FUNCTIONS)})")
        if len(node.args) != 1 or node.keywords:
            raise ValueError(f"{name}() takes one argument")
        x = _evaluate(node.args[0], leaves, exact, used)
        return abs(x) if name == "abs" else getattr(x, name)()
    raise ValueError(
        f"a formula has numbers, names, {' '.join(_SYMBOLS.values())}, parentheses and the "
        f"functions {', '.join(FUNCTIONS)}; it cannot have {ast.unparse(node)!r}"
    )
