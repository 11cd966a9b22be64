"""A tensor prints as PyTorch prints it, with ``twingrad.`` where PyTorch says ``torch.``."""

from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import twingrad


def torch_text(t: torch.Tensor) -> str:
    return repr(t).replace("torch.", "twingrad.")


def same_repr(array: np.ndarray, **kwargs) -> None:
    ours = repr(twingrad.tensor(array, **kwargs))
    theirs = torch_text(torch.tensor(array, **kwargs))
    assert ours == theirs, f"\nours:  {ours}\ntorch: {theirs}"


VALUES = [
    [1.0, 2.0, 3.0],  # whole numbers: "1.", padded to one width
    [1.5, -2.25, 10.0],  # 4 decimals
    [1e-5, 1.0],  # below 1e-4: scientific
    [1e9, 1.0],  # above 1e8: scientific
    [0.001, 2.0],  # a range over 1000x: scientific
    [0.0, -0.0, 0.0],  # zeros only
    [1.0, float("nan"), float("inf"), -float("inf")],  # nan and inf take no part in widths
    [float("nan")],
    [123456.0, 1.0],
    [-1.0, 100.0],
    [0.1, 0.25, 12.5],
    [1e-4, 0.5],
    [5e7, 1.0],
]


@pytest.mark.parametrize("values", VALUES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_repr_matches_torch(values, dtype):
    same_repr(np.array(values, dtype=dtype))


@pytest.mark.parametrize(
    "array",
    [
        np.array(3.5),  # 0-d
        np.array(-7),
        np.array(True),
        np.array([1, -20, 300]),
        np.array([True, False]),
        np.array([True, True]),  # no padding when every element is as wide
        np.arange(30, dtype=np.float64) * 1.2345,  # wraps at 80 characters
        np.arange(24).reshape(2, 3, 4),
        np.arange(24.0).reshape(2, 3, 4) / 7,
        np.arange(2000),  # summarized: first and last three
        np.arange(2500.0).reshape(50, 50),
        np.arange(3000).reshape(10, 15, 20),
        np.zeros((0,)),
        np.zeros((2, 0)),
        np.zeros((0, 3), dtype=np.int64),
        np.zeros((0,), dtype=bool),
    ],
    ids=lambda a: f"{a.dtype}{a.shape}",
)
def test_repr_of_shapes_and_dtypes_matches_torch(array):
    same_repr(array)


def test_repr_suffixes_match_torch():
    x = np.array([1.5, 2.0])
    same_repr(x, requires_grad=True)
    for lib_dtype in ("float64", "float32"):
        ours = twingrad.tensor(x, dtype=getattr(twingrad, lib_dtype), requires_grad=True)
        theirs = torch.tensor(x, dtype=getattr(torch, lib_dtype), requires_grad=True)
        assert repr(ours) == torch_text(theirs)
        assert repr(ours * 2) == torch_text(theirs * 2)  # grad_fn=<MulBackward0>
    # a long last line moves the suffixes to a line of their own
    long = np.arange(12, dtype=np.float64) + 0.5
    ours = twingrad.tensor(long, dtype=twingrad.float64, requires_grad=True)
    theirs = torch.tensor(long, dtype=torch.float64, requires_grad=True)
    assert repr(ours) == torch_text(theirs)
    assert "\n" in repr(ours)


def test_repr_follows_the_default_dtype():
    try:
        for lib in (twingrad, torch):
            lib.set_default_dtype(lib.float64)
        same_repr(np.array([1.5, 2.0], dtype=np.float32))  # now the one that names its dtype
        same_repr(np.array([1.5, 2.0]))
        same_repr(np.zeros((0,), dtype=np.float32))
    finally:
        for lib in (twingrad, torch):
            lib.set_default_dtype(lib.float32)


def test_print_options_match_torch():
    x = np.array([1.123456, 2.5, 1e-5])
    try:
        for lib in (twingrad, torch):
            lib.set_printoptions(precision=2, sci_mode=False)
        same_repr(x)
        for lib in (twingrad, torch):
            lib.set_printoptions(threshold=5, edgeitems=2)
        same_repr(np.arange(10))
    finally:
        for lib in (twingrad, torch):
            lib.set_printoptions(profile="default")
    same_repr(x)


def test_exact_tensors_print_fractions():
    x = twingrad.tensor([Fraction(1, 3), Fraction(5), Fraction(-7, 2)])
    assert repr(x) == "tensor([ 1/3,    5, -7/2], dtype=twingrad.fraction)"


MAGNITUDES = st.sampled_from([0.0, 1.0, 3.0, 0.5, 1e-6, 1e-3, 123.456, 1e5, 1e9, -2.0, -0.75])


@settings(max_examples=150, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=7),
        elements=st.one_of(
            MAGNITUDES,
            st.sampled_from([float("nan"), float("inf"), -float("inf")]),
            st.floats(-1e4, 1e4, width=32),
        ),
    )
)
def test_random_arrays_print_as_torch(array):
    same_repr(array)
