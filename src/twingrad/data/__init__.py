"""Data, as ``torch.utils.data``: datasets, DataLoader, and datasets generated locally.

>>> import twingrad
>>> from twingrad.data import DataLoader, TensorDataset, make_moons
>>> X, y = make_moons(100, noise=0.1, seed=0)
>>> loader = DataLoader(TensorDataset(twingrad.tensor(X), twingrad.tensor(y)), batch_size=32)
>>> [len(xb) for xb, yb in loader]
[32, 32, 32, 4]
"""

from twingrad.data.dataloader import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    Sampler,
    SequentialSampler,
    default_collate,
    default_convert,
)
from twingrad.data.dataset import (
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from twingrad.data.datasets import make_circles, make_moons, make_spirals, make_xor
from twingrad.data.mnist1d import make_mnist1d, mnist1d_templates

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "make_circles",
    "make_mnist1d",
    "make_moons",
    "make_spirals",
    "make_xor",
    "mnist1d_templates",
    "random_split",
]
