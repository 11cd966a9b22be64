"""Three relatives of Adam, as ``torch.optim``: Adamax, NAdam and RAdam.

All three keep Adam's moving average of the gradient, m = beta1 * m + (1 - beta1) * g.

- **Adamax** divides by an exponentially weighted infinity norm instead of an RMS:
  u = max(beta2 * u, |g| + eps);  p = p - lr / (1 - beta1^t) * m / u.
- **NAdam** adds Nesterov momentum, with a momentum that warms up over the steps:
  mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)), and the product of all mu so far
  corrects the bias.
- **RAdam** rectifies the variance of the adaptive step: while too few steps have been seen
  (rho_t <= 5) it takes plain momentum steps, then Adam steps scaled by a rectification term.

>>> import twingrad
>>> from twingrad.optim import Adamax
>>> w = twingrad.tensor([1.0, -1.0], requires_grad=True)
>>> opt = Adamax([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([ 0.9000, -0.9000], requires_grad=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.adam import lerp_
from twingrad.optim.optimizer import Optimizer
from twingrad.optim.scalar_state import ScalarStateOptimizer
from twingrad.optim.sgd import check_option
from twingrad.optim.update import check_not_exact, followed_gradient, state_like, step_counter

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


def _check_betas(betas: tuple[float, float]) -> None:
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _decayed_gradient(param: np.ndarray, grad: np.ndarray, group: dict) -> np.ndarray:
    """The gradient after weight decay: added to it (L2), or, decoupled, shrinking the
    parameter itself (``p *= 1 - lr * weight_decay``, as AdamW)."""
    weight_decay = group["weight_decay"]
    if weight_decay != 0 and group.get("decoupled_weight_decay"):
        param *= 1 - group["lr"] * weight_decay
        weight_decay = 0
    return followed_gradient(grad, param, group["maximize"], weight_decay)


class Adamax(Optimizer):
    """Adamax (Kingma and Ba, 2014, section 7), as ``torch.optim.Adamax``.

    The state of each parameter is ``step``, ``exp_avg`` (m) and ``exp_inf`` (u).

    >>> import twingrad
    >>> from twingrad.optim import Adamax
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = Adamax([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    1.5
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        check_option("epsilon", eps)
        _check_betas(betas)
        check_option("weight_decay", weight_decay)
        super().__init__(
            params,
            dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        if not state:
            state["step"] = step_counter()
            state["exp_avg"] = state_like(param)
            state["exp_inf"] = state_like(param)
        state["step"]._data += 1
        step = float(state["step"]._data)
        grad = followed_gradient(grad, param, group["maximize"], group["weight_decay"])
        exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + eps, out=exp_inf)
        clr = lr / (1 - beta1**step)
        param += (-clr * exp_avg) / exp_inf


class NAdam(ScalarStateOptimizer):
    """NAdam (Dozat, 2016), Adam with Nesterov momentum, as ``torch.optim.NAdam``.

    The state of each parameter is ``step``, ``mu_product`` (a float32 scalar, as PyTorch
    keeps it, so the products round alike), ``exp_avg`` and ``exp_avg_sq``.
    ``decoupled_weight_decay=True`` decays as AdamW does. A loaded ``mu_product`` takes
    the parameter's dtype, as PyTorch casts it.

    >>> import twingrad
    >>> from twingrad.optim import NAdam
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = NAdam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    1.8944
    """

    scalar_state = ("mu_product",)

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        check_option("epsilon", eps)
        _check_betas(betas)
        check_option("weight_decay", weight_decay)
        check_option("momentum_decay", momentum_decay)
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=tuple(betas),
                eps=eps,
                weight_decay=weight_decay,
                momentum_decay=momentum_decay,
                decoupled_weight_decay=decoupled_weight_decay,
                maximize=maximize,
            ),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        if not state:
            state["step"] = step_counter()
            state["mu_product"] = state_like(np.ones((), dtype=np.float32), 1)
            state["exp_avg"] = state_like(param)
            state["exp_avg_sq"] = state_like(param)
        state["step"]._data += 1
        step = float(state["step"]._data)
        bias_correction2 = 1 - beta2**step
        grad = _decayed_gradient(param, grad, group)
        decay = group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        mu_product = state["mu_product"]._data
        mu_product *= mu_product.dtype.type(mu)
        product = float(mu_product)
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        denom = np.sqrt(exp_avg_sq / bias_correction2)
        denom += eps
        param += (-lr * (1.0 - mu) / (1.0 - product)) * grad / denom
        param += (-lr * mu_next / (1.0 - product * mu_next)) * exp_avg / denom


class RAdam(Optimizer):
    """RAdam (Liu et al., 2019), Adam with a rectified adaptive step, as ``torch.optim.RAdam``.

    The state of each parameter is ``step``, ``exp_avg`` and ``exp_avg_sq``.
    ``decoupled_weight_decay=True`` decays as AdamW does.

    >>> import twingrad
    >>> from twingrad.optim import RAdam
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = RAdam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)  # the first steps are momentum steps: 2 - 0.1 * 4
    1.6
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        check_option("epsilon", eps)
        _check_betas(betas)
        check_option("weight_decay", weight_decay)
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=tuple(betas),
                eps=eps,
                weight_decay=weight_decay,
                decoupled_weight_decay=decoupled_weight_decay,
                maximize=maximize,
            ),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        if not state:
            state["step"] = step_counter()
            state["exp_avg"] = state_like(param)
            state["exp_avg_sq"] = state_like(param)
        state["step"]._data += 1
        step = float(state["step"]._data)
        grad = _decayed_gradient(param, grad, group)
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        corrected = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            adaptive = bias_correction2**0.5 / (np.sqrt(exp_avg_sq) + eps)
            param -= corrected * lr * adaptive * rect
        else:
            param -= corrected * lr


__all__ = ["Adamax", "NAdam", "RAdam"]
