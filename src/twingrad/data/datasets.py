"""Toy 2-D classification datasets generated locally, never downloaded.

Each returns ``(X, y)`` as numpy arrays: float64 points of shape ``(n_samples, 2)`` and
int64 labels. ``seed`` makes them reproducible; wrap them for training with
``TensorDataset(twingrad.tensor(X), twingrad.tensor(y))``.

>>> X, y = make_moons(100, noise=0.1, seed=0)
>>> X.shape, y.shape, sorted(set(y.tolist()))
((100, 2), (100,), [0, 1])
"""

from __future__ import annotations

import numpy as np


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``).

    Returns ``(X, y)``: float64 points of shape ``(n_samples, 2)`` and int64 labels 0 or 1.

    >>> X, y = make_moons(6, noise=0.0)
    >>> X.round(2).tolist(), y.tolist()
    ([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, 0.5], [1.0, -0.5], [2.0, 0.5]], [0, 0, 0, 1, 1, 1])
    """
    if n_samples < 2:
        raise ValueError(f"make_moons needs at least 2 samples, got {n_samples}")
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], axis=1)
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def _check_count(name: str, n_samples: int, at_least: int) -> None:
    if n_samples < at_least:
        raise ValueError(f"{name} needs at least {at_least} samples, got {n_samples}")


def make_circles(
    n_samples: int = 100, noise: float = 0.0, factor: float = 0.8, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (label 1) inside a large one (label 0), as scikit-learn's.

    ``factor`` is the inner radius relative to the outer one (between 0 and 1).

    >>> X, y = make_circles(8, factor=0.5)
    >>> float(abs(X[y == 1]).max()), float(abs(X[y == 0]).max())
    (0.5, 1.0)
    """
    _check_count("make_circles", n_samples, 2)
    if not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be in [0, 1), got {factor}")
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = factor * np.stack([np.cos(t_in), np.sin(t_in)], axis=1)
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def make_spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms (the CS231n spiral data), one label per arm.

    Each arm goes out from the centre to radius 1 over 4 radians; ``noise`` is the
    standard deviation of the angle's jitter. ``n_samples`` is split as evenly as possible.

    >>> X, y = make_spirals(300, n_classes=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    """
    _check_count("make_spirals", n_samples, n_classes)
    if n_classes < 2:
        raise ValueError(f"make_spirals needs at least 2 classes, got {n_classes}")
    rng = np.random.default_rng(seed)
    sizes = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    points, labels = [], []
    for k, n in enumerate(sizes):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(4.0 * k, 4.0 * (k + 1), n) + noise * rng.standard_normal(n)
        points.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        labels.append(np.full(n, k, dtype=np.int64))
    return np.concatenate(points), np.concatenate(labels)


def make_xor(
    n_samples: int = 200, noise: float = 0.2, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: four clusters at (+-1, +-1); label 1 where the signs differ.

    No straight line separates the classes, so a model needs a hidden layer. ``noise`` is
    each cluster's standard deviation.

    >>> X, y = make_xor(4, noise=0.0)
    >>> X.tolist(), y.tolist()
    ([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    _check_count("make_xor", n_samples, 4)
    rng = np.random.default_rng(seed)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    which = np.arange(n_samples) % 4
    X = corners[which]
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    y = (corners[which, 0] != corners[which, 1]).astype(np.int64)
    return X, y
