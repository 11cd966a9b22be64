"""Drawing indices from a probability tensor: `multinomial`, as ``torch.multinomial``.

It draws from twingrad's generator (`twingrad.manual_seed` seeds it), so its samples are
reproducible in twingrad but not the ones PyTorch draws with the same seed.

>>> import twingrad
>>> twingrad.manual_seed(0)
>>> twingrad.multinomial(twingrad.tensor([[0.0, 1.0], [1.0, 0.0]]), 3, replacement=True)
tensor([[1, 1, 1],
        [0, 0, 0]])
"""

from __future__ import annotations

import numpy as np

from twingrad._tensor.creation import generator as _generator
from twingrad._tensor.tensor import Tensor


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
    rng = _generator()
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
    return Tensor._make(picks.reshape(num_samples) if input.ndim == 1 else picks)
