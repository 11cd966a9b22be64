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

from fractions import Fraction

import numpy as np

from twingrad import generic
from twingrad.graph import _grad_mode
from twingrad.rules import RULES
from twingrad.tensor import autograd, dtypes
from twingrad.tensor.autograd import apply


def _tensor_class():
    return autograd.Tensor  # set once Tensor exists; the op functions run only after that


def operand(x, dtype: dtypes.dtype):
    """``x`` as a Tensor of ``dtype``: Python numbers become constants, other dtypes cast."""
    Tensor = autograd.Tensor
    if isinstance(x, Tensor):
        return x if x._data.dtype == dtype.numpy else x.to(dtype)
    if dtype is dtypes.fraction:
        return Tensor._make(np.array(Fraction(x), dtype=object))
    if isinstance(x, np.ndarray | list | tuple):
        from twingrad.tensor.creation import tensor

        return tensor(x, dtype=dtype)
    return Tensor._make(np.array(x, dtype=dtype.numpy))


def broadcast_shapes(*shapes) -> tuple:
    """The shape that ``shapes`` broadcast to, or PyTorch's error naming the mismatch."""
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


def binary(rule, a, b, float_result: bool = False):
    """Run a two-argument elementwise rule with PyTorch's promotion and broadcasting.

    ``float_result``: integer operands give the default float dtype (true division).
    The common cases (two tensors of one dtype, a float tensor and a Python number) skip
    the general promotion.
    """
    Tensor = autograd.Tensor
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
        isinstance(x, autograd.Tensor) and x._data.dtype.kind == "b"
    )


# What PyTorch says when an integer-friendly op gets a bool tensor
_NOT_FOR_BOOL = {
    "neg": "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
    "to invert a mask, use the `~` or `logical_not()` operator instead.",
    "abs": "abs is not supported for bool tensors; convert with .long() first",
    "relu": "Boolean inputs not supported for relu; convert with .float() first",
}


def unary(rule, x, float_result: bool = True, **params):
    """Run a one-argument elementwise rule; integer input becomes the default float dtype
    when ``float_result`` (exp, log...), else keeps its dtype (neg, abs, relu)."""
    kind = x._data.dtype.kind
    if kind != "f":
        if float_result and kind != "O":
            x = x.to(dtypes.get_default_dtype())
        elif kind == "b" and rule.name in _NOT_FOR_BOOL:
            raise RuntimeError(_NOT_FOR_BOOL[rule.name])
        elif kind == "O":
            _check_exact(rule, x)
    return apply(rule, x, **params)


def compare(op, a, b):
    """A comparison: a bool tensor, outside the graph."""
    Tensor = autograd.Tensor
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._data.dtype is b._data.dtype:
        ta, tb = a, b
    else:
        d = dtypes.promote(a, b)
        ta, tb = operand(a, d), operand(b, d)
    if ta._data.shape != tb._data.shape:
        broadcast_shapes(ta._data.shape, tb._data.shape)
    return Tensor._make(np.asarray(op(ta._data, tb._data), dtype=np.bool_))


def inplace_binary(x, rule, ufunc, other):
    """``x op= other`` (``add_``, ``sub_``, ``mul_``, ``div_``).

    When nothing is recorded (under no_grad, or no gradient involved), a float tensor and
    a number or a tensor of its dtype are computed straight into ``x``'s memory, as an
    optimizer step needs; numpy checks the shapes before it writes anything. Everything
    else goes through `Tensor._inplace`, which keeps the graph right.
    """
    Tensor = autograd.Tensor
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
            token = autograd.quiet()
            try:
                ufunc(data, b, out=data)
            except ValueError:
                pass  # a shape that does not fit: the general path below says why
            else:
                x._count_change()
                return x
            finally:
                autograd.unquiet(token)
    return x._inplace(binary(rule, x, other, float_result=rule is DIV))


