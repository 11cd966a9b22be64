"""The training helper: it trains, records, steps schedulers, clips, evaluates, reports."""

from __future__ import annotations

import io

import numpy as np
import pytest

import twingrad
from twingrad import optim
from twingrad.data import DataLoader, TensorDataset
from twingrad.optim.lr_scheduler import OneCycleLR, StepLR
from twingrad.train import History, correct_predictions, evaluate, fit


class Softmax:
    """A linear classifier with train/eval modes, like an nn.Module."""

    def __init__(self, n_in: int, n_classes: int) -> None:
        self.weight = twingrad.zeros(n_in, n_classes, requires_grad=True)
        self.bias = twingrad.zeros(n_classes, requires_grad=True)
        self.training = True
        self.modes: list[str] = []

    def __call__(self, x):
        return x @ self.weight + self.bias

    def parameters(self):
        return [self.weight, self.bias]

    def train(self, mode: bool = True):
        self.training = mode
        self.modes.append("train" if mode else "eval")
        return self

    def eval(self):
        return self.train(False)


def cross_entropy(logits, target):
    one_hot = np.eye(logits.shape[1], dtype=np.float32)[target.numpy()]
    return -(logits.log_softmax(1) * twingrad.tensor(one_hot)).sum(1).mean()


def _blobs(n: int = 150, seed: int = 0):
    rng = np.random.default_rng(seed)
    centers = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]], dtype=np.float32)
    y = np.arange(n) % 3
    X = centers[y] + rng.normal(size=(n, 2)).astype(np.float32) * 0.7
    return TensorDataset(twingrad.tensor(X), twingrad.tensor(y))


def test_fit_trains_a_classifier_and_records_each_epoch():
    model = Softmax(2, 3)
    train = DataLoader(_blobs(), batch_size=16, shuffle=True, generator=0)
    val = DataLoader(_blobs(60, seed=1), batch_size=30)
    history = fit(
        model,
        optim.Adam(model.parameters(), lr=0.1),
        train,
        cross_entropy,
        8,
        val_loader=val,
        progress=False,
    )
    assert isinstance(history, History)
    assert len(history.loss) == len(history.val_accuracy) == len(history.seconds) == 8
    assert len(history.batch_loss) == 8 * 10  # 150 samples in batches of 16
    assert history.loss[-1] < 0.3 * history.loss[0]
    assert history.accuracy[-1] > 0.95 and history.val_accuracy[-1] > 0.95
    assert history["val_loss"] is history.val_loss
    # the recorded epoch loss is the size-weighted mean of that epoch's batch losses
    sizes = [16] * 9 + [6]
    assert history.loss[0] == pytest.approx(np.average(history.batch_loss[:10], weights=sizes))
    # evaluation ran in eval mode, then went back to training
    assert model.modes[:3] == ["train", "eval", "train"]


def test_evaluate_matches_a_manual_pass_and_leaves_no_graph():
    model = Softmax(2, 3)
    model.weight._data[...] = [[1.0, -1.0, 0.0], [0.0, 0.5, 1.0]]
    data = _blobs(30)
    loss, accuracy = evaluate(model, DataLoader(data, batch_size=7), cross_entropy)
    X, y = data.tensors
    logits = model(X)
    assert loss == pytest.approx(cross_entropy(logits, y).item(), rel=1e-6)
    assert accuracy == (logits.detach().numpy().argmax(1) == y.numpy()).mean()
    assert model.weight.grad is None
    with pytest.raises(KeyError, match="no 'loss_curve' in the history"):
        History()["loss_curve"]


def test_schedulers_step_per_epoch_or_per_batch():
    model = Softmax(2, 3)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(_blobs(40), batch_size=10)
    history = fit(
        model, opt, loader, cross_entropy, 3, scheduler=StepLR(opt, 1, 0.5), progress=False
    )
    assert history.lr == [0.1, 0.05, 0.025]
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=0.5, total_steps=3 * len(loader))
    fit(
        model,
        opt,
        loader,
        cross_entropy,
        3,
        scheduler=sched,
        scheduler_step="batch",
        progress=False,
    )
    assert sched.last_epoch == 12
    with pytest.raises(ValueError, match="scheduler_step must be 'epoch' or 'batch'"):
        fit(model, opt, loader, cross_entropy, scheduler=sched, scheduler_step="step")


