"""Run a layer in twingrad and in PyTorch with the same parameters and compare everything.

``make(lib)`` builds the layer with ``lib`` being `twingrad` or `torch`; PyTorch's
parameters and buffers are copied into ours through ``load_state_dict`` (as numpy arrays),
so both compute with the same numbers. `check_module` then compares outputs, the input
gradient, every parameter gradient and every buffer after the forward (BatchNorm's running
statistics), in float64 and float32.
"""

from __future__ import annotations

import numpy as np
import torch

import twingrad
from torch_compare import TOL, assert_close

DTYPES = {
    "float64": (twingrad.float64, torch.float64),
    "float32": (twingrad.float32, torch.float32),
}


def numpy_state(module: torch.nn.Module) -> dict:
    """A PyTorch module's state_dict as numpy arrays."""
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


def twins(make, dtype: str = "float64"):
    """(ours, theirs): the same layer in both libraries, with PyTorch's parameters."""
    ours_dtype, torch_dtype = DTYPES[dtype]
    theirs = make(torch).to(torch_dtype)
    ours = make(twingrad).to(ours_dtype)
    ours.load_state_dict(numpy_state(theirs))
    return ours, theirs


def _leaf(lib, array: np.ndarray, dtype: str):
    if array.dtype.kind == "f":
        return lib.tensor(array.astype(dtype), requires_grad=True)
    return lib.tensor(array)


def check_module(
    make,
    *inputs,
    dtypes=("float64", "float32"),
    train: bool = True,
    steps: int = 1,
    rtol=None,
    atol=None,
) -> None:
    """Assert that the layer gives PyTorch's outputs, input and parameter gradients, and
    buffers, for ``steps`` forward/backward passes (running statistics accumulate)."""
    for dtype in dtypes:
        r, a = TOL[dtype]
        r, a = rtol or r, atol or a
        ours, theirs = twins(make, dtype)
        ours.train(train)
        theirs.train(train)
        for step in range(steps):
            ours_in = [_leaf(twingrad, np.asarray(x), dtype) for x in inputs]
            torch_in = [_leaf(torch, np.asarray(x), dtype) for x in inputs]
            o, t = ours(*ours_in), theirs(*torch_in)
            what = f"[{dtype} step {step}]"
            assert tuple(o.shape) == tuple(t.shape), f"{what} shape {o.shape} != {t.shape}"
            assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], what
            assert_close(o.detach().numpy(), t.detach().numpy(), r, a, f"{what} output")
            seed = np.random.default_rng(step).standard_normal(tuple(t.shape)).astype(dtype)
            if t.requires_grad:
                (o * twingrad.tensor(seed)).sum().backward()
                (t * torch.tensor(seed)).sum().backward()
            for i, (x_o, x_t) in enumerate(zip(ours_in, torch_in)):
                if x_t.grad is not None:
                    assert_close(x_o.grad.numpy(), x_t.grad.numpy(), r, a, f"{what} input {i} grad")
            theirs_params = dict(theirs.named_parameters())
            for name, p in ours.named_parameters():
                tp = theirs_params[name]
                if tp.grad is None:
                    assert p.grad is None, f"{what} {name}: a gradient where torch has none"
                    continue
                assert p.grad is not None, f"{what} {name}: no gradient"
                assert_close(p.grad.numpy(), tp.grad.numpy(), r, a, f"{what} {name}.grad")
            theirs_buffers = dict(theirs.named_buffers())
            for name, b in ours.named_buffers():
                assert_close(b.numpy(), theirs_buffers[name].numpy(), r, a, f"{what} {name}")
