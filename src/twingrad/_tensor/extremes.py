"""The largest and smallest elements: amax, amin, max, min, argmax, argmin.

``amax``/``amin`` reduce over any dims and share the gradient among tied extremes;
``max(dim)``/``min(dim)`` return ``(values, indices)`` along one dim and send the
gradient to the returned index, the first extreme, as PyTorch does. The conventions for
ties are in `twingrad.rules.reduce`; the index of the first extreme is found by
`twingrad.kernels.reduce`.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> values, indices = x.max(dim=1)
>>> indices
tensor([1, 1])
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING

from twingrad._tensor.engine import apply
from twingrad._tensor.reduce import normalize_dims, one_dim
from twingrad.kernels.reduce import arg_extreme
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.reduce import Dims
    from twingrad._tensor.tensor import Tensor

__all__ = ["amax", "amin", "argmax", "argmin", "max", "min"]

# what max(dim)/min(dim) return, like torch.return_types.max: unpacks as (values, indices)
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])


def _check_not_empty(x, dims, op: str) -> None:
    """PyTorch's refusal to take the max/min of nothing (they have no identity)."""
    if dims is None:
        if x.numel() == 0:
            raise RuntimeError(
                f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return
    for d in dims:
        if x.shape[d] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")


def amax(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """The maximum over ``dim`` (an int or tuple; all dims by default).

    Tied maxima share the gradient evenly (max(dim) instead gives it to one index).

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 3.0, 3.0], requires_grad=True)
    >>> x.amax().backward()
    >>> x.grad
    tensor([0.0000, 0.5000, 0.5000])
    """
    dims = normalize_dims(input, dim, "amax")
    _check_not_empty(input, dims, "amax")
    return apply(RULES["amax"], input, dim=dims, keepdim=keepdim)


def amin(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """The minimum over ``dim`` (an int or tuple; all dims by default); ties share the grad.

    >>> import twingrad
    >>> twingrad.tensor([[1.0, 3.0], [0.0, 4.0]]).amin(dim=1)
    tensor([1., 0.])
    """
    dims = normalize_dims(input, dim, "amin")
    _check_not_empty(input, dims, "amin")
    return apply(RULES["amin"], input, dim=dims, keepdim=keepdim)


def _extreme(input, dim, keepdim, other, largest: bool):
    Tensor = type(input)
    op = "max" if largest else "min"
    if isinstance(dim, Tensor) or other is not None:
        from twingrad._tensor.elementwise import maximum, minimum

        return (maximum if largest else minimum)(input, dim if other is None else other)
    if dim is None:
        if keepdim:
            raise TypeError(f"{op}(): 'keepdim' needs a 'dim' to reduce over")
        _check_not_empty(input, None, op)
        return apply(RULES["amax" if largest else "amin"], input, dim=None, keepdim=False)
    d = one_dim(input, dim, op)
    _check_not_empty(input, None if input.ndim == 0 else (d,), op)
    values = apply(RULES["max_dim" if largest else "min_dim"], input, dim=d, keepdim=keepdim)
    index = arg_extreme(input._data, d, largest)
    if input.ndim and not keepdim:
        index = index.squeeze(d)
    result = max_result if largest else min_result
    return result(values, Tensor._make(index))


def max(  # noqa: A001
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, other: Tensor | None = None
) -> Tensor | tuple[Tensor, Tensor]:
    """The largest element; with ``dim``, (values, indices) along it; with a tensor, maximum.

    ``max()`` shares the gradient among tied maxima; ``max(dim)`` sends it to the
    returned index, the first maximum along ``dim``.

    >>> import twingrad
    >>> x = twingrad.tensor([[1.0, 5.0], [7.0, 2.0]])
    >>> x.max()
    tensor(7.)
    >>> x.max(dim=0)
    max(values=tensor([7., 5.]), indices=tensor([1, 0]))
    """
    return _extreme(input, dim, keepdim, other, largest=True)


def min(  # noqa: A001
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, other: Tensor | None = None
) -> Tensor | tuple[Tensor, Tensor]:
    """The smallest element; with ``dim``, (values, indices) along it; with a tensor, minimum.

    >>> import twingrad
    >>> values, indices = twingrad.tensor([[1.0, 5.0], [7.0, 2.0]]).min(dim=1)
    >>> values, indices
    (tensor([1., 2.]), tensor([0, 1]))
    """
    return _extreme(input, dim, keepdim, other, largest=False)


def _arg(input, dim, keepdim, largest: bool):
    op = "argmax" if largest else "argmin"
    Tensor = type(input)
    if dim is None:
        _check_not_empty(input, None, op)
        index = arg_extreme(input._data.reshape(-1), 0, largest).reshape(())
        if keepdim:
            index = index.reshape((1,) * input.ndim)
        return Tensor._make(index)
    d = one_dim(input, dim, op)
    _check_not_empty(input, None if input.ndim == 0 else (d,), op)
    index = arg_extreme(input._data, d, largest)
    if input.ndim and not keepdim:
        index = index.squeeze(d)
    return Tensor._make(index)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the first maximum (over the flattened tensor when ``dim`` is None).

    >>> import twingrad
    >>> twingrad.tensor([[1.0, 9.0], [9.0, 2.0]]).argmax(), twingrad.argmax(
    ...     twingrad.tensor([[1.0, 9.0], [9.0, 2.0]]), dim=1)
    (tensor(1), tensor([1, 0]))
    """
    return _arg(input, dim, keepdim, largest=True)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the first minimum (over the flattened tensor when ``dim`` is None).

    >>> import twingrad
    >>> twingrad.tensor([3.0, 1.0, 1.0]).argmin()
    tensor(1)
    """
    return _arg(input, dim, keepdim, largest=False)
