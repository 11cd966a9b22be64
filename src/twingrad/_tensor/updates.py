"""In-place ops: ``x.add_(1)``, ``x += 1``, ``fill_``, ``copy_``, and ``x.floor_()`` for
every function that has an in-place form.

An in-place op computes its result out of place and hands it to `InPlace._inplace`, which
writes it into ``self`` and keeps the graph right (see `inplace`). The in-place form of a
function ``f`` is declared once, by `in_place`: ``x.f_(...)`` makes ``x`` hold
``f(x, ...)`` and returns ``x``. Only ``add_``, ``sub_``, ``mul_`` and ``div_`` have a
path of their own, straight into memory when nothing is recorded (an optimizer's step).

>>> import twingrad
>>> x = twingrad.tensor([-1.5, 0.5, 2.5])
>>> x.floor_(), x.clamp_(min=0.0), x.mul_(2)
(tensor([0., 0., 4.]), tensor([0., 0., 4.]), tensor([0., 0., 4.]))
>>> x  # one tensor, changed three times
tensor([0., 0., 4.])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes, engine, reduce, rounding
from twingrad._tensor.base import TensorBase
from twingrad._tensor.elementwise import clamp, pow
from twingrad._tensor.indexing import masked_fill
from twingrad._tensor.inplace import check_write_through_view
from twingrad._tensor.promotion import binary, broadcast_shapes
from twingrad.core.graph import _grad_mode
from twingrad.rules import RULES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.promotion import Operand, Scalar
    from twingrad._tensor.tensor import Tensor
    from twingrad.rules.rule import Rule

ADD, SUB, MUL, DIV = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"]
_NUMBERS = (float, int)  # exact types: bool (an int subclass) takes the general path


def in_place(function: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """The in-place method of ``function``: ``x.f_(*args)`` makes ``x`` hold
    ``function(x, *args)`` and returns ``x``, with ``function``'s signature.

    >>> import twingrad
    >>> floor_ = in_place(rounding.floor)
    >>> x = twingrad.tensor([1.5, -1.5]); floor_(x) is x, x
    (True, tensor([ 1., -2.]))
    """

    def method(self, *args, **kwargs):
        return self._inplace(function(self, *args, **kwargs))

    name = function.__name__
    signature = inspect.signature(function)
    first, *rest = signature.parameters.values()
    method.__name__ = method.__qualname__ = f"{name}_"
    method.__signature__ = signature.replace(parameters=[first.replace(name="self"), *rest])
    method.__doc__ = (
        f"`twingrad.{name}` in place: ``self`` takes the value of ``{name}(self, ...)``; "
        "returns ``self``."
    )
    return method


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
    data = x._data
    if data.dtype.kind == "f" and not (
        _grad_mode.enabled
        and (x._requires_grad or isinstance(other, TensorBase) and other._requires_grad)
    ):
        if isinstance(other, TensorBase):
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


class Updates:
    """Tensor's in-place ops (mixed into `Tensor`)."""

    __slots__ = ()

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
        if isinstance(value, TensorBase) and value.requires_grad:
            return self._inplace(value.expand(self.shape).to(self.dtype) * 1)
        value = value.item() if isinstance(value, TensorBase) else value
        if self.dtype is dtypes.fraction:
            value = Fraction(value)
        return self._inplace(self._make(np.full(self.shape, value, dtype=self._data.dtype)))

    def copy_(self, src: Tensor | ArrayLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape) into this tensor; gradients flow to src.

        >>> import twingrad
        >>> twingrad.zeros(2, 2).copy_(twingrad.tensor([1.0, 2.0]))
        tensor([[1., 2.],
                [1., 2.]])
        """
        if not isinstance(src, TensorBase):
            from twingrad._tensor.creation import tensor

            src = tensor(src, dtype=self.dtype)
        broadcast_shapes(src.shape, self.shape)
        return self._inplace(src.expand(self.shape).to(self.dtype).clone())

    def masked_fill_(self, mask: Tensor, value: Tensor | Scalar) -> Tensor:
        """``masked_fill`` in place.

        >>> import twingrad
        >>> x = twingrad.tensor([1.0, 2.0])
        >>> x.masked_fill_(twingrad.tensor([False, True]), -1.0)
        tensor([ 1., -1.])
        """
        check_write_through_view(self)
        return self._inplace(masked_fill(self, mask, value))

    # the in-place forms of functions, each ``self._inplace(function(self, ...))``
    pow_ = in_place(pow)
    clamp_ = clip_ = in_place(clamp)
    floor_ = in_place(rounding.floor)
    ceil_ = in_place(rounding.ceil)
    round_ = in_place(rounding.round)
    trunc_ = in_place(rounding.trunc)
    frac_ = in_place(rounding.frac)
    sign_ = in_place(rounding.sign)
    remainder_ = __imod__ = in_place(rounding.remainder)
    fmod_ = in_place(rounding.fmod)
    floor_divide_ = __ifloordiv__ = in_place(rounding.floor_divide)
    cumsum_ = in_place(reduce.cumsum)
    cumprod_ = in_place(reduce.cumprod)
