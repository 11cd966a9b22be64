"""The table's words match its math and its code, for every elementwise rule.

For each elementwise rule and argument, the derivative text is parsed with SymPy and
compared with SymPy's derivative of the forward expression (`Rule.expr`, parsed too):

- smooth rules: the difference simplifies to 0, symbolically;
- piecewise rules (`PIECEWISE` says where each one's kinks or jumps are): SymPy's derivative
  and the text are equal at the rule's own samples, which lie off the kinks. The value *at*
  a kink is a convention (PyTorch's), which `test_rules_table` and the op tests check.

Then the words are tied to the code: the parsed text, evaluated at each sample, equals the
rule's derivative code there. floor_divide's derivative is not implemented (nor in
PyTorch): the test asserts that the text says so and the code raises.

The texts are written for people, so reading them takes a small, fixed translation:
``^`` is a power; ``|e|`` is abs(e); a gloss after two spaces, in parentheses, is dropped;
``where`` reads as ``if``; comma-separated ``v if c`` parts are the cases of a piecewise
function; a ``name = expr`` part defines a name used in the others.
"""

from __future__ import annotations

import ast
import inspect
import re

import numpy as np
import pytest
import sympy as sp

from twingrad.rules import RULES

PIECEWISE = {
    "abs": "kink at x = 0",
    "relu": "kink at x = 0",
    "leaky_relu": "kink at x = 0",
    "softplus": "switches to x where beta * x > threshold",
    "clamp": "kinks at x = min and x = max",
    "maximum": "kink at a = b",
    "minimum": "kink at a = b",
    "where": "chooses by the condition",
    "floor": "jumps at the integers",
    "ceil": "jumps at the integers",
    "trunc": "jumps at the integers",
    "round": "jumps at the half-integers",
    "frac": "jumps at the integers",
    "sign": "jump at x = 0",
    "remainder": "jumps where a / b is an integer",
    "fmod": "jumps where a / b is an integer",
}
NO_DERIVATIVE = {"floor_divide"}
# a variadic rule's expr stands for n terms; three of them are checked
VARIADIC = {"add_n": ("x_1 + x_2 + x_3", ("x_1", "x_2", "x_3"))}


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


def _trunc(x):
    return sp.sign(x) * sp.floor(sp.Abs(x))


def _phi_cdf(x):
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


def _gelu(x, approximate="none"):
    if approximate == "tanh":
        k = sp.sqrt(2 / sp.pi)
        return x / 2 * (1 + sp.tanh(k * (x + sp.Rational(44715, 10**6) * x**3)))
    return x * _phi_cdf(x)


def functions(symbols: dict) -> dict:
    """What the names in the table's expressions and texts mean, in SymPy."""
    s = symbols
    return {
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "sin": sp.sin,
        "cos": sp.cos,
        "tanh": sp.tanh,
        "erf": sp.erf,
        "sign": sp.sign,
        "floor": sp.floor,
        "ceil": sp.ceiling,
        "trunc": _trunc,
        "abs": sp.Abs,
        "pi": sp.pi,
        "sigmoid": _sigmoid,
        "Phi": _phi_cdf,
        "phi": lambda x: sp.exp(-(x**2) / 2) / sp.sqrt(2 * sp.pi),
        "relu": lambda x: sp.Max(x, 0),
        "leaky_relu": lambda x: sp.Piecewise((x, x > 0), (s.get("negative_slope", 0) * x, True)),
        "gelu": _gelu,
        "softplus": lambda x: sp.Piecewise(
            (x, s["beta"] * x > s["threshold"]),
            (sp.log(1 + sp.exp(s["beta"] * x)) / s["beta"], True),
        ),
        "silu": lambda x: x * _sigmoid(x),
        "clamp": lambda x, lo, hi: sp.Min(sp.Max(x, lo), hi),
        "maximum": sp.Max,
        "minimum": sp.Min,
        "where": lambda c, x, y: sp.Piecewise((x, c), (y, True)),
        "round": lambda x, d: sp.floor(x * 10**d + sp.Rational(1, 2)) / 10**d,
        "frac": lambda x: x - _trunc(x),
        "remainder": lambda a, b: a - b * sp.floor(a / b),
        "fmod": lambda a, b: a - b * _trunc(a / b),
    }


