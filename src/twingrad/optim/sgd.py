"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

With momentum ``mu``, dampening ``tau`` and weight decay ``lambda`` (PyTorch's formulation):

    g = grad + lambda * p
    b = g                              on the first step
    b = mu * b + (1 - tau) * g         afterwards
    p = p - lr * (g + mu * b)          with nesterov, else  p = p - lr * b

>>> import twingrad
>>> from twingrad.optim import SGD
>>> w = twingrad.tensor([1.0], requires_grad=True)
>>> opt = SGD([w], lr=0.1, momentum=0.9)
>>> for _ in range(2):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> round(w.item(), 4)
0.46
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.optimizer import Optimizer
from twingrad.optim.update import followed_gradient, state_like

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


def check_option(name: str, value: float, low: float = 0.0) -> None:
    """A ValueError naming a hyperparameter below its lower bound, as PyTorch's.

    >>> check_option("learning rate", -1)
    Traceback (most recent call last):
    ...
    ValueError: Invalid learning rate value: -1
    """
    if not value >= low:
        raise ValueError(f"Invalid {name} value: {value}")


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``.

    Exact (Fraction) parameters stay exact: the options are used as the exact values of
    the floats given.

    >>> import twingrad
    >>> from twingrad.optim import SGD
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    1.6
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_option("learning rate", lr)
        check_option("momentum", momentum)
        check_option("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        # foreach and fused choose among PyTorch's kernels; numpy updates whole arrays anyway
        super().__init__(
            params,
            dict(
                lr=lr,
                momentum=momentum,
                dampening=dampening,
                weight_decay=weight_decay,
                nesterov=nesterov,
                maximize=maximize,
            ),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay = group["weight_decay"]
        if param.dtype == object:
            lr, momentum, dampening, weight_decay = (
                Fraction(x) for x in (lr, momentum, dampening, weight_decay)
            )
        grad = followed_gradient(grad, param, group["maximize"], weight_decay)
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state_like(param)
                buf._data[...] = grad
                state["momentum_buffer"] = buf
            else:
                b = buf._data
                b *= momentum
                b += (1 - dampening) * grad
            grad = grad + momentum * buf._data if group["nesterov"] else buf._data
        param -= lr * grad


__all__ = ["SGD"]
