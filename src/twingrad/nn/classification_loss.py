"""Classification losses, as functions (``F.cross_entropy``) and as layers
(``nn.CrossEntropyLoss``): negative log-likelihood, cross-entropy and binary cross-entropy.

Cross-entropy is log_softmax followed by the ``nll_loss`` rule, which picks each target's
log-probability (with class weights, ignore_index and label smoothing) in one numpy call
each way. Binary cross-entropy with logits is written with the stable softplus:
loss = (1 - y) x + w_pos softplus(-x), never exp of a large number.

>>> import twingrad
>>> from twingrad import nn
>>> logits = twingrad.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
>>> loss = nn.CrossEntropyLoss()(logits, twingrad.tensor([0]))
>>> round(loss.item(), 4)
0.2395
"""

from __future__ import annotations

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.engine import apply
from twingrad._tensor.promotion import binary
from twingrad._tensor.tensor import Tensor
from twingrad.nn.activation import softplus
from twingrad.nn.loss import _Loss, _reduce, _reduction, _WeightedLoss
from twingrad.rules import RULES

NLL_LOSS, BINARY_CROSS_ENTROPY = RULES["nll_loss"], RULES["binary_cross_entropy"]


def _class_weight(weight: Tensor | None, c: int, input: Tensor) -> Tensor | None:
    if weight is None:
        return None
    if weight.requires_grad:
        raise RuntimeError(
            "nll_loss is not differentiable with respect to argument 'weight': class weights "
            "are constants (pass weight.detach())"
        )
    if weight.ndim != 1 or weight.shape[0] != c:
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but "
            f"got weight tensor of shape: {list(weight.shape)}"
        )
    return weight if weight.dtype is input.dtype else weight.to(input.dtype)


def _as_batch(input: Tensor, target: Tensor, op: str) -> tuple[Tensor, Tensor, bool]:
    """(N, C, d...) input with (N, d...) class-index targets; an unbatched (C,) input with
    a 0-d target gets a batch of one."""
    if input.ndim == 1 and target.ndim == 0:
        return input.unsqueeze(0), target.reshape(1), True
    if input.ndim < 2:
        raise ValueError(
            f"{op}: expected input of shape (N, C, ...) or (C,), got {list(input.shape)}"
        )
    if target.shape[:1] != input.shape[:1]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0] if target.ndim else 0})."
        )
    expected = (input.shape[0], *input.shape[2:])
    if tuple(target.shape) != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    return input, target, False


def _check_targets(target: np.ndarray, c: int, ignore_index: int) -> None:
    bad = target[(target != ignore_index) & ((target < 0) | (target >= c))]
    if bad.size:
        raise IndexError(f"Target {int(bad[0])} is out of bounds (there are {c} classes).")


def _nll(
    input: Tensor,
    target: Tensor,
    weight,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    op: str,
) -> Tensor:
    if target.dtype is not dtypes.int64:
        raise RuntimeError(
            f"{op}: expected class indices of dtype int64 (Long), got {target.dtype.name}"
        )
    x, t, unbatched = _as_batch(input, target, op)
    c = x.shape[1]
    _check_targets(t._data, c, ignore_index)
    w = _class_weight(weight, c, x)
    args = (x, t) if w is None else (x, t, w)
    out = apply(
        NLL_LOSS,
        *args,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=float(label_smoothing),
    )
    return out.reshape(()) if unbatched and reduction == "none" else out


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The negative log-likelihood of class indices, given log-probabilities (N, C, ...).

    The mean divides by the total weight of the counted targets, as PyTorch does.

    >>> import twingrad
    >>> logp = twingrad.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    >>> nll_loss(logp, twingrad.tensor([0, 1]))
    tensor(0.3000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _nll(input, target, weight, ignore_index, reduction, 0.0, "nll_loss")


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits (N, C, ...) against class indices (N, ...) or class
    probabilities (N, C, ...).

    >>> import twingrad
    >>> cross_entropy(twingrad.tensor([[0.0, 0.0]]), twingrad.tensor([1]))
    tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    logp = input.log_softmax(class_dim)
    if not target.dtype.is_floating_point:
        return _nll(logp, target, weight, ignore_index, reduction, label_smoothing, "cross_entropy")
    # class probabilities
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(
            f"cross_entropy: class-probability targets must have the input's shape "
            f"{list(input.shape)}, got {list(target.shape)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    c = input.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / c
    w = _class_weight(weight, c, input)
    terms = logp * target
    if w is not None:
        terms = terms * w.reshape((c,) + (1,) * (input.ndim - class_dim - 1))
    per = -terms.sum(class_dim)
    if reduction == "mean":
        return per.sum() / (input.numel() // c)
    return _reduce(per, reduction)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p; each log is clamped at -100
    as in PyTorch, so p = 0 or 1 gives a finite loss.

    >>> import twingrad
    >>> binary_cross_entropy(twingrad.tensor([0.5]), twingrad.tensor([1.0]))
    tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({list(target.shape)}) that is different to the input size "
            f"({list(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    p = input._data
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = binary(BINARY_CROSS_ENTROPY, input, target, float_result=True)
    return _reduce(loss, reduction, weight)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed from the logits without overflow;
    ``pos_weight`` scales the loss of positive targets (per class, the last dim).

    >>> import twingrad
    >>> binary_cross_entropy_with_logits(twingrad.tensor([0.0, 1000.0]),
    ...                                  twingrad.tensor([1.0, 1.0]), reduction="none")
    tensor([0.6931, 0.0000])
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({list(target.shape)}) must be the same as input size "
            f"({list(input.shape)})"
        )
    # log(1 + e^-x) = softplus(-x), with no threshold: exact for every x
    log_one_plus = softplus(-input, 1.0, float("inf"))
    if pos_weight is not None:
        log_one_plus = log_one_plus * ((pos_weight - 1) * target + 1)
    return _reduce((1 - target) * input + log_one_plus, reduction, weight)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices given log-probabilities (see `nll_loss`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.NLLLoss()(twingrad.tensor([[-0.5, -1.0]]), twingrad.tensor([1])).item()
    1.0
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices or probabilities (see
    `cross_entropy`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> round(nn.CrossEntropyLoss()(twingrad.tensor([[0.0, 0.0]]), twingrad.tensor([1])).item(), 4)
    0.6931
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities (see `binary_cross_entropy`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> round(nn.BCELoss()(twingrad.tensor([0.5]), twingrad.tensor([1.0])).item(), 4)
    0.6931
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, stable for any logit (see
    `binary_cross_entropy_with_logits`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> round(nn.BCEWithLogitsLoss()(twingrad.tensor([0.0]), twingrad.tensor([1.0])).item(), 4)
    0.6931
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )
