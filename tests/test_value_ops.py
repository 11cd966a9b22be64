"""Every op of the scalar engine: what a node records, values and gradients at the edges
(against PyTorch float64), and central finite differences away from kinks."""

from __future__ import annotations

import itertools
import math
import operator

import pytest
import torch

from twingrad import Value
from twingrad.bridge import gradcheck
from twingrad.rules import RULES

inf, nan = math.inf, math.nan

# Edge points: signed zeros, infinities, nan, overflow territory, integers and non-integers
# (which matter for powers of negative bases).
GRID = [-inf, -1000.0, -2.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 3.0, 1000.0, inf, nan]

# Each op written once: Values and torch tensors share these operators and method names.
UNARY = {
    "neg": operator.neg,
    "abs": abs,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "sqrt": lambda x: x.sqrt(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
}
BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
}
# Python ints and floats both, since `x ** 2` and `x ** 2.0` take different paths.
EXPONENTS = [0, 0.0, 1, 2, 3, -1, -2, 2.0, 0.5, -0.5, 1.5, -1.5, 2.5, inf, -inf, nan]


def _t(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def _close(ours, theirs: float, abs_tol: float = 0.0) -> bool:
    """Equal, both nan, or finite and within 4 ulps (or ``abs_tol``) of PyTorch's value.

    Infinities must match exactly, sign included; 0.0 and -0.0 count as equal.
    """
    ours = float(ours)
    if ours == theirs or (math.isnan(ours) and math.isnan(theirs)):
        return True
    if not (math.isfinite(ours) and math.isfinite(theirs)):
        return False
    return abs(ours - theirs) <= max(4 * math.ulp(theirs), abs_tol)


# PyTorch computes tanh's backward 1 - y*y with a fused multiply-add, one rounding fewer
# than Python: near |y| = 1 the two differ by up to an ulp of 1, not of the result.
ABS_TOL = {"tanh": 2.0**-52}


def _mismatches(fn, args, abs_tol: float = 0.0) -> list[str]:
    """Run ``fn`` on Values and on float64 tensors holding ``args``; describe every value or
    gradient that differs from PyTorch's."""
    ours = [Value(a) for a in args]
    theirs = [_t(a) for a in args]
    out = fn(*ours)
    out.backward()
    out_t = fn(*theirs)
    out_t.backward()
    problems = []
    if not _close(out.data, out_t.item(), abs_tol):
        problems.append(f"value at {args}: {out.data!r}, torch {out_t.item()!r}")
    for i, (v, t) in enumerate(zip(ours, theirs)):
        if not _close(v.grad, t.grad.item(), abs_tol):
            problems.append(f"grad {i} at {args}: {v.grad!r}, torch {t.grad.item()!r}")
    return problems


# -- what a node records -------------------------------------------------------------------


def test_a_leaf_holds_its_number_label_and_no_history():
    w = Value(2.5, label="w")
    assert (w.data, w.grad, w.label, w.op, w.parents) == (2.5, 0.0, "w", "", ())
    assert Value(-1.0).label == ""


def test_an_int_becomes_a_float():
    v = Value(3)
    assert v.data == 3.0 and type(v.data) is float and type(v.grad) is float


@pytest.mark.parametrize(
    "bad, words",
    [("3", ["real number", "str"]), (1 + 2j, ["real number", "complex"]), (None, ["NoneType"])],
)
def test_a_value_of_something_not_a_real_number_is_a_type_error(bad, words):
    with pytest.raises(TypeError) as info:
        Value(bad)
    assert all(word in str(info.value) for word in words)


def test_a_value_of_a_value_is_a_type_error_that_says_what_to_do():
    with pytest.raises(TypeError, match=r"Value\(v\.data\)"):
        Value(Value(1.0))


def test_a_power_by_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="'2'"):
        Value(1.0) ** "2"


a_, b_ = Value(2.0, label="a"), Value(-3.0, label="b")

