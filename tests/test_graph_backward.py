"""The one backward driver (core.graph.backward), its trace, and the one topological order."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import twingrad
from twingrad import Value, nn
from twingrad._tensor.engine import run_backward as tensor_backward
from twingrad.core import graph
from twingrad.core.graph import Step, reachable, topological_order
from twingrad.rules import RULES
from twingrad.scalar.value import chain_rule, run_backward

# -- topological order ------------------------------------------------------------------


def test_the_order_is_every_node_sorted_by_creation_stamp():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = Value.sum([c, a, b])
    e = d.relu() + c
    order = topological_order(e)
    assert order == sorted(reachable(e), key=lambda n: n._seq)
    assert len(order) == 6 and order[:2] == [a, b] and order[-1] is e  # a, b, c, d, relu, e
    for node in order:  # each node after all of its parents
        assert all(order.index(p) < order.index(node) for p in node.parents)


def test_tensors_walk_only_through_what_requires_grad():
    w = twingrad.ones(2, requires_grad=True)
    x = twingrad.ones(2) * 3  # data: no gradient goes to it or beyond it
    y = (w * x).sum()
    wanted = topological_order(y, where=lambda t: t.requires_grad)
    assert wanted == [w, y._prev[0], y]
    assert any(t is x for t in topological_order(y))


def test_a_deep_graph_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(50_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


# -- the scalar engine's step -----------------------------------------------------------


def _bridge_node(rule_name: str, *parents: Value, **params) -> Value:
    """A Value made by any elementwise rule, as the bridge makes them."""
    rule = RULES[rule_name]
    data = rule.forward(*[p.data for p in parents], **params)
    return Value(float(data), "", rule, parents, params or None)


def random_graph(rng: random.Random):
    leaves = [Value(rng.uniform(-2.0, 2.0), label=f"x{i}") for i in range(3)]
    nodes = list(leaves)
    for _ in range(30):
        x, y = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(11)
        if kind == 0:
            z = x * y
        elif kind == 1:
            z = x + y - x
        elif kind == 2:
            z = Value.sum([x, y, x])
        elif kind == 3:
            z = (x * 0.3).tanh() / (y * y + 1.0)
        elif kind == 4:
            z = -x.relu() + abs(y) ** 2
        elif kind == 5:
            z = _bridge_node("floor", x)  # a derivative the rule declares 0
        elif kind == 6:
            z = _bridge_node("where", Value(float(rng.random() < 0.5)), x, y)  # no gradient to
        elif kind == 7:
            z = _bridge_node("clamp", x, min=-0.5, max=0.5)  # the condition; keyword parameters
        elif kind == 8:
            z = _bridge_node("maximum", x, y)
        elif kind == 9:
            z = _bridge_node("frac", x)  # a constant derivative of 1
        else:
            z = (x * 0.1).exp() * float("inf") if rng.random() < 0.1 else x.sigmoid()
        nodes.append(z)
    return nodes, Value.sum(nodes[3:])


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (
        a == b and math.copysign(1, a) == math.copysign(1, b)
    )


@pytest.mark.parametrize("seed", range(20))
def test_the_speed_paths_compute_exactly_what_the_traced_loop_computes(seed):
    nodes, out = random_graph(random.Random(seed))
    out.backward()
    fast = [n.grad for n in nodes]
    for n in nodes:
        n.grad = 0.0
    steps = []
    run_backward(out, trace=steps.append)  # traced: every node through the general loop
    assert steps and all(_same(a, n.grad) for a, n in zip(fast, nodes))


def test_a_zero_derivative_sends_zero_even_with_an_infinite_gradient():
    x = Value(1.5)
    y = _bridge_node("floor", x) * float("inf")
    y.backward()
    assert x.grad == 0.0


def test_the_trace_reports_each_chain_rule_step():
    a = Value(3.0, label="a")
    b = Value(2.0, label="b")
    y = a * b + a
    steps: list[Step] = []
    run_backward(y, trace=steps.append)
    rows = [
        (s.node.op, s.index, s.parent.label, s.upstream, s.local, s.contribution) for s in steps
    ]
    assert rows == [
        ("add", 0, "", 1.0, 1, 1.0),
        ("add", 1, "a", 1.0, 1, 1.0),
        ("mul", 0, "a", 1.0, 2.0, 2.0),
        ("mul", 1, "b", 1.0, 3.0, 3.0),
    ]
    assert [(s.before, s.after) for s in steps if s.parent is a] == [(0.0, 1.0), (1.0, 3.0)]
    assert (a.grad, b.grad) == (3.0, 3.0)


def test_the_driver_runs_the_engines_step_on_each_node_last_first():
    a = Value(1.0)
    y = (a * 2.0).exp()
    seen = []
    graph.backward(topological_order(y), lambda node, trace: seen.append(node))
    assert seen == topological_order(y)[::-1]
    y.grad = 1.0
    graph.backward(topological_order(y), chain_rule)
    assert a.grad == pytest.approx(2 * math.exp(2.0))


# -- the tensor engine ------------------------------------------------------------------


def test_the_tensor_pass_traces_shares_with_broadcasting_undone():
    w = twingrad.ones(3, requires_grad=True)
    x = twingrad.ones(2, 3) * 2
    y = (x * w).sum()
    steps: list[Step] = []
    grads = tensor_backward([y], [np.array(1.0, np.float32)], True, False, trace=steps.append)
    mul = [s for s in steps if s.parent is w][0]
    assert mul.vjp.shape == (2, 3) and mul.contribution.shape == (3,)
    assert np.array_equal(mul.local, x._data) and mul.before is None
    assert np.array_equal(grads[w], mul.after) and np.array_equal(grads[w], [4.0, 4.0, 4.0])


def test_the_create_graph_pass_gives_the_array_pass_gradients_as_tensors():
    x = twingrad.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = ((x * x).exp() / (x + 3)).sum()
    seed = np.array(1.0, np.float32)
    arrays = tensor_backward([y], [seed], True, False)
    tensors = tensor_backward([y], [twingrad.tensor(1.0)], True, True)
    assert isinstance(tensors[x], twingrad.Tensor) and tensors[x].requires_grad
    assert np.allclose(tensors[x]._data, arrays[x], rtol=1e-6)


def test_an_op_on_a_parameter_gives_a_tensor():
    p = nn.Parameter(twingrad.ones(2))
    assert type(p * 2) is twingrad.Tensor and type(p.exp()) is twingrad.Tensor
