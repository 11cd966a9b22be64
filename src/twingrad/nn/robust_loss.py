"""The robust regression losses: smooth L1 and Huber, as functions (``F.huber_loss``) and
as layers (``nn.HuberLoss``).

Both are quadratic for small errors and linear for large ones, written with `where` over
the engine's ops (no rule of their own). They differ in scale: Huber's quadratic part is
``0.5 d^2`` and its slope ``delta``; smooth L1 is Huber divided by ``beta``. The quadratic
branch squares 0 in place of the errors it does not take, so an infinite error gets the
linear branch's gradient, as in PyTorch, not the 0 * inf = NaN of the unused square; a NaN
error takes the quadratic branch (a NaN gradient), as in PyTorch.

>>> import twingrad
>>> from twingrad import nn
>>> nn.HuberLoss(delta=1.0)(twingrad.tensor([0.5, 3.0]), twingrad.tensor([0.0, 0.0]))
tensor(1.3125)
"""

from __future__ import annotations

from twingrad._tensor.elementwise import where
from twingrad._tensor.tensor import Tensor
from twingrad.nn.loss import _Loss, _reduce, _reduction, _warn_broadcast, l1_loss


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input -
    target``), reduced; ``beta=0`` is the L1 loss.

    >>> import twingrad
    >>> smooth_l1_loss(twingrad.tensor([0.5, 3.0]), twingrad.tensor([0.0, 0.0]), reduction="none")
    tensor([0.1250, 2.5000])
    """
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    _warn_broadcast(input, target)
    d = input - target
    size = d.abs()
    large = size >= beta
    inside = where(large, 0.0, d)
    return _reduce(where(large, size - 0.5 * beta, 0.5 * inside * inside / beta), reduction)


def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``; each element's
    loss times ``weight`` (where given), then reduced.

    >>> import twingrad
    >>> huber_loss(twingrad.tensor([0.5, 3.0]), twingrad.tensor([0.0, 0.0]), reduction="sum")
    tensor(2.6250)
    """
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError(
            f"huber_loss does not support non-positive values for delta, got {delta}"
        )
    _warn_broadcast(input, target)
    d = input - target
    size = d.abs()
    large = size >= delta
    inside = where(large, 0.0, d)
    loss = where(large, delta * (size - 0.5 * delta), 0.5 * inside * inside)
    return _reduce(loss, reduction, weight)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss (see `smooth_l1_loss`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.SmoothL1Loss(beta=0.5)(twingrad.tensor([0.25, 2.0]), twingrad.zeros(2))
    tensor(0.9062)
    """

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss (see `huber_loss`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.HuberLoss(reduction="none", delta=2.0)(twingrad.tensor([1.0, 3.0]), twingrad.zeros(2))
    tensor([0.5000, 4.0000])
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)
