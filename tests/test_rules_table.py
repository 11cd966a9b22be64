"""One table-driven test for every rule of the table, run at the samples the rule declares.

For each rule and each of its samples:

- forward: the rule's forward equals PyTorch's op in float64;
- vjp: each argument's vjp (gradient summed back to the argument's shape, as the engines do)
  equals central finite differences of <upstream, forward>;
- bridge: the scalar replay of the op agrees with the tensor engine (`bridge.compare`);
- exact: where the rule is rational, the same comparison on Fractions is exact (``==``);
- saves: the vjps give the same result when what ``saves`` leaves out is nan.

floor_divide has no derivative (nor in PyTorch): its tests assert the error instead.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import twingrad
from twingrad._tensor.engine import apply, sum_to_shape
from twingrad.bridge import compare
from twingrad.rules import RULES

CASES = [
    pytest.param(rule, i, id=f"{name}-{i}")
    for name, rule in RULES.items()
    for i in range(len(rule.samples))
]
NO_DERIVATIVE = {"floor_divide"}
# samples whose gradient is, on purpose, not the derivative: checked against torch's gradient
CONVENTIONS = {("embedding", 1): "padding_idx rows get no gradient; scale_grad_by_freq scales"}
# samples that are outside exact arithmetic although their rule is rational
NOT_EXACT = {("pow", 1): "x ** -1.5 is irrational"}


def inputs_of(rule, i) -> list[np.ndarray]:
    """A sample's inputs as arrays: float lists as float64, int lists as int64 indices."""
    return [np.array(x) for x in rule.samples[i].inputs]


def entries(rule, n: int) -> list:
    """Per input, the rule's derivative entry (None: the input has no gradient)."""
    table = rule.d if rule.elementwise else rule.grad
    values = list(table.values())
    return values * n if rule.variadic else values[:n]


def differentiable(rule, xs) -> list[int]:
    return [
        k for k, e in enumerate(entries(rule, len(xs))) if e is not None and xs[k].dtype.kind == "f"
    ]


def upstream_like(out: np.ndarray) -> np.ndarray:
    return np.random.default_rng(5).standard_normal(np.shape(out))


# -- PyTorch's version of each op --------------------------------------------------------------


def _to_torch(x):
    if isinstance(x, np.ndarray):
        return torch.from_numpy(x.copy())
    if isinstance(x, tuple):
        return tuple(_to_torch(v) for v in x)
    return x


def _over(fn):
    """A torch reduction given the rule's dim (a tuple, or None for every axis)."""

    def run(x, dim=None, keepdim=False, **kw):
        dims = tuple(range(x.ndim)) if dim is None else dim
        return fn(x, dims, keepdim=keepdim, **kw)

    return run


def _windows_2d(x, kernel_size, stride, padding, dilation):
    flat = tuple(p for pair in reversed(padding) for p in pair)
    cols = F.unfold(F.pad(x, flat), kernel_size, dilation=dilation, stride=stride)
    n, c = x.shape[:2]
    out = [
        (s + lo + hi - d * (k - 1) - 1) // st + 1
        for s, (lo, hi), k, st, d in zip(x.shape[2:], padding, kernel_size, stride, dilation)
    ]
    return cols.reshape(n, c, *kernel_size, *out).permute(0, 1, 4, 5, 2, 3)


def _col2im_2d(cols, size, kernel_size, stride, padding, dilation):
    n, c = cols.shape[:2]
    out = cols.shape[2:4]
    flat = cols.permute(0, 1, 4, 5, 2, 3).reshape(n, c * np.prod(kernel_size), np.prod(out))
    padded = [s + lo + hi for s, (lo, hi) in zip(size, padding)]
    full = F.fold(flat, padded, kernel_size, dilation=dilation, stride=stride)
    return full[
        ..., padding[0][0] : padding[0][0] + size[0], padding[1][0] : padding[1][0] + size[1]
    ]


def _conv(x, w, b=None, *, stride, padding, dilation, groups):
    conv = F.conv1d if w.ndim == 3 else F.conv2d
    return conv(x, w, b, stride, tuple(lo for lo, _ in padding), dilation, groups)


def _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode):
    pool = F.max_pool1d if x.ndim == 3 else F.max_pool2d
    return pool(x, kernel_size, stride, padding, dilation, ceil_mode)


