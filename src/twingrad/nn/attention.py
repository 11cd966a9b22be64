"""``F.scaled_dot_product_attention``: softmax(Q K^T * scale + mask) V, composed from
matmul, masked_fill, softmax and dropout.

A row whose scores are all masked out (all -inf) attends to nothing: its weights are 0,
not the nan of a softmax over -inf, as in PyTorch. Such rows are set to 0 before the
softmax too, so that no nan reaches the gradient of the other rows.

>>> import twingrad
>>> import twingrad.nn.functional as F
>>> q = k = v = twingrad.eye(2).reshape(1, 2, 2)
>>> F.scaled_dot_product_attention(q, k, v, is_causal=True)
tensor([[[1.0000, 0.0000],
         [0.3302, 0.6698]]])
"""

from __future__ import annotations

import math

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.elementwise import where
from twingrad._tensor.tensor import Tensor
from twingrad.nn.dropout import dropout


def _repeat_heads(x: Tensor, heads: int) -> Tensor:
    """``x`` with each of its heads (dim -3) repeated to make ``heads`` (grouped-query)."""
    if x.ndim < 3 or heads % x.shape[-3]:
        raise RuntimeError(
            f"enable_gqa: the number of query heads ({heads}) must be a multiple of the "
            f"number of key/value heads ({x.shape[-3] if x.ndim >= 3 else 'none'})"
        )
    index = Tensor._make(np.arange(heads, dtype=np.int64) // (heads // x.shape[-3]))
    return x.index_select(-3, index)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """Attention of ``query`` (..., L, E) over ``key`` (..., S, E) and ``value``
    (..., S, Ev): ``softmax(query @ key^T * scale + mask) @ value``, shape (..., L, Ev).

    ``scale`` defaults to ``1 / sqrt(E)``. ``attn_mask`` (broadcast to (..., L, S)) is a
    bool mask of the positions that may be attended to, or a float mask added to the
    scores; ``is_causal`` masks the future (then ``attn_mask`` must be None). Dropout
    (``dropout_p``) is applied to the attention weights, always, as in PyTorch.

    >>> import twingrad
    >>> q = twingrad.tensor([[[1.0, 0.0]]]); k = twingrad.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    >>> scaled_dot_product_attention(q, k, k, scale=0.0)
    tensor([[[0.5000, 0.5000]]])
    """
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True"
        )
    if not (query.dtype is key.dtype and key.dtype is value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype.name} key.dtype: {key.dtype.name} and value.dtype: "
            f"{value.dtype.name} instead."
        )
    if not query.dtype.is_floating_point:
        raise RuntimeError(
            f"scaled_dot_product_attention: expected float tensors, got {query.dtype.name}"
        )
    if enable_gqa and query.ndim >= 3:
        key, value = _repeat_heads(key, query.shape[-3]), _repeat_heads(value, query.shape[-3])
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query @ key.transpose(-2, -1) * scale
    length, source = scores.shape[-2], scores.shape[-1]
    if is_causal:
        allowed = Tensor._make(np.tril(np.ones((length, source), dtype=np.bool_)))
        scores = scores.masked_fill(~allowed, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype is dtypes.bool_:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    blocked = (scores == float("-inf")).all(-1, keepdim=True)
    if blocked.any():
        weights = where(blocked, 0.0, where(blocked, 0.0, scores).softmax(-1))
    else:
        weights = scores.softmax(-1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value
