"""How the tensor engine records ops and runs them backward.

`apply` runs one rule of the table forward on tensors and, when a gradient will be needed,
records the node: the rule, the input tensors in argument order, the op's parameters, and
the version of each input (so an in-place change of an input is caught at backward time).

`run_backward` walks the recorded graph in reverse topological order, asks the rule table
for each input's vector-Jacobian product and undoes broadcasting in one place
(`sum_to_shape`). With ``create_graph=True`` the same rules run on Tensors instead of numpy
arrays, so the backward pass records a graph of its own: higher-order gradients for free.

Both run once per op, so they are written for speed: no per-call imports, no generators,
and numpy's floating-point error state set through one context variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad.core import graph
from twingrad.core.graph import _grad_mode

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor
    from twingrad.rules.rule import Rule
else:
    # The Tensor class. `twingrad._tensor.tensor` imports this module before it defines the
    # class, then sets this name, so that the hot paths below need no import per call.
    Tensor = None

try:  # numpy >= 2: np.errstate is a context variable; setting it directly costs ~0.1 µs
    from numpy._core.umath import _extobj_contextvar, _make_extobj

    _QUIET = _make_extobj(all="ignore")
    _enter = _extobj_contextvar.set
    unquiet = _extobj_contextvar.reset
except ImportError:  # older numpy: the public context manager (about 2 µs per op)
    _QUIET = None

    def _enter(_):
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def unquiet(state: Any) -> None:
        state.__exit__(None, None, None)


def quiet() -> Any:
    """Silence numpy's floating-point warnings, as PyTorch gives inf and nan silently;
    returns the token that `unquiet` takes to restore them.

    >>> token = quiet(); inf = np.ones(1) / 0; unquiet(token)
    >>> inf
    array([inf])
    """
    return _enter(_QUIET)


def apply(rule: Rule, *inputs: Tensor, **params: Any) -> Tensor:
    """Run ``rule`` forward on ``inputs`` (Tensors) and record the node if a grad is needed.

    >>> import twingrad
    >>> from twingrad.rules import RULES
    >>> apply(RULES["mul"], twingrad.tensor([2.0], requires_grad=True), twingrad.tensor([3.0]))
    tensor([6.], grad_fn=<MulBackward0>)
    """
    token = _enter(_QUIET)
    try:
        if len(inputs) == 2:
            data = rule.forward(inputs[0]._data, inputs[1]._data, **params)
        elif len(inputs) == 1:
            data = rule.forward(inputs[0]._data, **params)
        else:
            data = rule.forward(*[x._data for x in inputs], **params)
    finally:
        unquiet(token)
    out = Tensor._make(data)
    if _grad_mode.enabled:
        for x in inputs:
            if x._requires_grad:
                # only floating (and exact) results carry gradients: x.long() does not
                if out._data.dtype.kind in "fO":
                    out._requires_grad = True
                    out._op = rule
                    out._prev = inputs
                    out._params = params
                    out._versions = (
                        (inputs[0]._version[0], inputs[1]._version[0])
                        if len(inputs) == 2
                        else tuple([x._version[0] for x in inputs])
                    )
                break
    return out


def sum_to_shape(grad: np.ndarray | Tensor, shape: tuple[int, ...]) -> np.ndarray | Tensor:
    """Undo broadcasting: sum ``grad`` over the axes along which an input of ``shape`` was
    broadcast. Works on numpy arrays and on Tensors.

    >>> sum_to_shape(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    gshape = tuple(grad.shape)
    shape = tuple(shape)
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
    )
    if isinstance(grad, np.ndarray | np.generic):
        return np.asarray(grad.sum(axis=axes)).reshape(shape) if axes else grad.reshape(shape)
    return grad.sum(dim=axes).reshape(shape) if axes else grad.reshape(shape)


# PyTorch's names for the backward of the same op where they differ from the rule's name
_TORCH_NAMES = {
    "pow_var": "PowBackward1",
    "to_dtype": "ToCopyBackward0",
    "reshape": "ViewBackward0",
}
_MATMUL_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (2, 2): "MmBackward0"}


