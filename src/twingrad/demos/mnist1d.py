"""MNIST-1D with the tensor engine: the published models, and a short training demo.

`build` makes the three baselines of the MNIST-1D paper (Greydanus, 2020) from either
library's ``nn`` (twingrad's or PyTorch's: the same code builds both), so the benchmark can
train the same architecture in each. `run` is the part of ``make demo`` that trains the MLP
for a few epochs with a progress bar and saves its loss curve.

>>> import twingrad
>>> model = build("cnn", twingrad.nn)
>>> model(twingrad.zeros(2, 40)).shape
twingrad.Size([2, 10])
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import twingrad
from twingrad.data import DataLoader, TensorDataset, make_mnist1d
from twingrad.train import fit

if TYPE_CHECKING:
    import os
    from types import ModuleType

    import torch

    from twingrad.nn.module import Module

MODELS = ("logistic", "mlp", "cnn")


def build(
    kind: str, nn: ModuleType, hidden: int = 100, dropout: float = 0.0, channels: int = 25
) -> Module | torch.nn.Module:
    """A fresh MNIST-1D model from ``nn`` (``twingrad.nn`` or ``torch.nn``).

    - ``logistic``: one linear layer, 40 -> 10 (logistic regression);
    - ``mlp``: 40 -> ``hidden`` -> ``hidden`` -> 10 with ReLUs and a residual connection
      round the middle layer, as the paper's MLP (100 hidden units, no dropout); with
      ``dropout``, each hidden layer's output is dropped out at that rate in training;
    - ``cnn``: three 1-D convolutions of ``channels`` channels (kernels 5, 3, 3; stride 2;
      padding 1) with ReLUs, then a linear layer on the channels x 5 features, as the
      paper's CNN (25 channels).

    >>> [sum(p.numel() for p in build(kind, twingrad.nn).parameters()) for kind in MODELS]
    [410, 15210, 5210]
    """

    class Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(40, 10)

        def forward(self, x):
            return self.linear(x)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear1 = nn.Linear(40, hidden)
            self.linear2 = nn.Linear(hidden, hidden)
            self.linear3 = nn.Linear(hidden, 10)
            self.dropout = nn.Dropout(dropout)

        def forward(self, x):
            h = self.dropout(self.linear1(x).relu())
            h = h + self.dropout(self.linear2(h).relu())
            return self.linear3(h)

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv1d(1, channels, 5, stride=2, padding=1)
            self.conv2 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
            self.conv3 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
            self.linear = nn.Linear(channels * 5, 10)  # 40 points -> 19 -> 10 -> 5

        def forward(self, x):
            h = x.view(-1, 1, x.shape[-1])
            h = self.conv1(h).relu()
            h = self.conv2(h).relu()
            h = self.conv3(h).relu()
            return self.linear(h.view(h.shape[0], -1))

    makers = {"logistic": Logistic, "mlp": MLP, "cnn": CNN}
    if kind not in makers:
        raise ValueError(f"no MNIST-1D model {kind!r}; choose one of {', '.join(MODELS)}")
    return makers[kind]()


def save_loss_plot(batch_loss: list[float], path: Path, title: str) -> None:
    """Plot the loss of every batch, and its running mean, to ``path`` (PNG or SVG).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "loss.png"
    >>> save_loss_plot([2.0, 1.0, 0.5], path, "loss"); path.read_bytes()[:4]
    b'\\x89PNG'
    """
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, no display needed
    import matplotlib.pyplot as plt

    steps = np.arange(1, len(batch_loss) + 1)
    window = min(40, len(batch_loss))
    smooth = np.convolve(batch_loss, np.ones(window) / window, mode="valid")
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(steps, batch_loss, color="0.75", linewidth=0.8, label="batch loss")
    ax.plot(steps[window - 1 :], smooth, color="C0", label=f"mean of {window} batches")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy loss")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run(out_dir: str | os.PathLike, epochs: int = 25) -> bool:
    """The MNIST-1D part of ``make demo``: True when the MLP beats 55% test accuracy.

    A short run of the paper's recipe (Adam, learning rate 0.01, batches of 100 in order);
    the full run in ``benchmarks/bench_mnist1d.py`` reaches the paper's accuracy.
    ``tests/test_train.py`` runs it for two epochs.
    """
    data = make_mnist1d()
    x_train, y_train = (
        twingrad.tensor(data["x"], dtype=twingrad.float32),
        twingrad.tensor(data["y"]),
    )
    x_test, y_test = (
        twingrad.tensor(data["x_test"], dtype=twingrad.float32),
        twingrad.tensor(data["y_test"]),
    )
    twingrad.manual_seed(0)
    model = build("mlp", twingrad.nn)
    print(f"MNIST-1D: {len(x_train)} training and {len(x_test)} test signals of 40 points.")
    print(f"Training the paper's MLP for {epochs} epochs:")
    history = fit(
        model,
        twingrad.optim.Adam(model.parameters(), lr=1e-2),
        DataLoader(TensorDataset(x_train, y_train), batch_size=100),
        twingrad.nn.CrossEntropyLoss(),
        epochs,
        val_loader=DataLoader(TensorDataset(x_test, y_test), batch_size=500),
    )
    accuracy = history.val_accuracy[-1]
    path = Path(out_dir) / "mnist1d_loss.png"
    save_loss_plot(history.batch_loss, path, f"MNIST-1D MLP: {accuracy:.1%} test accuracy")
    print(f"Test accuracy {accuracy:.1%} (the paper's MLP reaches 68% after 6000 steps).")
    print(f"Loss curve: {path}")
    return accuracy > 0.55


__all__ = ["MODELS", "build", "run", "save_loss_plot"]
