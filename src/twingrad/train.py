"""A small, optional training loop: epochs, a progress bar, loss and accuracy history.

`fit` runs the loop every PyTorch tutorial writes by hand (zero_grad, forward, loss,
backward, optional gradient clipping, step, scheduler) and records what happened;
`evaluate` measures a model on a loader without building graphs. Writing the loop yourself
is just as supported: these are conveniences, not a framework.

>>> import twingrad
>>> from twingrad.data import DataLoader, TensorDataset
>>> from twingrad.optim import SGD
>>> twingrad.manual_seed(0)
>>> X = twingrad.randn(64, 3)
>>> y = X @ twingrad.tensor([[1.0], [-2.0], [0.5]])
>>> w = twingrad.zeros(3, 1, requires_grad=True)
>>> model = lambda x: x @ w
>>> model.parameters = lambda: [w]
>>> mse = lambda out, target: ((out - target) ** 2).mean()
>>> loader = DataLoader(TensorDataset(X, y), batch_size=16)
>>> history = fit(model, SGD([w], lr=0.1), loader, mse, epochs=20, progress=False)
>>> history.loss[0] > 1.0 > 0.001 > history.loss[-1]
True
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import no_grad
from twingrad.nn.utils import clip_grad_norm_

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad.optim.lr_scheduler import LRScheduler
    from twingrad.optim.optimizer import Optimizer


@dataclass
class History:
    """What `fit` recorded: one entry per epoch (``batch_loss``: one per batch).

    ``accuracy`` entries are None when the targets are not class labels.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def __getitem__(self, key: str) -> list:
        """``history["loss"]``, as Keras users write it."""
        if key not in self.__dataclass_fields__:
            raise KeyError(f"no {key!r} in the history; it has {list(self.__dataclass_fields__)}")
        return getattr(self, key)


class ProgressBar:
    """A one-line progress bar: ``epoch 2/5 [#####.....] 20/40 loss 0.4123 acc 87.5%``.

    In a terminal or a notebook it redraws in place; elsewhere (a log file, CI) it writes
    only the finished line, so logs stay readable.
    """

    def __init__(self, total: int | None, desc: str = "", file: TextIO | None = None) -> None:
        self.total = total
        self.desc = desc
        self.file = file if file is not None else sys.stderr
        self.count = 0
        self.start = time.perf_counter()
        self._live = _redraws(self.file)
        self._last_draw = 0.0

    def update(self, n: int = 1, **stats: Any) -> None:
        """Advance by ``n`` steps and show ``stats`` (redrawn at most ten times a second).

        Off a terminal nothing is drawn until `close`:

        >>> import io; out = io.StringIO(); bar = ProgressBar(4, "epoch 1/1", out)
        >>> bar.update(2, loss=0.5); out.getvalue()
        ''
        """
        self.count += n
        now = time.perf_counter()
        if self._live and (now - self._last_draw > 0.1 or self.count == self.total):
            self._last_draw = now
            self.file.write("\r" + self._line(stats))
            self.file.flush()

    def close(self, **stats: Any) -> None:
        """Write the final line with ``stats`` and end it.

        >>> import io; out = io.StringIO(); bar = ProgressBar(4, "epoch 1/1", out)
        >>> bar.update(4); bar.close(loss=0.25, acc=0.5); out.getvalue()[:46]
        'epoch 1/1 [####################] 4/4 loss 0.25'
        """
        self.file.write(("\r" if self._live else "") + self._line(stats) + "\n")
        self.file.flush()

    def _line(self, stats: dict[str, Any]) -> str:
        parts = [self.desc] if self.desc else []
        if self.total:
            done = int(20 * min(self.count, self.total) / self.total)
            parts.append(f"[{'#' * done}{'.' * (20 - done)}] {self.count}/{self.total}")
        else:
            parts.append(f"{self.count}")
        parts.extend(_format_stat(k, v) for k, v in stats.items() if v is not None)
        elapsed = time.perf_counter() - self.start
        parts.append(f"{elapsed:.1f}s")
        return " ".join(parts)


