"""In-place changes and versions: how ``x.add_(1)`` and ``x[0] = v`` keep the graph right.

Every tensor shares a version counter (``_version``) with the views of its memory. An
in-place change counts there, and each recorded node keeps the versions of its inputs,
so a backward that needs a value changed since refuses to run (`engine`'s check).

When the change is recorded, the old value moves into a fresh node (a copy) that the new
one depends on, and the nodes that read the old value through ``result``'s graph are
pointed at that copy. Through an indexed view of a recorded tensor (``x[0].add_(1)``), the
viewed tensor is rebuilt as ``x`` with the changed view put back at its index (PyTorch's
CopySlices); through other views its history stays, and backward refuses it.

>>> import twingrad
>>> x = twingrad.tensor([1.0, 2.0], requires_grad=True)
>>> y = x * 1
>>> y.mul_(y)  # the old y moved into a node of its own: the gradient is 2 * y * x's
tensor([1., 4.], grad_fn=<MulBackward0>)
>>> y.sum().backward()
>>> x.grad
tensor([2., 4.])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor.engine import apply
from twingrad.core.graph import _grad_mode, is_grad_enabled, new_stamp
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

_INDEX, _INDEX_PUT = RULES["index"], RULES["index_put"]


class InPlace:
    """The in-place machinery of `Tensor` (mixed into it)."""

    __slots__ = ()

    def _inplace(self, result: Tensor) -> Tensor:
        """Make ``self`` hold ``result`` (computed from ``self``) as an in-place op does.

        Everything is checked before anything changes, so a refused update leaves the
        tensor as it was. When the update is recorded, the old value moves into a fresh
        node (a copy) that the new one depends on, and the nodes of ``result`` that read
        ``self`` are pointed at it; any other node that read the old value sees the
        version bump and refuses to run backward. Under no_grad only the values change and
        the history stays, as in PyTorch.
        """
        recording = _grad_mode.enabled
        data = self._data
        if recording and self._requires_grad and self._op is None:
            raise RuntimeError(
                "a leaf tensor that requires grad is being used in an in-place operation; "
                "wrap the update in `with twingrad.no_grad():` or use an out-of-place op"
            )
        if result._data.shape != data.shape:
            raise RuntimeError(
                f"output with shape {list(data.shape)} doesn't match the broadcast shape "
                f"{list(result._data.shape)} of the in-place operation"
            )
        if result._data.dtype != data.dtype and not np.can_cast(
            result._data.dtype, data.dtype, casting="same_kind"
        ):
            raise RuntimeError(
                f"result type {result.dtype.name} can't be cast to the desired output "
                f"type {self.dtype.name} of an in-place operation"
            )
        base = viewed_base(self) if recording else self
        if base is not self and base._requires_grad and base._op is None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation; wrap the update in `with twingrad.no_grad():`"
            )
        if recording:
            if self._op is not None and (result._op is None or not readers(result, self)):
                # The new value does not depend on the old one (fill_, zero_, copy_), yet
                # PyTorch keeps the tensor in the graph, with a zero gradient to its past.
                # x ** 0 is exactly 1, even at inf and nan, so value * x ** 0 does that.
                value = result if result._data.dtype == data.dtype else result.to(self.dtype)
                result = apply(RULES["mul"], value, apply(RULES["pow"], self, c=0))
        through_view = base is not self and base._requires_grad
        chain = index_chain(self, base) if through_view else None  # before the write
        if recording and result._op is not None:
            rebase(self, result)
        else:
            data[...] = result._data
        self._count_change()
        if through_view and chain is None:
            # The viewed tensor keeps its history, which no longer holds for the elements
            # changed here: backward refuses it rather than let the gradient bypass them.
            self._version[2] = self._version[1]
        if recording and result._op is not None:
            self._seq = new_stamp()  # the new node comes after everything it depends on
        if chain:
            child = self
            for viewed, old, index in chain:
                put_view(viewed, old, child, index)
                child = viewed
        return self

    def _count_change(self) -> None:
        """Count an in-place change of the memory (shared with views), which backward
        checks: the version, and the stamp of the change (see `engine._check`)."""
        self._version[0] += 1
        self._version[1] = new_stamp()


def rebase(t: Tensor, result: Tensor) -> None:
    """``t`` takes over ``result``'s node, the old value moving into a node of its own."""
    nodes = readers(result, t)
    if nodes:
        old = moved_history(t)
        current = t._version[0]
        for node in nodes:
            node._versions = tuple(
                (0 if v == current else -1) if p is t else v
                for p, v in zip(node._prev, node._versions)
            )
            node._prev = tuple(old if p is t else p for p in node._prev)
    t._data[...] = result._data
    t._op, t._prev, t._params = result._op, result._prev, result._params
    t._versions = result._versions
    t._requires_grad = True
    t._freed = False


