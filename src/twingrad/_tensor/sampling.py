"""Random tensors: rand, randn, randint, randperm, the ``*_like`` forms, and multinomial.

They draw from twingrad's generator (`twingrad.manual_seed` seeds it), so their samples
are reproducible in twingrad but not the ones PyTorch draws with the same seed.

>>> import twingrad
>>> twingrad.manual_seed(0)
>>> twingrad.multinomial(twingrad.tensor([[0.0, 1.0], [1.0, 0.0]]), 3, replacement=True)
tensor([[1, 1, 1],
        [0, 0, 0]])
>>> twingrad.randint(0, 10, (2, 3)).shape, twingrad.randn(2, dtype=twingrad.float64).dtype
(twingrad.Size([2, 3]), twingrad.float64)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.creation import _shape, generator
from twingrad._tensor.devices import check_cpu
from twingrad._tensor.tensor import Tensor

if TYPE_CHECKING:
    from twingrad._tensor.creation import DType
    from twingrad._tensor.devices import device as Device

__all__ = [
    "multinomial",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
]


def _random(array, dtype, requires_grad) -> Tensor:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if not d.is_floating_point or d is dtypes.fraction:
        raise TypeError(f"random floats need a float dtype, got {d}")
    t = Tensor._make(array.astype(d.numpy))
    t.requires_grad = requires_grad
    return t


def rand(
    *size: int | Sequence[int],
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples from [0, 1).

    >>> import twingrad
    >>> x = twingrad.rand(2, 3); x.shape, bool(((x >= 0) & (x < 1)).all())
    (twingrad.Size([2, 3]), True)
    """
    check_cpu(device, "a new tensor")
    return _random(generator().random(_shape(size)), dtype, requires_grad)


def randn(
    *size: int | Sequence[int],
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples.

    >>> import twingrad
    >>> twingrad.manual_seed(0); round(twingrad.randn(10_000).std().item(), 1)
    1.0
    """
    check_cpu(device, "a new tensor")
    return _random(generator().standard_normal(_shape(size)), dtype, requires_grad)


def randn_like(input: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples in the shape (and dtype) of ``input``.

    >>> import twingrad
    >>> twingrad.randn_like(twingrad.zeros(2, 3, dtype=twingrad.float64)).dtype
    twingrad.float64
    """
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def rand_like(input: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples from [0, 1) in the shape (and dtype) of ``input``.

    >>> import twingrad
    >>> x = twingrad.rand_like(twingrad.zeros(100))
    >>> bool((x >= 0).all() and (x < 1).all())
    True
    """
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint(
    low: int,
    high: int | Sequence[int] | None = None,
    size: Sequence[int] | None = None,
    dtype: DType | None = None,
    device: Device | str | None = None,
) -> Tensor:
    """Integers drawn uniformly from [low, high); ``randint(high, size)`` starts at 0.

    >>> import twingrad
    >>> x = twingrad.randint(3, (100,)); x.dtype, set(x.tolist()) <= {0, 1, 2}
    (twingrad.int64, True)
    """
    check_cpu(device, "a new tensor")
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() needs a size, e.g. randint(0, 10, (3,))")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    values = generator().integers(low, high, size=_shape((tuple(size),)))
    return Tensor._make(values.astype(d.numpy))


def randperm(n: int, dtype: DType | None = None) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64 by default).

    >>> import twingrad
    >>> sorted(twingrad.randperm(5).tolist())
    [0, 1, 2, 3, 4]
    """
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    return Tensor._make(generator().permutation(n).astype(d.numpy))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False) -> Tensor:
    """``num_samples`` category indices drawn for each row of ``input`` (1-D or 2-D),
    category i with probability ``input[..., i] / input.sum(-1)``: the weights need not
    sum to 1. Without ``replacement`` a category is drawn at most once per row, and
    categories of weight 0 come last, once the others are used up (as in PyTorch).

    >>> import twingrad
    >>> twingrad.multinomial(twingrad.tensor([0.0, 3.0, 0.0]), 1)
    tensor([1])
    """
    if input.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got shape {list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {input.dtype.name}"
        )
    n = input.shape[-1]
    if num_samples <= 0:
        raise RuntimeError(f"cannot sample n_sample <= 0 samples (got {num_samples})")
    if not replacement and num_samples > n:
        raise RuntimeError(
            f"cannot sample n_sample > prob_dist.size(-1) samples without replacement "
            f"({num_samples} > {n})"
        )
    weights = np.asarray(input._data, dtype=np.float64).reshape(-1, n)
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = weights.sum(axis=1, keepdims=True)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = generator()
    if replacement:  # inverse CDF: a weight of 0 spans an empty interval
        cdf = np.cumsum(weights / totals, axis=1)
        u = rng.random((weights.shape[0], num_samples))
        picks = np.stack([np.searchsorted(c, r, side="right") for c, r in zip(cdf, u)])
        picks = np.minimum(picks, n - 1)  # u just below 1 past a rounded-down cdf
    else:  # the smallest exponential(1) / weight first: weighted sampling without replacement
        with np.errstate(divide="ignore"):
            keys = rng.exponential(size=weights.shape) / weights
        picks = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    picks = picks.astype(np.int64)
    return input._make(picks.reshape(num_samples) if input.ndim == 1 else picks)
