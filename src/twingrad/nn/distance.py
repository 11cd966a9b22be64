"""Normalizing and comparing vectors: ``F.normalize``, ``F.cosine_similarity`` and
``nn.CosineSimilarity``, composed from `twingrad.norm` and elementwise ops.

Norms below ``eps`` are raised to ``eps`` so that zero vectors give 0, not nan. In
``normalize`` that is a clamp (no gradient through a clamped norm), as in PyTorch; in
``cosine_similarity`` PyTorch raises the norms under no_grad, so the gradient still flows
through the norm as if unclamped: here, ``norm + (clamped - norm).detach()``.

>>> import twingrad
>>> import twingrad.nn.functional as F
>>> F.cosine_similarity(twingrad.tensor([[1.0, 0.0]]), twingrad.tensor([[1.0, 1.0]]))
tensor([0.7071])
"""

from __future__ import annotations

from twingrad._tensor import dtypes
from twingrad._tensor.promotion import broadcast_shapes, operand, promote
from twingrad._tensor.tensor import Tensor
from twingrad.nn.module import Module


def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None
) -> Tensor:
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``).

    >>> import twingrad
    >>> normalize(twingrad.tensor([[3.0, 4.0], [0.0, 0.0]]))
    tensor([[0.6000, 0.8000],
            [0.0000, 0.0000]])
    """
    if out is not None:
        raise TypeError("normalize(): twingrad does not write into out=; use the result")
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)


def _norm_at_least(x: Tensor, dim: int, eps: float) -> Tensor:
    n = x.norm(2, dim, keepdim=True)
    return n + (n.detach().clamp(min=eps) - n.detach())


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcast):
    ``sum(x1 / |x1| * x2 / |x2|)``, each norm at least ``eps``.

    >>> import twingrad
    >>> cosine_similarity(twingrad.tensor([1.0, 0.0]), twingrad.tensor([-2.0, 0.0]), dim=0)
    tensor(-1.)
    """
    common = promote(x1, x2)
    if not common.is_floating_point or common is dtypes.fraction:
        raise RuntimeError(
            f"expected common dtype to be floating point, yet common dtype is {common.name}"
        )
    shape = broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    a, b = operand(x1, common).expand(shape), operand(x2, common).expand(shape)
    return ((a / _norm_at_least(a, dim, eps)) * (b / _norm_at_least(b, dim, eps))).sum(dim)


class CosineSimilarity(Module):
    """Cosine similarity along ``dim`` (see `cosine_similarity`).

    >>> import twingrad
    >>> from twingrad import nn
    >>> nn.CosineSimilarity(dim=0)(twingrad.tensor([1.0, 1.0]), twingrad.tensor([1.0, 0.0]))
    tensor(0.7071)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)
