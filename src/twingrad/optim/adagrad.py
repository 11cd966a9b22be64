"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients so far.

    s = s + g^2
    p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

>>> import twingrad
>>> from twingrad.optim import Adagrad
>>> w = twingrad.tensor([3.0], requires_grad=True)
>>> opt = Adagrad([w], lr=0.5)
>>> (w * w).sum().backward()
>>> opt.step()
>>> round(w.item(), 4)
2.5
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad.optim.optimizer import Optimizer
from twingrad.optim.sgd import check_option
from twingrad.optim.update import (
    check_not_exact,
    followed_gradient,
    param_arrays,
    state_like,
    step_counter,
)

if TYPE_CHECKING:
    from twingrad.optim.optimizer import ParamsT


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as ``torch.optim.Adagrad``.

    As in PyTorch, the state (``step`` and the running ``sum``, which starts at
    ``initial_accumulator_value``) exists from construction on.

    >>> import twingrad
    >>> from twingrad.optim import Adagrad
    >>> w = twingrad.tensor([2.0], requires_grad=True)
    >>> opt = Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    1.5
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_option("learning rate", lr)
        check_option("lr_decay", lr_decay)
        check_option("weight_decay", weight_decay)
        check_option("initial_accumulator_value", initial_accumulator_value)
        check_option("epsilon", eps)
        super().__init__(
            params,
            dict(
                lr=lr,
                lr_decay=lr_decay,
                eps=eps,
                weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value,
                maximize=maximize,
            ),
            differentiable=differentiable,
        )
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], param_arrays(p)[0], group)

    @staticmethod
    def _init_state(state: dict, param: np.ndarray, group: dict) -> None:
        state["step"] = step_counter()
        state["sum"] = state_like(param, group["initial_accumulator_value"])

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        check_not_exact(self, param)
        if not state:  # a parameter group added after construction
            self._init_state(state, param, group)
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        grad = followed_gradient(grad, param, group["maximize"], group["weight_decay"])
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]._data
        state_sum += grad * grad
        std = np.sqrt(state_sum)
        std += group["eps"]
        param += (-clr * grad) / std


__all__ = ["Adagrad"]
