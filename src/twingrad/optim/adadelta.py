"""Adadelta: a step sized by the ratio of two running RMS values, of past updates and of
past gradients, so that it needs no learning rate of its own (``lr`` only scales it).

    v = rho * v + (1 - rho) * g^2
    delta = sqrt(u + eps) / sqrt(v + eps) * g
    u = rho * u + (1 - rho) * delta^2
    p = p - lr * delta

>>> import twingrad
>>> from twingrad.optim import Adadelta
>>> w = twingrad.tensor([1.0], requires_grad=True)
>>> opt = Adadelta([w], lr=1.0)
>>> (w * w).sum().backward()
>>> opt.step()
>>> round(w.item(), 6)  # sqrt(1e-6) / sqrt(0.1 * 4 + 1e-6) * 2: a tiny first step
0.996838
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.optimizer import Optimizer
from twingrad.optim.sgd import check_option
from twingrad.optim.update import check_not_exact, followed_gradient, state_like, step_counter

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), as ``torch.optim.Adadelta``, with weight decay and maximize.

    The state of each parameter is ``step``, ``square_avg`` (v) and ``acc_delta`` (u).

    >>> import twingrad
    >>> from twingrad.optim import Adadelta
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = Adadelta([w], rho=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> sorted(opt.state[w])
    ['acc_delta', 'square_avg', 'step']
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_option("epsilon", eps)
        check_option("weight_decay", weight_decay)
        # foreach and capturable choose among PyTorch's kernels for one math
        super().__init__(
            params,
            dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        if not state:
            state["step"] = step_counter()
            state["square_avg"] = state_like(param)
            state["acc_delta"] = state_like(param)
        state["step"]._data += 1
        grad = followed_gradient(grad, param, group["maximize"], group["weight_decay"])
        square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps)
        delta /= std
        delta *= grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param += -lr * delta


__all__ = ["Adadelta"]
