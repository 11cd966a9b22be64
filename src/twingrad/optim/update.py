"""The pieces of a parameter update that every optimizer shares: the arrays an update works
on (a tensor's own, or a Value's number as a 0-d array), the state buffers it keeps, the
gradient it follows, and the fitting of loaded state to its parameter.

An optimizer's ``_update`` receives numpy arrays and changes the parameter's in place:

>>> import numpy as np
>>> param, grad = np.array([1.0, 2.0]), np.array([0.5, -0.5])
>>> param -= 0.1 * followed_gradient(grad, param, maximize=False, weight_decay=0.0)
>>> param
array([0.95, 2.05])
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor.tensor import Tensor

if TYPE_CHECKING:
    from twingrad.scalar.value import Value


def param_arrays(p: Tensor | Value) -> tuple[np.ndarray, np.ndarray | None]:
    """The arrays an update works on: the parameter's data and its gradient (None: skip it).

    A tensor's own arrays are returned, so updates happen in place. A Value's number becomes
    a 0-d array (float64, or object for an exact Fraction) that `write_back` writes back.

    >>> from twingrad.scalar import Value
    >>> w = Value(2.0)
    >>> w.grad = 0.5
    >>> data, grad = param_arrays(w)
    >>> data -= grad
    >>> write_back(w, data)
    >>> w.data
    1.5
    """
    if isinstance(p, Tensor):
        return p._data, None if p._grad is None else p._grad._data
    grad = p.grad
    kind = object if isinstance(p.data, Fraction) else np.float64
    return np.array(p.data, dtype=kind), np.array(grad, dtype=kind)


def write_back(p: Tensor | Value, data: np.ndarray) -> None:
    """Finish an update: bump a tensor's version (it changed in place), or set a Value.

    >>> import twingrad
    >>> w = twingrad.zeros(2)
    >>> write_back(w, w._data)
    >>> w._version[0]
    1
    """
    if isinstance(p, Tensor):
        p._version[0] += 1
    else:
        p.data = data.item()


def state_like(data: np.ndarray, fill: float = 0) -> Tensor:
    """A state buffer shaped and typed like a parameter's data (``torch.zeros_like``).

    >>> import numpy as np
    >>> state_like(np.ones(2, dtype=np.float32))
    tensor([0., 0.])
    """
    return Tensor._make(np.full(data.shape, fill, dtype=data.dtype))


def step_counter() -> Tensor:
    """The step count in a parameter's state: a 0-d float32 tensor, as PyTorch keeps it.

    >>> step_counter()
    tensor(0.)
    """
    return Tensor._make(np.zeros((), dtype=np.float32))


def followed_gradient(
    grad: np.ndarray, param: np.ndarray, maximize: bool, weight_decay: float
) -> np.ndarray:
    """The gradient an update descends: negated to maximize, plus ``weight_decay * param``
    (L2 decay). Never in place: the parameter's ``.grad`` stays as backward left it.

    >>> import numpy as np
    >>> followed_gradient(np.array([1.0, -2.0]), np.array([10.0, 10.0]), True, 0.1)
    array([0., 3.])
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    return grad


def check_not_exact(optimizer: object, data: np.ndarray) -> None:
    """Refuse exact (Fraction) parameters in an optimizer that needs square roots.

    >>> import numpy as np, twingrad
    >>> from twingrad.optim import Adam
    >>> check_not_exact(Adam([twingrad.zeros(1, requires_grad=True)]), np.zeros(1))
    """
    if data.dtype == object:
        raise TypeError(
            f"{type(optimizer).__name__} takes square roots, which exact (Fraction) values "
            "cannot; use float parameters, or SGD, which updates Fractions exactly"
        )


def cast_state(p: Tensor | Value, index: object, key: str, value: Any) -> Any:
    """A copy of one saved state entry, fitted to its parameter (PyTorch casts the same way):
    floating buffers take the parameter's dtype, ``step`` stays as saved.

    >>> import numpy as np, twingrad
    >>> cast_state(twingrad.zeros(2), 0, "exp_avg", np.ones(2, dtype=np.float64)).dtype
    twingrad.float32
    """
    if isinstance(value, np.ndarray):
        value = Tensor._make(np.array(value))
    if not isinstance(value, Tensor):
        return copy.deepcopy(value)
    array = np.array(value._data, copy=True)
    if key == "step":
        return Tensor._make(array)
    shape = p._data.shape if isinstance(p, Tensor) else ()
    if array.shape != shape:
        raise ValueError(
            f"loaded state {key!r} of parameter {index} has shape {list(array.shape)}, but the "
            f"parameter has shape {list(shape)}"
        )
    if isinstance(p, Tensor):
        target = p._data.dtype
    else:
        target = np.dtype(object if isinstance(p.data, Fraction) else np.float64)
    if target.kind == "O" and array.dtype.kind != "O":
        array = to_fractions(array)
    elif target.kind == "f" and array.dtype != target:
        array = array.astype(target)
    return Tensor._make(array)


def to_fractions(array: np.ndarray) -> np.ndarray:
    """An object array of Fractions holding ``array``'s values exactly.

    >>> import numpy as np
    >>> to_fractions(np.array([0.5, 0.25]))
    array([Fraction(1, 2), Fraction(1, 4)], dtype=object)
    """
    out = np.empty(array.shape, dtype=object)
    out.reshape(-1)[:] = [Fraction(v) for v in array.reshape(-1).tolist()]
    return out
