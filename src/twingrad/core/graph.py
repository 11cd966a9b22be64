"""Engine-agnostic graph machinery: topological order, the backward pass and grad mode.

A node is anything with a ``_prev`` attribute holding its parents in argument order and a
``_seq`` creation stamp from `new_stamp`. The scalar `Value` and the tensor engine's
`Tensor` are such nodes.
"""

from __future__ import annotations

import functools
import itertools
import operator
import threading
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

_creation = itertools.count()
new_stamp = _creation.__next__
"""A fresh creation stamp. A node is always created after its parents, so sorting by
stamp is a topological order: no recursion and no per-edge bookkeeping needed."""


def reachable(*roots: Any, where: Callable[[Any], bool] | None = None) -> set[Any]:
    """Every node that ``roots`` depend on (themselves included), found without recursion.

    ``where`` keeps a parent only if it says so, and so the parents beyond it: the tensor
    engine walks only through tensors that require grad.

    >>> from twingrad import Value
    >>> a = Value(2.0); b = a * a
    >>> len(reachable(b + a)), len(reachable(b, a + 1)), len(reachable(b, where=lambda n: False))
    (3, 4, 1)
    """
    return _reachable(roots, where)


def _reachable(roots: tuple[Any, ...], where: Callable[[Any], bool] | None) -> set[Any]:
    nodes = set(roots)
    parents_of = getattr(type(roots[0]), "_parents_of", None) if roots else None
    if parents_of is not None:
        # A node type may find the parents of many of its nodes at once: a graph of Values
        # has tens of thousands of nodes and no tuple of parents on each (see `Value`), so
        # it is walked a generation at a time, each found in bulk.
        frontier = nodes
        while frontier:
            frontier = parents_of(frontier)
            if where is not None:
                frontier = {p for p in frontier if where(p)}
            frontier -= nodes
            nodes |= frontier
        return nodes
    stack = list(nodes)
    while stack:
        for parent in stack.pop()._prev:
            if parent not in nodes and (where is None or where(parent)):
                nodes.add(parent)
                stack.append(parent)
    return nodes


def topological_order(*roots: Any, where: Callable[[Any], bool] | None = None) -> list[Any]:
    """Every node that ``roots`` depend on, each after all of its parents.

    Nodes carry a creation stamp (``_seq``) and parents are created before their children,
    so the order is the nodes sorted by stamp: deterministic, and a graph a million nodes
    deep needs no recursion. ``where`` is as for `reachable`.

    >>> from twingrad import Value
    >>> a = Value(2.0, label="a"); b = a * a; c = b + a
    >>> [n.label or n.op for n in topological_order(c)]
    ['a', 'mul', 'add']
    """
    nodes = list(_reachable(roots, where))
    nodes.sort(key=stamp)
    return nodes


class Step(NamedTuple):
    """One chain-rule step of a backward pass: ``node``'s gradient sent to ``parent``.

    What `backward` hands its ``trace``, in the order the pass runs; walkthroughs and
    their drawings are made of these.
    """

    node: Any
    upstream: Any  # the node's gradient, complete when its turn comes
    index: int  # the parent's position among the node's arguments
    parent: Any
    local: Any  # d(node)/d(parent) where the rule gives a local derivative, else None
    vjp: Any  # what the rule gives the parent: upstream * local, or its vector-Jacobian product
    contribution: Any  # what is added: the vjp, summed back to the parent's shape
    before: Any  # the parent's gradient before this step (None when nothing reached it yet)
    after: Any  # ... and after it


Trace = Callable[[Step], None]
"""A tracer: called with each `Step` of a backward pass, as the pass runs it."""


def backward(
    order: list[Any], chain_rule: Callable[[Any, Trace | None], None], trace: Trace | None = None
) -> None:
    """The backward pass of every engine: ``chain_rule(node, trace)`` on each node of
    ``order`` (a `topological_order`), the last first.

    In that order a node's gradient is complete when its turn comes: every node that
    depends on it has already sent it its share. The engine's ``chain_rule`` is the one
    step at one node: ask the node's rule for each parent's share of the gradient (the
    upstream gradient times the local derivative, or the rule's vector-Jacobian product),
    add it into the parent's gradient, and report each share to ``trace`` as a `Step`.
    Engines differ only in that step: numbers for Values, arrays for tensors, Tensors when
    the backward pass is itself recorded (``create_graph``).

    >>> from twingrad import Value
    >>> from twingrad.scalar.value import chain_rule
    >>> a = Value(3.0, label="a"); y = a * a; y.grad = 1.0
    >>> steps = []; backward(topological_order(y), chain_rule, steps.append)
    >>> [(s.parent.label, s.local, s.contribution, s.after) for s in steps], a.grad
    ([('a', 3.0, 3.0, 3.0), ('a', 3.0, 3.0, 6.0)], 6.0)
    """
    for node in reversed(order):
        chain_rule(node, trace)


stamp = operator.attrgetter("_seq")
"""A node's creation stamp: the sort key of `topological_order`."""


class _GradMode(threading.local):
    enabled = True


_grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Whether ops record the graph that backward needs (``torch.is_grad_enabled``).

    >>> is_grad_enabled()
    True
    """
    return _grad_mode.enabled


def set_grad_enabled(mode: bool) -> None:
    """Turn graph recording on or off for this thread (``torch.set_grad_enabled``).

    >>> import twingrad
    >>> set_grad_enabled(False)
    >>> (twingrad.ones(2, requires_grad=True) * 2).requires_grad
    False
    >>> set_grad_enabled(True)
    """
    _grad_mode.enabled = bool(mode)


class _GradModeContext:
    """Base of `no_grad` and `enable_grad`: a context manager that is also a decorator."""

    mode = True

    def __enter__(self) -> _GradModeContext:
        self._previous = _grad_mode.enabled
        _grad_mode.enabled = self.mode
        return self

    def __exit__(self, *exc: object) -> bool:
        _grad_mode.enabled = self._previous
        return False

    def __call__(self, fn: _F) -> _F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):  # noqa: N801  (PyTorch's name)
    """Context manager and decorator: ops inside record no graph.

    >>> import twingrad
    >>> with twingrad.no_grad():
    ...     twingrad.is_grad_enabled()
    False
    """

    mode = False


class enable_grad(_GradModeContext):  # noqa: N801  (PyTorch's name)
    """Context manager and decorator: ops inside record the graph, even under `no_grad`.

    >>> import twingrad
    >>> with twingrad.no_grad(), twingrad.enable_grad():
    ...     twingrad.is_grad_enabled()
    True
    """

    mode = True
