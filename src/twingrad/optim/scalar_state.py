"""Loading optimizer state that holds per-parameter scalars besides parameter-shaped buffers.

NAdam's ``mu_product`` and ASGD's ``eta`` and ``mu`` are 0-d tensors in a parameter's
state. Loading a state dict casts them to the parameter's dtype, as PyTorch does, instead
of checking them against the parameter's shape as buffers are checked.

>>> import twingrad
>>> from twingrad.optim import ASGD
>>> w = twingrad.zeros(3, dtype=twingrad.float64, requires_grad=True)
>>> opt = ASGD([w])
>>> w.grad = twingrad.ones(3, dtype=twingrad.float64)
>>> opt.step()
>>> fresh = ASGD([w])
>>> fresh.load_state_dict(opt.state_dict())
>>> fresh.state[w]["eta"].dtype
twingrad.float64
"""

from __future__ import annotations

from typing import Any

import numpy as np

from twingrad._tensor.tensor import Tensor
from twingrad.optim.optimizer import Optimizer


class ScalarStateOptimizer(Optimizer):
    """An `Optimizer` whose state keys in ``scalar_state`` load as 0-d tensors of their
    parameter's dtype; everything else loads as the base class loads it."""

    scalar_state: tuple[str, ...] = ()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a saved state; the scalar entries take their parameter's dtype."""
        state = {k: dict(v) for k, v in state_dict["state"].items()}
        scalars = {
            k: {key: v.pop(key) for key in self.scalar_state if key in v} for k, v in state.items()
        }
        super().load_state_dict({**state_dict, "state": state})
        by_index = {
            i: p
            for saved, group in zip(state_dict["param_groups"], self.param_groups)
            for i, p in zip(saved["params"], group["params"])
        }
        for index, entries in scalars.items():
            p = by_index[index]
            target = p._data.dtype if isinstance(p, Tensor) else np.dtype(np.float64)
            for key, value in entries.items():
                array = value._data if isinstance(value, Tensor) else np.asarray(value)
                self.state[p][key] = Tensor._make(np.array(array, dtype=target))


__all__ = ["ScalarStateOptimizer"]
