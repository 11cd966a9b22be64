"""Indexing: ``x[...]``, ``x[...] = value`` and masked_fill.

Every read goes through one rule, ``index``, whose backward adds the gradient into zeros of
the input's shape (so an element picked twice gets both gradients); every write goes
through ``index_put``. An index is first put in numpy's form and checked the way PyTorch
checks it, so errors name the index, the dimension and its size. gather, index_select
and tril/triu, built on these, are in `selection`.

Basic indexing (ints, slices, None, ``...``) returns a view that shares memory and the
version counter with its input, as in PyTorch: an in-place change through the view is
caught by any backward that needed the old values.

>>> import twingrad
>>> x = twingrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> y = x[[0, 0, 2]] * twingrad.tensor([1.0, 10.0, 100.0])
>>> y.sum().backward()
>>> x.grad
tensor([ 11.,   0., 100.])
"""

from __future__ import annotations

import operator
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.base import TensorBase
from twingrad._tensor.engine import apply
from twingrad._tensor.inplace import check_write_through_view
from twingrad._tensor.promotion import broadcast_shapes
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

    Scalar = bool | int | float | Fraction  # a value written into a tensor

__all__ = ["masked_fill"]

INDEX, INDEX_PUT = RULES["index"], RULES["index_put"]


def _index_array(k, what: str = "tensors used as indices") -> np.ndarray:
    """An index tensor, array or list as an int64 or bool numpy array."""
    a = k._data if isinstance(k, TensorBase) else k
    if isinstance(a, range):  # x[range(n), target], as in "What is torch.nn really?"
        a = np.arange(a.start, a.stop, a.step, dtype=np.int64)
    if isinstance(a, list | tuple):
        try:
            a = np.asarray(a)
        except ValueError:
            a = np.asarray(a, dtype=object)
        if a.size == 0:
            a = a.astype(np.int64)  # an empty list selects nothing, as an empty long tensor
        elif a.dtype == object:
            raise IndexError(
                "a list used as an index must hold only ints or only bools (it is read as "
                "an index tensor); to combine slices, None or ... use a tuple: x[tuple(seq)]"
            )
    if a.dtype.kind in "iu":
        return a.astype(np.int64, copy=False)
    if a.dtype == np.bool_:
        return a
    kind = dtypes.of_array(a).name if isinstance(k, TensorBase) else a.dtype.name
    raise IndexError(f"{what} must be long, int or bool tensors, got {kind}")


def _item(k):
    """One entry of an index in numpy's form, refusing what PyTorch refuses."""
    if k is None or k is Ellipsis:
        return k
    if isinstance(k, bool | np.bool_):
        return bool(k)  # a 0-d mask: adds a dimension of size 1 (True) or 0 (False)
    if isinstance(k, slice):
        start, stop, step = (
            None if v is None else operator.index(v) for v in (k.start, k.stop, k.step)
        )
        if step is not None and step <= 0:
            raise ValueError(f"step must be greater than zero, got {step} (flip() reverses)")
        return slice(start, stop, step)
    if isinstance(k, TensorBase | np.ndarray | list | tuple | range):
        a = _index_array(k)
        # PyTorch selects with a 0-d integer tensor as with an int (a view, no copy)
        return int(a) if a.ndim == 0 and a.dtype != np.bool_ else a
    if isinstance(k, int | np.integer):
        return int(k)
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or bool tensors are "
        f"valid indices (got {type(k).__name__})"
    )


def _consumes(k) -> int:
    """How many dimensions of the indexed tensor an index entry uses up."""
    if k is None or k is Ellipsis or isinstance(k, bool):
        return 0
    if isinstance(k, np.ndarray) and k.dtype == np.bool_:
        return k.ndim
    return 1


