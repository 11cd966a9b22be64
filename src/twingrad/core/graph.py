"""Engine-agnostic graph machinery: topological order and grad mode.

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
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

_creation = itertools.count()
new_stamp = _creation.__next__
"""A fresh creation stamp. A node is always created after its parents, so sorting by
stamp is a topological order: no recursion and no per-edge bookkeeping needed."""


def reachable(*roots: Any) -> list[Any]:
    """Every node that ``roots`` depend on (themselves included), found without recursion.

    >>> from twingrad import Value
    >>> a = Value(2.0); b = a * a
    >>> len(reachable(b + a)), len(reachable(b, a + 1))
    (3, 4)
    """
    nodes = list(dict.fromkeys(roots))
    visited = set(nodes)
    stack = list(nodes)
    while stack:
        for parent in stack.pop()._prev:
            if parent not in visited:
                visited.add(parent)
                stack.append(parent)
                nodes.append(parent)
    return nodes


def topological_order(*roots: Any) -> list[Any]:
    """Every node that ``roots`` depend on, each after all of its parents.

    Nodes carry a creation stamp (``_seq``) and parents are created before their children,
    so the order is the nodes sorted by stamp: deterministic, and a graph a million nodes
    deep needs no recursion.

    >>> from twingrad import Value
    >>> a = Value(2.0, label="a"); b = a * a; c = b + a
    >>> [n.label or n.op for n in topological_order(c)]
    ['a', 'mul', 'add']
    """
    nodes = reachable(*roots)
    nodes.sort(key=stamp)
    return nodes


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