def _redraws(stream: TextIO) -> bool:
    """True where a carriage return redraws the line: a terminal, or a Jupyter kernel."""
    if "ipykernel" in sys.modules:
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _format_stat(key: str, value) -> str:
    if "acc" in key:
        return f"{key} {100 * value:.1f}%"
    return f"{key} {value:.4g}" if isinstance(value, float) else f"{key} {value}"


def _unpack(batch) -> tuple[Any, Any]:
    if isinstance(batch, list | tuple) and len(batch) == 2:
        return batch[0], batch[1]
    raise ValueError(
        "fit and evaluate expect batches of (inputs, targets), as a TensorDataset of two "
        f"tensors gives; got a {type(batch).__name__}"
        + (f" of {len(batch)}" if isinstance(batch, list | tuple) else "")
    )


def _array(x) -> np.ndarray:
    return np.asarray(x.detach()._data if isinstance(x, Tensor) else x)


def correct_predictions(outputs: Tensor | ArrayLike, targets: Tensor | ArrayLike) -> int | None:
    """How many predictions match the class labels; None when targets are not labels.

    Class scores ``(N, C)`` with integer targets ``(N,)``: the argmax is the prediction.
    One score per sample (``(N,)`` or ``(N, 1)``) with 0/1 targets: a positive score
    predicts 1 (the scores are logits, as for ``BCEWithLogitsLoss``).

    >>> import twingrad
    >>> correct_predictions(twingrad.tensor([[0.1, 2.0], [3.0, -1.0]]), twingrad.tensor([1, 1]))
    1
    """
    out, target = _array(outputs), _array(targets)
    if out.ndim == 2 and out.shape[1] > 1 and target.ndim == 1 and target.dtype.kind in "iu":
        return int((out.argmax(axis=1) == target).sum())
    scores = out.reshape(len(out), -1) if out.ndim else out
    labels = target.reshape(len(target), -1) if target.ndim else target
    if (
        scores.ndim == 2
        and scores.shape[1] == 1
        and labels.shape == scores.shape
        and np.isin(labels, (0, 1)).all()
    ):
        return int(((scores > 0) == (labels == 1)).sum())
    return None


def evaluate(
    model: Callable[..., Tensor], loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor]
) -> tuple[float, float | None]:
    """Mean loss and accuracy of ``model`` over ``loader``, without recording graphs.

    The model is put in eval mode (dropout off) and back in the mode it was in. Accuracy
    is None when the targets are not class labels.

    >>> import twingrad; from twingrad.data import DataLoader, TensorDataset
    >>> X, y = twingrad.tensor([[2.0, 0.0], [0.0, 2.0], [1.0, 3.0]]), twingrad.tensor([0, 1, 0])
    >>> loader, ce = DataLoader(TensorDataset(X, y)), twingrad.nn.CrossEntropyLoss()
    >>> [round(v, 4) for v in evaluate(lambda x: x, loader, ce)]  # the scores are the inputs
    [0.7936, 0.6667]
    """

    was_training = getattr(model, "training", None)
    if hasattr(model, "eval"):
        model.eval()
    total_loss, total_correct, count, labelled = 0.0, 0, 0, True
    try:
        with no_grad():
            for batch in loader:
                inputs, targets = _unpack(batch)
                outputs = model(inputs)
                n = len(targets)
                total_loss += float(loss_fn(outputs, targets).item()) * n
                correct = correct_predictions(outputs, targets)
                labelled = labelled and correct is not None
                total_correct += correct or 0
                count += n
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    if count == 0:
        raise ValueError("evaluate got an empty loader")
    return total_loss / count, (total_correct / count if labelled else None)


