"""draw(): what each node shows, the options a teacher needs, determinism, big graphs."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

import twingrad
from twingrad import Value
from twingrad.scalar import MLP
from twingrad.visualize import draw


def expression():
    """micrograd's demo expression; returns (a, b, c, e) after backward."""
    a = Value(-4.0, label="a")
    b = Value(3.0, label="b")
    c = a + b
    c.label = "c"
    d = a * b + b**3
    d.label = "d"
    e = (d - c).relu() + (c / d).tanh()
    e.label = "e"
    e.backward()
    return a, b, c, e


def node_line(source: str, node_id: str) -> str:
    (line,) = [s for s in source.splitlines() if s.strip().startswith(f"{node_id} [")]
    return line


class TinyNet:
    """What draw() needs of an nn.Module: named_parameters() and named_modules()."""

    def __init__(self):
        twingrad.manual_seed(0)
        self.weight = twingrad.randn(3, 4, requires_grad=True)
        self.bias = twingrad.zeros(4, requires_grad=True)
        self.weight2 = twingrad.randn(4, 1, requires_grad=True)

    def named_parameters(self):
        yield "hidden.weight", self.weight
        yield "hidden.bias", self.bias
        yield "out.weight", self.weight2

    def named_modules(self):
        return [("", self), ("hidden", self), ("out", self)]

    def __call__(self, x):
        return (x @ self.weight + self.bias).relu() @ self.weight2


def tiny_loss():
    net = TinyNet()
    x = twingrad.ones(5, 3)
    x.name = "x"
    loss = (net(x) ** 2).mean()
    loss.backward()
    return net, x, loss


# -- Values ---------------------------------------------------------------------------


def test_value_nodes_show_label_data_and_grad_and_op_nodes_show_the_op():
    a, b, c, e = expression()
    src = draw(e).source
    assert "<b>a</b></td><td>data -4.0000</td><td>grad 2.0796</td>" in node_line(src, "n0")
    assert "<b>c</b></td><td>data -1.0000</td><td>grad -0.9336</td>" in node_line(src, "n2")
    assert 'n2op [label="a + b", shape="ellipse"]' in src
    assert 'n4op [label="x ** 3", shape="ellipse"]' in src  # the op's parameter filled in
    assert "n2op -> n2;" in src
    # unlabelled Values are named by their topological position, in grey
    assert '<font color="#777777">n3</font>' in node_line(src, "n3")


def test_edges_name_the_arguments_so_a_minus_b_differs_from_b_minus_a():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    src = draw(a - b).source
    assert 'n0 -> n2op [label="a"];' in src and 'n1 -> n2op [label="b"];' in src
    src = draw(b - a).source
    assert 'n1 -> n2op [label="a"];' in src and 'n0 -> n2op [label="b"];' in src


def test_show_grad_false_hides_gradients():
    *_, e = expression()
    src = draw(e, show_grad=False).source
    assert "<td>grad" not in src and "<td>data 15.9334</td>" in src


def test_rankdir_and_its_errors():
    *_, e = expression()
    assert 'graph [rankdir="TB"' in draw(e, rankdir="TB").source
    assert 'graph [rankdir="LR"' in draw(e).source
    with pytest.raises(ValueError, match="rankdir must be one of LR, TB, RL, BT, got 'td'"):
        draw(e, rankdir="td")


def test_highlight_marks_exactly_the_nodes_given():
    a, b, c, e = expression()
    src = draw(e, highlight=[c, a]).source
    highlighted = [line.split()[0] for line in src.splitlines() if "penwidth" in line]
    assert highlighted == ["n0", "n2"]
    assert 'bgcolor="#ffd54f"' in node_line(src, "n2")


def test_the_output_is_green_and_named_parameters_blue():
    random.seed(0)
    model = MLP(2, [1])
    out = model([Value(1.0), Value(2.0)])
    d = draw(out, model=model)
    assert 'bgcolor="#c8e6c9"' in node_line(d.source, f"n{d.nodes - 1}")
    src = d.source
    assert '<td bgcolor="#cfe8ff"><b>layers.0.neurons.0.w.0</b></td>' in src


def test_model_groups_nodes_in_a_cluster_per_module():
    random.seed(0)
    model = MLP(2, [2, 1])
    loss = (model([Value(1.0), Value(-1.0)]) - 1.0) ** 2
    src = draw(loss, model=model).source
    clusters = re.findall(r'label="([^"]+)", style="rounded,filled"', src)
    assert clusters == [
        "layers.0.neurons.0 (Neuron)",
        "layers.0.neurons.1 (Neuron)",
        "layers.1.neurons.0 (Neuron)",
    ]


def test_the_same_graph_draws_the_same_text_every_time():
    first = draw(expression()[-1]).source
    assert draw(expression()[-1]).source == first  # a new graph, the same picture
    *_, e = expression()
    assert draw(e).source == draw(e).source == first
    assert "id(" not in first and re.search(r"\b\d{9,}\b", first) is None


