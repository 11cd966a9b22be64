"""The scalar engine's backward pass and memory: deep chains, shared nodes, accumulation,
no reference cycles; and the micrograd-style Neuron, Layer and MLP built on it."""

from __future__ import annotations

import gc
import math
import sys
import weakref

import pytest
import torch

from twingrad import Value
from twingrad.scalar import MLP, Layer, Neuron


def test_a_chain_of_a_million_ops_backprops_without_recursion():
    limit = sys.getrecursionlimit()
    assert limit < 1_000_000  # a recursive topological sort could not get through
    # The graph holds no cycles (see the tests below), so the cyclic collector has nothing
    # to find; left on, it rescans the growing chain and triples the build time.
    gc.disable()
    try:
        x = Value(1.5)
        y = x * 3.0
        for _ in range(999_999):  # 1,000,000 ops in all: an odd number of negations
            y = -y
        y.backward()
        assert (y.data, x.grad) == (-4.5, -3.0)
        del y
    finally:
        gc.enable()
    assert sys.getrecursionlimit() == limit


def test_leaf_gradients_accumulate_across_backward_calls_as_in_pytorch():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1 = 7
    y.backward()
    assert x.grad == 7.0
    y.backward()
    assert x.grad == 14.0


def test_intermediate_gradients_are_kept_and_recomputed_not_accumulated():
    x = Value(2.0)
    z = x * x
    y = z * 3.0
    y.backward()
    assert (z.grad, y.grad, x.grad) == (3.0, 1.0, 12.0)  # dy/dz = 3, dy/dx = 6x
    y.backward()
    assert (z.grad, y.grad, x.grad) == (3.0, 1.0, 24.0)


def test_two_outputs_sharing_a_leaf_add_their_gradients_into_it():
    x = Value(0.5)
    (x * 4.0).backward()
    x.exp().backward()
    assert x.grad == 4.0 + math.exp(0.5)


def test_backward_takes_a_seed_gradient():
    x = Value(3.0)
    (x * x).backward(2.5)  # 2.5 * d(x^2)/dx = 2.5 * 6
    assert x.grad == 15.0


def test_backward_of_a_leaf_gives_one():
    x = Value(-2.0)
    x.backward()
    assert x.grad == 1.0


def test_diamond_sums_both_paths():
    # d = b * c with b = 2a and c = a + 1: d = 2a^2 + 2a, dd/da = 4a + 2
    a = Value(3.0)
    b = a * 2.0
    c = a + 1.0
    d = b * c
    d.backward()
    assert (d.data, a.grad, b.grad, c.grad) == (24.0, 14.0, 4.0, 6.0)


def test_a_node_reused_many_times_collects_every_use():
    x = Value(1.25)
    total = Value.sum([x * k for k in range(1, 1001)])  # d/dx = 1 + ... + 1000
    total.backward()
    assert x.grad == 500_500.0

    u = Value(0.3)
    e = u.exp()
    Value.sum([e] * 50).backward()  # one exp node, 50 edges into the sum
    assert e.grad == 50.0
    assert u.grad == pytest.approx(50 * math.exp(0.3), rel=1e-15)


def test_a_long_add_chain_on_one_node():
    x = Value(2.0)
    y = x
    for _ in range(99):
        y = y + x
    y.backward()
    assert (y.data, x.grad) == (200.0, 100.0)


def test_x_times_itself_uses_both_edges():
    x = Value(-1.5)
    (x * x * x).backward()  # 3x^2
    assert x.grad == 6.75


def test_a_deep_shared_graph_takes_linear_not_exponential_time():
    # Each level uses the one below twice: walking every path would visit 2^60 of them.
    x = Value(1.0)
    y = x
    for _ in range(60):
        y = y * 0.5 + y * 0.5
    y.backward()
    assert (y.data, x.grad) == (1.0, 1.0)


def test_gradients_match_pytorch_on_a_mixed_graph():
    def f(a, b, c):
        h = (a * b).tanh() + (c - a).sigmoid() * b
        return (h * h + 1.0).log() / (abs(c) + 2.0) + (a**3).relu() - b.sin() * c.exp()

    xs = (0.7, -1.3, 0.4)
    values = [Value(x) for x in xs]
    f(*values).backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    f(*tensors).backward()
    for v, t in zip(values, tensors):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-14, abs=1e-15)


