"""Vector norms: ``twingrad.norm`` and ``Tensor.norm``, as PyTorch's ``torch.norm``.

A norm is built from existing ops: the 2-norm is the square root of a sum of squares,
the 1-norm a sum of absolute values, the inf-norm an amax of them (tied maxima share the
gradient, as in PyTorch), and a p-norm ``(sum |x|^p)^(1/p)``.

For p < 0 a zero element's ``|0|^p`` is inf, which makes the norm 0 (with a zero gradient,
as in PyTorch) unless a NaN meets it. Such a norm, like the inf-norms, has no identity, so
PyTorch and twingrad refuse to take it over an empty dimension.

At a zero vector PyTorch's gradient is 0, while the chain rule through the square root
gives 0 * inf = nan. Where the sum is 0 the root is therefore taken of 1 instead and the
result replaced by 0 (`where` sends no gradient to the branch it does not pick), and
likewise for ``|x|^p`` at ``x == 0``.

>>> import twingrad
>>> x = twingrad.zeros(3, requires_grad=True)
>>> x.norm().backward()
>>> x.grad
tensor([0., 0., 0.])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from twingrad._tensor import dtypes
from twingrad._tensor.elementwise import where
from twingrad._tensor.extremes import amax, amin
from twingrad._tensor.reduce import normalize_dims

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

    Dims = int | Sequence[int] | None

__all__ = ["norm"]


def _safe_root(s: Tensor, p: float) -> Tensor:
    """``s ** (1/p)`` for ``s >= 0``, 0 with a zero gradient where ``s == 0``."""
    zero = s == 0
    base = where(zero, 1.0, s)
    root = base.sqrt() if p == 2 else base ** (1.0 / p)
    return where(zero, 0.0, root)


def _safe_power(a: Tensor, p: float) -> Tensor:
    """``a ** p`` for ``a >= 0``, 0 with a zero gradient where ``a == 0`` (also for p <= 1)."""
    zero = a == 0
    return where(zero, 0.0, where(zero, 1.0, a) ** p)


def _negative_norm(a: Tensor, p: float, dims: tuple[int, ...] | None, keepdim: bool) -> Tensor:
    """``(sum a^p)^(1/p)`` for ``a >= 0`` and a finite ``p < 0``: 0 with a zero gradient
    where a zero element makes the sum inf (a NaN in the sum stays NaN), inf where every
    element is inf."""
    powers = _safe_power(a, p).sum(dims, keepdim=keepdim)  # zeros counted as 0 here
    zero = (a == 0).any(() if dims is None else dims, keepdim=keepdim) & ~powers.isnan()
    return where(zero, 0.0, where(zero, 1.0, powers) ** (1.0 / p))


def _refuse_empty(input: Tensor, p: float, dim: Dims, dims: tuple[int, ...] | None) -> None:
    """PyTorch's error for a norm without an identity (p < 0 or inf) over an empty dim."""
    order = f"{p:g}"
    if dims is None:
        if input.numel() == 0:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {order} norm on an empty tensor "
                "because the operation does not have an identity"
            )
        return
    for d in (dim,) if isinstance(dim, int) else tuple(dim):
        if input.shape[input._dim(d)] == 0:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {order} norm on the dimension {d} "
                "because this dimension is empty and the operation does not have an identity"
            )


def norm(
    input: Tensor,
    p: float | str | None = "fro",
    dim: Dims = None,
    keepdim: bool = False,
    dtype: dtypes.dtype | None = None,
) -> Tensor:
    """The vector p-norm over ``dim`` (every element when None): ``p`` a number
    (2 by default, 1, inf, -inf, 0...) or ``"fro"`` (the 2-norm, over at most two dims).

    >>> import twingrad
    >>> x = twingrad.tensor([[3.0, -4.0], [0.0, 1.0]])
    >>> x.norm(), x.norm(1), x.norm(float("inf"), dim=1)
    (tensor(5.0990), tensor(8.), tensor([4., 1.]))
    """
    if isinstance(p, str):
        if p != "fro":
            raise RuntimeError(
                f"norm: order {p!r} is not supported; twingrad computes vector norms "
                "(a number p, or 'fro')"
            )
        if dim is not None and not isinstance(dim, int) and len(dim) > 2:
            raise RuntimeError(f"norm: 'fro' takes at most 2 dims, got {tuple(dim)}")
        p = 2.0
    p = 2.0 if p is None else float(p)
    if dtype is not None:
        input = input.to(dtypes.as_dtype(dtype))
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point tensor as input. Got "
            f"{input.dtype.name}; convert with .float() first"
        )
    dims = normalize_dims(input, dim, "norm")
    if p < 0 or math.isinf(p):
        _refuse_empty(input, p, dim, dims)
    if math.isinf(p):
        extreme = amax if p > 0 else amin
        return extreme(input.abs(), dim=() if dims is None else dims, keepdim=keepdim)
    if p == 2:
        return _safe_root((input * input).sum(dims, keepdim=keepdim), 2)
    if p == 1:
        return input.abs().sum(dims, keepdim=keepdim)
    if p < 0:
        return _negative_norm(input.abs(), p, dims, keepdim)
    powers = _safe_power(input.abs(), p).sum(dims, keepdim=keepdim)
    return powers if p == 0 else _safe_root(powers, p)
