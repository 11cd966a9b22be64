"""Attention against PyTorch: MultiheadAttention and the transformer stacks, in float64
and float32, from the same weights: outputs, attention weights, and the gradients of every
parameter and input; masks of both kinds; state dict keys; refusals; the bridge."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad
from module_twins import check_state_dict_both_ways, check_twins
from twingrad import nn
from twingrad.bridge import check as bridge_check

RNG = np.random.default_rng(0)
L, S, N, E = 5, 6, 2, 4


def _x(*shape):
    return RNG.standard_normal(shape)


ATTENTION = [
    {},
    {"batch_first": True},
    {"kdim": 3, "vdim": 5},
    {"bias": False},
    {"add_bias_kv": True},
    {"add_zero_attn": True, "add_bias_kv": True},
]
PADDING = np.array([[0, 0, 0, 1, 0, 1], [1, 0, 0, 0, 0, 0]], dtype=bool)
CALLS = [
    {},
    {"need_weights": False},
    {"average_attn_weights": False},
    {"attn_mask": _x(L, S)},
    {"attn_mask": _x(N * 2, L, S)},
    {"attn_mask": _x(L, S) > 0.7, "key_padding_mask": PADDING},
    {"key_padding_mask": PADDING, "need_weights": False},
    {"key_padding_mask": PADDING.astype(np.float64) * -3.0, "attn_mask": _x(L, S)},
]


def _qkv(kw, batched=True):
    q, k, v = _x(L, N, E), _x(S, N, kw.get("kdim", E)), _x(S, N, kw.get("vdim", E))
    if not batched:
        return q[:, 0], k[:, 0], v[:, 0]
    if kw.get("batch_first"):
        return tuple(a.transpose(1, 0, 2).copy() for a in (q, k, v))
    return q, k, v


@pytest.mark.parametrize("kw", ATTENTION, ids=str)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: "-".join(c) or "plain")
def test_multihead_attention_matches_torch(kw, call):
    def make(lib):
        return lib.nn.MultiheadAttention(E, 2, **kw)

    check_twins(make, _qkv(kw), call)


@pytest.mark.parametrize("kw", ATTENTION, ids=str)
def test_multihead_attention_unbatched_and_self_attention_match_torch(kw):
    def make(lib):
        return lib.nn.MultiheadAttention(E, 2, **kw)

    check_twins(make, _qkv(kw, batched=False))
    check_twins(make, _qkv(kw, batched=False), {"attn_mask": _x(2, L, S)})
    check_state_dict_both_ways(make)
    if "kdim" not in kw:
        # the same tensor as query, key and value
        check_twins(lambda lib: _SelfAttention(lib, make(lib)), (_x(L, N, E),))


def _SelfAttention(lib, attention):  # noqa: N802  (builds a module, as a class would)
    class SelfAttention(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = attention

        def forward(self, x):
            return self.attention(x, x, x)

    return SelfAttention()


def test_multihead_attention_parameters_and_initialisation_are_torchs():
    for kw in ATTENTION:
        ours, theirs = nn.MultiheadAttention(E, 2, **kw), torch.nn.MultiheadAttention(E, 2, **kw)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()
        ]
    attention = nn.MultiheadAttention(8, 2)
    assert np.all(attention.in_proj_bias.detach().numpy() == 0)
    assert np.all(attention.out_proj.bias.detach().numpy() == 0)
    bound = np.sqrt(6 / (8 + 24))  # Xavier-uniform over the (24, 8) stacked projection
    assert 0.8 * bound < attention.in_proj_weight.abs().max().item() <= bound


def _both_raise(call, error):
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error):
        call(twingrad)


def test_multihead_attention_refuses_what_torch_refuses():
    def attend(lib, q_shape, k_shape, **kw):
        attention = lib.nn.MultiheadAttention(E, 2)
        q, k = lib.tensor(_x(*q_shape)).float(), lib.tensor(_x(*k_shape)).float()
        kw = {key: lib.tensor(v) for key, v in kw.items()}
        return attention(q, k, k, **kw)

    _both_raise(lambda lib: attend(lib, (L, N, 3), (S, N, 3)), AssertionError)
    _both_raise(lambda lib: attend(lib, (L, N, E), (S, E)), AssertionError)
    _both_raise(lambda lib: attend(lib, (1, L, N, E), (1, S, N, E)), AssertionError)
    _both_raise(
        lambda lib: attend(lib, (L, N, E), (S, N, E), attn_mask=np.zeros((L, L), bool)),
        RuntimeError,
    )
    _both_raise(
        lambda lib: attend(lib, (L, N, E), (S, N, E), attn_mask=np.zeros((3, L, S), bool)),
        RuntimeError,
    )
    _both_raise(
        lambda lib: attend(lib, (L, N, E), (S, N, E), key_padding_mask=np.zeros((N, L), bool)),
        AssertionError,
    )
    _both_raise(lambda lib: lib.nn.MultiheadAttention(5, 2), AssertionError)
    _both_raise(lambda lib: lib.nn.MultiheadAttention(0, 2), ValueError)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        x = twingrad.randn(L, N, E)
        nn.MultiheadAttention(E, 2)(x, x, x, is_causal=True)


STACKS = [
    {},
    {"norm_first": True},
    {"activation": "gelu", "batch_first": True},
    {"bias": False, "layer_norm_eps": 1e-3},
]


def _masks(batch_first):
    causal = torch.nn.Transformer.generate_square_subsequent_mask(4).numpy().astype(np.float64)
    padding = np.zeros((N, L), dtype=bool)
    padding[1, -2:] = True
    return {
        "tgt_mask": causal,
        "src_key_padding_mask": padding,
        "memory_key_padding_mask": padding,
        "tgt_key_padding_mask": np.array([[0, 0, 0, 1], [0, 0, 0, 0]], dtype=bool),
    }


@pytest.mark.parametrize("kw", STACKS, ids=str)
def test_transformer_matches_torch(kw):
    def make(lib):
        return lib.nn.Transformer(E, 2, 2, 2, 8, dropout=0.0, **kw)

    src, tgt = _x(L, N, E), _x(4, N, E)
    if kw.get("batch_first"):
        src, tgt = src.transpose(1, 0, 2).copy(), tgt.transpose(1, 0, 2).copy()
    check_twins(make, (src, tgt))
    check_twins(make, (src, tgt), _masks(kw.get("batch_first")))
    check_twins(
        make,
        (
            src[:, 0] if not kw.get("batch_first") else src[0],
            tgt[:, 0] if not kw.get("batch_first") else tgt[0],
        ),
    )
    check_state_dict_both_ways(make)


@pytest.mark.parametrize("kw", STACKS, ids=str)
def test_encoder_and_decoder_stacks_match_torch(kw):
    def encoder(lib):
        layer = lib.nn.TransformerEncoderLayer(E, 2, 8, dropout=0.0, **kw)
        return lib.nn.TransformerEncoder(
            layer, 2, norm=lib.nn.LayerNorm(E), enable_nested_tensor=False
        )

    def decoder(lib):
        return lib.nn.TransformerDecoder(
            lib.nn.TransformerDecoderLayer(E, 2, 8, dropout=0.0, **kw), 2
        )

    x, memory = _x(L, N, E), _x(S, N, E)
    if kw.get("batch_first"):
        x, memory = x.transpose(1, 0, 2).copy(), memory.transpose(1, 0, 2).copy()
    causal = torch.nn.Transformer.generate_square_subsequent_mask(L).numpy().astype(np.float64)
    check_twins(encoder, (x,), {"mask": causal, "is_causal": True})
    check_twins(encoder, (x,), {"mask": causal > -1})  # a bool mask: True blocks
    check_twins(decoder, (x, memory), {"tgt_mask": causal, "tgt_is_causal": True})
    check_state_dict_both_ways(encoder)
    check_state_dict_both_ways(decoder)


def test_activation_can_be_a_function_or_a_module():
    def make(lib):
        return lib.nn.TransformerEncoderLayer(E, 2, 8, dropout=0.0, activation=lib.nn.GELU())

    check_twins(make, (_x(L, N, E),))
    for lib in (torch, twingrad):
        with pytest.raises(RuntimeError, match="relu/gelu"):
            lib.nn.TransformerEncoderLayer(E, 2, activation="swish")


def test_square_subsequent_mask_and_refusals():
    for size in (1, 4):
        ours = nn.Transformer.generate_square_subsequent_mask(size)
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(size)
        assert ours.dtype is twingrad.float32
        assert np.array_equal(ours.numpy(), theirs.numpy())
    mask = nn.Transformer.generate_square_subsequent_mask(2, dtype=twingrad.float64)
    assert mask.dtype is twingrad.float64

    def run(lib, tgt_shape):
        return lib.nn.Transformer(E, 2, 1, 1, 8)(lib.randn(L, N, E), lib.randn(*tgt_shape))

    _both_raise(lambda lib: run(lib, (4, 3, E)), RuntimeError)  # batch sizes differ
    _both_raise(lambda lib: run(lib, (4, N, 3)), RuntimeError)  # not d_model features


def test_dropout_acts_only_while_training():
    twingrad.manual_seed(0)
    layer = nn.TransformerEncoderLayer(E, 2, 8, dropout=0.5)
    x = twingrad.randn(L, N, E)
    layer.eval()
    assert np.array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())
    layer.train()
    assert not np.array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())


def test_bridge_replays_multihead_attention():
    twingrad.manual_seed(0)
    attention = nn.MultiheadAttention(4, 2).double()
    names = dict(attention.named_parameters())
    mask = twingrad.tensor([[False, True, False], [False, False, True]])

    def loss(q, kv):
        output, weights = attention(q, kv, kv, attn_mask=mask)
        return (output * output).sum() + weights.sum()

    report = bridge_check(loss, _x(2, 1, 4), _x(3, 1, 4), names=names)
    assert report.agree and report.max_ulps <= 64
    assert {row.name for row in report.rows} >= set(names)


@pytest.mark.parametrize("need_weights", [True, False])
def test_a_fully_masked_query_gives_what_torch_gives(need_weights):
    """With weights, a row with nothing to attend to is nan (a softmax over -inf), as in
    PyTorch; without, PyTorch's attention kernel gives 0, and so does ours."""

    def make(lib):
        return lib.nn.MultiheadAttention(E, 2)

    ours, theirs = (make(lib).double() for lib in (twingrad, torch))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = _x(3, 1, E)
    mask = np.array([[1, 1, 1], [0, 1, 0], [0, 0, 0]], dtype=bool)
    results = []
    for lib, module in ((twingrad, ours), (torch, theirs)):
        t = lib.tensor(x)
        results.append(module(t, t, t, attn_mask=lib.tensor(mask), need_weights=need_weights)[0])
    a, b = (r.detach().numpy() for r in results)
    assert np.array_equal(np.isnan(a), np.isnan(b)) and np.isnan(a).any() == need_weights
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_bridge_replays_a_transformer_encoder_layer():
    twingrad.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, 4, dropout=0.0, norm_first=True).double()
    names = dict(layer.named_parameters())
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=twingrad.float64)
    report = bridge_check(lambda x: (layer(x, src_mask=mask) ** 2).sum(), _x(3, 1, 4), names=names)
    assert report.agree and {row.name for row in report.rows} >= set(names)
