"""Small sequence models trained the way tutorials train them, in twingrad and in PyTorch
from the same initial weights: the losses of every step agree.

Each model is written once against the shared API (``lib`` is `twingrad` or `torch`):
a character LSTM language model with Adam, a causal transformer with NAdam, a GRU
classifier over packed variable-length sequences with RAdam, and an LSTM regression
fitted by LBFGS with a closure. Everything is float64, so the losses agree to ~1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import twingrad

VOCAB, STEPS = 11, 6
RNG = np.random.default_rng(0)
TOKENS = RNG.integers(0, VOCAB, size=(4, 9))


def _char_lstm(lib):
    class CharLSTM(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = lib.nn.Embedding(VOCAB, 6)
            self.lstm = lib.nn.LSTM(6, 8, num_layers=2, batch_first=True)
            self.head = lib.nn.Linear(8, VOCAB)

        def forward(self, x):
            output, _ = self.lstm(self.embed(x))
            return self.head(output)

    return CharLSTM()


def _causal_transformer(lib):
    class TinyGPT(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = lib.nn.Embedding(VOCAB, 8)
            self.position = lib.nn.Embedding(16, 8)
            layer = lib.nn.TransformerEncoderLayer(
                8, 2, 16, dropout=0.0, batch_first=True, norm_first=True, activation="gelu"
            )
            self.blocks = lib.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.head = lib.nn.Linear(8, VOCAB)

        def forward(self, x):
            length = x.shape[1]
            h = self.embed(x) + self.position(lib.arange(length))
            mask = lib.nn.Transformer.generate_square_subsequent_mask(length, dtype=h.dtype)
            return self.head(self.blocks(h, mask=mask, is_causal=True))

    return TinyGPT()


def _language_model_losses(lib, make, optimizer, **options):
    model = make(lib).double()
    if lib is twingrad:
        model.load_state_dict(_torch_weights(make))
    else:
        model.load_state_dict(_torch_weights(make, as_numpy=False))
    opt = getattr(lib.optim, optimizer)(model.parameters(), **options)
    x, y = lib.tensor(TOKENS[:, :-1]), lib.tensor(TOKENS[:, 1:])
    losses = []
    for _ in range(STEPS):
        logits = model(x)
        loss = lib.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return losses


_WEIGHTS: dict = {}


def _torch_weights(make, as_numpy: bool = True) -> dict:
    """One set of PyTorch initial weights per model, shared by both runs."""
    if make not in _WEIGHTS:
        torch.manual_seed(0)
        _WEIGHTS[make] = {k: v.clone() for k, v in make(torch).double().state_dict().items()}
    weights = _WEIGHTS[make]
    return {k: v.numpy() for k, v in weights.items()} if as_numpy else dict(weights)


@pytest.mark.parametrize(
    ("make", "optimizer", "options"),
    [
        (_char_lstm, "Adam", {"lr": 0.01}),
        (_char_lstm, "Adamax", {"lr": 0.02}),
        (_causal_transformer, "NAdam", {"lr": 0.01}),
        (_causal_transformer, "Adadelta", {"lr": 1.0}),
    ],
    ids=["lstm-adam", "lstm-adamax", "transformer-nadam", "transformer-adadelta"],
)
def test_language_models_train_as_in_torch(make, optimizer, options):
    ours = _language_model_losses(twingrad, make, optimizer, **options)
    theirs = _language_model_losses(torch, make, optimizer, **options)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    assert ours[-1] < ours[0]


def _packed_classifier_losses(lib):
    torch.manual_seed(1)
    reference = (torch.nn.GRU(3, 5, bidirectional=True).double(), torch.nn.Linear(10, 2).double())
    gru, head = lib.nn.GRU(3, 5, bidirectional=True).double(), lib.nn.Linear(10, 2).double()
    for ours, theirs in zip((gru, head), reference):
        ours.load_state_dict(
            {k: lib.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()}
        )
    rng = np.random.default_rng(2)
    sequences = [lib.tensor(rng.standard_normal((n, 3))) for n in (4, 7, 2, 5)]
    labels = lib.tensor([0, 1, 1, 0])
    opt = lib.optim.RAdam([*gru.parameters(), *head.parameters()], lr=0.05)
    rnn_utils = lib.nn.utils.rnn
    losses = []
    for _ in range(STEPS):
        packed = rnn_utils.pack_sequence(sequences, enforce_sorted=False)
        _, h = gru(packed)
        logits = head(lib.cat([h[0], h[1]], dim=1))
        loss = lib.nn.functional.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_gru_over_packed_sequences_trains_as_in_torch():
    ours, theirs = _packed_classifier_losses(twingrad), _packed_classifier_losses(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def _lbfgs_fit_losses(lib):
    torch.manual_seed(3)
    reference = torch.nn.LSTMCell(2, 4).double()
    cell = lib.nn.LSTMCell(2, 4).double()
    cell.load_state_dict(
        {k: lib.tensor(v.detach().numpy()) for k, v in reference.state_dict().items()}
    )
    rng = np.random.default_rng(4)
    xs = lib.tensor(rng.standard_normal((5, 3, 2)))
    target = lib.tensor(rng.standard_normal((3, 4)) * 0.3)
    opt = lib.optim.LBFGS(cell.parameters(), max_iter=4, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        state = None
        for x in xs:
            state = cell(x, state)
        loss = ((state[0] - target) ** 2).mean()
        loss.backward()
        return loss

    return [opt.step(closure).item() for _ in range(4)]


def test_lstm_cell_fitted_by_lbfgs_as_in_torch():
    ours, theirs = _lbfgs_fit_losses(twingrad), _lbfgs_fit_losses(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)
    assert ours[-1] < ours[0]
