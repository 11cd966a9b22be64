"""Reductions over dims (sum, mean, prod, max, min, var, std, logsumexp...), softmax,
and the comparisons that answer for a whole tensor (all, any, allclose, equal).

``dim`` is an int or, where PyTorch accepts one, a tuple of ints; None reduces every
dim. ``keepdim=True`` keeps each reduced dim with size 1. The rules, and the conventions
for ties, are in `twingrad.rules.reduce`.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> x.sum(dim=0)
tensor([4., 6.], grad_fn=<SumBackward1>)
>>> values, indices = x.max(dim=1)
>>> indices
tensor([1, 1])
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.elementwise import broadcast_shapes
from twingrad._tensor.engine import apply
from twingrad.core import numeric as generic
from twingrad.kernels.reduce import arg_extreme
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

    Dims = int | Sequence[int] | None  # one dim, several, or None for all

# what max(dim)/min(dim) return, like torch.return_types.max: unpacks as (values, indices)
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])


def normalize_dims(x: Tensor, dim: Dims, op: str = "sum") -> tuple[int, ...] | None:
    """``dim`` (None, an int or a sequence) as a sorted tuple of non-negative axes.

    None, an empty sequence and every dim of a 0-d tensor all mean "reduce everything"
    (None), as in PyTorch; a dim named twice is an error.

    >>> import twingrad
    >>> x = twingrad.zeros(2, 3, 4)
    >>> normalize_dims(x, (-1, 0)), normalize_dims(x, []), normalize_dims(x, 1)
    ((0, 2), None, (1,))
    """
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    axes = [x._dim(d) for d in dims]
    for a in set(axes):
        if axes.count(a) > 1:
            raise RuntimeError(f"{op}(): dim {a} appears multiple times in the list of dims")
    if x.ndim == 0 or not axes:
        return None
    return tuple(sorted(axes))


def _one_dim(x, dim, op: str) -> int:
    """A single ``dim`` (an int, as max/min/argmax/prod/softmax take), made non-negative."""
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"{op}(): argument 'dim' must be an int, not {type(dim).__name__}")
    return x._dim(int(dim))


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


def _floating(x, op: str):
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            f"{op}(): expected a floating point tensor, got {x.dtype}; convert with .float() first"
        )


def _inexact(x, rule) -> None:
    """Refuse an op whose math is not rational (exp, sqrt...) on an exact tensor."""
    if x.dtype is dtypes.fraction and not rule.rational:
        generic._not_rational(rule.name)


def sum(  # noqa: A001
    input: Tensor, dim: Dims = None, keepdim: bool = False, dtype: dtypes.dtype | None = None
) -> Tensor:
    """The sum over ``dim`` (all elements when None); bool and int sum to int64.

    >>> import twingrad
    >>> twingrad.tensor([[1, 2], [3, 4]]).sum(dim=1)
    tensor([3, 7])
    """
    if dtype is not None:
        input = input.to(dtype=dtype)
    elif input.dtype is dtypes.bool_:
        input = input.to(dtypes.int64)
    return apply(RULES["sum"], input, dim=normalize_dims(input, dim, "sum"), keepdim=keepdim)


def mean(
    input: Tensor, dim: Dims = None, keepdim: bool = False, dtype: dtypes.dtype | None = None
) -> Tensor:
    """The mean over ``dim`` (all elements when None); needs a floating dtype.

    >>> import twingrad
    >>> twingrad.tensor([[1.0, 2.0], [3.0, 5.0]]).mean(dim=(0, 1))
    tensor(2.7500)
    """
    if dtype is not None:
        input = input.to(dtype=dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be a floating point "
            f"dtype, got {input.dtype}; convert with .float() first"
        )
    return apply(RULES["mean"], input, dim=normalize_dims(input, dim, "mean"), keepdim=keepdim)


def prod(
    input: Tensor, dim: Dims = None, keepdim: bool = False, dtype: dtypes.dtype | None = None
) -> Tensor:
    """The product over one ``dim`` (all elements when None); bool and int give int64.

    Its gradient is the product of the other elements, so zeros in the input are fine.

    >>> import twingrad
    >>> x = twingrad.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> x.prod().backward()
    >>> x.grad
    tensor([0., 6., 0.])
    """
    if dtype is not None:
        input = input.to(dtype=dtype)
    elif input.dtype is dtypes.bool_:
        input = input.to(dtypes.int64)
    dims = None if dim is None else (_one_dim(input, dim, "prod"),)
    if input.ndim == 0:
        dims = None
    return apply(RULES["prod"], input, dim=dims, keepdim=keepdim)


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
    d = _one_dim(input, dim, op)
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
    d = _one_dim(input, dim, op)
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


def _correction(dim, unbiased, correction, op: str):
    """PyTorch's three spellings (var(x, True), unbiased=, correction=) as one number."""
    if isinstance(dim, bool):  # var(x, False): the old positional ``unbiased``
        if unbiased is not None:
            raise TypeError(f"{op}(): 'unbiased' given twice")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{op}(): can't specify both 'unbiased' and 'correction'")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _var_like(rule, input, dim, unbiased, keepdim, correction):
    op = rule.name
    dim, correction = _correction(dim, unbiased, correction, op)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"{op}(): std and var only support floating point dtypes, got {input.dtype}; "
            "convert with .float() first"
        )
    if input.dtype is dtypes.fraction:
        _inexact(input, rule)
        correction = Fraction(correction)
    dims = normalize_dims(input, dim, op)
    n = input.numel() if dims is None else int(np.prod([input.shape[d] for d in dims]))
    if input.dtype is dtypes.fraction and n - correction <= 0:
        raise ZeroDivisionError(
            f"{op}(): {n} element(s) with correction={correction} leave no degrees of "
            "freedom; exact (fraction) arithmetic has no nan to return"
        )
    return apply(rule, input, dim=dims, correction=correction, keepdim=keepdim)


