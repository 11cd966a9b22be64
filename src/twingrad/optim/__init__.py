"""Optimizers and learning-rate schedules, as ``torch.optim``.

>>> import twingrad
>>> from twingrad import optim
>>> w = twingrad.tensor([2.0], requires_grad=True)
>>> opt = optim.SGD([w], lr=0.25)
>>> for _ in range(3):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> w
tensor([0.2500], requires_grad=True)
"""

from twingrad.optim import lr_scheduler
from twingrad.optim.adagrad import Adagrad
from twingrad.optim.adam import Adam, AdamW
from twingrad.optim.optimizer import Optimizer
from twingrad.optim.rmsprop import RMSprop
from twingrad.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]

# isort: split
# more optimizers (issue 14)
from twingrad.optim.adadelta import Adadelta
from twingrad.optim.adam_variants import Adamax, NAdam, RAdam
from twingrad.optim.asgd import ASGD
from twingrad.optim.lbfgs import LBFGS
from twingrad.optim.rprop import Rprop

__all__ += ["ASGD", "LBFGS", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop"]
