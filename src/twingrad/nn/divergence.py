"""The Kullback-Leibler divergence loss, as ``F.kl_div`` and ``nn.KLDivLoss``.

``input`` holds log-probabilities; ``target`` probabilities, or log-probabilities with
``log_target=True``. Each element's loss is ``target * (log(target) - input)``, with
``0 * log(0)`` taken as 0 as PyTorch's ``xlogy`` does (and, as there, the gradient with
respect to a target of exactly 0 is nan). Composed with `where` over the engine's ops.

>>> import twingrad
>>> from twingrad import nn
>>> logp = twingrad.tensor([[0.25, 0.75]]).log()
>>> nn.KLDivLoss(reduction="batchmean")(logp, twingrad.tensor([[0.5, 0.5]]))
tensor(0.1438)
"""

from __future__ import annotations

import warnings

from twingrad._tensor.elementwise import where
from twingrad._tensor.tensor import Tensor
from twingrad.nn.loss import _Loss, _reduce, _reduction


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """``target * (log(target) - input)`` per element, reduced: ``"batchmean"`` divides
    the sum by the batch size (the KL divergence itself), ``"mean"`` by the number of
    elements, as in PyTorch.

    >>> import twingrad
    >>> logp = twingrad.tensor([0.5, 0.5]).log()
    >>> kl_div(logp, twingrad.tensor([1.0, 0.0]), reduction="sum")
    tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=2,
        )
    elif reduction != "batchmean":
        reduction = _reduction(None, None, reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = where(target == 0, 0.0, target * target.log()) - target * input
    if reduction != "batchmean":
        return _reduce(loss, reduction)
    total = loss.sum()
    return total / input.shape[0] if input.ndim else total


class KLDivLoss(_Loss):
    """The Kullback-Leibler divergence of log-probabilities from a target (see `kl_div`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.KLDivLoss(reduction="sum", log_target=True)(twingrad.zeros(2), twingrad.zeros(2))
    tensor(0.)
    """

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        batchmean = reduction == "batchmean" and size_average is None and reduce is None
        super().__init__(size_average, reduce, "mean" if batchmean else reduction)
        if batchmean:
            self.reduction = "batchmean"
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
