"""ASGD: stochastic gradient descent with a decaying step size and a running average of
the parameters (Polyak and Juditsky, 1992), as ``torch.optim.ASGD``.

At step t, with eta the current step size and mu the averaging weight:

    p = p * (1 - lambd * eta) - eta * g
    ax = ax + mu * (p - ax)                       (ax = p while mu is 1)
    eta = lr / (1 + lambd * lr * t)^alpha;  mu = 1 / max(1, t - t0)

The averaged parameters ``ax`` (in the state) are what the method's guarantees are about;
they start averaging after ``t0`` steps.

>>> import twingrad
>>> from twingrad.optim import ASGD
>>> w = twingrad.tensor([1.0, -1.0], requires_grad=True)
>>> opt = ASGD([w], lr=0.1, lambd=0.0)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([ 0.8000, -0.8000], requires_grad=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.scalar_state import ScalarStateOptimizer
from twingrad.optim.sgd import check_option
from twingrad.optim.update import check_not_exact, followed_gradient, state_like, step_counter

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


def _scalar_state(value: float) -> np.ndarray:
    # eta and mu are float32 scalars in PyTorch's state, so they round to float32 there
    return state_like(np.zeros((), dtype=np.float32), value)


class ASGD(ScalarStateOptimizer):
    """Averaged SGD, as ``torch.optim.ASGD``, with weight decay and maximize.

    The state of each parameter is ``step``, ``eta``, ``mu`` (float32 scalars, as PyTorch
    keeps them; loaded, they take the parameter's dtype, as PyTorch casts them) and
    ``ax``, the averaged parameter.

    >>> import twingrad
    >>> from twingrad.optim import ASGD
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = ASGD([w], lr=0.1, t0=0)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> sorted(opt.state[w]), round(opt.state[w]["ax"].item(), 4)
    (['ax', 'eta', 'mu', 'step'], 1.6)
    """

    scalar_state = ("eta", "mu")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_option("learning rate", lr)
        check_option("weight_decay", weight_decay)
        super().__init__(
            params,
            dict(
                lr=lr,
                lambd=lambd,
                alpha=alpha,
                t0=t0,
                weight_decay=weight_decay,
                maximize=maximize,
            ),
            differentiable=differentiable,
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
        if not state:
            state["step"] = step_counter()
            state["eta"] = _scalar_state(lr)
            state["mu"] = _scalar_state(1.0)
            state["ax"] = state_like(param)
        state["step"]._data += 1
        step = float(state["step"]._data)
        grad = followed_gradient(grad, param, group["maximize"], group["weight_decay"])
        eta, mu = state["eta"]._data, state["mu"]._data
        eta_value = float(eta)
        param *= 1 - lambd * eta_value
        param += -eta_value * grad
        ax = state["ax"]._data
        if float(mu) != 1:
            ax += (param - ax) * mu.astype(param.dtype)
        else:
            ax[...] = param
        eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
        mu[...] = 1 / max(1, step - t0)


__all__ = ["ASGD"]
