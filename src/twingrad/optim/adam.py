"""Adam and AdamW: moving averages of the gradient and of its square, bias-corrected.

At step t, with g the gradient (plus ``weight_decay * p`` for Adam; AdamW instead shrinks
``p`` by ``1 - lr * weight_decay`` first):

    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g^2          (amsgrad: v_max = max(v_max, v), used below)
    p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

>>> import twingrad
>>> from twingrad.optim import Adam
>>> w = twingrad.tensor([1.0, -1.0], requires_grad=True)
>>> opt = Adam([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([ 0.9000, -0.9000], requires_grad=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.optimizer import Optimizer
from twingrad.optim.sgd import check_option
from twingrad.optim.update import check_not_exact, followed_gradient, state_like, step_counter

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start += weight * (end - start)`` in place, in PyTorch's two forms for accuracy.

    >>> import numpy as np
    >>> start = np.array([0.0, 10.0])
    >>> lerp_(start, np.array([10.0, 0.0]), 0.25)
    >>> start
    array([2.5, 7.5])
    """
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014), as ``torch.optim.Adam``, with amsgrad and maximize.

    ``decoupled_weight_decay=True`` makes it AdamW.

    >>> import twingrad
    >>> from twingrad.optim import Adam
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    1.9
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        check_option("epsilon", eps)
        check_option("weight_decay", weight_decay)
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        # foreach, capturable and fused choose among PyTorch's kernels for one math
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=tuple(betas),
                eps=eps,
                weight_decay=weight_decay,
                amsgrad=amsgrad,
                maximize=maximize,
                decoupled_weight_decay=decoupled_weight_decay,
            ),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay = group["weight_decay"]
        if not state:
            state["step"] = step_counter()
            state["exp_avg"] = state_like(param)
            state["exp_avg_sq"] = state_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = state_like(param)
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        if weight_decay != 0 and group["decoupled_weight_decay"]:
            param *= 1 - lr * weight_decay
            weight_decay = 0  # AdamW decays the parameter itself, not through the gradient
        grad = followed_gradient(grad, param, group["maximize"], weight_decay)
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        bias_correction1 = 1 - beta1**step
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        if group["amsgrad"]:
            second = state["max_exp_avg_sq"]._data
            np.maximum(second, exp_avg_sq, out=second)
        else:
            second = exp_avg_sq
        denom = np.sqrt(second)
        denom /= bias_correction2_sqrt
        denom += eps
        update = (-lr / bias_correction1) * exp_avg
        update /= denom
        param += update


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), as ``torch.optim.AdamW``.

    The decay shrinks the parameters directly (``p *= 1 - lr * weight_decay``) instead of
    being added to the gradient, so Adam's scaling does not weaken it.

    >>> import twingrad
    >>> from twingrad.optim import AdamW
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)  # 2 * (1 - 0.1 * 0.5), then Adam's step of 0.1
    1.8
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            differentiable=differentiable,
            decoupled_weight_decay=True,
        )


__all__ = ["Adam", "AdamW"]
