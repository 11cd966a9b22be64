"""Recurrent nets against PyTorch: RNN, LSTM, GRU and their cells, in float64 and float32.

Outputs, final states, and the gradients of every parameter and input agree with PyTorch
from the same weights; parameter names, shapes and state dicts are PyTorch's; bad shapes
are refused as PyTorch refuses them; the bridge replays a tiny LSTM and GRU.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import twingrad
from module_twins import check_state_dict_both_ways, check_twins
from twingrad import nn
from twingrad.bridge import check as bridge_check

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape)


CELLS = [
    ("RNNCell", {}),
    ("RNNCell", {"nonlinearity": "relu"}),
    ("RNNCell", {"bias": False}),
    ("LSTMCell", {}),
    ("LSTMCell", {"bias": False}),
    ("GRUCell", {}),
    ("GRUCell", {"bias": False}),
]


@pytest.mark.parametrize(("name", "kw"), CELLS, ids=[f"{n}-{kw}" for n, kw in CELLS])
def test_cells_match_torch_batched_unbatched_and_with_states(name, kw):
    def make(lib):
        return getattr(lib.nn, name)(4, 3, **kw)

    check_twins(make, (_x(5, 4),))
    check_twins(make, (_x(4),))
    state = (_x(5, 3), _x(5, 3)) if name == "LSTMCell" else _x(5, 3)
    check_twins(make, (_x(5, 4), state))
    check_state_dict_both_ways(make)


NETS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", {"bidirectional": True, "bias": False, "batch_first": True}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 2, "batch_first": True}),
    ("LSTM", {"proj_size": 2, "num_layers": 2, "bidirectional": True, "bias": False}),
    ("GRU", {}),
    ("GRU", {"num_layers": 3, "batch_first": True}),
    ("GRU", {"num_layers": 2, "bidirectional": True}),
]


def _states(name, kw, batch):
    layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    hidden = kw.get("proj_size") or 3
    shape = (layers, batch, hidden) if batch else (layers, hidden)
    if name == "LSTM":
        return (_x(*shape), _x(*shape[:-1], 3))
    return _x(*shape)


@pytest.mark.parametrize(("name", "kw"), NETS, ids=[f"{n}-{kw}" for n, kw in NETS])
def test_recurrent_nets_match_torch(name, kw):
    def make(lib):
        return getattr(lib.nn, name)(4, 3, **kw)

    shape = (2, 5, 4) if kw.get("batch_first") else (5, 2, 4)
    check_twins(make, (_x(*shape),))
    check_twins(make, (_x(*shape), _states(name, kw, 2)))
    check_twins(make, (_x(5, 4), _states(name, kw, None)))  # unbatched
    check_state_dict_both_ways(make)


@pytest.mark.parametrize(("name", "kw"), NETS, ids=[f"{n}-{kw}" for n, kw in NETS])
def test_packed_sequences_run_each_sequence_for_its_length(name, kw):
    lengths = [3, 5, 1, 4]

    def make(lib):
        return getattr(lib.nn, name)(4, 3, **kw)

    batch_first = kw.get("batch_first", False)

    def prepare(lib, args):
        packed = lib.nn.utils.rnn.pack_padded_sequence(
            args[0], lengths, batch_first=batch_first, enforce_sorted=False
        )
        return [packed, *args[1:]]

    shape = (4, 5, 4) if batch_first else (5, 4, 4)
    check_twins(make, (_x(*shape),), prepare=prepare)
    check_twins(make, (_x(*shape), _states(name, kw, 4)), prepare=prepare)


def test_padding_and_packing_utilities_match_torch():
    seqs = [_x(3, 2), _x(5, 2), _x(1, 2)]

    def run(lib, batch_first, side):
        rnn = lib.nn.utils.rnn
        tensors = [lib.tensor(s, requires_grad=True) for s in seqs]
        padded = rnn.pad_sequence(tensors, batch_first, -1.0, side)
        packed = rnn.pack_sequence(tensors, enforce_sorted=False)
        unpacked, lengths = rnn.pad_packed_sequence(packed, batch_first, 7.0, total_length=6)
        loss = (padded * padded).sum() + (unpacked**3).sum()
        loss.backward()
        return [
            padded,
            packed.data,
            packed.batch_sizes,
            packed.sorted_indices,
            unpacked,
            lengths,
        ] + [t.grad for t in tensors]

    for batch_first in (False, True):
        for side in ("left", "right"):
            for a, b in zip(run(twingrad, batch_first, side), run(torch, batch_first, side)):
                assert tuple(a.shape) == tuple(b.shape)
                np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-15)


def test_packing_refuses_what_torch_refuses():
    rnn_ours, rnn_torch = nn.utils.rnn, torch.nn.utils.rnn
    padded = _x(4, 3, 2)
    for lengths, sorted_ in (([2, 3, 1], True), ([2, 0, 1], False)):
        with pytest.raises(RuntimeError):
            rnn_torch.pack_padded_sequence(torch.tensor(padded), lengths, enforce_sorted=sorted_)
        with pytest.raises(RuntimeError):
            rnn_ours.pack_padded_sequence(twingrad.tensor(padded), lengths, enforce_sorted=sorted_)
    packed = rnn_ours.pack_padded_sequence(twingrad.tensor(padded), [4, 2, 1])
    with pytest.raises(ValueError, match="total_length"):
        rnn_ours.pad_packed_sequence(packed, total_length=3)
    with pytest.raises(RuntimeError, match="sequence 1 has shape"):
        rnn_ours.pad_sequence([twingrad.ones(2, 3), twingrad.ones(2, 4)])


def test_parameter_names_shapes_and_initialisation_are_torchs():
    for name, kw in NETS:
        ours, theirs = getattr(nn, name)(4, 3, **kw), getattr(torch.nn, name)(4, 3, **kw)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()
        ]
        assert repr(ours) == repr(theirs)
    bound = 1 / math.sqrt(64)
    lstm = nn.LSTM(10, 64)
    for p in lstm.parameters():
        assert p.abs().max().item() <= bound and p.abs().max().item() > 0.9 * bound
    assert [repr(getattr(nn, n)(4, 3, **kw)) for n, kw in CELLS] == [
        repr(getattr(torch.nn, n)(4, 3, **kw)) for n, kw in CELLS
    ]
    assert len(lstm.all_weights) == 1 and len(lstm.all_weights[0]) == 4


def test_rnn_takes_nonlinearity_in_pytorchs_positional_place():
    assert nn.RNN(4, 3, 2, "relu").nonlinearity == "relu"
    assert nn.RNN(4, 3, 2, "relu").num_layers == 2


def _both_raise(make, call, error):
    """Both libraries refuse: the same exception type."""
    with pytest.raises(error):
        call(torch, make(torch))
    with pytest.raises(error):
        call(twingrad, make(twingrad))


def test_bad_shapes_are_refused_as_torch_refuses_them():
    lstm = lambda lib: lib.nn.LSTM(4, 3, 2)  # noqa: E731
    x = lambda lib, *s: lib.tensor(_x(*s), dtype=lib.float32)  # noqa: E731
    _both_raise(lstm, lambda lib, m: m(x(lib, 5, 2, 6)), RuntimeError)
    _both_raise(lstm, lambda lib, m: m(x(lib, 1, 5, 2, 4)), ValueError)
    _both_raise(
        lstm, lambda lib, m: m(x(lib, 5, 2, 4), (x(lib, 1, 2, 3), x(lib, 2, 2, 3))), RuntimeError
    )
    _both_raise(
        lstm, lambda lib, m: m(x(lib, 5, 2, 4), (x(lib, 2, 2, 3), x(lib, 2, 2, 2))), RuntimeError
    )
    _both_raise(
        lstm, lambda lib, m: m(x(lib, 5, 4), (x(lib, 2, 2, 3), x(lib, 2, 2, 3))), RuntimeError
    )
    _both_raise(lstm, lambda lib, m: m(x(lib, 5, 2, 4).double()), ValueError)
    gru = lambda lib: lib.nn.GRU(4, 3, 2)  # noqa: E731
    _both_raise(gru, lambda lib, m: m(x(lib, 5, 2, 4), x(lib, 1, 2, 3)), RuntimeError)
    cell = lambda lib: lib.nn.LSTMCell(4, 3)  # noqa: E731
    _both_raise(cell, lambda lib, m: m(x(lib, 2, 5)), RuntimeError)
    _both_raise(cell, lambda lib, m: m(x(lib, 2, 3, 4)), ValueError)
    _both_raise(cell, lambda lib, m: m(x(lib, 2, 4), (x(lib, 3, 3), x(lib, 3, 3))), RuntimeError)
    _both_raise(cell, lambda lib, m: m(x(lib, 2, 4), (x(lib, 2, 5), x(lib, 2, 3))), RuntimeError)
    gru_cell = lambda lib: lib.nn.GRUCell(4, 3)  # noqa: E731
    _both_raise(gru_cell, lambda lib, m: m(x(lib, 2, 4), x(lib, 2, 4)), RuntimeError)
    # a state of another dtype than the weights
    _both_raise(gru, lambda lib, m: m(x(lib, 5, 2, 4), x(lib, 2, 2, 3).double()), RuntimeError)
    _both_raise(gru_cell, lambda lib, m: m(x(lib, 2, 4), x(lib, 2, 3).double()), RuntimeError)


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"num_layers": 0}, ValueError),
        ({"dropout": 2}, ValueError),
        ({"proj_size": 3}, ValueError),
        ({"nonlinearity": "sigmoid"}, ValueError),
    ],
)
def test_bad_options_are_refused_as_torch_refuses_them(kw, error):
    kind = "RNN" if "nonlinearity" in kw else "LSTM"
    with pytest.raises(error):
        getattr(torch.nn, kind)(4, 3, **kw)
    with pytest.raises(error):
        getattr(nn, kind)(4, 3, **kw)
    with pytest.raises(ValueError, match="proj_size"):
        nn.GRU(4, 3, proj_size=2)
    with pytest.raises(ValueError, match="hidden_size"):
        nn.GRU(4, 0)


def test_dropout_between_layers_only_while_training():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.GRU(4, 3, dropout=0.5)
    assert "num_layers greater than 1" in str(caught[0].message)
    twingrad.manual_seed(0)
    gru = nn.GRU(4, 3, num_layers=2, dropout=0.5)
    x = twingrad.randn(5, 2, 4)
    gru.eval()
    first, second = gru(x)[0], gru(x)[0]
    assert np.array_equal(first.detach().numpy(), second.detach().numpy())
    gru.train()
    assert not np.array_equal(gru(x)[0].detach().numpy(), first.detach().numpy())


def _tiny(module_cls, **kw):
    twingrad.manual_seed(0)
    return module_cls(2, 2, **kw).double()


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_bridge_replays_a_tiny_recurrent_net(kind):
    model = _tiny(getattr(nn, kind), bidirectional=True)
    x = np.random.default_rng(1).standard_normal((3, 1, 2))
    names = dict(model.named_parameters())

    def loss(x):
        output, _ = model(x)
        return (output * output).sum()

    report = bridge_check(loss, x, names=names)
    assert report.agree and report.max_ulps <= 64
    assert {row.name for row in report.rows} >= set(names)


def test_bridge_replays_a_relu_rnn_exactly_in_fractions():
    """A relu RNN is rational: in Fraction mode the engines agree with ``==``."""
    twingrad.manual_seed(0)
    model = nn.RNN(2, 2, nonlinearity="relu", num_layers=2)
    for p in model.parameters():  # small exact fractions keep the arithmetic quick
        p.data = twingrad.tensor(np.round(p.detach().numpy() * 8) / 8, dtype=twingrad.fraction)
    x = twingrad.tensor([[[0.5, -0.25]], [[1.0, 0.75]], [[-0.5, 0.25]]], dtype=twingrad.fraction)
    report = bridge_check(lambda x: (model(x)[0] ** 2).sum(), x, exact=True)
    assert report.exact and report.all_equal


def test_bridge_replays_a_tiny_gru_cell():
    cell = _tiny(nn.GRUCell)
    report = bridge_check(lambda x: cell(x).sum(), np.array([[0.5, -0.25]]))
    assert report.agree


def test_a_strided_input_view_gives_torchs_results():
    x = _x(5, 2, 4)
    torch.manual_seed(0)
    theirs = torch.nn.LSTM(4, 3, batch_first=True).double()
    ours = nn.LSTM(4, 3, batch_first=True).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    results = []
    for lib, module in ((twingrad, ours), (torch, theirs)):
        leaf = lib.tensor(x, requires_grad=True)
        view = leaf.transpose(0, 1)  # (batch, time, features), not contiguous
        assert not view.is_contiguous()
        output, (h, c) = module(view)
        (output.sum() + (h * c).sum()).backward()
        results.append([output.detach().numpy(), h.detach().numpy(), leaf.grad.numpy()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
