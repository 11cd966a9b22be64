"""How elementwise ops meet their operands: PyTorch's type promotion, Python numbers as
constants, and broadcasting with errors that name both shapes.

`binary` and `unary` run a rule of the table on tensors after these checks; `compare` and
`bitwise` give results outside the graph. The functions in `elementwise`, `rounding` and
`mathops` are built on them.

>>> import twingrad
>>> binary(RULES["mul"], twingrad.tensor([1, 2]), 2.5)  # int64 and a float: float32
tensor([2.5000, 5.0000])
>>> broadcast_shapes((2, 3), (4,))
Traceback (most recent call last):
...
RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton \
dimension 1 (shapes (2, 3) and (4,) cannot be broadcast together)
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.base import TensorBase
from twingrad._tensor.engine import apply
from twingrad.core import numeric as generic
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor
    from twingrad.rules.rule import Rule

    Scalar = bool | int | float | Fraction
    Operand = Tensor | Scalar  # what an op combines with a tensor

SUB, DIV, POW_VAR = RULES["sub"], RULES["div"], RULES["pow_var"]


def promote(*operands: Any) -> dtypes.dtype:
    """The dtype of an elementwise result, by PyTorch's type promotion.

    Tensors with dimensions decide first, then 0-d tensors, then Python numbers; a later
    group only matters when it brings a higher category (bool < int < float), and a
    Python float alone gives the default dtype.

    >>> import twingrad
    >>> promote(twingrad.tensor([1, 2]), 2.5), promote(twingrad.tensor([1, 2]), 2)
    (twingrad.float32, twingrad.int64)
    """
    best = None  # (category, priority, dtype)
    for x in operands:
        if isinstance(x, TensorBase):
            d = x.dtype
            priority = 2 if x._data.ndim else 1
        elif isinstance(x, bool | np.bool_):
            d, priority = dtypes.bool_, 0
        elif isinstance(x, int | np.integer):
            d, priority = dtypes.int64, 0
        elif isinstance(x, Fraction):
            d, priority = dtypes.fraction, 0
        elif isinstance(x, float | np.floating):
            d, priority = dtypes.get_default_dtype(), 0
        else:
            continue
        if best is None:
            best = (d.category, priority, d)
            continue
        category, best_priority, best_dtype = best
        if d.category > category or (d.category == category and priority > best_priority):
            best = (d.category, priority, d)
        elif d.category == category and priority == best_priority and d is not best_dtype:
            best = (category, priority, _wider(best_dtype, d))
    return best[2] if best else dtypes.get_default_dtype()


def _wider(a: dtypes.dtype, b: dtypes.dtype) -> dtypes.dtype:
    if dtypes.fraction in (a, b):
        other = b if a is dtypes.fraction else a
        if other.is_floating_point:
            raise TypeError(
                f"cannot combine exact (fraction) and {other.name} tensors: convert one "
                "with .to(twingrad.fraction) or .to(twingrad.float64) first"
            )
        return dtypes.fraction
    return dtypes.float64 if dtypes.float64 in (a, b) else a


def wrap(array: np.ndarray, *operands: Any) -> Tensor:
    """``array`` as a new tensor, made through the first tensor among the op's
    ``operands``; only when none is a tensor (``twingrad.add(1, 2)``) through the class.

    >>> import twingrad
    >>> wrap(np.array(2), 1, twingrad.zeros(1))
    tensor(2)
    """
    for x in operands:
        if isinstance(x, TensorBase):
            return x._make(array)
    from twingrad._tensor.tensor import Tensor  # above this module: imported when it runs

    return Tensor._make(array)


def operand(x: Operand, dtype: dtypes.dtype, *others: Operand) -> Tensor:
    """``x`` as a Tensor of ``dtype``: Python numbers become constants, other dtypes cast.

    ``others``: the operands ``x`` meets, through which a number becomes a tensor.

    >>> import twingrad
    >>> operand(2, dtypes.float64)
    tensor(2., dtype=twingrad.float64)
    >>> operand(twingrad.tensor([1, 2]), dtypes.float32)
    tensor([1., 2.])
    """
    if isinstance(x, TensorBase):
        return x if x._data.dtype == dtype.numpy else x.to(dtype)
    if dtype is dtypes.fraction:
        return wrap(np.array(Fraction(x), dtype=object), *others)
    if isinstance(x, np.ndarray | list | tuple):
        from twingrad._tensor.creation import tensor

        return tensor(x, dtype=dtype)
    return wrap(np.array(x, dtype=dtype.numpy), *others)


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape that ``shapes`` broadcast to, or PyTorch's error naming the mismatch.

    >>> broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        pass
    a, b = shapes[0], shapes[1]
    for i in range(1, max(len(a), len(b)) + 1):
        m = a[-i] if i <= len(a) else 1
        n = b[-i] if i <= len(b) else 1
        if m != n and m != 1 and n != 1:
            raise RuntimeError(
                f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                f"non-singleton dimension {max(len(a), len(b)) - i} (shapes {tuple(a)} "
                f"and {tuple(b)} cannot be broadcast together)"
            )
    raise RuntimeError(f"shapes {[tuple(s) for s in shapes]} cannot be broadcast together")


def _check_exact(rule, *tensors) -> None:
    if not rule.rational and any(t.dtype is dtypes.fraction for t in tensors):
        generic._not_rational(rule.name)


_NUMBERS = (float, int)  # exact types: bool (an int subclass) takes the promotion path


def binary(rule: Rule, a: Operand, b: Operand, float_result: bool = False) -> Tensor:
    """Run a two-argument elementwise rule with PyTorch's promotion and broadcasting.

    ``float_result``: integer operands give the default float dtype (true division).
    The common cases (two tensors of one dtype, a float tensor and a Python number) skip
    the general promotion.

    >>> import twingrad
    >>> binary(DIV, twingrad.tensor([1, 2]), 2, float_result=True)
    tensor([0.5000, 1.0000])
    """
    ta = tb = None
    if isinstance(a, TensorBase):
        da = a._data.dtype
        if isinstance(b, TensorBase):
            if da is b._data.dtype and (da.kind == "f" or da.kind == "i" and not float_result):
                ta, tb = a, b
        elif da.kind == "f" and type(b) in _NUMBERS:
            ta, tb = a, a._make(np.array(b, dtype=da))
    elif isinstance(b, TensorBase) and type(a) in _NUMBERS:
        db = b._data.dtype
        if db.kind == "f":
            ta, tb = b._make(np.array(a, dtype=db)), b
    if ta is None:
        d = promote(a, b)
        if float_result and not d.is_floating_point:
            d = dtypes.get_default_dtype()
        if rule is SUB and (_is_bool(a) or _is_bool(b)):
            raise RuntimeError(
                "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                "are trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        if rule is POW_VAR and d is dtypes.bool_:
            raise RuntimeError(
                "pow is not implemented for bool base and exponent; convert one with .long()"
            )
        ta, tb = operand(a, d, b), operand(b, d, a)
        if ta._data.dtype == object:
            _check_exact(rule, ta, tb)
    try:
        return apply(rule, ta, tb)
    except ValueError:
        # numpy refused to broadcast (checking first would cost more than the op)
        broadcast_shapes(ta._data.shape, tb._data.shape)
        raise


def _is_bool(x) -> bool:
    return isinstance(x, bool | np.bool_) or (
        isinstance(x, TensorBase) and x._data.dtype.kind == "b"
    )


# What PyTorch says when an integer-friendly op gets a bool tensor
_NOT_FOR_BOOL = {
    "neg": "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
    "to invert a mask, use the `~` or `logical_not()` operator instead.",
    "abs": "abs is not supported for bool tensors; convert with .long() first",
    "relu": "Boolean inputs not supported for relu; convert with .float() first",
}


def unary(rule: Rule, x: Tensor, float_result: bool = True, **params: Any) -> Tensor:
    """Run a one-argument elementwise rule; integer input becomes the default float dtype
    when ``float_result`` (exp, log...), else keeps its dtype (neg, abs, relu).

    >>> import twingrad
    >>> unary(RULES["exp"], twingrad.tensor([0]))
    tensor([1.])
    """
    kind = x._data.dtype.kind
    if kind != "f":
        if float_result and kind != "O":
            x = x.to(dtypes.get_default_dtype())
        elif kind == "b" and rule.name in _NOT_FOR_BOOL:
            raise RuntimeError(_NOT_FOR_BOOL[rule.name])
        elif kind == "O":
            _check_exact(rule, x)
    return apply(rule, x, **params)


def compare(op: Callable[[np.ndarray, np.ndarray], np.ndarray], a: Operand, b: Operand) -> Tensor:
    """A comparison: a bool tensor, outside the graph.

    >>> import twingrad
    >>> compare(np.less, twingrad.tensor([1, 5]), 3)
    tensor([ True, False])
    """
    if isinstance(a, TensorBase) and isinstance(b, TensorBase) and a._data.dtype is b._data.dtype:
        ta, tb = a, b
    else:
        d = promote(a, b)
        ta, tb = operand(a, d, b), operand(b, d, a)
    if ta._data.shape != tb._data.shape:
        broadcast_shapes(ta._data.shape, tb._data.shape)
    return ta._make(np.asarray(op(ta._data, tb._data), dtype=np.bool_))


def bitwise(
    op: Callable[[np.ndarray, np.ndarray], np.ndarray], symbol: str, a: Operand, b: Operand
) -> Tensor:
    """``&``, ``|``, ``^``: logical on bool tensors, bitwise on integers, outside the graph.

    >>> import twingrad
    >>> bitwise(np.bitwise_and, "&", twingrad.tensor([True, False]), True)
    tensor([ True, False])
    """
    d = promote(a, b)
    if d not in (dtypes.bool_, dtypes.int64):
        raise TypeError(
            f"{symbol} needs bool or integer tensors, got {d.name}; compare first (x > 0) "
            "to make a bool mask"
        )
    ta, tb = operand(a, d, b), operand(b, d, a)
    if ta._data.shape != tb._data.shape:
        broadcast_shapes(ta._data.shape, tb._data.shape)
    return ta._make(np.asarray(op(ta._data, tb._data)))
