"""Datasets, as ``torch.utils.data``: anything with ``len`` and ``[i]``, and ways to split them.

>>> import twingrad
>>> from twingrad.data import TensorDataset, random_split
>>> X, y = twingrad.arange(10.0).reshape(5, 2), twingrad.tensor([0, 1, 0, 1, 1])
>>> data = TensorDataset(X, y)
>>> len(data), data[1]
(5, (tensor([2., 3.]), tensor(1)))
>>> train, val = random_split(data, [0.8, 0.2], generator=0)
>>> len(train), len(val)
(4, 1)
"""

from __future__ import annotations

import bisect
import math
import numbers
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NoReturn

import numpy as np

from twingrad._tensor.tensor import Tensor


def as_generator(generator: np.random.Generator | int | None) -> np.random.Generator:
    """A numpy Generator from what the user gave: a Generator, a seed, or None.

    None means twingrad's global generator, so ``twingrad.manual_seed`` makes the result
    reproducible, as ``torch.manual_seed`` does for PyTorch.

    >>> rng = np.random.default_rng(5)
    >>> as_generator(rng) is rng, int(as_generator(0).integers(10))
    (True, 8)
    """
    if generator is None:
        from twingrad._tensor.creation import generator as global_generator

        return global_generator()
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, numbers.Integral):
        return np.random.default_rng(int(generator))
    raise TypeError(
        f"generator must be a numpy Generator, an int seed or None, got {type(generator).__name__}"
    )


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(i)`` and ``__len__()``.

    ``a + b`` concatenates two datasets.
    """

    def __getitem__(self, index: int) -> Any:
        raise TypeError(f"{type(self).__name__} does not define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset read as a stream: subclasses define ``__iter__`` instead of indexing."""

    def __iter__(self) -> Iterator:
        raise TypeError(f"{type(self).__name__} does not define __iter__")

    def __add__(self, other: Dataset) -> NoReturn:
        raise TypeError("IterableDatasets can't be concatenated with +")


class TensorDataset(Dataset):
    """Samples are the rows of ``tensors``: ``data[i] == (t[i] for t in tensors)``.

    All tensors must have the same size in their first dimension.
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"TensorDataset takes tensors, but argument {i} is a {type(t).__name__}; "
                    "convert it with twingrad.tensor(...)"
                )
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: tensor {i} is 0-d and has no rows")
        sizes = [t.shape[0] for t in tensors]
        if any(s != sizes[0] for s in sizes):
            raise ValueError(
                f"Size mismatch between tensors: first dimensions are {sizes}; every tensor "
                "needs one row per sample"
            )
        self.tensors = tensors

    def __getitem__(self, index: int | slice | list[int] | np.ndarray) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, indices: np.ndarray) -> list[Tensor] | None:
        """The collated batch of ``indices`` in one indexing per tensor (DataLoader's fast path).

        Equal to stacking ``self[i]`` for each index; None where that would not hold (a
        tensor that requires grad keeps its graph only through the slow path).
        """
        if any(t.requires_grad for t in self.tensors):
            return None
        return [Tensor._make(t._data[indices]) for t in self.tensors]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: int | list[int]) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def _batch(self, indices: np.ndarray):
        inner = getattr(self.dataset, "_batch", None)
        if inner is None:
            return None
        return inner(np.asarray(self.indices)[indices])


class ConcatDataset(Dataset):
    """Several datasets one after the other."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset needs at least one dataset")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise IndexError(
                    f"index {index} is out of range for a dataset of length {len(self)}"
                )
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which == len(self.datasets):
            raise IndexError(f"index {index} is out of range for a dataset of length {len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


def random_split(
    dataset: Dataset,
    lengths: Sequence[int | float],
    generator: np.random.Generator | int | None = None,
) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping subsets of the given lengths.

    ``lengths`` are counts that add up to ``len(dataset)``, or fractions that add up to 1:
    each subset gets ``floor(fraction * n)`` samples, and what is left is dealt one at a
    time to the subsets in order. ``generator`` is a numpy Generator, an int seed, or None
    for twingrad's global generator (seeded by ``twingrad.manual_seed``).

    >>> parts = random_split(range(10), [0.5, 0.3, 0.2], generator=1)
    >>> [len(p) for p in parts]
    [5, 3, 2]
    >>> sorted(i for p in parts for i in p) == list(range(10))
    True
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1: {frac}")
            sizes.append(int(math.floor(n * frac)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = sizes
    if any(not isinstance(x, numbers.Integral) or x < 0 for x in lengths):
        raise ValueError(
            f"lengths must be non-negative counts or fractions that add up to 1, got {lengths}"
        )
    if sum(lengths) != n:
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset! "
            f"({sum(lengths)} != {n})"
        )
    order = as_generator(generator).permutation(n).tolist()
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[start : start + length]))
        start += length
    return subsets


__all__ = [
    "ConcatDataset",
    "Dataset",
    "IterableDataset",
    "Subset",
    "TensorDataset",
    "random_split",
]
