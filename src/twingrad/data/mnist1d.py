"""MNIST-1D (Greydanus, 2020): ten 1-D digit templates, stretched, shifted and noised.

A benchmark small enough for a laptop CPU on which models still differ as on MNIST:
logistic regression reaches about 32% test accuracy, an MLP about 68%, a small CNN about
94%. Each sample is one of ten 12-point templates, padded with zeros, dilated, scaled,
translated, filled with correlated noise where it is zero, given white noise, sheared and
resampled to 40 points. This module follows the published procedure and default arguments
of the ``mnist1d`` package step by step, with the same random draws in the same order, so
it produces the same arrays; it needs only numpy, and nothing is downloaded.

>>> data = make_mnist1d()
>>> data["x"].shape, data["x_test"].shape, data["y"][:10].tolist()
((4000, 40), (1000, 40), [2, 6, 4, 5, 6, 6, 6, 0, 3, 1])
"""

from __future__ import annotations

import functools

import numpy as np


def mnist1d_templates() -> dict[str, np.ndarray]:
    """The ten digit templates ``x`` (10 x 12), their coordinates ``t`` and labels ``y``.

    Each template is whitened and shifted to start at 0, then scaled down by 6.

    >>> templates = mnist1d_templates()
    >>> templates["x"].shape, templates["t"].shape, templates["y"].tolist()[:3]
    ((10, 12), (12,), [0, 1, 2])
    """
    x = np.array(
        [
            [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
            [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
            [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
            [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
            [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
            [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
            [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
            [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
            [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
            [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
        ]
    )
    x -= x.mean(1, keepdims=True)
    x /= x.std(1, keepdims=True)
    x -= x[:, :1]  # every signal starts (and ends) at 0
    return {"x": x / 6.0, "t": np.linspace(-5, 5, 12) / 6.0, "y": np.arange(10)}


@functools.lru_cache(maxsize=16)
def _grid(start: float, stop: float, n: int) -> np.ndarray:
    """``np.linspace(start, stop, n)``, made once: generation asks for the same few grids."""
    grid = np.linspace(start, stop, n)
    grid.flags.writeable = False
    return grid


def _resample(x: np.ndarray, n: int) -> np.ndarray:
    """Linear interpolation of ``x`` at ``n`` evenly spaced points over the same span."""
    return np.interp(_grid(0, 1, n), _grid(0, 1, len(x)), x)


@functools.lru_cache(maxsize=4)
def _gaussian_weights(sigma: float) -> np.ndarray:
    radius = int(4.0 * sigma + 0.5)
    offsets = np.arange(-radius, radius + 1)
    weights = np.exp(-0.5 / (sigma * sigma) * offsets**2)
    weights = weights / weights.sum()
    weights.flags.writeable = False
    return weights


def _gaussian_smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian filter with mirrored edges (scipy.ndimage's defaults: radius 4 sigma).

    The sum runs in scipy's order for symmetric kernels (the centre, then the outermost
    pair of taps inwards), so results agree with scipy to the last bit.
    """
    weights = _gaussian_weights(sigma)
    radius = len(weights) // 2
    # mirror about the edges, repeating the edge sample (scipy's mode="reflect")
    padded = np.concatenate([x[radius - 1 :: -1], x, x[: -radius - 1 : -1]])
    n = len(x)
    out = padded[radius : radius + n] * weights[radius]
    for j in range(radius, 0, -1):
        out += (padded[radius - j : radius - j + n] + padded[radius + j : radius + j + n]) * (
            weights[radius - j]
        )
    return out


def _transform(x, rng: np.random.RandomState, args: dict, eps: float = 1e-8) -> np.ndarray:
    """One sample from one template: pad, dilate, scale, translate, noise, shear, resample."""
    low, high = args["padding"]
    length = args["template_len"] + high
    pad = low + int(rng.rand() * (high - low + 1))
    new_x = _resample(np.concatenate([x + eps, np.zeros(pad)]), length)
    new_x *= 1 + args["scale_coeff"] * (rng.rand() - 0.5)
    k = rng.choice(args["max_translation"])
    new_x = np.concatenate([new_x[-k:], new_x[:-k]])
    correlated = _gaussian_smooth(args["corr_noise_scale"] * rng.randn(length), 2)
    # the correlated noise only fills the zero padding; white noise goes everywhere
    new_x = np.where(new_x != 0, new_x, correlated)
    new_x = new_x + args["iid_noise_scale"] * rng.randn(length)
    new_x = new_x - args["shear_scale"] * (rng.rand() - 0.5) * _grid(-0.5, 0.5, length)
    return _resample(new_x, args["final_seq_length"])


def make_mnist1d(
    num_samples: int = 5000,
    train_split: float = 0.8,
    template_len: int = 12,
    padding: tuple[int, int] = (36, 60),
    scale_coeff: float = 0.4,
    max_translation: int = 48,
    corr_noise_scale: float = 0.25,
    iid_noise_scale: float = 2e-2,
    shear_scale: float = 0.75,
    shuffle_seq: bool = False,
    final_seq_length: int = 40,
    seed: int = 42,
) -> dict[str, np.ndarray]:
    """Generate MNIST-1D with the ``mnist1d`` package's arguments (its defaults here too).

    Returns a dict with the package's keys: ``x`` and ``y`` (training signals, float64 of
    shape ``(n, final_seq_length)``, and int64 labels), ``x_test`` and ``y_test``, ``t``
    (the sample coordinates) and ``templates``. The defaults give 4000 training and 1000
    test samples. The result is cached: asking twice costs nothing (you get fresh copies).

    >>> data = make_mnist1d(num_samples=20, seed=0)
    >>> data["x"].shape, data["x_test"].shape, data["y"].dtype
    ((16, 40), (4, 40), dtype('int64'))
    """
    if num_samples < 10:
        raise ValueError(
            f"make_mnist1d needs at least 10 samples (one per digit), got {num_samples}"
        )
    if not 0 < train_split <= 1:
        raise ValueError(f"train_split must be in (0, 1], got {train_split}")
    if len(padding) != 2 or not 0 <= padding[0] <= padding[1]:
        raise ValueError(f"padding must be (low, high) with 0 <= low <= high, got {padding}")
    if max_translation < 1:
        raise ValueError(f"max_translation must be at least 1, got {max_translation}")
    data = _generate(
        num_samples,
        float(train_split),
        template_len,
        (int(padding[0]), int(padding[1])),
        float(scale_coeff),
        max_translation,
        float(corr_noise_scale),
        float(iid_noise_scale),
        float(shear_scale),
        bool(shuffle_seq),
        final_seq_length,
        seed,
    )
    return {
        key: ({k: v.copy() for k, v in value.items()} if isinstance(value, dict) else value.copy())
        for key, value in data.items()
    }


@functools.lru_cache(maxsize=4)
def _generate(
    num_samples,
    train_split,
    template_len,
    padding,
    scale_coeff,
    max_translation,
    corr_noise_scale,
    iid_noise_scale,
    shear_scale,
    shuffle_seq,
    final_seq_length,
    seed,
) -> dict:
    args = dict(
        template_len=template_len,
        padding=padding,
        scale_coeff=scale_coeff,
        max_translation=max_translation,
        corr_noise_scale=corr_noise_scale,
        iid_noise_scale=iid_noise_scale,
        shear_scale=shear_scale,
        final_seq_length=final_seq_length,
    )
    templates = mnist1d_templates()
    # the legacy generator, seeded as the package seeds numpy's global one: same draws
    rng = np.random.RandomState(seed)
    per_class = num_samples // len(templates["y"])
    xs, ys = [], []
    for label in templates["y"]:
        for _ in range(per_class):
            xs.append(_transform(templates["x"][label], rng, args))
            ys.append(label)
    # the coordinates are stretched and resampled like every signal, with no randomness
    new_t = _resample(_resample(templates["t"], template_len + padding[1]), final_seq_length)
    order = rng.permutation(len(ys))
    xs = np.stack(xs)[order]
    ys = np.stack(ys).astype(np.int64)[order]
    if shuffle_seq:
        xs = xs[..., rng.permutation(final_seq_length)]
    new_t = new_t / xs.std()
    xs = (xs - xs.mean()) / xs.std()
    split = int(len(ys) * train_split)
    return {
        "x": xs[:split],
        "y": ys[:split],
        "x_test": xs[split:],
        "y_test": ys[split:],
        "t": new_t,
        "templates": templates,
    }


__all__ = ["make_mnist1d", "mnist1d_templates"]
