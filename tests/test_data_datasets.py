"""The generated datasets: shapes, labels, geometry, seeds, and MNIST-1D equal to the package."""

from __future__ import annotations

import mnist1d.data
import numpy as np
import pytest

from twingrad.data import (
    make_circles,
    make_mnist1d,
    make_moons,
    make_spirals,
    make_xor,
    mnist1d_templates,
)

TOY = [make_moons, make_circles, make_spirals, make_xor]


@pytest.mark.parametrize("make", TOY)
def test_toy_datasets_are_float64_points_with_int64_labels_and_reproducible(make):
    X, y = make(120, noise=0.1, seed=3)
    assert X.shape == (120, 2) and X.dtype == np.float64
    assert y.shape == (120,) and y.dtype == np.int64
    X2, y2 = make(120, noise=0.1, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(120, noise=0.1, seed=4)
    assert not np.array_equal(X, X3)


def test_circles_lie_on_two_radii_without_noise():
    X, y = make_circles(50, factor=0.3)
    radii = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radii[y == 0], 1.0)
    np.testing.assert_allclose(radii[y == 1], 0.3)
    assert np.bincount(y).tolist() == [25, 25]


def test_spiral_arms_start_at_the_centre_and_end_on_the_unit_circle():
    X, y = make_spirals(31, n_classes=3, noise=0.0)
    assert np.bincount(y).tolist() == [11, 10, 10]
    for k in range(3):
        arm = X[y == k]
        assert np.hypot(*arm[0]) == 0.0
        assert np.hypot(*arm[-1]) == pytest.approx(1.0)
        # each arm turns through 4 radians, starting 4k radians round
        assert np.arctan2(arm[-1, 0], arm[-1, 1]) == pytest.approx(
            np.angle(np.exp(1j * 4.0 * (k + 1)))
        )


def test_xor_labels_are_the_sign_disagreement():
    X, y = make_xor(400, noise=0.2, seed=0)
    near = np.abs(X).min(axis=1) > 0.3  # points that did not drift across an axis
    np.testing.assert_array_equal(y[near], (np.sign(X[near, 0]) != np.sign(X[near, 1])))
    assert np.bincount(y).tolist() == [200, 200]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_circles(1), "make_circles needs at least 2 samples, got 1"),
        (lambda: make_circles(10, factor=1.5), r"factor must be in \[0, 1\), got 1.5"),
        (lambda: make_spirals(10, n_classes=1), "at least 2 classes, got 1"),
        (lambda: make_xor(3), "make_xor needs at least 4 samples, got 3"),
        (lambda: make_mnist1d(num_samples=5), "at least 10 samples"),
        (lambda: make_mnist1d(padding=(10, 5)), r"padding must be \(low, high\)"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _package_dataset(**changes):
    args = mnist1d.data.get_dataset_args()
    for key, value in changes.items():
        setattr(args, key, value)
    # make_dataset generates in memory; get_dataset would download and unpickle a file
    return mnist1d.data.make_dataset(args)


def test_mnist1d_defaults_equal_the_mnist1d_package_bit_for_bit():
    ours, theirs = make_mnist1d(), _package_dataset()
    assert ours["x"].shape == (4000, 40) and ours["x_test"].shape == (1000, 40)
    assert ours["y"].dtype == np.int64 and sorted(set(ours["y"].tolist())) == list(range(10))
    for key in ("x", "y", "x_test", "y_test", "t"):
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
    for key in ("x", "t", "y"):
        np.testing.assert_array_equal(ours["templates"][key], theirs["templates"][key])


def test_mnist1d_other_arguments_equal_the_package_too():
    changes = dict(
        num_samples=600,
        train_split=0.5,
        padding=[20, 44],
        max_translation=30,
        shuffle_seq=True,
        final_seq_length=32,
        shear_scale=1.5,
        seed=7,
    )
    theirs = _package_dataset(**changes)
    ours = make_mnist1d(**{**changes, "padding": tuple(changes["padding"])})
    assert ours["x"].shape == (300, 32)
    for key in ("x", "y", "x_test", "y_test", "t"):
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_mnist1d_is_standardized_and_leaves_numpys_global_generator_alone():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    data = make_mnist1d(num_samples=200, seed=1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    everything = np.concatenate([data["x"], data["x_test"]])
    assert everything.mean() == pytest.approx(0.0, abs=1e-12)
    assert everything.std() == pytest.approx(1.0, rel=1e-12)


def test_mnist1d_returns_fresh_copies_of_its_cached_arrays():
    first = make_mnist1d(num_samples=100)
    first["x"][:] = 0.0
    first["templates"]["x"][:] = 0.0
    again = make_mnist1d(num_samples=100)
    assert np.abs(again["x"]).sum() > 0 and np.abs(again["templates"]["x"]).sum() > 0


def test_templates_start_and_end_at_zero():
    x = mnist1d_templates()["x"]
    np.testing.assert_array_equal(x[:, 0], 0.0)
    np.testing.assert_allclose(x[:, -1], 0.0, atol=1e-15)
