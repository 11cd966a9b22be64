"""`draw`: a picture of the graph behind a Value or a Tensor.

Three views of the same graph:

- a **Value** graph in micrograd's style: a box per Value (its name, data and grad) and an
  oval per op, edges labelled with the op's argument names (``a``, ``b``) so that
  ``a - b`` and ``b - a`` differ;
- a **Tensor** graph: a box per tensor with its name (or op), shape, dtype, the first few
  values and the norm of its gradient; parameters named from the model;
- the **backward** view (``view="backward"``) in torchviz's style: one box per backward
  function (``MulBackward0``) listing what it saved for the backward pass, and
  ``AccumulateGrad`` where a gradient lands in a leaf.

Nodes are named ``n`` + their topological position, never ``id()``, so the same graph
always gives the same DOT text; all graph walks are iterative, so a chain 5,000 deep draws.

>>> from twingrad import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b; c.label = "c"
>>> c.backward()
>>> d = draw(c)
>>> "data 2.0000" in d.source and "grad -3.0000" in d.source
True
>>> import pathlib, tempfile
>>> d.save(pathlib.Path(tempfile.mkdtemp()) / "c.svg").read_text()[:5]
'<?xml'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from twingrad._tensor.grad_fn import GradFn
from twingrad.core.graph import topological_order
from twingrad.scalar import Value
from twingrad.visualize import collapse
from twingrad.visualize.dot import Dot, bold, escape, grey, html_table, mono
from twingrad.visualize.drawing import Drawing
from twingrad.visualize.labels import norm_text, number, op_text, preview, shape_text
from twingrad.visualize.naming import Namer

if TYPE_CHECKING:
    from twingrad.nn.module import Module
    from twingrad.scalar import nn as scalar_nn
    from twingrad.visualize.naming import Node, Params

RANKDIRS = ("LR", "TB", "RL", "BT")
VIEWS = ("forward", "backward")
MAX_NODES = 150  # past this a picture stops being readable on a screen

PARAMETER = "#cfe8ff"  # light blue, as torchviz colours parameters
CONSTANT = "#eeeeee"
OUTPUT = "#c8e6c9"
HIGHLIGHT = "#ffd54f"
HIGHLIGHT_BORDER = "#d84315"


def draw(
    root: Node,
    *,
    model: Module | scalar_nn.Module | None = None,
    params: Params | None = None,
    rankdir: str = "LR",
    show_grad: bool = True,
    highlight: Iterable[Node] = (),
    max_nodes: int | None = MAX_NODES,
    view: str = "forward",
    grads: Mapping[Node, object] | None = None,
) -> Drawing:
    """Draw the graph that computed ``root`` (a Value or a Tensor).

    - ``model``: a model whose ``named_parameters()`` name the parameters (and whose
      modules group the nodes); ``params``: a mapping (or pairs) of name -> parameter.
    - ``rankdir``: ``"LR"`` (left to right, the default) or ``"TB"`` (top down), or the
      reverses ``"RL"``, ``"BT"``.
    - ``show_grad``: show gradients (grad on Values, the grad's norm on Tensors).
    - ``highlight``: nodes to mark in colour.
    - ``max_nodes``: past this many nodes the graph collapses by module (when parameter
      names are known) or into a summary node, with a note saying so; None never collapses.
    - ``view``: ``"forward"`` (data flow), or ``"backward"`` (grad_fn boxes with what each
      saved for backward, as torchviz draws them).
    - ``grads``: gradients to show instead of ``.grad``, keyed by node (a walkthrough
      passes the gradients accumulated so far).

    >>> import twingrad
    >>> W = twingrad.ones(2, 3, requires_grad=True)
    >>> loss = (twingrad.ones(4, 2) @ W).sum()
    >>> "W" in draw(loss, params={"W": W}).source
    True
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if view not in VIEWS:
        raise ValueError(f"view must be 'forward' or 'backward', got {view!r}")
    if max_nodes is not None and max_nodes < 2:
        raise ValueError(f"max_nodes must be at least 2 (or None), got {max_nodes}")
    if not isinstance(root, Value) and not hasattr(root, "_data"):
        raise TypeError(f"draw() takes a Value or a Tensor, got {type(root).__name__}")
    order = topological_order(root)
    namer = Namer(root, model, params, order)
    if view == "backward":
        order = [n for n in order if n._op is not None or _requires_grad(n)]
    layout = collapse.plan(order, root, namer, max_nodes)
    style = _Style(
        namer=namer,
        root=root,
        show_grad=show_grad,
        highlight={id(n) for n in highlight},
        grads=None if grads is None else {id(k): v for k, v in grads.items()},
    )
    dot = Dot(rankdir=rankdir, title=layout.note)
    if view == "backward":
        _backward_view(dot, layout, style)
    elif isinstance(root, Value):
        _value_view(dot, layout, style)
    else:
        _tensor_view(dot, layout, style)
    return Drawing(dot.source(), note=layout.note, nodes=len(order))


class _Style:
    """What every view needs to know to draw one node."""

    def __init__(self, namer, root, show_grad, highlight, grads):
        self.namer, self.root, self.show_grad = namer, root, show_grad
        self.order = namer.order  # every node of the graph, topologically
        self.highlight, self.grads = highlight, grads

    def grad(self, node):
        if self.grads is None:
            return node.grad
        return self.grads.get(id(node))

    def fill(self, node) -> str | None:
        if id(node) in self.highlight:
            return HIGHLIGHT
        if node is self.root:
            return OUTPUT
        if self.namer.parameter(node):
            return PARAMETER
        if node._op is None and not isinstance(node, Value):
            return PARAMETER if node.requires_grad else CONSTANT
        return None

    def border(self, node) -> dict:
        if id(node) in self.highlight:
            return {"color": HIGHLIGHT_BORDER, "penwidth": "3"}
        return {}

    def title(self, node) -> str:
        given = self.namer.given(node)
        return bold(given) if given else grey(self.namer.id(node))


def _requires_grad(node) -> bool:
    return isinstance(node, Value) or bool(node.requires_grad)


def _arg_label(rule, i: int) -> str | None:
    """Edge labels tell arguments apart where their order matters to the reader."""
    if rule.variadic or len(rule.args) < 2:
        return None
    return rule.args[i]


def _draw_boxes(dot: Dot, layout) -> None:
    for box_id, title, lines in layout.boxes:
        rows = [[bold(title)], *([escape(line)] for line in lines)]
        dot.node(box_id, html_table(rows, fill="#e0e0e0"), shape="box3d", style="")


def _clusters(dot: Dot, layout, namer):
    """A cluster per module (when the whole graph is drawn); returns node -> cluster."""
    names = {}
    for key in dict.fromkeys(layout.clusters.values()):
        names[key] = f"c{len(names)}"
        cls = namer.modules.get(key)
        dot.cluster(names[key], f"{key} ({cls})" if cls else key)
    return lambda node: names.get(layout.clusters.get(id(node)))


class _Edges:
    """Edges between what is drawn, each once, in the order first seen."""

    def __init__(self, dot: Dot):
        self.dot, self.seen = dot, set()

    def add(self, tail: str, head: str, label: str | None = None) -> None:
        key = (tail, head, label)
        if tail != head and key not in self.seen:
            self.seen.add(key)
            self.dot.edge(tail, head, label=label)


def _connect(edges: _Edges, layout, order, tail_of, head_of, skip=lambda p: False) -> None:
    """Every edge parent -> child among drawn nodes and boxes."""
    for node in order:
        head_box = layout.unit.get(id(node))
        for i, p in enumerate(node._prev):
            if skip(p):
                continue
            tail_box = layout.unit.get(id(p))
            if head_box is not None:
                edges.add(tail_box or tail_of(p), head_box)
            elif tail_box is not None:  # which argument a box feeds is not shown
                edges.add(tail_box, head_of(node))
            else:
                edges.add(tail_of(p), head_of(node), _arg_label(node._op, i))


# -- the three views ---------------------------------------------------------------


def _value_view(dot: Dot, layout, style: _Style) -> None:
    namer = style.namer
    cluster_of = _clusters(dot, layout, namer)
    _draw_boxes(dot, layout)
    for node in layout.shown:
        nid = namer.id(node)
        cells = [style.title(node), f"data {number(node.data)}"]
        if style.show_grad:
            grad = style.grad(node)
            cells.append("grad -" if grad is None else f"grad {number(grad)}")
        cluster = cluster_of(node)
        dot.node(
            nid,
            html_table([[cells[0], *map(escape, cells[1:])]], fill=style.fill(node)),
            cluster=cluster,
            **style.border(node),
        )
        if node._op is not None:
            label = op_text(node._op, node._params)
            dot.node(f"{nid}op", label, cluster=cluster, shape="ellipse")
            dot.edge(f"{nid}op", nid)
    ops = [n for n in style.order if n._op is not None]
    _connect(_Edges(dot), layout, ops, namer.id, lambda node: f"{namer.id(node)}op")


def _tensor_view(dot: Dot, layout, style: _Style) -> None:
    namer = style.namer
    cluster_of = _clusters(dot, layout, namer)
    _draw_boxes(dot, layout)
    for node in layout.shown:
        given = namer.given(node)
        if given:
            title = bold(given)
        elif node._op is not None:
            title = bold(node._op.name)
        else:
            title = grey(namer.id(node))
        rows = [[title, escape(f"{shape_text(node.shape)} {node.dtype.name}")]]
        if given and node._op is not None:
            rows.append([escape(f"= {op_text(node._op, node._params)}")])
        rows.append([mono(preview(node._data))])
        if style.show_grad:
            grad = style.grad(node)
            if grad is not None:
                rows.append([escape(f"grad norm {norm_text(grad)}")])
        dot.node(
            namer.id(node),
            html_table(rows, fill=style.fill(node)),
            cluster=cluster_of(node),
            **style.border(node),
        )
    ops = [n for n in style.order if n._op is not None]
    _connect(_Edges(dot), layout, ops, namer.id, namer.id)


def _backward_view(dot: Dot, layout, style: _Style) -> None:
    """torchviz's picture: backward functions, what they saved, AccumulateGrad at leaves."""
    namer = style.namer
    cluster_of = _clusters(dot, layout, namer)
    _draw_boxes(dot, layout)
    for node in layout.shown:
        nid = namer.id(node)
        cluster = cluster_of(node)
        if node._op is None:
            rows = [[style.title(node)], [escape(_leaf_text(node))]]
            dot.node(nid, html_table(rows, fill=PARAMETER), cluster=cluster, **style.border(node))
            dot.node(f"{nid}acc", "AccumulateGrad", cluster=cluster, shape="box")
            dot.edge(nid, f"{nid}acc")
            continue
        rows = [[bold(GradFn(node).name())]]
        rows += [[escape(line)] for line in _saved_lines(node, namer)]
        dot.node(
            nid,
            html_table(rows, fill=HIGHLIGHT if id(node) in style.highlight else None),
            cluster=cluster,
            **style.border(node),
        )
    if id(style.root) not in layout.unit:
        rid = namer.id(style.root)
        rows = [[style.title(style.root)], [escape(_leaf_text(style.root))]]
        dot.node(f"{rid}out", html_table(rows, fill=OUTPUT))
        dot.edge(rid if style.root._op is not None else f"{rid}acc", f"{rid}out")

    def tail(p):
        return f"{namer.id(p)}acc" if p._op is None else namer.id(p)

    fns = [n for n in style.order if n._op is not None]
    _connect(_Edges(dot), layout, fns, tail, namer.id, skip=lambda p: not _requires_grad(p))


def _leaf_text(node) -> str:
    if isinstance(node, Value):
        return f"data {number(node.data)}"
    return f"{shape_text(node.shape)} {node.dtype.name}"


def _saved_lines(node, namer) -> list[str]:
    """What the backward of ``node`` reads: its inputs, its output and its parameters."""
    if isinstance(node, Value):
        rule = node._op
        names = rule.args
        if rule.variadic:
            names = [f"x_{i + 1}" for i in range(len(node._prev))]
        lines = [f"{a} = {number(p.data)}" for a, p in zip(names, node._prev)]
        lines.append(f"result = {number(node.data)}")
        lines += [f"{k} = {v}" for k, v in (node._params or {}).items()]
        return lines
    lines = []
    for key, value in GradFn(node).saved.items():
        if hasattr(value, "_data"):
            who = namer.given(value)
            who = f" {who}" if who else ""
            lines.append(f"{key}:{who} {shape_text(value.shape)}")
        else:
            lines.append(f"{key} = {value!r}")
    return lines
