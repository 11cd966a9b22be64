"""How the tensor engine records ops and runs them backward.

`apply` runs one rule of the table forward on tensors and, when a gradient will be needed,
records the node: the rule, the input tensors in argument order, the op's parameters, and
the version of each input (so an in-place change of an input is caught at backward time).

`run_backward` runs the one backward pass of `twingrad.core.graph.backward` over the
recorded graph: at each node it asks the rule table for each input's vector-Jacobian
product and undoes broadcasting in one place (`sum_to_shape`). With ``create_graph=True``
the same rules run on Tensors instead of numpy arrays, so the backward pass records a graph
of its own: higher-order gradients for free.

Both run once per op, so they are written for speed: no per-call imports, and numpy's
floating-point error state set through one context variable.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor.grad_fn import GradFn
from twingrad.core import graph
from twingrad.core.graph import Step, Trace, _grad_mode

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor
    from twingrad.rules.rule import Rule


def _errstate_switch() -> tuple[Callable[[], Any], Callable[[Any], None]]:
    """The two halves of ``np.errstate(all="ignore")``, for code that runs once per op.

    numpy >= 2 keeps its floating-point error state in a context variable; setting that
    variable directly costs about 0.1 µs, where the public context manager costs about
    2 µs, more than the whole of a small op. The variable and the function that makes its
    value are private to numpy, so this is the one place that names them, and older numpy
    gets the public context manager.
    """
    try:
        from numpy._core.umath import _extobj_contextvar, _make_extobj
    except ImportError:

        def enter() -> Any:
            state = np.errstate(all="ignore")
            state.__enter__()
            return state

        def leave(state: Any) -> None:
            state.__exit__(None, None, None)

        return enter, leave
    ignore_all = _make_extobj(all="ignore")
    return lambda: _extobj_contextvar.set(ignore_all), _extobj_contextvar.reset


_quiet, unquiet = _errstate_switch()


def quiet() -> Any:
    """Silence numpy's floating-point warnings, as PyTorch gives inf and nan silently;
    returns the token that `unquiet` takes to restore them.

    >>> token = quiet(); inf = np.ones(1) / 0; unquiet(token)
    >>> inf
    array([inf])
    """
    return _quiet()


def apply(rule: Rule, *inputs: Tensor, **params: Any) -> Tensor:
    """Run ``rule`` forward on ``inputs`` (Tensors) and record the node if a grad is needed.

    >>> import twingrad
    >>> from twingrad.rules import RULES
    >>> apply(RULES["mul"], twingrad.tensor([2.0], requires_grad=True), twingrad.tensor([3.0]))
    tensor([6.], grad_fn=<MulBackward0>)
    """
    token = _quiet()
    try:
        if len(inputs) == 2:
            data = rule.forward(inputs[0]._data, inputs[1]._data, **params)
        elif len(inputs) == 1:
            data = rule.forward(inputs[0]._data, **params)
        else:
            data = rule.forward(*[x._data for x in inputs], **params)
    finally:
        unquiet(token)
    out = type(inputs[0])._make(data)  # a Tensor, made by the operands' own class
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
    *,
    trace: Trace | None = None,
    check_saved: bool = True,
) -> dict[Tensor, np.ndarray | Tensor]:
    """Back-propagate ``seeds`` from ``roots``; return {tensor: gradient} for the leaves
    (and the tensors that called ``retain_grad``), or for ``inputs`` when given.

    Gradients are numpy arrays, or Tensors with ``create_graph`` (the backward pass then
    records its own graph, so it can be differentiated again). ``trace`` sees each
    chain-rule step (a `Step`). ``check_saved=False`` reads a graph without refusing one
    whose saved tensors were freed or changed in place: a walkthrough checks the changes
    itself, and reads a freed graph (twingrad keeps what it saved).

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0], requires_grad=True); y = (x * x).sum()
    >>> run_backward([y], [np.array(1.0, dtype=np.float32)], False, False)[x]
    array([2., 4.], dtype=float32)
    """
    order = graph.topological_order(*roots, where=_requires_grad)
    grads = {}
    for r, s in zip(roots, seeds):
        grads[r] = grads[r] + s if r in grads else s
    shares = _tensor_shares if create_graph else _array_shares
    check = _check if check_saved else _unchecked
    walk = _Pass(grads, None if inputs is None else set(inputs), retain_graph, shares, check)
    previous_mode = _grad_mode.enabled
    _grad_mode.enabled = create_graph
    token = quiet()
    try:
        graph.backward(order, walk.chain_rule, trace)
    finally:
        unquiet(token)
        _grad_mode.enabled = previous_mode
    return walk.results


_requires_grad = operator.attrgetter("_requires_grad")  # no gradient goes to data, constants


class _Pass:
    """One backward pass over a tensor graph: the gradients sent so far, the ones to hand
    back, and how the inputs' shares of a gradient are made (arrays, or Tensors)."""

    __slots__ = ("grads", "results", "wanted", "retain_graph", "shares", "check")

    def __init__(self, grads: dict, wanted: set | None, retain_graph: bool, shares, check):
        self.grads, self.results, self.wanted = grads, {}, wanted
        self.retain_graph, self.shares, self.check = retain_graph, shares, check

    def chain_rule(self, node: Tensor, trace: Trace | None) -> None:
        """The tensor engine's step of `graph.backward`: keep the node's gradient if it is
        asked for, check the node, add each input's share into the input's gradient, and
        free the node. A gradient is dropped once its node is done, so memory stays flat."""
        g = self.grads.pop(node, None)
        if g is None:
            return
        rule = node._op
        if self.wanted is None:
            if rule is None or node._retains_grad:
                self.results[node] = g
        elif node in self.wanted:
            self.results[node] = g
        if rule is None:
            return
        self.check(node, rule)
        derivatives = None if rule.variadic else rule.derivatives  # variadic: by vjp
        grads = self.grads
        for i, p, local, vjp, gi in self.shares(node, rule, derivatives, g):
            before = grads.get(p)
            after = grads[p] = gi if before is None else before + gi
            if trace is not None:
                trace(Step(node, g, i, p, local, vjp, gi, before, after))
        if not self.retain_graph:
            node._freed = True


