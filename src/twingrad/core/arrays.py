"""Shape and index helpers that work on numpy arrays and on array engines (a Tensor) alike.

The rules' vector-Jacobian products undo a broadcast, a transpose or an indexing with these,
so that one formula runs on the arrays of a backward pass and, under ``create_graph=True``,
on tensors, where it records a graph of its own. `twingrad.core.numeric` re-exports them
for the rule table.

This module sits below every engine and imports none: what an engine offers that numpy
spells differently (``x.expand``, ``x.sum(dim=...)``) is called by its PyTorch name, and
what has no public method goes through one hook on the engine's type (see `Engine`).

>>> index_scatter(np.array([1.0, 2.0]), (3,), (np.array([2, 0]),))
array([2., 0., 1.])
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import DTypeLike


class Engine(Protocol):
    """An engine object (a `Value` or a `Tensor`) as `twingrad.core`'s functions see it.

    Each function falls back to the engine's own method for its math (``x.exp()``,
    ``x.sum(dim=...)``, ``x.where(condition, y)``, ``x.detach()``...). What has no public
    method (`index`, `index_put`, `index_scatter` and `run_rule`, which a backward pass with
    ``create_graph=True`` records on the graph) goes through one hook on the engine's type,
    ``__twingrad_rule__``. `twingrad.core` sits below every engine, so it asks its operand's
    type instead of importing one; the tensor engine implements the hook, and the scalar
    engine, which has no tensor-only rules, does not need to.
    """

    @classmethod
    def __twingrad_rule__(cls, name: str, *args: Any, **params: Any) -> Engine:
        """The rule called ``name`` in the table, run on ``args`` (engine objects, numpy
        arrays and numbers) and recorded on the engine's graph."""


class NamedRule(Protocol):
    """A rule of the table as `run_rule` uses it: a name and a forward on arrays."""

    name: str

    def forward(self, *args: Any, **params: Any) -> Any:
        """The rule's result on numpy arrays."""


if TYPE_CHECKING:
    Array = np.ndarray | np.generic | Engine  # operands with a shape


def is_engine(x: Any) -> bool:
    """Whether ``x`` is an engine object (a Value or a Tensor) rather than a number or array.

    >>> import twingrad
    >>> is_engine(1.0), is_engine(np.zeros(2)), is_engine(twingrad.tensor([1.0]))
    (False, False, True)
    """
    return not isinstance(x, int | float | Fraction | np.ndarray | np.generic)


def broadcast_to(x: Array, shape: tuple[int, ...]) -> Array:
    """x repeated along new or size-1 axes to ``shape`` (for arrays: not to be written to).

    >>> broadcast_to(np.array([1, 2]), (2, 2))
    array([[1, 2],
           [1, 2]])
    """
    if isinstance(x, np.ndarray | np.generic):
        if math.prod(shape) <= _SMALL:
            # np.broadcast_to's view takes longer to build than a small copy (~5 vs ~1 µs)
            out = np.empty(shape, x.dtype)
            out[...] = x
            return out
        return np.broadcast_to(x, shape)
    return x.expand(shape)


_SMALL = 1 << 16


def sum_axes(x: Array, axes: tuple[int, ...], keepdims: bool = False) -> Array:
    """x summed over ``axes`` (a tuple of non-negative ints).

    >>> sum_axes(np.ones((2, 3)), (0,)), sum_axes(np.ones((2, 3)), (1,), keepdims=True).shape
    (array([2., 2., 2.]), (2, 1))
    """
    if isinstance(x, np.ndarray | np.generic):
        return x.sum(axis=axes, keepdims=keepdims)
    return x.sum(dim=axes, keepdim=keepdims)


