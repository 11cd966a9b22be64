"""Dataset, random_split, DataLoader and default_collate, checked against torch.utils.data."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import twingrad
from twingrad.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


def _dataset(n: int = 10):
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 4
    return TensorDataset(twingrad.tensor(X), twingrad.tensor(y)), (X, y)


def _plain(x):
    """Nested twingrad/torch results as plain Python, with dtype names, to compare."""
    if isinstance(x, twingrad.Tensor | torch.Tensor):
        return ("tensor", str(x.dtype).split(".")[-1], x.tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, [_plain(v) for v in x])
    if isinstance(x, list | tuple):
        return (type(x).__name__, [_plain(v) for v in x])
    return x


Point = namedtuple("Point", ["x", "label"])


@pytest.mark.parametrize(
    "samples",
    [
        [1.5, 2.0, -3.25],
        [1, 2, 3],
        [True, False],
        [np.float32(1.5), np.float32(2.5)],
        [np.arange(3.0), np.ones(3)],
        [np.arange(4).reshape(2, 2), np.zeros((2, 2), dtype=np.int64)],
        [("a", 1, 2.0), ("b", 3, 4.0)],
        [[1, 2.0], [3, 4.0]],
        [{"x": np.ones(2), "y": 1}, {"x": np.zeros(2), "y": 0}],
        [Point(np.ones(2), 1), Point(np.zeros(2), 0)],
    ],
)
def test_default_collate_matches_torch(samples):
    assert _plain(default_collate(samples)) == _plain(tud.default_collate(samples))


def test_default_collate_stacks_tensors_like_torch():
    rows = [np.arange(3.0) + i for i in range(4)]
    ours = default_collate([(twingrad.tensor(r), twingrad.tensor(i)) for i, r in enumerate(rows)])
    theirs = tud.default_collate([(torch.tensor(r), torch.tensor(i)) for i, r in enumerate(rows)])
    assert _plain(ours) == _plain(theirs)


def test_default_collate_keeps_the_graph_of_samples_that_require_grad():
    w = twingrad.tensor([1.0, 2.0], requires_grad=True)
    batch = default_collate([w * 2, w * 3])
    batch.sum().backward()
    assert w.grad.tolist() == [5.0, 5.0]


def test_default_collate_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="equal size; got lengths \\[1, 2\\]"):
        default_collate([[1], [1, 2]])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])


def test_tensor_dataset_gives_rows_and_checks_sizes():
    data, (X, y) = _dataset(5)
    x2, y2 = data[2]
    assert x2.tolist() == X[2].tolist() and y2.item() == y[2]
    assert len(data) == 5
    with pytest.raises(
        ValueError, match=r"Size mismatch between tensors: first dimensions are \[5, 4\]"
    ):
        TensorDataset(twingrad.zeros(5, 2), twingrad.zeros(4))
    with pytest.raises(TypeError, match="argument 1 is a ndarray"):
        TensorDataset(twingrad.zeros(5, 2), np.zeros(5))


@pytest.mark.parametrize(
    ("batch_size", "drop_last"), [(3, False), (3, True), (5, False), (20, False)]
)
def test_batches_in_order_match_torch(batch_size, drop_last):
    data, (X, y) = _dataset(10)
    ours = DataLoader(data, batch_size=batch_size, drop_last=drop_last)
    theirs = tud.DataLoader(
        tud.TensorDataset(torch.tensor(X), torch.tensor(y)),
        batch_size=batch_size,
        drop_last=drop_last,
    )
    assert len(ours) == len(theirs)
    assert [_plain(b) for b in ours] == [_plain(b) for b in theirs]


def test_fast_batches_equal_sample_by_sample_collation():
    data, _ = _dataset(10)
    sub = random_split(data, [7, 3], generator=5)[0]
    fast = list(DataLoader(sub, batch_size=3, shuffle=True, generator=1))
    slow = list(
        DataLoader(
            sub, batch_size=3, shuffle=True, generator=1, collate_fn=lambda b: default_collate(b)
        )
    )
    assert [_plain(b) for b in fast] == [_plain(b) for b in slow]
    assert [len(b[0]) for b in fast] == [3, 3, 1]


def test_shuffle_is_a_new_permutation_each_pass_and_reproducible_from_a_seed():
    data, _ = _dataset(12)

    loader = DataLoader(data, batch_size=5, shuffle=True, generator=42)
    first, second = ([int(i) for _, yb in loader for i in yb.tolist()] for _ in range(2))
    assert first != second
    assert sorted(first) == sorted(second) == sorted((np.arange(12) % 4).tolist())
    again = DataLoader(data, batch_size=5, shuffle=True, generator=42)
    assert [int(i) for _, yb in again for i in yb.tolist()] == first


def test_shuffle_without_a_generator_follows_manual_seed():
    data, _ = _dataset(12)

    def order():
        return [
            row[0] for xb, _ in DataLoader(data, batch_size=4, shuffle=True) for row in xb.tolist()
        ]

    twingrad.manual_seed(7)
    a = order()
    twingrad.manual_seed(7)
    assert order() == a
    assert sorted(a) == [3.0 * i for i in range(12)] and a != sorted(a)


def test_samplers_and_batch_samplers_can_be_given():
    data, _ = _dataset(6)
    loader = DataLoader(data, batch_sampler=[[5, 0], [2]])
    assert [yb.tolist() for _, yb in loader] == [[1, 0], [2]]
    assert len(loader) == 2
    loader = DataLoader(data, sampler=[4, 3, 2], batch_size=2)
    assert [yb.tolist() for _, yb in loader] == [[0, 3], [2]]
    assert list(BatchSampler(SequentialSampler(range(5)), 2, drop_last=True)) == [[0, 1], [2, 3]]
    assert len(RandomSampler(range(5), replacement=True, num_samples=8)) == 8


def test_batch_size_none_yields_single_converted_samples():
    samples = [np.ones(2), np.zeros(2)]
    out = list(DataLoader(samples, batch_size=None))
    assert [_plain(o) for o in out] == [_plain(o) for o in tud.DataLoader(samples, batch_size=None)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sampler": [0, 1], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
        ({"batch_sampler": [[0]], "batch_size": 4}, "batch_sampler option is mutually exclusive"),
        ({"batch_size": None, "drop_last": True}, "mutually exclusive with drop_last"),
        ({"batch_size": 0}, "batch_size should be a positive integer value, but got batch_size=0"),
    ],
)
def test_conflicting_options_are_refused_like_torch(kwargs, message):
    data, _ = _dataset(4)
    with pytest.raises(ValueError, match=message):
        DataLoader(data, **kwargs)


class _Stream(IterableDataset):
    def __iter__(self):
        return iter(range(7))


def test_iterable_datasets_are_batched_as_they_stream():
    assert [b.tolist() for b in DataLoader(_Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(_Stream(), batch_size=3, drop_last=True)] == [
        [0, 1, 2],
        [3, 4, 5],
    ]
    with pytest.raises(TypeError):
        len(DataLoader(_Stream(), batch_size=3))
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(_Stream(), shuffle=True)


@pytest.mark.parametrize(
    ("n", "fractions"),
    [
        (10, [0.8, 0.2]),
        (7, [0.5, 0.5]),
        (11, [0.3, 0.3, 0.4]),
        (100, [0.7, 0.15, 0.15]),
        (5, [1 / 3] * 3),
    ],
)
def test_random_split_fraction_lengths_match_torch(n, fractions):
    ours = random_split(range(n), fractions, generator=0)
    theirs = tud.random_split(range(n), fractions, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(i for s in ours for i in s) == list(range(n))


def test_random_split_is_seeded_and_checks_lengths():
    a = [list(s) for s in random_split(range(20), [5, 15], generator=3)]
    b = [list(s) for s in random_split(range(20), [5, 15], generator=np.random.default_rng(3))]
    assert a == b and sorted(a[0] + a[1]) == list(range(20))
    with pytest.raises(ValueError, match=r"Sum of input lengths does not equal .* \(19 != 20\)"):
        random_split(range(20), [5, 14])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1: 1.5"):
        random_split(range(20), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [0.95, 0.05])
    with pytest.raises(TypeError, match="generator must be a numpy Generator, an int seed or None"):
        random_split(range(4), [2, 2], generator="seed")


def test_subset_and_concat_index_like_torch():
    base = list(range(10, 20))
    sub = Subset(base, [3, 1, 4])
    assert [sub[i] for i in range(len(sub))] == [13, 11, 14]
    both = ConcatDataset([sub, [100, 200]])
    assert len(both) == 5 and [both[i] for i in range(5)] == [13, 11, 14, 100, 200]
    assert both[-1] == 200
    with pytest.raises(IndexError, match="out of range for a dataset of length 5"):
        both[5]
    data, _ = _dataset(3)
    assert len(data + data) == 6