def bitwise(op, symbol: str, a, b):
    """``&``, ``|``, ``^``: logical on bool tensors, bitwise on integers, outside the graph."""
    d = dtypes.promote(a, b)
    if d not in (dtypes.bool_, dtypes.int64):
        raise TypeError(
            f"{symbol} needs bool or integer tensors, got {d.name}; compare first (x > 0) "
            "to make a bool mask"
        )
    ta, tb = operand(a, d), operand(b, d)
    if ta._data.shape != tb._data.shape:
        broadcast_shapes(ta._data.shape, tb._data.shape)
    return autograd.Tensor._make(np.asarray(op(ta._data, tb._data)))


ADD, SUB, MUL, DIV, NEG = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"], RULES["neg"]
POW, POW_VAR, ABS, RELU = RULES["pow"], RULES["pow_var"], RULES["abs"], RULES["relu"]
EXP, LOG, SQRT, SIN, COS = RULES["exp"], RULES["log"], RULES["sqrt"], RULES["sin"], RULES["cos"]
TANH, SIGMOID = RULES["tanh"], RULES["sigmoid"]


def add(input, other, alpha=1):
    return binary(ADD, input, other if alpha == 1 else other * alpha)


def sub(input, other, alpha=1):
    return binary(SUB, input, other if alpha == 1 else other * alpha)


def mul(input, other):
    return binary(MUL, input, other)


def div(input, other):
    return binary(DIV, input, other, float_result=True)


def pow(input, exponent):  # noqa: A001  (PyTorch's name)
    """``input ** exponent``; a Python number exponent is a constant of the rule."""
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


def neg(input):
    return unary(NEG, input, float_result=False)


def abs(input):  # noqa: A001  (PyTorch's name)
    return unary(ABS, input, float_result=False)


def relu(input):
    return unary(RELU, input, float_result=False)


def exp(input):
    return unary(EXP, input)


def log(input):
    return unary(LOG, input)


def sqrt(input):
    return unary(SQRT, input)


def sin(input):
    return unary(SIN, input)


def cos(input):
    return unary(COS, input)


def tanh(input):
    return unary(TANH, input)


def sigmoid(input):
    return unary(SIGMOID, input)


CLAMP, MAXIMUM, MINIMUM, WHERE = RULES["clamp"], RULES["maximum"], RULES["minimum"], RULES["where"]


def clamp(input, min=None, max=None):  # noqa: A002  (PyTorch's argument names)
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


def maximum(input, other):
    """The larger of two tensors, elementwise (broadcast); a tie splits the gradient 1/2-1/2.

    >>> import twingrad
    >>> twingrad.maximum(twingrad.tensor([1.0, 5.0]), twingrad.tensor([3.0, 2.0]))
    tensor([3., 5.])
    """
    return binary(MAXIMUM, input, other)


def minimum(input, other):
    """The smaller of two tensors, elementwise (broadcast); a tie splits the gradient 1/2-1/2.

    >>> import twingrad
    >>> twingrad.minimum(twingrad.tensor([1.0, 5.0]), twingrad.tensor([3.0, 2.0]))
    tensor([1., 2.])
    """
    return binary(MINIMUM, input, other)


