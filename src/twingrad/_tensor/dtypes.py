"""The dtypes a Tensor can hold, and PyTorch's rules for combining them.

>>> import twingrad
>>> twingrad.float32, twingrad.tensor([1, 2]).dtype, twingrad.tensor([1.0]).dtype
(twingrad.float32, twingrad.int64, twingrad.float32)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "bool_",
    "dtype",
    "float32",
    "float64",
    "fraction",
    "get_default_dtype",
    "int64",
    "set_default_dtype",
]


class dtype:  # noqa: N801  (PyTorch's name)
    """A tensor element type: a numpy dtype with PyTorch's name and category."""

    __slots__ = ("name", "numpy", "is_floating_point", "category")

    def __init__(self, name: str, numpy_dtype: Any, is_floating_point: bool, category: int) -> None:
        self.name = name
        self.numpy = np.dtype(numpy_dtype)
        self.is_floating_point = is_floating_point
        self.category = category  # bool < integer < floating point (float or exact)

    def __repr__(self) -> str:
        return f"twingrad.{self.name}"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_by_name, (self.name,))


bool_ = dtype("bool", np.bool_, False, 0)
int64 = dtype("int64", np.int64, False, 1)
float32 = dtype("float32", np.float32, True, 2)
float64 = dtype("float64", np.float64, True, 2)
fraction = dtype("fraction", object, True, 2)  # exact rationals: numpy arrays of Fractions

ALL = (bool_, int64, float32, float64, fraction)
_BY_NUMPY = {d.numpy: d for d in ALL}
_NAMES = {d.name: d for d in ALL}
_NAMES.update({"bool_": bool_, "long": int64, "float": float32, "double": float64})

_default = [float32]


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def get_default_dtype() -> dtype:
    """The dtype of tensors made from Python floats (float32 unless changed).

    >>> get_default_dtype()
    twingrad.float32
    """
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the dtype of tensors made from Python floats: float32 or float64.

    >>> import twingrad
    >>> twingrad.set_default_dtype(twingrad.float64)
    >>> twingrad.tensor([1.5]).dtype
    twingrad.float64
    >>> twingrad.set_default_dtype(twingrad.float32)
    """
    d = as_dtype(d)
    if d not in (float32, float64):
        raise TypeError(f"the default dtype must be float32 or float64, got {d}")
    _default[0] = d


def as_dtype(d: Any) -> dtype:
    """A twingrad dtype from a twingrad dtype, a numpy dtype, a Python type or a name.

    >>> as_dtype("double"), as_dtype(np.int32), as_dtype(bool)
    (twingrad.float64, twingrad.int64, twingrad.bool)
    """
    if isinstance(d, dtype):
        return d
    if d is float:
        return get_default_dtype()
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is Fraction:
        return fraction
    if isinstance(d, str) and d in _NAMES:
        return _NAMES[d]
    try:
        nd = np.dtype(d)
    except TypeError:
        nd = None
    if nd is not None:
        if nd in _BY_NUMPY:
            return _BY_NUMPY[nd]
        if nd.kind in "iu":
            return int64
    supported = ", ".join(x.name for x in ALL)
    raise TypeError(f"dtype {d!r} is not supported by twingrad (supported: {supported})")


def of_array(array: np.ndarray) -> dtype:
    """The twingrad dtype of a numpy array that twingrad holds.

    >>> of_array(np.zeros(2))
    twingrad.float64
    """
    return _BY_NUMPY[array.dtype]
