"""`MultiheadAttention`, as ``torch.nn.MultiheadAttention``: query, key and value projected,
split into heads, attended (softmax(q k^T / sqrt(head_dim) + mask) v) and projected back.

Composed of `linear`, reshapes, matmul, softmax and dropout, so gradients come from those
ops' rules and the bridge replays it. Parameters carry PyTorch's names and layouts:
``in_proj_weight`` (3 * embed_dim, embed_dim) stacks W_q, W_k, W_v (or ``q_proj_weight``,
``k_proj_weight``, ``v_proj_weight`` when ``kdim``/``vdim`` differ from embed_dim),
``in_proj_bias``, ``out_proj.weight``, ``out_proj.bias``, ``bias_k``, ``bias_v``.

Masks follow PyTorch: a bool ``attn_mask`` or ``key_padding_mask`` marks with True the
positions that may NOT be attended to; a float mask is added to the scores.

>>> import twingrad
>>> from twingrad import nn
>>> attention = nn.MultiheadAttention(embed_dim=4, num_heads=2, batch_first=True)
>>> x = twingrad.randn(3, 5, 4)
>>> output, weights = attention(x, x, x)
>>> output.shape, weights.shape
(twingrad.Size([3, 5, 4]), twingrad.Size([3, 5, 5]))
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.creation import empty, zeros
from twingrad._tensor.joining import cat
from twingrad._tensor.padding import pad
from twingrad._tensor.tensor import Tensor
from twingrad.nn import init
from twingrad.nn.attention import scaled_dot_product_attention
from twingrad.nn.dropout import dropout
from twingrad.nn.linear import Linear, linear
from twingrad.nn.module import Module
from twingrad.nn.parameter import Parameter

if TYPE_CHECKING:
    from twingrad._tensor import devices


def canonical_mask(mask: Tensor | None, name: str, dtype: dtypes.dtype) -> Tensor | None:
    """A mask as PyTorch merges them: float, -inf where a bool mask is True, else added.

    >>> import twingrad
    >>> canonical_mask(twingrad.tensor([True, False]), "attn_mask", twingrad.float32)
    tensor([-inf, 0.])
    """
    if mask is None:
        return None
    if mask.dtype is dtypes.bool_:
        blocked = np.where(mask._data, -np.inf, 0.0).astype(dtype.numpy)
        return Tensor._make(blocked)
    if not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    """PyTorch's checks of the input shapes; True when the input is batched."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.ndim}-D and {value.ndim}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                f"found {key_padding_mask.ndim}-D tensor instead"
            )
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                f"found {attn_mask.ndim}-D tensor instead"
            )
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.ndim}-D and {value.ndim}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                f"but found {key_padding_mask.ndim}-D tensor instead"
            )
        if attn_mask is not None and attn_mask.ndim == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if tuple(attn_mask.shape) != expected:
                raise AssertionError(
                    f"Expected `attn_mask` shape to be {expected} but got {tuple(attn_mask.shape)}"
                )
        return False
    raise AssertionError(
        f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D query "
        "tensor"
    )