def where(condition, input, other):
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

    def __add__(self, other):
        return binary(ADD, self, other)

    def __radd__(self, other):
        return binary(ADD, other, self)

    def __sub__(self, other):
        return binary(SUB, self, other)

    def __rsub__(self, other):
        return binary(SUB, other, self)

    def __mul__(self, other):
        return binary(MUL, self, other)

    def __rmul__(self, other):
        return binary(MUL, other, self)

    def __truediv__(self, other):
        return binary(DIV, self, other, float_result=True)

    def __rtruediv__(self, other):
        return binary(DIV, other, self, float_result=True)

    def __pow__(self, exponent):
        return pow(self, exponent)

    def __rpow__(self, base):
        return binary(POW_VAR, base, self)

    def __neg__(self):
        return unary(NEG, self, float_result=False)

    def __abs__(self):
        return unary(ABS, self, float_result=False)

    def add(self, other, alpha=1):
        return add(self, other, alpha)

    def sub(self, other, alpha=1):
        return sub(self, other, alpha)

    def mul(self, other):
        return binary(MUL, self, other)

    def div(self, other):
        return binary(DIV, self, other, float_result=True)

    def pow(self, exponent):
        return pow(self, exponent)

    def neg(self):
        return unary(NEG, self, float_result=False)

    def abs(self):
        return unary(ABS, self, float_result=False)

    def relu(self):
        return unary(RELU, self, float_result=False)

    def exp(self):
        return unary(EXP, self)

    def log(self):
        return unary(LOG, self)

    def sqrt(self):
        return unary(SQRT, self)

    def sin(self):
        return unary(SIN, self)

    def cos(self):
        return unary(COS, self)

    def tanh(self):
        return unary(TANH, self)

    def sigmoid(self):
        return unary(SIGMOID, self)

    # -- comparisons (no gradient) --------------------------------------------------

    def __eq__(self, other):
        return compare(np.equal, self, other)

    def __ne__(self, other):
        return compare(np.not_equal, self, other)

    def __lt__(self, other):
        return compare(np.less, self, other)

    def __le__(self, other):
        return compare(np.less_equal, self, other)

    def __gt__(self, other):
        return compare(np.greater, self, other)

    def __ge__(self, other):
        return compare(np.greater_equal, self, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __and__(self, other):
        return bitwise(np.bitwise_and, "&", self, other)

    def __rand__(self, other):
        return bitwise(np.bitwise_and, "&", other, self)

    def __or__(self, other):
        return bitwise(np.bitwise_or, "|", self, other)

    def __ror__(self, other):
        return bitwise(np.bitwise_or, "|", other, self)

    def __xor__(self, other):
        return bitwise(np.bitwise_xor, "^", self, other)

    def __rxor__(self, other):
        return bitwise(np.bitwise_xor, "^", other, self)

    def __invert__(self):
        if self._data.dtype.kind not in "bi":
            raise TypeError(
                f"~ needs a bool or integer tensor, got {self.dtype.name}; use "
                "logical_not() for the mask of zeros"
            )
        return _tensor_class()._make(~self._data)

    def logical_not(self):
        return _tensor_class()._make(np.logical_not(self._data))

    def sign(self):
        """-1, 0 or 1 per element (its gradient is zero, so it is outside the graph)."""
        return _tensor_class()._make(np.asarray(generic.sign(self._data)))

    # -- in place ---------------------------------------------------------------------

    def add_(self, other, alpha=1):
        return inplace_binary(self, ADD, np.add, other if alpha == 1 else other * alpha)

    def sub_(self, other, alpha=1):
        return inplace_binary(self, SUB, np.subtract, other if alpha == 1 else other * alpha)

    def mul_(self, other):
        return inplace_binary(self, MUL, np.multiply, other)

    def div_(self, other):
        return inplace_binary(self, DIV, np.true_divide, other)

    def pow_(self, exponent):
        return self._inplace(pow(self, exponent))

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        """Set every element to ``value`` (a number or a one-element tensor)."""
        Tensor = _tensor_class()
        if isinstance(value, Tensor) and value.requires_grad:
            return self._inplace(value.expand(self.shape).to(self.dtype) * 1)
        value = value.item() if isinstance(value, Tensor) else value
        if self.dtype is dtypes.fraction:
            value = Fraction(value)
        return self._inplace(Tensor._make(np.full(self.shape, value, dtype=self._data.dtype)))

    def copy_(self, src):
        """Copy ``src`` (broadcast to this shape) into this tensor; gradients flow to src."""
        Tensor = _tensor_class()
        if not isinstance(src, Tensor):
            from twingrad.tensor.creation import tensor

            src = tensor(src, dtype=self.dtype)
        broadcast_shapes(src.shape, self.shape)
        return self._inplace(src.expand(self.shape).to(self.dtype).clone())

    # -- selections ---------------------------------------------------------------------

    def clamp(self, min=None, max=None):  # noqa: A002
        return clamp(self, min, max)

    clip = clamp

    def clamp_(self, min=None, max=None):  # noqa: A002
        return self._inplace(clamp(self, min, max))

    clip_ = clamp_

    def maximum(self, other):
        return binary(MAXIMUM, self, other)

    def minimum(self, other):
        return binary(MINIMUM, self, other)

    def where(self, condition, other):
        """``self`` where ``condition`` holds, else ``other`` (PyTorch's argument order)."""
        return where(condition, self, other)
