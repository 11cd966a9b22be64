"""What a tensor turns into: Python numbers and lists, numpy arrays, other dtypes, copies.

>>> import twingrad
>>> x = twingrad.tensor([1.7, -1.7], requires_grad=True)
>>> x.long(), x.double().dtype, x.detach().numpy(), x[0].item()
(tensor([ 1, -1]), twingrad.float64, array([ 1.7, -1.7], dtype=float32), 1.7000000476837158)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import devices, dtypes
from twingrad._tensor.base import TensorBase
from twingrad._tensor.engine import GradFn, apply
from twingrad._tensor.printing import tensor_repr
from twingrad.rules import RULES

if TYPE_CHECKING:
    from fractions import Fraction

    from numpy.typing import DTypeLike

    from twingrad._tensor.tensor import Tensor


class Conversions:
    """Tensor methods that convert a tensor (mixed into `Tensor`)."""

    __slots__ = ()

    def item(self) -> bool | int | float | Fraction:
        """The value of a one-element tensor as a Python number.

        >>> import twingrad
        >>> twingrad.tensor([2.5]).item(), twingrad.tensor(3).item()
        (2.5, 3)
        """
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to a Python "
                "number; item() needs exactly one element"
            )
        v = self._data.reshape(()).item()
        return v

    def tolist(self) -> Any:
        """The data as (nested) Python lists of numbers.

        >>> import twingrad
        >>> twingrad.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared memory).

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).numpy()
        array([1, 2])
        """
        if self._requires_grad:
            raise RuntimeError(
                "can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy() instead"
            )
        return self._data

    def __array__(self, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype is not dtypes.int64 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be used as an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of a tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data.reshape(()))

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def to(
        self,
        *args: Any,
        dtype: dtypes.dtype | str | type | None = None,
        device: devices.device | str | None = None,
        copy: bool = False,
        **kwargs: Any,
    ) -> Tensor:
        """This tensor converted to ``dtype`` (differentiable between floating dtypes);
        ``self`` when nothing changes and ``copy`` is not set.

        Takes PyTorch's forms: ``to(dtype)``, ``to(device, dtype)``, ``to(other)`` and
        keywords. The device must be the CPU ("cpu"), where twingrad runs.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).to("cpu", twingrad.float64)
        tensor([1., 2.], dtype=twingrad.float64)
        """
        for a in args:
            if isinstance(a, TensorBase):
                dtype = a.dtype
            elif isinstance(a, devices.device | str):
                device = a
            elif a is not None and not isinstance(a, bool):
                dtype = a
        devices.check_cpu(device)
        if dtype is None or dtypes.as_dtype(dtype) is self.dtype:
            return self.clone() if copy else self
        return apply(RULES["to_dtype"], self, dtype=dtypes.as_dtype(dtype).numpy)

    def type_as(self, other: Tensor) -> Tensor:
        """This tensor converted to ``other``'s dtype.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).type_as(twingrad.tensor([0.5]))
        tensor([1., 2.])
        """
        return self.to(other.dtype)

    def float(self) -> Tensor:
        """This tensor as float32.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).float()
        tensor([1., 2.])
        """
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        """This tensor as float64.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).double().dtype
        twingrad.float64
        """
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        """This tensor as int64 (rounded toward zero).

        >>> import twingrad
        >>> twingrad.tensor([1.7, -1.7]).long()
        tensor([ 1, -1])
        """
        return self.to(dtypes.int64)

    def bool(self) -> Tensor:
        """This tensor as bool (nonzero is True).

        >>> import twingrad
        >>> twingrad.tensor([0.0, 2.0]).bool()
        tensor([False,  True])
        """
        return self.to(dtypes.bool_)

    def cpu(self) -> Tensor:
        """``self``: twingrad tensors always live on the CPU.

        >>> import twingrad
        >>> x = twingrad.zeros(1)
        >>> x.cpu() is x
        True
        """
        return self

    def clone(self) -> Tensor:
        """A copy that stays in the graph (gradients flow back to ``self``).

        >>> import twingrad
        >>> twingrad.tensor([1.0, 2.0], requires_grad=True).clone()
        tensor([1., 2.], grad_fn=<CloneBackward0>)
        """
        return apply(RULES["clone"], self)

    def is_contiguous(self) -> bool:
        """Whether the elements lie in memory in row-major order without gaps.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).is_contiguous(), twingrad.zeros(2, 3).t().is_contiguous()
        (True, False)
        """
        return self._data.flags.c_contiguous

    def contiguous(self) -> Tensor:
        """``self`` if contiguous, else a row-major copy that stays in the graph.

        >>> import twingrad
        >>> twingrad.zeros(2, 3).t().contiguous().is_contiguous()
        True
        """
        return self if self._data.flags.c_contiguous else apply(RULES["clone"], self)

    def __repr__(self) -> str:
        return tensor_repr(self, None if self._op is None else GradFn(self).name())