def normalize_index(
    shape: tuple[int, ...], key: Any
) -> tuple[tuple[Any, ...], bool, tuple[int, ...] | None]:
    """``key`` in numpy's form, checked against ``shape``; whether it is basic (a view);
    and the permutation that turns numpy's result into PyTorch's (None when they agree).

    The index always ends in one Ellipsis, so numpy returns an array (a view for basic
    indexing) and never a bare scalar.

    >>> normalize_index((3, 4), (-1, slice(None, 2)))
    ((-1, slice(None, 2, None), Ellipsis), True, None)
    >>> normalize_index((3, 4), (0, 4))
    Traceback (most recent call last):
    ...
    IndexError: index 4 is out of bounds for dimension 1 with size 4
    """
    items = [_item(k) for k in (key if isinstance(key, tuple) else (key,))]
    if sum(k is Ellipsis for k in items) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(_consumes(k) for k in items)
    if used > len(shape):
        if not shape:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` to convert a 0-dim "
                "tensor to a number"
            )
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if used == len(shape):
        # numpy reads even an empty ... as a gap between index arrays; PyTorch does not
        items = [k for k in items if k is not Ellipsis]
    if not any(k is Ellipsis for k in items):
        items.append(Ellipsis)
    d = 0
    for k in items:
        if k is Ellipsis:
            d += len(shape) - used
        elif isinstance(k, np.ndarray) and k.dtype == np.bool_:
            _check_mask(k, shape, d)
        elif isinstance(k, int | np.ndarray) and not isinstance(k, bool):
            _check_bounds(k, shape[d], d)
        d += _consumes(k)
    basic = all(k is None or k is Ellipsis or type(k) in (int, slice) for k in items)
    return tuple(items), basic, _torch_layout(items, len(shape) - used)


def _is_advanced(k) -> bool:
    return isinstance(k, bool | np.ndarray)


def _torch_layout(items: list, ellipsis_dims: int) -> tuple | None:
    """Where PyTorch and numpy put the dims of advanced indices differently: PyTorch
    applies int indices first, while numpy counts an int beside an index array as one
    more advanced index, so ``x[0, :, [1, 2]]`` is (2, n) in numpy and (n, 2) in PyTorch.
    Returns the permutation from numpy's result to PyTorch's, or None."""
    if not any(_is_advanced(k) for k in items) or not any(type(k) is int for k in items):
        return None

    def width(k) -> int:  # result dims that an entry keeps outside the advanced block
        if k is Ellipsis:
            return ellipsis_dims
        return 1 if k is None or isinstance(k, slice) else 0

    def block_start(advanced) -> int:
        at = [i for i, k in enumerate(items) if advanced(k)]
        gap = items[at[0] : at[-1] + 1]
        if any(k is None or k is Ellipsis or isinstance(k, slice) for k in gap):
            return 0  # separated advanced indices put their dims first
        return sum(width(k) for k in items[: at[0]])

    numpy_at = block_start(lambda k: _is_advanced(k) or type(k) is int)
    torch_at = block_start(_is_advanced)
    if numpy_at == torch_at:
        return None
    block = max(1 if np.asarray(k).dtype == np.bool_ else k.ndim for k in items if _is_advanced(k))
    n = sum(width(k) for k in items)
    kept, adv = list(range(n)), list(range(n, n + block))
    numpy_order = kept[:numpy_at] + adv + kept[numpy_at:]
    torch_order = kept[:torch_at] + adv + kept[torch_at:]
    return tuple(numpy_order.index(label) for label in torch_order)


def _check_bounds(k, n: int, d: int) -> None:
    a = np.asarray(k)
    bad = a[(a < -n) | (a >= n)]
    if bad.size:
        raise IndexError(
            f"index {int(bad.flat[0])} is out of bounds for dimension {d} with size {n}"
        )


def _check_mask(mask: np.ndarray, shape: tuple, d: int) -> None:
    for j, m in enumerate(mask.shape):
        if m != shape[d + j]:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {j} does not match the "
                f"shape of the indexed tensor {list(shape)} at index {d + j}"
            )


def take(input: Tensor, index: tuple[Any, ...], basic: bool) -> Tensor:
    """``input[index]`` for an index in normalized form; a basic index gives a view.

    >>> import twingrad
    >>> take(twingrad.arange(6).reshape(2, 3), (1, slice(None, 2), Ellipsis), basic=True)
    tensor([3, 4])
    """
    out = apply(INDEX, input, index=index)
    if basic:
        out._version = input._version  # the same memory: an in-place edit shows in both
    return out


def _value_tensor(value, x: Tensor, target: tuple, what: str) -> Tensor:
    """The value written by ``x[index] = value`` as a tensor of ``x``'s dtype that
    broadcasts to the indexed shape ``target``."""
    dtype = x.dtype
    if isinstance(value, list | tuple):
        raise TypeError(
            f"can't assign a {type(value).__name__} to a tensor; wrap it with "
            "twingrad.tensor(...) first"
        )
    if not isinstance(value, TensorBase):
        if dtype is dtypes.fraction:
            return x._make(np.array(Fraction(value), dtype=object))
        return x._make(np.array(value, dtype=dtype.numpy))
    if value.dtype is not dtype:
        # a cast to an integer or bool dtype has no gradient
        value = value.to(dtype) if dtype.is_floating_point else value.detach().to(dtype)
    while value.ndim > len(target) and value.shape[0] == 1:  # PyTorch drops leading 1s
        value = value.reshape(tuple(value.shape[1:]))
    try:
        fits = np.broadcast_shapes(tuple(value.shape), target) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(
            f"shape mismatch: {what} tensor of shape {list(value.shape)} cannot be "
            f"broadcast to indexing result of shape {list(target)}"
        )
    return value


def _indexed_shape(shape: tuple, index: tuple) -> tuple:
    # indexing a zero-stride array costs nothing, whatever the size of the tensor
    return np.broadcast_to(np.zeros((), np.bool_), shape)[index].shape


def masked_fill(input: Tensor, mask: Tensor, value: Tensor | Scalar) -> Tensor:
    """``input`` with ``value`` where the bool ``mask`` (broadcast) is True.

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0, 3.0])
    >>> x.masked_fill(x > 1.5, 0.0)
    tensor([1., 0., 0.])
    """
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.name}"
        )
    if isinstance(value, TensorBase) and value.ndim != 0:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    shape = tuple(broadcast_shapes(tuple(input.shape), tuple(mask.shape)))
    x = input.expand(shape) if tuple(input.shape) != shape else input
    key = (np.broadcast_to(mask._data, shape), Ellipsis)
    v = _value_tensor(value, input, (), "value")
    return apply(INDEX_PUT, x, v, index=key)


class IndexingOps:
    """Tensor methods for indexing (mixed into `Tensor`)."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Tensor:
        index, basic, layout = normalize_index(tuple(self.shape), key)
        out = take(self, index, basic)
        return out if layout is None else out.permute(*layout)

    def __setitem__(self, key: Any, value: Tensor | Scalar) -> None:
        index, _, layout = normalize_index(tuple(self.shape), key)
        target = _indexed_shape(tuple(self.shape), index)
        if layout is None:
            v = _value_tensor(value, self, target, "value")
        else:  # the value comes in PyTorch's layout of the indexed result
            target = tuple(target[i] for i in layout)
            v = _value_tensor(value, self, target, "value").expand(target)
            v = v.permute(*np.argsort(layout).tolist())
        check_write_through_view(self)
        self._inplace(apply(INDEX_PUT, self, v, index=index))

    @classmethod
    def __twingrad_rule__(cls, name: str, *args: Any, **params: Any) -> Tensor:
        """The table's rule ``name`` run on ``args`` and recorded on the graph.

        `twingrad.core` calls this hook on its operand's type to index, scatter or run a
        whole rule inside a backward pass with ``create_graph=True`` (so that the backward is
        itself differentiable) without importing this engine. Arrays become constant
        tensors; a Python number takes the dtype of the first tensor, as a scalar operand
        does in PyTorch.

        >>> import twingrad
        >>> x = twingrad.tensor([2.0, 3.0], requires_grad=True)
        >>> twingrad.Tensor.__twingrad_rule__("index_put", x, 0, index=(1,))
        tensor([2., 0.], grad_fn=<IndexPutBackward0>)
        """
        first = next(a for a in args if isinstance(a, TensorBase))
        like = first.dtype
        operands = []
        for a in args:
            if isinstance(a, TensorBase):
                operands.append(a)
            elif isinstance(a, np.ndarray | np.generic):
                operands.append(first._make(a))  # _make gives a plain Tensor, even on a Parameter
            elif like is dtypes.fraction:
                operands.append(first._make(np.array(Fraction(a), dtype=object)))
            else:
                operands.append(first._make(np.array(a, dtype=like.numpy)))
        return apply(RULES[name], *operands, **params)
