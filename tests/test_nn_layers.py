"""Linear, activations, normalization, embedding and dropout against PyTorch: the same
parameters copied in, then outputs, input and parameter gradients, and buffers compared."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import twingrad
import twingrad.nn.functional as F
from nn_compare import check_module, twins
from torch_compare import check, check_raises
from twingrad import nn

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3))


@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(bias):
    check_module(lambda lib: lib.nn.Linear(3, 5, bias=bias), X)
    # leading batch dims and a single unbatched vector
    check_module(lambda lib: lib.nn.Linear(3, 2, bias=bias), rng.standard_normal((2, 4, 3)))
    check_module(lambda lib: lib.nn.Linear(3, 2, bias=bias), rng.standard_normal(3))


def test_linear_is_one_node_with_pytorch_initialisation():
    twingrad.manual_seed(0)
    layer = nn.Linear(400, 300)
    out = layer(twingrad.ones(2, 400))
    assert out.grad_fn.name() == "LinearBackward0"
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=sqrt(5)) and the bias both give this
    for p in (layer.weight, layer.bias):
        assert p.abs().max().item() <= bound
        assert p.abs().max().item() > 0.98 * bound
    assert abs(layer.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.01 * bound


def test_linear_shape_mismatch_names_both_shapes():
    layer = nn.Linear(3, 5)
    with pytest.raises(
        RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x2 and 3x5\)"
    ):
        layer(twingrad.ones(4, 2))
    check_raises(
        lambda lib, x: lib.nn.Linear(3, 5)(x), np.ones((4, 2), np.float32), dtype="float32"
    )
    with pytest.raises(RuntimeError, match="float64.*float32"):
        layer(twingrad.ones(4, 3, dtype=twingrad.float64))


ACTIVATIONS = [
    ("relu", lambda lib: lib.nn.ReLU()),
    ("leaky", lambda lib: lib.nn.LeakyReLU(0.2)),
    ("tanh", lambda lib: lib.nn.Tanh()),
    ("sigmoid", lambda lib: lib.nn.Sigmoid()),
    ("gelu", lambda lib: lib.nn.GELU()),
    ("gelu_tanh", lambda lib: lib.nn.GELU(approximate="tanh")),
    ("softplus", lambda lib: lib.nn.Softplus(beta=2.0, threshold=3.0)),
    ("silu", lambda lib: lib.nn.SiLU()),
    ("softmax", lambda lib: lib.nn.Softmax(dim=1)),
    ("log_softmax", lambda lib: lib.nn.LogSoftmax(dim=-1)),
    ("identity", lambda lib: lib.nn.Identity()),
    ("flatten", lambda lib: lib.nn.Flatten()),
]


@pytest.mark.parametrize("name,make", ACTIVATIONS, ids=[a for a, _ in ACTIVATIONS])
def test_activation_layers_match_torch(name, make):
    x = np.concatenate([rng.standard_normal((3, 4)) * 3, [[0.0, -0.0, 1.6, -1.4]]])
    check_module(make, x)
    check_module(make, rng.standard_normal((2, 3, 2)))


def test_activations_at_their_kinks_and_tails():
    x = np.array([-30.0, -5.0, -1e-3, 0.0, 1e-3, 1.5, 20.0, 40.0])
    check(lambda lib, x: lib.nn.functional.leaky_relu(x, 0.1), x)
    check(lambda lib, x: lib.nn.functional.relu(x), x)
    check(lambda lib, x: lib.nn.functional.gelu(x), x)
    check(lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"), x)
    check(lambda lib, x: lib.nn.functional.softplus(x), x)
    check(lambda lib, x: lib.nn.functional.silu(x), x)


def test_second_derivatives_of_activations_match_torch():
    x = np.array([-2.5, -0.3, 0.4, 1.7])

    def second(lib, x, f):
        (g,) = lib.autograd.grad(f(x).sum(), x, create_graph=True)
        return g

    for f in (
        lambda x: F.gelu(x) if isinstance(x, twingrad.Tensor) else torch.nn.functional.gelu(x),
        lambda x: (
            F.gelu(x, approximate="tanh")
            if isinstance(x, twingrad.Tensor)
            else torch.nn.functional.gelu(x, approximate="tanh")
        ),
        lambda x: (
            F.softplus(x) if isinstance(x, twingrad.Tensor) else torch.nn.functional.softplus(x)
        ),
        lambda x: F.silu(x) if isinstance(x, twingrad.Tensor) else torch.nn.functional.silu(x),
    ):
        check(lambda lib, x, f=f: second(lib, x, f), x, dtypes=("float64",))


def test_gelu_rejects_unknown_approximation():
    check_raises(lambda lib, x: lib.nn.functional.gelu(x, approximate="fast"), X)


def test_inplace_relu_rewrites_its_input_and_keeps_the_gradient():
    a = twingrad.tensor([-1.0, 2.0, -3.0], requires_grad=True)
    h = a * 2
    out = nn.ReLU(inplace=True)(h)
    assert out is h
    assert h.tolist() == [0.0, 4.0, 0.0]
    (h * h).sum().backward()
    assert a.grad.tolist() == [0.0, 16.0, 0.0]


@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_matches_torch(affine):
    check_module(
        lambda lib: lib.nn.LayerNorm(4, elementwise_affine=affine),
        rng.standard_normal((3, 4)) * 5 + 2,
    )
    check_module(lambda lib: lib.nn.LayerNorm((2, 3), eps=1e-3), rng.standard_normal((4, 2, 3)))
    check_module(lambda lib: lib.nn.LayerNorm(3, bias=False), rng.standard_normal((2, 3)))
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[4\].*\[2, 3\]"):
        nn.LayerNorm(4)(twingrad.ones(2, 3))


def _trained_norm(make):
    """A torch norm layer whose weight, bias and running stats are not the defaults."""

    def build(lib):
        layer = make(lib)
        if lib is torch:
            with torch.no_grad():
                for t in list(layer.parameters()) + [
                    b for b in layer.buffers() if b.is_floating_point()
                ]:
                    t.copy_(torch.rand(t.shape, generator=torch.Generator().manual_seed(1)) + 0.5)
        return layer

    return build


@pytest.mark.parametrize("train", [True, False])
def test_batch_norm_1d_matches_torch(train):
    make = _trained_norm(lambda lib: lib.nn.BatchNorm1d(3, momentum=0.3))
    check_module(make, rng.standard_normal((5, 3)) * 2 + 1, train=train, steps=3)
    check_module(make, rng.standard_normal((4, 3, 6)), train=train, steps=2)
    check_module(
        lambda lib: lib.nn.BatchNorm1d(3, bias=False), rng.standard_normal((5, 3)), train=train
    )
    check_module(
        lambda lib: lib.nn.BatchNorm1d(3, affine=False), rng.standard_normal((5, 3)), train=train
    )


@pytest.mark.parametrize("train", [True, False])
def test_batch_norm_2d_matches_torch(train):
    make = _trained_norm(lambda lib: lib.nn.BatchNorm2d(2))
    check_module(make, rng.standard_normal((3, 2, 4, 5)) * 3 - 1, train=train, steps=2)
    check_module(
        lambda lib: lib.nn.BatchNorm2d(2, track_running_stats=False),
        rng.standard_normal((3, 2, 2, 2)),
        train=train,
    )


def test_batch_norm_cumulative_average_and_errors():
    # momentum=None: the running stats are the plain average over all batches so far
    check_module(
        lambda lib: lib.nn.BatchNorm1d(2, momentum=None), rng.standard_normal((4, 2)), steps=3
    )
    bn = nn.BatchNorm1d(3)
    assert bn.num_batches_tracked.dtype is twingrad.int64
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(twingrad.ones(1, 3))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        nn.BatchNorm2d(3)(twingrad.ones(2, 3))
    with pytest.raises(
        RuntimeError, match="running_mean should contain 4 elements not 3: the input has 4 channels"
    ):
        bn(twingrad.ones(2, 4))


def test_batch_norm_functional_in_eval_uses_the_given_statistics():
    x = rng.standard_normal((4, 3))
    mean, var = rng.standard_normal(3), rng.random(3) + 0.5
    w, b = rng.standard_normal(3), rng.standard_normal(3)

    def fn(lib, x, w, b):
        m, v = (
            lib.tensor(mean.astype(str(x.dtype).split(".")[-1])),
            lib.tensor(var.astype(str(x.dtype).split(".")[-1])),
        )
        return lib.nn.functional.batch_norm(x, m, v, w, b, training=False, eps=1e-3)

    check(fn, x, w, b)


def test_embedding_matches_torch():
    ids = np.array([[0, 2, 2], [4, 1, 2]])
    check_module(lambda lib: lib.nn.Embedding(5, 3), ids)
    check_module(lambda lib: lib.nn.Embedding(5, 3, padding_idx=2), ids)
    check_module(lambda lib: lib.nn.Embedding(5, 3, padding_idx=-1, scale_grad_by_freq=True), ids)


def test_embedding_max_norm_renormalises_the_rows_it_looks_up():
    ours, theirs = twins(lambda lib: lib.nn.Embedding(6, 4, max_norm=1.0))
    ids = np.array([1, 3, 3])
    out_o, out_t = ours(twingrad.tensor(ids)), theirs(torch.tensor(ids))
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        ours.weight.detach().numpy(), theirs.weight.detach().numpy(), rtol=1e-12
    )


def test_embedding_double_backward_and_errors():
    ids = twingrad.tensor([0, 2, 2])
    w = twingrad.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    (g,) = twingrad.autograd.grad((F.embedding(ids, w) ** 2).sum(), w, create_graph=True)
    assert g.tolist() == [[2.0, 4.0], [0.0, 0.0], [20.0, 24.0]]
    g.sum().backward()
    assert w.grad.tolist() == [[2.0, 2.0], [0.0, 0.0], [4.0, 4.0]]
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(twingrad.tensor([3]), w)
    with pytest.raises(RuntimeError, match="int64"):
        F.embedding(twingrad.tensor([0.0]), w)


def test_embedding_init_and_from_pretrained():
    twingrad.manual_seed(1)
    emb = nn.Embedding(2000, 8, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert np.all(w[3] == 0)
    assert abs(w.std() - 1.0) < 0.02 and abs(w.mean()) < 0.02  # N(0, 1)
    frozen = nn.Embedding.from_pretrained(twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert not frozen.weight.requires_grad
    assert frozen(twingrad.tensor([1])).tolist() == [[3.0, 4.0]]


def test_one_hot_matches_torch():
    check(lambda lib, t: lib.nn.functional.one_hot(t, 4), np.array([[0, 3], [1, 1]]), grad=False)
    check(lambda lib, t: lib.nn.functional.one_hot(t), np.array([2, 0]), grad=False)
    check_raises(lambda lib, t: lib.nn.functional.one_hot(t, 2), np.array([0, 2]))


def test_dropout_train_and_eval():
    twingrad.manual_seed(0)
    x = twingrad.ones(200, 50, requires_grad=True)
    drop = nn.Dropout(p=0.3)
    y = drop(x)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), y.detach().numpy())  # the mask, scaled, is the grad
    assert y.dtype is twingrad.float32
    # the same seed gives the same mask
    twingrad.manual_seed(0)
    assert np.array_equal(drop(x).detach().numpy(), y.detach().numpy())
    drop.eval()
    assert drop(x) is x
    assert nn.Dropout(1.0)(x).abs().sum().item() == 0.0
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


def test_init_functions():
    twingrad.manual_seed(0)
    w = twingrad.empty(300, 200)
    nn.init.xavier_uniform_(w, gain=nn.init.calculate_gain("tanh"))
    bound = 5 / 3 * math.sqrt(6 / 500)
    assert bound * 0.99 < w.abs().max().item() <= bound
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(w.numpy().std() - math.sqrt(2 / 300)) < 0.01 * math.sqrt(2 / 300)
    nn.init.xavier_normal_(w)
    assert abs(w.numpy().std() - math.sqrt(2 / 500)) < 0.01 * math.sqrt(2 / 500)
    nn.init.normal_(w, mean=3.0, std=0.5)
    assert abs(w.numpy().mean() - 3.0) < 0.01
    nn.init.uniform_(w, -2.0, -1.0)
    assert -2.0 <= w.numpy().min() and w.numpy().max() < -1.0
    assert nn.init.constant_(w, 0.25).numpy().max() == 0.25
    assert nn.init.zeros_(w).numpy().max() == 0.0 and nn.init.ones_(w).numpy().min() == 1.0
    for name, param in [
        ("linear", None),
        ("conv2d", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.3),
        ("selu", None),
    ]:
        assert nn.init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        nn.init.calculate_gain("swish")
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(twingrad.empty(3))
    p = nn.Parameter(twingrad.zeros(3))
    nn.init.ones_(p)  # fills a parameter in place without recording a graph
    assert p.is_leaf and p.tolist() == [1.0, 1.0, 1.0]


def test_normalization_second_derivatives_match_torch():
    """The fused batch_norm / layer_norm backward is written with tensor ops: it
    differentiates again (a gradient penalty through both)."""

    def penalty(lib, x, w, b):
        y = lib.nn.functional.batch_norm(x, None, None, w, b, training=True)
        z = lib.nn.functional.layer_norm(y.tanh(), (3,), w, b)
        gx, gw = lib.autograd.grad((z * z * z).sum(), (x, w), create_graph=True)
        return gx, gw

    check(penalty, rng.standard_normal((4, 3)), rng.random(3) + 0.5, rng.standard_normal(3),
          dtypes=("float64",))  # fmt: skip


def test_norm_layers_are_one_node():
    x = twingrad.randn(4, 3, requires_grad=True)
    assert nn.LayerNorm(3)(x).grad_fn.name() == "LayerNormBackward0"
    assert nn.BatchNorm1d(3)(x).grad_fn.name() == "BatchNormBackward0"


def test_norm_layers_start_as_the_identity_like_torch():
    bn, ln = nn.BatchNorm2d(3), nn.LayerNorm(4)
    assert bn.weight.tolist() == [1.0] * 3 and bn.bias.tolist() == [0.0] * 3
    assert bn.running_mean.tolist() == [0.0] * 3 and bn.running_var.tolist() == [1.0] * 3
    assert bn.num_batches_tracked.item() == 0
    assert ln.weight.tolist() == [1.0] * 4 and ln.bias.tolist() == [0.0] * 4
