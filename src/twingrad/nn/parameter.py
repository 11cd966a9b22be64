"""`Parameter`: a tensor that a Module trains, registered by assigning it to the module.

>>> import twingrad
>>> from twingrad import nn
>>> layer = nn.Module()
>>> layer.scale = nn.Parameter(twingrad.ones(2))
>>> [name for name, _ in layer.named_parameters()]
['scale']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.tensor import Tensor


class Parameter(Tensor):
    """A tensor that a Module trains: assigning one to a Module attribute registers it.

    It shares memory with the tensor it wraps and requires grad by default.

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.Parameter(twingrad.ones(2))
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = Tensor._make(np.empty(0, dtype=dtypes.get_default_dtype().numpy))
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter expects a Tensor, got {type(data).__name__}; wrap the values with "
                "twingrad.tensor(...) first"
            )
        self._setup(data._data)
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(Tensor._make(self._data.copy()), self.requires_grad)
        if self._grad is not None:
            p._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = p
        return p

    def __reduce_ex__(self, protocol: int) -> tuple[Callable[..., Parameter], tuple[Any, ...]]:
        return (_rebuild_parameter, (self._data, self.requires_grad))


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(data), requires_grad)