class _ToSympy(ast.NodeVisitor):
    """A Python expression as SymPy: numbers, names, arithmetic, calls, comparisons (chained
    ones too), ``a if c else b``."""

    def __init__(self, names: dict) -> None:
        self.names = names

    def visit_Expression(self, node):
        return self.visit(node.body)

    def visit_Constant(self, node):
        value = node.value
        return sp.nsimplify(value) if isinstance(value, float) else value

    def visit_Name(self, node):
        return self.names[node.id]

    def visit_BinOp(self, node):
        a, b = self.visit(node.left), self.visit(node.right)
        ops = {
            ast.Add: lambda: a + b,
            ast.Sub: lambda: a - b,
            ast.Mult: lambda: a * b,
            ast.Div: lambda: a / b,
            ast.Pow: lambda: a**b,
            ast.FloorDiv: lambda: sp.floor(a / b),
        }
        return ops[type(node.op)]()

    def visit_UnaryOp(self, node):
        value = self.visit(node.operand)
        return -value if isinstance(node.op, ast.USub) else value

    def visit_Call(self, node):
        fn = self.visit(node.func)
        kwargs = {k.arg: self.visit(k.value) for k in node.keywords}
        return fn(*[self.visit(a) for a in node.args], **kwargs)

    def visit_Compare(self, node):
        terms = [self.visit(node.left), *[self.visit(c) for c in node.comparators]]
        ops = {
            ast.Gt: sp.Gt,
            ast.Lt: sp.Lt,
            ast.GtE: sp.Ge,
            ast.LtE: sp.Le,
            ast.Eq: sp.Eq,
        }
        parts = [ops[type(op)](a, b) for op, a, b in zip(node.ops, terms, terms[1:])]
        return sp.And(*parts)

    def visit_IfExp(self, node):
        return sp.Piecewise(
            (self.visit(node.body), self.visit(node.test)), (self.visit(node.orelse), True)
        )

    def generic_visit(self, node):
        raise ValueError(f"the table's formulas do not use {type(node).__name__}")


def parse(text: str, names: dict):
    """A text of the table (an expr or a derivative) as a SymPy expression."""
    text = re.sub(r"\s{2,}\(.*\)$", "", text)  # a gloss for the reader
    text = text.replace("^", "**").replace(" where ", " if ")
    text = re.sub(r"\|([^|]+)\|", r"abs(\1)", text)
    names = dict(names)
    cases, body = [], None
    for part in _top_level_parts(text):
        definition = re.fullmatch(r"(\w+) = (.+)", part)
        if definition:
            names[definition[1]] = _read(definition[2], names)
        elif " if " in part and " else " not in part:
            value, condition = part.split(" if ")
            cases.append((value, condition))
        else:
            body = part
    if cases:
        return sp.Piecewise(*[(_read(v, names), _read(c, names)) for v, c in cases])
    return sp.sympify(_read(body, names))


def _top_level_parts(text: str) -> list[str]:
    """``text`` split at the ", " outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and text.startswith(", ", i):
            parts.append(text[start:i])
            start = i + 2
    return [*parts, text[start:]]


def _read(text: str, names: dict):
    return _ToSympy(names).visit(ast.parse(text, mode="eval"))


def _names(rule) -> tuple[dict, list[str]]:
    """Symbols for the rule's arguments and parameters, and the names it is written in."""
    args = list(VARIADIC[rule.name][1]) if rule.variadic else list(rule.args)
    symbols = {a: sp.Symbol(a) if a == "condition" else sp.Symbol(a, real=True) for a in args}
    for p in rule.params:
        symbols[p] = sp.Symbol(p, real=True)
    symbols["min"], symbols["max"] = symbols.get("min"), symbols.get("max")
    names = {**functions(symbols), **{k: v for k, v in symbols.items() if v is not None}}
    return names, args


