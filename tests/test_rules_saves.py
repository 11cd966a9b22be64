"""What a rule declares its backward saves decides where an in-place change is refused, as
PyTorch refuses only where it saved the tensor: these ops read only their input's shape (or
softmax, its output), so changing the input in place after them is allowed, with the same
gradient as PyTorch's; an op that saves its input refuses, as PyTorch does."""

import numpy as np
import pytest
import torch

import twingrad

OPS = {
    "flip": lambda lib, a: a.flip(0),
    "cat": lambda lib, a: lib.cat([a, a], 0),
    "repeat": lambda lib, a: a.repeat(2, 1),
    "pad": lambda lib, a: lib.nn.functional.pad(a, (1, 1)),
    "cumsum": lambda lib, a: a.cumsum(1),
    "softmax": lambda lib, a: a.softmax(1),
    "log_softmax": lambda lib, a: a.log_softmax(1),
}


def _changed_after(lib, op):
    x = lib.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    a = x * 1
    y = op(lib, a)
    with lib.no_grad():
        a.add_(1)
    (y * y).sum().backward()
    return x.grad.numpy()


@pytest.mark.parametrize("name", OPS)
def test_an_input_the_backward_does_not_save_may_change_in_place(name):
    np.testing.assert_allclose(
        _changed_after(twingrad, OPS[name]), _changed_after(torch, OPS[name]), rtol=1e-6
    )


@pytest.mark.parametrize(
    "op", [lambda lib, a: a * a, lambda lib, a: a.sin(), lambda lib, a: a @ a.T]
)
def test_an_input_the_backward_saves_may_not(op):
    for lib in (torch, twingrad):
        with pytest.raises(RuntimeError, match="modified by an inplace operation|in-place"):
            _changed_after(lib, op)
