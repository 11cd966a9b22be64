"""The base of every loss layer (the ``reduction`` option and PyTorch's deprecated
size_average/reduce flags) and the regression losses, mean squared and absolute error.

The classification losses (NLL, cross-entropy, binary cross-entropy) are in
`twingrad.nn.classification_loss`, Huber and smooth L1 in `twingrad.nn.robust_loss`, the
KL divergence in `twingrad.nn.divergence`; all build on `_Loss` and `_reduce` here.

>>> import twingrad
>>> from twingrad import nn
>>> nn.MSELoss(reduction="none")(twingrad.tensor([1.0, 3.0]), twingrad.tensor([0.0, 1.0]))
tensor([1., 4.])
"""

from __future__ import annotations

import warnings

from twingrad._tensor.tensor import Tensor
from twingrad.nn.module import Module

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """``reduction``, or the one PyTorch's deprecated size_average/reduce flags ask for."""
    if size_average is not None or reduce is not None:
        warnings.warn(
            "size_average and reduce args will be deprecated, please use reduction='mean', "
            "'sum' or 'none' instead.",
            stacklevel=3,
        )
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        return "none" if not reduce else ("mean" if size_average else "sum")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str, weight: Tensor | None = None) -> Tensor:
    """Each element's loss (times ``weight``, where given), their mean, or their sum."""
    if weight is not None:
        loss = loss * weight
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _warn_broadcast(input: Tensor, target: Tensor) -> None:
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({list(target.shape)}) that is different to the input size "
            f"({list(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The mean (or sum) of squared differences.

    >>> import twingrad
    >>> mse_loss(twingrad.tensor([1.0, 2.0]), twingrad.tensor([1.0, 4.0]))
    tensor(2.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _warn_broadcast(input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The mean (or sum) of absolute differences.

    >>> import twingrad
    >>> l1_loss(twingrad.tensor([1.0, 2.0]), twingrad.tensor([2.0, 4.0]), reduction="sum")
    tensor(3.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _warn_broadcast(input, target)
    return _reduce((input - target).abs(), reduction)


class _Loss(Module):
    def __init__(
        self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        self.reduction = _reduction(size_average, reduce, reduction)


class MSELoss(_Loss):
    """Mean squared error (see `mse_loss`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.MSELoss()(twingrad.tensor([1.0, 2.0]), twingrad.tensor([0.0, 0.0]))
    tensor(2.5000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error (see `l1_loss`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.L1Loss()(twingrad.tensor([1.0, -2.0]), twingrad.tensor([0.0, 0.0]))
    tensor(1.5000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return l1_loss(input, target, reduction=self.reduction)


class _WeightedLoss(_Loss):
    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
