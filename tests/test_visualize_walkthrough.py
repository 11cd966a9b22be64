"""walkthrough(): the backward pass step by step, equal to what backward() computes."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

import twingrad
from twingrad import Value
from twingrad.rules import RULES
from twingrad.scalar import MLP
from twingrad.visualize import Walkthrough, walkthrough


def expression():
    a = Value(-4.0, label="a")
    b = Value(3.0, label="b")
    c = a + b
    c.label = "c"
    d = a * b + b**3
    d.label = "d"
    e = (d - c).relu() + (c / d).tanh()
    e.label = "e"
    return a, b, c, d, e


def random_expression(rng: random.Random, leaves: int = 3, ops: int = 12):
    """A random graph over a few leaves with fan-out: every node may be reused."""
    nodes = [Value(rng.uniform(0.5, 2.0), label=f"x{i}") for i in range(leaves)]
    for _ in range(ops):
        x, y = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(8)
        if kind == 0:
            z = x + y
        elif kind == 1:
            z = x * y
        elif kind == 2:
            z = x - y
        elif kind == 3:
            z = x / (y * y + 1.0)
        elif kind == 4:
            z = x.tanh()
        elif kind == 5:
            z = (x * 0.1).exp()
        elif kind == 6:
            z = x**2
        else:
            z = Value.sum([x, y, x])
        nodes.append(z)
    return nodes[:leaves], Value.sum(nodes[leaves:])


# -- Values ---------------------------------------------------------------------------


def test_final_gradients_equal_backward_exactly_on_the_demo_expression():
    a, b, c, d, e = expression()
    walk = walkthrough(e)
    e.backward()
    for node in (a, b, c, d):
        assert walk.grad(node) == node.grad
    assert round(walk.grad(a), 4) == 2.0796 and round(walk.grad(b), 4) == 22.1681


@pytest.mark.parametrize("seed", range(25))
def test_final_gradients_equal_backward_exactly_on_random_graphs(seed):
    leaves, out = random_expression(random.Random(seed))
    walk = walkthrough(out)
    out.backward()
    assert walk.leaves()  # the random leaves it uses, and constants
    for x in walk.leaves():
        assert walk.grad(x) == x.grad
    for x in leaves:
        if x not in walk.leaves():  # not used by the random graph: no gradient reaches it
            assert walk.grad(x) is None and x.grad == 0.0


def test_an_mlp_loss_walks_to_the_same_gradients_as_backward():
    random.seed(3)
    model = MLP(3, [4, 4, 1])
    x = [Value(v) for v in (0.5, -1.0, 2.0)]
    loss = (model(x) - 1.0) ** 2
    walk = walkthrough(loss, model=model)
    loss.backward()
    assert [walk.grad(p) for p in model.parameters()] == [p.grad for p in model.parameters()]
    assert "layers.0.neurons.0.w.0" in str(walk)


def test_exact_fractions_walk_exactly():
    a, b = Value(Fraction(1, 3), label="a"), Value(Fraction(-2, 5), label="b")
    out = a * b / (a + b) + a * a
    walk = walkthrough(out)
    out.backward()
    assert walk.grad(a) == a.grad == Fraction(110, 3) and walk.grad(b) == b.grad == 25
    assert str(walk).endswith("Gradients: a = 110/3, b = 25")


def test_each_row_holds_the_rule_tables_formula_and_the_numbers_multiplied():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    (first, second) = walkthrough(c).steps
    assert (first.node, first.parent, first.arg) == (c, a, "a")
    assert first.formula == RULES["mul"].formula(0) == "d(a * b)/da = b"
    assert first.formula_latex == RULES["mul"].formula_latex(0)
    assert (first.upstream, first.local, first.contribution) == (1.0, -3.0, -3.0)
    assert (first.before, first.after) == (None, -3.0)
    assert (second.parent, second.local, second.after) == (b, 2.0, 2.0)


def test_fan_out_shows_as_several_rows_adding_into_one_gradient():
    a = Value(3.0, label="a")
    y = a * a + a
    y.label = "y"
    rows = [s for s in walkthrough(y).steps if s.parent is a]
    assert [(s.before, s.contribution, s.after) for s in rows] == [
        (None, 1.0, 1.0),  # from y = n1 + a
        (1.0, 3.0, 4.0),  # from n1 = a * a, first argument
        (4.0, 3.0, 7.0),  # ... second argument
    ]
    text = str(walkthrough(y))
    assert "0 + 1.0000 = 1.0000" in text
    assert "1.0000 + 3.0000 = 4.0000" in text and "4.0000 + 3.0000 = 7.0000" in text


def test_rows_come_in_reverse_topological_order():
    *_, e = expression()
    walk = walkthrough(e)
    stamps = [s.node._seq for s in walk.steps]
    assert stamps == sorted(stamps, reverse=True)
    assert walk.steps[0].node is e


def test_the_graph_is_left_as_it_was():
    a, b, c, d, e = expression()
    walkthrough(e)
    assert [n.grad for n in (a, b, c, d, e)] == [0.0] * 5


def test_terminal_text_names_columns_and_gradients():
    *_, e = expression()
    walk = walkthrough(e)
    lines = str(walk).splitlines()
    assert lines[0] == "Backward pass of e, seeded with de/de = 1"
    assert lines[1].split() == (
        "# node op to local derivative upstream x local contribution grad of to".split()
    )
    assert lines[2].split()[:4] == ["1", "e", "a", "+"]
    assert "d(tanh(x))/dx = 1 - tanh(x)^2" in str(walk)
    assert lines[-1] == "Gradients: a = 2.0796, b = 22.1681"
    assert repr(walk) == str(walk)


def test_jupyter_gets_an_html_table_with_latex_and_markdown():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    walk = walkthrough(a * b)
    html = walk._repr_html_()
    assert html.count("<tr>") == 3 and "<th>local derivative</th>" in html  # head, 2 rows
    assert r"<td>\(\frac{\partial (a \cdot b)}{\partial a} = b\)</td>" in html
    md = walk._repr_markdown_()
    assert r"| $\frac{\partial (a \cdot b)}{\partial b} = a$ |" in md
    assert md.splitlines()[2].startswith("| # | node | op |")


def test_one_drawing_per_step_with_the_step_highlighted():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    drawings = list(walkthrough(c).drawings(rankdir="TB"))
    assert len(drawings) == 2
    first, second = (d.source for d in drawings)
    assert 'rankdir="TB"' in first
    highlighted = [line.split()[0] for line in first.splitlines() if "penwidth" in line]
    assert highlighted == ["n0", "n2"]  # a receives from c
    assert "<td>grad -3.0000</td>" in first and "<td>grad -</td>" in first  # b: not yet
    assert "<td>grad 2.0000</td>" in second and "<td>grad -</td>" not in second
    assert drawings[0].svg().startswith("<?xml")


def test_a_leaf_alone_has_no_steps():
    a = Value(2.0, label="a")
    walk = walkthrough(a)
    assert walk.steps == [] and walk.grad(a) == 1.0
    assert "(no steps" in str(walk)


# -- Tensors ----------------------------------------------------------------------------


def linear_relu():
    twingrad.manual_seed(0)
    W = twingrad.randn(4, 3, requires_grad=True)
    b = twingrad.randn(3, requires_grad=True)
    x = twingrad.randn(8, 4)
    x.name = "x"
    loss = ((x @ W + b).relu() * 2).mean()
    return W, b, x, loss


def test_tensor_gradients_equal_backward_exactly():
    W, b, x, loss = linear_relu()
    walk = walkthrough(loss, params={"W": W, "b": b})
    loss.backward()
    assert np.array_equal(walk.grad(W), W.grad._data)
    assert np.array_equal(walk.grad(b), b.grad._data)
    assert walk.grad(x) is None  # x does not require grad


def test_tensor_rows_spell_out_vectorized_formulas_and_shapes():
    W, b, x, loss = linear_relu()
    walk = walkthrough(loss, params={"W": W, "b": b})
    matmul = [s for s in walk.steps if s.node._op.name == "matmul"][0]
    assert matmul.formula == "grad_W = x^T @ grad_out"
    assert matmul.shapes == "(4, 3) = (4, 8) @ (8, 3)"
    add_b = [s for s in walk.steps if s.parent is b][0]
    assert add_b.formula == "grad_b = grad_out"
    assert add_b.broadcast == "sum over axes (0,) (broadcast): (8, 3) -> (3,)"
    times_two = [s for s in walk.steps if s.node._op.name == "mul"][0]
    assert times_two.formula.endswith("= grad_out * (2)")  # the constant by its value
    relu = [s for s in walk.steps if s.node._op.name == "relu"][0]
    assert relu.shapes == "(8, 3) = (8, 3) * (8, 3)"
    text = str(walk)
    assert text.splitlines()[0] == "Backward pass of n8 (), seeded with grad_out = 1"
    assert "; sum over axes (0,) (broadcast): (8, 3) -> (3,)" in text
    assert text.splitlines()[-1].startswith("Gradients: W (4, 3) norm ")
    assert "<code>grad_W = x^T @ grad_out</code>" in walk._repr_html_()


def test_a_non_scalar_output_needs_a_gradient_as_backward_does():
    x = twingrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    with pytest.raises(RuntimeError, match=r"shape \(3,\) needs gradient="):
        walkthrough(y)
    seed = twingrad.tensor([1.0, 0.5, 0.0])
    walk = walkthrough(y, gradient=seed)
    y.backward(seed)
    assert np.array_equal(walk.grad(x), x.grad._data)


def test_tensor_drawings_show_the_gradients_so_far():
    W, b, x, loss = linear_relu()
    walk = walkthrough(loss, params={"W": W, "b": b})
    drawings = list(walk.drawings())
    assert len(drawings) == len(walk.steps) == 6
    assert "grad norm" not in drawings[0].source.split("<b>W</b>")[1].split("];")[0]
    assert "grad norm" in drawings[-1].source.split("<b>W</b>")[1].split("];")[0]


def test_walkthrough_refuses_other_things():
    with pytest.raises(TypeError, match="walkthrough\\(\\) takes a Value or a Tensor, got list"):
        walkthrough([1.0])


def test_walkthrough_is_reachable_from_the_package():
    assert twingrad.walkthrough is walkthrough
    assert isinstance(walkthrough(Value(1.0)), Walkthrough)


def test_long_walkthroughs_show_the_first_rows_and_say_how_many_are_left_out():
    x = Value(0.5, label="x")
    y = x
    for _ in range(300):
        y = y.tanh()
    walk = walkthrough(y)
    assert len(walk.steps) == 300
    text = str(walk).splitlines()
    assert text[201].split()[0] == "200"  # heading, column titles, then rows 1..200
    assert text[202] == (
        " ... and 100 more steps (all 300 are in .steps; set .max_rows = None to show them all)"
    )
    assert walk._repr_html_().count("<tr>") == 201
    assert "100 more steps" in walk._repr_markdown_()
    walk.max_rows = None
    assert len(str(walk).splitlines()) == 2 + 300 + 2
    y.backward()
    assert walk.grad(x) == x.grad


def test_an_nn_model_names_parameters_and_linear_rows_show_their_shapes():
    from twingrad import nn

    twingrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1))
    x = twingrad.randn(5, 3)
    x.name = "x"
    loss = (model(x) ** 2).mean()
    walk = walkthrough(loss, model=model)
    loss.backward()
    for name, p in model.named_parameters():
        assert np.array_equal(walk.grad(p), p.grad._data), name
    first = [s for s in walk.steps if s.parent is model[0].weight][0]
    assert first.formula == "grad_0.weight = grad_out^T @ x (summed over the batch)"
    assert first.shapes == "(8, 3) = (8, 5) @ (5, 3)"
    square = [s for s in walk.steps if s.node._op.name == "pow"][0]
    assert square.formula == "grad_n7 = grad_out * (2 * n7^(2-1))"  # c = 2 filled in
    src = twingrad.draw(loss, model=model).source
    assert "<b>0.weight</b></td><td>(8, 3) float32</td>" in src
    assert 'label="0 (Linear)"' in src and 'label="2 (Linear)"' in src
