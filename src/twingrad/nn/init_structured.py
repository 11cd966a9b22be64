"""Structured initialisations, as ``torch.nn.init``: ``orthogonal_``, ``eye_``, ``dirac_``.

``orthogonal_`` draws a (semi-)orthogonal weight matrix (Saxe et al., 2013) as PyTorch
does: a standard normal matrix, made orthogonal by a QR decomposition. The signs of Q's
columns are fixed by the diagonal of R, so that Q is uniformly distributed over the
orthogonal matrices (QR alone leaves the signs to the algorithm). A tensor of more than
two dimensions is treated as the matrix (size(0), the rest). ``eye_`` and ``dirac_`` make
a layer start as the identity map (a linear layer, a convolution).

>>> import twingrad
>>> from twingrad import nn
>>> w = nn.init.orthogonal_(twingrad.empty(3, 5))
>>> bool(((w @ w.T) - twingrad.eye(3)).abs().max() < 1e-6)
True
"""

from __future__ import annotations

import math

import numpy as np

from twingrad._tensor.creation import generator as _default_generator
from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import no_grad


def orthogonalize(matrix: np.ndarray) -> np.ndarray:
    """The orthogonal factor of ``matrix`` (rows x cols) as PyTorch's ``orthogonal_`` takes
    it: Q of the QR decomposition of the taller orientation, each column's sign set by R's
    diagonal; orthonormal rows when rows < cols, orthonormal columns otherwise.

    >>> import numpy as np
    >>> orthogonalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    rows, cols = matrix.shape
    tall = matrix.T if rows < cols else matrix
    q, r = np.linalg.qr(tall)
    q = q * np.sign(np.diag(r))
    return q.T if rows < cols else q


def orthogonal_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill ``tensor`` (at least 2-D) with a (semi-)orthogonal matrix times ``gain``.

    >>> import twingrad
    >>> w = orthogonal_(twingrad.empty(4, 2), gain=2.0)
    >>> [round(v, 6) for v in (w.T @ w).diagonal().tolist()]
    [4.0, 4.0]
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = math.prod(tensor.shape) // rows
    rng = _default_generator() if generator is None else generator
    q = orthogonalize(rng.standard_normal((rows, cols))) * gain
    with no_grad():
        tensor.copy_(Tensor._make(q.reshape(tuple(tensor.shape)).astype(tensor.dtype.numpy)))
    return tensor


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal, even if not square).

    >>> import twingrad
    >>> eye_(twingrad.empty(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        tensor.copy_(Tensor._make(np.eye(*tensor.shape, dtype=tensor.dtype.numpy)))
    return tensor


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight (out, in, *kernel) with the Dirac delta: each
    of the first min(out / groups, in) output channels of a group copies its input channel
    at the kernel's centre, so the convolution starts as the identity.

    >>> import twingrad
    >>> dirac_(twingrad.empty(2, 1, 3))
    tensor([[[0., 1., 0.]],
    <BLANKLINE>
            [[0., 0., 0.]]])
    """
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if tensor.shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = tensor.shape[0] // groups
    weight = np.zeros(tuple(tensor.shape), dtype=tensor.dtype.numpy)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(per_group, tensor.shape[1])):
            weight[(g * per_group + d, d, *centre)] = 1
    with no_grad():
        tensor.copy_(Tensor._make(weight))
    return tensor


__all__ = ["dirac_", "eye_", "orthogonal_", "orthogonalize"]