def test_gradient_clipping_bounds_each_step():
    model = Softmax(2, 3)
    before = [p.detach().numpy().copy() for p in model.parameters()]
    loader = DataLoader(_blobs(10), batch_size=10)
    fit(
        model,
        optim.SGD(model.parameters(), lr=1.0),
        loader,
        cross_entropy,
        clip_grad_norm=0.01,
        progress=False,
    )
    moved = np.sqrt(
        sum(((p.detach().numpy() - b) ** 2).sum() for p, b in zip(model.parameters(), before))
    )
    assert 0.009 < moved <= 0.01 + 1e-6


def test_a_diverging_loss_stops_with_where_it_happened():
    model = Softmax(2, 3)
    model.weight._data[0, 0] = np.nan
    loader = DataLoader(_blobs(20), batch_size=10)
    with pytest.raises(FloatingPointError, match="loss became nan at epoch 1, batch 1"):
        fit(model, optim.SGD(model.parameters(), lr=0.1), loader, cross_entropy, progress=False)


def test_progress_goes_to_the_given_stream_one_line_per_epoch_in_logs():
    model = Softmax(2, 3)
    out = io.StringIO()
    loader = DataLoader(_blobs(40), batch_size=10)
    fit(
        model,
        optim.Adam(model.parameters(), lr=0.1),
        loader,
        cross_entropy,
        2,
        val_loader=loader,
        file=out,
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in out.getvalue()
    assert lines[0].startswith("epoch 1/2 [####################] 4/4 loss ")
    assert " acc " in lines[1] and " val_loss " in lines[1] and " val_acc " in lines[1]


def test_correct_predictions_for_classes_binary_logits_and_regression():
    scores = twingrad.tensor([[0.1, 2.0], [3.0, -1.0], [0.0, 1.0]])
    assert correct_predictions(scores, twingrad.tensor([1, 1, 1])) == 2
    logits = twingrad.tensor([[2.0], [-1.0], [0.5]])
    assert correct_predictions(logits, twingrad.tensor([[1.0], [1.0], [0.0]])) == 1
    assert correct_predictions(twingrad.tensor([0.3, -2.0]), twingrad.tensor([1.0, 0.0])) == 2
    assert (
        correct_predictions(twingrad.tensor([[0.3], [2.0]]), twingrad.tensor([[0.7], [1.5]]))
        is None
    )


def test_batches_must_be_inputs_and_targets():
    model = Softmax(2, 3)
    with pytest.raises(ValueError, match="batches of \\(inputs, targets\\).*list of 3"):
        fit(
            model, optim.SGD(model.parameters(), lr=0.1), [[1, 2, 3]], cross_entropy, progress=False
        )


def test_mnist1d_models_have_the_papers_architectures_in_both_libraries():
    import torch

    from twingrad.demos.mnist1d import build

    for kind, n_params in (("logistic", 410), ("mlp", 15210), ("cnn", 5210)):
        ours, theirs = build(kind, twingrad.nn), build(kind, torch.nn)
        assert sum(p.numel() for p in ours.parameters()) == n_params
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()
        ]
        # the same weights give the same outputs
        theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
        x = np.random.default_rng(0).normal(size=(3, 40)).astype(np.float32)
        np.testing.assert_allclose(
            ours(twingrad.tensor(x)).detach().numpy(),
            theirs(torch.tensor(x)).detach().numpy(),
            rtol=1e-5,
            atol=1e-6,
        )
    with pytest.raises(ValueError, match="no MNIST-1D model 'rnn'"):
        build("rnn", twingrad.nn)


def test_mnist1d_demo_trains_and_saves_its_loss_curve(tmp_path, capsys):
    from twingrad.demos import mnist1d

    reached = mnist1d.run(tmp_path, epochs=2)
    png = (tmp_path / "mnist1d_loss.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    out = capsys.readouterr().out
    assert "4000 training and 1000 test signals" in out and "Test accuracy" in out
    accuracy = float(out.split("Test accuracy ")[1].split("%")[0]) / 100
    assert reached == (accuracy > 0.55)
    assert accuracy > 0.25  # after two epochs, far above the 10% of guessing