def permute(x: Array, axes: tuple[int, ...]) -> Array:
    """x with its axes reordered (numpy's transpose, PyTorch's permute).

    >>> permute(np.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    if isinstance(x, np.ndarray | np.generic):
        return x.transpose(axes)
    return x.permute(*axes)


def swap_last(x: Array) -> Array:
    """x with its last two axes swapped (a matrix transpose, batched).

    >>> swap_last(np.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    if isinstance(x, np.ndarray | np.generic):
        return x.swapaxes(-1, -2)
    return x.transpose(-1, -2)


def zeros(shape: int | tuple[int, ...], dtype: DTypeLike) -> np.ndarray:
    """An array of zeros; exact (object) arrays hold Fraction(0) so results stay Fractions.

    >>> zeros((2,), np.float32), zeros((1,), object)
    (array([0., 0.], dtype=float32), array([Fraction(0, 1)], dtype=object))
    """
    if np.dtype(dtype) == object:
        return np.full(shape, Fraction(0), dtype=object)
    return np.zeros(shape, dtype)


def _is_basic(key: tuple) -> bool:
    """Whether ``key`` holds only ints, slices, None and Ellipsis (no position repeats)."""
    return all(k is None or k is Ellipsis or isinstance(k, slice) or type(k) is int for k in key)


def index(x: Array, key: tuple[Any, ...]) -> Array:
    """``x[key]`` for a key already in numpy's form (ints, slices, None, Ellipsis, arrays).

    >>> index(np.arange(6).reshape(2, 3), (1, slice(1, None)))
    array([4, 5])
    """
    if isinstance(x, np.ndarray | np.generic):
        return x[key]
    return type(x).__twingrad_rule__("index", x, index=key)


def index_put(x: Array, key: tuple[Any, ...], value: float | Fraction | Array) -> Array:
    """A copy of ``x`` with ``value`` written at ``x[key]``.

    >>> index_put(np.zeros(3), (1,), 5.0)
    array([0., 5., 0.])
    """
    if isinstance(x, np.ndarray | np.generic):
        out = x.copy()
        out[key] = Fraction(value) if x.dtype == object and type(value) is int else value
        return out
    return type(x).__twingrad_rule__("index_put", x, value, index=key)


def index_scatter(y: Array, shape: tuple[int, ...], key: tuple[Any, ...]) -> Array:
    """Zeros of ``shape`` with ``y`` added at ``[key]``: the adjoint of ``index``.

    A position that ``key`` names twice receives the sum of both values.

    >>> index_scatter(np.array([1.0, 2.0, 3.0]), (2,), (np.array([0, 1, 0]),))
    array([4., 2.])
    """
    if isinstance(y, np.ndarray | np.generic):
        out = zeros(shape, y.dtype)
        if _is_basic(key):
            out[key] = y
        else:
            np.add.at(out, key, y)
        return out
    return type(y).__twingrad_rule__("index_scatter", y, shape=tuple(shape), index=key)


def flip(x: Array, dims: tuple[int, ...]) -> Array:
    """``x`` reversed along each axis in ``dims`` (a tuple of non-negative ints).

    >>> flip(np.arange(6).reshape(2, 3), (1,))
    array([[2, 1, 0],
           [5, 4, 3]])
    """
    if isinstance(x, np.ndarray | np.generic):
        return x[tuple(slice(None, None, -1) if d in dims else slice(None) for d in range(x.ndim))]
    return x.flip(dims)


def values(x: Array) -> np.ndarray | np.generic:
    """The numbers in ``x`` as a numpy array, outside any graph (for masks and indices that
    a rule computes from its inputs, e.g. where a max pool took its maximum).

    >>> import twingrad
    >>> values(twingrad.tensor([1.0], requires_grad=True))
    array([1.], dtype=float32)
    """
    if isinstance(x, np.ndarray | np.generic):
        return x
    return np.asarray(x.detach())


def run_rule(rule: NamedRule, *args: Array, **params: Any) -> Array:
    """``rule`` run on ``args``: its forward on numpy arrays; on tensors (a backward pass with
    ``create_graph=True``) recorded as an op of the graph, so it can be differentiated again.

    Tensor-only rules whose vjps are themselves ops (convolution, pooling, embedding) call
    their partner rules through this. The engine runs the rule by its name, through the hook
    on its type (see `Engine`).

    >>> import twingrad
    >>> from twingrad.rules import RULES
    >>> run_rule(RULES["mul"], np.array([2.0]), np.array([3.0]))
    array([6.])
    >>> run_rule(RULES["mul"], twingrad.tensor([2.0], requires_grad=True), twingrad.tensor([3.0]))
    tensor([6.], grad_fn=<MulBackward0>)
    """
    if all(isinstance(a, np.ndarray | np.generic) for a in args):
        return rule.forward(*args, **params)
    engine = next(a for a in args if is_engine(a))
    return type(engine).__twingrad_rule__(rule.name, *args, **params)
