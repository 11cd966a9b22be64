"""Rprop: resilient backpropagation, which uses only the sign of each gradient entry.

Every coordinate keeps its own step size. When the gradient keeps its sign, the step grows
(times ``etaplus``); when the sign flips, the last step overshot a minimum: the step
shrinks (times ``etaminus``) and this coordinate does not move this time. Step sizes stay
within ``step_sizes = (min, max)``.

    s = clamp(s * (etaplus if g g_prev > 0, etaminus if < 0, else 1), min, max)
    g = 0 where the sign flipped;  p = p - sign(g) * s;  g_prev = g

>>> import twingrad
>>> from twingrad.optim import Rprop
>>> w = twingrad.tensor([3.0, -2.0], requires_grad=True)
>>> opt = Rprop([w], lr=0.5)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([ 2.5000, -1.5000], requires_grad=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.optimizer import Optimizer
from twingrad.optim.sgd import check_option
from twingrad.optim.update import check_not_exact, state_like, step_counter

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


class Rprop(Optimizer):
    """Rprop (Riedmiller and Braun, 1993), as ``torch.optim.Rprop``, with maximize.

    The state of each parameter is ``step``, ``prev`` (the last gradient followed) and
    ``step_size`` (per coordinate, starting at ``lr``).

    >>> import twingrad
    >>> from twingrad.optim import Rprop
    >>> w = twingrad.tensor([1.0], requires_grad=True)
    >>> opt = Rprop([w], lr=0.1, etas=(0.5, 2.0))
    >>> for _ in range(3):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)  # steps of 0.1, 0.2, 0.4
    0.3
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(
            params,
            dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        (etaminus, etaplus), (smallest, largest) = group["etas"], group["step_sizes"]
        if not state:
            state["step"] = step_counter()
            state["prev"] = state_like(param)
            state["step_size"] = state_like(param, group["lr"])
        state["step"]._data += 1
        grad = np.array(grad, copy=True)  # zeroed where the sign flipped, kept as prev
        if group["maximize"]:
            np.negative(grad, out=grad)
        prev, step_size = state["prev"]._data, state["step_size"]._data
        agreement = np.sign(grad * prev)
        factor = np.where(agreement > 0, etaplus, np.where(agreement < 0, etaminus, 1.0))
        step_size *= factor.astype(param.dtype)
        np.clip(step_size, smallest, largest, out=step_size)
        grad[agreement < 0] = 0  # a flipped sign: wait a step instead of moving back
        param += -np.sign(grad) * step_size
        prev[...] = grad


__all__ = ["Rprop"]
