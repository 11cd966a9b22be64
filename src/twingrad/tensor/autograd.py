"""How the tensor engine records ops and runs them backward.

`apply` runs one rule of the table forward on tensors and, when a gradient will be needed,
records the node: the rule, the input tensors in argument order, the op's parameters, and
the version of each input (so an in-place change of an input is caught at backward time).

`run_backward` walks the recorded graph in reverse topological order, asks the rule table
for each input's vector-Jacobian product and undoes broadcasting in one place
(`sum_to_shape`). With ``create_graph=True`` the same rules run on Tensors instead of numpy
arrays, so the backward pass records a graph of its own: higher-order gradients for free.
"""

from __future__ import annotations

import numpy as np

from twingrad import graph
from twingrad.graph import is_grad_enabled, topological_order


def _quiet():
    """IEEE results (inf, nan) without numpy warnings, as PyTorch gives them."""
    return np.errstate(all="ignore")


def apply(rule, *inputs, **params):
    """Run ``rule`` forward on ``inputs`` (Tensors) and record the node if a grad is needed."""
    from twingrad.tensor.tensor import Tensor

    with _quiet():
        data = rule.forward(*(x._data for x in inputs), **params)
    out = Tensor._make(data)
    if is_grad_enabled():
        for x in inputs:
            if x.requires_grad:
                out.requires_grad = True
                out._op = rule
                out._prev = inputs
                out._params = params
                out._versions = tuple(x._version[0] for x in inputs)
                break
    return out


def sum_to_shape(grad, shape: tuple):
    """Undo broadcasting: sum ``grad`` over the axes along which an input of ``shape`` was
    broadcast. Works on numpy arrays and on Tensors.

    >>> sum_to_shape(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    gshape = grad.shape
    if tuple(gshape) == tuple(shape):
        return grad
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
    )
    if isinstance(grad, np.ndarray | np.generic):
        return np.asarray(grad.sum(axis=axes)).reshape(shape) if axes else grad.reshape(shape)
    return grad.sum(dim=axes).reshape(shape) if axes else grad.reshape(shape)


class GradFn:
    """What PyTorch calls a tensor's ``grad_fn``: the backward of the op that made it.

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().grad_fn
    <SumBackward0>
    """

    __slots__ = ("_node",)

    def __init__(self, node):
        self._node = node

    def name(self) -> str:
        return "".join(part.capitalize() for part in self._node._op.name.split("_")) + "Backward0"

    @property
    def next_functions(self) -> tuple:
        """The grad_fn of each input (None for inputs without a gradient)."""
        out = []
        for p in self._node._prev:
            if p._op is not None:
                out.append((GradFn(p), 0))
            elif p.requires_grad:
                out.append((AccumulateGrad(p), 0))
            else:
                out.append((None, 0))
        return tuple(out)

    @property
    def saved(self) -> dict:
        """What the backward reads: the inputs, the output and the op's parameters."""
        saved = {name: p for name, p in zip(self._node._op.args, self._node._prev)}
        saved["result"] = self._node
        saved.update(self._node._params)
        return saved

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class AccumulateGrad(GradFn):
    """The end of a backward path: adds the gradient into a leaf's ``.grad``."""

    def name(self) -> str:
        return "AccumulateGrad"

    @property
    def next_functions(self) -> tuple:
        return ()

    @property
    def variable(self):
        return self._node


def _check_versions(node) -> None:
    for p, seen in zip(node._prev, node._versions):
        if p._version[0] != seen:
            raise RuntimeError(
                "one of the tensors needed for gradient computation has been modified by an "
                f"in-place operation: a tensor of shape {tuple(p.shape)} is at version "
                f"{p._version[0]}; expected version {seen} instead (it is an input of "
                f"{GradFn(node).name()}). Use an out-of-place op, or .clone() before "
                "modifying it."
            )


def run_backward(roots, seeds, retain_graph: bool, create_graph: bool, inputs=None):
    """Back-propagate ``seeds`` from ``roots``; return {tensor: gradient} for the leaves
    (and the tensors that called ``retain_grad``), or for ``inputs`` when given."""
    from twingrad.tensor.tensor import Tensor

    if len(roots) == 1:
        order = topological_order(roots[0])
    else:
        seen = {}
        for r in roots:
            for n in graph.reachable(r):
                seen[n] = None
        order = sorted(seen, key=lambda n: n._seq)
    grads = {}
    for r, s in zip(roots, seeds):
        grads[r] = grads[r] + s if r in grads else s
    wanted = None if inputs is None else set(inputs)
    results = {}
    previous_mode = graph.is_grad_enabled()
    graph.set_grad_enabled(create_graph)
    try:
        with _quiet():
            for node in reversed(order):
                g = grads.pop(node, None)
                if g is None:
                    continue
                if wanted is None:
                    if node._op is None or node._retains_grad:
                        results[node] = g
                elif node in wanted:
                    results[node] = g
                if node._op is None:
                    continue
                if node._freed:
                    raise RuntimeError(
                        "Trying to backward through the graph a second time (or to read "
                        "its saved tensors after they were freed): the first backward freed "
                        f"{GradFn(node).name()}. Pass retain_graph=True to the first "
                        "backward() if you need to call it twice."
                    )
                _check_versions(node)
                prev = node._prev
                if create_graph:
                    args, out = prev, node
                else:
                    args, out = tuple(p._data for p in prev), node._data
                rule, params = node._op, node._params
                for i, p in enumerate(prev):
                    if not p.requires_grad:
                        continue
                    gi = rule.vjp(i, g, out, args, params)
                    if gi is None:
                        continue
                    if create_graph != isinstance(gi, Tensor) or not hasattr(gi, "shape"):
                        gi = _as_kind(gi, create_graph, p)  # e.g. a bare Fraction from 0-d
                    gi = sum_to_shape(gi, p.shape)
                    if not create_graph and gi.dtype != p.dtype.numpy:
                        gi = gi.astype(p.dtype.numpy)
                    grads[p] = grads[p] + gi if p in grads else gi
                if not retain_graph:
                    node._freed = True
    finally:
        graph.set_grad_enabled(previous_mode)
    return results


def _as_kind(g, as_tensor: bool, like):
    """A vjp that returned a plain number or array where a Tensor was expected (or back)."""
    from twingrad.tensor.tensor import Tensor

    if as_tensor:
        return Tensor._make(np.asarray(g, dtype=like.dtype.numpy))
    return g._data if isinstance(g, Tensor) else np.asarray(g, dtype=like.dtype.numpy)