def fit(
    model: Callable[..., Tensor],
    optimizer: Optimizer,
    train_loader: Iterable,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    epochs: int = 1,
    *,
    val_loader: Iterable | None = None,
    scheduler: LRScheduler | None = None,
    scheduler_step: str = "epoch",
    clip_grad_norm: float | None = None,
    progress: bool = True,
    file: TextIO | None = None,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_loader``; return the `History`.

    Each batch ``(inputs, targets)`` does ``optimizer.zero_grad()``, ``loss =
    loss_fn(model(inputs), targets)``, ``loss.backward()``, clips the gradients' total norm
    to ``clip_grad_norm`` if given, and ``optimizer.step()``. The ``scheduler`` steps after
    every epoch, or after every batch with ``scheduler_step="batch"`` (as OneCycleLR
    wants). With ``val_loader`` each epoch ends with `evaluate` on it. ``progress`` shows a
    bar on ``file`` (standard error by default). A loss that becomes NaN or infinite stops
    training with an error naming the epoch and batch.

    >>> import twingrad; from twingrad.data import DataLoader, TensorDataset
    >>> twingrad.manual_seed(0); model = twingrad.nn.Linear(2, 2)
    >>> loader = DataLoader(TensorDataset(twingrad.eye(2), twingrad.tensor([0, 1])))
    >>> h = fit(model, twingrad.optim.SGD(model.parameters(), lr=0.5), loader,
    ...         twingrad.nn.CrossEntropyLoss(), epochs=3, progress=False)
    >>> len(h.loss), h.loss[-1] < h.loss[0], h.lr
    (3, True, [0.5, 0.5, 0.5])
    """
    if scheduler_step not in ("epoch", "batch"):
        raise ValueError(f"scheduler_step must be 'epoch' or 'batch', got {scheduler_step!r}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    history = History()
    params = list(model.parameters()) if clip_grad_norm is not None else None
    for epoch in range(epochs):
        if hasattr(model, "train"):
            model.train()
        total = len(train_loader) if hasattr(train_loader, "__len__") else None
        bar = ProgressBar(total, f"epoch {epoch + 1}/{epochs}", file) if progress else None
        start = time.perf_counter()
        loss_sum, correct_sum, count, labelled = 0.0, 0, 0, True
        for i, batch in enumerate(train_loader):
            inputs, targets = _unpack(batch)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = loss_fn(outputs, targets)
            value = float(loss.item())
            if not math.isfinite(value):
                raise FloatingPointError(
                    f"the loss became {value} at epoch {epoch + 1}, batch {i + 1}; try a "
                    "smaller learning rate or clip_grad_norm"
                )
            loss.backward()
            if params is not None:
                clip_grad_norm_(params, clip_grad_norm)
            optimizer.step()
            if scheduler is not None and scheduler_step == "batch":
                scheduler.step()
            n = len(targets)
            history.batch_loss.append(value)
            loss_sum += value * n
            count += n
            correct = correct_predictions(outputs, targets)
            labelled = labelled and correct is not None
            correct_sum += correct or 0
            if bar is not None:
                bar.update(loss=loss_sum / count, acc=correct_sum / count if labelled else None)
        if count == 0:
            raise ValueError("fit got an empty train_loader")
        history.lr.append(optimizer.param_groups[0]["lr"])
        if scheduler is not None and scheduler_step == "epoch":
            scheduler.step()
        history.loss.append(loss_sum / count)
        history.accuracy.append(correct_sum / count if labelled else None)
        stats = {"loss": history.loss[-1], "acc": history.accuracy[-1]}
        if val_loader is not None:
            val_loss, val_accuracy = evaluate(model, val_loader, loss_fn)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
            stats.update(val_loss=val_loss, val_acc=val_accuracy)
        history.seconds.append(time.perf_counter() - start)
        if bar is not None:
            bar.close(**stats)
    return history


__all__ = ["History", "ProgressBar", "correct_predictions", "evaluate", "fit"]
