"""Dropout: during training, zero each element with probability p and scale the rest by
1 / (1 - p), so that the expected value is unchanged; in eval mode, do nothing.

The mask comes from twingrad's seeded generator (`twingrad.manual_seed`), so a seed
reproduces it; it is not the mask PyTorch's generator would draw.

>>> import twingrad
>>> from twingrad import nn
>>> twingrad.manual_seed(0)
>>> drop = nn.Dropout(p=0.5)
>>> y = drop(twingrad.ones(8))
>>> sorted(set(y.tolist()))
[0.0, 2.0]
>>> drop.eval()(twingrad.ones(3))
tensor([1., 1., 1.])
"""

from __future__ import annotations

import numpy as np

from twingrad._tensor.creation import generator
from twingrad._tensor.tensor import Tensor
from twingrad.nn.module import Module


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """``input`` times a random mask of 0 (probability p) and 1 / (1 - p) when training.

    >>> import twingrad
    >>> dropout(twingrad.ones(3), p=0.5, training=False)
    tensor([1., 1., 1.])
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    dtype = input._data.dtype
    if p == 1.0:
        mask = np.zeros(input._data.shape, dtype)
    else:
        keep = generator().random(input._data.shape) < 1.0 - p
        mask = keep.astype(dtype) / dtype.type(1.0 - p)
    out = input * Tensor._make(mask)
    return input._inplace(out) if inplace else out


class Dropout(Module):
    """Zeroes elements with probability ``p`` while training (see `dropout`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Dropout(p=0.5).eval()(twingrad.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
