"""Module, Parameter and the containers: registration, names, state_dict (keys, shapes,
round trips with ours and with PyTorch's), modes, conversions, repr, and errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import twingrad
from nn_compare import numpy_state
from twingrad import nn


def small_model(lib):
    n = lib.nn
    return n.Sequential(
        n.Linear(2, 16),
        n.BatchNorm1d(16),
        n.ReLU(),
        n.Dropout(0.1),
        n.Sequential(n.Linear(16, 8), n.GELU(approximate="tanh"), n.LayerNorm(8)),
        n.Linear(8, 3, bias=False),
        n.LogSoftmax(dim=1),
    )


def test_names_keys_and_shapes_match_torch():
    ours, theirs = small_model(twingrad), small_model(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(theirs_state)  # buffers included, in PyTorch's order
    for key in ours_state:
        assert tuple(ours_state[key].shape) == tuple(theirs_state[key].shape), key
        assert (
            str(ours_state[key].dtype).split(".")[-1] == str(theirs_state[key].dtype).split(".")[-1]
        )
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]


def test_repr_matches_torch():
    assert repr(small_model(twingrad)) == repr(small_model(torch))
    extra = [
        lambda n: n.Embedding(10, 3, padding_idx=0),
        lambda n: n.LeakyReLU(0.2),
        lambda n: n.Softmax(dim=-1),
        lambda n: n.Flatten(),
        lambda n: n.Identity(),
        lambda n: n.BatchNorm2d(4, affine=False),
        lambda n: n.CrossEntropyLoss(),
        lambda n: n.ModuleList([n.Tanh(), n.Sigmoid()]),
        lambda n: n.ModuleDict({"a": n.ReLU(inplace=True), "b": n.SiLU()}),
        lambda n: n.Unflatten(1, (2, 3)),
        lambda n: n.Softplus(),
        lambda n: n.Dropout(),
    ]
    for make in extra:
        assert repr(make(nn)) == repr(make(torch.nn))


def test_parameter():
    p = nn.Parameter(twingrad.tensor([1.0, 2.0]))
    assert isinstance(p, twingrad.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert not nn.Parameter(twingrad.ones(2), requires_grad=False).requires_grad
    y = p * 2
    assert type(y) is twingrad.Tensor
    copied = copy.deepcopy(p)
    assert isinstance(copied, nn.Parameter) and copied.tolist() == [1.0, 2.0]
    copied.data.add_(1)
    assert p.tolist() == [1.0, 2.0]


def test_round_trip_ours_to_ours_and_torch_to_ours():
    twingrad.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((5, 2))
    a, b = small_model(twingrad).double(), small_model(twingrad).double()
    a.train()
    a(twingrad.tensor(x))  # moves the running statistics off their defaults
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    a.eval(), b.eval()
    assert np.array_equal(
        a(twingrad.tensor(x)).detach().numpy(), b(twingrad.tensor(x)).detach().numpy()
    )
    assert b[1].num_batches_tracked.item() == 1
    # PyTorch's state_dict as numpy arrays gives PyTorch's outputs
    theirs = small_model(torch).double()
    theirs.train()
    theirs(torch.tensor(x))
    theirs.eval()
    b.load_state_dict(numpy_state(theirs))
    np.testing.assert_allclose(
        b(twingrad.tensor(x)).detach().numpy(),
        theirs(torch.tensor(x)).detach().numpy(),
        rtol=1e-12,
        atol=1e-12,
    )
    b.load_state_dict(theirs.state_dict())  # PyTorch tensors themselves load too
    np.testing.assert_allclose(
        b(twingrad.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12
    )
    # a loaded value is a copy: changing the source later changes nothing
    state = a.state_dict()
    b.load_state_dict(state)
    with twingrad.no_grad():
        state["0.weight"].add_(1.0)
    assert not np.array_equal(b[0].weight.detach().numpy(), a[0].weight.detach().numpy())


def test_load_state_dict_reports_what_is_wrong():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    state = model.state_dict()
    del state["1.running_var"]
    state["extra.weight"] = twingrad.ones(1)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    text = str(info.value)
    assert text.startswith("Error(s) in loading state_dict for Sequential:")
    assert 'Missing key(s) in state_dict: "1.running_var".' in text
    assert 'Unexpected key(s) in state_dict: "extra.weight".' in text
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["1.running_var"] and result.unexpected_keys == ["extra.weight"]
    state = model.state_dict()
    state["0.weight"] = np.zeros((3, 4))
    with pytest.raises(
        RuntimeError,
        match=r"size mismatch for 0.weight: copying a param with "
        r"shape \[3, 4\] from checkpoint, the shape in current model is \[3, 2\]",
    ):
        model.load_state_dict(state, strict=False)
    with pytest.raises(TypeError, match="dict-like"):
        model.load_state_dict([1, 2])


def test_attributes_and_registration():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(twingrad.ones(2))
            self.body = nn.Linear(2, 2)
            self.register_buffer("steps", twingrad.zeros(1))
            self.register_buffer("cache", twingrad.zeros(2), persistent=False)
            self.note = "plain attribute"

        def forward(self, x):
            return self.body(x) * self.scale

    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["scale", "body.weight", "body.bias"]
    assert list(net.state_dict()) == ["scale", "steps", "body.weight", "body.bias"]
    assert net.note == "plain attribute" and "scale" in dir(net)
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'weigth'"):
        net.weigth
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        net.scale = twingrad.ones(2)
    net.scale = None
    assert [n for n, _ in net.named_parameters()] == ["body.weight", "body.bias"]
    net.body = nn.Identity()  # a module replaced by another
    assert list(net.parameters()) == []
    del net.steps
    assert "steps" not in net.state_dict()

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(twingrad.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()
    with pytest.raises(TypeError, match='missing the required "forward"'):
        nn.Module()(1)


def test_shared_modules_and_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.modules())) == 3  # the Sequential, the Linear once, the ReLU
    assert len(list(model.children())) == 2
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_train_eval_zero_grad_requires_grad():
    model = small_model(twingrad)
    assert all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    assert model[4][2].training
    out = model(twingrad.randn(4, 2)).sum()
    out.backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and p.grad.abs().sum().item() == 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_apply_visits_children_before_self_like_torch():
    seen_ours, seen_theirs = [], []
    small_model(twingrad).apply(lambda m: seen_ours.append(type(m).__name__))
    small_model(torch).apply(lambda m: seen_theirs.append(type(m).__name__))
    assert seen_ours == seen_theirs

    def init(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)

    model = small_model(twingrad).apply(init)
    assert model[0].weight.abs().sum().item() == 0


def test_dtype_conversion_keeps_the_parameter_objects():
    model = small_model(twingrad)
    weight = model[0].weight
    assert model.double() is model
    assert model[0].weight is weight and weight.dtype is twingrad.float64
    assert model[1].running_mean.dtype is twingrad.float64
    assert model[1].num_batches_tracked.dtype is twingrad.int64
    assert model(twingrad.randn(3, 2, dtype=twingrad.float64)).dtype is twingrad.float64
    model.to(twingrad.float32)
    assert weight.dtype is twingrad.float32 and weight.requires_grad
    assert model.to("cpu") is model
    with pytest.raises(TypeError, match="floating point"):
        model.to(twingrad.int64)


def test_sequential_container():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    head = seq[:2]
    assert type(head) is nn.Sequential and len(head) == 2 and head[0] is seq[0]
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    seq.append(nn.Sigmoid())
    assert list(dict(seq.named_children())) == ["0", "1", "2", "3"]
    del seq[1]
    assert list(dict(seq.named_children())) == ["0", "1", "2"] and isinstance(seq[1], nn.Linear)
    seq[2] = nn.Tanh()
    seq.insert(0, nn.Identity())
    assert [type(m).__name__ for m in seq] == ["Identity", "Linear", "Linear", "Tanh"]
    with pytest.raises(IndexError, match="out of range"):
        seq[7]
    from collections import OrderedDict

    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"] and isinstance(named.act, nn.ReLU)


def test_module_list_and_dict():
    layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    layers.append(nn.Linear(2, 1))
    layers += [nn.ReLU()]
    assert len(layers) == 4 and isinstance(layers[-1], nn.ReLU)
    assert len(list(layers.parameters())) == 6
    assert [type(m).__name__ for m in layers[1:3]] == ["Linear", "Linear"]
    del layers[0]
    assert list(dict(layers.named_children())) == ["0", "1", "2"]
    heads = nn.ModuleDict({"cls": nn.Linear(4, 3)})
    heads["box"] = nn.Linear(4, 4)
    assert list(heads) == ["cls", "box"] and "box" in heads and len(heads) == 2
    assert list(heads.state_dict()) == ["cls.weight", "cls.bias", "box.weight", "box.bias"]
    assert isinstance(heads.pop("cls"), nn.Linear) and list(heads.keys()) == ["box"]
    with pytest.raises(KeyError):
        heads["cls"]


def test_forward_hooks_and_deepcopy():
    layer = nn.Linear(2, 2)
    calls = []
    handle = layer.register_forward_hook(lambda m, args, out: calls.append(tuple(out.shape)))
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    out = layer(twingrad.ones(3, 2))
    assert calls == [(3, 2)] and np.allclose(out.detach().numpy(), layer.bias.detach().numpy())
    handle.remove(), pre.remove()
    layer(twingrad.ones(1, 2))
    assert calls == [(3, 2)]
    twin = copy.deepcopy(layer)
    assert twin.weight is not layer.weight and isinstance(twin.weight, nn.Parameter)
    assert np.array_equal(twin.weight.detach().numpy(), layer.weight.detach().numpy())
    with twingrad.no_grad():
        twin.weight.add_(1.0)
    assert not np.array_equal(twin.weight.detach().numpy(), layer.weight.detach().numpy())
