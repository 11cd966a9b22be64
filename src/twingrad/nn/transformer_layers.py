"""One transformer block, as ``torch.nn.TransformerEncoderLayer`` and
``TransformerDecoderLayer``: self-attention (and, in a decoder, attention over the encoder's
output), then a two-layer feed-forward net, each wrapped in a residual connection, dropout
and LayerNorm (after the residual by default; before the block with ``norm_first``).

Submodules carry PyTorch's names (``self_attn``, ``multihead_attn``, ``linear1``,
``linear2``, ``norm1``..``norm3``, ``dropout``, ``dropout1``..``dropout3``), so their
state dicts load both ways.

>>> import twingrad
>>> from twingrad import nn
>>> layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
>>> layer(twingrad.randn(3, 5, 8)).shape
twingrad.Size([3, 5, 8])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from twingrad._tensor.tensor import Tensor
from twingrad.nn.activation import gelu, relu
from twingrad.nn.dropout import Dropout
from twingrad.nn.linear import Linear
from twingrad.nn.module import Module
from twingrad.nn.multihead_attention import MultiheadAttention
from twingrad.nn.normalization import LayerNorm

if TYPE_CHECKING:
    from twingrad._tensor import devices, dtypes

Activation = str | Callable[[Tensor], Tensor]


def activation_function(activation: Activation) -> Callable[[Tensor], Tensor]:
    """``"relu"`` or ``"gelu"`` as a function; a callable (a function or a Module) as it is.

    >>> import twingrad
    >>> activation_function("relu")(twingrad.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    if activation == "relu":
        return relu
    if activation == "gelu":
        return gelu
    if callable(activation):
        return activation
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


class _FeedForwardBlock(Module):
    """What both layers share: the feed-forward net and the norm-first switch."""

    def _init_feed_forward(
        self, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, d
    ) -> None:
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=d)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=d)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=d)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=d)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = activation_function(activation)

    def _ff_block(self, x: Tensor, drop: Dropout) -> Tensor:
        return drop(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoderLayer(_FeedForwardBlock):
    """Self-attention and feed-forward, as ``torch.nn.TransformerEncoderLayer``.

    ``forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)``; the masks
    are those of `MultiheadAttention`.

    >>> import twingrad
    >>> from twingrad import nn
    >>> layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation="gelu")
    >>> layer(twingrad.randn(5, 4)).shape
    twingrad.Size([5, 4])
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self._init_feed_forward(
            d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, dtype
        )

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x, self.dropout2))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal) -> Tensor:
        x = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            need_weights=False,
            is_causal=is_causal,
        )[0]
        return self.dropout1(x)


class TransformerDecoderLayer(_FeedForwardBlock):
    """Self-attention, attention over ``memory`` (the encoder's output) and feed-forward,
    as ``torch.nn.TransformerDecoderLayer``.

    ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)``.

    >>> import twingrad
    >>> from twingrad import nn
    >>> layer = nn.TransformerDecoderLayer(4, 2, 8, norm_first=True)
    >>> layer(twingrad.randn(5, 2, 4), twingrad.randn(7, 2, 4)).shape
    twingrad.Size([5, 2, 4])
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self.multihead_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self._init_feed_forward(
            d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, dtype
        )
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout3 = Dropout(dropout)

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(
                self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal
            )
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(
            x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal)
        )
        return self.norm3(x + self._ff_block(x, self.dropout3))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal) -> Tensor:
        x = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout1(x)

    def _mha_block(self, x, memory, attn_mask, key_padding_mask, is_causal) -> Tensor:
        x = self.multihead_attn(
            x,
            memory,
            memory,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout2(x)


__all__ = ["TransformerDecoderLayer", "TransformerEncoderLayer"]
