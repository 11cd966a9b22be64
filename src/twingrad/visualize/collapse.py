"""Keeping big graphs readable: group nodes by module, or summarize past a node limit.

A graph of more than ``max_nodes`` nodes is drawn in one of two ways, and the picture
carries a note saying which:

- **by module**, when parameter names are known (``draw(loss, model=model)``): the nodes
  computed inside each module become one box naming the module, its ops and parameters. If
  there are still too many boxes, modules are merged into their parents (``layers.0.neurons.3``
  into ``layers.0``) until the picture fits;
- **summarized**: the ``max_nodes - 1`` nodes nearest the output are drawn and everything
  further away is folded into one node that counts what it holds.

Which module computed a node is inferred from the graph alone: a node belongs to the module
of the parameter it reads (directly, or through a transpose/reshape of it), and activations
(one-input elementwise ops without parameters) belong to the module of their input.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from twingrad.visualize.naming import Namer, module_of

if TYPE_CHECKING:
    from twingrad.visualize.naming import Node


@dataclass
class Plan:
    """What a drawing shows: nodes one by one, boxes standing for several, and a note."""

    shown: list  # nodes drawn individually, in topological order
    unit: dict = field(default_factory=dict)  # id(node) -> box id, for nodes not shown
    boxes: list = field(default_factory=list)  # (box id, title, detail lines), in order
    clusters: dict = field(default_factory=dict)  # id(shown node) -> module path
    note: str = ""


def module_groups(order: list[Node], namer: Namer) -> dict[int, str]:
    """``{id(node): module path}`` for the nodes whose module can be told (see above).

    >>> import random; random.seed(0)
    >>> from twingrad import Value; from twingrad.scalar import MLP
    >>> model = MLP(2, [2, 1]); out = model([Value(1.0), Value(2.0)]); namer = Namer(out, model)
    >>> sorted(set(module_groups(namer.order, namer).values()))
    ['layers.0.neurons.0', 'layers.0.neurons.1', 'layers.1.neurons.0']
    """
    names = namer.parameters
    group: dict[int, str] = {}
    pure: set[int] = set()  # parameters, and one-input ops of them (W.T, W.reshape(...))
    for node in order:
        nid = id(node)
        if nid in names:
            pure.add(nid)
            key = module_of(names[nid], namer.modules)
        elif node._op is None:
            continue
        else:
            prev = node._prev
            key = next((group.get(id(p)) for p in prev if id(p) in pure), None)
            if len(prev) == 1:
                if id(prev[0]) in pure:
                    pure.add(nid)
                if _is_activation(node):
                    key = key or group.get(id(prev[0]))
        if key:
            group[nid] = key
    # A scalar constant (the 2 of ``x * 2``) goes with the one module that uses it.
    users: dict[int, set] = {}
    for node in order:
        for p in node._prev:
            if p._op is None and id(p) not in names and _is_scalar(p):
                users.setdefault(id(p), set()).add(group.get(id(node)))
    for leaf, keys in users.items():
        if len(keys) == 1 and None not in keys:
            group[leaf] = next(iter(keys))
    return group


def _is_activation(node) -> bool:
    """relu, tanh, sigmoid...: they belong with the layer they follow (a loss's ``** 2``
    or ``mean`` does not)."""
    return node._op.elementwise and not node._params


def _is_scalar(node) -> bool:
    return getattr(node, "ndim", 0) == 0


def plan(order: list[Node], root: Node, namer: Namer, max_nodes: int | None) -> Plan:
    """Decide what to draw for the nodes of ``order`` (topological, ``root`` last).

    >>> from twingrad import Value
    >>> y = Value.sum([Value(float(i)) for i in range(20)]); namer = Namer(y)
    >>> p = plan(namer.order, y, namer, max_nodes=4); len(namer.order), len(p.shown)
    (21, 3)
    """
    groups = module_groups(order, namer) if namer.parameters else {}
    if max_nodes is None or len(order) <= max_nodes:
        return Plan(shown=order, clusters=groups)
    if groups:
        by_module = _collapse_by_module(order, groups, namer, max_nodes)
        if by_module is not None:
            return by_module
    return _summarize(order, root, max_nodes)


def _collapse_by_module(order, groups, namer, max_nodes) -> Plan | None:
    keys = dict(groups)
    while True:
        boxes = list(dict.fromkeys(keys[id(n)] for n in order if id(n) in keys))
        shown = [n for n in order if id(n) not in keys]
        if len(shown) + len(boxes) <= max_nodes:
            return _module_boxes(order, keys, boxes, shown, namer, max_nodes)
        # too many boxes still: merge each module into the module that holds it
        outer = {key: module_of(key, namer.modules) or key for key in boxes}
        if all(outer[key] == key for key in boxes):
            return None
        keys = {nid: outer[key] for nid, key in keys.items()}


def _module_boxes(order, keys, boxes, shown, namer, max_nodes) -> Plan:
    box_id = {key: f"m{i}" for i, key in enumerate(boxes)}
    members: dict[str, list] = {key: [] for key in boxes}
    for n in order:
        if id(n) in keys:
            members[keys[id(n)]].append(n)
    result = Plan(shown=shown, unit={nid: box_id[key] for nid, key in keys.items()})
    for key in boxes:
        cls = namer.modules.get(key)
        title = f"{key} ({cls})" if cls else key
        params = sum(1 for n in members[key] if namer.parameter(n))
        lines = [f"{len(members[key])} nodes: {_op_counts(members[key])}"]
        lines.append(f"{params} parameter{'s' if params != 1 else ''}")
        result.boxes.append((box_id[key], title, lines))
    result.note = (
        f"{len(order):,} nodes is more than max_nodes={max_nodes}: each of the "
        f"{len(boxes)} modules is drawn as one box"
    )
    return result


def _summarize(order, root, max_nodes) -> Plan:
    keep = max(max_nodes - 1, 1)
    kept = {id(root)}
    queue = deque([root])
    while queue and len(kept) < keep:
        for p in queue.popleft()._prev:
            if id(p) not in kept and len(kept) < keep:
                kept.add(id(p))
                queue.append(p)
    shown = [n for n in order if id(n) in kept]
    hidden = [n for n in order if id(n) not in kept]
    result = Plan(shown=shown, unit={id(n): "more" for n in hidden})
    leaves = sum(1 for n in hidden if n._op is None)
    lines = [_op_counts(hidden), f"{leaves:,} leaves"]
    result.boxes.append(("more", f"... {len(hidden):,} more nodes", lines))
    result.note = (
        f"{len(order):,} nodes is more than max_nodes={max_nodes}: the {len(shown):,} "
        f"nearest the output are drawn, the other {len(hidden):,} are summarized in one node"
    )
    return result


def _op_counts(nodes, top: int = 4) -> str:
    counts = Counter(n._op.name for n in nodes if n._op is not None)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{name} x{count:,}" for name, count in ranked[:top])
    if len(ranked) > top:
        text += ", ..."
    return text or "leaves only"
