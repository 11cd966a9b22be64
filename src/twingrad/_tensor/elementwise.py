"""Elementwise tensor ops: arithmetic, math functions, comparisons and in-place updates.

Every differentiable op here is a rule of the table (`twingrad.rules.elementwise`), the
same rule the scalar engine runs; this file adds what tensors need around it: PyTorch's
type promotion, broadcasting with errors that name both shapes, and in-place variants.

>>> import twingrad
>>> a = twingrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> b = (a * 2 + 1).exp().log()
>>> b.sum().backward()
>>> a.grad
tensor([2., 2., 2.])
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import dtypes, engine
from twingrad._tensor.engine import apply
from twingrad.core import numeric as generic
from twingrad.core.graph import _grad_mode
from twingrad.rules import RULES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.tensor import Tensor
    from twingrad.rules.rule import Rule

    Scalar = bool | int | float | Fraction
    Operand = Tensor | Scalar  # what an op combines with a tensor


def _tensor_class():
    return engine.Tensor  # set once Tensor exists; the op functions run only after that


def operand(x: Operand, dtype: dtypes.dtype) -> Tensor:
    """``x`` as a Tensor of ``dtype``: Python numbers become constants, other dtypes cast.

    >>> import twingrad
    >>> operand(2, dtypes.float64)
    tensor(2., dtype=twingrad.float64)
    >>> operand(twingrad.tensor([1, 2]), dtypes.float32)
    tensor([1., 2.])
    """
    Tensor = engine.Tensor
    if isinstance(x, Tensor):
        return x if x._data.dtype == dtype.numpy else x.to(dtype)
    if dtype is dtypes.fraction:
        return Tensor._make(np.array(Fraction(x), dtype=object))
    if isinstance(x, np.ndarray | list | tuple):
        from twingrad._tensor.creation import tensor

        return tensor(x, dtype=dtype)
    return Tensor._make(np.array(x, dtype=dtype.numpy))


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
    Tensor = engine.Tensor
    ta = tb = None
    if isinstance(a, Tensor):
        da = a._data.dtype
        if isinstance(b, Tensor):
            if da is b._data.dtype and (da.kind == "f" or da.kind == "i" and not float_result):
                ta, tb = a, b
        elif da.kind == "f" and type(b) in _NUMBERS:
            ta, tb = a, Tensor._make(np.array(b, dtype=da))
    elif isinstance(b, Tensor) and type(a) in _NUMBERS:
        db = b._data.dtype
        if db.kind == "f":
            ta, tb = Tensor._make(np.array(a, dtype=db)), b
    if ta is None:
        d = dtypes.promote(a, b)
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
        ta, tb = operand(a, d), operand(b, d)
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
        isinstance(x, engine.Tensor) and x._data.dtype.kind == "b"
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
    >>> unary(EXP, twingrad.tensor([0]))
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
    Tensor = engine.Tensor
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._data.dtype is b._data.dtype:
        ta, tb = a, b
    else:
        d = dtypes.promote(a, b)
        ta, tb = operand(a, d), operand(b, d)
    if ta._data.shape != tb._data.shape:
        broadcast_shapes(ta._data.shape, tb._data.shape)
    return Tensor._make(np.asarray(op(ta._data, tb._data), dtype=np.bool_))


def inplace_binary(x: Tensor, rule: Rule, ufunc: np.ufunc, other: Operand) -> Tensor:
    """``x op= other`` (``add_``, ``sub_``, ``mul_``, ``div_``).

    When nothing is recorded (under no_grad, or no gradient involved), a float tensor and
    a number or a tensor of its dtype are computed straight into ``x``'s memory, as an
    optimizer step needs; numpy checks the shapes before it writes anything. Everything
    else goes through `Tensor._inplace`, which keeps the graph right.

    >>> import twingrad
    >>> x = twingrad.ones(2)
    >>> inplace_binary(x, ADD, np.add, 2.0) is x, x
    (True, tensor([3., 3.]))
    """
    Tensor = engine.Tensor
    data = x._data
    if data.dtype.kind == "f" and not (
        _grad_mode.enabled
        and (x._requires_grad or isinstance(other, Tensor) and other._requires_grad)
    ):
        if isinstance(other, Tensor):
            b = other._data if other._data.dtype is data.dtype else None
        else:
            b = other if type(other) in _NUMBERS else None
        if b is not None:
            token = engine.quiet()
            try:
                ufunc(data, b, out=data)
            except ValueError:
                pass  # a shape that does not fit: the general path below says why
            else:
                x._count_change()
                return x
            finally:
                engine.unquiet(token)
    return x._inplace(binary(rule, x, other, float_result=rule is DIV))


def bitwise(
    op: Callable[[np.ndarray, np.ndarray], np.ndarray], symbol: str, a: Operand, b: Operand
) -> Tensor:
    """``&``, ``|``, ``^``: logical on bool tensors, bitwise on integers, outside the graph.

    >>> import twingrad
    >>> bitwise(np.bitwise_and, "&", twingrad.tensor([True, False]), True)
    tensor([ True, False])
    """
    d = dtypes.promote(a, b)
    if d not in (dtypes.bool_, dtypes.int64):
        raise TypeError(
            f"{symbol} needs bool or integer tensors, got {d.name}; compare first (x > 0) "
            "to make a bool mask"
        )
    ta, tb = operand(a, d), operand(b, d)
    if ta._data.shape != tb._data.shape:
        broadcast_shapes(ta._data.shape, tb._data.shape)
    return engine.Tensor._make(np.asarray(op(ta._data, tb._data)))


ADD, SUB, MUL, DIV, NEG = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"], RULES["neg"]
POW, POW_VAR, ABS, RELU = RULES["pow"], RULES["pow_var"], RULES["abs"], RULES["relu"]
EXP, LOG, SQRT, SIN, COS = RULES["exp"], RULES["log"], RULES["sqrt"], RULES["sin"], RULES["cos"]
TANH, SIGMOID = RULES["tanh"], RULES["sigmoid"]


def add(input: Operand, other: Operand, alpha: float = 1) -> Tensor:
    """``input + alpha * other``, with PyTorch's type promotion and broadcasting.

    >>> import twingrad
    >>> twingrad.add(twingrad.tensor([1, 2]), twingrad.tensor([10, 20]), alpha=2)
    tensor([21, 42])
    """
    return binary(ADD, input, other if alpha == 1 else other * alpha)


def sub(input: Operand, other: Operand, alpha: float = 1) -> Tensor:
    """``input - alpha * other``, with PyTorch's type promotion and broadcasting.

    >>> import twingrad
    >>> twingrad.sub(twingrad.tensor([5.0, 6.0]), 1.5)
    tensor([3.5000, 4.5000])
    """
    return binary(SUB, input, other if alpha == 1 else other * alpha)


def mul(input: Operand, other: Operand) -> Tensor:
    """``input * other``, elementwise (broadcast).

    >>> import twingrad
    >>> twingrad.mul(twingrad.tensor([[1], [2]]), twingrad.tensor([3, 4]))
    tensor([[3, 4],
            [6, 8]])
    """
    return binary(MUL, input, other)


def div(input: Operand, other: Operand) -> Tensor:
    """``input / other``: true division, so integer tensors give the default float dtype.

    >>> import twingrad
    >>> twingrad.div(twingrad.tensor([1, 3]), 2)
    tensor([0.5000, 1.5000])
    """
    return binary(DIV, input, other, float_result=True)


def pow(input: Operand, exponent: Operand) -> Tensor:  # noqa: A001  (PyTorch's name)
    """``input ** exponent``; a Python number exponent is a constant of the rule.

    >>> import twingrad
    >>> twingrad.pow(twingrad.tensor([2.0, 3.0]), 2), twingrad.pow(2, twingrad.tensor([3]))
    (tensor([4., 9.]), tensor([8]))
    """
    Tensor = _tensor_class()
    if isinstance(exponent, Tensor):
        return binary(POW_VAR, input, exponent)
    if not isinstance(input, Tensor):
        return binary(POW_VAR, input, exponent)
    kind = input._data.dtype.kind
    if kind == "O":
        if not float(exponent).is_integer():
            generic._not_rational(f"a non-integer power (** {exponent})")
        exponent = int(exponent)
    elif kind in "bi":
        if isinstance(exponent, float):
            input = input.to(dtypes.get_default_dtype())
        elif isinstance(exponent, bool) and kind == "b":
            return (input.long() ** int(exponent)).bool()  # PyTorch keeps bool ** bool bool
        elif exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    return apply(POW, input, c=exponent)


def neg(input: Tensor) -> Tensor:
    """``-input``; integer tensors stay integer.

    >>> import twingrad
    >>> twingrad.neg(twingrad.tensor([1, -2]))
    tensor([-1,  2])
    """
    return unary(NEG, input, float_result=False)


def abs(input: Tensor) -> Tensor:  # noqa: A001  (PyTorch's name)
    """``|input|``, elementwise; the gradient at 0 is 0, as in PyTorch.

    >>> import twingrad
    >>> twingrad.abs(twingrad.tensor([-1.5, 2.0]))
    tensor([1.5000, 2.0000])
    """
    return unary(ABS, input, float_result=False)


def relu(input: Tensor) -> Tensor:
    """``max(input, 0)``, elementwise; integer tensors stay integer.

    >>> import twingrad
    >>> twingrad.relu(twingrad.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return unary(RELU, input, float_result=False)


def exp(input: Tensor) -> Tensor:
    """e to the power of each element.

    >>> import twingrad
    >>> twingrad.exp(twingrad.tensor([0.0, 1.0]))
    tensor([1.0000, 2.7183])
    """
    return unary(EXP, input)


def log(input: Tensor) -> Tensor:
    """The natural logarithm of each element (-inf at 0, nan below).

    >>> import twingrad
    >>> twingrad.log(twingrad.tensor([1.0, 0.0]))
    tensor([0., -inf])
    """
    return unary(LOG, input)


def sqrt(input: Tensor) -> Tensor:
    """The square root of each element.

    >>> import twingrad
    >>> twingrad.sqrt(twingrad.tensor([4, 9]))
    tensor([2., 3.])
    """
    return unary(SQRT, input)


def sin(input: Tensor) -> Tensor:
    """The sine of each element (radians).

    >>> import twingrad
    >>> twingrad.sin(twingrad.tensor([0.0]))
    tensor([0.])
    """
    return unary(SIN, input)


def cos(input: Tensor) -> Tensor:
    """The cosine of each element (radians).

    >>> import twingrad
    >>> twingrad.cos(twingrad.tensor([0.0]))
    tensor([1.])
    """
    return unary(COS, input)


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent of each element.

    >>> import twingrad
    >>> twingrad.tanh(twingrad.tensor([0.0]))
    tensor([0.])
    """
    return unary(TANH, input)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-input))``, elementwise, without overflow in either tail.

    >>> import twingrad
    >>> twingrad.sigmoid(twingrad.tensor([0.0, -1000.0]))
    tensor([0.5000, 0.0000])
    """
    return unary(SIGMOID, input)


CLAMP, MAXIMUM, MINIMUM, WHERE = RULES["clamp"], RULES["maximum"], RULES["minimum"], RULES["where"]


def clamp(input: Tensor, min: Operand | None = None, max: Operand | None = None) -> Tensor:  # noqa: A002  (PyTorch's argument names)
    """``input`` limited to [min, max]; either bound may be None, a number or a tensor.

    The gradient passes where min <= input <= max, as in PyTorch; with number bounds the
    result takes the promoted dtype (an int tensor clamped by 0.5 becomes float).

    >>> import twingrad
    >>> twingrad.tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0)
    tensor([0.0000, 0.5000, 1.0000])
    """
    Tensor = _tensor_class()
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        # PyTorch's gradients for tensor bounds: input where it is kept, min where
        # input < min, max where the result so far > max; where() gives exactly these
        out = input if min is None else where(input < min, min, input)
        return out if max is None else where(out > max, max, out)
    d = dtypes.promote(input, *(b for b in (min, max) if b is not None))
    x = input if input.dtype is d else input.to(d)
    if d is dtypes.fraction:
        min, max = (None if b is None else Fraction(b) for b in (min, max))
    return apply(CLAMP, x, min=min, max=max)


clip = clamp


def maximum(input: Operand, other: Operand) -> Tensor:
    """The larger of two tensors, elementwise (broadcast); a tie splits the gradient 1/2-1/2.

    >>> import twingrad
    >>> twingrad.maximum(twingrad.tensor([1.0, 5.0]), twingrad.tensor([3.0, 2.0]))
    tensor([3., 5.])
    """
    return binary(MAXIMUM, input, other)


def minimum(input: Operand, other: Operand) -> Tensor:
    """The smaller of two tensors, elementwise (broadcast); a tie splits the gradient 1/2-1/2.

    >>> import twingrad
    >>> twingrad.minimum(twingrad.tensor([1.0, 5.0]), twingrad.tensor([3.0, 2.0]))
    tensor([1., 2.])
    """
    return binary(MINIMUM, input, other)


def where(condition: Tensor | np.ndarray, input: Operand, other: Operand) -> Tensor:
    """``input`` where ``condition`` holds, else ``other``; all three broadcast together.

    The gradient flows to ``input`` where the condition holds and to ``other`` elsewhere.

    >>> import twingrad
    >>> x = twingrad.tensor([-1.0, 2.0])
    >>> twingrad.where(x > 0, x, 0.0)
    tensor([0., 2.])
    """
    Tensor = _tensor_class()
    if not isinstance(condition, Tensor):
        # an array condition comes from the rule table's backward formulas
        condition = Tensor._make(np.asarray(condition))
    if condition.dtype is not dtypes.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype.name}"
        )
    d = dtypes.promote(input, other)
    a, b = operand(input, d), operand(other, d)
    shapes = (condition._data.shape, a._data.shape, b._data.shape)
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(
            f"where: the shapes of condition {shapes[0]}, input {shapes[1]} and other "
            f"{shapes[2]} cannot be broadcast together"
        ) from None
    return apply(WHERE, condition, a, b)