# -- memory ----------------------------------------------------------------------------------


def _all_nodes(root: Value) -> list[Value]:
    seen, stack = {id(root): root}, [root]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen[id(parent)] = parent
                stack.append(parent)
    return list(seen.values())


def test_a_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()  # whatever is freed now was not held by a reference cycle
    try:
        x, w = Value(0.5, label="x"), Value(-2.0, label="w")
        y = Value.sum([(x * w).tanh(), x.exp() / (w**2), abs(w).relu(), 3**x])
        y.backward()
        nodes = _all_nodes(y)
        assert len(nodes) == 12  # x, w, the constant 3 and 9 op nodes
        refs = [weakref.ref(n) for n in nodes]
        del x, w, y, nodes
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()


def test_a_model_and_its_graph_are_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        model = MLP(3, [4, 1])
        out = model([Value(1.0), Value(-1.0), Value(0.5)])
        out.backward()
        refs = [weakref.ref(n) for n in _all_nodes(out)]
        del model, out
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()


# -- Neuron, Layer, MLP ------------------------------------------------------------------------


def test_parameter_counts():
    assert len(Neuron(5).parameters()) == 6  # 5 weights and a bias
    assert len(Layer(3, 4).parameters()) == 4 * (3 + 1)
    assert len(MLP(3, [4, 4, 1]).parameters()) == 4 * 4 + 4 * 5 + 1 * 5  # = 41


def test_parameters_are_distinct_values():
    params = MLP(2, [3, 2]).parameters()
    assert len({id(p) for p in params}) == len(params) == 3 * 3 + 2 * 4
    assert all(p.op == "" for p in params)


def _set_weights(model: MLP, numbers) -> None:
    for p, value in zip(model.parameters(), numbers, strict=True):
        p.data = value


def _by_hand(weights_and_biases, x, activations):
    """One layer after another: each neuron is w . x + b, then relu where asked."""
    for layer, relu in zip(weights_and_biases, activations):
        x = [sum(w * xi for w, xi in zip(ws, x)) + b for ws, b in layer]
        x = [max(v, 0.0) for v in x] if relu else x
    return x


def test_mlp_output_equals_a_hand_computation_from_its_weights():
    model = MLP(2, [3, 1])
    # Dyadic numbers: every product and sum below is exact in float64, so == holds.
    hidden = [([0.5, -1.25], 0.25), ([-0.75, 0.5], -0.5), ([1.5, 0.25], 0.0)]
    last = [([1.0, -2.0, 0.5], 0.125)]
    _set_weights(model, [v for ws, b in hidden + last for v in (*ws, b)])
    x = [2.0, -1.0]
    out = model([Value(v) for v in x])
    # hidden: relu(2.5) = 2.5, relu(-2.5) = 0, relu(2.75) = 2.75; out: 2.5 + 1.375 + 0.125
    assert out.data == _by_hand([hidden, last], x, [True, False])[0] == 4.0


def test_mlp_gradients_match_the_same_network_in_pytorch():
    model = MLP(3, [4, 4, 1])
    out = model([Value(0.3), Value(-1.2), Value(0.8)])
    out.backward()

    ws = [torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in model.parameters()]
    it = iter(ws)
    x = [torch.tensor(v, dtype=torch.float64) for v in (0.3, -1.2, 0.8)]
    for layer in model.layers:
        y = []
        for n in layer.neurons:
            act = sum(next(it) * xi for xi in x) + next(it)  # weights, then the bias
            y.append(act.relu() if n.nonlin else act)
        x = y
    x[0].backward()
    assert out.data == pytest.approx(x[0].item(), rel=1e-15)
    for p, t in zip(model.parameters(), ws):
        assert p.grad == pytest.approx(t.grad.item(), rel=1e-14, abs=1e-15)


def test_the_last_layer_is_linear_and_the_others_relu():
    model = MLP(2, [3, 3, 1])
    assert [n.nonlin for layer in model.layers for n in layer.neurons] == [True] * 6 + [False]


def test_zero_grad_clears_every_parameter_gradient():
    model = MLP(3, [4, 1])
    _set_weights(model, [0.5] * len(model.parameters()))  # all hidden units active
    model([Value(1.0), Value(2.0), Value(3.0)]).backward()
    assert all(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert [p.grad for p in model.parameters()] == [0.0] * 21
