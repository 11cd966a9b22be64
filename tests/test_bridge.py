"""The bridge: scalar replays of tensor graphs agree with the tensor engine."""

import contextlib
from fractions import Fraction

import numpy as np
import pytest

import twingrad
from twingrad._tensor.engine import apply
from twingrad.bridge import UnsupportedOpError, check, compare, scalarize
from twingrad.bridge.replay import REPLAYS
from twingrad.rules import RULES
from twingrad.rules.rule import Rule

rng = np.random.default_rng(7)


def r(*shape):
    return rng.standard_normal(shape)


SHAPE_PAIRS = [((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (3,)), ((1,), (2, 1)), ((2, 3), (2, 3))]


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("exact", [False, True], ids=["float64", "exact"])
def test_broadcast_arithmetic_agrees(shapes, exact):
    a, b = r(*shapes[0]), r(*shapes[1])
    report = check(lambda x, y: (x * y + x - y / (y * y + 1)) ** 2, a, b, exact=exact)
    assert report.agree
    assert report.exact == exact


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.exp(),
        lambda x: (x * x + 1).log(),
        lambda x: (x * x + 1).sqrt(),
        lambda x: x.sin() * x.cos(),
        lambda x: x.tanh() + x.sigmoid(),
        lambda x: x.relu() - abs(x),
        lambda x: 2**x,
        lambda x: (x * x + 1) ** x,
    ],
)
def test_transcendental_ops_agree_in_float64(fn):
    report = check(fn, r(3, 2))
    assert report.max_ulps <= report.ulps_bound


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.sum(),
        lambda x: x.sum(dim=1),
        lambda x: x.sum(dim=(0, 2), keepdim=True),
        lambda x: x.mean(dim=-1),
        lambda x: x.mean(),
        lambda x: x.reshape(6, 2).T @ x.reshape(6, 2),
        lambda x: x.permute(2, 0, 1).expand(3, 2, 2, 3).sum(dim=0),
        lambda x: x.unsqueeze(0).flatten(1).squeeze(0) * 3,
    ],
)
@pytest.mark.parametrize("exact", [False, True], ids=["float64", "exact"])
def test_reductions_and_movement_agree(fn, exact):
    assert check(fn, r(2, 3, 2), exact=exact).agree


@pytest.mark.parametrize(
    "shapes",
    [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 1, 2, 3), (4, 3, 2))],
    ids=str,
)
@pytest.mark.parametrize("exact", [False, True], ids=["float64", "exact"])
def test_matmul_is_sums_of_products(shapes, exact):
    assert check(lambda a, b: a @ b, r(*shapes[0]), r(*shapes[1]), exact=exact).agree


def test_exact_gradients_are_equal_with_double_equals():
    w = twingrad.tensor([[1, 2], [3, 4]], dtype=twingrad.fraction, requires_grad=True)
    x = twingrad.tensor([Fraction(1, 3), Fraction(-2, 7)], dtype=twingrad.fraction)
    out = ((w @ x) * (w @ x) / 5).sum()
    s = scalarize(out)
    s.backward()
    scalar = [[v.grad for v in row] for row in s.leaf_values(w)]
    out.backward()
    assert scalar == w.grad.tolist()
    # d/dW sum((Wx)^2 / 5) = 2 (Wx) x^T / 5, by hand
    wx = [1 * Fraction(1, 3) + 2 * Fraction(-2, 7), 3 * Fraction(1, 3) + 4 * Fraction(-2, 7)]
    expected = [[2 * wx[i] * x.tolist()[j] / 5 for j in range(2)] for i in range(2)]
    assert scalar == expected


def test_scalarize_counts_nodes_and_names_leaves():
    w = twingrad.tensor(r(2, 3), requires_grad=True)
    w.name = "W"
    s = scalarize((w * 2).sum())
    labels = [v.label for v in s.leaf_values(w).reshape(-1)]
    assert labels == ["W[0, 0]", "W[0, 1]", "W[0, 2]", "W[1, 0]", "W[1, 1]", "W[1, 2]"]
    # 6 leaves + 1 shared constant 2 + 6 products + 1 sum
    assert s.node_count == 14


def test_broadcast_reuses_one_value():
    b = twingrad.tensor([1.0, 2.0], requires_grad=True)
    s = scalarize(b.expand(3, 2) * 1)
    column = [row[0].parents[0] for row in s.outputs]
    assert column[0] is column[1] is column[2] is s.leaf_values(b)[0]


