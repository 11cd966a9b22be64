"""normalize, cosine_similarity and scaled_dot_product_attention against PyTorch in float64
and float32 (values, shapes, dtypes, gradients, refusals), with finite differences and the
bridge."""

from __future__ import annotations

import numpy as np

import twingrad
from torch_compare import check, check_central_differences, check_raises
from twingrad.bridge import check as bridge_check

rng = np.random.default_rng(17)
A = rng.standard_normal((3, 4)) * 2
B = rng.standard_normal((3, 4)) * 2
ROW = rng.standard_normal(4)
EMPTY = np.zeros((0, 4))
INTS = np.array([-3, 0, 2, 9])


def F(lib):
    return lib.nn.functional


# -- normalize, cosine_similarity --------------------------------------------------------------


def test_normalize_matches_torch():
    zero_row = A.copy()
    zero_row[1] = 0.0
    for kwargs in (
        {},
        {"p": 1.0},
        {"p": 3.0, "dim": 0},
        {"dim": -1, "eps": 0.5},
        {"p": float("inf")},
    ):
        check(lambda lib, x, kwargs=kwargs: F(lib).normalize(x, **kwargs), A)
        check(lambda lib, x, kwargs=kwargs: F(lib).normalize(x, **kwargs), zero_row)
        check(lambda lib, x, kwargs=kwargs: F(lib).normalize(x, **kwargs), A, noncontiguous=True)
    check(lambda lib, x: F(lib).normalize(x, dim=0), ROW)
    check(lambda lib, x: F(lib).normalize(x), EMPTY)
    check_raises(lambda lib, x: F(lib).normalize(x), ROW, match="Dimension out of range")
    check_raises(lambda lib, x: F(lib).normalize(x, dim=0), INTS, match="floating point")


def test_cosine_similarity_matches_torch():
    zero_row = A.copy()
    zero_row[1] = 0.0
    tiny = A * 1e-9  # norms under eps: clamped, the gradient flowing as through the norm
    for fn in (
        lambda lib, x, y: F(lib).cosine_similarity(x, y),
        lambda lib, x, y: F(lib).cosine_similarity(x, y, dim=0, eps=1e-3),
        lambda lib, x, y: lib.nn.CosineSimilarity(dim=-1)(x, y),
    ):
        check(fn, A, B)
        check(fn, zero_row, B)
        check(fn, tiny, B)
        check(fn, A, B, noncontiguous=True)
        check(fn, EMPTY.T, EMPTY.T)
    check(lambda lib, x, y: F(lib).cosine_similarity(x, y), A, ROW)  # broadcast
    check(lambda lib, x, y: F(lib).cosine_similarity(x, y, dim=0), ROW, ROW[::-1].copy())
    check_raises(lambda lib, x, y: F(lib).cosine_similarity(x, y), A, np.ones((2, 4)), match="size")
    check_raises(
        lambda lib, x, y: F(lib).cosine_similarity(x, y, dim=0), INTS, INTS, match="floating"
    )
    check_raises(lambda lib, x, y: F(lib).cosine_similarity(x, y, dim=2), A, B, match="Dimension")


def test_distance_gradients_by_central_differences_and_bridge():
    other = twingrad.tensor(rng.standard_normal((3, 4)))
    f = twingrad.nn.functional
    check_central_differences(lambda x: f.normalize(x, dim=1), rng)
    check_central_differences(lambda x: f.normalize(x, p=3.0, dim=0), rng)
    check_central_differences(lambda x: f.cosine_similarity(x, other), rng)
    assert bridge_check(
        lambda x, y: f.cosine_similarity(x, y).sum() + f.normalize(x).sum(), A, B
    ).agree


# -- scaled_dot_product_attention -----------------------------------------------------------

Q = rng.standard_normal((2, 3, 5, 4))
K = rng.standard_normal((2, 3, 6, 4))
V = rng.standard_normal((2, 3, 6, 2))


def sdpa(lib, *args, **kwargs):
    return F(lib).scaled_dot_product_attention(*args, **kwargs)


def test_attention_matches_torch():
    check(lambda lib, q, k, v: sdpa(lib, q, k, v), Q, K, V)
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, scale=0.3), Q, K, V, noncontiguous=True)
    check(lambda lib, q, k, v: sdpa(lib, q, k, v), Q[0, 0], K[0, 0], V[0, 0])  # 2-D
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True), Q, K, V)
    check(
        lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True),
        Q[:, :, :3],
        K[:, :, :3],
        V[:, :, :3],
    )
    check(lambda lib, q, k, v: sdpa(lib, q, k, v), Q[:, :, :0], K, V)  # no queries
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, dropout_p=1.0), Q, K, V)  # everything dropped


def test_attention_masks_match_torch():
    bool_mask = rng.random((5, 6)) > 0.4
    bool_mask[:, 0] = True
    float_mask = rng.standard_normal((3, 1, 6))
    check(lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m), Q, K, V, bool_mask)
    check(lambda lib, q, k, v, m: sdpa(lib, q, k, v, m), Q, K, V, float_mask)  # a float mask learns
    blocked = bool_mask.copy()
    blocked[2] = False  # a query that may attend to nothing gets zeros, as in PyTorch
    check(lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m), Q, K, V, blocked)


def test_attention_with_grouped_query_heads_matches_torch():
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True), Q, K[:, :1], V[:, :1])
    check_raises(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True), Q, K[:, :2], V[:, :2])


def test_attention_refusals_match_torch():
    mask = np.ones((5, 6), dtype=bool)
    check_raises(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, m, is_causal=True),
        Q,
        K,
        V,
        mask,
        match="is_causal",
    )
    check_raises(
        lambda lib, q, k, v: sdpa(lib, q, k, v), Q, K[..., :3], V, match="cannot be multiplied"
    )
    check_raises(
        lambda lib, q, k, v: sdpa(lib, q, k.double(), v),
        Q,
        K,
        V,
        dtype="float32",
        match="same dtype",
    )


def test_attention_dropout_keeps_or_scales_weights():
    twingrad.manual_seed(0)
    q, k, v = (twingrad.tensor(a) for a in (Q, K, np.ones((2, 3, 6, 2))))
    out = sdpa(twingrad, q, k, v, dropout_p=0.5).numpy()
    # each output is the kept weights (each doubled) summed: 0, 2, or between
    assert out.min() >= 0.0 and out.max() <= 2.0 + 1e-12 and not np.allclose(out, 1.0)


def test_attention_gradients_by_central_differences_and_bridge():
    k = twingrad.tensor(K[0, 0])
    v = twingrad.tensor(V[0, 0])
    check_central_differences(lambda q: sdpa(twingrad, q, k[:, :4], v), rng, shape=(3, 4))
    check_central_differences(lambda q: sdpa(twingrad, q, k, v, is_causal=True), rng, shape=(3, 4))
    assert bridge_check(
        lambda q, k, v: sdpa(twingrad, q, k, v, is_causal=True).sum(), Q[0, 0], K[0, 0], V[0, 0]
    ).agree