class GradFn:
    """What PyTorch calls a tensor's ``grad_fn``: the backward of the op that made it.

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().grad_fn
    <SumBackward0>
    """

    __slots__ = ("_node",)

    def __init__(self, node: Tensor) -> None:
        self._node = node

    def name(self) -> str:
        """PyTorch's name for this backward (``MulBackward0``, ``SumBackward1``...).

        >>> import twingrad
        >>> (twingrad.ones(2, requires_grad=True) * 2).grad_fn.name()
        'MulBackward0'
        """
        node = self._node
        op = node._op.name
        if op in _TORCH_NAMES:
            return _TORCH_NAMES[op]
        if op == "matmul":
            ranks = tuple(p._data.ndim for p in node._prev)
            return _MATMUL_NAMES.get(ranks, "MatmulBackward0")
        if op in ("sum", "mean") and (node._params or {}).get("dim") is not None:
            return op.capitalize() + "Backward1"  # PyTorch's overload with a dim argument
        if op == "round" and node._params:
            return "RoundBackward1"  # round(x, decimals=...)
        return "".join(part.capitalize() for part in op.split("_")) + "Backward0"

    @property
    def next_functions(self) -> tuple[tuple[GradFn | None, int], ...]:
        """The grad_fn of each input (None for inputs without a gradient).

        >>> import twingrad
        >>> (twingrad.ones(2, requires_grad=True) * 2).grad_fn.next_functions
        ((<AccumulateGrad>, 0), (None, 0))
        """
        out = []
        for p in self._node._prev:
            if p._op is not None:
                out.append((GradFn(p), 0))
            elif p._requires_grad:
                out.append((AccumulateGrad(p), 0))
            else:
                out.append((None, 0))
        return tuple(out)

    @property
    def saved(self) -> dict[str, Any]:
        """What the backward reads: the inputs, the output and the op's parameters.

        >>> import twingrad
        >>> sorted((twingrad.ones(2, requires_grad=True) * 2).grad_fn.saved)
        ['a', 'b', 'result']
        """
        saved = {name: p for name, p in zip(self._node._op.args, self._node._prev)}
        saved["result"] = self._node
        saved.update(self._node._params or {})
        return saved

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class AccumulateGrad(GradFn):
    """The end of a backward path: adds the gradient into a leaf's ``.grad``."""

    def name(self) -> str:
        """Always ``AccumulateGrad``, as PyTorch names it.

        >>> import twingrad
        >>> AccumulateGrad(twingrad.ones(1, requires_grad=True)).name()
        'AccumulateGrad'
        """
        return "AccumulateGrad"

    @property
    def next_functions(self) -> tuple[tuple[GradFn | None, int], ...]:
        """Empty: a leaf is where the backward pass ends.

        >>> import twingrad
        >>> AccumulateGrad(twingrad.ones(1, requires_grad=True)).next_functions
        ()
        """
        return ()

    @property
    def variable(self) -> Tensor:
        """The leaf tensor whose ``.grad`` this adds to.

        >>> import twingrad
        >>> AccumulateGrad(twingrad.ones(1, requires_grad=True)).variable
        tensor([1.], requires_grad=True)
        """
        return self._node


def _modified_error(node, p, seen: int) -> RuntimeError:
    return RuntimeError(
        "one of the tensors needed for gradient computation has been modified by an "
        f"in-place operation: a tensor of shape {tuple(p._data.shape)} is at version "
        f"{p._version[0]}; expected version {seen} instead (it is an input of "
        f"{GradFn(node).name()}). Use an out-of-place op, or .clone() before modifying it."
    )


def _output_modified_error(node) -> RuntimeError:
    return RuntimeError(
        "one of the tensors needed for gradient computation has been modified by an "
        f"in-place operation: the output of {GradFn(node).name()} (shape "
        f"{tuple(node._data.shape)}), which its backward reads, was changed in place after "
        "it was computed. Use an out-of-place op, or .clone() before modifying it."
    )


def _bypassed_error(node) -> RuntimeError:
    return RuntimeError(
        f"the output of {GradFn(node).name()} (shape {tuple(node._data.shape)}) was changed "
        "in place through a view of it (such as x[0].add_(1)) after it was computed, so its "
        "gradient would bypass the change. Write through indexing instead (x[0] += 1 or "
        "x[0] = v), or clone() before changing it."
    )


def _freed_error(node) -> RuntimeError:
    return RuntimeError(
        "Trying to backward through the graph a second time (or to read its saved tensors "
        f"after they were freed): the first backward freed {GradFn(node).name()}. Pass "
        "retain_graph=True to the first backward() if you need to call it twice."
    )


