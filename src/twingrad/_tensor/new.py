"""Tensors made from a tensor (``x.new_zeros(2, 3)``...) and the module-level helpers
``is_tensor``, ``numel`` and ``as_tensor``.

``new_*`` give a tensor of ``self``'s dtype unless ``dtype`` is given; it is a fresh leaf,
outside ``self``'s graph, as in PyTorch.

>>> import twingrad
>>> x = twingrad.tensor([1, 2], dtype=twingrad.float64)
>>> x.new_ones(2, 2)
tensor([[1., 1.],
        [1., 1.]], dtype=twingrad.float64)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.base import TensorBase
from twingrad._tensor.devices import check_cpu

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.devices import device as Device
    from twingrad._tensor.tensor import Tensor

    DType = dtypes.dtype | str | type

__all__ = ["as_tensor", "is_tensor", "numel"]


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a twingrad Tensor (a Parameter is one).

    >>> import twingrad
    >>> twingrad.is_tensor(twingrad.zeros(1)), twingrad.is_tensor([1.0])
    (True, False)
    """
    return isinstance(obj, TensorBase)


def numel(input: Tensor) -> int:
    """The number of elements of ``input``.

    >>> import twingrad
    >>> twingrad.numel(twingrad.zeros(2, 3))
    6
    """
    if not isinstance(input, TensorBase):
        raise TypeError(f"numel(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input.numel()


def as_tensor(
    data: ArrayLike | Tensor, dtype: DType | None = None, device: Device | str | None = None
) -> Tensor:
    """``data`` as a tensor, without a copy where it can: a tensor of the right dtype is
    returned as it is, and a numpy array of a dtype twingrad holds shares its memory.

    Converting a tensor's dtype stays in its graph, as ``.to`` does.

    >>> import numpy as np
    >>> import twingrad
    >>> a = np.array([1.0, 2.0])
    >>> t = twingrad.as_tensor(a)
    >>> a[0] = 5.0
    >>> t
    tensor([5., 2.], dtype=twingrad.float64)
    """
    from twingrad._tensor import creation  # which imports Tensor, whose bases this module has

    check_cpu(device, "a new tensor")
    d = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(data, TensorBase):
        return data if d is None else data.to(d)
    if isinstance(data, np.ndarray) and data.dtype != object:
        shared = d is None or d.numpy == data.dtype
        if shared and data.dtype in (t.numpy for t in dtypes.ALL if t is not dtypes.fraction):
            return creation.from_numpy(data)
    return creation.tensor(data, dtype=d)


class NewTensorOps:
    """Tensor methods that make a new tensor like ``self`` (mixed into `Tensor`)."""

    __slots__ = ()

    def _new(self, fill: Any, size: tuple, dtype: DType | None, device, requires_grad: bool):
        from twingrad._tensor import creation

        check_cpu(device, "a new tensor")
        d = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return creation.full(creation._shape(size), fill, dtype=d, requires_grad=requires_grad)

    def new_zeros(
        self,
        *size: int | Sequence[int],
        dtype: DType | None = None,
        device: Device | str | None = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Zeros of the given size, in this tensor's dtype unless ``dtype`` is given.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).new_zeros(3)
        tensor([0, 0, 0])
        """
        return self._new(0, size, dtype, device, requires_grad)

    def new_ones(
        self,
        *size: int | Sequence[int],
        dtype: DType | None = None,
        device: Device | str | None = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Ones of the given size, in this tensor's dtype unless ``dtype`` is given.

        >>> import twingrad
        >>> twingrad.zeros(1).new_ones((2,), requires_grad=True)
        tensor([1., 1.], requires_grad=True)
        """
        return self._new(1, size, dtype, device, requires_grad)

    def new_empty(
        self,
        *size: int | Sequence[int],
        dtype: DType | None = None,
        device: Device | str | None = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Like PyTorch's ``new_empty``; twingrad fills it with zeros so nothing is undefined.

        >>> import twingrad
        >>> twingrad.zeros(1).new_empty(2, 1).shape
        twingrad.Size([2, 1])
        """
        return self._new(0, size, dtype, device, requires_grad)

    def new_full(
        self,
        size: Sequence[int],
        fill_value: bool | int | float,
        *,
        dtype: DType | None = None,
        device: Device | str | None = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """``fill_value`` in the given size, in this tensor's dtype unless ``dtype`` is given.

        >>> import twingrad
        >>> twingrad.tensor([1, 2]).new_full((2,), 7)
        tensor([7, 7])
        """
        if isinstance(size, int | np.integer):
            raise TypeError(
                f"new_full(): argument 'size' must be a tuple of ints, not {type(size).__name__}"
            )
        return self._new(fill_value, (tuple(size),), dtype, device, requires_grad)

    def new_tensor(
        self,
        data: ArrayLike | Tensor,
        *,
        dtype: DType | None = None,
        device: Device | str | None = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """A copy of ``data`` in this tensor's dtype (not the one ``data`` suggests) unless
        ``dtype`` is given; a fresh leaf, outside any graph.

        >>> import twingrad
        >>> twingrad.zeros(1).new_tensor([1, 2])
        tensor([1., 2.])
        """
        from twingrad._tensor import creation

        check_cpu(device, "a new tensor")
        if isinstance(data, TensorBase):
            warnings.warn(
                "To copy construct from a tensor, it is recommended to use "
                "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                "requires_grad_(True), rather than tensor.new_tensor(sourceTensor).",
                UserWarning,
                stacklevel=2,
            )
            data = data.detach()._data.copy()
        d = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return creation.tensor(data, dtype=d, requires_grad=requires_grad)
