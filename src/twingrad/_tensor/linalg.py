"""Linear algebra: matrix products with PyTorch's 1-D, 2-D and batched broadcasting
rules (matmul, mm, bmm), and the vector and matrix helpers built on them: dot, mv, outer,
diagonal, diag, trace.

matmul is one rule of the table. dot and mv are matmul after PyTorch's checks; outer is a
broadcast product; diagonal takes the diagonal with an integer index (the index rule), and
diag builds a matrix by indexing the vector padded with one zero (the pad rule). Their
gradients are those rules', and the bridge replays them with no entry of their own.

>>> import twingrad
>>> m = twingrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> (m @ twingrad.ones(2, 3)).shape
twingrad.Size([2, 3])
>>> m.trace().backward()
>>> m.grad
tensor([[1., 0.],
        [0., 1.]])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.engine import apply
from twingrad._tensor.padding import pad
from twingrad._tensor.promotion import broadcast_shapes, operand, promote
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor.tensor import Tensor

__all__ = ["bmm", "diag", "diagonal", "dot", "matmul", "mm", "mv", "outer", "trace"]

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
        broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if a.dtype is not b.dtype:
        # PyTorch refuses mixed dtypes here; twingrad promotes as for elementwise ops
        d = promote(input, other)
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


def _no_bool(op: str, *tensors: Tensor) -> None:
    for t in tensors:
        if t.dtype is dtypes.bool_:
            raise RuntimeError(f"\"{op}\" not implemented for 'Bool'; convert with .long() first")


def _same_dtype(op: str, a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"{op}: expected both arguments to have the same dtype, but found "
            f"{a.dtype.name} and {b.dtype.name}"
        )


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The dot product of two 1-D tensors of one length and one dtype.

    >>> import twingrad
    >>> twingrad.dot(twingrad.tensor([1, 2]), twingrad.tensor([3, 4]))
    tensor(11)
    """
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    _same_dtype("dot", input, tensor)
    _no_bool("dot", input)
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size: dot needs vectors of one length, got "
            f"{input.shape[0]} and {tensor.shape[0]}"
        )
    return matmul(input, tensor)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """The product of a matrix (n, m) and a vector (m,): a vector (n,).

    >>> import twingrad
    >>> twingrad.mv(twingrad.tensor([[1, 2], [3, 4]]), twingrad.tensor([1, 1]))
    tensor([3, 7])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(
            f"mv: expected a matrix and a vector, got {input.ndim}D and {vec.ndim}D tensors"
        )
    _same_dtype("mv", input, vec)
    _no_bool("mv", input)
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat "
            f"({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})"
        )
    return matmul(input, vec)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two vectors: ``out[i, j] = input[i] * vec2[j]``.

    >>> import twingrad
    >>> twingrad.outer(twingrad.tensor([1, 2]), twingrad.tensor([1, 10, 100]))
    tensor([[  1,  10, 100],
            [  2,  20, 200]])
    """
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.unsqueeze(1) * vec2


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the planes (dim1, dim2), as the last dim of the result; ``offset``
    above the main diagonal (below when negative).

    >>> import twingrad
    >>> x = twingrad.tensor([[1, 2, 3], [4, 5, 6]])
    >>> twingrad.diagonal(x), twingrad.diagonal(x, 1), twingrad.diagonal(x, -1)
    (tensor([1, 5]), tensor([2, 6]), tensor([4]))
    """
    if input.ndim < 2:
        raise RuntimeError(f"diagonal(): expected a tensor of at least 2 dims, got {input.ndim}D")
    d1, d2 = input._dim(dim1), input._dim(dim2)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    rest = [d for d in range(input.ndim) if d not in (d1, d2)]
    x = input.permute(*rest, d1, d2)
    n1, n2 = input.shape[d1], input.shape[d2]
    first_row, first_col = max(-offset, 0), max(offset, 0)
    length = max(0, min(n1 - first_row, n2 - first_col))
    steps = np.arange(length, dtype=np.int64)
    return x[..., x._make(steps + first_row), x._make(steps + first_col)]


_diagonal = diagonal  # diag's argument takes the name (PyTorch's)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector made the ``diagonal``-th diagonal of a square matrix (zeros elsewhere), or
    the ``diagonal``-th diagonal of a matrix as a vector.

    >>> import twingrad
    >>> twingrad.diag(twingrad.tensor([1, 2]), 1)
    tensor([[0, 1, 0],
            [0, 0, 2],
            [0, 0, 0]])
    """
    if input.ndim == 2:
        return _diagonal(input, diagonal)
    if input.ndim != 1:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    n = input.shape[0]
    size = n + abs(diagonal)
    # every entry indexes the vector padded with one zero: its element on the diagonal,
    # the zero (position n) elsewhere
    where = np.full((size, size), n, dtype=np.int64)
    steps = np.arange(n)
    where[steps + max(-diagonal, 0), steps + max(diagonal, 0)] = steps
    return pad(input, (0, 1))[input._make(where)]


def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix; integers sum to int64.

    >>> import twingrad
    >>> twingrad.trace(twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor(5.)
    """
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    _no_bool("trace", input)
    return diagonal(input).sum()