class ElementwiseOps:
    """Tensor methods for elementwise ops (mixed into `Tensor`)."""

    __slots__ = ()

    def __add__(self, other: Operand) -> Tensor:
        return binary(ADD, self, other)

    def __radd__(self, other: Operand) -> Tensor:
        return binary(ADD, other, self)

    def __sub__(self, other: Operand) -> Tensor:
        return binary(SUB, self, other)

    def __rsub__(self, other: Operand) -> Tensor:
        return binary(SUB, other, self)

    def __mul__(self, other: Operand) -> Tensor:
        return binary(MUL, self, other)

    def __rmul__(self, other: Operand) -> Tensor:
        return binary(MUL, other, self)

    def __truediv__(self, other: Operand) -> Tensor:
        return binary(DIV, self, other, float_result=True)

    def __rtruediv__(self, other: Operand) -> Tensor:
        return binary(DIV, other, self, float_result=True)

    def __pow__(self, exponent: Operand) -> Tensor:
        return pow(self, exponent)

    def __rpow__(self, base: Operand) -> Tensor:
        return binary(POW_VAR, base, self)

    def __neg__(self) -> Tensor:
        return unary(NEG, self, float_result=False)

    def __abs__(self) -> Tensor:
        return unary(ABS, self, float_result=False)

    def add(self, other: Operand, alpha: float = 1) -> Tensor:
        """`twingrad.add` as a method: ``self + alpha * other``.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).add(1, alpha=3)
        tensor([4, 5])
        """
        return add(self, other, alpha)

    def sub(self, other: Operand, alpha: float = 1) -> Tensor:
        """`twingrad.sub` as a method: ``self - alpha * other``.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).sub(1)
        tensor([0, 1])
        """
        return sub(self, other, alpha)

    def mul(self, other: Operand) -> Tensor:
        """`twingrad.mul` as a method: ``self * other``.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).mul(3)
        tensor([3, 6])
        """
        return binary(MUL, self, other)

    def div(self, other: Operand) -> Tensor:
        """`twingrad.div` as a method: ``self / other`` (true division).

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).div(2)
        tensor([0.5000, 1.0000])
        """
        return binary(DIV, self, other, float_result=True)

    def pow(self, exponent: Operand) -> Tensor:
        """`twingrad.pow` as a method: ``self ** exponent``.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).pow(2)
        tensor([1, 4])
        """
        return pow(self, exponent)

    def neg(self) -> Tensor:
        """`twingrad.neg` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0, -2.0]).neg()
        tensor([-1.,  2.])
        """
        return unary(NEG, self, float_result=False)

    def abs(self) -> Tensor:
        """`twingrad.abs` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0, -2.0]).abs()
        tensor([1., 2.])
        """
        return unary(ABS, self, float_result=False)

    def relu(self) -> Tensor:
        """`twingrad.relu` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0, -2.0]).relu()
        tensor([1., 0.])
        """
        return unary(RELU, self, float_result=False)

    def exp(self) -> Tensor:
        """`twingrad.exp` as a method.

        >>> import twingrad
        >>> twingrad.tensor([0.0]).exp()
        tensor([1.])
        """
        return unary(EXP, self)

    def log(self) -> Tensor:
        """`twingrad.log` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0]).log()
        tensor([0.])
        """
        return unary(LOG, self)

    def sqrt(self) -> Tensor:
        """`twingrad.sqrt` as a method.

        >>> import twingrad
        >>> twingrad.tensor([4.0]).sqrt()
        tensor([2.])
        """
        return unary(SQRT, self)

    def sin(self) -> Tensor:
        """`twingrad.sin` as a method.

        >>> import twingrad
        >>> twingrad.tensor([0.0]).sin()
        tensor([0.])
        """
        return unary(SIN, self)

    def cos(self) -> Tensor:
        """`twingrad.cos` as a method.

        >>> import twingrad
        >>> twingrad.tensor([0.0]).cos()
        tensor([1.])
        """
        return unary(COS, self)

    def tanh(self) -> Tensor:
        """`twingrad.tanh` as a method.

        >>> import twingrad
        >>> twingrad.tensor([0.0]).tanh()
        tensor([0.])
        """
        return unary(TANH, self)

    def sigmoid(self) -> Tensor:
        """`twingrad.sigmoid` as a method.

        >>> import twingrad
        >>> twingrad.tensor([0.0]).sigmoid()
        tensor([0.5000])
        """
        return unary(SIGMOID, self)

    # -- comparisons (no gradient) --------------------------------------------------

    def __eq__(self, other: Operand) -> Tensor:  # type: ignore[override]
        return compare(np.equal, self, other)

    def __ne__(self, other: Operand) -> Tensor:  # type: ignore[override]
        return compare(np.not_equal, self, other)

    def __lt__(self, other: Operand) -> Tensor:
        return compare(np.less, self, other)

    def __le__(self, other: Operand) -> Tensor:
        return compare(np.less_equal, self, other)

    def __gt__(self, other: Operand) -> Tensor:
        return compare(np.greater, self, other)

    def __ge__(self, other: Operand) -> Tensor:
        return compare(np.greater_equal, self, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __and__(self, other: Operand) -> Tensor:
        return bitwise(np.bitwise_and, "&", self, other)

    def __rand__(self, other: Operand) -> Tensor:
        return bitwise(np.bitwise_and, "&", other, self)

    def __or__(self, other: Operand) -> Tensor:
        return bitwise(np.bitwise_or, "|", self, other)

    def __ror__(self, other: Operand) -> Tensor:
        return bitwise(np.bitwise_or, "|", other, self)

    def __xor__(self, other: Operand) -> Tensor:
        return bitwise(np.bitwise_xor, "^", self, other)

    def __rxor__(self, other: Operand) -> Tensor:
        return bitwise(np.bitwise_xor, "^", other, self)

    def __invert__(self) -> Tensor:
        if self._data.dtype.kind not in "bi":
            raise TypeError(
                f"~ needs a bool or integer tensor, got {self.dtype.name}; use "
                "logical_not() for the mask of zeros"
            )
        return _tensor_class()._make(~self._data)

    def logical_not(self) -> Tensor:
        """True where the element is zero (False, 0), as a bool tensor.

        >>> import twingrad
        >>> twingrad.tensor([0, 2]).logical_not()
        tensor([ True, False])
        """
        return _tensor_class()._make(np.logical_not(self._data))

    # -- in place ---------------------------------------------------------------------

    def add_(self, other: Operand, alpha: float = 1) -> Tensor:
        """`add` in place: ``self += alpha * other``; returns ``self``.

        >>> import twingrad
        >>> twingrad.ones(2).add_(1, alpha=2)
        tensor([3., 3.])
        """
        return inplace_binary(self, ADD, np.add, other if alpha == 1 else other * alpha)

    def sub_(self, other: Operand, alpha: float = 1) -> Tensor:
        """`sub` in place: ``self -= alpha * other``; returns ``self``.

        >>> import twingrad
        >>> twingrad.ones(2).sub_(0.5)
        tensor([0.5000, 0.5000])
        """
        return inplace_binary(self, SUB, np.subtract, other if alpha == 1 else other * alpha)

    def mul_(self, other: Operand) -> Tensor:
        """`mul` in place: ``self *= other``; returns ``self``.

        >>> import twingrad
        >>> twingrad.ones(2).mul_(3)
        tensor([3., 3.])
        """
        return inplace_binary(self, MUL, np.multiply, other)

    def div_(self, other: Operand) -> Tensor:
        """`div` in place: ``self /= other``; returns ``self``.

        >>> import twingrad
        >>> twingrad.ones(2).div_(4)
        tensor([0.2500, 0.2500])
        """
        return inplace_binary(self, DIV, np.true_divide, other)

    def pow_(self, exponent: Operand) -> Tensor:
        """`pow` in place: ``self **= exponent``; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([2.0, 3.0]).pow_(2)
        tensor([4., 9.])
        """
        return self._inplace(pow(self, exponent))

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def zero_(self) -> Tensor:
        """Set every element to 0; returns ``self``.

        >>> import twingrad
        >>> twingrad.ones(2).zero_()
        tensor([0., 0.])
        """
        return self.fill_(0)

    def fill_(self, value: Scalar | Tensor) -> Tensor:
        """Set every element to ``value`` (a number or a one-element tensor).

        >>> import twingrad
        >>> twingrad.zeros(2).fill_(7)
        tensor([7., 7.])
        """
        Tensor = _tensor_class()
        if isinstance(value, Tensor) and value.requires_grad:
            return self._inplace(value.expand(self.shape).to(self.dtype) * 1)
        value = value.item() if isinstance(value, Tensor) else value
        if self.dtype is dtypes.fraction:
            value = Fraction(value)
        return self._inplace(Tensor._make(np.full(self.shape, value, dtype=self._data.dtype)))

    def copy_(self, src: Tensor | ArrayLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape) into this tensor; gradients flow to src.

        >>> import twingrad
        >>> twingrad.zeros(2, 2).copy_(twingrad.tensor([1.0, 2.0]))
        tensor([[1., 2.],
                [1., 2.]])
        """
        Tensor = _tensor_class()
        if not isinstance(src, Tensor):
            from twingrad._tensor.creation import tensor

            src = tensor(src, dtype=self.dtype)
        broadcast_shapes(src.shape, self.shape)
        return self._inplace(src.expand(self.shape).to(self.dtype).clone())

    # -- selections ---------------------------------------------------------------------

    def clamp(self, min: Operand | None = None, max: Operand | None = None) -> Tensor:  # noqa: A002
        """`twingrad.clamp` as a method: limited to [min, max].

        >>> import twingrad
        >>> twingrad.tensor([-1.0, 2.0]).clamp(0.0)
        tensor([0., 2.])
        """
        return clamp(self, min, max)

    clip = clamp

    def clamp_(self, min: Operand | None = None, max: Operand | None = None) -> Tensor:  # noqa: A002
        """`clamp` in place; returns ``self``.

        >>> import twingrad
        >>> twingrad.tensor([-1.0, 2.0]).clamp_(max=1.0)
        tensor([-1.,  1.])
        """
        return self._inplace(clamp(self, min, max))

    clip_ = clamp_

    def maximum(self, other: Operand) -> Tensor:
        """`twingrad.maximum` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0, 5.0]).maximum(twingrad.tensor([3.0, 2.0]))
        tensor([3., 5.])
        """
        return binary(MAXIMUM, self, other)

    def minimum(self, other: Operand) -> Tensor:
        """`twingrad.minimum` as a method.

        >>> import twingrad
        >>> twingrad.tensor([1.0, 5.0]).minimum(twingrad.tensor([3.0, 2.0]))
        tensor([1., 2.])
        """
        return binary(MINIMUM, self, other)

    def where(self, condition: Tensor | np.ndarray, other: Operand) -> Tensor:
        """``self`` where ``condition`` holds, else ``other`` (PyTorch's argument order).

        >>> import twingrad
        >>> x = twingrad.tensor([-1.0, 2.0])
        >>> x.where(x > 0, 0.0)
        tensor([0., 2.])
        """
        return where(condition, self, other)
