"""Bad input: refused where PyTorch refuses it, with a message that says what was wrong
in the user's terms (the shapes, the dtype, the element), and nothing half-done."""

import numpy as np
import pytest
import torch

import twingrad
from torch_compare import check_raises


def both_raise(fn, error=Exception, match: str | None = None) -> None:
    """``fn(lib)`` raises in PyTorch and in twingrad; ours with a message matching."""
    for lib in (torch, twingrad):
        with pytest.raises(error) as info:
            fn(lib)
        if lib is twingrad and match is not None:
            assert info.match(match)


def test_shapes_that_do_not_fit_are_named():
    a, b = np.ones((2, 3)), np.ones((4, 3))
    check_raises(lambda t, x, y: x + y, a, b, match=r"\(2, 3\) and \(4, 3\)")
    check_raises(lambda t, x, y: x * y, a, np.ones(2), match=r"\(2, 3\) and \(2,\)")
    check_raises(lambda t, x, y: x @ y, a, b, match=r"\(2x3 and 4x3\)")
    check_raises(lambda t, x, y: x.view(4), a, b, match=r"'\[4\]' .* size 6 \(shape \[2, 3\]\)")
    check_raises(lambda t, x, y: x.reshape(-1, 4), a, b, match=r"\[2, 3\]")
    check_raises(lambda t, x, y: x.expand(4, 3), a, b, match=r"Tensor sizes: \[2, 3\]")
    check_raises(lambda t, x, y: x.add_(y), a, b, match=r"\(2, 3\) and \(4, 3\)")
    check_raises(lambda t, x, y: x[:1].mul_(y), a, a, match=r"\[1, 3\] .* \[2, 3\]")


def test_unsupported_dtypes_are_named():
    for array, name in [
        (np.array([1 + 2j]), "complex128"),
        (np.array([1.0], dtype=np.float16), "float16"),
        (np.array(["a"]), "<U1"),
    ]:
        with pytest.raises(TypeError, match=f"{name}.* not supported by twingrad"):
            twingrad.tensor(array)
    with pytest.raises(TypeError, match="supported: bool, int64, float32, float64, fraction"):
        twingrad.zeros(2, dtype=np.complex64)
    both_raise(lambda lib: lib.tensor(["a", "b"]), (TypeError, ValueError), match="type str: 'a'")
    both_raise(lambda lib: lib.tensor([1.0, None]), (TypeError, RuntimeError), match="NoneType")


def test_ragged_lists_say_where():
    both_raise(
        lambda lib: lib.tensor([[1, 2], [3]]),
        ValueError,
        match=r"element \[0\] has shape \[2\] but element \[1\] has shape \[1\]",
    )
    both_raise(
        lambda lib: lib.tensor([[[1], [2]], [[3], [4, 5]]]),
        ValueError,
        match=r"element \[1\]\[0\] has shape \[1\] but element \[1\]\[1\] has shape \[2\]",
    )


def test_reading_a_tensor_the_wrong_way_is_refused():
    both_raise(lambda lib: lib.tensor([1.0, 2.0]).item(), RuntimeError, match="2 elements")
    both_raise(lambda lib: lib.tensor([]).item(), RuntimeError, match="0 elements")
    both_raise(lambda lib: bool(lib.tensor([1.0, 2.0])), RuntimeError, match="ambiguous")
    both_raise(lambda lib: [1, 2][lib.tensor(1.0)], TypeError, match="integer tensors")
    both_raise(
        lambda lib: lib.tensor([1.0], requires_grad=True).numpy(),
        RuntimeError,
        match=r"detach\(\)\.numpy\(\)",
    )
    both_raise(lambda lib: lib.zeros(-1), (RuntimeError, ValueError), match="non-negative")
    both_raise(lambda lib: lib.ones(2, 3).size(2), IndexError, match=r"range of \[-2, 1\]")


def test_bad_gradients_are_refused():
    def wrong_shape(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.grad = lib.ones(3)

    both_raise(wrong_shape, RuntimeError, match=r"shape \(3,\) but the tensor has shape \(2,\)")

    def not_a_tensor(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.grad = [1.0, 1.0]

    both_raise(not_a_tensor, TypeError, match="must be a Tensor")
    both_raise(
        lambda lib: lib.tensor([1, 2]).requires_grad_(),
        RuntimeError,
        match="floating point dtype .* got twingrad.int64",
    )


def test_a_refused_op_leaves_its_operands_as_they_were():
    x = twingrad.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    h = x * 1
    version, history = h._version[0], h.grad_fn.name()
    for bad in (
        lambda: h.add_(twingrad.ones(2, 3)),
        lambda: h.mul_(twingrad.ones(4)),
        lambda: h.copy_(twingrad.ones(5, 3)),
    ):
        with pytest.raises(RuntimeError):
            bad()
        assert h.tolist() == [[1.0, 2.0, 3.0]]
        assert h._version[0] == version and h.grad_fn.name() == history
    h.sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0, 1.0]]
