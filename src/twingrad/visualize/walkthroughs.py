"""`walkthrough`: the backward pass as a table, one row per chain-rule step.

Rows come in reverse topological order, as backward runs them. Each row takes one node's
gradient (the *upstream* gradient) back to one of its inputs: it names the local derivative
from the rule table (``d(a * b)/da = b``), the numbers multiplied, the contribution, and the
input's gradient before and after ``+=``, so that fan-out (one node feeding several) shows up
as several rows adding into the same gradient.

The rows are a trace of the real backward pass (`twingrad.core.graph.backward`, which every
engine runs), not a second derivation: each is one `twingrad.core.graph.Step` of it, so the
final gradients are ``backward()``'s, exactly; the tests check that. For a Tensor graph the
rows work at the level of shapes and vectorized formulas: ``grad_W = x^T @ grad_out``,
``(4, 3) = (4, 8) @ (8, 3)``, and the sum over broadcast axes spelled out.

>>> from twingrad import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b; c.label = "c"
>>> print(walkthrough(c))
Backward pass of c, seeded with dc/dc = 1
 #  node  op     to  local derivative  upstream x local  contribution  grad of to
 1  c     a * b  a   d(a * b)/da = b   1.0000 x -3.0000  = -3.0000     0 + -3.0000 = -3.0000
 2  c     a * b  b   d(a * b)/db = a   1.0000 x 2.0000   = 2.0000      0 + 2.0000 = 2.0000
<BLANKLINE>
Gradients: a = -3.0000, b = 2.0000
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor.engine import run_backward as tensor_backward
from twingrad.core import graph
from twingrad.scalar import Value
from twingrad.scalar.value import run_backward as scalar_backward
from twingrad.visualize import tables
from twingrad.visualize.drawing import Drawing
from twingrad.visualize.graph_drawing import draw
from twingrad.visualize.labels import param_text, shape_text
from twingrad.visualize.naming import Namer

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad.nn.module import Module
    from twingrad.scalar import nn as scalar_nn
    from twingrad.visualize.naming import Node, Params


@dataclass(frozen=True)
class Step:
    """One chain-rule step: ``node``'s gradient sent back to its input ``parent``."""

    index: int  # 1-based, in the order backward runs
    node: object
    parent: object
    arg: str  # the input's name in the rule: "a", "b", "x"...
    formula: str  # the local derivative (Values) or vectorized vjp (Tensors), as text
    formula_latex: str
    upstream: object  # the node's gradient: a number, or an array for tensors
    local: object  # the local derivative's value (Values), or its array (elementwise)
    contribution: object  # what this step adds to the parent's gradient
    before: object  # the parent's gradient before this step; None when it had none
    after: object  # ... and after it
    shapes: str = ""  # tensors: the shapes of the formula, e.g. "(4, 3) = (4, 8) @ (8, 3)"
    broadcast: str = ""  # tensors: the sum over broadcast axes, when there is one


def walkthrough(
    root: Node,
    *,
    model: Module | scalar_nn.Module | None = None,
    params: Params | None = None,
    gradient: float | Fraction | ArrayLike | None = None,
) -> Walkthrough:
    """The backward pass of ``root`` (a Value or a Tensor), one chain-rule step a row.

    ``model``/``params`` name the parameters, as in `draw`; ``gradient`` seeds the pass
    (default 1, which needs a single-element ``root``). Nothing in the graph is changed:
    ``.grad`` stays as it was.

    >>> import twingrad
    >>> W = twingrad.ones(4, 3, requires_grad=True)
    >>> x = twingrad.ones(8, 4); x.name = "x"
    >>> steps = walkthrough((x @ W).sum(), params={"W": W}).steps
    >>> steps[1].formula, steps[1].shapes
    ('grad_W = x^T @ grad_out', '(4, 3) = (4, 8) @ (8, 3)')
    """
    if isinstance(root, Value):
        return _scalar(root, Namer(root, model, params), gradient)
    if hasattr(root, "_data"):
        return _tensor(root, Namer(root, model, params), gradient)
    raise TypeError(f"walkthrough() takes a Value or a Tensor, got {type(root).__name__}")