def run_backward(
    roots: Sequence[Tensor],
    seeds: Sequence[np.ndarray | Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Iterable[Tensor] | None = None,
) -> dict[Tensor, np.ndarray | Tensor]:
    """Back-propagate ``seeds`` from ``roots``; return {tensor: gradient} for the leaves
    (and the tensors that called ``retain_grad``), or for ``inputs`` when given.

    Gradients are numpy arrays, or Tensors with ``create_graph`` (the backward pass then
    records its own graph, so it can be differentiated again).

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True); y = (x * x).sum()
    >>> run_backward([y], [np.array(1.0, dtype=np.float32)], False, False)[x]
    array([2., 4.], dtype=float32)
    """
    order = _backward_order(roots)
    grads = {}
    for r, s in zip(roots, seeds):
        grads[r] = grads[r] + s if r in grads else s
    wanted = None if inputs is None else set(inputs)
    results = {}
    previous_mode = _grad_mode.enabled
    _grad_mode.enabled = create_graph
    token = quiet()
    try:
        walk = _walk_tensors if create_graph else _walk_arrays
        walk(reversed(order), grads, wanted, results, retain_graph)
    finally:
        unquiet(token)
        _grad_mode.enabled = previous_mode
    return results


def _backward_order(roots) -> list:
    """The nodes that gradients flow through, each after its inputs (sorted by creation
    stamp, as `graph.topological_order`), found without recursion. Tensors that require no
    grad (data, constants) are left out: no gradient goes to them."""
    nodes = list(dict.fromkeys(roots))
    seen = set(nodes)
    stack = list(nodes)
    while stack:
        for p in stack.pop()._prev:
            if p._requires_grad and p not in seen:
                seen.add(p)
                stack.append(p)
                nodes.append(p)
    nodes.sort(key=graph.stamp)
    return nodes


def _check(node, rule) -> tuple:
    """Refuse to run the backward of a node whose saved values changed since it was
    recorded, an input that took a new history since (the gradient would go to the wrong
    node), or a graph a previous backward freed; return the rule's plan: whether its
    backward reads the inputs, the output (as its ``saves=`` declares), and its local
    derivatives. An in-place change is refused only where it reaches what is read, as in
    PyTorch, which refuses only where it saved the tensor."""
    plan = (rule.saves_inputs, rule.saves_output, None if rule.variadic else rule.derivatives)
    seq = node._seq
    for p, seen_version in zip(node._prev, node._versions):
        if p._seq > seq or plan[0] and p._version[0] != seen_version:
            raise _modified_error(node, p, seen_version)
    if node._version[2] > seq:
        raise _bypassed_error(node)
    if plan[0] or plan[1]:
        if node._freed:
            raise _freed_error(node)
        if plan[1] and node._version[1] > seq:  # its output was changed in place since
            raise _output_modified_error(node)
    return plan


def _visit(order, grads, wanted, results, retain_graph: bool):
    """The nodes a backward pass runs, in order, as (node, its gradient, rule, derivatives):
    the one walk both passes share. It keeps the gradients asked for, checks each node
    before its backward, and frees it once the caller has sent its inputs their share."""
    for node in order:
        g = grads.pop(node, None)
        if g is None:
            continue
        rule = node._op
        if wanted is None:
            if rule is None or node._retains_grad:
                results[node] = g
        elif node in wanted:
            results[node] = g
        if rule is None:
            continue
        derivatives = _check(node, rule)[2]
        yield node, g, rule, derivatives
        if not retain_graph:
            node._freed = True


def _walk_arrays(order, grads, wanted, results, retain_graph: bool) -> None:
    """The backward pass on numpy arrays: the loop that ``loss.backward()`` runs."""
    for node, g, rule, derivatives in _visit(order, grads, wanted, results, retain_graph):
        prev, params, out = node._prev, node._params, node._data
        args = [p._data for p in prev]
        constants = rule.constant_derivatives  # (1, -1) for a - b, as the rule declares
        for i, p in enumerate(prev):
            if not p._requires_grad:
                continue
            if derivatives is not None:
                if constants:
                    c = constants[i]
                    # no call, and for +-1 no multiplication; g is shared but never
                    # modified in place: the sums below make new arrays. A zero
                    # derivative (floor, sign) gives zeros even where g is inf or nan,
                    # as PyTorch's zeros_like(grad)
                    if c == 0:
                        gi = np.zeros_like(g)
                    else:
                        gi = g if c == 1 else -g if c == -1 else g * c
                else:
                    d = derivatives[i]
                    if d is None:
                        continue
                    gi = g * (d(out, *args, **params) if params else d(out, *args))
            else:
                gi = rule.vjp(i, g, out, args, params)
                if gi is None:
                    continue
            if type(gi) is not np.ndarray:
                # numpy gives 0-d results as scalars, whose methods are slow (reshape: 3 µs)
                gi = gi._data if isinstance(gi, Tensor) else np.asarray(gi, p._data.dtype)
            target = p._data
            if gi.shape != target.shape:
                gi = sum_to_shape(gi, target.shape)
            if gi.dtype is not target.dtype and gi.dtype != target.dtype:
                gi = gi.astype(target.dtype)
            before = grads.get(p)
            grads[p] = gi if before is None else before + gi


def _walk_tensors(order, grads, wanted, results, retain_graph: bool) -> None:
    """The backward pass on Tensors (create_graph): the same rules, recorded as they run."""
    for node, g, rule, derivatives in _visit(order, grads, wanted, results, retain_graph):
        prev, params = node._prev, node._params or {}
        for i, p in enumerate(prev):
            if not p._requires_grad:
                continue
            if derivatives is not None:
                d = derivatives[i]
                if d is None:
                    continue
                if rule.constant_derivatives and rule.constant_derivatives[i] == 0:
                    gi = np.zeros_like(
                        g._data if isinstance(g, Tensor) else g
                    )  # as in the array pass
                else:
                    gi = g * d(node, *prev, **params)
            else:
                gi = rule.vjp(i, g, node, prev, params)
                if gi is None:
                    continue
            target = p._data
            if not isinstance(gi, Tensor):
                gi = Tensor._make(np.asarray(gi, dtype=target.dtype))
            if gi._data.shape != target.shape:
                gi = sum_to_shape(gi, target.shape)
            if gi._data.dtype != target.dtype:
                gi = gi.to(target.dtype)
            before = grads.get(p)
            grads[p] = gi if before is None else before + gi
