"""Gradient clipping, as ``torch.nn.utils``: by total norm, or elementwise by value.

Clipping acts on ``.grad`` in place, between ``loss.backward()`` and ``optimizer.step()``.
It works on tensors and on the scalar engine's Values alike.

>>> import twingrad
>>> w = twingrad.tensor([3.0, 4.0], requires_grad=True)
>>> (w * w).sum().backward()   # grad = [6, 8], norm 10
>>> clip_grad_norm_([w], max_norm=1.0)
tensor(10.)
>>> w.grad
tensor([0.6000, 0.8000])
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from twingrad._tensor.tensor import Tensor
from twingrad.scalar.value import Value

# what the clipping functions take: one tensor (or Value), or an iterable of them
_Params = Tensor | Value | Iterable[Tensor | Value]


def _as_list(parameters) -> list:
    if isinstance(parameters, Tensor | Value):
        return [parameters]
    return list(parameters)


def _grad_arrays(parameters) -> list[np.ndarray]:
    """The gradients to clip: a tensor's own array, or a Value's number as a 0-d array."""
    arrays = []
    for p in _as_list(parameters):
        if isinstance(p, Value):
            arrays.append(np.array(float(p.grad)))
        elif isinstance(p, Tensor):
            if p.grad is not None:
                arrays.append(p.grad._data)
        else:
            raise TypeError(
                f"expected tensors (or Values) whose gradients to clip, got {type(p).__name__}"
            )
    return arrays


def _vector_norm(x: np.ndarray, norm_type: float):
    """``torch.linalg.vector_norm(x, norm_type)`` of the flattened array."""
    a = np.abs(x.astype(np.float64) if x.dtype == object else x).reshape(-1)
    if norm_type == math.inf:
        return a.max(initial=0)
    if norm_type == -math.inf:
        return a.min(initial=math.inf)
    if norm_type == 0:
        return a.dtype.type(np.count_nonzero(a))
    if norm_type == 1:
        return a.sum()
    if norm_type == 2:
        return np.sqrt(np.dot(a, a))
    return (a**norm_type).sum() ** (1.0 / norm_type)


def get_total_norm(
    tensors: Tensor | Iterable[Tensor | np.ndarray],
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as if joined into one vector.

    >>> import twingrad
    >>> get_total_norm([twingrad.tensor([3.0]), twingrad.tensor([-4.0])], norm_type="inf")
    tensor(4.)
    """
    tensors = [t._data if isinstance(t, Tensor) else np.asarray(t) for t in _as_list(tensors)]
    return _total_norm(tensors, float(norm_type), error_if_nonfinite)


def _total_norm(arrays: list[np.ndarray], norm_type: float, error_if_nonfinite: bool) -> Tensor:
    if not arrays:
        return Tensor._make(np.array(0.0, dtype=np.float32))
    norms = np.array([_vector_norm(a, norm_type) for a in arrays])
    total = np.asarray(_vector_norm(norms, norm_type), dtype=norms.dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            f"non-finite ({float(total)}), so it cannot be clipped. To disable this error "
            "and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return Tensor._make(total)


def clip_grads_with_norm_(
    parameters: _Params,
    max_norm: float,
    total_norm: Tensor | float,
    foreach: bool | None = None,
) -> None:
    """Scale the gradients by ``max_norm / (total_norm + 1e-6)`` when that is below 1.

    >>> import twingrad
    >>> w = twingrad.zeros(2, requires_grad=True)
    >>> w.grad = twingrad.tensor([3.0, 4.0])
    >>> clip_grads_with_norm_([w], 1.0, get_total_norm([w.grad]))
    >>> w.grad
    tensor([0.6000, 0.8000])
    """
    total = total_norm._data if isinstance(total_norm, Tensor) else np.asarray(total_norm)
    coef = np.minimum(float(max_norm) / (total + 1e-6), 1.0)
    for p in _as_list(parameters):
        if isinstance(p, Value):
            p.grad = p.grad * float(coef)
        elif p.grad is not None:
            g = p.grad._data
            # always multiply, even by 1, as PyTorch does; an infinite norm gives NaN there
            # as it does in PyTorch, which does not warn about it either
            with np.errstate(invalid="ignore"):
                g *= coef.astype(g.dtype) if g.dtype != object else float(coef)


def clip_grad_norm_(
    parameters: _Params,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Rescale gradients so that their total norm is at most ``max_norm``; return that norm.

    The norm is over all gradients together (``norm_type`` 2 by default; ``inf`` for the
    largest absolute value). The returned tensor is the norm *before* clipping, useful to
    log. With ``error_if_nonfinite`` a NaN or infinite norm raises instead of spreading
    NaN into every gradient.

    >>> import twingrad
    >>> w = twingrad.tensor([1.0, -2.0], requires_grad=True)
    >>> w.grad = twingrad.tensor([-3.0, 0.5])
    >>> clip_grad_norm_(w, max_norm=1.0, norm_type=float("inf"))
    tensor(3.)
    >>> w.grad
    tensor([-1.0000,  0.1667])
    """
    parameters = _as_list(parameters)
    total = _total_norm(_grad_arrays(parameters), float(norm_type), error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_value_(parameters: _Params, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``, in place.

    >>> import twingrad
    >>> w = twingrad.zeros(3, requires_grad=True)
    >>> w.grad = twingrad.tensor([-5.0, 0.25, 2.0])
    >>> clip_grad_value_([w], 1.0)
    >>> w.grad
    tensor([-1.0000,  0.2500,  1.0000])
    """
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if isinstance(p, Value):
            p.grad = min(max(p.grad, -clip_value), clip_value)
        elif p.grad is not None:
            np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)


__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]
