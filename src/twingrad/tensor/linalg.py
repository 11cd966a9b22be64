"""Matrix products with PyTorch's 1-D, 2-D and batched broadcasting rules.

>>> import twingrad
>>> a = twingrad.ones(4, 8); b = twingrad.ones(8, 3)
>>> (a @ b).shape
twingrad.Size([4, 3])
"""

from __future__ import annotations

from twingrad.rules import RULES
from twingrad.tensor import dtypes
from twingrad.tensor.autograd import apply


def _shape_text(shape) -> str:
    return "x".join(str(s) for s in shape) if shape else "scalar"


def matmul(input, other):
    """``input @ other``: dot, matrix-vector, matrix and batched products."""
    from twingrad.tensor.elementwise import operand

    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(
            "both arguments to matmul need to be at least 1D, but they are "
            f"{input.ndim}D and {other.ndim}D"
        )
    k_a = input.shape[-1]
    k_b = other.shape[-2] if other.ndim >= 2 else other.shape[0]
    if k_a != k_b:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(input.shape)} and "
            f"{_shape_text(other.shape)})"
        )
    if input.ndim > 2 or other.ndim > 2:
        from twingrad.tensor.elementwise import broadcast_shapes

        broadcast_shapes(tuple(input.shape[:-2]), tuple(other.shape[:-2]))
    if input.dtype is not other.dtype:
        d = dtypes.promote(input, other)
        input, other = operand(input, d), operand(other, d)
    return apply(RULES["matmul"], input, other)


def mm(input, mat2):
    """A matrix product of two 2-D tensors."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(
            f"mm: both arguments must be 2-D matrices, got {input.ndim}D and {mat2.ndim}D"
        )
    return matmul(input, mat2)


def bmm(input, mat2):
    """A batch of matrix products: (b, n, k) @ (b, k, m) -> (b, n, m)."""
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

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        from twingrad.tensor.creation import tensor

        return matmul(tensor(other, dtype=self.dtype), self)

    def matmul(self, other):
        return matmul(self, other)

    def mm(self, mat2):
        return mm(self, mat2)

    def bmm(self, mat2):
        return bmm(self, mat2)