# expression, expected op, expected parents (None stands for the constant made from a
# Python number), expected value, and the exponent of a power by a number
NODES = [
    (lambda: a_ + b_, "add", (a_, b_), -1.0, None),
    (lambda: b_ + a_, "add", (b_, a_), -1.0, None),
    (lambda: a_ + 1, "add", (a_, None), 3.0, None),
    (lambda: 1 + a_, "add", (None, a_), 3.0, None),
    (lambda: a_ - b_, "sub", (a_, b_), 5.0, None),
    (lambda: a_ - 0.5, "sub", (a_, None), 1.5, None),
    (lambda: 0.5 - a_, "sub", (None, a_), -1.5, None),
    (lambda: a_ * b_, "mul", (a_, b_), -6.0, None),
    (lambda: a_ * 4, "mul", (a_, None), 8.0, None),
    (lambda: 4 * a_, "mul", (None, a_), 8.0, None),
    (lambda: b_ / a_, "div", (b_, a_), -1.5, None),
    (lambda: a_ / 8, "div", (a_, None), 0.25, None),
    (lambda: 8 / a_, "div", (None, a_), 4.0, None),
    (lambda: a_**3, "pow", (a_,), 8.0, 3),
    (lambda: a_**-1.0, "pow", (a_,), 0.5, -1.0),
    (lambda: a_**b_, "pow_var", (a_, b_), 0.125, None),
    (lambda: 3**a_, "pow_var", (None, a_), 9.0, None),
    (lambda: -a_, "neg", (a_,), -2.0, None),
    (lambda: abs(b_), "abs", (b_,), 3.0, None),
    (lambda: a_.exp(), "exp", (a_,), math.exp(2.0), None),
    (lambda: a_.log(), "log", (a_,), math.log(2.0), None),
    (lambda: a_.sqrt(), "sqrt", (a_,), math.sqrt(2.0), None),
    (lambda: a_.tanh(), "tanh", (a_,), math.tanh(2.0), None),
    (lambda: a_.sigmoid(), "sigmoid", (a_,), 1 / (1 + math.exp(-2.0)), None),
    (lambda: b_.relu(), "relu", (b_,), 0.0, None),
    (lambda: a_.sin(), "sin", (a_,), math.sin(2.0), None),
    (lambda: a_.cos(), "cos", (a_,), math.cos(2.0), None),
    (lambda: Value.sum([a_, b_, 10, a_]), "add_n", (a_, b_, None, a_), 11.0, None),
]


@pytest.mark.parametrize("make, op, parents, value, c", NODES, ids=[n[1] for n in NODES])
def test_each_op_records_its_rule_and_its_parents_in_argument_order(make, op, parents, value, c):
    node = make()
    assert node.op == op and op in RULES
    assert node.label == "" and math.isclose(node.data, value, rel_tol=1e-15)
    assert len(node.parents) == len(parents)
    for got, want in zip(node.parents, parents):
        if want is None:  # a Python number became a leaf Value holding it
            assert got.op == "" and got.parents == ()
        else:
            assert got is want


@pytest.mark.parametrize("make, op, parents, value, c", NODES, ids=[n[1] for n in NODES])
def test_each_op_computes_its_value_with_the_rule_tables_forward(make, op, parents, value, c):
    node = make()
    params = {} if c is None else {"c": c}
    assert RULES[node.op].forward(*(p.data for p in node.parents), **params) == node.data


def test_the_rules_the_value_ops_use_carry_text_and_latex_formulas():
    for name in {node[1] for node in NODES}:
        rule = RULES[name]
        for i, arg in enumerate(rule.args):
            text, latex = rule.formula(i), rule.formula_latex(i)
            assert text.startswith(f"d({rule.expr})/d{arg} = ") and rule.derivative_text[i]
            assert rf"\partial {arg}" in latex and rule.derivative_latex[i] in latex
    assert RULES["mul"].formula(0) == "d(a * b)/da = b"
    assert RULES["mul"].formula(1) == "d(a * b)/db = a"
    assert RULES["div"].formula(1) == "d(a / b)/db = -a/b^2"
    assert RULES["tanh"].formula(0) == "d(tanh(x))/dx = 1 - tanh(x)^2"
    assert RULES["mul"].formula_latex(0) == r"\frac{\partial (a \cdot b)}{\partial a} = b"


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_value_sum_of_n_terms_gives_each_term_gradient_one(n):
    # two terms is the case a binary fast path can mistake for a binary op
    xs = [Value(float(k)) for k in range(1, n + 1)]
    total = Value.sum(xs)
    total.backward()
    assert total.data == n * (n + 1) / 2
    assert [x.grad for x in xs] == [1.0] * n