class Walkthrough:
    """The steps of one backward pass; shows itself as a table (text, HTML or Markdown).

    The table shows the first ``max_rows`` steps (the ones nearest the output) and says
    how many it left out; set ``max_rows = None`` to show them all.
    """

    max_rows: int | None = 200

    def __init__(
        self,
        root: Node,
        namer: Namer,
        seed: float | Fraction | np.ndarray,
        steps: list[Step],
        grads: dict[int, float | Fraction | np.ndarray],
    ) -> None:
        self.root = root
        self.namer = namer
        self.seed = seed
        self.steps = steps
        self._grads = grads  # id(node) -> its gradient at the end of the pass

    @property
    def tensor(self) -> bool:
        """Whether the pass is over a Tensor graph (False for Values).

        >>> from twingrad import Value
        >>> walkthrough(Value(2.0) * 3).tensor
        False
        """
        return not isinstance(self.root, Value)

    def grad(self, node: Node) -> float | Fraction | np.ndarray | None:
        """The gradient the pass gives ``node`` (None if no gradient reaches it).

        >>> from twingrad import Value
        >>> a = Value(3.0, label="a"); c = a * 2
        >>> walk = walkthrough(c); walk.grad(a), walk.grad(c), walk.grad(Value(0.0))
        (2.0, 1.0, None)
        """
        return self._grads.get(id(node))

    def leaves(self) -> list[Node]:
        """The leaves that receive a gradient, in topological order.

        >>> from twingrad import Value
        >>> a = Value(3.0, label="a"); b = Value(2.0, label="b")
        >>> [n.label for n in walkthrough(a * b).leaves()]
        ['a', 'b']
        """
        return [
            n
            for n in self.namer.order
            if n._op is None and id(n) in self._grads and n is not self.root
        ]

    def drawings(self, **options: object) -> Iterator[Drawing]:
        """One drawing per step, the step's node and input highlighted, and the gradients
        accumulated so far shown. ``options`` go to `draw` (``rankdir``, ``max_nodes``...).

        >>> from twingrad import Value
        >>> a = Value(3.0, label="a"); b = Value(2.0, label="b")
        >>> [d.source.count("grad -") for d in walkthrough(a * b).drawings()]
        [1, 0]
        """
        names = {"model": None, "params": _params_of(self.namer)}
        grads = {self.root: self.seed}
        for step in self.steps:
            grads[step.parent] = step.after
            yield draw(
                self.root,
                highlight=(step.node, step.parent),
                grads=dict(grads),
                **names,
                **options,
            )

    def __str__(self) -> str:
        return tables.text(self)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return tables.html(self)

    def _repr_markdown_(self) -> str:
        return tables.markdown(self)


def _params_of(namer: Namer) -> list:
    by_id = {id(n): n for n in namer.order}
    return [(name, by_id[i]) for i, name in namer.parameters.items() if i in by_id]


# -- the scalar engine ------------------------------------------------------------------


def _scalar(root: Value, namer: Namer, gradient) -> Walkthrough:
    exact = root.data.__class__ is Fraction
    seed = gradient if gradient is not None else (Fraction(1) if exact else 1.0)
    steps: list[Step] = []
    grads = {id(root): seed}

    def record(step: graph.Step) -> None:
        node, parent, rule = step.node, step.parent, step.node._op
        k = 0 if rule.variadic else step.index
        steps.append(
            Step(
                index=len(steps) + 1,
                node=node,
                parent=parent,
                arg=rule.args[k],
                formula=rule.formula(step.index),
                formula_latex=rule.formula_latex(step.index),
                upstream=step.upstream,
                local=step.local,
                contribution=step.contribution,
                before=grads.get(id(parent)),
                after=step.after,
            )
        )
        grads[id(parent)] = step.after

    # The pass fills .grad, as backward() does; the graph is left as it was found, and the
    # pass starts from zero gradients so that each row shows only this pass's sums.
    kept = [node.grad for node in namer.order]
    for node in namer.order:
        node.grad = 0.0 if node.data.__class__ is float else Fraction(0)
    try:
        scalar_backward(root, seed, trace=record)
    finally:
        for node, grad in zip(namer.order, kept):
            node.grad = grad
    return Walkthrough(root, namer, seed, steps, grads)


# -- the tensor engine ------------------------------------------------------------------