class MultiheadAttention(Module):
    """Attention with ``num_heads`` heads of ``embed_dim // num_heads`` features each.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` returns ``(output, weights)``: output
    (L, N, E) ((N, L, E) with ``batch_first``), weights (N, L, S) averaged over heads, or
    (N, num_heads, L, S), or None without ``need_weights``. ``is_causal`` is a hint that
    ``attn_mask`` is the causal mask, which must still be given, as in PyTorch.

    >>> import twingrad
    >>> from twingrad import nn
    >>> attention = nn.MultiheadAttention(4, 2, kdim=3, vdim=5)
    >>> q, k, v = twingrad.randn(6, 4), twingrad.randn(7, 3), twingrad.randn(7, 5)
    >>> [tuple(t.shape) for t in attention(q, k, v, average_attn_weights=False)]
    [(6, 4), (2, 6, 7)]
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                f"and num_heads={num_heads} instead"
            )
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        d = dtypes.as_dtype(dtype) if dtype is not None else None
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, dtype=d))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(empty(embed_dim, embed_dim, dtype=d))
            self.k_proj_weight = Parameter(empty(embed_dim, self.kdim, dtype=d))
            self.v_proj_weight = Parameter(empty(embed_dim, self.vdim, dtype=d))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, dtype=d))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=d)
        if add_bias_kv:
            self.bias_k = Parameter(empty(1, 1, embed_dim, dtype=d))
            self.bias_v = Parameter(empty(1, 1, embed_dim, dtype=d))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's initialisation: Xavier-uniform projections, zero biases."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _projections(self, query, key, value) -> tuple[Tensor, Tensor, Tensor]:
        e = self.embed_dim
        biases = [None] * 3 if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        if self._qkv_same_embed_dim:
            weights = self.in_proj_weight.chunk(3)
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        if query.shape[-1] != e:
            raise AssertionError(
                f"was expecting embedding dimension of {e}, but got {query.shape[-1]}"
            )
        return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, self.num_heads)
        if self.batch_first and batched:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        if not batched:
            query, key, value = (x.unsqueeze(1) for x in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                "module method `generate_square_subsequent_mask` to create this mask."
            )
        length, batch, _ = query.shape
        if self._qkv_same_embed_dim and tuple(key.shape) != tuple(value.shape):
            raise AssertionError(
                f"key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}"
            )
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(
                f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                f"{tuple(value.shape[:2])}"
            )
        mask = self._mask(attn_mask, key_padding_mask, query, key.shape[0])
        q, k, v = self._projections(query, key, value)
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(1, batch, self.embed_dim)])
            v = cat([v, self.bias_v.expand(1, batch, self.embed_dim)])
        heads, hd = batch * self.num_heads, self.head_dim
        q = q.reshape(length, heads, hd).transpose(0, 1)
        k = k.reshape(k.shape[0], heads, hd).transpose(0, 1)
        v = v.reshape(v.shape[0], heads, hd).transpose(0, 1)
        if self.add_zero_attn:
            k = cat([k, zeros(heads, 1, hd, dtype=k.dtype)], 1)
            v = cat([v, zeros(heads, 1, hd, dtype=v.dtype)], 1)
        source = k.shape[1]
        p = self.dropout if self.training else 0.0
        if need_weights:
            scores = (q * math.sqrt(1.0 / hd)) @ k.transpose(-2, -1)
            if mask is not None:
                scores = scores + mask
            weights = scores.softmax(-1)
            if p > 0.0:
                weights = dropout(weights, p)
            attended = weights @ v
        else:
            # the heads apart, as PyTorch hands them to scaled_dot_product_attention
            shape = (batch, self.num_heads, length, hd)
            split = [x.reshape(batch, self.num_heads, -1, hd) for x in (q, k, v)]
            if mask is not None:
                rows = self.num_heads if mask.shape[0] > 1 else 1
                mask = mask.reshape(-1, rows, mask.shape[1], source)
            attended = scaled_dot_product_attention(*split, attn_mask=mask, dropout_p=p)
            attended = attended.reshape(shape).reshape(heads, length, hd)
            weights = None
        output = attended.transpose(0, 1).reshape(length * batch, self.embed_dim)
        output = self.out_proj(output).reshape(length, batch, self.embed_dim)
        if weights is not None:
            weights = weights.reshape(batch, self.num_heads, length, source)
            if average_attn_weights:
                weights = weights.mean(1)
        if not batched:
            output = output.squeeze(1)
            weights = weights.squeeze(0) if weights is not None else None
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, weights

    def _mask(self, attn_mask, key_padding_mask, query, source: int) -> Tensor | None:
        """``attn_mask`` and ``key_padding_mask`` merged into one float mask, shaped
        (batch * num_heads or 1, L, S') where S' counts the extra bias_k and zero keys."""
        length, batch = query.shape[0], query.shape[1]
        heads = batch * self.num_heads
        attn_mask = canonical_mask(attn_mask, "attn_mask", query.dtype)
        key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask", query.dtype)
        if attn_mask is not None:
            if attn_mask.ndim == 2:
                if tuple(attn_mask.shape) != (length, source):
                    raise RuntimeError(
                        f"The shape of the 2D attn_mask is {_size(attn_mask)}, but should be "
                        f"({length}, {source})."
                    )
                attn_mask = attn_mask.unsqueeze(0)
            elif attn_mask.ndim == 3:
                if tuple(attn_mask.shape) != (heads, length, source):
                    raise RuntimeError(
                        f"The shape of the 3D attn_mask is {_size(attn_mask)}, but should be "
                        f"({heads}, {length}, {source})."
                    )
            else:
                raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")
        extra = (self.bias_k is not None) + self.add_zero_attn
        if extra:
            attn_mask = None if attn_mask is None else pad(attn_mask, (0, extra))
            if key_padding_mask is not None:
                key_padding_mask = pad(key_padding_mask, (0, extra))
        if key_padding_mask is None:
            return attn_mask
        if tuple(key_padding_mask.shape) != (batch, source + extra):
            raise AssertionError(
                f"expecting key_padding_mask shape of {(batch, source + extra)}, but got "
                f"{tuple(key_padding_mask.shape)}"
            )
        padding = key_padding_mask.reshape(batch, 1, 1, source + extra)
        padding = padding.expand(batch, self.num_heads, 1, source + extra)
        padding = padding.reshape(heads, 1, source + extra)
        return padding if attn_mask is None else attn_mask + padding


def _size(t: Tensor) -> str:
    return f"torch.Size({list(t.shape)})"


__all__ = ["MultiheadAttention"]