def test_deeper_than_the_recursion_limit():
    x = Value(0.5, label="x")
    y = x
    for _ in range(5000):
        y = y * 1.0001
    full = draw(y, max_nodes=None)
    assert full.nodes == 10001  # x, 5,000 constants, 5,000 products
    assert len(re.findall(r"^  n\d+op \[label=", full.source, flags=re.M)) == 5000
    d = draw(y)
    assert d.note == (
        "10,001 nodes is more than max_nodes=150: the 149 nearest the output are drawn, "
        "the other 9,852 are summarized in one node"
    )
    assert "<b>... 9,852 more nodes</b>" in d.source
    assert "<td>mul x4,925</td></tr><tr><td>4,927 leaves</td>" in d.source
    assert "more -> n9852op;" in d.source  # one edge from the summary, unlabelled
    # 149 Values (75 of them products, each with its op oval) and the summary node
    assert d.svg().count('<g id="node') == 149 + 75 + 1


def test_collapse_by_module_names_modules_ops_and_parameters():
    random.seed(0)
    model = MLP(2, [4, 4, 1])
    loss = (model([Value(1.0), Value(-1.0)]) - 1.0) ** 2
    d = draw(loss, model=model, max_nodes=14)
    assert d.note == (
        f"{d.nodes} nodes is more than max_nodes=14: each of the 9 modules is drawn as one box"
    )
    assert "<b>layers.0.neurons.0 (Neuron)</b>" in d.source
    assert "7 nodes: mul x2, add_n x1, relu x1" in d.source
    assert "3 parameters" in d.source
    # Too many modules for the limit: they merge into their layers
    d = draw(loss, model=model, max_nodes=13)
    assert "each of the 3 modules is drawn as one box" in d.note
    assert "<b>layers.1 (Layer)</b>" in d.source


# -- Tensors ----------------------------------------------------------------------------


def test_tensor_nodes_show_name_or_op_shape_dtype_preview_and_grad_norm():
    net, x, loss = tiny_loss()
    src = draw(loss, model=net).source
    w = node_line(src, "n0")
    assert "<b>hidden.weight</b></td><td>(3, 4) float32</td>" in w
    preview = ", ".join(f"{v:.4g}" for v in net.weight._data.reshape(-1)[:3])
    assert f"[{preview}, ...]" in w
    norm = float(np.sqrt(np.sum(net.weight.grad._data.astype(np.float64) ** 2)))
    assert f"grad norm {norm:.4f}" in w
    assert "<b>x</b></td><td>(5, 3) float32</td>" in src
    assert "<b>matmul</b></td><td>(5, 4) float32</td>" in src
    assert "<b>mean</b></td><td>() float32</td>" in src


def test_parameter_names_from_a_mapping_or_from_the_model_agree():
    net, x, loss = tiny_loss()
    by_model = draw(loss, model=net).source
    by_mapping = draw(loss, params=dict(net.named_parameters())).source
    for node_id in ("n0", "n1", "n4"):
        assert node_line(by_model, node_id) == node_line(by_mapping, node_id)
    assert "<b>hidden.bias</b>" in node_line(by_model, "n1")
    # the model also knows its modules' classes, which label the clusters
    assert 'label="hidden (TinyNet)"' in by_model and 'label="hidden"' in by_mapping


def test_a_model_without_parameters_is_refused_with_a_hint():
    *_, e = expression()
    with pytest.raises(TypeError, match=r"named_parameters\(\) or parameters\(\), got int"):
        draw(e, model=3)


def test_backward_view_shows_grad_fns_and_what_they_saved():
    net, x, loss = tiny_loss()
    src = draw(loss, model=net, view="backward").source
    assert "<b>MmBackward0</b>" in src and "<b>MeanBackward0</b>" in src
    assert "<td>a: x (5, 3)</td><td>b: hidden.weight (3, 4)</td>" not in src  # one per row
    assert "<tr><td>b: hidden.weight (3, 4)</td></tr>" in src
    assert "<tr><td>c = 2</td></tr>" in src  # PowBackward0 saved the exponent
    assert src.count('label="AccumulateGrad"') == 3  # one per parameter
    assert "x (5, 3)" in src and "<b>x</b>" not in src  # x needs no grad: no node
    scalar = draw(expression()[-1], view="backward").source
    assert "<b>TanhBackward0</b>" in scalar and "<tr><td>x = -0.0667</td></tr>" in scalar


def test_bad_arguments_say_what_was_wrong():
    *_, e = expression()
    with pytest.raises(ValueError, match="view must be 'forward' or 'backward', got 'up'"):
        draw(e, view="up")
    with pytest.raises(ValueError, match="max_nodes must be at least 2"):
        draw(e, max_nodes=1)
    with pytest.raises(TypeError, match="draw\\(\\) takes a Value or a Tensor, got float"):
        draw(1.5)


def test_draw_is_reachable_from_the_package():
    assert twingrad.draw is draw
