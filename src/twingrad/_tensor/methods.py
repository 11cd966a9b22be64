"""Tensor methods that are twingrad's functions: ``x.sum(1)`` is ``twingrad.sum(x, 1)``.

Every function that an op module exports (lists in its ``__all__``) is also a method of
`Tensor`: the function itself. A function stored in a class is a method: looked up on an
instance, it is bound to it, and the instance becomes its first argument. So
``Tensor.exp is twingrad.exp``, with the same docstring, the signature after ``input``
(PyTorch's method signature), and no extra call. Adding an op to a module's ``__all__``
makes it a twingrad function and a Tensor method at once.

>>> import twingrad
>>> x = twingrad.tensor([[1.0, -2.0], [3.0, 4.0]])
>>> twingrad.Tensor.abs is twingrad.abs
True
>>> x.abs().sum(dim=1), twingrad.sum(twingrad.abs(x), dim=1)
(tensor([3., 7.]), tensor([3., 7.]))

The exceptions are written out in `FunctionMethods`: functions of several tensors (cat,
stack) are no methods, a few methods take other arguments than their function
(``x.sum(axis=0)``, ``x.where(condition, other)``, ``x.flip(0, 1)``), and a few are
methods only (``x.view``, ``x.repeat``). The in-place forms (``x.floor_()``,
``x.add_(1)``...) are in `updates`, the operators in `operators`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from twingrad._tensor import (
    comparison,
    elementwise,
    extremes,
    indexing,
    joining,
    linalg,
    mathops,
    movement,
    norm,
    reduce,
    rounding,
    selection,
    sorting,
)

if TYPE_CHECKING:
    import numpy as np

    from twingrad._tensor import dtypes
    from twingrad._tensor.promotion import Operand
    from twingrad._tensor.reduce import Dims
    from twingrad._tensor.tensor import Tensor

OP_MODULES = (
    comparison,
    elementwise,
    extremes,
    indexing,
    joining,
    linalg,
    mathops,
    movement,
    norm,
    reduce,
    rounding,
    selection,
    sorting,
)
# functions of several tensors, and the ones whose method `FunctionMethods` writes out
NOT_AS_IS = frozenset(
    {"cat", "concat", "concatenate", "stack", "sum", "mean", "where", "split", "flip"}
)


def functions_as_methods(modules: tuple[ModuleType, ...], skip: frozenset[str]) -> type:
    """A class whose attributes are the functions that ``modules`` export, less ``skip``:
    a class that inherits it has each of them as a method.

    >>> cls = functions_as_methods((mathops,), frozenset({"rsqrt"}))
    >>> cls.square is mathops.square, hasattr(cls, "rsqrt")
    (True, False)
    """
    namespace = {"__slots__": ()}
    for module in modules:
        for name in module.__all__:
            if name not in skip:
                namespace[name] = getattr(module, name)
    return type("ExportedFunctions", (), namespace)


class FunctionMethods(functions_as_methods(OP_MODULES, NOT_AS_IS)):
    """The methods of `Tensor` that are module functions (mixed into `Tensor`): those the
    op modules export, and these."""

    __slots__ = ()

    # methods that twingrad (as PyTorch) has as no top-level function, or by another name
    view = movement.reshape  # PyTorch's other name (twingrad copies where it must)
    swapaxes = movement.transpose
    repeat = joining.repeat

    # -- methods whose arguments differ from their function's ----------------------

    def sum(
        self,
        dim: Dims = None,
        keepdim: bool = False,
        dtype: dtypes.dtype | None = None,
        axis: Dims = None,
    ) -> Tensor:
        """The sum over ``dim`` (all elements when None); bool and int sum to int64.

        `twingrad.sum` as a method, which also takes numpy's name ``axis`` for ``dim``.

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).sum(axis=0)
        tensor([4, 6])
        """
        return reduce.sum(self, dim if axis is None else axis, keepdim, dtype)

    def mean(
        self,
        dim: Dims = None,
        keepdim: bool = False,
        dtype: dtypes.dtype | None = None,
        axis: Dims = None,
    ) -> Tensor:
        """The mean over ``dim`` (all elements when None); needs a floating dtype.

        `twingrad.mean` as a method, which also takes numpy's name ``axis`` for ``dim``.

        >>> import twingrad
        >>> twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1)
        tensor([1.5000, 3.5000])
        """
        return reduce.mean(self, dim if axis is None else axis, keepdim, dtype)

    def where(self, condition: Tensor | np.ndarray, other: Operand) -> Tensor:
        """``self`` where ``condition`` holds, else ``other``: `twingrad.where` with
        ``self`` second, as PyTorch's method has it.

        >>> import twingrad
        >>> x = twingrad.tensor([-1.0, 2.0])
        >>> x.where(x > 0, 0.0)
        tensor([0., 2.])
        """
        return elementwise.where(condition, self, other)

    def split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """`twingrad.split` as a method: pieces of ``split_size`` (or of the listed sizes).

        >>> import twingrad
        >>> [p.tolist() for p in twingrad.arange(5).split(2)]
        [[0, 1], [2, 3], [4]]
        """
        return joining.split(self, split_size, dim)

    def flip(self, *dims: int | Sequence[int]) -> Tensor:
        """`twingrad.flip` as a method: the dims to reverse given one by one or as a list.

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).flip(0, 1)
        tensor([[4, 3],
                [2, 1]])
        """
        return movement.flip(self, movement.int_args(dims))

    def view_as(self, other: Tensor) -> Tensor:
        """This tensor reshaped to ``other``'s shape.

        >>> import twingrad
        >>> twingrad.arange(6).view_as(twingrad.zeros(3, 2)).shape
        twingrad.Size([3, 2])
        """
        return movement.reshape(self, tuple(other.shape))

    reshape_as = view_as

    def expand_as(self, other: Tensor) -> Tensor:
        """This tensor expanded to ``other``'s shape.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).expand_as(twingrad.zeros(2, 2))
        tensor([[1, 2],
                [1, 2]])
        """
        return movement.expand(self, tuple(other.shape))

    @property
    def T(self) -> Tensor:  # noqa: N802  (PyTorch's name)
        """All dimensions reversed (a matrix transposed).

        >>> import twingrad
        >>> twingrad.tensor([[1, 2]]).T
        tensor([[1],
                [2]])
        """
        return movement.permute(self, *reversed(range(self.ndim))) if self.ndim >= 2 else self

    @property
    def mT(self) -> Tensor:  # noqa: N802  (PyTorch's name)
        """The last two dimensions swapped (each matrix of a batch transposed).

        >>> import twingrad
        >>> twingrad.zeros(5, 2, 3).mT.shape
        twingrad.Size([5, 3, 2])
        """
        if self.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices")
        return movement.transpose(self, -2, -1)

    def t(self) -> Tensor:
        """The transpose of a matrix (a vector or a number is returned as it is).

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).t()
        tensor([[1, 3],
                [2, 4]])
        """
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return self.T