def var(
    input: Tensor,
    dim: Dims = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """The variance over ``dim``: sum((x - mean)^2) / (n - correction), correction 1 by default.

    ``unbiased=False`` is ``correction=0``. Exact on fraction tensors.

    >>> import twingrad
    >>> twingrad.tensor([1.0, 2.0, 4.0]).var(), twingrad.tensor([1.0, 2.0, 4.0]).var(correction=0)
    (tensor(2.3333), tensor(1.5556))
    """
    return _var_like(RULES["var"], input, dim, unbiased, keepdim, correction)


def std(
    input: Tensor,
    dim: Dims = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """The standard deviation over ``dim``: the square root of `var` (same arguments).

    >>> import twingrad
    >>> twingrad.tensor([[1.0, 3.0], [2.0, 2.0]]).std(dim=1)
    tensor([1.4142, 0.0000])
    """
    return _var_like(RULES["std"], input, dim, unbiased, keepdim, correction)


def logsumexp(input: Tensor, dim: int | Sequence[int], keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over ``dim`` (an int or tuple), without overflow for large input.

    >>> import twingrad
    >>> twingrad.logsumexp(twingrad.tensor([1000.0, 1000.0]), dim=0)  # 1000 + log(2)
    tensor(1000.6932)
    """
    rule = RULES["logsumexp"]
    if not input.dtype.is_floating_point:
        input = input.to(dtypes.get_default_dtype())
    _inexact(input, rule)
    return apply(rule, input, dim=normalize_dims(input, dim, "logsumexp"), keepdim=keepdim)


def _softmax_like(rule, input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype=dtype)
    if dim is None:
        raise TypeError(
            f"{rule.name}() missing the 'dim' argument: the dim along which the result sums to 1"
        )
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"{rule.name}(): not implemented for {input.dtype} tensors; convert with "
            ".float() or pass dtype=twingrad.float32"
        )
    _inexact(input, rule)
    return apply(rule, input, dim=_one_dim(input, dim, rule.name))


def softmax(input: Tensor, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
    """exp(input) / sum(exp(input)) along ``dim``, stable for large input.

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 1.0, 3.0]).log() + 1000  # exp(x) would overflow
    >>> twingrad.softmax(x, dim=0)
    tensor([0.2000, 0.2000, 0.6000])
    """
    return _softmax_like(RULES["softmax"], input, dim, dtype)


def log_softmax(input: Tensor, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
    """log(softmax(input)) along ``dim``, computed as input - logsumexp(input) (stable).

    >>> import twingrad
    >>> twingrad.log_softmax(twingrad.tensor([0.0, 0.0]), dim=-1)
    tensor([-0.6931, -0.6931])
    """
    return _softmax_like(RULES["log_softmax"], input, dim, dtype)


def _truth(input, dim, keepdim: bool, test, op: str):
    """all/any: whether every (some) element is nonzero, as a bool tensor; no gradient."""
    dims = normalize_dims(input, dim, op)
    nonzero = input._data.astype(bool)  # nan counts as nonzero, as in PyTorch
    out = test(nonzero, axis=dims, keepdims=keepdim and dims is not None)
    return type(input)._make(np.asarray(out, dtype=bool))


def all(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether every element (along ``dim``) is nonzero; a bool tensor.

    >>> import twingrad
    >>> x = twingrad.tensor([[1.0, 0.0], [2.0, 3.0]])
    >>> x.all(), twingrad.all(x > 0, dim=1)
    (tensor(False), tensor([False,  True]))
    """
    return _truth(input, dim, keepdim, np.all, "all")


def any(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether some element (along ``dim``) is nonzero; a bool tensor.

    >>> import twingrad
    >>> twingrad.tensor([0, 0, 5]).any()
    tensor(True)
    """
    return _truth(input, dim, keepdim, np.any, "any")


def isclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (equal infinities are close).

    Both tensors must have the same dtype, as in PyTorch.

    >>> import twingrad
    >>> twingrad.isclose(twingrad.tensor([1.0, 2.0]), twingrad.tensor([1.0 + 1e-7, 2.1]))
    tensor([ True, False])
    """
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"isclose: the dtypes differ ({input.dtype.name} and {other.dtype.name}); "
            "convert one with .to(other.dtype) first"
        )
    broadcast_shapes(tuple(input.shape), tuple(other.shape))
    a, b = np.broadcast_arrays(input._data, other._data)
    close = a == b  # exact matches, infinities of the same sign included
    if input.dtype is not dtypes.bool_:
        with np.errstate(invalid="ignore", over="ignore"):
            error = np.abs(a - b)
            within = error <= atol + rtol * np.abs(b)
            if input.dtype.numpy.kind == "f":  # inf - (-inf) is no small error
                within &= np.isfinite(error)
            close = close | within
    if equal_nan and input.dtype.numpy.kind == "f":
        close = close | (np.isnan(a) & np.isnan(b))
    return type(input)._make(np.asarray(close, dtype=bool))


def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """Whether every element of ``input`` is close to ``other`` (see `isclose`).

    >>> import twingrad
    >>> x = twingrad.tensor([1.0, 2.0])
    >>> twingrad.allclose(x, x + 1e-7), twingrad.allclose(x, x + 1e-3)
    (True, False)
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether both tensors have the same shape and the same values.

    >>> import twingrad
    >>> twingrad.equal(twingrad.tensor([1, 2]), twingrad.tensor([1.0, 2.0]))
    True
    """
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


class ReductionOps:
    """Tensor methods for reductions (mixed into `Tensor`)."""

    __slots__ = ()

    def sum(
        self,
        dim: Dims = None,
        keepdim: bool = False,
        dtype: dtypes.dtype | None = None,
        axis: Dims = None,
    ) -> Tensor:
        """`twingrad.sum` as a method (``axis`` is numpy's name for ``dim``).

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).sum(dim=0)
        tensor([4, 6])
        """
        return sum(self, dim if axis is None else axis, keepdim, dtype)

    def mean(
        self,
        dim: Dims = None,
        keepdim: bool = False,
        dtype: dtypes.dtype | None = None,
        axis: Dims = None,
    ) -> Tensor:
        """`twingrad.mean` as a method.

        >>> import twingrad
        >>> twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(dim=1)
        tensor([1.5000, 3.5000])
        """
        return mean(self, dim if axis is None else axis, keepdim, dtype)

    def prod(
        self, dim: Dims = None, keepdim: bool = False, dtype: dtypes.dtype | None = None
    ) -> Tensor:
        """`twingrad.prod` as a method.

        >>> import twingrad
        >>> twingrad.tensor([2, 3, 4]).prod()
        tensor(24)
        """
        return prod(self, dim, keepdim, dtype)

    def amax(self, dim: Dims = (), keepdim: bool = False) -> Tensor:
        """`twingrad.amax` as a method: the largest values (over all dims by default).

        >>> import twingrad
        >>> twingrad.tensor([[1, 5], [7, 2]]).amax(dim=1)
        tensor([5, 7])
        """
        return amax(self, dim, keepdim)

    def amin(self, dim: Dims = (), keepdim: bool = False) -> Tensor:
        """`twingrad.amin` as a method: the smallest values (over all dims by default).

        >>> import twingrad
        >>> twingrad.tensor([[1, 5], [7, 2]]).amin(dim=1)
        tensor([1, 2])
        """
        return amin(self, dim, keepdim)

    def max(
        self, dim: int | None = None, keepdim: bool = False, *, other: Tensor | None = None
    ) -> Tensor | tuple[Tensor, Tensor]:
        """`twingrad.max` as a method: the largest element, or (values, indices) along ``dim``.

        >>> import twingrad
        >>> x = twingrad.tensor([[1, 5], [7, 2]])
        >>> x.max(), x.max(dim=1).indices
        (tensor(7), tensor([1, 0]))
        """
        return max(self, dim, keepdim, other=other)

    def min(
        self, dim: int | None = None, keepdim: bool = False, *, other: Tensor | None = None
    ) -> Tensor | tuple[Tensor, Tensor]:
        """`twingrad.min` as a method: the smallest element, or (values, indices) along ``dim``.

        >>> import twingrad
        >>> x = twingrad.tensor([[1, 5], [7, 2]])
        >>> x.min(), x.min(dim=1).indices
        (tensor(1), tensor([0, 1]))
        """
        return min(self, dim, keepdim, other=other)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """`twingrad.argmax` as a method: where the largest element is.

        >>> import twingrad
        >>> twingrad.tensor([[1, 5], [7, 2]]).argmax(dim=1)
        tensor([1, 0])
        """
        return argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """`twingrad.argmin` as a method: where the smallest element is.

        >>> import twingrad
        >>> twingrad.tensor([[1, 5], [7, 2]]).argmin(dim=1)
        tensor([0, 1])
        """
        return argmin(self, dim, keepdim)

    def var(
        self,
        dim: Dims = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        *,
        correction: float | None = None,
    ) -> Tensor:
        """`twingrad.var` as a method: the variance (with Bessel's correction by default).

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0, 3.0, 4.0]).var()
        tensor(1.6667)
        """
        return var(self, dim, unbiased, keepdim, correction=correction)

    def std(
        self,
        dim: Dims = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        *,
        correction: float | None = None,
    ) -> Tensor:
        """`twingrad.std` as a method: the standard deviation (Bessel-corrected by default).

        >>> import twingrad
        >>> twingrad.tensor([1.0, 3.0]).std()
        tensor(1.4142)
        """
        return std(self, dim, unbiased, keepdim, correction=correction)

    def logsumexp(self, dim: int | Sequence[int], keepdim: bool = False) -> Tensor:
        """`twingrad.logsumexp` as a method: log(sum(exp(x))) without overflow.

        >>> import twingrad
        >>> twingrad.tensor([1000.0, 1000.0]).logsumexp(dim=0)
        tensor(1000.6932)
        """
        return logsumexp(self, dim, keepdim)

    def softmax(self, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
        """`twingrad.softmax` as a method: exp(x) / sum(exp(x)) along ``dim``.

        >>> import twingrad
        >>> twingrad.tensor([0.0, 0.0]).softmax(dim=0)
        tensor([0.5000, 0.5000])
        """
        return softmax(self, dim, dtype)

    def log_softmax(self, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
        """`twingrad.log_softmax` as a method: the log of softmax, computed stably.

        >>> import twingrad
        >>> twingrad.tensor([0.0, 0.0]).log_softmax(dim=0)
        tensor([-0.6931, -0.6931])
        """
        return log_softmax(self, dim, dtype)

    def all(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """`twingrad.all` as a method: whether every element is nonzero.

        >>> import twingrad
        >>> twingrad.tensor([[1, 0], [2, 3]]).all(dim=1)
        tensor([False,  True])
        """
        return all(self, dim, keepdim)

    def any(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """`twingrad.any` as a method: whether some element is nonzero.

        >>> import twingrad
        >>> twingrad.tensor([[0, 0], [2, 0]]).any(dim=1)
        tensor([False,  True])
        """
        return any(self, dim, keepdim)

    def isclose(
        self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
    ) -> Tensor:
        """`twingrad.isclose` as a method: elementwise abs(a - b) <= atol + rtol * abs(b).

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0]).isclose(twingrad.tensor([1.0, 2.1]))
        tensor([ True, False])
        """
        return isclose(self, other, rtol, atol, equal_nan)

    def allclose(
        self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
    ) -> bool:
        """`twingrad.allclose` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0]).allclose(twingrad.tensor([1.0 + 1e-9]))
        True
        """
        return allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: Tensor) -> bool:
        """`twingrad.equal` as a method: same shape and same values.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).equal(twingrad.tensor([1, 2]))
        True
        """
        return equal(self, other)