def test_report_renders_as_text_and_html():
    x = twingrad.tensor(r(2, 2), requires_grad=True)
    report = compare((x @ x).sum(), names={x: "x"})
    text = str(report)
    assert "AGREE" in text and "x" in text and "max ulps" in text
    assert "<table>" in report._repr_html_()


def test_compare_uses_module_parameter_names():
    class Model:
        def __init__(self):
            self.w = twingrad.tensor(r(3, 2), requires_grad=True)

        def named_parameters(self):
            return [("layer.weight", self.w)]

    m = Model()
    report = compare((twingrad.tensor(r(4, 3)) @ m.w).tanh().sum(), model=m)
    assert [row.name for row in report.rows] == ["output", "layer.weight"]


def test_exact_on_float_data_is_refused_with_a_reason():
    x = twingrad.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="Fraction"):
        compare(x.sum(), exact=True)


def test_a_graph_with_no_leaf_requiring_grad_is_refused():
    x = twingrad.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="no tensor in this graph requires grad"):
        compare((x * 2).sum())


def test_something_other_than_a_tensor_is_refused_by_type():
    x = twingrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"got function \(to pass a function, use bridge.check"):
        compare(lambda: (x * 2).sum())
    with pytest.raises(TypeError, match=r"scalarize\(\) takes the Tensor .* got float"):
        scalarize(1.5)


def test_every_rule_of_the_table_has_a_scalar_replay():
    missing = sorted(set(RULES) - set(REPLAYS))
    assert missing == [], f"ops without a scalar replay: {missing}"


def test_an_op_without_replay_is_named():
    rule = Rule("mystery", "m(x)", "m(x)", lambda x: x * 2,
                grad={"x": lambda g, out, x: g * 2}, text={"x": "2"}, tex={"x": "2"})  # fmt: skip
    x = twingrad.tensor([1.0], requires_grad=True)
    with pytest.raises(UnsupportedOpError, match="'mystery'"):
        scalarize(apply(rule, x).sum())


@contextlib.contextmanager
def rule_changed(name, **changes):
    """Change a rule of the table in place (every engine reads the same object), then undo."""
    rule = RULES[name]
    saved = {field: getattr(rule, field) for field in changes}
    for field, value in changes.items():
        object.__setattr__(rule, field, value)  # the table's rules are frozen on purpose
    try:
        yield rule
    finally:
        for field, value in saved.items():
            object.__setattr__(rule, field, value)


def test_check_catches_a_vjp_that_is_one_tenth_of_a_percent_off():
    good = RULES["matmul"].vjps
    with rule_changed("matmul", vjps=(lambda *a: good[0](*a) * 1.001, good[1])):
        with pytest.raises(AssertionError, match=r"x0\[\d, \d\]"):
            check(lambda a, b: a @ b, r(3, 4), r(4, 2))
        with pytest.raises(AssertionError, match="are not equal"):
            check(lambda a, b: a @ b, r(3, 4), r(4, 2), exact=True)
    assert check(lambda a, b: a @ b, r(3, 4), r(4, 2)).agree  # and the rule is whole again


def test_check_catches_a_dropped_unbroadcast(monkeypatch):
    from twingrad._tensor import engine

    def first_slice_only(grad, shape):  # takes one broadcast copy instead of summing all
        lead = grad.ndim - len(shape)
        g = grad[(0,) * lead] if lead else grad
        index = tuple(slice(0, 1) if n == 1 else slice(None) for n in shape)
        return g[index]

    monkeypatch.setattr(engine, "sum_to_shape", first_slice_only)
    with pytest.raises(AssertionError, match="disagree"):
        check(lambda a, b: a * b, r(3, 4), r(4))


def test_tensor_gradcheck_passes_true_gradients():
    from twingrad.bridge import gradcheck

    assert gradcheck(lambda w, x: (x @ w).tanh().sum(dim=0), r(3, 2), r(4, 3))
    assert gradcheck(lambda x: x.softmax(dim=-1) * x, r(2, 3))


def test_tensor_gradcheck_rejects_a_vjp_one_tenth_of_a_percent_off():
    from twingrad.bridge import gradcheck

    good = RULES["matmul"].vjps
    with rule_changed("matmul", vjps=(good[0], lambda *a: good[1](*a) * 1.001)):
        with pytest.raises(AssertionError, match=r"input 0 at \[\d, \d\] is wrong"):
            gradcheck(lambda w, x: x @ w, r(3, 2) + 2, r(4, 3) + 2)