def put_view(t: Tensor, old: Tensor, view: Tensor, index) -> None:
    """``t`` becomes ``old`` with ``view`` (``old[index]``, just changed) put back in place."""
    for node in readers(view, t):  # the view's own history read t: now old
        node._prev = tuple(old if p is t else p for p in node._prev)
    t._op, t._prev = _INDEX_PUT, (old, view)
    t._params = {"index": index}
    t._versions = (old._version[0], view._version[0])
    t._requires_grad, t._freed = True, False
    t._seq = new_stamp()


def moved_history(t: Tensor) -> Tensor:
    """A new node with ``t``'s current value (a copy) and history, to stand for the value
    ``t`` had before an in-place change."""
    old = t._make(t._data.copy())
    old._requires_grad = t._requires_grad
    old._op, old._prev, old._params = t._op, t._prev, t._params
    old._versions, old._seq, old._freed = t._versions, t._seq, t._freed
    old._version = [0, t._version[1], t._version[2]]  # still stale if changed since
    return old


def index_chain(view: Tensor, base: Tensor) -> list | None:
    """For a view made by indexing alone (``x[0]``, ``x[0][1:]``): each tensor it views,
    nearest first, with a copy of its history and the index that took the next view from
    it. None for a view made otherwise (reshape, permute...)."""
    links = []
    t = view
    while t is not base:
        if t._op is not _INDEX:
            return None
        links.append((t._prev[0], t._params["index"]))
        t = t._prev[0]
    return [(viewed, moved_history(viewed), index) for viewed, index in links]


def viewed_base(t: Tensor) -> Tensor:
    """The tensor whose memory the recorded view ``t`` shows (``t`` itself if none): views
    (index, reshape, permute...) share their input's version counter."""
    base = t
    while base._op is not None and base._prev and base._prev[0]._version is base._version:
        base = base._prev[0]
    return base


def readers(result: Tensor, x: Tensor) -> list:
    """The nodes of ``result``'s graph that read ``x``. Each was recorded after ``x``, so
    only younger nodes are searched: usually just ``result`` itself."""
    found, seen, stack = [], {result}, [result]
    while stack:
        node = stack.pop()
        if any(p is x for p in node._prev):
            found.append(node)
        for p in node._prev:
            if p._seq > x._seq and p._op is not None and p not in seen:
                seen.add(p)
                stack.append(p)
    return found


def check_write_through_view(view: Tensor) -> None:
    """Refuse an indexed write (``v[0] = 1``, ``masked_fill_``) through a view when the
    gradient would be wrong.

    PyTorch rewrites the history of the viewed tensor (the base) after such a write; here
    the base keeps its old history, so a write that has to reach the graph is refused.
    Only a view recorded in the graph knows its base: writing a tensor that requires grad
    through a view of one that does not is not caught.
    """
    base = viewed_base(view)
    if base is view or not is_grad_enabled():
        return
    if base.requires_grad and base._op is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place "
            "operation; wrap the update in `with twingrad.no_grad():`"
        )
    if base.requires_grad:
        raise RuntimeError(
            "an in-place write through a view (such as x[0][1] = v or x.t()[0] = v) would not "
            f"reach the gradient of the tensor of shape {list(base.shape)} it views; write "
            "into that tensor with one index (x[0, 1] = v), or clone() the view first"
        )
