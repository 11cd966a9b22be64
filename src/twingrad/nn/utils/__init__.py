"""Utilities, as ``torch.nn.utils``: gradient clipping (``clip_grad``) and the padding and
packing of variable-length sequences for recurrent nets (``rnn``).

>>> import twingrad
>>> from twingrad.nn.utils import rnn
>>> rnn.pad_sequence([twingrad.ones(2), twingrad.ones(1)]).shape
twingrad.Size([2, 2])
"""

from twingrad.nn.utils import clip_grad, rnn
from twingrad.nn.utils.clip_grad import (
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)

__all__ = [
    "clip_grad",
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "get_total_norm",
    "rnn",
]
