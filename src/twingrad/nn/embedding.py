"""Embedding: a lookup table of vectors, indexed by integer ids; and ``one_hot``.

Looking rows up is the ``embedding`` rule; its gradient adds each output row's gradient
into the row it came from (ids used twice get both; divided by that count with
``scale_grad_by_freq``), except ``padding_idx``, which gets none.

>>> import twingrad
>>> from twingrad import nn
>>> twingrad.manual_seed(0)
>>> emb = nn.Embedding(10, 3, padding_idx=0)
>>> emb(twingrad.tensor([[0, 2], [4, 2]])).shape
twingrad.Size([2, 2, 3])
>>> emb.weight[0].tolist()
[0.0, 0.0, 0.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twingrad._tensor import dtypes
from twingrad._tensor.creation import empty
from twingrad._tensor.engine import apply
from twingrad._tensor.tensor import Tensor
from twingrad.core.graph import no_grad
from twingrad.nn import init
from twingrad.nn.module import Module
from twingrad.nn.parameter import Parameter
from twingrad.rules import RULES

if TYPE_CHECKING:
    from twingrad._tensor import devices

EMBEDDING = RULES["embedding"]


def _check_ids(input: Tensor, what: str) -> np.ndarray:
    if not isinstance(input, Tensor) or input.dtype is not dtypes.int64:
        kind = input.dtype.name if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(
            f"{what}: expected an int64 (Long) tensor of indices, got {kind}; convert with .long()"
        )
    return input._data


def _padding_index(padding_idx: int | None, num_embeddings: int) -> int | None:
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError(
            f"Padding_idx must be within num_embeddings (got {padding_idx} for "
            f"{num_embeddings} embeddings)"
        )
    return padding_idx % num_embeddings


def _renorm_(weight: Tensor, ids: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale down, in place, the looked-up rows whose norm exceeds ``max_norm``."""
    rows = np.unique(ids)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    scale = np.ones_like(norms)
    scale[big] = max_norm / (norms[big] + 1e-7)
    with no_grad():
        w[rows] = w[rows] * scale[:, None].astype(w.dtype)
        weight._version[0] += 1


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """The rows of ``weight`` named by the ids in ``input``: shape input.shape + (dim,).

    >>> import twingrad
    >>> w = twingrad.tensor([[0.0, 0.0], [1.0, 2.0]])
    >>> embedding(twingrad.tensor([1, 1, 0]), w)
    tensor([[1., 2.],
            [1., 2.],
            [0., 0.]])
    """
    ids = _check_ids(input, "embedding")
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, got shape {list(weight.shape)}")
    n = weight.shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        bad = int(ids.max()) if ids.max() >= n else int(ids.min())
        raise IndexError(f"index out of range in self: id {bad} for an embedding of {n} rows")
    if sparse:
        raise ValueError("twingrad has no sparse gradients; use sparse=False")
    if max_norm is not None:
        _renorm_(weight, ids, max_norm, norm_type)
    return apply(
        EMBEDDING,
        weight,
        input,
        padding_idx=_padding_index(padding_idx, n),
        scale_grad_by_freq=bool(scale_grad_by_freq),
    )


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor with a 1 at each index along a new last dim of size num_classes.

    >>> import twingrad
    >>> one_hot(twingrad.tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if not isinstance(tensor, Tensor) or tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    ids = tensor._data
    if ids.size and ids.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if ids.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(ids.max()) + 1
    elif ids.size and ids.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._make((ids[..., None] == np.arange(num_classes)).astype(np.int64))


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, initialised N(0, 1)
    (the padding_idx row zeros).

    >>> import twingrad
    >>> from twingrad import nn
    >>> emb = nn.Embedding(10, 3, padding_idx=0)
    >>> emb(twingrad.tensor([[0, 2], [4, 9]])).shape
    twingrad.Size([2, 2, 3])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
        device: str | devices.device | None = None,
        dtype: dtypes.dtype | None = None,
    ) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = _padding_index(padding_idx, num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            d = dtypes.as_dtype(dtype) if dtype is not None else None
            self.weight = Parameter(
                empty(num_embeddings, embedding_dim, dtype=d), requires_grad=not _freeze
            )
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"Shape of weight {list(_weight.shape)} does not match num_embeddings "
                    f"and embedding_dim [{num_embeddings}, {embedding_dim}]"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Redraw the table from N(0, 1), the padding_idx row zeros."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def forward(self, input: Tensor) -> Tensor:
        return embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding holding ``embeddings`` (2-D), frozen unless ``freeze=False``.

        >>> import twingrad
        >>> emb = Embedding.from_pretrained(twingrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> emb(twingrad.tensor([1])), emb.weight.requires_grad
        (tensor([[3., 4.]]), False)
        """
        if embeddings.ndim != 2:
            raise ValueError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(
            rows,
            cols,
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        return text
