"""`LRScheduler`: the base of every schedule, which keeps each parameter group's
``initial_lr``, the epoch count and the last rates set, and saves them in a state dict.
"""

from __future__ import annotations

import warnings
from typing import Any

from twingrad.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: remembers each group's ``initial_lr`` and the epoch count.

    Subclasses define ``get_lr()`` (the rates for ``last_epoch``, usually from the current
    rates) and, where there is one, ``_closed_form_lr()`` (the rates straight from
    ``base_lrs``, used when an epoch number is given).

    >>> import twingrad
    >>> from twingrad.optim import SGD
    >>> from twingrad.optim.lr_scheduler import StepLR
    >>> opt = SGD([twingrad.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> for _ in range(3):
    ...     sched.step()
    >>> sched.last_epoch, sched.get_last_lr()
    (3, [0.5])
    >>> again = StepLR(SGD([twingrad.zeros(1, requires_grad=True)], lr=1.0), step_size=2)
    >>> again.load_state_dict(sched.state_dict())
    >>> again.get_last_lr()
    [0.5]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        "resuming a scheduler with last_epoch >= 0: load the optimizer's "
                        "state dict first, or start with last_epoch=-1"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Set the rates of epoch 0 (``last_epoch`` -1 -> 0)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for ``last_epoch``; use `get_last_lr` to read the current ones."""
        raise TypeError(f"{type(self).__name__} does not define get_lr()")

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as last set by this scheduler."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to ``epoch``, deprecated as in PyTorch) and set rates."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(
                "passing an epoch to scheduler.step() is deprecated (as in PyTorch); call "
                "step() with no argument once per epoch",
                UserWarning,
                stacklevel=2,
            )
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed = getattr(self, "_closed_form_lr", None)
            values = closed() if closed is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer (save the optimizer's own state beside it)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes saved by `state_dict`."""
        self.__dict__.update(state_dict)