def test_value_sum_of_nothing_is_a_value_error():
    with pytest.raises(ValueError, match="at least one"):
        Value.sum([])


# -- IEEE 754 / PyTorch semantics at the edges ---------------------------------------------


def test_edges_give_ieee_values_instead_of_python_exceptions():
    assert Value(1000.0).exp().data == inf
    assert Value(-1000.0).exp().data == 0.0
    assert Value(0.0).log().data == -inf
    assert math.isnan(Value(-1.0).log().data)
    assert math.isnan((Value(-2.0) ** 0.5).data)
    assert math.isnan(Value(-2.0).sqrt().data)
    assert (Value(1.0) / 0).data == inf
    assert (-1 / Value(0.0)).data == -inf
    assert (1 / Value(-0.0)).data == -inf
    assert math.isnan((Value(0.0) / 0.0).data)
    assert (Value(0.0) ** -1).data == inf
    assert (Value(10.0) ** 400).data == inf
    assert (Value(-10.0) ** 401).data == -inf
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0


def _grad(fn, *xs):
    vs = [Value(x) for x in xs]
    fn(*vs).backward()
    return tuple(v.grad for v in vs)


# Gradients at kinks and edges, derived by hand with PyTorch's conventions.
EDGE_GRADS = [
    # relu and abs take the subgradient 0 at 0
    ("relu at 0", lambda x: x.relu(), (0.0,), (0.0,)),
    ("relu at -0.0", lambda x: x.relu(), (-0.0,), (0.0,)),
    ("abs at 0", abs, (0.0,), (0.0,)),
    ("abs at -0.0", abs, (-0.0,), (0.0,)),
    # x ** 0 is the constant 1: derivative 0, even at 0 where 0 * 0 ** -1 is nan
    ("x ** 0 at 0", lambda x: x**0, (0.0,), (0.0,)),
    ("x ** 0.0 at inf", lambda x: x**0.0, (inf,), (0.0,)),
    ("a ** b at b = 0, a = 0", lambda a, b: a**b, (0.0, 0.0), (0.0, 0.0)),
    # d(0 ** b)/db = 0 ** b * log 0 is 0 * -inf for b > 0: PyTorch takes 0
    ("0 ** b at b = 2", lambda a, b: a**b, (0.0, 2.0), (0.0, 0.0)),
    ("0 ** b at b = 0.5", lambda a, b: a**b, (0.0, 0.5), (inf, 0.0)),
    # for b < 0 it is inf * -inf
    ("0 ** b at b = -1", lambda a, b: a**b, (0.0, -1.0), (-inf, -inf)),
    # d(x ** c)/dx at 0 for c < 1: c * 0 ** (c - 1)
    ("sqrt at 0", lambda x: x.sqrt(), (0.0,), (inf,)),
    ("x ** 0.5 at 0", lambda x: x**0.5, (0.0,), (inf,)),
    ("x ** 0.5 at -0.0 (PyTorch: sqrt, 1/sqrt(-0.0) = -inf)", lambda x: x**0.5, (-0.0,), (-inf,)),
    ("x ** 2 at 0", lambda x: x**2, (0.0,), (0.0,)),
    # 1/x, log x at 0
    ("1 / x at 0", lambda x: 1 / x, (0.0,), (-inf,)),
    ("log at 0", lambda x: x.log(), (0.0,), (inf,)),
    ("log at -1", lambda x: x.log(), (-1.0,), (-1.0,)),
    # saturating functions have derivative exactly 0 in their tails
    ("sigmoid at 1000", lambda x: x.sigmoid(), (1000.0,), (0.0,)),
    ("sigmoid at -1000", lambda x: x.sigmoid(), (-1000.0,), (0.0,)),
    ("tanh at 1000", lambda x: x.tanh(), (1000.0,), (0.0,)),
    ("tanh at -1000", lambda x: x.tanh(), (-1000.0,), (0.0,)),
    ("exp at 1000", lambda x: x.exp(), (1000.0,), (inf,)),
    ("exp at -1000", lambda x: x.exp(), (-1000.0,), (0.0,)),
]


