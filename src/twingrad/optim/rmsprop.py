"""RMSprop: divide the gradient by a running root mean square of recent gradients.

With smoothing ``alpha`` (PyTorch's formulation):

    v = alpha * v + (1 - alpha) * g^2
    centered:  gbar = alpha * gbar + (1 - alpha) * g,   v_hat = v - gbar^2,  else v_hat = v
    momentum:  b = momentum * b + g / (sqrt(v_hat) + eps),  p = p - lr * b
    otherwise: p = p - lr * g / (sqrt(v_hat) + eps)

>>> import twingrad
>>> from twingrad.optim import RMSprop
>>> w = twingrad.tensor([1.0], requires_grad=True)
>>> opt = RMSprop([w], lr=0.01)
>>> (w * w).sum().backward()
>>> opt.step()
>>> round(w.item(), 4)
0.9
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.adam import lerp_
from twingrad.optim.optimizer import Optimizer
from twingrad.optim.sgd import check_option
from twingrad.optim.update import check_not_exact, followed_gradient, state_like, step_counter

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), as ``torch.optim.RMSprop``.

    >>> import twingrad
    >>> from twingrad.optim import RMSprop
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    1.9
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        check_option("epsilon", eps)
        check_option("momentum", momentum)
        check_option("weight_decay", weight_decay)
        check_option("alpha", alpha)
        super().__init__(
            params,
            dict(
                lr=lr,
                momentum=momentum,
                alpha=alpha,
                eps=eps,
                centered=centered,
                weight_decay=weight_decay,
                maximize=maximize,
            ),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        if not state:
            state["step"] = step_counter()
            state["square_avg"] = state_like(param)
            if momentum > 0:
                state["momentum_buffer"] = state_like(param)
            if group["centered"]:
                state["grad_avg"] = state_like(param)
        state["step"]._data += 1
        grad = followed_gradient(grad, param, group["maximize"], weight_decay)
        square_avg = state["square_avg"]._data
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += eps
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += grad / avg
            param -= lr * buf
        else:
            param += (-lr * grad) / avg


__all__ = ["RMSprop"]
