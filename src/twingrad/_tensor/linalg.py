"""Matrix products with PyTorch's 1-D, 2-D and batched broadcasting rules.

>>> import twingrad
>>> a = twingrad.ones(4, 8); b = twingrad.ones(8, 3)
>>> (a @ b).shape
twingrad.Size([4, 3])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twingrad._tensor import dtypes
from twingrad._tensor.engine import apply
from twingrad.rules import RULES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from twingrad._tensor.tensor import Tensor

MATMUL = RULES["matmul"]


def _shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(s) for s in shape) if shape else "scalar"


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """``input @ other``: dot, matrix-vector, matrix and batched products.

    >>> import twingrad
    >>> twingrad.matmul(twingrad.ones(2, 3), twingrad.ones(3)).tolist()
    [3.0, 3.0]
    """
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    k_b = b.shape[-2] if b.ndim >= 2 else b.shape[0]
    if a.shape[-1] != k_b:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(
                f"inconsistent tensor size: a dot product needs vectors of one length, got "
                f"{a.shape[0]} and {b.shape[0]}"
            )
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(a.shape)} and "
            f"{_shape_text(b.shape)})"
        )
    if a.ndim > 2 or b.ndim > 2:
        from twingrad._tensor.elementwise import broadcast_shapes

        broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if a.dtype is not b.dtype:
        from twingrad._tensor.elementwise import operand

        # PyTorch refuses mixed dtypes here; twingrad promotes as for elementwise ops
        d = dtypes.promote(input, other)
        input, other = operand(input, d), operand(other, d)
    return apply(MATMUL, input, other)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """A matrix product of two 2-D tensors.

    >>> import twingrad
    >>> twingrad.mm(twingrad.ones(2, 3), twingrad.ones(3, 4)).shape
    twingrad.Size([2, 4])
    """
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(
            f"mm: both arguments must be 2-D matrices, got {input.ndim}D and {mat2.ndim}D"
        )
    return matmul(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """A batch of matrix products: (b, n, k) @ (b, k, m) -> (b, n, m).

    >>> import twingrad
    >>> twingrad.bmm(twingrad.ones(5, 2, 3), twingrad.ones(5, 3, 4)).shape
    twingrad.Size([5, 2, 4])
    """
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"bmm: both arguments must be 3-D, got {input.ndim}D and {mat2.ndim}D")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(
            f"bmm: batch sizes differ ({input.shape[0]} and {mat2.shape[0]}); shapes "
            f"{tuple(input.shape)} and {tuple(mat2.shape)}"
        )
    return matmul(input, mat2)


class LinalgOps:
    """Tensor methods for matrix products (mixed into `Tensor`)."""

    __slots__ = ()

    def __matmul__(self, other: Tensor) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        from twingrad._tensor.creation import tensor

        return matmul(tensor(other, dtype=self.dtype), self)

    def matmul(self, other: Tensor) -> Tensor:
        """`twingrad.matmul` as a method (the ``@`` operator).

        >>> import twingrad
        >>> twingrad.tensor([[1, 2]]).matmul(twingrad.tensor([[3], [4]]))
        tensor([[11]])
        """
        return matmul(self, other)

    def mm(self, mat2: Tensor) -> Tensor:
        """`twingrad.mm` as a method: the product of two matrices.

        >>> import twingrad
        >>> twingrad.eye(2).mm(twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[1., 2.],
                [3., 4.]])
        """
        return mm(self, mat2)

    def bmm(self, mat2: Tensor) -> Tensor:
        """`twingrad.bmm` as a method: the products of two batches of matrices.

        >>> import twingrad
        >>> twingrad.ones(5, 2, 3).bmm(twingrad.ones(5, 3, 4)).shape
        twingrad.Size([5, 2, 4])
        """
        return bmm(self, mat2)