@pytest.mark.parametrize(
    "fn, xs, grads", [e[1:] for e in EDGE_GRADS], ids=[e[0] for e in EDGE_GRADS]
)
def test_gradients_at_kinks_and_edges_follow_pytorch(fn, xs, grads):
    assert _grad(fn, *xs) == grads
    tensors = [_t(x) for x in xs]
    fn(*tensors).backward()
    assert tuple(t.grad.item() for t in tensors) == grads


def test_nan_passes_through_relu_gradient_and_stops_at_abs_as_in_pytorch():
    assert _grad(lambda x: x.relu(), nan) == (1.0,)
    assert _grad(abs, nan) == (0.0,)


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_matches_torch_on_the_edge_grid(name):
    fn = UNARY[name]
    problems = [p for x in GRID for p in _mismatches(fn, (x,), ABS_TOL.get(name, 0.0))]
    assert problems == []


@pytest.mark.parametrize("c", EXPONENTS, ids=repr)
def test_value_to_a_number_power_matches_torch_on_the_edge_grid(c):
    problems = [p for x in GRID for p in _mismatches(lambda v: v**c, (x,))]
    assert problems == []


@pytest.mark.parametrize("c", EXPONENTS, ids=repr)
def test_number_to_a_value_power_matches_torch_on_the_edge_grid(c):
    problems = [p for x in GRID for p in _mismatches(lambda v: c**v, (x,))]
    assert problems == []


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_of_two_values_matches_torch_on_the_edge_grid(name):
    fn = BINARY[name]
    problems = [p for xy in itertools.product(GRID, GRID) for p in _mismatches(fn, xy)]
    assert problems == []


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_with_a_python_number_on_either_side_matches_torch(name):
    fn = BINARY[name]
    problems = []
    for x, c in itertools.product(GRID, GRID):
        problems += _mismatches(lambda v, c=c: fn(v, c), (x,))
        problems += _mismatches(lambda v, c=c: fn(c, v), (x,))
    assert problems == []


def test_value_sum_matches_torch_on_the_edge_grid():
    def total(xs):
        return Value.sum(xs) if isinstance(xs[0], Value) else torch.stack(xs).sum()

    problems = []
    for x, y in itertools.product(GRID, GRID):
        problems += _mismatches(lambda a, b: total([a, b, a, a]), (x, y))
    assert problems == []


# -- central finite differences away from kinks --------------------------------------------

ANYWHERE = [-1.7, -0.3, 0.4, 2.2]
POSITIVE = [0.3, 1.7, 4.2]
DOMAINS = {"log": POSITIVE, "sqrt": POSITIVE}


def _check(fn, *xs):
    # eps = 1e-6 differences are good to about 1e-9 relative here, so rtol = 1e-7 leaves
    # a margin of 100 while a wrong rule is off by far more.
    return gradcheck(fn, *xs, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_gradient_matches_central_differences(name):
    for x in DOMAINS.get(name, ANYWHERE):
        assert _check(UNARY[name], x)


@pytest.mark.parametrize("c", [2, 3, -1, -2, 0, 0.5, -0.5, 1.5, -1.5, 2.5, 3.7], ids=repr)
def test_power_by_a_number_gradient_matches_central_differences(c):
    points = ANYWHERE if float(c).is_integer() else POSITIVE
    for x in points:
        assert _check(lambda v: v**c, x)


@pytest.mark.parametrize("c", [0.5, 2, 3.7], ids=repr)
def test_number_to_a_value_power_gradient_matches_central_differences(c):
    for x in ANYWHERE:
        assert _check(lambda v: c**v, x)


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_gradient_matches_central_differences(name):
    pairs = [(1.3, 0.7), (0.4, 2.1), (2.5, 1.2)]
    if name != "pow":  # a real power needs a positive base
        pairs += [(-1.3, 0.7), (0.4, -2.1), (-2.5, -1.2)]
    for x, y in pairs:
        assert _check(BINARY[name], x, y)
        assert _check(lambda v, y=y: BINARY[name](v, y), x)
        assert _check(lambda v, x=x: BINARY[name](x, v), y)


def test_value_sum_gradient_matches_central_differences():
    assert _check(lambda a, b, c: Value.sum([a, b * c, c, a]), 0.3, -1.2, 2.5)
