"""Learning-rate schedules, as ``torch.optim.lr_scheduler``.

A scheduler sets ``group["lr"]`` of each of its optimizer's parameter groups; call its
``step()`` after ``optimizer.step()``, once per epoch (or per batch, for OneCycleLR).
Each schedule computes the next rate from the current one with the same formula PyTorch
uses, so both libraries produce the same rates to the last bit or two.

The base class is in `base`; the schedules that multiply the rate by a factor (LambdaLR,
StepLR, MultiStepLR, ExponentialLR) in `decay`; those that follow a curve (CosineAnnealingLR,
LinearLR, OneCycleLR) in `annealing`; SequentialLR, which chains schedules, in `sequential`.

>>> import twingrad
>>> from twingrad.optim import SGD
>>> from twingrad.optim.lr_scheduler import StepLR
>>> opt = SGD([twingrad.zeros(1, requires_grad=True)], lr=1.0)
>>> sched = StepLR(opt, step_size=2, gamma=0.5)
>>> rates = []
>>> for epoch in range(5):
...     opt.step()
...     rates.append(sched.get_last_lr()[0])
...     sched.step()
>>> rates
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from twingrad.optim.lr_scheduler.annealing import CosineAnnealingLR, LinearLR, OneCycleLR
from twingrad.optim.lr_scheduler.base import LRScheduler
from twingrad.optim.lr_scheduler.decay import ExponentialLR, LambdaLR, MultiStepLR, StepLR
from twingrad.optim.lr_scheduler.sequential import SequentialLR

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "SequentialLR",
    "StepLR",
]