def _off_the_jumps(derivative):
    """SymPy keeps the derivative of floor and ceiling (and at times sign) unevaluated, or
    gives sign's as a DiracDelta: all are 0 away from the jumps, where every point checked
    lies."""
    jumps = (sp.floor, sp.ceiling, sp.sign)

    def at_a_jump(e):
        if isinstance(e, sp.Subs):
            e = e.expr
        return isinstance(e, sp.Derivative) and e.expr.func in jumps

    derivative = sp.sympify(sp.sympify(derivative).replace(at_a_jump, lambda *_: 0))
    return sp.sympify(derivative.replace(sp.DiracDelta, lambda *_: 0)).doit()


ELEMENTWISE = [pytest.param(rule, id=name) for name, rule in RULES.items() if rule.elementwise]
CASES = [
    pytest.param(rule, k, id=f"{name}-{arg}")
    for name, rule in RULES.items()
    if rule.elementwise
    for k, arg in enumerate(rule.args)
]


def _points(rule) -> list[dict]:
    """Each element of each sample as {name: number}, parameters included (those a sample
    leaves out take the forward's defaults; clamp's None bound is no bound)."""
    defaults = {
        k: v.default
        for k, v in inspect.signature(rule.forward).parameters.items()
        if v.default is not inspect.Parameter.empty
    }
    args = list(VARIADIC[rule.name][1]) if rule.variadic else list(rule.args)
    points = []
    for s in rule.samples:
        columns = [np.asarray(x).reshape(-1) for x in s.inputs]
        params = {**{p: defaults.get(p) for p in rule.params}, **s.params}
        if "min" in params and params["min"] is None:
            params["min"] = -sp.oo
        if "max" in params and params["max"] is None:
            params["max"] = sp.oo
        for j in range(len(columns[0])):
            point = {a: column[j].item() for a, column in zip(args, columns)}
            points.append({**point, **params})
    return points


def _at(expr, names: dict, point: dict):
    subs = {names[k]: sp.nsimplify(v) if isinstance(v, float) else v for k, v in point.items()}
    value = expr.subs(subs)
    return complex(value.evalf()) if value.is_number else value


@pytest.mark.parametrize(("rule", "k"), CASES)
def test_the_derivative_text_is_the_derivative_of_the_expression(rule, k):
    names, args = _names(rule)
    if rule.name in NO_DERIVATIVE:
        assert rule.derivative_text[k].startswith("not implemented")
        return
    if rule.derivatives[k] is None:
        assert rule.derivative_text[k].startswith("no gradient")
        return
    expr = VARIADIC[rule.name][0] if rule.variadic else rule.expr
    arg = args[k]
    forward = parse(expr, names)
    derivative = _off_the_jumps(sp.diff(forward, names[arg]))
    text = parse(rule.derivative_text[k], names)
    if rule.name in PIECEWISE:
        for point in _points(rule):
            assert abs(_at(derivative - text, names, point)) < 1e-12, point
    else:
        assert sp.simplify(derivative - text) == 0, f"{derivative} != {text}"


@pytest.mark.parametrize(("rule", "k"), CASES)
def test_the_derivative_code_computes_the_text(rule, k):
    names, args = _names(rule)
    if rule.name in NO_DERIVATIVE:
        s = rule.samples[0]
        xs = [np.asarray(x, dtype=float) for x in s.inputs]
        with pytest.raises(RuntimeError, match="not implemented"):
            rule.derivatives[k](rule.forward(*xs, **s.params), *xs, **s.params)
        return
    if rule.derivatives[k] is None:
        return  # no gradient: the test above checked the text says so
    text = parse(rule.derivative_text[k], names)
    for point in _points(rule):
        xs = [np.array([point[a]]) for a in args]
        params = {p: point[p] for p in rule.params if point.get(p) not in (sp.oo, -sp.oo)}
        out = rule.forward(*xs, **params)
        code = np.asarray(rule.vjp(k, 1.0, out, xs, params), dtype=float).reshape(-1)[0]
        assert abs(code - _at(text, names, point)) < 1e-12, point


def test_every_elementwise_rule_is_checked():
    smooth = {p.values[0].name for p in ELEMENTWISE} - set(PIECEWISE) - NO_DERIVATIVE
    assert smooth and set(PIECEWISE) <= {p.values[0].name for p in ELEMENTWISE}
