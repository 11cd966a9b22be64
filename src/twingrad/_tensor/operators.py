"""The Python operators of `Tensor`: ``+ - * / ** @ % //``, comparisons, ``& | ^ ~``.

Arithmetic operators are the elementwise rules after PyTorch's promotion (`promotion`);
a reflected operator (``2 - x``) puts the number first. Comparisons and the bitwise
operators give bool (or integer) tensors outside the graph. The in-place operators
(``+=``...) are in `updates`.

>>> import twingrad
>>> x = twingrad.tensor([1.0, 2.0, 3.0])
>>> 2 ** x - 1, x % 2, (x > 1) & (x < 3)
(tensor([1., 3., 7.]), tensor([1., 0., 1.]), tensor([False,  True, False]))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import elementwise, linalg, rounding
from twingrad._tensor.promotion import binary, bitwise, compare, unary
from twingrad.rules import RULES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.promotion import Operand
    from twingrad._tensor.tensor import Tensor

ADD, SUB, MUL, DIV, NEG = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"], RULES["neg"]
POW_VAR, ABS = RULES["pow_var"], RULES["abs"]


class Operators:
    """Tensor's Python operators (mixed into `Tensor`)."""

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

    __pow__ = elementwise.pow

    def __rpow__(self, base: Operand) -> Tensor:
        return binary(POW_VAR, base, self)

    def __neg__(self) -> Tensor:
        return unary(NEG, self, float_result=False)

    def __abs__(self) -> Tensor:
        return unary(ABS, self, float_result=False)

    # -- comparisons (no gradient) --------------------------------------------------

    def __eq__(self, other: Operand) -> Tensor:  # type: ignore[override]
        """Where ``self`` is equal to ``other`` (broadcast): a bool tensor."""
        return compare(np.equal, self, other)

    def __ne__(self, other: Operand) -> Tensor:  # type: ignore[override]
        """Where ``self`` is not equal to ``other`` (broadcast): a bool tensor."""
        return compare(np.not_equal, self, other)

    def __lt__(self, other: Operand) -> Tensor:
        """Where ``self`` is less than ``other`` (broadcast): a bool tensor."""
        return compare(np.less, self, other)

    def __le__(self, other: Operand) -> Tensor:
        """Where ``self`` is less than or equal to ``other`` (broadcast): a bool tensor."""
        return compare(np.less_equal, self, other)

    def __gt__(self, other: Operand) -> Tensor:
        """Where ``self`` is greater than ``other`` (broadcast): a bool tensor."""
        return compare(np.greater, self, other)

    def __ge__(self, other: Operand) -> Tensor:
        """Where ``self`` is greater than or equal to ``other`` (broadcast): a bool tensor."""
        return compare(np.greater_equal, self, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    __hash__ = object.__hash__  # defining __eq__ alone would unset it

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
        return self._make(~self._data)

    def logical_not(self) -> Tensor:
        """True where the element is zero (False, 0), as a bool tensor.

        >>> import twingrad
        >>> twingrad.tensor([0, 2]).logical_not()
        tensor([ True, False])
        """
        return self._make(np.logical_not(self._data))

    # -- matrix product and the divisions with an integer quotient ------------------

    __matmul__ = linalg.matmul

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        from twingrad._tensor.creation import tensor

        return linalg.matmul(tensor(other, dtype=self.dtype), self)

    __mod__ = rounding.remainder

    def __rmod__(self, other: Operand) -> Tensor:
        return rounding.remainder(other, self)

    __floordiv__ = rounding.floor_divide

    def __rfloordiv__(self, other: Operand) -> Tensor:
        return rounding.floor_divide(other, self)
