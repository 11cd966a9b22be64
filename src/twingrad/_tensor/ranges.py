"""Evenly spaced values: `arange` and `linspace`, computed as PyTorch computes them, so
that the values agree to the last bit (numpy's functions differ by an ulp or two).

>>> import twingrad
>>> twingrad.arange(0, 1, 0.25), twingrad.linspace(-1, 1, 3)
(tensor([0.0000, 0.2500, 0.5000, 0.7500]), tensor([-1.,  0.,  1.]))
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.devices import check_cpu
from twingrad._tensor.tensor import Tensor

if TYPE_CHECKING:
    from twingrad._tensor.creation import DType, Number
    from twingrad._tensor.devices import device as Device

__all__ = ["arange", "linspace"]


def arange(
    start: Number,
    end: Number | None = None,
    step: Number = 1,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` every ``step``, as PyTorch
    computes them: ``start + i * step`` for each ``i`` (numpy's ``arange`` adds a rounded
    step instead, which drifts by an ulp or two).

    >>> import twingrad
    >>> twingrad.arange(1, 2, 0.25)
    tensor([1.0000, 1.2500, 1.5000, 1.7500])
    """
    check_cpu(device, "a new tensor")
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound and larger bound inconsistent with step sign (start={start}, "
            f"end={end}, step={step})"
        )
    if dtype is None:
        integral = all(isinstance(v, numbers.Integral) for v in (start, end, step))
        dtype = dtypes.int64 if integral else dtypes.get_default_dtype()
    d = dtypes.as_dtype(dtype)
    n = math.ceil((end - start) / step) if isinstance(step, Fraction) else None
    if n is None:
        n = math.ceil((float(end) - float(start)) / float(step))
    if d is dtypes.fraction:
        array = np.empty(n, dtype=object)
        for i in range(n):
            array[i] = Fraction(start) + Fraction(step) * i
    elif all(isinstance(v, numbers.Integral) for v in (start, end, step)):
        array = np.arange(start, end, step).astype(d.numpy)
    else:
        array = (float(start) + float(step) * np.arange(n, dtype=np.float64)).astype(d.numpy)
    t = Tensor._make(array)
    t.requires_grad = requires_grad
    return t


def linspace(
    start: Number,
    end: Number,
    steps: int,
    dtype: DType | None = None,
    device: Device | str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Computed in the tensor's dtype as PyTorch does it, the first half counted up from
    ``start`` and the second down from ``end``, so both ends are exact.

    >>> import twingrad
    >>> twingrad.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    check_cpu(device, "a new tensor")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    if d.numpy.kind != "f":
        array = np.linspace(start, end, steps).astype(d.numpy)
    else:
        kind = d.numpy.type
        first, last = kind(start), kind(end)
        step = float((last - first) / kind(max(steps - 1, 1)))  # in the tensor's dtype
        # PyTorch's kernel uses fused multiply-adds: in float64 a float32 product and sum
        # are exact, so rounding once gives its values; float64 results may differ by an ulp
        i = np.arange(steps, dtype=np.float64)
        up = float(first) + step * i
        down = float(last) - step * (steps - 1 - i)
        array = np.where(i < steps // 2, up, down).astype(d.numpy)
    t = Tensor._make(array)
    t.requires_grad = requires_grad
    return t
