"""Reductions over dims: sum, mean, prod, var, std, logsumexp; softmax and log_softmax
along a dim; and the running forms cumsum and cumprod.

``dim`` is an int or, where PyTorch accepts one, a tuple of ints; None reduces every
dim. ``keepdim=True`` keeps each reduced dim with size 1. The rules are in
`twingrad.rules.reduce`, `twingrad.rules.softmax` and `twingrad.rules.scan`; the largest
and smallest elements are in `extremes`, and all, any and isclose in `comparison`.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> x.sum(dim=0)
tensor([4., 6.], grad_fn=<SumBackward1>)
>>> x.var(dim=1, keepdim=True).shape, x.cumsum(dim=1)
(twingrad.Size([2, 1]), tensor([[1., 3.],
        [3., 7.]], grad_fn=<CumsumBackward0>))
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.engine import apply
from twingrad.core import numeric as generic
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

    Dims = int | Sequence[int] | None  # one dim, several, or None for all

__all__ = [
    "cumprod",
    "cumsum",
    "log_softmax",
    "logsumexp",
    "mean",
    "prod",
    "softmax",
    "std",
    "sum",
    "var",
]

CUMSUM, CUMPROD = RULES["cumsum"], RULES["cumprod"]


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


def one_dim(x: Tensor, dim: int, op: str) -> int:
    """A single ``dim`` (an int, as max/min/argmax/prod/softmax take), made non-negative."""
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"{op}(): argument 'dim' must be an int, not {type(dim).__name__}")
    return x._dim(int(dim))


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
    dims = None if dim is None else (one_dim(input, dim, "prod"),)
    if input.ndim == 0:
        dims = None
    return apply(RULES["prod"], input, dim=dims, keepdim=keepdim)


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
    return apply(rule, input, dim=one_dim(input, dim, rule.name))


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


CUMSUM, CUMPROD = RULES["cumsum"], RULES["cumprod"]


def _scan(rule, input: Tensor, dim: int, dtype: dtypes.dtype | None) -> Tensor:
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"{rule.name}(): argument 'dim' must be int, not {type(dim).__name__}")
    if dtype is not None:
        input = input.to(dtype=dtype)
    elif input.dtype is dtypes.bool_:
        input = input.to(dtypes.int64)
    return apply(rule, input, dim=input._dim(int(dim)))


def cumsum(input: Tensor, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
    """The running sum along ``dim``: element j is the sum of the elements up to j.

    >>> import twingrad
    >>> twingrad.cumsum(twingrad.tensor([[1, 2, 3], [4, 5, 6]]), dim=1)
    tensor([[ 1,  3,  6],
            [ 4,  9, 15]])
    """
    return _scan(CUMSUM, input, dim, dtype)


def cumprod(input: Tensor, dim: int, *, dtype: dtypes.dtype | None = None) -> Tensor:
    """The running product along ``dim``: element j is the product of the elements up to j.

    >>> import twingrad
    >>> twingrad.cumprod(twingrad.tensor([1, 2, 3, 4]), dim=0, dtype=twingrad.float64)
    tensor([ 1.,  2.,  6., 24.], dtype=twingrad.float64)
    """
    return _scan(CUMPROD, input, dim, dtype)