def _unchecked(node: Tensor, rule: Rule) -> None:
    """In place of `_check`, for a pass that reads a graph as it is."""


def _array_shares(node: Tensor, rule: Rule, derivatives, g: np.ndarray) -> Iterator[tuple]:
    """Each input's share of the gradient ``g`` of ``node``, with numpy arrays: (its
    position, the input, its local derivative or None, the rule's vjp, the vjp summed to
    the input's shape and cast to its dtype). Inputs that need no gradient, or that the
    rule gives none (an index, a condition), are left out."""
    prev, params, out = node._prev, node._params, node._data
    args = [p._data for p in prev]
    constants = rule.constant_derivatives  # (1, -1) for a - b, as the rule declares
    for i, p in enumerate(prev):
        if not p._requires_grad:
            continue
        local = None
        if derivatives is not None:
            if constants:
                local = constants[i]
                # no call, and for +-1 no multiplication; g is shared but never modified
                # in place: the sums that accumulate make new arrays. A zero derivative
                # (floor, sign) gives zeros even where g is inf or nan, as PyTorch's
                # zeros_like(grad)
                if local == 0:
                    gi = np.zeros_like(g)
                else:
                    gi = g if local == 1 else -g if local == -1 else g * local
            else:
                d = derivatives[i]
                if d is None:
                    continue
                local = d(out, *args, **params) if params else d(out, *args)
                gi = g * local
        else:
            gi = rule.vjp(i, g, out, args, params)
            if gi is None:
                continue
        target = p._data
        if type(gi) is not np.ndarray:
            # numpy gives 0-d results as scalars, whose methods are slow (reshape: 3 µs);
            # a hand-written backward (autograd.Function) may give a Tensor
            gi = gi._data if hasattr(gi, "_data") else np.asarray(gi, target.dtype)
        share = gi
        if share.shape != target.shape:
            share = sum_to_shape(share, target.shape)
        if share.dtype is not target.dtype and share.dtype != target.dtype:
            share = share.astype(target.dtype)
        yield i, p, local, gi, share


def _tensor_shares(node: Tensor, rule: Rule, derivatives, g: Tensor) -> Iterator[tuple]:
    """`_array_shares` for create_graph: the same rules run on Tensors, so each share is
    recorded as it is computed and can be differentiated again."""
    prev, params = node._prev, node._params or {}
    constants = rule.constant_derivatives
    for i, p in enumerate(prev):
        if not p._requires_grad:
            continue
        local = None
        if derivatives is not None:
            d = derivatives[i]
            if d is None:
                continue
            if constants and constants[i] == 0:  # zeros, as in the array pass
                local = 0
                gi = np.zeros_like(g._data if hasattr(g, "_data") else g)
            else:
                local = d(node, *prev, **params)
                gi = g * local
        else:
            gi = rule.vjp(i, g, node, prev, params)
            if gi is None:
                continue
        target = p._data
        if not hasattr(gi, "_data"):
            gi = type(node)._make(np.asarray(gi, dtype=target.dtype))
        share = gi
        if share._data.shape != target.shape:
            share = sum_to_shape(share, target.shape)
        if share._data.dtype != target.dtype:
            share = share.to(target.dtype)
        yield i, p, local, gi, share


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