def _tensor(root, namer: Namer, gradient) -> Walkthrough:
    if gradient is None:
        if root.numel() != 1:
            raise RuntimeError(
                f"walkthrough() of a tensor of shape {tuple(root.shape)} needs gradient= "
                "(a tensor of that shape), as backward() does: a gradient can be implied "
                "only for a single-element output"
            )
        seed = np.ones(root._data.shape, dtype=root.dtype.numpy)
    else:
        seed = np.asarray(gradient._data if hasattr(gradient, "_data") else gradient)
    steps: list[Step] = []
    grads = {id(root): seed}
    checked = set()

    def record(step: graph.Step) -> None:
        node, parent, i, rule = step.node, step.parent, step.index, step.node._op
        if id(node) not in checked:
            _check_unchanged(node, namer)
            checked.add(id(node))
        args = tuple(p._data for p in node._prev)
        raw = np.asarray(step.vjp)
        steps.append(
            Step(
                index=len(steps) + 1,
                node=node,
                parent=parent,
                arg=rule.args[i],
                formula=_vector_formula(rule, i, node, namer),
                formula_latex=rule.derivative_latex[i],
                upstream=step.upstream,
                local=step.local,
                contribution=step.contribution,
                before=step.before,
                after=step.after,
                shapes=_shapes(rule, i, step.upstream, args, raw, step.local),
                broadcast=_broadcast(raw.shape, tuple(parent.shape)),
            )
        )
        grads[id(parent)] = step.after

    # the real pass, reading the graph as it is: it keeps the graph, writes no .grad, and
    # reads a graph that a backward() has freed (twingrad keeps what it saved)
    tensor_backward([root], [seed], True, False, trace=record, check_saved=False)
    return Walkthrough(root, namer, seed, steps, grads)


def _check_unchanged(node, namer: Namer) -> None:
    """Refuse, as backward does, when an input was changed in place after the op read it:
    the numbers of the walkthrough would no longer be the ones the op computed with."""
    for p, seen in zip(node._prev, node._versions):
        if p._version[0] != seen:
            raise RuntimeError(
                f"cannot walk through {namer.name(node)} ({node._op.name}): its input "
                f"{namer.name(p)} of shape {tuple(p.shape)} was modified by an in-place "
                "operation after it was used; recompute the graph to walk through it"
            )


def _vector_formula(rule, i: int, node, namer: Namer) -> str:
    """The rule's vjp with the graph's names: ``grad_W = x^T @ grad_out``."""
    names = dict(zip(rule.args, (namer.operand(p) for p in node._prev)))
    arg = rule.args[i]
    if rule.elementwise:
        # an elementwise rule's parameters are numbers: ``c * x^(c-1)`` reads ``2 * x^(2-1)``
        params = {k: param_text(v) for k, v in (node._params or {}).items() if v is not None}
        names = {**params, **names}
        text = rule.derivative_text[i]
        if text == "1":
            body = "grad_out"
        elif text == "-1":
            body = "-grad_out"
        else:
            body = f"grad_out * ({_rename(text, names)})"
        return f"grad_{names[arg]} = {body}"
    grad_names = {f"grad_{a}": f"grad_{n}" for a, n in names.items()}
    return _rename(rule.derivative_text[i], {**names, **grad_names})


def _rename(text: str, names: dict) -> str:
    """``text`` with each whole-word argument name replaced by the node's name."""
    pattern = r"\b(" + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)) + r")\b"
    return re.sub(pattern, lambda m: names[m.group(1)], text)


def _shapes(rule, i: int, upstream, args, raw, local) -> str:
    out, result = shape_text(upstream.shape), shape_text(raw.shape)
    if rule.name == "matmul" and all(np.ndim(a) == 2 for a in args):
        a, b = args
        if i == 0:
            return f"{result} = {out} @ {shape_text(b.shape[::-1])}"
        return f"{result} = {shape_text(a.shape[::-1])} @ {out}"
    if rule.name == "linear" and np.ndim(args[0]) == 2 and i < 2:
        x, w = args[0], args[1]
        if i == 0:
            return f"{result} = {out} @ {shape_text(w.shape)}"
        return f"{result} = {shape_text(upstream.shape[::-1])} @ {shape_text(x.shape)}"
    if rule.elementwise:
        factor = np.shape(local)
        return f"{result} = {out}" + (f" * {shape_text(factor)}" if factor else "")
    return f"{result} <- {out}"


def _broadcast(raw: tuple, shape: tuple) -> str:
    """The sum that undoes broadcasting, in words (as `sum_to_shape` performs it)."""
    if tuple(raw) == tuple(shape):
        return ""
    lead = len(raw) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + k for k, n in enumerate(shape) if n == 1 and raw[lead + k] != 1
    )
    return (
        f"sum over axes {axes} (broadcast): {shape_text(raw)} -> {shape_text(shape)}"
        if axes
        else f"reshape {shape_text(raw)} -> {shape_text(shape)}"
    )