def _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    if x.ndim == 3:
        return F.avg_pool1d(x, kernel_size, stride, padding, ceil_mode, count_include_pad)
    return F.avg_pool2d(
        x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def _norm(x, w=None, b=None, *, dims, eps):
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, correction=0)
    y = (x - mean) / torch.sqrt(var + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def _index_key(index):
    return tuple(i for i in index if i is not Ellipsis)


def _index_put(x, value, index):
    out = x.clone()
    out[index] = value
    return out


def _nll(x, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    # the samples' x are log-probabilities, which log_softmax leaves as they are
    return F.cross_entropy(
        x,
        target,
        weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


TORCH = {
    "add_n": lambda *xs: sum(xs[1:], xs[0]),
    "pow": lambda x, c: torch.pow(x, c),
    "pow_var": torch.pow,
    "erf": torch.special.erf,
    "leaky_relu": F.leaky_relu,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "softplus": F.softplus,
    "silu": F.silu,
    "binary_cross_entropy": lambda p, y: F.binary_cross_entropy(p, y, reduction="none"),
    "expand": lambda x, shape: x.expand(shape),
    "to_dtype": lambda x, dtype: x.to(torch.float64),
    "index": lambda x, index: x[_index_key(index)],
    "index_scatter": lambda y, shape, index: torch.zeros(shape, dtype=y.dtype).index_put_(
        _index_key(index), y, accumulate=True
    ),
    "index_put": lambda x, value, index: _index_put(x, value, _index_key(index)),
    "cat": lambda *xs, dim: torch.cat(xs, dim),
    "repeat": lambda x, repeats: x.repeat(repeats),
    "pad": lambda x, pad, value: F.pad(x, pad, value=value),
    "linear": F.linear,
    "im2col": _windows_2d,
    "col2im": _col2im_2d,
    "convolution": _conv,
    "max_pool": _max_pool,
    "avg_pool": _avg_pool,
    "batch_norm": _norm,
    "layer_norm": _norm,
    "embedding": lambda w, ids, padding_idx=None, scale_grad_by_freq=False: F.embedding(ids, w),
    "embedding_backward": lambda g, ids, num_weights, padding_idx=None, scale_grad_by_freq=False: (
        torch.ops.aten.embedding_dense_backward(
            g, ids, num_weights, -1 if padding_idx is None else padding_idx, scale_grad_by_freq
        )
    ),
    "nll_loss": _nll,
    "sum": _over(torch.sum),
    "mean": _over(torch.mean),
    "prod": lambda x, dim=None, keepdim=False: (
        torch.prod(x) if dim is None else torch.prod(x, dim[0], keepdim=keepdim)
    ),
    "amax": _over(torch.amax),
    "amin": _over(torch.amin),
    "max_dim": lambda x, dim, keepdim=False: torch.max(x, dim, keepdim=keepdim).values,
    "min_dim": lambda x, dim, keepdim=False: torch.min(x, dim, keepdim=keepdim).values,
    "var": lambda x, dim=None, correction=1, keepdim=False: torch.var(
        x, dim=dim, correction=correction, keepdim=keepdim
    ),
    "std": lambda x, dim=None, correction=1, keepdim=False: torch.std(
        x, dim=dim, correction=correction, keepdim=keepdim
    ),
    "logsumexp": _over(torch.logsumexp),
}


def test_every_rule_declares_samples_and_has_a_torch_op():
    assert [name for name, rule in RULES.items() if not rule.samples] == []
    assert [name for name in RULES if name not in TORCH and not hasattr(torch, name)] == []


@pytest.mark.parametrize(("rule", "i"), CASES)
def test_forward_matches_torch(rule, i):
    xs, params = inputs_of(rule, i), rule.samples[i].params
    ours = rule.forward(*xs, **params)
    op = TORCH.get(rule.name) or getattr(torch, rule.name)
    theirs = op(*[_to_torch(x) for x in xs], **{k: _to_torch(v) for k, v in params.items()})
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-12)
    assert np.shape(ours) == tuple(theirs.shape)


def _loss(rule, xs, params, upstream) -> float:
    return float(np.sum(upstream * rule.forward(*xs, **params)))


@pytest.mark.parametrize(("rule", "i"), CASES)
def test_vjp_matches_central_differences(rule, i):
    xs, params = inputs_of(rule, i), rule.samples[i].params
    out = rule.forward(*xs, **params)
    upstream = upstream_like(out)
    if rule.name in NO_DERIVATIVE:
        with pytest.raises(RuntimeError, match="not implemented"):
            rule.vjp(0, upstream, out, xs, params)
        return
    if (rule.name, i) in CONVENTIONS:
        _vjp_matches_torch_gradient(rule, xs, params, out, upstream)
        return
    h = 1e-6
    for k in differentiable(rule, xs):
        got = sum_to_shape(np.asarray(rule.vjp(k, upstream, out, xs, params)), xs[k].shape)
        want = np.zeros(xs[k].shape)
        for at in np.ndindex(*xs[k].shape):
            up, down = [x.copy() for x in xs], [x.copy() for x in xs]
            up[k][at] += h
            down[k][at] -= h
            want[at] = (_loss(rule, up, params, upstream) - _loss(rule, down, params, upstream)) / (
                2 * h
            )
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=f"input {k}")


def _vjp_matches_torch_gradient(rule, xs, params, out, upstream):
    ts = [_to_torch(x) for x in xs]
    wanted = differentiable(rule, xs)
    for k in wanted:
        ts[k].requires_grad_(True)
    op = TORCH.get(rule.name) or getattr(torch, rule.name)
    if rule.name == "embedding":  # torch's embedding takes the conventions as arguments
        op = lambda w, ids, **p: F.embedding(ids, w, **p)  # noqa: E731
    (op(*ts, **params) * torch.from_numpy(upstream)).sum().backward()
    for k in wanted:
        got = sum_to_shape(np.asarray(rule.vjp(k, upstream, out, xs, params)), xs[k].shape)
        np.testing.assert_allclose(got, ts[k].grad.numpy(), rtol=1e-12, atol=1e-12)


def _tensors(rule, xs, exact: bool) -> tuple[list, list]:
    """The sample as tensors: differentiable inputs are leaves that require grad, the others
    constants; Fractions throughout when ``exact``."""
    wanted = differentiable(rule, xs)
    tensors, leaves = [], []
    for k, x in enumerate(xs):
        floating = x.dtype.kind == "f"
        t = twingrad.tensor(x, dtype=twingrad.fraction if exact and floating else None)
        if k in wanted:
            t.requires_grad_(True)
            leaves.append(t)
        tensors.append(t)
    return tensors, leaves


def _exact_params(params: dict) -> dict:
    # numbers as Fractions, and var's and std's correction as Tensor.var passes it (an int
    # correction makes the scalar replay of var divide in floats)
    return {
        k: Fraction(v) if isinstance(v, float) or k == "correction" else v
        for k, v in params.items()
    }


def _bridge(rule, i, exact: bool):
    xs, params = inputs_of(rule, i), rule.samples[i].params
    tensors, _ = _tensors(rule, xs, exact)
    out = apply(rule, *tensors, **(_exact_params(params) if exact else params))
    upstream = upstream_like(out._data)
    if exact:
        upstream = np.vectorize(Fraction, otypes=[object])(upstream)
    if rule.name in NO_DERIVATIVE:
        with pytest.raises(RuntimeError, match="not implemented"):
            compare(out, gradient=upstream)
        return
    report = compare(out, gradient=upstream)
    assert report.agree, str(report)
    if exact:
        assert report.all_equal, str(report)


@pytest.mark.parametrize(("rule", "i"), CASES)
def test_bridge_replay_agrees_with_the_tensor_engine(rule, i):
    _bridge(rule, i, exact=False)


@pytest.mark.parametrize(
    ("rule", "i"),
    [
        case
        for case in CASES
        if case.values[0].rational and (case.values[0].name, case.values[1]) not in NOT_EXACT
    ],
)
def test_rational_rules_agree_exactly_on_fractions(rule, i):
    _bridge(rule, i, exact=True)


def test_the_exact_test_covers_every_rational_rule():
    exact = {c.values[0].name for c in CASES if (c.values[0].name, c.values[1]) not in NOT_EXACT}
    assert {name for name, rule in RULES.items() if rule.rational} <= exact


@pytest.mark.parametrize(("rule", "i"), CASES)
def test_the_backward_reads_only_what_the_rule_saves(rule, i):
    """What ``saves`` leaves out may be anything of the right shape (here nan): the vjps do
    not change. This is what lets the tensor engine allow an in-place change there."""
    if rule.name in NO_DERIVATIVE:
        return
    xs, params = inputs_of(rule, i), rule.samples[i].params
    out = rule.forward(*xs, **params)
    upstream = upstream_like(out)
    names = list(rule.args) * len(xs) if rule.variadic else list(rule.args)

    def hidden(x, name):
        unsaved = name not in rule.saves and x.dtype.kind == "f"
        return np.full_like(x, np.nan) if unsaved else x

    blind = [hidden(x, name) for x, name in zip(xs, names)]
    blind_out = out if "out" in rule.saves else np.full_like(out, np.nan)
    for k in differentiable(rule, xs):
        want = np.asarray(rule.vjp(k, upstream, out, xs, params))
        got = np.asarray(rule.vjp(k, upstream, blind_out, blind, params))
        np.testing.assert_array_equal(got, want, err_msg=f"input {k}")
