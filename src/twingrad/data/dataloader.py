"""`DataLoader`: batches of samples from a dataset, shuffled or in order, as PyTorch's.

A sampler chooses the order of sample indices, a batch sampler groups them, the dataset
gives each sample, and ``collate_fn`` joins the samples of a batch (by default: tensors,
numpy arrays and numbers are stacked; tuples, lists and dicts are collated field by field).

>>> import twingrad
>>> from twingrad.data import DataLoader, TensorDataset
>>> data = TensorDataset(twingrad.arange(10.0).reshape(5, 2), twingrad.arange(5))
>>> [y.tolist() for x, y in DataLoader(data, batch_size=2)]
[[0, 1], [2, 3], [4]]
>>> [y.tolist() for x, y in DataLoader(data, batch_size=2, shuffle=True, generator=0)]
[[2, 4], [3, 0], [1]]
"""

from __future__ import annotations

import collections.abc
import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import TYPE_CHECKING, Any

import numpy as np

from twingrad._tensor.creation import tensor
from twingrad._tensor.joining import stack
from twingrad._tensor.tensor import Tensor
from twingrad.data.dataset import Dataset, IterableDataset, as_generator

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

# -- samplers ----------------------------------------------------------------------------


class Sampler:
    """Anything that yields dataset indices: subclasses define ``__iter__`` (and ``__len__``)."""

    def __iter__(self) -> Iterator[int]:
        raise TypeError(f"{type(self).__name__} does not define __iter__")


class SequentialSampler(Sampler):
    """Indices 0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Indices in a new random order at every pass (or drawn with ``replacement``).

    ``generator`` is a numpy Generator, an int seed (made into one Generator, so each pass
    differs but the sequence of passes is reproducible), or None for twingrad's global
    generator (reproducible after ``twingrad.manual_seed``).
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: np.random.Generator | int | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator if generator is None else as_generator(generator)
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        """How many indices one pass yields: ``num_samples``, or the dataset's length.

        >>> RandomSampler(range(10)).num_samples, RandomSampler(range(10), True, 3).num_samples
        (10, 3)
        """
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        rng = as_generator(self.generator)
        n = len(self.data_source)
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        # more samples than the dataset has: whole permutations, then part of one more
        rounds = [rng.permutation(n) for _ in range(-(-self.num_samples // n))]
        return iter(np.concatenate(rounds)[: self.num_samples].tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size`` (the last may be short)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)


# -- collation ---------------------------------------------------------------------------


def _stack(tensors: list[Tensor]) -> Tensor:
    first = tensors[0]
    if first.requires_grad or any(
        t.requires_grad or t.dtype is not first.dtype or t.shape != first.shape for t in tensors
    ):
        return stack(tensors)  # keeps the graph, promotes dtypes, explains bad shapes
    return Tensor._make(np.stack([t._data for t in tensors]))


def _tensor_from_array(array: np.ndarray) -> Tensor:
    return tensor(array)


def default_collate(batch: list) -> Any:
    """Join a list of samples into a batch, field by field, as PyTorch's default_collate.

    Tensors are stacked along a new first dimension; numpy arrays and numpy scalars become
    stacked tensors; Python floats a float64 tensor, ints an int64 tensor; strings stay a
    list; dicts, tuples and lists are collated per key or position (a tuple becomes a list).

    >>> default_collate([(1.0, {"id": 3}), (2.5, {"id": 4})])
    [tensor([1.0000, 2.5000], dtype=twingrad.float64), {'id': tensor([3, 4])}]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    if isinstance(elem, np.ndarray | np.generic) and elem.dtype.kind not in "USO":
        return _tensor_from_array(np.stack([np.asarray(b) for b in batch]))
    if isinstance(elem, bool | numbers.Integral):
        return _tensor_from_array(np.array(batch))
    if isinstance(elem, numbers.Real):
        return _tensor_from_array(np.array(batch, dtype=np.float64))
    if isinstance(elem, str | bytes):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError(
                "each element in list of batch should be of equal size; got lengths "
                f"{sorted({len(sample) for sample in batch})}"
            )
        return [default_collate(field) for field in zip(*batch)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem).__name__}"
    )


def default_convert(data: Any) -> Any:
    """Turn numpy arrays into tensors, inside tuples, lists and dicts too (no batching).

    >>> default_convert((np.array([1, 2]), "a"))
    [tensor([1, 2]), 'a']
    """
    if isinstance(data, np.ndarray) and data.dtype.kind not in "USO":
        return _tensor_from_array(data)
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data


# -- the loader --------------------------------------------------------------------------


class DataLoader:
    """Iterate over ``dataset`` in batches, as ``torch.utils.data.DataLoader``.

    ``shuffle=True`` draws a new order at each pass, from ``generator`` (a numpy Generator
    or an int seed) or from twingrad's global generator. ``drop_last`` drops a last batch
    smaller than ``batch_size``; ``batch_size=None`` yields single samples unbatched.
    Everything runs in this process: ``num_workers`` and ``pin_memory`` are accepted for
    PyTorch code and have no effect.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable | None = None,
        multiprocessing_context: str | BaseContext | None = None,
        generator: np.random.Generator | int | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        self.dataset = dataset
        self.num_workers = num_workers
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, but "
                    f"got shuffle={shuffle}"
                )
            if sampler is not None or batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler and "
                    "batch_sampler options"
                )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None and not self._iterable:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self._auto_collation = batch_sampler is not None or (
            self._iterable and batch_size is not None
        )
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # a TypeError if the stream has no length, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def __iter__(self) -> Iterator:
        if self._iterable:
            return self._iter_stream()
        if self.batch_sampler is None:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        return self._iter_batches()

    def _iter_batches(self) -> Iterator:
        fast = getattr(self.dataset, "_batch", None) if self.collate_fn is default_collate else None
        for indices in self.batch_sampler:
            batch = fast(np.asarray(indices, dtype=np.int64)) if fast is not None else None
            if batch is None:
                batch = self.collate_fn([self.dataset[i] for i in indices])
            yield batch

    def _iter_stream(self) -> Iterator:
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)


__all__ = [
    "BatchSampler",
    "DataLoader",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "default_collate",
    "default_convert",
]
